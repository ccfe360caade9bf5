package webhook

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// headers are a message's Standard Webhooks headers as a receiver sees them.
func headers(id string, ts int64, sig string) http.Header {
	h := http.Header{}
	h.Set("webhook-id", id)
	h.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	h.Set("webhook-signature", sig)
	return h
}

// TestSignVerifiesWithReference checks Sign against the reference library
// of the Standard Webhooks authors: every listed secret verifies (rotation),
// another secret does not, and a changed body, id or timestamp fails.
func TestSignVerifiesWithReference(t *testing.T) {
	current, previous, other := secretString(1, 32), secretString(2, 24), secretString(3, 32)
	p := policy(t, false, current, previous)
	body := []byte(`{"type":"job.completed","timestamp":"2026-11-25T18:00:00Z","data":{"id":"job_1"}}`)
	now := time.Now().Unix()
	sig, err := Sign(p.Secrets, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Split(sig, " ")); n != 2 {
		t.Fatalf("got %d signatures in %q; want 2, space-separated", n, sig)
	}
	verify := func(secret string, body []byte, h http.Header) error {
		t.Helper()
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			t.Fatal(err)
		}
		return wh.Verify(body, h)
	}
	for _, s := range []string{current, previous} {
		if err := verify(s, body, headers("msg_1", now, sig)); err != nil {
			t.Fatalf("secret %d: %v", s[6], err)
		}
	}
	if verify(other, body, headers("msg_1", now, sig)) == nil {
		t.Fatal("a secret not configured verified")
	}
	tampered := bytes.Replace(body, []byte("job_1"), []byte("job_2"), 1)
	if verify(current, tampered, headers("msg_1", now, sig)) == nil {
		t.Fatal("a tampered body verified")
	}
	if verify(current, body, headers("msg_2", now, sig)) == nil {
		t.Fatal("another message id verified")
	}
	if verify(current, body, headers("msg_1", now+1, sig)) == nil {
		t.Fatal("another timestamp verified")
	}
	// The reference library's own signature is ours, byte for byte.
	wh, _ := standardwebhooks.NewWebhook(current)
	want, _ := wh.Sign("msg_1", time.Unix(now, 0), body)
	if first, _, _ := strings.Cut(sig, " "); first != want {
		t.Fatalf("got %q; the reference signs %q", first, want)
	}
	if _, err := Sign(nil, "msg_1", now, body); err != ErrNoSecret {
		t.Fatalf("no secrets: got %v; want ErrNoSecret", err)
	}
	if _, err := Sign([]Secret{{}}, "msg_1", now, body); err != ErrNoSecret {
		t.Fatalf("a zero Secret: got %v; want ErrNoSecret", err)
	}
}

func TestParseSecret(t *testing.T) {
	f := func(s, want string) {
		t.Helper()
		_, err := ParseSecret(s)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("ParseSecret(%q): got %v; want an error with %q", s, err, want)
		}
		if b64, _ := strings.CutPrefix(s, SecretPrefix); len(b64) > 4 && strings.Contains(err.Error(), b64) {
			t.Fatalf("the error %q quotes the secret", err)
		}
	}
	f("", `must start with "whsec_" (got an empty string)`)
	f(secretString(1, 32)[6:], `must start with "whsec_" (got 44 characters)`)
	f("whsec_not base64!!", "standard base64 (got 18 characters)")
	f("whsec_"+strings.TrimRight(secretString(1, 32)[6:], "="), "standard base64")
	f(secretString(1, 23), "the key must be 24 to 64 bytes (got 23)")
	f(secretString(1, 65), "the key must be 24 to 64 bytes (got 65)")
	for _, n := range []int{24, 32, 64} {
		if _, err := ParseSecret(secretString(7, n)); err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
	}
	_, err := ParsePolicy("tenants[0].webhooks.secrets", []string{secretString(1, 32), secretString(2, 32), secretString(1, 32)}, false)
	if err == nil || err.Error() != "tenants[0].webhooks.secrets[2]: the same secret as tenants[0].webhooks.secrets[0]" {
		t.Fatalf("a repeated secret: got %v", err)
	}
	_, err = ParsePolicy("tenants[0].webhooks.secrets", []string{secretString(1, 32), "whsec_short"}, false)
	if err == nil || !strings.HasPrefix(err.Error(), "tenants[0].webhooks.secrets[1]: ") {
		t.Fatalf("a bad second secret: got %v", err)
	}
}

// TestSecretNeverPrints checks that a Secret shows no key however printed.
func TestSecretNeverPrints(t *testing.T) {
	raw := secretString(9, 32)
	p := policy(t, false, raw)
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "secret", p.Secrets[0], "policy", p)
	for _, out := range []string{fmt.Sprint(p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), buf.String()} {
		if strings.Contains(out, raw[6:16]) {
			t.Fatalf("%q shows the key", out)
		}
	}
}
