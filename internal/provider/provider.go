// Package provider is the contract between the chain and the things that
// write bios: on-prem Ollama models, an external OpenAI-compatible API and the
// template writer. It also names the reasons a provider is passed over.
package provider

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/prompt"
)

// Kind is the kind of provider, reported as a response's source.
type Kind string

// The kinds of provider.
const (
	KindOllama   Kind = "ollama"
	KindExternal Kind = "external"
	KindTemplate Kind = "template"
)

// Request is what a provider is asked to write.
type Request struct {
	Bio *bio.Request
	// Messages is the rendered prompt; empty for providers that need none.
	Messages prompt.Messages
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
	Text         string
	Model        string
	Flags        []string
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

// TokenBudget is the most tokens a model may write for a length: about 1.4
// tokens a word for the longest bio of the range, and room for a bullet
// layout.
func TokenBudget(l bio.Length) int {
	_, max := l.Range()
	return max*7/5 + 64
}
