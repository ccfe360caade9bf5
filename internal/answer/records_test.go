package answer

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
)

// recorder keeps what RecordBio is given, as the feedback package would;
// refuse makes it drop records, as a full queue does.
type recorder struct {
	mu     sync.Mutex
	refuse bool
	got    []record
}

type record struct {
	tenant, user string
	retention    time.Duration
	r            bio.Response
	started      time.Time
}

func (rc *recorder) record(tenant, user string, retention time.Duration, r *bio.Response, started time.Time) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.refuse {
		return false
	}
	rc.got = append(rc.got, record{tenant, user, retention, *r, started})
	return true
}

func (rc *recorder) records() []record {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]record(nil), rc.got...)
}

// recorded gives a a recorder.
func recorded(a *Answerer) *recorder {
	rc := &recorder{}
	a.recordBio = rc.record
	return rc
}

// TestBioIDs: a generated bio has a new id and a record; a cache hit of the
// same user answers with that id and makes no record, whichever way it is
// found (the body's bytes, the request, a stream, the same facts); a
// re-personalised hit and a regenerated bio are new bios with records of
// their own; a bio whose record was not kept is cached without its id, so
// that its hits are new bios with records.
func TestBioIDs(t *testing.T) {
	a, ten, _ := setup(t)
	ten.CachePolicy.TenantScope = true
	rc := recorded(a)
	ctx := context.Background()
	ask := func(what, body string, cache bio.Cache, stream bool) *bio.Response {
		t.Helper()
		reply, err := a.Answer(ctx, Call{Tenant: ten, RequestID: what, Body: []byte(body), Stream: stream})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		r := reply.Response
		if stream {
			if r, err = reply.Stream(ctx, &sink{}); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		if r.Cache != cache || !strings.HasPrefix(r.ID, "bio_") || r.RequestID != what {
			t.Fatalf("%s: cache %s, id %q, request id %q; want cache %s", what, r.Cache, r.ID, r.RequestID, cache)
		}
		a.WaitCache()
		return r
	}
	records := func(what string, want int) []record {
		t.Helper()
		got := rc.records()
		if len(got) != want {
			t.Fatalf("%s: %d records; want %d", what, len(got), want)
		}
		return got
	}

	first := ask("miss", body, bio.CacheMiss, false)
	if rs := records("miss", 1); rs[0].r.ID != first.ID || rs[0].tenant != "acme" || rs[0].user != "w-1" || rs[0].retention != ten.Retention ||
		rs[0].r.Bio != first.Bio || rs[0].r.Cache != bio.CacheMiss || rs[0].r.Provider != "model" || rs[0].r.Model != "m-1" || rs[0].r.PromptVersion != "bio-v1" {
		t.Fatalf("the miss's record: %+v; want the response %+v", rs[0], first)
	}
	spaced := strings.Replace(body, `"user_id":"w-1",`, `"user_id": "w-1", `, 1)
	reordered := strings.Replace(body, `"Go","Kafka","PostgreSQL"`, `"PostgreSQL","Go","Kafka"`, 1)
	for _, x := range []struct {
		what, body string
		cache      bio.Cache
		stream     bool
	}{
		{"the same bytes", body, bio.CacheExact, false},
		{"the same request", spaced, bio.CacheExact, false},
		{"a stream", body, bio.CacheExact, true},
		{"the same facts", reordered, bio.CacheSemantic, false},
	} {
		if r := ask(x.what, x.body, x.cache, x.stream); r.ID != first.ID || r.Bio != first.Bio {
			t.Fatalf("%s: id %q; want the bio's %q", x.what, r.ID, first.ID)
		}
		records(x.what, 1)
	}

	other := ask("another person", strings.NewReplacer(`"w-1"`, `"w-2"`, "Ada Okafor", "Bea Lindqvist").Replace(body), bio.CacheSemantic, false)
	if rs := records("another person", 2); other.ID == first.ID || rs[1].r.ID != other.ID || rs[1].user != "w-2" ||
		rs[1].r.Cache != bio.CacheSemantic || rs[1].r.Bio != other.Bio || !strings.Contains(other.Bio, "Bea") {
		t.Fatalf("re-personalised: %+v, record %+v; want a new bio with its record", other, rs[1])
	}
	again := ask("another person again", strings.NewReplacer(`"w-1"`, `"w-2"`, "Ada Okafor", "Bea Lindqvist").Replace(body), bio.CacheSemantic, false)
	if again.ID == first.ID {
		t.Fatal("a re-personalised hit answered with the first person's id")
	}

	n := len(rc.records())
	regen := ask("regenerate", strings.Replace(body, `"options"`, `"regenerate":true,"options"`, 1), bio.CacheMiss, false)
	if rs := records("regenerate", n+1); regen.ID == first.ID || rs[n].r.ID != regen.ID {
		t.Fatalf("regenerated: id %q, record %+v; want a new bio with its record", regen.ID, rs[n])
	}

	rc.refuse = true
	third := strings.NewReplacer(`"w-1"`, `"w-3"`, "Northwind Health", "Contoso Labs").Replace(body)
	lost := ask("record not kept", third, bio.CacheMiss, false)
	rc.refuse = false
	n = len(rc.records())
	hit := ask("hit of a bio without a record", third, bio.CacheExact, false)
	if rs := records("hit of a bio without a record", n+1); hit.ID == lost.ID || rs[n].r.ID != hit.ID || rs[n].user != "w-3" || rs[n].r.Cache != bio.CacheExact {
		t.Fatalf("hit: id %q (the miss's %q), record %+v; want a new bio with its record", hit.ID, lost.ID, rs[n])
	}
}

// TestHitPastRetention: a hit on an entry older than its tenant's
// retention (less a request's timeout: the record was made just before the
// entry) cannot answer with the bio's id, whose record is gone: it is a new
// bio with a record.
func TestHitPastRetention(t *testing.T) {
	a, ten, _ := setup(t)
	ten.Retention = time.Hour
	rc := recorded(a)
	var skew time.Duration
	a.now = func() time.Time { return time.Now().Add(skew) }
	ctx := context.Background()
	first, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	a.WaitCache()
	skew = time.Hour - a.timeout - time.Minute
	r, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body)})
	if err != nil || r.Response.ID != first.Response.ID || len(rc.records()) != 1 {
		t.Fatalf("within the retention: %+v, %v, %d records", r.Response, err, len(rc.records()))
	}
	skew = time.Hour - a.timeout
	r, err = a.Answer(ctx, Call{Tenant: ten, Body: []byte(body)})
	if err != nil || r.Response.Cache != bio.CacheExact || r.Response.ID == first.Response.ID || len(rc.records()) != 2 || rc.records()[1].r.ID != r.Response.ID {
		t.Fatalf("past the retention: %+v, %v, %d records", r.Response, err, len(rc.records()))
	}
}

// TestEraseCountsFeedback: Erase reports the feedback and bio records the
// feedback keeper removed.
func TestEraseCountsFeedback(t *testing.T) {
	a, ten, _ := setup(t)
	var who string
	a.eraseFeedback = func(tenantID, user string) (int, int, error) {
		who = tenantID + "/" + user
		return 2, 5, nil
	}
	e, err := a.Erase(context.Background(), ten, "w-1")
	if err != nil || e.Feedback != 2 || e.BioRecords != 5 || who != "acme/w-1" {
		t.Fatalf("erased %+v of %s, %v", e, who, err)
	}
}

// TestRecordStarted: a bio's record is given when the request's data was
// taken in, so that a user erased since has no record made: a job item's
// Call.Since (when a worker read it, before the call), for a generated bio
// and a re-personalised hit alike; else the call's start.
func TestRecordStarted(t *testing.T) {
	a, ten, _ := setup(t)
	ten.CachePolicy.TenantScope = true
	rc := recorded(a)
	ctx := context.Background()
	ask := func(what, body string, since time.Time, cache bio.Cache) time.Time {
		t.Helper()
		req, err := bio.Decode([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		n := len(rc.records())
		before := time.Now()
		reply, err := a.Answer(ctx, Call{Tenant: ten, RequestID: what, Request: req, Since: since})
		if err != nil || reply.Response.Cache != cache {
			t.Fatalf("%s: %+v, %v; want cache %s", what, reply.Response, err, cache)
		}
		a.WaitCache()
		rs := rc.records()
		if len(rs) != n+1 || rs[n].r.ID != reply.Response.ID {
			t.Fatalf("%s: %d records; want a new one of %s", what, len(rs)-n, reply.Response.ID)
		}
		if since.IsZero() && rs[n].started.Before(before) {
			t.Fatalf("%s: started %v; want the call's start, after %v", what, rs[n].started, before)
		}
		return rs[n].started
	}
	read := time.Now().Add(-time.Minute)
	if got := ask("a job item's miss", body, read, bio.CacheMiss); !got.Equal(read) {
		t.Fatalf("a job item's miss: started %v; want when the item was read, %v", got, read)
	}
	other := strings.NewReplacer(`"w-1"`, `"w-2"`, "Ada Okafor", "Bea Lindqvist").Replace(body)
	if got := ask("a job item's re-personalised hit", other, read, bio.CacheSemantic); !got.Equal(read) {
		t.Fatalf("a job item's re-personalised hit: started %v; want when the item was read, %v", got, read)
	}
	third := strings.NewReplacer(`"w-1"`, `"w-3"`, "Northwind Health", "Contoso Labs").Replace(body)
	ask("a synchronous miss", third, time.Time{}, bio.CacheMiss)
}
