package external

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/valyala/fastjson"

	"github.com/biogen/biogen/internal/provider"
)

// chatRequest is the body of a streaming chat-completions request: the
// fields biogen sends, with the API's JSON names. There is no user field,
// no metadata and no store.
type chatRequest struct {
	Model               string        `json:"model"`
	Messages            []message     `json:"messages"`
	Temperature         float64       `json:"temperature"`
	MaxCompletionTokens int           `json:"max_completion_tokens"`
	Seed                *int64        `json:"seed,omitempty"`
	Stream              bool          `json:"stream"`
	StreamOptions       streamOptions `json:"stream_options"`
}

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type streamOptions struct {
	// IncludeUsage asks for a last chunk with the tokens used.
	IncludeUsage bool `json:"include_usage"`
}

// usage is the tokens a completion used, from its usage chunk.
type usage struct {
	PromptTokens, CompletionTokens int
}

// chunkParsers read the stream's events.
var chunkParsers fastjson.ParserPool

// maxLine bounds one line of the event stream.
const maxLine = 1 << 20

// chat posts a streaming chat request, passes each piece of text to
// onText and returns the tokens used, or an error classified for the
// chain. An error status is mapped by provider.FromStatus with the
// answer's Retry-After; the answer's body is never read into an error.
func (p *Provider) chat(ctx context.Context, cr *chatRequest, onText func(string)) (usage, error) {
	body, err := json.Marshal(cr)
	if err != nil {
		return usage{}, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, p.chatURL, bytes.NewReader(body))
	if err != nil {
		return usage{}, err
	}
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("Accept", "text/event-stream")
	if p.cfg.APIKey != "" {
		hr.Header.Set("Authorization", "Bearer "+p.cfg.APIKey)
	}
	resp, err := p.http.Do(hr)
	if err != nil {
		return usage{}, p.classify(ctx, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// The body may echo the prompt: read it only to reuse the connection.
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return usage{}, provider.FromStatus(p.cfg.Name, resp.StatusCode, provider.ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()))
	}
	return p.read(ctx, resp.Body, onText)
}

// read reads a chat-completions event stream: "data: {chunk}" events, each
// ended by a blank line, until "data: [DONE]" or the end of the body. Other
// fields and comments are ignored, as the SSE format says, and so is an
// event the body ends in the middle of. A stream cut before a choice
// finished, or without any chunk, is a retryable failure; one that hit the
// token limit is invalid output; a chunk that is not JSON, or that reports
// an error, is a retryable error.
func (p *Provider) read(ctx context.Context, body io.Reader, onText func(string)) (usage, error) {
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 0, 4<<10), maxLine)
	pp := chunkParsers.Get()
	defer chunkParsers.Put(pp)
	var (
		u                 usage
		data              []byte
		hasData, finished bool
		chunks            int
	)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) > 0 {
			if field, value := sseField(line); field == "data" {
				if hasData {
					data = append(data, '\n')
				}
				data, hasData = append(data, value...), true
			}
			continue
		}
		if !hasData {
			continue
		}
		if string(data) == "[DONE]" {
			break
		}
		chunks++
		fin, err := p.chunk(pp, data, &u, onText)
		if err != nil {
			return usage{}, err
		}
		finished = finished || fin
		data, hasData = data[:0], false
	}
	switch {
	case sc.Err() != nil:
		return usage{}, p.classify(ctx, sc.Err())
	case ctx.Err() != nil:
		return usage{}, p.classify(ctx, ctx.Err())
	case chunks == 0:
		return usage{}, provider.Retryablef(provider.ReasonError, "%s: the answer held no events", p.cfg.Name)
	case !finished:
		return usage{}, provider.Retryablef(provider.ReasonUnavailable, "%s: stream ended before the model finished", p.cfg.Name)
	}
	return u, nil
}

// sseField splits an event-stream line into its field name and value,
// dropping the one space that may follow the colon. A comment (":...")
// has an empty name.
func sseField(line []byte) (field string, value []byte) {
	name, value, _ := bytes.Cut(line, []byte{':'})
	return string(name), bytes.TrimPrefix(value, []byte{' '})
}

// chunk reads one chat.completion.chunk: its choices' text goes to onText,
// its usage, if it has one, into u. It reports whether a choice finished.
func (p *Provider) chunk(pp *fastjson.Parser, data []byte, u *usage, onText func(string)) (finished bool, err error) {
	v, err := pp.ParseBytes(data)
	if err != nil || v.Type() != fastjson.TypeObject {
		return false, provider.Retryablef(provider.ReasonError, "%s: malformed answer from the API", p.cfg.Name)
	}
	if e := v.Get("error"); e != nil && e.Type() != fastjson.TypeNull {
		return false, provider.Retryablef(provider.ReasonError, "%s: the API reported an error in the stream", p.cfg.Name)
	}
	for _, c := range v.GetArray("choices") {
		if b := c.GetStringBytes("delta", "content"); len(b) > 0 {
			onText(string(b))
		}
		switch reason := c.GetStringBytes("finish_reason"); {
		case string(reason) == "length":
			return false, provider.Errorf(provider.ReasonInvalidOutput, "%s: the answer hit the token limit", p.cfg.Name)
		case len(reason) > 0:
			finished = true
		}
	}
	if uv := v.Get("usage"); uv != nil && uv.GetInt("total_tokens") > 0 {
		u.PromptTokens, u.CompletionTokens = uv.GetInt("prompt_tokens"), uv.GetInt("completion_tokens")
	}
	return finished, nil
}

// classify maps a transport or read error to the chain's reasons, never
// quoting the upstream's text: the caller's cancellation is passed on; a
// deadline is a timeout; a refused, reset or cut connection is retryable
// unavailable; anything else a retryable error.
func (p *Provider) classify(ctx context.Context, err error) error {
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		if errors.Is(err, context.Canceled) {
			return err
		}
		return ctx.Err() // the caller gave up; not the API's fault
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return &provider.Error{Reason: provider.ReasonTimeout, Err: errors.New(p.cfg.Name + ": timed out")}
	case errors.As(err, &oe) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection reset"):
		return provider.Retryablef(provider.ReasonUnavailable, "%s: cannot reach the API or the stream was cut", p.cfg.Name)
	}
	return provider.Retryablef(provider.ReasonError, "%s: malformed answer from the API", p.cfg.Name)
}
