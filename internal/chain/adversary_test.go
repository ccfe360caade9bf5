package chain

// Adversarial tests of the synchronous requests' priority over job items
// (Batch): the interleavings where a job item holds a slot without being in
// a model call (its backoff before a retry, its corrective retry), and the
// breaker's half-open probe, which is a slot of its own.

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/biogen/biogen/internal/provider"
)

// byName is a provider that runs the script of the request's profile name.
type byName struct {
	scripts map[string]func(ctx context.Context, n int64, req *provider.Request) (*provider.Result, error)
	calls   map[string]*atomic.Int64
}

func (*byName) Name() string        { return "big" }
func (*byName) Kind() provider.Kind { return provider.KindOllama }
func (p *byName) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	name := req.Bio.Profile.Name
	return p.scripts[name](ctx, p.calls[name].Add(1), req)
}

func newByName(scripts map[string]func(ctx context.Context, n int64, req *provider.Request) (*provider.Result, error)) *byName {
	p := &byName{scripts: scripts, calls: map[string]*atomic.Int64{}}
	for name := range scripts {
		p.calls[name] = &atomic.Int64{}
	}
	return p
}

// blockUntilDone waits for ctx, as a model call still writing does.
func blockUntilDone(ctx context.Context, _ int64, _ *provider.Request) (*provider.Result, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// checkPreempted checks that a synchronous request came in at once and
// was answered by the model, that the job item gave way (ErrPreempted),
// that it was not answered by the template writer, and that its
// cancellation did not count against the breaker (failures are the
// provider's own).
func checkPreempted(t *testing.T, g *Guard, start time.Time, sync, job chan *Outcome, jctx context.Context, failures uint32) {
	t.Helper()
	if o := <-sync; o == nil || o.Degraded || time.Since(start) != 0 {
		t.Fatalf("the synchronous request: %+v after %s; want the model's answer at once", o, time.Since(start))
	}
	if o := <-job; o != nil || !errors.Is(context.Cause(jctx), ErrPreempted) {
		t.Fatalf("the job item: %+v, cause %v; want no answer, preempted", o, context.Cause(jctx))
	}
	if c := g.cb.Counts(); c.TotalFailures != failures || g.Breaker() != "closed" {
		t.Fatalf("breaker %s, counts %+v: the preemption counted as a failure", g.Breaker(), c)
	}
	if in, b := g.slots.held(); in != 0 || b != 0 {
		t.Fatalf("held %d slots, %d by jobs after the end", in, b)
	}
}

// TestAdversaryPreemptedInBackoff: a job item whose call failed waits for
// its retry holding its slot; a synchronous request finding every slot
// taken takes it at once, and the job item gives up its retry.
func TestAdversaryPreemptedInBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newByName(map[string]func(context.Context, int64, *provider.Request) (*provider.Result, error){
			"Job One": func(ctx context.Context, n int64, req *provider.Request) (*provider.Result, error) {
				return nil, provider.Retryablef(provider.ReasonUnavailable, "big: busy")
			},
			"Sync A": func(_ context.Context, _ int64, req *provider.Request) (*provider.Result, error) { return good(req) },
		})
		g := guard(t, p, Settings{MaxConcurrent: 1, BatchSlots: 1, Retries: 3, BackoffBase: 5 * time.Second, BackoffMax: 5 * time.Second, QueueWait: time.Minute}) // backoff below the 8s timeout: a retry, not a give-up
		c := mustChain(t, Config{Guards: []*Guard{g}})
		jctx, done := Batch(context.Background())
		defer done()
		job := run(c, jctx, named(t, "Job One"))
		synctest.Wait() // failed once, waiting to retry, in its slot
		if in, b := g.slots.held(); in != 1 || b != 1 || p.calls["Job One"].Load() != 1 {
			t.Fatalf("held %d, %d by jobs, %d calls; want the job item in its backoff", in, b, p.calls["Job One"].Load())
		}
		start := time.Now()
		sync := run(c, context.Background(), named(t, "Sync A"))
		synctest.Wait()
		checkPreempted(t, g, start, sync, job, jctx, 1)
		if n := p.calls["Job One"].Load(); n != 1 {
			t.Fatalf("the job item was called %d times; want its retry given up", n)
		}
	})
}

// TestAdversaryPreemptedInCorrection: a job item's answer was rejected and
// its corrective retry is being written; a synchronous request takes its
// slot at once, and the correction is not answered by the template writer.
func TestAdversaryPreemptedInCorrection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := newByName(map[string]func(context.Context, int64, *provider.Request) (*provider.Result, error){
			"Job One": func(ctx context.Context, n int64, req *provider.Request) (*provider.Result, error) {
				if n == 1 {
					return &provider.Result{Text: "As an AI model I cannot."}, nil
				}
				return blockUntilDone(ctx, n, req)
			},
			"Sync A": func(_ context.Context, _ int64, req *provider.Request) (*provider.Result, error) { return good(req) },
		})
		g := guard(t, p, Settings{MaxConcurrent: 1, BatchSlots: 1, QueueWait: time.Minute})
		c := mustChain(t, Config{Guards: []*Guard{g}})
		jctx, done := Batch(context.Background())
		defer done()
		job := run(c, jctx, named(t, "Job One"))
		synctest.Wait()
		if n := p.calls["Job One"].Load(); n != 2 {
			t.Fatalf("%d calls; want the job item in its corrective retry", n)
		}
		start := time.Now()
		sync := run(c, context.Background(), named(t, "Sync A"))
		synctest.Wait()
		checkPreempted(t, g, start, sync, job, jctx, 0)
	})
}

// TestAdversaryHalfOpenProbeHeldByJob: the breaker is half-open and lets one
// call through to try the provider; a job item's call is that probe. A
// synchronous request arriving then, with a slot free, must not be sent
// to the template writer (circuit open) because a job holds the probe: it
// takes the probe over, as it would take the job item's slot.
func TestAdversaryHalfOpenProbeHeldByJob(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var down atomic.Bool
		down.Store(true)
		failing := func(ctx context.Context, n int64, req *provider.Request) (*provider.Result, error) {
			if down.Load() {
				return nil, provider.Errorf(provider.ReasonUnavailable, "big: refused")
			}
			return good(req)
		}
		p := newByName(map[string]func(context.Context, int64, *provider.Request) (*provider.Result, error){
			"Sync Zero": failing,
			"Job One":   blockUntilDone,
			"Sync A":    failing,
		})
		g := guard(t, p, Settings{MaxConcurrent: 4, BatchSlots: 2, Retries: -1, FailureThreshold: 1, OpenTimeout: 10 * time.Second})
		c := mustChain(t, Config{Guards: []*Guard{g}})
		if o, _ := c.Run(context.Background(), named(t, "Sync Zero"), nil); !o.Degraded || g.Breaker() != "open" {
			t.Fatalf("got %+v, breaker %s; want the breaker open", o, g.Breaker())
		}
		down.Store(false) // the provider is back
		time.Sleep(11 * time.Second)
		if g.Breaker() != "half_open" {
			t.Fatalf("breaker %s; want half_open", g.Breaker())
		}
		jctx, done := Batch(context.Background())
		defer done()
		job := run(c, jctx, named(t, "Job One"))
		synctest.Wait()
		if p.calls["Job One"].Load() != 1 {
			t.Fatal("the job item is not the probe")
		}
		start := time.Now()
		sync := run(c, context.Background(), named(t, "Sync A"))
		synctest.Wait()
		o := <-sync
		if o == nil || o.Degraded || time.Since(start) != 0 {
			t.Fatalf("the synchronous request: %+v (%v) after %s; want the model, at once: a job held the half-open probe", o, reasons(o), time.Since(start))
		}
		if o := <-job; o != nil || !Yielded(jctx) {
			t.Fatalf("the job item: %+v, cause %v; want it to give way", o, context.Cause(jctx))
		}
		if g.Breaker() != "closed" {
			t.Fatalf("breaker %s; want the synchronous probe to have closed it", g.Breaker())
		}
	})
}
