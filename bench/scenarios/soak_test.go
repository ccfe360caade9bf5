package scenarios

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// soakSamples makes samples every 2 s of a load of loadEnd seconds at
// rate(t) requests a second, biogen using cpuUS µs a request, and RSS
// rss(t), a tenth of it in the collector, with a sample at the load's end
// just after a tick and idle samples for 10 s after.
func soakSamples(loadEnd float64, rate func(t float64) float64, cpuUS float64, rss func(t float64) int64) []SoakSample {
	var out []SoakSample
	var done float64
	add := func(t float64) {
		cpu := done * cpuUS / 1e6
		out = append(out, SoakSample{T: t, RSS: rss(t), Done: int64(math.Round(done)), CPU: cpu, GCCPU: cpu / 10})
	}
	add(0)
	for t := 2.0; t <= loadEnd; t += 2 {
		done += 2 * rate(t-1)
		add(t)
	}
	add(loadEnd + 0.02)
	for t := math.Ceil(loadEnd/2)*2 + 2; t <= loadEnd+10; t += 2 {
		add(t)
	}
	return out
}

func TestDeriveSoak(t *testing.T) {
	f := func(loadEnd float64, rate func(float64) float64, rss func(float64) int64, wantWindow, wantFirst, wantLast float64, wantPeak, wantAfter int64) {
		t.Helper()
		s := &Soak{LoadEnd: loadEnd + 0.02, Samples: soakSamples(loadEnd, rate, 500, rss)}
		deriveSoak(s, time.Minute)
		near := func(got, want float64) bool { return math.Abs(got-want) <= 0.01*want }
		if !near(s.Window, wantWindow) || !near(s.First.RPS, wantFirst) || !near(s.Last.RPS, wantLast) || !near(s.LastOverFirst, wantLast/wantFirst) {
			t.Fatalf("window %.2f s, first %.1f req/s, last %.1f, ratio %.3f; want %.2f s, %.1f, %.1f, %.3f",
				s.Window, s.First.RPS, s.Last.RPS, s.LastOverFirst, wantWindow, wantFirst, wantLast, wantLast/wantFirst)
		}
		if !near(s.First.CPUPerRequest, 500) || !near(s.Last.CPUPerRequest, 500) || !near(s.First.GCShare, 0.1) || !near(s.Last.GCShare, 0.1) {
			t.Fatalf("CPU per request %.1f / %.1f µs, GC share %.3f / %.3f; want 500 µs, 0.1", s.First.CPUPerRequest, s.Last.CPUPerRequest, s.First.GCShare, s.Last.GCShare)
		}
		if s.IdleRSS != rss(0) || s.PeakRSS != wantPeak || s.RSSAfter != wantAfter {
			t.Fatalf("RSS idle %d, peak %d, after %d; want %d, %d, %d", s.IdleRSS, s.PeakRSS, s.RSSAfter, rss(0), wantPeak, wantAfter)
		}
	}
	const mib = 1 << 20
	// Three minutes: 1,000 req/s for the first minute, 800 for the last;
	// RSS climbs to 300 MiB at 100 s, then falls to 200 MiB.
	f(180, func(t float64) float64 {
		switch {
		case t < 60:
			return 1000
		case t < 120:
			return 900
		}
		return 800
	}, func(t float64) int64 {
		if t <= 100 {
			return int64(20*mib + t*2.8*mib)
		}
		return 200 * mib
	}, 60, 1000, 800, 300*mib, 200*mib)
	// A soak of 10 s: the windows are its halves. RSS grows in the tail
	// too.
	f(10, func(float64) float64 { return 100 }, func(t float64) int64 { return int64(20*mib + t*mib) }, 5.01, 100, 100, 40*mib, 40*mib)
}

// TestSoakSampler samples a fake process every 2 s in a bubble of fake
// time.
func TestSoakSampler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var done, rss atomic.Int64
		s := &soakSampler{rss: func() int64 { return rss.Add(1 << 20) }, cpu: func() time.Duration { return time.Second }, done: &done, start: time.Now()}
		s.take()
		stop := make(chan struct{})
		finished := make(chan struct{})
		go func() { s.every(2*time.Second, stop); close(finished) }()
		time.Sleep(time.Second / 2) // never at a tick
		for range 7 {
			done.Add(10)
			time.Sleep(time.Second)
		}
		close(stop)
		<-finished
		got := s.all()
		if len(got) != 4 {
			t.Fatalf("%d samples; want 4: %+v", len(got), got)
		}
		for i, x := range got {
			if x.T != float64(2*i) || x.RSS != int64(i+1)<<20 || x.CPU != 1 || x.Done != int64(20*i) {
				t.Fatalf("sample %d: %+v; want t %d s, RSS %d MiB, %d done", i, x, 2*i, i+1, 20*i)
			}
		}
	})
}

func TestParseMetrics(t *testing.T) {
	text := `# HELP biogen_cache_bytes Bytes the caches account for.
# TYPE biogen_cache_bytes gauge
biogen_cache_bytes{cache="exact"} 67108864
biogen_cache_bytes{cache="semantic"} 2.01326592e+08
biogen_cache_bytes_other 5
biogen_cache_entries{cache="semantic"} 44000
biogen_cache_evictions_total{cache="exact"} 12
go_memstats_heap_inuse_bytes 3.5e+08
`
	got, err := parseMetrics(strings.NewReader(text), soakMetrics)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{`biogen_cache_bytes{cache="exact"}`: 67108864, `biogen_cache_bytes{cache="semantic"}`: 201326592,
		`biogen_cache_entries{cache="semantic"}`: 44000, `biogen_cache_evictions_total{cache="exact"}`: 12, "go_memstats_heap_inuse_bytes": 3.5e8}
	if len(got) != len(want) {
		t.Fatalf("got %v; want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: got %v; want %v", k, got[k], v)
		}
	}
}

// TestSoakReports writes a soak into every report: its figures, and a
// second chart in report.html.
func TestSoakReports(t *testing.T) {
	const mib = 1 << 20
	soak := &Soak{Duration: 180, Concurrency: 32, LoadEnd: 180.02,
		Samples: soakSamples(180, func(float64) float64 { return 1000 }, 600, func(t float64) int64 { return int64(25*mib + t*mib) }),
		Metrics: map[string]float64{`biogen_cache_bytes{cache="exact"}`: 64 * mib, `biogen_cache_bytes{cache="semantic"}`: 190 * mib,
			`biogen_cache_entries{cache="semantic"}`: 44000, `biogen_cache_evictions_total{cache="semantic"}`: 136000}}
	deriveSoak(soak, time.Minute)
	s := &Summary{Soak: soak, Overheads: map[string]float64{}, Results: []Result{{Note: "soak"}}}
	s.Results[0].Name = "soak"
	var table bytes.Buffer
	WriteTable(&table, s)
	for _, want := range []string{"peak RSS: 215.0 MB", "1000 / 1000 req/s (last/first 1.00)", "600 / 600 µs", "10% / 10%", "semantic 190.0 MB", "44000", "semantic 136000\n"} {
		if !strings.Contains(table.String(), want) {
			t.Fatalf("table lacks %q:\n%s", want, table.String())
		}
	}
	dir := t.TempDir()
	if err := WriteMarkdown(filepath.Join(dir, "R.md"), s, ""); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "R.md")); !bytes.Contains(b, []byte("## Soak")) || !bytes.Contains(b, []byte("| peak RSS | 215.0 MB |")) {
		t.Fatalf("RESULTS.md:\n%s", b)
	}
	if err := WriteHTML(filepath.Join(dir, "r.html"), s); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "r.html"))
	if bytes.Count(b, []byte("<svg")) != 2 || bytes.Count(b, []byte("<polyline")) < 3 || bytes.Contains(b, []byte("<script")) {
		t.Fatalf("report.html: want the latency chart and the soak chart, no scripts:\n%s", b)
	}
}

// TestSoakNeedsBinary runs only the soak, in process: it is skipped, and
// says so.
func TestSoakNeedsBinary(t *testing.T) {
	bodies, err := ReadBodies("")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	s, err := Run(context.Background(), Options{Duration: time.Second, Rate: 10, Bodies: bodies[:5], Only: []string{"soak"}, SoakDuration: time.Second, Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	if s.Soak != nil || len(s.Results) != 0 || !strings.Contains(log.String(), "soak: skipped") {
		t.Fatalf("soak %+v, %d results, log:\n%s", s.Soak, len(s.Results), log.String())
	}
}
