// Package chain routes a bio request through a tenant's ordered providers
// until one answers, recording why each one before it was passed over. The
// last provider is always the template writer, which always answers.
package chain

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/biogen/biogen/internal/provider"
)

// Chain is a tenant's ordered providers.
//
// A Chain is immutable and safe for concurrent use.
type Chain struct {
	providers []provider.Provider
}

// New returns a chain of providers, which must end with a template provider.
func New(providers ...provider.Provider) (*Chain, error) {
	if len(providers) == 0 || providers[len(providers)-1].Kind() != provider.KindTemplate {
		return nil, errors.New("a chain must end with a template provider")
	}
	return &Chain{providers: providers}, nil
}

// NeedsPrompt reports whether any provider of the chain uses a prompt.
func (c *Chain) NeedsPrompt() bool {
	for _, p := range c.providers {
		if p.Kind() != provider.KindTemplate {
			return true
		}
	}
	return false
}

// Outcome is the answer of a chain.
type Outcome struct {
	Result   *provider.Result
	Provider string
	Kind     provider.Kind
	// Degraded is true when the answer is not from the first provider.
	Degraded bool
	// FallbackReasons has one "<provider>:<reason>" per provider passed over.
	FallbackReasons []string
	// UpstreamTime is the time spent waiting for providers.
	UpstreamTime time.Duration
}

// Run asks each provider in turn until one answers.
func (c *Chain) Run(ctx context.Context, req *provider.Request) (*Outcome, error) {
	out := &Outcome{FallbackReasons: []string{}}
	for i, p := range c.providers {
		start := time.Now()
		res, err := p.Generate(ctx, req)
		out.UpstreamTime += time.Since(start)
		if err == nil {
			out.Result, out.Provider, out.Kind = res, p.Name(), p.Kind()
			out.Degraded = i > 0
			return out, nil
		}
		out.FallbackReasons = append(out.FallbackReasons, p.Name()+":"+string(provider.ReasonOf(err)))
	}
	return nil, fmt.Errorf("every provider failed: %v", out.FallbackReasons)
}

// State is a provider's health as /readyz reports it.
type State struct {
	Name    string `json:"name"`
	Kind    string `json:"kind"`
	State   string `json:"state"`
	Breaker string `json:"breaker"`
}

// States returns the state of each provider.
func (c *Chain) States() []State {
	out := make([]State, len(c.providers))
	for i, p := range c.providers {
		out[i] = State{Name: p.Name(), Kind: string(p.Kind()), State: "ok", Breaker: "closed"}
	}
	return out
}
