package chain

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/biogen/biogen/internal/provider"
)

// gated is a provider whose calls wait for their request's gate (by the
// profile's name), or their context; it records the names called.
type gated struct {
	mu     sync.Mutex
	gates  map[string]chan struct{}
	called []string
}

func (g *gated) Name() string        { return "big" }
func (g *gated) Kind() provider.Kind { return provider.KindOllama }
func (g *gated) gate(name string) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.gates == nil {
		g.gates = map[string]chan struct{}{}
	}
	if g.gates[name] == nil {
		g.gates[name] = make(chan struct{})
	}
	return g.gates[name]
}
func (g *gated) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	name := req.Bio.Profile.Name
	g.mu.Lock()
	g.called = append(g.called, name)
	g.mu.Unlock()
	select {
	case <-g.gate(name):
		return good(req)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
func (g *gated) calls() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.called...)
}

func named(t *testing.T, name string) *provider.Request {
	r := newRequest(t)
	r.Bio.Profile.Name = name
	return r
}

// run runs req through c in a goroutine and returns where its outcome
// comes.
func run(c *Chain, ctx context.Context, req *provider.Request) chan *Outcome {
	out := make(chan *Outcome, 1)
	go func() {
		o, _ := c.Run(ctx, req, nil)
		out <- o
	}()
	return out
}

// TestSyncTakesABatchSlot: with every slot taken, one by a job item, a
// synchronous request does not wait: it takes the item's slot at once,
// and the item's context ends with ErrPreempted. With every slot held by
// synchronous requests, the next one waits (and only then).
func TestSyncTakesABatchSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &gated{}
		g := guard(t, p, Settings{MaxConcurrent: 2, BatchSlots: 1, QueueWait: time.Second})
		var waitedBehind atomic.Int64
		g.slots.onSyncWait = func(batch int) { waitedBehind.Add(int64(batch)) }
		c := mustChain(t, Config{Guards: []*Guard{g}})

		jctx, done := Batch(context.Background())
		defer done()
		job := run(c, jctx, named(t, "Job One"))
		synctest.Wait()
		a := run(c, context.Background(), named(t, "Sync A"))
		synctest.Wait()
		if in, b := g.slots.held(); in != 2 || b != 1 {
			t.Fatalf("held %d slots, %d by jobs; want 2 and 1", in, b)
		}
		start := time.Now()
		b := run(c, context.Background(), named(t, "Sync B"))
		synctest.Wait()
		if calls := p.calls(); len(calls) != 3 || calls[2] != "Sync B" || time.Since(start) != 0 {
			t.Fatalf("calls %v after %v: the synchronous request waited", calls, time.Since(start))
		}
		if !Yielded(jctx) || !errors.Is(context.Cause(jctx), ErrPreempted) {
			t.Fatalf("the job item's context: %v", context.Cause(jctx))
		}
		<-job
		if in, jb := g.slots.held(); in != 2 || jb != 0 {
			t.Fatalf("held %d slots, %d by jobs; want 2 and 0", in, jb)
		}
		// Both slots are synchronous requests': the next one waits its
		// QueueWait, and moves on.
		c3 := run(c, context.Background(), named(t, "Sync C"))
		synctest.Wait()
		close(p.gate("Sync A"))
		close(p.gate("Sync C"))
		if o := <-a; o.Degraded {
			t.Fatalf("A: %v", o.FallbackReasons)
		}
		if o := <-c3; o.Degraded {
			t.Fatalf("C: %v; it should have had A's slot", o.FallbackReasons)
		}
		close(p.gate("Sync B"))
		if o := <-b; o.Degraded {
			t.Fatalf("B: %v", o.FallbackReasons)
		}
		if n := waitedBehind.Load(); n != 0 {
			t.Fatalf("a synchronous request waited while jobs held %d slots", n)
		}
		if in, jb := g.slots.held(); in != 0 || jb != 0 {
			t.Fatalf("held %d slots, %d by jobs after the end", in, jb)
		}
	})
}

// TestBatchSlotsAreCapped: job items hold at most BatchSlots; one more
// waits, and gives way (ErrBusy) when none frees within the wait, even
// though a slot is free for synchronous requests.
func TestBatchSlotsAreCapped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &gated{}
		g := guard(t, p, Settings{MaxConcurrent: 3, BatchSlots: 1, QueueWait: time.Second})
		c := mustChain(t, Config{Guards: []*Guard{g}})
		j1, done1 := Batch(context.Background())
		defer done1()
		first := run(c, j1, named(t, "Job One"))
		synctest.Wait()
		j2, done2 := Batch(context.Background())
		defer done2()
		if _, err := c.Run(j2, named(t, "Job Two"), nil); !errors.Is(err, context.Canceled) || !errors.Is(context.Cause(j2), ErrBusy) {
			t.Fatalf("second job item: %v, cause %v", err, context.Cause(j2))
		}
		if in, b := g.slots.held(); in != 1 || b != 1 {
			t.Fatalf("held %d slots, %d by jobs", in, b)
		}
		// A synchronous request still finds a slot at once.
		s := run(c, context.Background(), named(t, "Sync"))
		synctest.Wait()
		if calls := p.calls(); len(calls) != 2 || calls[1] != "Sync" {
			t.Fatalf("calls %v", calls)
		}
		close(p.gate("Sync"))
		close(p.gate("Job One"))
		<-s
		if o := <-first; o == nil || o.Degraded {
			t.Fatalf("the first job item: %+v", o)
		}
	})
}

// TestFreedSlotGoesToSyncFirst: a slot freed while a job item and then a
// synchronous request wait for one goes to the synchronous request,
// although the job item came first; the next one goes to the job item.
func TestFreedSlotGoesToSyncFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := &gated{}
		g := guard(t, p, Settings{MaxConcurrent: 1, BatchSlots: 1, QueueWait: time.Hour})
		c := mustChain(t, Config{Guards: []*Guard{g}})
		a := run(c, context.Background(), named(t, "Sync A"))
		synctest.Wait()
		jctx, done := Batch(context.Background())
		defer done()
		job := run(c, jctx, named(t, "Job One"))
		synctest.Wait()
		b := run(c, context.Background(), named(t, "Sync B"))
		synctest.Wait()
		close(p.gate("Sync A"))
		<-a
		synctest.Wait()
		if calls := p.calls(); len(calls) != 2 || calls[1] != "Sync B" {
			t.Fatalf("calls %v: the freed slot should go to the synchronous request", calls)
		}
		close(p.gate("Sync B"))
		<-b
		synctest.Wait()
		if calls := p.calls(); len(calls) != 3 || calls[2] != "Job One" {
			t.Fatalf("calls %v", calls)
		}
		close(p.gate("Job One"))
		if o := <-job; o == nil || o.Degraded || jctx.Err() != nil {
			t.Fatalf("job item: %+v, %v", o, context.Cause(jctx))
		}
	})
}

// TestNoSyncWaitBehindJobs runs many synchronous requests and job items
// of random lengths at once on a few slots and checks, every time a
// synchronous request starts to wait, that no job item holds a slot; and
// that no more than the slots are ever in use, jobs within their share.
func TestNoSyncWaitBehindJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rnd := rand.New(rand.NewPCG(1, 2))
		var mu sync.Mutex
		lengths := map[string]time.Duration{}
		p := &scripted{name: "big", script: func(ctx context.Context, _ int64, req *provider.Request) (*provider.Result, error) {
			mu.Lock()
			d := lengths[req.Bio.Profile.Name]
			mu.Unlock()
			select {
			case <-time.After(d):
				return good(req)
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}}
		g := guard(t, p, Settings{MaxConcurrent: 4, BatchSlots: 2, QueueWait: 300 * time.Millisecond})
		var behind, waits, over atomic.Int64
		g.slots.onSyncWait = func(batch int) {
			waits.Add(1)
			behind.Add(int64(batch))
			if g.slots.inUse > 4 || len(g.slots.batches) > 2 {
				over.Add(1)
			}
		}
		c := mustChain(t, Config{Guards: []*Guard{g}})
		var wg sync.WaitGroup
		var preempted, busy, syncModel atomic.Int64
		for i := range 400 {
			name := "Person " + string(rune('A'+i%26)) + string(rune('a'+i/26))
			mu.Lock()
			lengths[name] = time.Duration(50+rnd.IntN(400)) * time.Millisecond
			mu.Unlock()
			isJob := rnd.IntN(2) == 0
			gap := time.Duration(rnd.IntN(20)) * time.Millisecond
			time.Sleep(gap)
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx := context.Background()
				if isJob {
					var done context.CancelFunc
					ctx, done = Batch(ctx)
					defer done()
				}
				o, _ := c.Run(ctx, named(t, name), nil)
				switch {
				case isJob && errors.Is(context.Cause(ctx), ErrPreempted):
					preempted.Add(1)
				case isJob && errors.Is(context.Cause(ctx), ErrBusy):
					busy.Add(1)
				case !isJob && o != nil && !o.Degraded:
					syncModel.Add(1)
				}
			}()
		}
		wg.Wait()
		if behind.Load() != 0 || over.Load() != 0 {
			t.Fatalf("synchronous requests waited behind %d job slots; %d times over the limits", behind.Load(), over.Load())
		}
		if in, b := g.slots.held(); in != 0 || b != 0 {
			t.Fatalf("held %d slots, %d by jobs after the end", in, b)
		}
		// The load must have exercised what it checks.
		if preempted.Load() == 0 || waits.Load() == 0 || syncModel.Load() == 0 {
			t.Fatalf("a load that proves nothing: %d preemptions, %d waits, %d synchronous model answers, %d busy",
				preempted.Load(), waits.Load(), syncModel.Load(), busy.Load())
		}
		t.Logf("%d preemptions, %d busy, %d synchronous waits, %d synchronous model answers",
			preempted.Load(), busy.Load(), waits.Load(), syncModel.Load())
	})
}
