package ratelimit

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

func TestUsers(t *testing.T) {
	if u, err := NewUsers(0, 5); u != nil || err != nil {
		t.Fatalf("0 a minute: %v, %v; want no limiter", u, err)
	}
	if _, err := NewUsers(-1, 5); err == nil {
		t.Fatal("a negative rate was accepted")
	}
	u, err := NewUsers(10, 5) // one token every 6 s
	if err != nil {
		t.Fatal(err)
	}
	if u.Policy() != `"user";q=5;w=30` {
		t.Fatalf("policy %q", u.Policy())
	}
	now := time.Unix(1000, 0)
	for i := 0; i < 5; i++ {
		if d := u.Allow("w-1", now); !d.Allowed || d.Remaining != 4-i {
			t.Fatalf("request %d: %+v", i, d)
		}
	}
	d := u.Allow("w-1", now)
	if d.Allowed || d.RetryAfter != 6*time.Second {
		t.Fatalf("sixth: %+v", d)
	}
	if !u.Allow("w-2", now).Allowed {
		t.Fatal("another user shares the bucket")
	}
	if !u.Allow("w-1", now.Add(6*time.Second)).Allowed || u.Allow("w-1", now.Add(6*time.Second)).Allowed {
		t.Fatal("one token in 6 s")
	}
	u.Refund("w-1")
	if !u.Allow("w-1", now.Add(6*time.Second)).Allowed {
		t.Fatal("a refunded token was not there")
	}
}

// TestUsersMemoryIsBounded sends a million distinct users at one instant,
// so that no bucket has refilled: at most MaxUserBuckets are kept, within
// 32 MB, and a user dropped for room starts with a full bucket.
func TestUsersMemoryIsBounded(t *testing.T) {
	u, err := NewUsers(10, 5)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	now := time.Unix(1000, 0)
	for i := 0; i < 1_000_000; i++ {
		u.Allow("user-"+strconv.Itoa(i), now)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if n := u.Len(); n > MaxUserBuckets {
		t.Fatalf("%d buckets kept; want at most %d", n, MaxUserBuckets)
	}
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 32<<20 {
		t.Fatalf("the heap grew by %d MB for a million users; budget 32 MB", grew>>20)
	}
	// Later, every bucket has refilled: a full shard drops them all.
	for i := 0; i < MaxUserBuckets; i++ {
		u.Allow("later-"+strconv.Itoa(i), now.Add(time.Minute))
	}
	if n := u.Len(); n > MaxUserBuckets {
		t.Fatalf("%d buckets after the refill", n)
	}
	runtime.KeepAlive(u)
}
