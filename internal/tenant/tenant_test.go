package tenant

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/cache"
)

// filled sets every unset field of c as the configuration's defaults do
// (config.SetTenantDefaults, which this package cannot import).
func filled(c Config) Config {
	if c.Policy == "" {
		c.Policy = OnPremOnly
	}
	if len(c.Chain) == 0 {
		c.Chain = []string{"template"}
	}
	on := true
	c.Cache = CacheConfig{Exact: &on, Semantic: &on, TTL: 24 * time.Hour, Scope: "user", Similarity: 0.92}
	c.RateLimit = RateLimitConfig{RequestsPerSecond: 50, Burst: 100, PerUser: PerUserLimit{RequestsPerMinute: new(10), Burst: 5}}
	c.Retention = 720 * time.Hour
	for i := range c.Keys {
		if len(c.Keys[i].Scopes) == 0 {
			c.Keys[i].Scopes = []string{ScopeBios}
		}
	}
	return c
}

func registry(t *testing.T, configs ...Config) *Registry {
	t.Helper()
	for i := range configs {
		configs[i] = filled(configs[i])
		if err := configs[i].Validate("tenants"); err != nil {
			t.Fatal(err)
		}
	}
	r, err := New(configs)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAuthenticate(t *testing.T) {
	r := registry(t,
		Config{ID: "acme", Keys: []Key{{Digest: Digest("a-old")}, {Digest: Digest("a-new"), Name: "rotated", Scopes: []string{ScopeBios, ScopeMetrics}}}},
		Config{ID: "globex", Keys: []Key{{Digest: Digest("g1")}}},
	)
	f := func(key, wantTenant string, wantMetrics bool) {
		t.Helper()
		c, ok := r.Authenticate(key)
		if wantTenant == "" {
			if ok {
				t.Fatalf("key %q accepted for %q", key, c.Tenant.ID)
			}
			return
		}
		if !ok || c.Tenant.ID != wantTenant {
			t.Fatalf("key %q: got %v %v; want %q", key, c, ok, wantTenant)
		}
		if c.Allowed(ScopeMetrics) != wantMetrics || !c.Allowed(ScopeBios) {
			t.Fatalf("key %q: wrong scopes", key)
		}
	}
	f("a-old", "acme", false)
	f("a-new", "acme", true)
	f("g1", "globex", false)
	f("g2", "", false)
	f("", "", false)
	f("A-OLD", "", false)
}

// TestAdminIsEveryScope: a key with the admin scope may do what each
// scope allows; a key with one scope only that (docs/config.md).
func TestAdminIsEveryScope(t *testing.T) {
	r := registry(t, Config{ID: "acme", Keys: []Key{{Digest: Digest("adm"), Scopes: []string{ScopeAdmin}},
		{Digest: Digest("er"), Scopes: []string{ScopeErase}}}})
	f := func(key string, want ...string) {
		t.Helper()
		c, ok := r.Authenticate(key)
		if !ok {
			t.Fatalf("key %q refused", key)
		}
		for _, s := range knownScopes {
			if c.Allowed(s) != slices.Contains(want, s) {
				t.Fatalf("key %q, scope %s: got %v; want %v", key, s, c.Allowed(s), !c.Allowed(s))
			}
		}
	}
	f("adm", knownScopes...)
	f("er", ScopeErase)
}

func TestKeylessTenant(t *testing.T) {
	r := registry(t, Config{ID: "default"})
	c, ok := r.Authenticate("")
	if !ok || c.Tenant.ID != "default" || !c.Allowed(ScopeMetrics) {
		t.Fatalf("got %+v %v", c, ok)
	}
	if _, ok := r.Authenticate("some-key"); ok {
		t.Fatal("an unknown key was accepted by a keyless registry")
	}
}

func TestNewRejectsDuplicates(t *testing.T) {
	for _, cs := range [][]Config{
		{{ID: "a"}, {ID: "a", Keys: []Key{{Digest: Digest("x")}}}},
		{{ID: "a", Keys: []Key{{Digest: Digest("x")}}}, {ID: "b", Keys: []Key{{Digest: Digest("x")}}}},
		{{ID: "a"}, {ID: "b"}},
	} {
		for i := range cs {
			cs[i] = filled(cs[i])
			if err := cs[i].Validate("t"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := New(cs); err == nil {
			t.Fatalf("New accepted %+v", cs)
		}
	}
}

// TestNewRejectsUnsetAndInvalid checks that New fills no default: each
// field the configuration fills is refused when unset, with a message that
// names the key and quotes the value.
func TestNewRejectsUnsetAndInvalid(t *testing.T) {
	f := func(change func(c *Config), want string) {
		t.Helper()
		c := filled(Config{ID: "acme", Keys: []Key{{Digest: Digest("k")}}})
		change(&c)
		_, err := New([]Config{c})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v; want an error with %q", err, want)
		}
	}
	f(func(c *Config) { c.ID = "" }, `tenants[0].id: ""`)
	f(func(c *Config) { c.Policy = "" }, `tenants[0].policy: "" must be`)
	f(func(c *Config) { c.Keys[0].Digest = "sha256:abc" }, `tenants[0].keys[0]: "sha256:abc" must be`)
	f(func(c *Config) { c.Keys[0].Scopes = nil }, "tenants[0].keys[0].scopes: empty")
	f(func(c *Config) { c.Keys[0].Scopes = []string{"root"} }, `tenants[0].keys[0].scopes: unknown scope "root"`)
	f(func(c *Config) { c.Chain = nil }, `tenants[0].chain: empty; list at least "template"`)
	f(func(c *Config) { c.Chain = []string{"big", "big"} }, `tenants[0].chain[1]: provider "big" listed twice`)
	f(func(c *Config) { c.Chain = []string{""} }, "tenants[0].chain[0]: empty provider name")
	f(func(c *Config) { c.Cache.Exact = nil }, "tenants[0].cache.exact: unset")
	f(func(c *Config) { c.Cache.Semantic = nil }, "tenants[0].cache.semantic: unset")
	f(func(c *Config) { c.Cache.TTL = 0 }, "tenants[0].cache.ttl: 0s must be positive")
	f(func(c *Config) { c.Cache.TTL = -time.Hour }, "tenants[0].cache.ttl: -1h0m0s must not be negative")
	f(func(c *Config) { c.Cache.Scope = "" }, `tenants[0].cache.scope: "" must be`)
	f(func(c *Config) { c.Cache.Similarity = 0 }, "tenants[0].cache.similarity: 0 must be in (0, 1]")
	f(func(c *Config) { c.RateLimit.RequestsPerSecond = 0 }, "tenants[0].rate_limit.requests_per_second: 0 must be positive")
	f(func(c *Config) { c.RateLimit.Burst = 0 }, "tenants[0].rate_limit.burst: 0 must be at least 1")
	f(func(c *Config) { c.Retention = -time.Hour }, "tenants[0].retention: -1h0m0s must be positive")
}

// TestCachePolicy checks that New hands the caches the tenant's settings
// as a plain policy.
func TestCachePolicy(t *testing.T) {
	c := filled(Config{ID: "acme"})
	off := false
	c.Cache.Semantic = &off
	c.Cache.Scope = "tenant"
	c.Cache.TTL = time.Hour
	c.Cache.Similarity = 0.95
	r, err := New([]Config{c})
	if err != nil {
		t.Fatal(err)
	}
	want := cache.Policy{Exact: true, Semantic: false, TenantScope: true, MinSimilarity: 0.95, TTL: time.Hour}
	if got := r.Tenants()[0].CachePolicy; got != want {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	if err := want.Validate(); err != nil {
		t.Fatalf("the policy of a valid tenant is invalid: %v", err)
	}
}

// TestWebhooks: a tenant's secrets become its webhook policy, in order, and
// leave the Tenant's configuration; a bad one is refused with its key
// named and its text not quoted.
func TestWebhooks(t *testing.T) {
	current := "whsec_" + strings.Repeat("MDEyMzQ1Njc4OWFi", 2) // 24 bytes
	previous := "whsec_" + strings.Repeat("QUJDREVGR0hJSktM", 2)
	r := registry(t, Config{ID: "acme", Webhooks: WebhooksConfig{Secrets: []string{current, previous}, AllowPrivateTargets: true}})
	tn := r.Tenants()[0]
	if p := tn.WebhookPolicy; len(p.Secrets) != 2 || !p.AllowPrivateTargets || tn.Webhooks.Secrets != nil {
		t.Fatalf("got policy %+v, config secrets %q", p, tn.Webhooks.Secrets)
	}
	if r := registry(t, Config{ID: "plain"}); len(r.Tenants()[0].WebhookPolicy.Secrets) != 0 || r.Tenants()[0].WebhookPolicy.AllowPrivateTargets {
		t.Fatalf("no webhooks section: got %+v", r.Tenants()[0].WebhookPolicy)
	}
	f := func(secrets []string, want string) {
		t.Helper()
		c := filled(Config{ID: "acme", Webhooks: WebhooksConfig{Secrets: secrets}})
		err := c.Validate("tenants[0]")
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("got %v; want an error starting %q", err, want)
		}
		for _, s := range secrets {
			if len(s) > 10 && strings.Contains(err.Error(), s[6:]) {
				t.Fatalf("the error %q quotes a secret", err)
			}
		}
		if _, err := New([]Config{c}); err == nil {
			t.Fatal("New accepted it")
		}
	}
	f([]string{current, "whsec_c2hvcnQ="}, "tenants[0].webhooks.secrets[1]: the key must be 24 to 64 bytes (got 5)")
	f([]string{strings.TrimPrefix(current, "whsec_")}, `tenants[0].webhooks.secrets[0]: must start with "whsec_"`)
	f([]string{"whsec_!!" + strings.Repeat("A", 30)}, "tenants[0].webhooks.secrets[0]: must be \"whsec_\" and standard base64")
	f([]string{current, current}, "tenants[0].webhooks.secrets[1]: the same secret as tenants[0].webhooks.secrets[0]")
}
