package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/webhook"
)

// errStopped is the cause of the cancellation of items still running when
// Stop gives up waiting: their answers are dropped.
var errStopped = errors.New("jobs: stopped")

// Start queues the items of the stored jobs that have not ended (a job
// running at the last stop resumes), ends the cancelled jobs whose last
// items were running at the last stop, starts the workers, and sends every
// callback still owed. Call it once.
func (m *Manager) Start() error {
	type pending struct {
		tenant, id string
		items      []int
	}
	var todo []pending
	var cancelled []*header // cancelled, with items that ran at the last stop
	var owed []*callback
	err := m.st.View(func(tx *store.Tx) error {
		return tx.Scan(Bucket, "", func(key string, r store.Record) (bool, error) {
			if strings.HasSuffix(key, "\x00c") {
				cb, err := readCallback(r)
				if err == nil && cb.State == webhook.StatePending {
					owed = append(owed, cb)
				}
				return err == nil, err
			}
			if !strings.HasSuffix(key, "\x00h") {
				return true, nil
			}
			var h header
			if err := json.Unmarshal(r.Value, &h); err != nil {
				return false, fmt.Errorf("cannot read a job: %w", err)
			}
			if h.Cancelled && !h.ended() {
				cancelled = append(cancelled, &h)
			}
			if h.Cancelled || h.ended() {
				return true, nil
			}
			p := pending{tenant: h.Tenant, id: h.ID}
			for i := range h.Total {
				if !h.isFinished(i) {
					p.items = append(p.items, i)
				}
			}
			todo = append(todo, p)
			return true, nil
		})
	})
	if err != nil {
		return fmt.Errorf("cannot load the jobs: %w", err)
	}
	ended, err := m.endCancelled(cancelled)
	if err != nil {
		return err
	}
	for _, p := range todo {
		m.q.push(p.tenant, p.id, p.items)
	}
	for range m.workers {
		m.wg.Add(1)
		go m.work()
	}
	for _, cb := range append(owed, ended...) {
		m.deliver(cb)
	}
	return nil
}

// endCancelled ends cancelled jobs whose items were left running by the
// last stop: nothing runs now, so those items are cancelled, and the jobs'
// callbacks become owed.
func (m *Manager) endCancelled(hs []*header) ([]*callback, error) {
	var owed []*callback
	for _, stale := range hs {
		err := m.st.Update(func(tx *store.Tx) error {
			h, hr, found, err := getHeader(tx, stale.Tenant, stale.ID)
			if err != nil || !found || h.ended() {
				return err
			}
			if err := m.cancelItems(tx, h, nil); err != nil {
				return err
			}
			if err := putHeader(tx, h, hr.Expires); err != nil {
				return err
			}
			cb, err := owe(tx, h, hr.Expires)
			if cb != nil {
				owed = append(owed, cb)
			}
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("cannot end cancelled job %q: %w", stale.ID, err)
		}
	}
	return owed, nil
}

// Stop takes no more items and waits for the items running until ctx
// ends; then it cancels them, and leaves them queued for the next Start.
// Last, it cuts off the callbacks being delivered, which stay owed for
// the next Start, and waits for them to store their attempts.
func (m *Manager) Stop(ctx context.Context) {
	m.q.close()
	m.quitOnce.Do(func() { close(m.quit) })
	done := make(chan struct{})
	go func() { m.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		m.cancelStop()
		<-done
	}
	m.cancelStop()
	m.stopCallbacks()
}

func (m *Manager) work() {
	defer m.wg.Done()
	pause := time.Duration(0)
	for {
		r, ok := m.q.take()
		if !ok {
			return
		}
		if !m.run(r) {
			m.q.done(r)
			pause = 0
			continue
		}
		// The item gave way to synchronous requests: it goes back to the
		// head of its job, and this worker waits a while (longer each
		// time in a row, with jitter) before it takes the next.
		m.q.requeue(r)
		pause = min(max(2*pause, minPause), maxPause)
		select {
		case <-time.After(pause/2 + rand.N(pause/2)):
		case <-m.quit:
		}
	}
}

// The pause of a worker whose item gave way to synchronous requests
// grows from minPause to maxPause while its items keep giving way.
const (
	minPause = 50 * time.Millisecond
	maxPause = 2 * time.Second
)

// run answers one item and stores its answer, unless the job was
// cancelled, the item erased or the Manager stopped meanwhile. It returns
// true when the item gave way to synchronous requests (chain.Yielded) and
// is to run again; it is left as it was.
func (m *Manager) run(r ref) (yielded bool) {
	t := m.tenants[r.tenant]
	if t == nil {
		return false // a tenant no longer configured: left queued
	}
	var raw json.RawMessage
	var warm bool
	// The item's data is taken in now: if its user is erased from here
	// on, its answer is not cached (answer.Call.Since).
	read := m.now()
	err := m.st.View(func(tx *store.Tx) error {
		it, _, found, err := getItem(tx, r.tenant, r.job, r.index)
		if found && it.Status == StatusQueued {
			raw, warm = it.Request, it.Warm
		}
		return err
	})
	switch {
	case err != nil:
		return m.failedWrite(r, err)
	case raw == nil:
		return m.settle(r, nil, nil) // erased, or cancelled: counted as ended
	}
	tctx, cancel := context.WithTimeout(m.stop, m.timeout)
	defer cancel()
	ctx, release := chain.Batch(tctx)
	defer release()
	reply, err := m.answer(ctx, t, r, raw, read)
	switch {
	case m.stop.Err() != nil:
		return false // stopped: left queued
	case chain.Yielded(ctx):
		return !m.cancelled(r)
	case err != nil:
		return m.settle(r, nil, problemOf(err, r.job))
	}
	if warm {
		telemetry.JobWarmed(warmed(reply))
		reply.Bio = "" // the caches keep it; the job does not
	}
	b, err := json.Marshal(reply)
	if err != nil {
		return m.settle(r, nil, problemOf(err, r.job))
	}
	return m.settle(r, b, nil)
}

// failedWrite logs a store failure about item r, which is to run again
// (run's true): a job never stalls on a write that failed once, and an
// item is never counted as ended without its answer.
func (m *Manager) failedWrite(r ref, err error) bool {
	m.log.Error("a job item could not be read or stored; it runs again", "job", r.job, "item", r.index, "error", err.Error())
	return true
}

// cancelled reports whether r's job was cancelled (or is gone); r, which
// gave way while it ran, is then cancelled too and counted as ended.
func (m *Manager) cancelled(r ref) bool {
	var gone bool
	var cb *callback
	err := m.st.Update(func(tx *store.Tx) error {
		h, hr, found, err := getHeader(tx, r.tenant, r.job)
		if err != nil || (found && !h.Cancelled) {
			return err
		}
		gone = true
		if !found || h.isFinished(r.index) {
			return nil
		}
		running := m.q.running(r.tenant, r.job)
		delete(running, r.index)
		if err := m.cancelItems(tx, h, running); err != nil {
			return err
		}
		if err := putHeader(tx, h, hr.Expires); err != nil {
			return err
		}
		cb, err = owe(tx, h, hr.Expires) // r may have been the last
		return err
	})
	if err == nil {
		m.deliver(cb)
	}
	return gone || err != nil
}

func (m *Manager) answer(ctx context.Context, t *tenant.Tenant, r ref, raw []byte, read time.Time) (*bio.Response, error) {
	req, err := bio.Decode(raw)
	if err != nil {
		return nil, err
	}
	req.Stream = false
	reply, err := m.answers.Answer(ctx, answer.Call{Tenant: t, RequestID: fmt.Sprintf("%s/%d", r.job, r.index), Body: raw, Request: req, Since: read})
	if err != nil {
		return nil, err
	}
	if reply.Response == nil {
		return nil, errors.New("no response")
	}
	return reply.Response, nil
}

// warmed says what a warm_cache item's answer did for the caches: "hit"
// (it was there), "stored" (a first-choice model's bio, kept), or
// "not_stored" (a fallback or a bio for review, which no cache keeps).
func warmed(r *bio.Response) string {
	switch {
	case r.Cache != bio.CacheMiss:
		return "hit"
	case r.Degraded || r.Source == bio.SourceTemplate || slices.Contains(r.Flags, bio.FlagNeedsReview):
		return "not_stored"
	}
	return "stored"
}

// settle stores the end of item r: its bio, or its problem, or (both nil)
// only that it ended. An item erased or cancelled meanwhile keeps its
// record as it is. When r was the job's last item, the job ends here, and
// its callback is sent. It returns true when the write failed: the item
// is to run again (run's result).
func (m *Manager) settle(r ref, bioJSON json.RawMessage, p *bio.Problem) (again bool) {
	var cb *callback
	err := m.st.Update(func(tx *store.Tx) error {
		h, hr, found, err := getHeader(tx, r.tenant, r.job)
		if err != nil || !found || h.isFinished(r.index) {
			return err
		}
		it, ir, found, err := getItem(tx, r.tenant, r.job, r.index)
		if err != nil {
			return err
		}
		if found && it.Status == StatusQueued && (bioJSON != nil || p != nil) {
			it.Request = nil
			if p != nil {
				it.Status, it.Error = StatusFailed, p
				h.Failed++
			} else {
				it.Status, it.Bio = StatusSucceeded, bioJSON
				h.Done++
			}
			if err := putItem(tx, r.tenant, r.job, it, ir); err != nil {
				return err
			}
		}
		h.finish(r.index, m.now().UTC())
		if err := putHeader(tx, h, hr.Expires); err != nil {
			return err
		}
		cb, err = owe(tx, h, hr.Expires)
		return err
	})
	if err != nil {
		return m.failedWrite(r, err)
	}
	m.deliver(cb)
	return false
}

// problemOf is the problem of a failed item; the cause stays out of it.
func problemOf(err error, job string) *bio.Problem {
	var ve *bio.ValidationError
	if errors.As(err, &ve) {
		return &bio.Problem{Type: bio.ProblemValidationFailed.Type(), Title: bio.ProblemValidationFailed.Title(),
			Status: http.StatusUnprocessableEntity, Code: bio.ProblemValidationFailed, Instance: job, Errors: ve.Fields}
	}
	return &bio.Problem{Type: bio.ProblemInternal.Type(), Title: bio.ProblemInternal.Title(), Status: http.StatusInternalServerError,
		Code: bio.ProblemInternal, Detail: "the item could not be answered", Instance: job}
}
