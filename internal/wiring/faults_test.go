package wiring

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/sse"
)

const bioRequest = `{"user_id":"w-1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
	"company":"Northwind Health","years_experience":12,"skills":["Go","Kafka","PostgreSQL"],
	"achievements":["Cut claims processing time from 3 days to 4 hours"]},"options":{"length":"short"}}`

// running is a biogen started for one test.
type running struct {
	base string
	// admin is the admin listener's base URL, "" without server.admin_addr.
	admin  string
	client *http.Client
	app    *App
	// key, if set, is the API key do sends.
	key string
	// stop shuts biogen down and returns Run's error; it runs once, at
	// the latest when the test ends.
	stop func() error
}

// startApp runs biogen with the given providers and tenant chain.
func startApp(t *testing.T, providers, chain string, extra string) *running {
	t.Helper()
	yaml := "server:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n  write_timeout: 20s\n" + extra +
		"providers:\n" + providers +
		"tenants:\n  - id: acme\n    chain: [" + chain + "]\n    rate_limit:\n      requests_per_second: 100000\n"
	return runApp(t, loadConfig(t, yaml))
}

// runApp runs biogen with cfg until the test ends.
func runApp(t *testing.T, cfg *config.Config) *running {
	t.Helper()
	return runAppLog(t, cfg, quiet)
}

// runAppLog is runApp logging to log.
func runAppLog(t *testing.T, cfg *config.Config, log *slog.Logger) *running {
	t.Helper()
	a, err := Build(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan [2]net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, func(p, adm net.Addr) { addrs <- [2]net.Addr{p, adm} }) }()
	var addr [2]net.Addr
	select {
	case addr = <-addrs:
	case err := <-done:
		cancel()
		t.Fatalf("Run: %v", err)
	}
	<-a.ModelsChecked() // the tests want the models as start-up leaves them
	r := &running{base: "http://" + addr[0].String(), client: &http.Client{Timeout: cfg.Server.RequestTimeout + time.Second}, app: a}
	if addr[1] != nil {
		r.admin = "http://" + addr[1].String()
	}
	r.stop = sync.OnceValue(func() error {
		r.client.CloseIdleConnections()
		cancel()
		return <-done
	})
	t.Cleanup(func() {
		if err := r.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return r
}

// bio posts the standard request without a key. A client timeout (set to
// the deadline plus a second) fails the test: an answer later than the
// deadline is a failure.
func (r *running) bio(t *testing.T) bio.Response {
	t.Helper()
	out, _ := r.postJSON(t, "", []byte(bioRequest))
	return out
}

// post sends body to POST /v1/bios with extra headers (name, value, ...).
func (r *running) post(t *testing.T, body string, headers ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", r.base+"/v1/bios", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// readyz returns the body of GET /readyz.
func (r *running) readyz(t *testing.T) string {
	t.Helper()
	resp, err := r.client.Get(r.base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("readyz: status %d", resp.StatusCode)
	}
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func fakeServer(t *testing.T, cfg fakellm.Config) (*fakellm.Server, string) {
	t.Helper()
	f := fakellm.New(cfg)
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// ollamaProvider configures an Ollama provider with a short timeout, so that
// hanging faults end quickly.
func ollamaProvider(name, host string) string {
	return ollamaProviderTimeout(name, host, "400ms")
}

func ollamaProviderTimeout(name, host, timeout string) string {
	return fmt.Sprintf("  - name: %s\n    kind: ollama\n    model: writer\n    host: %s\n    timeout: %s\n    backoff_base: 10ms\n", name, host, timeout)
}

// faultReasons is the reason the chain reports for each fault.
var faultReasons = map[fakellm.Fault]string{
	fakellm.FaultHang:       "timeout",
	fakellm.FaultSlowFirst:  "timeout",
	fakellm.FaultSlowTokens: "timeout",
	fakellm.Fault500:        "unavailable",
	fakellm.Fault503:        "overloaded",
	fakellm.Fault429:        "rate_limited",
	fakellm.FaultMalformed:  "error",
	fakellm.FaultCut:        "unavailable",
	fakellm.FaultUnusable:   "invalid_output",
}

// TestFaultMatrix puts every fault at every position of a two-model chain
// and checks each answer's source, provider, degraded and fallback_reasons.
func TestFaultMatrix(t *testing.T) {
	faults := append([]fakellm.Fault{"refused"}, fakellm.Faults...)
	for _, fault := range faults {
		want := faultReasons[fault]
		if fault == "refused" {
			want = "unavailable"
		}
		faulty := func(t *testing.T) string {
			if fault == "refused" {
				return closedPort(t)
			}
			_, url := fakeServer(t, fakellm.Config{Fault: func(int64) fakellm.Fault { return fault }, SlowDelay: 5 * time.Second, RetryAfter: "0"})
			return url
		}
		t.Run(string(fault)+"/first", func(t *testing.T) {
			_, healthy := fakeServer(t, fakellm.Config{})
			r := startApp(t, ollamaProvider("big", faulty(t))+ollamaProvider("small", healthy), "big, small", "")
			got := r.bio(t)
			if got.Source != "ollama" || got.Provider != "small" || !got.Degraded || strings.Join(got.FallbackReasons, ",") != "big:"+want {
				t.Fatalf("got source %s provider %s degraded %v reasons %v; want small after big:%s", got.Source, got.Provider, got.Degraded, got.FallbackReasons, want)
			}
			if !strings.Contains(got.Bio, "Ada Okafor") || got.Usage.OutputTokens == 0 {
				t.Fatalf("bio %q usage %+v", got.Bio, got.Usage)
			}
		})
		t.Run(string(fault)+"/second", func(t *testing.T) {
			r := startApp(t, ollamaProvider("big", closedPort(t))+ollamaProvider("small", faulty(t)), "big, small", "")
			got := r.bio(t)
			if got.Source != "template" || got.Provider != "template" || !got.Degraded ||
				strings.Join(got.FallbackReasons, ",") != "big:unavailable,small:"+want {
				t.Fatalf("got source %s degraded %v reasons %v; want template after big:unavailable,small:%s", got.Source, got.Degraded, got.FallbackReasons, want)
			}
		})
	}
}

func TestHealthyFirstProvider(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{Models: []string{"writer"}, Preamble: true})
	r := startApp(t, ollamaProvider("big", url), "big", "")
	got := r.bio(t)
	if got.Source != "ollama" || got.Provider != "big" || got.Model != "writer" || got.Degraded || len(got.FallbackReasons) != 0 {
		t.Fatalf("got %+v", got)
	}
	if strings.HasPrefix(got.Bio, "Here is") || fake.Requests() != 1 {
		t.Fatalf("preamble kept or %d requests: %q", fake.Requests(), got.Bio)
	}
	if got.Usage.InputTokens == 0 || got.Usage.OutputTokens == 0 {
		t.Fatalf("usage %+v", got.Usage)
	}
	if body := r.readyz(t); !strings.Contains(body, `{"name":"big","kind":"ollama","state":"ok","breaker":"closed"}`) {
		t.Fatalf("readyz: %s", body)
	}
}

// TestMissingModel: a server without the model is passed over, and
// /readyz says the model is missing.
func TestMissingModel(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{Models: []string{"other"}})
	r := startApp(t, ollamaProvider("big", url), "big", "")
	got := r.bio(t)
	if got.Source != "template" || strings.Join(got.FallbackReasons, ",") != "big:unavailable" {
		t.Fatalf("got %+v", got)
	}
	if body := r.readyz(t); !strings.Contains(body, `"state":"model_missing","breaker":"closed","error":"model not found: \"writer\" on`) {
		t.Fatalf("readyz: %s", body)
	}
}

// TestBurstOpensBreakerAndRecovers sends 200 concurrent requests while the
// first provider is down: all answer, the breaker opens and later requests
// skip the provider; once it is back, the half-open probe closes the breaker.
// Each request is another user's: identical requests would share one
// generation (coalescing), and the provider would see a handful of calls.
func TestBurstOpensBreakerAndRecovers(t *testing.T) {
	var down atomic.Bool
	down.Store(true)
	_, url := fakeServer(t, fakellm.Config{Fault: func(int64) fakellm.Fault {
		if down.Load() {
			return fakellm.Fault500
		}
		return fakellm.FaultNone
	}})
	// A generous timeout: a busy machine must not turn fast 500s into timeouts.
	r := startApp(t, ollamaProviderTimeout("big", url, "5s")+"    breaker_failures: 5\n    breaker_open: 5s\n    max_concurrent: 8\n    queue_wait: 2s\n", "big", "")
	r.client.Transport = &http.Transport{MaxIdleConnsPerHost: 200}
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[string]int{}
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, _ := r.postJSON(t, "", []byte(strings.Replace(bioRequest, `"w-1"`, fmt.Sprintf(`"w-burst-%d"`, i), 1)))
			mu.Lock()
			counts[strings.Join(got.FallbackReasons, ",")]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts["big:circuit_open"] == 0 || counts["big:unavailable"] == 0 || counts["big:unavailable"]+counts["big:circuit_open"] != 200 {
		t.Fatalf("reasons over 200 requests: %v", counts)
	}
	if got := r.bio(t); strings.Join(got.FallbackReasons, ",") != "big:circuit_open" {
		t.Fatalf("after the burst: %v", got.FallbackReasons)
	}
	down.Store(false)
	// The breaker lets a probe through once breaker_open (5 s, longer than
	// a burst on a slow machine) has passed.
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := r.bio(t)
		if got.Provider == "big" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the breaker never closed: %v", got.FallbackReasons)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if body := r.readyz(t); !strings.Contains(body, `"breaker":"closed"`) {
		t.Fatalf("readyz: %s", body)
	}
}

// TestStreamThroughService streams a model's answer as SSE and checks that a
// client that goes away cancels the upstream generation.
func TestStreamThroughService(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{TokenDelay: 30 * time.Millisecond})
	r := startApp(t, ollamaProviderTimeout("big", url, "8s"), "big", "")
	resp := r.post(t, bioRequest, "Accept", "text/event-stream")
	rd := sse.NewReader(resp.Body)
	deltas := 0
	for deltas < 3 {
		ev, err := rd.Next()
		if err != nil {
			t.Fatal(err)
		}
		if ev.Name == "delta" {
			deltas++
		}
	}
	resp.Body.Close() // the client goes away mid-stream
	r.client.CloseIdleConnections()
	deadline := time.Now().Add(5 * time.Second)
	for fake.Cancelled() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if deltas != 3 || fake.Cancelled() != 1 {
		t.Fatalf("%d deltas; upstream saw %d cancellations, want 1", deltas, fake.Cancelled())
	}

	// A whole stream: deltas that add up to the done event's bio.
	resp = r.post(t, strings.Replace(bioRequest, `"options"`, `"stream":true,"options"`, 1))
	defer resp.Body.Close()
	st := readStream(t, resp.Body)
	if st.Done == nil || st.Done.Source != "ollama" || st.Done.Bio == "" || st.Text != st.Done.Bio {
		t.Fatalf("deltas %q; done %+v", st.Text, st.Done)
	}
}
