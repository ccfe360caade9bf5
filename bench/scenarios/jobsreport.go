package scenarios

import (
	"fmt"
	"html"
	"io"
	"sort"
	"strconv"
	"strings"
)

// jobsFigures are the jobs scenario's figures as (what, alone, beside the
// job) rows, for the table, RESULTS.md and report.html alike.
func jobsFigures(alone, beside *Result, j *Jobs) [][3]string {
	both := func(f func(r *Result) string) (string, string) { return f(alone), f(beside) }
	row := func(what string, f func(r *Result) string) [3]string {
		a, b := both(f)
		return [3]string{what, a, b}
	}
	ms := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	count := func(label string) func(r *Result) string {
		return func(r *Result) string { return strconv.Itoa(r.ByLabel[label]) }
	}
	cores := func(c float64) string {
		if c == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2f", c)
	}
	return [][3]string{
		row("load", func(r *Result) string {
			return fmt.Sprintf("open %.0f/s, %.1f s, %d sent", r.Rate, r.Elapsed, r.Sent)
		}),
		row("p50 ms", func(r *Result) string { return ms(r.Latency.P50) }),
		row("p99 ms", func(r *Result) string { return ms(r.Latency.P99) }),
		row("max ms", func(r *Result) string { return ms(r.Latency.Max) }),
		row("errors (not sent)", func(r *Result) string { return fmt.Sprintf("%d (%d)", r.Errors, r.NotSent) }),
		row("answered by the template writer", count("source=template")),
		row("degraded", count("degraded")),
		row("answered by the model", count("source=ollama")),
		{"biogen CPU, cores", cores(j.CoresAlone), cores(j.CoresBeside)},
	}
}

// jobSummary says what the job did, and which measure its items a second
// are.
func jobSummary(j *Jobs) string {
	finished := j.Done + j.Failed
	how := fmt.Sprintf("ended %.1f s after its submit (seen within %s): %.1f items/s, the items finished over the time from the submit to the job's end",
		j.Seconds, jobsPollMin, j.ItemsPerSecond)
	if !j.Ended {
		how = fmt.Sprintf("did not end within the phase: %d of %d items finished in the %.1f s from its submit to the phase's end: %.1f items/s, the items finished in that window over the window",
			finished, j.Items, j.Seconds, j.ItemsPerSecond)
	}
	return fmt.Sprintf("%d items, %d succeeded (%s), %d failed; submitted in %.0f ms; %s; item calls that gave way to synchronous requests: %d preempted, %d found no slot for jobs",
		j.Items, j.Done, sourceCounts(j.Sources), j.Failed, j.SubmitMS, how, j.Preempted, j.Busy)
}

// sourceCounts writes counts as "key:n" in key order.
func sourceCounts(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var out []string
	for k, n := range m {
		out = append(out, fmt.Sprintf("%s:%d", k, n))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// jobsIntro says what the scenario ran.
func jobsIntro(j *Jobs) string {
	return fmt.Sprintf("Open-loop `POST /v1/bios` at %.0f/s, each a new user and profile (a miss: the tenant's caches are off) answered by the model upstream "+
		"(the whole answer after 50 ms; `max_concurrent` 2048, as for `model`), on a biogen of its own with `server.job_workers` at its default: "+
		"phase A (`%s`) without a job for %.0f s, phase B (`%s`) beside a job of %d distinct profiles submitted as it starts, until the job ends (at most %.0f s).",
		j.Rate, jobsAloneName, j.Phase, jobsBesideName, j.Items, j.Phase)
}

// writeJobsText writes the jobs scenario's figures under the table.
func writeJobsText(w io.Writer, s *Summary) {
	alone, beside := findResult(s, jobsAloneName), findResult(s, jobsBesideName)
	if alone == nil || beside == nil {
		return
	}
	fmt.Fprintf(w, "jobs: synchronous requests at %.0f/s, alone and beside a %d-item job:\n", s.Jobs.Rate, s.Jobs.Items)
	fmt.Fprintf(w, "  %-32s %-32s %s\n", "", "alone", "beside the job")
	for _, f := range jobsFigures(alone, beside, s.Jobs) {
		fmt.Fprintf(w, "  %-32s %-32s %s\n", f[0], f[1], f[2])
	}
	fmt.Fprintf(w, "  the job: %s\n", jobSummary(s.Jobs))
}

// writeJobsMarkdown writes the jobs scenario's section of RESULTS.md.
func writeJobsMarkdown(b *strings.Builder, s *Summary) {
	alone, beside := findResult(s, jobsAloneName), findResult(s, jobsBesideName)
	if alone == nil || beside == nil {
		return
	}
	b.WriteString("\n## Synchronous requests beside a job\n\n" + jobsIntro(s.Jobs) + "\n\n| figure | alone | beside the job |\n|---|---|---|\n")
	for _, f := range jobsFigures(alone, beside, s.Jobs) {
		fmt.Fprintf(b, "| %s | %s | %s |\n", f[0], f[1], f[2])
	}
	fmt.Fprintf(b, "\nThe job: %s.\n", jobSummary(s.Jobs))
}

// writeJobsHTML writes the jobs scenario's figures.
func writeJobsHTML(b *strings.Builder, s *Summary) {
	alone, beside := findResult(s, jobsAloneName), findResult(s, jobsBesideName)
	if alone == nil || beside == nil {
		return
	}
	b.WriteString("<h2>Synchronous requests beside a job</h2><table><tr><th>figure</th><th>alone</th><th>beside the job</th></tr>")
	for _, f := range jobsFigures(alone, beside, s.Jobs) {
		fmt.Fprintf(b, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", html.EscapeString(f[0]), html.EscapeString(f[1]), html.EscapeString(f[2]))
	}
	fmt.Fprintf(b, "</table><p>The job: %s.</p>", html.EscapeString(jobSummary(s.Jobs)))
}
