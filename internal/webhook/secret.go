// Package webhook delivers signed callbacks (Standard Webhooks,
// https://www.standardwebhooks.com): it signs a JSON body with each of a
// tenant's secrets, refuses targets inside the network (SSRF), connects to
// the address it checked, and retries on a jittered schedule of at least an
// hour, keeping a bounded log of every delivery's attempts.
//
// The package imports nothing of biogen's: tenant turns a tenant's
// configuration into a Policy, and the jobs hand a Sender their messages.
// docs/operations.md ("Webhooks") describes the behaviour for operators.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
)

// SecretPrefix starts every secret in the configuration.
const SecretPrefix = "whsec_"

// Secret lengths the Standard Webhooks specification recommends, in bytes.
const (
	MinSecretBytes = 24
	MaxSecretBytes = 64
)

// Secret is a signing key, parsed from "whsec_<base64>". It never prints
// its key: String, GoString and LogValue give "whsec_[redacted]".
//
// The zero value signs nothing (Sign refuses it); ParseSecret makes useful
// ones. A Secret is immutable and safe for concurrent use.
type Secret struct {
	key []byte
}

// ParseSecret parses "whsec_" and the standard base64 (with padding) of a
// key of 24 to 64 bytes. Its errors never quote the secret.
func ParseSecret(s string) (Secret, error) {
	b64, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return Secret{}, fmt.Errorf("must start with %q (got %s)", SecretPrefix, describeSecret(s))
	}
	key, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil {
		return Secret{}, fmt.Errorf("must be %q and standard base64 (got %s)", SecretPrefix, describeSecret(s))
	}
	if len(key) < MinSecretBytes || len(key) > MaxSecretBytes {
		return Secret{}, fmt.Errorf("the key must be %d to %d bytes (got %d); make one with: echo whsec_$(openssl rand -base64 32)",
			MinSecretBytes, MaxSecretBytes, len(key))
	}
	return Secret{key: key}, nil
}

// describeSecret says what a bad secret looks like without showing it.
func describeSecret(s string) string {
	if s == "" {
		return "an empty string"
	}
	return strconv.Itoa(len(s)) + " characters"
}

// Equal reports whether two secrets hold the same key.
func (s Secret) Equal(o Secret) bool { return hmac.Equal(s.key, o.key) }

// String hides the key.
func (s Secret) String() string { return SecretPrefix + "[redacted]" }

// GoString hides the key from %#v.
func (s Secret) GoString() string { return s.String() }

// LogValue hides the key from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// ErrNoSecret is returned when a message would go out unsigned.
var ErrNoSecret = errors.New("webhook: no valid signing secret")

// Sign returns the webhook-signature header of a message: "v1,<base64
// HMAC-SHA256 of id.timestamp.body>" for every secret, separated by
// spaces, in the order given (Standard Webhooks; a receiver accepts the
// message when one of them verifies, which is what lets secrets rotate).
// timestamp is in Unix seconds, as in the webhook-timestamp header.
func Sign(secrets []Secret, id string, timestamp int64, body []byte) (string, error) {
	if len(secrets) == 0 {
		return "", ErrNoSecret
	}
	ts := strconv.FormatInt(timestamp, 10)
	var sb strings.Builder
	sb.Grow(len(secrets) * (4 + base64.StdEncoding.EncodedLen(sha256.Size)))
	for i, s := range secrets {
		if len(s.key) == 0 {
			return "", ErrNoSecret
		}
		mac := hmac.New(sha256.New, s.key)
		mac.Write([]byte(id))
		mac.Write([]byte{'.'})
		mac.Write([]byte(ts))
		mac.Write([]byte{'.'})
		mac.Write(body)
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString("v1,")
		sb.WriteString(base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	}
	return sb.String(), nil
}

// Policy is what a tenant's configuration says about its callbacks, as
// tenant.New makes it from tenants[].webhooks.
type Policy struct {
	// Secrets sign every message, each one (rotation); the first is the
	// current one. Empty: the tenant cannot receive callbacks.
	Secrets []Secret
	// AllowPrivateTargets lets callbacks reach loopback, private,
	// link-local and shared (CGNAT) addresses, over http as well as https:
	// tests and on-prem receivers. Metadata, unspecified, multicast and
	// broadcast addresses stay refused.
	AllowPrivateTargets bool
}

// ParsePolicy parses a tenant's secrets; key is their configuration path
// ("tenants[0].webhooks.secrets"), named in every error. A secret listed
// twice is refused: it would only sign twice.
func ParsePolicy(key string, secrets []string, allowPrivate bool) (Policy, error) {
	p := Policy{AllowPrivateTargets: allowPrivate}
	for i, raw := range secrets {
		s, err := ParseSecret(raw)
		if err != nil {
			return Policy{}, fmt.Errorf("%s[%d]: %w", key, i, err)
		}
		for j, prev := range p.Secrets {
			if prev.Equal(s) {
				return Policy{}, fmt.Errorf("%s[%d]: the same secret as %s[%d]", key, i, key, j)
			}
		}
		p.Secrets = append(p.Secrets, s)
	}
	return p, nil
}
