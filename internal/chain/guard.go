package chain

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/telemetry"
)

// Settings guard one provider. The configuration fills every field
// (internal/config holds the defaults); NewGuard rejects a value out of
// range rather than guess one.
type Settings struct {
	// Timeout bounds one attempt. Positive.
	Timeout time.Duration
	// Retries is how many times a retryable failure (a refused
	// connection, a 429, a 5xx, a cut stream) is tried again; 0 for none.
	Retries int
	// BackoffBase and BackoffMax shape the exponential backoff with full
	// jitter between retries; positive. A Retry-After from the upstream
	// replaces the backoff.
	BackoffBase, BackoffMax time.Duration
	// MaxConcurrent is how many calls may be in flight. Positive.
	MaxConcurrent int
	// BatchSlots is how many of the MaxConcurrent slots batch calls (job
	// items, see Batch) may hold at once; 1 to MaxConcurrent, 0 for half
	// of them (at least one).
	BatchSlots int
	// QueueWait is how long a request waits for a free slot before it
	// moves on with reason overloaded; 0 for no wait.
	QueueWait time.Duration
	// FailureThreshold is how many consecutive failures open the breaker.
	// Positive.
	FailureThreshold uint32
	// OpenTimeout is how long the breaker stays open before one probe is
	// let through (half-open). Positive.
	OpenTimeout time.Duration
}

// validate returns an error naming the first setting out of range.
func (s *Settings) validate() error {
	switch {
	case s.Timeout <= 0:
		return fmt.Errorf("guard: timeout %q must be positive", s.Timeout)
	case s.Retries < 0:
		return fmt.Errorf("guard: retries %d must not be negative", s.Retries)
	case s.BackoffBase <= 0 || s.BackoffMax <= 0:
		return fmt.Errorf("guard: backoff %q to %q must be positive", s.BackoffBase, s.BackoffMax)
	case s.MaxConcurrent <= 0:
		return fmt.Errorf("guard: max concurrent %d must be positive", s.MaxConcurrent)
	case s.BatchSlots < 0 || s.BatchSlots > s.MaxConcurrent:
		return fmt.Errorf("guard: batch slots %d must be within 0 to max concurrent %d", s.BatchSlots, s.MaxConcurrent)
	case s.QueueWait < 0:
		return fmt.Errorf("guard: queue wait %q must not be negative", s.QueueWait)
	case s.FailureThreshold == 0:
		return errors.New("guard: the failure threshold must be positive")
	case s.OpenTimeout <= 0:
		return fmt.Errorf("guard: open timeout %q must be positive", s.OpenTimeout)
	}
	return nil
}

// Checker is implemented by providers that can tell whether their upstream
// is reachable and has the model (for /readyz).
type Checker interface {
	Check(ctx context.Context) error
}

// Guard wraps one provider with its circuit breaker and concurrency limit
// (its slots, which synchronous requests and batch calls share as Batch
// says).
// Every chain that uses the provider shares its Guard, so the breaker sees
// all of the provider's traffic.
//
// The zero value is not usable: call NewGuard. A Guard is safe for
// concurrent use and starts no goroutine.
type Guard struct {
	p     provider.Provider
	s     Settings
	cb    *gobreaker.CircuitBreaker[*provider.Result]
	slots *slots

	mu        sync.Mutex
	checkedAt time.Time
	checkErr  error

	// probesMu guards probes: the batch calls made while the breaker was
	// not closed, each with a channel closed when its call has returned.
	// One of them may be the half-open breaker's only probe, which a
	// synchronous request takes over (see call).
	probesMu sync.Mutex
	probes   map[*batch]chan struct{}
}

// NewGuard guards p, or returns the error of a setting out of range.
func NewGuard(p provider.Provider, s Settings) (*Guard, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name(), err)
	}
	if s.BatchSlots == 0 {
		s.BatchSlots = max(1, s.MaxConcurrent/2)
	}
	g := &Guard{p: p, s: s, slots: newSlots(p.Name(), s.MaxConcurrent, s.BatchSlots)}
	g.cb = gobreaker.NewCircuitBreaker[*provider.Result](gobreaker.Settings{
		Name:        p.Name(),
		MaxRequests: 1,
		Interval:    time.Minute,
		Timeout:     s.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= s.FailureThreshold },
		// A caller that went away says nothing about the model.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
		OnStateChange: func(name string, from, to gobreaker.State) {
			telemetry.BreakerChanged(name, to.String())
		},
	})
	telemetry.BreakerChanged(p.Name(), gobreaker.StateClosed.String())
	return g, nil
}

// Provider returns the guarded provider.
func (g *Guard) Provider() provider.Provider { return g.p }

// acquire takes a concurrency slot, waiting at most QueueWait or wait,
// whichever is shorter; nil when it got none.
func (g *Guard) acquire(ctx context.Context, wait time.Duration) *hold {
	return g.slots.acquire(ctx, min(wait, g.s.QueueWait))
}

// call runs one attempt through the breaker.
//
// A half-open breaker lets one call through, its probe; the others are
// refused as if it were open. When a batch call is that probe, a
// synchronous request refused for it does not go to the next provider: it
// preempts the batch calls made while the breaker was not closed (their
// contexts end with ErrPreempted, and their calls, cancelled, count
// neither way), waits for them to return, and tries again, so that it may
// be the probe itself. It waits only for cancelled calls to unwind.
func (g *Guard) call(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	if b, ok := ctx.Value(batchKey{}).(*batch); ok && g.cb.State() != gobreaker.StateClosed {
		returned := g.addProbe(b)
		defer g.dropProbe(b, returned)
	}
	generate := func() (*provider.Result, error) { return g.p.Generate(ctx, req) }
	res, err := g.cb.Execute(generate)
	if errors.Is(err, gobreaker.ErrTooManyRequests) && !IsBatch(ctx) && g.takeProbe(ctx) {
		res, err = g.cb.Execute(generate)
	}
	if errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests) {
		return nil, &provider.Error{Reason: provider.ReasonCircuitOpen, Err: err}
	}
	return res, err
}

func (g *Guard) addProbe(b *batch) chan struct{} {
	returned := make(chan struct{})
	g.probesMu.Lock()
	defer g.probesMu.Unlock()
	if g.probes == nil {
		g.probes = map[*batch]chan struct{}{}
	}
	g.probes[b] = returned
	return returned
}

func (g *Guard) dropProbe(b *batch, returned chan struct{}) {
	g.probesMu.Lock()
	delete(g.probes, b)
	g.probesMu.Unlock()
	close(returned)
}

// takeProbe preempts the batch calls that may hold the half-open breaker's
// probe and waits for them to return (or ctx to end); it reports whether
// there were any and they all returned.
func (g *Guard) takeProbe(ctx context.Context) bool {
	g.probesMu.Lock()
	var waits []chan struct{}
	for b, returned := range g.probes {
		b.cancel(ErrPreempted)
		waits = append(waits, returned)
	}
	g.probesMu.Unlock()
	if len(waits) == 0 {
		return false
	}
	telemetry.BatchPreempted(g.p.Name())
	for _, returned := range waits {
		select {
		case <-returned:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// backoff returns the wait before retry n (from 0): full jitter over an
// exponentially growing cap.
func (g *Guard) backoff(n int) time.Duration {
	d := g.s.BackoffBase << n
	if d <= 0 || d > g.s.BackoffMax {
		d = g.s.BackoffMax
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// Breaker returns the breaker state: "closed", "half_open" or "open".
func (g *Guard) Breaker() string {
	switch g.cb.State() {
	case gobreaker.StateOpen:
		return "open"
	case gobreaker.StateHalfOpen:
		return "half_open"
	}
	return "closed"
}

// checkEvery is how long a reachability check is reused by /readyz.
const checkEvery = 5 * time.Second

// State reports the provider's health for /readyz: the breaker state and,
// for providers that can check their upstream, whether it answers.
func (g *Guard) State(ctx context.Context) State {
	st := State{Name: g.p.Name(), Kind: string(g.p.Kind()), State: "ok", Breaker: g.Breaker()}
	if c, ok := g.p.(Checker); ok {
		g.mu.Lock()
		if time.Since(g.checkedAt) > checkEvery {
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			g.checkErr = c.Check(cctx)
			cancel()
			g.checkedAt = time.Now()
		}
		err := g.checkErr
		g.mu.Unlock()
		switch {
		case errors.Is(err, provider.ErrModelMissing):
			st.State = "model_missing"
			st.Error = err.Error() // the provider's own words
		case err != nil:
			st.State = "unreachable"
			st.Error = "the upstream does not answer"
		}
	}
	switch {
	case st.State != "ok":
	case st.Breaker == "open":
		st.State = "circuit_open"
	case st.Breaker == "half_open":
		st.State = "degraded"
	}
	return st
}
