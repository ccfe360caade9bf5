// Package tracing records OpenTelemetry spans of a bio request and exports
// them over OTLP/HTTP; it reads an inbound W3C traceparent (and tracestate)
// and writes one on the calls to the models.
//
// It uses the OpenTelemetry API and SDK (spans, ids, sampling, the batch
// processor with its bounded queue that drops on overflow and flushes at
// shutdown) with an exporter of its own that speaks the JSON encoding of
// OTLP (POST {endpoint}/v1/traces). The upstream exporter, otlptracehttp,
// is not used for its size: it encodes protobuf through the OTLP proto
// packages, which bring gRPC and genproto. Measured on the stripped binary
// (go build -trimpath -ldflags='-s -w', Go 1.26, OTel v1.47.0):
//
//	biogen without tracing                     21,180,681 bytes
//	+ OTel API, SDK and otlptracehttp          24,920,329 bytes (+3.74 MB: too close to the 25 MB CI limit)
//	+ OTel API and SDK, exporter of our own    22,319,369 bytes (+1.14 MB)
//
// Off (no endpoint), New returns a nil *Tracer: nothing is parsed, no span
// is made, and the spans of the layers below cost a context lookup each.
// Spans carry no personal data: ids, names of routes and providers, kinds,
// outcomes and counts, never a profile's text, a person's name or a user id.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// scope is the instrumentation scope of biogen's spans.
const scope = "github.com/biogen/biogen"

// Config configures a Tracer. The configuration fills every field
// (internal/config holds the defaults); New rejects a value out of range.
type Config struct {
	// Endpoint is the OTLP/HTTP collector's base URL; spans are posted to
	// Endpoint + "/v1/traces". Empty turns tracing off.
	Endpoint string
	// SampleRatio is the share of new traces recorded, in [0, 1]; a trace
	// whose inbound traceparent says sampled or not keeps that decision.
	SampleRatio float64
	// ServiceName is the service.name of the spans' resource.
	ServiceName string
	// Timeout bounds one export. Positive.
	Timeout time.Duration
	// QueueSize is how many ended spans wait for export; more are dropped.
	// Positive.
	QueueSize int
	// BatchDelay is the longest an ended span waits before its batch is
	// sent. Positive.
	BatchDelay time.Duration
	// Client posts the spans. Nil means a client of its own.
	Client *http.Client
	// Log, if not nil, receives the SDK's errors (a failed export) instead
	// of the standard logger. It is process-wide: the last New sets it.
	Log *slog.Logger
}

// Tracer starts the spans of requests and exports them.
//
// A nil *Tracer is tracing off: its methods do nothing. The zero value of
// Tracer is not usable: call New. A Tracer is safe for concurrent use;
// Shutdown stops it, once, after the server has stopped.
type Tracer struct {
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
}

// New returns a Tracer exporting to cfg.Endpoint, or nil when the endpoint
// is empty, or an error naming the bad setting.
func New(cfg Config) (*Tracer, error) {
	if cfg.Endpoint == "" {
		return nil, nil
	}
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tracing: endpoint %q must be an http or https URL", cfg.Endpoint)
	}
	switch {
	case !(cfg.SampleRatio >= 0 && cfg.SampleRatio <= 1):
		return nil, fmt.Errorf("tracing: sample ratio %v must be between 0 and 1", cfg.SampleRatio)
	case cfg.ServiceName == "":
		return nil, errors.New("tracing: the service name is required")
	case cfg.Timeout <= 0 || cfg.BatchDelay <= 0 || cfg.QueueSize <= 0:
		return nil, errors.New("tracing: timeout, batch delay and queue size must be positive")
	}
	if cfg.Log != nil {
		log := cfg.Log
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) { log.Warn("tracing", "error", err.Error()) }))
	}
	client := cfg.Client
	if client == nil {
		client = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	exp := &exporter{url: strings.TrimSuffix(u.String(), "/") + "/v1/traces", client: client, timeout: cfg.Timeout}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", cfg.ServiceName))),
		sdktrace.WithBatcher(exp, sdktrace.WithMaxQueueSize(cfg.QueueSize),
			sdktrace.WithMaxExportBatchSize(min(512, cfg.QueueSize)),
			sdktrace.WithBatchTimeout(cfg.BatchDelay), sdktrace.WithExportTimeout(cfg.Timeout)),
	)
	return &Tracer{tp: tp, tracer: tp.Tracer(scope)}, nil
}

// Shutdown exports the spans still queued, within ctx, and stops the
// Tracer. A nil Tracer has nothing to do.
func (t *Tracer) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.tp.Shutdown(ctx)
}

// StartRequest starts the span of an inbound request, a child of the
// caller's span when traceparent is valid W3C trace context (tracestate is
// kept with it), else the root of a new trace; an invalid traceparent is
// ignored. A nil Tracer returns ctx and a Span that does nothing.
func (t *Tracer) StartRequest(ctx context.Context, name, traceparent, tracestate string) (context.Context, Span) {
	if t == nil {
		return ctx, Span{}
	}
	if traceparent != "" {
		ctx = propagation.TraceContext{}.Extract(ctx, carrier{traceparent: traceparent, tracestate: tracestate})
	}
	ctx, s := t.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindServer))
	return ctx, Span{s: s}
}

// Start starts a span named name, a child of the span in ctx. Without one
// (tracing off) it returns ctx and a Span that does nothing.
func Start(ctx context.Context, name string) (context.Context, Span) {
	return start(ctx, name, trace.SpanKindInternal)
}

// StartClient is Start for a span whose work is a call to another service:
// the calls made with its context carry its traceparent (see Transport).
func StartClient(ctx context.Context, name string) (context.Context, Span) {
	return start(ctx, name, trace.SpanKindClient)
}

func start(ctx context.Context, name string, kind trace.SpanKind) (context.Context, Span) {
	parent := trace.SpanFromContext(ctx)
	if !parent.SpanContext().IsValid() {
		return ctx, Span{}
	}
	ctx, s := parent.TracerProvider().Tracer(scope).Start(ctx, name, trace.WithSpanKind(kind))
	return ctx, Span{s: s}
}

// Span is a span being recorded, or nothing: the zero value, a usable Span
// that records nothing, is what tracing off gives. Its methods are safe
// for concurrent use; End ends it, once.
type Span struct {
	s trace.Span
}

// String sets an attribute. The value must not be personal data.
func (s Span) String(key, value string) {
	if s.s != nil {
		s.s.SetAttributes(attribute.String(key, value))
	}
}

// Int sets an attribute.
func (s Span) Int(key string, value int) {
	if s.s != nil {
		s.s.SetAttributes(attribute.Int(key, value))
	}
}

// Fail marks the span failed with a reason code (not a message that could
// quote a profile).
func (s Span) Fail(code string) {
	if s.s != nil {
		s.s.SetStatus(codes.Error, code)
	}
}

// End ends the span.
func (s Span) End() {
	if s.s != nil {
		s.s.End()
	}
}

// Recording reports whether the span is recorded (tracing on and the trace
// sampled): attributes that cost something to compute are skipped if not.
func (s Span) Recording() bool { return s.s != nil && s.s.IsRecording() }

// carrier holds the inbound trace context headers.
type carrier struct{ traceparent, tracestate string }

func (c carrier) Get(key string) string {
	switch key {
	case "traceparent":
		return c.traceparent
	case "tracestate":
		return c.tracestate
	}
	return ""
}

func (c carrier) Set(string, string) {}
func (c carrier) Keys() []string     { return []string{"traceparent", "tracestate"} }

// Transport returns a RoundTripper that adds the traceparent (and
// tracestate) of the span in each request's context to the request, then
// sends it with base. A request whose context has no span goes as it is.
func Transport(base http.RoundTripper) http.RoundTripper {
	return transport{base: base}
}

type transport struct{ base http.RoundTripper }

func (t transport) RoundTrip(r *http.Request) (*http.Response, error) {
	if !trace.SpanContextFromContext(r.Context()).IsValid() {
		return t.base.RoundTrip(r)
	}
	r = r.Clone(r.Context()) // a RoundTripper must not change the caller's request
	propagation.TraceContext{}.Inject(r.Context(), propagation.HeaderCarrier(r.Header))
	return t.base.RoundTrip(r)
}
