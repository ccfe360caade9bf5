package wiring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/jobs"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
)

// Two tenants' API keys for the job tests: each tenant has one of scope
// bios and acme one of scope erase.
const (
	acmeJobsKey   = "acme-jobs-secret-k3y"
	acmeEraseKey  = "acme-erase-secret-k3y"
	globexJobsKey = "globex-jobs-secret-k3y"
)

// startKeyedJobsApp runs biogen over the fake model at url with the
// tenants acme and globex, their caches off so that every item calls the
// model, and one job worker; r.do sends acme's key of scope bios.
func startKeyedJobsApp(t *testing.T, url, dataDir string) *running {
	t.Helper()
	tenantYAML := func(id string, keys ...[2]string) string {
		s := "  - id: " + id + "\n    keys:\n"
		for _, k := range keys {
			s += fmt.Sprintf("      - {digest: %q, scopes: [%s]}\n", tenant.Digest(k[0]), k[1])
		}
		return s + "    chain: [big]\n    cache: {exact: false, semantic: false}\n    rate_limit:\n      requests_per_second: 100000\n"
	}
	r := startAppYAML(t, "data_dir: "+dataDir+"\nserver:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n"+
		"  write_timeout: 20s\n  job_workers: 1\nproviders:\n"+ollamaProviderTimeout("big", url, "5s")+"tenants:\n"+
		tenantYAML("acme", [2]string{acmeJobsKey, "bios"}, [2]string{acmeEraseKey, "erase"})+
		tenantYAML("globex", [2]string{globexJobsKey, "bios"}))
	r.key = acmeJobsKey
	return r
}

// posted is a job's answer, read whole.
type posted struct {
	status int
	header http.Header
	body   []byte
}

func (p posted) String() string { return fmt.Sprintf("%d %s", p.status, p.body) }

// postJobKey posts a job with apiKey and an Idempotency-Key.
func (r *running) postJobKey(t *testing.T, apiKey, body, key string) posted {
	t.Helper()
	resp, b := r.call(t, apiKey, "POST", "/v1/jobs", body, "Idempotency-Key", key)
	return posted{resp.StatusCode, resp.Header, b}
}

// jobID checks that a is a job's first 202, not a replay, and returns its id.
func jobID(t *testing.T, a posted) string {
	t.Helper()
	var sub jobs.Submitted
	if a.status != 202 || json.Unmarshal(a.body, &sub) != nil || sub.Status != "queued" || a.header.Get("Location") != "/v1/jobs/"+sub.ID ||
		a.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("submit: %d %v %s", a.status, a.header, a.body)
	}
	return sub.ID
}

// replayed checks that a is first again, byte for byte with its Location,
// marked replayed.
func replayed(t *testing.T, a, first posted, what string) {
	t.Helper()
	if a.status != first.status || !bytes.Equal(a.body, first.body) || a.header.Get("Location") != first.header.Get("Location") ||
		a.header.Get("Content-Type") != first.header.Get("Content-Type") || a.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("%s: %d %v\n%s\nfirst: %d %v\n%s", what, a.status, a.header, a.body, first.status, first.header, first.body)
	}
}

// storedJobs returns the ids of the jobs stored for tenant: every job
// created, whatever the API shows.
func (r *running) storedJobs(t *testing.T, tenant string) []string {
	t.Helper()
	var ids []string
	err := r.app.store.View(func(tx *store.Tx) error {
		return tx.Scan(jobs.Bucket, tenant+"\x00", func(key string, _ store.Record) (bool, error) {
			if id, ok := strings.CutSuffix(strings.TrimPrefix(key, tenant+"\x00"), "\x00h"); ok {
				ids = append(ids, id)
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestJobIdempotencyThroughTheService: through the whole service, a job
// sent again with its key is the first 202 byte for byte, and one job
// runs, one model call per item; another body or other whitespace is
// 422; another tenant's same key is its own job; an invalid body leaves
// the key free; the record outlives the erasure of the job's users (it is
// no one's) and a restart.
func TestJobIdempotencyThroughTheService(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	dataDir := t.TempDir()
	r := startKeyedJobsApp(t, url, dataDir)
	before := fake.Requests()
	const n = 3
	body := jobBody(t, n) // users w-0, w-1, w-2
	first := r.postJobKey(t, acmeJobsKey, body, "batch-1")
	id := jobID(t, first)
	for i := range 2 {
		replayed(t, r.postJobKey(t, acmeJobsKey, body, "batch-1"), first, fmt.Sprintf("replay %d", i))
	}
	for what, other := range map[string]string{
		"another body":     strings.Replace(body, `"short"`, `"long"`, 1),
		"other whitespace": strings.Replace(body, `{"items":[`, "{\n  \"items\": [", 1),
	} {
		a := r.postJobKey(t, acmeJobsKey, other, "batch-1")
		var p bio.Problem
		if a.status != 422 || json.Unmarshal(a.body, &p) != nil || p.Code != bio.ProblemIdempotencyKeyReused {
			t.Fatalf("%s: %d %s; want 422 %s", what, a.status, a.body, bio.ProblemIdempotencyKeyReused)
		}
	}
	j := r.waitJob(t, id, func(j jobView) bool { return j.Status == "succeeded" })
	if ids := r.storedJobs(t, "acme"); len(ids) != 1 || ids[0] != id {
		t.Fatalf("acme's stored jobs: %v; want only %s", ids, id)
	}
	if got := fake.Requests() - before; got != n || j.Done != n {
		t.Fatalf("the model saw %d requests, the job has %d done; want %d, one per item of one job", got, j.Done, n)
	}

	// Another tenant's same key and body: its own job.
	other := r.postJobKey(t, globexJobsKey, body, "batch-1")
	if otherID := jobID(t, other); otherID == id || len(r.storedJobs(t, "globex")) != 1 {
		t.Fatalf("globex: job %s, stored %v; want a job of its own", otherID, r.storedJobs(t, "globex"))
	}
	replayed(t, r.postJobKey(t, acmeJobsKey, body, "batch-1"), first, "acme's replay after globex's job")

	// An invalid body is refused and leaves its key free.
	invalid := strings.Replace(body, `"name":"Ada Okafor",`, ``, 1)
	if a := r.postJobKey(t, acmeJobsKey, invalid, "batch-2"); a.status != 422 || !strings.Contains(string(a.body), `"validation_failed"`) {
		t.Fatalf("an invalid job: %d %s", a.status, a.body)
	}
	second := r.postJobKey(t, acmeJobsKey, jobBody(t, 1), "batch-2")
	if secondID := jobID(t, second); secondID == id || len(r.storedJobs(t, "acme")) != 2 {
		t.Fatalf("the retry with a valid body: %s, stored %v", secondID, r.storedJobs(t, "acme"))
	}

	// Erasing the job's users takes their items, not the key's record.
	for _, user := range []string{"w-0", "w-1", "w-2"} {
		resp, b := r.call(t, acmeEraseKey, "DELETE", "/v1/users/"+user, "")
		var out struct{ Erased map[string]int }
		if resp.StatusCode != 200 || json.Unmarshal(b, &out) != nil || out.Erased["idempotency"] != 0 || out.Erased["jobs"] == 0 {
			t.Fatalf("erase %s: %d %s; want job items and no idempotency record", user, resp.StatusCode, b)
		}
	}
	replayed(t, r.postJobKey(t, acmeJobsKey, body, "batch-1"), first, "after the erasures")

	// A new process on the same data_dir replays it still, and makes no job.
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = startKeyedJobsApp(t, url, dataDir)
	replayed(t, r.postJobKey(t, acmeJobsKey, body, "batch-1"), first, "after a restart")
	replayed(t, r.postJobKey(t, acmeJobsKey, jobBody(t, 1), "batch-2"), second, "the second job after a restart")
	if ids := r.storedJobs(t, "acme"); len(ids) != 2 {
		t.Fatalf("acme's stored jobs after the replays: %v; want 2", ids)
	}
}

// TestJobIdempotencyInFlightThroughTheService: two requests with one key
// and body while the store is held (so the one that claims the key waits
// inside Submit): the other is 409 at once; the first is the 202, kept,
// and one job is stored.
func TestJobIdempotencyInFlightThroughTheService(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	r := startKeyedJobsApp(t, url, t.TempDir())
	body := jobBody(t, 2)
	held, release, done := make(chan struct{}), make(chan struct{}), make(chan error)
	go func() {
		done <- r.app.store.Update(func(*store.Tx) error { close(held); <-release; return nil })
	}()
	<-held
	answers := make(chan posted, 2)
	for range 2 {
		go func() { answers <- r.postJobKey(t, acmeJobsKey, body, "batch-1") }()
	}
	// Only the request that lost the claim can answer while the store is
	// held; the other waits in Submit for the write. (The deadline is for
	// a failure only: both waiting there.)
	var busy posted
	select {
	case busy = <-answers:
	case <-time.After(5 * time.Second):
		close(release)
		<-done
		t.Fatalf("no answer while the store is held: both requests wait to store a job (%v, %v)", <-answers, <-answers)
	}
	var p bio.Problem
	if busy.status != 409 || json.Unmarshal(busy.body, &p) != nil || p.Code != bio.ProblemIdempotencyKeyInFlight || busy.header.Get("Retry-After") == "" {
		close(release)
		<-done
		<-answers
		t.Fatalf("the second request while the first is held: %d %s; want 409 %s", busy.status, busy.body, bio.ProblemIdempotencyKeyInFlight)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	first := <-answers
	id := jobID(t, first)
	replayed(t, r.postJobKey(t, acmeJobsKey, body, "batch-1"), first, "after the first answered")
	if ids := r.storedJobs(t, "acme"); len(ids) != 1 || ids[0] != id {
		t.Fatalf("stored jobs: %v; want only %s", ids, id)
	}
}
