package wiring

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/config"
)

func loadConfig(t *testing.T, yaml string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "biogen.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(yaml, "data_dir") {
		// Not the default in the package's directory: each test has its
		// own durable state, and two running at once never share a file.
		cfg.DataDir = t.TempDir()
	}
	if !strings.Contains(yaml, "per_user") {
		// Most tests send many requests for one user: no per-user bucket
		// unless the test's configuration sets one.
		for i := range cfg.Tenants {
			cfg.Tenants[i].RateLimit.PerUser.RequestsPerMinute = new(0)
		}
	}
	return cfg
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestRunServesAndStops runs biogen with the default keyless loopback
// configuration, asks for a bio, and stops it as SIGTERM would.
func TestRunServesAndStops(t *testing.T) {
	cfg := loadConfig(t, "server:\n  addr: 127.0.0.1:0\n  admin_addr: 127.0.0.1:0\n  shutdown_grace: 2s\n")
	a, err := Build(cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addrs := make(chan [2]net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, func(p, adm net.Addr) { addrs <- [2]net.Addr{p, adm} }) }()
	got := <-addrs
	client := &http.Client{Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Post("http://"+got[0].String()+"/v1/bios", "application/json",
		strings.NewReader(`{"user_id":"u1","profile":{"name":"Ada Okafor","current_role":"Engineer"}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Ada Okafor") {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	resp, err = client.Get("http://" + got[1].String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("admin metrics: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	// The port is released.
	if _, err := client.Get("http://" + got[0].String() + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestBuildNeedsTheExternalKey(t *testing.T) {
	t.Setenv("BIOGEN_TEST_EMPTY_KEY", "")
	cfg := loadConfig(t, "providers:\n  - name: ext\n    kind: external\n    base_url: http://127.0.0.1:1\n    model: m\n    api_key_env: BIOGEN_TEST_EMPTY_KEY\ntenants:\n  - id: a\n    policy: allow_external\n    chain: [ext]\n")
	if _, err := Build(cfg, quiet); err == nil || !strings.Contains(err.Error(), "providers[0]: api_key_env") {
		t.Fatalf("got %v", err)
	}
}

func TestRunReportsBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := loadConfig(t, "server:\n  addr: "+ln.Addr().String()+"\n")
	a, err := Build(cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Run(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "server.addr") {
		t.Fatalf("got %v", err)
	}
}

func TestProbe(t *testing.T) {
	ok := http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			w.WriteHeader(503)
		}
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ok.Serve(ln)
	defer ok.Close()
	base := "http://" + ln.Addr().String()
	if err := Probe(base + "/healthz"); err != nil {
		t.Fatalf("healthy: %v", err)
	}
	if err := Probe(base + "/other"); err == nil {
		t.Fatal("503 taken for healthy")
	}
	http.DefaultClient.CloseIdleConnections()
}

// TestMemoryLimit: Run gives the runtime the configuration's soft memory
// limit, unless GOMEMLIMIT set one.
func TestMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	a := &App{Config: &config.Config{MemoryLimit: 300 << 20}, log: quiet}
	t.Setenv("GOMEMLIMIT", "")
	a.limitMemory()
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Fatalf("limit %d; want 300 MiB", got)
	}
	debug.SetMemoryLimit(old)
	t.Setenv("GOMEMLIMIT", "1GiB")
	a.limitMemory()
	if got := debug.SetMemoryLimit(-1); got != old {
		t.Fatalf("limit %d with GOMEMLIMIT set; want it untouched (%d)", got, old)
	}
}
