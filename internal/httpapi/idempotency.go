package httpapi

import (
	"encoding/json"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/idempotency"
)

// The Idempotency-Key of POST /v1/bios and POST /v1/jobs (contract 1.1,
// IETF draft httpapi-idempotency-key-header). A request with a key the
// tenant used in the last 24 hours for the same route and body gets the
// stored answer again, byte for byte, with Idempotent-Replayed: true, and
// nothing runs: no model is called, no job is created. A bio asked for as
// a stream is replayed as one (the stored bio as one delta, then the
// stored object as done). Only a success is stored: a bio's 200 once
// written, a stream's done event once it reached the client, a job's 202.
// A failed, refused or cut request leaves the key free for the retry.
//
// The body is fingerprinted as sent: the same JSON with other whitespace
// is another body (422 idempotency_key_reused), as a retry sends the
// same bytes.

const (
	headerIdempotencyKey = "Idempotency-Key"
	headerReplayed       = "Idempotent-Replayed"
)

// claimKey reads the request's Idempotency-Key, if any, and either claims it
// for x (x.claim, which the handler completes or releases) and returns true,
// or answers the request itself (the replay, or the problem of a bad,
// reused or busy key) and returns false. Without a keeper the header is
// ignored.
func (s *Server) claimKey(x *exchange) bool {
	keys := x.ctx.Request.Header.PeekAll(headerIdempotencyKey)
	if s.cfg.Idempotency == nil || len(keys) == 0 {
		return true
	}
	if len(keys) > 1 || !idempotency.ValidKey(keys[0]) {
		s.fail(x, newError(fasthttp.StatusBadRequest, bio.ProblemBadRequest,
			"send one Idempotency-Key of 1 to %d printable ASCII characters", idempotency.MaxKey))
		return false
	}
	start := s.now()
	claim, stored, err := s.cfg.Idempotency.Begin(x.caller.Tenant.ID, string(keys[0]), idempotency.FingerprintOf(x.route, x.ctx.PostBody()))
	switch {
	case err != nil:
		s.fail(x, err)
	case stored != nil:
		s.replay(x, stored, start)
	default:
		x.claim = claim
		return true
	}
	return false
}

// takeClaim returns x's claim, if any, and leaves x without one: the
// caller now owns it.
func (x *exchange) takeClaim() *idempotency.Claim {
	c := x.claim
	x.claim = nil
	return c
}

// releaseKey gives up x's claim, if it still holds one: the request ended
// without an answer to store (an error, a refusal, a panic).
func (s *Server) releaseKey(x *exchange) {
	if c := x.takeClaim(); c != nil {
		c.Release()
	}
}

// replayedHeaders are the header fields an answer is stored with: those
// that describe the answer (its type, a bio's cache, a job's location),
// not the exchange (its id, timing or rate limits).
var replayedHeaders = []string{"Content-Type", "X-Cache", "Location"}

// completeKey stores the answer just written for x's claim, if any, as
// owner's (see Claim.Complete): its status, the replayedHeaders it has and
// its body.
func (s *Server) completeKey(x *exchange, owner string) {
	c := x.takeClaim()
	if c == nil {
		return
	}
	s.keep(x, c, owner, written(x.ctx))
}

// written is the answer written in ctx as it is kept: its status, the
// replayedHeaders it has and its body.
func written(ctx *fasthttp.RequestCtx) idempotency.Response {
	resp := &ctx.Response
	r := idempotency.Response{Status: resp.StatusCode(), Body: append([]byte(nil), resp.Body()...)}
	for _, name := range replayedHeaders {
		if v := resp.Header.Peek(name); len(v) > 0 {
			r.Header = append(r.Header, [2]string{name, string(v)})
		}
	}
	return r
}

// keep stores r as the answer of c, owner's; a failure is logged, and the
// answer stands.
func (s *Server) keep(x *exchange, c *idempotency.Claim, owner string, r idempotency.Response) {
	if err := c.Complete(owner, r); err != nil {
		s.log.Error("cannot keep an idempotent answer; a retry will get a new one", "request_id", x.id, "error", err.Error())
	}
}

// replay answers x with a stored answer, as a stream if x asks for one.
func (s *Server) replay(x *exchange, r *idempotency.Response, start time.Time) {
	ctx := x.ctx
	ctx.Response.Header.Set(headerReplayed, "true")
	for _, h := range r.Header {
		ctx.Response.Header.Set(h[0], h[1])
	}
	d := millis(s.now().Sub(start))
	timing := `idempotency;desc="replay";dur=` + d
	if x.route == routeBios { // a bio answer reports these phases
		timing += `, cache;dur=0.000, provider;dur=0.000`
	}
	ctx.Response.Header.Set("Server-Timing", timing+`, total;dur=`+d)
	ctx.SetStatusCode(r.Status)
	if r.Status != fasthttp.StatusOK || !s.wantsStream(ctx) {
		ctx.SetBody(r.Body)
		return
	}
	var resp struct {
		Bio string `json:"bio"`
	}
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		ctx.Response.Header.Del(headerReplayed)
		s.fail(x, err) // a stored answer that is no bio: a bug
		return
	}
	delta, _ := json.Marshal(bio.Delta{Text: resp.Bio})
	setStreamHeaders(ctx)
	ctx.SetBody(appendEvent(appendEvent(nil, "delta", delta), "done", r.Body))
}

// wantsStream reports whether the request asks for a stream, by its Accept
// header or its body's "stream": true. Only a replay decodes the body here:
// it was valid when it was answered.
func (s *Server) wantsStream(ctx *fasthttp.RequestCtx) bool {
	if acceptsEventStream(ctx) {
		return true
	}
	req, err := bio.Decode(ctx.PostBody())
	return err == nil && req.Stream
}

// xCache is the X-Cache header of resp.
func xCache(r *bio.Response) string {
	if r.Cache == bio.CacheMiss {
		return "MISS"
	}
	return "HIT"
}
