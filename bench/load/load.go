// Package load drives HTTP load and measures latency honestly.
//
// In open-loop mode each request has an intended start on a fixed schedule
// (rate per second) and is sent then, whether or not earlier requests have
// answered; its latency runs from the intended start, so a server that
// stalls is charged for every request that had to wait (no coordinated
// omission). Closed-loop mode keeps a fixed number of requests in flight.
// Latencies go into HDR histograms, so percentiles come from every sample.
package load

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// Result is what one request gave.
type Result struct {
	// Status is the HTTP status; 0 for a transport error.
	Status int
	// Labels count outcomes, e.g. "source=ollama", "cache=exact".
	Labels []string
	// FirstByte is the time from sending to the first delta of a stream;
	// 0 when not measured.
	FirstByte time.Duration
	Err       error
}

// Config is one run.
type Config struct {
	// Name labels the run in reports.
	Name string
	// Rate is the open-loop rate in requests per second; 0 selects
	// closed-loop mode with Concurrency requests in flight.
	Rate        float64
	Concurrency int
	// Duration and MaxRequests end the run, whichever comes first.
	Duration    time.Duration
	MaxRequests int
	// MaxInFlight bounds open-loop requests in flight (default 10,000):
	// past it the generator itself would be the bottleneck, and requests are
	// counted as not sent.
	MaxInFlight int
	// Do sends request i and reports it. It must honour ctx.
	Do func(ctx context.Context, i int) Result
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Observe, if set, is told each request's latency as it completes, in
	// either mode; it is called from many goroutines at once.
	Observe func(i int, latency time.Duration)
}

// Percentiles are latencies in milliseconds.
type Percentiles struct {
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	P999 float64 `json:"p99_9_ms"`
	Max  float64 `json:"max_ms"`
	Mean float64 `json:"mean_ms"`
}

// Report is the outcome of a run.
type Report struct {
	Name        string         `json:"name"`
	Mode        string         `json:"mode"`
	Rate        float64        `json:"rate,omitempty"`
	Concurrency int            `json:"concurrency,omitempty"`
	Sent        int            `json:"sent"`
	NotSent     int            `json:"not_sent,omitempty"`
	OK          int            `json:"ok"`
	Errors      int            `json:"errors"`
	Elapsed     float64        `json:"elapsed_s"`
	Throughput  float64        `json:"throughput_rps"`
	Latency     Percentiles    `json:"latency"`
	FirstDelta  *Percentiles   `json:"first_delta,omitempty"`
	ByStatus    map[string]int `json:"by_status"`
	ByLabel     map[string]int `json:"by_label"`
	// Distribution is (latency ms, cumulative fraction) for charts.
	Distribution [][2]float64 `json:"distribution"`
}

type recorder struct {
	mu       sync.Mutex
	lat      *hdrhistogram.Histogram
	first    *hdrhistogram.Histogram
	ok, errs int
	status   map[string]int
	labels   map[string]int
}

func newRecorder() *recorder {
	return &recorder{
		// 1 µs to 60 s, 3 significant digits.
		lat:    hdrhistogram.New(1, 60_000_000, 3),
		first:  hdrhistogram.New(1, 60_000_000, 3),
		status: map[string]int{}, labels: map[string]int{},
	}
}

func (r *recorder) add(res Result, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lat.RecordValue(max(1, d.Microseconds()))
	if res.FirstByte > 0 {
		r.first.RecordValue(max(1, res.FirstByte.Microseconds()))
	}
	key := fmt.Sprint(res.Status)
	if res.Err != nil && res.Status == 0 {
		key = "transport_error"
	}
	r.status[key]++
	if res.Err == nil && res.Status >= 200 && res.Status < 300 {
		r.ok++
	} else {
		r.errs++
	}
	for _, l := range res.Labels {
		r.labels[l]++
	}
}

// Run runs cfg and reports.
func Run(ctx context.Context, cfg Config) Report {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 10000
	}
	if cfg.MaxRequests <= 0 {
		cfg.MaxRequests = 1 << 30
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration+30*time.Second)
	defer cancel()
	rec := newRecorder()
	start := now()
	var sent, notSent int
	if cfg.Rate > 0 {
		sent, notSent = openLoop(ctx, cfg, rec, start, now)
	} else {
		sent = closedLoop(ctx, cfg, rec, start, now)
	}
	elapsed := now().Sub(start)
	rep := Report{
		Name: cfg.Name, Sent: sent, NotSent: notSent, OK: rec.ok, Errors: rec.errs,
		Elapsed: elapsed.Seconds(), Throughput: float64(rec.ok) / elapsed.Seconds(),
		Latency: percentiles(rec.lat), ByStatus: rec.status, ByLabel: rec.labels,
		Distribution: distribution(rec.lat),
	}
	if cfg.Rate > 0 {
		rep.Mode, rep.Rate = "open", cfg.Rate
	} else {
		rep.Mode, rep.Concurrency = "closed", cfg.Concurrency
	}
	if rec.first.TotalCount() > 0 {
		p := percentiles(rec.first)
		rep.FirstDelta = &p
	}
	return rep
}

// openLoop sends request i at start + i/rate.
func openLoop(ctx context.Context, cfg Config, rec *recorder, start time.Time, now func() time.Time) (sent, notSent int) {
	interval := time.Duration(float64(time.Second) / cfg.Rate)
	inFlight := make(chan struct{}, cfg.MaxInFlight)
	var wg sync.WaitGroup
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for i := 0; i < cfg.MaxRequests; i++ {
		intended := start.Add(time.Duration(i) * interval)
		if intended.Sub(start) >= cfg.Duration {
			break
		}
		if wait := intended.Sub(now()); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				wg.Wait()
				return sent, notSent
			}
		}
		select {
		case inFlight <- struct{}{}:
		default:
			notSent++
			continue
		}
		sent++
		wg.Add(1)
		go func(i int, intended time.Time) {
			defer wg.Done()
			defer func() { <-inFlight }()
			res := cfg.Do(ctx, i)
			// Latency from the intended start: waiting counts.
			d := now().Sub(intended)
			rec.add(res, d)
			if cfg.Observe != nil {
				cfg.Observe(i, d)
			}
		}(i, intended)
	}
	wg.Wait()
	return sent, notSent
}

func closedLoop(ctx context.Context, cfg Config, rec *recorder, start time.Time, now func() time.Time) int {
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for w := 0; w < max(1, cfg.Concurrency); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				if i >= cfg.MaxRequests || now().Sub(start) >= cfg.Duration || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				t := now()
				res := cfg.Do(ctx, i)
				d := now().Sub(t)
				rec.add(res, d)
				if cfg.Observe != nil {
					cfg.Observe(i, d)
				}
			}
		}()
	}
	wg.Wait()
	return next
}

func ms(us int64) float64 { return float64(us) / 1000 }

func percentiles(h *hdrhistogram.Histogram) Percentiles {
	if h.TotalCount() == 0 {
		return Percentiles{}
	}
	return Percentiles{
		P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)), P99: ms(h.ValueAtQuantile(99)),
		P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()), Mean: h.Mean() / 1000,
	}
}

// distribution samples the cumulative distribution for a chart.
func distribution(h *hdrhistogram.Histogram) [][2]float64 {
	if h.TotalCount() == 0 {
		return nil
	}
	qs := []float64{0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100}
	out := make([][2]float64, 0, len(qs))
	for _, q := range qs {
		out = append(out, [2]float64{ms(h.ValueAtQuantile(q)), q / 100})
	}
	return out
}

// Labels returns the report's labels sorted, "label=count".
func (r *Report) Labels() []string {
	var out []string
	for k, v := range r.ByLabel {
		out = append(out, fmt.Sprintf("%s:%d", k, v))
	}
	sort.Strings(out)
	return out
}
