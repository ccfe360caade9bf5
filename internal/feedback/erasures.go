package feedback

import "time"

// erasedKeep is how long an erasure keeps out the records of requests that
// began before it: longer than any request runs.
const erasedKeep = time.Hour

// maxRecentErasures bounds the erasures remembered (about 150 bytes
// each); past it the oldest is forgotten (its user's request, if still
// running after an hour's worth of erasures, may record once more: the
// record expires with the retention, and the next erasure takes it).
const maxRecentErasures = 100_000

// recentErasures remembers when each (tenant, user) was last erased, for
// an hour, so that the record of a request that began before its user's
// erasure is not kept after it. The zero value is empty and usable; it is
// not safe for concurrent use (the Keeper's mu guards it).
type recentErasures struct {
	at    map[owner]time.Time
	order []erasure // oldest first
}

type owner struct{ tenant, user string }

type erasure struct {
	who owner
	at  time.Time
}

// note records that user of tenant was erased at now, and forgets the
// erasures older than erasedKeep and the oldest beyond
// maxRecentErasures.
func (e *recentErasures) note(tenant, user string, now time.Time) {
	if e.at == nil {
		e.at = map[owner]time.Time{}
	}
	for len(e.order) > 0 && (now.Sub(e.order[0].at) > erasedKeep || len(e.order) >= maxRecentErasures) {
		old := e.order[0]
		e.order = e.order[1:]
		if e.at[old.who] == old.at { // not erased again since
			delete(e.at, old.who)
		}
	}
	w := owner{tenant, user}
	e.at[w] = now
	e.order = append(e.order, erasure{w, now})
}

// since reports whether user of tenant was erased at or after started.
// It allocates nothing.
func (e *recentErasures) since(tenant, user string, started time.Time) bool {
	if len(e.at) == 0 {
		return false
	}
	at, ok := e.at[owner{tenant, user}]
	return ok && !at.Before(started)
}
