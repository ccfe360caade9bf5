package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/feedback"
	"github.com/biogen/biogen/internal/idempotency"
	"github.com/biogen/biogen/internal/jobs"
)

// apiError is an error with its HTTP answer. Handlers return one or pass
// on the errors of the packages below; asAPIError is the only place that
// turns an error into its answer, and writeProblem (or a stream's error
// event) writes it.
type apiError struct {
	status int
	code   bio.ProblemCode
	detail string
	fields []bio.FieldError
	header [][2]string
}

func (e *apiError) Error() string { return string(e.code) + ": " + e.detail }

func newError(status int, code bio.ProblemCode, format string, args ...any) *apiError {
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
		return &apiError{status: fasthttp.StatusUnprocessableEntity, code: bio.ProblemValidationFailed, detail: detail, fields: ve.Fields}, false
	case errors.Is(err, idempotency.ErrInFlight):
		return newError(fasthttp.StatusConflict, bio.ProblemIdempotencyKeyInFlight,
			"a request with this Idempotency-Key is still running; retry once it has been answered").with("Retry-After", "1"), false
	case errors.Is(err, idempotency.ErrReused):
		return newError(fasthttp.StatusUnprocessableEntity, bio.ProblemIdempotencyKeyReused,
			"this Idempotency-Key was used with another request body in the last 24 hours; send a new key for a new request"), false
	case errors.Is(err, feedback.ErrNotFound):
		// The same answer for an id never served and one served to
		// another tenant: nothing tells them apart.
		return newError(fasthttp.StatusNotFound, bio.ProblemNotFound, "this tenant was served no bio of this id within its retention"), false
	case errors.Is(err, jobs.ErrNotFound):
		return newError(fasthttp.StatusNotFound, bio.ProblemNotFound, "this tenant has no job of this id"), false
	case errors.Is(err, bio.ErrMalformed):
		// The decoder's message names the position, never the body.
		return newError(fasthttp.StatusBadRequest, bio.ProblemMalformedJSON, "%s", strings.TrimPrefix(err.Error(), bio.ErrMalformed.Error()+": ")), false
	}
	return newError(fasthttp.StatusInternalServerError, bio.ProblemInternal, "the request could not be completed; quote the request id when reporting it"), true
}

func problemOf(requestID string, e *apiError) *bio.Problem {
	return &bio.Problem{
		Type:     e.code.Type(),
		Title:    e.code.Title(),
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
