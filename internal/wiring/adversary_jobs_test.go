package wiring

// Adversarial tests of the 1.1 integration features through the whole
// service: callback targets, what is kept and shown of secrets, callback
// URLs and warm_cache bios, tenants' isolation, erasure in the middle of a
// job, cancellation, the body limit, and Idempotency-Key on POST /v1/jobs.
// Every host named is an IP address or a loopback receiver: nothing here
// looks a name up or leaves the machine.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/httpapi"
	"github.com/biogen/biogen/internal/jobs"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
)

// advKeys are the adversary tests' tenants' keys: acme holds every scope,
// caches, signs with two secrets and may call loopback receivers; strict
// signs with one and may not.
var advKeys = map[string]string{"acme": "adv-acme-k3y", "strict": "adv-strict-k3y"}

// startAdvApp runs biogen over the fake model at url with acme and strict,
// one job worker, server settings extra (indented under server:), logging
// to log.
func startAdvApp(t *testing.T, url, dataDir, extra string, log *slog.Logger) *running {
	t.Helper()
	yaml := "data_dir: " + dataDir + "\nserver:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n" +
		"  write_timeout: 20s\n  job_workers: 1\n" + extra + "providers:\n" + ollamaProviderTimeout("big", url, "5s") + "tenants:\n" +
		"  - id: acme\n    keys:\n      - {digest: \"" + tenant.Digest(advKeys["acme"]) + "\", scopes: [admin]}\n" +
		"    chain: [big]\n    rate_limit:\n      requests_per_second: 100000\n" +
		"    webhooks:\n      secrets: [\"" + hookSecretNew + "\", \"" + hookSecretOld + "\"]\n      allow_private_targets: true\n" +
		"  - id: strict\n    keys:\n      - {digest: \"" + tenant.Digest(advKeys["strict"]) + "\", scopes: [bios]}\n" +
		"    chain: [big]\n    cache: {exact: false, semantic: false}\n    rate_limit:\n      requests_per_second: 100000\n" +
		"    webhooks:\n      secrets: [\"" + hookSecretNew + "\"]\n"
	return runAppLog(t, loadConfig(t, yaml), log)
}

// advDo sends a request as tenant id (with more headers: name, value, ...).
func (r *running) advDo(t *testing.T, id, method, path, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	return r.call(t, advKeys[id], method, path, body, headers...)
}

// advSubmit submits body as tenant id and returns the job's id.
func (r *running) advSubmit(t *testing.T, id, body string) string {
	t.Helper()
	resp, b := r.advDo(t, id, "POST", "/v1/jobs", body)
	var sub jobs.Submitted
	if resp.StatusCode != 202 || json.Unmarshal(b, &sub) != nil {
		t.Fatalf("submit as %s: %d %s", id, resp.StatusCode, b)
	}
	return sub.ID
}

// advJob polls tenant id's job until until says it is there.
func (r *running) advJob(t *testing.T, id, job string, until func(jobView) bool) (jobView, []byte) {
	t.Helper()
	var j jobView
	var b []byte
	for range 1000 {
		var resp *http.Response
		resp, b = r.advDo(t, id, "GET", "/v1/jobs/"+job, "")
		if resp.StatusCode != 200 || json.Unmarshal(b, &j) != nil {
			t.Fatalf("get job: %d %s", resp.StatusCode, b)
		}
		if until(j) {
			return j, b
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("job %s: %s never got there", job, b)
	return j, b
}

func ended(j jobView) bool { return j.FinishedAt != nil }

// advDeliveries polls acme's job's deliveries until one is delivered, and
// returns them with the body read.
func (r *running) advDeliveries(t *testing.T, job string) (jobs.Deliveries, []byte) {
	t.Helper()
	var ds jobs.Deliveries
	var b []byte
	for range 1000 {
		var resp *http.Response
		resp, b = r.advDo(t, "acme", "GET", "/v1/jobs/"+job+"/deliveries", "")
		if resp.StatusCode != 200 || json.Unmarshal(b, &ds) != nil {
			t.Fatalf("deliveries: %d %s", resp.StatusCode, b)
		}
		if delivered(ds) {
			return ds, b
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("job %s: deliveries %s never delivered", job, b)
	return ds, b
}

// jobRecords counts the job headers in the store.
func (r *running) jobRecords(t *testing.T) int {
	t.Helper()
	n := 0
	err := r.app.store.View(func(tx *store.Tx) error {
		return tx.Scan(jobs.Bucket, "", func(key string, _ store.Record) (bool, error) {
			if strings.HasSuffix(key, "\x00h") {
				n++
			}
			return true, nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// itemsOf is a job body of one item per user (bioRequest, its user_id
// changed), each prefixed with prefix inside its object ("" for none), and
// a callback URL unless it is "".
func itemsOf(t *testing.T, callbackURL, prefix string, users ...string) string {
	items := make([]string, len(users))
	for i, u := range users {
		items[i] = "{" + prefix + strings.TrimPrefix(string(withUser(t, []byte(bioRequest), u)), "{")
	}
	cb := ""
	if callbackURL != "" {
		cb = fmt.Sprintf(`"callback_url":%q,`, callbackURL)
	}
	return "{" + cb + `"items":[` + strings.Join(items, ",") + `]}`
}

// TestAdversaryCallbackURLsThroughTheApp: POST /v1/jobs refuses, with 422
// at /callback_url and nothing stored, callback URLs that write an inside
// address in IPv6 forms, that carry credentials, that use another scheme,
// that are too long, or that name a metadata or credential service (even
// for a tenant allowed private targets).
func TestAdversaryCallbackURLsThroughTheApp(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	r := startAdvApp(t, url, t.TempDir(), "", quiet)
	before := fake.Requests()
	f := func(id, callbackURL, want string) {
		t.Helper()
		resp, b := r.advDo(t, id, "POST", "/v1/jobs", itemsOf(t, callbackURL, "", "w-1"))
		var p bio.Problem
		if resp.StatusCode != 422 || json.Unmarshal(b, &p) != nil || len(p.Errors) != 1 || p.Errors[0].Pointer != "/callback_url" ||
			!strings.Contains(p.Errors[0].Detail, want) {
			t.Fatalf("%s, %.80s: got %d %s; want 422 at /callback_url saying %q", id, callbackURL, resp.StatusCode, b, want)
		}
	}
	f("strict", "https://[::ffff:7f00:1]/hooks", "loopback address")
	f("strict", "https://[0:0:0:0:0:ffff:127.0.0.1]/hooks", "loopback address")
	f("strict", "https://[64:ff9b::a00:1]/hooks", "private address")
	f("strict", "https://[2002:c0a8:101::1]/hooks", "private address")
	f("strict", "https://[fe80::1%25eth0]/hooks", "link-local address")
	f("strict", "https://[::]/hooks", "unspecified address")
	f("strict", "https://hr.example@127.0.0.1/hooks", "credentials")
	f("strict", "http://93.184.215.14/hooks", "must be https")
	f("strict", "https://168.63.129.16/machine", "metadata address")
	f("acme", "https://[fd20:ce::254]/computeMetadata/v1/", "metadata address")
	f("acme", "http://169.254.170.2/v2/credentials/abc", "metadata address")
	f("acme", "https://[::a9fe:a9fe]/latest/meta-data/", "metadata address")
	f("acme", "https://[::ffff:a9fe:a9fe]/latest/meta-data/", "metadata address")
	f("acme", "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "metadata address")
	f("acme", "https://[2001:0:4136:e378:8000:63bf:5601:5601]/", "metadata address")
	f("acme", "http://0.0.0.0:8080/hooks", "unspecified address")
	f("acme", "file:///etc/passwd", "https")
	f("acme", "gopher://127.0.0.1:70/_x", "https")
	f("acme", "https://127.0.0.1/"+strings.Repeat("a", 2048), "longer than")
	time.Sleep(50 * time.Millisecond)
	if n := fake.Requests() - before; n != 0 || r.jobRecords(t) != 0 {
		t.Fatalf("%d model calls, %d jobs stored; want none", n, r.jobRecords(t))
	}
}

// TestAdversaryNothingInTheOpen: a job of warm_cache items with a callback
// whose URL holds a receiver's token. The callback verifies with each
// secret (the reference library) and carries no bio; no bio text of a
// warm item is shown by GET /v1/jobs/{id}, its deliveries, the callback or
// the logs; the secrets, the URL's path and token, the callback's body and
// the person are nowhere in clear: not the logs, not /metrics, not the
// deliveries route, not data_dir/biogen.db.
func TestAdversaryNothingInTheOpen(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &logs, mu: &logMu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	dir := t.TempDir()
	r := startAdvApp(t, url, dir, "", log)
	rcv := newHookReceiver(t)
	hookURL := rcv.URL + "/hooks/bios-s3cr3t-path?token=s3cr3t-t0ken"

	id := r.advSubmit(t, "acme", itemsOf(t, hookURL, `"warm_cache":true,`, "warm-0", "warm-1", "warm-2"))
	ds, deliveriesBody := r.advDeliveries(t, id)
	j, jobBody := r.advJob(t, "acme", id, ended)
	reqs := rcv.requests()
	if j.Status != "succeeded" || j.Done != 3 || len(reqs) != 1 {
		t.Fatalf("job %+v, %d callbacks", j, len(reqs))
	}
	checkBody(t, verify(t, reqs[0]), j)
	for i, it := range j.Items {
		if it.Bio == nil || it.Bio.Bio != "" || it.Bio.Source != bio.SourceOllama {
			t.Fatalf("warm item %d: %+v; want its bio object without text", i, it.Bio)
		}
	}
	// The text the model wrote for them, now in the caches.
	calls := fake.Requests()
	hit, _ := r.postJSON(t, advKeys["acme"], withUser(t, []byte(bioRequest), "warm-1"))
	if hit.Cache != bio.CacheExact || fake.Requests() != calls || len(hit.Bio) < 60 {
		t.Fatalf("not warmed: %+v", hit)
	}
	text := hit.Bio[10:60]

	_, metrics := r.advDo(t, "acme", "GET", "/metrics", "")
	if !bytes.Contains(metrics, []byte("biogen_webhook")) {
		t.Fatalf("no webhook metrics:\n%.500s", metrics)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	logMu.Lock()
	out := logs.Bytes()
	logMu.Unlock()

	if !bytes.Contains(out, []byte("job callback delivered")) || !bytes.Contains(out, []byte("webhook attempt")) {
		t.Fatalf("the log has no callback lines: nothing was checked:\n%s", out)
	}
	secretNew, secretOld := strings.TrimPrefix(hookSecretNew, "whsec_"), strings.TrimPrefix(hookSecretOld, "whsec_")
	sig := reqs[0].header.Get("webhook-signature")
	never := map[string][]string{
		"a secret":        {secretNew, secretOld, "n3w-n3w-", "0ld-0ld-", sig[3:30]},
		"the URL's path":  {"bios-s3cr3t-path", "s3cr3t-t0ken"},
		"a warm bio":      {text},
		"the person":      {"Ada Okafor", "warm-1", "Northwind Health"},
		"a callback body": {"job.completed", `"done":3`},
	}
	places := map[string][]byte{"the log": out, "/metrics": metrics, "the deliveries": deliveriesBody, "biogen.db": db,
		"GET /v1/jobs": jobBody, "the callback": reqs[0].body}
	allowed := map[string][]string{ // what a place shows by design
		"GET /v1/jobs":   {"the URL's path", "a callback body"}, // the job's own callback_url and counts
		"the callback":   {"a callback body"},
		"the deliveries": {},
	}
	for place, b := range places {
		for what, leaks := range never {
			if slices.Contains(allowed[place], what) {
				continue
			}
			for _, leak := range leaks {
				if bytes.Contains(b, []byte(leak)) {
					t.Errorf("%s holds %s (%q)", place, what, leak)
				}
			}
		}
	}
	if len(ds.Deliveries) != 1 || ds.Deliveries[0].Target != rcv.URL {
		t.Fatalf("deliveries: %+v", ds)
	}
}

// problemBody is a problem's body without what differs between two
// requests (its request id).
func problemBody(t *testing.T, b []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	delete(m, "request_id")
	delete(m, "instance")
	out, _ := json.Marshal(m)
	return string(out)
}

// TestAdversaryOtherTenantsJob: another tenant's job id, and ids made by
// changing a real one, answer GET, DELETE and /deliveries exactly as an
// id that never existed does (404, the same problem), and DELETE by
// another tenant cancels nothing.
func TestAdversaryOtherTenantsJob(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{FirstToken: 100 * time.Millisecond})
	r := startAdvApp(t, url, t.TempDir(), "", quiet)
	id := r.advSubmit(t, "strict", itemsOf(t, "", "", "w-1", "w-2", "w-3"))
	if !regexp.MustCompile(`^job_[0-9A-HJKMNP-TV-Z]{26}$`).MatchString(id) {
		t.Fatalf("job id %q: want job_ and a ULID (80 random bits)", id)
	}
	next := id[:len(id)-1] + string("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHJKMNPQRSTVWXYZ", id[len(id)-1])+1)%32])
	for _, path := range []string{"/v1/jobs/%s", "/v1/jobs/%s/deliveries"} {
		for _, method := range []string{"GET", "DELETE"} {
			if method == "DELETE" && strings.HasSuffix(path, "deliveries") {
				continue
			}
			unknownResp, unknown := r.advDo(t, "acme", method, fmt.Sprintf(path, "job_01JDX3V0000000000000000000"), "")
			for _, probe := range []struct{ who, id string }{{"acme", id}, {"strict", next}, {"acme", next}, {"acme", strings.ToLower(id)}} {
				resp, b := r.advDo(t, probe.who, method, fmt.Sprintf(path, probe.id), "")
				if resp.StatusCode != 404 || unknownResp.StatusCode != 404 || problemBody(t, b) != problemBody(t, unknown) ||
					resp.Header.Get("Content-Type") != unknownResp.Header.Get("Content-Type") {
					t.Fatalf("%s %s as %s: %d %s; want what an unknown id gets: %d %s", method, fmt.Sprintf(path, probe.id), probe.who,
						resp.StatusCode, b, unknownResp.StatusCode, unknown)
				}
			}
		}
	}
	j, _ := r.advJob(t, "strict", id, ended)
	if j.Status != "succeeded" || j.Done != 3 {
		t.Fatalf("another tenant's DELETE touched the job: %+v", j)
	}
}

// TestAdversaryEraseDuplicateUserMidJob: a job holds three items of one
// user and one of another; the user is erased while the first of theirs
// is in the model. The erasure counts the three; the job ends with the
// other user's item alone, none of the erased user's answers kept, and a
// request for the erased user afterwards reaches the model (nothing of
// theirs was cached by the item that ran).
func TestAdversaryEraseDuplicateUserMidJob(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{FirstToken: 300 * time.Millisecond})
	r := startAdvApp(t, url, t.TempDir(), "", quiet)
	before := fake.Requests()
	id := r.advSubmit(t, "acme", itemsOf(t, "", "", "w-dup", "w-dup", "w-dup", "w-other"))
	for deadline := time.Now().Add(10 * time.Second); fake.Requests() == before; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first item never reached the model")
		}
	}
	resp, b := r.advDo(t, "acme", "DELETE", "/v1/users/w-dup", "")
	var erased struct {
		Erased struct{ Jobs, Cache int }
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &erased) != nil || erased.Erased.Jobs != 3 {
		t.Fatalf("erase: %d %s; want the three items counted", resp.StatusCode, b)
	}
	j, jb := r.advJob(t, "acme", id, ended)
	if j.Status != "succeeded" || j.Total != 4 || j.Done != 1 || j.Failed != 0 || len(j.Items) != 1 || j.Items[0].Index != 3 {
		t.Fatalf("job: %s; want the other user's item alone, done", jb)
	}
	calls := fake.Requests()
	got, _ := r.postJSON(t, advKeys["acme"], withUser(t, []byte(bioRequest), "w-dup"))
	if got.Cache != bio.CacheMiss || fake.Requests() == calls {
		t.Fatalf("after the erasure: cache %q, %d model calls; want a miss that calls the model", got.Cache, fake.Requests()-calls)
	}
}

// TestAdversaryCancelTwice: DELETE twice while the job runs, and once
// after it ended, answer 200 with the job each time; the job ends once,
// with one callback, whose counts are the job's.
func TestAdversaryCancelTwice(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{FirstToken: 100 * time.Millisecond})
	r := startAdvApp(t, url, t.TempDir(), "", quiet)
	rcv := newHookReceiver(t)
	id := r.advSubmit(t, "acme", itemsOf(t, rcv.URL+"/hooks", "", "w-1", "w-2", "w-3", "w-4", "w-5"))
	var first jobView
	for i := range 2 {
		resp, b := r.advDo(t, "acme", "DELETE", "/v1/jobs/"+id, "")
		var j jobView
		if resp.StatusCode != 200 || json.Unmarshal(b, &j) != nil || j.Status != "cancelled" {
			t.Fatalf("DELETE %d: %d %s", i+1, resp.StatusCode, b)
		}
		if i == 0 {
			first = j
		}
	}
	r.advDeliveries(t, id)
	j, _ := r.advJob(t, "acme", id, ended)
	resp, b := r.advDo(t, "acme", "DELETE", "/v1/jobs/"+id, "")
	var after jobView
	if resp.StatusCode != 200 || json.Unmarshal(b, &after) != nil || after.Status != j.Status || after.Done != j.Done || *after.FinishedAt != *j.FinishedAt {
		t.Fatalf("DELETE after the end: %d %s; want the job as it ended: %+v", resp.StatusCode, b, j)
	}
	cancelled := 0
	for _, it := range j.Items {
		if it.Status == "cancelled" {
			cancelled++
		}
	}
	if j.Status != "cancelled" || cancelled+j.Done != 5 || j.Done > 1 || first.Done > j.Done {
		t.Fatalf("job %+v", j)
	}
	time.Sleep(100 * time.Millisecond)
	reqs := rcv.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d callbacks; want one", len(reqs))
	}
	checkBody(t, verify(t, reqs[0]), j)
}

// TestAdversaryAllInvalidButOne: a job whose items are all invalid but the
// last is 422 with a pointer into each bad item and none into the good
// one; nothing is stored, no model is called.
func TestAdversaryAllInvalidButOne(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	r := startAdvApp(t, url, t.TempDir(), "", quiet)
	good := string(withUser(t, []byte(bioRequest), "w-good"))
	bad := []string{
		strings.Replace(good, `"name":"Ada Okafor",`, ``, 1), // no name
		strings.Replace(good, `"w-good"`, `"w good/.."`, 1),  // a bad user_id
		strings.Replace(good, `{`, `{"surprise":1,`, 1),      // an unknown field
		`"not an object"`, // not a request
		strings.Replace(good, `{`, `{"warm_cache":"please",`, 1),   // a bad warm_cache
		strings.Replace(good, `"length":"short"`, `"length":9`, 1), // a bad option
	}
	before := fake.Requests()
	body := `{"items":[` + strings.Join(append(bad, good), ",") + `]}`
	resp, b := r.advDo(t, "acme", "POST", "/v1/jobs", body)
	var p bio.Problem
	if resp.StatusCode != 422 || json.Unmarshal(b, &p) != nil || p.Code != bio.ProblemValidationFailed {
		t.Fatalf("got %d %s", resp.StatusCode, b)
	}
	seen := map[string]bool{}
	for _, e := range p.Errors {
		parts := strings.SplitN(e.Pointer, "/", 4)
		if len(parts) < 3 || parts[1] != "items" {
			t.Fatalf("pointer %q", e.Pointer)
		}
		seen[parts[2]] = true
	}
	for i := range bad {
		if !seen[fmt.Sprint(i)] {
			t.Fatalf("no pointer into bad item %d: %s", i, b)
		}
	}
	if seen[fmt.Sprint(len(bad))] {
		t.Fatalf("a pointer into the good item: %s", b)
	}
	time.Sleep(50 * time.Millisecond)
	if fake.Requests() != before || r.jobRecords(t) != 0 {
		t.Fatalf("%d model calls, %d jobs stored; want none", fake.Requests()-before, r.jobRecords(t))
	}
}

// TestAdversaryThousandItemsAtTheLimit: with server.max_body_bytes at its
// least (1024), a job of 1,000 items each as large as POST /v1/bios
// accepts is accepted, its body within a byte or so of the jobs' limit;
// one byte over the limit is 413, and nothing is stored.
func TestAdversaryThousandItemsAtTheLimit(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	const maxBody = 1024
	r := startAdvApp(t, url, t.TempDir(), "  max_body_bytes: 1024\n", quiet)
	item := func(i int) string {
		head := fmt.Sprintf(`{"user_id":"w-%04d","profile":{"name":"Ada Okafor","current_role":"Engineer","experience_summary":"`, i)
		tail := `"}}`
		return head + strings.Repeat("a", maxBody-len(head)-len(tail)) + tail
	}
	if len(item(0)) != maxBody {
		t.Fatal(len(item(0)))
	}
	if resp, b := r.advDo(t, "strict", "POST", "/v1/bios", item(0)); resp.StatusCode != 200 {
		t.Fatalf("one item alone: %d %s; want it accepted, as large as a bio request may be", resp.StatusCode, b)
	}
	items := make([]string, jobs.MaxItems)
	for i := range items {
		items[i] = item(i)
	}
	cb := fmt.Sprintf(`{"callback_url":%q,"items":[`, "https://127.0.0.1:9/"+strings.Repeat("h", 2000))
	body := cb + strings.Join(items, ",") + `]}`
	limit := httpapi.JobsMaxBodyBytes(maxBody)
	if len(body) > limit {
		t.Fatalf("a job of 1,000 of the largest items and the longest callback URL is %d bytes; the limit is %d", len(body), limit)
	}
	// One byte over the limit is refused from the header: the body is
	// announced, never sent (sending it races the server's close: a reset
	// on the client's write, a flake CI met).
	conn, err := net.Dial("tcp", strings.TrimPrefix(r.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", advKeys["acme"], limit+1)
	over, err := http.ReadResponse(bufio.NewReader(conn), nil)
	conn.Close()
	if err != nil || over.StatusCode != 413 {
		t.Fatalf("one byte over the limit: %v, %v", over, err)
	}
	over.Body.Close()
	if r.jobRecords(t) != 0 {
		t.Fatal("a refused job was stored")
	}
	resp, b := r.advDo(t, "acme", "POST", "/v1/jobs", body+strings.Repeat(" ", limit-len(body)))
	var sub jobs.Submitted
	if resp.StatusCode != 202 || json.Unmarshal(b, &sub) != nil || sub.Total != jobs.MaxItems {
		t.Fatalf("at the limit: %d %.300s", resp.StatusCode, b)
	}
	if resp, b := r.advDo(t, "acme", "DELETE", "/v1/jobs/"+sub.ID, ""); resp.StatusCode != 200 {
		t.Fatalf("cancel: %d %.300s", resp.StatusCode, b)
	}
	if resp, _ := r.advDo(t, "acme", "POST", "/v1/jobs", `{"items":[`+strings.Repeat(item(1)+",", jobs.MaxItems)+item(2)+`]}`); resp.StatusCode != 422 && resp.StatusCode != 413 {
		t.Fatalf("1,001 items: %d; want 413 or 422", resp.StatusCode)
	}
}

// TestAdversaryJobKeys: Idempotency-Key on POST /v1/jobs. Eight identical
// submissions at once make exactly one job (the others are 409 or the
// first 202 replayed); a key used on /v1/bios is a reuse on /v1/jobs and
// the other way round; one key in two tenants makes two jobs; two keys,
// or one of 256 characters, are 400; a key of odd printable characters
// works and replays.
func TestAdversaryJobKeys(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{FirstToken: 50 * time.Millisecond})
	r := startAdvApp(t, url, t.TempDir(), "", quiet)
	body := itemsOf(t, "", "", "w-1", "w-2")

	const n = 8
	var wg sync.WaitGroup
	type answer struct {
		status   int
		id       string
		replayed bool
	}
	answers := make([]answer, n)
	for i := range n {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", r.base+"/v1/jobs", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+advKeys["acme"])
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "same-job")
			resp, err := r.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			var sub jobs.Submitted
			json.Unmarshal(b, &sub)
			answers[i] = answer{resp.StatusCode, sub.ID, resp.Header.Get("Idempotent-Replayed") == "true"}
		})
	}
	wg.Wait()
	ids := map[string]bool{}
	fresh := 0
	for _, a := range answers {
		switch {
		case a.status == 202 && !a.replayed:
			fresh++
			ids[a.id] = true
		case a.status == 202:
			ids[a.id] = true
		case a.status != 409:
			t.Fatalf("answers %+v", answers)
		}
	}
	if fresh != 1 || len(ids) != 1 || r.jobRecords(t) != 1 {
		t.Fatalf("answers %+v, %d jobs stored; want exactly one job", answers, r.jobRecords(t))
	}

	reused := func(resp *http.Response, b []byte) {
		t.Helper()
		var p bio.Problem
		if resp.StatusCode != 422 || json.Unmarshal(b, &p) != nil || p.Code != bio.ProblemIdempotencyKeyReused {
			t.Fatalf("got %d %s; want 422 idempotency_key_reused", resp.StatusCode, b)
		}
	}
	if resp, b := r.advDo(t, "acme", "POST", "/v1/bios", bioRequest, "Idempotency-Key", "bios-first"); resp.StatusCode != 200 {
		t.Fatalf("bios: %d %s", resp.StatusCode, b)
	}
	resp, b := r.advDo(t, "acme", "POST", "/v1/jobs", body, "Idempotency-Key", "bios-first")
	reused(resp, b)
	if resp, b := r.advDo(t, "acme", "POST", "/v1/jobs", body, "Idempotency-Key", "jobs-first"); resp.StatusCode != 202 {
		t.Fatalf("jobs: %d %s", resp.StatusCode, b)
	}
	resp, b = r.advDo(t, "acme", "POST", "/v1/bios", bioRequest, "Idempotency-Key", "jobs-first")
	reused(resp, b)

	var tenantIDs []string
	for _, who := range []string{"acme", "strict"} {
		resp, b := r.advDo(t, who, "POST", "/v1/jobs", body, "Idempotency-Key", "shared-key")
		var sub jobs.Submitted
		if resp.StatusCode != 202 || resp.Header.Get("Idempotent-Replayed") != "" || json.Unmarshal(b, &sub) != nil {
			t.Fatalf("%s: %d %s", who, resp.StatusCode, b)
		}
		tenantIDs = append(tenantIDs, sub.ID)
	}
	if tenantIDs[0] == tenantIDs[1] {
		t.Fatal("two tenants' jobs under one key share an id")
	}

	req, _ := http.NewRequest("POST", r.base+"/v1/jobs", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+advKeys["acme"])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Add("Idempotency-Key", "one")
	req.Header.Add("Idempotency-Key", "two")
	if resp, err := r.client.Do(req); err != nil || resp.StatusCode != 400 {
		t.Fatalf("two keys: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if resp, b := r.advDo(t, "acme", "POST", "/v1/jobs", body, "Idempotency-Key", strings.Repeat("k", 256)); resp.StatusCode != 400 {
		t.Fatalf("a key of 256: %d %s", resp.StatusCode, b)
	}
	odd := `"'\ %00;,{}()<>[]=?@:/#~` + "`" + `|^$*+!&`
	odd += strings.Repeat("~", 255-len(odd))
	first, fb := r.advDo(t, "acme", "POST", "/v1/jobs", body, "Idempotency-Key", odd)
	again, ab := r.advDo(t, "acme", "POST", "/v1/jobs", body, "Idempotency-Key", odd)
	if first.StatusCode != 202 || again.StatusCode != 202 || again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(fb, ab) {
		t.Fatalf("an odd key: %d %s, then %d %v %s", first.StatusCode, fb, again.StatusCode, again.Header, ab)
	}
	if jobsBefore := r.jobRecords(t); jobsBefore != 5 {
		t.Fatalf("%d jobs stored; want 5", jobsBefore)
	}
}
