package jobs

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/store"
)

// Bucket is the store bucket of jobs. A job is one header record, under
// tenant 0 id 0 "h", and one record per item, under tenant 0 id 0 "i"
// and the index in six digits, owned by the item's user (so that erasing
// the user removes the item).
const Bucket = "jobs"

// The statuses of a job and of an item.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// header is a job's header record. Finished has a bit per item that
// reached its end (answered, failed, cancelled or erased): it is written
// in the same transaction as the item's result, so an item is never
// answered twice across a crash, and the items left to run are the
// others.
type header struct {
	ID          string    `json:"id"`
	Tenant      string    `json:"tenant"`
	Total       int       `json:"total"`
	Done        int       `json:"done"`
	Failed      int       `json:"failed"`
	Cancelled   bool      `json:"cancelled,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
	CallbackURL string    `json:"callback_url,omitempty"`
	Finished    []byte    `json:"finished"`
}

func (h *header) isFinished(i int) bool { return h.Finished[i/8]&(1<<(i%8)) != 0 }

func (h *header) finish(i int, now time.Time) {
	h.Finished[i/8] |= 1 << (i % 8)
	if h.ended() && h.FinishedAt.IsZero() {
		h.FinishedAt = now
	}
}

// ended reports whether every item reached its end.
func (h *header) ended() bool {
	n := 0
	for _, b := range h.Finished {
		n += bits.OnesCount8(b)
	}
	return n == h.Total
}

// item is an item's record.
type item struct {
	Index   int             `json:"index"`
	Status  string          `json:"status"`
	Request json.RawMessage `json:"request,omitempty"` // until answered
	Warm    bool            `json:"warm,omitempty"`    // warm_cache: the bio text is not kept
	Bio     json.RawMessage `json:"bio,omitempty"`
	Error   *bio.Problem    `json:"error,omitempty"`
}

func headerKey(tenant, id string) string { return tenant + "\x00" + id + "\x00h" }

func itemPrefix(tenant, id string) string { return tenant + "\x00" + id + "\x00i" }

func itemKey(tenant, id string, i int) string {
	return itemPrefix(tenant, id) + fmt.Sprintf("%06d", i)
}

func itemIndex(key, prefix string) (int, bool) {
	i, err := strconv.Atoi(key[len(prefix):])
	return i, err == nil
}

func getHeader(tx *store.Tx, tenant, id string) (*header, store.Record, bool, error) {
	r, found, err := tx.Get(Bucket, headerKey(tenant, id))
	if err != nil || !found {
		return nil, r, false, err
	}
	var h header
	if err := json.Unmarshal(r.Value, &h); err != nil {
		return nil, r, false, fmt.Errorf("cannot read job %q: %w", id, err)
	}
	return &h, r, true, nil
}

func putHeader(tx *store.Tx, h *header, expires time.Time) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return tx.Put(Bucket, headerKey(h.Tenant, h.ID), store.Record{Value: b, Expires: expires, Tenant: h.Tenant})
}

func getItem(tx *store.Tx, tenant, id string, i int) (*item, store.Record, bool, error) {
	r, found, err := tx.Get(Bucket, itemKey(tenant, id, i))
	if err != nil || !found {
		return nil, r, false, err
	}
	var it item
	if err := json.Unmarshal(r.Value, &it); err != nil {
		return nil, r, false, fmt.Errorf("cannot read item %d of job %q: %w", i, id, err)
	}
	return &it, r, true, nil
}

func putItem(tx *store.Tx, tenant, id string, it *item, r store.Record) error {
	b, err := json.Marshal(it)
	if err != nil {
		return err
	}
	r.Value = b
	return tx.Put(Bucket, itemKey(tenant, id, it.Index), r)
}
