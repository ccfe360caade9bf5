// Package chain routes a bio request through a tenant's ordered providers
// until one answers with a bio that passes the output checks, within the
// request's deadline. Each provider is guarded by a circuit breaker, a
// concurrency limit with a short bounded wait, a per-attempt timeout and
// retries with jittered backoff; the last provider is always the template
// writer, which always answers, and a reserve of the deadline is kept for it.
package chain

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/check"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tracing"
)

// Template is what the chain needs of the template writer beyond a
// provider: whether a profile is too thin for the length asked, so that a
// model's short answer is flagged, not rejected.
type Template interface {
	provider.Provider
	Thin(req *bio.Request) bool
}

// Chain is a tenant's ordered providers.
//
// The zero value is not usable: call New. A Chain is immutable and safe
// for concurrent use; it holds nothing to stop.
type Chain struct {
	guards        []*Guard
	template      Template
	allowExternal bool
	reserve       time.Duration
	now           func() time.Time
}

// Config configures a Chain.
type Config struct {
	// Guards are the model providers, in order.
	Guards []*Guard
	// Template answers when they all fail.
	Template Template
	// AllowExternal is the tenant's policy; without it an external
	// provider is never called, whatever the configuration says.
	AllowExternal bool
	// Reserve is the part of the deadline kept for the template writer
	// and the response; it must be positive (the configuration's
	// server.template_reserve, default 500ms).
	Reserve time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// New returns a chain.
func New(cfg Config) (*Chain, error) {
	if cfg.Template == nil {
		return nil, errors.New("a chain needs a template provider")
	}
	if cfg.Reserve <= 0 {
		return nil, fmt.Errorf("chain reserve %q must be positive", cfg.Reserve)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Chain{guards: cfg.Guards, template: cfg.Template, allowExternal: cfg.AllowExternal, reserve: cfg.Reserve, now: cfg.Now}, nil
}

// Check runs the output checks on text as an answer to req, as Run does
// for a model's answer: it returns the flags to add, or the *check.Error
// that rejects text. The answerer uses it for a bio taken from the semantic
// cache, which must pass against the profile it answers.
func (c *Chain) Check(req *bio.Request, text string) ([]string, error) {
	return check.Verify(req, text, func() bool { return c.template.Thin(req) }, c.now())
}

// ErrStopping is the cause with which a server cancels the work still
// running when its shutdown grace period ends. A chain whose context ends
// with it does not give up: the template writer answers (degraded, the
// provider cut off reported as timeout), so no request is lost to a
// shutdown.
var ErrStopping = errors.New("the server is stopping")

// stopping reports whether ctx ended because the server is stopping.
func stopping(ctx context.Context) bool {
	return ctx.Err() != nil && errors.Is(context.Cause(ctx), ErrStopping)
}

// Sink receives a streamed answer. Delta carries text in order; Reset says
// that the text sent so far is void and the next Delta starts again.
type Sink interface {
	Delta(text string)
	Reset(reason string)
}

// Outcome is the answer of a chain.
type Outcome struct {
	Result   *provider.Result
	Provider string
	Kind     provider.Kind
	// Degraded is true when the answer is not from the first provider.
	Degraded bool
	// FallbackReasons has one "<provider>:<reason>" per provider passed over.
	FallbackReasons []string
	// UpstreamTime is the time spent waiting for providers.
	UpstreamTime time.Duration
}

// Run asks each provider in turn until one answers. sink, if not nil,
// receives the text as it is written. Run fails only when ctx is cancelled
// (the caller went away) or the template writer fails.
func (c *Chain) Run(ctx context.Context, req *provider.Request, sink Sink) (*Outcome, error) {
	out := &Outcome{FallbackReasons: []string{}}
	thin := sync.OnceValue(func() bool { return c.template.Thin(req.Bio) })
	for _, g := range c.guards {
		start := c.now()
		res, err := c.try(ctx, g, req, sink, thin)
		d := c.now().Sub(start)
		out.UpstreamTime += d
		name := g.p.Name()
		if err == nil {
			telemetry.ObserveProvider(name, "ok", d, res.InputTokens, res.OutputTokens, res.CostUSD)
			out.Result, out.Provider, out.Kind = res, name, g.p.Kind()
			out.Degraded = len(out.FallbackReasons) > 0
			return out, nil
		}
		reason := provider.ReasonOf(err)
		if stopping(ctx) {
			reason = provider.ReasonTimeout // cut off by the shutdown: the template answers
		} else if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		telemetry.ObserveProvider(name, string(reason), d, 0, 0, 0)
		out.FallbackReasons = append(out.FallbackReasons, name+":"+string(reason))
	}
	tr := *req
	tr.Correction, tr.Previous = "", ""
	tr.OnDelta = nil
	if sink != nil {
		tr.OnDelta = sink.Delta
	}
	start := c.now()
	tctx, span := tracing.Start(ctx, "provider.attempt")
	span.String("provider.name", c.template.Name())
	span.String("provider.kind", string(c.template.Kind()))
	// The template writer runs even when the deadline has passed: it takes
	// microseconds, and an answer is better than none.
	res, err := c.template.Generate(context.WithoutCancel(tctx), &tr)
	out.UpstreamTime += c.now().Sub(start)
	endAttempt(span, err)
	if err != nil {
		return nil, err
	}
	if reasons := check.Repeated(req.Bio, res.Text); len(reasons) > 0 {
		if !slices.Contains(res.Flags, bio.FlagNeedsReview) {
			res.Flags = append(res.Flags, bio.FlagNeedsReview)
		}
		res.Reasons = append(res.Reasons, reasons...)
	}
	out.Result, out.Provider, out.Kind = res, c.template.Name(), c.template.Kind()
	out.Degraded = len(c.guards) > 0
	return out, nil
}

// try asks one guarded provider: with retries on retryable failures, one
// corrective retry on an invalid answer, and resets of the sink when text
// already sent is void.
func (c *Chain) try(ctx context.Context, g *Guard, req *provider.Request, sink Sink, thin func() bool) (*provider.Result, error) {
	a := &attempt{c: c, g: g, ctx: ctx, req: req, sink: sink, thin: thin, preq: *req}
	h, err := a.enter()
	if err != nil {
		_, span := a.startSpan(tracing.Start)
		endAttempt(span, err) // not called: the span says why
		return nil, err
	}
	defer g.slots.release(h)
	for {
		if a.budget() <= 0 {
			return nil, provider.Errorf(provider.ReasonTimeout, "no time left for %s", g.p.Name())
		}
		sctx, span := a.startSpan(tracing.StartClient)
		res, sent, err := a.call(sctx)
		if err == nil {
			text, verr := a.verify(sctx, res, sent)
			endAttempt(span, verr)
			if verr == nil {
				return res, nil
			}
			if a.corrected {
				return nil, &provider.Error{Reason: provider.ReasonInvalidOutput, Err: verr}
			}
			a.corrected = true
			var ce *check.Error
			errors.As(verr, &ce)
			a.preq.Correction, a.preq.Previous = ce.Correction(), text
			continue
		}
		endAttempt(span, err)
		if sent {
			sink.Reset(string(provider.ReasonOf(err)))
		}
		if err := a.retry(err); err != nil {
			return nil, err
		}
	}
}

// startSpan starts the span of one call to the provider, with start
// (tracing.StartClient for a call, whose requests carry its traceparent).
func (a *attempt) startSpan(start func(context.Context, string) (context.Context, tracing.Span)) (context.Context, tracing.Span) {
	ctx, span := start(a.ctx, "provider.attempt")
	if span.Recording() {
		span.String("provider.name", a.g.p.Name())
		span.String("provider.kind", string(a.g.p.Kind()))
		span.Int("attempt.retry", a.retries)
		if a.corrected {
			span.String("attempt.corrective", "true")
		}
	}
	return ctx, span
}

// endAttempt ends an attempt's span with its outcome: ok, or the reason of
// its failure (a rejected answer is invalid_output).
func endAttempt(span tracing.Span, err error) {
	outcome := "ok"
	if err != nil {
		var ce *check.Error
		if errors.As(err, &ce) {
			outcome = string(provider.ReasonInvalidOutput)
		} else {
			outcome = string(provider.ReasonOf(err))
		}
		span.Fail(outcome)
	}
	span.String("attempt.outcome", outcome)
	span.End()
}

// attempt is one guarded provider's try for one request: its calls, its
// corrective retry and its retries. It is used by one goroutine.
type attempt struct {
	c       *Chain
	g       *Guard
	ctx     context.Context
	req     *provider.Request
	sink    Sink
	thin    func() bool
	preq    provider.Request // the request of the next call
	retries int
	// corrected is set once the corrective retry was asked for.
	corrected bool
	lastErr   error // the failure before a retry
	// timedOut and consistent describe the last call: whether it ran out
	// of time, and whether the text streamed is the cleaned text.
	timedOut, consistent bool
	gate                 func(string) bool // see rejects
}

// budget is the time left for the provider: the deadline less the reserve.
func (a *attempt) budget() time.Duration {
	dl, ok := a.ctx.Deadline()
	if !ok {
		return a.g.s.Timeout
	}
	return dl.Sub(a.c.now()) - a.c.reserve
}

// enter checks the policy, the time left and the breaker, then takes a
// slot of the provider, which the caller must release.
func (a *attempt) enter() (*hold, error) {
	g := a.g
	if g.p.Kind() == provider.KindExternal && !a.c.allowExternal {
		return nil, provider.Errorf(provider.ReasonPolicy, "%s is external and the tenant's policy keeps data on premises", g.p.Name())
	}
	if a.budget() <= 0 {
		return nil, provider.Errorf(provider.ReasonTimeout, "no time left for %s", g.p.Name())
	}
	// An open breaker answers at once, without waiting for a slot.
	if g.Breaker() == "open" {
		return nil, provider.Errorf(provider.ReasonCircuitOpen, "%s: circuit open", g.p.Name())
	}
	h := g.acquire(a.ctx, a.budget())
	if h == nil {
		if a.ctx.Err() != nil {
			return nil, a.ctx.Err()
		}
		return nil, provider.Errorf(provider.ReasonOverloaded, "%s: no free slot", g.p.Name())
	}
	return h, nil
}

// rejects returns the test that holds back streamed text the checks are
// sure to reject (check.Rejects), made once per attempt.
func (a *attempt) rejects() func(string) bool {
	if a.gate == nil {
		a.gate = check.Rejects(a.req.Bio)
	}
	return a.gate
}

// call makes one call within the provider's timeout and the budget,
// streaming its text through the stream checks to the sink, and cleans the
// text. sent reports whether text reached the sink.
func (a *attempt) call(ctx context.Context) (res *provider.Result, sent bool, err error) {
	actx, cancel := context.WithTimeout(ctx, min(a.g.s.Timeout, a.budget()))
	defer cancel()
	var stream *check.Stream
	if a.sink != nil {
		stream = check.NewStream(a.req.Bio.Options.Format, func(d string) { sent = true; a.sink.Delta(d) })
		stream.Hold(a.rejects())
	}
	start, first := a.c.now(), true
	a.preq.OnDelta = func(d string) {
		if first {
			first = false
			telemetry.ObserveFirstToken(a.g.p.Name(), a.c.now().Sub(start))
		}
		if stream != nil {
			stream.Write(d)
		}
	}
	res, err = a.g.call(actx, &a.preq)
	a.timedOut = actx.Err() == context.DeadlineExceeded
	if err != nil {
		return nil, sent, err
	}
	if stream != nil {
		res.Text, a.consistent = stream.Close()
	} else {
		res.Text, a.consistent = check.Clean(res.Text, a.req.Bio.Options.Format), true
	}
	return res, sent, nil
}

// verify runs the output checks on the text of a call, in a span of its
// own (the flags' count or the rejecting problem). A text that passes
// becomes res's text, with its flags; when the stream's text was rewritten
// on cleaning, the sink is reset and given the clean text. A text that
// fails is returned with the check's error, after a reset of the text
// already sent.
func (a *attempt) verify(ctx context.Context, res *provider.Result, sent bool) (string, error) {
	text := res.Text
	_, span := tracing.Start(ctx, "checks")
	flags, reasons, err := check.VerifyReasons(a.req.Bio, text, a.thin, a.c.now())
	if err != nil {
		var ce *check.Error
		if errors.As(err, &ce) {
			telemetry.CheckRejected(string(ce.Problem), a.req.PromptVersion)
			span.String("check.rejected", string(ce.Problem))
			span.Fail(string(ce.Problem))
		}
	}
	span.Int("check.flags", len(flags))
	span.End()
	if err != nil {
		if sent {
			a.sink.Reset(string(provider.ReasonInvalidOutput))
		}
		return text, err
	}
	if !a.consistent {
		a.sink.Reset("rewritten")
		a.sink.Delta(text)
	}
	res.Flags = append(res.Flags, flags...)
	res.Reasons = append(res.Reasons, reasons...)
	res.InputTokens, res.OutputTokens = plausibleTokens(res.InputTokens), plausibleTokens(res.OutputTokens)
	if res.CostUSD < 0 || math.IsNaN(res.CostUSD) || math.IsInf(res.CostUSD, 0) {
		res.CostUSD = 0
	}
	return text, nil
}

// maxTokens is more tokens than any request of biogen's can use.
const maxTokens = 1 << 20

// plausibleTokens is an upstream's token count, or 0 when it cannot be
// true (negative or beyond any context window): usage and the cost
// metrics never carry an upstream's nonsense.
func plausibleTokens(n int) int {
	if n < 0 || n > maxTokens {
		return 0
	}
	return n
}

// retry decides what a failed call leads to: nil after waiting for the
// next try, or the error to give up with (the caller went away, the
// breaker opened while waiting, a failure not worth retrying, no retries
// or no time left).
func (a *attempt) retry(err error) error {
	if errors.Is(err, context.Canceled) && a.ctx.Err() != nil {
		return err
	}
	if a.lastErr != nil && provider.ReasonOf(err) == provider.ReasonCircuitOpen {
		// The breaker opened while this request waited to retry: the
		// provider was tried, and failed as it did before.
		return a.lastErr
	}
	a.lastErr = err
	if a.timedOut && provider.ReasonOf(err) != provider.ReasonTimeout {
		err = &provider.Error{Reason: provider.ReasonTimeout, Err: err}
	}
	if !provider.IsRetryable(err) || a.retries >= a.g.s.Retries {
		return err
	}
	wait := provider.RetryAfterOf(err)
	if wait == 0 {
		wait = a.g.backoff(a.retries)
	}
	if wait >= a.budget() {
		return err // no time to wait for: move on
	}
	a.retries++
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-a.ctx.Done():
		return a.ctx.Err()
	}
}

// State is a provider's health as /readyz reports it.
type State struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	State   string `json:"state"`
	Breaker string `json:"breaker"`
	Error   string `json:"error,omitempty"`
}

// States returns the state of each provider, the template writer last.
func (c *Chain) States(ctx context.Context) []State {
	out := make([]State, 0, len(c.guards)+1)
	for _, g := range c.guards {
		out = append(out, g.State(ctx))
	}
	return append(out, State{Name: c.template.Name(), Kind: string(c.template.Kind()), State: "ok", Breaker: "closed"})
}
