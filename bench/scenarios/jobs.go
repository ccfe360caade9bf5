package scenarios

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/bench/load"
	"github.com/biogen/biogen/internal/corpus"
)

// The jobs scenario (issue 14): synchronous requests beside a job. On a
// biogen of its own (no other scenario's work in its figures, and a job
// left running dies with it), the jobs tenant (caches off) in front of the
// model upstream (the whole answer after 50 ms) as the provider "gpu",
// which has jobsSlots slots as a GPU server has a few, with jobsWorkers
// job workers: the job wants more slots than server.job_slot_share (0.5)
// lets it hold, and synchronous requests at 200/s need about 10 at once,
// more in bursts, so the two contend for the slots and the figures show
// what the priority of synchronous requests costs them. Phase A is
// open-loop POST /v1/bios at Options.Rate for Options.JobsPhase, each
// request a new user and profile, so a miss that reaches the model; phase B
// is the same load while a job of Options.JobItems distinct profiles runs,
// submitted as the phase starts. Phase B stops sending when the job ends,
// so that every request it measures ran beside the job, or after
// JobsPhase.
const (
	jobsSyncSeed = 21 // corpus seed of the synchronous requests (the bench's bodies use 1, the soak 13)
	jobsItemSeed = 22 // corpus seed of the job's items
	// JobsItems is the default size of the job: the most one may hold.
	JobsItems = 1000
	// Phase B reads the job at intervals from jobsPollMin to jobsPollMax,
	// half the time its progress says is left (nextPoll): its end is known
	// to within jobsPollMin, in a few reads. Each read is a GET of the whole
	// job, every answered item's bio included (it took 10 to 40 ms for a
	// 1,000-item job on 2 cores), a load phase A does not have: reading
	// every jobsPollMin would be four of them a second.
	jobsPollMin = 250 * time.Millisecond
	jobsPollMax = 5 * time.Second
	// jobsWarm is the load sent, not measured, before phase A, so that
	// phase A does not pay for a cold process that phase B finds warm.
	jobsWarm = 2 * time.Second
	// jobsSlots is the gpu provider's max_concurrent; jobsWorkers the
	// scenario's server.job_workers.
	jobsSlots   = 16
	jobsWorkers = 8
)

// The names of the jobs scenario's two rows in Summary.Results.
const (
	jobsAloneName  = "sync-alone"
	jobsBesideName = "sync+job"
)

// Jobs is what the jobs scenario measured besides its two rows of
// Summary.Results (jobsAloneName and jobsBesideName).
type Jobs struct {
	// Rate is the open-loop rate of the synchronous requests in both
	// phases; Phase the length of phase A and the most of phase B, in
	// seconds.
	Rate  float64 `json:"rate"`
	Phase float64 `json:"phase_s"`
	// CoresAlone and CoresBeside are biogen's CPU time over each phase
	// divided by the phase's length (only with Options.Binary).
	CoresAlone  float64 `json:"cores_alone,omitempty"`
	CoresBeside float64 `json:"cores_beside,omitempty"`
	// SubmitMS is how long POST /v1/jobs took to answer.
	SubmitMS float64 `json:"submit_ms"`
	// Items is the job's size; Done and Failed count its items that
	// succeeded and failed by its end, or by the end of phase B (when it
	// was cancelled).
	Items  int `json:"items"`
	Done   int `json:"done"`
	Failed int `json:"failed"`
	// Ended says whether the job ended within phase B. Seconds runs from
	// just before the job's submit to the first read that saw it ended, or,
	// if it did not end, to its cancellation as phase B ended.
	Ended   bool    `json:"ended"`
	Seconds float64 `json:"seconds"`
	// ItemsPerSecond is (Done + Failed) / Seconds.
	ItemsPerSecond float64 `json:"items_per_second"`
	// Preempted and Busy are how often a job item's model call gave way:
	// a synchronous request took its slot, or it found none free for
	// jobs (biogen_job_preemptions_total, biogen_job_busy_total).
	Preempted int `json:"preempted"`
	Busy      int `json:"busy"`
	// Sources counts the succeeded items by their bio's source, and
	// "degraded" those whose bio says so.
	Sources map[string]int `json:"sources"`
}

// runJobs runs the jobs scenario, if it is selected and has a phase
// length, and adds it to s.
func (e *env) runJobs(ctx context.Context, s *Summary) {
	o := e.opts
	if o.JobsPhase <= 0 || !selected(o.Only, "jobs") {
		return
	}
	e.logf("running jobs: %.0f/s synchronous requests for %s alone, then beside a %d-item job", o.Rate, o.JobsPhase, o.JobItems)
	alone, beside, j, err := e.jobs(ctx)
	if err != nil {
		e.logf("jobs failed: %v", err)
		return
	}
	s.Results = append(s.Results, *alone, *beside)
	s.Jobs = j
	e.logf("  jobs: p50 %.2f / %.2f ms, p99 %.2f / %.2f ms alone / beside the job; the job: %s",
		alone.Latency.P50, beside.Latency.P50, alone.Latency.P99, beside.Latency.P99, jobSummary(j))
}

// jobs runs the scenario's two phases on a biogen of its own.
func (e *env) jobs(ctx context.Context) (alone, beside *Result, j *Jobs, err error) {
	o := e.opts
	if !strings.HasPrefix(e.config(), "server:\n") {
		return nil, nil, nil, fmt.Errorf("jobs: the configuration does not start with its server section")
	}
	admin := strings.TrimPrefix(closedPort(), "http://") // its /metrics say how often jobs gave way
	cfg := strings.Replace(e.config(), "server:\n", fmt.Sprintf("server:\n  job_workers: %d\n  admin_addr: %s\n", jobsWorkers, admin), 1)
	b, err := startBiogen(ctx, cfg, o.Binary)
	if err != nil {
		return nil, nil, nil, err
	}
	defer b.stop()
	bios, jobsURL, auth := b.url()+"/v1/bios", b.url()+"/v1/jobs", "Bearer "+key("jobs")
	// distinct(from) sends request from+i of the corpus as request i: each
	// a new user and profile; from sets the phases apart.
	distinct := func(from int) func(context.Context, int) load.Result {
		// The context is not passed on: phase B's is cancelled when the job
		// ends, and the requests then in flight are measured to their end.
		return func(_ context.Context, i int) load.Result {
			r := corpus.Request(jobsSyncSeed, from+i)
			return PostBio(e.client, bios, auth, corpus.Body(&r))
		}
	}
	job := jobBody(jobsItemSeed, o.JobItems)
	j = &Jobs{Rate: o.Rate, Phase: o.JobsPhase.Seconds(), Items: o.JobItems}

	load.Run(ctx, load.Config{Rate: o.Rate, Duration: min(jobsWarm, o.JobsPhase), Do: distinct(0)})

	cpu := b.cpu()
	repA := load.Run(ctx, load.Config{Rate: o.Rate, Duration: o.JobsPhase, Do: distinct(1 << 24)})
	usedA := b.cpu() - cpu
	alone = &Result{Report: repA, RSSBytes: b.rss(), Note: "jobs scenario, phase A: open loop, each request a new user and profile through the model upstream (50 ms), caches off, on a biogen of its own; no job (see Synchronous requests beside a job)"}
	alone.Name = jobsAloneName
	if usedA > 0 && repA.Sent > 0 {
		alone.CPUPerRequest = float64(usedA.Microseconds()) / float64(repA.Sent)
		j.CoresAlone = usedA.Seconds() / repA.Elapsed
	}

	start := time.Now()
	id, err := submitJob(e, jobsURL, auth, job)
	if err != nil {
		return nil, nil, nil, err
	}
	j.SubmitMS = float64(time.Since(start).Microseconds()) / 1000
	jobURL := jobsURL + "/" + id
	phase, stopLoad := context.WithCancel(ctx)
	defer stopLoad()
	stopWatch := make(chan struct{})
	var last jobState
	var end time.Time
	var wg sync.WaitGroup
	wg.Go(func() {
		last, end = e.watchJob(jobURL, auth, start, o.JobItems, stopWatch)
		if !end.IsZero() {
			stopLoad()
		}
	})
	cpu = b.cpu()
	repB := load.Run(phase, load.Config{Rate: o.Rate, Duration: o.JobsPhase, Do: distinct(2 << 24)})
	usedB := b.cpu() - cpu
	close(stopWatch)
	wg.Wait()
	if end.IsZero() {
		// Not ended within the phase: cancelled, and its count then is
		// what the window did.
		if last, err = jobCall(e, "DELETE", jobURL, auth); err != nil {
			return nil, nil, nil, err
		}
		end = time.Now()
	} else {
		j.Ended = true
	}
	if m, err := scrapeMetrics("http://"+admin+"/metrics", []string{"biogen_job_preemptions_total", "biogen_job_busy_total"}); err == nil {
		for series, v := range m {
			if strings.HasPrefix(series, "biogen_job_preemptions_total") {
				j.Preempted += int(v)
			} else {
				j.Busy += int(v)
			}
		}
	}
	j.Seconds = end.Sub(start).Seconds()
	j.Done, j.Failed, j.Sources = last.done, last.failed, last.sources
	j.ItemsPerSecond = itemsPerSecond(j.Done+j.Failed, j.Seconds)
	beside = &Result{Report: repB, RSSBytes: b.rss(), Note: fmt.Sprintf(
		"jobs scenario, phase B: the load of %s while a job of %d distinct profiles runs, from its submit to its end or %s; biogen's CPU per request is not given, the job's work being in it",
		jobsAloneName, o.JobItems, o.JobsPhase)}
	beside.Name = jobsBesideName
	if usedB > 0 {
		j.CoresBeside = usedB.Seconds() / repB.Elapsed
	}
	return alone, beside, j, nil
}

// itemsPerSecond is n items over seconds; 0 for no time.
func itemsPerSecond(n int, seconds float64) float64 {
	if seconds <= 0 {
		return 0
	}
	return float64(n) / seconds
}

// jobBody is the body of POST /v1/jobs with n items, the first n requests
// of the corpus's seed: each a new user and profile.
func jobBody(seed uint64, n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"items":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		r := corpus.Request(seed, i)
		b.Write(corpus.Body(&r))
	}
	b.WriteString("]}")
	return b.Bytes()
}

// submitJob sends POST /v1/jobs and returns the job's id.
func submitJob(e *env, url, auth string, body []byte) (string, error) {
	var id string
	res := post(e.client, url, auth, body, func(b []byte) {
		p := parsers.Get()
		defer parsers.Put(p)
		if v, err := p.ParseBytes(b); err == nil {
			id = string(v.GetStringBytes("id"))
		}
	})
	if res.Err != nil {
		return "", fmt.Errorf("cannot submit a job to %s: %w", url, res.Err)
	}
	if res.Status != 202 || id == "" {
		return "", fmt.Errorf("cannot submit a job to %s: status %d, id %q", url, res.Status, id)
	}
	return id, nil
}

// watchJob reads the job at url, of total items submitted at start, until
// it ends or stop is closed, and returns the last state read and, if it
// ended, when that was first seen. Its caller waits for it to return.
func (e *env) watchJob(url, auth string, start time.Time, total int, stop <-chan struct{}) (last jobState, end time.Time) {
	t := time.NewTimer(jobsPollMin)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return last, time.Time{}
		case <-t.C:
		}
		st, err := jobCall(e, "GET", url, auth)
		if err != nil {
			e.logf("jobs: %v", err)
		} else {
			last = st
		}
		if last.ended() {
			return last, time.Now()
		}
		t.Reset(nextPoll(last.done+last.failed, total, time.Since(start)))
	}
}

// nextPoll is the wait before the next read of a job that has finished
// done of total items in elapsed: half the time left at the pace so far,
// from jobsPollMin to jobsPollMax (jobsPollMax before the first item).
func nextPoll(done, total int, elapsed time.Duration) time.Duration {
	if done <= 0 || elapsed <= 0 {
		return jobsPollMax
	}
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	return min(max(left/2, jobsPollMin), jobsPollMax)
}

// jobState is what a read of a job says.
type jobState struct {
	status       string
	done, failed int
	// sources counts the succeeded items by their bio's source, and
	// "degraded" those whose bio says so.
	sources map[string]int
}

// ended reports whether the job has ended (contract: succeeded, failed or
// cancelled).
func (s jobState) ended() bool {
	return s.status == "succeeded" || s.status == "failed" || s.status == "cancelled"
}

// parseJob reads the answer of GET or DELETE /v1/jobs/{id}.
func parseJob(b []byte) (jobState, error) {
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(b)
	if err != nil {
		return jobState{}, fmt.Errorf("cannot read a job: %w", err)
	}
	st := jobState{status: string(v.GetStringBytes("status")), done: v.GetInt("done"), failed: v.GetInt("failed"), sources: map[string]int{}}
	if st.status == "" {
		return jobState{}, fmt.Errorf("cannot read a job: no status in %.100q", b)
	}
	for _, it := range v.GetArray("items") {
		if string(it.GetStringBytes("status")) != "succeeded" {
			continue
		}
		st.sources[string(it.GetStringBytes("bio", "source"))]++
		if it.GetBool("bio", "degraded") {
			st.sources["degraded"]++
		}
	}
	return st, nil
}

// jobCall sends GET or DELETE to a job's url and reads its answer.
func jobCall(e *env, method, url, auth string) (jobState, error) {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(url)
	req.Header.SetMethod(method)
	req.Header.Set("Authorization", auth)
	if err := e.client.DoTimeout(req, resp, 30*time.Second); err != nil {
		return jobState{}, fmt.Errorf("cannot %s %s: %w", method, url, err)
	}
	if resp.StatusCode() != fasthttp.StatusOK {
		return jobState{}, fmt.Errorf("cannot %s %s: status %d", method, url, resp.StatusCode())
	}
	return parseJob(resp.Body())
}
