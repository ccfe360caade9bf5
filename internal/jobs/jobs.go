// Package jobs runs asynchronous batches of bio requests (POST /v1/jobs):
// each job and each of its items is a record of the durable store, and a
// small pool of workers answers the items through answer.Answer, the one
// way of a bio, taking the tenants with work in turn. An item's answer is
// written in the same transaction that counts it as done, so a job that
// was running when the process stopped resumes at the next start and
// every item is answered once (an item being answered at a crash is
// answered again). The transaction that ends a job records its callback,
// if it has a callback_url; the callback is then sent (Callbacks, signed
// by internal/webhook), each attempt stored as it ends, and one still
// owed at a stop is sent after the next start. It knows nothing of HTTP.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
)

// MaxItems is the most items of a job (contract 1.1).
const MaxItems = 1000

// ErrNotFound means the tenant has no job of that id (another tenant's
// job included).
var ErrNotFound = errors.New("no such job")

// Answerer answers one bio request: *answer.Answerer.
type Answerer interface {
	Answer(ctx context.Context, call answer.Call) (answer.Reply, error)
}

// Config configures a Manager.
type Config struct {
	// Store holds the jobs. Required.
	Store *store.Store
	// Answers answers the items. Required.
	Answers Answerer
	// Tenants are the tenants whose jobs run; a job of a tenant no longer
	// configured stays queued. Required.
	Tenants []*tenant.Tenant
	// Timeout bounds the answer of one item (server.request_timeout).
	// Required.
	Timeout time.Duration
	// Workers is how many items are answered at once. Default 2.
	Workers int
	// Now is the clock; it must be the Answerer's (an item's answer.Call
	// Since is read on it). Nil means time.Now.
	Now func() time.Time
	// Callbacks, if not nil, checks the callback_url of a job at Submit
	// and delivers the job's callback when it ends; nil refuses a job with
	// a callback_url.
	Callbacks Callbacks
	// Log receives a line when a callback's delivery ends or cannot be
	// stored, or what goes wrong with the store; never a secret, a body or a URL's path. Nil logs nothing.
	Log *slog.Logger
}

// Manager keeps and runs jobs.
//
// The zero value is not usable: call New, then Start once; Stop stops the
// workers and the callbacks being delivered (their goroutines, one per
// callback, are the Manager's). A Manager is safe for concurrent use. The
// store it is given is closed by whoever opened it, after Stop.
type Manager struct {
	st      *store.Store
	answers Answerer
	tenants map[string]*tenant.Tenant
	timeout time.Duration
	workers int
	now     func() time.Time
	log     *slog.Logger
	q       queue
	wg      sync.WaitGroup
	// quit is closed by Stop: workers pausing stop pausing.
	quit     chan struct{}
	quitOnce sync.Once
	// stop is cancelled when Stop's wait for the items in flight ends:
	// their answers are then dropped and the items left queued.
	stop       context.Context
	cancelStop context.CancelFunc

	hooks Callbacks // nil: no callbacks
	// hookCtx is cancelled by Stop: the deliveries in progress end, still
	// owed. hookMu guards hooksStopped, so that no delivery starts once
	// Stop waits for hookWG.
	hookCtx      context.Context
	cancelHooks  context.CancelFunc
	hookMu       sync.Mutex
	hooksStopped bool
	hookWG       sync.WaitGroup
}

// New returns a Manager, or an error naming a missing setting.
func New(cfg Config) (*Manager, error) {
	switch {
	case cfg.Store == nil || cfg.Answers == nil:
		return nil, errors.New("jobs: a store and an answerer are required")
	case cfg.Timeout <= 0:
		return nil, fmt.Errorf("jobs: the item timeout must be positive, not %s", cfg.Timeout)
	case cfg.Workers < 0:
		return nil, fmt.Errorf("jobs: the number of workers must not be negative, not %d", cfg.Workers)
	}
	m := &Manager{st: cfg.Store, answers: cfg.Answers, tenants: map[string]*tenant.Tenant{}, timeout: cfg.Timeout,
		workers: cfg.Workers, now: cfg.Now, hooks: cfg.Callbacks, log: cfg.Log, quit: make(chan struct{})}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.workers == 0 {
		m.workers = 2
	}
	if m.now == nil {
		m.now = time.Now
	}
	for _, t := range cfg.Tenants {
		m.tenants[t.ID] = t
	}
	m.q.init()
	m.stop, m.cancelStop = context.WithCancel(context.Background())
	m.hookCtx, m.cancelHooks = context.WithCancel(context.Background())
	return m, nil
}

// Submitted is what POST /v1/jobs answers.
type Submitted struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Total  int    `json:"total"`
}

// Item is one item of a job to submit.
type Item struct {
	// Request is the body of a valid bio request (the caller validated
	// it), without the item's warm_cache.
	Request json.RawMessage
	// User is the request's user_id: the item is erased with the user.
	User string
	// Warm asks only to fill the caches ("warm_cache": true): the item
	// is answered like the others, but its bio text is not kept (the
	// item's bio object has an empty "bio").
	Warm bool
}

// Submit stores a job of items and queues it. A callbackURL ("" for
// none) is checked first under t's webhook policy, its host resolved
// (within CheckTimeout): a refusal is a *bio.ValidationError at
// /callback_url, and nothing is stored.
//
// also, if not nil, is called with the job's answer inside the
// transaction that stores the job, and what it returns is stored in that
// same transaction (the Idempotency-Key's record of the 202): the job and
// those records are stored together or not at all.
func (m *Manager) Submit(t *tenant.Tenant, items []Item, callbackURL string, also func(Submitted) ([]store.Write, error)) (Submitted, error) {
	if len(items) == 0 || len(items) > MaxItems {
		return Submitted{}, fmt.Errorf("jobs: a job holds 1 to %d items, not %d", MaxItems, len(items))
	}
	if callbackURL != "" {
		if err := m.checkCallback(t, callbackURL); err != nil {
			return Submitted{}, err
		}
	}
	now := m.now()
	h := &header{ID: "job_" + ulid.Make().String(), Tenant: t.ID, Total: len(items), CreatedAt: now.UTC(),
		CallbackURL: callbackURL, Finished: make([]byte, (len(items)+7)/8)}
	expires := now.Add(t.Retention)
	err := m.st.Update(func(tx *store.Tx) error {
		if err := putHeader(tx, h, expires); err != nil {
			return err
		}
		for i, x := range items {
			it := &item{Index: i, Status: StatusQueued, Request: x.Request, Warm: x.Warm}
			if err := putItem(tx, t.ID, h.ID, it, store.Record{Expires: expires, Tenant: t.ID, User: x.User}); err != nil {
				return err
			}
		}
		if also == nil {
			return nil
		}
		ws, err := also(Submitted{ID: h.ID, Status: StatusQueued, Total: h.Total})
		for _, w := range ws {
			if err == nil {
				err = tx.Put(w.Bucket, w.Key, w.Record)
			}
		}
		return err
	})
	if err != nil {
		return Submitted{}, fmt.Errorf("cannot store a job: %w", err)
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	m.q.push(t.ID, h.ID, idx)
	return Submitted{ID: h.ID, Status: StatusQueued, Total: h.Total}, nil
}

// Job is what GET /v1/jobs/{id} answers.
type Job struct {
	ID          string    `json:"id"`
	Status      string    `json:"status"`
	Total       int       `json:"total"`
	Done        int       `json:"done"`
	Failed      int       `json:"failed"`
	CreatedAt   string    `json:"created_at"`
	FinishedAt  *string   `json:"finished_at"`
	CallbackURL string    `json:"callback_url,omitempty"`
	Items       []JobItem `json:"items"`
}

// JobItem is one item of a Job.
type JobItem struct {
	Index  int             `json:"index"`
	Status string          `json:"status"`
	Bio    json.RawMessage `json:"bio"`
	Error  *bio.Problem    `json:"error"`
}

// Get returns tenant's job id, or ErrNotFound.
func (m *Manager) Get(tenantID, id string) (*Job, error) {
	var j *Job
	err := m.st.View(func(tx *store.Tx) error {
		var err error
		j, err = m.read(tx, tenantID, id)
		return err
	})
	return j, err
}

// read reads a job in tx.
func (m *Manager) read(tx *store.Tx, tenantID, id string) (*Job, error) {
	h, _, found, err := getHeader(tx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, ErrNotFound
	}
	running := m.q.running(tenantID, id)
	j := &Job{ID: h.ID, Total: h.Total, Done: h.Done, Failed: h.Failed, CreatedAt: h.CreatedAt.Format(time.RFC3339),
		CallbackURL: h.CallbackURL, Items: []JobItem{}}
	if !h.FinishedAt.IsZero() {
		f := h.FinishedAt.UTC().Format(time.RFC3339)
		j.FinishedAt = &f
	}
	prefix := itemPrefix(tenantID, id)
	err = tx.Scan(Bucket, prefix, func(key string, r store.Record) (bool, error) {
		var it item
		if err := json.Unmarshal(r.Value, &it); err != nil {
			return false, fmt.Errorf("cannot read an item of job %q: %w", id, err)
		}
		st := it.Status
		if st == StatusQueued && running[it.Index] {
			st = StatusRunning
		}
		j.Items = append(j.Items, JobItem{Index: it.Index, Status: st, Bio: it.Bio, Error: it.Error})
		return true, nil
	})
	j.Status = statusOf(h, len(running))
	return j, err
}

// statusOf derives a job's status from its header and how many of its
// items are running.
func statusOf(h *header, running int) string {
	switch {
	case h.Cancelled:
		return StatusCancelled
	case h.ended() && h.Failed > 0:
		return StatusFailed
	case h.ended():
		return StatusSucceeded
	case running > 0 || h.Done+h.Failed > 0:
		return StatusRunning
	}
	return StatusQueued
}

// Cancel cancels tenant's job id: its items not yet answered and not
// running are cancelled (the running ones finish). It returns the job.
// When nothing runs, the job ends here, and its callback is sent.
func (m *Manager) Cancel(tenantID, id string) (*Job, error) {
	var j *Job
	var cb *callback
	err := m.st.Update(func(tx *store.Tx) error {
		h, hr, found, err := getHeader(tx, tenantID, id)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		if !h.ended() && !h.Cancelled {
			running := m.q.cancel(tenantID, id)
			if err := m.cancelItems(tx, h, running); err != nil {
				return err
			}
			h.Cancelled = true
			if err := putHeader(tx, h, hr.Expires); err != nil {
				return err
			}
			if cb, err = owe(tx, h, hr.Expires); err != nil {
				return err
			}
		}
		j, err = m.read(tx, tenantID, id)
		return err
	})
	if err == nil {
		m.deliver(cb)
	}
	return j, err
}

// cancelItems marks the items of h that have not ended and are not
// running cancelled.
func (m *Manager) cancelItems(tx *store.Tx, h *header, running map[int]bool) error {
	now := m.now().UTC()
	for i := range h.Total {
		if h.isFinished(i) || running[i] {
			continue
		}
		it, r, found, err := getItem(tx, h.Tenant, h.ID, i)
		if err != nil {
			return err
		}
		if found {
			it.Status, it.Request = StatusCancelled, nil
			if err := putItem(tx, h.Tenant, h.ID, it, r); err != nil {
				return err
			}
		}
		h.finish(i, now)
	}
	return nil
}

// EraseUser removes the items of user in tenant from every job, and
// returns how many: answer.Config.EraseJobs. An item being answered is
// then not stored.
func (m *Manager) EraseUser(tenantID, user string) (int, error) {
	return m.st.EraseUser(Bucket, tenantID, user)
}
