// Package feedback keeps what feedback needs (contract 1.1, POST
// /v1/bios/{id}/feedback): a record of each bio served, so that a bio id
// can be told from one never served to the tenant, and the feedback on
// them, tied to the provider, model, prompt version and experiment arm
// that wrote the bio, and counted in metrics. Both live in the durable
// store, sealed, owned by the bio's user (erased with the user) and kept
// for the tenant's retention. It knows nothing of HTTP.
//
// A record is written after its bio is answered, in batches: Record puts
// it in a queue bounded in bytes and returns at once (a full queue drops
// it, counted), and one goroutine writes what is queued, one transaction a
// batch. A crash loses the records still queued; Stop writes them all.
// Lookups read the queue before the store, so a record is found from the
// moment its bio is answered.
package feedback

import (
	"errors"
	"fmt"
	"github.com/biogen/biogen/internal/erasure"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/telemetry"
)

// maxBatch bounds the records of one transaction, so that a backlog is
// written in transactions of a few MB that do not hold the store's
// writer for long.
const maxBatch = 1000

// Keeper keeps the records of bios served and the feedback on them.
//
// The zero value is not usable: call New, then Start, which starts the
// goroutine that writes the queued records; Stop writes what is queued and
// stops it (before the store is closed). A Keeper is safe for concurrent
// use. Without Start, records stay queued (and found) until Flush or Stop.
type Keeper struct {
	st       *store.Store
	now      func() time.Time
	log      *slog.Logger
	maxBytes int64

	// erasing is held for writing by EraseUser, and for reading by each
	// batch's write and by Give around its lookup and its write: nothing
	// of a user taken before the user's erasure is written after it.
	erasing sync.RWMutex
	// flushing writes one batch at a time, so that Flush returns once
	// everything queued before it is in the store.
	flushing sync.Mutex

	mu sync.Mutex
	// pending are the records queued or being written, by key.
	pending map[string]*Bio
	// queue are the records not yet taken by a write, oldest first.
	queue   []*Bio
	bytes   int64 // the size of pending
	stopped bool
	erased  erasure.Recent

	// beforeWrite, if set, is called by each batch's write once it has
	// taken its records, before the transaction: tests hold a write there.
	beforeWrite func()

	kick      chan struct{}
	full      chan struct{} // kicked when the queue is past half its bytes
	quit      chan struct{}
	done      chan struct{}
	startOnce sync.Once
	stopOnce  sync.Once
	started   bool
}

// Config configures a Keeper.
type Config struct {
	// Store holds the records. Required.
	Store *store.Store
	// QueueBytes bounds the records waiting to be written, in bytes of
	// memory (server.record_queue_bytes). Required: positive.
	QueueBytes int64
	// Now is the clock; it should be the store's. Nil means time.Now.
	Now func() time.Time
	// Log receives the store's failures; nil logs nothing.
	Log *slog.Logger
}

// New returns a Keeper, or an error naming a missing setting.
func New(cfg Config) (*Keeper, error) {
	if cfg.Store == nil {
		return nil, errors.New("feedback: a store is required")
	}
	if cfg.QueueBytes <= 0 {
		return nil, fmt.Errorf("feedback: the record queue's bound must be positive, not %d", cfg.QueueBytes)
	}
	k := &Keeper{st: cfg.Store, now: cfg.Now, log: cfg.Log, maxBytes: cfg.QueueBytes, pending: map[string]*Bio{},
		kick: make(chan struct{}, 1), full: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	if k.now == nil {
		k.now = time.Now
	}
	if k.log == nil {
		k.log = slog.New(slog.DiscardHandler)
	}
	telemetry.BioRecordQueue(k.QueuedBytes)
	return k, nil
}

// Start starts the goroutine that writes queued records; Stop stops it.
// Starting twice is harmless.
func (k *Keeper) Start() {
	k.startOnce.Do(func() {
		k.mu.Lock()
		k.started = true
		k.mu.Unlock()
		go k.run()
	})
}

// Stop writes every record queued and stops the writing goroutine; records
// given after it are dropped. Stopping twice is harmless.
func (k *Keeper) Stop() {
	k.stopOnce.Do(func() {
		k.mu.Lock()
		k.stopped = true
		started := k.started
		k.mu.Unlock()
		if started {
			close(k.quit)
			<-k.done
			return
		}
		if err := k.flush(); err != nil {
			k.log.Error("cannot write the last bio records", "error", err.Error())
		}
	})
}

func (k *Keeper) run() {
	defer close(k.done)
	for {
		select {
		case <-k.kick:
		case <-k.quit:
			if err := k.flush(); err != nil {
				k.log.Error("cannot write the last bio records", "error", err.Error())
			}
			return
		}
		// Gather: one transaction, and one sync of the file, for the
		// records of a while rather than one per bio (a sync per
		// transaction cost a quarter of the CPU of a cache miss). The
		// queue, read by lookups, holds them meanwhile; a full one
		// (writeNow) is written at once.
		t := time.NewTimer(gatherFor)
		select {
		case <-t.C:
		case <-k.full:
		case <-k.quit:
		}
		t.Stop()
		if err := k.flush(); err != nil {
			k.log.Error("cannot write bio records; they are lost", "error", err.Error())
		}
	}
}

// Record queues the record of r, a new bio answered to user of tenant for
// a request that began at started, kept for retention. It never blocks: it
// returns false when the record is not kept, because the queue is full,
// the user was erased since started, or the Keeper stopped. Each outcome
// is counted (telemetry.BioRecord).
func (k *Keeper) Record(tenant, user string, retention time.Duration, r *bio.Response, started time.Time) bool {
	b := BioOf(tenant, user, retention, r, k.now())
	return k.add(&b, started)
}

func (k *Keeper) add(b *Bio, started time.Time) bool {
	b.key = key(b.Tenant, b.ID)
	b.cost = b.size()
	outcome := "queued"
	k.mu.Lock()
	switch {
	case k.erased.Since(b.Tenant, b.User, started):
		outcome = "erased"
	case k.stopped || k.bytes+b.cost > k.maxBytes:
		outcome = "dropped"
	default:
		if old := k.pending[b.key]; old != nil {
			k.bytes -= old.cost // an id recorded twice: the later wins
		}
		k.pending[b.key] = b
		k.queue = append(k.queue, b)
		k.bytes += b.cost
	}
	half := k.bytes > k.maxBytes/2
	k.mu.Unlock()
	telemetry.BioRecord(outcome, 1)
	if outcome != "queued" {
		return false
	}
	select {
	case k.kick <- struct{}{}:
	default: // the writer is already due
	}
	if half {
		select {
		case k.full <- struct{}{}:
		default:
		}
	}
	return true
}

// gatherFor is how long the writer lets records gather after the first
// before it writes them in one transaction: what a crash may lose on top
// of what it would anyway.
const gatherFor = 200 * time.Millisecond

// QueuedBytes returns the size of the records not yet in the store.
func (k *Keeper) QueuedBytes() int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.bytes
}

// Flush writes every record queued before it; for tests and shutdown.
func (k *Keeper) Flush() error { return k.flush() }

func (k *Keeper) flush() error {
	k.flushing.Lock()
	defer k.flushing.Unlock()
	for {
		n, err := k.writeBatch()
		if err != nil || n == 0 {
			return err
		}
	}
}

// writeBatch writes up to maxBatch queued records in one transaction and
// returns how many it took. Records whose write failed are dropped,
// counted and logged: a store that cannot write would otherwise fill the
// queue with them.
func (k *Keeper) writeBatch() (int, error) {
	k.erasing.RLock()
	defer k.erasing.RUnlock()
	k.mu.Lock()
	n := min(len(k.queue), maxBatch)
	// The batch is a copy, and its slots in the queue are cleared: the
	// queue's array must not keep written records alive (uncounted).
	batch := slices.Clone(k.queue[:n])
	clear(k.queue[:n])
	if k.queue = k.queue[n:]; len(k.queue) == 0 {
		k.queue = nil // let the array go
	}
	k.mu.Unlock()
	if n == 0 {
		return 0, nil
	}
	if k.beforeWrite != nil {
		k.beforeWrite()
	}
	recs := make([]store.Record, n)
	var err error
	for i, b := range batch {
		if recs[i], err = b.record(); err != nil {
			break
		}
	}
	if err == nil {
		err = k.st.Update(func(tx *store.Tx) error {
			for i, b := range batch {
				if err := tx.Put(BiosBucket, b.key, recs[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	k.mu.Lock()
	for _, b := range batch {
		if k.pending[b.key] == b {
			delete(k.pending, b.key)
			k.bytes -= b.cost
		}
	}
	k.mu.Unlock()
	if err != nil {
		telemetry.BioRecord("failed", n)
		return n, fmt.Errorf("cannot write %d bio records: %w", n, err)
	}
	telemetry.BioRecord("written", n)
	return n, nil
}

// Lookup returns the record of the bio id served to tenant, queued or
// stored; found is false when there is none or its retention has ended.
// Another tenant's bio id is not found, by the same way as an id never
// served.
func (k *Keeper) Lookup(tenant, id string) (b Bio, found bool, err error) {
	kk := key(tenant, id)
	now := k.now()
	k.mu.Lock()
	p := k.pending[kk]
	if p != nil {
		b = *p
	}
	k.mu.Unlock()
	if p != nil {
		return b, b.Expires.After(now), nil
	}
	r, found, err := k.st.Get(BiosBucket, kk)
	if err != nil || !found {
		return Bio{}, false, err
	}
	if b, err = bioOf(r); err != nil {
		return Bio{}, false, err
	}
	return b, true, nil
}

// EraseUser removes the records of user in tenant, queued and stored, and
// the feedback on the user's bios, and returns how many feedback and bio
// records went. A record queued before it is never written after it, and
// one of a request that began before it is not queued after it.
func (k *Keeper) EraseUser(tenant, user string) (feedback, records int, err error) {
	k.erasing.Lock() // no batch is being written
	defer k.erasing.Unlock()
	k.mu.Lock()
	k.erased.Note(tenant, user, k.now())
	kept := k.queue[:0]
	for _, b := range k.queue {
		if b.Tenant == tenant && b.User == user {
			if k.pending[b.key] == b {
				delete(k.pending, b.key)
				k.bytes -= b.cost
			}
			records++
			continue
		}
		kept = append(kept, b)
	}
	clear(k.queue[len(kept):])
	k.queue = kept
	k.mu.Unlock()
	telemetry.BioRecord("erased", records)
	n, err := k.st.EraseUser(BiosBucket, tenant, user)
	records += n
	if err != nil {
		return 0, records, err
	}
	feedback, err = k.st.EraseUser(Bucket, tenant, user)
	return feedback, records, err
}
