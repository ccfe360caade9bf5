package wiring

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/jobs"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
)

// The callback tests' tenants: acme signs with two secrets (rotation) and
// may call loopback receivers; strict may not; bare has no secret.
var (
	hookSecretNew = "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("n3w-"), 8))
	hookSecretOld = "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("0ld-"), 8))
	hookKeys      = map[string]string{"acme": "acme-hooks-k3y", "strict": "strict-hooks-k3y", "bare": "bare-hooks-k3y"}
)

// startHooksApp runs biogen over the fake model at url with the three
// tenants, one job worker, logging to log.
func startHooksApp(t *testing.T, url, dataDir string, log *slog.Logger) *running {
	t.Helper()
	tenantYAML := func(id, webhooks string) string {
		return "  - id: " + id + "\n    keys:\n      - {digest: \"" + tenant.Digest(hookKeys[id]) + "\", scopes: [bios]}\n" +
			"    chain: [big]\n    cache: {exact: false, semantic: false}\n    rate_limit:\n      requests_per_second: 100000\n" + webhooks
	}
	yaml := "data_dir: " + dataDir + "\nserver:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n" +
		"  write_timeout: 20s\n  job_workers: 1\nproviders:\n" + ollamaProviderTimeout("big", url, "5s") + "tenants:\n" +
		tenantYAML("acme", "    webhooks:\n      secrets: [\""+hookSecretNew+"\", \""+hookSecretOld+"\"]\n      allow_private_targets: true\n") +
		tenantYAML("strict", "    webhooks:\n      secrets: [\""+hookSecretNew+"\"]\n") +
		tenantYAML("bare", "")
	return runAppLog(t, loadConfig(t, yaml), log)
}

// as sends a request with the key of tenant id.
func (r *running) as(t *testing.T, id, method, path, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, r.base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+hookKeys[id])
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// submitHooked submits a job of n items for tenant id with callbackURL.
func (r *running) submitHooked(t *testing.T, id string, n int, callbackURL string) (*http.Response, []byte) {
	t.Helper()
	return r.as(t, id, "POST", "/v1/jobs", `{"callback_url":`+fmt.Sprintf("%q", callbackURL)+`,`+strings.TrimPrefix(jobBody(t, n), "{"))
}

// acmeJob reads GET /v1/jobs/{id} as tenant acme.
func (r *running) acmeJob(t *testing.T, id string) jobView {
	t.Helper()
	resp, b := r.as(t, "acme", "GET", "/v1/jobs/"+id, "")
	var j jobView
	if resp.StatusCode != 200 || json.Unmarshal(b, &j) != nil {
		t.Fatalf("get job: %d %s", resp.StatusCode, b)
	}
	return j
}

// deliveries reads GET /v1/jobs/{id}/deliveries as tenant acme until
// until says it is there.
func (r *running) deliveries(t *testing.T, id string, until func(jobs.Deliveries) bool) jobs.Deliveries {
	t.Helper()
	var ds jobs.Deliveries
	for range 1000 {
		resp, b := r.as(t, "acme", "GET", "/v1/jobs/"+id+"/deliveries", "")
		if resp.StatusCode != 200 || json.Unmarshal(b, &ds) != nil {
			t.Fatalf("deliveries: %d %s", resp.StatusCode, b)
		}
		if until(ds) {
			return ds
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("job %s: deliveries %+v never got there", id, ds)
	return ds
}

func delivered(ds jobs.Deliveries) bool {
	return len(ds.Deliveries) == 1 && ds.Deliveries[0].State == "delivered"
}

// hookReceiver keeps every request; while hold is set, a request waits
// until its sender gives up on it.
type hookReceiver struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []hookRequest
	hold bool
	held chan struct{} // closed when a held request arrives
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T) *hookReceiver {
	r := &hookReceiver{held: make(chan struct{})}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, hookRequest{header: req.Header.Clone(), body: b})
		hold := r.hold
		r.mu.Unlock()
		if hold {
			close(r.held)
			<-req.Context().Done()
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.reqs...)
}

// verify checks a callback with the reference library, for each of
// acme's secrets, and that a tampered body fails; it returns the body.
func verify(t *testing.T, r hookRequest) map[string]any {
	t.Helper()
	for _, secret := range []string{hookSecretNew, hookSecretOld} {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		// The receiver knows one secret; the signature holds one per
		// secret, space-separated.
		if err := wh.Verify(r.body, r.header); err != nil {
			t.Fatalf("a receiver with one of the secrets: %v\n%s", err, r.body)
		}
		tampered := bytes.Replace(r.body, []byte(`"total":`), []byte(`"total":1`), 1)
		if bytes.Equal(tampered, r.body) || wh.Verify(tampered, r.header) == nil {
			t.Fatalf("a tampered body passes:\n%s", tampered)
		}
	}
	var out map[string]any
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkBody checks that a callback's body is the job's end.
func checkBody(t *testing.T, got map[string]any, j jobView) {
	t.Helper()
	want := map[string]any{"type": "job.completed", "timestamp": *j.FinishedAt,
		"data": map[string]any{"id": j.ID, "status": j.Status, "total": float64(j.Total), "done": float64(j.Done), "failed": float64(j.Failed)}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got body %v; want %v", got, want)
	}
}

// TestJobCallbacks: through the whole service, a job's end sends one
// callback, signed with each of the tenant's secrets (the reference
// library verifies each; a tampered body fails), whose body is the job's
// end, succeeded or cancelled; GET /v1/jobs/{id}/deliveries shows it to
// the tenant (404 to another); the logs hold no secret, body or URL path.
func TestJobCallbacks(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{FirstToken: 50 * time.Millisecond})
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := startHooksApp(t, url, t.TempDir(), log)
	rcv := newHookReceiver(t)
	hookURL := rcv.URL + "/hooks/bios?token=s3cr3t-t0ken"

	// Succeeded.
	resp, b := r.submitHooked(t, "acme", 2, hookURL)
	var sub struct{ ID string }
	if resp.StatusCode != 202 || json.Unmarshal(b, &sub) != nil {
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
	ds := r.deliveries(t, sub.ID, delivered)
	j := r.acmeJob(t, sub.ID)
	reqs := rcv.requests()
	if j.Status != "succeeded" || len(reqs) != 1 {
		t.Fatalf("job %+v, %d callbacks; want succeeded, one", j, len(reqs))
	}
	checkBody(t, verify(t, reqs[0]), j)
	d := ds.Deliveries[0]
	if ds.JobID != sub.ID || d.ID != "msg_"+sub.ID || reqs[0].header.Get("webhook-id") != d.ID || d.Target != rcv.URL ||
		len(d.Attempts) != 1 || d.Attempts[0].Status != 204 || d.Attempts[0].Error != nil || d.FinishedAt == nil {
		t.Fatalf("got deliveries %+v", ds)
	}
	if resp, _ := r.as(t, "strict", "GET", "/v1/jobs/"+sub.ID+"/deliveries", ""); resp.StatusCode != 404 {
		t.Fatalf("another tenant's deliveries: %d; want 404", resp.StatusCode)
	}

	// Cancelled at once: the item running ends it.
	_, b = r.submitHooked(t, "acme", 10, hookURL)
	json.Unmarshal(b, &sub)
	if resp, b := r.as(t, "acme", "DELETE", "/v1/jobs/"+sub.ID, ""); resp.StatusCode != 200 {
		t.Fatalf("cancel: %d %s", resp.StatusCode, b)
	}
	r.deliveries(t, sub.ID, delivered)
	j = r.acmeJob(t, sub.ID)
	reqs = rcv.requests()
	if j.Status != "cancelled" || j.Done > 1 || len(reqs) != 2 {
		t.Fatalf("job %+v, %d callbacks; want cancelled, two callbacks in all", j, len(reqs))
	}
	checkBody(t, verify(t, reqs[1]), j)

	logMu.Lock()
	out := logs.String()
	logMu.Unlock()
	if !strings.Contains(out, "webhook attempt") || !strings.Contains(out, "job callback delivered") {
		t.Fatalf("no callback lines in the log:\n%s", out)
	}
	for _, leak := range []string{hookSecretNew[6:20], hookSecretOld[6:20], "/hooks/bios", "s3cr3t-t0ken", "job.completed",
		reqs[0].header.Get("webhook-signature")[3:20]} {
		if strings.Contains(out, leak) {
			t.Fatalf("the log holds %q:\n%s", leak, out)
		}
	}
}

// lockedWriter serialises writes to a buffer the test reads.
type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestJobCallbackTargetsChecked: at POST /v1/jobs, a callback URL the
// tenant may not call is 422 at /callback_url and nothing is queued:
// loopback without allow_private_targets, the metadata address even with
// it, any URL for a tenant without a secret.
func TestJobCallbackTargetsChecked(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	r := startHooksApp(t, url, t.TempDir(), quiet)
	rcv := newHookReceiver(t)
	before := fake.Requests()
	f := func(id, callbackURL, want string) {
		t.Helper()
		resp, b := r.submitHooked(t, id, 1, callbackURL)
		var p bio.Problem
		if resp.StatusCode != 422 || json.Unmarshal(b, &p) != nil || p.Code != bio.ProblemValidationFailed || len(p.Errors) != 1 ||
			p.Errors[0].Pointer != "/callback_url" || !strings.Contains(p.Errors[0].Detail, want) {
			t.Fatalf("%s, %s: got %d %s; want 422 at /callback_url saying %q", id, callbackURL, resp.StatusCode, b, want)
		}
	}
	loopback := strings.Replace(rcv.URL, "http://", "https://", 1) + "/hooks"
	f("strict", loopback, "loopback address")
	f("strict", rcv.URL+"/hooks", "must be https")
	f("acme", "http://169.254.169.254/latest/meta-data/", "metadata address")
	f("acme", "https://169.254.169.254/latest/meta-data/", "metadata address")
	f("bare", rcv.URL+"/hooks", "no webhook signing secret")
	f("acme", "ftp://example.com/hooks", "https")
	time.Sleep(50 * time.Millisecond)
	if n := fake.Requests() - before; n != 0 {
		t.Fatalf("the model saw %d requests; want none", n)
	}
	stored := 0
	r.app.store.View(func(tx *store.Tx) error {
		return tx.Scan(jobs.Bucket, "", func(string, store.Record) (bool, error) { stored++; return true, nil })
	})
	if stored != 0 || len(rcv.requests()) != 0 {
		t.Fatalf("%d job records stored, %d callbacks sent; want none", stored, len(rcv.requests()))
	}
	// The same loopback receiver, for the tenant allowed to reach it.
	if resp, b := r.submitHooked(t, "acme", 1, rcv.URL+"/hooks"); resp.StatusCode != 202 {
		t.Fatalf("acme's loopback receiver: %d %s", resp.StatusCode, b)
	}
}

// TestJobCallbackOwedAcrossRestart: a callback cut off by shutdown (the
// receiver held its request) is sent by the next biogen on the same
// data_dir, with the same id and bytes, and its log keeps both attempts;
// a third start sends nothing.
func TestJobCallbackOwedAcrossRestart(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	dir := t.TempDir()
	rcv := newHookReceiver(t)
	rcv.hold = true
	r := startHooksApp(t, url, dir, quiet)
	resp, b := r.submitHooked(t, "acme", 1, rcv.URL+"/hooks")
	var sub struct{ ID string }
	if resp.StatusCode != 202 || json.Unmarshal(b, &sub) != nil {
		t.Fatalf("submit: %d %s", resp.StatusCode, b)
	}
	<-rcv.held
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	rcv.mu.Lock()
	rcv.hold = false
	rcv.mu.Unlock()

	r = startHooksApp(t, url, dir, quiet)
	ds := r.deliveries(t, sub.ID, delivered)
	reqs := rcv.requests()
	a := ds.Deliveries[0].Attempts
	if len(reqs) != 2 || len(a) != 2 || a[0].Error == nil || *a[0].Error != "cancelled" || a[1].Status != 204 {
		t.Fatalf("%d requests, attempts %+v; want the cut one, then the delivered one", len(reqs), ds)
	}
	if !bytes.Equal(reqs[0].body, reqs[1].body) || reqs[0].header.Get("webhook-id") != reqs[1].header.Get("webhook-id") {
		t.Fatalf("the restart sent other bytes or another id:\n%s\n%s", reqs[0].body, reqs[1].body)
	}
	checkBody(t, verify(t, reqs[1]), r.acmeJob(t, sub.ID))
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}

	r = startHooksApp(t, url, dir, quiet)
	if err := r.stop(); err != nil { // waits for any delivery its start began
		t.Fatal(err)
	}
	// Any attempt, even one cut off at once, would be in the log.
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m, err := jobs.New(jobs.Config{Store: st, Answers: noAnswers{}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	after, err := m.Deliveries("acme", sub.ID)
	if err != nil || len(after.Deliveries) != 1 || len(after.Deliveries[0].Attempts) != 2 || len(rcv.requests()) != 2 {
		t.Fatalf("after a third start: %+v, %v, %d requests; want the two attempts only", after, err, len(rcv.requests()))
	}
}

// noAnswers answers nothing: a Manager that only reads.
type noAnswers struct{}

func (noAnswers) Answer(context.Context, answer.Call) (answer.Reply, error) {
	return answer.Reply{}, errors.New("no answers here")
}
