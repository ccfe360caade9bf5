// Package httpapi is biogen's HTTP edge on fasthttp: the v1 routes of the
// contract, authentication, rate limits, load shedding, problem+json errors,
// request ids, server-sent events, and the operational endpoints. It is the
// only package that imports fasthttp.
package httpapi

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/idempotency"
	"github.com/biogen/biogen/internal/ratelimit"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/tracing"
)

// Config configures the HTTP edge.
type Config struct {
	// MaxBodyBytes limits request bodies; more is answered 413.
	MaxBodyBytes int
	// MaxHeaderBytes limits the request line and headers.
	MaxHeaderBytes int
	// ReadTimeout, WriteTimeout and IdleTimeout are fasthttp's; each must
	// be set (fasthttp's zero means no limit).
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// MaxInFlight is how many bio requests run at once; more get 503.
	MaxInFlight int
	// MaxConns limits open connections.
	MaxConns int
	// Keyless allows requests without a key (a loopback-only server with a
	// keyless tenant).
	Keyless bool
	// Pprof serves Go's profiles (/debug/pprof/) on the admin listener.
	Pprof bool
	// TLS and AdminTLS, if not nil, serve the public and the admin
	// listener over TLS with their certificates.
	TLS, AdminTLS *CertReloader
	// Tracer, if not nil, records a span of each bio request, a child of
	// its traceparent; nil is tracing off.
	Tracer *tracing.Tracer
	// Idempotency, if not nil, keeps and replays the answers of
	// POST /v1/bios and POST /v1/jobs sent with an Idempotency-Key; nil
	// ignores the header.
	Idempotency *idempotency.Keeper
	// Jobs, if not nil, keeps and runs the jobs of POST /v1/jobs; nil
	// answers the job routes 404.
	Jobs Jobs
	// Feedback, if not nil, keeps the feedback of POST
	// /v1/bios/{id}/feedback; nil answers that route 404.
	Feedback Feedback
	// JobsMaxBodyBytes limits the body of POST /v1/jobs (see
	// JobsMaxBodyBytes); 0 is JobsMaxBodyBytes(MaxBodyBytes) when Jobs is
	// set.
	JobsMaxBodyBytes int
}

// Server serves the API.
//
// The zero value is not usable: create it with New, serve with Serve (and
// ServeAdmin), stop with Shutdown. It is safe for concurrent use.
type Server struct {
	cfg      Config
	answers  *answer.Answerer
	tenants  *tenant.Registry
	limiters map[string]*ratelimit.Limiter
	users    map[string]*ratelimit.Users // nil for a tenant without per-user limits
	log      *slog.Logger
	inFlight chan struct{}
	now      func() time.Time

	// base is cancelled when a shutdown's grace period runs out, to stop
	// streams still running.
	base       context.Context
	cancelBase context.CancelCauseFunc

	public, admin *fasthttp.Server

	mu        sync.Mutex
	stopped   bool
	listeners []net.Listener
}

// New returns a Server.
func New(cfg Config, answers *answer.Answerer, tenants *tenant.Registry, log *slog.Logger) (*Server, error) {
	for _, d := range []time.Duration{cfg.ReadTimeout, cfg.WriteTimeout, cfg.IdleTimeout} {
		if d <= 0 {
			return nil, errors.New("httpapi: every timeout must be set")
		}
	}
	if cfg.MaxInFlight <= 0 || cfg.MaxBodyBytes <= 0 || cfg.MaxHeaderBytes <= 0 {
		return nil, errors.New("httpapi: MaxInFlight, MaxBodyBytes and MaxHeaderBytes must be set")
	}
	if cfg.Jobs != nil && cfg.JobsMaxBodyBytes == 0 {
		cfg.JobsMaxBodyBytes = JobsMaxBodyBytes(cfg.MaxBodyBytes)
	}
	s := &Server{
		cfg:      cfg,
		answers:  answers,
		tenants:  tenants,
		limiters: map[string]*ratelimit.Limiter{},
		users:    map[string]*ratelimit.Users{},
		log:      log,
		inFlight: make(chan struct{}, cfg.MaxInFlight),
		now:      time.Now,
	}
	s.base, s.cancelBase = context.WithCancelCause(context.Background())
	for _, t := range tenants.Tenants() {
		l, err := ratelimit.New(t.RateLimit.RequestsPerSecond, t.RateLimit.Burst)
		if err != nil {
			s.cancelBase(nil)
			return nil, fmt.Errorf("tenant %q: %w", t.ID, err)
		}
		s.limiters[t.ID] = l
		pu := t.RateLimit.PerUser
		u, err := ratelimit.NewUsers(*pu.RequestsPerMinute, pu.Burst)
		if err != nil {
			s.cancelBase(nil)
			return nil, fmt.Errorf("tenant %q: %w", t.ID, err)
		}
		s.users[t.ID] = u
	}
	s.public = s.newFastHTTP(s.handle, max(cfg.MaxBodyBytes, cfg.JobsMaxBodyBytes))
	s.public.HeaderReceived = s.bodyLimit
	s.admin = s.newFastHTTP(s.handleAdmin, cfg.MaxBodyBytes)
	return s, nil
}

// bodyLimit sets, once a request's header is read, how large a body it
// may send: the jobs' limit (tens of MiB) only for POST /v1/jobs by a
// caller whose key is valid; max_body_bytes for every other request, so
// that no one without a key can make the server read a job-sized body.
func (s *Server) bodyLimit(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	if job, err := s.postsJob(h); job && err == nil {
		return fasthttp.RequestConfig{MaxRequestBodySize: s.cfg.JobsMaxBodyBytes}
	}
	return fasthttp.RequestConfig{MaxRequestBodySize: s.cfg.MaxBodyBytes}
}

// postsJob reports whether h is a POST /v1/jobs on a server that takes
// jobs larger than bios, and the error of its key, if any.
func (s *Server) postsJob(h *fasthttp.RequestHeader) (bool, error) {
	if s.cfg.JobsMaxBodyBytes <= s.cfg.MaxBodyBytes || !h.IsPost() {
		return false, nil
	}
	if path, _, _ := bytes.Cut(h.RequestURI(), []byte("?")); string(path) != routeJobs {
		return false, nil
	}
	_, err := s.authenticateHeader(h)
	return true, err
}

func (s *Server) newFastHTTP(h fasthttp.RequestHandler, maxBody int) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:               h,
		ErrorHandler:          s.handleReadError,
		Name:                  "biogen",
		ReadTimeout:           s.cfg.ReadTimeout,
		WriteTimeout:          s.cfg.WriteTimeout,
		IdleTimeout:           s.cfg.IdleTimeout,
		MaxRequestBodySize:    maxBody,
		ReadBufferSize:        s.cfg.MaxHeaderBytes,
		Concurrency:           s.cfg.MaxConns,
		CloseOnShutdown:       true,
		NoDefaultContentType:  true,
		SecureErrorLogMessage: true,
		Logger:                fasthttpLogger{s.log},
	}
}

// Serve serves the API on ln until Shutdown, over TLS when configured.
func (s *Server) Serve(ln net.Listener) error { return s.serve(s.public, withTLS(ln, s.cfg.TLS)) }

// ServeAdmin serves /metrics, /healthz and /readyz without authentication
// on ln until Shutdown, over TLS when configured. Keep ln private.
func (s *Server) ServeAdmin(ln net.Listener) error {
	return s.serve(s.admin, withTLS(ln, s.cfg.AdminTLS))
}

func withTLS(ln net.Listener, r *CertReloader) net.Listener {
	if r == nil {
		return ln
	}
	return tls.NewListener(ln, r.TLSConfig())
}

func (s *Server) serve(srv *fasthttp.Server, ln net.Listener) error {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	err := srv.Serve(ln)
	s.mu.Lock()
	stopped := s.stopped
	s.mu.Unlock()
	if stopped {
		return nil // the listener was closed by Shutdown
	}
	return err
}

// Shutdown stops accepting connections and waits for requests in flight to
// finish until ctx is done; then it cuts off the model calls still running,
// whose requests the template writer answers (JSON or stream), and waits
// a moment (at most a second) for those answers to be written.
// Shutdown before Serve makes Serve return at once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopped = true
	for _, ln := range s.listeners {
		// fasthttp closes the listeners it has started on; this closes one
		// whose Serve has not got that far, which ends its accept loop.
		ln.Close()
	}
	s.mu.Unlock()
	errc := make(chan error, 2)
	for _, srv := range []*fasthttp.Server{s.public, s.admin} {
		go func() {
			err := srv.ShutdownWithContext(ctx)
			if errors.Is(err, net.ErrClosed) {
				err = nil // closed above already
			}
			errc <- err
		}()
	}
	err := errors.Join(<-errc, <-errc)
	// The grace period is over: what still runs is cut off, and answered
	// by the template writer (answer.ErrStopping), not lost. Its answers
	// need a moment to be written.
	s.cancelBase(answer.ErrStopping)
	for i := 0; i < 200 && len(s.inFlight) > 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	return err
}

// tooLarge is the problem of a body over its limit (bodyLimit): a job
// too large for a caller without a valid key is that caller's 401.
func (s *Server) tooLarge(h *fasthttp.RequestHeader) *apiError {
	if job, err := s.postsJob(h); job && err != nil {
		e, _ := asAPIError(err)
		return e
	}
	return newError(fasthttp.StatusRequestEntityTooLarge, bio.ProblemPayloadTooLarge, "the body is larger than %d bytes", s.bodyLimit(h).MaxRequestBodySize)
}

// handleReadError answers requests that fasthttp could not read.
func (s *Server) handleReadError(ctx *fasthttp.RequestCtx, err error) {
	id := newRequestID()
	ctx.Response.Header.Set("X-Request-Id", id)
	var e *apiError
	var netErr net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		e = s.tooLarge(&ctx.Request.Header)
	case errors.As(err, new(*fasthttp.ErrSmallBuffer)):
		e = newError(fasthttp.StatusRequestHeaderFieldsTooLarge, bio.ProblemHeadersTooLarge, "the request line and headers are larger than %d bytes", s.cfg.MaxHeaderBytes)
	case errors.As(err, &netErr) && netErr.Timeout():
		e = newError(fasthttp.StatusRequestTimeout, bio.ProblemRequestTimeout, "the request was not received in time")
	default:
		e = newError(fasthttp.StatusBadRequest, bio.ProblemBadRequest, "the request is not valid HTTP")
	}
	writeProblem(ctx, id, e)
	s.log.Info("request rejected", "request_id", id, "status", e.status, "code", e.code)
}

type fasthttpLogger struct{ log *slog.Logger }

func (l fasthttpLogger) Printf(format string, args ...any) {
	l.log.Warn("fasthttp", "msg", fmt.Sprintf(format, args...))
}
