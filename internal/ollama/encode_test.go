package ollama

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ollama/ollama/api"
)

// asAPI is cr as the official wire type: what Generate would build
// instead, and what the package comment weighs against chatRequest.
func asAPI(cr *chatRequest) *api.ChatRequest {
	msgs := make([]api.Message, len(cr.Messages))
	for i, m := range cr.Messages {
		msgs[i] = api.Message{Role: m.Role, Content: m.Content}
	}
	stream := true
	return &api.ChatRequest{
		Model:     cr.Model,
		Messages:  msgs,
		Stream:    &stream,
		KeepAlive: &api.Duration{Duration: cr.KeepAlive.Duration},
		Options: map[string]any{
			"temperature": cr.Options.Temperature,
			"seed":        cr.Options.Seed,
			"num_predict": cr.Options.NumPredict,
			"num_ctx":     cr.Options.NumCtx,
		},
	}
}

func benchProvider(tb testing.TB) *Provider {
	p, err := New(Config{Name: "local", Model: "writer:8b", Host: "http://127.0.0.1:11434", Prompts: testPrompts, CheckTimeout: 1,
		PullTimeout: 1, NumCtx: 4096, KeepAlive: 30 * 60e9, Temperature: 0.4})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// TestChatRequestIsAPIChatRequest checks that the body sent reads back, as
// Ollama reads it, the same as the official type's would.
func TestChatRequestIsAPIChatRequest(t *testing.T) {
	p, req := benchProvider(t), newRequest(t)
	req.Correction, req.Previous = "Write it again.", "An earlier bio."
	cr, err := p.request(req)
	if err != nil {
		t.Fatal(err)
	}
	ours, _ := json.Marshal(cr)
	theirs, _ := json.Marshal(asAPI(cr))
	var got, wantBack api.ChatRequest
	if err := json.Unmarshal(ours, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(theirs, &wantBack); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantBack) {
		t.Fatalf("got %+v\nwant %+v", got, wantBack)
	}
}

// BenchmarkEncodeChatRequest encodes one chat request body, with the
// shipped prompt rendered once, as Generate does (ours) and as
// api.ChatRequest (api), building the latter from the former each time.
func BenchmarkEncodeChatRequest(b *testing.B) {
	cr, err := benchProvider(b).request(newRequest(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("ours", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := *cr
			if _, err := json.Marshal(&c); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("api", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(asAPI(cr)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestRequestRendersItsPromptVersion checks that a request renders the
// prompt version it names (an experiment arm's), the default without one,
// and that a version the provider did not load is an error, not the
// default in its place.
func TestRequestRendersItsPromptVersion(t *testing.T) {
	p := benchProvider(t)
	f := func(version, want string) {
		t.Helper()
		req := newRequest(t)
		req.PromptVersion = version
		cr, err := p.request(req)
		if err != nil {
			t.Fatalf("version %q: %v", version, err)
		}
		m, _ := testPrompts.Get(want).Render(req.Bio, 0)
		if cr.Messages[0].Content != m.System || cr.Messages[1].Content != m.User {
			t.Fatalf("version %q: sent\n%s\nwant the messages of %s", version, cr.Messages[1].Content, want)
		}
	}
	f("", "bio-v1")
	f("bio-v1", "bio-v1")
	f("bio-v2", "bio-v2")
	req := newRequest(t)
	req.PromptVersion = "bio-v9"
	if _, err := p.request(req); err == nil {
		t.Fatal("a request for a version not loaded was sent")
	}
}
