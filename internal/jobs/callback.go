package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/webhook"
)

// Callbacks checks callback URLs and delivers signed callbacks:
// *webhook.Sender.
type Callbacks interface {
	// CheckURL tells whether a tenant of policy p may be called back at
	// rawURL; its errors are safe to show the client.
	CheckURL(ctx context.Context, rawURL string, p webhook.Policy) error
	// Deliver sends m until it is delivered, the retries run out, its
	// target is refused or ctx ends.
	Deliver(ctx context.Context, m webhook.Message) (webhook.Delivery, error)
}

var _ Callbacks = (*webhook.Sender)(nil)

// CheckTimeout bounds the check of a callback URL at Submit (its DNS
// lookup): a host that does not answer in time does not resolve.
const CheckTimeout = 5 * time.Second

// maxAttemptsKept bounds a callback's stored log: each start sends an owed
// callback anew, so a process restarting often could grow it for ever.
// The oldest attempts go first.
const maxAttemptsKept = 100

// callback is the record of a job's callback, written in the transaction
// that ends the job (key: tenant 0 id 0 "c", beside the header). Its body
// and webhook-id are made then, once, so that every attempt, after any
// restart, sends the same bytes; a receiver drops a duplicate by its id.
type callback struct {
	Tenant string          `json:"tenant"`
	Job    string          `json:"job"`
	ID     string          `json:"id"` // the webhook-id
	URL    string          `json:"url"`
	Body   json.RawMessage `json:"body"`
	// State is pending until the delivery ends: delivered, failed or
	// refused. A pending callback is owed, and Start sends it.
	State    webhook.State     `json:"state"`
	OwedAt   time.Time         `json:"owed_at"`
	EndedAt  time.Time         `json:"ended_at,omitzero"`
	Attempts []webhook.Attempt `json:"attempts"`
}

func callbackKey(tenant, id string) string { return tenant + "\x00" + id + "\x00c" }

// completed is the body of a job's callback (contract 1.1).
type completed struct {
	Type      string        `json:"type"`
	Timestamp string        `json:"timestamp"`
	Data      completedData `json:"data"`
}

type completedData struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Total  int    `json:"total"`
	Done   int    `json:"done"`
	Failed int    `json:"failed"`
}

// checkCallback checks a job's callback URL under t's policy before the
// job is stored: a refusal is the client's validation error at
// /callback_url.
func (m *Manager) checkCallback(t *tenant.Tenant, rawURL string) error {
	refuse := func(detail string) error {
		return &bio.ValidationError{Fields: []bio.FieldError{{Pointer: "/callback_url", Detail: detail}}}
	}
	if m.hooks == nil {
		return refuse("callbacks are not delivered by this server; poll GET /v1/jobs/{id}")
	}
	ctx, cancel := context.WithTimeout(context.Background(), CheckTimeout)
	defer cancel()
	err := m.hooks.CheckURL(ctx, rawURL, t.WebhookPolicy)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, webhook.ErrNoSecret):
		return refuse("this tenant has no webhook signing secret (tenants[].webhooks.secrets): it cannot receive callbacks")
	}
	return refuse(err.Error()) // CheckURL's messages are safe to show
}

// owe records, in the transaction that ends job h (expiring with it),
// that its callback is owed, and returns it for deliver once committed;
// nil when the job has no callback URL or has not ended.
func owe(tx *store.Tx, h *header, expires time.Time) (*callback, error) {
	if h.CallbackURL == "" || !h.ended() {
		return nil, nil
	}
	body, err := json.Marshal(completed{Type: "job.completed", Timestamp: h.FinishedAt.UTC().Format(time.RFC3339),
		Data: completedData{ID: h.ID, Status: statusOf(h, 0), Total: h.Total, Done: h.Done, Failed: h.Failed}})
	if err != nil {
		return nil, err
	}
	cb := &callback{Tenant: h.Tenant, Job: h.ID, ID: "msg_" + h.ID, URL: h.CallbackURL, Body: body,
		State: webhook.StatePending, OwedAt: h.FinishedAt, Attempts: []webhook.Attempt{}}
	return cb, putCallback(tx, cb, expires)
}

func getCallback(tx *store.Tx, tenant, id string) (*callback, store.Record, bool, error) {
	r, found, err := tx.Get(Bucket, callbackKey(tenant, id))
	if err != nil || !found {
		return nil, r, false, err
	}
	cb, err := readCallback(r)
	return cb, r, err == nil, err
}

func readCallback(r store.Record) (*callback, error) {
	var cb callback
	if err := json.Unmarshal(r.Value, &cb); err != nil {
		return nil, fmt.Errorf("cannot read a job's callback: %w", err)
	}
	return &cb, nil
}

func putCallback(tx *store.Tx, cb *callback, expires time.Time) error {
	b, err := json.Marshal(cb)
	if err != nil {
		return err
	}
	return tx.Put(Bucket, callbackKey(cb.Tenant, cb.Job), store.Record{Value: b, Expires: expires, Tenant: cb.Tenant})
}

// deliver sends an owed callback in a goroutine that Stop cancels and
// waits for. A callback of a tenant no longer configured, or owed after
// Stop, stays owed for the next Start.
func (m *Manager) deliver(cb *callback) {
	if cb == nil || m.hooks == nil || m.tenants[cb.Tenant] == nil {
		return
	}
	t := m.tenants[cb.Tenant]
	m.hookMu.Lock()
	defer m.hookMu.Unlock()
	if m.hooksStopped {
		return
	}
	m.hookWG.Add(1)
	go func() {
		defer m.hookWG.Done()
		m.send(t, cb)
	}()
}

// send delivers cb, storing each attempt as it ends and the delivery's
// end; a delivery cut off by Stop stays owed.
func (m *Manager) send(t *tenant.Tenant, cb *callback) {
	msg := webhook.Message{ID: cb.ID, URL: cb.URL, Body: cb.Body, Policy: t.WebhookPolicy,
		Observe: func(a webhook.Attempt) {
			result := a.Error
			if result == "" {
				result = "ok"
			}
			telemetry.WebhookAttempt(result)
			m.update(cb, func(c *callback) {
				c.Attempts = append(c.Attempts, a)
				if n := len(c.Attempts); n > maxAttemptsKept {
					c.Attempts = c.Attempts[n-maxAttemptsKept:]
				}
			})
		}}
	d, err := m.hooks.Deliver(m.hookCtx, msg)
	var st webhook.State
	switch {
	case err == nil:
		st = webhook.StateDelivered
	case errors.Is(err, webhook.ErrUndelivered):
		st = webhook.StateFailed
	case m.hookCtx.Err() != nil && errors.Is(err, m.hookCtx.Err()):
		return // stopped: still owed
	default:
		// The target is forbidden now (DNS changed), or the message is
		// refused under the tenant's policy as it now stands (no secret,
		// http no longer allowed): not retried.
		st = webhook.StateRefused
	}
	now := m.now().UTC()
	m.update(cb, func(c *callback) { c.State, c.EndedAt = st, now })
	telemetry.WebhookDelivery(string(st))
	attrs := []any{"tenant", cb.Tenant, "job", cb.Job, "webhook_id", cb.ID, "target", target(cb.URL), "state", string(st),
		"attempts", len(d.Attempts)}
	if st == webhook.StateDelivered {
		m.log.Info("job callback delivered", attrs...)
		return
	}
	if st == webhook.StateRefused {
		attrs = append(attrs, "error", err.Error()) // names the host and the kind of address, never a path or secret
	}
	m.log.Warn("job callback not delivered", attrs...)
}

// update changes cb's stored record with fn; a callback erased or expired
// meanwhile is left alone.
func (m *Manager) update(cb *callback, fn func(*callback)) {
	err := m.st.Update(func(tx *store.Tx) error {
		c, r, found, err := getCallback(tx, cb.Tenant, cb.Job)
		if err != nil || !found {
			return err
		}
		fn(c)
		return putCallback(tx, c, r.Expires)
	})
	if err != nil {
		m.log.Error("cannot store a job callback's delivery", "tenant", cb.Tenant, "job", cb.Job, "error", err.Error())
	}
}

// stopCallbacks cancels the deliveries in progress, which stay owed, and
// waits for them to store what they did.
func (m *Manager) stopCallbacks() {
	m.hookMu.Lock()
	m.hooksStopped = true
	m.hookMu.Unlock()
	m.cancelHooks()
	m.hookWG.Wait()
}

// target is what logs and the delivery log show of a callback URL: its
// scheme and host, never its path or query (a receiver's token may be
// there).
func target(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Deliveries is what GET /v1/jobs/{id}/deliveries answers: the delivery
// log of the job's callback, empty until the job has ended, and for a job
// without a callback_url.
type Deliveries struct {
	JobID      string     `json:"job_id"`
	Deliveries []Delivery `json:"deliveries"`
}

// Delivery is the log of one callback message.
type Delivery struct {
	// ID is the message's webhook-id.
	ID string `json:"id"`
	// Target is the callback URL's scheme and host.
	Target string `json:"target"`
	// State is pending (being sent, waiting for a retry, or owed until the
	// next start), delivered, failed (the retry schedule ran out) or
	// refused (the target was forbidden when sent).
	State string `json:"state"`
	// CreatedAt is when the job ended and the callback became owed.
	CreatedAt string `json:"created_at"`
	// FinishedAt is when the delivery ended; null while pending.
	FinishedAt *string   `json:"finished_at"`
	Attempts   []Attempt `json:"attempts"`
}

// Attempt is one try of a delivery: webhook.Attempt without the address
// connected to (the client is never told addresses its host resolves to).
type Attempt struct {
	At         string  `json:"at"`
	DurationMS float64 `json:"duration_ms"`
	// Status is the receiver's HTTP status; 0 when it did not answer.
	Status int `json:"status"`
	// Error is the failure's class (webhook.ErrorStatus, ...); null for a
	// 2xx answer.
	Error *string `json:"error"`
	// NextRetry is when the next attempt is due; null when none is.
	NextRetry *string `json:"next_retry"`
}

// timeLayout is RFC 3339 with milliseconds: retries may come within a
// second.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// view is what the tenant sees of cb.
func (cb *callback) view() Delivery {
	d := Delivery{ID: cb.ID, Target: target(cb.URL), State: string(cb.State), CreatedAt: cb.OwedAt.UTC().Format(time.RFC3339),
		Attempts: make([]Attempt, 0, len(cb.Attempts))}
	if !cb.EndedAt.IsZero() {
		f := cb.EndedAt.UTC().Format(time.RFC3339)
		d.FinishedAt = &f
	}
	for _, a := range cb.Attempts {
		v := Attempt{At: a.At.UTC().Format(timeLayout), DurationMS: float64(a.Duration.Microseconds()) / 1000, Status: a.Status}
		if a.Error != "" {
			v.Error = &a.Error
		}
		if !a.NextRetry.IsZero() {
			n := a.NextRetry.UTC().Format(timeLayout)
			v.NextRetry = &n
		}
		d.Attempts = append(d.Attempts, v)
	}
	return d
}

// Deliveries returns the delivery log of tenant's job id, or ErrNotFound.
func (m *Manager) Deliveries(tenantID, id string) (*Deliveries, error) {
	out := &Deliveries{JobID: id, Deliveries: []Delivery{}}
	err := m.st.View(func(tx *store.Tx) error {
		_, _, found, err := getHeader(tx, tenantID, id)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		cb, _, found, err := getCallback(tx, tenantID, id)
		if found {
			out.Deliveries = append(out.Deliveries, cb.view())
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
