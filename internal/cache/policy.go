package cache

import (
	"fmt"
	"time"
)

// Policy is one tenant's use of the caches, as plain values. The tenant
// registry builds it once per tenant from the configuration, where the
// defaults were filled; the cache fills none.
//
// The zero value is valid and turns both caches off. A Policy is a plain
// value: copy it freely and read it from any goroutine.
type Policy struct {
	// Exact enables the exact cache.
	Exact bool
	// Semantic enables the semantic cache.
	Semantic bool
	// TenantScope lets a semantic lookup find the entries of the tenant's
	// other users, re-personalised; false keeps each user to their own.
	TenantScope bool
	// MinSimilarity is the least similarity of a semantic hit, in (0, 1];
	// required when Semantic is set.
	MinSimilarity float64
	// TTL is how long a cached bio is served; required, positive, when
	// either cache is on.
	TTL time.Duration
}

// Validate reports the first setting of p that the caches cannot use.
func (p Policy) Validate() error {
	if (p.Exact || p.Semantic) && p.TTL <= 0 {
		return fmt.Errorf("cache ttl %q must be positive when a cache is on", p.TTL)
	}
	if p.Semantic && !(p.MinSimilarity > 0 && p.MinSimilarity <= 1) {
		return fmt.Errorf("cache similarity %g must be in (0, 1] when the semantic cache is on", p.MinSimilarity)
	}
	return nil
}

// off reports whether p turns both caches off.
func (p Policy) off() bool { return !p.Exact && !p.Semantic }
