package scenarios

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"runtime"
	"sort"
	"strings"
)

func runtimeVersion() string {
	return fmt.Sprintf("%s, GOMAXPROCS %d", runtime.Version(), runtime.GOMAXPROCS(0))
}

func mb(b int64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}

func us(v float64) string {
	if v == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

// WriteTable writes the results as a text table.
func WriteTable(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "%-12s %-6s %8s %7s %7s %9s %9s %9s %9s %9s %9s %8s %8s  %s\n",
		"scenario", "mode", "rate", "sent", "errors", "rps", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "RSS MB", "CPU µs", "outcomes")
	for _, r := range s.Results {
		rate := fmt.Sprintf("%.0f", r.Rate)
		if r.Mode == "closed" {
			rate = fmt.Sprintf("c=%d", r.Concurrency)
		}
		fmt.Fprintf(w, "%-12s %-6s %8s %7d %7d %9.0f %9.2f %9.2f %9.2f %9.2f %9.2f %8s %8s  %s\n",
			r.Name, r.Mode, rate, r.Sent, r.Errors, r.Throughput, r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.P999, r.Latency.Max,
			mb(r.RSSBytes), us(r.CPUPerRequest), strings.Join(r.Labels(), " "))
		if r.FirstDelta != nil {
			fmt.Fprintf(w, "%-12s first delta: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n", "", r.FirstDelta.P50, r.FirstDelta.P90, r.FirstDelta.P99, r.FirstDelta.Max)
		}
	}
	if s.IdleRSS > 0 {
		fmt.Fprintf(w, "biogen RSS at idle: %s MB\n", mb(s.IdleRSS))
	}
	for _, k := range sortedKeys(s.Overheads) {
		fmt.Fprintf(w, "%s: %.3f\n", k, s.Overheads[k])
	}
	if s.Jobs != nil {
		writeJobsText(w, s)
	}
	if s.Soak != nil {
		writeSoakText(w, s)
	}
}

// WriteJSON writes the summary as JSON.
func WriteJSON(path string, s *Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// WriteHTML writes a self-contained page with the latency distribution of
// every scenario (an SVG chart, no scripts) and the table, the jobs
// scenario's figures if it ran, and, if the soak ran, a chart of biogen's
// RSS and throughput over time.
func WriteHTML(path string, s *Summary) error {
	const w, h, left, bottom = 900.0, 420.0, 60.0, 40.0
	colors := []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"}
	minX, maxX := 0.01, 1.0
	for _, r := range s.Results {
		for _, p := range r.Distribution {
			maxX = math.Max(maxX, p[0])
		}
	}
	x := func(ms float64) float64 {
		ms = math.Max(ms, minX)
		return left + (w-left-20)*(math.Log10(ms)-math.Log10(minX))/(math.Log10(maxX)-math.Log10(minX))
	}
	y := func(frac float64) float64 { return 20 + (h-bottom-20)*(1-frac) }
	var b strings.Builder
	b.WriteString("<!doctype html><meta charset=utf-8><title>biogen load results</title>")
	b.WriteString("<style>body{font:14px sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}</style>")
	fmt.Fprintf(&b, "<h1>biogen load results</h1><p>%s<br>%s<br>started %s</p>", html.EscapeString(s.Machine), html.EscapeString(s.Command), s.Started.Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, `<svg width="%.0f" height="%.0f" xmlns="http://www.w3.org/2000/svg">`, w, h)
	for _, ms := range []float64{0.01, 0.1, 1, 10, 100, 1000, 10000} {
		if ms > maxX {
			break
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="20" x2="%.1f" y2="%.1f" stroke="#eee"/><text x="%.1f" y="%.1f" font-size="11" text-anchor="middle">%g ms</text>`, x(ms), x(ms), h-bottom, x(ms), h-bottom+15, ms)
	}
	for _, f := range []float64{0, 0.5, 0.9, 0.99, 1} {
		fmt.Fprintf(&b, `<line x1="%.0f" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#eee"/><text x="%.0f" y="%.1f" font-size="11" text-anchor="end">%g</text>`, left, y(f), w-20, y(f), left-5, y(f)+4, f)
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" font-size="12" text-anchor="middle">latency (log scale)</text>`, (w+left)/2, h-5)
	for i, r := range s.Results {
		c := colors[i%len(colors)]
		var pts []string
		for _, p := range r.Distribution {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p[0]), y(p[1])))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, c, strings.Join(pts, " "))
		fmt.Fprintf(&b, `<text x="%.0f" y="%d" font-size="12" fill="%s">%s</text>`, left+10, 36+14*i, c, html.EscapeString(r.Name))
	}
	b.WriteString("</svg><h2>Figures</h2><table><tr><th>scenario</th><th>mode</th><th>sent</th><th>errors</th><th>req/s</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th><th>RSS MB</th></tr>")
	for _, r := range s.Results {
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%.0f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%s</td></tr>",
			html.EscapeString(r.Name), r.Mode, r.Sent, r.Errors, r.Throughput, r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.P999, r.Latency.Max, mb(r.RSSBytes))
	}
	b.WriteString("</table>")
	if s.Jobs != nil {
		writeJobsHTML(&b, s)
	}
	if s.Soak != nil {
		writeSoakHTML(&b, s)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// WriteMarkdown writes the figures as bench/RESULTS.md, followed by
// analysis (what limits the figures; kept by hand in bench/analysis.md).
func WriteMarkdown(path string, s *Summary, analysis string) error {
	var b strings.Builder
	b.WriteString("# Load results\n\n")
	fmt.Fprintf(&b, "Latest run: %s, on %s.\n\nCommand: `make bench` (`%s`).\n\n", s.Started.Format("2006-01-02 15:04 UTC"), s.Machine, s.Command)
	b.WriteString("The load generator, the fake upstreams and (unless `-binary` is given) biogen share this machine's cores, so every figure includes their competition for CPU; the `direct` rows are measured the same way in the same run.\n\n")
	b.WriteString("| scenario | mode | sent | errors | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | RSS MB | biogen CPU µs/req | outcomes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, r := range s.Results {
		mode := fmt.Sprintf("open %.0f/s", r.Rate)
		if r.Mode == "closed" {
			mode = fmt.Sprintf("closed c=%d", r.Concurrency)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |\n", r.Name, mode, r.Sent, r.Errors, r.Throughput,
			r.Latency.P50, r.Latency.P90, r.Latency.P99, r.Latency.P999, r.Latency.Max, mb(r.RSSBytes), us(r.CPUPerRequest), strings.Join(r.Labels(), " "))
	}
	b.WriteString("\n")
	for _, r := range s.Results {
		if r.FirstDelta != nil {
			fmt.Fprintf(&b, "- %s, time to the first delta: p50 %.2f ms, p99 %.2f ms, max %.2f ms.\n", r.Name, r.FirstDelta.P50, r.FirstDelta.P99, r.FirstDelta.Max)
		}
	}
	if s.IdleRSS > 0 {
		fmt.Fprintf(&b, "- biogen RSS at idle: %s MB.\n", mb(s.IdleRSS))
	}
	for _, k := range sortedKeys(s.Overheads) {
		fmt.Fprintf(&b, "- %s: %.3f\n", k, s.Overheads[k])
	}
	b.WriteString("\nWhat each scenario measures:\n\n")
	for _, r := range s.Results {
		fmt.Fprintf(&b, "- `%s`: %s.\n", r.Name, r.Note)
	}
	if s.Jobs != nil {
		writeJobsMarkdown(&b, s)
	}
	if s.Soak != nil {
		writeSoakMarkdown(&b, s)
	}
	if analysis != "" {
		b.WriteString("\n" + analysis)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
