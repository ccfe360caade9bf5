package cache

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/corpus"
)

// TestLedgerOrder: past a bound the least recently used entry goes first;
// a use (touch) saves an entry, a replacement counts once, and a
// collection costs its overhead while it holds an entry.
func TestLedgerOrder(t *testing.T) {
	var l ledger
	l.setBounds(0, 3)
	add := func(col, id string) []slotKey { return l.add(&slot{slotKey: slotKey{col, id}, bytes: 100}) }
	for _, id := range []string{"a", "b", "c"} {
		if out := add("x", id); len(out) != 0 {
			t.Fatalf("evicted %v under the bound", out)
		}
	}
	l.touch(slotKey{"x", "a"}) // a was used last: b is the least recent
	if out := add("y", "d"); len(out) != 1 || out[0] != (slotKey{"x", "b"}) {
		t.Fatalf("evicted %v; want x/b", out)
	}
	if out := add("y", "d"); len(out) != 0 { // replaced, not added
		t.Fatalf("a replacement evicted %v", out)
	}
	if b, n := l.size(); n != 3 || b != 3*100+2*collectionOverhead {
		t.Fatalf("size %d bytes, %d entries", b, n)
	}
	if gone := l.remove(func(s *slot) bool { return s.col == "y" }); len(gone) != 1 || l.has("y") {
		t.Fatalf("removed %v; collection y held: %v", gone, l.has("y"))
	}
	// A byte bound: the entry alone larger than it goes too.
	l.setBounds(250+collectionOverhead, 0)
	if b, _ := l.size(); b > 250+collectionOverhead {
		t.Fatalf("%d bytes over the bound", b)
	}
	if out := l.add(&slot{slotKey: slotKey{"z", "huge"}, bytes: 10000}); len(out) == 0 || out[len(out)-1] != (slotKey{"z", "huge"}) {
		t.Fatalf("an entry over the whole budget stayed: evicted %v", out)
	}
}

// TestSemanticBudget stores past the byte budget: after every store the
// accounted bytes are within it, the collections hold exactly the entries
// the ledger does, and the newest entries are the ones kept.
func TestSemanticBudget(t *testing.T) {
	const budget = 4 << 20 // a semantic share of 3 MiB
	c, err := New(Limits{Bytes: budget}, HashEmbedder{}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	tn := testTenant("user")
	semBudget := int64(budget - budget/4)
	kept := 0
	for i := 0; i < 2000; i++ {
		r := corpus.Request(11, i)
		q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: &r, PromptVersion: "bio-v1", ProvidersKey: "big=m"}
		if err := c.Store(context.Background(), q, strings.Repeat("A bio sentence of some length. ", 30), nil, "ollama", "big", "m"); err != nil {
			t.Fatal(err)
		}
		b, n := c.Semantic().Size()
		if b > semBudget {
			t.Fatalf("store %d: %d bytes accounted; the budget is %d", i, b, semBudget)
		}
		if i%200 == 199 && c.Semantic().Count() != n {
			t.Fatalf("store %d: the collections hold %d entries, the ledger %d", i, c.Semantic().Count(), n)
		}
		kept = n
	}
	if kept == 0 || kept == 2000 {
		t.Fatalf("%d entries kept of 2000: the budget evicted nothing or everything", kept)
	}
	// The newest is there; the first went.
	for i, want := range map[int]bool{1999: true, 0: false} {
		r := corpus.Request(11, i)
		q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: &r, PromptVersion: "bio-v1", ProvidersKey: "big=m"}
		f := q.factsOf(time.Now())
		e, _ := c.sem.Find(context.Background(), FindQuery{Tenant: tn.ID, User: r.UserID, Req: &r, Facts: f, PromptVersion: "bio-v1", ProvidersKey: "big=m", Now: time.Now()})
		if (e != nil) != want {
			t.Fatalf("entry %d found: %v; want %v", i, e != nil, want)
		}
	}
	if b := c.exact.Bytes(); b <= 0 || b > budget/4 {
		t.Fatalf("the exact cache accounts for %d bytes; its share is %d", b, budget/4)
	}
	t.Logf("%d of 2000 entries kept in %d bytes", kept, semBudget)
}

// TestLedgerCountsRealBytes measures what semantic entries cost the heap,
// in user scope (a collection each) and tenant scope, and fails when the
// ledger counts less than that: a budget in accounted bytes must hold in
// real ones.
func TestLedgerCountsRealBytes(t *testing.T) {
	for _, scope := range []string{"user", "tenant"} {
		sem, err := NewSemantic(HashEmbedder{}, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		const n = 2000
		entries := make([]*Entry, n)
		for i := range entries {
			r := corpus.Request(5, i)
			entries[i] = &Entry{Tenant: "acme", User: r.UserID, Name: r.Profile.Name, Bio: strings.Repeat(fmt.Sprint(i), 300),
				Options: bio.Options{Length: bio.LengthMedium}, Facts: FactsOf(&r.Profile, time.Now()), FactsVersion: factsVersion,
				Created: time.Now(), Expires: time.Now().Add(time.Hour), PromptVersion: "v1", ProvidersKey: "big=m", Source: "ollama"}
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, e := range entries {
			if err := sem.Add(context.Background(), e, scope == "tenant"); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		accounted, _ := sem.Size()
		t.Logf("%s scope: heap %d bytes/entry, accounted %d", scope, heap/n, accounted/n)
		if accounted < heap {
			t.Errorf("%s scope: the ledger counts %d bytes of a heap of %d: raise the overheads", scope, accounted, heap)
		}
		runtime.KeepAlive(entries)
	}
}

// TestExactCountsRealBytes: the exact cache's costs (Entry.size) are not
// less than what its entries cost the heap: the entries, their keys (the
// erasure index holds them) and ristretto's records of them.
func TestExactCountsRealBytes(t *testing.T) {
	ex, err := NewExact(1 << 30)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	const n = 2000
	reqs := make([]bio.Request, n)
	for i := range reqs {
		reqs[i] = corpus.Request(5, i)
	}
	now := time.Now()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := range reqs {
		r := &reqs[i]
		// As Cache.Store sets them: without the facts.
		e := &Entry{Tenant: "acme", User: r.UserID, Name: r.Profile.Name, Bio: strings.Repeat(fmt.Sprint(i), 300),
			Created: now, Expires: now.Add(time.Hour), Source: "ollama", Provider: "big", Model: "m", PromptVersion: "v1", ProvidersKey: "big=m",
			BioID: fmt.Sprintf("bio_01JD3Q8M2X7Y6Z5W4V3T%06d", i)}
		ex.Set(Key("acme", r, "v1", "big=m", "", now), e, now)
	}
	ex.Wait()
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap %d bytes/entry, accounted %d", heap/n, ex.Bytes()/n)
	if ex.Bytes() < heap {
		t.Errorf("the exact cache counts %d bytes of a heap of %d: raise Entry.size's base", ex.Bytes(), heap)
	}
	runtime.KeepAlive(reqs)
}
