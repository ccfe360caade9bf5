package answer

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/writer"
)

// TestAdversaryJobKeepsNoSyncSlot: a job item joined a generation a
// synchronous request started (docs/operations.md, Jobs: "though it joins
// one they started"); that request's client then went. The generation must
// not run on in the synchronous request's slot for the job item alone: a
// synchronous request arriving then would wait for a slot only a job
// needs. It gives way instead (the job item runs again later, as one
// preempted does), and the new request gets the slot at once.
func TestAdversaryJobKeepsNoSyncSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := newScripted(t, 2)
		a, ten, _ := setup(t)
		// One slot; a request that finds it taken waits up to a minute.
		g, err := chain.NewGuard(m, chain.Settings{Timeout: time.Minute, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
			MaxConcurrent: 1, QueueWait: time.Minute, FailureThreshold: 5, OpenTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		c, err := chain.New(chain.Config{Guards: []*chain.Guard{g}, Template: writer.NewProvider("template", &writer.Writer{}), Reserve: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		a.routes[ten.ID].own.chain = c

		outs := make([]outcome, 3)
		var wg sync.WaitGroup
		ctx, leave := context.WithCancel(context.Background())
		ask(&wg, ctx, a, Call{Tenant: ten, RequestID: "sync-1", Body: []byte(body)}, &outs[0])
		synctest.Wait()
		job, done := chain.Batch(context.Background())
		defer done()
		ask(&wg, job, a, Call{Tenant: ten, RequestID: "job/0", Body: []byte(body)}, &outs[1])
		synctest.Wait()
		if running, waiting := a.flights.running(); running != 1 || waiting != 2 {
			t.Fatalf("%d generations, %d waiting; want the job item to join the synchronous request's", running, waiting)
		}
		leave() // the synchronous request's client goes
		synctest.Wait()
		ask(&wg, context.Background(), a, Call{Tenant: ten, RequestID: "sync-2", Body: withUser("w-2")}, &outs[2])
		synctest.Wait()
		if n := m.calls.Load(); n != 2 {
			t.Fatalf("%d model calls; want 2: the new synchronous request waits for the slot of a generation only a job item waits for", n)
		}
		m.open(1)
		<-outs[2].done
		if o := outs[2]; o.err != nil || o.r.Source != bio.SourceOllama || o.r.Degraded {
			t.Fatalf("the second synchronous request: %+v, %v; want the model's answer", o.r, o.err)
		}
		m.open(0)
		wg.Wait()
		if !errors.Is(outs[0].err, context.Canceled) {
			t.Fatalf("the client that left: %v", outs[0].err)
		}
		if o := outs[1]; o.err == nil || !chain.Yielded(job) {
			t.Fatalf("the job item: %+v, %v, cause %v; want it to give way (chain.Yielded), to run again", o.r, o.err, context.Cause(job))
		}
		if running, waiting := a.flights.running(); running != 0 || waiting != 0 {
			t.Fatalf("%d generations, %d waiting", running, waiting)
		}
	})
}
