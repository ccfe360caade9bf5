package ollama

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ollama/ollama/api"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/leaktest"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

func newRequest(t testing.TB) *provider.Request {
	t.Helper()
	req, err := bio.Decode([]byte(`{"user_id":"u1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Engineer",
		"company":"Contoso","skills":["Go","Kafka"],"achievements":["Cut costs by 40%"],"years_experience":9},"options":{"length":"short"}}`))
	if err != nil {
		t.Fatal(err)
	}
	return &provider.Request{Bio: req}
}

func start(t *testing.T, cfg fakellm.Config) (*fakellm.Server, *Provider) {
	t.Helper()
	fake := fakellm.New(cfg)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, err := New(Config{Name: "local", Model: "writer:8b", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4})
	if err != nil {
		t.Fatal(err)
	}
	return fake, p
}

func TestGenerateStreams(t *testing.T) {
	fake, p := start(t, fakellm.Config{Models: []string{"writer:8b"}})
	req := newRequest(t)
	var deltas []string
	req.OnDelta = func(s string) { deltas = append(deltas, s) }
	res, err := p.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if len(deltas) < 10 || strings.Join(deltas, "") != res.Text || !strings.Contains(res.Text, "Ada Okafor") {
		t.Fatalf("%d deltas; text %q", len(deltas), res.Text)
	}
	if res.Model != "writer:8b" || res.InputTokens == 0 || res.OutputTokens == 0 {
		t.Fatalf("got %+v", res)
	}
	// The request carried the options.
	body := fake.Bodies()[0]
	for _, want := range []string{`"num_predict":176`, `"seed":42`, `"num_ctx":4096`, `"keep_alive"`, `"stream":true`, `"role":"system"`} {
		if !strings.Contains(body, want) {
			t.Fatalf("request lacks %s: %s", want, body)
		}
	}
	// ... and reads back as the api's own request type, as Ollama reads it.
	var cr api.ChatRequest
	if err := json.Unmarshal([]byte(body), &cr); err != nil {
		t.Fatal(err)
	}
	if cr.Model != "writer:8b" || cr.Stream == nil || !*cr.Stream || cr.KeepAlive == nil || cr.KeepAlive.Duration != 30*time.Minute ||
		len(cr.Messages) != 2 || cr.Messages[1].Role != "user" || cr.Options["temperature"] != 0.4 || cr.Options["num_ctx"] != float64(4096) {
		t.Fatalf("as api.ChatRequest: %+v", cr)
	}
}

func TestCorrectionSendsPreviousAnswer(t *testing.T) {
	fake, p := start(t, fakellm.Config{})
	req := newRequest(t)
	req.Correction, req.Previous = "Your previous answer was rejected (too short).", "Ada."
	if _, err := p.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := fake.Bodies()[0]
	if !strings.Contains(body, `"role":"assistant","content":"Ada."`) || !strings.Contains(body, "previous answer was rejected") {
		t.Fatalf("body: %s", body)
	}
}

func TestFaults(t *testing.T) {
	f := func(fault fakellm.Fault, timeout time.Duration, want provider.Reason, retryable bool) {
		t.Helper()
		_, p := start(t, fakellm.Config{Fault: func(int64) fakellm.Fault { return fault }, SlowDelay: time.Minute, RetryAfter: "7"})
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_, err := p.Generate(ctx, newRequest(t))
		if got := provider.ReasonOf(err); got != want || provider.IsRetryable(err) != retryable {
			t.Fatalf("fault %q: got %v (reason %s, retryable %v); want %s, %v", fault, err, got, provider.IsRetryable(err), want, retryable)
		}
		if strings.Contains(err.Error(), "not json") || strings.Contains(err.Error(), "runner process") {
			t.Fatalf("fault %q: upstream text in the error: %v", fault, err)
		}
		if fault == fakellm.Fault429 && provider.RetryAfterOf(err) != 7*time.Second {
			t.Fatalf("Retry-After: got %v", provider.RetryAfterOf(err))
		}
	}
	f(fakellm.Fault500, time.Second, provider.ReasonUnavailable, true)
	f(fakellm.Fault503, time.Second, provider.ReasonOverloaded, true)
	f(fakellm.Fault429, time.Second, provider.ReasonRateLimited, true)
	f(fakellm.FaultMalformed, time.Second, provider.ReasonError, true)
	f(fakellm.FaultCut, time.Second, provider.ReasonUnavailable, true)
	f(fakellm.FaultHang, 100*time.Millisecond, provider.ReasonTimeout, false)
	f(fakellm.FaultSlowFirst, 100*time.Millisecond, provider.ReasonTimeout, false)
	f(fakellm.FaultSlowTokens, 100*time.Millisecond, provider.ReasonTimeout, false)
}

func TestRefusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p, _ := New(Config{Name: "gone", Model: "m", Host: "http://" + addr, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4})
	_, err = p.Generate(context.Background(), newRequest(t))
	if provider.ReasonOf(err) != provider.ReasonUnavailable || !provider.IsRetryable(err) {
		t.Fatalf("got %v", err)
	}
	if err := p.Check(context.Background()); err == nil {
		t.Fatal("Check passed with no server")
	}
}

func TestMissingModel(t *testing.T) {
	_, p := start(t, fakellm.Config{Models: []string{"other:1b"}})
	_, err := p.Generate(context.Background(), newRequest(t))
	if provider.ReasonOf(err) != provider.ReasonUnavailable || provider.IsRetryable(err) {
		t.Fatalf("got %v", err)
	}
	if err := p.Check(context.Background()); !errors.Is(err, ErrModelMissing) {
		t.Fatalf("Check: got %v", err)
	}
}

func TestEnsurePullsWhenAsked(t *testing.T) {
	fake := fakellm.New(fakellm.Config{Models: []string{"other:1b"}})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	p, _ := New(Config{Name: "local", Model: "writer:8b", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4})
	if err := p.Ensure(context.Background()); !errors.Is(err, ErrModelMissing) {
		t.Fatalf("without pull_missing: got %v", err)
	}
	p, _ = New(Config{Name: "local", Model: "writer:8b", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4, PullMissing: true})
	if err := p.Ensure(context.Background()); err != nil {
		t.Fatalf("with pull_missing: %v", err)
	}
	if err := p.Check(context.Background()); err != nil {
		t.Fatalf("after the pull: %v", err)
	}
}

func TestEnsureCreatesFromModelfile(t *testing.T) {
	fake := fakellm.New(fakellm.Config{Models: []string{"llama3.2:3b"}})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	p, _ := New(Config{Name: "local", Model: "biogen-writer:3b", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4, Modelfile: "../../models/biogen-writer-3b.Modelfile"})
	if err := p.Ensure(context.Background()); err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	if err := p.Check(context.Background()); err != nil {
		t.Fatalf("after create: %v", err)
	}
	// A Modelfile that does not parse is reported.
	dir := t.TempDir()
	os.WriteFile(dir+"/Modelfile", []byte("FRUM nothing\n"), 0o644)
	p, _ = New(Config{Name: "local", Model: "other:1b", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4, Modelfile: dir + "/Modelfile"})
	if err := p.Ensure(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot create") {
		t.Fatalf("bad Modelfile: %v", err)
	}
}

// TestEnsureBoundsEachCall checks that a server that hangs on a listing, a
// pull or a create cannot hold Ensure (start-up) past that call's own
// deadline, although the caller's context allows far longer.
func TestEnsureBoundsEachCall(t *testing.T) {
	f := func(hangOn string, cfg Config) {
		t.Helper()
		stop := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// Read the body first: the server notices the client leave
			// only once it has.
			io.Copy(io.Discard, r.Body)
			if r.URL.Path == hangOn {
				select {
				case <-r.Context().Done():
				case <-stop:
				}
				return
			}
			w.Header().Set("Content-Type", "application/json")
			switch r.URL.Path {
			case "/api/tags":
				w.Write([]byte(`{"models":[]}`))
			default:
				w.Write([]byte(`{"status":"success"}`))
			}
		}))
		defer srv.Close()
		defer close(stop)
		cfg.Name, cfg.Host, cfg.Prompts, cfg.NumCtx = "local", srv.URL, testPrompts, 4096
		cfg.CheckTimeout, cfg.PullTimeout = 100*time.Millisecond, 200*time.Millisecond
		p, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		// The caller's deadline is only a backstop, far past the calls' own.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = p.Ensure(ctx)
		if err == nil || ctx.Err() != nil {
			t.Fatalf("hanging on %s: got %v, the caller's context %v; want the call's own deadline to end it first", hangOn, err, ctx.Err())
		}
		if errors.Is(err, ErrModelMissing) {
			t.Fatalf("hanging on %s: got %v; want the hang reported", hangOn, err)
		}
	}
	f("/api/tags", Config{Model: "writer:8b", PullMissing: true})
	f("/api/pull", Config{Model: "writer:8b", PullMissing: true})
	f("/api/create", Config{Model: "biogen-writer:3b", Modelfile: "../../models/biogen-writer-3b.Modelfile"})
}

func TestNewRejectsNoDeadlines(t *testing.T) {
	for _, c := range []Config{{CheckTimeout: time.Second}, {PullTimeout: time.Second}} {
		c.Name, c.Model, c.Host, c.Prompts, c.NumCtx = "local", "writer", "http://127.0.0.1:11434", testPrompts, 4096
		if _, err := New(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestCancelReachesUpstream(t *testing.T) {
	fake, p := start(t, fakellm.Config{TokenDelay: 20 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	req := newRequest(t)
	n := 0
	req.OnDelta = func(string) {
		if n++; n == 3 {
			cancel()
		}
	}
	_, err := p.Generate(ctx, req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want context.Canceled", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for fake.Cancelled() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if fake.Cancelled() != 1 {
		t.Fatalf("upstream saw %d cancellations; want 1", fake.Cancelled())
	}
}

// BenchmarkGenerate measures one streamed chat through the provider against
// a fake server on loopback that answers at once.
func BenchmarkGenerate(b *testing.B) {
	fake := fakellm.New(fakellm.Config{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	p, _ := New(Config{Name: "local", Model: "writer", Host: srv.URL, Prompts: testPrompts, CheckTimeout: 10 * time.Second, PullTimeout: time.Minute, NumCtx: 4096, KeepAlive: 30 * time.Minute, Temperature: 0.4})
	req := newRequest(&testing.T{})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Generate(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// testPrompts are the shipped prompts, v1 by default, which the provider renders.
var testPrompts = func() *prompt.Set {
	t, err := prompt.LoadAll("", "v1")
	if err != nil {
		panic(err)
	}
	return t
}()
