package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/jobs"
)

const (
	jobsPrefix       = "/v1/jobs/"
	deliveriesSuffix = "/deliveries"
)

// JobsMaxBodyBytes is the body limit of POST /v1/jobs for a server whose
// bio requests may be maxBody bytes: 1,000 items of the largest request,
// with a comma each, and room for the rest of the object; at most 256 MiB
// (the default max_body_bytes, 64 KiB, gives about 63 MiB).
func JobsMaxBodyBytes(maxBody int) int { return min(jobs.MaxItems*(maxBody+1)+4096, 256<<20) }

// handleJobs serves POST /v1/jobs: a batch of bio requests, each validated
// like POST /v1/bios, stored and queued; 202 with the job's id.
func (s *Server) handleJobs(x *exchange) {
	ctx := x.ctx
	t := x.caller.Tenant
	if !s.admitPost(x) {
		return
	}
	items, users, callback, err := decodeJob(ctx.PostBody())
	if err != nil {
		s.fail(x, err)
		return
	}
	sub, err := s.cfg.Jobs.Submit(t, items, users, callback)
	if err != nil {
		s.fail(x, err)
		return
	}
	ctx.Response.Header.Set("Location", jobsPrefix+sub.ID)
	writeJSON(ctx, fasthttp.StatusAccepted, sub)
}

// decodeJob validates a job's body: every item as a bio request, its
// problems' pointers under /items/{index}.
func decodeJob(body []byte) (items []json.RawMessage, users []string, callback string, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return nil, nil, "", newError(fasthttp.StatusBadRequest, bio.ProblemMalformedJSON, "the body is not a JSON object")
	}
	var fields []bio.FieldError
	for _, k := range slices.Sorted(maps.Keys(top)) {
		if k != "items" && k != "callback_url" {
			fields = append(fields, bio.FieldError{Pointer: "/" + k, Detail: "unknown field"})
		}
	}
	if raw, ok := top["callback_url"]; ok && !bytes.Equal(raw, []byte("null")) {
		// Its target is checked by jobs.Manager.Submit, before anything
		// is stored.
		if json.Unmarshal(raw, &callback) != nil || callback == "" {
			fields = append(fields, bio.FieldError{Pointer: "/callback_url", Detail: "must be an https URL"})
		}
	}
	if json.Unmarshal(top["items"], &items) != nil || len(items) == 0 || len(items) > jobs.MaxItems {
		fields = append(fields, bio.FieldError{Pointer: "/items", Detail: "must be an array of 1 to 1000 bio requests"})
		return nil, nil, "", &bio.ValidationError{Fields: fields}
	}
	users = make([]string, len(items))
	for i, raw := range items {
		req, err := bio.Decode(raw)
		var ve *bio.ValidationError
		switch {
		case errors.As(err, &ve):
			for _, f := range ve.Fields {
				f.Pointer = "/items/" + strconv.Itoa(i) + f.Pointer
				fields = append(fields, f)
			}
		case err != nil:
			fields = append(fields, bio.FieldError{Pointer: "/items/" + strconv.Itoa(i), Detail: "must be a bio request object"})
		default:
			users[i] = req.UserID
		}
	}
	if len(fields) > 0 {
		return nil, nil, "", &bio.ValidationError{Fields: fields}
	}
	return items, users, callback, nil
}

// handleJob serves GET and DELETE /v1/jobs/{id}: the job, or its
// cancellation; another tenant's job is 404.
func (s *Server) handleJob(x *exchange) {
	id := strings.TrimPrefix(string(x.ctx.Path()), jobsPrefix)
	t := x.caller.Tenant
	if x.route == routeJobDeliveries {
		d, err := s.cfg.Jobs.Deliveries(t.ID, strings.TrimSuffix(id, deliveriesSuffix))
		if err != nil {
			s.fail(x, err)
			return
		}
		writeJSON(x.ctx, fasthttp.StatusOK, d)
		return
	}
	var j *jobs.Job
	var err error
	if string(x.ctx.Method()) == fasthttp.MethodDelete {
		j, err = s.cfg.Jobs.Cancel(t.ID, id)
	} else {
		j, err = s.cfg.Jobs.Get(t.ID, id)
	}
	if err != nil {
		s.fail(x, err)
		return
	}
	writeJSON(x.ctx, fasthttp.StatusOK, j)
}
