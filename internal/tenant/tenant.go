// Package tenant holds biogen's tenants: who may call, with which API keys,
// under which data policy, through which chain of providers, and with which
// cache and rate-limit settings.
package tenant

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/webhook"
)

// Policy says where a tenant's data may go.
type Policy string

const (
	// OnPremOnly keeps every byte of the tenant's requests on the
	// tenant's own premises: only on-prem models and templates.
	OnPremOnly Policy = "onprem_only"
	// AllowExternal also allows an external API, with the person's
	// identifying data pseudonymised.
	AllowExternal Policy = "allow_external"
)

// Scopes a key may hold.
const (
	ScopeBios    = "bios"    // POST /v1/bios (and, later, feedback)
	ScopeMetrics = "metrics" // GET /metrics on the public address
	ScopeErase   = "erase"   // DELETE /v1/users/{user_id}
	ScopeAdmin   = "admin"   // every operation: all the scopes above, and later ones
)

var knownScopes = []string{ScopeBios, ScopeMetrics, ScopeErase, ScopeAdmin}

// Config is one tenant as the configuration file gives it. The defaults
// the field comments name are filled by the configuration (config.Load),
// not here: Validate and New reject an unset field.
//
// The zero value is not valid. A Config is plain data with no lock:
// Validate writes the keys' digests, so do not share one being validated.
type Config struct {
	// ID names the tenant in logs, metrics and cache keys.
	ID string `yaml:"id"`
	// Policy is onprem_only (the default) or allow_external.
	Policy Policy `yaml:"policy"`
	// Keys are the tenant's API keys as digests. Empty only for the keyless
	// tenant of a loopback-only server.
	Keys []Key `yaml:"keys"`
	// Chain names the providers to try in order; "template" is always
	// appended if missing. Default: ["template"].
	Chain []string `yaml:"chain"`
	// Cache holds the tenant's cache settings.
	Cache CacheConfig `yaml:"cache"`
	// RateLimit limits the tenant's requests.
	RateLimit RateLimitConfig `yaml:"rate_limit"`
	// Retention is how long the tenant's durable records (bio records,
	// feedback, jobs and their results) are kept; the configuration's
	// default is 720h (30 days). Cached bios follow Cache.TTL instead.
	Retention time.Duration `yaml:"retention"`
	// Webhooks holds the secrets that sign the tenant's job callbacks and
	// where callbacks may go.
	Webhooks WebhooksConfig `yaml:"webhooks"`
	// Experiments split the tenant's users between arms (at most one
	// experiment at a time). Default none.
	Experiments []ExperimentConfig `yaml:"experiments"`
}

// WebhooksConfig is tenants[].webhooks as the file gives it; New turns it
// into the webhook.Policy the deliveries take (Tenant.WebhookPolicy) and
// drops the secrets' text from the Tenant.
//
// The zero value is valid: no secrets (the tenant cannot be called back)
// and public targets only. It is plain data; never log it.
type WebhooksConfig struct {
	// Secrets are "whsec_" and the base64 of 24 to 64 random bytes; every
	// one signs each callback (rotation), the first being the current one.
	// Default none.
	Secrets []string `yaml:"secrets"`
	// AllowPrivateTargets lets callback URLs reach loopback, private,
	// link-local and CGNAT addresses, and use http: tests and on-prem
	// receivers. Default false.
	AllowPrivateTargets bool `yaml:"allow_private_targets"`
}

// Key is an API key digest with its scopes. In YAML it is either a string
// "sha256:<hex>" (scope bios) or a mapping {digest, scopes, name}.
//
// The zero value is not valid. A Key is plain data, read-only once
// validated, and so safe for concurrent reads.
type Key struct {
	Digest string   `yaml:"digest"`
	Scopes []string `yaml:"scopes"`
	// Name is a label for operators (e.g. "workday-prod-2026"); it is
	// logged instead of the key.
	Name string `yaml:"name"`

	sum [sha256.Size]byte
}

// UnmarshalYAML accepts the short string form.
func (k *Key) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		k.Digest = n.Value
		return nil
	}
	type plain Key
	return n.Decode((*plain)(k))
}

// CacheConfig holds a tenant's cache settings as the file gives them; New
// turns them into the cache.Policy the caches take (Tenant.CachePolicy).
//
// The zero value is not valid: Exact and Semantic must be set. It is plain
// data.
type CacheConfig struct {
	// Exact enables the exact cache. Default true.
	Exact *bool `yaml:"exact"`
	// Semantic enables the semantic cache. Default true.
	Semantic *bool `yaml:"semantic"`
	// TTL is how long a cached bio is served. Default 24h.
	TTL time.Duration `yaml:"ttl"`
	// Scope of the semantic cache: "user" (default) or "tenant".
	Scope string `yaml:"scope"`
	// Similarity is the least cosine similarity of a semantic hit, in
	// (0, 1]. Default 0.92.
	Similarity float64 `yaml:"similarity"`
}

// RateLimitConfig is a token bucket per tenant.
//
// The zero value is not valid. It is plain data.
type RateLimitConfig struct {
	// RequestsPerSecond is the sustained rate. Default 50; it must be
	// positive: there is no unlimited, set a large value instead.
	RequestsPerSecond float64 `yaml:"requests_per_second"`
	// Burst is the bucket size. Default 2 × RequestsPerSecond, at least 1.
	Burst int `yaml:"burst"`
	// PerUser is a bucket per user of the tenant, beside the tenant's.
	PerUser PerUserLimit `yaml:"per_user"`
}

// PerUserLimit is the token bucket of each (tenant, user_id).
type PerUserLimit struct {
	// RequestsPerMinute is the sustained rate; 0 turns the user bucket
	// off. Default 10 (nil until the configuration fills it).
	RequestsPerMinute *int `yaml:"requests_per_minute"`
	// Burst is the bucket size. Default 5.
	Burst int `yaml:"burst"`
}

// Validate checks a tenant as the configuration filled it: every field is
// set (the configuration fills defaults; tenant fills none) and valid.
// prefix is the tenant's key path in the configuration ("tenants[0]"),
// used in every message. Validate records each key's digest, for New.
func (c *Config) Validate(prefix string) error {
	if !validID(c.ID) {
		return fmt.Errorf("%s.id: %q must be 1 to 64 characters of a-z, 0-9, '-' and '_'", prefix, c.ID)
	}
	if c.Policy != OnPremOnly && c.Policy != AllowExternal {
		return fmt.Errorf("%s.policy: %q must be %q or %q", prefix, c.Policy, OnPremOnly, AllowExternal)
	}
	if err := c.validateKeys(prefix); err != nil {
		return err
	}
	if err := validateChain(prefix+".chain", c.Chain); err != nil {
		return err
	}
	if err := c.validateExperiments(prefix); err != nil {
		return err
	}
	if err := c.Cache.validate(prefix + ".cache"); err != nil {
		return err
	}
	if c.Retention <= 0 {
		return fmt.Errorf("%s.retention: %s must be positive (for example 720h, 30 days)", prefix, c.Retention)
	}
	if _, err := c.Webhooks.policy(prefix + ".webhooks"); err != nil {
		return err
	}
	return c.RateLimit.validate(prefix + ".rate_limit")
}

func (c *Config) validateKeys(prefix string) error {
	for i := range c.Keys {
		k := &c.Keys[i]
		p := fmt.Sprintf("%s.keys[%d]", prefix, i)
		hexPart, ok := strings.CutPrefix(k.Digest, "sha256:")
		b, err := hex.DecodeString(hexPart)
		if !ok || err != nil || len(b) != sha256.Size {
			return fmt.Errorf("%s: %q must be \"sha256:\" and 64 hex digits (the SHA-256 of the key; see docs/config.md)", p, redactDigest(k.Digest))
		}
		copy(k.sum[:], b)
		if len(k.Scopes) == 0 {
			// A key without scopes would be allowed everything (see
			// Caller.Allowed): the configuration gives it "bios".
			return fmt.Errorf("%s.scopes: empty; give at least one of %s", p, strings.Join(knownScopes, ", "))
		}
		for _, s := range k.Scopes {
			if !slices.Contains(knownScopes, s) {
				return fmt.Errorf("%s.scopes: unknown scope %q; known: %s", p, s, strings.Join(knownScopes, ", "))
			}
		}
	}
	return nil
}

// validateChain checks a chain of provider names, the tenant's or an
// arm's, at key ("tenants[0].chain"): not empty, no name empty or listed
// twice. The configuration checks that the names are providers, and the
// data policy.
func validateChain(key string, chain []string) error {
	if len(chain) == 0 {
		return fmt.Errorf("%s: empty; list at least \"template\"", key)
	}
	seen := map[string]bool{}
	for i, name := range chain {
		if name == "" {
			return fmt.Errorf("%s[%d]: empty provider name", key, i)
		}
		if seen[name] {
			return fmt.Errorf("%s[%d]: provider %q listed twice", key, i, name)
		}
		seen[name] = true
	}
	return nil
}

func (c *CacheConfig) validate(prefix string) error {
	if c.Exact == nil {
		return fmt.Errorf("%s.exact: unset; must be true or false", prefix)
	}
	if c.Semantic == nil {
		return fmt.Errorf("%s.semantic: unset; must be true or false", prefix)
	}
	if c.TTL < 0 {
		return fmt.Errorf("%s.ttl: %s must not be negative", prefix, c.TTL)
	}
	if c.TTL == 0 {
		return fmt.Errorf("%s.ttl: %s must be positive", prefix, c.TTL)
	}
	if c.Scope != "user" && c.Scope != "tenant" {
		return fmt.Errorf("%s.scope: %q must be \"user\" or \"tenant\"", prefix, c.Scope)
	}
	if c.Similarity <= 0 || c.Similarity > 1 {
		return fmt.Errorf("%s.similarity: %g must be in (0, 1]", prefix, c.Similarity)
	}
	return nil
}

// policy is c as the cache takes it; c is valid.
func (c *CacheConfig) policy() cache.Policy {
	return cache.Policy{
		Exact: *c.Exact, Semantic: *c.Semantic, TenantScope: c.Scope == "tenant",
		MinSimilarity: c.Similarity, TTL: c.TTL,
	}
}

// policy parses the secrets; prefix names the section in errors, which
// never quote a secret.
func (c *WebhooksConfig) policy(prefix string) (webhook.Policy, error) {
	return webhook.ParsePolicy(prefix+".secrets", c.Secrets, c.AllowPrivateTargets)
}

func (c *RateLimitConfig) validate(prefix string) error {
	if c.RequestsPerSecond <= 0 {
		return fmt.Errorf("%s.requests_per_second: %g must be positive", prefix, c.RequestsPerSecond)
	}
	if c.Burst < 1 {
		return fmt.Errorf("%s.burst: %d must be at least 1", prefix, c.Burst)
	}
	if u := c.PerUser; u.RequestsPerMinute == nil || *u.RequestsPerMinute < 0 || *u.RequestsPerMinute > 0 && u.Burst < 1 {
		return fmt.Errorf("%s.per_user: requests_per_minute must be 0 (off) or positive with a burst of at least 1", prefix)
	}
	return nil
}

// redactDigest shows enough of a bad digest to find it in the file, and not
// a whole key that an operator pasted by mistake.
func redactDigest(s string) string {
	if len(s) <= 12 {
		return s
	}
	return s[:12] + "…"
}

func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Tenant is a validated tenant, built by New.
//
// The zero value is not a tenant: New builds them. A Tenant is immutable
// and safe for concurrent use.
type Tenant struct {
	Config
	// CachePolicy is the tenant's use of the caches, from Config.Cache.
	CachePolicy cache.Policy
	// Experiment is the experiment the tenant runs, from
	// Config.Experiments; nil for none.
	Experiment *Experiment
	// WebhookPolicy signs and aims the tenant's callbacks, from
	// Config.Webhooks (whose Secrets New empties: only the parsed,
	// unprintable secrets are kept).
	WebhookPolicy webhook.Policy
}

// Digest returns the configuration form of key: "sha256:<hex>".
func Digest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Registry finds the tenant of an API key.
//
// The zero value has no tenants and authenticates nobody; New builds a
// useful one. A Registry is immutable after New and safe for concurrent
// use; it holds no goroutine.
type Registry struct {
	tenants []*Tenant
	keys    []keyEntry
	keyless *Tenant
}

type keyEntry struct {
	sum    [sha256.Size]byte
	scopes []string
	name   string
	tenant *Tenant
}

// New builds a registry from tenant configurations with every field set
// (the configuration fills the defaults); it rejects an unset or invalid
// field as Config.Validate does. A tenant with no keys serves callers
// without a key; there may be at most one, and the configuration allows it
// only on a loopback address.
func New(configs []Config) (*Registry, error) {
	r := &Registry{}
	seen := map[string]bool{}
	digests := map[[sha256.Size]byte]string{}
	for i := range configs {
		t := &Tenant{Config: configs[i]}
		t.Keys = slices.Clone(t.Keys) // Validate records digests in them
		if err := t.Validate(fmt.Sprintf("tenants[%d]", i)); err != nil {
			return nil, err
		}
		t.CachePolicy = t.Cache.policy()
		t.Experiment = t.experiment()
		var err error
		if t.WebhookPolicy, err = t.Webhooks.policy(fmt.Sprintf("tenants[%d].webhooks", i)); err != nil {
			return nil, err
		}
		t.Webhooks.Secrets = nil
		if seen[t.ID] {
			return nil, fmt.Errorf("tenants[%d].id: %q is used twice", i, t.ID)
		}
		seen[t.ID] = true
		r.tenants = append(r.tenants, t)
		if len(t.Keys) == 0 {
			if r.keyless != nil {
				return nil, fmt.Errorf("tenants[%d].keys: only one tenant may have no keys (%q has none already)", i, r.keyless.ID)
			}
			r.keyless = t
		}
		for j, k := range t.Keys {
			if other, ok := digests[k.sum]; ok {
				return nil, fmt.Errorf("tenants[%d].keys[%d]: the same key is configured for tenant %q", i, j, other)
			}
			digests[k.sum] = t.ID
			r.keys = append(r.keys, keyEntry{sum: k.sum, scopes: k.Scopes, name: k.Name, tenant: t})
		}
	}
	return r, nil
}

// Tenants returns every tenant.
func (r *Registry) Tenants() []*Tenant { return r.tenants }

// Caller is an authenticated caller, returned by Registry.Authenticate.
//
// Its zero value has no tenant and every scope: use only callers that
// Authenticate returns. A Caller is immutable and safe for concurrent use.
type Caller struct {
	Tenant *Tenant
	// KeyName labels the key used, for logs; empty for keyless callers.
	KeyName string
	scopes  []string
}

// Allowed reports whether the caller may act in scope: a key holding the
// scope, or admin, which is every scope (docs/config.md).
func (c *Caller) Allowed(scope string) bool {
	return c.scopes == nil || slices.Contains(c.scopes, scope) || slices.Contains(c.scopes, ScopeAdmin)
}

// Authenticate returns the caller that key belongs to. It hashes the key and
// compares the digest with every configured digest in constant time, without
// stopping at a match, so that the time taken says nothing about the keys.
// An empty key gives the keyless tenant, if there is one.
func (r *Registry) Authenticate(key string) (*Caller, bool) {
	if key == "" {
		if r.keyless == nil {
			return nil, false
		}
		return &Caller{Tenant: r.keyless}, true
	}
	sum := sha256.Sum256([]byte(key))
	var match *keyEntry
	for i := range r.keys {
		if subtle.ConstantTimeCompare(sum[:], r.keys[i].sum[:]) == 1 {
			match = &r.keys[i]
		}
	}
	if match == nil {
		return nil, false
	}
	return &Caller{Tenant: match.tenant, KeyName: match.name, scopes: match.scopes}, true
}
