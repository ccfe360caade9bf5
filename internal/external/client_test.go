package external

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
)

// raw starts a server that answers every request with handle and returns
// a provider pointed at it.
func raw(t *testing.T, handle http.HandlerFunc) *Provider {
	t.Helper()
	srv := httptest.NewServer(handle)
	t.Cleanup(srv.Close)
	return rawAt(t, srv.URL+"/v1/")
}

func rawAt(t testing.TB, baseURL string) *Provider {
	t.Helper()
	tmpl, err := prompt.LoadAll("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Name: "cloud", BaseURL: baseURL, Model: "gpt-test", APIKey: "sk-test", Prompts: tmpl,
		CostPer1KInput: 1, CostPer1KOutput: 2})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sse answers with body as an event stream, flushed.
func sse(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, body)
	}
}

const (
	hello    = `data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Jordan Avery "}}]}` + "\n\n"
	world    = `data: {"choices":[{"index":0,"delta":{"content":"is an engineer."},"finish_reason":null}]}` + "\n\n"
	stop     = `data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}` + "\n\n"
	usageEvt = `data: {"choices":[],"usage":{"prompt_tokens":120,"completion_tokens":30,"total_tokens":150}}` + "\n\n"
	done     = "data: [DONE]\n\n"
)

func TestStreamAnswers(t *testing.T) {
	f := func(body, wantText string, wantIn, wantOut int) {
		t.Helper()
		res, err := raw(t, sse(body)).Generate(context.Background(), request(t))
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if res.Text != wantText || res.InputTokens != wantIn || res.OutputTokens != wantOut {
			t.Fatalf("%q: got %q, %d in, %d out; want %q, %d, %d", body, res.Text, res.InputTokens, res.OutputTokens, wantText, wantIn, wantOut)
		}
		if want := float64(wantIn)/1000 + float64(wantOut)/1000*2; res.CostUSD != want {
			t.Fatalf("cost %g; want %g", res.CostUSD, want)
		}
	}
	// The usage chunk, with no choices, after the finish.
	f(hello+world+stop+usageEvt+done, "Ada Okafor is an engineer.", 120, 30)
	// No usage: an OpenAI-compatible server that ignores include_usage.
	f(hello+world+stop+done, "Ada Okafor is an engineer.", 0, 0)
	// Finished, then the body ends without [DONE].
	f(hello+stop, "Ada Okafor ", 0, 0)
	// CRLF lines, "data:" without its space, comments, other fields, and
	// one chunk split over two data lines.
	f(": keep-alive\r\n\r\nevent: chunk\r\nid: 1\r\ndata:"+strings.TrimPrefix(hello, "data: ")[:30]+"\r\ndata: "+
		strings.TrimPrefix(hello, "data: ")[30:]+"retry: 10\n"+world+stop+usageEvt+done, "Ada Okafor is an engineer.", 120, 30)
	// Nothing after [DONE] is read.
	f(hello+stop+done+"data: {not json}\n\n", "Ada Okafor ", 0, 0)
}

func TestStreamFailures(t *testing.T) {
	f := func(name string, handle http.HandlerFunc, want provider.Reason, retryable bool) {
		t.Helper()
		var text strings.Builder
		req := request(t)
		req.OnDelta = func(s string) { text.WriteString(s) }
		_, err := raw(t, handle).Generate(context.Background(), req)
		if got := provider.ReasonOf(err); got != want || provider.IsRetryable(err) != retryable {
			t.Fatalf("%s: got %v (%s, retryable %t); want %s, retryable %t", name, err, got, provider.IsRetryable(err), want, retryable)
		}
		if err != nil && strings.Contains(err.Error(), "upstream says") {
			t.Fatalf("%s: the upstream's text leaked into the error: %v", name, err)
		}
	}
	f("empty 200", sse(""), provider.ReasonError, true)
	f("only comments and [DONE]", sse(": ping\n\n: ping\n\n"+done), provider.ReasonError, true)
	f("not an event stream", sse("upstream says <html>no</html>\n"), provider.ReasonError, true)
	f("malformed chunk", sse(hello+"data: {\"choices\":[{\"delta\":{\"content\":\"upstream says\n\n"+stop+done), provider.ReasonError, true)
	f("a chunk that is not an object", sse(hello+"data: [1,2]\n\n"+stop+done), provider.ReasonError, true)
	f("an error in the stream", sse(hello+`data: {"error":{"message":"upstream says overloaded"}}`+"\n\n"), provider.ReasonError, true)
	f("a line past the limit", sse(hello+"data: "+strings.Repeat("x", maxLine)+"\n\n"+stop+done), provider.ReasonError, true)
	f("ended without a finish", sse(hello+world), provider.ReasonUnavailable, true)
	f("[DONE] without a finish", sse(hello+world+usageEvt+done), provider.ReasonUnavailable, true)
	f("a finish cut mid-event", sse(hello+strings.TrimSuffix(stop, "\n\n")), provider.ReasonUnavailable, true)
	f("token limit", sse(hello+`data: {"choices":[{"delta":{},"finish_reason":"length"}]}`+"\n\n"+done), provider.ReasonInvalidOutput, false)
	f("cut after two chunks", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, hello+world)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // drop the connection
	}, provider.ReasonUnavailable, true)
	f("cut before the headers", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }, provider.ReasonUnavailable, true)
}

func TestStatuses(t *testing.T) {
	f := func(status int, retryAfter string, want provider.Reason, retryable bool, wantAfter time.Duration) {
		t.Helper()
		p := raw(t, func(w http.ResponseWriter, r *http.Request) {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			io.WriteString(w, `{"error":{"message":"upstream says no to Jordan Avery","type":"server_error"}}`)
		})
		_, err := p.Generate(context.Background(), request(t))
		got, after := provider.ReasonOf(err), provider.RetryAfterOf(err)
		if got != want || provider.IsRetryable(err) != retryable || after != wantAfter {
			t.Fatalf("%d, Retry-After %q: got %v (%s, retryable %t, after %v); want %s, %t, %v",
				status, retryAfter, err, got, provider.IsRetryable(err), after, want, retryable, wantAfter)
		}
		if strings.Contains(err.Error(), "upstream says") {
			t.Fatalf("%d: the upstream's body leaked into the error: %v", status, err)
		}
	}
	f(429, "3", provider.ReasonRateLimited, true, 3*time.Second)
	f(429, "", provider.ReasonRateLimited, true, 0)
	f(429, "soon", provider.ReasonRateLimited, true, 0)
	f(503, "20", provider.ReasonOverloaded, true, 20*time.Second)
	f(503, "", provider.ReasonOverloaded, true, 0)
	f(500, "", provider.ReasonUnavailable, true, 0)
	f(502, "5", provider.ReasonUnavailable, true, 0)
	f(404, "", provider.ReasonUnavailable, false, 0)
	f(401, "", provider.ReasonError, false, 0)
	f(400, "", provider.ReasonError, false, 0)
	f(304, "", provider.ReasonError, false, 0)
}

func TestRefusedConnection(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = rawAt(t, "http://"+addr+"/v1").Generate(context.Background(), request(t))
	if provider.ReasonOf(err) != provider.ReasonUnavailable || !provider.IsRetryable(err) {
		t.Fatalf("got %v; want retryable unavailable", err)
	}
}

func TestCancelled(t *testing.T) {
	started := make(chan struct{})
	p := raw(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, hello)
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	_, err := p.Generate(ctx, request(t))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v; want the caller's cancellation", err)
	}
}

// TestRequest checks what is sent: the path, the key, and a body with the
// sampling settings, the seed only for a variant, and nothing about the
// user.
func TestRequest(t *testing.T) {
	f := func(variant uint64, wantSeed string) {
		t.Helper()
		var got *http.Request
		var body []byte
		p := raw(t, func(w http.ResponseWriter, r *http.Request) {
			got, body = r, must(io.ReadAll(r.Body))
			sse(hello+stop+done)(w, r)
		})
		p.cfg.Temperature, p.cfg.MaxTokens = 0.7, 333
		req := request(t)
		req.Variant = variant
		if _, err := p.Generate(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		if got.URL.Path != "/v1/chat/completions" || got.Method != http.MethodPost || got.Header.Get("Authorization") != "Bearer sk-test" ||
			got.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("got %s %s with %v", got.Method, got.URL.Path, got.Header)
		}
		s := string(body)
		for _, want := range []string{`"model":"gpt-test"`, `"temperature":0.7`, `"max_completion_tokens":333`, `"stream":true`,
			`"stream_options":{"include_usage":true}`, `"role":"system"`, `"role":"user"`} {
			if !strings.Contains(s, want) {
				t.Fatalf("body lacks %s: %s", want, s)
			}
		}
		if seed := strings.Contains(s, `"seed":`); (wantSeed == "") == seed || !strings.Contains(s, wantSeed) {
			t.Fatalf("variant %d: want seed %q: %s", variant, wantSeed, s)
		}
		for _, never := range []string{`"user":`, `"metadata":`, `"store":`, "w-10423", "Okafor"} {
			if strings.Contains(s, never) {
				t.Fatalf("body holds %s: %s", never, s)
			}
		}
	}
	f(0, "")
	f(12345, `"seed":12345`)
	f(1<<31+7, `"seed":7`)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestNewRejectsBaseURL(t *testing.T) {
	tmpl, err := prompt.LoadAll("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"", "api.openai.com/v1", "ftp://x/v1", "http://", "http://[::1"} {
		if _, err := New(Config{Name: "cloud", BaseURL: u, Prompts: tmpl}); err == nil || !strings.Contains(err.Error(), `"`+u+`"`) {
			t.Fatalf("base URL %q: got %v; want an error quoting it", u, err)
		}
	}
}

// FuzzRead feeds arbitrary event streams to the reader: it must not panic,
// and must answer with text or with an error of the chain's.
func FuzzRead(f *testing.F) {
	for _, s := range []string{hello + world + stop + usageEvt + done, "", "data: [DONE]\n\n", "data: {\n\n", hello + hello,
		"data: {\"choices\":null,\"usage\":{\"total_tokens\":-1}}\n\n", "data:\ndata:\n\n", "\r\n\r\n:\n", stop + stop} {
		f.Add(s)
	}
	p := rawAt(f, "http://127.0.0.1:1/v1")
	f.Fuzz(func(t *testing.T, body string) {
		var text strings.Builder
		_, err := p.read(context.Background(), strings.NewReader(body), func(s string) { text.WriteString(s) })
		var pe *provider.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("%q: %v is not a provider error", body, err)
		}
	})
}
