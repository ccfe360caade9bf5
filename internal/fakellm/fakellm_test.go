package fakellm

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRewrite checks that Rewrite sees every answer, with the request's
// number and prompt, and that what it returns is what the client gets, on
// both APIs, streamed or not.
func TestRewrite(t *testing.T) {
	var seen []int64
	f := New(Config{Rewrite: func(n int64, prompt, text string) string {
		seen = append(seen, n)
		if !strings.Contains(prompt, "<profile>") || text == "" {
			t.Errorf("request %d: prompt %q, text %q", n, prompt, text)
		}
		if strings.Contains(prompt, "was rejected") {
			return text
		}
		return strings.Replace(text, "Ada Okafor", "Ada Okafor (ada@evil.example)", 1)
	}})
	srv := httptest.NewServer(f)
	defer srv.Close()
	profile := `<profile>{"name":"Ada Okafor","current_role":"Engineer","pronouns":"she/her"}</profile>`
	post := func(path, body string) string {
		t.Helper()
		resp, err := http.Post(srv.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		dec := json.NewDecoder(resp.Body)
		for {
			var chunk struct {
				Message struct{ Content string } `json:"message"`
				Choices []struct {
					Message struct{ Content string } `json:"message"`
				} `json:"choices"`
			}
			if dec.Decode(&chunk) != nil {
				break
			}
			b.WriteString(chunk.Message.Content)
			for _, c := range chunk.Choices {
				b.WriteString(c.Message.Content)
			}
		}
		return b.String()
	}
	msg := func(content string) string {
		j, _ := json.Marshal(content)
		return `{"model":"m","stream":false,"messages":[{"role":"user","content":` + string(j) + `}]}`
	}
	for i, tc := range []struct {
		path, body string
		want       bool
	}{
		{"/api/chat", msg(profile), true},
		{"/v1/chat/completions", msg(profile), true},
		{"/api/chat", msg(profile + " Your previous answer was rejected (x)."), false},
		{"/api/chat", strings.Replace(msg(profile), `"stream":false`, `"stream":true`, 1), true},
	} {
		got := post(tc.path, tc.body)
		if strings.Contains(got, "ada@evil.example") != tc.want {
			t.Errorf("request %d to %s: got %q; want the rewrite %v", i+1, tc.path, got, tc.want)
		}
	}
	if len(seen) != 4 || seen[0] != 1 || seen[3] != 4 {
		t.Fatalf("Rewrite saw requests %v; want 1..4", seen)
	}
}
