package wiring

import (
	"io"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/tracing/tracingtest"
)

const (
	traceID  = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerID = "00f067aa0ba902b7"
	// tracedRequest's name, user id and company must never be in a span.
	tracedRequest = `{"user_id":"user-7731","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Engineer",
	"company":"Contoso","skills":["Go","Kafka"]},"options":{"length":"medium"}}`
)

var personal = []string{"Ada", "Okafor", "user-7731", "Contoso"}

// TestTracing sends a request with a traceparent through the running
// service to a fake Ollama, with a fake OTLP collector, then a second,
// identical request (an exact hit) with an invalid traceparent. The batch
// delay is an hour, so the spans arrive only because shutdown flushes them.
func TestTracing(t *testing.T) {
	col := tracingtest.New(false)
	defer col.Close()
	fake, url := fakeServer(t, fakellm.Config{})
	r := startApp(t, ollamaProviderTimeout("big", url, "5s"), "big",
		"tracing:\n  otlp_endpoint: "+col.URL+"\n  batch_delay: 1h\n  service_name: biogen-test\n")
	for _, tp := range []string{"00-" + traceID + "-" + callerID + "-01", "00-" + traceID + "-" + callerID + "-zz"} {
		resp := r.post(t, tracedRequest, "traceparent", tp, "tracestate", "vendor=opaque")
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("traceparent %s: status %d: %s", tp, resp.StatusCode, body)
		}
		r.app.cache.Wait() // the body alias is written asynchronously
	}
	if n := len(col.Spans()); n != 0 {
		t.Fatalf("%d spans before shutdown; the batch delay should hold them", n)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	spans := col.Spans()
	byName := map[string][]tracingtest.Span{}
	for _, s := range spans {
		byName[s.Name] = append(byName[s.Name], s)
		for k, v := range s.Attributes {
			for _, p := range personal {
				if strings.Contains(k, p) || strings.Contains(v, p) {
					t.Errorf("span %s: attribute %s=%q holds personal data %q", s.Name, k, v, p)
				}
			}
		}
		if s.Resource["service.name"] != "biogen-test" {
			t.Errorf("span %s: service.name %q", s.Name, s.Resource["service.name"])
		}
	}
	one := func(name string, where func(tracingtest.Span) bool) tracingtest.Span {
		t.Helper()
		var found []tracingtest.Span
		for _, s := range byName[name] {
			if where(s) {
				found = append(found, s)
			}
		}
		if len(found) != 1 {
			t.Fatalf("%d spans %q match; want 1 (all: %+v)", len(found), name, spans)
		}
		return found[0]
	}
	inTrace := func(s tracingtest.Span) bool { return s.TraceID == traceID }
	req := one("POST /v1/bios", inTrace)
	if req.ParentSpanID != callerID || req.TraceState != "vendor=opaque" || req.Kind != 2 {
		t.Fatalf("request span: parent %q state %q kind %d; want the caller's %s, its state, server", req.ParentSpanID, req.TraceState, req.Kind, callerID)
	}
	want := map[string]string{"http.route": "/v1/bios", "tenant.id": "acme", "http.response.status_code": "200"}
	for k, v := range want {
		if req.Attributes[k] != v {
			t.Errorf("request span: %s=%q; want %q", k, req.Attributes[k], v)
		}
	}
	child := func(name, key, value string) tracingtest.Span {
		t.Helper()
		s := one(name, func(s tracingtest.Span) bool { return inTrace(s) && s.Attributes[key] == value })
		if s.ParentSpanID != req.SpanID {
			t.Fatalf("%s %s=%s: parent %s; want the request's %s", name, key, value, s.ParentSpanID, req.SpanID)
		}
		return s
	}
	body := child("cache.lookup", "cache.kind", "body")
	byReq := child("cache.lookup", "cache.kind", "request")
	attempt := child("provider.attempt", "provider.name", "big")
	if body.Attributes["cache.result"] != "miss" || byReq.Attributes["cache.result"] != "miss" {
		t.Errorf("cache results %q, %q; want miss, miss", body.Attributes["cache.result"], byReq.Attributes["cache.result"])
	}
	if a := attempt.Attributes; a["provider.kind"] != "ollama" || a["attempt.outcome"] != "ok" || a["attempt.retry"] != "0" || attempt.Kind != 3 {
		t.Errorf("attempt span: kind %d, %v; want client, ollama, ok, retry 0", attempt.Kind, a)
	}
	checks := one("checks", inTrace)
	if checks.ParentSpanID != attempt.SpanID || checks.Attributes["check.flags"] == "" {
		t.Errorf("checks span: parent %s, %v; want the attempt's %s and a flags count", checks.ParentSpanID, checks.Attributes, attempt.SpanID)
	}
	if got, want := fake.Traceparents(), "00-"+traceID+"-"+attempt.SpanID+"-01"; len(got) != 1 || got[0] != want {
		t.Errorf("Ollama got traceparents %q; want [%s], the attempt's", got, want)
	}
	// The invalid traceparent started a new trace: a root request span
	// whose body lookup hit.
	hit := one("POST /v1/bios", func(s tracingtest.Span) bool { return !inTrace(s) })
	if hit.ParentSpanID != "" || len(hit.TraceID) != 32 {
		t.Errorf("request with an invalid traceparent: trace %s parent %q; want a new root", hit.TraceID, hit.ParentSpanID)
	}
	if b := one("cache.lookup", func(s tracingtest.Span) bool { return s.TraceID == hit.TraceID }); b.Attributes["cache.result"] != "exact" || b.ParentSpanID != hit.SpanID {
		t.Errorf("the hit's lookup: %v, parent %s", b.Attributes, b.ParentSpanID)
	}
}
