package httpapi

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/pprofhandler"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/idempotency"
	"github.com/biogen/biogen/internal/ratelimit"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/tracing"
)

// Routes, as metrics label them.
const (
	routeBios     = "/v1/bios"
	routeFeedback = "/v1/bios/{id}/feedback"
	routeHealthz  = "/healthz"
	routeReadyz   = "/readyz"
	routeMetrics  = "/metrics"
	routeUsers    = "/v1/users/{user_id}"
	routeJobs     = "/v1/jobs"
	routeJob      = "/v1/jobs/{id}"
	routeOther    = "other"
)

// routeJobDeliveries is the delivery log of a job's callback.
const routeJobDeliveries = "/v1/jobs/{id}/deliveries"

// exchange is one request on its way through the handler.
type exchange struct {
	ctx    *fasthttp.RequestCtx
	id     string
	route  string
	caller *tenant.Caller
	start  time.Time
	// streaming is set when the response is written later by a stream
	// writer, which then logs and counts the request itself.
	streaming bool
	// admitted is set when the request holds an in-flight slot.
	admitted bool
	// tenantLimit is the tenant bucket's decision for this request.
	tenantLimit ratelimit.Decision
	// user is the request's user, once Answer has admitted it.
	user string
	// answered is the bio the request was answered with, for the access
	// log; nil for any other answer.
	answered *bio.Response
	// language is the label of the language a bio request asks for
	// (bio.BodyLanguage), once its body is read; "" for other requests.
	language string
	// claim is the request's Idempotency-Key while the handler holds it;
	// a stream's writer takes it over.
	claim *idempotency.Claim
	s     *Server
	// traced is set when tracing is on (a pointer, so that tracing off
	// leaves the exchange's size as it was).
	traced *traced
}

// traced is a traced request: the context of its work, which carries its
// span, and the span.
type traced struct {
	ctx  context.Context
	span tracing.Span
}

// work returns the context of x's work: the server's base, with the
// request's span when tracing is on.
func (x *exchange) work() context.Context {
	if x.traced != nil {
		return x.traced.ctx
	}
	return x.s.base
}

// Admit takes an in-flight slot for the request, or returns the overloaded
// problem: the load shedding Answer asks for once the request is valid.
func (x *exchange) Admit(user string) error {
	x.user = user
	if err := x.s.limitUser(x, user); err != nil {
		return err
	}
	if !x.s.admit() {
		if u := x.s.users[x.caller.Tenant.ID]; u != nil {
			u.Refund(user) // a request refused for load costs the user nothing
		}
		return overloaded()
	}
	x.admitted = true
	return nil
}

// limitUser takes a token of the user's bucket, if the tenant has per-user
// limits, and sets the RateLimit headers to both policies and the one of
// them closest to empty; an empty user bucket is the 429.
func (s *Server) limitUser(x *exchange, user string) error {
	t := x.caller.Tenant
	u := s.users[t.ID]
	if u == nil {
		return nil
	}
	ud := u.Allow(user, s.now())
	h := &x.ctx.Response.Header
	h.Set("RateLimit-Policy", s.limiters[t.ID].Policy()+", "+u.Policy())
	closest, name := ratelimit.Closer(x.tenantLimit, ud, s.limiters[t.ID].Burst(), t.RateLimit.PerUser.Burst)
	h.Set("RateLimit", closest.HeaderOf(name))
	if !ud.Allowed {
		return newError(fasthttp.StatusTooManyRequests, bio.ProblemRateLimited, "this user is over the per-user rate limit of tenant %q", t.ID).
			with("Retry-After", strconv.Itoa(max(1, ratelimit.CeilSeconds(ud.RetryAfter))))
	}
	return nil
}

// handle serves the public listener. Every request needs a valid key unless
// the server is keyless (loopback only).
func (s *Server) handle(ctx *fasthttp.RequestCtx) {
	x := &exchange{ctx: ctx, id: requestID(ctx), start: s.now(), route: routeOf(ctx.Path()), s: s}
	defer s.finish(x)
	ctx.Response.Header.Set("X-Request-Id", x.id)

	caller, err := s.authenticate(ctx)
	if err != nil {
		s.fail(x, err)
		return
	}
	x.caller = caller
	if x.route != routeJobs && len(ctx.PostBody()) > s.cfg.MaxBodyBytes {
		// The server reads bodies up to the jobs' limit; every other route
		// keeps server.max_body_bytes.
		s.fail(x, newError(fasthttp.StatusRequestEntityTooLarge, bio.ProblemPayloadTooLarge, "the body is larger than %d bytes", s.cfg.MaxBodyBytes))
		return
	}
	switch x.route {
	case routeBios:
		if !allowMethod(x, fasthttp.MethodPost) {
			return
		}
		if !caller.Allowed(tenant.ScopeBios) {
			s.fail(x, newError(fasthttp.StatusForbidden, bio.ProblemForbidden, "this API key may not create bios"))
			return
		}
		s.handleBios(x)
	case routeFeedback:
		s.handleFeedback(x)
	case routeJobs, routeJob, routeJobDeliveries:
		s.routeJobs(x)
	case routeUsers:
		if !allowMethod(x, fasthttp.MethodDelete) {
			return
		}
		if !caller.Allowed(tenant.ScopeErase) { // admin holds every scope
			s.fail(x, newError(fasthttp.StatusForbidden, bio.ProblemForbidden, "this API key may not erase users: it needs the scope erase or admin"))
			return
		}
		s.handleErase(x)
	case routeMetrics:
		if !caller.Allowed(tenant.ScopeMetrics) && string(ctx.Method()) == fasthttp.MethodGet {
			s.fail(x, newError(fasthttp.StatusForbidden, bio.ProblemForbidden, "this API key may not read metrics"))
			return
		}
		s.handleOps(x)
	default:
		s.handleOps(x)
	}
}

// routeJobs serves the job routes to a key with the scope bios; without a
// job manager they are 404.
func (s *Server) routeJobs(x *exchange) {
	if s.cfg.Jobs == nil {
		s.fail(x, newError(fasthttp.StatusNotFound, bio.ProblemNotFound, "no resource at this path"))
		return
	}
	methods := []string{fasthttp.MethodGet, fasthttp.MethodDelete}
	switch x.route {
	case routeJobs:
		methods = []string{fasthttp.MethodPost}
	case routeJobDeliveries:
		methods = []string{fasthttp.MethodGet}
	}
	if !allowMethod(x, methods...) {
		return
	}
	if !x.caller.Allowed(tenant.ScopeBios) {
		s.fail(x, newError(fasthttp.StatusForbidden, bio.ProblemForbidden, "this API key may not create or read jobs"))
		return
	}
	if x.route == routeJobs {
		s.handleJobs(x)
	} else {
		s.handleJob(x)
	}
}

// handleAdmin serves the admin listener: operations and Go profiles
// (/debug/pprof/), no keys.
func (s *Server) handleAdmin(ctx *fasthttp.RequestCtx) {
	if s.cfg.Pprof && bytes.HasPrefix(ctx.Path(), []byte("/debug/pprof/")) {
		pprofhandler.PprofHandler(ctx)
		return
	}
	x := &exchange{ctx: ctx, id: requestID(ctx), start: s.now(), route: routeOf(ctx.Path()), s: s}
	defer s.finish(x)
	ctx.Response.Header.Set("X-Request-Id", x.id)
	s.handleOps(x)
}

// handleOps serves the operational endpoints, and 404 for anything else.
func (s *Server) handleOps(x *exchange) {
	switch x.route {
	case routeHealthz:
		if allowMethod(x, fasthttp.MethodGet, fasthttp.MethodHead) {
			writeJSON(x.ctx, fasthttp.StatusOK, map[string]string{"status": "ok"})
		}
	case routeReadyz:
		if allowMethod(x, fasthttp.MethodGet, fasthttp.MethodHead) {
			s.handleReadyz(x)
		}
	case routeMetrics:
		if allowMethod(x, fasthttp.MethodGet) {
			s.handleMetrics(x)
		}
	default:
		s.fail(x, newError(fasthttp.StatusNotFound, bio.ProblemNotFound, "no resource at this path"))
	}
}

// finish recovers a panic, releases the in-flight slot of a request that
// took one and is not streaming, then counts and logs the request.
func (s *Server) finish(x *exchange) {
	if r := recover(); r != nil {
		s.log.Error("handler panic", "request_id", x.id, "route", x.route, "panic", r, "stack", string(debug.Stack()))
		x.ctx.Response.Header.Del("X-Cache")
		x.ctx.Response.Header.Del("Server-Timing")
		x.streaming = false
		writeProblem(x.ctx, x.id, newError(fasthttp.StatusInternalServerError, bio.ProblemInternal, "the request could not be completed; quote the request id when reporting it"))
	}
	if x.streaming {
		return // the stream writer releases the slot and logs
	}
	if x.admitted {
		s.release() // whatever happened after admission, a panic included
	}
	s.observe(x, x.ctx.Response.StatusCode(), string(x.ctx.Method()))
}

func (s *Server) observe(x *exchange, status int, method string) {
	if x.traced != nil {
		sp := x.traced.span
		sp.Int("http.response.status_code", status)
		if status >= 500 {
			sp.Fail(strconv.Itoa(status))
		}
		sp.End()
	}
	d := s.now().Sub(x.start)
	telemetry.ObserveRequest(x.route, status, d)
	if !s.log.Enabled(context.Background(), slog.LevelInfo) {
		return // no access log: spare building it
	}
	attrs := []any{"request_id", x.id, "method", method, "route", x.route, "status", status, "duration_ms", millisOf(d)}
	if x.caller != nil {
		attrs = append(attrs, "tenant", x.caller.Tenant.ID)
		if x.caller.KeyName != "" {
			attrs = append(attrs, "key", x.caller.KeyName)
		}
	}
	if r := x.answered; r != nil {
		attrs = append(attrs, bioAttrs(r)...)
	}
	if x.language != "" {
		attrs = append(attrs, "language", x.language) // a label, never the tag as sent
	}
	s.log.Info("request", attrs...)
}

// bioAttrs are the access log's fields of a bio answered: what an
// operator needs to see where it came from and what it cost, and nothing
// of the person (no text, no id the client chose).
func bioAttrs(r *bio.Response) []any {
	return []any{"bio_id", r.ID, "source", string(r.Source), "provider", r.Provider, "model", r.Model,
		"prompt_version", r.PromptVersion, "cache", string(r.Cache), "degraded", r.Degraded,
		"fallback_reasons", strings.Join(r.FallbackReasons, ","), "flags", strings.Join(r.Flags, ","),
		"input_tokens", r.Usage.InputTokens, "output_tokens", r.Usage.OutputTokens, "cost_usd", r.Usage.CostUSD,
		"cache_ms", millisOf(r.Timing.Cache), "provider_ms", millisOf(r.Timing.Provider),
		"experiment", experimentOf(r).ID, "arm", experimentOf(r).Arm}
}

// experimentOf is r's experiment, zero when it was answered in none.
func experimentOf(r *bio.Response) bio.Experiment {
	if r.Experiment == nil {
		return bio.Experiment{}
	}
	return *r.Experiment
}

// millisOf is d in milliseconds, to the microsecond.
func millisOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fail answers with the problem for err; causes of internal errors go to the
// log only.
func (s *Server) fail(x *exchange, err error) {
	e, internal := asAPIError(err)
	if internal {
		s.log.Error("request failed", "request_id", x.id, "route", x.route, "error", err.Error())
	}
	writeProblem(x.ctx, x.id, e)
}

func (s *Server) authenticate(ctx *fasthttp.RequestCtx) (*tenant.Caller, error) {
	return s.authenticateHeader(&ctx.Request.Header)
}

// authenticateHeader is authenticate on a request's header alone.
func (s *Server) authenticateHeader(h *fasthttp.RequestHeader) (*tenant.Caller, error) {
	if len(h.PeekAll("Authorization"))+len(h.PeekAll("X-API-Key")) > 1 {
		// Two keys: which one a proxy or this server reads is a guess.
		return nil, newError(fasthttp.StatusBadRequest, bio.ProblemBadRequest, "send one API key: one Authorization or one X-API-Key header")
	}
	key, present := apiKey(h)
	if !present && !s.cfg.Keyless {
		return nil, unauthorized("an API key is required: send Authorization: Bearer <key> or X-API-Key")
	}
	caller, ok := s.tenants.Authenticate(key)
	if !ok {
		return nil, unauthorized("the API key is not valid")
	}
	return caller, nil
}

func unauthorized(detail string) *apiError {
	return newError(fasthttp.StatusUnauthorized, bio.ProblemUnauthorized, "%s", detail).with("WWW-Authenticate", `Bearer realm="biogen"`)
}

// apiKey reads "Authorization: Bearer KEY" or "X-API-Key: KEY". present is
// true when either header was sent, even malformed.
func apiKey(h *fasthttp.RequestHeader) (key string, present bool) {
	if auth := h.Peek("Authorization"); len(auth) > 0 {
		scheme, cred, ok := bytes.Cut(bytes.TrimSpace(auth), []byte(" "))
		if !ok || !bytes.EqualFold(scheme, []byte("Bearer")) {
			return "", true
		}
		k := string(bytes.TrimSpace(cred))
		if k == "" {
			return "\x00", true // never a valid key
		}
		return k, true
	}
	if k := h.Peek("X-API-Key"); len(k) > 0 {
		return string(bytes.TrimSpace(k)), true
	}
	return "", false
}

func allowMethod(x *exchange, methods ...string) bool {
	m := x.ctx.Method()
	if slices.Contains(methods, string(m)) {
		return true
	}
	writeProblem(x.ctx, x.id, newError(fasthttp.StatusMethodNotAllowed, bio.ProblemMethodNotAllowed, "%s is not allowed here; use %s", m, strings.Join(methods, " or ")).
		with("Allow", strings.Join(methods, ", ")))
	return false
}

// routes are the routes of the public listener. A path reaches a handler
// only through routeOf, which knows no route but these: a route missing
// here is never served, and Routes shows every route served.
var routes = []string{routeBios, routeFeedback, routeUsers, routeJobs, routeJobDeliveries, routeJob, routeHealthz, routeReadyz, routeMetrics}

// Routes returns the routes of the public listener, as metrics label them;
// "{name}" stands for one path segment or more. Every other path is 404.
// The admin listener serves the operational ones among them.
func Routes() []string { return slices.Clone(routes) }

// routeOf returns the route of path, or routeOther, taking the first of
// routes that matches. A route whose last segment is a parameter
// ("/v1/users/{user_id}") takes every path under its prefix; its handler
// validates the rest. A parameter followed by more
// ("/v1/bios/{id}/feedback", "/v1/jobs/{id}/deliveries") stands for one
// non-empty segment.
func routeOf(path []byte) string {
	for _, r := range routes {
		prefix, rest, param := strings.Cut(r, "{")
		switch {
		case !param:
			if string(path) == r {
				return r
			}
		case len(path) < len(prefix) || string(path[:len(prefix)]) != prefix:
		case !strings.HasSuffix(rest, "}"):
			_, suffix, _ := strings.Cut(rest, "}")
			seg, ok := bytes.CutSuffix(path[len(prefix):], []byte(suffix))
			if ok && len(seg) > 0 && bytes.IndexByte(seg, '/') < 0 {
				return r
			}
		default:
			return r
		}
	}
	return routeOther
}

const usersPrefix = "/v1/users/"

func (s *Server) handleBios(x *exchange) {
	ctx := x.ctx
	t := x.caller.Tenant
	if s.cfg.Tracer != nil {
		h := &ctx.Request.Header
		ctx, span := s.cfg.Tracer.StartRequest(s.base, "POST "+routeBios, string(h.Peek("traceparent")), string(h.Peek("tracestate")))
		span.String("http.route", routeBios)
		span.String("tenant.id", t.ID)
		x.traced = &traced{ctx: ctx, span: span}
	}
	if !s.admitPost(x) {
		return
	}
	x.language = bio.BodyLanguage(ctx.PostBody())
	telemetry.BioRequest(x.language)
	minSim, err := minSimilarity(ctx)
	if err != nil {
		s.fail(x, err)
		return
	}
	if !s.claimKey(x) {
		return // a replay, or the problem of the Idempotency-Key
	}
	defer s.releaseKey(x) // unless answered, or handed to the stream
	reply, err := s.answers.Answer(x.work(), answer.Call{
		Tenant: t, RequestID: x.id, Body: ctx.PostBody(), MinSimilarity: minSim, Stream: acceptsEventStream(ctx), Admit: x,
	})
	if err != nil {
		s.fail(x, err) // finish releases a slot taken
		return
	}
	if reply.Streamed() {
		x.streaming = true
		s.stream(x, reply) // the stream writer releases the slot when the stream ends
		return
	}
	s.answer(x, reply.Response) // finish releases the slot
	x.answered = reply.Response
	s.completeKey(x, x.user)
}

// admitPost takes a POST of the caller's tenant through its rate limit
// (setting the RateLimit headers) and checks that its body is JSON; it
// answers the problem and returns false when either refuses.
func (s *Server) admitPost(x *exchange) bool {
	ctx, t := x.ctx, x.caller.Tenant
	lim := s.limiters[t.ID]
	d := lim.Allow(s.now())
	x.tenantLimit = d
	ctx.Response.Header.Set("RateLimit-Policy", lim.Policy())
	ctx.Response.Header.Set("RateLimit", d.Header())
	if !d.Allowed {
		s.fail(x, newError(fasthttp.StatusTooManyRequests, bio.ProblemRateLimited, "tenant %q is over its rate limit", t.ID).
			with("Retry-After", strconv.Itoa(max(1, ratelimit.CeilSeconds(d.RetryAfter)))))
		return false
	}
	if !isJSON(ctx.Request.Header.ContentType()) {
		s.fail(x, newError(fasthttp.StatusUnsupportedMediaType, bio.ProblemUnsupportedMedia, "send the body as application/json").
			with("Accept-Post", "application/json"))
		return false
	}
	return true
}

// admit takes an in-flight slot, or returns false when all are taken. The
// caller must release a slot it took.
func (s *Server) admit() bool {
	select {
	case s.inFlight <- struct{}{}:
		telemetry.RequestStarted()
		return true
	default:
		telemetry.Shed()
		return false
	}
}

func overloaded() *apiError {
	return newError(fasthttp.StatusServiceUnavailable, bio.ProblemOverloaded, "too many requests in flight; retry shortly").with("Retry-After", "1")
}

// answer writes a bio response.
func (s *Server) answer(x *exchange, resp *bio.Response) {
	s.observeOverhead(resp)
	setBioHeaders(x.ctx, resp)
	writeJSON(x.ctx, fasthttp.StatusOK, resp)
}

// minSimilarity reads X-Cache-Min-Similarity: a request may make the
// semantic cache stricter than its tenant's setting, never looser.
func minSimilarity(ctx *fasthttp.RequestCtx) (float64, error) {
	v := ctx.Request.Header.Peek("X-Cache-Min-Similarity")
	if len(v) == 0 {
		return 0, nil
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil || !(f > 0 && f <= 1) { // NaN fails both
		return 0, newError(fasthttp.StatusBadRequest, bio.ProblemBadRequest, "X-Cache-Min-Similarity must be a number in (0, 1]")
	}
	return f, nil
}

func (s *Server) release() {
	<-s.inFlight
	telemetry.RequestDone()
}

func (s *Server) observeOverhead(r *bio.Response) {
	telemetry.ObserveOverhead(r.Timing.Total - r.Timing.Provider)
}

func setBioHeaders(ctx *fasthttp.RequestCtx, r *bio.Response) {
	ctx.Response.Header.Set("X-Cache", xCache(r))
	ctx.Response.Header.Set("Server-Timing", serverTiming(r))
}

func millis(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 3, 64)
}

// serverTiming writes the phases of a request, in milliseconds.
func serverTiming(r *bio.Response) string {
	ms := millis
	overhead := r.Timing.Total - r.Timing.Provider - r.Timing.Cache
	return `cache;dur=` + ms(r.Timing.Cache) + `;desc="` + string(r.Cache) + `", provider;dur=` + ms(r.Timing.Provider) +
		`;desc="` + r.Provider + `", overhead;dur=` + ms(overhead) + `, total;dur=` + ms(r.Timing.Total)
}

// handleReadyz reports the providers: on the admin listener every
// tenant's, on the public one only the caller's chain, so that a tenant's
// key learns nothing of another tenant's providers.
func (s *Server) handleReadyz(x *exchange) {
	tenants := s.tenants.Tenants()
	if x.caller != nil {
		tenants = []*tenant.Tenant{x.caller.Tenant}
	}
	r := s.answers.Ready(x.ctx, tenants)
	writeJSON(x.ctx, fasthttp.StatusOK, struct {
		Status string `json:"status"`
		answer.Readiness
	}{"ready", r})
}

// handleMetrics writes the metrics: on the admin listener all of them; on
// the public one only the series of the caller's tenant and chain and the
// process-wide ones, never a series that names another tenant or a
// provider outside the caller's chain.
func (s *Server) handleMetrics(x *exchange) {
	x.ctx.SetContentType("text/plain; version=0.0.4; charset=utf-8")
	if x.caller == nil {
		telemetry.WritePrometheus(x.ctx)
		return
	}
	var b bytes.Buffer
	telemetry.WritePrometheus(&b)
	writeOwnSeries(x.ctx, b.Bytes(), x.caller.Tenant)
}

// writeOwnSeries copies to w the lines of the exposition in b that name no
// tenant but t, no provider outside t's chains (its own and its experiment
// arms') and no experiment but t's.
func writeOwnSeries(w io.Writer, b []byte, t *tenant.Tenant) {
	own := `tenant="` + t.ID + `"`
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i+1], b[i+1:]
		} else {
			b = nil
		}
		if i := bytes.Index(line, []byte(`tenant="`)); i >= 0 && !bytes.HasPrefix(line[i:], []byte(own)) {
			continue
		}
		if name, ok := labelValue(line, "provider"); ok && !t.Uses(name) {
			continue
		}
		if id, ok := labelValue(line, "experiment"); ok && id != "" && (t.Experiment == nil || id != t.Experiment.ID) {
			continue
		}
		w.Write(line)
	}
}

// labelValue returns the value of the label name in a series line.
func labelValue(line []byte, name string) (string, bool) {
	i := bytes.Index(line, []byte(name+`="`))
	if i < 0 || i > 0 && line[i-1] != '{' && line[i-1] != ',' {
		return "", false
	}
	v := line[i+len(name)+2:]
	j := bytes.IndexByte(v, '"')
	if j < 0 {
		return "", false
	}
	return string(v[:j]), true
}

func writeJSON(ctx *fasthttp.RequestCtx, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("httpapi: cannot encode response: " + err.Error())
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType("application/json")
	ctx.SetBody(b)
}

// isJSON accepts application/json and any application/*+json, with
// parameters such as charset.
func isJSON(ct []byte) bool {
	mt, _, _ := bytes.Cut(ct, []byte(";"))
	mt = bytes.ToLower(bytes.TrimSpace(mt))
	return bytes.Equal(mt, []byte("application/json")) ||
		(bytes.HasPrefix(mt, []byte("application/")) && bytes.HasSuffix(mt, []byte("+json")))
}

// acceptsEventStream reports whether the Accept header names
// text/event-stream, in any case (media types are case-insensitive).
func acceptsEventStream(ctx *fasthttp.RequestCtx) bool {
	a := ctx.Request.Header.Peek("Accept")
	const want = "text/event-stream"
	for i := 0; i+len(want) <= len(a); i++ {
		if bytes.EqualFold(a[i:i+len(want)], []byte(want)) {
			return true
		}
	}
	return false
}

// requestID echoes a valid inbound X-Request-Id (1 to 64 characters of
// letters, digits, '-', '_' and '.'), else makes a new one.
func requestID(ctx *fasthttp.RequestCtx) string {
	in := ctx.Request.Header.Peek("X-Request-Id")
	if len(in) == 0 || len(in) > 64 {
		return newRequestID()
	}
	for _, c := range in {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return newRequestID()
		}
	}
	return string(in)
}

func newRequestID() string {
	var b [8]byte
	v := rand.Uint64()
	for i := range b {
		b[i] = byte(v >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}

// detach returns a context for x's work that outlives the handler: it
// ends when the server's grace period is over, not when the handler
// returns, and carries the request's span.
func (x *exchange) detach() (context.Context, context.CancelFunc) {
	return context.WithCancel(x.work())
}

// handleErase serves DELETE /v1/users/{user_id}: everything biogen holds
// about the user in the caller's tenant goes, and an audit line records the
// tenant, a keyed hash of the user id and the counts, never the id.
func (s *Server) handleErase(x *exchange) {
	user := strings.TrimPrefix(string(x.ctx.Path()), usersPrefix)
	if !bio.ValidUserID(user) {
		s.fail(x, newError(fasthttp.StatusBadRequest, bio.ProblemBadRequest,
			"the user id must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_', ':', '@' and '-'", bio.MaxUserID))
		return
	}
	t := x.caller.Tenant
	erased, err := s.answers.Erase(s.base, t, user)
	s.log.Info("user erased", "request_id", x.id, "tenant", t.ID, "user_hash", s.answers.AuditID(user),
		"cache", erased.Cache, "feedback", erased.Feedback, "idempotency", erased.Idempotency, "jobs", erased.Jobs,
		"bio_records", erased.BioRecords, "complete", err == nil)
	if err != nil {
		s.fail(x, err)
		return
	}
	writeJSON(x.ctx, fasthttp.StatusOK, struct {
		UserID    string        `json:"user_id"`
		Erased    answer.Erased `json:"erased"`
		RequestID string        `json:"request_id"`
	}{user, erased, x.id})
}
