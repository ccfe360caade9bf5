package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/feedback"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/writer"
)

// feedbackKeeper returns the Keeper of bio records and feedback of a test
// server with records, started; nil without. It stops (writing its queue)
// and closes its store after the server's shutdown.
func feedbackKeeper(t testing.TB, o testOptions) *feedback.Keeper {
	t.Helper()
	if !o.records {
		return nil
	}
	st, err := store.Open(t.TempDir(), store.Options{Now: o.now})
	if err != nil {
		t.Fatal(err)
	}
	if o.recordQueue == 0 {
		o.recordQueue = 8 << 20
	}
	k, err := feedback.New(feedback.Config{Store: st, QueueBytes: o.recordQueue, Now: o.now})
	if err != nil {
		t.Fatal(err)
	}
	k.Start()
	t.Cleanup(func() { // registered before the server's: runs after its shutdown
		k.Stop()
		st.Close()
	})
	return k
}

// named is a model of its own name that answers at once with a valid bio,
// so that a test's metrics carry labels no other test's have.
type named struct{ name string }

func (m named) Name() string      { return m.name }
func (named) Kind() provider.Kind { return provider.KindOllama }
func (m named) Generate(_ context.Context, req *provider.Request) (*provider.Result, error) {
	return &provider.Result{Text: (&writer.Writer{}).Write(req.Bio, req.Variant).Text, Model: m.name + "-1"}, nil
}

// postBio asks for the standard bio with key and returns the response.
func (ts *testServer) postBio(key, body string) bio.Response {
	ts.t.Helper()
	r := ts.do("POST", "/v1/bios", key, body)
	var resp bio.Response
	if r.status != 200 || json.Unmarshal(r.body, &resp) != nil {
		ts.t.Fatalf("POST /v1/bios: %d %s", r.status, r.body)
	}
	return resp
}

// feedbackOn posts body as feedback on the bio id with key.
func (ts *testServer) feedbackOn(key, id, body string, headers ...string) *result {
	ts.t.Helper()
	return ts.do("POST", "/v1/bios/"+id+"/feedback", key, body, headers...)
}

// accepted checks that r is the 202 of a feedback on id and returns its
// id.
func accepted(t *testing.T, r *result, id string) string {
	t.Helper()
	var a bio.FeedbackAccepted
	if r.status != 202 || r.header.Get("Content-Type") != "application/json" || json.Unmarshal(r.body, &a) != nil ||
		!strings.HasPrefix(a.ID, "fb_") || a.BioID != id || strings.Count(string(r.body), ":") != 2 {
		t.Fatalf("feedback on %s: %d %s; want 202 {\"id\":\"fb_...\",\"bio_id\":%q}", id, r.status, r.body, id)
	}
	return a.ID
}

// TestFeedbackOnOwnOthersAndUnknownBios: feedback on a bio served to the
// tenant is 202 and stored with what wrote the bio; another tenant's bio
// id, an unknown one and one that is no bio id at all are the same 404,
// word for word.
func TestFeedbackOnOwnOthersAndUnknownBios(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, cached: true, records: true})
	own := ts.postBio(keyFull, validReq)
	fid := accepted(t, ts.feedbackOn(keyFull, own.ID, `{"rating":"down","reason":"tone","comment":"stiff"}`), own.ID)
	g, found, err := ts.records.Get("acme", fid)
	if err != nil || !found || g.BioID != own.ID || g.Rating != "down" || g.Reason != "tone" || g.Comment != "stiff" ||
		g.Provider != "instant" || g.Model != "instant-1" || g.PromptVersion != own.PromptVersion || g.EditRatio != nil {
		t.Fatalf("stored %+v, %v, %v", g, found, err)
	}
	accepted(t, ts.feedbackOn(keyBios, own.ID, `{"rating":"up"}`), own.ID) // a key of scope bios; again

	var details []string
	for _, x := range []struct{ what, key, id string }{
		{"another tenant's bio", keyOther, own.ID},
		{"an unknown bio", keyFull, "bio_" + ulid.Make().String()},
		{"no bio id", keyFull, "job_01JD3Q8M2X7Y6Z5W4V3T2S1R0Q"},
		{"a truncated id", keyFull, own.ID[:20]},
	} {
		r := ts.feedbackOn(x.key, x.id, `{"rating":"up"}`)
		p := r.problem(t)
		if r.status != 404 || p.Code != bio.ProblemNotFound || strings.Contains(string(r.body), "globex") || strings.Contains(string(r.body), "acme") {
			t.Fatalf("%s: %d %s; want 404 not_found", x.what, r.status, r.body)
		}
		details = append(details, p.Type+"|"+p.Title+"|"+p.Detail)
	}
	if len(slices.Compact(slices.Clone(details))) != 1 {
		t.Fatalf("the 404s differ, which tells them apart: %q", details)
	}
	// globex's own bio and feedback are its own.
	theirs := ts.postBio(keyOther, strings.Replace(validReq, `"w-10423"`, `"x-1"`, 1))
	accepted(t, ts.feedbackOn(keyOther, theirs.ID, `{"rating":"up"}`), theirs.ID)
	if r := ts.feedbackOn(keyFull, theirs.ID, `{"rating":"up"}`); r.status != 404 {
		t.Fatalf("acme on globex's bio: %d", r.status)
	}
}

// TestFeedbackRoute: the route's keys, methods, paths and media type.
func TestFeedbackRoute(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, records: true})
	id := ts.postBio(keyFull, validReq).ID
	path := "/v1/bios/" + id + "/feedback"
	f := func(what, method, path, key, body string, status int, code bio.ProblemCode, headers ...string) {
		t.Helper()
		r := ts.do(method, path, key, body, headers...)
		if p := r.problem(t); r.status != status || p.Code != code {
			t.Fatalf("%s: %d %s; want %d %s", what, r.status, r.body, status, code)
		}
	}
	f("a metrics key", "POST", path, keyMetrics, `{"rating":"up"}`, 403, bio.ProblemForbidden)
	f("an erase key", "POST", path, keyErase, `{"rating":"up"}`, 403, bio.ProblemForbidden)
	f("no key", "POST", path, "", `{"rating":"up"}`, 401, bio.ProblemUnauthorized)
	f("GET", "GET", path, keyFull, "", 405, bio.ProblemMethodNotAllowed)
	if r := ts.do("GET", path, keyFull, ""); r.header.Get("Allow") != "POST" {
		t.Fatalf("Allow: %q", r.header.Get("Allow"))
	}
	f("text/plain", "POST", path, keyFull, `{"rating":"up"}`, 415, bio.ProblemUnsupportedMedia, "Content-Type", "text/plain")
	for _, p := range []string{"/v1/bios/" + id, "/v1/bios/" + id + "/feedback/", "/v1/bios//feedback", "/v1/bios/" + id + "/x/feedback", "/v1/bios/" + id + "/comments"} {
		f(p, "POST", p, keyFull, `{"rating":"up"}`, 404, bio.ProblemNotFound)
	}
	// Without a feedback keeper, the route is not served.
	plain := startServer(t, testOptions{})
	if r := plain.do("POST", path, keyFull, `{"rating":"up"}`); r.status != 404 {
		t.Fatalf("without feedback: %d", r.status)
	}
}

// TestFeedbackValidation: a body that is not JSON is 400; an invalid one
// is 422 with a pointer per bad field, checked before the bio id (an
// invalid body on an unknown id is 422 too).
func TestFeedbackValidation(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, records: true})
	id := ts.postBio(keyFull, validReq).ID
	f := func(id, body string, status int, pointers ...string) {
		t.Helper()
		r := ts.feedbackOn(keyFull, id, body)
		p := r.problem(t)
		var got []string
		for _, e := range p.Errors {
			got = append(got, e.Pointer)
		}
		if r.status != status || !slices.Equal(got, pointers) {
			t.Fatalf("%s: %d %s; want %d with pointers %q", body, r.status, r.body, status, pointers)
		}
	}
	f(id, `{"rating":`, 400)
	f(id, "{\"rating\":\"up\",\"comment\":\"\xff\"}", 400)
	f(id, `{}`, 422, "/rating")
	f(id, `{"rating":"sideways"}`, 422, "/rating")
	f(id, `{"rating":"down","reason":"boring"}`, 422, "/reason")
	f(id, `{"rating":"up","comment":"`+strings.Repeat("x", 501)+`"}`, 422, "/comment")
	f(id, `{"rating":"up","edited_bio":"`+strings.Repeat("x", bio.MaxEditedBio+1)+`"}`, 422, "/edited_bio")
	f(id, `{"rating":"up","stars":5}`, 422, "/stars")
	f("bio_"+ulid.Make().String(), `{"rating":"up","stars":5}`, 422, "/stars")
	if r := ts.feedbackOn(keyFull, id, `{"rating":"up","comment":"`+strings.Repeat("é", 500)+`"}`); r.status != 202 {
		t.Fatalf("a 500-character comment: %d %s", r.status, r.body)
	}
}

// TestFeedbackRateLimited: feedback draws from the tenant's bucket, like
// every POST.
func TestFeedbackRateLimited(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, records: true, rps: 0.001, burst: 2})
	id := ts.postBio(keyFull, validReq).ID
	accepted(t, ts.feedbackOn(keyFull, id, `{"rating":"up"}`), id)
	r := ts.feedbackOn(keyFull, id, `{"rating":"up"}`)
	if p := r.problem(t); r.status != 429 || p.Code != bio.ProblemRateLimited || r.header.Get("Retry-After") == "" || r.header.Get("RateLimit-Policy") == "" {
		t.Fatalf("over the limit: %d %s %v", r.status, r.body, r.header)
	}
}

// TestFeedbackOnHits: an exact hit answers with the id of the bio it
// holds, and feedback on it is feedback on that bio; its edited_bio gives
// an edit ratio against the text served.
func TestFeedbackOnHits(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, cached: true, records: true})
	first := ts.postBio(keyFull, validReq)
	ts.srv.answers.WaitCache()
	hit := ts.postBio(keyFull, validReq)
	if hit.Cache != bio.CacheExact || hit.ID != first.ID || hit.RequestID == first.RequestID {
		t.Fatalf("hit: cache %s, id %s (first %s), request id %s (first %s)", hit.Cache, hit.ID, first.ID, hit.RequestID, first.RequestID)
	}
	edited := strings.Replace(hit.Bio, "Ada Okafor", "Ada", 1)
	body, _ := json.Marshal(bio.Feedback{Rating: "up", EditedBio: edited})
	fid := accepted(t, ts.feedbackOn(keyFull, hit.ID, string(body)), first.ID)
	g, _, _ := ts.records.Get("acme", fid)
	if want := feedback.EditRatio(first.Bio, edited); g.EditRatio == nil || *g.EditRatio != want || want <= 0 {
		t.Fatalf("edit ratio %v; want %v", g.EditRatio, want)
	}
}

// TestFeedbackExpired: a bio whose record is past the tenant's retention
// (720 hours by default) takes no feedback, queued or written.
func TestFeedbackExpired(t *testing.T) {
	now := time.Now()
	var skew time.Duration
	clock := func() time.Time { return now.Add(skew) }
	ts := startServer(t, testOptions{first: instant{}, records: true, now: clock})
	queued := ts.postBio(keyFull, validReq)
	stored := ts.postBio(keyFull, strings.Replace(validReq, `"w-10423"`, `"w-2"`, 1))
	if err := ts.records.Flush(); err != nil {
		t.Fatal(err)
	}
	skew = 720*time.Hour - time.Second
	accepted(t, ts.feedbackOn(keyFull, stored.ID, `{"rating":"up"}`), stored.ID)
	skew = 720 * time.Hour
	queued2 := ts.postBio(keyFull, strings.Replace(validReq, `"w-10423"`, `"w-3"`, 1)) // recorded now, expires later
	for _, id := range []string{queued.ID, stored.ID} {
		if r := ts.feedbackOn(keyFull, id, `{"rating":"up"}`); r.status != 404 {
			t.Fatalf("feedback past the retention: %d %s", r.status, r.body)
		}
	}
	accepted(t, ts.feedbackOn(keyFull, queued2.ID, `{"rating":"up"}`), queued2.ID)
}

// TestFullRecordQueue: with a queue too small for any record, bios are
// still answered at once, the records dropped and counted, and feedback on
// their ids is 404.
func TestFullRecordQueue(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, records: true, recordQueue: 1})
	dropped := seriesValue(t, ts, `biogen_bio_records_total{outcome="dropped"}`)
	for i := range 3 {
		start := time.Now()
		id := ts.postBio(keyFull, strings.Replace(validReq, `"w-10423"`, fmt.Sprintf(`"w-q%d"`, i), 1)).ID
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("a bio took %s with a full queue", d)
		}
		if r := ts.feedbackOn(keyFull, id, `{"rating":"up"}`); r.status != 404 {
			t.Fatalf("feedback on a dropped record: %d", r.status)
		}
	}
	if got := seriesValue(t, ts, `biogen_bio_records_total{outcome="dropped"}`); got != dropped+3 {
		t.Fatalf("dropped %v records; want 3", got-dropped)
	}
}

// TestEraseFeedback: erasing a user removes the user's bio records and the
// feedback on them, and counts the feedback in "erased.feedback".
func TestEraseFeedback(t *testing.T) {
	ts := startServer(t, testOptions{first: instant{}, records: true})
	id := ts.postBio(keyFull, validReq).ID
	other := ts.postBio(keyFull, strings.Replace(validReq, `"w-10423"`, `"w-other"`, 1)).ID
	var given []string
	for _, body := range []string{`{"rating":"up"}`, `{"rating":"down","reason":"other"}`} {
		given = append(given, accepted(t, ts.feedbackOn(keyFull, id, body), id))
	}
	accepted(t, ts.feedbackOn(keyFull, other, `{"rating":"up"}`), other)
	r := ts.do("DELETE", "/v1/users/w-10423", keyErase, "")
	var out struct {
		Erased map[string]int `json:"erased"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &out) != nil || out.Erased["feedback"] != 2 || len(out.Erased) != 4 {
		t.Fatalf("erase: %d %s; want 2 feedback", r.status, r.body)
	}
	if !strings.Contains(ts.logs.String(), `"bio_records":1`) {
		t.Fatalf("the audit line does not count the bio records:\n%s", ts.logs.String())
	}
	for _, fid := range given {
		if _, found, _ := ts.records.Get("acme", fid); found {
			t.Fatal("a feedback survived its user's erasure")
		}
	}
	if r := ts.feedbackOn(keyFull, id, `{"rating":"up"}`); r.status != 404 {
		t.Fatalf("feedback on an erased user's bio: %d", r.status)
	}
	accepted(t, ts.feedbackOn(keyFull, other, `{"rating":"up"}`), other)
}

// TestFeedbackMetrics: after a scripted mix of feedback, /metrics counts
// exactly it, by rating, reason, provider, model, prompt version and arm,
// and the edit ratios of the edited bios. The model's name is this test's
// own, so no other test's feedback is in these series.
func TestFeedbackMetrics(t *testing.T) {
	ts := startServer(t, testOptions{first: named{"mixmodel"}, records: true})
	b := ts.postBio(keyFull, validReq)
	for range 6 {
		accepted(t, ts.feedbackOn(keyFull, b.ID, `{"rating":"up"}`), b.ID)
	}
	for _, reason := range []string{"inaccurate", "tone", "tone"} {
		accepted(t, ts.feedbackOn(keyFull, b.ID, `{"rating":"down","reason":"`+reason+`"}`), b.ID)
	}
	for _, edited := range []string{b.Bio, strings.Repeat("z", len(b.Bio))} { // kept as served; all rewritten
		body, _ := json.Marshal(bio.Feedback{Rating: "down", Reason: "other", EditedBio: edited})
		accepted(t, ts.feedbackOn(keyFull, b.ID, string(body)), b.ID)
	}
	ts.feedbackOn(keyFull, "bio_"+ulid.Make().String(), `{"rating":"up"}`) // 404: not counted
	ts.feedbackOn(keyFull, b.ID, `{"rating":"meh"}`)                       // 422: not counted
	labels := `provider="mixmodel",model="mixmodel-1",prompt_version="` + b.PromptVersion + `",experiment="",arm=""`
	for series, want := range map[string]float64{
		`biogen_feedback_total{rating="up",reason="none",` + labels + `}`:         6,
		`biogen_feedback_total{rating="down",reason="inaccurate",` + labels + `}`: 1,
		`biogen_feedback_total{rating="down",reason="tone",` + labels + `}`:       2,
		`biogen_feedback_total{rating="down",reason="other",` + labels + `}`:      2,
		`biogen_feedback_edit_ratio_count{` + labels + `}`:                        2,
		`biogen_feedback_edit_ratio_sum{` + labels + `}`:                          1,
		`biogen_feedback_edit_ratio_bucket{` + labels + `,le="0"}`:                1,
		`biogen_feedback_edit_ratio_bucket{` + labels + `,le="0.75"}`:             1,
		`biogen_feedback_edit_ratio_bucket{` + labels + `,le="1"}`:                2,
	} {
		if got := seriesValue(t, ts, series); got != want {
			t.Errorf("%s = %v; want %v", series, got, want)
		}
	}
	var series int
	for line := range strings.Lines(string(ts.doURL(ts.admin+"/metrics", "GET", "", "").body)) {
		if strings.HasPrefix(line, "biogen_feedback_total{") && strings.Contains(line, `provider="mixmodel"`) {
			series++
		}
	}
	if series != 4 {
		t.Errorf("%d feedback series of mixmodel; want 4", series)
	}
}

// seriesValue reads one series from the admin listener's /metrics; 0 when
// absent.
func seriesValue(t *testing.T, ts *testServer, series string) float64 {
	t.Helper()
	body := string(ts.doURL(ts.admin+"/metrics", "GET", "", "").body)
	for line := range strings.Lines(body) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			var f float64
			if _, err := fmt.Sscan(v, &f); err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	return 0
}
