package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/ristretto/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/telemetry"
)

// Key is the exact cache's key: a SHA-256 of the tenant, the canonical
// request (user, normalised profile, options), the prompt version, the
// tenant's providers and models (providersKey) and the experiment arm
// ("" for none). Canonical bytes, not Go map or JSON field order.
func Key(tenant string, req *bio.Request, promptVersion, providersKey, arm string, now time.Time) string {
	h := sha256.New()
	h.Write([]byte("biogen-cache-v1\x00"))
	h.Write([]byte(tenant))
	h.Write([]byte{0})
	h.Write(req.AppendCanonical(nil))
	if t := timeFacts(&req.Profile, now); t != "" {
		// Years counted from dates, and in current positions, are facts of
		// the bio that change with the date: a bio that said 5 is not
		// served once it is 6.
		h.Write([]byte{0, 't'})
		h.Write([]byte(t))
	}
	h.Write([]byte{0})
	h.Write([]byte(promptVersion))
	h.Write([]byte{0})
	h.Write([]byte(providersKey))
	if arm != "" {
		h.Write([]byte{0, 'a'})
		h.Write([]byte(arm))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Exact is the exact cache: bounded by a byte budget, with a TTL per entry.
//
// The zero value is not usable: create it with NewExact. It is safe for
// concurrent use. It runs ristretto's goroutines: the owner stops them
// with Close.
type Exact struct {
	c *ristretto.Cache[string, *Entry]

	// users indexes keys by tenant and user, for erasure.
	mu    sync.Mutex
	users map[string]map[string]struct{}
	// bytes are the entries' costs, added on a store and taken off when
	// ristretto lets an entry go (evicted, rejected, replaced, deleted,
	// expired).
	bytes atomic.Int64
}

// NewExact returns an exact cache of at most maxBytes, which must be
// positive.
func NewExact(maxBytes int64) (*Exact, error) {
	if maxBytes <= 0 {
		return nil, fmt.Errorf("exact cache size %d must be positive", maxBytes)
	}
	e := &Exact{users: map[string]map[string]struct{}{}}
	c, err := ristretto.NewCache(&ristretto.Config[string, *Entry]{
		// About ten counters per item expected; an item is a few KB.
		NumCounters: max(maxBytes/200, 1000),
		MaxCost:     maxBytes,
		BufferItems: 64,
		// Costs are real bytes: ristretto adds nothing of its own.
		IgnoreInternalCost: true,
		Metrics:            true,
		OnEvict: func(item *ristretto.Item[*Entry]) {
			e.unindex(item.Value)
			telemetry.CacheEvicted("exact")
		},
		OnReject: func(item *ristretto.Item[*Entry]) { e.unindex(item.Value) },
		OnExit: func(v *Entry) {
			if v != nil {
				e.bytes.Add(-v.size())
			}
		},
	})
	if err != nil {
		return nil, fmt.Errorf("cannot create exact cache: %w", err)
	}
	e.c = c
	return e, nil
}

func userKey(tenant, user string) string { return tenant + "\x00" + user }

// unindex drops an evicted or rejected entry from the user index.
func (e *Exact) unindex(v *Entry) {
	if v == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	uk := userKey(v.Tenant, v.User)
	delete(e.users[uk], v.key)
	if len(e.users[uk]) == 0 {
		delete(e.users, uk)
	}
}

// Get returns the entry under key if it has not expired.
func (e *Exact) Get(key string, now time.Time) (*Entry, bool) {
	v, ok := e.c.Get(key)
	if !ok || now.After(v.Expires) {
		return nil, false
	}
	return v, true
}

// Set stores v under key until v.Expires. Like ristretto, it may drop the
// entry under contention or when the budget is spent.
func (e *Exact) Set(key string, v *Entry, now time.Time) bool {
	ttl := v.Expires.Sub(now)
	if ttl <= 0 {
		return false
	}
	v.key = key
	e.mu.Lock()
	uk := userKey(v.Tenant, v.User)
	if e.users[uk] == nil {
		e.users[uk] = map[string]struct{}{}
	}
	e.users[uk][key] = struct{}{}
	e.mu.Unlock()
	cost := v.size()
	e.bytes.Add(cost)
	// No ristretto TTL: its expiry buckets are Go maps that keep their
	// size until the TTL ends, 14 bytes a store for a day under distinct
	// traffic. Get refuses an expired entry, and the byte budget evicts it.
	if !e.c.Set(key, v, cost) {
		e.bytes.Add(-cost) // dropped: ristretto never saw it
		return false
	}
	return true
}

// Bytes returns the costs of the entries held, as far as ristretto has
// applied the stores (see Wait).
func (e *Exact) Bytes() int64 { return e.bytes.Load() }

// Wait applies every pending Set.
func (e *Exact) Wait() { e.c.Wait() }

// EraseUser deletes every entry of user in tenant and returns how many.
func (e *Exact) EraseUser(tenant, user string) int {
	e.mu.Lock()
	keys := e.users[userKey(tenant, user)]
	delete(e.users, userKey(tenant, user))
	e.mu.Unlock()
	for k := range keys {
		e.c.Del(k)
	}
	return len(keys)
}

// Metrics returns ristretto's counters.
func (e *Exact) Metrics() *ristretto.Metrics { return e.c.Metrics }

// Close stops the cache's goroutines.
func (e *Exact) Close() { e.c.Close() }
