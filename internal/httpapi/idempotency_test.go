package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/idempotency"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/writer"
)

// idempotentKeeper opens a store in a temporary directory for a test
// server that keeps idempotent answers; nil otherwise.
func idempotentKeeper(t testing.TB, o testOptions) *idempotency.Keeper {
	t.Helper()
	if !o.idempotent {
		return nil
	}
	st, err := store.Open(t.TempDir(), store.Options{Now: o.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() }) // after the server's shutdown, registered later
	if o.jobs != nil {
		o.jobs.st = st // the jobs' records and the keys' in one store, as in biogen
	}
	k, err := idempotency.New(idempotency.Config{Store: st, Now: o.now})
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// model is a fake model that counts its calls. It answers with a valid
// bio; hold, if set, decides for each call (1, 2, ...) whether it waits
// for release (or its context) first, and panicFirst panics on the first
// call.
type model struct {
	calls      atomic.Int64
	hold       func(call int64) bool
	started    chan struct{}
	release    chan struct{}
	panicFirst bool
}

func newModel() *model {
	return &model{started: make(chan struct{}, 8), release: make(chan struct{})}
}

func (m *model) Name() string        { return "counted" }
func (m *model) Kind() provider.Kind { return provider.KindOllama }
func (m *model) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	n := m.calls.Add(1)
	if m.panicFirst && n == 1 {
		panic("the first call fails")
	}
	if m.hold != nil && m.hold(n) {
		m.started <- struct{}{}
		select {
		case <-m.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return &provider.Result{Text: (&writer.Writer{}).Write(req.Bio, req.Variant).Text, Model: "counted-1"}, nil
}

// idem posts validReq with key's Idempotency-Key, and more headers.
func (ts *testServer) idem(apiKey, key string, headers ...string) *result {
	ts.t.Helper()
	return ts.do("POST", "/v1/bios", apiKey, validReq, append([]string{"Idempotency-Key", key}, headers...)...)
}

func bioID(t *testing.T, r *result) string {
	t.Helper()
	var resp bio.Response
	if err := json.Unmarshal(r.body, &resp); err != nil || r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	return resp.ID
}

// TestIdempotentReplay: the same key and body get the first answer byte
// for byte, its status and content headers, marked replayed, and the model
// is called once.
func TestIdempotentReplay(t *testing.T) {
	m := newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true})
	first := ts.idem(keyFull, "order-1")
	if first.status != 200 || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v", first.status, first.header)
	}
	for i := range 2 {
		r := ts.idem(keyFull, "order-1")
		if r.status != 200 || !bytes.Equal(r.body, first.body) {
			t.Fatalf("replay %d: %d\n%s\nfirst:\n%s", i, r.status, r.body, first.body)
		}
		for _, h := range []string{"Content-Type", "X-Cache"} {
			if r.header.Get(h) != first.header.Get(h) {
				t.Fatalf("replay %d: %s %q; first %q", i, h, r.header.Get(h), first.header.Get(h))
			}
		}
		if r.header.Get("Idempotent-Replayed") != "true" || r.header.Get("X-Request-Id") == first.header.Get("X-Request-Id") ||
			!strings.Contains(r.header.Get("Server-Timing"), "provider;dur=") {
			t.Fatalf("replay %d headers: %v", i, r.header)
		}
	}
	if n := m.calls.Load(); n != 1 {
		t.Fatalf("the model was called %d times; want 1", n)
	}
	// Without the key, the same body is a new request.
	if r := ts.do("POST", "/v1/bios", keyFull, validReq); bioID(t, r) == bioID(t, first) || m.calls.Load() != 2 {
		t.Fatalf("without the key: %d calls", m.calls.Load())
	}
}

// TestIdempotencyKeyReused: the same key with another body is a 422.
func TestIdempotencyKeyReused(t *testing.T) {
	m := newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true})
	ts.idem(keyFull, "order-1")
	other := strings.Replace(validReq, `"short"`, `"medium"`, 1)
	r := ts.do("POST", "/v1/bios", keyFull, other, "Idempotency-Key", "order-1")
	if r.status != 422 || r.problem(t).Code != bio.ProblemIdempotencyKeyReused {
		t.Fatalf("another body: %d %s", r.status, r.body)
	}
	if m.calls.Load() != 1 {
		t.Fatalf("%d model calls", m.calls.Load())
	}
}

// TestIdempotencyKeyInFlight: while the first request with a key runs, the
// same key is a 409; the first then answers, and is what the next replays.
func TestIdempotencyKeyInFlight(t *testing.T) {
	m := newModel()
	m.hold = func(int64) bool { return true }
	ts := startServer(t, testOptions{first: m, idempotent: true})
	done := make(chan *result)
	go func() { done <- ts.idem(keyFull, "order-1") }()
	<-m.started
	for _, accept := range []string{"application/json", "text/event-stream"} {
		r := ts.idem(keyFull, "order-1", "Accept", accept)
		if r.status != 409 || r.problem(t).Code != bio.ProblemIdempotencyKeyInFlight || r.header.Get("Retry-After") == "" {
			t.Fatalf("%s while running: %d %s", accept, r.status, r.body)
		}
	}
	close(m.release)
	first := <-done
	if r := ts.idem(keyFull, "order-1"); r.status != 200 || !bytes.Equal(r.body, first.body) {
		t.Fatalf("after: %d %s", r.status, r.body)
	}
	if m.calls.Load() != 1 {
		t.Fatalf("%d model calls", m.calls.Load())
	}
}

// TestIdempotencyConcurrent: two requests with one key at once: one 200,
// one 409, one model call.
func TestIdempotencyConcurrent(t *testing.T) {
	m := newModel()
	m.hold = func(int64) bool { return true }
	ts := startServer(t, testOptions{first: m, idempotent: true})
	results := make(chan *result, 2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { results <- ts.idem(keyFull, "order-1") })
	}
	<-m.started // one reached the model; the other is answered 409 without it
	var statuses []int
	r := <-results
	statuses = append(statuses, r.status)
	close(m.release)
	wg.Wait()
	statuses = append(statuses, (<-results).status)
	if statuses[0] != 409 || statuses[1] != 200 || m.calls.Load() != 1 {
		t.Fatalf("statuses %v, %d model calls; want 409 then 200, 1 call", statuses, m.calls.Load())
	}
}

// TestIdempotencyPerTenant: another tenant's same key is its own.
func TestIdempotencyPerTenant(t *testing.T) {
	m := newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true})
	a, b := ts.idem(keyFull, "order-1"), ts.idem(keyOther, "order-1")
	if bioID(t, a) == bioID(t, b) || m.calls.Load() != 2 {
		t.Fatalf("two tenants: ids %s %s, %d calls", bioID(t, a), bioID(t, b), m.calls.Load())
	}
	if r := ts.idem(keyOther, "order-1"); !bytes.Equal(r.body, b.body) {
		t.Fatalf("tenant B's replay: %s", r.body)
	}
	if r := ts.idem(keyBios, "order-1"); !bytes.Equal(r.body, a.body) { // another key of tenant A
		t.Fatalf("tenant A's replay with its other API key: %s", r.body)
	}
}

// TestIdempotencyExpires: an answer is kept 24 hours.
func TestIdempotencyExpires(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	m := newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true, now: clock})
	first := ts.idem(keyFull, "order-1")
	now.Add(int64(24*time.Hour - time.Second))
	if r := ts.idem(keyFull, "order-1"); !bytes.Equal(r.body, first.body) {
		t.Fatal("not replayed within 24 hours")
	}
	now.Add(int64(time.Second))
	r := ts.idem(keyFull, "order-1")
	if r.header.Get("Idempotent-Replayed") != "" || bioID(t, r) == bioID(t, first) || m.calls.Load() != 2 {
		t.Fatalf("after 24 hours: replayed %q, %d calls", r.header.Get("Idempotent-Replayed"), m.calls.Load())
	}
}

// TestIdempotencyFailuresNotKept: a 500 and a cut stream leave the key
// free: the retry runs the request again.
func TestIdempotencyFailuresNotKept(t *testing.T) {
	m := newModel()
	m.panicFirst = true
	m.hold = func(n int64) bool { return n == 2 } // the stream below
	ts := startServer(t, testOptions{first: m, idempotent: true})
	if r := ts.idem(keyFull, "order-1"); r.status != 500 {
		t.Fatalf("first: %d", r.status)
	}
	if ts.keeper.InFlight() != 0 {
		t.Fatal("the key is still claimed after a panic")
	}
	// A stream the client cuts while the model writes.
	req, _ := http.NewRequest("POST", ts.url+"/v1/bios", strings.NewReader(validReq))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+keyFull)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Idempotency-Key", "order-2")
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	<-m.started
	resp.Body.Close() // the next ping fails, and cancels the model call
	for i := 0; ts.keeper.InFlight() > 0; i++ {
		if i == 1000 {
			t.Fatal("the cut stream's key is still claimed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Both keys run again, and are kept then.
	for _, key := range []string{"order-1", "order-2"} {
		before := m.calls.Load()
		r := ts.idem(keyFull, key)
		if r.status != 200 || r.header.Get("Idempotent-Replayed") != "" || m.calls.Load() != before+1 {
			t.Fatalf("%s after a failure: %d, replayed %q", key, r.status, r.header.Get("Idempotent-Replayed"))
		}
		if r2 := ts.idem(keyFull, key); !bytes.Equal(r2.body, r.body) {
			t.Fatalf("%s not kept after its 200", key)
		}
	}
}

// TestIdempotentStream: a stream asked for with a key already answered is
// the stored bio as one delta and the stored object as done; a stream's
// done object is what a JSON retry gets.
func TestIdempotentStream(t *testing.T) {
	m := newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true})
	check := func(r *result, wantDone []byte) {
		t.Helper()
		st := readStream(t, r.body)
		if r.status != 200 || r.header.Get("Idempotent-Replayed") != "true" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream replay: %d %v", r.status, r.header)
		}
		if len(st.Events) != 2 || st.Events[0].Name != "delta" || st.Events[1].Name != "done" || st.Text != st.Done.Bio ||
			st.Events[1].Data != string(wantDone) {
			t.Fatalf("stream replay events %+v; want one delta and done %s", st.Events, wantDone)
		}
	}
	// JSON first, then a stream. (A stream may call the model twice: this
	// fake's text fails the stream's checks, and is retried; a replay
	// calls it never.)
	first := ts.idem(keyFull, "json-first")
	calls := m.calls.Load()
	check(ts.idem(keyFull, "json-first", "Accept", "text/event-stream"), first.body)
	if m.calls.Load() != calls {
		t.Fatalf("a replay called the model")
	}
	// A stream first: its done object is kept.
	r := ts.idem(keyFull, "stream-first", "Accept", "text/event-stream")
	st := readStream(t, r.body)
	calls = m.calls.Load()
	done := []byte(st.Events[len(st.Events)-1].Data)
	if r.header.Get("Idempotent-Replayed") != "" || st.Done == nil {
		t.Fatalf("first stream: %s", r.body)
	}
	if j := ts.idem(keyFull, "stream-first"); !bytes.Equal(j.body, done) || j.header.Get("Content-Type") != "application/json" ||
		j.header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("JSON after a stream: %s; want %s", j.body, done)
	}
	check(ts.idem(keyFull, "stream-first", "Accept", "text/event-stream"), done)
	if m.calls.Load() != calls {
		t.Fatalf("a replay called the model")
	}
	// "stream": true in the body asks for a stream too.
	body := strings.Replace(validReq, `"options"`, `"stream":true,"options"`, 1)
	r = ts.do("POST", "/v1/bios", keyFull, body, "Idempotency-Key", "body-stream")
	st = readStream(t, r.body)
	calls = m.calls.Load()
	check(ts.do("POST", "/v1/bios", keyFull, body, "Idempotency-Key", "body-stream"), []byte(st.Events[len(st.Events)-1].Data))
	if m.calls.Load() != calls {
		t.Fatalf("a replay called the model")
	}
}

// TestIdempotencyBadKeys: a key that is not 1 to 255 printable ASCII
// characters, or two keys, is a 400; nothing runs.
func TestIdempotencyBadKeys(t *testing.T) {
	m := newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true})
	for _, key := range []string{"", strings.Repeat("k", 256), "café", "tab\there"} {
		r := ts.idem(keyFull, key)
		if r.status != 400 || r.problem(t).Code != bio.ProblemBadRequest {
			t.Fatalf("key %q: %d %s", key, r.status, r.body)
		}
	}
	req, _ := http.NewRequest("POST", ts.url+"/v1/bios", strings.NewReader(validReq))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+keyFull)
	req.Header.Add("Idempotency-Key", "a")
	req.Header.Add("Idempotency-Key", "b")
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("two keys: %d", resp.StatusCode)
	}
	if m.calls.Load() != 0 {
		t.Fatalf("%d model calls", m.calls.Load())
	}
	for _, key := range []string{strings.Repeat("k", 255), `"sf-string form"`, "a"} {
		if r := ts.idem(keyFull, key); r.status != 200 {
			t.Fatalf("key %q: %d", key, r.status)
		}
	}
}

// TestEraseRemovesIdempotencyRecords: erasing a user removes the user's
// kept answers in the tenant and counts them; the key then runs anew.
func TestEraseRemovesIdempotencyRecords(t *testing.T) {
	m := newModel()
	ts := startServer(t, testOptions{first: m, idempotent: true})
	a1, a2, b := ts.idem(keyFull, "k1"), ts.idem(keyFull, "k2"), ts.idem(keyOther, "k1")
	r := ts.do("DELETE", "/v1/users/w-10423", keyErase, "")
	if r.status != 200 || !strings.Contains(string(r.body), `"idempotency":2`) {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	for _, key := range []string{"k1", "k2"} {
		if r := ts.idem(keyFull, key); r.header.Get("Idempotent-Replayed") != "" || bytes.Equal(r.body, a1.body) || bytes.Equal(r.body, a2.body) {
			t.Fatalf("%s replayed after the erasure", key)
		}
	}
	if r := ts.idem(keyOther, "k1"); !bytes.Equal(r.body, b.body) {
		t.Fatal("another tenant's answer went too")
	}
	if m.calls.Load() != 5 {
		t.Fatalf("%d model calls; want 5", m.calls.Load())
	}
	if r := ts.do("DELETE", "/v1/users/nobody", keyErase, ""); !strings.Contains(string(r.body), `"idempotency":0`) {
		t.Fatalf("unknown user: %s", r.body)
	}
}
