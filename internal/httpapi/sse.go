package httpapi

import (
	"bufio"
	"encoding/json"
	"runtime/debug"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/bio"
)

// stream answers a bio request as server-sent events: a delta per piece of
// text as the provider writes it, then done with the whole response object.
//
// fasthttp runs the stream writer after the handler returns, so everything
// it needs is copied out of the RequestCtx first. A write or flush error is
// the only sign of a client that went away; it cancels the generation.
func (s *Server) stream(x *exchange, req *bio.Request) {
	ctx := x.ctx
	ctx.SetStatusCode(fasthttp.StatusOK)
	ctx.SetContentType("text/event-stream; charset=utf-8")
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	ctx.Response.Header.Set("X-Accel-Buffering", "no")
	// The cache is consulted before the first byte; the provider phase is
	// reported in the done event's object, as headers are gone by then.
	ctx.Response.Header.Set("X-Cache", "MISS")
	ctx.Response.Header.Set("Server-Timing", `cache;dur=0.000;desc="miss"`)
	tenantID, id, method := x.caller.Tenant.ID, x.id, string(ctx.Method())
	x.ctx = nil // not to be touched from the stream writer

	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.release()
		status := fasthttp.StatusOK
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("stream panic", "request_id", id, "panic", r, "stack", string(debug.Stack()))
				e := newError(fasthttp.StatusInternalServerError, codeInternal, "the request could not be completed; quote the request id when reporting it")
				writeEvent(w, "error", problemOf(id, e))
				w.Flush()
				status = e.status
			}
			s.observe(x, status, method)
		}()
		sctx, cancel := s.detach()
		defer cancel()
		broken := false
		onDelta := func(text string) {
			if broken {
				return
			}
			writeEvent(w, "delta", struct {
				Text string `json:"text"`
			}{text})
			if err := w.Flush(); err != nil {
				broken = true
				cancel()
			}
		}
		resp, err := s.svc.Generate(sctx, tenantID, id, req, onDelta)
		if broken {
			status = 499 // client closed the connection
			return
		}
		if err != nil {
			e, internal := asAPIError(err)
			if internal {
				s.log.Error("stream failed", "request_id", id, "error", err.Error())
			}
			writeEvent(w, "error", problemOf(id, e))
			w.Flush()
			status = e.status
			return
		}
		s.observeOverhead(resp)
		writeEvent(w, "done", resp)
		w.Flush()
	})
}

func writeEvent(w *bufio.Writer, event string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("httpapi: cannot encode event: " + err.Error())
	}
	w.WriteString("event: ")
	w.WriteString(event)
	w.WriteString("\ndata: ")
	w.Write(b)
	w.WriteString("\n\n")
}
