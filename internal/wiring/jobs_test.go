package wiring

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
)

// jobView is GET /v1/jobs/{id}'s answer, as the tests read it.
type jobView struct {
	ID         string  `json:"id"`
	Status     string  `json:"status"`
	Total      int     `json:"total"`
	Done       int     `json:"done"`
	Failed     int     `json:"failed"`
	FinishedAt *string `json:"finished_at"`
	Items      []struct {
		Index  int           `json:"index"`
		Status string        `json:"status"`
		Bio    *bio.Response `json:"bio"`
		Error  *bio.Problem  `json:"error"`
	} `json:"items"`
}

// startJobsApp runs biogen over the fake model at url, the caches off so
// that every item calls the model, with one job worker.
func startJobsApp(t *testing.T, url, dataDir string) *running {
	t.Helper()
	return startAppYAML(t, "data_dir: "+dataDir+"\nserver:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n"+
		"  write_timeout: 20s\n  job_workers: 1\nproviders:\n"+ollamaProviderTimeout("big", url, "5s")+
		"tenants:\n  - id: acme\n    chain: [big]\n    cache: {exact: false, semantic: false}\n    rate_limit:\n      requests_per_second: 100000\n")
}

// jobBody is a job of n items, each its own user.
func jobBody(t *testing.T, n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = string(withUser(t, []byte(bioRequest), fmt.Sprintf("w-%d", i)))
	}
	return `{"items":[` + strings.Join(items, ",") + `]}`
}

// do sends a request with r.key, if set, and returns the answer and its
// body.
func (r *running) do(t *testing.T, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	return r.call(t, r.key, method, path, body)
}

// call sends a request with apiKey (none if empty) and more headers
// (name, value, ...), and returns the answer and its body.
func (r *running) call(t *testing.T, apiKey, method, path, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+apiKey)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func (r *running) submit(t *testing.T, body string) string {
	t.Helper()
	resp, b := r.do(t, "POST", "/v1/jobs", body)
	var sub struct {
		ID, Status string
		Total      int
	}
	if resp.StatusCode != 202 || json.Unmarshal(b, &sub) != nil || sub.Status != "queued" || resp.Header.Get("Location") != "/v1/jobs/"+sub.ID {
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
	return sub.ID
}

func (r *running) job(t *testing.T, id string) jobView {
	t.Helper()
	resp, b := r.do(t, "GET", "/v1/jobs/"+id, "")
	var j jobView
	if resp.StatusCode != 200 || json.Unmarshal(b, &j) != nil {
		t.Fatalf("get job: %d %s", resp.StatusCode, b)
	}
	return j
}

// waitJob polls the job until until says it is there.
func (r *running) waitJob(t *testing.T, id string, until func(jobView) bool) jobView {
	t.Helper()
	for range 1000 {
		if j := r.job(t, id); until(j) {
			return j
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("job %s: %+v never got there", id, r.job(t, id))
	return jobView{}
}

// TestJobAnswersEachItemOnce: a job of N items through the fake model is
// answered, every item by one model call, and GET shows it.
func TestJobAnswersEachItemOnce(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	r := startJobsApp(t, url, t.TempDir())
	before := fake.Requests()
	const n = 6
	id := r.submit(t, jobBody(t, n))
	j := r.waitJob(t, id, func(j jobView) bool { return j.Status == "succeeded" })
	if j.Done != n || j.Failed != 0 || j.Total != n || j.FinishedAt == nil || len(j.Items) != n {
		t.Fatalf("got %+v; want %d items done", j, n)
	}
	for i, it := range j.Items {
		if it.Index != i || it.Status != "succeeded" || it.Bio == nil || it.Bio.ID == "" || it.Error != nil {
			t.Fatalf("item %d: %+v", i, it)
		}
	}
	if got := fake.Requests() - before; got != n {
		t.Fatalf("the model saw %d requests; want %d, one per item", got, n)
	}
}

// TestJobValidation: a bad item is 422 with its pointer under /items, and
// nothing is queued.
func TestJobValidation(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	r := startJobsApp(t, url, t.TempDir())
	before := fake.Requests()
	bad := strings.Replace(jobBody(t, 5), `"name":"Ada Okafor",`, ``, 1) // item 0
	items := strings.SplitN(jobBody(t, 5), `"name":"Ada Okafor",`, 5)
	bad3 := strings.Join(items[:4], `"name":"Ada Okafor",`) + items[4] // item 3
	f := func(body, pointer string) {
		t.Helper()
		resp, b := r.do(t, "POST", "/v1/jobs", body)
		var p bio.Problem
		if resp.StatusCode != 422 || json.Unmarshal(b, &p) != nil || p.Code != bio.ProblemValidationFailed ||
			len(p.Errors) == 0 || p.Errors[0].Pointer != pointer {
			t.Fatalf("got %d %s; want 422 at %s", resp.StatusCode, b, pointer)
		}
	}
	f(bad, "/items/0/profile/name")
	f(bad3, "/items/3/profile/name")
	f(`{"items":[]}`, "/items")
	f(`{"items":[{}],"extra":1}`, "/extra")
	// A tenant without webhook secrets cannot take a callback.
	f(`{"callback_url":"https://hr.example/hooks",`+strings.TrimPrefix(jobBody(t, 1), "{"), "/callback_url")
	time.Sleep(50 * time.Millisecond)
	if fake.Requests() != before {
		t.Fatalf("the model saw %d requests; want none", fake.Requests()-before)
	}
	if resp, _ := r.do(t, "GET", "/v1/jobs/job_nope", ""); resp.StatusCode != 404 {
		t.Fatalf("an unknown job: %d; want 404", resp.StatusCode)
	}
}

// TestJobCancel: DELETE cancels the items not yet run.
func TestJobCancel(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{FirstToken: 100 * time.Millisecond})
	r := startJobsApp(t, url, t.TempDir())
	before := fake.Requests()
	id := r.submit(t, jobBody(t, 20))
	resp, b := r.do(t, "DELETE", "/v1/jobs/"+id, "")
	var j jobView
	if resp.StatusCode != 200 || json.Unmarshal(b, &j) != nil || j.Status != "cancelled" {
		t.Fatalf("cancel: %d %s", resp.StatusCode, b)
	}
	j = r.waitJob(t, id, func(j jobView) bool { return j.FinishedAt != nil })
	cancelled := 0
	for _, it := range j.Items {
		if it.Status == "cancelled" {
			cancelled++
		}
	}
	if cancelled < 18 || cancelled+j.Done != 20 {
		t.Fatalf("got %d cancelled, %d done; want at most two run", cancelled, j.Done)
	}
	time.Sleep(200 * time.Millisecond)
	if got := fake.Requests() - before; got != int64(j.Done) {
		t.Fatalf("the model saw %d requests; want %d", got, j.Done)
	}
}

// TestJobResumesAfterRestart: a job running when biogen stops finishes
// after a new start on the same data_dir, each item answered once.
func TestJobResumesAfterRestart(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{FirstToken: 50 * time.Millisecond})
	dir := t.TempDir()
	r := startJobsApp(t, url, dir)
	before := fake.Requests()
	const n = 12
	id := r.submit(t, jobBody(t, n))
	mid := r.waitJob(t, id, func(j jobView) bool { return j.Done >= 2 })
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	if mid.Done == n {
		t.Fatal("the job ended before the stop")
	}
	r = startJobsApp(t, url, dir)
	j := r.waitJob(t, id, func(j jobView) bool { return j.Status == "succeeded" })
	if j.Done != n {
		t.Fatalf("got %+v; want %d done", j, n)
	}
	if got := fake.Requests() - before; got != n {
		t.Fatalf("the model saw %d requests; want %d, one per item", got, n)
	}
}

// TestSyncRequestTakesAJobSlot: with one model slot, held by a job item, a
// synchronous request is answered by the model, not by the template after
// waiting its queue_wait: it takes the item's slot; the item runs again
// afterwards, and the job ends with every item written by the model, once.
func TestSyncRequestTakesAJobSlot(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{FirstToken: 700 * time.Millisecond})
	r := startAppYAML(t, "data_dir: "+t.TempDir()+"\nserver:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n"+
		"  write_timeout: 20s\n  job_workers: 1\nproviders:\n"+ollamaProviderTimeout("big", url, "5s")+
		"    max_concurrent: 1\n    queue_wait: 200ms\n"+
		"tenants:\n  - id: acme\n    chain: [big]\n    cache: {exact: false, semantic: false}\n    rate_limit:\n      requests_per_second: 100000\n")
	before := fake.Requests()
	const n = 3
	id := r.submit(t, jobBody(t, n))
	for fake.Requests() == before { // the first item is in the model
		time.Sleep(5 * time.Millisecond)
	}
	got, _ := r.postJSON(t, "", withUser(t, []byte(bioRequest), "sync-1"))
	if got.Source != bio.SourceOllama || got.Degraded {
		t.Fatalf("the synchronous request: %s, degraded %v, %v; want the model's answer", got.Source, got.Degraded, got.FallbackReasons)
	}
	j := r.waitJob(t, id, func(j jobView) bool { return j.FinishedAt != nil })
	if j.Status != "succeeded" || j.Done != n {
		t.Fatalf("job: %+v", j)
	}
	for i, it := range j.Items {
		if it.Bio == nil || it.Bio.Source != bio.SourceOllama || it.Bio.Degraded {
			t.Fatalf("item %d: %+v; want the model's answer", i, it)
		}
	}
	// n items, the synchronous request, and the item it preempted again.
	if calls := fake.Requests() - before; calls != n+2 || fake.Cancelled() < 1 {
		t.Fatalf("the model saw %d requests (%d cancelled); want %d", calls, fake.Cancelled(), n+2)
	}
}

// TestJobWarmCache: items with "warm_cache": true are written by the model
// and stored in the caches, but the job keeps no bio text of theirs; a
// synchronous request for one of them afterwards is a cache hit that
// reaches no model. A warm_cache that is not a boolean, or one for a
// tenant whose caches are off, is 422 at its pointer.
func TestJobWarmCache(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	r := startAppYAML(t, "data_dir: "+t.TempDir()+"\nserver:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n"+
		"  write_timeout: 20s\nproviders:\n"+ollamaProviderTimeout("big", url, "5s")+
		"tenants:\n  - id: acme\n    chain: [big]\n    rate_limit:\n      requests_per_second: 100000\n")
	const n = 4
	items := make([]string, n)
	for i := range items {
		item := withUser(t, []byte(bioRequest), fmt.Sprintf("warm-%d", i))
		if i < n-1 {
			item = []byte(`{"warm_cache":true,` + strings.TrimPrefix(string(item), "{"))
		}
		items[i] = string(item)
	}
	id := r.submit(t, `{"items":[`+strings.Join(items, ",")+`]}`)
	j := r.waitJob(t, id, func(j jobView) bool { return j.FinishedAt != nil })
	if j.Status != "succeeded" || j.Done != n {
		t.Fatalf("job: %+v", j)
	}
	for i, it := range j.Items {
		warm := i < n-1
		if it.Bio == nil || it.Bio.Source != bio.SourceOllama || it.Bio.Degraded || (it.Bio.Bio == "") != warm {
			t.Fatalf("item %d (warm %v): %+v", i, warm, it.Bio)
		}
	}
	calls := fake.Requests()
	hit, _ := r.postJSON(t, "", withUser(t, []byte(bioRequest), "warm-1"))
	if hit.Cache != bio.CacheExact || hit.Bio == "" || fake.Requests() != calls {
		t.Fatalf("after the warm-up: cache %q, %d more model calls; want an exact hit", hit.Cache, fake.Requests()-calls)
	}
	// The same profile, so the same text: once, the item that is not warm.
	if _, b := r.do(t, "GET", "/v1/jobs/"+id, ""); strings.Count(string(b), hit.Bio[:40]) != 1 {
		t.Fatalf("the job keeps the text of a warm item: %s", b)
	}

	bad := func(r *running, body, pointer string) {
		t.Helper()
		resp, b := r.do(t, "POST", "/v1/jobs", body)
		var p bio.Problem
		if resp.StatusCode != 422 || json.Unmarshal(b, &p) != nil || len(p.Errors) != 1 || p.Errors[0].Pointer != pointer {
			t.Fatalf("got %d %s; want 422 at %s", resp.StatusCode, b, pointer)
		}
	}
	bad(r, `{"items":[`+items[3]+`,`+strings.Replace(items[0], `"warm_cache":true`, `"warm_cache":"yes"`, 1)+`]}`, "/items/1/warm_cache")
	bad(startJobsApp(t, url, t.TempDir()), `{"items":[`+items[0]+`]}`, "/items/0/warm_cache") // caches off
}
