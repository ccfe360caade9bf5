// Package scenarios runs biogen's load scenarios: a biogen (in this process
// or a built binary) in front of fake LLM upstreams, driven open-loop by
// package load, with the same load sent straight at the fake upstream as the
// baseline for biogen's overhead.
package scenarios

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fastjson"

	"github.com/biogen/biogen/bench/load"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/corpus"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/sse"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/wiring"
)

// Options configure a run of scenarios.
type Options struct {
	// Duration of each scenario, and Rate, its open-loop rate. The model
	// scenario and its baseline use ModelRate, the stream scenario and its
	// baseline StreamRate (each Rate when zero).
	Duration   time.Duration
	Rate       float64
	ModelRate  float64
	StreamRate float64
	// Only, if not empty, names the scenarios to run.
	Only []string
	// SweepRates are the rates miss-max tries, in order. Default 500 to
	// 8,000 a second.
	SweepRates []float64
	// SweepAnyLatency keeps every step of miss-max that has no errors,
	// whatever its latency and pace: for tests, which check what the
	// scenarios do, never how fast.
	SweepAnyLatency bool
	// Bodies are request bodies (JSON of POST /v1/bios).
	Bodies [][]byte
	// Binary, if set, is a built biogen to run as its own process, so its
	// memory can be read; otherwise biogen runs in this process.
	Binary string
	// JobsPhase is the length of each phase of the jobs scenario
	// (synchronous requests at Rate alone, then beside a job); 0 skips it.
	JobsPhase time.Duration
	// JobItems is the size of the jobs scenario's job. Default JobsItems.
	JobItems int
	// SoakDuration is the length of the soak scenario's load; 0 skips it.
	// The soak needs Binary (it reads biogen's own memory).
	SoakDuration time.Duration
	// SoakConcurrency is the soak's requests in flight. Default
	// SoakConcurrency.
	SoakConcurrency int
	// SoakHeapProfile, if set, is a file for a heap profile of biogen
	// taken when the soak's load stops.
	SoakHeapProfile string
	// Log receives progress lines; nil for none.
	Log io.Writer
}

// Result is one scenario's report plus biogen's memory after it.
type Result struct {
	load.Report
	// RSSBytes is biogen's resident memory after the scenario (only with
	// Binary).
	RSSBytes int64 `json:"rss_bytes,omitempty"`
	// CPUPerRequest is biogen's CPU time (user and system) during the
	// scenario divided by the requests sent, in microseconds (only with
	// Binary): its own cost per request, whatever else shares the machine.
	CPUPerRequest float64 `json:"cpu_us_per_request,omitempty"`
	// Note says what the scenario measures.
	Note string `json:"note"`
}

// Summary is the whole run.
type Summary struct {
	Started time.Time `json:"started"`
	Machine string    `json:"machine"`
	Command string    `json:"command"`
	IdleRSS int64     `json:"idle_rss_bytes,omitempty"`
	Results []Result  `json:"results"`
	// Overheads are derived figures: "..._p50"/"..._p99" in milliseconds
	// (biogen minus the direct baseline), "..._share" a ratio.
	Overheads map[string]float64 `json:"derived"`
	// Jobs is the jobs scenario's figures, if it ran.
	Jobs *Jobs `json:"jobs,omitempty"`
	// Soak is the soak scenario's samples and figures, if it ran.
	Soak *Soak `json:"soak,omitempty"`
}

// env is the running set-up shared by the scenarios.
type env struct {
	opts      Options
	upstreams map[string]*httptest.Server
	biogen    target
	client    *fasthttp.Client
	stream    *http.Client
	prompt    *prompt.Renderer

	baseline     string
	stopBaseline func()
}

// Tenants and their keys, one per scenario family.
var tenants = []struct{ id, chain, cache string }{
	{"miss", "fast", "off"},
	{"hit", "fast", "on"},
	{"model", "model", "off"},
	{"stream", "tokens", "off"},
	{"fallback", "down", "off"},
	{"overload", "limited", "off"},
	{"soak", "fast", "on"}, // the default cache settings: what the soak measures
	{"jobs", "gpu", "off"},
}

func key(tenantID string) string { return "bench-key-" + tenantID }

// Run runs the scenarios and returns their results.
func Run(ctx context.Context, o Options) (*Summary, error) {
	if len(o.Bodies) == 0 {
		return nil, fmt.Errorf("no request bodies")
	}
	if o.ModelRate == 0 {
		o.ModelRate = o.Rate
	}
	if o.StreamRate == 0 {
		o.StreamRate = o.Rate
	}
	if o.JobItems == 0 {
		o.JobItems = JobsItems
	}
	if o.SoakConcurrency == 0 {
		o.SoakConcurrency = SoakConcurrency
	}
	if len(o.SweepRates) == 0 {
		o.SweepRates = []float64{500, 1000, 1500, 2000, 3000, 4000, 6000, 8000}
	}
	e := &env{opts: o, upstreams: map[string]*httptest.Server{}}
	defer e.close()
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	defer e.stream.CloseIdleConnections()
	e.warmFakes()

	s := &Summary{Started: time.Now().UTC(), Machine: machine(), Overheads: map[string]float64{}}
	s.IdleRSS = e.biogen.rss()
	for _, sc := range e.scenarios() {
		if selected(o.Only, sc.name) {
			s.Results = append(s.Results, e.run(ctx, sc))
		}
	}
	e.repeatMiss(ctx, s)
	overheads(s)
	e.runJobs(ctx, s)
	e.runSoak(ctx, s)
	return s, nil
}

// start starts the fake upstreams, the baseline and biogen, and the
// clients.
func (e *env) start(ctx context.Context) error {
	e.upstreams["fast"] = httptest.NewServer(fakellm.New(fakellm.Config{Forget: true, ChunkWords: 40}))
	// model: the whole answer after 50 ms, the anchor other gateways are
	// measured with; tokens: a 50 ms first token, then 2 ms a token.
	e.upstreams["model"] = httptest.NewServer(fakellm.New(fakellm.Config{Forget: true, FirstToken: 50 * time.Millisecond, ChunkWords: 40}))
	e.upstreams["tokens"] = httptest.NewServer(fakellm.New(fakellm.Config{Forget: true, FirstToken: 50 * time.Millisecond, TokenDelay: 2 * time.Millisecond, Jitter: 0.1}))
	// limited: 4 in parallel, 4 waiting, 100 ms each: about 40 requests a
	// second, less than the scenarios send.
	e.upstreams["limited"] = httptest.NewServer(fakellm.New(fakellm.Config{Forget: true, FirstToken: 100 * time.Millisecond, MaxParallel: 4, QueueSize: 4, ChunkWords: 40}))
	if err := e.startBaseline(); err != nil {
		return err
	}
	var err error
	if e.prompt, err = prompt.Load("", "v1"); err != nil {
		return err
	}
	if e.biogen, err = startBiogen(ctx, e.config(), e.opts.Binary); err != nil {
		return err
	}
	e.client = &fasthttp.Client{MaxConnsPerHost: 4096, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	e.stream = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	return nil
}

// run runs one scenario and measures biogen's CPU over it.
func (e *env) run(ctx context.Context, sc scenario) Result {
	e.logf("running %s: %s", sc.name, sc.note)
	cpu := e.biogen.cpu()
	rep := sc.run(ctx)
	rep.Name = sc.name
	r := Result{Report: rep, Note: sc.note, RSSBytes: e.biogen.rss()}
	if used := e.biogen.cpu() - cpu; used > 0 && rep.Sent > 0 && sc.throughBiogen() && sc.name != "miss-max" {
		// (miss-max's CPU is spread over every step of its sweep.)
		r.CPUPerRequest = float64(used.Microseconds()) / float64(rep.Sent)
	}
	e.logf("  %s: %d sent, %d ok, p50 %.2f ms, p99 %.2f ms, %.0f req/s", sc.name, rep.Sent, rep.OK, rep.Latency.P50, rep.Latency.P99, rep.Throughput)
	return r
}

// repeatMiss runs the miss scenario twice more: biogen's memory must not
// keep growing.
func (e *env) repeatMiss(ctx context.Context, s *Summary) {
	if first := findResult(s, "miss"); first == nil || first.RSSBytes == 0 {
		return
	}
	e.logf("running miss twice more, to compare memory")
	var rss [2]int64
	for i := range rss {
		for _, sc := range e.scenarios() {
			if sc.name == "miss" {
				sc.run(ctx)
			}
		}
		rss[i] = e.biogen.rss()
	}
	s.Overheads["rss_after_miss_repeats_mb"] = float64(rss[1]) / (1 << 20)
	s.Overheads["rss_growth_between_identical_runs_mb"] = float64(rss[1]-rss[0]) / (1 << 20)
}

// overheads derives the figures the targets name from the results.
func overheads(s *Summary) {
	find := func(name string) *Result { return findResult(s, name) }
	if m, d := find("model"), find("direct"); m != nil && d != nil {
		s.Overheads["model_minus_direct_p50"] = m.Latency.P50 - d.Latency.P50
		s.Overheads["model_minus_direct_p99"] = m.Latency.P99 - d.Latency.P99
	}
	if st, d := find("stream"), find("direct-stream"); st != nil && d != nil && st.FirstDelta != nil && d.FirstDelta != nil {
		s.Overheads["stream_first_delta_minus_direct_p50"] = st.FirstDelta.P50 - d.FirstDelta.P50
		s.Overheads["stream_first_delta_minus_direct_p99"] = st.FirstDelta.P99 - d.FirstDelta.P99
	}
	if m := find("miss-max"); m != nil {
		s.Overheads["miss_max_rate_no_errors_p99_under_20ms"] = m.Rate
	}
	if h, b := find("hit-max"), find("baseline-1kb"); h != nil && b != nil && b.Throughput > 0 {
		s.Overheads["hit_max_share_of_baseline"] = h.Throughput / b.Throughput
	}
	if m, d := find("miss"), find("direct-fast"); m != nil && d != nil {
		s.Overheads["miss_minus_direct_fast_p50"] = m.Latency.P50 - d.Latency.P50
		s.Overheads["miss_minus_direct_fast_p99"] = m.Latency.P99 - d.Latency.P99
	}
}

func selected(only []string, name string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if o == name {
			return true
		}
	}
	return false
}

func (e *env) logf(format string, args ...any) {
	if e.opts.Log != nil {
		fmt.Fprintf(e.opts.Log, format+"\n", args...)
	}
}

func (e *env) close() {
	if e.biogen != nil {
		e.biogen.stop()
	}
	if e.stopBaseline != nil {
		e.stopBaseline()
	}
	if e.client != nil {
		e.client.CloseIdleConnections()
	}
	for _, s := range e.upstreams {
		s.Close()
	}
}

// config is biogen's configuration for the scenarios.
func (e *env) config() string {
	var b strings.Builder
	b.WriteString("server:\n  addr: 127.0.0.1:0\n  max_in_flight: 4096\n  shutdown_grace: 5s\nlog:\n  level: error\nproviders:\n")
	down := closedPort()
	for _, p := range []struct{ name, url, extra string }{
		{"fast", e.upstreams["fast"].URL, "    max_concurrent: 512\n"},
		{"model", e.upstreams["model"].URL, "    max_concurrent: 2048\n"},
		{"tokens", e.upstreams["tokens"].URL, "    max_concurrent: 2048\n"},
		{"limited", e.upstreams["limited"].URL, "    max_concurrent: 64\n    retries: -1\n"},
		// The model upstream as a GPU server is: a few slots (jobsSlots),
		// which the jobs scenario's job and synchronous requests contend for.
		{"gpu", e.upstreams["model"].URL, fmt.Sprintf("    max_concurrent: %d\n", jobsSlots)},
		{"down", down, "    breaker_failures: 5\n    breaker_open: 1h\n"},
	} {
		fmt.Fprintf(&b, "  - name: %s\n    kind: ollama\n    model: writer\n    host: %s\n    timeout: 5s\n%s", p.name, p.url, p.extra)
	}
	b.WriteString("tenants:\n")
	for _, t := range tenants {
		fmt.Fprintf(&b, "  - id: %s\n    keys: [%q]\n    chain: [%s]\n    rate_limit:\n      requests_per_second: 1000000\n      per_user: {requests_per_minute: 0}\n", t.id, tenant.Digest(key(t.id)), t.chain)
		if t.cache == "off" {
			b.WriteString("    cache:\n      exact: false\n      semantic: false\n")
		}
	}
	return b.String()
}

func closedPort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "http://127.0.0.1:1"
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

type scenario struct {
	name, note string
	run        func(ctx context.Context) load.Report
}

// throughBiogen reports whether the scenario's requests go through biogen
// (the baselines go straight to a fake or a bare server).
func (sc scenario) throughBiogen() bool {
	return !strings.HasPrefix(sc.name, "direct") && !strings.HasPrefix(sc.name, "baseline")
}

func (e *env) scenarios() []scenario {
	o := e.opts
	open := func(rate float64, do func(context.Context, int) load.Result) load.Report {
		return load.Run(context.Background(), load.Config{Rate: rate, Duration: o.Duration, Do: do})
	}
	closed := func(c int, do func(context.Context, int) load.Result) load.Report {
		return load.Run(context.Background(), load.Config{Concurrency: c, Duration: o.Duration, Do: do})
	}
	return []scenario{
		{"direct-fast", "the same load straight at the fake upstream answering at once: the baseline for miss",
			func(ctx context.Context) load.Report { return open(o.Rate, e.direct("fast")) }},
		{"miss", "biogen in front of an upstream answering at once, caches off: biogen's own cost",
			func(ctx context.Context) load.Report { return open(o.Rate, e.bio("miss", false)) }},
		{"direct", "the same load straight at the fake upstream answering after 50 ms: the baseline for model",
			func(ctx context.Context) load.Report { return open(o.ModelRate, e.direct("model")) }},
		{"model", "biogen in front of an upstream answering after 50 ms, caches off",
			func(ctx context.Context) load.Report { return open(o.ModelRate, e.bio("model", false)) }},
		{"direct-stream", "the same streaming chat straight at the token-by-token upstream; first_delta is the time to its first chunk: the baseline for stream",
			func(ctx context.Context) load.Report { return open(o.StreamRate, e.directStream("tokens")) }},
		{"stream", "SSE through biogen to an upstream with a 50 ms first token and 2 ms tokens; first_delta is the time to the first delta (the upstream's own first token is at 50 ms)",
			func(ctx context.Context) load.Report { return open(o.StreamRate, e.bio("stream", true)) }},
		{"hit", "exact-cache hits (the bodies are sent once to warm the cache first; those never cached are left out)",
			func(ctx context.Context) load.Report {
				do, left := e.cachedBodies("hit")
				e.logf("hit: %d bodies never cached, left out", left)
				return open(o.Rate, do)
			}},
		{"fallback", "first provider down: the breaker opens and requests go to the template writer at once",
			func(ctx context.Context) load.Report { return open(o.Rate, e.bio("fallback", false)) }},
		{"overload", "more load than the upstream can take (4 in parallel, 4 queued, 100 ms each): its 503s move requests to the template at once instead of queueing",
			func(ctx context.Context) load.Report { return open(o.Rate, e.bio("overload", false)) }},
		{"miss-max", "the miss scenario at rising rates (500 to 8,000 a second, 3 s each): the report of the highest rate with no errors and p99 under 20 ms",
			func(ctx context.Context) load.Report { return e.sweep("miss") }},
		{"hit-max", "closed loop, 64 in flight: the most exact-cache hits a second",
			func(ctx context.Context) load.Report { do, _ := e.cachedBodies("hit"); return closed(64, do) }},
		{"baseline-1kb", "closed loop, 64 in flight, at a bare fasthttp handler returning a fixed 1 KB JSON body: the ceiling for hit-max",
			func(ctx context.Context) load.Report { return closed(64, e.fixed()) }},
	}
}

// sweep raises the open-loop rate until a step has errors or a p99 of 20 ms
// or more, and returns the last step that had neither.
func (e *env) sweep(tenantID string) load.Report {
	// biogen's first pass over each profile (its thin-profile judgement, the
	// prompt's frames) is remembered: a cold first step would measure that,
	// not the steady state the sweep is after.
	e.warm(tenantID)
	d := min(3*time.Second, e.opts.Duration)
	var best load.Report
	for _, rate := range e.opts.SweepRates {
		rep := load.Run(context.Background(), load.Config{Rate: rate, Duration: d, Do: e.bio(tenantID, false)})
		e.logf("  %s at %.0f/s: %d errors, %d not sent, p99 %.2f ms", tenantID, rate, rep.Errors, rep.NotSent, rep.Latency.P99)
		if rep.Errors > 0 || rep.NotSent > 0 {
			break
		}
		if !e.opts.SweepAnyLatency && (rep.Latency.P99 >= 20 || rep.Throughput < 0.95*rate) {
			break
		}
		best = rep
	}
	return best
}

// fixed returns a request function for the bare fasthttp baseline.
func (e *env) fixed() func(context.Context, int) load.Result {
	url := e.baseline
	return func(ctx context.Context, i int) load.Result {
		return post(e.client, url, "", e.opts.Bodies[i%len(e.opts.Bodies)], func(b []byte) { labels(b) })
	}
}

// startBaseline serves a fixed 1 KB JSON body with a bare fasthttp server.
func (e *env) startBaseline() error {
	body := []byte(`{"bio":"` + strings.Repeat("x", 1000) + `"}`)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		ctx.SetContentType("application/json")
		ctx.SetBody(body)
	}}
	go srv.Serve(ln)
	e.baseline = "http://" + ln.Addr().String() + "/"
	e.stopBaseline = func() { srv.Shutdown() }
	return nil
}

// bio returns a request function for POST /v1/bios as tenant.
func (e *env) bio(tenantID string, stream bool) func(context.Context, int) load.Result {
	url := e.biogen.url() + "/v1/bios"
	auth := "Bearer " + key(tenantID)
	if stream {
		return func(ctx context.Context, i int) load.Result {
			return e.sse(ctx, url, auth, e.opts.Bodies[i%len(e.opts.Bodies)])
		}
	}
	return func(ctx context.Context, i int) load.Result {
		return PostBio(e.client, url, auth, e.opts.Bodies[i%len(e.opts.Bodies)])
	}
}

// PostBio sends one POST /v1/bios (auth may be empty) and labels the answer
// with its source and cache, and "degraded" if it says so.
func PostBio(c *fasthttp.Client, url, auth string, body []byte) load.Result {
	var source, cache string
	var degraded bool
	res := post(c, url, auth, body, func(b []byte) { source, cache, degraded = labels(b) })
	if res.Err == nil {
		res.Labels = []string{"source=" + source, "cache=" + cache}
		if degraded {
			res.Labels = append(res.Labels, "degraded")
		}
	}
	return res
}

// parsers read answers in the load generator; fastjson keeps its cost per
// answer small beside the server's.
var parsers fastjson.ParserPool

// labels reads an answer's source, cache and degraded flag. The
// baseline's answers are read the same way, so both sides of hit-max do
// the same client work.
func labels(b []byte) (source, cache string, degraded bool) {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(b)
	if err != nil {
		return "", "", false
	}
	return string(v.GetStringBytes("source")), string(v.GetStringBytes("cache")), v.GetBool("degraded")
}

// post sends body to url and hands the answer's body to read, if not nil.
func post(c *fasthttp.Client, url, auth string, body []byte, read func([]byte)) load.Result {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(url)
	req.Header.SetMethod("POST")
	req.Header.SetContentType("application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.SetBody(body)
	if err := c.DoTimeout(req, resp, 30*time.Second); err != nil {
		return load.Result{Err: err}
	}
	if read != nil {
		read(resp.Body())
	}
	return load.Result{Status: resp.StatusCode()}
}

// sse sends a streaming request and measures the time to the first delta.
func (e *env) sse(ctx context.Context, url, auth string, body []byte) load.Result {
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Authorization", auth)
	start := time.Now()
	resp, err := e.stream.Do(req)
	if err != nil {
		return load.Result{Err: err}
	}
	defer resp.Body.Close()
	var first time.Duration
	source := ""
	rd := sse.NewReader(resp.Body)
	for {
		ev, err := rd.Next()
		if err != nil {
			break
		}
		switch ev.Name {
		case "delta":
			if first == 0 {
				first = time.Since(start)
			}
		case "done":
			var out bio.Response
			json.Unmarshal([]byte(ev.Data), &out)
			source = string(out.Source)
		}
	}
	return load.Result{Status: resp.StatusCode, FirstByte: first, Labels: []string{"source=" + source}}
}

// chatBodies are the Ollama chat requests biogen would send for the bodies.
func (e *env) chatBodies() [][]byte {
	bodies := make([][]byte, 0, len(e.opts.Bodies))
	for _, b := range e.opts.Bodies {
		req, err := bio.Decode(b)
		if err != nil {
			continue
		}
		m, _ := e.prompt.Render(req, 0)
		cb, _ := json.Marshal(map[string]any{
			"model": "writer", "stream": true,
			"messages": []map[string]string{{"role": "system", "content": m.System}, {"role": "user", "content": m.User}},
		})
		bodies = append(bodies, cb)
	}
	return bodies
}

// direct returns a request function that sends the chat biogen would send,
// straight to the upstream, and reads the whole stream.
func (e *env) direct(upstream string) func(context.Context, int) load.Result {
	url := e.upstreams[upstream].URL + "/api/chat"
	bodies := e.chatBodies()
	return func(ctx context.Context, i int) load.Result {
		res := post(e.client, url, "", bodies[i%len(bodies)], nil)
		res.Labels = []string{"source=direct"}
		return res
	}
}

// directStream sends the chat straight to the upstream and measures the
// time to its first chunk.
func (e *env) directStream(upstream string) func(context.Context, int) load.Result {
	url := e.upstreams[upstream].URL + "/api/chat"
	bodies := e.chatBodies()
	return func(ctx context.Context, i int) load.Result {
		req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(string(bodies[i%len(bodies)])))
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := e.stream.Do(req)
		if err != nil {
			return load.Result{Err: err}
		}
		defer resp.Body.Close()
		br := bufio.NewReader(resp.Body)
		var first time.Duration
		if _, err := br.ReadSlice('\n'); err == nil {
			first = time.Since(start)
		}
		io.Copy(io.Discard, br)
		return load.Result{Status: resp.StatusCode, FirstByte: first, Labels: []string{"source=direct"}}
	}
}

// warmFakes has each fake write the bio of every body once: a fake
// remembers what it wrote for a prompt, and the first scenario to use a
// fake should not pay for its memory. Only the first line of each answer is
// read; closing the stream cancels the rest.
func (e *env) warmFakes() {
	start := time.Now()
	defer func() { e.logf("fakes warmed in %s", time.Since(start).Round(time.Millisecond)) }()
	bodies := e.chatBodies()
	work := make(chan [2]string)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := range work {
				resp, err := e.stream.Post(w[0], "application/json", strings.NewReader(w[1]))
				if err != nil {
					continue
				}
				bufio.NewReader(resp.Body).ReadSlice('\n')
				resp.Body.Close()
			}
		}()
	}
	for _, name := range []string{"fast", "model", "tokens"} {
		for _, b := range bodies {
			work <- [2]string{e.upstreams[name].URL + "/api/chat", string(b)}
		}
	}
	close(work)
	wg.Wait()
}

// warm sends every body once so the hit scenario hits.
func (e *env) warm(tenantID string) {
	do := e.bio(tenantID, false)
	for i := range e.opts.Bodies {
		do(context.Background(), i)
	}
	// ristretto applies writes asynchronously; give it a moment.
	time.Sleep(100 * time.Millisecond)
}

// cachedBodies returns the function of e.bio over only the bodies whose
// answer is cached once warm, and how many were left out: an answer
// flagged needs_review (an injected instruction, a language no check
// reads) is never cached, so its body would measure a miss among the hits.
func (e *env) cachedBodies(tenantID string) (func(context.Context, int) load.Result, int) {
	e.warm(tenantID)
	do := e.bio(tenantID, false)
	var hits [][]byte
	for i, b := range e.opts.Bodies {
		if r := do(context.Background(), i); slices.Contains(r.Labels, "cache=exact") {
			hits = append(hits, b)
		}
	}
	if len(hits) == 0 {
		hits = e.opts.Bodies // a run without caching shows its misses
	}
	url, auth := e.biogen.url()+"/v1/bios", "Bearer "+key(tenantID)
	return func(ctx context.Context, i int) load.Result {
		return PostBio(e.client, url, auth, hits[i%len(hits)])
	}, len(e.opts.Bodies) - len(hits)
}

// target is a running biogen.
type target interface {
	url() string
	rss() int64
	cpu() time.Duration
	stop()
}

func startBiogen(ctx context.Context, yaml, binary string) (target, error) {
	if binary != "" {
		p, err := startBiogenProcess(yaml, binary, nil)
		if err != nil {
			return nil, err
		}
		return p, nil
	}
	dir, err := os.MkdirTemp("", "biogen-bench")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "biogen.yaml")
	if err := os.WriteFile(path, []byte(withDataDir(yaml, dir)), 0o600); err != nil {
		return nil, err
	}
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		return nil, err
	}
	a, err := wiring.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(rctx, func(p, _ net.Addr) { addrs <- p }) }()
	select {
	case addr := <-addrs:
		return &inProcess{base: "http://" + addr.String(), cancel: cancel, done: done, dir: dir}, nil
	case err := <-done:
		cancel()
		return nil, err
	}
}

type inProcess struct {
	base   string
	cancel context.CancelFunc
	done   chan error
	dir    string
}

func (p *inProcess) url() string        { return p.base }
func (p *inProcess) rss() int64         { return 0 } // shared with the load generator: not biogen's own
func (p *inProcess) cpu() time.Duration { return 0 }
func (p *inProcess) stop() {
	p.cancel()
	<-p.done
	os.RemoveAll(p.dir)
}

type process struct {
	base string
	cmd  *exec.Cmd
	dir  string
}

// startBiogenProcess runs the biogen binary with the configuration yaml
// and the environment env (nil: this process's).
func startBiogenProcess(yaml, binary string, env []string) (*process, error) {
	dir, err := os.MkdirTemp("", "biogen-bench")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "biogen.yaml")
	if err := os.WriteFile(path, []byte(withDataDir(yaml, dir)), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return startProcess(binary, path, dir, env)
}

// withDataDir gives the biogen of yaml its own data_dir under dir, removed
// with it: the store's file is locked by one process at a time (a second
// biogen in the same directory, such as the soak's, would not start), and
// jobs left in it would resume in the next run.
func withDataDir(yaml, dir string) string {
	return yaml + fmt.Sprintf("data_dir: %q\n", filepath.Join(dir, "data"))
}

// startProcess runs the biogen binary on a free port, with the
// environment env (nil: this process's).
func startProcess(binary, config, dir string, env []string) (*process, error) {
	addr := strings.TrimPrefix(closedPort(), "http://")
	cmd := exec.Command(binary, "-config", config, "-addr", addr)
	cmd.Env = env
	cmd.Stderr = io.Discard
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{base: "http://" + addr, cmd: cmd, dir: dir}
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			return p, nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.stop()
	return nil, fmt.Errorf("biogen did not start on %s", addr)
}

func (p *process) url() string { return p.base }

// rss reads VmRSS from /proc.
func (p *process) rss() int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// cpu reads the CPU time biogen has used (utime and stime) from /proc.
func (p *process) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in clock ticks of 1/100 s on Linux.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

func (p *process) stop() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	os.RemoveAll(p.dir)
}

// machine describes this machine for the results.
func machine() string {
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				_, cpu, _ = strings.Cut(line, ": ")
				break
			}
		}
	}
	cores := runtime.NumCPU()
	if b, err := os.ReadFile("/sys/fs/cgroup/cpu.max"); err == nil {
		f := strings.Fields(string(b))
		if len(f) == 2 && f[0] != "max" {
			q, _ := strconv.Atoi(f[0])
			p, _ := strconv.Atoi(f[1])
			if p > 0 {
				cores = q / p
			}
		}
	}
	return fmt.Sprintf("%s; %d cores; %s", strings.TrimSpace(cpu), cores, runtimeVersion())
}

// GeneratedBodies is how many request bodies ReadBodies makes without a
// file: as many as the shared data set holds.
const GeneratedBodies = 308

// ReadBodies returns the request bodies of the JSONL file at path, one a
// line, or, for an empty path, GeneratedBodies synthetic ones
// (internal/corpus, seed 1): the bench needs no file beside the
// repository.
func ReadBodies(path string) ([][]byte, error) {
	if path == "" {
		out := make([][]byte, GeneratedBodies)
		for i := range out {
			r := corpus.Request(1, i)
			out[i] = corpus.Body(&r)
		}
		return out, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read request bodies: %w", err)
	}
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			out = append(out, append([]byte(nil), sc.Bytes()...))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no request bodies", path)
	}
	return out, nil
}

func findResult(s *Summary, name string) *Result {
	for i := range s.Results {
		if s.Results[i].Name == name {
			return &s.Results[i]
		}
	}
	return nil
}
