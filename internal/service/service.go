// Package service answers one bio request: it renders the prompt, runs the
// tenant's chain of providers and builds the contract's response. It knows
// nothing of HTTP.
package service

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
)

// Cache values of a response.
const (
	CacheMiss     = "miss"
	CacheExact    = "exact"
	CacheSemantic = "semantic"
)

// Response is the contract's 200 body.
type Response struct {
	ID              string   `json:"id"`
	Bio             string   `json:"bio"`
	Format          string   `json:"format"`
	Source          string   `json:"source"`
	Provider        string   `json:"provider"`
	Model           string   `json:"model"`
	Cache           string   `json:"cache"`
	PromptVersion   string   `json:"prompt_version"`
	Degraded        bool     `json:"degraded"`
	FallbackReasons []string `json:"fallback_reasons"`
	Flags           []string `json:"flags"`
	Usage           Usage    `json:"usage"`
	RequestID       string   `json:"request_id"`
	CreatedAt       string   `json:"created_at"`

	// Timing is for the Server-Timing header; it is not part of the body.
	Timing Timing `json:"-"`
}

// Usage is the token and cost account of a response.
type Usage struct {
	InputTokens  int     `json:"input_tokens"`
	OutputTokens int     `json:"output_tokens"`
	CostUSD      float64 `json:"cost_usd"`
}

// Timing splits the time of a request into its phases.
type Timing struct {
	Cache    time.Duration
	Provider time.Duration
	Total    time.Duration
}

// ErrNoTenantChain means the tenant has no chain: a wiring bug.
var ErrNoTenantChain = errors.New("no chain for tenant")

// Service answers bio requests.
//
// A Service is immutable after New and safe for concurrent use.
type Service struct {
	prompt   *prompt.Template
	chains   map[string]*chain.Chain
	chainIDs map[string]string
	cache    *cache.Cache
	timeout  time.Duration
	now      func() time.Time
}

// Config configures a Service.
type Config struct {
	Prompt *prompt.Template
	// Chains maps each tenant ID to its chain.
	Chains map[string]*chain.Chain
	// ChainIDs maps each tenant ID to a string naming its chain's
	// providers and models; cached bios are reused only for the same one.
	ChainIDs map[string]string
	// Cache, if not nil, answers repeated requests.
	Cache *cache.Cache
	// Timeout is the deadline of one request. Default 20s.
	Timeout time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	s := &Service{prompt: cfg.Prompt, chains: cfg.Chains, chainIDs: cfg.ChainIDs, cache: cfg.Cache, timeout: cfg.Timeout, now: cfg.Now}
	if s.timeout <= 0 {
		s.timeout = 20 * time.Second
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// PromptVersion returns the prompt version responses carry.
func (s *Service) PromptVersion() string { return s.prompt.Version() }

// Chain returns the chain of a tenant, or nil.
func (s *Service) Chain(tenantID string) *chain.Chain { return s.chains[tenantID] }

// Options are the per-request settings of Generate.
type Options struct {
	// Sink, if not nil, receives the text as it is written (and resets,
	// when a provider fails after sending text).
	Sink chain.Sink
	// MinSimilarity makes the semantic cache stricter for this request.
	MinSimilarity float64
	// SkipLookup skips the cache read, for a caller that has done it
	// (a stream decides its headers on the lookup before it starts).
	SkipLookup bool
	// Body is the request body req was decoded from. With it, an answer
	// from the exact cache or a model is also filed under the body's bytes,
	// so that CachedBody answers the same bytes again without decoding.
	Body []byte
}

// CachedBody answers, from the exact cache, a request whose body is byte
// for byte the body of one answered from there before (Options.Body), or
// returns nil. It does not decode the body.
func (s *Service) CachedBody(t *tenant.Tenant, requestID string, body []byte) *Response {
	if s.cache == nil {
		return nil
	}
	start := s.now()
	e := s.cache.LookupBody(t.ID, t.CachePolicy, body, s.prompt.Version(), s.chainIDs[t.ID])
	if e == nil {
		return nil
	}
	return s.fromCache(e, cache.HitExact, e.Options.Format, requestID, start, s.now().Sub(start))
}

// Cached returns the cached answer for req, or nil, and the time the
// lookup took.
func (s *Service) Cached(ctx context.Context, t *tenant.Tenant, requestID string, req *bio.Request, minSimilarity float64) (*Response, time.Duration) {
	c := s.chains[t.ID]
	if s.cache == nil || req.Regenerate || c == nil {
		return nil, 0
	}
	start := s.now()
	q := &cache.Query{Tenant: t.ID, Policy: t.CachePolicy, Req: req, PromptVersion: s.prompt.Version(), ProvidersKey: s.chainIDs[t.ID], MinSimilarity: minSimilarity}
	e, kind := s.lookup(ctx, c, q)
	d := s.now().Sub(start)
	if e == nil {
		return nil, d
	}
	return s.fromCache(e, kind, req.Options.Format, requestID, start, d), d
}

// lookup returns the cached bio for q and the kind of hit, or nil. A
// semantic hit (the same facts, or another person's bio re-personalised)
// is served only if it passes the output checks against q's request, as a
// fresh answer must, without a flag it did not have when it was stored
// (needs_review is never stored), and a re-personalised one without any
// flag but sparse_profile. An exact hit was checked when it was stored,
// for the identical request.
func (s *Service) lookup(ctx context.Context, c *chain.Chain, q *cache.Query) (*cache.Entry, string) {
	e, kind, err := s.cache.Lookup(ctx, q)
	if err != nil || e == nil {
		return nil, ""
	}
	if kind != cache.HitSemantic {
		return e, kind
	}
	clean, injected := q.Req.WithoutInstructions()
	if injected {
		// Its answer needs review, which is never answered from a cache.
		// (Nor stored: an exact entry cannot exist; a semantic one could
		// come from a snapshot of a version that missed the instruction.)
		telemetry.CacheRejected("recheck")
		return nil, ""
	}
	allowed := e.Flags
	if e.Repersonalised {
		// Text rewritten for another person: a flag would say what was
		// rewritten wrong, and the stored one would hide it.
		allowed = []string{bio.FlagSparseProfile}
	}
	flags, err := c.Check(clean, e.Bio)
	if err != nil || !subset(flags, allowed) {
		// Rejected, or a flag the text did not earn when it was written
		// (an unverified claim, a person to review): the request differs
		// from the cached one in a way the facts do not show.
		telemetry.CacheRejected("recheck")
		return nil, ""
	}
	return e, kind
}

// Generate writes the bio for req on behalf of tenant t: from the cache
// when it holds one (unless req.Regenerate), else from the tenant's chain,
// caching what a first-choice model wrote.
//
// Profile text that reads as an instruction to a model is not a fact: the
// providers get the request without it (bio.Request.WithoutInstructions),
// their answers are checked against that request, so whatever the
// instruction asked for is an unverified claim, and the answer is flagged
// needs_review, which is never cached nor answered from a cache.
func (s *Service) Generate(ctx context.Context, t *tenant.Tenant, requestID string, req *bio.Request, o Options) (*Response, error) {
	start := s.now()
	c := s.chains[t.ID]
	if c == nil {
		return nil, fmt.Errorf("%w %q", ErrNoTenantChain, t.ID)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	var q *cache.Query
	var cacheTime time.Duration
	if s.cache != nil {
		q = &cache.Query{Tenant: t.ID, Policy: t.CachePolicy, Req: req, PromptVersion: s.prompt.Version(), ProvidersKey: s.chainIDs[t.ID], MinSimilarity: o.MinSimilarity}
		if !req.Regenerate && !o.SkipLookup {
			e, kind := s.lookup(ctx, c, q)
			cacheTime = s.now().Sub(start)
			if e != nil {
				if o.Sink != nil {
					o.Sink.Delta(e.Bio)
				}
				if kind == cache.HitExact && aliasable(req, o) {
					s.cache.AliasBody(q, o.Body)
				}
				return s.fromCache(e, kind, req.Options.Format, requestID, start, cacheTime), nil
			}
		}
	}

	clean, injected := req.WithoutInstructions()
	preq := &provider.Request{Bio: clean}
	if req.Regenerate {
		preq.Variant = 1 + rand.Uint64N(1<<32)
	}
	if c.NeedsPrompt() {
		m, err := s.prompt.Render(clean, preq.Variant)
		if err != nil {
			return nil, err
		}
		preq.Messages = m
	}
	out, err := c.Run(ctx, preq, o.Sink)
	if err != nil {
		return nil, err
	}
	res := out.Result
	flags := append([]string{}, res.Flags...)
	if out.Kind != provider.KindTemplate && !req.Options.English() {
		// A model was asked for the language; nothing here can confirm it.
		flags = appendFlag(flags, bio.FlagNeedsReview)
	}
	if injected {
		flags = appendFlag(flags, bio.FlagNeedsReview)
	}
	if q != nil && out.Kind != provider.KindTemplate && !out.Degraded {
		// Only a first-choice model's checked answer is worth reusing.
		storeStart := s.now()
		s.cache.Store(ctx, q, res.Text, flags, string(out.Kind), out.Provider, res.Model)
		if aliasable(req, o) {
			s.cache.AliasBody(q, o.Body)
		}
		cacheTime += s.now().Sub(storeStart)
	}
	now := s.now()
	r := &Response{
		ID:              "bio_" + ulid.Make().String(),
		Bio:             res.Text,
		Format:          string(req.Options.Format),
		Source:          string(out.Kind),
		Provider:        out.Provider,
		Model:           res.Model,
		Cache:           CacheMiss,
		PromptVersion:   s.prompt.Version(),
		Degraded:        out.Degraded,
		FallbackReasons: out.FallbackReasons,
		Flags:           flags,
		Usage:           Usage{InputTokens: res.InputTokens, OutputTokens: res.OutputTokens, CostUSD: res.CostUSD},
		RequestID:       requestID,
		CreatedAt:       now.UTC().Format(time.RFC3339),
		Timing:          Timing{Cache: cacheTime, Provider: out.UpstreamTime, Total: now.Sub(start)},
	}
	telemetry.ObserveBio(r.Source, r.Provider, r.Cache, r.Degraded, r.FallbackReasons, r.Flags)
	return r, nil
}

// aliasable reports whether req's body may answer from the cache by its
// bytes: a body that asks for a new version or a stream must not.
func aliasable(req *bio.Request, o Options) bool {
	return len(o.Body) > 0 && !req.Regenerate && !req.Stream && o.Sink == nil
}

// fromCache answers with a cached bio. Nothing was spent on a model, so the
// usage is zero.
func (s *Service) fromCache(e *cache.Entry, kind string, format bio.Format, requestID string, start time.Time, cacheTime time.Duration) *Response {
	now := s.now()
	r := &Response{
		ID:              "bio_" + ulid.Make().String(),
		Bio:             e.Bio,
		Format:          string(format),
		Source:          e.Source,
		Provider:        e.Provider,
		Model:           e.Model,
		Cache:           kind,
		PromptVersion:   e.PromptVersion,
		FallbackReasons: []string{},
		Flags:           append([]string{}, e.Flags...),
		RequestID:       requestID,
		CreatedAt:       now.UTC().Format(time.RFC3339),
		Timing:          Timing{Cache: cacheTime, Total: now.Sub(start)},
	}
	telemetry.ObserveBio(r.Source, r.Provider, r.Cache, false, nil, r.Flags)
	return r
}

// subset reports whether every flag of a is in b.
func subset(a, b []string) bool {
	for _, f := range a {
		if !slices.Contains(b, f) {
			return false
		}
	}
	return true
}

func appendFlag(flags []string, f string) []string {
	for _, x := range flags {
		if x == f {
			return flags
		}
	}
	return append(flags, f)
}

// WaitCache applies pending cache writes (ristretto writes asynchronously);
// for tests and benchmarks.
func (s *Service) WaitCache() {
	if s.cache != nil {
		s.cache.Wait()
	}
}
