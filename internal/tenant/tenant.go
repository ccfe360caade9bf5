// Package tenant holds biogen's tenants: who may call, with which API keys,
// under which data policy, through which chain of providers, and with which
// cache and rate-limit settings.
package tenant

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
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
	ScopeAdmin   = "admin"   // erasure and other operations, later
)

var knownScopes = []string{ScopeBios, ScopeMetrics, ScopeAdmin}

// Config is one tenant as the configuration file gives it.
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
}

// Key is an API key digest with its scopes. In YAML it is either a string
// "sha256:<hex>" (scope bios) or a mapping {digest, scopes, name}.
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

// CacheConfig holds cache settings (used by the caches).
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
type RateLimitConfig struct {
	// RequestsPerSecond is the sustained rate. Default 50; 0 after
	// defaults means unlimited is not allowed: set a large value instead.
	RequestsPerSecond float64 `yaml:"requests_per_second"`
	// Burst is the bucket size. Default 2 × RequestsPerSecond, at least 1.
	Burst int `yaml:"burst"`
}

// SetDefaults fills in every unset field.
func (c *Config) SetDefaults() {
	if c.Policy == "" {
		c.Policy = OnPremOnly
	}
	if len(c.Chain) == 0 {
		c.Chain = []string{"template"}
	}
	if c.Chain[len(c.Chain)-1] != "template" {
		c.Chain = append(c.Chain, "template")
	}
	t := true
	if c.Cache.Exact == nil {
		c.Cache.Exact = &t
	}
	if c.Cache.Semantic == nil {
		c.Cache.Semantic = &t
	}
	if c.Cache.TTL == 0 {
		c.Cache.TTL = 24 * time.Hour
	}
	if c.Cache.Scope == "" {
		c.Cache.Scope = "user"
	}
	if c.Cache.Similarity == 0 {
		c.Cache.Similarity = 0.92
	}
	if c.RateLimit.RequestsPerSecond == 0 {
		c.RateLimit.RequestsPerSecond = 50
	}
	if c.RateLimit.Burst == 0 {
		c.RateLimit.Burst = int(2 * c.RateLimit.RequestsPerSecond)
		if c.RateLimit.Burst < 1 {
			c.RateLimit.Burst = 1
		}
	}
	for i := range c.Keys {
		if len(c.Keys[i].Scopes) == 0 {
			c.Keys[i].Scopes = []string{ScopeBios}
		}
	}
}

// Validate checks a tenant after SetDefaults. prefix is the tenant's key
// path in the configuration ("tenants[0]"), used in every message.
func (c *Config) Validate(prefix string) error {
	if !validID(c.ID) {
		return fmt.Errorf("%s.id: %q must be 1 to 64 characters of a-z, 0-9, '-' and '_'", prefix, c.ID)
	}
	if c.Policy != OnPremOnly && c.Policy != AllowExternal {
		return fmt.Errorf("%s.policy: %q must be %q or %q", prefix, c.Policy, OnPremOnly, AllowExternal)
	}
	for i := range c.Keys {
		k := &c.Keys[i]
		p := fmt.Sprintf("%s.keys[%d]", prefix, i)
		hexPart, ok := strings.CutPrefix(k.Digest, "sha256:")
		b, err := hex.DecodeString(hexPart)
		if !ok || err != nil || len(b) != sha256.Size {
			return fmt.Errorf("%s: %q must be \"sha256:\" and 64 hex digits (the SHA-256 of the key; see docs/config.md)", p, redactDigest(k.Digest))
		}
		copy(k.sum[:], b)
		for _, s := range k.Scopes {
			if !contains(knownScopes, s) {
				return fmt.Errorf("%s.scopes: unknown scope %q; known: %s", p, s, strings.Join(knownScopes, ", "))
			}
		}
	}
	seen := map[string]bool{}
	for i, name := range c.Chain {
		if name == "" {
			return fmt.Errorf("%s.chain[%d]: empty provider name", prefix, i)
		}
		if seen[name] {
			return fmt.Errorf("%s.chain[%d]: provider %q listed twice", prefix, i, name)
		}
		seen[name] = true
	}
	if c.Cache.TTL < 0 {
		return fmt.Errorf("%s.cache.ttl: %s must not be negative", prefix, c.Cache.TTL)
	}
	if c.Cache.Scope != "user" && c.Cache.Scope != "tenant" {
		return fmt.Errorf("%s.cache.scope: %q must be \"user\" or \"tenant\"", prefix, c.Cache.Scope)
	}
	if c.Cache.Similarity <= 0 || c.Cache.Similarity > 1 {
		return fmt.Errorf("%s.cache.similarity: %g must be in (0, 1]", prefix, c.Cache.Similarity)
	}
	if c.RateLimit.RequestsPerSecond < 0 {
		return fmt.Errorf("%s.rate_limit.requests_per_second: %g must be positive", prefix, c.RateLimit.RequestsPerSecond)
	}
	if c.RateLimit.Burst < 1 {
		return fmt.Errorf("%s.rate_limit.burst: %d must be at least 1", prefix, c.RateLimit.Burst)
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Tenant is a validated tenant. It is immutable and safe for concurrent use.
type Tenant struct {
	Config
}

// Digest returns the configuration form of key: "sha256:<hex>".
func Digest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Registry finds the tenant of an API key.
//
// A Registry is immutable after New and safe for concurrent use.
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

// New builds a registry from validated tenant configurations. A tenant with
// no keys serves callers without a key; there may be at most one, and the
// configuration allows it only on a loopback address.
func New(configs []Config) (*Registry, error) {
	r := &Registry{}
	seen := map[string]bool{}
	digests := map[[sha256.Size]byte]string{}
	for i := range configs {
		t := &Tenant{Config: configs[i]}
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

// Keyless returns the tenant that serves callers without a key, or nil.
func (r *Registry) Keyless() *Tenant { return r.keyless }

// Caller is an authenticated caller.
type Caller struct {
	Tenant *Tenant
	// KeyName labels the key used, for logs; empty for keyless callers.
	KeyName string
	scopes  []string
}

// Allowed reports whether the caller may act in scope.
func (c *Caller) Allowed(scope string) bool {
	return c.scopes == nil || contains(c.scopes, scope)
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
