package writer

import (
	"context"
	"crypto/sha256"
	"sync"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/provider"
)

// Provider is the template writer as a chain provider. It never fails.
//
// The zero value is not usable; call NewProvider. It is safe for concurrent
// use and starts no goroutine.
type Provider struct {
	name string
	w    *Writer

	mu   sync.Mutex
	thin map[[sha256.Size]byte]bool // Thin's answers, by canonical request
}

// thinRemembered bounds Thin's memory of answers.
const thinRemembered = 4096

// NewProvider returns w as the chain provider called name.
func NewProvider(name string, w *Writer) *Provider {
	return &Provider{name: name, w: w}
}

// Name returns the configured name.
func (p *Provider) Name() string { return p.name }

// Kind returns provider.KindTemplate.
func (p *Provider) Kind() provider.Kind { return provider.KindTemplate }

// Generate writes the bio; ctx is not consulted, since writing takes
// microseconds and must answer even when the deadline is spent.
func (p *Provider) Generate(_ context.Context, req *provider.Request) (*provider.Result, error) {
	b := p.w.Write(req.Bio, req.Variant)
	if req.OnDelta != nil {
		req.OnDelta(b.Text)
	}
	return &provider.Result{Text: b.Text, Model: Model, Flags: b.Flags, Reasons: b.Reasons}, nil
}

// Thin reports whether req's profile holds too few facts for the length
// asked: the template writer would flag its bio sparse_profile. The chain
// lets a model's bio fall short for such a profile too, flagged the same way.
//
// Answering takes the writer several tries for a thin profile, so answers
// are remembered (up to thinRemembered requests, forgetting one at random
// when full): repeated and regenerated requests are common.
func (p *Provider) Thin(req *bio.Request) bool {
	key := sha256.Sum256(req.AppendCanonical(nil))
	p.mu.Lock()
	v, ok := p.thin[key]
	p.mu.Unlock()
	if ok {
		return v
	}
	b := p.w.Write(req, 0)
	v = b.sparse()
	p.mu.Lock()
	if p.thin == nil {
		p.thin = map[[sha256.Size]byte]bool{}
	}
	if len(p.thin) >= thinRemembered {
		for k := range p.thin {
			delete(p.thin, k)
			break
		}
	}
	p.thin[key] = v
	p.mu.Unlock()
	return v
}
