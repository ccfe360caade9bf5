package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/leaktest"
)

// built is the binary every test runs, built once per package run into a
// directory that TestMain removes.
var built struct {
	once     sync.Once
	dir, bin string
	out      []byte
	err      error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "biogen-test-")
	if err != nil {
		panic(err)
	}
	built.dir = dir
	goleak.VerifyTestMain(m, append(leaktest.Options, goleak.Cleanup(func(code int) {
		os.RemoveAll(dir)
		os.Exit(code)
	}))...)
}

const request = `{"user_id":"w-1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
	"company":"Northwind Health","years_experience":12,"skills":["Go","Kafka","PostgreSQL"],
	"achievements":["Cut claims processing time from 3 days to 4 hours"]},"options":{"length":"short"}}`

// binary returns biogen's binary, built on first use, once for all the
// tests of the package.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.bin = filepath.Join(built.dir, "biogen")
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	if built.err != nil {
		t.Fatalf("go build: %v\n%s", built.err, built.out)
	}
	return built.bin
}

// serve runs the binary with no configuration, the given OLLAMA_HOST, on a
// free loopback port, until the test ends; it returns the base URL.
func serve(t *testing.T, bin, ollamaHost string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin)
	cmd.Dir = t.TempDir() // the default data_dir is in the working directory
	cmd.Env = append(os.Environ(), "OLLAMA_HOST="+ollamaHost, "BIOGEN_ADDR="+addr, "BIOGEN_CONFIG=")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("biogen's log:\n%s", logs.String())
		}
	})
	base := "http://" + addr
	for i := 0; ; i++ {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return base
		}
		if i == 200 {
			t.Fatalf("biogen did not start:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func post(t *testing.T, base string) bio.Response {
	t.Helper()
	resp, err := http.Post(base+"/v1/bios", "application/json", strings.NewReader(request))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out bio.Response
	if resp.StatusCode != 200 || json.Unmarshal(b, &out) != nil {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	return out
}

// providerState reads /readyz's state of the provider "local" and its error.
func providerState(t *testing.T, base string) (string, string) {
	t.Helper()
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Providers []struct{ Name, State, Error string }
	}
	json.NewDecoder(resp.Body).Decode(&r)
	for _, p := range r.Providers {
		if p.Name == "local" {
			return p.State, p.Error
		}
	}
	t.Fatalf("no provider local in /readyz: %+v", r)
	return "", ""
}

// waitState polls /readyz until the provider local is in state, a bounded
// number of times.
func waitState(t *testing.T, base, state string) string {
	t.Helper()
	return waitReason(t, base, state, "")
}

// waitReason is waitState until the reason holds want too: /readyz may
// report a state before the start-up model check has said why (a missing
// model, then what to pull).
func waitReason(t *testing.T, base, state, want string) string {
	t.Helper()
	var got, why string
	for i := 0; i < 200; i++ {
		if got, why = providerState(t, base); got == state && strings.Contains(why, want) {
			return why
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("provider local is %q (%s); want %q", got, why, state)
	return ""
}

// TestWithoutConfig runs the binary with no configuration, as `make run`
// does: it writes with the local Ollama's writer model; with no Ollama it
// answers with a template bio, degraded, and /readyz says why; with the
// base model only, it creates the writer model from its embedded
// Modelfile and then writes with it.
func TestWithoutConfig(t *testing.T) {
	bin := binary(t)
	t.Run("the writer model is there", func(t *testing.T) {
		fake := httptest.NewServer(fakellm.New(fakellm.Config{Models: []string{config.DefaultModel}}))
		defer fake.Close()
		base := serve(t, bin, fake.URL)
		waitState(t, base, "ok")
		got := post(t, base)
		if got.Source != bio.SourceOllama || got.Provider != "local" || got.Model != config.DefaultModel || got.Degraded {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("no Ollama", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		gone := "http://" + ln.Addr().String()
		ln.Close() // nothing listens there now
		base := serve(t, bin, gone)
		why := waitState(t, base, "unreachable")
		got := post(t, base)
		if got.Source != bio.SourceTemplate || !got.Degraded || strings.Join(got.FallbackReasons, ",") != "local:unavailable" || why == "" {
			t.Fatalf("got %+v; readyz says %q", got, why)
		}
	})
	t.Run("only the base model", func(t *testing.T) {
		fake := httptest.NewServer(fakellm.New(fakellm.Config{Models: []string{"llama3.1:8b"}}))
		defer fake.Close()
		base := serve(t, bin, fake.URL)
		waitState(t, base, "ok")
		if got := post(t, base); got.Source != bio.SourceOllama || got.Model != config.DefaultModel {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("no base model", func(t *testing.T) {
		fake := httptest.NewServer(fakellm.New(fakellm.Config{Models: []string{"other:1b"}}))
		defer fake.Close()
		base := serve(t, bin, fake.URL)
		// /readyz says which model is missing and what to pull; biogen
		// pulls nothing by itself.
		why := waitReason(t, base, "model_missing", "ollama pull")
		if !strings.Contains(why, config.DefaultModel) || !strings.Contains(why, "ollama pull llama3.1:8b") {
			t.Fatalf("readyz says %q", why)
		}
		if got := post(t, base); got.Source != bio.SourceTemplate || !got.Degraded || strings.Join(got.FallbackReasons, ",") != "local:unavailable" {
			t.Fatalf("got %+v", got)
		}
	})
}
