package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/feedback"
	"github.com/biogen/biogen/internal/idempotency"
	"github.com/biogen/biogen/internal/leaktest"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/sse"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/tracing"
	"github.com/biogen/biogen/internal/tracing/tracingtest"
	"github.com/biogen/biogen/internal/writer"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

const (
	keyFull    = "key-full-0123456789"
	keyBios    = "key-bios-0123456789"
	keyMetrics = "key-metrics-0123456789"
	keyOther   = "key-other-tenant-0123"
	keyErase   = "key-erase-0123456789"
	keyOtherEr = "key-other-erase-0123"
)

// testOptions vary the server a test starts.
type testOptions struct {
	keyless     bool
	maxInFlight int
	maxBody     int
	rps         float64
	burst       int
	// first, if set, is tried before the template writer.
	first provider.Provider
	// cached turns the caches on.
	cached bool
	// tracer, if not nil, traces the bio requests; benchmarkBios then
	// sends a traceparent.
	tracer *tracing.Tracer
	// pprof serves /debug/pprof/ on the admin listener.
	pprof bool
	// perUserPerMinute and perUserBurst set the per-user buckets; 0 is off.
	perUserPerMinute, perUserBurst int
	// idempotent keeps the answers of requests with an Idempotency-Key in
	// a store in a temporary directory, under the clock now (nil: the
	// real one).
	idempotent bool
	now        func() time.Time
	// jobs, if set, serves the job routes.
	jobs *fakeJobs
	// records keeps a record of each bio served and serves feedback on
	// them, in a store in a temporary directory, under the clock now (nil:
	// the real one), with a queue of recordQueue bytes (0: 8 MiB).
	records     bool
	recordQueue int64
}

type testServer struct {
	t      testing.TB
	srv    *Server
	keeper *idempotency.Keeper // nil unless idempotent
	url    string
	admin  string
	client *http.Client
	logs   *bytes.Buffer

	// records keeps the bio records and feedback; nil unless records.
	records *feedback.Keeper
}

func startServer(t testing.TB, o testOptions) *testServer {
	t.Helper()
	if o.maxInFlight == 0 {
		o.maxInFlight = 64
	}
	if o.maxBody == 0 {
		o.maxBody = 64 << 10
	}
	if o.rps == 0 {
		o.rps, o.burst = 1000, 1000
	}
	rl := tenant.RateLimitConfig{RequestsPerSecond: o.rps, Burst: o.burst}
	configs := []tenant.Config{
		{ID: "acme", RateLimit: rl, Keys: []tenant.Key{
			{Digest: tenant.Digest(keyFull), Name: "full", Scopes: []string{tenant.ScopeBios, tenant.ScopeMetrics}},
			{Digest: tenant.Digest(keyBios), Name: "bios-only"},
			{Digest: tenant.Digest(keyMetrics), Name: "metrics-only", Scopes: []string{tenant.ScopeMetrics}},
			{Digest: tenant.Digest(keyErase), Name: "erase", Scopes: []string{tenant.ScopeErase}},
		}},
		{ID: "globex", RateLimit: rl, Keys: []tenant.Key{{Digest: tenant.Digest(keyOther)},
			{Digest: tenant.Digest(keyOtherEr), Name: "admin", Scopes: []string{tenant.ScopeAdmin}}}},
	}
	if o.keyless {
		configs = append(configs, tenant.Config{ID: "local", RateLimit: rl})
	}
	for i := range configs {
		// Most tests send many requests for one user: the per-user bucket
		// is off unless a test asks for it.
		perUser := o.perUserPerMinute
		configs[i].RateLimit.PerUser = tenant.PerUserLimit{RequestsPerMinute: &perUser, Burst: max(o.perUserBurst, 1)}
	}
	for i := range configs {
		config.SetTenantDefaults(&configs[i])
		if err := configs[i].Validate("tenants"); err != nil {
			t.Fatal(err)
		}
	}
	reg, err := tenant.New(configs)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := prompt.Load("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	tp := writer.NewProvider("template", &writer.Writer{})
	var guards []*chain.Guard
	if o.first != nil {
		g, err := chain.NewGuard(o.first, chain.Settings{Timeout: 8 * time.Second, BackoffBase: time.Millisecond,
			BackoffMax: time.Millisecond, MaxConcurrent: 4, QueueWait: 100 * time.Millisecond, FailureThreshold: 5, OpenTimeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		guards = []*chain.Guard{g}
	}
	chains := map[string]*chain.Chain{}
	for _, c := range configs {
		chains[c.ID], _ = chain.New(chain.Config{Guards: guards, Template: tp, Reserve: 500 * time.Millisecond})
	}
	var bioCache *cache.Cache
	if o.cached {
		bioCache, err = cache.New(cache.Limits{Bytes: 16 << 20}, cache.HashEmbedder{}, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(bioCache.Close)
	}
	keeper := idempotentKeeper(t, o)
	acfg := answer.Config{Chains: chains, Cache: bioCache, PromptVersion: tmpl.Version(), Timeout: 5 * time.Second,
		AuditKey: []byte("audit-key-for-tests")}
	if keeper != nil {
		acfg.EraseIdempotency = keeper.EraseUser
	}
	records := feedbackKeeper(t, o)
	var fb Feedback
	if records != nil {
		acfg.RecordBio, acfg.EraseFeedback, fb = records.Record, records.EraseUser, records
	}
	answers, err := answer.New(acfg)
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := New(Config{
		MaxBodyBytes: o.maxBody, MaxHeaderBytes: 8 << 10,
		ReadTimeout: 5 * time.Second, WriteTimeout: 10 * time.Second, IdleTimeout: 10 * time.Second,
		MaxInFlight: o.maxInFlight, MaxConns: 100, Keyless: o.keyless, Tracer: o.tracer, Pprof: o.pprof, Idempotency: keeper,
		Jobs: jobsOf(o), Feedback: fb,
	}, answers, reg, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	adminLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); srv.Serve(ln) }()
	go func() { defer wg.Done(); srv.ServeAdmin(adminLn) }()
	ts := &testServer{t: t, srv: srv, keeper: keeper, records: records, url: "http://" + ln.Addr().String(), admin: "http://" + adminLn.Addr().String(),
		client: &http.Client{Timeout: 10 * time.Second}, logs: &logs.buf}
	t.Cleanup(func() {
		ts.client.CloseIdleConnections()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		wg.Wait()
	})
	return ts
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

type result struct {
	status int
	header http.Header
	body   []byte
}

func (r *result) problem(t *testing.T) bio.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type: got %q; want application/problem+json; body %s", ct, r.body)
	}
	var p bio.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %s: %v", r.body, err)
	}
	if p.Status != r.status || p.Instance != r.header.Get("X-Request-Id") || p.Instance == "" || p.Title == "" || !strings.HasPrefix(p.Type, "/problems/") {
		t.Fatalf("bad problem %+v for status %d", p, r.status)
	}
	return p
}

func (ts *testServer) do(method, path, key string, body string, headers ...string) *result {
	ts.t.Helper()
	return ts.doURL(ts.url+path, method, key, body, headers...)
}

func (ts *testServer) doURL(url, method, key, body string, headers ...string) *result {
	ts.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		ts.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		ts.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return &result{status: resp.StatusCode, header: resp.Header, body: b}
}

const validReq = `{"user_id":"w-10423","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
	"company":"Northwind Health","skills":["Go","Kafka","PostgreSQL"],"achievements":["Cut claims processing time from 3 days to 4 hours"]},
	"options":{"length":"short"}}`

func TestBioResponse(t *testing.T) {
	ts := startServer(t, testOptions{})
	r := ts.do("POST", "/v1/bios", keyFull, validReq, "X-Request-Id", "req-abc.123")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := r.header.Get("X-Request-Id"); got != "req-abc.123" {
		t.Fatalf("X-Request-Id: got %q; want the inbound one", got)
	}
	if r.header.Get("Content-Type") != "application/json" || r.header.Get("X-Cache") != "MISS" {
		t.Fatalf("headers: %v", r.header)
	}
	st := r.header.Get("Server-Timing")
	if !strings.Contains(st, "cache;dur=") || !strings.Contains(st, "provider;dur=") {
		t.Fatalf("Server-Timing %q lacks the cache and provider phases", st)
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "bio", "format", "source", "provider", "model", "cache", "prompt_version", "degraded", "fallback_reasons", "flags", "usage", "request_id", "created_at"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("field %q missing from %s", k, r.body)
		}
	}
	var resp bio.Response
	json.Unmarshal(r.body, &resp)
	if !strings.HasPrefix(resp.ID, "bio_") || len(resp.ID) != 30 || resp.Source != "template" || resp.Model != "template/v1" ||
		resp.Cache != "miss" || resp.PromptVersion != "bio-v1" || resp.RequestID != "req-abc.123" || resp.Format != "paragraph" ||
		resp.FallbackReasons == nil || resp.Flags == nil || resp.Degraded {
		t.Fatalf("got %+v", resp)
	}
	if _, err := time.Parse(time.RFC3339, resp.CreatedAt); err != nil || !strings.HasSuffix(resp.CreatedAt, "Z") {
		t.Fatalf("created_at %q: %v", resp.CreatedAt, err)
	}
	if !strings.Contains(resp.Bio, "Ada Okafor") || bio.WordCount(resp.Bio) < 50 {
		t.Fatalf("bio: %q", resp.Bio)
	}
	// Personal data never reaches the log.
	for _, s := range []string{"Ada", "Okafor", "w-10423", "Northwind"} {
		if strings.Contains(ts.logs.String(), s) {
			t.Fatalf("log holds %q:\n%s", s, ts.logs.String())
		}
	}
	// An invalid inbound id is replaced.
	r = ts.do("POST", "/v1/bios", keyFull, validReq, "X-Request-Id", "bad id with spaces")
	if id := r.header.Get("X-Request-Id"); id == "" || strings.Contains(id, " ") {
		t.Fatalf("X-Request-Id: got %q", id)
	}
	// X-API-Key works as well as Authorization.
	r = ts.do("POST", "/v1/bios", "", validReq, "X-API-Key", keyBios)
	if r.status != 200 {
		t.Fatalf("X-API-Key: status %d", r.status)
	}
}

func TestRegenerateGivesAnotherVariant(t *testing.T) {
	ts := startServer(t, testOptions{})
	bioOf := func(body string) string {
		r := ts.do("POST", "/v1/bios", keyFull, body)
		var resp bio.Response
		if err := json.Unmarshal(r.body, &resp); err != nil || r.status != 200 {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		return resp.Bio
	}
	a, b := bioOf(validReq), bioOf(validReq)
	if a != b {
		t.Fatalf("the same request gave two texts:\n%s\n%s", a, b)
	}
	c := bioOf(strings.Replace(validReq, `"options"`, `"regenerate":true,"options"`, 1))
	if c == a {
		t.Fatalf("regenerate gave the same text:\n%s", a)
	}
}

// TestErrorRows checks every error row of the contract: status, code and
// headers.
func TestErrorRows(t *testing.T) {
	ts := startServer(t, testOptions{maxBody: 2048})
	f := func(name string, r *result, status int, code bio.ProblemCode, headers ...string) bio.Problem {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s: status %d; want %d; body %s", name, r.status, status, r.body)
		}
		p := r.problem(t)
		if p.Code != code {
			t.Fatalf("%s: code %q; want %q", name, p.Code, code)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			if got := r.header.Get(headers[i]); got != headers[i+1] {
				t.Fatalf("%s: header %s = %q; want %q", name, headers[i], got, headers[i+1])
			}
		}
		return p
	}
	f("not JSON", ts.do("POST", "/v1/bios", keyFull, `{"user_id":`), 400, "malformed_json")
	f("not UTF-8", ts.do("POST", "/v1/bios", keyFull, "{\"user_id\":\"\xff\"}"), 400, "malformed_json")
	f("no key", ts.do("POST", "/v1/bios", "", validReq), 401, "unauthorized", "WWW-Authenticate", `Bearer realm="biogen"`)
	f("unknown key", ts.do("POST", "/v1/bios", "nope", validReq), 401, "unauthorized", "WWW-Authenticate", `Bearer realm="biogen"`)
	f("basic auth", ts.do("POST", "/v1/bios", "", validReq, "Authorization", "Basic dXNlcjpwYXNz"), 401, "unauthorized")
	f("no key, unknown path", ts.do("GET", "/admin", "", ""), 401, "unauthorized")
	f("metrics key on bios", ts.do("POST", "/v1/bios", keyMetrics, validReq), 403, "forbidden")
	f("bios key on metrics", ts.do("GET", "/metrics", keyBios, ""), 403, "forbidden")
	f("unknown path", ts.do("GET", "/v1/bio", keyFull, ""), 404, "not_found")
	f("GET bios", ts.do("GET", "/v1/bios", keyFull, ""), 405, "method_not_allowed", "Allow", "POST")
	f("POST healthz", ts.do("POST", "/healthz", keyFull, "{}"), 405, "method_not_allowed", "Allow", "GET, HEAD")
	f("too large", ts.do("POST", "/v1/bios", keyFull, `{"user_id":"`+strings.Repeat("x", 4000)+`"}`), 413, "payload_too_large")
	f("text/plain", ts.do("POST", "/v1/bios", keyFull, validReq, "Content-Type", "text/plain"), 415, "unsupported_media_type")
	f("no content type", ts.do("POST", "/v1/bios", keyFull, validReq, "Content-Type", ""), 415, "unsupported_media_type")
	p := f("invalid", ts.do("POST", "/v1/bios", keyFull, `{"user_id":"w 1","profile":{"name":"A","current_role":"B","skils":[]},"options":{"tone":"loud"}}`), 422, "validation_failed")
	var ptrs []string
	for _, e := range p.Errors {
		ptrs = append(ptrs, e.Pointer)
	}
	if got, want := strings.Join(ptrs, " "), "/options/tone /profile/skils /user_id"; got != want {
		t.Fatalf("422 pointers: got %q; want %q", got, want)
	}
	if p.Detail != "3 fields are invalid" {
		t.Fatalf("422 detail %q", p.Detail)
	}
}

func TestRateLimited(t *testing.T) {
	ts := startServer(t, testOptions{rps: 0.01, burst: 2})
	for i := 0; i < 2; i++ {
		if r := ts.do("POST", "/v1/bios", keyFull, validReq); r.status != 200 {
			t.Fatalf("request %d: status %d", i, r.status)
		}
	}
	r := ts.do("POST", "/v1/bios", keyFull, validReq)
	if r.status != 429 {
		t.Fatalf("status %d; want 429", r.status)
	}
	if p := r.problem(t); p.Code != "rate_limited" {
		t.Fatalf("code %q", p.Code)
	}
	if ra := r.header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Fatalf("Retry-After %q", ra)
	}
	if r.header.Get("RateLimit-Policy") != `"tenant";q=2;w=200` || !strings.HasPrefix(r.header.Get("RateLimit"), `"tenant";r=0;t=`) {
		t.Fatalf("RateLimit headers: %q %q", r.header.Get("RateLimit-Policy"), r.header.Get("RateLimit"))
	}
	// Another tenant has its own bucket.
	if r := ts.do("POST", "/v1/bios", keyOther, validReq); r.status != 200 {
		t.Fatalf("other tenant: status %d", r.status)
	}
}

// blocking is a provider that holds each call until released.
type blocking struct {
	started chan struct{}
	release chan struct{}
}

func (b *blocking) Name() string        { return "slow" }
func (b *blocking) Kind() provider.Kind { return provider.KindOllama }
func (b *blocking) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	b.started <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return nil, provider.Errorf(provider.ReasonUnavailable, "released")
}

func TestOverloaded(t *testing.T) {
	b := &blocking{started: make(chan struct{}, 1), release: make(chan struct{})}
	ts := startServer(t, testOptions{maxInFlight: 1, first: b})
	done := make(chan *result)
	go func() { done <- ts.do("POST", "/v1/bios", keyFull, validReq) }()
	<-b.started
	r := ts.do("POST", "/v1/bios", keyFull, validReq)
	if r.status != 503 || r.header.Get("Retry-After") != "1" {
		t.Fatalf("status %d, Retry-After %q; want 503 and 1", r.status, r.header.Get("Retry-After"))
	}
	if p := r.problem(t); p.Code != "overloaded" {
		t.Fatalf("code %q", p.Code)
	}
	close(b.release)
	first := <-done
	if first.status != 200 {
		t.Fatalf("first request: status %d", first.status)
	}
	var resp bio.Response
	json.Unmarshal(first.body, &resp)
	if !resp.Degraded || len(resp.FallbackReasons) != 1 || resp.FallbackReasons[0] != "slow:unavailable" {
		t.Fatalf("got %+v", resp)
	}
}

type panicking struct{}

func (panicking) Name() string        { return "broken" }
func (panicking) Kind() provider.Kind { return provider.KindOllama }
func (panicking) Generate(context.Context, *provider.Request) (*provider.Result, error) {
	panic("boom at /secret/path/file.go")
}

func TestPanicIsInternal(t *testing.T) {
	// One slot: a panic that kept its slot would answer the next with 503.
	ts := startServer(t, testOptions{first: panicking{}, maxInFlight: 1})
	r := ts.do("POST", "/v1/bios", keyFull, validReq)
	if r.status != 500 {
		t.Fatalf("status %d", r.status)
	}
	// (Once the panics open the provider's breaker, the template answers.)
	for i := 0; i < 4; i++ {
		if r := ts.do("POST", "/v1/bios", keyFull, validReq); r.status != 500 && r.status != 200 {
			t.Fatalf("request %d: status %d; a panic kept its in-flight slot", i, r.status)
		}
		if r := ts.do("POST", "/v1/bios", keyFull, validReq, "Accept", "text/event-stream"); r.status != 200 {
			t.Fatalf("stream %d: status %d, %s", i, r.status, r.body)
		}
	}
	if p := r.problem(t); p.Code != "internal" {
		t.Fatalf("code %q", p.Code)
	}
	if bytes.Contains(r.body, []byte("boom")) || bytes.Contains(r.body, []byte("/secret")) || bytes.Contains(r.body, []byte("goroutine")) {
		t.Fatalf("body leaks the panic: %s", r.body)
	}
	if !strings.Contains(ts.logs.String(), "handler panic") {
		t.Fatal("panic not logged")
	}
	// The server still serves.
	if r := ts.do("GET", "/healthz", keyFull, ""); r.status != 200 {
		t.Fatalf("healthz after panic: %d", r.status)
	}
}

// TestRouteOf: each path reaches its route, a parameter route takes the
// paths under its prefix, anything else is routeOther; matching costs no
// allocation.
func TestRouteOf(t *testing.T) {
	f := func(path, want string) {
		t.Helper()
		if got := routeOf([]byte(path)); got != want {
			t.Fatalf("routeOf(%q): got %q; want %q", path, got, want)
		}
	}
	for _, r := range Routes() {
		f(strings.NewReplacer("{user_id}", "w-1", "{id}", "x-1").Replace(r), r)
	}
	f("/v1/users/", routeUsers) // an empty id: the handler answers 400
	f("/v1/users", routeOther)
	f("/v1/bios/", routeOther)
	f("/v1/bios/bio_1/feedback", routeFeedback)
	f("/v1/bios//feedback", routeOther) // an empty id: an unknown path
	f("/v1/bios/a/b/feedback", routeOther)
	f("/v1/bios/feedback", routeOther)
	f("/v1/bios/bio_1", routeOther)
	f("/v1/bios/bio_1/feedback/", routeOther)
	f("/", routeOther)
	// A parameter inside a route is one segment.
	f("/v1/jobs/job_1/deliveries", routeJobDeliveries)
	f("/v1/jobs//deliveries", routeJob)
	f("/v1/jobs/a/b/deliveries", routeJob)
	f("/v1/jobs/job_1/deliveries/", routeJob)
	f("/v1/jobs/job_1", routeJob)
	for _, p := range []string{"/v1/users/w-1", "/v1/jobs/job_1/deliveries", "/v1/jobs/job_1", "/v1/bios/bio_1/feedback"} {
		path := []byte(p)
		if n := testing.AllocsPerRun(100, func() { routeOf(path) }); n != 0 {
			t.Fatalf("routeOf(%q) allocates %.0f times; want 0", p, n)
		}
	}
}

func TestOperations(t *testing.T) {
	ts := startServer(t, testOptions{})
	ts.do("POST", "/v1/bios", keyFull, validReq)
	r := ts.do("GET", "/healthz", keyFull, "")
	if r.status != 200 || string(r.body) != `{"status":"ok"}` {
		t.Fatalf("healthz: %d %s", r.status, r.body)
	}
	r = ts.do("GET", "/readyz", keyFull, "")
	var ready struct {
		Status    string        `json:"status"`
		Providers []chain.State `json:"providers"`
	}
	if err := json.Unmarshal(r.body, &ready); err != nil || r.status != 200 || ready.Status != "ready" ||
		len(ready.Providers) != 1 || ready.Providers[0].State != "ok" || ready.Providers[0].Breaker != "closed" {
		t.Fatalf("readyz: %d %s", r.status, r.body)
	}
	r = ts.do("GET", "/metrics", keyFull, "")
	for _, want := range []string{`biogen_http_requests_total{route="/v1/bios",status="200"}`, "biogen_http_request_duration_seconds_bucket", `biogen_bios_total{source="template"`, "process_resident_memory_bytes"} {
		if r.status != 200 || !strings.Contains(string(r.body), want) {
			t.Fatalf("metrics lack %q: %d\n%.2000s", want, r.status, r.body)
		}
	}
	// The admin listener serves operations without a key, and nothing else.
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		if r := ts.doURL(ts.admin+path, "GET", "", ""); r.status != 200 {
			t.Fatalf("admin %s: %d", path, r.status)
		}
	}
	if r := ts.doURL(ts.admin+"/v1/bios", "POST", "", validReq); r.status != 404 {
		t.Fatalf("admin /v1/bios: %d; want 404", r.status)
	}
}

func TestKeyless(t *testing.T) {
	ts := startServer(t, testOptions{keyless: true})
	if r := ts.do("POST", "/v1/bios", "", validReq); r.status != 200 {
		t.Fatalf("keyless: %d %s", r.status, r.body)
	}
	// A key that is sent must still be valid.
	if r := ts.do("POST", "/v1/bios", "wrong", validReq); r.status != 401 {
		t.Fatalf("wrong key on a keyless server: %d", r.status)
	}
}

func TestStream(t *testing.T) {
	ts := startServer(t, testOptions{})
	check := func(r *result) {
		t.Helper()
		if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/event-stream") || r.header.Get("X-Cache") != "MISS" {
			t.Fatalf("status %d headers %v", r.status, r.header)
		}
		st := readStream(t, r.body)
		if len(st.Events) != 2 || st.Deltas != 1 || st.Done == nil {
			t.Fatalf("events: %+v", st.Events)
		}
		if st.Text == "" || st.Text != st.Done.Bio || st.Done.Source != "template" {
			t.Fatalf("delta %q; done %+v", st.Text, st.Done)
		}
	}
	check(ts.do("POST", "/v1/bios", keyFull, validReq, "Accept", "text/event-stream"))
	check(ts.do("POST", "/v1/bios", keyFull, validReq, "Accept", "application/json, Text/Event-Stream"))
	check(ts.do("POST", "/v1/bios", keyFull, strings.Replace(validReq, `"options"`, `"stream":true,"options"`, 1)))
	// Errors before the stream starts are plain problems.
	r := ts.do("POST", "/v1/bios", keyFull, `{}`, "Accept", "text/event-stream")
	if r.status != 422 {
		t.Fatalf("status %d", r.status)
	}
}

// readStream reads a whole SSE body.
func readStream(t *testing.T, body []byte) *sse.Stream {
	t.Helper()
	st, err := sse.ReadAll(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	return st
}

// TestGracefulShutdown starts a request that is still running when the
// server is told to stop; it must complete.
func TestGracefulShutdown(t *testing.T) {
	b := &blocking{started: make(chan struct{}, 1), release: make(chan struct{})}
	ts := startServer(t, testOptions{first: b})
	done := make(chan *result)
	go func() { done <- ts.do("POST", "/v1/bios", keyFull, validReq) }()
	<-b.started
	shut := make(chan error)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- ts.srv.Shutdown(ctx)
	}()
	// New connections are refused once shutdown has begun; wait for that.
	for i := 0; i < 100; i++ {
		c, err := net.DialTimeout("tcp", strings.TrimPrefix(ts.url, "http://"), time.Second)
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	close(b.release)
	if r := <-done; r.status != 200 {
		t.Fatalf("in-flight request: status %d", r.status)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// TestShutdownLosesNothing: requests whose model call is still running when
// the grace period ends are answered by the template writer, degraded,
// with the cut-off provider as a timeout, JSON and stream alike, never a
// 500 (issue 12).
func TestShutdownLosesNothing(t *testing.T) {
	b := &blocking{started: make(chan struct{}, 2), release: make(chan struct{})}
	ts := startServer(t, testOptions{first: b})
	jsonDone, streamDone := make(chan *result), make(chan *result)
	go func() { jsonDone <- ts.do("POST", "/v1/bios", keyFull, validReq) }()
	<-b.started
	// Another user's request: the same one would join the first's generation.
	other := strings.Replace(validReq, `"w-10423"`, `"w-10424"`, 1)
	go func() { streamDone <- ts.do("POST", "/v1/bios", keyFull, other, "Accept", "text/event-stream") }()
	<-b.started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	ts.srv.Shutdown(ctx) // the grace period ends with both still waiting for the model
	r := <-jsonDone
	var resp bio.Response
	json.Unmarshal(r.body, &resp)
	if r.status != 200 || resp.Source != bio.SourceTemplate || !resp.Degraded || strings.Join(resp.FallbackReasons, ",") != "slow:timeout" {
		t.Fatalf("JSON: %d %s", r.status, r.body)
	}
	r = <-streamDone
	st := readStream(t, r.body)
	if r.status != 200 || st.Done == nil || st.Done.Source != bio.SourceTemplate || strings.Join(st.Done.FallbackReasons, ",") != "slow:timeout" || st.Text != st.Done.Bio {
		t.Fatalf("stream: %d %s", r.status, r.body)
	}
}

// FuzzHandler feeds arbitrary bodies, content types and paths to the
// handler: never a panic, never a 5xx.
func FuzzHandler(f *testing.F) {
	f.Add([]byte(validReq), "application/json", "/v1/bios", false)
	f.Add([]byte(`{"user_id":"w-1","profile":{"name":"A","current_role":"B"},"stream":true}`), "application/json", "/v1/bios", false)
	f.Add([]byte("\xff\xfe"), "application/json; charset=utf-8", "/v1/bios", false)
	f.Add([]byte(`{"user_id":"w-1","profile":{"name":"A","current_role":"B","experience":[{"start":"2020-01","end":"1999"}]}}`), "application/vnd.api+json", "/v1/bios", true)
	f.Add([]byte(`[]`), "text/plain", "/nope", false)
	ts := startServer(f, testOptions{})
	f.Fuzz(func(t *testing.T, body []byte, contentType, path string, sse bool) {
		var ctx fasthttp.RequestCtx
		var req fasthttp.Request
		req.Header.SetMethod("POST")
		req.SetRequestURI(path)
		req.Header.SetContentType(contentType)
		req.Header.Set("Authorization", "Bearer "+keyFull)
		if sse {
			req.Header.Set("Accept", "text/event-stream")
		}
		req.SetBody(body)
		ctx.Init(&req, nil, nil)
		ts.srv.handle(&ctx)
		if code := ctx.Response.StatusCode(); code >= 500 {
			t.Fatalf("status %d for %q: %s", code, body, ctx.Response.Body())
		}
		if ctx.Response.IsBodyStream() {
			var buf bytes.Buffer
			w := bufio.NewWriter(&buf)
			ctx.Response.BodyWriteTo(w)
			w.Flush()
			if bytes.Contains(buf.Bytes(), []byte("event: error")) {
				t.Fatalf("stream error for %q: %s", body, buf.Bytes())
			}
		}
	})
}

// BenchmarkBiosTemplate measures the whole handler on the template path:
// authentication, rate limit, decoding, validation, writing and encoding,
// and the bio's record, queued for the store as in production (every
// benchmark here keeps records: the store's writer runs beside them).
func BenchmarkBiosTemplate(b *testing.B) {
	ts := startServer(b, testOptions{rps: 1e9, burst: 1 << 30, records: true})
	var req fasthttp.Request
	req.Header.SetMethod("POST")
	req.SetRequestURI("/v1/bios")
	req.Header.SetContentType("application/json")
	req.Header.Set("Authorization", "Bearer "+keyFull)
	req.SetBodyString(validReq)
	var ctx fasthttp.RequestCtx
	b.ReportAllocs()
	for b.Loop() {
		ctx.Init(&req, nil, nil)
		ts.srv.handle(&ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("status %d", ctx.Response.StatusCode())
		}
	}
}

// instant is a model that answers at once with a valid bio.
type instant struct{}

func (instant) Name() string        { return "instant" }
func (instant) Kind() provider.Kind { return provider.KindOllama }
func (instant) Generate(_ context.Context, req *provider.Request) (*provider.Result, error) {
	return &provider.Result{Text: (&writer.Writer{}).Write(req.Bio, req.Variant).Text, Model: "instant-1"}, nil
}

func TestCacheHeaders(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, cached: true})
	r := ts.do("POST", "/v1/bios", keyFull, validReq)
	if r.status != 200 || r.header.Get("X-Cache") != "MISS" {
		t.Fatalf("first: %d %s", r.status, r.header.Get("X-Cache"))
	}
	ts.srv.answers.WaitCache() // ristretto applies writes asynchronously
	r = ts.do("POST", "/v1/bios", keyFull, validReq)
	var resp bio.Response
	json.Unmarshal(r.body, &resp)
	if r.header.Get("X-Cache") != "HIT" || resp.Cache != "exact" || resp.Source != "ollama" || resp.Provider != "instant" || resp.Model != "instant-1" {
		t.Fatalf("second: X-Cache %q, %+v", r.header.Get("X-Cache"), resp)
	}
	if st := r.header.Get("Server-Timing"); !strings.Contains(st, `cache;dur=`) || !strings.Contains(st, `desc="exact"`) {
		t.Fatalf("Server-Timing %q", st)
	}
	// A hit streams as one delta and done.
	r = ts.do("POST", "/v1/bios", keyFull, validReq, "Accept", "text/event-stream")
	st := readStream(t, r.body)
	if r.header.Get("X-Cache") != "HIT" || len(st.Events) != 2 || st.Deltas != 1 || st.Done == nil || st.Done.Cache != bio.CacheExact {
		t.Fatalf("stream: %s %+v", r.header.Get("X-Cache"), st.Events)
	}
	// The header may only make the semantic lookup stricter; bad values are refused.
	for _, v := range []string{"2", "NaN", "nan", "-Inf", "+Inf", "0", "1e-400", "0x1p-2000"} {
		if r := ts.do("POST", "/v1/bios", keyFull, validReq, "X-Cache-Min-Similarity", v); r.status != 400 {
			t.Fatalf("bad X-Cache-Min-Similarity %q: %d", v, r.status)
		}
	}
}

// BenchmarkBiosExactHit measures a POST /v1/bios answered by the exact cache,
// through the whole handler.
func BenchmarkBiosExactHit(b *testing.B) {
	ts := startServer(b, testOptions{rps: 1e9, burst: 1 << 30, records: true, first: instant{}, cached: true})
	var req fasthttp.Request
	req.Header.SetMethod("POST")
	req.SetRequestURI("/v1/bios")
	req.Header.SetContentType("application/json")
	req.Header.Set("Authorization", "Bearer "+keyFull)
	req.SetBodyString(validReq)
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, nil, nil)
	ts.srv.handle(&ctx)
	ts.srv.answers.WaitCache()
	b.ReportAllocs()
	for b.Loop() {
		ctx.Init(&req, nil, nil)
		ts.srv.handle(&ctx)
		if string(ctx.Response.Header.Peek("X-Cache")) != "HIT" {
			b.Fatalf("X-Cache %q", ctx.Response.Header.Peek("X-Cache"))
		}
	}
}

// benchmarkBios posts bodies in turn through the handler and checks each
// answer's X-Cache.
func benchmarkBios(b *testing.B, o testOptions, warm string, bodies []string, xcache string) {
	ts := startServer(b, o)
	var req fasthttp.Request
	req.Header.SetMethod("POST")
	req.SetRequestURI("/v1/bios")
	req.Header.SetContentType("application/json")
	req.Header.Set("Authorization", "Bearer "+keyFull)
	if o.tracer != nil {
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	}
	var ctx fasthttp.RequestCtx
	if warm != "" {
		req.SetBodyString(warm)
		ctx.Init(&req, nil, nil)
		ts.srv.handle(&ctx)
		ts.srv.answers.WaitCache()
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req.SetBodyString(bodies[i%len(bodies)])
		i++
		ctx.Init(&req, nil, nil)
		ts.srv.handle(&ctx)
		if got := string(ctx.Response.Header.Peek("X-Cache")); ctx.Response.StatusCode() != 200 || got != xcache {
			b.Fatalf("status %d, X-Cache %q; want %q", ctx.Response.StatusCode(), got, xcache)
		}
	}
}

// BenchmarkBiosModelMiss is the miss path through the handler with a model
// that answers at once: decoding, the prompt, the chain and every output
// check of the answer, without a cache.
func BenchmarkBiosModelMiss(b *testing.B) {
	benchmarkBios(b, testOptions{rps: 1e9, burst: 1 << 30, records: true, first: instant{}}, "", []string{validReq}, "MISS")
}

// tracer returns a tracer recording every trace and exporting to a
// collector that discards what it gets, shut down when b ends.
func tracer(b *testing.B) *tracing.Tracer {
	col := tracingtest.New(true)
	tr, err := tracing.New(tracing.Config{Endpoint: col.URL, SampleRatio: 1, ServiceName: "bench",
		Timeout: 10 * time.Second, QueueSize: 2048, BatchDelay: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		tr.Shutdown(context.Background())
		col.Close()
	})
	return tr
}

// BenchmarkBiosExactHitTraced is BenchmarkBiosExactHit with tracing on and
// an inbound traceparent: a request span and a cache lookup span.
func BenchmarkBiosExactHitTraced(b *testing.B) {
	benchmarkBios(b, testOptions{rps: 1e9, burst: 1 << 30, records: true, first: instant{}, cached: true, tracer: tracer(b)}, validReq, []string{validReq}, "HIT")
}

// BenchmarkBiosModelMissTraced is BenchmarkBiosModelMiss with tracing on
// and an inbound traceparent: request, attempt and checks spans.
func BenchmarkBiosModelMissTraced(b *testing.B) {
	benchmarkBios(b, testOptions{rps: 1e9, burst: 1 << 30, records: true, first: instant{}, tracer: tracer(b)}, "", []string{validReq}, "MISS")
}

// BenchmarkBiosSemanticHit is a semantic hit through the handler: the
// cached request's skills in another order, so that the exact cache misses
// and the semantic cache answers (and, since this change, checks the
// cached bio against the request again).
func BenchmarkBiosSemanticHit(b *testing.B) {
	reordered := strings.Replace(validReq, `"Go","Kafka","PostgreSQL"`, `"PostgreSQL","Kafka","Go"`, 1)
	bodies := []string{reordered, strings.Replace(reordered, `"Ada Okafor"`, `"Ada  Okafor"`, 1)}
	benchmarkBios(b, testOptions{rps: 1e9, burst: 1 << 30, records: true, first: instant{}, cached: true}, validReq, bodies, "HIT")
}

// TestTwoKeysAreRefused: two Authorization headers, or one beside an
// X-API-Key, are a 400: which key a proxy and this server read is a guess.
func TestTwoKeysAreRefused(t *testing.T) {
	ts := startServer(t, testOptions{})
	for _, h := range [][2][2]string{
		{{"Authorization", "Bearer " + keyFull}, {"Authorization", "Bearer " + keyOther}},
		{{"Authorization", "Bearer " + keyFull}, {"X-API-Key", keyOther}},
		{{"X-API-Key", keyFull}, {"X-API-Key", keyFull}},
	} {
		req, _ := http.NewRequest("POST", ts.url+"/v1/bios", strings.NewReader(validReq))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Add(h[0][0], h[0][1])
		req.Header.Add(h[1][0], h[1][1])
		resp, err := ts.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !bytes.Contains(b, []byte(`"code":"bad_request"`)) {
			t.Errorf("%v: %d %s", h, resp.StatusCode, b)
		}
	}
	// One key still works, by either header.
	if r := ts.do("POST", "/v1/bios", keyFull, validReq); r.status != 200 {
		t.Fatalf("one key: %d", r.status)
	}
}

// TestPublicMetricsNameNoOtherTenant: a tenant's key reads on the public
// port only its own series and process-wide ones; the admin listener has
// them all (issue 12).
func TestPublicMetricsNameNoOtherTenant(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, cached: true})
	ts.do("POST", "/v1/bios", keyFull, validReq)
	ts.do("POST", "/v1/bios", keyOther, strings.Replace(validReq, `"w-`, `"x-`, 1))
	r := ts.do("GET", "/metrics", keyFull, "")
	if r.status != 200 || !strings.Contains(string(r.body), `tenant="acme"`) || strings.Contains(string(r.body), "globex") ||
		!strings.Contains(string(r.body), "process_cpu_seconds_total") {
		t.Fatalf("public metrics for acme: %d\n%s", r.status, r.body)
	}
	admin := ts.doURL(ts.admin+"/metrics", "GET", "", "")
	if !strings.Contains(string(admin.body), `tenant="globex"`) || !strings.Contains(string(admin.body), `tenant="acme"`) {
		t.Fatalf("admin metrics lack a tenant:\n%s", admin.body)
	}
	var b bytes.Buffer
	writeOwnSeries(&b, []byte("# HELP x y\nx{provider=\"big\",tenant=\"acme\"} 1\nx{tenant=\"globex\"} 1\ny{provider=\"other\"} 2\nz 3\n"),
		&tenant.Tenant{Config: tenant.Config{ID: "acme", Chain: []string{"big", "template"}}})
	if b.String() != "# HELP x y\nx{provider=\"big\",tenant=\"acme\"} 1\nz 3\n" {
		t.Fatalf("writeOwnSeries: %q", b.String())
	}
}

// TestPprofOnlyWhenConfigured: Go's profiles on the admin listener only
// when the configuration asks for them (issue 12).
func TestPprofOnlyWhenConfigured(t *testing.T) {
	for _, on := range []bool{false, true} {
		ts := startServer(t, testOptions{pprof: on})
		r := ts.doURL(ts.admin+"/debug/pprof/", "GET", "", "")
		if (r.status == 200) != on || !on && r.status != 404 {
			t.Errorf("pprof %v: status %d", on, r.status)
		}
	}
}

// TestErase: DELETE /v1/users/{user_id} removes the user's cached bios in
// the caller's tenant only, needs the erase or admin scope, is idempotent,
// and its audit line names the user by a keyed hash, never by the id.
func TestErase(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, cached: true})
	post := func(key string) string {
		t.Helper()
		r := ts.do("POST", "/v1/bios", key, validReq)
		ts.srv.answers.WaitCache()
		var resp bio.Response
		json.Unmarshal(r.body, &resp)
		return string(resp.Cache)
	}
	post(keyFull)
	post(keyOther)
	if post(keyFull) != "exact" || post(keyOther) != "exact" {
		t.Fatal("not cached")
	}
	for _, key := range []string{keyFull, keyBios, keyMetrics} {
		if r := ts.do("DELETE", "/v1/users/w-10423", key, ""); r.status != 403 {
			t.Fatalf("erase without the scope: %d", r.status)
		}
	}
	if r := ts.do("POST", "/v1/users/w-10423", keyErase, ""); r.status != 405 {
		t.Fatalf("POST: %d", r.status)
	}
	if r := ts.do("DELETE", "/v1/users/bad%20id", keyErase, ""); r.status != 400 {
		t.Fatalf("bad id: %d", r.status)
	}
	r := ts.do("DELETE", "/v1/users/w-10423", keyErase, "")
	var out struct {
		UserID    string         `json:"user_id"`
		Erased    map[string]int `json:"erased"`
		RequestID string         `json:"request_id"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || r.status != 200 || out.UserID != "w-10423" || out.Erased["cache"] < 1 ||
		len(out.Erased) != 4 || out.RequestID == "" {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	// Gone for acme, kept for globex.
	if got := post(keyFull); got != "miss" {
		t.Fatalf("after erasure acme got %s", got)
	}
	if got := post(keyOther); got != "exact" {
		t.Fatalf("globex's entry went too: %s", got)
	}
	// Again, and an unknown user: 200 with zeros (acme's new entry aside).
	ts.do("DELETE", "/v1/users/w-10423", keyErase, "")
	r = ts.do("DELETE", "/v1/users/nobody-here", keyErase, "")
	if r.status != 200 || !strings.Contains(string(r.body), `"erased":{"cache":0,"feedback":0,"idempotency":0,"jobs":0}`) {
		t.Fatalf("unknown user: %d %s", r.status, r.body)
	}
	// The admin scope of another tenant erases there only.
	if r := ts.do("DELETE", "/v1/users/w-10423", keyOtherEr, ""); r.status != 200 || strings.Contains(string(r.body), `"cache":0`) {
		t.Fatalf("globex admin: %d %s", r.status, r.body)
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, `"msg":"user erased"`) || !strings.Contains(logs, `"user_hash":"`) || strings.Contains(logs, "w-10423") {
		t.Fatalf("audit lines:\n%s", logs)
	}
}

// TestPerUserLimit: besides the tenant's bucket each user has one; an
// empty user bucket is a 429 for that user only, the headers list both
// policies and report the one closest to empty, and a hit by the body's
// bytes draws from it too (contract 1.1).
func TestPerUserLimit(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, cached: true, perUserPerMinute: 10, perUserBurst: 2})
	for i := 0; i < 2; i++ {
		r := ts.do("POST", "/v1/bios", keyFull, validReq)
		ts.srv.answers.WaitCache()
		if r.status != 200 || !strings.Contains(r.header.Get("RateLimit-Policy"), `"user";q=2;w=12`) ||
			!strings.Contains(r.header.Get("RateLimit-Policy"), `"tenant";q=`) {
			t.Fatalf("request %d: %d, policy %q", i, r.status, r.header.Get("RateLimit-Policy"))
		}
	}
	r := ts.do("POST", "/v1/bios", keyFull, validReq) // the same bytes: a hit by body, refused all the same
	if r.status != 429 || r.problem(t).Code != bio.ProblemRateLimited || r.header.Get("Retry-After") == "" ||
		!strings.HasPrefix(r.header.Get("RateLimit"), `"user";r=0`) {
		t.Fatalf("third: %d %q %s", r.status, r.header.Get("RateLimit"), r.body)
	}
	if r := ts.do("POST", "/v1/bios", keyFull, strings.Replace(validReq, `"w-10423"`, `"w-other"`, 1)); r.status != 200 {
		t.Fatalf("another user: %d", r.status)
	}
}

// TestOverloadCostsTheUserNothing: a request refused with 503 for load
// gives its user's token back (adversary round 6, F4).
func TestOverloadCostsTheUserNothing(t *testing.T) {
	b := &blocking{started: make(chan struct{}, 8), release: make(chan struct{})}
	ts := startServer(t, testOptions{first: b, maxInFlight: 1, perUserPerMinute: 1, perUserBurst: 2})
	done := make(chan *result)
	go func() {
		done <- ts.do("POST", "/v1/bios", keyFull, strings.Replace(validReq, `"w-10423"`, `"holder"`, 1))
	}()
	<-b.started
	for i := 0; i < 4; i++ {
		if r := ts.do("POST", "/v1/bios", keyFull, validReq); r.status != 503 {
			t.Fatalf("request %d while full: %d", i, r.status)
		}
	}
	close(b.release)
	<-done
	for i := 0; i < 2; i++ { // the user's whole burst is still there
		if r := ts.do("POST", "/v1/bios", keyFull, validReq); r.status != 200 {
			t.Fatalf("after the load, request %d: %d %s", i, r.status, r.body)
		}
	}
}

// TestAccessLogFields: the access log line of a bio says where it came
// from and what it cost (provider, model, prompt version, cache, tokens,
// fallback reasons, flags, timings), and nothing of the person.
func TestAccessLogFields(t *testing.T) {
	ts := startServer(t, testOptions{})
	r := ts.do("POST", "/v1/bios", keyFull, validReq, "X-Request-Id", "req-log-1")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var resp bio.Response
	if err := json.Unmarshal(r.body, &resp); err != nil {
		t.Fatal(err)
	}
	var line map[string]any
	for l := range strings.SplitSeq(ts.logs.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["request_id"] == "req-log-1" {
			line = m
		}
	}
	if line == nil {
		t.Fatalf("no access log line:\n%s", ts.logs.String())
	}
	want := map[string]any{"bio_id": resp.ID, "source": string(resp.Source), "provider": resp.Provider, "model": resp.Model,
		"prompt_version": resp.PromptVersion, "cache": "miss", "degraded": resp.Degraded,
		"fallback_reasons": strings.Join(resp.FallbackReasons, ","), "flags": strings.Join(resp.Flags, ","),
		"input_tokens": float64(resp.Usage.InputTokens), "output_tokens": float64(resp.Usage.OutputTokens), "cost_usd": resp.Usage.CostUSD}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("%s: %v; want %v (line %v)", k, line[k], v, line)
		}
	}
	for _, k := range []string{"cache_ms", "provider_ms", "duration_ms"} {
		if _, ok := line[k].(float64); !ok {
			t.Errorf("%s missing: %v", k, line)
		}
	}
	for _, s := range []string{"Ada", "Okafor", "w-10423", "Northwind"} {
		if strings.Contains(ts.logs.String(), s) {
			t.Fatalf("log holds %q", s)
		}
	}
}
