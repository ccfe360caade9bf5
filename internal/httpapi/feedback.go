package httpapi

import (
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/tenant"
)

// Feedback keeps the feedback of POST /v1/bios/{id}/feedback:
// *feedback.Keeper. Its methods are called concurrently.
type Feedback interface {
	// Give stores f, a feedback on the bio bioID served to tenant, kept
	// for retention, and returns its id; feedback.ErrNotFound when the
	// tenant was served no such bio within its retention.
	Give(tenant string, retention time.Duration, bioID string, f *bio.Feedback) (string, error)
}

const (
	biosPrefix     = "/v1/bios/"
	feedbackSuffix = "/feedback"
)

// handleFeedback serves POST /v1/bios/{id}/feedback to a key with the scope
// bios, through the tenant's rate limit like every POST: the body is
// checked first (400, 422), then the bio id; an id the tenant was not
// served, another tenant's included, is the same 404 with the same words.
func (s *Server) handleFeedback(x *exchange) {
	id, ok := strings.CutSuffix(strings.TrimPrefix(string(x.ctx.Path()), biosPrefix), feedbackSuffix)
	if s.cfg.Feedback == nil || !ok || id == "" || strings.Contains(id, "/") {
		s.fail(x, newError(fasthttp.StatusNotFound, bio.ProblemNotFound, "no resource at this path"))
		return
	}
	if !allowMethod(x, fasthttp.MethodPost) {
		return
	}
	if !x.caller.Allowed(tenant.ScopeBios) {
		s.fail(x, newError(fasthttp.StatusForbidden, bio.ProblemForbidden, "this API key may not give feedback on bios"))
		return
	}
	if !s.admitPost(x) {
		return
	}
	f, err := bio.DecodeFeedback(x.ctx.PostBody())
	if err != nil {
		s.fail(x, err)
		return
	}
	t := x.caller.Tenant
	fid, err := s.cfg.Feedback.Give(t.ID, t.Retention, id, f)
	if err != nil {
		s.fail(x, err)
		return
	}
	writeJSON(x.ctx, fasthttp.StatusAccepted, bio.FeedbackAccepted{ID: fid, BioID: id})
}
