// Package ollama is the provider for on-prem models served by Ollama.
//
// Listing, pulling and creating models go through the official client
// (github.com/ollama/ollama/api) and its wire types, and Modelfiles are
// read by Ollama's own parser (github.com/ollama/ollama/parser), as
// `ollama create` reads them: it adds 0.12 MB to the 21 MB stripped binary
// (measured for issue 11 by building without it), too little to be worth a
// parser of our own. The chat does not use the client: it
// sends its own chatRequest, the subset of api.ChatRequest it needs with the
// same JSON names, and reads the answer's lines with fastjson, copying the
// few fields it uses into an api.ChatResponse; api.Duration and
// api.StatusError are the only other official types on that path.
//
// chatRequest stays, measured against api.ChatRequest (issue 11):
// BenchmarkEncodeChatRequest, the shipped prompt, Go 1.26 on a shared
// 2-core AMD EPYC, medians of 8 runs, builds and encodes ours in 2.4 µs with 3
// allocations (2.2 kB) and api.ChatRequest in 4.4 µs with 19 (3.1 kB):
// its options map is boxed and sorted, its optional fields inspected. The
// 2 µs and 16 allocations are about 5% of the time and 7% of the
// allocations of a model-path request (BenchmarkBiosModelMiss in httpapi,
// 37 µs and 242), five times the 1% the switch was allowed to cost.
// TestChatRequestIsAPIChatRequest checks that what we send reads back as
// the same api.ChatRequest.
//
// The chat stream is read here rather than by api.Client.Chat, which
// allocates an 8 MB line buffer per call (a gigabyte a second of garbage at
// a thousand requests), returns nil for a stream cut or cancelled after its
// first chunk, and drops the headers of an error answer (Retry-After). This
// loop reads ndjson with a small buffer, reports every read error, keeps
// the headers, and still treats a stream without a Done chunk as a failure.
package ollama

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/ollama/ollama/parser"
	"github.com/valyala/fastjson"

	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/tracing"
)

// Config configures one Ollama provider.
type Config struct {
	// Name is the provider's configured name.
	Name string
	// Model is the model to chat with, e.g. "biogen-writer:8b".
	Model string
	// Host is the server URL, e.g. "http://127.0.0.1:11434".
	Host string
	// KeepAlive keeps the model loaded between requests; 0 unloads it at
	// once. The configuration's default is 30m.
	KeepAlive time.Duration
	// Temperature of sampling, 0 to 2.
	Temperature float64
	// NumCtx is the context window. Positive.
	NumCtx int
	// PullMissing pulls the model at start-up when the server lacks it.
	PullMissing bool
	// Modelfile, if set, is a Modelfile to create the model from at
	// start-up when the server lacks it: local files it names are
	// uploaded; its FROM base model is pulled only with PullMissing, else
	// a missing base is reported (a pull is gigabytes: the operator's
	// call).
	Modelfile string
	// ModelfileFS, if set, is where Modelfile is read from (biogen's
	// embedded Modelfiles); else it is a path on disk.
	ModelfileFS fs.FS
	// MaxTokens sets num_predict; 0 sizes it from the requested length.
	MaxTokens int
	// Prompts render the prompt of each request, in the version it asks
	// for (provider.Request.PromptVersion). Required.
	Prompts *prompt.Set
	// CheckTimeout bounds each model listing (Check, and those Ensure
	// makes). Positive.
	CheckTimeout time.Duration
	// PullTimeout bounds each pull, blob upload and create Ensure makes,
	// each on its own, so that a server that hangs cannot hold start-up
	// for ever. Positive.
	PullTimeout time.Duration
}

// Provider chats with one model on one Ollama server.
//
// It is safe for concurrent use and starts no goroutine; the zero value is
// not usable: call New.
type Provider struct {
	cfg     Config
	client  *api.Client // listing and pulling models
	http    *http.Client
	chatURL string
	// setupFailure says, in the provider's own words, why Ensure could
	// not make the model, for Check to report; nil when it has not failed.
	setupFailure atomic.Pointer[string]
}

// New returns a Provider.
func New(cfg Config) (*Provider, error) {
	if cfg.Prompts == nil {
		return nil, errors.New("ollama provider needs its prompts")
	}
	u, err := url.Parse(cfg.Host)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("invalid Ollama host %q", cfg.Host)
	}
	switch {
	case cfg.KeepAlive < 0:
		return nil, fmt.Errorf("ollama: keep-alive %q must not be negative", cfg.KeepAlive)
	case cfg.Temperature < 0 || cfg.Temperature > 2:
		return nil, fmt.Errorf("ollama: temperature %g must be between 0 and 2", cfg.Temperature)
	case cfg.NumCtx <= 0:
		return nil, fmt.Errorf("ollama: num_ctx %d must be positive", cfg.NumCtx)
	case cfg.CheckTimeout <= 0 || cfg.PullTimeout <= 0:
		return nil, fmt.Errorf("ollama: check timeout %q and pull timeout %q must be positive", cfg.CheckTimeout, cfg.PullTimeout)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 1024 // streams hold a connection each: keep them for reuse
	// The calls made within a provider attempt's span carry its traceparent.
	hc := &http.Client{Transport: tracing.Transport(transport)}
	return &Provider{cfg: cfg, client: api.NewClient(u, hc), http: hc, chatURL: u.JoinPath("/api/chat").String()}, nil
}

// Name returns the configured name.
func (p *Provider) Name() string { return p.cfg.Name }

// Kind returns provider.KindOllama.
func (p *Provider) Kind() provider.Kind { return provider.KindOllama }

// Model returns the model name.
func (p *Provider) Model() string { return p.cfg.Model }

// Generate renders the prompt of the request and streams a chat
// completion.
func (p *Provider) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	cr, err := p.request(req)
	if err != nil {
		return nil, err
	}
	text, last, err := p.chat(ctx, cr, req.OnDelta)
	if err != nil {
		return nil, err
	}
	if last.DoneReason == "length" {
		return nil, provider.Errorf(provider.ReasonInvalidOutput, "%s: the answer hit num_predict", p.cfg.Name)
	}
	return &provider.Result{
		Text:         text,
		Model:        p.cfg.Model,
		InputTokens:  last.PromptEvalCount,
		OutputTokens: last.EvalCount,
	}, nil
}

// request renders the prompt of req into the chat request to send.
func (p *Provider) request(req *provider.Request) (*chatRequest, error) {
	r := p.cfg.Prompts.Get(req.PromptVersion)
	if r == nil {
		return nil, provider.Errorf(provider.ReasonError, "%s: no prompt %q loaded", p.cfg.Name, req.PromptVersion)
	}
	m, err := r.Render(req.Bio, req.Variant)
	if err != nil {
		return nil, err
	}
	msgs := []chatMessage{
		{Role: "system", Content: m.System},
		{Role: "user", Content: m.User},
	}
	if req.Correction != "" {
		msgs = append(msgs, chatMessage{Role: "assistant", Content: req.Previous}, chatMessage{Role: "user", Content: req.Correction})
	}
	seed := int(req.Variant % (1 << 31))
	if seed == 0 {
		seed = 42 // the same request gives the same text until regenerated
	}
	cr := &chatRequest{
		Model:     p.cfg.Model,
		Messages:  msgs,
		Stream:    true,
		KeepAlive: api.Duration{Duration: p.cfg.KeepAlive},
		Options: chatOptions{
			Temperature: p.cfg.Temperature,
			Seed:        seed,
			NumPredict:  provider.TokenBudget(req.Bio.Options.Length, p.cfg.MaxTokens),
			NumCtx:      p.cfg.NumCtx,
		},
	}
	return cr, nil
}

// classify maps a client error to the chain's reasons. Upstream text never
// goes into the error: the client returns a non-JSON line as the error's
// message, and error bodies may echo the prompt.
func (p *Provider) classify(ctx context.Context, err error, retryAfter time.Duration) error {
	var se api.StatusError
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return err // the caller gave up; not the model's fault
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return &provider.Error{Reason: provider.ReasonTimeout, Err: fmt.Errorf("%s: timed out", p.cfg.Name)}
	case errors.As(err, &se):
		return provider.FromStatus(p.cfg.Name, se.StatusCode, retryAfter)
	case isConnError(err):
		return provider.Retryablef(provider.ReasonUnavailable, "%s: cannot reach the server", p.cfg.Name)
	}
	return provider.Retryablef(provider.ReasonError, "%s: malformed answer from the server", p.cfg.Name)
}

func isConnError(err error) bool {
	var oe *net.OpError
	var ue *url.Error
	return errors.As(err, &oe) || (errors.As(err, &ue) && !ue.Timeout()) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF")
}

// Check reports whether the server answers and has the model, listing
// within CheckTimeout.
func (p *Provider) Check(ctx context.Context) error {
	have, err := p.has(ctx, p.cfg.Model)
	if err != nil {
		return fmt.Errorf("%s: cannot list models at %s: %w", p.cfg.Name, p.cfg.Host, err)
	}
	if have {
		return nil
	}
	if why := p.setupFailure.Load(); why != nil {
		return fmt.Errorf("%w: %q on %s; at start-up %s", ErrModelMissing, p.cfg.Model, p.cfg.Host, *why)
	}
	return fmt.Errorf("%w: %q on %s", ErrModelMissing, p.cfg.Model, p.cfg.Host)
}

// ErrModelMissing is returned (wrapped) by Check when the server lacks the
// model: provider.ErrModelMissing.
var ErrModelMissing = provider.ErrModelMissing

func sameModel(a, b string) bool {
	return a == b || strings.TrimSuffix(a, ":latest") == strings.TrimSuffix(b, ":latest")
}

// Ensure checks the model and, when the server lacks it, creates it from
// the Modelfile or pulls it, if configured to. Each listing runs under its
// own CheckTimeout and each pull, upload and create under its own
// PullTimeout; ctx cancels them all (and may only shorten them: give it no
// deadline shorter than a pull).
func (p *Provider) Ensure(ctx context.Context) error {
	err := p.Check(ctx)
	if err == nil || !errors.Is(err, ErrModelMissing) {
		return err
	}
	switch {
	case p.cfg.Modelfile != "":
		if err := p.create(ctx); err != nil {
			why := "creating it from " + p.cfg.Modelfile + " failed"
			if errors.Is(err, errBaseMissing) {
				why = err.Error()
			}
			p.setupFailure.Store(&why)
			return fmt.Errorf("%s: cannot create %q from %s: %w", p.cfg.Name, p.cfg.Model, p.cfg.Modelfile, err)
		}
	case p.cfg.PullMissing:
		if err := p.pull(ctx, p.cfg.Model); err != nil {
			return fmt.Errorf("%s: cannot pull %q: %w", p.cfg.Name, p.cfg.Model, err)
		}
	default:
		return err
	}
	return p.Check(ctx)
}

// within calls fn with ctx bounded by its own deadline d.
func within(ctx context.Context, d time.Duration, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return fn(ctx)
}

// pull pulls model under its own PullTimeout.
func (p *Provider) pull(ctx context.Context, model string) error {
	return within(ctx, p.cfg.PullTimeout, func(ctx context.Context) error {
		return p.client.Pull(ctx, &api.PullRequest{Model: model}, func(api.ProgressResponse) error { return nil })
	})
}

// create makes the model from the Modelfile, as `ollama create` does:
// local files are uploaded as blobs, a base model it names is pulled if the
// server lacks it. Each call to the server has its own deadline.
func (p *Provider) create(ctx context.Context) error {
	var f io.ReadCloser
	var err error
	if p.cfg.ModelfileFS != nil {
		f, err = p.cfg.ModelfileFS.Open(p.cfg.Modelfile)
	} else {
		f, err = os.Open(p.cfg.Modelfile)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	mf, err := parser.ParseFile(f)
	if err != nil {
		return err
	}
	req, err := mf.CreateRequest(filepath.Dir(p.cfg.Modelfile))
	if err != nil {
		return err
	}
	req.Model = p.cfg.Model
	if len(req.Files) > 0 {
		files := make(map[string]string, len(req.Files))
		for path, digest := range req.Files {
			if err := p.upload(ctx, path, digest); err != nil {
				return err
			}
			files[filepath.Base(path)] = digest
		}
		req.Files = files
	}
	if req.From != "" {
		have, err := p.has(ctx, req.From)
		if err != nil {
			return err
		}
		if !have && !p.cfg.PullMissing {
			return fmt.Errorf("%w: %q is not on the server: pull it (ollama pull %s) or set pull_missing", errBaseMissing, req.From, req.From)
		}
		if !have {
			if err := p.pull(ctx, req.From); err != nil {
				return fmt.Errorf("cannot pull the base model %q: %w", req.From, err)
			}
		}
	}
	return within(ctx, p.cfg.PullTimeout, func(ctx context.Context) error {
		return p.client.Create(ctx, req, func(api.ProgressResponse) error { return nil })
	})
}

// errBaseMissing is create's error when the Modelfile's base model is not
// on the server and may not be pulled.
var errBaseMissing = errors.New("the base model is missing")

// has reports whether the server lists model, by name or by model, within
// CheckTimeout.
func (p *Provider) has(ctx context.Context, model string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.CheckTimeout)
	defer cancel()
	list, err := p.client.List(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(list.Models, func(m api.ListModelResponse) bool {
		return sameModel(m.Name, model) || sameModel(m.Model, model)
	}), nil
}

// upload uploads a local file as a blob, under its own PullTimeout.
func (p *Provider) upload(ctx context.Context, path, digest string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return within(ctx, p.cfg.PullTimeout, func(ctx context.Context) error { return p.client.CreateBlob(ctx, digest, f) })
}

// chatRequest is the part of api.ChatRequest that the provider sends, with
// the same JSON names. Its own type costs half of api.ChatRequest to
// encode: no omitted fields to inspect and no options map to sort (the
// package comment has the figures).
type chatRequest struct {
	Model     string        `json:"model"`
	Messages  []chatMessage `json:"messages"`
	Stream    bool          `json:"stream"`
	KeepAlive api.Duration  `json:"keep_alive"`
	Options   chatOptions   `json:"options"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatOptions struct {
	Temperature float64 `json:"temperature"`
	Seed        int     `json:"seed"`
	NumPredict  int     `json:"num_predict"`
	NumCtx      int     `json:"num_ctx"`
}

// chunkParsers read the chat stream's lines.
var chunkParsers fastjson.ParserPool

// chat posts a streaming chat request and reads its ndjson answer, passing
// each piece of text to onDelta. It returns the whole text and the Done
// chunk, or an error classified for the chain.
func (p *Provider) chat(ctx context.Context, cr *chatRequest, onDelta func(string)) (string, api.ChatResponse, error) {
	var last api.ChatResponse
	body, err := json.Marshal(cr)
	if err != nil {
		return "", last, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, p.chatURL, bytes.NewReader(body))
	if err != nil {
		return "", last, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "application/x-ndjson")
	resp, err := p.http.Do(hr)
	if err != nil {
		return "", last, p.classify(ctx, err, 0)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= http.StatusBadRequest {
		// The body may echo the prompt: read it only to drain the connection.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		se := api.StatusError{StatusCode: resp.StatusCode, Status: resp.Status}
		return "", last, p.classify(ctx, se, provider.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()))
	}
	var text strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 4<<10), 1<<20)
	done := false
	// A model streams a line per token. Only the fields used are read, with
	// fastjson: decoding each line into api.ChatResponse (timestamps,
	// durations, logprobs) with encoding/json was a fifth of a stream's CPU.
	pp := chunkParsers.Get()
	defer chunkParsers.Put(pp)
	for sc.Scan() {
		chunk, err := pp.ParseBytes(sc.Bytes())
		if err != nil || chunk.Type() != fastjson.TypeObject {
			return "", last, provider.Retryablef(provider.ReasonError, "%s: malformed answer from the server", p.cfg.Name)
		}
		if b := chunk.GetStringBytes("message", "content"); len(b) > 0 {
			c := string(b)
			text.WriteString(c)
			if onDelta != nil {
				onDelta(c)
			}
		}
		if chunk.GetBool("done") {
			last = api.ChatResponse{Done: true, DoneReason: string(chunk.GetStringBytes("done_reason"))}
			last.PromptEvalCount, last.EvalCount = chunk.GetInt("prompt_eval_count"), chunk.GetInt("eval_count")
			done = true
			break
		}
	}
	if err := sc.Err(); err != nil {
		return "", last, p.classify(ctx, err, 0)
	}
	if ctx.Err() != nil {
		return "", last, p.classify(ctx, ctx.Err(), 0)
	}
	if !done {
		return "", last, provider.Retryablef(provider.ReasonUnavailable, "%s: stream ended before the model finished", p.cfg.Name)
	}
	return text.String(), last, nil
}
