package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// MinRetrySpan is the least time between a message's first attempt and
// its last (contract 1.1: "retries with backoff ... for at least an hour").
const MinRetrySpan = time.Hour

// maxResponseBytes is how much of a receiver's answer is read (and
// dropped) so that the connection closes cleanly.
const maxResponseBytes = 64 << 10

// Clock tells the time and waits; tests inject one that waits for nothing.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends (returning its error).
	Sleep(ctx context.Context, d time.Duration) error
}

// realClock is the system's clock.
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Options configure a Sender. AttemptTimeout, Schedule and LogSize are
// required (the configuration's webhooks section fills them: 10s, the
// schedule in docs/operations.md, 1000); the rest may be nil.
type Options struct {
	// AttemptTimeout bounds one attempt: lookup, connect, TLS, sending the
	// body and reading the status line.
	AttemptTimeout time.Duration
	// Schedule holds the widths of the retry slots: retry k happens at a
	// uniformly random time in [sum(Schedule[:k-1]), sum(Schedule[:k]))
	// after the first attempt (full jitter over each slot), so a message
	// gets len(Schedule)+1 attempts. CheckSchedule states the rules.
	Schedule []time.Duration
	// LogSize is how many deliveries the log keeps (Sender.Deliveries);
	// past it, the oldest goes.
	LogSize int
	// Clock defaults to the system's.
	Clock Clock
	// Jitter returns a uniform value in [0, n); default math/rand/v2.
	Jitter func(n int64) int64
	// Resolver defaults to net.DefaultResolver.
	Resolver Resolver
	// Dialer defaults to a net.Dialer; it is only ever given IP addresses.
	Dialer Dialer
	// TLS is the client's TLS configuration (tests give their CA); default
	// the system's roots, TLS 1.2 at least.
	TLS *tls.Config
	// Log receives a line per attempt; nil logs nothing. Lines never hold
	// a secret, a signature, a body, or a URL's path or query.
	Log *slog.Logger
}

// CheckSchedule reports whether a retry schedule keeps the contract: 1 to
// 20 slots, each positive, and the last attempt's slot starting at least
// MinRetrySpan after the first attempt.
func CheckSchedule(s []time.Duration) error {
	if len(s) == 0 || len(s) > 20 {
		return fmt.Errorf("%d slots; want 1 to 20", len(s))
	}
	var before time.Duration
	for i, d := range s {
		if d <= 0 {
			return fmt.Errorf("slot %d is %s; every slot must be positive", i, d)
		}
		if i < len(s)-1 {
			before += d
		}
	}
	if before < MinRetrySpan {
		return fmt.Errorf("the last attempt may come %s after the first; the slots before the last must add up to at least %s", before, MinRetrySpan)
	}
	return nil
}

// Sender delivers messages. It holds no goroutine and no idle connection
// (each attempt opens and closes its own, so no connection checked for one
// tenant serves another): there is nothing to stop.
//
// The zero value is not usable: New builds one. A Sender is safe for
// concurrent use; each Deliver runs in its caller's goroutine.
type Sender struct {
	opts       Options
	clock      Clock
	jitter     func(int64) int64
	resolver   Resolver
	dialer     Dialer
	client     *http.Client
	log        *slog.Logger
	deliveries *deliveryLog
}

// New checks the options and builds a Sender.
func New(opts Options) (*Sender, error) {
	if opts.AttemptTimeout <= 0 {
		return nil, errors.New("webhook: AttemptTimeout must be positive")
	}
	if err := CheckSchedule(opts.Schedule); err != nil {
		return nil, fmt.Errorf("webhook: schedule: %w", err)
	}
	if opts.LogSize < 1 {
		return nil, errors.New("webhook: LogSize must be at least 1")
	}
	s := &Sender{opts: opts, clock: opts.Clock, jitter: opts.Jitter, resolver: opts.Resolver,
		dialer: opts.Dialer, log: opts.Log, deliveries: newDeliveryLog(opts.LogSize)}
	s.opts.Schedule = append([]time.Duration(nil), opts.Schedule...)
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.jitter == nil {
		s.jitter = rand.Int64N
	}
	if s.resolver == nil {
		s.resolver = net.DefaultResolver
	}
	if s.dialer == nil {
		s.dialer = &net.Dialer{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.TLS != nil {
		tlsConf = opts.TLS.Clone()
	}
	s.client = &http.Client{
		Transport: &http.Transport{
			Proxy:                  nil, // a proxy would resolve the host itself
			DialContext:            s.dialContext,
			TLSClientConfig:        tlsConf,
			TLSHandshakeTimeout:    opts.AttemptTimeout,
			DisableKeepAlives:      true,
			MaxResponseHeaderBytes: maxResponseBytes,
		},
		// Never follow a redirect: its target was not checked, and a
		// receiver that moved must be configured anew.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s, nil
}

// Message is one callback.
type Message struct {
	// ID is the webhook-id header, the same on every attempt so that the
	// receiver can drop a duplicate: 1 to 128 of A-Z a-z 0-9 _ - . :
	ID string
	// URL is the callback URL (CheckURL's rules).
	URL string
	// Body is the JSON sent; it must be valid JSON.
	Body []byte
	// Policy is the tenant's: its secrets sign, and it says which
	// addresses may be reached.
	Policy Policy
	// Observe, if not nil, is given each attempt's record as soon as it is
	// complete (NextRetry set when a retry follows), in Deliver's
	// goroutine, before Deliver sleeps or returns: what a caller needs to
	// persist a delivery's log as it grows. It must not block for long.
	Observe func(Attempt)
}

// ErrUndelivered is returned when every attempt of a message failed.
var ErrUndelivered = errors.New("webhook: not delivered: every attempt failed")

// Deliver sends m until a receiver answers 2xx, retrying failures (any
// other status, a timeout, a refused connection) on the schedule, and
// returns its log entry (none, and nothing logged, when m itself is
// refused: a bad id, body or URL, or no secret). It returns nil when delivered; ErrUndelivered when
// the schedule ran out; a *TargetError (ErrForbiddenTarget) or ErrBadURL at
// once, without retrying, when the target is refused; ctx's error when ctx
// ends (shutdown: the entry's last NextRetry says when it was due).
// Each attempt is signed afresh with the time it is made, so a receiver's
// timestamp tolerance holds however late the retry.
func (s *Sender) Deliver(ctx context.Context, m Message) (Delivery, error) {
	u, err := s.checkMessage(m)
	if err != nil {
		return Delivery{}, err
	}
	start := s.clock.Now()
	e := s.deliveries.start(m.ID, redactURL(u), start)
	var slotStart time.Duration
	for k := 0; ; k++ {
		a, err := s.attempt(ctx, u, m)
		if err == nil {
			s.finish(e, m, a, StateDelivered, k+1)
			return e.snapshot(), nil
		}
		switch {
		case ctx.Err() != nil:
			s.finish(e, m, a, StateCancelled, k+1)
			return e.snapshot(), ctx.Err()
		case errors.Is(err, ErrForbiddenTarget):
			s.finish(e, m, a, StateRefused, k+1)
			return e.snapshot(), err
		case k == len(s.opts.Schedule):
			s.finish(e, m, a, StateFailed, k+1)
			return e.snapshot(), ErrUndelivered
		}
		slot := s.opts.Schedule[k]
		a.NextRetry = start.Add(slotStart + time.Duration(s.jitter(int64(slot))))
		slotStart += slot
		s.deliveries.add(e, a)
		s.logAttempt(slog.LevelWarn, e, a, k+1)
		observe(m, a)
		if err := s.clock.Sleep(ctx, max(0, a.NextRetry.Sub(s.clock.Now()))); err != nil {
			s.deliveries.end(e, StateCancelled, s.clock.Now())
			return e.snapshot(), err
		}
	}
}

// checkMessage checks what a programmer gives Deliver, and the URL.
func (s *Sender) checkMessage(m Message) (*url.URL, error) {
	if !validID(m.ID) {
		return nil, fmt.Errorf("webhook: message id %q must be 1 to 128 of A-Z a-z 0-9 _ - . :", m.ID)
	}
	if len(m.Policy.Secrets) == 0 {
		return nil, ErrNoSecret
	}
	if !json.Valid(m.Body) {
		return nil, errors.New("webhook: the body is not valid JSON")
	}
	return parseURL(m.URL, m.Policy.AllowPrivateTargets)
}

func validID(s string) bool {
	if len(s) == 0 || len(s) > 128 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// attempt makes one signed POST and returns its record; err is nil for a
// 2xx answer.
func (s *Sender) attempt(ctx context.Context, u *url.URL, m Message) (Attempt, error) {
	now := s.clock.Now()
	a := Attempt{At: now}
	sig, err := Sign(m.Policy.Secrets, m.ID, now.Unix(), m.Body)
	if err != nil {
		a.Error = ErrorOther
		return a, err
	}
	plan := &dialPlan{allowPrivate: m.Policy.AllowPrivateTargets, dialed: make(chan string, 1)}
	actx, cancel := context.WithTimeout(context.WithValue(ctx, planKey{}, plan), s.opts.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, u.String(), bytes.NewReader(m.Body))
	if err != nil {
		a.Error = ErrorOther
		return a, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "biogen-webhooks/1")
	req.Header.Set("webhook-id", m.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := s.client.Do(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
		resp.Body.Close()
	}
	a.Duration = s.clock.Now().Sub(now)
	select {
	case a.Addr = <-plan.dialed:
	default:
	}
	if err != nil {
		a.Error = errorClass(ctx, actx, err)
		return a, err
	}
	a.Status = resp.StatusCode
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return a, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		a.Error = ErrorRedirect
	default:
		a.Error = ErrorStatus
	}
	return a, fmt.Errorf("webhook: receiver answered %d", resp.StatusCode)
}

// Error classes of a failed attempt (Attempt.Error).
const (
	ErrorStatus    = "status"         // an answer other than 2xx or 3xx
	ErrorRedirect  = "redirect"       // a 3xx answer: redirects are not followed
	ErrorTimeout   = "timeout"        // the attempt's timeout passed
	ErrorDNS       = "dns"            // the host did not resolve
	ErrorConnect   = "connect"        // no connection (refused, unreachable)
	ErrorTLS       = "tls"            // the handshake or the certificate failed
	ErrorRefused   = "refused_target" // the host is or resolves to a forbidden address
	ErrorCancelled = "cancelled"      // the delivery's context ended (shutdown)
	ErrorOther     = "error"          // anything else (the connection broke, ...)
)

// errorClass sorts a failed request into one of the Error classes; ctx is
// the delivery's, actx the attempt's.
func errorClass(ctx, actx context.Context, err error) string {
	var (
		te  *TargetError
		re  *resolveError
		op  *net.OpError
		ve  *tls.CertificateVerificationError
		ae  tls.AlertError
		rhe tls.RecordHeaderError
		uae x509.UnknownAuthorityError
		hne x509.HostnameError
	)
	switch {
	case ctx.Err() != nil:
		return ErrorCancelled
	case errors.As(err, &te):
		return ErrorRefused
	case errors.As(err, &re):
		return ErrorDNS
	case errors.Is(actx.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded):
		return ErrorTimeout
	case errors.As(err, &ve), errors.As(err, &ae), errors.As(err, &rhe), errors.As(err, &uae), errors.As(err, &hne):
		return ErrorTLS
	case errors.As(err, &op) && op.Op == "dial":
		return ErrorConnect
	}
	return ErrorOther
}

// finish records the last attempt of m and the delivery's end, logs it
// and gives it to m's observer.
func (s *Sender) finish(e *entry, m Message, a Attempt, st State, n int) {
	s.deliveries.add(e, a)
	s.deliveries.end(e, st, s.clock.Now())
	level := slog.LevelWarn
	if st == StateDelivered {
		level = slog.LevelInfo
	}
	s.logAttempt(level, e, a, n)
	observe(m, a)
}

// observe gives a to m's observer, if it has one.
func observe(m Message, a Attempt) {
	if m.Observe != nil {
		m.Observe(a)
	}
}

// logAttempt writes one attempt's line: no secret, body or URL path.
func (s *Sender) logAttempt(level slog.Level, e *entry, a Attempt, n int) {
	attrs := []slog.Attr{
		slog.String("webhook_id", e.d.ID), slog.String("target", e.d.Target), slog.Int("attempt", n),
		slog.Int("status", a.Status), slog.String("error", a.Error), slog.String("state", string(e.state())),
	}
	if !a.NextRetry.IsZero() {
		attrs = append(attrs, slog.Time("next_retry", a.NextRetry))
	}
	s.log.LogAttrs(context.Background(), level, "webhook attempt", attrs...)
}
