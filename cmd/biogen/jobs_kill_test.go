package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
)

// killItemName is the profile name of item i of the job, distinct per
// item so that the fake model can tell which item a call is for:
// "Ada Qaaa", "Ada Qaab", ...
func killItemName(i int) string {
	return fmt.Sprintf("Ada Qa%c%c", 'a'+i/26, 'a'+i%26)
}

// killItemRE finds an item's name in a model call.
var killItemRE = regexp.MustCompile(`Ada Qa[a-z]{2}`)

// killJobBody is a job of n items, each its own user and name.
func killJobBody(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = `{"user_id":"kill-user-` + fmt.Sprint(i) + `","profile":{"name":"` + killItemName(i) + `",
		"current_role":"Principal Data Engineer","company":"Northwind Health","years_experience":12,
		"skills":["Go","Kafka","PostgreSQL"],"achievements":["Cut claims processing time from 3 days to 4 hours"]},
		"options":{"length":"short"}}`
	}
	return `{"items":[` + strings.Join(items, ",") + `]}`
}

// itemCalls counts the model's generation calls per item name. It is safe
// for concurrent use.
type itemCalls struct {
	mu    sync.Mutex
	n     map[string]int
	other int // calls naming no item
}

// wrap counts each generation call h gets, then lets h answer it.
func (c *itemCalls) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/chat" || r.URL.Path == "/api/generate" {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			c.mu.Lock()
			if name := killItemRE.Find(body); name != nil {
				c.n[string(name)]++
			} else {
				c.other++
			}
			c.mu.Unlock()
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		h.ServeHTTP(w, r)
	})
}

// snapshot returns a copy of the counts.
func (c *itemCalls) snapshot() (map[string]int, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := make(map[string]int, len(c.n))
	for k, v := range c.n {
		n[k] = v
	}
	return n, c.other
}

// killJob is GET /v1/jobs/{id}'s answer, each item's bio kept as the
// bytes served.
type killJob struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Total  int    `json:"total"`
	Done   int    `json:"done"`
	Failed int    `json:"failed"`
	Items  []struct {
		Index  int             `json:"index"`
		Status string          `json:"status"`
		Bio    json.RawMessage `json:"bio"`
	} `json:"items"`
}

// getJob reads job id from base.
func getJob(t *testing.T, client *http.Client, base, id string) killJob {
	t.Helper()
	resp, err := client.Get(base + "/v1/jobs/" + id)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	var j killJob
	if err != nil || resp.StatusCode != 200 || json.Unmarshal(b, &j) != nil {
		t.Fatalf("GET job %s: %d %s (%v)", id, resp.StatusCode, b, err)
	}
	return j
}

// pollJob reads job id every few milliseconds until until holds, and
// fails the test when it still does not after a generous while.
func pollJob(t *testing.T, client *http.Client, base, id string, until func(killJob) bool) killJob {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		j := getJob(t, client, base, id)
		if until(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s never got there: status %s, %d of %d done, %d failed", id, j.Status, j.Done, j.Total, j.Failed)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestSIGKILLMidJobAnswersEachItemOnce is issue 14's acceptance test of
// durable jobs: a job's process is killed with SIGKILL while its items are
// being answered, and started again on the same data_dir. The job then
// finishes, every item answered, and only the items whose answer was not
// stored at the kill (at most one per worker) go to the model again: an
// item finished before the kill is never generated again, and its bio is
// served byte for byte as before.
func TestSIGKILLMidJobAnswersEachItemOnce(t *testing.T) {
	const (
		n       = 40
		workers = 2
		// The process is killed at the first GET that shows at least
		// killAt items done: some, far from all (40 items take about 4 s).
		killAt = 6
	)
	calls := &itemCalls{n: map[string]int{}}
	// Each call takes a while, so that the kill lands with items running.
	fake := fakellm.New(fakellm.Config{Models: []string{"writer"}, FirstToken: 200 * time.Millisecond})
	// One configuration, one data_dir (and the store key made in it on
	// first use) for both runs; the caches off, so every item calls the model.
	yaml := ollamaYAML(t, serveFake(t, calls.wrap(fake)), fmt.Sprintf("server:\n  job_workers: %d\n  request_timeout: 30s\n"+
		"tenants:\n  - id: acme\n    chain: [local]\n    cache: {exact: false, semantic: false}\n"+
		"    rate_limit:\n      requests_per_second: 1000\n      per_user: {requests_per_minute: 0}\n", workers))
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()

	p := start(t, yaml)
	waitState(t, p.base, "ok")
	resp, err := client.Post(p.base+"/v1/jobs", "application/json", strings.NewReader(killJobBody(n)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var sub struct{ ID, Status string }
	if resp.StatusCode != 202 || json.Unmarshal(b, &sub) != nil || sub.ID == "" {
		t.Fatalf("POST /v1/jobs: %d %s", resp.StatusCode, b)
	}

	before := pollJob(t, client, p.base, sub.ID, func(j killJob) bool { return j.Done >= killAt })
	if err := p.cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no grace
		t.Fatal(err)
	}
	<-p.exited
	atKill, _ := calls.snapshot()
	if before.Done+before.Failed >= n {
		t.Fatalf("the job ended before the kill (%d of %d done): the kill must land mid-job", before.Done, n)
	}
	finished := map[int]bool{} // items finished at the last GET before the kill
	var running []int
	for _, it := range before.Items {
		switch it.Status {
		case "succeeded":
			finished[it.Index] = true
		case "running":
			running = append(running, it.Index)
		case "queued":
		default:
			t.Fatalf("item %d is %s before the kill; want succeeded, running or queued", it.Index, it.Status)
		}
	}
	t.Logf("killed with %d of %d items done; running at the last GET: %v", before.Done, n, running)
	for i := range finished {
		if got := atKill[killItemName(i)]; got != 1 {
			t.Errorf("item %d, finished before the kill, was generated %d times before it; want 1", i, got)
		}
	}

	p = start(t, yaml)
	after := pollJob(t, client, p.base, sub.ID, func(j killJob) bool {
		return j.Status != "queued" && j.Status != "running"
	})
	if after.Status != "succeeded" || after.Done != n || after.Failed != 0 || after.Total != n {
		t.Errorf("after the restart: status %s, %d of %d done, %d failed; want succeeded, %d of %d done",
			after.Status, after.Done, after.Total, after.Failed, n, n)
	}
	if len(after.Items) != n {
		t.Fatalf("after the restart: %d items; want %d", len(after.Items), n)
	}
	for i, it := range after.Items {
		var got bio.Response
		if it.Index != i || it.Status != "succeeded" || json.Unmarshal(it.Bio, &got) != nil || got.Bio == "" ||
			got.Source != bio.SourceOllama || got.Degraded {
			t.Errorf("item %d: index %d, %s, bio %s; want succeeded with the model's bio", i, it.Index, it.Status, it.Bio)
		}
		if finished[i] && !bytes.Equal(it.Bio, before.Items[i].Bio) {
			t.Errorf("item %d, finished before the kill, changed across the restart:\nbefore %s\nafter  %s", i, before.Items[i].Bio, it.Bio)
		}
	}

	total, other := calls.snapshot()
	var twice []int
	for i := range n {
		name := killItemName(i)
		switch c := total[name]; {
		case c == 0:
			t.Errorf("item %d never reached the model", i)
		case c > 2:
			t.Errorf("item %d reached the model %d times; want once, or twice if it was running at the kill", i, c)
		case c == 2:
			twice = append(twice, i)
			if finished[i] {
				t.Errorf("item %d, finished before the kill, was generated again after it", i)
			}
		}
		if finished[i] && total[name] != atKill[name] {
			t.Errorf("item %d, finished before the kill, reached the model %d times after the restart; want none", i, total[name]-atKill[name])
		}
		// An item not finished at the last GET may have finished before
		// the kill, and then needs no call after the restart.
		if !finished[i] && total[name]-atKill[name] > 1 {
			t.Errorf("item %d reached the model %d times after the restart; want once at most", i, total[name]-atKill[name])
		}
	}
	if len(twice) > workers {
		t.Errorf("items %v were generated twice; want at most %d, one per worker running at the kill", twice, workers)
	}
	if other != 0 {
		t.Errorf("%d model calls named no item", other)
	}
	var later []int // generated twice, not yet running at the last GET
	for _, i := range twice {
		if !finished[i] && !slices.Contains(running, i) {
			later = append(later, i)
		}
	}
	t.Logf("generated twice: %v (of which started after the last GET before the kill: %v)", twice, later)
	if err := p.stop(t); err != nil {
		t.Errorf("exit after the job: %v", err)
	}
}
