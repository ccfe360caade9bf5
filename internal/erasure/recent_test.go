package erasure

import (
	"fmt"
	"testing"
	"time"
)

// TestBounded: the erasures remembered stay within their bound under a
// flood, the newest kept, and after Keep they are forgotten.
func TestBounded(t *testing.T) {
	var e Recent
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < MaxRecent+50; i++ {
		e.Note("acme", fmt.Sprint("u", i), now)
		now = now.Add(time.Millisecond)
	}
	if len(e.at) != MaxRecent || len(e.order) != MaxRecent {
		t.Fatalf("%d erasures remembered (%d in order); the bound is %d", len(e.at), len(e.order), MaxRecent)
	}
	if e.Since("acme", "u0", time.Time{}) {
		t.Fatal("the oldest erasure is still remembered")
	}
	if !e.Since("acme", fmt.Sprint("u", MaxRecent+49), time.Time{}) {
		t.Fatal("the newest erasure was forgotten")
	}
	now = now.Add(2 * Keep)
	e.Note("acme", "again", now)
	if len(e.at) != 1 {
		t.Fatalf("%d erasures remembered after Keep", len(e.at))
	}
}

// TestSince: a request that began at or before the erasure is held back;
// one that began after it, or another user's, or another tenant's
// same user id, is not; an erasure noted again counts from then.
func TestSince(t *testing.T) {
	var e Recent
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e.Note("acme", "u1", t0)
	switch {
	case !e.Since("acme", "u1", t0), !e.Since("acme", "u1", t0.Add(-time.Second)):
		t.Fatal("a request begun before the erasure is not held back")
	case e.Since("acme", "u1", t0.Add(time.Nanosecond)), e.Since("acme", "u2", t0), e.Since("other", "u1", t0):
		t.Fatal("a request the erasure does not concern is held back")
	}
	e.Note("acme", "u1", t0.Add(time.Minute))
	if !e.Since("acme", "u1", t0.Add(30*time.Second)) {
		t.Fatal("a second erasure does not count")
	}
}
