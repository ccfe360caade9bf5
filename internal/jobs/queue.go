package jobs

import (
	"slices"
	"sync"
)

// queue holds the items waiting to run, by tenant then job, and the items
// running. take serves the tenants with work in turn (round robin), and a
// tenant's jobs in the order they came.
//
// The zero value is not usable: call init. A queue is safe for concurrent
// use.
type queue struct {
	mu     sync.Mutex
	wake   *sync.Cond
	closed bool
	ring   []string                // tenants with queued items, in turn
	next   int                     // the ring's next tenant
	jobs   map[string][]*queuedJob // by tenant, in order
	active map[string]map[int]bool // by tenant 0 job id
}

type queuedJob struct {
	id    string
	items []int
}

// ref is an item taken to run.
type ref struct {
	tenant, job string
	index       int
}

func (q *queue) init() {
	q.wake = sync.NewCond(&q.mu)
	q.jobs = map[string][]*queuedJob{}
	q.active = map[string]map[int]bool{}
}

// push queues items of a job.
func (q *queue) push(tenant, job string, items []int) {
	if len(items) == 0 {
		return
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs[tenant]) == 0 {
		q.ring = append(q.ring, tenant)
	}
	q.jobs[tenant] = append(q.jobs[tenant], &queuedJob{id: job, items: items})
	q.wake.Broadcast()
}

// take waits for an item and marks it running; ok is false once closed.
func (q *queue) take() (r ref, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.ring) == 0 && !q.closed {
		q.wake.Wait()
	}
	if q.closed {
		return ref{}, false
	}
	q.next %= len(q.ring)
	t := q.ring[q.next]
	js := q.jobs[t]
	j := js[0]
	r = ref{tenant: t, job: j.id, index: j.items[0]}
	j.items = j.items[1:]
	if len(j.items) == 0 {
		js = js[1:]
	}
	if len(js) == 0 {
		delete(q.jobs, t)
		q.ring = append(q.ring[:q.next], q.ring[q.next+1:]...)
	} else {
		q.jobs[t] = js
		q.next++
	}
	k := t + "\x00" + j.id
	if q.active[k] == nil {
		q.active[k] = map[int]bool{}
	}
	q.active[k][r.index] = true
	return r, true
}

// done marks r no longer running.
func (q *queue) done(r ref) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.doneLocked(r)
}

func (q *queue) doneLocked(r ref) {
	k := r.tenant + "\x00" + r.job
	delete(q.active[k], r.index)
	if len(q.active[k]) == 0 {
		delete(q.active, k)
	}
}

// requeue puts r, taken and not answered, back at the head of its job's
// items: it runs again before the job's others.
func (q *queue) requeue(r ref) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.doneLocked(r)
	js := q.jobs[r.tenant]
	if len(js) > 0 && js[0].id == r.job {
		js[0].items = append([]int{r.index}, js[0].items...)
	} else {
		if len(js) == 0 {
			q.ring = append(q.ring, r.tenant)
		}
		q.jobs[r.tenant] = append([]*queuedJob{{id: r.job, items: []int{r.index}}}, js...)
	}
	q.wake.Broadcast()
}

// running returns a copy of the job's running items.
func (q *queue) running(tenant, job string) map[int]bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	m := map[int]bool{}
	for i := range q.active[tenant+"\x00"+job] {
		m[i] = true
	}
	return m
}

// cancel drops the job's queued items and returns its running ones.
func (q *queue) cancel(tenant, job string) map[int]bool {
	q.mu.Lock()
	// A job may be listed twice: an item given back (requeue) goes first.
	js := slices.DeleteFunc(slices.Clone(q.jobs[tenant]), func(j *queuedJob) bool { return j.id == job })
	if len(js) == 0 && q.jobs[tenant] != nil {
		delete(q.jobs, tenant)
		for i, t := range q.ring {
			if t == tenant {
				q.ring = append(q.ring[:i], q.ring[i+1:]...)
				break
			}
		}
	} else if len(js) > 0 {
		q.jobs[tenant] = js
	}
	q.mu.Unlock()
	return q.running(tenant, job)
}

// close wakes every take, which then returns false.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.wake.Broadcast()
	q.mu.Unlock()
}
