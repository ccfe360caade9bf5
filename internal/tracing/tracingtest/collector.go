// Package tracingtest is a fake OTLP/HTTP collector for tests: it decodes
// the JSON that biogen's exporter posts to /v1/traces and keeps the spans.
package tracingtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
)

// Span is a received span, its attribute values as strings.
type Span struct {
	TraceID, SpanID, ParentSpanID, TraceState string
	Name                                      string
	Kind                                      int
	StartTimeUnixNano, EndTimeUnixNano        string
	Attributes                                map[string]string
	StatusCode                                int
	StatusMessage                             string
	// Resource holds the attributes of the span's resource.
	Resource map[string]string
}

// Collector is an httptest server that receives spans.
//
// The zero value is not usable: call New. A Collector is safe for
// concurrent use; the test that made it closes it with Close.
type Collector struct {
	*httptest.Server
	discard bool // answer without decoding (benchmarks)

	mu      sync.Mutex
	spans   []Span
	badPath int
}

// New starts a collector; discard makes it answer 200 to every post
// without decoding or keeping anything.
func New(discard bool) *Collector {
	c := &Collector{discard: discard}
	c.Server = httptest.NewServer(http.HandlerFunc(c.serve))
	return c
}

func (c *Collector) serve(w http.ResponseWriter, r *http.Request) {
	if c.discard {
		w.WriteHeader(http.StatusOK)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/v1/traces" || r.Header.Get("Content-Type") != "application/json" {
		c.badPath++
		http.Error(w, "not an OTLP/HTTP JSON trace export", http.StatusNotFound)
		return
	}
	var req struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []keyValue `json:"attributes"`
			} `json:"resource"`
			ScopeSpans []struct {
				Spans []struct {
					TraceID           string     `json:"traceId"`
					SpanID            string     `json:"spanId"`
					ParentSpanID      string     `json:"parentSpanId"`
					TraceState        string     `json:"traceState"`
					Name              string     `json:"name"`
					Kind              int        `json:"kind"`
					StartTimeUnixNano string     `json:"startTimeUnixNano"`
					EndTimeUnixNano   string     `json:"endTimeUnixNano"`
					Attributes        []keyValue `json:"attributes"`
					Status            struct {
						Code    int    `json:"code"`
						Message string `json:"message"`
					} `json:"status"`
				} `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		c.badPath++
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, rs := range req.ResourceSpans {
		res := attrs(rs.Resource.Attributes)
		for _, ss := range rs.ScopeSpans {
			for _, s := range ss.Spans {
				c.spans = append(c.spans, Span{TraceID: s.TraceID, SpanID: s.SpanID, ParentSpanID: s.ParentSpanID,
					TraceState: s.TraceState, Name: s.Name, Kind: s.Kind, StartTimeUnixNano: s.StartTimeUnixNano,
					EndTimeUnixNano: s.EndTimeUnixNano, Attributes: attrs(s.Attributes),
					StatusCode: s.Status.Code, StatusMessage: s.Status.Message, Resource: res})
			}
		}
	}
	w.WriteHeader(http.StatusOK)
}

type keyValue struct {
	Key   string `json:"key"`
	Value struct {
		StringValue *string  `json:"stringValue"`
		IntValue    *string  `json:"intValue"`
		DoubleValue *float64 `json:"doubleValue"`
		BoolValue   *bool    `json:"boolValue"`
	} `json:"value"`
}

func attrs(kvs []keyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		v := kv.Value
		switch {
		case v.StringValue != nil:
			m[kv.Key] = *v.StringValue
		case v.IntValue != nil:
			m[kv.Key] = *v.IntValue
		case v.BoolValue != nil:
			m[kv.Key] = strconv.FormatBool(*v.BoolValue)
		case v.DoubleValue != nil:
			m[kv.Key] = strconv.FormatFloat(*v.DoubleValue, 'g', -1, 64)
		}
	}
	return m
}

// Spans returns the spans received so far.
func (c *Collector) Spans() []Span {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Span(nil), c.spans...)
}

// Rejected is how many posts were not OTLP/HTTP JSON trace exports.
func (c *Collector) Rejected() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.badPath
}
