package httpapi

import (
	"bufio"
	"context"
	"encoding/json"
	"runtime/debug"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/idempotency"
)

// pingEvery is how often a stream that is waiting for a model sends an SSE
// comment, which is also how a client that went away is noticed: the write
// after its connection closed fails, and the generation is cancelled.
const pingEvery = 500 * time.Millisecond

// stream answers a bio request as server-sent events: a delta per piece of
// text as the provider writes it, reset when a provider failed after text
// was sent, then done with the whole response object. The cache was read
// by Answer, so the headers can say whether it answered; the provider
// phase is reported in the done event's object, as headers are gone by
// then.
//
// fasthttp runs the stream writer after the handler returns, so everything
// it needs is copied out of the RequestCtx first. A write or flush error is
// the only sign of a client that went away; it ends this stream's wait (the
// generation stops when no other request shares it: see answer's
// coalescing). The in-flight slot taken for the request is released when
// the stream ends.
func (s *Server) stream(x *exchange, reply answer.Reply) {
	ctx := x.ctx
	ctx.SetStatusCode(fasthttp.StatusOK)
	setStreamHeaders(ctx)
	id, method := x.id, string(ctx.Method())
	if reply.Response != nil {
		setBioHeaders(ctx, reply.Response)
	} else {
		ctx.Response.Header.Set("X-Cache", "MISS")
		ctx.Response.Header.Set("Server-Timing", `cache;dur=`+millis(reply.Lookup)+`;desc="miss"`)
	}
	x.ctx = nil // not to be touched from the stream writer

	claim := x.takeClaim() // the writer stores the done event, or releases the key
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		defer s.release()
		sctx, cancel := x.detach()
		defer cancel()
		sink := &sseSink{w: w, cancel: cancel}
		var done *bio.Response // set once the done event reached the client
		var doneJSON []byte
		defer func() {
			if claim == nil {
				return
			}
			if done == nil {
				claim.Release() // an error, a panic or a cut stream
				return
			}
			s.keep(x, claim, x.user, idempotency.Response{Status: fasthttp.StatusOK,
				Header: [][2]string{{"Content-Type", "application/json"}, {"X-Cache", xCache(done)}}, Body: doneJSON})
		}()
		status := fasthttp.StatusOK
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("stream panic", "request_id", id, "panic", r, "stack", string(debug.Stack()))
				e := newError(fasthttp.StatusInternalServerError, bio.ProblemInternal, "the request could not be completed; quote the request id when reporting it")
				sink.event("error", problemOf(id, e))
				status = e.status
			}
			s.observe(x, status, method)
		}()
		stopPing := sink.ping(sctx)
		resp, err := reply.Stream(sctx, sink)
		stopPing()
		if sink.gone() {
			status = 499 // client closed the connection
			return
		}
		if err != nil {
			e, internal := asAPIError(err)
			if internal {
				s.log.Error("stream failed", "request_id", id, "error", err.Error())
			}
			sink.event("error", problemOf(id, e))
			status = e.status
			return
		}
		if resp.Cache == bio.CacheMiss {
			s.observeOverhead(resp)
		}
		x.answered = resp
		b := marshalEvent(resp)
		sink.raw("done", b)
		if !sink.gone() {
			done, doneJSON = resp, b
		}
	})
}

// setStreamHeaders sets the headers of a server-sent event stream.
func setStreamHeaders(ctx *fasthttp.RequestCtx) {
	ctx.SetContentType("text/event-stream; charset=utf-8")
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	ctx.Response.Header.Set("X-Accel-Buffering", "no")
}

// appendEvent appends the event name with data to dst.
func appendEvent(dst []byte, name string, data []byte) []byte {
	dst = append(dst, "event: "...)
	dst = append(dst, name...)
	dst = append(dst, "\ndata: "...)
	dst = append(dst, data...)
	return append(dst, "\n\n"...)
}

func marshalEvent(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("httpapi: cannot encode event: " + err.Error())
	}
	return b
}

// sseSink writes a chain's deltas and resets as events. Writes come from the
// generation and from the pinger, so they are serialised.
type sseSink struct {
	mu     sync.Mutex
	w      *bufio.Writer
	cancel context.CancelFunc
	broken bool
}

func (k *sseSink) Delta(text string) {
	k.event("delta", bio.Delta{Text: text})
}

func (k *sseSink) Reset(reason string) {
	k.event("reset", bio.Reset{Reason: reason})
}

func (k *sseSink) gone() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.broken
}

// event writes one event and flushes it; a failure means the client went
// away, and ends this stream's wait: the upstream stops too unless another
// request shares the generation.
func (k *sseSink) event(name string, v any) {
	k.raw(name, marshalEvent(v))
}

// raw writes one event of JSON data and flushes it, as event does.
func (k *sseSink) raw(name string, data []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.broken {
		return
	}
	k.w.Write(appendEvent(nil, name, data))
	k.flushLocked()
}

func (k *sseSink) flushLocked() {
	if err := k.w.Flush(); err != nil {
		k.broken = true
		k.cancel()
	}
}

// ping sends a comment line every pingEvery until the returned func is
// called.
func (k *sseSink) ping(ctx context.Context) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(pingEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				k.mu.Lock()
				if !k.broken {
					k.w.WriteString(": ping\n\n")
					k.flushLocked()
				}
				k.mu.Unlock()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
