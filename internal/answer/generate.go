package answer

import (
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/tracing"
)

// cachedBody answers, from the exact cache, a request whose body is byte
// for byte the body of one answered from there before, or returns nil. It
// does not decode the body: the arm is the one of the entry's user, who is
// the body's, and the entry must have been written in it (rs.scope, under
// which the alias was filed, makes that so; checked all the same, as a
// bio of another arm would spoil the experiment).
func (a *Answerer) cachedBody(ctx context.Context, t *tenant.Tenant, rs *routes, call Call, start time.Time) (*bio.Response, string) {
	if a.cache == nil {
		return nil, ""
	}
	_, span := tracing.Start(ctx, "cache.lookup")
	e := a.cache.LookupBody(t.ID, t.CachePolicy, call.Body, rs.scope)
	span.String("cache.kind", "body")
	var rt *route
	if e != nil {
		if rt = rs.of(e.User); e.Arm != rt.arm {
			e = nil
		}
	}
	if e == nil {
		span.String("cache.result", "miss")
		span.End()
		return nil, ""
	}
	span.String("cache.result", cache.HitExact)
	span.End()
	now := a.now()
	r := fromEntry(e, bio.CacheExact)
	r.Experiment = rt.experiment
	a.hitID(t, e.User, e, r, start)
	r.Format = string(e.Options.Format)
	r.RequestID = call.RequestID
	r.CreatedAt = now.UTC().Format(time.RFC3339)
	r.Timing = bio.Timing{Cache: now.Sub(start), Total: now.Sub(start)}
	observe(r, rt, false, e.Reasons)
	return r, e.User
}

// lookup returns the cached answer of j's request, or nil, and sets j's
// cache query and lookup time. A semantic hit (the same facts, or another
// person's bio re-personalised) is served only if it passes the output
// checks against j's request, as a fresh answer must, without a flag it
// did not have when it was stored (needs_review is never stored), and a
// re-personalised one without any flag but sparse_profile. An exact hit
// was checked when it was stored, for the identical request.
func (a *Answerer) lookup(ctx context.Context, j *job, minSimilarity float64) *bio.Response {
	if a.cache == nil {
		return nil
	}
	j.q = &cache.Query{Tenant: j.t.ID, Policy: j.t.CachePolicy, Req: j.req, PromptVersion: j.r.promptVersion, Started: j.since,
		ProvidersKey: j.r.providersKey, Arm: j.r.arm, MinSimilarity: minSimilarity}
	if j.req.Regenerate {
		return nil
	}
	start := a.now()
	ctx, span := tracing.Start(ctx, "cache.lookup")
	span.String("cache.kind", "request")
	e, kind := a.cached(ctx, j, span)
	span.End()
	j.cacheTime = a.now().Sub(start)
	if e == nil {
		return nil
	}
	if kind == cache.HitExact && j.body != nil {
		a.cache.AliasBody(j.q, j.body, a.routes[j.t.ID].scope)
	}
	r := fromEntry(e, bio.Cache(kind))
	r.Experiment = j.r.experiment // in a new bio's record
	a.hitID(j.t, j.req.UserID, e, r, j.since)
	return a.respond(j, *r, e.Reasons)
}

// cached reads the caches for j (see lookup), and says what it found on
// the lookup's span.
func (a *Answerer) cached(ctx context.Context, j *job, span tracing.Span) (*cache.Entry, string) {
	e, kind, err := a.cache.Lookup(ctx, j.q)
	switch {
	case err != nil:
		span.Fail("error")
		return nil, ""
	case e == nil:
		span.String("cache.result", "miss")
		return nil, ""
	}
	span.String("cache.result", kind)
	if kind != cache.HitSemantic {
		return e, kind
	}
	clean, injected := j.req.WithoutInstructions()
	if injected {
		// Its answer needs review, which is never answered from a cache.
		// (Nor stored: an exact entry cannot exist; a semantic one could
		// come from a snapshot of a version that missed the instruction.)
		telemetry.CacheRejected("recheck")
		span.String("cache.rejected", "recheck")
		return nil, ""
	}
	allowed := e.Flags
	if e.Repersonalised {
		// Text rewritten for another person: a flag would say what was
		// rewritten wrong, and the stored one would hide it.
		allowed = []string{bio.FlagSparseProfile}
	}
	flags, err := j.r.chain.Check(clean, e.Bio)
	if err != nil || !subset(flags, allowed) {
		// Rejected, or a flag the text did not earn when it was written
		// (an unverified claim, a person to review): the request differs
		// from the cached one in a way the facts do not show.
		telemetry.CacheRejected("recheck")
		span.String("cache.rejected", "recheck")
		return nil, ""
	}
	return e, kind
}

// fromEntry is the response of a cached bio. Nothing was spent on a model,
// so the usage is zero.
func fromEntry(e *cache.Entry, kind bio.Cache) *bio.Response {
	return &bio.Response{
		Bio:             e.Bio,
		Source:          bio.Source(e.Source),
		Provider:        e.Provider,
		Model:           e.Model,
		Cache:           kind,
		PromptVersion:   e.PromptVersion,
		FallbackReasons: []string{},
		Flags:           append([]string{}, e.Flags...),
	}
}

// written is what a generation wrote: the response without what belongs
// to each request answered with it (request id, creation time, cache and
// total times), and the reasons of its flags. Its id is the bio's: the
// requests that share a generation (coalescing) get the one bio, with one
// record.
type written struct {
	r       bio.Response
	reasons []string
	stored  time.Duration // the time storing it in the cache took
}

// alone writes j's bio for j alone (see write) and responds with it.
func (a *Answerer) alone(ctx context.Context, j *job, sink Sink) (*bio.Response, error) {
	w, err := a.write(ctx, j, sink)
	if err != nil {
		return nil, err
	}
	j.cacheTime += w.stored
	return a.respond(j, w.r, w.reasons), nil
}

// write writes j's bio with the tenant's chain, sending the text to sink
// as it is written when sink is not nil, and stores what a first-choice
// model wrote. Of j it changes only the reasons of its cache query.
//
// Profile text that reads as an instruction to a model is not a fact: the
// providers get the request without it (bio.Request.WithoutInstructions),
// their answers are checked against that request, so whatever the
// instruction asked for is an unverified claim, and the answer is flagged
// needs_review, which is never cached nor answered from a cache.
func (a *Answerer) write(ctx context.Context, j *job, sink Sink) (*written, error) {
	clean, injected := j.req.WithoutInstructions()
	preq := &provider.Request{Bio: clean, PromptVersion: j.r.promptVersion}
	if j.req.Regenerate {
		preq.Variant = 1 + rand.Uint64N(1<<32)
	}
	out, err := j.r.chain.Run(ctx, preq, sink)
	if err != nil {
		return nil, err
	}
	res := out.Result
	flags := append([]string{}, res.Flags...) // never null in JSON
	reasons := res.Reasons
	if injected {
		flags = appendFlag(flags, bio.FlagNeedsReview)
		reasons = appendFlag(reasons, bio.FlagNeedsReview+":instructions")
	}
	w := &written{reasons: reasons, r: bio.Response{
		Bio:             res.Text,
		Source:          out.Kind,
		Provider:        out.Provider,
		Model:           res.Model,
		Cache:           bio.CacheMiss,
		PromptVersion:   j.r.promptVersion,
		Experiment:      j.r.experiment, // in the bio's record
		Degraded:        out.Degraded,
		FallbackReasons: out.FallbackReasons,
		Flags:           flags,
		Usage:           bio.Usage{InputTokens: res.InputTokens, OutputTokens: res.OutputTokens, CostUSD: res.CostUSD},
		Timing:          bio.Timing{Provider: out.UpstreamTime},
	}}
	w.r.ID = newBioID()
	recorded := a.keepRecord(j.t, j.req.UserID, &w.r, j.since)
	if j.q != nil && out.Kind != provider.KindTemplate && !out.Degraded {
		j.q.Reasons = reasons
		if recorded {
			j.q.BioID = w.r.ID
		}
		w.stored = a.store(ctx, j, out.Kind, out.Provider, res.Model, res.Text, flags)
	}
	return w, nil
}

// store files a first-choice model's checked answer in the cache, and
// under the body's bytes when it may answer them again, and returns the
// time that took. A semantic entry that cannot be stored (its embedding
// failed or timed out) is counted; the exact entry is stored before it,
// and the answer goes out either way.
func (a *Answerer) store(ctx context.Context, j *job, kind provider.Kind, providerName, model, text string, flags []string) time.Duration {
	start := a.now()
	if err := a.cache.Store(ctx, j.q, text, flags, string(kind), providerName, model); err != nil {
		telemetry.CacheStoreFailed()
	}
	if j.body != nil {
		a.cache.AliasBody(j.q, j.body, a.routes[j.t.ID].scope)
	}
	return a.now().Sub(start)
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
	if slices.Contains(flags, f) {
		return flags
	}
	return append(flags, f)
}
