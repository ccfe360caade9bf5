package chain

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/ollama"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/writer"
)

func newRequest(t *testing.T) *provider.Request {
	t.Helper()
	req, err := bio.Decode([]byte(`{"user_id":"u1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Engineer",
		"company":"Contoso","skills":["Go","Kafka"],"achievements":["Cut costs by 40%"],"years_experience":9},"options":{"length":"short"}}`))
	if err != nil {
		t.Fatal(err)
	}
	return &provider.Request{Bio: req}
}

var template = writer.NewProvider("template", &writer.Writer{})

// scripted is an in-memory provider whose n-th call (from 1) does what
// script says; it stands in for a model where time must be virtual.
type scripted struct {
	name   string
	kind   provider.Kind
	calls  atomic.Int64
	script func(ctx context.Context, n int64, req *provider.Request) (*provider.Result, error)
}

func (s *scripted) Name() string { return s.name }
func (s *scripted) Kind() provider.Kind {
	if s.kind == "" {
		return provider.KindOllama
	}
	return s.kind
}
func (s *scripted) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	return s.script(ctx, s.calls.Add(1), req)
}

// good answers with the template writer's bio, as a model would.
func good(req *provider.Request) (*provider.Result, error) {
	b := (&writer.Writer{}).Write(req.Bio, 0)
	if req.OnDelta != nil {
		for _, w := range strings.SplitAfter(b.Text, " ") {
			req.OnDelta(w)
		}
	}
	return &provider.Result{Text: b.Text, Model: "m", InputTokens: 10, OutputTokens: 20}, nil
}

func mustChain(t *testing.T, cfg Config) *Chain {
	t.Helper()
	cfg.Template = template
	if cfg.Reserve == 0 {
		cfg.Reserve = 500 * time.Millisecond
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func reasons(o *Outcome) string { return strings.Join(o.FallbackReasons, ",") }

func TestFallsBackToTemplate(t *testing.T) {
	down := &scripted{name: "big", script: func(context.Context, int64, *provider.Request) (*provider.Result, error) {
		return nil, provider.Errorf(provider.ReasonUnavailable, "refused")
	}}
	c := mustChain(t, Config{Guards: []*Guard{guard(t, down, Settings{})}})
	out, err := c.Run(context.Background(), newRequest(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if out.Provider != "template" || out.Kind != provider.KindTemplate || !out.Degraded || reasons(out) != "big:unavailable" {
		t.Fatalf("got %+v", out)
	}
	if down.calls.Load() != 1 {
		t.Fatalf("a non-retryable failure was tried %d times", down.calls.Load())
	}
}

func TestRetriesRetryableFailures(t *testing.T) {
	flaky := &scripted{name: "big", script: func(_ context.Context, n int64, req *provider.Request) (*provider.Result, error) {
		if n == 1 {
			return nil, provider.Retryablef(provider.ReasonUnavailable, "reset")
		}
		return good(req)
	}}
	c := mustChain(t, Config{Guards: []*Guard{guard(t, flaky, Settings{BackoffBase: time.Millisecond})}})
	out, err := c.Run(context.Background(), newRequest(t), nil)
	if err != nil || out.Provider != "big" || out.Degraded || len(out.FallbackReasons) != 0 || flaky.calls.Load() != 2 {
		t.Fatalf("got %+v, %v after %d calls", out, err, flaky.calls.Load())
	}
}

func TestRetryAfterBeyondBudgetMovesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		limited := &scripted{name: "big", script: func(context.Context, int64, *provider.Request) (*provider.Result, error) {
			return nil, &provider.Error{Reason: provider.ReasonRateLimited, Retryable: true, RetryAfter: time.Minute}
		}}
		c := mustChain(t, Config{Guards: []*Guard{guard(t, limited, Settings{})}})
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		start := time.Now()
		out, err := c.Run(ctx, newRequest(t), nil)
		if err != nil || reasons(out) != "big:rate_limited" || time.Since(start) != 0 || limited.calls.Load() != 1 {
			t.Fatalf("got %+v %v after %v", out, err, time.Since(start))
		}
	})
}

func TestInvalidOutputGetsOneCorrection(t *testing.T) {
	var corrections []string
	bad := &scripted{name: "big", script: func(_ context.Context, n int64, req *provider.Request) (*provider.Result, error) {
		corrections = append(corrections, req.Correction)
		if n == 1 {
			return &provider.Result{Text: "As an AI model I cannot."}, nil
		}
		return good(req)
	}}
	c := mustChain(t, Config{Guards: []*Guard{guard(t, bad, Settings{})}})
	out, err := c.Run(context.Background(), newRequest(t), nil)
	if err != nil || out.Provider != "big" || len(corrections) != 2 || corrections[0] != "" || !strings.Contains(corrections[1], "rejected") {
		t.Fatalf("got %+v %v; corrections %q", out, err, corrections)
	}
	// Twice invalid: the chain moves on.
	worse := &scripted{name: "big", script: func(context.Context, int64, *provider.Request) (*provider.Result, error) {
		return &provider.Result{Text: "Here is a bio: Bob is great."}, nil
	}}
	c = mustChain(t, Config{Guards: []*Guard{guard(t, worse, Settings{})}})
	out, err = c.Run(context.Background(), newRequest(t), nil)
	if err != nil || reasons(out) != "big:invalid_output" || worse.calls.Load() != 2 {
		t.Fatalf("got %+v %v", out, err)
	}
}

// TestBreakerOpensAndRecovers drives a provider down until its breaker
// opens, checks that later requests skip it without calling it, then lets
// the open timeout pass and sees the half-open probe close it again.
func TestBreakerOpensAndRecovers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var healthy atomic.Bool
		p := &scripted{name: "big", script: func(_ context.Context, _ int64, req *provider.Request) (*provider.Result, error) {
			if healthy.Load() {
				return good(req)
			}
			return nil, provider.Errorf(provider.ReasonUnavailable, "down")
		}}
		g := guard(t, p, Settings{FailureThreshold: 3, OpenTimeout: 10 * time.Second})
		c := mustChain(t, Config{Guards: []*Guard{g}})
		for i := 0; i < 3; i++ {
			out, _ := c.Run(context.Background(), newRequest(t), nil)
			if reasons(out) != "big:unavailable" {
				t.Fatalf("request %d: %v", i, out.FallbackReasons)
			}
		}
		if g.Breaker() != "open" {
			t.Fatalf("breaker %s after 3 failures", g.Breaker())
		}
		calls := p.calls.Load()
		out, _ := c.Run(context.Background(), newRequest(t), nil)
		if reasons(out) != "big:circuit_open" || p.calls.Load() != calls {
			t.Fatalf("open breaker: %v, %d calls", out.FallbackReasons, p.calls.Load()-calls)
		}
		healthy.Store(true)
		time.Sleep(11 * time.Second) // virtual time
		if g.Breaker() != "half_open" {
			t.Fatalf("breaker %s after the open timeout", g.Breaker())
		}
		out, _ = c.Run(context.Background(), newRequest(t), nil)
		if out.Provider != "big" || g.Breaker() != "closed" {
			t.Fatalf("probe: %+v, breaker %s", out, g.Breaker())
		}
	})
}

func TestCancelledCallerDoesNotOpenBreaker(t *testing.T) {
	p := &scripted{name: "big", script: func(ctx context.Context, _ int64, _ *provider.Request) (*provider.Result, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	g := guard(t, p, Settings{FailureThreshold: 1})
	c := mustChain(t, Config{Guards: []*Guard{g}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(10 * time.Millisecond); cancel() }()
	if _, err := c.Run(ctx, newRequest(t), nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if g.Breaker() != "closed" {
		t.Fatalf("breaker %s after a cancellation", g.Breaker())
	}
}

func TestConcurrencyLimitMovesOn(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		p := &scripted{name: "big", script: func(_ context.Context, _ int64, req *provider.Request) (*provider.Result, error) {
			<-release
			return good(req)
		}}
		c := mustChain(t, Config{Guards: []*Guard{guard(t, p, Settings{MaxConcurrent: 1, QueueWait: 50 * time.Millisecond})}})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Run(context.Background(), newRequest(t), nil)
		}()
		synctest.Wait()
		start := time.Now()
		out, _ := c.Run(context.Background(), newRequest(t), nil)
		if reasons(out) != "big:overloaded" || time.Since(start) != 50*time.Millisecond {
			t.Fatalf("got %v after %v", out.FallbackReasons, time.Since(start))
		}
		close(release)
		wg.Wait()
	})
}

func TestDeadlineKeepsReserve(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hang := &scripted{name: "big", script: func(ctx context.Context, _ int64, _ *provider.Request) (*provider.Result, error) {
			<-ctx.Done()
			return nil, &provider.Error{Reason: provider.ReasonTimeout, Err: ctx.Err()}
		}}
		c := mustChain(t, Config{Guards: []*Guard{guard(t, hang, Settings{Timeout: time.Minute})}, Reserve: time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		out, err := c.Run(ctx, newRequest(t), nil)
		if err != nil || reasons(out) != "big:timeout" || out.Provider != "template" || time.Since(start) != 4*time.Second {
			t.Fatalf("got %+v %v after %v", out, err, time.Since(start))
		}
	})
}

func TestPolicyKeepsDataOnPremises(t *testing.T) {
	ext := &scripted{name: "cloud", kind: provider.KindExternal, script: func(_ context.Context, _ int64, req *provider.Request) (*provider.Result, error) {
		return good(req)
	}}
	c := mustChain(t, Config{Guards: []*Guard{guard(t, ext, Settings{})}, AllowExternal: false})
	out, err := c.Run(context.Background(), newRequest(t), nil)
	if err != nil || reasons(out) != "cloud:policy" || ext.calls.Load() != 0 {
		t.Fatalf("got %+v %v, %d calls", out, err, ext.calls.Load())
	}
	c = mustChain(t, Config{Guards: []*Guard{guard(t, ext, Settings{})}, AllowExternal: true})
	if out, _ := c.Run(context.Background(), newRequest(t), nil); out.Provider != "cloud" {
		t.Fatalf("allowed: got %+v", out)
	}
}

type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) Delta(s string) { r.mu.Lock(); r.events = append(r.events, "d:"+s); r.mu.Unlock() }
func (r *recorder) Reset(reason string) {
	r.mu.Lock()
	r.events = append(r.events, "reset:"+reason)
	r.mu.Unlock()
}

func (r *recorder) text() (before, after string, resets int) {
	for _, e := range r.events {
		switch {
		case strings.HasPrefix(e, "reset:"):
			resets++
		case resets == 0:
			before += e[2:]
		default:
			after += e[2:]
		}
	}
	return
}

// TestStreamResetsAfterMidStreamFailure streams through a real Ollama
// protocol fake that cuts the connection after a few tokens.
func TestStreamResetsAfterMidStreamFailure(t *testing.T) {
	// Chunks of ten words: the cut after the third comes after whole
	// sentences, which a stream sends (it holds an unfinished one).
	fake := fakellm.New(fakellm.Config{ChunkWords: 10, Fault: func(int64) fakellm.Fault { return fakellm.FaultCut }})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	p, _ := ollama.New(ollama.Config{Name: "big", Model: "m", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4})
	c := mustChain(t, Config{Guards: []*Guard{guard(t, p, Settings{Retries: -1})}})
	rec := &recorder{}
	out, err := c.Run(context.Background(), newRequest(t), rec)
	if err != nil {
		t.Fatal(err)
	}
	before, after, resets := rec.text()
	if before == "" || resets != 1 || after != out.Result.Text || out.Provider != "template" || reasons(out) != "big:unavailable" {
		t.Fatalf("events %q; outcome %+v", rec.events, out)
	}
}

// TestStreamFallbackBeforeFirstByteIsInvisible: a provider that fails
// before sending text leaves no trace in the stream.
func TestStreamFallbackBeforeFirstByteIsInvisible(t *testing.T) {
	fake := fakellm.New(fakellm.Config{Fault: func(int64) fakellm.Fault { return fakellm.Fault500 }})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	p, _ := ollama.New(ollama.Config{Name: "big", Model: "m", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4})
	c := mustChain(t, Config{Guards: []*Guard{guard(t, p, Settings{Retries: -1})}})
	rec := &recorder{}
	out, err := c.Run(context.Background(), newRequest(t), rec)
	if err != nil {
		t.Fatal(err)
	}
	before, _, resets := rec.text()
	if resets != 0 || before != out.Result.Text {
		t.Fatalf("events %q", rec.events)
	}
}

// BenchmarkChainOverhead measures the chain's own cost per request with a
// provider that answers at once: the guard, the breaker, and the cleaning
// and checks of the answer.
func BenchmarkChainOverhead(b *testing.B) {
	req := newRequestB(b)
	text := (&writer.Writer{}).Write(req.Bio, 0).Text
	instant := &scripted{name: "big", script: func(context.Context, int64, *provider.Request) (*provider.Result, error) {
		return &provider.Result{Text: text, Model: "m"}, nil
	}}
	c, _ := New(Config{Guards: []*Guard{guard(b, instant, Settings{})}, Template: template, Reserve: 500 * time.Millisecond})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		out, err := c.Run(ctx, req, nil)
		if err != nil || out.Provider != "big" {
			b.Fatalf("%+v %v", out, err)
		}
	}
}

func newRequestB(b *testing.B) *provider.Request {
	req, err := bio.Decode([]byte(`{"user_id":"u1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Engineer",
		"company":"Contoso","skills":["Go","Kafka"],"achievements":["Cut costs by 40%"],"years_experience":9},"options":{"length":"short"}}`))
	if err != nil {
		b.Fatal(err)
	}
	return &provider.Request{Bio: req}
}

// testPrompts are the shipped prompts, v1 by default, which the Ollama providers render.
var testPrompts = func() *prompt.Set {
	t, err := prompt.LoadAll("", "v1")
	if err != nil {
		panic(err)
	}
	return t
}()

// TestNewRejectsZeroReserve checks that New defaults no reserve: the
// configuration sets it.
func TestNewRejectsZeroReserve(t *testing.T) {
	for _, r := range []time.Duration{0, -time.Second} {
		if _, err := New(Config{Template: template, Reserve: r}); err == nil || !strings.Contains(err.Error(), `"`+r.String()+`"`) {
			t.Fatalf("reserve %s: got %v; want an error quoting it", r, err)
		}
	}
}

// guard guards p with s, its unset fields filled as the configuration's
// defaults fill them; Retries -1 asks for none, as in the file.
func guard(t testing.TB, p provider.Provider, s Settings) *Guard {
	t.Helper()
	set := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	set(&s.Timeout, 8*time.Second)
	set(&s.BackoffBase, 100*time.Millisecond)
	set(&s.BackoffMax, 2*time.Second)
	set(&s.QueueWait, 100*time.Millisecond)
	set(&s.OpenTimeout, 10*time.Second)
	switch s.Retries {
	case 0:
		s.Retries = 1
	case -1:
		s.Retries = 0
	}
	if s.MaxConcurrent == 0 {
		s.MaxConcurrent = 4
	}
	if s.FailureThreshold == 0 {
		s.FailureThreshold = 5
	}
	g, err := NewGuard(p, s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestNewGuardRejectsUnsetSettings(t *testing.T) {
	ok := Settings{Timeout: time.Second, BackoffBase: time.Millisecond, BackoffMax: time.Second, MaxConcurrent: 1,
		FailureThreshold: 1, OpenTimeout: time.Second}
	if _, err := NewGuard(template, ok); err != nil {
		t.Fatalf("valid settings: %v", err)
	}
	for name, bad := range map[string]func(*Settings){
		"timeout": func(s *Settings) { s.Timeout = 0 }, "retries": func(s *Settings) { s.Retries = -1 },
		"backoff": func(s *Settings) { s.BackoffMax = 0 }, "concurrency": func(s *Settings) { s.MaxConcurrent = 0 },
		"queue wait": func(s *Settings) { s.QueueWait = -time.Second }, "threshold": func(s *Settings) { s.FailureThreshold = 0 },
		"open timeout": func(s *Settings) { s.OpenTimeout = 0 },
	} {
		s := ok
		bad(&s)
		if _, err := NewGuard(template, s); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestFirstTokenObserved: each attempt records its time to the first text,
// streamed to a client or not.
func TestFirstTokenObserved(t *testing.T) {
	count := func() string {
		var b bytes.Buffer
		telemetry.WritePrometheus(&b)
		for _, l := range strings.Split(b.String(), "\n") {
			if strings.HasPrefix(l, `biogen_provider_first_token_seconds_count{provider="ttft"}`) {
				return l
			}
		}
		return ""
	}
	p := &scripted{name: "ttft", script: func(_ context.Context, _ int64, req *provider.Request) (*provider.Result, error) { return good(req) }}
	c := mustChain(t, Config{Guards: []*Guard{guard(t, p, Settings{})}})
	for i, sink := range []Sink{nil, &recorder{}} {
		if _, err := c.Run(context.Background(), newRequest(t), sink); err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf(`biogen_provider_first_token_seconds_count{provider="ttft"} %d`, i+1); count() != want {
			t.Fatalf("after run %d: %q; want %q", i+1, count(), want)
		}
	}
}

// TestImplausibleUsage: negative or absurd token counts and costs from an
// upstream become 0, not usage or cost metrics (adversary round 5, F3).
func TestImplausibleUsage(t *testing.T) {
	p := &scripted{name: "liar", script: func(_ context.Context, _ int64, req *provider.Request) (*provider.Result, error) {
		res, err := good(req)
		res.InputTokens, res.OutputTokens, res.CostUSD = -5, math.MaxInt64, math.Inf(1)
		return res, err
	}}
	c := mustChain(t, Config{Guards: []*Guard{guard(t, p, Settings{})}})
	out, err := c.Run(context.Background(), newRequest(t), nil)
	if err != nil || out.Provider != "liar" || out.Result.InputTokens != 0 || out.Result.OutputTokens != 0 || out.Result.CostUSD != 0 {
		t.Fatalf("got %+v, %v", out.Result, err)
	}
}
