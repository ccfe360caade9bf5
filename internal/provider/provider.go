// Package provider is the contract between the chain and the things that
// write bios: on-prem Ollama models, an external OpenAI-compatible API and the
// template writer. It also names the reasons a provider is passed over.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/biogen/biogen/internal/bio"
)

// Kind is the kind of provider, reported as a response's source.
type Kind = bio.Source

// The kinds of provider.
const (
	KindOllama   = bio.SourceOllama
	KindExternal = bio.SourceExternal
	KindTemplate = bio.SourceTemplate
)

// Request is what a provider is asked to write. Each provider renders its
// own prompt from Bio (the external one from a pseudonymised copy).
type Request struct {
	Bio *bio.Request
	// PromptVersion is the version of the prompt to render, as responses
	// name it ("bio-v2"); "" is the provider's default. A tenant's
	// experiment arm may choose another than the tenant's.
	PromptVersion string
	// Variant is 0 for the first wording; another value asks for another.
	Variant uint64
	// OnDelta, if set, receives the text as it is written, in order. A
	// provider that cannot stream calls it once with the whole text.
	OnDelta func(text string)
	// Correction, if set, asks for a second try: the provider sends its
	// Previous answer back with Correction as the next user message.
	Correction, Previous string
}

// Result is a written bio.
type Result struct {
	Text  string
	Model string
	Flags []string
	// Reasons say why each flag was added, as "<flag>:<reason>"
	// ("needs_review:offensive"); the metrics count flags by them.
	Reasons      []string
	InputTokens  int
	OutputTokens int
	CostUSD      float64
}

// Provider writes bios. Implementations are safe for concurrent use.
type Provider interface {
	Name() string
	Kind() Kind
	Generate(ctx context.Context, req *Request) (*Result, error)
}

// ErrModelMissing is returned (wrapped) by a provider's Check when its
// server answers but lacks the model. Its message, which /readyz shows,
// is the provider's own text, never the upstream's.
var ErrModelMissing = errors.New("model not found")

// Reason says why a provider was passed over; the contract lists them.
type Reason string

// The reasons of the contract.
const (
	ReasonTimeout       Reason = "timeout"
	ReasonUnavailable   Reason = "unavailable"
	ReasonRateLimited   Reason = "rate_limited"
	ReasonCircuitOpen   Reason = "circuit_open"
	ReasonOverloaded    Reason = "overloaded"
	ReasonInvalidOutput Reason = "invalid_output"
	ReasonError         Reason = "error"
	ReasonPolicy        Reason = "policy"
)

// Error is a provider failure with the reason the chain reports.
type Error struct {
	Reason Reason
	// Retryable says another try may succeed: a refused connection, a
	// 429, a 5xx, a cut stream. A missing model or a bad request is not.
	Retryable bool
	// RetryAfter is the upstream's Retry-After, if it sent one.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return string(e.Reason)
	}
	return fmt.Sprintf("%s: %v", e.Reason, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with reason r that is not retryable.
func Errorf(r Reason, format string, args ...any) error {
	return &Error{Reason: r, Err: fmt.Errorf(format, args...)}
}

// Retryablef returns an *Error with reason r that may succeed on a retry.
func Retryablef(r Reason, format string, args ...any) error {
	return &Error{Reason: r, Retryable: true, Err: fmt.Errorf(format, args...)}
}

// IsRetryable reports whether err is an *Error marked retryable.
func IsRetryable(err error) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.Retryable
}

// RetryAfterOf returns the Retry-After an upstream sent with err, or 0.
func RetryAfterOf(err error) time.Duration {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.RetryAfter
	}
	return 0
}

// ReasonOf returns the reason for err: the Reason of an *Error, timeout for a
// deadline, else error.
func ReasonOf(err error) Reason {
	var pe *Error
	switch {
	case errors.As(err, &pe):
		return pe.Reason
	case errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	}
	return ReasonError
}

// TokenBudget is the most tokens a model may write: set, when positive, or
// else sized from the length, about 1.4 tokens a word for the longest bio of
// the range, with room for a bullet layout.
func TokenBudget(l bio.Length, set int) int {
	if set > 0 {
		return set
	}
	_, max := l.Range()
	return max*7/5 + 64
}

// FromStatus maps an upstream's HTTP error status to the chain's reasons:
// 404 (no such model or endpoint) unavailable and final; 429 rate_limited
// and 503 overloaded, both retryable after retryAfter; other 5xx
// unavailable and retryable; other 4xx error. name labels the error; the
// upstream's body never goes into it.
func FromStatus(name string, code int, retryAfter time.Duration) error {
	switch {
	case code == http.StatusNotFound:
		return Errorf(ReasonUnavailable, "%s: model or endpoint not found (404)", name)
	case code == http.StatusTooManyRequests:
		return &Error{Reason: ReasonRateLimited, Retryable: true, RetryAfter: retryAfter, Err: fmt.Errorf("%s: 429", name)}
	case code == http.StatusServiceUnavailable:
		return &Error{Reason: ReasonOverloaded, Retryable: true, RetryAfter: retryAfter, Err: fmt.Errorf("%s: 503 busy", name)}
	case code >= 500:
		return Retryablef(ReasonUnavailable, "%s: server error %d", name, code)
	}
	return Errorf(ReasonError, "%s: request refused with %d", name, code)
}

// ParseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
