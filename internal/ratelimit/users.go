package ratelimit

import (
	"fmt"
	"hash/maphash"
	"math"
	"strconv"
	"sync"
	"time"
)

// MaxUserBuckets bounds how many user buckets a Users keeps. A bucket
// that has refilled is dropped first, which changes nothing (a new bucket
// starts full); only beyond this many users at once within a refill time
// is a partly used bucket dropped, which lets its user start afresh.
const MaxUserBuckets = 100_000

// userShards spreads the buckets over locks.
const userShards = 32

// Users is a token bucket per user of one tenant, with bounded memory.
//
// The zero value is not usable: call NewUsers. A Users is safe for
// concurrent use and starts no goroutine: idle buckets are dropped when a
// shard is full.
type Users struct {
	perSecond float64
	burst     float64
	policy    string
	seed      maphash.Seed
	shards    [userShards]userShard
}

type userShard struct {
	mu      sync.Mutex
	buckets map[string]userBucket
}

// userBucket is a bucket's tokens at its last use (Unix nanoseconds).
type userBucket struct {
	tokens float64
	last   int64
}

// NewUsers returns per-user buckets of perMinute requests a minute with
// bursts of burst, or nil when perMinute is 0 (no per-user limit).
func NewUsers(perMinute, burst int) (*Users, error) {
	if perMinute == 0 {
		return nil, nil
	}
	if perMinute < 0 || burst < 1 {
		return nil, fmt.Errorf("per-user rate %d a minute and burst %d must be positive", perMinute, burst)
	}
	u := &Users{perSecond: float64(perMinute) / 60, burst: float64(burst), seed: maphash.MakeSeed()}
	window := int(math.Ceil(float64(burst) / u.perSecond))
	u.policy = `"user";q=` + strconv.Itoa(burst) + `;w=` + strconv.Itoa(max(window, 1))
	for i := range u.shards {
		u.shards[i].buckets = map[string]userBucket{}
	}
	return u, nil
}

// Policy is the user policy of the RateLimit-Policy header.
func (u *Users) Policy() string { return u.policy }

// Allow takes one token of user's bucket at now if there is one.
func (u *Users) Allow(user string, now time.Time) Decision {
	sh := &u.shards[maphash.String(u.seed, user)%userShards]
	t := now.UnixNano()
	sh.mu.Lock()
	b, ok := sh.buckets[user]
	if !ok {
		b = userBucket{tokens: u.burst, last: t}
		if len(sh.buckets) >= MaxUserBuckets/userShards {
			u.evict(sh, t)
		}
	}
	b.tokens = math.Min(u.burst, b.tokens+float64(t-b.last)/1e9*u.perSecond)
	b.last = t
	d := Decision{}
	if b.tokens >= 1 {
		b.tokens--
		d.Allowed = true
	}
	sh.buckets[user] = b
	sh.mu.Unlock()
	d.Remaining = int(b.tokens)
	d.Reset = seconds((u.burst - b.tokens) / u.perSecond)
	if !d.Allowed {
		d.RetryAfter = seconds((1 - b.tokens) / u.perSecond)
	}
	return d
}

// Refund gives back the token Allow took, when the tenant's bucket refused
// the request after the user's allowed it.
func (u *Users) Refund(user string) {
	sh := &u.shards[maphash.String(u.seed, user)%userShards]
	sh.mu.Lock()
	if b, ok := sh.buckets[user]; ok {
		b.tokens = math.Min(u.burst, b.tokens+1)
		sh.buckets[user] = b
	}
	sh.mu.Unlock()
}

// evict makes room in a full shard: the buckets that have refilled go; if
// none has, a tenth of the shard goes, in the map's random order.
func (u *Users) evict(sh *userShard, now int64) {
	full := int64((u.burst / u.perSecond) * 1e9)
	for k, b := range sh.buckets {
		if now-b.last >= full {
			delete(sh.buckets, k)
		}
	}
	for k := range sh.buckets {
		if len(sh.buckets) < MaxUserBuckets/userShards*9/10 {
			break
		}
		delete(sh.buckets, k)
	}
}

// Len returns how many buckets are kept; for tests.
func (u *Users) Len() int {
	n := 0
	for i := range u.shards {
		u.shards[i].mu.Lock()
		n += len(u.shards[i].buckets)
		u.shards[i].mu.Unlock()
	}
	return n
}

// Closer returns whichever of two decisions is closer to empty, as the
// RateLimit header reports it, with its policy name.
func Closer(tenant, user Decision, tenantQuota, userQuota int) (Decision, string) {
	if float64(user.Remaining)/float64(userQuota) < float64(tenant.Remaining)/float64(tenantQuota) {
		return user, "user"
	}
	return tenant, "tenant"
}
