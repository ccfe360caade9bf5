package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/leaktest"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// TestScenarios runs every scenario for a second at a low rate and checks
// the reports: their structure, that requests succeeded, and that each
// scenario exercised what it claims (never wall-clock thresholds).
func TestScenarios(t *testing.T) {
	bodies, err := ReadBodies("") // the bench's own bodies: it must need no file
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(context.Background(), Options{Duration: time.Second, Rate: 20, Bodies: bodies[:40], SweepRates: []float64{20, 40}, SweepAnyLatency: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"direct-fast", "miss", "direct", "model", "direct-stream", "stream", "hit", "fallback", "overload", "miss-max", "hit-max", "baseline-1kb"}
	if len(s.Results) != len(want) {
		t.Fatalf("%d results; want %d", len(s.Results), len(want))
	}
	for i, r := range s.Results {
		if r.Name != want[i] || r.Sent == 0 || r.OK != r.Sent || r.Errors != 0 || r.Latency.P50 <= 0 || r.Latency.Max < r.Latency.P99 || len(r.Distribution) == 0 || r.Note == "" {
			t.Fatalf("%s: %+v", want[i], r.Report)
		}
	}
	get := func(name string) Result {
		for _, r := range s.Results {
			if r.Name == name {
				return r
			}
		}
		t.Fatalf("no %s", name)
		return Result{}
	}
	if r := get("hit"); r.ByLabel["cache=exact"] != r.OK {
		t.Fatalf("hit: %v", r.ByLabel)
	}
	if r := get("miss"); r.ByLabel["cache=miss"] != r.OK || r.ByLabel["source=ollama"] != r.OK || r.ByLabel["degraded"] != 0 {
		t.Fatalf("miss: %v", r.ByLabel)
	}
	if r := get("fallback"); r.ByLabel["source=template"] != r.OK || r.ByLabel["degraded"] != r.OK {
		t.Fatalf("fallback: %v", r.ByLabel)
	}
	if r := get("stream"); r.FirstDelta == nil || r.FirstDelta.P50 <= 0 {
		t.Fatalf("stream: no first-delta figures")
	}
	if _, ok := s.Overheads["model_minus_direct_p50"]; !ok {
		t.Fatalf("derived figures: %v", s.Overheads)
	}
	// The reports write.
	dir := t.TempDir()
	var table bytes.Buffer
	WriteTable(&table, s)
	if !strings.Contains(table.String(), "baseline-1kb") {
		t.Fatalf("table:\n%s", table.String())
	}
	if err := WriteJSON(filepath.Join(dir, "r.json"), s); err != nil {
		t.Fatal(err)
	}
	var back Summary
	b, _ := os.ReadFile(filepath.Join(dir, "r.json"))
	if err := json.Unmarshal(b, &back); err != nil || len(back.Results) != len(want) {
		t.Fatalf("results.json: %v", err)
	}
	if err := WriteHTML(filepath.Join(dir, "r.html"), s); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "r.html")); !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("polyline")) {
		t.Fatal("report.html has no chart")
	}
	if err := WriteMarkdown(filepath.Join(dir, "R.md"), s, "## Analysis\n"); err != nil {
		t.Fatal(err)
	}
}

// TestProcessCPU reads this process's CPU time the way the scenarios read
// biogen's, before and after some work.
func TestProcessCPU(t *testing.T) {
	self, err := os.FindProcess(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: &exec.Cmd{Process: self}}
	before := p.cpu()
	x := 0
	for n := 0; n < 5000 && p.cpu()-before < 30*time.Millisecond; n++ {
		for i := range 1_000_000 {
			x += i
		}
	}
	if after := p.cpu(); after-before < 30*time.Millisecond || x == 0 {
		t.Fatalf("cpu: %s then %s", before, p.cpu())
	}
}

// TestBiogensKeepTheirOwnStore starts two biogens from the same
// configuration at once, as the soak does beside the scenarios' biogen:
// each keeps its store in its own directory, so the second is not locked
// out of the first one's file.
func TestBiogensKeepTheirOwnStore(t *testing.T) {
	const yaml = "server:\n  addr: 127.0.0.1:0\nlog:\n  level: error\n"
	var started []target
	defer func() {
		for _, b := range started {
			b.stop()
		}
	}()
	for i := range 2 {
		b, err := startBiogen(context.Background(), yaml, "")
		if err != nil {
			t.Fatalf("biogen %d: %v", i, err)
		}
		started = append(started, b)
	}
}
