// Package service answers one bio request: it renders the prompt, runs the
// tenant's chain of providers and builds the contract's response. It knows
// nothing of HTTP.
package service

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/telemetry"
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
	prompt  *prompt.Template
	chains  map[string]*chain.Chain
	timeout time.Duration
	now     func() time.Time
}

// Config configures a Service.
type Config struct {
	Prompt *prompt.Template
	// Chains maps each tenant ID to its chain.
	Chains map[string]*chain.Chain
	// Timeout is the deadline of one request. Default 20s.
	Timeout time.Duration
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	s := &Service{prompt: cfg.Prompt, chains: cfg.Chains, timeout: cfg.Timeout, now: cfg.Now}
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

// Generate writes the bio for req on behalf of tenantID. sink, if not nil,
// receives the text as it is written (and resets, when a provider fails
// after sending text).
func (s *Service) Generate(ctx context.Context, tenantID, requestID string, req *bio.Request, sink chain.Sink) (*Response, error) {
	start := s.now()
	c := s.chains[tenantID]
	if c == nil {
		return nil, fmt.Errorf("%w %q", ErrNoTenantChain, tenantID)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()

	preq := &provider.Request{Bio: req}
	if req.Regenerate {
		preq.Variant = 1 + rand.Uint64N(1<<32)
	}
	if c.NeedsPrompt() {
		m, err := s.prompt.Render(req, preq.Variant)
		if err != nil {
			return nil, err
		}
		preq.Messages = m
	}
	out, err := c.Run(ctx, preq, sink)
	if err != nil {
		return nil, err
	}
	res := out.Result
	flags := append([]string{}, res.Flags...)
	if out.Kind != provider.KindTemplate && !req.Options.English() {
		// A model was asked for the language; nothing here can confirm it.
		flags = appendFlag(flags, bio.FlagNeedsReview)
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
		Timing:          Timing{Provider: out.UpstreamTime, Total: now.Sub(start)},
	}
	telemetry.ObserveBio(r.Source, r.Provider, r.Cache, r.Degraded, r.FallbackReasons, r.Flags)
	return r, nil
}

func appendFlag(flags []string, f string) []string {
	for _, x := range flags {
		if x == f {
			return flags
		}
	}
	return append(flags, f)
}
