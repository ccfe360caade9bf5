package answer

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
)

// Coalescing. Requests that reach generation with the same exact cache key
// (cache.Key: the tenant, the user, the normalised profile, the options,
// the prompt version, the providers and the experiment arm) while one of them is
// being written share that one generation: the first runs it, in the
// goroutine it came in, and the others join it and wait. Each gets its own response
// built from the shared one, with the one bio's id (as an exact hit of it
// would) and its own request id. The key holds the tenant and the user, so
// nothing is shared between people: coalescing applies whether or not the
// tenant caches. Requests for a new variant (regenerate) never share.

// errAbandoned is the cause with which a generation is cancelled when the
// last request waiting for it has gone.
var errAbandoned = errors.New("answer: every request waiting for the generation has gone")

// errLanded is the cause with which a finished generation's context is
// released.
var errLanded = errors.New("answer: the generation is over")

// errJobsOnly is the cause with which a generation is cancelled when the
// last synchronous request waiting for it has gone and job items still
// wait: it runs in a synchronous request's slot, which no job may keep, so
// it gives way, and the job items run again later (as preempted ones do).
var errJobsOnly = errors.New("answer: only job items wait for the generation: it gives way")

// generate answers j with a bio written by the tenant's chain, sending the
// text to sink as it is written when sink is not nil, by joining the
// generation of an identical request already running, or by starting one
// that identical requests may join. ctx's deadline is the request's.
//
// The shared generation runs to the deadline of the request that started
// it. A request joins it only if that deadline is not later than its own,
// so a joiner is never answered later than it would be alone; a request
// whose deadline is earlier (its caller's context is shorter) generates
// alone. The generation is cancelled only when every request waiting for
// it has gone.
func (a *Answerer) generate(ctx context.Context, j *job, sink Sink) (*bio.Response, error) {
	deadline, ok := ctx.Deadline()
	if !ok || j.req.Regenerate {
		return a.alone(ctx, j, sink)
	}
	key := cache.Key(j.t.ID, j.req, j.r.promptVersion, j.r.providersKey, j.r.arm, j.start)
	// A job item joins a generation running, but never starts one that
	// synchronous requests could join: its calls give way to theirs
	// (chain.Batch), which would hold them up. Nor does it keep one
	// running once no synchronous request waits for it (errJobsOnly).
	batch := chain.IsBatch(ctx)
	f, leader := a.flights.join(ctx, key, j.t.ID+"\x00"+j.req.UserID, deadline, sink, batch)
	if f == nil {
		return a.alone(ctx, j, sink)
	}
	var w *written
	var err error
	joined := a.now()
	if leader {
		w, err = a.lead(ctx, f, j)
	} else {
		w, err = a.flights.wait(ctx, f, sink, batch)
	}
	if err != nil {
		return nil, err
	}
	r := w.r
	if leader {
		j.cacheTime += w.stored
	} else {
		r.Timing.Provider = min(r.Timing.Provider, a.now().Sub(joined))
	}
	if f.billed.Swap(true) {
		// The usage was spent once and is reported once, on the first
		// response made of the generation (the first request's, unless it
		// left): summed over the responses, usage is what was spent. The
		// others, like cache hits, cost no model call of their own.
		r.Usage = bio.Usage{}
	}
	return a.respond(j, r, w.reasons), nil
}

// lead runs f's generation for j, the request that started it, in the
// caller's goroutine (no goroutine is started, and a request that no one
// joins costs little more than one alone). The text goes to j's own sink
// as it is written, as it would alone, and to the streams that join.
//
// When ctx ends, j goes as it would alone (see wait), but its goroutine
// runs the generation on, to its end, for the requests still waiting for
// it: a client gone gets ctx's error then.
func (a *Answerer) lead(ctx context.Context, f *flight, j *job) (*written, error) {
	var left atomic.Bool
	stop := context.AfterFunc(ctx, func() {
		switch {
		case errors.Is(context.Cause(ctx), ErrStopping):
			f.cancel(ErrStopping)
		case ctx.Err() == context.DeadlineExceeded:
		default:
			left.Store(true)
			a.flights.leave(f, false, false) // this goroutine runs the generation: no waiting for it
		}
	})
	a.run(f, j)
	stop()
	if p, ok := f.err.(*panicked); ok {
		panic(p)
	}
	if left.Load() {
		return nil, ctx.Err()
	}
	return f.w, f.err
}

// run runs f's generation for j and publishes its result to the requests
// waiting for it. A panic is recovered, published, and raised again in
// each request (lead and wait), as it would have been alone: the edge
// recovers it.
func (a *Answerer) run(f *flight, j *job) {
	defer close(f.done)
	defer f.release()
	defer f.cancel(errLanded)
	defer a.flights.land(f)
	defer func() {
		if v := recover(); v != nil {
			f.w, f.err = nil, &panicked{value: v, stack: debug.Stack()}
		}
	}()
	var sink Sink
	if f.streamed {
		sink = f
	}
	f.w, f.err = a.write(f.ctx, j, sink)
}

// flights are the generations running, by their requests' exact cache key.
// Each entry costs the key (64 bytes), a flight of a few hundred bytes
// with its context and deadline timer and, when it streams, the text
// written since the last reset (at most a bio); the goroutine running it
// is its first request's. A generation leaves the map when it ends or when
// the last request waiting for it has gone, so the map never holds more
// entries than requests in flight.
//
// The zero value is empty and ready to use. flights is safe for concurrent
// use.
type flights struct {
	mu sync.Mutex
	m  map[string]*flight
}

// flight is one generation shared by the requests of one key.
//
// Its zero value is not usable: flights.join makes it. Its fields are
// guarded as each says; it is safe for concurrent use.
type flight struct {
	// Set by join, read-only after.
	key      string
	user     string // tenant and user, for erasure (flights.forget)
	deadline time.Time
	streamed bool // whether the generation streams: whether its first request did
	own      Sink // the first request's stream, written by the generation itself
	ctx      context.Context
	cancel   context.CancelCauseFunc // ends ctx early, with a cause
	release  context.CancelFunc      // frees ctx's deadline timer; called by run
	done     chan struct{}           // closed once w and err are set

	// Set by run before done is closed, read-only after.
	w   *written
	err error

	refs     int         // the requests waiting; guarded by flights.mu
	syncRefs int         // those of them that are not job items; guarded by flights.mu
	billed   atomic.Bool // whether a response reported the usage

	mu       sync.Mutex // guards what follows
	text     []byte     // the text written since the last reset
	resets   int        // the resets so far
	reason   string     // the last reset's
	watchers []*watcher // the streams following the text
}

// join returns the generation of key to wait for, and whether the caller
// starts it (and must lead it). It returns nil when a generation of key is
// running that would end after deadline, or when none is and the caller
// may not start one (a job item, batch): the caller must generate alone.
// ctx is the caller's, whose values (the trace) a new generation keeps,
// not its cancellation: the generation ends at deadline, or when every
// request waiting for it has gone. sink, if not nil, is the caller's
// stream: a generation it starts streams.
func (fs *flights) join(ctx context.Context, key, user string, deadline time.Time, sink Sink, batch bool) (f *flight, leader bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.m[key]; f != nil {
		if f.deadline.After(deadline) {
			return nil, false
		}
		f.refs++
		if !batch {
			f.syncRefs++
		}
		return f, false
	}
	if batch {
		return nil, false
	}
	if fs.m == nil {
		fs.m = map[string]*flight{}
	}
	f = &flight{key: key, user: user, deadline: deadline, streamed: sink != nil, own: sink, done: make(chan struct{}), refs: 1, syncRefs: 1}
	gctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	f.ctx, f.release = context.WithDeadline(gctx, deadline)
	f.cancel = cancel
	fs.m[key] = f
	return f, true
}

// leave is called by a request (a job item if batch) that stops waiting
// for f before it ends. The last to leave cancels the generation and, if
// wait, waits for it to end (the goroutine of the request that started it
// runs it). The last synchronous request to leave cancels it too when job
// items still wait (errJobsOnly): they give way.
func (fs *flights) leave(f *flight, wait, batch bool) {
	fs.mu.Lock()
	f.refs--
	if !batch {
		f.syncRefs--
	}
	last := f.refs == 0 || f.syncRefs == 0
	cause := errAbandoned
	if f.refs > 0 {
		cause = errJobsOnly
	}
	if last && fs.m[f.key] == f {
		delete(fs.m, f.key)
	}
	fs.mu.Unlock()
	if last {
		f.cancel(cause)
		if wait {
			<-f.done
		}
	}
}

// forget takes the running generations of user (tenant and user) out of
// the map: they finish for the requests already waiting, but a request
// arriving after the user's erasure starts its own and never receives
// text written for a request made before it.
func (fs *flights) forget(user string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for k, f := range fs.m {
		if f.user == user {
			delete(fs.m, k)
		}
	}
}

// land removes f, whose generation has ended, from the map: a request
// arriving now starts another (or, more likely, finds the cached answer).
func (fs *flights) land(f *flight) {
	fs.mu.Lock()
	if fs.m[f.key] == f {
		delete(fs.m, f.key)
	}
	fs.mu.Unlock()
}

// running reports how many generations are running, and how many requests
// wait for them; for tests.
func (fs *flights) running() (flights, waiting int) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.m {
		waiting += f.refs
	}
	return len(fs.m), waiting
}

// wait waits for f's result for one request (a job item if batch), whose
// context is ctx, sending
// the text to sink as it is written when sink is not nil: first the text
// written so far as one delta, then the rest as it comes, with a reset
// when text this request was sent is void. A stream joining a generation
// that does not stream gets the whole text at the end, as one delta.
//
// When ctx ends, the request goes as it would alone: a client gone leaves
// (the last one cancels the generation); a server stopping stops the
// generation, whose template answer every waiter gets; a deadline passed
// waits on, as the generation's deadline is not later and its template
// answer is moments away. A job item whose generation gave way
// (errJobsOnly) gives way too: its ctx ends as a preempted one's does.
func (fs *flights) wait(ctx context.Context, f *flight, sink Sink, batch bool) (*written, error) {
	var w *watcher
	var notify chan struct{}
	if sink != nil {
		w = f.watch()
		defer f.unwatch(w)
		notify = w.notify
	}
	ended := ctx.Done()
	for {
		finished := isClosed(f.done)
		if w != nil {
			f.catchUp(w, sink)
		}
		if finished {
			break
		}
		select {
		case <-f.done:
		case <-notify:
		case <-ended:
			switch {
			case errors.Is(context.Cause(ctx), ErrStopping):
				f.cancel(ErrStopping)
			case ctx.Err() == context.DeadlineExceeded:
			default:
				fs.leave(f, true, batch)
				return nil, ctx.Err()
			}
			ended = nil
		}
	}
	if p, ok := f.err.(*panicked); ok {
		panic(p)
	}
	if f.err != nil && batch && errors.Is(context.Cause(f.ctx), errJobsOnly) && chain.Preempt(ctx) {
		return nil, ctx.Err()
	}
	if f.err != nil {
		return nil, f.err
	}
	if sink != nil && !f.streamed {
		sink.Delta(f.w.r.Bio)
	}
	return f.w, nil
}

// panicked is a panic of a shared generation, with the stack where it
// happened, raised again in every request waiting for it.
type panicked struct {
	value any
	stack []byte
}

func (p *panicked) Error() string {
	return fmt.Sprintf("the shared generation panicked: %v\n%s", p.value, p.stack)
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// watcher is one stream following a flight's text: what of it the stream
// was sent. It is used by the stream's goroutine, under the flight's lock.
type watcher struct {
	notify chan struct{} // one slot: text or a reset came since the last catch-up
	resets int           // the flight's resets when the stream last caught up
	sent   int           // the bytes of the flight's text the stream was sent since
}

// watch starts following f's text from what it is now.
func (f *flight) watch() *watcher {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := &watcher{notify: make(chan struct{}, 1), resets: f.resets}
	f.watchers = append(f.watchers, w)
	return w
}

func (f *flight) unwatch(w *watcher) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i := slices.Index(f.watchers, w); i >= 0 {
		f.watchers = slices.Delete(f.watchers, i, i+1)
	}
}

// catchUp sends w's stream what it lacks of f's text: a reset if text it
// was sent has since been reset, then the text it was not sent, as one
// delta. The sink is written outside f's lock: a slow client that joined
// holds up neither the generation nor the other streams. (The first
// request's stream is written by the generation, as it would be alone.)
func (f *flight) catchUp(w *watcher, sink Sink) {
	f.mu.Lock()
	reset := w.resets != f.resets && w.sent > 0
	if w.resets != f.resets {
		w.resets, w.sent = f.resets, 0
	}
	reason := f.reason
	more := string(f.text[w.sent:])
	w.sent = len(f.text)
	f.mu.Unlock()
	if reset {
		sink.Reset(reason)
	}
	if more != "" {
		sink.Delta(more)
	}
}

// Delta adds text to the generation's, for the streams following it, and
// sends it to the first request's stream. The generation calls it from one
// goroutine, in order.
func (f *flight) Delta(text string) {
	f.mu.Lock()
	f.text = append(f.text, text...)
	f.notifyLocked()
	f.mu.Unlock()
	f.own.Delta(text)
}

// Reset voids the generation's text so far.
func (f *flight) Reset(reason string) {
	f.mu.Lock()
	f.text = f.text[:0]
	f.resets++
	f.reason = reason
	f.notifyLocked()
	f.mu.Unlock()
	f.own.Reset(reason)
}

func (f *flight) notifyLocked() {
	for _, w := range f.watchers {
		select {
		case w.notify <- struct{}{}:
		default: // a notice is waiting already
		}
	}
}
