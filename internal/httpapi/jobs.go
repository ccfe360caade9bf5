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
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
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

// Jobs keeps and runs the jobs of POST /v1/jobs: *jobs.Manager. Its
// methods are called concurrently.
type Jobs interface {
	// Submit stores and queues a job of items, valid bio requests, in t.
	// also's records are stored with the job, in its transaction.
	Submit(t *tenant.Tenant, items []jobs.Item, callbackURL string, also func(jobs.Submitted) ([]store.Write, error)) (jobs.Submitted, error)
	// Get returns the tenant's job id, or jobs.ErrNotFound.
	Get(tenantID, id string) (*jobs.Job, error)
	// Cancel cancels the tenant's job id, or returns jobs.ErrNotFound.
	Cancel(tenantID, id string) (*jobs.Job, error)
	// Deliveries returns the delivery log of the tenant's job id's
	// callback, or jobs.ErrNotFound.
	Deliveries(tenantID, id string) (*jobs.Deliveries, error)
}

// handleJobs serves POST /v1/jobs: a batch of bio requests, each validated
// like POST /v1/bios, stored and queued; 202 with the job's id.
//
// With an Idempotency-Key, the 202 is kept as the answer of no user: it
// holds the job's id, status and size, nothing of a person, and a job has
// many users, so no user's erasure removes it (the job's items go with
// their users); it goes after 24 hours.
func (s *Server) handleJobs(x *exchange) {
	ctx := x.ctx
	t := x.caller.Tenant
	if !s.admitPost(x) {
		return
	}
	if !s.claimKey(x) {
		return // a replay, or the problem of the Idempotency-Key
	}
	defer s.releaseKey(x) // unless answered
	items, callback, err := decodeJob(ctx.PostBody(), t.CachePolicy.Exact || t.CachePolicy.Semantic)
	if err != nil {
		s.fail(x, err)
		return
	}
	// The 202 is written, and kept for the Idempotency-Key, inside the
	// transaction that stores the job.
	claim := x.claim
	_, err = s.cfg.Jobs.Submit(t, items, callback, func(sub jobs.Submitted) ([]store.Write, error) {
		ctx.Response.Header.Set("Location", jobsPrefix+sub.ID)
		writeJSON(ctx, fasthttp.StatusAccepted, sub)
		if claim == nil {
			return nil, nil
		}
		return []store.Write{claim.Write(written(ctx))}, nil
	})
	if err != nil {
		ctx.Response.Header.Del("Location")
		s.fail(x, err)
		return
	}
	if c := x.takeClaim(); c != nil {
		c.Stored()
		c.Release()
	}
}

// decodeJob validates a job's body: every item as a bio request with an
// optional warm_cache (refused when the tenant caches nothing), its
// problems' pointers under /items/{index}.
func decodeJob(body []byte, caches bool) (items []jobs.Item, callback string, err error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil || top == nil {
		return nil, "", newError(fasthttp.StatusBadRequest, bio.ProblemMalformedJSON, "the body is not a JSON object")
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
	var raws []json.RawMessage
	if json.Unmarshal(top["items"], &raws) != nil || len(raws) == 0 || len(raws) > jobs.MaxItems {
		fields = append(fields, bio.FieldError{Pointer: "/items", Detail: "must be an array of 1 to 1000 bio requests"})
		return nil, "", &bio.ValidationError{Fields: fields}
	}
	items = make([]jobs.Item, len(raws))
	for i, raw := range raws {
		at := "/items/" + strconv.Itoa(i)
		it, errs := decodeItem(raw, at, caches)
		items[i], fields = it, append(fields, errs...)
	}
	if len(fields) > 0 {
		return nil, "", &bio.ValidationError{Fields: fields}
	}
	return items, callback, nil
}

// decodeItem validates one item of a job, at pointer at: a bio request
// and its warm_cache, which it takes out of the request.
func decodeItem(raw json.RawMessage, at string, caches bool) (jobs.Item, []bio.FieldError) {
	var fields []bio.FieldError
	it := jobs.Item{Request: raw}
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil {
		if w, ok := obj["warm_cache"]; ok {
			switch {
			case json.Unmarshal(w, &it.Warm) != nil:
				fields = append(fields, bio.FieldError{Pointer: at + "/warm_cache", Detail: "must be true or false"})
			case it.Warm && !caches:
				fields = append(fields, bio.FieldError{Pointer: at + "/warm_cache", Detail: "this tenant's caches are off: there is nothing to warm"})
			}
			delete(obj, "warm_cache")
			it.Request, _ = json.Marshal(obj)
		}
	}
	req, err := bio.Decode(it.Request)
	var ve *bio.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, f := range ve.Fields {
			f.Pointer = at + f.Pointer
			fields = append(fields, f)
		}
	case err != nil:
		fields = append(fields, bio.FieldError{Pointer: at, Detail: "must be a bio request object"})
	default:
		it.User = req.UserID
	}
	return it, fields
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
