package scenarios

import (
	"bytes"
	"context"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestNextPoll(t *testing.T) {
	f := func(done, total int, elapsed, want time.Duration) {
		t.Helper()
		if got := nextPoll(done, total, elapsed); got != want {
			t.Fatalf("nextPoll(%d, %d, %s) = %s; want %s", done, total, elapsed, got, want)
		}
	}
	f(0, 1000, time.Second, jobsPollMax)                // no pace yet
	f(100, 1000, 2*time.Second, jobsPollMax)            // 18 s left: the longest wait
	f(800, 1000, 20*time.Second, 2500*time.Millisecond) // 5 s left: half of it
	f(990, 1000, 25*time.Second, jobsPollMin)           // 0.25 s left: the shortest wait
	f(1000, 1000, 25*time.Second, jobsPollMin)
}

func TestParseJob(t *testing.T) {
	body := `{"id":"job_1","status":"running","total":5,"done":3,"failed":1,"created_at":"2026-11-30T10:00:00Z","finished_at":null,"items":[
		{"index":0,"status":"succeeded","bio":{"bio":"x","source":"ollama","degraded":false},"error":null},
		{"index":1,"status":"succeeded","bio":{"bio":"x","source":"template","degraded":true},"error":null},
		{"index":2,"status":"succeeded","bio":{"bio":"x","source":"ollama","degraded":true},"error":null},
		{"index":3,"status":"failed","bio":null,"error":{"code":"internal"}},
		{"index":4,"status":"running","bio":null,"error":null}]}`
	got, err := parseJob([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if got.status != "running" || got.done != 3 || got.failed != 1 || got.ended() {
		t.Fatalf("got %+v; want running, 3 done, 1 failed, not ended", got)
	}
	want := map[string]int{"ollama": 2, "template": 1, "degraded": 2}
	if len(got.sources) != len(want) {
		t.Fatalf("sources %v; want %v", got.sources, want)
	}
	for k, v := range want {
		if got.sources[k] != v {
			t.Fatalf("sources %v; want %v", got.sources, want)
		}
	}
	for _, status := range []string{"succeeded", "failed", "cancelled"} {
		if st, err := parseJob([]byte(`{"status":"` + status + `","items":[]}`)); err != nil || !st.ended() {
			t.Fatalf("%s: ended %v, %v; want ended", status, st.ended(), err)
		}
	}
	for _, bad := range []string{`{"items":[]}`, `not json`} {
		if _, err := parseJob([]byte(bad)); err == nil {
			t.Fatalf("parseJob(%q): no error", bad)
		}
	}
}

// jobsSummary is a summary with the jobs scenario's two rows and figures.
func jobsSummary(j *Jobs) *Summary {
	s := &Summary{Jobs: j, Overheads: map[string]float64{}, Results: make([]Result, 2)}
	for i, r := range []struct {
		name             string
		p50, p99, max    float64
		model, templates int
	}{{jobsAloneName, 52.8, 66.4, 88.9, 2000, 0}, {jobsBesideName, 53.9, 81.2, 140.5, 1990, 10}} {
		x := &s.Results[i]
		x.Name, x.Mode, x.Rate, x.Sent, x.OK, x.Elapsed = r.name, "open", 200, 2000, 2000, 10
		x.Latency.P50, x.Latency.P99, x.Latency.Max = r.p50, r.p99, r.max
		x.ByLabel = map[string]int{"source=ollama": r.model, "cache=miss": 2000}
		if r.templates > 0 {
			x.ByLabel["source=template"], x.ByLabel["degraded"] = r.templates, r.templates
		}
	}
	return s
}

// TestJobsReports writes the jobs scenario into every report, for a job
// that ended within its phase and one that did not: each says which
// measure its items a second are.
func TestJobsReports(t *testing.T) {
	f := func(j *Jobs, want ...string) {
		t.Helper()
		s := jobsSummary(j)
		var table bytes.Buffer
		WriteTable(&table, s)
		dir := t.TempDir()
		if err := WriteMarkdown(filepath.Join(dir, "R.md"), s, ""); err != nil {
			t.Fatal(err)
		}
		md, _ := os.ReadFile(filepath.Join(dir, "R.md"))
		if err := WriteHTML(filepath.Join(dir, "r.html"), s); err != nil {
			t.Fatal(err)
		}
		page, _ := os.ReadFile(filepath.Join(dir, "r.html"))
		for _, w := range want {
			if !strings.Contains(table.String(), w) {
				t.Fatalf("table lacks %q:\n%s", w, table.String())
			}
			if !strings.Contains(string(page), html.EscapeString(w)) {
				t.Fatalf("report.html lacks %q:\n%s", w, page)
			}
		}
		for _, w := range []string{"## Synchronous requests beside a job", "| p99 ms | 66.40 | 81.20 |", "| answered by the template writer | 0 | 10 |", "| degraded | 0 | 10 |", "| biogen CPU, cores | 0.19 | 0.25 |"} {
			if !strings.Contains(string(md), w) {
				t.Fatalf("RESULTS.md lacks %q:\n%s", w, md)
			}
		}
	}
	f(&Jobs{Rate: 200, Phase: 30, Items: 1000, Done: 999, Failed: 1, Ended: true, Seconds: 25, ItemsPerSecond: 40, SubmitMS: 62,
		Sources: map[string]int{"ollama": 990, "template": 9, "degraded": 9}, CoresAlone: 0.19, CoresBeside: 0.25},
		"ended 25.0 s after its submit", "40.0 items/s, the items finished over the time from the submit to the job's end",
		"999 succeeded (degraded:9 ollama:990 template:9), 1 failed")
	f(&Jobs{Rate: 200, Phase: 10, Items: 1000, Done: 357, Ended: false, Seconds: 10.1, ItemsPerSecond: 35.35, SubmitMS: 62,
		Sources: map[string]int{"ollama": 357}, CoresAlone: 0.19, CoresBeside: 0.25},
		"did not end within the phase: 357 of 1000 items finished in the 10.1 s", "35.4 items/s, the items finished in that window over the window")
}

// TestJobsScenario runs the jobs scenario in this process with short
// phases and a small job, and checks what it exercised: both phases'
// requests reached the model as misses, and the job's items were counted
// (never how fast).
func TestJobsScenario(t *testing.T) {
	bodies, err := ReadBodies("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Run(context.Background(), Options{Duration: time.Second, Rate: 20, Bodies: bodies[:5], Only: []string{"jobs"}, JobsPhase: time.Second, JobItems: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Results) != 2 || s.Jobs == nil {
		t.Fatalf("%d results, jobs %+v; want the two phases and the job", len(s.Results), s.Jobs)
	}
	for i, name := range []string{jobsAloneName, jobsBesideName} {
		r := s.Results[i]
		if r.Name != name || r.Sent == 0 || r.OK != r.Sent || r.ByLabel["source=ollama"] != r.OK || r.ByLabel["cache=miss"] != r.OK || r.Note == "" {
			t.Fatalf("%s: %+v", name, r.Report)
		}
	}
	j := s.Jobs
	finished := j.Done + j.Failed
	if j.Items != 10 || finished == 0 || finished > 10 || (j.Ended && finished != 10) || j.Sources["ollama"] != j.Done || j.ItemsPerSecond <= 0 || j.Seconds <= 0 {
		t.Fatalf("job: %+v", j)
	}
}
