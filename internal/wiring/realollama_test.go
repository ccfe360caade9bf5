package wiring

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/sse"
	"github.com/biogen/biogen/internal/tenant"
)

// realOllama is an Ollama server built from the Go module proxy (see
// .ci/run and tools/ollama), run on loopback with a tiny generated model.
type realOllama struct {
	url       string
	modelfile string // the tiny model's Modelfile, FROM a local GGUF
}

// startRealOllama starts `ollama serve` for the test and creates the model
// "tiny" from a GGUF the test generates. Outside CI it skips when the
// binaries are not built; in CI their absence fails the test.
func startRealOllama(t *testing.T, env ...string) *realOllama {
	t.Helper()
	bin, tiny := os.Getenv("BIOGEN_OLLAMA_BIN"), os.Getenv("BIOGEN_TINYMODEL_BIN")
	if bin == "" || tiny == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("BIOGEN_OLLAMA_BIN and BIOGEN_TINYMODEL_BIN must be set in CI (.ci/run builds them)")
		}
		t.Skip("no Ollama server built: run .ci/run, or set BIOGEN_OLLAMA_BIN and BIOGEN_TINYMODEL_BIN")
	}
	dir := t.TempDir()
	gguf := filepath.Join(dir, "tiny.gguf")
	if out, err := exec.Command(tiny, "-o", gguf).CombinedOutput(); err != nil {
		t.Fatalf("tinymodel: %v: %s", err, out)
	}
	modelfile := filepath.Join(dir, "Modelfile")
	os.WriteFile(modelfile, []byte("FROM "+gguf+"\nTEMPLATE \"\"\"{{ if .System }}{{ .System }}\n{{ end }}{{ range .Messages }}{{ .Role }}: {{ .Content }}\n{{ end }}assistant: \"\"\"\n"), 0o644)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, _ := os.Create(filepath.Join(dir, "serve.log"))
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "OLLAMA_HOST="+addr, "OLLAMA_MODELS="+filepath.Join(dir, "models"), "HOME="+dir, "OLLAMA_KEEP_ALIVE=10m")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("ollama serve log (tail):\n%s", tail(string(b), 12000))
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(base + "/api/version")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ollama serve did not start: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	create := exec.Command(bin, "create", "tiny", "-f", modelfile)
	create.Env = append(os.Environ(), "OLLAMA_HOST="+addr, "HOME="+dir)
	if out, err := create.CombinedOutput(); err != nil {
		t.Fatalf("ollama create: %v: %s", err, out)
	}
	return &realOllama{url: base, modelfile: modelfile}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// realProvider configures a provider of the real server. The tiny model
// writes noise; 48 tokens are enough to see it rejected, and keep the test
// quick on a busy machine.
func realProvider(name, host, model string, extra string) string {
	return fmt.Sprintf("  - name: %s\n    kind: ollama\n    model: %s\n    host: %s\n    timeout: 60s\n    retries: -1\n    max_concurrent: 8\n%s", name, model, host, extra)
}

const short = "    max_tokens: 48\n"

// TestRealOllama runs biogen against a real Ollama server.
func TestRealOllama(t *testing.T) {
	o := startRealOllama(t, "OLLAMA_NUM_PARALLEL=1", "OLLAMA_MAX_QUEUE=1")
	// Generous deadlines: CI runs other packages' race-enabled tests on the
	// same two cores, and a tiny model on a busy CPU can be slow.
	const server = "server:\n  addr: 127.0.0.1:0\n  request_timeout: 80s\n  write_timeout: 100s\n"
	longRequest := strings.Replace(bioRequest, `"length":"short"`, `"length":"long"`, 1)

	t.Run("stream ends in invalid_output and a template answer", func(t *testing.T) {
		r := startAppYAML(t, server+"providers:\n"+realProvider("tiny", o.url, "tiny", short)+"tenants:\n  - id: a\n    chain: [tiny]\n")
		resp := r.post(t, bioRequest, "Accept", "text/event-stream")
		defer resp.Body.Close()
		st := readStream(t, resp.Body)
		done := st.Done
		if last := st.Events[len(st.Events)-1]; last.Name != "done" || done == nil {
			t.Fatalf("last event %+v", last)
		}
		// The text after the last reset is the bio.
		if done.Source != "template" || strings.Join(done.FallbackReasons, ",") != "tiny:invalid_output" || st.Text != done.Bio {
			t.Fatalf("done %+v; text after resets %q", done, st.Text)
		}
		// And without streaming.
		got := r.bio(t)
		if got.Source != "template" || strings.Join(got.FallbackReasons, ",") != "tiny:invalid_output" {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("a missing model is passed over and named in readyz", func(t *testing.T) {
		r := startAppYAML(t, server+"providers:\n"+realProvider("gone", o.url, "absent:1b", "")+"tenants:\n  - id: a\n    chain: [gone]\n")
		got := r.bio(t)
		if got.Source != "template" || strings.Join(got.FallbackReasons, ",") != "gone:unavailable" {
			t.Fatalf("got %+v", got)
		}
		body := r.readyz(t)
		if !strings.Contains(string(body), `"name":"gone","kind":"ollama","state":"model_missing"`) {
			t.Fatalf("readyz: %s", body)
		}
	})

	t.Run("a missing model is created from its Modelfile", func(t *testing.T) {
		r := startAppYAML(t, server+"providers:\n"+realProvider("made", o.url, "made-here", short+"    modelfile: "+o.modelfile+"\n")+
			"tenants:\n  - id: a\n    chain: [made]\n")
		body := r.readyz(t)
		if !strings.Contains(string(body), `"name":"made","kind":"ollama","state":"ok"`) {
			t.Fatalf("readyz: %s", body)
		}
		// The created model answers (with noise, so the template follows).
		if got := r.bio(t); strings.Join(got.FallbackReasons, ",") != "made:invalid_output" {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("no configuration: the default model on the local Ollama", func(t *testing.T) {
		// The tiny model registered under the default model's name: biogen
		// without a configuration file finds it at OLLAMA_HOST, and its
		// noise ends in invalid_output and a template bio.
		create := exec.Command(os.Getenv("BIOGEN_OLLAMA_BIN"), "create", config.DefaultModel, "-f", o.modelfile)
		create.Env = append(os.Environ(), "OLLAMA_HOST="+strings.TrimPrefix(o.url, "http://"), "HOME="+t.TempDir())
		if out, err := create.CombinedOutput(); err != nil {
			t.Fatalf("ollama create: %v: %s", err, out)
		}
		cfg, err := config.Load("", func(k string) string {
			return map[string]string{"OLLAMA_HOST": o.url, "BIOGEN_ADDR": "127.0.0.1:0"}[k]
		})
		if err != nil {
			t.Fatal(err)
		}
		// A busy CI machine: the deadlines and token limit of the other
		// subtests, so that the noise ends in invalid_output, not timeout.
		cfg.Server.RequestTimeout, cfg.Server.WriteTimeout = 80*time.Second, 100*time.Second
		cfg.Providers[0].Timeout, cfg.Providers[0].MaxTokens = 60*time.Second, 48
		cfg.DataDir = t.TempDir()
		r := runApp(t, cfg)
		if body := r.readyz(t); !strings.Contains(body, `"name":"local","kind":"ollama","state":"ok"`) {
			t.Fatalf("readyz: %s", body)
		}
		if got := r.bio(t); got.Source != "template" || strings.Join(got.FallbackReasons, ",") != "local:invalid_output" {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("the OpenAI-compatible endpoint serves as the external provider", func(t *testing.T) {
		t.Setenv("BIOGEN_TEST_OLLAMA_KEY", "unused")
		r := startAppYAML(t, server+"providers:\n"+
			fmt.Sprintf("  - name: cloud\n    kind: external\n    base_url: %s/v1\n    model: tiny\n    api_key_env: BIOGEN_TEST_OLLAMA_KEY\n    timeout: 60s\n    retries: -1\n    max_tokens: 48\n", o.url)+
			"tenants:\n  - id: a\n    policy: allow_external\n    keys: [\""+tenant.Digest("k")+"\"]\n    chain: [cloud]\n")
		got := r.bioWithKey(t, "k", bioRequest)
		if got.Source != "template" || strings.Join(got.FallbackReasons, ",") != "cloud:invalid_output" {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("a full queue moves requests on", func(t *testing.T) {
		// Last, so that the generations it queues cannot delay another case.
		r := startAppYAML(t, server+"providers:\n"+realProvider("tiny", o.url, "tiny", "    max_tokens: 256\n")+
			"tenants:\n  - id: a\n    chain: [tiny]\n    rate_limit:\n      requests_per_second: 1000\n")
		r.client.Transport = &http.Transport{MaxIdleConnsPerHost: 16}
		var mu sync.Mutex
		reasons := map[string]int{}
		var wg sync.WaitGroup
		// One runs, one waits, the rest are refused: twelve at once leave
		// room for a slow machine to stagger them.
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A user each: identical requests would share one
				// generation (coalescing) and never fill the queue.
				resp := r.post(t, strings.Replace(longRequest, `"w-1"`, fmt.Sprintf(`"w-q%d"`, i), 1))
				defer resp.Body.Close()
				var got bio.Response
				json.NewDecoder(resp.Body).Decode(&got)
				mu.Lock()
				reasons[strings.Join(got.FallbackReasons, ",")]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if reasons["tiny:overloaded"] == 0 {
			t.Fatalf("no request was moved on from a full queue: %v", reasons)
		}
	})

	t.Run("a client that disconnects cancels the generation", func(t *testing.T) {
		target, _ := url.Parse(o.url)
		var started, finished, cancelled atomic.Int64
		proxy := httputil.NewSingleHostReverseProxy(target)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path == "/api/chat" {
				started.Add(1)
				defer func() {
					if req.Context().Err() != nil {
						cancelled.Add(1)
					} else {
						finished.Add(1)
					}
				}()
			}
			proxy.ServeHTTP(w, req)
		}))
		defer srv.Close()
		// Last, so that a generation that runs on cannot delay another case.
		// A budget of 4,000 tokens (10 s and more for the tiny model), so the
		// generation is still running when biogen notices, at its next ping
		// or delta, that the client has gone. A model of random weights may
		// still draw its end token early and finish first; then try again.
		r := startAppYAML(t, server+"providers:\n"+realProvider("tiny", srv.URL, "tiny", "    max_tokens: 4000\n")+"tenants:\n  - id: a\n    chain: [tiny]\n")
		for attempt := 0; attempt < 5 && cancelled.Load() == 0; attempt++ {
			before := started.Load() + finished.Load()
			// A user each: an attempt whose generation finished (the model
			// drew its end token early) is cached, and the same request
			// again would be a hit that reaches no model.
			resp := r.post(t, strings.Replace(longRequest, `"w-1"`, fmt.Sprintf(`"w-d%d"`, attempt), 1), "Accept", "text/event-stream")
			br := bufio.NewReader(resp.Body)
			br.ReadString('\n') // the first event line: the stream is running
			resp.Body.Close()
			r.client.CloseIdleConnections()
			deadline := time.Now().Add(30 * time.Second)
			for cancelled.Load() == 0 && started.Load()+finished.Load() < before+2 && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
		}
		if started.Load() == 0 || cancelled.Load() == 0 {
			t.Fatalf("upstream requests %d: %d finished, %d cancelled", started.Load(), finished.Load(), cancelled.Load())
		}
	})
}

// readStream reads a whole SSE body.
func readStream(t *testing.T, r io.Reader) *sse.Stream {
	t.Helper()
	st, err := sse.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Events) == 0 {
		t.Fatal("no events")
	}
	return st
}
