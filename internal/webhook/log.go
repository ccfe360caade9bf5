package webhook

import (
	"slices"
	"sync"
	"time"
)

// State is where a delivery stands.
type State string

// States of a delivery.
const (
	StatePending   State = "pending"   // attempting, or waiting for the next retry
	StateDelivered State = "delivered" // a 2xx answer
	StateFailed    State = "failed"    // every attempt of the schedule failed
	StateRefused   State = "refused"   // the target is forbidden; not retried
	StateCancelled State = "cancelled" // the context ended (shutdown) before an answer
)

// Attempt is one try of a delivery.
type Attempt struct {
	// At is when the attempt started (its webhook-timestamp).
	At time.Time `json:"at"`
	// Duration is how long it took.
	Duration time.Duration `json:"duration"`
	// Addr is the vetted address connected to ("203.0.113.7:443"), empty
	// when none was.
	Addr string `json:"addr,omitempty"`
	// Status is the receiver's HTTP status, 0 when there was no answer.
	Status int `json:"status,omitempty"`
	// Error is the class of the failure (ErrorStatus, ErrorTimeout, ...),
	// empty for a 2xx answer.
	Error string `json:"error,omitempty"`
	// NextRetry is when the next attempt is due; zero when there is none.
	NextRetry time.Time `json:"next_retry,omitzero"`
}

// Delivery is the log of one message's delivery.
type Delivery struct {
	// ID is the message's webhook-id.
	ID string `json:"id"`
	// Target is the callback's scheme and host, never its path or query.
	Target   string    `json:"target"`
	State    State     `json:"state"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Attempts are at most len(Options.Schedule)+1.
	Attempts []Attempt `json:"attempts"`
}

// entry is a delivery in the log; its fields are guarded by the log's mutex.
type entry struct {
	log *deliveryLog
	d   Delivery
}

func (e *entry) snapshot() Delivery {
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	return e.copy()
}

func (e *entry) state() State {
	e.log.mu.Lock()
	defer e.log.mu.Unlock()
	return e.d.State
}

// copy returns a copy that shares nothing; the log's mutex is held.
func (e *entry) copy() Delivery {
	d := e.d
	d.Attempts = slices.Clone(d.Attempts)
	return d
}

// deliveryLog keeps the last size deliveries in a ring, oldest first. The
// zero value is not usable (newDeliveryLog); it is safe for concurrent use.
type deliveryLog struct {
	mu    sync.Mutex
	ring  []*entry
	next  int // where the next entry goes once the ring is full
	limit int
}

func newDeliveryLog(size int) *deliveryLog {
	return &deliveryLog{limit: size, ring: make([]*entry, 0, min(size, 1024))}
}

// start adds a pending delivery, dropping the oldest when the log is full.
// A delivery still running when dropped goes on; only its log is lost
// (its caller still gets it from Deliver).
func (l *deliveryLog) start(id, target string, at time.Time) *entry {
	e := &entry{log: l, d: Delivery{ID: id, Target: target, State: StatePending, Started: at}}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ring) < l.limit {
		l.ring = append(l.ring, e)
	} else {
		l.ring[l.next] = e
		l.next = (l.next + 1) % l.limit
	}
	return e
}

func (l *deliveryLog) add(e *entry, a Attempt) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.d.Attempts = append(e.d.Attempts, a)
}

func (l *deliveryLog) end(e *entry, st State, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.d.State = st
	e.d.Finished = at
}

// Deliveries returns a copy of the log, oldest first: the last
// Options.LogSize deliveries, pending ones included.
func (s *Sender) Deliveries() []Delivery {
	l := s.deliveries
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Delivery, 0, len(l.ring))
	for i := range l.ring {
		out = append(out, l.ring[(l.next+i)%len(l.ring)].copy())
	}
	return out
}

// Lookup returns the latest delivery of the message id still in the log.
func (s *Sender) Lookup(id string) (Delivery, bool) {
	l := s.deliveries
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.ring) - 1; i >= 0; i-- {
		if e := l.ring[(l.next+i)%len(l.ring)]; e.d.ID == id {
			return e.copy(), true
		}
	}
	return Delivery{}, false
}
