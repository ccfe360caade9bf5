// Package docs holds biogen's documentation; its test keeps openapi.yaml
// valid and true to the running service.
package docs

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/wiring"
)

func loadSpec(t *testing.T) validator.Validator {
	t.Helper()
	spec, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if v := doc.GetVersion(); !strings.HasPrefix(v, "3.1") {
		t.Fatalf("openapi.yaml is OpenAPI %s; want 3.1", v)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("openapi.yaml does not build: %v", err)
	}
	// Every status of the contract's table is documented on /v1/bios.
	post := model.Model.Paths.PathItems.GetOrZero("/v1/bios").Post
	for _, code := range []string{"200", "400", "401", "403", "405", "409", "413", "415", "422", "429", "503"} {
		if post.Responses.Codes.GetOrZero(code) == nil {
			t.Errorf("POST /v1/bios does not document %s", code)
		}
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("validator: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("openapi.yaml is not valid OpenAPI: %s: %s", e.Message, e.Reason)
		}
		t.FailNow()
	}
	return v
}

// TestOpenAPI validates the document, then checks real answers of a running
// biogen against it.
func TestOpenAPI(t *testing.T) {
	v := loadSpec(t)
	base := startBiogen(t)
	const key = "docs-test-key"
	valid := `{"user_id":"w-1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Engineer","company":"Contoso",
		"experience":[{"title":"Developer","company":"Fabrikam","start":"2015-01","end":null}],"skills":["Go"]},"options":{"length":"short","format":"bullets"}}`
	f := func(method, path, auth, contentType, body string, wantStatus int, checkRequest bool, headers ...string) []byte {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != wantStatus {
			t.Fatalf("%s %s: status %d; want %d: %s", method, path, resp.StatusCode, wantStatus, b)
		}
		// Rebuild the bodies the validator reads.
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
		vreq, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		vreq.Header = req.Header
		ok, errs := v.ValidateHttpResponse(vreq, resp)
		if checkRequest {
			ok, errs = v.ValidateHttpRequestResponse(vreq, resp)
		}
		if !ok {
			for _, e := range errs {
				t.Errorf("%s %s (%d): %s: %s", method, path, wantStatus, e.Message, e.Reason)
			}
			t.Fatalf("answer does not match openapi.yaml: %s", b)
		}
		return b
	}
	var served struct{ ID string }
	json.Unmarshal(f("POST", "/v1/bios", key, "application/json", valid, 200, true), &served)
	// A tenant without an experiment: experiment null (the docs tenant's
	// answers name their arm).
	f("POST", "/v1/bios", "docs-plain-key", "application/json", valid, 200, true)
	f("POST", "/v1/bios", key, "application/json", `{"user_id":`, 400, false)
	f("POST", "/v1/bios", "", "application/json", valid, 401, false)
	f("POST", "/v1/bios", key, "text/plain", valid, 415, false)
	f("POST", "/v1/bios", key, "application/json", `{"user_id":"w-1","profile":{"name":"A"},"extra":1}`, 422, false)
	f("POST", "/v1/bios", key, "application/json", `{"user_id":"`+strings.Repeat("x", 70000)+`"}`, 413, false)
	// An Idempotency-Key: the answer, its replay, the key with another body.
	f("POST", "/v1/bios", key, "application/json", valid, 200, true, "Idempotency-Key", "docs-order-1")
	f("POST", "/v1/bios", key, "application/json", valid, 200, true, "Idempotency-Key", "docs-order-1")
	f("POST", "/v1/bios", key, "application/json", strings.Replace(valid, `"short"`, `"long"`, 1), 422, false, "Idempotency-Key", "docs-order-1")
	f("POST", "/v1/bios", key, "application/json", valid, 400, false, "Idempotency-Key", strings.Repeat("k", 256))
	// Feedback on the bio served, on an unknown one, and with bad bodies.
	feedback := "/v1/bios/" + served.ID + "/feedback"
	f("POST", feedback, key, "application/json", `{"rating":"down","reason":"tone","edited_bio":"Ada builds things.","comment":"stiff"}`, 202, true)
	f("POST", feedback, key, "application/json", `{"rating":"up","reason":null}`, 202, true)
	f("POST", "/v1/bios/bio_01JD3Q8M2X7Y6Z5W4V3T2S1R0Q/feedback", key, "application/json", `{"rating":"up"}`, 404, true)
	f("POST", feedback, key, "application/json", `{"rating":"sideways","stars":5}`, 422, false)
	f("POST", feedback, key, "application/json", `{"rating":`, 400, false)
	// A job's callback, delivered to a loopback receiver: its log.
	id := submitJob(t, base, key, valid, receiver(t)+"/hooks?token=t")
	delivered := false
	for i := 0; i < 500 && !delivered; i++ {
		resp, err := http.DefaultClient.Do(authorized(t, "GET", base+"/v1/jobs/"+id+"/deliveries", key))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if delivered = strings.Contains(string(b), `"state":"delivered"`); !delivered {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !delivered {
		t.Fatalf("the callback of job %s was not delivered", id)
	}
	f("GET", "/v1/jobs/"+id, key, "", "", 200, true)
	f("GET", "/v1/jobs/job_nope", key, "", "", 404, true)
	f("DELETE", "/v1/jobs/"+id, key, "", "", 200, true)
	warm := `{"warm_cache":true,` + strings.TrimPrefix(valid, "{")
	f("POST", "/v1/jobs", key, "application/json", `{"items":[`+valid+`,`+warm+`]}`, 202, true, "Idempotency-Key", "docs-job-1")
	f("POST", "/v1/jobs", key, "application/json", `{"items":[`+valid+`,`+warm+`]}`, 202, true, "Idempotency-Key", "docs-job-1")
	f("POST", "/v1/jobs", key, "application/json", `{"items":[{"user_id":"w-1","profile":{}}]}`, 422, false)
	f("POST", "/v1/jobs", key, "application/json", `{"items":[`+valid+`],"callback_url":"http://169.254.169.254/latest"}`, 422, false)
	f("GET", "/v1/jobs/"+id+"/deliveries", key, "", "", 200, true)
	f("GET", "/v1/jobs/job_nope/deliveries", key, "", "", 404, true)
	f("GET", "/healthz", key, "", "", 200, true)
	f("GET", "/readyz", key, "", "", 200, true)
	f("GET", "/metrics", key, "", "", 200, true)
}

// authorized makes a request with key.
func authorized(t *testing.T, method, url, key string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	return req
}

// submitJob submits a job of one item with a callback URL and returns its
// id (the answers of POST /v1/jobs are checked against openapi.yaml by
// TestOpenAPI's own calls).
func submitJob(t *testing.T, base, key, item, callbackURL string) string {
	t.Helper()
	req := authorized(t, "POST", base+"/v1/jobs", key)
	req.Body = io.NopCloser(strings.NewReader(`{"items":[` + item + `],"callback_url":"` + callbackURL + `"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sub struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&sub); err != nil || resp.StatusCode != 202 {
		t.Fatalf("submit a job: %d, %v", resp.StatusCode, err)
	}
	return sub.ID
}

// receiver is a callback receiver answering 204 to everything.
func receiver(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(srv.Close)
	return srv.URL
}

func startBiogen(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	yaml := "data_dir: " + filepath.Join(dir, "data") + "\nserver:\n  addr: 127.0.0.1:0\n  shutdown_grace: 2s\n" +
		"tenants:\n  - id: docs\n    keys:\n      - digest: " + tenant.Digest("docs-test-key") + "\n        scopes: [bios, metrics]\n" +
		"    webhooks:\n      secrets: [whsec_ZG9jcy10ZXN0LXNlY3JldC1kb2NzLXRlc3Qtc2VjcmV0]\n      allow_private_targets: true\n" +
		"    experiments:\n      - id: prompt-v2\n        arms:\n          - {name: control, weight: 50}\n          - {name: v2, weight: 50, prompt_version: v2}\n" +
		"  - id: plain\n    keys: [" + tenant.Digest("docs-plain-key") + "]\n"
	path := filepath.Join(dir, "biogen.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a, err := wiring.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrc := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, func(public, _ net.Addr) { addrc <- public }) }()
	var addr net.Addr
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("Run: %v", err)
	}
	t.Cleanup(func() {
		http.DefaultClient.CloseIdleConnections()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return "http://" + addr.String()
}
