package external

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/leaktest"
	"github.com/biogen/biogen/internal/pii"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

func request(t *testing.T) *provider.Request {
	t.Helper()
	req, err := bio.Decode([]byte(`{"user_id":"w-10423","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Engineer",
		"company":"Contoso","years_experience":9,"skills":["Go","Kafka"],
		"experience_summary":"Reach Ada at ada@contoso.com or +1 415 555 0100.","achievements":["Cut costs by 40%"]},"options":{"length":"short"}}`))
	if err != nil {
		t.Fatal(err)
	}
	return &provider.Request{Bio: req}
}

func start(t *testing.T, cfg fakellm.Config) (*fakellm.Server, *Provider, *[]Sent) {
	t.Helper()
	fake := fakellm.New(cfg)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	tmpl, err := prompt.LoadAll("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	var sent []Sent
	p, err := New(Config{Name: "cloud", BaseURL: srv.URL + "/v1", Model: "gpt-test", APIKey: "sk-test", Prompts: tmpl,
		CostPer1KInput: 0.5, CostPer1KOutput: 1.5, Record: func(s Sent) { sent = append(sent, s) }})
	if err != nil {
		t.Fatal(err)
	}
	return fake, p, &sent
}

func TestGeneratePseudonymised(t *testing.T) {
	fake, p, sent := start(t, fakellm.Config{})
	req := request(t)
	var deltas strings.Builder
	req.OnDelta = func(s string) { deltas.WriteString(s) }
	res, err := p.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	body := fake.Bodies()[0]
	for _, secret := range []string{"Ada", "Okafor", "ada@contoso.com", "555", "w-10423"} {
		if strings.Contains(body, secret) {
			t.Fatalf("%q left the premises: %s", secret, body)
		}
	}
	if !strings.Contains(body, `"stream":true`) || !strings.Contains(body, `"include_usage":true`) {
		t.Fatalf("body: %s", body)
	}
	if !strings.Contains(res.Text, "Ada Okafor") || strings.Contains(res.Text, "Jordan") || deltas.String() != res.Text {
		t.Fatalf("text %q; deltas %q", res.Text, deltas.String())
	}
	if res.InputTokens == 0 || res.OutputTokens == 0 || res.CostUSD <= 0 || res.Model != "gpt-test" {
		t.Fatalf("result %+v", res)
	}
	if len(*sent) != 1 || (*sent)[0].Bytes == 0 || (*sent)[0].Removed["email"] != 1 || (*sent)[0].Removed["phone"] != 1 {
		t.Fatalf("record %+v", *sent)
	}
}

// TestGenerateRendersItsPromptVersion checks that a request renders the
// prompt version it names (an experiment arm's), pseudonymised as v1 is,
// and that a version not loaded is refused before anything is sent.
func TestGenerateRendersItsPromptVersion(t *testing.T) {
	fake, p, _ := start(t, fakellm.Config{})
	req := request(t)
	req.PromptVersion = "bio-v2"
	if _, err := p.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := fake.Bodies()[0]
	if !strings.Contains(body, "aiming for about 65 words") {
		t.Fatalf("not the v2 prompt: %s", body)
	}
	for _, secret := range []string{"Ada", "Okafor", "ada@contoso.com", "555", "w-10423"} {
		if strings.Contains(body, secret) {
			t.Fatalf("%q left the premises: %s", secret, body)
		}
	}
	req.PromptVersion = "bio-v9"
	if _, err := p.Generate(context.Background(), req); err == nil || len(fake.Bodies()) != 1 {
		t.Fatalf("a version not loaded: %v, %d requests sent; want an error and none", err, len(fake.Bodies())-1)
	}
}

func TestCorrectionIsPseudonymised(t *testing.T) {
	fake, p, _ := start(t, fakellm.Config{})
	req := request(t)
	req.Correction = "Your previous answer was rejected (it used pronouns other than okafor/okafors)."
	req.Previous = "ADA OKAFOR (ada＠contoso.com, W-10423, linkedin.com/in/adaokafor, +1 415 555 0100) is an Engineer at Okafor Labs."
	if _, err := p.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := strings.ToLower(fake.Bodies()[0])
	for _, secret := range []string{"ada", "okafor", "w-10423", "contoso.com", "linkedin", "555"} {
		if strings.Contains(body, secret) {
			t.Fatalf("%q left the premises: %s", secret, body)
		}
	}
	if !strings.Contains(body, "rejected") || !strings.Contains(body, "jordan avery (, , , ) is an engineer at avery labs.") &&
		!strings.Contains(body, "jordan avery is an engineer at avery labs.") {
		t.Fatalf("body: %s", body)
	}
}

func TestFaults(t *testing.T) {
	f := func(fault fakellm.Fault, timeout time.Duration, want provider.Reason) {
		t.Helper()
		_, p, _ := start(t, fakellm.Config{Fault: func(int64) fakellm.Fault { return fault }, SlowDelay: time.Minute, RetryAfter: "3"})
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_, err := p.Generate(ctx, request(t))
		if got := provider.ReasonOf(err); got != want {
			t.Fatalf("fault %q: got %v (%s); want %s", fault, err, got, want)
		}
		if fault == fakellm.Fault429 && provider.RetryAfterOf(err) != 3*time.Second {
			t.Fatalf("Retry-After %v", provider.RetryAfterOf(err))
		}
	}
	f(fakellm.Fault500, time.Second, provider.ReasonUnavailable)
	f(fakellm.Fault503, time.Second, provider.ReasonOverloaded)
	f(fakellm.Fault429, time.Second, provider.ReasonRateLimited)
	f(fakellm.FaultCut, time.Second, provider.ReasonUnavailable)
	f(fakellm.FaultMalformed, time.Second, provider.ReasonError)
	f(fakellm.FaultHang, 100*time.Millisecond, provider.ReasonTimeout)
	f(fakellm.FaultSlowTokens, 100*time.Millisecond, provider.ReasonTimeout)
}

// answering starts an OpenAI-compatible server that streams text, cut
// into words, whatever it is asked, and records each body.
func answering(t *testing.T, text string) (*Provider, *[]string) {
	t.Helper()
	var bodies []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		for _, tok := range strings.SplitAfter(text, " ") {
			chunk, _ := json.Marshal(map[string]any{"id": "x", "object": "chat.completion.chunk", "model": "gpt-test",
				"choices": []any{map[string]any{"index": 0, "delta": map[string]string{"content": tok}}}})
			fmt.Fprintf(w, "data: %s\n\n", chunk)
		}
		done, _ := json.Marshal(map[string]any{"id": "x", "object": "chat.completion.chunk", "model": "gpt-test",
			"choices": []any{map[string]any{"index": 0, "delta": map[string]string{}, "finish_reason": "stop"}}})
		fmt.Fprintf(w, "data: %s\n\ndata: [DONE]\n\n", done)
	}))
	t.Cleanup(srv.Close)
	tmpl, err := prompt.LoadAll("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(Config{Name: "cloud", BaseURL: srv.URL + "/v1", Model: "gpt-test", APIKey: "sk-test", Prompts: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	return p, &bodies
}

// TestPlaceholders checks that words sent as placeholders come back in the
// answer, streamed and whole, and that an answer with a placeholder that
// was never sent, or one mangled ("Term 1", "xTerm1"), is invalid output.
func TestPlaceholders(t *testing.T) {
	p, bodies := answering(t, "Jordan Avery is an Engineer at Term1, skilled in Go and Term2.")
	req := request(t)
	req.Bio.Profile.Skills = append(req.Bio.Profile.Skills, "Akka.NET")
	var deltas strings.Builder
	req.OnDelta = func(s string) { deltas.WriteString(s) }
	res, err := p.Generate(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := "Ada Okafor is an Engineer at Contoso, skilled in Go and Akka.NET."
	if res.Text != want || deltas.String() != want {
		t.Fatalf("text %q, deltas %q; want %q", res.Text, deltas.String(), want)
	}
	if body := (*bodies)[0]; strings.Contains(body, "Contoso") || strings.Contains(body, "Akka") || !strings.Contains(body, "Term1") {
		t.Fatalf("body: %s", body)
	}
	if body := (*bodies)[0]; !strings.Contains(body, "Copy each placeholder exactly") {
		t.Fatalf("the model is not told what the placeholders are: %s", body)
	}

	for _, answer := range []string{"Jordan Avery is an Engineer at Term1 and Term9.", "Jordan Avery is an Engineer at Term 1.",
		"Jordan Avery is an Engineer at xTerm1.", "Jordan Avery is an Engineer at Term１."} {
		p, _ = answering(t, answer)
		_, err = p.Generate(context.Background(), request(t))
		if provider.ReasonOf(err) != provider.ReasonInvalidOutput || !errors.Is(err, pii.ErrInventedPlaceholder) {
			t.Fatalf("%q gave %v; want invalid output", answer, err)
		}
	}
}

// TestCorrectionIsOurs checks that the correction reaches the model as
// biogen wrote it, but for the name, the user id and the profile's own
// words (its pronouns) sent as placeholders, while the earlier answer is
// scrubbed whole.
func TestCorrectionIsOurs(t *testing.T) {
	fake, p, _ := start(t, fakellm.Config{})
	req := request(t)
	req.Bio.Profile.Pronouns = "zbk/zbkk"
	req.Correction = "Your previous answer was rejected (it used pronouns other than zbk/zbkk). Write the bio again, following every instruction, and answer with the bio text only, in Markdownish."
	req.Previous = "Ada Okafor (zbk) built the bio app at Contoso."
	if _, err := p.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	body := fake.Bodies()[0]
	for _, secret := range []string{"zbk", "Okafor", "Contoso", "w-10423"} {
		if strings.Contains(body, secret) {
			t.Fatalf("%q left the premises: %s", secret, body)
		}
	}
	if !strings.Contains(body, "Write the bio again, following every instruction, and answer with the bio text only, in Markdownish.") {
		t.Fatalf("the correction did not reach the model as written: %s", body)
	}
}
