package provider

import (
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{"": 0, "3": 3 * time.Second, "x": 0, "-1": 0, "Thu, 01 Jan 2026 00:00:10 GMT": 10 * time.Second} {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v; want %v", in, got, want)
		}
	}
}

func TestFromStatus(t *testing.T) {
	for _, tc := range []struct {
		code      int
		reason    Reason
		retryable bool
	}{
		{404, ReasonUnavailable, false}, {429, ReasonRateLimited, true}, {503, ReasonOverloaded, true},
		{500, ReasonUnavailable, true}, {502, ReasonUnavailable, true}, {400, ReasonError, false}, {401, ReasonError, false},
	} {
		err := FromStatus("p", tc.code, time.Second)
		if ReasonOf(err) != tc.reason || IsRetryable(err) != tc.retryable {
			t.Errorf("%d: got %v (retryable %v)", tc.code, err, IsRetryable(err))
		}
	}
	if RetryAfterOf(FromStatus("p", 429, 7*time.Second)) != 7*time.Second {
		t.Error("Retry-After lost")
	}
}
