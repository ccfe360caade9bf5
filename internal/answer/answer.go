// Package answer answers bio requests. Every request takes the one way
// through Answer, whether it arrives as JSON, as a stream or, later, as a
// job or a replay: the exact cache by the body's bytes, decoding, the
// caches by the request (a semantic hit checked again against the
// requesting profile), the tenant's chain of providers with its output
// checks, then storage. It knows nothing of HTTP.
package answer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
)

// ErrStopping is the cause to cancel the context of work still running
// when a shutdown's grace period ends with: the template writer answers it
// (chain.ErrStopping).
var ErrStopping = chain.ErrStopping

// ErrNoTenantChain means the tenant has no chain: a wiring bug.
var ErrNoTenantChain = errors.New("no chain for tenant")

// Sink receives a streamed answer: Delta carries text in order; Reset says
// that the text sent so far is void and the next Delta starts again.
type Sink = chain.Sink

// Answerer answers bio requests for the tenants it was built with.
//
// The zero value is not usable: call New. An Answerer is safe for
// concurrent use: its configuration does not change after New, and its map
// of the generations in flight (shared by identical requests, see
// generate) is guarded by a mutex. It holds nothing to stop and keeps no
// goroutine: a generation runs in the goroutine of the request that
// started it. The cache it is given is closed by whoever made it.
type Answerer struct {
	routes        map[string]*routes // by tenant ID
	cache         *cache.Cache
	promptVersion string
	timeout       time.Duration
	now           func() time.Time
	persist       func() error
	record        func(tenant, user string) error
	eraseIdem     func(tenant, user string) (int, error)
	eraseJobs     func(tenant, user string) (int, error)
	recordBio     func(tenant, user string, retention time.Duration, r *bio.Response, started time.Time) bool
	eraseFeedback func(tenant, user string) (feedback, records int, err error)
	auditKey      []byte
	flights       flights
}

// Config configures an Answerer.
type Config struct {
	// Chains maps each tenant ID to its chain.
	Chains map[string]*chain.Chain
	// ProvidersKeys maps each tenant ID to a string naming its chain's
	// providers and models; cached bios are reused only for the same one.
	ProvidersKeys map[string]string
	// Cache, if not nil, answers repeated requests.
	Cache *cache.Cache
	// PromptVersion is the version of the prompts the providers render
	// for a tenant without an experiment (and an arm that names none), as
	// responses carry it and cached bios are keyed by it ("bio-v1").
	// Required.
	PromptVersion string
	// Experiments maps a tenant ID to the experiment it runs, if it runs
	// one: its users are answered by the arms instead.
	Experiments map[string]*Experiment
	// Timeout is the deadline of one request, from its arrival to its
	// answer. Required.
	Timeout time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Persist, if set, writes what the caches persist; Erase calls it so
	// that an erased user never comes back from an older snapshot.
	Persist func() error
	// AuditKey keys the hash under which audit lines name a user.
	// Required.
	AuditKey []byte
	// RecordErasure, if set, records an erasure durably before Erase
	// removes anything, so that a snapshot loaded later drops the user.
	RecordErasure func(tenant, user string) error
	// EraseIdempotency, if set, removes a user's idempotency records and
	// returns how many; Erase calls it and reports the count.
	EraseIdempotency func(tenant, user string) (int, error)
	// EraseJobs, if set, removes a user's job items and returns how
	// many; Erase calls it and reports the count.
	EraseJobs func(tenant, user string) (int, error)
	// RecordBio, if set, is given each new bio as it is answered, to keep
	// the record that feedback finds its id by: a generation's, or a cache
	// hit's that cannot answer with the id its bio was written with (see
	// hitID). It must not block; it returns false when the record was not
	// kept, and the bio is then cached without its id. started is when the
	// request's data was taken in (a job item's Call.Since, else the
	// call's start): a record of a user erased since is refused. Unset, no
	// bio keeps its id in the caches.
	RecordBio func(tenant, user string, retention time.Duration, r *bio.Response, started time.Time) bool
	// EraseFeedback, if set, removes a user's bio records and the
	// feedback on them, and returns how many of each; Erase calls it and
	// reports them.
	EraseFeedback func(tenant, user string) (feedback, records int, err error)
}

// New returns an Answerer, or an error naming a missing setting.
func New(cfg Config) (*Answerer, error) {
	switch {
	case cfg.PromptVersion == "":
		return nil, errors.New("answer: the prompt version is required")
	case cfg.Timeout <= 0:
		return nil, fmt.Errorf("answer: the request timeout must be positive, not %s", cfg.Timeout)
	case len(cfg.AuditKey) < 16:
		return nil, errors.New("answer: the audit key must hold at least 16 bytes")
	}
	rs, err := newRoutes(cfg)
	if err != nil {
		return nil, err
	}
	a := &Answerer{routes: rs, cache: cfg.Cache,
		promptVersion: cfg.PromptVersion, timeout: cfg.Timeout, now: cfg.Now, persist: cfg.Persist, auditKey: cfg.AuditKey, record: cfg.RecordErasure,
		eraseIdem: cfg.EraseIdempotency, eraseJobs: cfg.EraseJobs, recordBio: cfg.RecordBio, eraseFeedback: cfg.EraseFeedback}
	if a.now == nil {
		a.now = time.Now
	}
	return a, nil
}

// Call is one bio request to answer.
type Call struct {
	Tenant    *tenant.Tenant
	RequestID string
	// Body is the request body as received. Answer decodes it, after
	// trying its bytes against the exact cache.
	Body []byte
	// Request, if not nil, is the request already decoded (a job, a
	// replay); Body may then be nil.
	Request *bio.Request
	// MinSimilarity makes the semantic cache stricter for this request.
	MinSimilarity float64
	// Stream asks for the answer as a stream; a request whose body asks
	// for one ("stream": true) is streamed too.
	Stream bool
	// Since, if not zero, is when the request's data was taken in, when
	// that was before the call (a job's item, read from the store): an
	// answer is not cached for a user erased after it. Zero is the call's
	// start. It is read on the Answerer's clock.
	Since time.Time
	// Admit, if not nil, is asked once the request is known to be valid,
	// and whose user it is, before any work on it: the edge's per-user
	// rate limit and load shedding. Its error is returned as it is.
	Admit Admitter
}

// Admitter admits a request to be worked on, or returns the error to
// answer instead.
type Admitter interface {
	Admit(user string) error
}

// Reply is Answer's answer: the whole response, or a stream to run.
//
// A Reply is a value; the zero value is no answer. A streamed Reply is
// streamed once, by one goroutine.
type Reply struct {
	// Response is the whole answer; for a stream, the cache hit it will
	// stream, or nil for a miss.
	Response *bio.Response
	// Lookup is the time the cache lookup took.
	Lookup time.Duration

	pending *pending // a stream still to run
}

// Streamed reports whether the reply is to be streamed with Stream.
func (r Reply) Streamed() bool { return r.pending != nil }

// Stream sends the answer to sink and returns the response for the
// stream's last event: a cache hit as one delta, else the text of the
// tenant's chain as it is written, with resets when a provider fails after
// sending text. A stream of a request identical to one being generated
// joins that generation: it gets the text written so far as one delta,
// then the rest as it comes. ctx ending (the client gone) ends this
// stream's wait, and the generation once no other request waits for it.
func (r Reply) Stream(ctx context.Context, sink Sink) (*bio.Response, error) {
	p := r.pending
	if p == nil {
		return nil, errors.New("answer: the reply is not a stream")
	}
	if r.Response != nil {
		sink.Delta(r.Response.Bio)
		return r.Response, nil
	}
	ctx, cancel := context.WithDeadline(ctx, p.deadline)
	defer cancel()
	return p.a.generate(ctx, p.job, sink)
}

// pending is a stream whose generation waits for the stream's writer.
type pending struct {
	a        *Answerer
	job      *job
	deadline time.Time
}

// job is one request on its way: what Answer found out before generating.
type job struct {
	t         *tenant.Tenant
	r         *route // the user's: the tenant's own, or the user's arm
	requestID string
	req       *bio.Request
	since     time.Time // when the request's data was taken in: an erasure after it keeps the answer out of the caches
	body      []byte    // set when the answer may be filed under the body's bytes
	q         *cache.Query
	start     time.Time
	cacheTime time.Duration
}

// Answer answers call. A request to stream returns, after the cache
// lookup, a Reply to Stream; any other returns the whole response. An
// invalid request returns the *bio.ValidationError or bio.ErrMalformed of
// bio.Decode.
func (a *Answerer) Answer(ctx context.Context, call Call) (Reply, error) {
	start := a.now()
	t := call.Tenant
	rs := a.routes[t.ID]
	if rs == nil {
		return Reply{}, fmt.Errorf("%w %q", ErrNoTenantChain, t.ID)
	}
	if call.Request == nil && !call.Stream {
		if r, user := a.cachedBody(ctx, t, rs, call, start); r != nil {
			if err := admit(call, user); err != nil {
				return Reply{}, err
			}
			return Reply{Response: r, Lookup: r.Timing.Cache}, nil
		}
	}
	req := call.Request
	if req == nil {
		var err error
		if req, err = bio.Decode(call.Body); err != nil {
			return Reply{}, err
		}
	}
	if err := admit(call, req.UserID); err != nil {
		return Reply{}, err
	}
	deadline := start.Add(a.timeout)
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	// The one place a request's arm is chosen: by its user, for good.
	j := &job{t: t, r: rs.of(req.UserID), requestID: call.RequestID, req: req, start: start, since: start}
	if !call.Since.IsZero() && call.Since.Before(start) {
		j.since = call.Since
	}
	if !req.Regenerate && !req.Stream && !call.Stream && len(call.Body) > 0 {
		j.body = call.Body
	}
	hit := a.lookup(ctx, j, call.MinSimilarity)
	if call.Stream || req.Stream {
		return Reply{Response: hit, Lookup: j.cacheTime, pending: &pending{a: a, job: j, deadline: deadline}}, nil
	}
	if hit != nil {
		return Reply{Response: hit, Lookup: j.cacheTime}, nil
	}
	r, err := a.generate(ctx, j, nil)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Response: r, Lookup: j.cacheTime}, nil
}

func admit(call Call, user string) error {
	if call.Admit == nil {
		return nil
	}
	return call.Admit.Admit(user)
}

// Readiness is what /readyz reports.
type Readiness struct {
	PromptVersion string        `json:"prompt_version"`
	Providers     []chain.State `json:"providers"`
}

// Ready returns the state of every provider of the given tenants' chains,
// their experiment arms' included, each provider once.
func (a *Answerer) Ready(ctx context.Context, tenants []*tenant.Tenant) Readiness {
	seen := map[string]bool{}
	r := Readiness{PromptVersion: a.promptVersion, Providers: []chain.State{}}
	for _, t := range tenants {
		rs := a.routes[t.ID]
		if rs == nil {
			continue
		}
		for _, rt := range rs.all() {
			for _, st := range rt.chain.States(ctx) {
				if !seen[st.Name] {
					seen[st.Name] = true
					r.Providers = append(r.Providers, st)
				}
			}
		}
	}
	return r
}

// WaitCache applies pending cache writes (ristretto writes asynchronously);
// for tests and benchmarks.
func (a *Answerer) WaitCache() {
	if a.cache != nil {
		a.cache.Wait()
	}
}

// respond builds a response of this request from r, which has its bio's
// id; reasons say why each of its flags was added ("<flag>:<reason>"), for
// the metrics.
func (a *Answerer) respond(j *job, r bio.Response, reasons []string) *bio.Response {
	now := a.now()
	r.Format = string(j.req.Options.Format)
	r.RequestID = j.requestID
	r.CreatedAt = now.UTC().Format(time.RFC3339)
	r.Timing.Cache = j.cacheTime
	r.Timing.Total = now.Sub(j.start)
	r.Experiment = j.r.experiment
	observe(&r, j.r, j.req.Regenerate, reasons)
	return &r
}

// newBioID makes the id of a new bio.
func newBioID() string { return "bio_" + ulid.Make().String() }

// keepRecord keeps the record of r, a new bio answered to user of t for a
// request whose data was taken in at started, and reports whether it was
// kept.
func (a *Answerer) keepRecord(t *tenant.Tenant, user string, r *bio.Response, started time.Time) bool {
	if a.recordBio == nil {
		return false
	}
	return a.recordBio(t.ID, user, t.Retention, r, started)
}

// hitID gives r, the response of a cache hit of e for user of t, its id:
// the id e's bio was answered with when it was written, if it has one, was
// written for user, not re-personalised, and its record is still within
// the tenant's retention (the record was made at most a request's timeout
// before the entry); otherwise a new id, as a new bio with a record of its
// own. An exact hit thus answers with the id of the response that wrote
// it: an id names a bio, not a response (request_id names the response).
func (a *Answerer) hitID(t *tenant.Tenant, user string, e *cache.Entry, r *bio.Response, started time.Time) {
	if e.BioID != "" && !e.Repersonalised && e.User == user && a.now().Sub(e.Created) < t.Retention-a.timeout {
		r.ID = e.BioID
		return
	}
	r.ID = newBioID()
	a.keepRecord(t, user, r, started)
}

// observe counts response r, answered by route rt, in the metrics.
func observe(r *bio.Response, rt *route, regenerate bool, reasons []string) {
	b := telemetry.Bio{Source: string(r.Source), Provider: r.Provider, Model: r.Model, Cache: string(r.Cache), Degraded: r.Degraded,
		Regenerate: regenerate, PromptVersion: r.PromptVersion, Fallbacks: r.FallbackReasons, Flags: r.Flags, Reasons: reasons}
	if rt.experiment != nil {
		b.Experiment, b.Arm = rt.experiment.ID, rt.experiment.Arm
	}
	telemetry.ObserveBio(&b)
}
