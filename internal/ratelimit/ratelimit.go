// Package ratelimit limits requests per tenant with a token bucket and
// describes the limit in the IETF RateLimit header fields
// (draft-ietf-httpapi-ratelimit-headers).
package ratelimit

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"golang.org/x/time/rate"
)

// Limiter is one tenant's token bucket.
//
// A Limiter is safe for concurrent use and starts no goroutine. Its zero
// value is not usable; call New.
type Limiter struct {
	lim    *rate.Limiter
	rps    float64
	burst  int
	policy string
}

// New returns a limiter of rps requests per second with bursts of burst.
// Both come from the configuration, which fills their defaults: a rate
// that is not a positive finite number, or a burst below 1, is an error.
func New(rps float64, burst int) (*Limiter, error) {
	if !(rps > 0) || math.IsInf(rps, 1) {
		return nil, fmt.Errorf("rate %g must be a positive number of requests per second", rps)
	}
	if burst < 1 {
		return nil, fmt.Errorf("burst %d must be at least 1", burst)
	}
	window := int(math.Ceil(float64(burst) / rps))
	if window < 1 {
		window = 1
	}
	return &Limiter{
		lim:    rate.NewLimiter(rate.Limit(rps), burst),
		rps:    rps,
		burst:  burst,
		policy: `"tenant";q=` + strconv.Itoa(burst) + `;w=` + strconv.Itoa(window),
	}, nil
}

// Decision is the outcome of one Allow.
//
// It is a plain value; the zero value is a refusal with nothing to wait for.
type Decision struct {
	Allowed bool
	// Remaining is how many requests could be made now.
	Remaining int
	// Reset is when the bucket is full again.
	Reset time.Duration
	// RetryAfter is when the next request would be allowed; 0 if allowed.
	RetryAfter time.Duration
}

// Allow takes one token at now if there is one.
func (l *Limiter) Allow(now time.Time) Decision {
	d := Decision{Allowed: l.lim.AllowN(now, 1)}
	tokens := l.lim.TokensAt(now)
	if tokens > 0 {
		d.Remaining = int(tokens)
	}
	d.Reset = seconds((float64(l.burst) - tokens) / l.rps)
	if !d.Allowed {
		d.RetryAfter = seconds((1 - tokens) / l.rps)
	}
	return d
}

func seconds(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	return time.Duration(s * float64(time.Second))
}

// Policy is the RateLimit-Policy header value: `"tenant";q=BURST;w=SECONDS`.
func (l *Limiter) Policy() string { return l.policy }

// Header is the RateLimit header value for d: `"tenant";r=REMAINING;t=SECONDS`.
func (d Decision) Header() string { return d.HeaderOf("tenant") }

// HeaderOf is the RateLimit header value for d under the policy name:
// `"user";r=REMAINING;t=SECONDS`.
func (d Decision) HeaderOf(name string) string {
	return `"` + name + `";r=` + strconv.Itoa(d.Remaining) + `;t=` + strconv.Itoa(CeilSeconds(d.Reset))
}

// Burst returns the bucket size, the policy's quota.
func (l *Limiter) Burst() int { return l.burst }

// CeilSeconds rounds d up to whole seconds, as Retry-After wants them.
func CeilSeconds(d time.Duration) int {
	s := int(math.Ceil(d.Seconds()))
	if s < 0 {
		return 0
	}
	return s
}
