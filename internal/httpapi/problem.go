package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/bio"
)

// Problem is an RFC 9457 problem details body with the contract's code.
type Problem struct {
	Type     string           `json:"type"`
	Title    string           `json:"title"`
	Status   int              `json:"status"`
	Code     string           `json:"code"`
	Detail   string           `json:"detail,omitempty"`
	Instance string           `json:"instance"`
	Errors   []bio.FieldError `json:"errors,omitempty"`
}

// The problem codes of the contract, and a few for HTTP-level faults.
const (
	codeMalformedJSON    = "malformed_json"
	codeUnauthorized     = "unauthorized"
	codeForbidden        = "forbidden"
	codeNotFound         = "not_found"
	codeMethodNotAllowed = "method_not_allowed"
	codePayloadTooLarge  = "payload_too_large"
	codeUnsupportedMedia = "unsupported_media_type"
	codeValidationFailed = "validation_failed"
	codeRateLimited      = "rate_limited"
	codeOverloaded       = "overloaded"
	codeInternal         = "internal"
	codeBadRequest       = "bad_request"
	codeHeadersTooLarge  = "headers_too_large"
	codeRequestTimeout   = "request_timeout"
)

var titles = map[string]string{
	codeMalformedJSON:    "Malformed JSON",
	codeUnauthorized:     "Unauthorized",
	codeForbidden:        "Forbidden",
	codeNotFound:         "Not found",
	codeMethodNotAllowed: "Method not allowed",
	codePayloadTooLarge:  "Payload too large",
	codeUnsupportedMedia: "Unsupported media type",
	codeValidationFailed: "Request validation failed",
	codeRateLimited:      "Too many requests",
	codeOverloaded:       "Service overloaded",
	codeInternal:         "Internal error",
	codeBadRequest:       "Bad request",
	codeHeadersTooLarge:  "Request headers too large",
	codeRequestTimeout:   "Request timeout",
}

// apiError is an error with its HTTP answer. Handlers return one; writeError
// is the only place that turns errors into responses.
type apiError struct {
	status int
	code   string
	detail string
	fields []bio.FieldError
	header [][2]string
}

func (e *apiError) Error() string { return e.code + ": " + e.detail }

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, detail: fmt.Sprintf(format, args...)}
}

func (e *apiError) with(key, value string) *apiError {
	e.header = append(e.header, [2]string{key, value})
	return e
}

// asAPIError maps any error to its HTTP answer. Errors it does not know are
// internal: the client gets a generic message and the log gets the cause.
func asAPIError(err error) (e *apiError, internal bool) {
	var ae *apiError
	var ve *bio.ValidationError
	switch {
	case errors.As(err, &ae):
		return ae, false
	case errors.As(err, &ve):
		detail := "1 field is invalid"
		if n := len(ve.Fields); n != 1 {
			detail = strconv.Itoa(n) + " fields are invalid"
		}
		return &apiError{status: fasthttp.StatusUnprocessableEntity, code: codeValidationFailed, detail: detail, fields: ve.Fields}, false
	case errors.Is(err, bio.ErrMalformed):
		// The decoder's message names the position, never the body.
		return newError(fasthttp.StatusBadRequest, codeMalformedJSON, "%s", strings.TrimPrefix(err.Error(), bio.ErrMalformed.Error()+": ")), false
	}
	return newError(fasthttp.StatusInternalServerError, codeInternal, "the request could not be completed; quote the request id when reporting it"), true
}

func problemOf(requestID string, e *apiError) *Problem {
	return &Problem{
		Type:     "/problems/" + strings.ReplaceAll(e.code, "_", "-"),
		Title:    titles[e.code],
		Status:   e.status,
		Code:     e.code,
		Detail:   e.detail,
		Instance: requestID,
		Errors:   e.fields,
	}
}

// writeProblem writes e as application/problem+json.
func writeProblem(ctx *fasthttp.RequestCtx, requestID string, e *apiError) {
	ctx.Response.ResetBody()
	ctx.SetStatusCode(e.status)
	for _, h := range e.header {
		ctx.Response.Header.Set(h[0], h[1])
	}
	b, _ := json.Marshal(problemOf(requestID, e))
	ctx.SetContentType("application/problem+json")
	ctx.SetBody(b)
}
