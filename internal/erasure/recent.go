// Package erasure remembers the users erased lately, so that what a
// request that began before its user's erasure would store after it (a
// cache entry, a bio record) is dropped. It knows nothing of what is
// stored.
package erasure

import "time"

// Keep is how long an erasure keeps out the writes of requests that began
// before it: longer than any request runs.
const Keep = time.Hour

// MaxRecent bounds the erasures remembered (about 150 bytes each); past
// it the oldest is forgotten: its user's request, if still running after
// that many erasures, may write once more (the durable records' own
// erasure and expiry still take it).
const MaxRecent = 100_000

// Recent remembers when each (tenant, user) was last erased, for Keep, at
// most MaxRecent of them: a flood of erasures costs bounded memory and
// constant time each.
//
// The zero value is empty and usable. A Recent is not safe for concurrent
// use: its owner's mutex guards it.
type Recent struct {
	at    map[owner]time.Time
	order []note // oldest first
}

type owner struct{ tenant, user string }

type note struct {
	who owner
	at  time.Time
}

// Note records that user of tenant was erased at now, and forgets the
// erasures older than Keep and the oldest beyond MaxRecent.
func (e *Recent) Note(tenant, user string, now time.Time) {
	if e.at == nil {
		e.at = map[owner]time.Time{}
	}
	for len(e.order) > 0 && (now.Sub(e.order[0].at) > Keep || len(e.order) >= MaxRecent) {
		old := e.order[0]
		e.order = e.order[1:]
		if e.at[old.who] == old.at { // not erased again since
			delete(e.at, old.who)
		}
	}
	w := owner{tenant, user}
	e.at[w] = now
	e.order = append(e.order, note{w, now})
}

// Since reports whether user of tenant was erased at or after started.
// It allocates nothing.
func (e *Recent) Since(tenant, user string, started time.Time) bool {
	if len(e.at) == 0 {
		return false
	}
	at, ok := e.at[owner{tenant, user}]
	return ok && !at.Before(started)
}
