package answer

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/writer"
)

const body = `{"user_id":"w-1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
	"company":"Northwind Health","years_experience":12,"skills":["Go","Kafka","PostgreSQL"],
	"achievements":["Cut claims processing time from 3 days to 4 hours"]},"options":{"length":"short"}}`

// model is a first-choice provider that writes the template writer's text
// and counts its calls.
type model struct{ calls atomic.Int64 }

func (*model) Name() string        { return "model" }
func (*model) Kind() provider.Kind { return provider.KindOllama }
func (m *model) Generate(_ context.Context, req *provider.Request) (*provider.Result, error) {
	m.calls.Add(1)
	text := (&writer.Writer{}).Write(req.Bio, req.Variant).Text
	if req.OnDelta != nil {
		req.OnDelta(text)
	}
	return &provider.Result{Text: text, Model: "m-1"}, nil
}

// admitter counts its calls and refuses when told to.
type admitter struct {
	calls  int
	users  []string
	refuse error
}

func (a *admitter) Admit(user string) error {
	a.calls++
	a.users = append(a.users, user)
	return a.refuse
}

// sink records a stream.
type sink struct{ deltas, resets []string }

func (s *sink) Delta(text string)   { s.deltas = append(s.deltas, text) }
func (s *sink) Reset(reason string) { s.resets = append(s.resets, reason) }

func setup(t *testing.T) (*Answerer, *tenant.Tenant, *model) {
	t.Helper()
	cfg := tenant.Config{ID: "acme", Keys: []tenant.Key{{Digest: tenant.Digest("k")}}}
	config.SetTenantDefaults(&cfg)
	reg, err := tenant.New([]tenant.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	m := &model{}
	g, err := chain.NewGuard(m, chain.Settings{Timeout: time.Second, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
		MaxConcurrent: 4, FailureThreshold: 5, OpenTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.New(chain.Config{Guards: []*chain.Guard{g},
		Template: writer.NewProvider("template", &writer.Writer{}), Reserve: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	bc, err := cache.New(cache.Limits{Bytes: 16 << 20}, cache.HashEmbedder{}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bc.Close)
	a, err := New(Config{Chains: map[string]*chain.Chain{"acme": c}, ProvidersKeys: map[string]string{"acme": "model=m-1"},
		Cache: bc, PromptVersion: "bio-v1", Timeout: 5 * time.Second, AuditKey: []byte("audit-key-for-tests")})
	if err != nil {
		t.Fatal(err)
	}
	return a, reg.Tenants()[0], m
}

// TestOnePath answers the same body as JSON three times and as a stream:
// the model is called once, the bytes answer from the exact cache, and
// the stream of a cached answer is one delta.
func TestOnePath(t *testing.T) {
	a, ten, m := setup(t)
	ctx := context.Background()
	adm := &admitter{}
	first, err := a.Answer(ctx, Call{Tenant: ten, RequestID: "r1", Body: []byte(body), Admit: adm})
	if err != nil || first.Streamed() || first.Response.Cache != bio.CacheMiss || first.Response.Source != bio.SourceOllama ||
		first.Response.RequestID != "r1" || first.Response.Flags == nil || first.Response.FallbackReasons == nil {
		t.Fatalf("first: %+v, %v", first.Response, err)
	}
	a.WaitCache()
	for i := 0; i < 2; i++ {
		r, err := a.Answer(ctx, Call{Tenant: ten, RequestID: "r2", Body: []byte(body), Admit: adm})
		if err != nil || r.Response.Cache != bio.CacheExact || r.Response.Bio != first.Response.Bio || r.Response.Format != "paragraph" {
			t.Fatalf("repeat %d: %+v, %v", i, r.Response, err)
		}
	}
	if m.calls.Load() != 1 || adm.calls != 3 || strings.Join(adm.users, ",") != "w-1,w-1,w-1" {
		t.Fatalf("model calls %d, admissions %d of %q; want 1 and 3 of w-1 (a hit by bytes knows its user too)", m.calls.Load(), adm.calls, adm.users)
	}
	for _, c := range []Call{
		{Tenant: ten, Body: []byte(body), Stream: true},
		{Tenant: ten, Body: []byte(strings.Replace(body, `"options"`, `"stream":true,"options"`, 1))},
	} {
		r, err := a.Answer(ctx, c)
		if err != nil || !r.Streamed() || r.Response == nil || r.Response.Cache != bio.CacheExact {
			t.Fatalf("stream: %+v, %v", r, err)
		}
		var s sink
		resp, err := r.Stream(ctx, &s)
		if err != nil || len(s.deltas) != 1 || s.deltas[0] != resp.Bio || resp.Bio != first.Response.Bio {
			t.Fatalf("streamed %q, %v", s.deltas, err)
		}
	}
	if m.calls.Load() != 1 {
		t.Fatalf("model calls %d", m.calls.Load())
	}
}

// TestStreamMiss streams a request no cache holds: the model's text goes
// to the sink, and the whole reply cannot be streamed twice over a JSON
// reply.
func TestStreamMiss(t *testing.T) {
	a, ten, m := setup(t)
	ctx := context.Background()
	r, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body), Stream: true})
	if err != nil || !r.Streamed() || r.Response != nil || m.calls.Load() != 0 {
		t.Fatalf("before streaming: %+v, %v, %d calls", r, err, m.calls.Load())
	}
	var s sink
	resp, err := r.Stream(ctx, &s)
	if err != nil || resp.Cache != bio.CacheMiss || strings.Join(s.deltas, "") != resp.Bio || m.calls.Load() != 1 {
		t.Fatalf("stream: %+v, %v, deltas %q", resp, err, s.deltas)
	}
	whole, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := whole.Stream(ctx, &s); err == nil {
		t.Fatal("a whole reply streamed")
	}
}

// TestInvalidRequests: a malformed or invalid body is the decoder's error,
// never admitted, never a hit; a refused admission is returned as it is.
func TestInvalidRequests(t *testing.T) {
	a, ten, _ := setup(t)
	ctx := context.Background()
	adm := &admitter{}
	if _, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(`{"user_id":`), Admit: adm}); !errors.Is(err, bio.ErrMalformed) {
		t.Fatalf("malformed: %v", err)
	}
	var ve *bio.ValidationError
	if _, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(`{"user_id":"u","profile":{}}`), Admit: adm}); !errors.As(err, &ve) {
		t.Fatalf("invalid: %v", err)
	}
	if adm.calls != 0 {
		t.Fatalf("%d admissions of invalid requests", adm.calls)
	}
	busy := errors.New("busy")
	if _, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body), Admit: &admitter{refuse: busy}}); err != busy {
		t.Fatalf("refused admission: %v", err)
	}
	other := &tenant.Tenant{Config: tenant.Config{ID: "nobody"}}
	if _, err := a.Answer(ctx, Call{Tenant: other, Body: []byte(body)}); !errors.Is(err, ErrNoTenantChain) {
		t.Fatalf("unknown tenant: %v", err)
	}
}

// TestRegenerateNeverHits: a request for a new version calls the model
// even when the cache holds the answer.
func TestRegenerateNeverHits(t *testing.T) {
	a, ten, m := setup(t)
	ctx := context.Background()
	if _, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body)}); err != nil {
		t.Fatal(err)
	}
	a.WaitCache()
	regen := strings.Replace(body, `"options"`, `"regenerate":true,"options"`, 1)
	for i := 0; i < 2; i++ {
		r, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(regen)})
		if err != nil || r.Response.Cache != bio.CacheMiss {
			t.Fatalf("regenerate %d: %+v, %v", i, r.Response, err)
		}
	}
	if m.calls.Load() != 3 {
		t.Fatalf("model calls %d; want 3", m.calls.Load())
	}
}

func TestReadyAndConfig(t *testing.T) {
	a, ten, _ := setup(t)
	r := a.Ready(context.Background(), []*tenant.Tenant{ten, ten})
	if r.PromptVersion != "bio-v1" || len(r.Providers) != 2 || r.Providers[0].Name != "model" || r.Providers[1].Name != "template" {
		t.Fatalf("ready: %+v", r)
	}
	if _, err := New(Config{Timeout: time.Second}); err == nil {
		t.Error("no prompt version: no error")
	}
	if _, err := New(Config{PromptVersion: "v"}); err == nil {
		t.Error("no timeout: no error")
	}
}

// gated is a model that waits for its gate before it answers.
type gated struct {
	model
	entered, gate chan struct{}
}

func (g *gated) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	g.entered <- struct{}{}
	<-g.gate
	return g.model.Generate(ctx, req)
}

// TestEraseWhileAnswering: an answer written for a user who is erased
// while it is being written is served but never stored (adversary round
// 6, F2).
func TestEraseWhileAnswering(t *testing.T) {
	a, ten, _ := setup(t)
	g := &gated{entered: make(chan struct{}, 4), gate: make(chan struct{})}
	gd, err := chain.NewGuard(g, chain.Settings{Timeout: 5 * time.Second, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
		MaxConcurrent: 4, FailureThreshold: 5, OpenTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.New(chain.Config{Guards: []*chain.Guard{gd}, Template: writer.NewProvider("template", &writer.Writer{}), Reserve: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a.routes[ten.ID].own.chain = c
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		_, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body)})
		done <- err
	}()
	<-g.entered
	if _, err := a.Erase(ctx, ten, "w-1"); err != nil {
		t.Fatal(err)
	}
	close(g.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	a.WaitCache()
	r, err := a.Answer(ctx, Call{Tenant: ten, Body: []byte(body)}) // the gate is open: a miss answers at once
	if err != nil || r.Response.Cache != bio.CacheMiss {
		t.Fatalf("after the erasure: %+v, %v; want a miss", r.Response, err)
	}
}
