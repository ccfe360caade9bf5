package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l := New(2, 3) // 2 per second, bursts of 3
	now := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		d := l.Allow(now)
		if !d.Allowed || d.Remaining != 2-i {
			t.Fatalf("request %d: got %+v", i, d)
		}
	}
	d := l.Allow(now)
	if d.Allowed || d.RetryAfter != 500*time.Millisecond || CeilSeconds(d.RetryAfter) != 1 {
		t.Fatalf("4th request: got %+v", d)
	}
	if got, want := d.Header(), `"tenant";r=0;t=2`; got != want {
		t.Fatalf("Header: got %q; want %q", got, want)
	}
	if got, want := l.Policy(), `"tenant";q=3;w=2`; got != want {
		t.Fatalf("Policy: got %q; want %q", got, want)
	}
	// Half a second later one token is back.
	if d := l.Allow(now.Add(500 * time.Millisecond)); !d.Allowed {
		t.Fatalf("after refill: got %+v", d)
	}
}
