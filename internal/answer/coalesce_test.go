package answer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/writer"
)

// The tests of coalescing run in synctest bubbles: synctest.Wait returns
// once every request is blocked (in the model, or waiting for it), and
// deadlines pass on the bubble's clock, never the wall's.

// draft is what a cut call sends before it fails: two sentences, so that
// the stream checks pass the first.
const draft = "Ada Okafor was drafting. It is void. "

// scripted is a first-choice model that writes the template writer's text
// in two parts: its first two sentences at once (the stream checks pass on
// the first, the one known to be whole), the rest once its call's gate
// opens. The first cut calls send the draft instead, wait for their gate,
// then fail as a cut stream does. It counts its calls, and the calls whose
// context was cancelled.
type scripted struct {
	gates     []chan struct{} // call i waits for gates[min(i, len-1)]; see open
	opened    []sync.Once
	cut       int
	panics    bool // a call panics once its gate opens
	calls     atomic.Int64
	cancelled atomic.Int64
}

// newScripted returns a model with n gates, all open once the test ends,
// so that a failed test leaves no call blocked.
func newScripted(t *testing.T, n int) *scripted {
	s := &scripted{opened: make([]sync.Once, n)}
	for range n {
		s.gates = append(s.gates, make(chan struct{}))
	}
	t.Cleanup(func() {
		for i := range n {
			s.open(i)
		}
		time.Sleep(time.Minute) // past every deadline, on the bubble's clock
	})
	return s
}

// open opens gate i.
func (s *scripted) open(i int) { s.opened[i].Do(func() { close(s.gates[i]) }) }

func (*scripted) Name() string        { return "model" }
func (*scripted) Kind() provider.Kind { return provider.KindOllama }
func (s *scripted) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	i := int(s.calls.Add(1) - 1)
	send := func(text string) {
		if req.OnDelta != nil {
			req.OnDelta(text)
		}
	}
	text := (&writer.Writer{}).Write(req.Bio, req.Variant).Text
	first := strings.Index(text, ". ") + 2
	first += strings.Index(text[first:], ". ") + 2
	if i < s.cut {
		send(draft)
	} else {
		send(text[:first])
	}
	select {
	case <-s.gates[min(i, len(s.gates)-1)]:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			s.cancelled.Add(1)
		}
		return nil, ctx.Err()
	}
	switch {
	case s.panics:
		panic("boom in the model")
	case i < s.cut:
		return nil, provider.Retryablef(provider.ReasonUnavailable, "model: the stream was cut")
	}
	send(text[first:])
	return &provider.Result{Text: text, Model: "m-1", InputTokens: 120, OutputTokens: 80, CostUSD: 0.002}, nil
}

// brokenTemplate is a template writer that fails.
type brokenTemplate struct{}

var errBroken = errors.New("the template writer is broken")

func (brokenTemplate) Name() string        { return "template" }
func (brokenTemplate) Kind() provider.Kind { return provider.KindTemplate }
func (brokenTemplate) Thin(*bio.Request) bool {
	return false
}
func (brokenTemplate) Generate(context.Context, *provider.Request) (*provider.Result, error) {
	return nil, errBroken
}

// coalescing returns an Answerer (with the cache of setup) whose tenant's
// chain is m, one retry, then template (the template writer if nil).
func coalescing(t *testing.T, m provider.Provider, template chain.Template) (*Answerer, *tenant.Tenant) {
	t.Helper()
	a, ten, _ := setup(t)
	g, err := chain.NewGuard(m, chain.Settings{Timeout: time.Minute, Retries: 1, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
		MaxConcurrent: 128, FailureThreshold: 5, OpenTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if template == nil {
		template = writer.NewProvider("template", &writer.Writer{})
	}
	c, err := chain.New(chain.Config{Guards: []*chain.Guard{g}, Template: template, Reserve: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	a.routes[ten.ID].own.chain = c
	return a, ten
}

// events records a stream as "d:<text>" and "r:<reason>"; the test reads it
// while the stream runs.
type events struct {
	mu sync.Mutex
	ev []string
}

func (e *events) Delta(text string)   { e.add("d:" + text) }
func (e *events) Reset(reason string) { e.add("r:" + reason) }
func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ev = append(e.ev, s)
}

func (e *events) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.ev...)
}

// shown is the text a client shows: the deltas since the last reset.
func (e *events) shown() string {
	var b strings.Builder
	for _, s := range e.get() {
		if strings.HasPrefix(s, "r:") {
			b.Reset()
		} else {
			b.WriteString(s[2:])
		}
	}
	return b.String()
}

// outcome is how one request was answered.
type outcome struct {
	r      *bio.Response
	err    error
	at     time.Time // on the bubble's clock
	stream *events   // nil for JSON
	panic  any
	done   chan struct{} // closed once the rest is set
}

// ask answers call in a goroutine of wg's into out, streaming it when the
// call asks for a stream.
func ask(wg *sync.WaitGroup, ctx context.Context, a *Answerer, call Call, out *outcome) {
	if call.Stream {
		out.stream = &events{}
	}
	out.done = make(chan struct{})
	wg.Go(func() {
		defer close(out.done)
		defer func() { out.panic = recover() }()
		reply, err := a.Answer(ctx, call)
		if err == nil && reply.Streamed() {
			out.r, out.err = reply.Stream(ctx, out.stream)
		} else {
			out.r, out.err = reply.Response, err
		}
		out.at = time.Now()
	})
}

func withUser(user string) []byte {
	return []byte(strings.Replace(body, `"w-1"`, `"`+user+`"`, 1))
}

// checkShared checks that every outcome is the same model answer: the one
// bio, with its one id (like an exact hit of it), each with its own
// request id ("r<i>"), the usage on one only, and a stream showing
// exactly the bio.
func checkShared(t *testing.T, outs []outcome) {
	t.Helper()
	withUsage := 0
	for i, o := range outs {
		if o.err != nil || o.panic != nil {
			t.Fatalf("request %d: %v, panic %v", i, o.err, o.panic)
		}
		r := o.r
		if r.Bio != outs[0].r.Bio || r.Source != bio.SourceOllama || r.Degraded || r.Cache != bio.CacheMiss || r.Model != "m-1" {
			t.Fatalf("request %d: %+v; want the model's answer, as request 0's: %+v", i, r, outs[0].r)
		}
		if r.ID != outs[0].r.ID || !strings.HasPrefix(r.ID, "bio_") || r.RequestID != fmt.Sprint("r", i) || r.CreatedAt == "" {
			t.Fatalf("request %d: id %q, request id %q, created %q; want the bio's id %q and its own request id", i, r.ID, r.RequestID, r.CreatedAt, outs[0].r.ID)
		}
		if r.Usage != (bio.Usage{}) {
			withUsage++
		}
		if o.stream != nil && o.stream.shown() != r.Bio {
			t.Fatalf("stream %d showed %q; want the bio %q", i, o.stream.shown(), r.Bio)
		}
	}
	if withUsage != 1 {
		t.Fatalf("%d responses report usage; want 1: the model was called once", withUsage)
	}
}

// TestCoalesceJSON: 64 identical requests at once make one model call;
// each gets its own response with the same bio and its id, the one
// generation is stored once, has one record, and leaves no trace in the
// map of generations.
func TestCoalesceJSON(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 1)
		a, ten := coalescing(t, m, nil)
		rc := recorded(a)
		const n = 64
		outs := make([]outcome, n)
		var wg sync.WaitGroup
		for i := range n {
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: []byte(body)}, &outs[i])
		}
		synctest.Wait()
		if running, waiting := a.flights.running(); m.calls.Load() != 1 || running != 1 || waiting != n {
			t.Fatalf("%d model calls, %d generations for %d requests; want 1, 1 for %d", m.calls.Load(), running, waiting, n)
		}
		m.open(0)
		wg.Wait()
		checkShared(t, outs)
		if running, waiting := a.flights.running(); running != 0 || waiting != 0 {
			t.Fatalf("%d generations, %d waiting after the answers", running, waiting)
		}
		a.WaitCache()
		r, err := a.Answer(context.Background(), Call{Tenant: ten, Body: []byte(body)})
		if err != nil || r.Response.Cache != bio.CacheExact || m.calls.Load() != 1 || r.Response.ID != outs[0].r.ID {
			t.Fatalf("after: %+v, %v, %d calls; want an exact hit of the bio %s", r.Response, err, m.calls.Load(), outs[0].r.ID)
		}
		if rs := rc.records(); len(rs) != 1 || rs[0].r.ID != outs[0].r.ID {
			t.Fatalf("%d records; want the one of the bio", len(rs))
		}
	})
}

// TestCoalesceStreamsAndJSON: streams and JSON requests share a stream's
// generation; each stream that joins after text was sent gets that text as
// one delta, then the rest, and shows exactly the bio. A stream joining a
// JSON request's generation gets the bio as one delta at the end.
func TestCoalesceStreamsAndJSON(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 1)
		a, ten := coalescing(t, m, nil)
		const n = 16
		outs := make([]outcome, n)
		var wg sync.WaitGroup
		ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r0", Body: []byte(body), Stream: true}, &outs[0])
		synctest.Wait()
		sent := outs[0].stream.get()
		if len(sent) != 1 || !strings.HasPrefix(sent[0], "d:Ada Okafor works") {
			t.Fatalf("the first stream got %q before the gate; want the first sentence", sent)
		}
		for i := 1; i < n; i++ {
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: []byte(body), Stream: i%2 == 0}, &outs[i])
		}
		synctest.Wait()
		if running, waiting := a.flights.running(); m.calls.Load() != 1 || running != 1 || waiting != n {
			t.Fatalf("%d model calls, %d generations for %d requests; want 1, 1 for %d", m.calls.Load(), running, waiting, n)
		}
		for i := 2; i < n; i += 2 {
			if got := outs[i].stream.get(); strings.Join(got, "|") != strings.Join(sent, "|") {
				t.Fatalf("stream %d joined with %q; want the text so far %q", i, got, sent)
			}
		}
		m.open(0)
		wg.Wait()
		checkShared(t, outs)
		for i := 0; i < n; i += 2 {
			if ev := outs[i].stream.get(); ev[0] != sent[0] || strings.Contains(strings.Join(ev, "|"), "|r:") {
				t.Fatalf("stream %d: %q; want the text so far, then the rest", i, ev)
			}
		}

		// A JSON request leads: its generation does not stream.
		m2 := newScripted(t, 1)
		a2, ten2 := coalescing(t, m2, nil)
		var two [2]outcome
		ask(&wg, context.Background(), a2, Call{Tenant: ten2, RequestID: "r0", Body: []byte(body)}, &two[0])
		synctest.Wait()
		ask(&wg, context.Background(), a2, Call{Tenant: ten2, RequestID: "r1", Body: []byte(body), Stream: true}, &two[1])
		synctest.Wait()
		if got := two[1].stream.get(); len(got) != 0 || m2.calls.Load() != 1 {
			t.Fatalf("a stream joining a JSON request got %q before the end, %d calls", got, m2.calls.Load())
		}
		m2.open(0)
		wg.Wait()
		checkShared(t, two[:])
		if got := two[1].stream.get(); len(got) != 1 {
			t.Fatalf("stream: %q; want the bio as one delta", got)
		}
	})
}

// TestCoalesceJoinAfterReset: a stream joining after a reset gets only the
// text written since; the streams that saw the void text get the reset.
func TestCoalesceJoinAfterReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 2)
		m.cut = 1
		a, ten := coalescing(t, m, nil)
		outs := make([]outcome, 3)
		var wg sync.WaitGroup
		ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r0", Body: []byte(body), Stream: true}, &outs[0])
		synctest.Wait()
		ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r1", Body: []byte(body), Stream: true}, &outs[1])
		synctest.Wait()
		drafted := outs[0].stream.get()
		if len(drafted) != 1 || !strings.HasPrefix(draft, drafted[0][2:]) || strings.Join(outs[1].stream.get(), "|") != drafted[0] {
			t.Fatalf("before the cut: %q and %q; want the draft, once each", drafted, outs[1].stream.get())
		}
		m.open(0)               // the first call fails after its draft: a reset,
		time.Sleep(time.Second) // a backoff, then the retry's first sentence
		ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r2", Body: []byte(body), Stream: true}, &outs[2])
		synctest.Wait()
		late := outs[2].stream.get()
		if len(late) != 1 || !strings.HasPrefix(late[0], "d:Ada Okafor works") {
			t.Fatalf("the stream that joined after the reset got %q; want only the text since", late)
		}
		m.open(1)
		wg.Wait()
		checkShared(t, outs)
		for i := range 2 {
			if ev := outs[i].stream.get(); ev[0] != drafted[0] || ev[1] != "r:unavailable" || ev[2] != late[0] || strings.Contains(strings.Join(ev[2:], "|"), "|r:") {
				t.Fatalf("stream %d: %q; want the draft, a reset, then the bio", i, ev)
			}
		}
		if ev := outs[2].stream.get(); ev[0] != late[0] || strings.Contains(strings.Join(ev, "|"), "|r:") {
			t.Fatalf("late stream: %q; want the bio and no reset", ev)
		}
		if m.calls.Load() != 2 {
			t.Fatalf("%d model calls; want 2 (a cut one and its retry)", m.calls.Load())
		}
	})
}

// TestCoalesceLeaving: a client that leaves does not end the generation of
// the others, even the client that started it; when the last one leaves,
// the model's call is cancelled.
func TestCoalesceLeaving(t *testing.T) {
	t.Run("one of two", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			m := newScripted(t, 1)
			a, ten := coalescing(t, m, nil)
			ctx, leave := context.WithCancel(context.Background())
			outs := make([]outcome, 2)
			var wg sync.WaitGroup
			ask(&wg, ctx, a, Call{Tenant: ten, RequestID: "gone", Body: []byte(body), Stream: true}, &outs[0])
			synctest.Wait()
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r0", Body: []byte(body)}, &outs[1])
			synctest.Wait()
			leave() // the client that started the generation goes
			synctest.Wait()
			if _, waiting := a.flights.running(); m.cancelled.Load() != 0 || waiting != 1 {
				t.Fatalf("%d cancelled calls, %d waiting; want 0, 1", m.cancelled.Load(), waiting)
			}
			m.open(0)
			wg.Wait()
			if !errors.Is(outs[0].err, context.Canceled) {
				t.Fatalf("the client that left: %v", outs[0].err)
			}
			checkShared(t, outs[1:2:2])
		})
	})
	t.Run("all", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			m := newScripted(t, 1)
			a, ten := coalescing(t, m, nil)
			outs := make([]outcome, 2)
			var leave [2]context.CancelFunc
			var wg sync.WaitGroup
			for i := range outs {
				var ctx context.Context
				ctx, leave[i] = context.WithCancel(context.Background())
				ask(&wg, ctx, a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: []byte(body), Stream: i == 0}, &outs[i])
				synctest.Wait()
			}
			leave[0]()
			synctest.Wait()
			if m.cancelled.Load() != 0 {
				t.Fatal("the model's call was cancelled while a client waited")
			}
			leave[1]()
			wg.Wait()
			if m.cancelled.Load() != 1 || m.calls.Load() != 1 {
				t.Fatalf("%d of %d calls cancelled; want the one", m.cancelled.Load(), m.calls.Load())
			}
			for i, o := range outs {
				if !errors.Is(o.err, context.Canceled) {
					t.Fatalf("client %d: %v", i, o.err)
				}
			}
			if running, waiting := a.flights.running(); running != 0 || waiting != 0 {
				t.Fatalf("%d generations, %d waiting", running, waiting)
			}
		})
	})
}

// TestCoalesceOnlyIdentical: requests of two users, and requests for a
// new variant, each call the model.
func TestCoalesceOnlyIdentical(t *testing.T) {
	f := func(t *testing.T, bodies [2][]byte, wantRunning int) {
		t.Helper()
		synctest.Test(t, func(t *testing.T) {
			m := newScripted(t, 1)
			a, ten := coalescing(t, m, nil)
			outs := make([]outcome, 2)
			var wg sync.WaitGroup
			for i, b := range bodies {
				ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: b}, &outs[i])
			}
			synctest.Wait()
			if running, _ := a.flights.running(); m.calls.Load() != 2 || running != wantRunning {
				t.Errorf("%d model calls, %d shared generations; want 2, %d", m.calls.Load(), running, wantRunning)
			}
			m.open(0)
			wg.Wait()
			for i, o := range outs {
				if o.err != nil || o.r.Source != bio.SourceOllama || o.r.Usage == (bio.Usage{}) {
					t.Errorf("request %d: %+v, %v; want its own model answer", i, o.r, o.err)
				}
			}
		})
	}
	t.Run("two users", func(t *testing.T) { f(t, [2][]byte{withUser("w-1"), withUser("w-2")}, 2) })
	regen := []byte(strings.Replace(body, `"options"`, `"regenerate":true,"options"`, 1))
	t.Run("regenerate", func(t *testing.T) { f(t, [2][]byte{regen, regen}, 0) })
}

// TestCoalesceDeadlines: the shared generation ends with the deadline of
// the request that started it, and every request gets the template's
// answer, in time; a request whose own deadline is earlier does not join:
// it gets, by its deadline, the answer it would get alone.
func TestCoalesceDeadlines(t *testing.T) {
	t.Run("shared", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			m := newScripted(t, 1) // the gate never opens
			a, ten := coalescing(t, m, nil)
			deadline := time.Now().Add(a.timeout)
			outs := make([]outcome, 2)
			var wg sync.WaitGroup
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r0", Body: []byte(body)}, &outs[0])
			time.Sleep(time.Second)
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r1", Body: []byte(body), Stream: true}, &outs[1])
			wg.Wait()
			for i, o := range outs {
				if o.err != nil || o.r.Source != bio.SourceTemplate || !o.r.Degraded || strings.Join(o.r.FallbackReasons, ",") != "model:timeout" ||
					o.r.Bio != outs[0].r.Bio || o.at.After(deadline) {
					t.Fatalf("request %d at %v (deadline %v): %+v, %v; want the template's answer in time", i, o.at, deadline, o.r, o.err)
				}
			}
			if outs[1].stream.shown() != outs[1].r.Bio || m.calls.Load() != 1 {
				t.Fatalf("stream %q, %d calls", outs[1].stream.get(), m.calls.Load())
			}
		})
	})
	t.Run("earlier joiner", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			m := newScripted(t, 1)
			a, ten := coalescing(t, m, nil)
			outs := make([]outcome, 2)
			var wg sync.WaitGroup
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r0", Body: []byte(body), Stream: true}, &outs[0])
			time.Sleep(time.Second)
			deadline := time.Now().Add(2 * time.Second) // before the first request's
			ctx, cancel := context.WithDeadline(context.Background(), deadline)
			defer cancel()
			ask(&wg, ctx, a, Call{Tenant: ten, RequestID: "r1", Body: []byte(body)}, &outs[1])
			<-outs[1].done
			o := outs[1]
			if o.err != nil || o.r.Source != bio.SourceTemplate || strings.Join(o.r.FallbackReasons, ",") != "model:timeout" || o.at.After(deadline) ||
				m.calls.Load() != 2 {
				t.Fatalf("the request with the earlier deadline: %+v, %v at %v (deadline %v), %d calls; want its own call, then the template in time",
					o.r, o.err, o.at, deadline, m.calls.Load())
			}
			m.open(0)
			wg.Wait()
			if o := outs[0]; o.err != nil || o.r.Source != bio.SourceOllama || o.stream.shown() != o.r.Bio {
				t.Fatalf("the first request: %+v, %v", o.r, o.err)
			}
		})
	})
}

// slowTemplate is the template writer, taking a second to write.
type slowTemplate struct{ *writer.Provider }

func (s slowTemplate) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	time.Sleep(time.Second)
	return s.Provider.Generate(ctx, req)
}

// TestCoalesceSlowTemplate: a template writer that answers after the
// deadline answers every request, as it answers one alone (the chain runs
// it past the deadline: an answer is better than none).
func TestCoalesceSlowTemplate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 1)
		a, ten := coalescing(t, m, slowTemplate{writer.NewProvider("template", &writer.Writer{})})
		outs := make([]outcome, 3)
		var wg sync.WaitGroup
		for i := range outs {
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: []byte(body), Stream: i == 1}, &outs[i])
			synctest.Wait()
		}
		wg.Wait()
		for i, o := range outs {
			if o.err != nil || o.r.Source != bio.SourceTemplate || o.r.Bio != outs[0].r.Bio {
				t.Fatalf("request %d: %+v, %v; want the template's answer", i, o.r, o.err)
			}
		}
		if m.calls.Load() != 1 {
			t.Fatalf("%d model calls", m.calls.Load())
		}
	})
}

// TestCoalesceStopping: a server that stops while requests share a
// generation stops it, whichever request's context says so first; every
// request gets the template's answer, as it would alone.
func TestCoalesceStopping(t *testing.T) {
	for _, stopped := range []int{0, 1} {
		t.Run(fmt.Sprint("request ", stopped), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m := newScripted(t, 1)
				a, ten := coalescing(t, m, nil)
				ctx, stop := context.WithCancelCause(context.Background())
				outs := make([]outcome, 2)
				var wg sync.WaitGroup
				for i := range outs {
					c := context.Background()
					if i == stopped {
						c = ctx
					}
					ask(&wg, c, a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: []byte(body), Stream: i == 1}, &outs[i])
					synctest.Wait()
				}
				stop(ErrStopping)
				wg.Wait()
				for i, o := range outs {
					if o.err != nil || o.r.Source != bio.SourceTemplate || strings.Join(o.r.FallbackReasons, ",") != "model:timeout" {
						t.Fatalf("request %d: %+v, %v; want the template's answer", i, o.r, o.err)
					}
				}
				if s := outs[1].stream; s.shown() != outs[1].r.Bio {
					t.Fatalf("stream: %q", s.get())
				}
			})
		})
	}
}

// TestCoalesceFailure: when the shared generation fails, every request
// fails as one alone does; a panic in it is raised in every request.
func TestCoalesceFailure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 1)
		m.cut = 1 << 30 // every call fails: the template answers, and it is broken
		a, ten := coalescing(t, m, brokenTemplate{})
		outs := make([]outcome, 3)
		var wg sync.WaitGroup
		for i := range outs {
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: []byte(body), Stream: i == 1}, &outs[i])
		}
		synctest.Wait()
		m.open(0)
		wg.Wait()
		_, alone := a.Answer(context.Background(), Call{Tenant: ten, Body: withUser("w-2")})
		if !errors.Is(alone, errBroken) {
			t.Fatalf("alone: %v", alone)
		}
		for i, o := range outs {
			if !errors.Is(o.err, errBroken) {
				t.Fatalf("request %d: %v; want %v", i, o.err, errBroken)
			}
		}
		if m.calls.Load() != 2+2 { // the shared call and its retry, then the lone ones
			t.Fatalf("%d model calls", m.calls.Load())
		}
	})
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 1)
		m.panics = true
		a, ten := coalescing(t, m, nil)
		outs := make([]outcome, 2)
		var wg sync.WaitGroup
		for i := range outs {
			ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: fmt.Sprint("r", i), Body: []byte(body), Stream: i == 1}, &outs[i])
		}
		synctest.Wait()
		m.open(0)
		wg.Wait()
		for i, o := range outs {
			if p, ok := o.panic.(*panicked); !ok || !strings.Contains(p.Error(), "boom in the model") {
				t.Fatalf("request %d: panic %v, %v; want the model's", i, o.panic, o.err)
			}
		}
	})
}

// TestCoalesceJobsNeverLead: a job item (chain.Batch) generates alone
// rather than start a generation synchronous requests could join (its
// calls give way to theirs), but joins one a synchronous request started.
func TestCoalesceJobsNeverLead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 2)
		a, ten := coalescing(t, m, nil)
		outs := make([]outcome, 3)
		var wg sync.WaitGroup
		j1, done1 := chain.Batch(context.Background())
		defer done1()
		ask(&wg, j1, a, Call{Tenant: ten, RequestID: "r0", Body: []byte(body)}, &outs[0])
		synctest.Wait()
		ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "r1", Body: []byte(body)}, &outs[1])
		synctest.Wait()
		if running, waiting := a.flights.running(); m.calls.Load() != 2 || running != 1 || waiting != 1 {
			t.Fatalf("%d model calls, %d generations, %d waiting; want 2: the synchronous request generates on its own", m.calls.Load(), running, waiting)
		}
		j2, done2 := chain.Batch(context.Background())
		defer done2()
		ask(&wg, j2, a, Call{Tenant: ten, RequestID: "r2", Body: []byte(body)}, &outs[2])
		synctest.Wait()
		if running, waiting := a.flights.running(); m.calls.Load() != 2 || running != 1 || waiting != 2 {
			t.Fatalf("%d model calls, %d generations, %d waiting; want the second job item to join the synchronous one", m.calls.Load(), running, waiting)
		}
		m.open(0)
		m.open(1)
		wg.Wait()
		for i, o := range outs {
			if o.err != nil || o.r == nil || o.r.Source != bio.SourceOllama {
				t.Fatalf("request %d: %+v, %v", i, o.r, o.err)
			}
		}
	})
}
