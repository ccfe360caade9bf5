package writer

import (
	"context"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/provider"
)

// Provider is the template writer as a chain provider. It never fails.
//
// The zero value is not usable; call NewProvider. It is safe for concurrent use.
type Provider struct {
	name string
	w    *Writer
}

// NewProvider returns the template provider called name.
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
	return &provider.Result{Text: b.Text, Model: Model, Flags: b.Flags}, nil
}

// Thin reports whether req's profile holds too few facts for the length
// asked: the template writer would flag its bio sparse_profile. The chain
// lets a model's bio fall short for such a profile too, flagged the same way.
func (p *Provider) Thin(req *bio.Request) bool {
	b := p.w.Write(req, 0)
	return b.sparse()
}
