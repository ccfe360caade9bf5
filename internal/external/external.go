// Package external is the provider for an OpenAI-compatible
// chat-completions API outside the premises. Only tenants whose policy is
// allow_external reach it (the chain and the configuration both refuse
// otherwise), and nothing identifying leaves: the request is pseudonymised
// here (pii.Pseudonymise), the prompt rendered from the pseudonymised
// request alone (never from provider.Request.Messages, rendered from the
// real one), an earlier answer scrubbed the same way and the correction,
// biogen's own text, with the name and the user id replaced, and the
// stand-in name and the placeholders mapped back in the answer (an answer
// with a placeholder that was never sent is invalid output). No user id,
// user field or metadata is sent; the seed is the random variant.
//
// The API is spoken by a small client of our own on net/http (client.go):
// one streaming POST to {base_url}/chat/completions, read as server-sent
// events. The official SDK (github.com/openai/openai-go) did the same
// through a reflection-driven encoder that keeps every type of the whole
// API in the binary: 37 of its 58 MB, for one call.
package external

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/biogen/biogen/internal/pii"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/tracing"
)

// Config configures the provider.
type Config struct {
	Name string
	// BaseURL is the API's base URL, e.g. "https://api.openai.com/v1";
	// requests go to BaseURL + "/chat/completions".
	BaseURL string
	Model   string
	// APIKey is the key itself, read by the caller from the environment
	// variable the configuration names; sent as a bearer token.
	APIKey string
	// Prompts render the prompt from the pseudonymised request, in the
	// version it asks for (provider.Request.PromptVersion). Required.
	Prompts *prompt.Set
	// Temperature of sampling, 0 to 2.
	Temperature float64
	// CostPer1KInput and CostPer1KOutput price tokens in USD.
	CostPer1KInput, CostPer1KOutput float64
	// MaxTokens sets max_completion_tokens; 0 sizes it from the length.
	MaxTokens int
	// Record, if set, is told what each request sent, without its content.
	Record func(Sent)
}

// Sent describes one request that left the premises.
type Sent struct {
	Provider, Model string
	// Bytes is the size of the messages sent.
	Bytes int
	pii.Record
}

// Provider calls the external API. The zero value is not usable; call New.
// It is safe for concurrent use and holds nothing to stop (idle
// connections close on their own).
type Provider struct {
	cfg     Config
	http    *http.Client
	chatURL string
}

// New returns a Provider.
func New(cfg Config) (*Provider, error) {
	if cfg.Prompts == nil {
		return nil, errors.New("external provider needs its prompts")
	}
	if cfg.Temperature < 0 || cfg.Temperature > 2 {
		return nil, fmt.Errorf("external: temperature %g must be between 0 and 2", cfg.Temperature)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("external: invalid base URL %q", cfg.BaseURL)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	return &Provider{
		cfg: cfg,
		// No retries: the chain retries, within its budget. The calls made
		// within a provider attempt's span carry its traceparent.
		http:    &http.Client{Transport: tracing.Transport(transport)},
		chatURL: strings.TrimRight(cfg.BaseURL, "/") + "/chat/completions",
	}, nil
}

// Name returns the configured name.
func (p *Provider) Name() string { return p.cfg.Name }

// Kind returns provider.KindExternal.
func (p *Provider) Kind() provider.Kind { return provider.KindExternal }

// placeholderRule tells the model what the pseudonymised profile's
// placeholders are, so that it copies them for Restore to map back.
const placeholderRule = "Some words of the profile are placeholders such as Term7 or Term12, standing for names of " +
	"places, organisations, products and other terms. Copy each placeholder exactly as written, with its capital " +
	"letter and number, wherever the bio mentions that term; never invent a placeholder."

// Generate pseudonymises the request, streams the completion and restores
// the name in the text it passes on and returns.
func (p *Provider) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	messages, m, err := p.messages(req)
	if err != nil {
		return nil, err
	}
	cr := &chatRequest{
		Model:               p.cfg.Model,
		Messages:            messages,
		Temperature:         p.cfg.Temperature,
		MaxCompletionTokens: provider.TokenBudget(req.Bio.Options.Length, p.cfg.MaxTokens),
		Stream:              true,
		StreamOptions:       streamOptions{IncludeUsage: true},
	}
	if req.Variant != 0 {
		seed := int64(req.Variant % (1 << 31))
		cr.Seed = &seed
	}
	var text strings.Builder
	restorer := m.Restorer(func(s string) {
		text.WriteString(s)
		if req.OnDelta != nil {
			req.OnDelta(s)
		}
	})
	usage, err := p.chat(ctx, cr, restorer.Write)
	if err != nil {
		return nil, err
	}
	restorer.Close()
	if err := restorer.Err(); err != nil {
		// A placeholder the model made up stands for nothing true.
		return nil, provider.Errorf(provider.ReasonInvalidOutput, "%s: %w", p.cfg.Name, err)
	}
	in, out := usage.PromptTokens, usage.CompletionTokens
	return &provider.Result{
		Text:         text.String(),
		Model:        p.cfg.Model,
		InputTokens:  in,
		OutputTokens: out,
		CostUSD:      float64(in)/1000*p.cfg.CostPer1KInput + float64(out)/1000*p.cfg.CostPer1KOutput,
	}, nil
}

// messages pseudonymises the request and renders the messages to send from
// it, and records what leaves.
func (p *Provider) messages(req *provider.Request) ([]message, *pii.Mapping, error) {
	r := p.cfg.Prompts.Get(req.PromptVersion)
	if r == nil {
		return nil, nil, provider.Errorf(provider.ReasonError, "%s: no prompt %q loaded", p.cfg.Name, req.PromptVersion)
	}
	pseudo, m, rec := pii.Pseudonymise(req.Bio)
	msgs, err := r.Render(pseudo, req.Variant)
	if err != nil {
		return nil, nil, err
	}
	system := msgs.System
	if rec.Placeholders > 0 {
		system += "\n" + placeholderRule
	}
	messages := []message{{Role: "system", Content: system}, {Role: "user", Content: msgs.User}}
	size := len(system) + len(msgs.User)
	if req.Correction != "" {
		// The earlier answer holds the real name (restored) and may hold
		// anything the model copied or made up: it is scrubbed as the
		// profile was. The correction is biogen's own text, quoting the
		// profile's pronouns: its name parts and user id are replaced and
		// the pronouns get the placeholders they were sent as, but its
		// words are not denied ("Write the bio again", not "Write the
		// Term4 again").
		prev, correction := m.Forward(req.Previous), m.ForwardInstruction(req.Correction)
		messages = append(messages, message{Role: "assistant", Content: prev}, message{Role: "user", Content: correction})
		size += len(prev) + len(correction)
	}
	if p.cfg.Record != nil {
		p.cfg.Record(Sent{Provider: p.cfg.Name, Model: p.cfg.Model, Bytes: size, Record: rec})
	}
	return messages, m, nil
}
