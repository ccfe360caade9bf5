package httpapi

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// TestDecodeJobCallback: callback_url is a non-empty string or null; its
// target is checked by the jobs' Submit, not here.
func TestDecodeJobCallback(t *testing.T) {
	item := `{"user_id":"w-1","profile":{"name":"Ada Okafor","current_role":"Engineer"}}`
	f := func(callback, want, wantPointer string) {
		t.Helper()
		body := `{"items":[` + item + `]`
		if callback != "" {
			body += `,"callback_url":` + callback
		}
		_, got, err := decodeJob([]byte(body+"}"), true)
		var ve *bio.ValidationError
		switch {
		case wantPointer == "" && (err != nil || got != want):
			t.Fatalf("%s: got %q, %v; want %q", callback, got, err, want)
		case wantPointer != "" && (!errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Pointer != wantPointer):
			t.Fatalf("%s: got %v; want a validation error at %s", callback, err, wantPointer)
		}
	}
	f("", "", "")
	f("null", "", "")
	f(`"https://hr.example/hooks?token=a"`, "https://hr.example/hooks?token=a", "")
	f(`""`, "", "/callback_url")
	f(`42`, "", "/callback_url")
	f(`["https://hr.example/hooks"]`, "", "/callback_url")
}

// TestJobBodyLimitNeedsAKey: only POST /v1/jobs by a caller with a valid
// key may send a job-sized body; without a key (or with a bad one) the
// server reads no more than max_body_bytes and answers 401, and every
// other route keeps max_body_bytes (413).
func TestJobBodyLimitNeedsAKey(t *testing.T) {
	ts := startServer(t, testOptions{jobs: newFakeJobs(), maxBody: 2048})
	big := `{"items":[` + strings.Repeat(`{"user_id":"w-1","profile":{"name":"Ada Okafor","current_role":"Engineer"}},`, 60)
	big = strings.TrimSuffix(big, ",") + `]}` // about 4.6 KB: over max_body_bytes, far under the jobs' limit
	if r := ts.do("POST", "/v1/jobs", keyFull, big); r.status != 202 {
		t.Fatalf("with a key: %d %s; want 202", r.status, r.body)
	}
	for _, key := range []string{"", "not-a-key"} {
		if r := ts.do("POST", "/v1/jobs", key, big); r.status != 401 {
			t.Fatalf("key %q: %d %s; want 401 before the body is read", key, r.status, r.body)
		}
	}
	if r := ts.do("POST", "/v1/bios", keyFull, big); r.status != 413 {
		t.Fatalf("a bio request of a job's size: %d; want 413", r.status)
	}
	if r := ts.do("POST", "/v1/jobs?x=1", "", big); r.status != 401 {
		t.Fatalf("with a query: %d; want 401", r.status)
	}
}

// TestJobSizedBodyUnreadWithoutAKey: a caller without a key announcing a
// job-sized body is answered from its header: the server does not wait
// for (nor read) the body, which never comes here. Without the header
// check the server would wait for the body until its read timeout (408).
func TestJobSizedBodyUnreadWithoutAKey(t *testing.T) {
	ts := startServer(t, testOptions{jobs: newFakeJobs(), maxBody: 2048})
	for _, c := range []struct{ path, key string }{{"/v1/jobs", ""}, {"/v1/jobs", "not-a-key"}, {"/v1/bios", keyFull}} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(ts.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		auth := ""
		if c.key != "" {
			auth = "Authorization: Bearer " + c.key + "\r\n"
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%sContent-Length: 1000000\r\n\r\n{", c.path, auth)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		conn.Close()
		if err != nil {
			t.Fatalf("%s %q: %v", c.path, c.key, err)
		}
		resp.Body.Close()
		if want := map[bool]int{true: 401, false: 413}[c.path == "/v1/jobs"]; resp.StatusCode != want {
			t.Fatalf("%s with key %q and a 1 MB body announced: %d; want %d at once", c.path, c.key, resp.StatusCode, want)
		}
	}
}
