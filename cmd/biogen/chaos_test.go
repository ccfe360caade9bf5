package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/sse"
)

// The chaos tests run the real binary as an operator does, with a YAML
// file, and do to it what production will: SIGTERM with requests in
// flight, a corrupt cache snapshot on disk, a model that never answers.

// chaosName and chaosUser are the personal data of the chaos requests; the
// logs must never hold them.
const (
	chaosName = "Ifeoma Vandersloot"
	chaosUser = "chaos-user-7c1d"
)

// chaosRequest is a bio request of user chaosUser+suffix.
func chaosRequest(suffix string) string {
	return `{"user_id":"` + chaosUser + suffix + `","profile":{"name":"` + chaosName + `","pronouns":"she/her",
	"current_role":"Principal Data Engineer","company":"Northwind Health","years_experience":12,
	"skills":["Go","Kafka","PostgreSQL"],"achievements":["Cut claims processing time from 3 days to 4 hours"]},
	"options":{"length":"short"}}`
}

// syncBuffer is a bytes.Buffer safe for concurrent use: the process
// writes its log into it while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// proc is one running biogen.
type proc struct {
	cmd    *exec.Cmd
	logs   *syncBuffer
	exited chan struct{} // closed when the process has exited; err is then set
	err    error
	// base and admin are the URLs of the public and admin listeners
	// (admin "" when there is none).
	base, admin string
}

// start runs the binary with the configuration yaml and env (besides a
// clean environment) on free loopback ports, which it reads from the
// process's log, and waits for /healthz. The process is killed when the
// test ends, whatever happens.
func start(t *testing.T, yaml string, env ...string) *proc {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "biogen.yaml")
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary(t))
	cmd.Dir = dir // nothing lands in the source tree
	for _, kv := range os.Environ() {
		// The tests' environment must not reconfigure the process.
		if !strings.HasPrefix(kv, "BIOGEN_") && !strings.HasPrefix(kv, "OLLAMA_") && !strings.HasPrefix(kv, "OTEL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, append([]string{"BIOGEN_CONFIG=" + cfg, "BIOGEN_ADDR=127.0.0.1:0"}, env...)...)
	p := &proc{cmd: cmd, logs: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill() // an error only says it has exited already
		<-p.exited
		if t.Failed() {
			t.Logf("biogen's log:\n%s", p.logs.String())
		}
	})
	for i := 0; ; i++ {
		if line := p.logLine("biogen serving"); line != nil {
			p.base = "http://" + line["addr"].(string)
			if a, _ := line["admin_addr"].(string); a != "" {
				p.admin = "http://" + a
			}
			break
		}
		select {
		case <-p.exited:
			t.Fatalf("biogen exited at start-up (%v):\n%s", p.err, p.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if i == 500 {
			t.Fatalf("biogen did not start:\n%s", p.logs.String())
		}
	}
	p.waitOK(t, p.base+"/healthz")
	return p
}

// logLine returns the first JSON log line whose message is msg, or nil.
func (p *proc) logLine(msg string) map[string]any {
	sc := bufio.NewScanner(strings.NewReader(p.logs.String()))
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) == nil && line["msg"] == msg {
			return line
		}
	}
	return nil
}

// waitOK polls url until it answers 200, a bounded number of times.
func (p *proc) waitOK(t *testing.T, url string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := 0; ; i++ {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if i == 200 {
			t.Fatalf("%s: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and waits for the process to exit, a generous while
// so that a hang fails the test instead of the suite; it returns the
// process's exit error (nil for status 0).
func (p *proc) stop(t *testing.T) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
		return p.err
	case <-time.After(60 * time.Second):
		t.Fatal("biogen did not exit within 60s of SIGTERM")
		return nil
	}
}

// serveFake serves h on loopback until the test ends. A handler that
// hangs until its request's context is done (fakellm.FaultHang) is released
// at the end of the test, before the server closes, so that Close never
// waits on it.
func serveFake(t *testing.T, h http.Handler) string {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		go func() {
			select {
			case <-release:
				cancel()
			case <-ctx.Done():
			}
		}()
		h.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return srv.URL
}

// ollamaYAML is a configuration whose one model provider, local, is the
// fake Ollama at host, with extra added at the top level.
func ollamaYAML(t *testing.T, host, extra string) string {
	return "data_dir: " + filepath.Join(t.TempDir(), "data") + "\n" + extra +
		"providers:\n  - name: local\n    kind: ollama\n    model: writer\n    host: " + host + "\n    max_concurrent: 64\n"
}

// reply is what a client got for one request.
type reply struct {
	stream  bool
	status  int
	body    []byte
	err     error
	elapsed time.Duration
}

// ask posts body, as a stream or not, and reads the whole answer.
func ask(client *http.Client, base, body string, stream bool) (r reply) {
	start := time.Now()
	r.stream = stream
	defer func() { r.elapsed = time.Since(start) }()
	req, err := http.NewRequest("POST", base+"/v1/bios", strings.NewReader(body))
	if err != nil {
		r.err = err
		return r
	}
	req.Header.Set("Content-Type", "application/json")
	if stream {
		req.Header.Set("Accept", "text/event-stream")
	}
	resp, err := client.Do(req)
	if err != nil {
		r.err = err
		return r
	}
	defer resp.Body.Close()
	r.status = resp.StatusCode
	r.body, r.err = io.ReadAll(resp.Body)
	return r
}

// response checks that r is a complete answer, a 200 whose body (or whose
// stream's done event) is a valid bio response, and returns it.
func (r reply) response() (*bio.Response, error) {
	if r.err != nil {
		return nil, fmt.Errorf("no complete answer: %w (status %d, %q)", r.err, r.status, r.body)
	}
	if r.status != 200 {
		return nil, fmt.Errorf("status %d: %s", r.status, r.body)
	}
	var got *bio.Response
	if r.stream {
		st, err := sse.ReadAll(bytes.NewReader(r.body))
		switch {
		case err != nil:
			return nil, fmt.Errorf("stream: %w: %s", err, r.body)
		case st.Error != nil || st.Done == nil:
			return nil, fmt.Errorf("stream without done: %s", r.body)
		case st.Events[len(st.Events)-1].Name != "done":
			return nil, fmt.Errorf("stream goes on after done: %s", r.body)
		case st.Text != st.Done.Bio:
			return nil, fmt.Errorf("streamed text %q; done says %q", st.Text, st.Done.Bio)
		}
		got = st.Done
	} else if err := json.Unmarshal(r.body, &got); err != nil {
		return nil, fmt.Errorf("%w: %s", err, r.body)
	}
	if got.Bio == "" || got.ID == "" || got.RequestID == "" || got.Provider == "" || got.Source == "" {
		return nil, fmt.Errorf("incomplete response %+v", got)
	}
	return got, nil
}

// TestSIGTERMAnswersEveryRequest sends SIGTERM while JSON requests and
// streams wait for a slow model: every one is answered, by the model when
// it finished within shutdown_grace, else by the template writer
// (degraded, local:timeout); the process exits 0, and its log holds
// nobody's name or user id.
func TestSIGTERMAnswersEveryRequest(t *testing.T) {
	const n = 8 // JSON requests, and as many streams
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait) // registered first, so it runs after the process is killed
	// Half the model calls write slowly, and end within the grace period;
	// the other half hang, and are cut off at its end.
	fake := fakellm.New(fakellm.Config{Models: []string{"writer"}, FirstToken: 300 * time.Millisecond, TokenDelay: 15 * time.Millisecond,
		Fault: func(i int64) fakellm.Fault {
			if i%2 == 0 {
				return fakellm.FaultHang
			}
			return fakellm.FaultNone
		}})
	p := start(t, ollamaYAML(t, serveFake(t, fake), "server:\n  shutdown_grace: 3s\n"))
	waitState(t, p.base, "ok")

	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	replies := make(chan reply, 2*n)
	for i := range 2 * n {
		wg.Go(func() { replies <- ask(client, p.base, chaosRequest("-"+strconv.Itoa(i)), i%2 == 1) })
	}
	for i := 0; fake.Requests() < 2*n; i++ {
		if i == 400 {
			t.Fatalf("the model saw %d requests; want %d in flight", fake.Requests(), 2*n)
		}
		time.Sleep(25 * time.Millisecond)
	}
	err := p.stop(t)
	wg.Wait()
	close(replies)
	var byModel, cut int
	for r := range replies {
		got, err := r.response()
		switch {
		case err != nil:
			t.Errorf("stream %v: %v", r.stream, err)
		case got.Source == bio.SourceOllama && !got.Degraded && len(got.FallbackReasons) == 0:
			byModel++
		case got.Source == bio.SourceTemplate && got.Degraded && slices.Equal(got.FallbackReasons, []string{"local:timeout"}):
			cut++
		default:
			t.Errorf("stream %v: got %+v; want the model's answer, or the template's with local:timeout", r.stream, got)
		}
	}
	t.Logf("%d answered by the model, %d cut off at the end of the grace period and answered by the template writer", byModel, cut)
	if cut == 0 {
		t.Errorf("no request was cut off: the hanging model calls were not in flight at the end of the grace period")
	}
	if err != nil {
		t.Errorf("exit: %v; want status 0", err)
	}
	logs := p.logs.String()
	for _, pii := range []string{chaosName, "Vandersloot", chaosUser} {
		if strings.Contains(logs, pii) {
			t.Errorf("the log holds %q", pii)
		}
	}
	if p.logLine("shutting down") == nil {
		t.Errorf("no shutdown in the log")
	}
}

// TestCorruptSnapshotStarts saves a semantic cache snapshot, damages it
// (a flipped byte, half of it, random bytes, nothing) and starts biogen on
// each: it serves, logs the unreadable snapshot, moves it aside and counts
// it.
func TestCorruptSnapshotStarts(t *testing.T) {
	fake := fakellm.New(fakellm.Config{Models: []string{"writer"}})
	host := serveFake(t, fake)
	snapshot := filepath.Join(t.TempDir(), "semantic.enc")
	yaml := ollamaYAML(t, host, "server:\n  admin_addr: 127.0.0.1:0\ncache:\n  persist_path: "+snapshot+"\n  key_env: BIOGEN_TEST_CACHE_KEY\n")
	key := "BIOGEN_TEST_CACHE_KEY=" + strings.Repeat("k", 32)
	p := start(t, yaml, key)
	waitState(t, p.base, "ok")
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	if got, err := ask(client, p.base, chaosRequest(""), false).response(); err != nil || got.Source != bio.SourceOllama {
		t.Fatalf("first run: %+v, %v", got, err)
	}
	if err := p.stop(t); err != nil {
		t.Fatalf("first run's exit: %v", err)
	}
	good, err := os.ReadFile(snapshot)
	if err != nil || len(good) < 64 {
		t.Fatalf("snapshot: %d bytes, %v", len(good), err)
	}
	garbage := make([]byte, len(good))
	rand.Read(garbage)
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	for _, tc := range []struct {
		name string
		bad  []byte
	}{
		{"one byte flipped", flipped},
		{"truncated to half", good[:len(good)/2]},
		{"garbage", garbage},
		{"empty", []byte{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(snapshot, tc.bad, 0o600); err != nil {
				t.Fatal(err)
			}
			p := start(t, yaml, key)
			if p.admin == "" {
				t.Fatal("no admin listener in the log")
			}
			p.waitOK(t, p.admin+"/healthz")
			waitState(t, p.base, "ok")
			got, err := ask(client, p.base, chaosRequest(""), false).response()
			if err != nil || got.Source != bio.SourceOllama || got.Cache != bio.CacheMiss {
				t.Fatalf("after a bad snapshot: %+v, %v; want a miss answered by the model", got, err)
			}
			line := p.logLine("the semantic cache snapshot cannot be read: moved aside, starting with an empty cache")
			if line == nil || line["level"] != "ERROR" {
				t.Errorf("log line %v; want an error about the unreadable snapshot", line)
			}
			aside, _ := filepath.Glob(snapshot + ".unreadable-*")
			if len(aside) != 1 {
				t.Fatalf("moved aside: %v; want one file", aside)
			}
			if moved, err := os.ReadFile(aside[0]); err != nil || !bytes.Equal(moved, tc.bad) {
				t.Errorf("%s holds %d bytes (%v); want the %d bad ones", aside[0], len(moved), err, len(tc.bad))
			}
			os.Remove(aside[0])
			if n := discarded(t, client, p.admin); n < 1 {
				t.Errorf("biogen_cache_snapshots_discarded_total %v; want 1 or more", n)
			}
			if err := p.stop(t); err != nil {
				t.Errorf("exit: %v", err)
			}
		})
	}
}

// discarded reads biogen_cache_snapshots_discarded_total from /metrics on
// the admin listener; -1 if it is missing.
func discarded(t *testing.T, client *http.Client, admin string) float64 {
	t.Helper()
	resp, err := client.Get(admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "biogen_cache_snapshots_discarded_total "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric value %q", v)
			}
			return f
		}
	}
	return -1
}

// TestHangingModelHoldsTheDeadline gives biogen a model that accepts the
// call and never answers: a JSON request and a stream are both answered
// within request_timeout by the template writer, degraded, local:timeout,
// and the model call is abandoned.
func TestHangingModelHoldsTheDeadline(t *testing.T) {
	fake := fakellm.New(fakellm.Config{Models: []string{"writer"}, Fault: func(int64) fakellm.Fault { return fakellm.FaultHang }})
	p := start(t, ollamaYAML(t, serveFake(t, fake), "server:\n  request_timeout: 2s\n"))
	waitState(t, p.base, "ok")
	// A bound only so that a deadline not held fails the test instead of
	// hanging it; the elapsed times are logged, not asserted.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	defer client.CloseIdleConnections()
	replies := make(chan reply, 2)
	for i, stream := range []bool{false, true} {
		go func() { replies <- ask(client, p.base, chaosRequest("-"+strconv.Itoa(i)), stream) }()
	}
	for range 2 {
		r := <-replies
		got, err := r.response()
		if err != nil || got.Source != bio.SourceTemplate || !got.Degraded || !slices.Equal(got.FallbackReasons, []string{"local:timeout"}) {
			t.Errorf("stream %v: %+v, %v; want the template's answer with local:timeout", r.stream, got, err)
		}
		t.Logf("stream %v: took %v with request_timeout 2s", r.stream, r.elapsed.Round(time.Millisecond))
	}
	// Both calls reached the model, and biogen hung up on each.
	for i := 0; fake.Cancelled() < 2; i++ {
		if i == 200 {
			t.Fatalf("the model saw %d calls and %d hang-ups; want 2 of each", fake.Requests(), fake.Cancelled())
		}
		time.Sleep(25 * time.Millisecond)
	}
	if err := p.stop(t); err != nil {
		t.Errorf("exit: %v", err)
	}
}
