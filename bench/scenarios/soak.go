package scenarios

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/biogen/biogen/bench/load"
	"github.com/biogen/biogen/internal/corpus"
)

// The soak scenario (issue 13): distinct requests, each a cache miss that
// is stored, through a tenant with the default cache settings, for
// Options.SoakDuration, while biogen's RSS is read every soakEvery.
const (
	soakSeed = 13 // corpus seed of the soak's requests; the bench's bodies use 1
	// SoakConcurrency is the soak's default closed-loop concurrency: on
	// 2 cores, 16 to 32 in flight gave the most requests a second, more
	// only added latency.
	SoakConcurrency = 32
	soakEvery       = 2 * time.Second
	soakTail        = 10 * time.Second // sampling after the load stops
	soakWindow      = time.Minute      // the first and last windows of throughput
)

// soakMetrics are the series of biogen's /metrics a soak keeps.
var soakMetrics = []string{"biogen_cache_bytes", "biogen_cache_entries", "biogen_cache_evictions_total",
	"go_memstats_heap_inuse_bytes", "go_memstats_heap_objects", "go_memstats_sys_bytes"}

// SoakSample is one reading of biogen during a soak.
type SoakSample struct {
	// T is the time since the load started, in seconds.
	T float64 `json:"t_s"`
	// RSS is biogen's resident memory.
	RSS int64 `json:"rss_bytes"`
	// Done counts the requests completed since the load started.
	Done int64 `json:"completed"`
	// CPU is the CPU time biogen has used since it started, in seconds;
	// GCCPU the part of it the Go collector used (the runtime's estimate,
	// go_gc_cpu_seconds_total), and Heap the heap in use, both read from
	// biogen's /metrics (0 when it cannot be read).
	CPU   float64 `json:"cpu_s"`
	GCCPU float64 `json:"gc_cpu_s,omitempty"`
	Heap  int64   `json:"heap_inuse_bytes,omitempty"`
}

// SoakWindow is what biogen did in a window of the soak's load.
type SoakWindow struct {
	// RPS is the requests completed a second.
	RPS float64 `json:"rps"`
	// CPUPerRequest is biogen's CPU time per request completed, in
	// microseconds: its own cost, which the box's other load blurs less
	// than it does throughput.
	CPUPerRequest float64 `json:"cpu_us_per_request"`
	// GCShare is the share of biogen's CPU time its collector used.
	GCShare float64 `json:"gc_share_of_cpu"`
}

// Soak is what the soak scenario measured; deriveSoak fills the figures
// from Samples, LoadEnd and Window.
type Soak struct {
	Duration    float64 `json:"duration_s"`
	Concurrency int     `json:"concurrency"`
	// LoadEnd is when the load stopped (the last request answered), in
	// seconds since it started; later samples are the idle tail.
	LoadEnd float64 `json:"load_end_s"`
	// IdleRSS is biogen's RSS just before the load (a fresh process);
	// PeakRSS the most of any sample; RSSAfter the last sample, about
	// soakTail after the load.
	IdleRSS  int64 `json:"idle_rss_bytes"`
	PeakRSS  int64 `json:"peak_rss_bytes"`
	RSSAfter int64 `json:"rss_after_bytes"`
	// Window is the length of the first and last windows of throughput:
	// a minute, or half the load when that is shorter.
	Window float64 `json:"window_s"`
	// First and Last are the first and last windows of the load;
	// LastOverFirst is the ratio of their throughputs.
	First         SoakWindow `json:"first_window"`
	Last          SoakWindow `json:"last_window"`
	LastOverFirst float64    `json:"last_over_first"`
	// Metrics are soakMetrics' series from biogen's /metrics at the end.
	Metrics map[string]float64 `json:"metrics,omitempty"`
	Samples []SoakSample       `json:"samples"`
}

// soakSampler records SoakSamples. Its zero value is not usable: set rss,
// cpu, done and start (scrape may be nil). It is safe for concurrent use.
type soakSampler struct {
	rss    func() int64
	cpu    func() time.Duration
	scrape func() map[string]float64
	done   *atomic.Int64
	start  time.Time

	mu      sync.Mutex
	samples []SoakSample
}

// take records one sample now.
func (s *soakSampler) take() {
	s.mu.Lock()
	defer s.mu.Unlock()
	x := SoakSample{T: time.Since(s.start).Seconds(), RSS: s.rss(), Done: s.done.Load(), CPU: s.cpu().Seconds()}
	if s.scrape != nil {
		m := s.scrape()
		x.GCCPU, x.Heap = m["go_gc_cpu_seconds_total"], int64(m["go_memstats_heap_inuse_bytes"])
	}
	s.samples = append(s.samples, x)
}

// every takes a sample each d until stop is closed; its caller waits for
// it to return.
func (s *soakSampler) every(d time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			s.take()
		case <-stop:
			return
		}
	}
}

func (s *soakSampler) all() []SoakSample {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SoakSample(nil), s.samples...)
}

// runSoak runs the soak scenario, if it is selected and has a duration
// and a binary, and adds it to s.
func (e *env) runSoak(ctx context.Context, s *Summary) {
	o := e.opts
	if o.SoakDuration <= 0 || !selected(o.Only, "soak") {
		return
	}
	if o.Binary == "" {
		e.logf("soak: skipped: it reads biogen's own memory, which needs -binary")
		return
	}
	e.logf("running soak: %s of distinct requests, %d in flight", o.SoakDuration, o.SoakConcurrency)
	r, soak, err := e.soak(ctx)
	if err != nil {
		e.logf("soak failed: %v", err)
		return
	}
	s.Results = append(s.Results, *r)
	s.Soak = soak
	e.logf("  soak: %d sent, %d errors; RSS idle %s MB, peak %s MB, after %s MB; %.0f req/s in the first %.0f s, %.0f in the last (%.2f)",
		r.Sent, r.Errors, mb(soak.IdleRSS), mb(soak.PeakRSS), mb(soak.RSSAfter), soak.First.RPS, soak.Window, soak.Last.RPS, soak.LastOverFirst)
}

// soak runs the soak scenario against a fresh biogen process, so that its
// idle memory is a new process's and no other scenario's heap is in it.
func (e *env) soak(ctx context.Context) (*Result, *Soak, error) {
	o := e.opts
	admin := strings.TrimPrefix(closedPort(), "http://")
	env := append(os.Environ(), "BIOGEN_ADMIN_ADDR="+admin)
	if o.SoakHeapProfile != "" {
		env = append(env, "BIOGEN_ADMIN_PPROF=1")
	}
	p, err := startBiogenProcess(e.config(), o.Binary, env)
	if err != nil {
		return nil, nil, err
	}
	defer p.stop()
	e.logf("soak: biogen pid %d, admin listener %s", p.cmd.Process.Pid, admin)

	var done atomic.Int64
	metrics := "http://" + admin + "/metrics"
	smp := &soakSampler{rss: p.rss, cpu: p.cpu, done: &done, start: time.Now(), scrape: func() map[string]float64 {
		m, _ := scrapeMetrics(metrics, []string{"go_gc_cpu_seconds_total", "go_memstats_heap_inuse_bytes"})
		return m
	}}
	smp.take()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { smp.every(soakEvery, stop) })
	cpu := p.cpu()
	url, auth := p.url()+"/v1/bios", "Bearer "+key("soak")
	rep := load.Run(ctx, load.Config{Concurrency: o.SoakConcurrency, Duration: o.SoakDuration,
		Do: func(ctx context.Context, i int) load.Result {
			r := corpus.Request(soakSeed, i) // a new user and profile each time
			return PostBio(e.client, url, auth, corpus.Body(&r))
		},
		Observe: func(int, time.Duration) { done.Add(1) },
	})
	smp.take()
	loadEnd := time.Since(smp.start).Seconds()
	used := p.cpu() - cpu
	if o.SoakHeapProfile != "" {
		if err := saveURL("http://"+admin+"/debug/pprof/heap", o.SoakHeapProfile); err != nil {
			e.logf("soak: heap profile: %v", err)
		}
	}
	time.Sleep(soakTail)
	close(stop)
	wg.Wait()
	smp.take()

	s := &Soak{Duration: o.SoakDuration.Seconds(), Concurrency: o.SoakConcurrency, LoadEnd: loadEnd, Samples: smp.all()}
	if s.Metrics, err = scrapeMetrics(metrics, soakMetrics); err != nil {
		e.logf("soak: %v", err)
	}
	deriveSoak(s, soakWindow)
	rep.Name = "soak"
	r := &Result{Report: rep, RSSBytes: s.Samples[len(s.Samples)-1].RSS,
		Note: "distinct requests (a new user and profile each, every one a miss that is stored) through the fast upstream with the default cache settings, closed loop; biogen's RSS every 2 s (see Soak)"}
	if rep.Sent > 0 {
		r.CPUPerRequest = float64(used.Microseconds()) / float64(rep.Sent)
	}
	return r, s, nil
}

// deriveSoak fills the figures of s from its samples: the idle RSS is the
// first sample's, the RSS after the load the last one's, and the
// throughput of a window is the requests completed between the samples
// that bound it.
func deriveSoak(s *Soak, window time.Duration) {
	if len(s.Samples) == 0 {
		return
	}
	s.IdleRSS, s.RSSAfter = s.Samples[0].RSS, s.Samples[len(s.Samples)-1].RSS
	for _, x := range s.Samples {
		s.PeakRSS = max(s.PeakRSS, x.RSS)
	}
	s.Window = min(window.Seconds(), s.LoadEnd/2)
	var load []SoakSample // the samples from the load's start to its end
	for _, x := range s.Samples {
		if x.T <= s.LoadEnd {
			load = append(load, x)
		}
	}
	if len(load) < 2 || s.Window <= 0 {
		return
	}
	first, last := load[0], load[len(load)-1]
	a := len(load) - 1 // the first sample a window past the start
	for i, x := range load {
		if x.T-first.T >= s.Window {
			a = i
			break
		}
	}
	b := 0 // the last sample a window before the end
	for i, x := range load {
		if last.T-x.T >= s.Window {
			b = i
		}
	}
	s.First, s.Last = between(first, load[a]), between(load[b], last)
	if s.First.RPS > 0 {
		s.LastOverFirst = s.Last.RPS / s.First.RPS
	}
}

// between is what biogen did between two samples.
func between(a, b SoakSample) SoakWindow {
	var w SoakWindow
	if b.T <= a.T {
		return w
	}
	n := float64(b.Done - a.Done)
	w.RPS = n / (b.T - a.T)
	if n > 0 {
		w.CPUPerRequest = (b.CPU - a.CPU) * 1e6 / n
	}
	if b.CPU > a.CPU {
		w.GCShare = (b.GCCPU - a.GCCPU) / (b.CPU - a.CPU)
	}
	return w
}

// scrapeMetrics reads the series of the named metrics from a Prometheus
// text endpoint.
func scrapeMetrics(url string, names []string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, fmt.Errorf("cannot scrape %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("cannot scrape %s: status %d", url, resp.StatusCode)
	}
	return parseMetrics(resp.Body, names)
}

// parseMetrics keeps the series of the named metrics ("name" or
// "name{labels}" as the key) from Prometheus text.
func parseMetrics(r io.Reader, names []string) (map[string]float64, error) {
	out := map[string]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		series := line[:i]
		name, _, _ := strings.Cut(series, "{")
		for _, n := range names {
			if name == n {
				if v, err := strconv.ParseFloat(line[i+1:], 64); err == nil {
					out[series] = v
				}
			}
		}
	}
	return out, sc.Err()
}

// saveURL writes what url answers to path.
func saveURL(url, path string) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: status %d", url, resp.StatusCode)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
