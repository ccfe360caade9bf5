package bio

import (
	"strings"
	"time"
)

// This file is the one home of the API's wire types besides the request
// (request.go): the response, its usage, the cache and source values, the
// fallback reasons and the problem body with its codes. The HTTP edge, the
// bench, the fakes and the tests all use these.

// Cache says where a response's text came from, as its cache field and
// X-Cache header tell.
type Cache string

// The cache values.
const (
	CacheMiss     Cache = "miss"
	CacheExact    Cache = "exact"
	CacheSemantic Cache = "semantic"
)

// Source is the kind of writer of a response's text: an on-prem model, the
// external API or the template writer.
type Source string

// The sources.
const (
	SourceOllama   Source = "ollama"
	SourceExternal Source = "external"
	SourceTemplate Source = "template"
)

// Reason says why a provider was passed over, as a response's
// fallback_reasons name it ("<provider>:<reason>").
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

// Response is the contract's 200 body, and the data of a stream's done
// event. A Response is a value: the zero value is an empty answer.
type Response struct {
	ID            string `json:"id"`
	Bio           string `json:"bio"`
	Format        string `json:"format"`
	Source        Source `json:"source"`
	Provider      string `json:"provider"`
	Model         string `json:"model"`
	Cache         Cache  `json:"cache"`
	PromptVersion string `json:"prompt_version"`
	// Experiment names the experiment arm the request was answered in;
	// nil (null) when the tenant runs no experiment.
	Experiment      *Experiment `json:"experiment"`
	Degraded        bool        `json:"degraded"`
	FallbackReasons []string    `json:"fallback_reasons"`
	Flags           []string    `json:"flags"`
	Usage           Usage       `json:"usage"`
	RequestID       string      `json:"request_id"`
	CreatedAt       string      `json:"created_at"`

	// Timing is for the Server-Timing header; it is not part of the body.
	Timing Timing `json:"-"`
}

// Experiment is a response's experiment field (contract 1.1): the
// tenant's experiment and the arm the user is in. It is a value, shared
// by the responses of one arm and never changed.
type Experiment struct {
	ID  string `json:"id"`
	Arm string `json:"arm"`
}

// Usage is the token and cost account of a response.
type Usage struct {
	InputTokens  int     `json:"input_tokens"`
	OutputTokens int     `json:"output_tokens"`
	CostUSD      float64 `json:"cost_usd"`
}

// Timing splits the time of a request into the phases the Server-Timing
// header reports.
type Timing struct {
	Cache    time.Duration
	Provider time.Duration
	Total    time.Duration
}

// Delta is the data of a stream's delta event: the next piece of text.
type Delta struct {
	Text string `json:"text"`
}

// Reset is the data of a stream's reset event: the text sent so far is
// void, and the next delta starts again.
type Reset struct {
	Reason string `json:"reason"`
}

// Problem is an RFC 9457 problem details body with the contract's code.
type Problem struct {
	Type     string       `json:"type"`
	Title    string       `json:"title"`
	Status   int          `json:"status"`
	Code     ProblemCode  `json:"code"`
	Detail   string       `json:"detail,omitempty"`
	Instance string       `json:"instance"`
	Errors   []FieldError `json:"errors,omitempty"`
}

// ProblemCode is a problem's code.
type ProblemCode string

// The problem codes of the contract, and a few for HTTP-level faults.
const (
	ProblemMalformedJSON    ProblemCode = "malformed_json"
	ProblemUnauthorized     ProblemCode = "unauthorized"
	ProblemForbidden        ProblemCode = "forbidden"
	ProblemNotFound         ProblemCode = "not_found"
	ProblemMethodNotAllowed ProblemCode = "method_not_allowed"
	ProblemPayloadTooLarge  ProblemCode = "payload_too_large"
	ProblemUnsupportedMedia ProblemCode = "unsupported_media_type"
	ProblemValidationFailed ProblemCode = "validation_failed"
	ProblemRateLimited      ProblemCode = "rate_limited"
	ProblemOverloaded       ProblemCode = "overloaded"
	ProblemInternal         ProblemCode = "internal"
	ProblemBadRequest       ProblemCode = "bad_request"
	ProblemHeadersTooLarge  ProblemCode = "headers_too_large"
	ProblemRequestTimeout   ProblemCode = "request_timeout"
	// ProblemIdempotencyKeyReused: the Idempotency-Key was used with
	// another body (422).
	ProblemIdempotencyKeyReused ProblemCode = "idempotency_key_reused"
	// ProblemIdempotencyKeyInFlight: a request with the Idempotency-Key is
	// still running (409).
	ProblemIdempotencyKeyInFlight ProblemCode = "idempotency_key_in_flight"
)

var problemTitles = map[ProblemCode]string{
	ProblemMalformedJSON:    "Malformed JSON",
	ProblemUnauthorized:     "Unauthorized",
	ProblemForbidden:        "Forbidden",
	ProblemNotFound:         "Not found",
	ProblemMethodNotAllowed: "Method not allowed",
	ProblemPayloadTooLarge:  "Payload too large",
	ProblemUnsupportedMedia: "Unsupported media type",
	ProblemValidationFailed: "Request validation failed",
	ProblemRateLimited:      "Too many requests",
	ProblemOverloaded:       "Service overloaded",
	ProblemInternal:         "Internal error",
	ProblemBadRequest:       "Bad request",
	ProblemHeadersTooLarge:  "Request headers too large",
	ProblemRequestTimeout:   "Request timeout",

	ProblemIdempotencyKeyReused:   "Idempotency key reused",
	ProblemIdempotencyKeyInFlight: "Idempotency key in flight",
}

// Title returns the code's title, the same for every problem of the code.
func (c ProblemCode) Title() string { return problemTitles[c] }

// Type returns the code's problem type URI ("/problems/malformed-json").
func (c ProblemCode) Type() string { return "/problems/" + strings.ReplaceAll(string(c), "_", "-") }
