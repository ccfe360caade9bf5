package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/tracing"
	"github.com/biogen/biogen/internal/tracing/tracingtest"
)

const (
	inTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	inParent = "00f067aa0ba902b7"
	inbound  = "00-" + inTrace + "-" + inParent + "-01"
)

func newTracer(t testing.TB, endpoint string, ratio float64) *tracing.Tracer {
	t.Helper()
	tr, err := tracing.New(tracing.Config{Endpoint: endpoint, SampleRatio: ratio, ServiceName: "biogen-test",
		Timeout: 5 * time.Second, QueueSize: 64, BatchDelay: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestOff(t *testing.T) {
	tr, err := tracing.New(tracing.Config{})
	if err != nil || tr != nil {
		t.Fatalf("New without endpoint = %v, %v; want nil, nil", tr, err)
	}
	ctx := context.Background()
	got, span := tr.StartRequest(ctx, "POST /v1/bios", inbound, "")
	if got != ctx || span.Recording() {
		t.Fatalf("a nil Tracer changed the context or records")
	}
	span.String("k", "v")
	span.End()
	if c, s := tracing.Start(ctx, "child"); c != ctx || s.Recording() {
		t.Fatalf("Start without a span changed the context or records")
	}
	if err := tr.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(100, func() {
		c, s := tr.StartRequest(ctx, "r", inbound, "")
		c, s2 := tracing.Start(c, "child")
		s2.Int("n", 1)
		s2.End()
		s.End()
	})
	if allocs != 0 {
		t.Fatalf("tracing off allocates %v times; want 0", allocs)
	}
}

func TestNewRejects(t *testing.T) {
	f := func(cfg tracing.Config, want string) {
		t.Helper()
		_, err := tracing.New(cfg)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("New(%+v) = %v; want an error with %q", cfg, err, want)
		}
	}
	ok := tracing.Config{Endpoint: "http://c:4318", SampleRatio: 1, ServiceName: "s", Timeout: time.Second, QueueSize: 1, BatchDelay: time.Second}
	bad := ok
	bad.Endpoint = "c:4318"
	f(bad, `"c:4318"`)
	bad = ok
	bad.SampleRatio = 1.5
	f(bad, "1.5")
	bad = ok
	bad.ServiceName = ""
	f(bad, "service name")
	bad = ok
	bad.QueueSize = 0
	f(bad, "positive")
}

// TestExport sends the spans of a request with an inbound traceparent to a
// fake collector: the trace id is kept, the request span's parent is the
// caller's span, a child's parent is the request span, attributes and
// status arrive, and Shutdown flushes the queue (the batch delay is an hour).
func TestExport(t *testing.T) {
	col := tracingtest.New(false)
	defer col.Close()
	tr := newTracer(t, col.URL+"/", 1)
	ctx, req := tr.StartRequest(context.Background(), "POST /v1/bios", inbound, "vendor=opaque")
	req.String("http.route", "/v1/bios")
	_, child := tracing.Start(ctx, "cache.lookup")
	child.Int("n", 3)
	child.Fail("timeout")
	child.End()
	req.End()
	if n := len(col.Spans()); n != 0 {
		t.Fatalf("%d spans exported before shutdown; want them queued", n)
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := col.Spans()
	if len(spans) != 2 || col.Rejected() != 0 {
		t.Fatalf("got %d spans (%d posts rejected); want 2", len(spans), col.Rejected())
	}
	c, r := spans[0], spans[1]
	if r.Name != "POST /v1/bios" || c.Name != "cache.lookup" {
		t.Fatalf("names %q, %q", r.Name, c.Name)
	}
	if r.TraceID != inTrace || c.TraceID != inTrace {
		t.Fatalf("trace ids %s, %s; want %s", r.TraceID, c.TraceID, inTrace)
	}
	if r.ParentSpanID != inParent || c.ParentSpanID != r.SpanID || r.TraceState != "vendor=opaque" {
		t.Fatalf("request parent %s state %q, child parent %s; want %s, the state, %s", r.ParentSpanID, r.TraceState, c.ParentSpanID, inParent, r.SpanID)
	}
	if r.Kind != 2 || c.Kind != 1 || r.Attributes["http.route"] != "/v1/bios" || c.Attributes["n"] != "3" {
		t.Fatalf("kinds %d, %d; attributes %v, %v", r.Kind, c.Kind, r.Attributes, c.Attributes)
	}
	if c.StatusCode != 2 || c.StatusMessage != "timeout" || r.StatusCode != 0 {
		t.Fatalf("statuses %d %q, %d", c.StatusCode, c.StatusMessage, r.StatusCode)
	}
	if r.Resource["service.name"] != "biogen-test" || r.StartTimeUnixNano == "" || r.EndTimeUnixNano < r.StartTimeUnixNano {
		t.Fatalf("resource %v, times %s to %s", r.Resource, r.StartTimeUnixNano, r.EndTimeUnixNano)
	}
}

// TestInboundTraceparent: a valid traceparent is continued; an invalid one
// starts a new trace, never an error.
func TestInboundTraceparent(t *testing.T) {
	col := tracingtest.New(false)
	defer col.Close()
	tr := newTracer(t, col.URL, 1)
	f := func(tp string, keep bool) {
		t.Helper()
		_, s := tr.StartRequest(context.Background(), "r", tp, "")
		s.End()
	}
	in := []struct {
		tp   string
		keep bool
	}{
		{inbound, true},
		{"00-" + inTrace + "-" + inParent + "-00", true}, // not sampled by the caller: not recorded
		{"00-00000000000000000000000000000000-" + inParent + "-01", false},
		{"00-" + inTrace + "-0000000000000000-01", false},
		{"ff-" + inTrace + "-" + inParent + "-01", false},
		{"00-" + strings.ToUpper(inTrace) + "-" + inParent + "-01", false},
		{"00-" + inTrace + "-" + inParent, false},
		{"garbage", false},
		{"", false},
	}
	for _, c := range in {
		f(c.tp, c.keep)
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := col.Spans()
	if len(spans) != len(in)-1 { // the unsampled one is not exported
		t.Fatalf("got %d spans; want %d", len(spans), len(in)-1)
	}
	if spans[0].TraceID != inTrace || spans[0].ParentSpanID != inParent {
		t.Fatalf("valid traceparent: trace %s parent %s", spans[0].TraceID, spans[0].ParentSpanID)
	}
	for _, s := range spans[1:] {
		if s.TraceID == inTrace || s.ParentSpanID != "" || len(s.TraceID) != 32 {
			t.Fatalf("invalid traceparent continued: trace %s parent %q", s.TraceID, s.ParentSpanID)
		}
	}
}

func TestTransport(t *testing.T) {
	var got []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("traceparent"))
	}))
	defer up.Close()
	client := &http.Client{Transport: tracing.Transport(http.DefaultTransport)}
	col := tracingtest.New(true)
	defer col.Close()
	tr := newTracer(t, col.URL, 1)
	defer tr.Shutdown(context.Background())
	ctx, s := tr.StartRequest(context.Background(), "r", inbound, "")
	actx, attempt := tracing.StartClient(ctx, "provider.attempt")
	for _, c := range []context.Context{context.Background(), actx} {
		req, _ := http.NewRequestWithContext(c, http.MethodPost, up.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if req.Header.Get("traceparent") != "" {
			t.Fatal("the transport changed the caller's request")
		}
	}
	attempt.End()
	s.End()
	if got[0] != "" {
		t.Fatalf("a request without a span sent traceparent %q", got[0])
	}
	if !strings.HasPrefix(got[1], "00-"+inTrace+"-") || strings.Contains(got[1], inParent) || !strings.HasSuffix(got[1], "-01") {
		t.Fatalf("traceparent %q; want the trace %s with the attempt's span id", got[1], inTrace)
	}
}

// FuzzStartRequest: any inbound header starts a span, continuing the
// caller's trace or a new one, and never fails.
func FuzzStartRequest(f *testing.F) {
	for _, s := range []string{inbound, "", "00-" + inTrace + "-" + inParent + "-01-extra", "01-" + inTrace + "-" + inParent + "-09-x",
		"00-" + inTrace + "-" + inParent + "-0g", strings.Repeat("-", 55), "\x00"} {
		f.Add(s, "a=b")
	}
	col := tracingtest.New(true)
	defer col.Close()
	tr := newTracer(f, col.URL, 1)
	defer tr.Shutdown(context.Background())
	f.Fuzz(func(t *testing.T, tp, ts string) {
		ctx, s := tr.StartRequest(context.Background(), "r", tp, ts)
		defer s.End()
		if tp == inbound && !s.Recording() {
			t.Fatal("a sampled traceparent is not recorded")
		}
		if _, c := tracing.Start(ctx, "child"); !c.Recording() && s.Recording() {
			t.Fatal("the child of a recorded span is not recorded")
		}
	})
}

func BenchmarkOff(b *testing.B) {
	var tr *tracing.Tracer
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c, s := tr.StartRequest(ctx, "r", inbound, "")
		_, s2 := tracing.Start(c, "child")
		s2.End()
		s.End()
	}
}

func BenchmarkOn(b *testing.B) {
	col := tracingtest.New(true)
	defer col.Close()
	tr := newTracer(b, col.URL, 1)
	defer tr.Shutdown(context.Background())
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		c, s := tr.StartRequest(ctx, "r", inbound, "")
		_, s2 := tracing.Start(c, "child")
		s2.End()
		s.End()
	}
}
