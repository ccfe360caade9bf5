package ratelimit

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	l, err := New(2, 3) // 2 per second, bursts of 3
	if err != nil {
		t.Fatal(err)
	}
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

// TestNewRejects checks that New defaults nothing: a zero or invalid rate
// or burst is refused, quoting the value.
func TestNewRejects(t *testing.T) {
	f := func(rps float64, burst int, want string) {
		t.Helper()
		l, err := New(rps, burst)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("New(%g, %d): got %v, %v; want an error with %q", rps, burst, l, err, want)
		}
	}
	f(0, 1, "rate 0 must be")
	f(-1, 1, "rate -1 must be")
	f(math.NaN(), 1, "rate NaN must be")
	f(math.Inf(1), 1, "rate +Inf must be")
	f(1, 0, "burst 0 must be at least 1")
	f(1, -3, "burst -3 must be at least 1")
}
