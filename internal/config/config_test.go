package config

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/tenant"
)

func load(t *testing.T, yaml string, env map[string]string) (*Config, error) {
	t.Helper()
	path := ""
	if yaml != "" {
		path = filepath.Join(t.TempDir(), "biogen.yaml")
		if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return Load(path, func(k string) string { return env[k] })
}

func TestDefaults(t *testing.T) {
	c, err := load(t, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "127.0.0.1:8080" || c.Server.MaxBodyBytes != 65536 || c.Server.RequestTimeout != 20*time.Second {
		t.Fatalf("got %+v", c.Server)
	}
	if len(c.Tenants) != 1 || c.Tenants[0].ID != "default" || len(c.Tenants[0].Keys) != 0 || !c.KeylessLoopback {
		t.Fatalf("got tenants %+v", c.Tenants)
	}
	// Without a configuration the chain does the main job: the local
	// Ollama's writer model first, then the template writer.
	if got := c.Tenants[0].Chain; strings.Join(got, ",") != "local,template" {
		t.Fatalf("got chain %q", got)
	}
	p := c.Providers[0]
	if len(c.Providers) != 2 || p.Kind != KindOllama || p.Model != DefaultModel || p.Host != "http://127.0.0.1:11434" ||
		p.Modelfile != DefaultModelfile || p.PullMissing {
		t.Fatalf("got providers %+v", c.Providers)
	}
	c, err = load(t, "", map[string]string{"OLLAMA_HOST": "10.0.0.5:11434"})
	if err != nil || c.Providers[0].Host != "http://10.0.0.5:11434" {
		t.Fatalf("OLLAMA_HOST: %+v, %v", c.Providers, err)
	}
	// A configuration with providers gets no provider it did not name.
	c, err = load(t, "providers:\n  - name: tpl\n    kind: template\n", nil)
	if err != nil || slices.ContainsFunc(c.Providers, func(p Provider) bool { return p.Kind == KindOllama }) {
		t.Fatalf("configured providers: %+v, chain %q, %v", c.Providers, c.Tenants[0].Chain, err)
	}
}

func TestEnvOverrides(t *testing.T) {
	c, err := load(t, "server:\n  addr: 127.0.0.1:9000\n", map[string]string{
		"BIOGEN_ADDR": "127.0.0.1:9100", "OLLAMA_HOST": "10.0.0.5:11434", "BIOGEN_LOG_LEVEL": "debug",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.Addr != "127.0.0.1:9100" || c.Ollama.Host != "http://10.0.0.5:11434" || c.Log.Level != "debug" {
		t.Fatalf("got %+v %+v %+v", c.Server.Addr, c.Ollama, c.Log)
	}
}

// TestExampleConfig checks that config.example.yaml publishes no working
// key: as shipped it is refused, naming the first placeholder, and with a
// digest of the operator's own key in place of each placeholder it is a
// valid configuration showing both policies.
func TestExampleConfig(t *testing.T) {
	_, err := Load("../../config.example.yaml", func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "tenants[0].keys[0]") || !strings.Contains(err.Error(), "64 hex digits") {
		t.Fatalf("the example as shipped: got %v; want it refused at tenants[0].keys[0]", err)
	}
	data, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	placeholder := regexp.MustCompile(`"sha256:REPLACE[^"]*"`)
	n := 0
	filled := placeholder.ReplaceAllStringFunc(string(data), func(string) string {
		n++
		return `"` + tenant.Digest("operator-key-"+strconv.Itoa(n)) + `"`
	})
	if n == 0 {
		t.Fatal("config.example.yaml has no REPLACE placeholder")
	}
	c, err := load(t, filled, nil)
	if err != nil {
		t.Fatal(err)
	}
	policies := map[tenant.Policy]bool{}
	for _, tc := range c.Tenants {
		policies[tc.Policy] = true
	}
	if !policies[tenant.OnPremOnly] || !policies[tenant.AllowExternal] {
		t.Fatalf("the example should show both policies; got %v", policies)
	}
}

// TestErrorsNameTheKey checks that each invalid configuration is refused
// with a message naming the bad key.
func TestErrorsNameTheKey(t *testing.T) {
	digest := tenant.Digest("k1")
	f := func(yaml string, env map[string]string, wantKey string) {
		t.Helper()
		_, err := load(t, yaml, env)
		if err == nil {
			t.Fatalf("config accepted:\n%s", yaml)
		}
		if !strings.Contains(err.Error(), wantKey) {
			t.Fatalf("got %q; want it to name %q", err, wantKey)
		}
	}
	f("server:\n  adr: 1\n", nil, "adr")
	f("server:\n  addr: nope\n", nil, "server.addr")
	f("server:\n  max_body_bytes: 10\n", nil, "server.max_body_bytes")
	f("server:\n  read_timeout: soon\n", nil, "read_timeout")
	f("server:\n  write_timeout: 5s\n", nil, "server.write_timeout")
	f("log:\n  level: loud\n", nil, "log.level")
	f("", map[string]string{"BIOGEN_ADDR": "0.0.0.0:8080"}, "tenants[0].keys")
	f("tenants:\n  - id: Acme!\n", nil, "tenants[0].id")
	f("tenants:\n  - id: a\n    policy: cloud\n", nil, "tenants[0].policy")
	f("tenants:\n  - id: a\n    keys: [\"plain-secret-key-in-the-file\"]\n", nil, "tenants[0].keys[0]")
	f("tenants:\n  - id: a\n    keys:\n      - digest: "+digest+"\n        scopes: [root]\n", nil, "tenants[0].keys[0].scopes")
	f("tenants:\n  - id: a\n    chain: [gpu]\n", nil, "tenants[0].chain[0]")
	f("tenants:\n  - id: a\n    cache:\n      similarity: 1.5\n", nil, "tenants[0].cache.similarity")
	f("tenants:\n  - id: a\n    cache:\n      scope: world\n", nil, "tenants[0].cache.scope")
	f("tenants:\n  - id: a\n    rate_limit:\n      burst: -1\n", nil, "tenants[0].rate_limit.burst")
	f("tenants:\n  - id: a\n    retention: -1h\n", nil, "tenants[0].retention")
	f("memory_limit: 100000000\n", nil, "memory_limit")
	f("cache:\n  max_bytes: 1073741824\nmemory_limit: 1073741824\n", nil, "memory_limit")
	f("server:\n  record_queue_bytes: 1024\n", nil, "server.record_queue_bytes")
	// The queue of bio records counts in the memory budget too.
	f("cache:\n  max_bytes: 67108864\nserver:\n  record_queue_bytes: 67108864\nmemory_limit: 134217728\n", nil, "server.record_queue_bytes")
	f("tenants:\n  - id: a\n    retention: forever\n", nil, "retention")
	f("tenants:\n  - id: a\n    webhooks:\n      secrets: [\"whsec_dG9vIHNob3J0\"]\n", nil, "tenants[0].webhooks.secrets[0]: the key must be 24 to 64 bytes")
	f("tenants:\n  - id: a\n    webhooks:\n      secrets: [\"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3\"]\n", nil, "tenants[0].webhooks.secrets[0]: must start with \"whsec_\"")
	f("tenants:\n  - id: a\n    webhooks:\n      allow_private_targets: maybe\n", nil, "tenants[0].webhooks.allow_private_targets")
	f("webhooks:\n  retry_schedule: [5s, 30s]\n", nil, "webhooks.retry_schedule")
	f("webhooks:\n  attempt_timeout: 0.5s\n", nil, "webhooks.attempt_timeout")
	f("providers:\n  - name: big\n    kind: ollama\n", nil, "providers[0].model")
	f("providers:\n  - name: x\n    kind: gpt\n", nil, "providers[0].kind")
	f("providers:\n  - name: ext\n    kind: external\n    base_url: https://api.example\n    model: m\n", nil, "providers[0].api_key_env")
	// An external provider in an on-prem tenant's chain is refused.
	f("providers:\n  - name: ext\n    kind: external\n    base_url: https://api.example\n    model: m\n    api_key_env: K\n"+
		"tenants:\n  - id: a\n    keys: [\""+digest+"\"]\n    chain: [ext]\n", nil, "tenants[0].chain[0]")
	// The secret must not be echoed whole.
	_, err := load(t, "tenants:\n  - id: a\n    keys: [\"plain-secret-key-in-the-file\"]\n", nil)
	if err == nil || strings.Contains(err.Error(), "plain-secret-key-in-the-file") {
		t.Fatalf("error echoes the key: %v", err)
	}
}

// TestWebhookKeys loads the keys contract 1.1 fixes for callbacks: a
// tenant's secrets, in order, and allow_private_targets; and the global
// webhooks section.
func TestWebhookKeys(t *testing.T) {
	current, previous := "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3", "whsec_QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
	c, err := load(t, "webhooks:\n  attempt_timeout: 3s\n  retry_schedule: [1m, 1h, 3h]\n  log_size: 50\n"+
		"tenants:\n  - id: acme\n    webhooks:\n      secrets: [\""+current+"\", \""+previous+"\"]\n      allow_private_targets: true\n  - id: plain\n    keys: [\""+tenant.Digest("k")+"\"]\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Webhooks; w.AttemptTimeout != 3*time.Second || w.LogSize != 50 || len(w.RetrySchedule) != 3 || w.RetrySchedule[2] != 3*time.Hour {
		t.Fatalf("got webhooks %+v", w)
	}
	reg, err := tenant.New(c.Tenants)
	if err != nil {
		t.Fatal(err)
	}
	acme, plain := reg.Tenants()[0].WebhookPolicy, reg.Tenants()[1].WebhookPolicy
	if len(acme.Secrets) != 2 || !acme.AllowPrivateTargets || len(plain.Secrets) != 0 || plain.AllowPrivateTargets {
		t.Fatalf("got policies %+v and %+v", acme, plain)
	}
}

func TestKeyForms(t *testing.T) {
	d1, d2 := tenant.Digest("k1"), tenant.Digest("k2")
	c, err := load(t, "server:\n  addr: 0.0.0.0:8080\ntenants:\n  - id: acme\n    keys:\n      - \""+d1+"\"\n      - digest: "+d2+"\n        name: ops\n        scopes: [bios, metrics]\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := c.Tenants[0].Keys
	if len(keys) != 2 || keys[0].Scopes[0] != "bios" || keys[1].Name != "ops" || len(keys[1].Scopes) != 2 {
		t.Fatalf("got %+v", keys)
	}
	if c.KeylessLoopback {
		t.Fatal("KeylessLoopback set with keys everywhere")
	}
}
