// Package external is the provider for an OpenAI-compatible
// chat-completions API outside the premises, on the official client
// (github.com/openai/openai-go/v3). Only tenants whose policy is
// allow_external reach it (the chain and the configuration both refuse
// otherwise), and nothing identifying leaves: the request is pseudonymised
// here (pii.Pseudonymise), the prompt rendered from the pseudonymised
// request alone (never from provider.Request.Messages, rendered from the
// real one), an earlier answer scrubbed the same way and the correction,
// biogen's own text, with the name and the user id replaced, and the
// stand-in name and the placeholders mapped back in the answer (an answer
// with a placeholder that was never sent is invalid output). No user id,
// user field or metadata is sent; the seed is the random variant.
package external

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"

	"github.com/biogen/biogen/internal/pii"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
)

// Config configures the provider.
type Config struct {
	Name    string
	BaseURL string
	Model   string
	// APIKey is the key itself, read by the caller from the environment
	// variable the configuration names.
	APIKey string
	// Prompt renders the prompt from the pseudonymised request.
	Prompt *prompt.Renderer
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
// It is safe for concurrent use and holds nothing to stop.
type Provider struct {
	cfg    Config
	client openai.Client
}

// New returns a Provider.
func New(cfg Config) (*Provider, error) {
	if cfg.Prompt == nil {
		return nil, errors.New("external provider needs a prompt")
	}
	if cfg.Temperature < 0 || cfg.Temperature > 2 {
		return nil, fmt.Errorf("external: temperature %g must be between 0 and 2", cfg.Temperature)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	c := openai.NewClient(
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(cfg.APIKey),
		option.WithMaxRetries(0), // the chain retries, within its budget
		option.WithHTTPClient(&http.Client{Transport: transport}),
	)
	return &Provider{cfg: cfg, client: c}, nil
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
	params := openai.ChatCompletionNewParams{
		Model:               openai.ChatModel(p.cfg.Model),
		Messages:            messages,
		Temperature:         openai.Float(p.cfg.Temperature),
		MaxCompletionTokens: openai.Int(int64(provider.TokenBudget(req.Bio.Options.Length, p.cfg.MaxTokens))),
		StreamOptions:       openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	}
	if req.Variant != 0 {
		params.Seed = openai.Int(int64(req.Variant % (1 << 31)))
	}
	var text strings.Builder
	restorer := m.Restorer(func(s string) {
		text.WriteString(s)
		if req.OnDelta != nil {
			req.OnDelta(s)
		}
	})
	in, out, err := p.stream(ctx, params, restorer)
	if err != nil {
		return nil, err
	}
	restorer.Close()
	if err := restorer.Err(); err != nil {
		// A placeholder the model made up stands for nothing true.
		return nil, provider.Errorf(provider.ReasonInvalidOutput, "%s: %w", p.cfg.Name, err)
	}
	return &provider.Result{
		Text:         text.String(),
		Model:        p.cfg.Model,
		InputTokens:  int(in),
		OutputTokens: int(out),
		CostUSD:      float64(in)/1000*p.cfg.CostPer1KInput + float64(out)/1000*p.cfg.CostPer1KOutput,
	}, nil
}

// messages pseudonymises the request and renders the messages to send from
// it, and records what leaves.
func (p *Provider) messages(req *provider.Request) ([]openai.ChatCompletionMessageParamUnion, *pii.Mapping, error) {
	pseudo, m, rec := pii.Pseudonymise(req.Bio)
	msgs, err := p.cfg.Prompt.Render(pseudo, req.Variant)
	if err != nil {
		return nil, nil, err
	}
	system := msgs.System
	if rec.Placeholders > 0 {
		system += "\n" + placeholderRule
	}
	messages := []openai.ChatCompletionMessageParamUnion{
		openai.SystemMessage(system),
		openai.UserMessage(msgs.User),
	}
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
		messages = append(messages, openai.AssistantMessage(prev), openai.UserMessage(correction))
		size += len(prev) + len(correction)
	}
	if p.cfg.Record != nil {
		p.cfg.Record(Sent{Provider: p.cfg.Name, Model: p.cfg.Model, Bytes: size, Record: rec})
	}
	return messages, m, nil
}

// stream reads the completion into restorer and returns the tokens used.
// A stream cut before the model finished, or without any event, is a
// retryable failure; one that hit the token limit is invalid output.
func (p *Provider) stream(ctx context.Context, params openai.ChatCompletionNewParams, restorer *pii.Restorer) (in, out int64, err error) {
	stream := p.client.Chat.Completions.NewStreaming(ctx, params)
	defer stream.Close()
	finished, chunks := false, 0
	for stream.Next() {
		chunks++
		chunk := stream.Current()
		for _, c := range chunk.Choices {
			if c.Delta.Content != "" {
				restorer.Write(c.Delta.Content)
			}
			if c.FinishReason != "" {
				finished = true
				if c.FinishReason == "length" {
					return 0, 0, provider.Errorf(provider.ReasonInvalidOutput, "%s: the answer hit the token limit", p.cfg.Name)
				}
			}
		}
		if chunk.Usage.TotalTokens > 0 {
			in, out = chunk.Usage.PromptTokens, chunk.Usage.CompletionTokens
		}
	}
	switch {
	case stream.Err() != nil:
		return 0, 0, p.classify(ctx, stream.Err())
	case ctx.Err() != nil:
		return 0, 0, p.classify(ctx, ctx.Err())
	case chunks == 0:
		return 0, 0, provider.Retryablef(provider.ReasonError, "%s: the answer held no events", p.cfg.Name)
	case !finished:
		return 0, 0, provider.Retryablef(provider.ReasonUnavailable, "%s: stream ended before the model finished", p.cfg.Name)
	}
	return in, out, nil
}

// classify maps client errors to the chain's reasons, never quoting the
// upstream's text.
func (p *Provider) classify(ctx context.Context, err error) error {
	var ae *openai.Error
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return err
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return &provider.Error{Reason: provider.ReasonTimeout, Err: fmt.Errorf("%s: timed out", p.cfg.Name)}
	case errors.As(err, &ae):
		var retryAfter time.Duration
		if ae.Response != nil {
			retryAfter = provider.ParseRetryAfter(ae.Response.Header.Get("Retry-After"), time.Now())
		}
		return provider.FromStatus(p.cfg.Name, ae.StatusCode, retryAfter)
	}
	var oe *net.OpError
	if errors.As(err, &oe) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || strings.Contains(err.Error(), "connection reset") {
		return provider.Retryablef(provider.ReasonUnavailable, "%s: cannot reach the API or the stream was cut", p.cfg.Name)
	}
	return provider.Retryablef(provider.ReasonError, "%s: malformed answer from the API", p.cfg.Name)
}
