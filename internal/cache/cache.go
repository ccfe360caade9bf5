package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/biogen/biogen/internal/erasure"
	"slices"
	"sync"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/telemetry"
)

// The kinds of hit, as responses report them in cache.
const (
	HitExact    = "exact"
	HitSemantic = "semantic"
)

// Cache is the exact cache in front of the semantic one.
//
// The zero value is not usable: create it with New. It is safe for
// concurrent use. Its exact part runs ristretto's goroutines: the owner
// stops them with Close.
type Cache struct {
	exact *Exact
	sem   *Semantic
	now   func() time.Time

	// erasedMu guards erased: the users erased lately, so that an answer
	// to a request that began before the erasure is not stored after it.
	erasedMu sync.Mutex
	erased   erasure.Recent
}

// Limits bound the caches' memory.
//
// The zero value is not valid: Bytes must be positive.
type Limits struct {
	// Bytes is the budget of both caches in real bytes (entries, vectors,
	// indexes): a quarter for the exact cache, the rest for the semantic
	// one, each enforced on every store. At least 1 MiB.
	Bytes int64
	// SemanticEntries bounds the semantic cache's entries too; 0 is no
	// bound but the bytes.
	SemanticEntries int
}

// exactShare is the part of Limits.Bytes the exact cache takes.
func (l Limits) exactShare() int64 { return l.Bytes / 4 }

// New returns a cache within limits, whose semantic part embeds with emb,
// each call bounded by embedTimeout, which must be positive (the
// configuration sets it; see config.Cache).
func New(limits Limits, emb Embedder, embedTimeout time.Duration) (*Cache, error) {
	if limits.Bytes < 1<<20 || limits.SemanticEntries < 0 {
		return nil, fmt.Errorf("cache limits %+v: the budget must be at least 1 MiB and the entries not negative", limits)
	}
	sem, err := NewSemantic(emb, embedTimeout)
	if err != nil {
		return nil, err
	}
	sem.SetBounds(context.Background(), limits.Bytes-limits.exactShare(), limits.SemanticEntries)
	ex, err := NewExact(limits.exactShare())
	if err != nil {
		return nil, err
	}
	return &Cache{exact: ex, sem: sem, now: time.Now}, nil
}

// Query is one request's view of the cache.
//
// Its zero value is not usable: Req must be set. A Query belongs to one
// request and is not safe for concurrent use: the cache remembers its key
// and facts in it.
type Query struct {
	// Tenant is the tenant's ID.
	Tenant string
	// Policy is the tenant's use of the caches.
	Policy        Policy
	Req           *bio.Request
	PromptVersion string
	// ProvidersKey names the tenant's providers and models, in order: a
	// bio is only reused for the same ones.
	ProvidersKey string
	// Arm names the experiment arm the request is answered in
	// ("<experiment>/<arm>"), "" without an experiment: a bio is only
	// reused in its arm, whatever the arms' prompts and providers.
	Arm string
	// MinSimilarity, if above the tenant's, makes the semantic lookup
	// stricter for this request; it never loosens it. A semantic hit has
	// the same normalised facts, a similarity of 1, so only a value above
	// 1 (which the HTTP edge does not accept) turns the lookup off.
	MinSimilarity float64
	// Started is when the request arrived; an answer to it is not stored
	// if its user was erased after that. Zero means unknown: stored.
	Started time.Time
	// Reasons are the reasons of the flags of the answer stored
	// ("<flag>:<reason>"), kept with it for the metrics of its hits.
	Reasons []string
	// BioID is the id of the answer stored, kept with it (Entry.BioID);
	// "" for none.
	BioID string

	key   string
	facts *Facts
}

func (q *Query) prepare(now time.Time) {
	if q.key == "" {
		q.key = Key(q.Tenant, q.Req, q.PromptVersion, q.ProvidersKey, q.Arm, now)
	}
}

// factsOf normalises the request's facts once, when a semantic lookup or a
// store needs them; an exact hit never does.
func (q *Query) factsOf(now time.Time) *Facts {
	if q.facts == nil {
		f := FactsOf(&q.Req.Profile, now)
		q.facts = &f
	}
	return q.facts
}

// Lookup returns a cached bio for q and the kind of hit, or nil.
func (c *Cache) Lookup(ctx context.Context, q *Query) (*Entry, string, error) {
	cfg := q.Policy
	if cfg.off() {
		return nil, "", nil
	}
	now := c.now()
	q.prepare(now)
	if cfg.Exact {
		if e, ok := c.exact.Get(q.key, now); ok && e.Tenant == q.Tenant {
			telemetry.CacheLookup(HitExact, q.Tenant, "hit")
			return e, HitExact, nil
		}
		telemetry.CacheLookup(HitExact, q.Tenant, "miss")
	}
	if cfg.Semantic && max(cfg.MinSimilarity, q.MinSimilarity) <= 1 {
		e, err := c.sem.Find(ctx, FindQuery{
			Tenant: q.Tenant, User: q.Req.UserID, Req: q.Req, Facts: q.factsOf(now),
			PromptVersion: q.PromptVersion, ProvidersKey: q.ProvidersKey, Arm: q.Arm, TenantScope: cfg.TenantScope, Now: now,
		})
		if err != nil {
			return nil, "", err
		}
		if e != nil {
			telemetry.CacheLookup(HitSemantic, q.Tenant, "hit")
			return e, HitSemantic, nil
		}
		telemetry.CacheLookup(HitSemantic, q.Tenant, "miss")
	}
	return nil, "", nil
}

// Store caches a bio written for q. The caller stores only validated,
// non-degraded model output: never a template answer, a degraded one, an
// error or an unfinished stream.
func (c *Cache) Store(ctx context.Context, q *Query, bioText string, flags []string, source, provider, model string) error {
	cfg := q.Policy
	if cfg.off() || slices.Contains(flags, bio.FlagNeedsReview) || c.erasedSince(q) {
		// A tenant with both caches off: not even the key or the facts.
		// A text that a person must review is never served again. An
		// answer for a user erased while it was written is not kept.
		return nil
	}
	now := c.now()
	q.prepare(now)
	e := &Entry{
		Tenant: q.Tenant, User: q.Req.UserID, Name: q.Req.Profile.Name, Bio: bioText, Flags: flags, Reasons: q.Reasons,
		Source: source, Provider: provider, Model: model, PromptVersion: q.PromptVersion, ProvidersKey: q.ProvidersKey,
		Arm: q.Arm, Options: q.Req.Options, Facts: *q.factsOf(now), FactsVersion: factsVersion, BioID: q.BioID, Created: now, Expires: now.Add(cfg.TTL),
	}
	if cfg.Exact {
		// Stores follow model calls of seconds: waiting for ristretto to
		// apply the write costs nothing in comparison, and a client that
		// repeats its request at once gets the exact hit. The exact entry
		// goes without the facts: its key is the whole request, and the
		// facts are a third of its bytes.
		ex := *e
		ex.Facts = Facts{}
		c.exact.Set(q.key, &ex, now)
		c.exact.Wait()
	}
	var err error
	if cfg.Semantic {
		err = c.sem.Add(ctx, e, cfg.TenantScope)
	}
	if c.erasedSince(q) {
		// Erased while this was written: the erasure may have run before
		// the writes landed, so they go now.
		c.exact.EraseUser(q.Tenant, q.Req.UserID)
		c.sem.EraseUser(ctx, q.Tenant, q.Req.UserID)
	}
	return err
}

// bodyKey is the key under which the exact cache finds a request by the
// bytes of its body (see LookupBody).
func bodyKey(tenant string, body []byte, scope string) string {
	h := sha256.New()
	h.Write([]byte("biogen-body-v2\x00"))
	h.Write([]byte(tenant))
	h.Write([]byte{0})
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// LookupBody returns the exact-cache entry for a request body that is, byte
// for byte, the body of a request answered from that entry before (see
// AliasBody), or nil. The same bytes decode to the same request, so the
// caller may skip decoding, validating and the canonical key: a client
// that repeats a request (Workday retries, a page shown again) costs a hash
// and two lookups.
//
// scope names what, besides the bytes, decides how the tenant answers
// them: its prompt versions, providers and experiment (the caller's to
// say; see AliasBody). Only an alias filed under the same scope is found.
func (c *Cache) LookupBody(tenant string, p Policy, body []byte, scope string) *Entry {
	if !p.Exact {
		return nil
	}
	now := c.now()
	a, ok := c.exact.Get(bodyKey(tenant, body, scope), now)
	if !ok || a.aliasOf == "" {
		return nil
	}
	e, ok := c.exact.Get(a.aliasOf, now)
	if !ok || e.Tenant != tenant || e.aliasOf != "" {
		return nil // evicted, expired or erased since
	}
	telemetry.CacheLookup(HitExact, tenant, "hit")
	telemetry.CacheBodyHit(tenant)
	return e
}

// AliasBody lets LookupBody find q's exact entry by body, the bytes q's
// request was decoded from, under scope (see LookupBody). The alias holds
// no text, expires with the entry and is erased with the user's data. The
// caller must not alias a body that asks for a new version (regenerate) or
// a stream.
func (c *Cache) AliasBody(q *Query, body []byte, scope string) {
	if !q.Policy.Exact || len(body) == 0 || c.erasedSince(q) {
		return
	}
	now := c.now()
	q.prepare(now)
	e, ok := c.exact.Get(q.key, now)
	if !ok {
		return
	}
	expires := e.Expires
	if timeFacts(&q.Req.Profile, now) != "" {
		// The bytes are not decoded again, so the key's facts of the date
		// are not counted again: the alias ends when they may change.
		if m := nextMonth(now); m.Before(expires) {
			expires = m
		}
	}
	alias := &Entry{Tenant: e.Tenant, User: e.User, Expires: expires, aliasOf: q.key}
	c.exact.Set(bodyKey(q.Tenant, body, scope), alias, now)
}

// EraseUser deletes everything cached for user in tenant, from both caches,
// and returns how many entries went.
func (c *Cache) EraseUser(ctx context.Context, tenantID, user string) (int, error) {
	c.noteErasure(tenantID, user)
	c.exact.Wait() // writes still pending would come back after the erasure
	n := c.exact.EraseUser(tenantID, user)
	m, err := c.sem.EraseUser(ctx, tenantID, user)
	return n + m, err
}

// Wait applies pending writes of the exact cache (ristretto writes are
// asynchronous); tests and erasure use it.
func (c *Cache) Wait() { c.exact.Wait() }

// Semantic returns the semantic cache, for persistence.
func (c *Cache) Semantic() *Semantic { return c.sem }

// Close stops the exact cache's goroutines.
func (c *Cache) Close() { c.exact.Close() }

// Maintain purges the semantic entries that expired or that the retention
// no longer keeps, and returns how many went; the exact cache expires by
// itself, and both keep their bounds on every store.
func (c *Cache) Maintain(ctx context.Context) int {
	return c.sem.Purge(ctx, c.now())
}

// Size returns the bytes each cache accounts for, and the semantic
// cache's entries.
func (c *Cache) Size() (exactBytes, semanticBytes int64, semanticEntries int) {
	exactBytes = c.exact.Bytes()
	semanticBytes, semanticEntries = c.sem.Size()
	return exactBytes, semanticBytes, semanticEntries
}

// noteErasure records that user of tenant was erased now (a forgotten
// erasure's request, if still running, may store once more; the durable
// record, Erasures, still drops it from any snapshot loaded later).
func (c *Cache) noteErasure(tenant, user string) {
	now := c.now()
	c.erasedMu.Lock()
	defer c.erasedMu.Unlock()
	c.erased.Note(tenant, user, now)
}

// erasedSince reports whether q's user was erased after q's request began:
// its answer must not be stored.
func (c *Cache) erasedSince(q *Query) bool {
	if q.Started.IsZero() {
		return false
	}
	c.erasedMu.Lock()
	defer c.erasedMu.Unlock()
	return c.erased.Since(q.Tenant, q.Req.UserID, q.Started)
}
