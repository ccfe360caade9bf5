package scenarios

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// soakFigures are the soak's figures as (what, value) rows, for the table,
// RESULTS.md and report.html alike.
func soakFigures(r *Result, s *Soak) [][2]string {
	metric := func(series string) (float64, bool) { v, ok := s.Metrics[series]; return v, ok }
	both := func(name, format string, scale float64) string {
		e, eok := metric(name + `{cache="exact"}`)
		m, mok := metric(name + `{cache="semantic"}`)
		if !eok && !mok {
			return "- (not exported)"
		}
		return fmt.Sprintf("exact "+format+", semantic "+format, e/scale, m/scale)
	}
	entries := "- (not exported)"
	if v, ok := metric(`biogen_cache_entries{cache="semantic"}`); ok {
		entries = fmt.Sprintf("%.0f", v)
	}
	heap := "-"
	if v, ok := metric("go_memstats_heap_inuse_bytes"); ok {
		heap = mb(int64(v)) + " MB"
	}
	load := fmt.Sprintf("%.0f s, closed loop, %d in flight", s.Duration, s.Concurrency)
	if r != nil {
		load += fmt.Sprintf(", %d requests, %d errors", r.Sent, r.Errors)
	}
	return [][2]string{
		{"load", load},
		{"biogen RSS at idle, before", mb(s.IdleRSS) + " MB"},
		{"peak RSS", mb(s.PeakRSS) + " MB"},
		{fmt.Sprintf("RSS %.0f s after the load", s.Samples[len(s.Samples)-1].T-s.LoadEnd), mb(s.RSSAfter) + " MB"},
		{fmt.Sprintf("throughput, first / last %.0f s", s.Window), fmt.Sprintf("%.0f / %.0f req/s (last/first %.2f)", s.First.RPS, s.Last.RPS, s.LastOverFirst)},
		{fmt.Sprintf("biogen CPU per request, first / last %.0f s", s.Window), fmt.Sprintf("%.0f / %.0f µs", s.First.CPUPerRequest, s.Last.CPUPerRequest)},
		{fmt.Sprintf("GC share of biogen's CPU, first / last %.0f s", s.Window), fmt.Sprintf("%.0f%% / %.0f%%", 100*s.First.GCShare, 100*s.Last.GCShare)},
		{"cache bytes at the end", both("biogen_cache_bytes", "%.1f MB", 1<<20)},
		{"semantic entries at the end", entries},
		{"evictions", both("biogen_cache_evictions_total", "%.0f", 1)},
		{"Go heap in use at the end", heap},
	}
}

// writeSoakText writes the soak's figures under the table.
func writeSoakText(w io.Writer, s *Summary) {
	fmt.Fprintln(w, "soak:")
	for _, f := range soakFigures(findResult(s, "soak"), s.Soak) {
		fmt.Fprintf(w, "  %s: %s\n", f[0], f[1])
	}
}

// writeSoakMarkdown writes the soak's section of RESULTS.md.
func writeSoakMarkdown(b *strings.Builder, s *Summary) {
	b.WriteString("\n## Soak\n\nDistinct requests (each a new user and profile: a miss that is stored) through a tenant with the default cache settings (`cache.max_bytes` 256 MiB, `memory_limit` 448 MiB), biogen's RSS read every 2 s; the samples are in `bench/out/results.json`, the chart in `bench/out/report.html`.\n\n| figure | value |\n|---|---|\n")
	for _, f := range soakFigures(findResult(s, "soak"), s.Soak) {
		fmt.Fprintf(b, "| %s | %s |\n", f[0], f[1])
	}
}

// writeSoakHTML writes the soak's chart, RSS and throughput over time
// (SVG, no scripts), and its figures.
func writeSoakHTML(b *strings.Builder, s *Summary) {
	const w, h, left, right, top, bottom = 900.0, 380.0, 60.0, 70.0, 40.0, 40.0
	k := s.Soak
	if len(k.Samples) < 2 {
		return
	}
	t0, t1 := k.Samples[0].T, k.Samples[len(k.Samples)-1].T
	maxMB := math.Max(512, float64(k.PeakRSS)/(1<<20)) * 1.05
	rates := soakRates(k.Samples)
	maxRPS := 100.0
	for _, r := range rates {
		maxRPS = math.Max(maxRPS, r[1]*1.1)
	}
	x := func(t float64) float64 { return left + (w-left-right)*(t-t0)/math.Max(t1-t0, 1) }
	yMB := func(v float64) float64 { return top + (h-top-bottom)*(1-v/maxMB) }
	yRPS := func(v float64) float64 { return top + (h-top-bottom)*(1-v/maxRPS) }
	b.WriteString("<h2>Soak</h2>")
	fmt.Fprintf(b, `<svg width="%.0f" height="%.0f" xmlns="http://www.w3.org/2000/svg">`, w, h)
	for t, step := 0.0, niceStep(t1-t0, 10); t <= t1; t += step {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#eee"/><text x="%.1f" y="%.0f" font-size="11" text-anchor="middle">%g s</text>`, x(t), top, x(t), h-bottom, x(t), h-bottom+15, t)
	}
	for v, step := 0.0, niceStep(maxMB, 6); v <= maxMB; v += step {
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#eee"/><text x="%.0f" y="%.1f" font-size="11" text-anchor="end" fill="#1f77b4">%g</text>`, left, yMB(v), w-right, yMB(v), left-5, yMB(v)+4, v)
	}
	for v, step := 0.0, niceStep(maxRPS, 6); v <= maxRPS; v += step {
		fmt.Fprintf(b, `<text x="%.0f" y="%.1f" font-size="11" fill="#ff7f0e">%g</text>`, w-right+5, yRPS(v)+4, v)
	}
	for _, ref := range []struct {
		mb    float64
		label string
	}{{448, "memory_limit default, 448 MB"}, {512, "512 MB"}} {
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#999" stroke-dasharray="4 4"/><text x="%.0f" y="%.1f" font-size="11" fill="#666">%s</text>`, left, yMB(ref.mb), w-right, yMB(ref.mb), left+5, yMB(ref.mb)-3, ref.label)
	}
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#999" stroke-dasharray="2 3"/><text x="%.1f" y="%.0f" font-size="11" fill="#666" text-anchor="end">load stops</text>`, x(k.LoadEnd), top, x(k.LoadEnd), h-bottom, x(k.LoadEnd)-3, h-bottom-5)
	var rss, rps []string
	for _, p := range k.Samples {
		rss = append(rss, fmt.Sprintf("%.1f,%.1f", x(p.T), yMB(float64(p.RSS)/(1<<20))))
	}
	for _, r := range rates {
		rps = append(rps, fmt.Sprintf("%.1f,%.1f", x(r[0]), yRPS(r[1])))
	}
	fmt.Fprintf(b, `<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="%s"/>`, strings.Join(rss, " "))
	fmt.Fprintf(b, `<polyline fill="none" stroke="#ff7f0e" stroke-width="1.5" points="%s"/>`, strings.Join(rps, " "))
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="12" fill="#1f77b4">RSS (MB, left)</text><text x="%.0f" y="%.0f" font-size="12" fill="#ff7f0e">throughput (req/s, right)</text>`, left, top-20, left+120, top-20)
	fmt.Fprintf(b, `<text x="%.0f" y="%.0f" font-size="12" text-anchor="middle">time since the load started</text></svg>`, (w+left-right)/2, h-5)
	b.WriteString("<table>")
	for _, f := range soakFigures(findResult(s, "soak"), k) {
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td></tr>", html.EscapeString(f[0]), html.EscapeString(f[1]))
	}
	b.WriteString("</table>")
}

// soakRates is the throughput of each interval between samples, as (end
// of the interval in seconds, requests a second). A sample less than a
// second after the one before (taken as the load stopped, just after a
// tick) is counted in the next interval instead: so short an interval
// gives a noisy rate.
func soakRates(samples []SoakSample) [][2]float64 {
	var out [][2]float64
	prev := 0
	for i := 1; i < len(samples); i++ {
		if samples[i].T-samples[prev].T < 1 {
			continue
		}
		out = append(out, [2]float64{samples[i].T, between(samples[prev], samples[i]).RPS})
		prev = i
	}
	return out
}

// niceStep is a step of 1, 2 or 5 times a power of ten that cuts span
// into at most n parts.
func niceStep(span float64, n int) float64 {
	if span <= 0 {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
