package wiring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/pii/canary"
	"github.com/biogen/biogen/internal/tenant"
)

// TestCanary sends the adversarial corpus of internal/pii/canary through an
// allow_external tenant whose chain is the external provider alone, whole
// and streamed, to a recording OpenAI-compatible fake. Nothing the fake
// received may hold an identifier of the profile; the control facts must
// have reached it; the client must get the real name back, and the facts
// sent as placeholders restored. Every third
// request is answered with a copy of the profile too short for a bio, so
// the corrective retry - the earlier answer, restored to the real name,
// sent back with the correction - is in the corpus too.
func TestCanary(t *testing.T) {
	t.Setenv("BIOGEN_TEST_CLOUD_KEY", "sk-test")
	cloud := fakellm.New(fakellm.Config{})
	srv := httptest.NewServer(&echoer{fake: cloud})
	t.Cleanup(srv.Close)
	cloudURL := srv.URL
	yaml := "server:\n  addr: 127.0.0.1:0\n  request_timeout: 10s\n  write_timeout: 20s\n" +
		"providers:\n" +
		fmt.Sprintf("  - name: cloud\n    kind: external\n    base_url: %s/v1\n    model: gpt-test\n    api_key_env: BIOGEN_TEST_CLOUD_KEY\n", cloudURL) +
		"tenants:\n  - id: open\n    policy: allow_external\n    keys: [\"" + tenant.Digest("open-key") + "\"]\n    chain: [cloud]\n" +
		"    cache:\n      exact: false\n      semantic: false\n    rate_limit:\n      requests_per_second: 100000\n"
	r := startAppYAML(t, yaml)
	cases := canary.Corpus(9, 64)
	retried := 0
	for _, stream := range []bool{false, true} {
		for i, c := range cases {
			before := len(cloud.Bodies())
			var got bio.Response
			if stream {
				got = r.canaryStream(t, c.Body)
			} else {
				got, _ = r.postJSON(t, "open-key", c.Body)
			}
			bodies := cloud.Bodies()[before:]
			what := fmt.Sprintf("case %d (stream %v; %s)", i, stream, strings.Join(c.Tricks, ", "))
			if len(bodies) == 0 {
				t.Fatalf("%s: the external API received nothing; answer %+v", what, got)
			}
			retried += len(bodies) - 1
			for _, b := range bodies {
				if leaks := c.Leaks(b); len(leaks) > 0 {
					t.Errorf("%s: %q left the premises:\n%s", what, leaks, b)
				}
			}
			if missing := c.Missing(bodies[0]); len(missing) > 0 {
				t.Errorf("%s: the facts %q did not reach the external API:\n%s", what, missing, bodies[0])
			}
			if got.Source != "external" || got.Provider != "cloud" || !strings.Contains(got.Bio, c.FullName) {
				t.Errorf("%s: want the external answer with the name %q restored; got source %q, provider %q, reasons %v:\n%s",
					what, c.FullName, got.Source, got.Provider, got.FallbackReasons, got.Bio)
			}
			// Facts sent as placeholders come back in the bio, restored.
			if placeholderRE.MatchString(got.Bio) {
				t.Errorf("%s: a placeholder reached the client:\n%s", what, got.Bio)
			}
			for _, f := range c.Facts {
				if !strings.Contains(got.Bio, f) {
					t.Errorf("%s: the fact %q is not in the bio:\n%s", what, f, got.Bio)
				}
			}
		}
	}
	if retried == 0 {
		t.Fatal("no corrective retry was sent: the earlier answer went untested")
	}
	t.Logf("%d requests, %d corrective retries, %d bodies checked", 2*len(cases), retried, len(cloud.Bodies()))
}

// placeholderRE finds a placeholder of internal/pii ("Term7"), or one
// mangled ("Term 7", "xTerm7", "Term７").
var placeholderRE = regexp.MustCompile(`(?i)term[ \x{00A0}_-]?\p{Nd}`)

// canaryStream posts body asking for server-sent events and returns the
// done event's answer, after checking that the deltas since the last reset
// add up to it.
func (r *running) canaryStream(t *testing.T, body []byte) bio.Response {
	t.Helper()
	resp := r.post(t, string(body), "Authorization", "Bearer open-key", "Accept", "text/event-stream")
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	st := readStream(t, resp.Body)
	if st.Done == nil || st.Done.Bio == "" || st.Text != st.Done.Bio {
		t.Fatalf("streamed %q; done %+v", st.Text, st.Done)
	}
	return *st.Done
}

// echoer is the fake, but every third request it answers with the
// profile's name, role and summary only, as a model that copies its input
// does: the output checks reject that as too short, and the chain sends it
// back, restored to the real name, with a correction.
type echoer struct {
	fake *fakellm.Server
	n    atomic.Int64
}

func (e *echoer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" || e.n.Add(1)%3 != 1 {
		e.fake.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	e.fake.ServeHTTP(httptest.NewRecorder(), r) // recorded there, answered here
	var req struct {
		Messages []struct{ Content string }
	}
	json.Unmarshal(body, &req)
	var p struct {
		Name              string `json:"name"`
		CurrentRole       string `json:"current_role"`
		ExperienceSummary string `json:"experience_summary"`
	}
	for _, m := range req.Messages {
		if i, j := strings.Index(m.Content, "<profile>"), strings.Index(m.Content, "</profile>"); i >= 0 && j > i {
			json.Unmarshal([]byte(m.Content[i+len("<profile>"):j]), &p)
		}
	}
	text := p.Name + " works as " + p.CurrentRole + ". " + p.ExperienceSummary
	w.Header().Set("Content-Type", "text/event-stream")
	for _, tok := range strings.SplitAfter(text, " ") {
		chunk, _ := json.Marshal(map[string]any{"id": "echo", "object": "chat.completion.chunk", "model": "gpt-test",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]string{"content": tok}}}})
		fmt.Fprintf(w, "data: %s\n\n", chunk)
	}
	done, _ := json.Marshal(map[string]any{"id": "echo", "object": "chat.completion.chunk", "model": "gpt-test",
		"choices": []any{map[string]any{"index": 0, "delta": map[string]string{}, "finish_reason": "stop"}}})
	fmt.Fprintf(w, "data: %s\n\ndata: [DONE]\n\n", done)
}
