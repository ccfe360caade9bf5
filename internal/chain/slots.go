package chain

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/biogen/biogen/internal/telemetry"
)

// Batch calls. A job item (POST /v1/jobs) is answered through the same
// chain as a synchronous request, with a context made by Batch. Its calls
// run only on capacity synchronous requests are not using:
//
//   - a batch call takes a provider's slot only when one is free, no
//     synchronous request waits for one, and batch calls hold fewer than the
//     provider's Settings.BatchSlots;
//   - a synchronous request that finds every slot taken while batch calls
//     hold some takes one of theirs at once: the newest batch call is
//     cancelled (its context's cause is ErrPreempted) and its slot passes to
//     the request without being freed in between;
//   - a batch call that finds no slot within its wait is cancelled with
//     ErrBusy.
//
// So a synchronous request never waits for a slot a batch call holds: it
// waits only when synchronous requests hold every slot. A batch item
// cancelled either way is not answered (the chain returns its context's
// error): its job runs it again later.

// ErrPreempted is the cause with which a batch call's context is cancelled
// when a synchronous request takes its slot.
var ErrPreempted = errors.New("chain: a synchronous request took the batch call's slot")

// ErrBusy is the cause with which a batch call's context is cancelled when
// the provider had no slot for batch calls within the wait.
var ErrBusy = errors.New("chain: no slot free for batch calls")

// batchKey carries a *batch in a context.
type batchKey struct{}

// batch is the cancellation of one batch item's context.
type batch struct {
	cancel context.CancelCauseFunc
}

// Batch returns a context for answering one job item, and the function
// that releases it (call it when the answer is done). The chain's calls
// under it are batch calls (see above); when one is preempted or finds no
// slot, the context ends with cause ErrPreempted or ErrBusy.
func Batch(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ctx = context.WithValue(ctx, batchKey{}, &batch{cancel: cancel})
	return ctx, func() { cancel(context.Canceled) }
}

// Preempt ends ctx, made by Batch, with ErrPreempted, as a synchronous
// request taking its call's slot does, and reports whether ctx was made
// by Batch.
func Preempt(ctx context.Context) bool {
	b, ok := ctx.Value(batchKey{}).(*batch)
	if ok {
		b.cancel(ErrPreempted)
	}
	return ok
}

// IsBatch reports whether ctx was made by Batch.
func IsBatch(ctx context.Context) bool {
	_, ok := ctx.Value(batchKey{}).(*batch)
	return ok
}

// Yielded reports whether ctx, made by Batch, ended because its call gave
// way to synchronous requests (ErrPreempted or ErrBusy): the item is to be
// run again, not failed.
func Yielded(ctx context.Context) bool {
	cause := context.Cause(ctx)
	return ctx.Err() != nil && (errors.Is(cause, ErrPreempted) || errors.Is(cause, ErrBusy))
}

// hold is one slot taken. b is the batch call holding it, nil for a
// synchronous request; taken is set, under the slots' mutex, when a
// synchronous request took it over from b: b's release then frees nothing.
type hold struct {
	b     *batch
	taken bool
}

// waiter is a call waiting for a slot; granted is closed when a release
// hands it one (h, set under the mutex: the slot is then its own, counted
// in use and, for a batch call, among the batches').
type waiter struct {
	b       *batch
	granted chan struct{}
	h       *hold
}

// slots are a provider's concurrency slots, shared by synchronous and batch
// calls as described above.
//
// The zero value is not usable: newSlots makes one. slots are safe for
// concurrent use.
type slots struct {
	max, batchMax int
	provider      string

	mu      sync.Mutex
	inUse   int       // slots held, by either kind
	batches []*hold   // the slots batch calls hold, oldest first
	waiters []*waiter // in arrival order; synchronous ones are served first

	// onSyncWait, if set, is called (under the mutex) when a synchronous
	// request starts to wait, with the slots batch calls then hold: the
	// tests' view of the guarantee, which says it is always zero.
	onSyncWait func(batchHeld int)
}

func newSlots(provider string, max, batchMax int) *slots {
	return &slots{provider: provider, max: max, batchMax: batchMax}
}

// acquire takes a slot for a call made under ctx, waiting at most wait, and
// returns it, or nil. A batch call that gets none has its context
// cancelled with ErrBusy.
func (s *slots) acquire(ctx context.Context, wait time.Duration) *hold {
	b, _ := ctx.Value(batchKey{}).(*batch)
	s.mu.Lock()
	if h, victim := s.takeLocked(b); h != nil {
		s.mu.Unlock()
		if victim != nil {
			telemetry.BatchPreempted(s.provider)
			victim.cancel(ErrPreempted)
		}
		return h
	}
	w := &waiter{b: b, granted: make(chan struct{})}
	s.waiters = append(s.waiters, w)
	if b == nil && s.onSyncWait != nil {
		s.onSyncWait(len(s.batches))
	}
	s.mu.Unlock()

	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-w.granted:
	case <-t.C:
	case <-ctx.Done():
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h := w.h
	switch {
	case h == nil:
		s.dropWaiterLocked(w)
		if b != nil && ctx.Err() == nil {
			telemetry.BatchBusy(s.provider)
			b.cancel(ErrBusy)
		}
		return nil
	case h.taken: // preempted before it woke: its context is cancelled
		return nil
	case ctx.Err() != nil: // granted as the caller went: give it back
		s.releaseLocked(h)
		return nil
	}
	return h
}

// takeLocked takes a slot without waiting, if the rules allow: a free one,
// or, for a synchronous request, a batch call's (returned as victim, to be
// cancelled once the mutex is released).
func (s *slots) takeLocked(b *batch) (h *hold, victim *batch) {
	free := s.inUse < s.max
	if b == nil {
		switch {
		case free && !s.syncWaitingLocked():
			s.inUse++
			return &hold{}, nil
		case len(s.batches) > 0:
			// The newest batch call has done the least work.
			v := s.batches[len(s.batches)-1]
			s.batches = s.batches[:len(s.batches)-1]
			v.taken = true
			return &hold{}, v.b
		}
		return nil, nil
	}
	if free && len(s.waiters) == 0 && len(s.batches) < s.batchMax {
		s.inUse++
		h = &hold{b: b}
		s.batches = append(s.batches, h)
		return h, nil
	}
	return nil, nil
}

func (s *slots) syncWaitingLocked() bool {
	for _, w := range s.waiters {
		if w.b == nil {
			return true
		}
	}
	return false
}

func (s *slots) dropWaiterLocked(w *waiter) {
	for i, o := range s.waiters {
		if o == w {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			return
		}
	}
}

// release gives h back: to the first synchronous request waiting, else to
// the first batch call waiting if batch calls may hold one more, else to
// no one.
func (s *slots) release(h *hold) {
	s.mu.Lock()
	s.releaseLocked(h)
	s.mu.Unlock()
}

func (s *slots) releaseLocked(h *hold) {
	if h.taken {
		return // a synchronous request holds it now
	}
	if h.b != nil {
		for i, o := range s.batches {
			if o == h {
				s.batches = append(s.batches[:i], s.batches[i+1:]...)
				break
			}
		}
	}
	next := -1
	for i, w := range s.waiters {
		if w.b == nil {
			next = i
			break
		}
		if next < 0 && len(s.batches) < s.batchMax {
			next = i
		}
	}
	if next < 0 {
		s.inUse--
		return
	}
	w := s.waiters[next]
	s.waiters = append(s.waiters[:next], s.waiters[next+1:]...)
	w.h = &hold{b: w.b}
	if w.b != nil {
		s.batches = append(s.batches, w.h)
	}
	close(w.granted)
}

// held returns the slots in use and those batch calls hold; for tests.
func (s *slots) held() (inUse, batch int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inUse, len(s.batches)
}
