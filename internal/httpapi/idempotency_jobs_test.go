package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/jobs"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
)

// fakeJobs is a job manager in memory that counts its submissions. hold,
// if set, decides for each call of Submit (1, 2, ...) whether it signals
// started and waits for release first; failNext makes the next Submit
// fail, as a store that cannot write.
type fakeJobs struct {
	calls    atomic.Int64
	hold     func(call int64) bool
	started  chan struct{}
	release  chan struct{}
	failNext atomic.Bool
	st       *store.Store // where what Submit's also returns is put

	mu   sync.Mutex
	jobs map[string]*jobs.Job // by tenant, a zero byte and id
}

func newFakeJobs() *fakeJobs {
	return &fakeJobs{started: make(chan struct{}, 8), release: make(chan struct{}), jobs: map[string]*jobs.Job{}}
}

// jobsOf returns the job manager of a test server: nil (the job routes
// 404) unless the options give one.
func jobsOf(o testOptions) Jobs {
	if o.jobs == nil {
		return nil
	}
	return o.jobs
}

func (f *fakeJobs) Submit(t *tenant.Tenant, items []jobs.Item, callbackURL string, also func(jobs.Submitted) ([]store.Write, error)) (jobs.Submitted, error) {
	n := f.calls.Add(1)
	if f.hold != nil && f.hold(n) {
		f.started <- struct{}{}
		<-f.release
	}
	if f.failNext.CompareAndSwap(true, false) {
		return jobs.Submitted{}, errors.New("cannot store a job: the disk is full")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id := fmt.Sprintf("job_%02d", len(f.jobs)+1)
	sub := jobs.Submitted{ID: id, Status: jobs.StatusQueued, Total: len(items)}
	if also != nil {
		ws, err := also(sub)
		if err != nil {
			return jobs.Submitted{}, err
		}
		for _, w := range ws {
			if err := f.st.Update(func(tx *store.Tx) error { return tx.Put(w.Bucket, w.Key, w.Record) }); err != nil {
				return jobs.Submitted{}, err
			}
		}
	}
	f.jobs[t.ID+"\x00"+id] = &jobs.Job{ID: id, Status: jobs.StatusQueued, Total: len(items)}
	return sub, nil
}

func (f *fakeJobs) Get(tenantID, id string) (*jobs.Job, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if j := f.jobs[tenantID+"\x00"+id]; j != nil {
		return j, nil
	}
	return nil, jobs.ErrNotFound
}

func (f *fakeJobs) Cancel(tenantID, id string) (*jobs.Job, error) { return f.Get(tenantID, id) }

func (f *fakeJobs) Deliveries(tenantID, id string) (*jobs.Deliveries, error) {
	if _, err := f.Get(tenantID, id); err != nil {
		return nil, err
	}
	return &jobs.Deliveries{JobID: id}, nil
}

// created returns how many jobs were created, in every tenant.
func (f *fakeJobs) created() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.jobs)
}

// jobReq is a valid job of two items; the second item's user is w-2.
var jobReq = `{"items":[` + validReq + `,` + strings.Replace(validReq, `"w-10423"`, `"w-2"`, 1) + `]}`

// postJob posts body to /v1/jobs with key's Idempotency-Key, and more
// headers.
func (ts *testServer) postJob(apiKey, body, key string, headers ...string) *result {
	ts.t.Helper()
	return ts.do("POST", "/v1/jobs", apiKey, body, append([]string{"Idempotency-Key", key}, headers...)...)
}

// submitted checks that r is a job's first 202 (not a replay) and returns
// the job's id.
func submitted(t *testing.T, r *result) string {
	t.Helper()
	var sub jobs.Submitted
	if r.status != 202 || json.Unmarshal(r.body, &sub) != nil || sub.ID == "" || r.header.Get("Location") != "/v1/jobs/"+sub.ID ||
		r.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("submit: %d %v %s", r.status, r.header, r.body)
	}
	return sub.ID
}

// TestJobIdempotentReplay: the same key and body get the first 202 again,
// byte for byte with its Location, marked replayed, and no second job is
// created; without the key the body is a new job.
func TestJobIdempotentReplay(t *testing.T) {
	fj := newFakeJobs()
	ts := startServer(t, testOptions{idempotent: true, jobs: fj})
	first := ts.postJob(keyFull, jobReq, "batch-1")
	id := submitted(t, first)
	for i := range 2 {
		r := ts.postJob(keyFull, jobReq, "batch-1")
		if r.status != 202 || !bytes.Equal(r.body, first.body) {
			t.Fatalf("replay %d: %d\n%s\nfirst:\n%s", i, r.status, r.body, first.body)
		}
		for _, h := range []string{"Location", "Content-Type"} {
			if r.header.Get(h) != first.header.Get(h) {
				t.Fatalf("replay %d: %s %q; first %q", i, h, r.header.Get(h), first.header.Get(h))
			}
		}
		if r.header.Get("Idempotent-Replayed") != "true" || r.header.Get("X-Request-Id") == first.header.Get("X-Request-Id") ||
			r.header.Get("X-Cache") != "" || strings.Contains(r.header.Get("Server-Timing"), "provider") {
			t.Fatalf("replay %d headers: %v", i, r.header)
		}
	}
	if n := fj.created(); n != 1 {
		t.Fatalf("%d jobs created; want 1", n)
	}
	if r := ts.do("GET", "/v1/jobs/"+id, keyFull, ""); r.status != 200 {
		t.Fatalf("GET the job: %d %s", r.status, r.body)
	}
	if r := ts.do("POST", "/v1/jobs", keyFull, jobReq); submitted(t, r) == id || fj.created() != 2 {
		t.Fatalf("without the key: %s, %d jobs", r.body, fj.created())
	}
}

// TestJobIdempotencyKeyReused: the same key with another body, or with
// the same JSON in other whitespace, is a 422 and creates nothing; a key
// kept for a bio is a reuse on the job route, even with the very same
// body, and a job's key on the bio route.
func TestJobIdempotencyKeyReused(t *testing.T) {
	fj, m := newFakeJobs(), newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true, jobs: fj})
	submitted(t, ts.postJob(keyFull, jobReq, "batch-1"))
	reused := func(r *result, what string) {
		t.Helper()
		if r.status != 422 || r.problem(t).Code != bio.ProblemIdempotencyKeyReused {
			t.Fatalf("%s: %d %s; want 422 %s", what, r.status, r.body, bio.ProblemIdempotencyKeyReused)
		}
	}
	reused(ts.postJob(keyFull, strings.Replace(jobReq, `"short"`, `"medium"`, 1), "batch-1"), "another body")
	reused(ts.postJob(keyFull, strings.Replace(jobReq, `{"items":[`, `{ "items": [`, 1), "batch-1"), "other whitespace")
	reused(ts.idem(keyFull, "batch-1"), "the job's key on POST /v1/bios")
	if r := ts.idem(keyFull, "bio-1"); r.status != 200 {
		t.Fatalf("a bio: %d %s", r.status, r.body)
	}
	reused(ts.do("POST", "/v1/jobs", keyFull, validReq, "Idempotency-Key", "bio-1"), "the bio's key and body on POST /v1/jobs")
	if fj.created() != 1 || fj.calls.Load() != 1 || m.calls.Load() != 1 {
		t.Fatalf("%d jobs, %d submissions, %d model calls; want 1 each", fj.created(), fj.calls.Load(), m.calls.Load())
	}
}

// TestJobIdempotencyKeyInFlight: while the first request with a key is
// being submitted, the same key is a 409 (a 422 with another body); the
// first then answers, and is what the next replays.
func TestJobIdempotencyKeyInFlight(t *testing.T) {
	fj := newFakeJobs()
	fj.hold = func(n int64) bool { return n == 1 }
	ts := startServer(t, testOptions{idempotent: true, jobs: fj})
	done := make(chan *result)
	go func() { done <- ts.postJob(keyFull, jobReq, "batch-1") }()
	<-fj.started // the first request holds the key, inside Submit
	r := ts.postJob(keyFull, jobReq, "batch-1")
	if r.status != 409 || r.problem(t).Code != bio.ProblemIdempotencyKeyInFlight || r.header.Get("Retry-After") == "" {
		t.Fatalf("while running: %d %s", r.status, r.body)
	}
	if r := ts.postJob(keyFull, strings.Replace(jobReq, `"short"`, `"long"`, 1), "batch-1"); r.status != 422 {
		t.Fatalf("another body while running: %d %s", r.status, r.body)
	}
	close(fj.release)
	first := <-done
	submitted(t, first)
	if r := ts.postJob(keyFull, jobReq, "batch-1"); r.status != 202 || !bytes.Equal(r.body, first.body) ||
		r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("after: %d %s", r.status, r.body)
	}
	if fj.calls.Load() != 1 || fj.created() != 1 {
		t.Fatalf("%d submissions, %d jobs; want 1", fj.calls.Load(), fj.created())
	}
}

// TestJobIdempotencyPerTenant: two tenants' same key and body are two
// jobs, each replayed to its own tenant only.
func TestJobIdempotencyPerTenant(t *testing.T) {
	fj := newFakeJobs()
	ts := startServer(t, testOptions{idempotent: true, jobs: fj})
	a, b := ts.postJob(keyFull, jobReq, "batch-1"), ts.postJob(keyOther, jobReq, "batch-1")
	idA, idB := submitted(t, a), submitted(t, b)
	if idA == idB || fj.created() != 2 {
		t.Fatalf("two tenants: ids %s %s, %d jobs", idA, idB, fj.created())
	}
	for _, x := range []struct {
		apiKey string
		want   *result
	}{{keyOther, b}, {keyFull, a}, {keyBios, a}} { // keyBios: tenant A's other API key
		if r := ts.postJob(x.apiKey, jobReq, "batch-1"); !bytes.Equal(r.body, x.want.body) || r.header.Get("Location") != x.want.header.Get("Location") {
			t.Fatalf("replay with %s: %s %s; want %s", x.apiKey, r.header.Get("Location"), r.body, x.want.body)
		}
	}
	if r := ts.do("GET", "/v1/jobs/"+idA, keyOther, ""); r.status != 404 {
		t.Fatalf("tenant B reads tenant A's job: %d", r.status)
	}
	if fj.created() != 2 {
		t.Fatalf("%d jobs; want 2", fj.created())
	}
}

// TestJobIdempotencyExpires: a job's answer is kept 24 hours; then the
// key makes a new job.
func TestJobIdempotencyExpires(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	fj := newFakeJobs()
	ts := startServer(t, testOptions{idempotent: true, jobs: fj, now: clock})
	first := ts.postJob(keyFull, jobReq, "batch-1")
	id := submitted(t, first)
	now.Add(int64(24*time.Hour - time.Second))
	if r := ts.postJob(keyFull, jobReq, "batch-1"); !bytes.Equal(r.body, first.body) || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("within 24 hours: %d %s", r.status, r.body)
	}
	now.Add(int64(time.Second))
	if r := ts.postJob(keyFull, jobReq, "batch-1"); submitted(t, r) == id || fj.created() != 2 {
		t.Fatalf("after 24 hours: %s, %d jobs", r.body, fj.created())
	}
}

// TestJobIdempotencyFailuresNotKept: an invalid body (422), a malformed
// one (400) and a failed submission (500) leave the key free: the retry
// with a valid body is a new job, kept then.
func TestJobIdempotencyFailuresNotKept(t *testing.T) {
	fj := newFakeJobs()
	ts := startServer(t, testOptions{idempotent: true, jobs: fj})
	invalid := strings.Replace(jobReq, `"name":"Ada Okafor",`, ``, 1)
	for _, x := range []struct {
		body   string
		status int
		code   bio.ProblemCode
	}{
		{invalid, 422, bio.ProblemValidationFailed},
		{invalid, 422, bio.ProblemValidationFailed}, // again: a check, not a replay of the 422
		{`{"items":`, 400, bio.ProblemMalformedJSON},
	} {
		r := ts.postJob(keyFull, x.body, "batch-1")
		if r.status != x.status || r.problem(t).Code != x.code || r.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("%.40s: %d %s; want %d %s", x.body, r.status, r.body, x.status, x.code)
		}
	}
	fj.failNext.Store(true)
	if r := ts.postJob(keyFull, jobReq, "batch-2"); r.status != 500 || r.problem(t).Code != bio.ProblemInternal {
		t.Fatalf("a failed submission: %d %s", r.status, r.body)
	}
	if ts.keeper.InFlight() != 0 || fj.created() != 0 {
		t.Fatalf("%d keys claimed, %d jobs; want none", ts.keeper.InFlight(), fj.created())
	}
	for i, key := range []string{"batch-1", "batch-2"} {
		r := ts.postJob(keyFull, jobReq, key)
		submitted(t, r)
		if fj.created() != i+1 {
			t.Fatalf("%s: %d jobs; want %d", key, fj.created(), i+1)
		}
		if r2 := ts.postJob(keyFull, jobReq, key); !bytes.Equal(r2.body, r.body) || r2.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("%s not kept after its 202: %s", key, r2.body)
		}
	}
}

// TestJobIdempotencyOutlivesErasure: a job's answer belongs to no user:
// erasing the job's users counts no idempotency record, and the key still
// replays the job.
func TestJobIdempotencyOutlivesErasure(t *testing.T) {
	fj := newFakeJobs()
	ts := startServer(t, testOptions{idempotent: true, jobs: fj})
	first := ts.postJob(keyFull, jobReq, "batch-1")
	submitted(t, first)
	for _, user := range []string{"w-10423", "w-2"} {
		if r := ts.do("DELETE", "/v1/users/"+user, keyErase, ""); r.status != 200 || !strings.Contains(string(r.body), `"idempotency":0`) {
			t.Fatalf("erase %s: %d %s", user, r.status, r.body)
		}
	}
	if r := ts.postJob(keyFull, jobReq, "batch-1"); !bytes.Equal(r.body, first.body) || r.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("after the erasures: %d %s", r.status, r.body)
	}
	if fj.created() != 1 {
		t.Fatalf("%d jobs; want 1", fj.created())
	}
}
