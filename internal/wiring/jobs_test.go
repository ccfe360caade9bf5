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

func (r *running) do(t *testing.T, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, r.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
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
