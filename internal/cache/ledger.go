package cache

import (
	"container/list"
	"sort"
	"sync"
	"time"
)

// The bytes an entry and a collection cost beyond what the ledger counts
// of them by length (content, vector, ID, user): chromem-go's document
// and its map entries, the ledger's own slot, list element and map entry;
// a collection's struct, maps and name. TestLedgerCountsRealBytes measures
// them against the heap and fails when they count less than it grows.
const (
	entryOverhead      = 640
	collectionOverhead = 1024
)

// ledger accounts for the semantic cache's entries: their bytes and their
// order of use, so that a store past a bound evicts the least recently
// used entries at once rather than at the next purge, and a purge reads
// the ledger instead of every collection.
//
// The zero value is an empty ledger without bounds. It is safe for
// concurrent use.
type ledger struct {
	mu sync.Mutex
	// maxBytes and maxEntries bound the entries; 0 is no bound.
	maxBytes   int64
	maxEntries int
	bytes      int64
	lru        list.List // of *slot; the front was used last
	slots      map[slotKey]*list.Element
	cols       map[string]int // entries per collection
}

// slotKey names an entry: its collection and its document ID.
type slotKey struct{ col, id string }

// slot is the ledger's record of one entry.
type slot struct {
	slotKey
	tenant, user     string
	created, expires time.Time
	bytes            int64
}

// entryBytes is what an entry costs: its lengths and the overhead.
func entryBytes(content, id, user string, dims int) int64 {
	return int64(len(content)+4*dims+2*len(id)+len(user)) + entryOverhead
}

// setBounds sets the bounds and returns the entries that must go to keep
// them.
func (l *ledger) setBounds(maxBytes int64, maxEntries int) []slotKey {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maxBytes, l.maxEntries = maxBytes, maxEntries
	return l.evictLocked(nil)
}

// add records s, replacing the entry under its key, and returns the least
// recently used entries that must go to stay within the bounds (s itself
// when it alone is larger than the byte bound).
func (l *ledger) add(s *slot) []slotKey {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.slots == nil {
		l.slots, l.cols = map[slotKey]*list.Element{}, map[string]int{}
	}
	if el, ok := l.slots[s.slotKey]; ok {
		l.removeLocked(el)
	}
	if l.cols[s.col] == 0 {
		l.bytes += collectionOverhead
	}
	l.cols[s.col]++
	l.bytes += s.bytes
	l.slots[s.slotKey] = l.lru.PushFront(s)
	return l.evictLocked(nil)
}

// evictLocked removes least recently used entries until the bounds hold,
// appending their keys to out.
func (l *ledger) evictLocked(out []slotKey) []slotKey {
	for l.lru.Len() > 0 && (l.maxBytes > 0 && l.bytes > l.maxBytes || l.maxEntries > 0 && l.lru.Len() > l.maxEntries) {
		el := l.lru.Back()
		out = append(out, el.Value.(*slot).slotKey)
		l.removeLocked(el)
	}
	return out
}

// removeLocked forgets an entry, and its collection when it was the last.
func (l *ledger) removeLocked(el *list.Element) {
	s := el.Value.(*slot)
	l.lru.Remove(el)
	delete(l.slots, s.slotKey)
	l.bytes -= s.bytes
	if l.cols[s.col]--; l.cols[s.col] <= 0 {
		delete(l.cols, s.col)
		l.bytes -= collectionOverhead
	}
}

// touch records a use of the entry under k.
func (l *ledger) touch(k slotKey) {
	l.mu.Lock()
	if el, ok := l.slots[k]; ok {
		l.lru.MoveToFront(el)
	}
	l.mu.Unlock()
}

// remove forgets the entries for which drop is true and returns them.
func (l *ledger) remove(drop func(*slot) bool) []slotKey {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []slotKey
	for el := l.lru.Front(); el != nil; {
		next := el.Next()
		if s := el.Value.(*slot); drop(s) {
			out = append(out, s.slotKey)
			l.removeLocked(el)
		}
		el = next
	}
	return out
}

// has reports whether the ledger holds the collection.
func (l *ledger) has(col string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cols[col] > 0
}

// size returns the bytes and the entries accounted for.
func (l *ledger) size() (int64, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bytes, l.lru.Len()
}

// byCollection groups keys by collection.
func byCollection(keys []slotKey) map[string][]string {
	out := map[string][]string{}
	for _, k := range keys {
		out[k.col] = append(out[k.col], k.id)
	}
	return out
}

// oldestFirst orders slots by creation, oldest first: the order in which
// a rebuilt ledger (after a snapshot's import) takes them, so that the
// oldest are the least recently used.
func oldestFirst(s []*slot) {
	sort.Slice(s, func(i, j int) bool { return s[i].created.Before(s[j].created) })
}
