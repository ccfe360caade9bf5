package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/tenant"
)

// defaulted returns the configuration Load makes of an empty file.
func defaulted() *Config {
	c := &Config{}
	c.SetDefaults()
	return c
}

// wantErr fails unless err names key and quotes value.
func wantErr(t *testing.T, err error, key, value string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want an error naming %q", key)
	}
	if !strings.Contains(err.Error(), key+":") || !strings.Contains(err.Error(), value) {
		t.Fatalf("got %q; want it to name %q and quote %q", err, key, value)
	}
}

func TestValidateServer(t *testing.T) {
	f := func(change func(s *Server), key, value string) {
		t.Helper()
		s := defaulted().Server
		change(&s)
		wantErr(t, s.validate(), key, value)
	}
	if err := defaulted().Server.validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	f(func(s *Server) { s.Addr = "nope" }, "server.addr", `"nope"`)
	f(func(s *Server) { s.AdminAddr = "8081" }, "server.admin_addr", `"8081"`)
	f(func(s *Server) { s.MaxBodyBytes = 10 }, "server.max_body_bytes", "10 must be between 1024 and 16777216")
	f(func(s *Server) { s.MaxHeaderBytes = 2 << 20 }, "server.max_header_bytes", "2097152")
	f(func(s *Server) { s.MaxInFlight = 0 }, "server.max_in_flight", "0 must be between")
	f(func(s *Server) { s.MaxConns = -1 }, "server.max_conns", "-1 must be between")
	f(func(s *Server) { s.IdleTimeout = -time.Second }, "server.idle_timeout", "-1s must not be negative")
	f(func(s *Server) { s.ShutdownGrace = -time.Second }, "server.shutdown_grace", "-1s")
	f(func(s *Server) { s.TemplateReserve = 20 * time.Second }, "server.template_reserve", "20s must be less than server.request_timeout (20s)")
	f(func(s *Server) { s.WriteTimeout = 20 * time.Second }, "server.write_timeout", "20s must exceed server.request_timeout (20s)")
}

func TestValidateLog(t *testing.T) {
	f := func(l Log, key, value string) {
		t.Helper()
		wantErr(t, l.validate(), key, value)
	}
	if err := defaulted().Log.validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	f(Log{Level: "loud", Format: "json"}, "log.level", `"loud"`)
	f(Log{Level: "info", Format: "xml"}, "log.format", `"xml"`)
	f(Log{Format: "json"}, "log.level", `""`)
}

func TestValidateCache(t *testing.T) {
	f := func(change func(c *Cache), key, value string) {
		t.Helper()
		c := defaulted().Cache
		change(&c)
		wantErr(t, c.validate(), key, value)
	}
	if err := defaulted().Cache.validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	f(func(c *Cache) { c.MaxBytes = 1000 }, "cache.max_bytes", "1000 must be at least 1048576")
	f(func(c *Cache) { c.Embedder = "bert" }, "cache.embedder", `"bert"`)
	f(func(c *Cache) { c.Embedder = "ollama" }, "cache.embed_model", "required with cache.embedder: ollama")
	f(func(c *Cache) { c.SemanticMaxEntries = -1 }, "cache.semantic_max_entries", "-1 must not be negative")
	f(func(c *Cache) { c.SnapshotEvery = -time.Minute }, "cache.snapshot_every", "-1m0s must not be negative")
}

func TestValidateProviders(t *testing.T) {
	ollama := Provider{Name: "big", Kind: KindOllama, Model: "m"}
	f := func(change func(p *Provider), key, value string) {
		t.Helper()
		c := &Config{Providers: []Provider{ollama}}
		change(&c.Providers[0])
		c.SetDefaults()
		_, err := c.validateProviders()
		wantErr(t, err, key, value)
	}
	c := &Config{Providers: []Provider{ollama}}
	c.SetDefaults()
	if _, err := c.validateProviders(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	f(func(p *Provider) { p.Name = "" }, "providers[0].name", "required")
	twice := &Config{Providers: []Provider{ollama, ollama}}
	twice.SetDefaults()
	_, err := twice.validateProviders()
	wantErr(t, err, "providers[1].name", `"big" is used twice`)
	f(func(p *Provider) { p.Kind = "gpt" }, "providers[0].kind", `"gpt" must be`)
	f(func(p *Provider) { p.Model = "" }, "providers[0].model", "required for an ollama provider")
	f(func(p *Provider) { p.Kind = KindExternal }, "providers[0].base_url", "required for an external provider")
	f(func(p *Provider) { p.Kind, p.BaseURL, p.Model = KindExternal, "https://x", "" }, "providers[0].model", "required for an external provider")
	f(func(p *Provider) { p.Kind, p.BaseURL = KindExternal, "https://x" }, "providers[0].api_key_env", "never goes in the file")
	f(func(p *Provider) { p.Timeout = time.Minute }, "providers[0].timeout", "1m0s must be between 0 and server.request_timeout (20s)")
	f(func(p *Provider) { p.MaxConcurrent = -1 }, "providers[0].max_concurrent", "-1 must be at least 1")
	f(func(p *Provider) { p.Retries = 6 }, "providers[0].retries", "6 must be between -1 (none) and 5")
	f(func(p *Provider) { p.QueueWait = -time.Millisecond }, "providers[0].queue_wait", "-1ms must not be negative")
	f(func(p *Provider) { p.KeepAlive = -time.Minute }, "providers[0].keep_alive", "-1m0s must not be negative")
	f(func(p *Provider) { p.Kind, p.Modelfile = KindTemplate, "x" }, "providers[0].modelfile", "only ollama providers")
	f(func(p *Provider) { p.Modelfile = "/no/such/Modelfile" }, "providers[0].modelfile", "/no/such/Modelfile")
	f(func(p *Provider) { p.MaxTokens = -5 }, "providers[0].max_tokens", "-5 must not be negative")
	f(func(p *Provider) { p.Temperature = 2.5 }, "providers[0].temperature", "2.5 must be between 0 and 2")
	f(func(p *Provider) { p.CostPer1KOutput = -1 }, "providers[0].cost_per_1k_input/output", "must not be negative")
}

func TestValidateTenants(t *testing.T) {
	digest := tenant.Digest("k1")
	f := func(addr string, providers []Provider, tc tenant.Config, key, value string) {
		t.Helper()
		c := &Config{Server: Server{Addr: addr}, Providers: providers, Tenants: []tenant.Config{tc}}
		c.SetDefaults()
		ps, err := c.validateProviders()
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, c.validateTenants(ps, []string{"v1", "v2"}), key, value)
	}
	ext := []Provider{{Name: "ext", Kind: KindExternal, BaseURL: "https://x", Model: "m", APIKeyEnv: "K"}}
	f("", nil, tenant.Config{ID: "Acme!"}, "tenants[0].id", `"Acme!"`)
	f("0.0.0.0:8080", nil, tenant.Config{ID: "a"}, "tenants[0].keys", `got "0.0.0.0:8080"`)
	f("", nil, tenant.Config{ID: "a", Chain: []string{"gpu"}}, "tenants[0].chain[0]", `unknown provider "gpu"`)
	f("", ext, tenant.Config{ID: "a", Keys: []tenant.Key{{Digest: digest}}, Chain: []string{"ext"}}, "tenants[0].chain[0]", `has policy "onprem_only"`)
	f("", nil, tenant.Config{ID: "a", Cache: tenant.CacheConfig{Similarity: 2}}, "tenants[0].cache.similarity", "2 must be in (0, 1]")

	c := defaulted()
	ps, _ := c.validateProviders()
	if err := c.validateTenants(ps, []string{"v1"}); err != nil || !c.KeylessLoopback {
		t.Fatalf("defaults: %v, KeylessLoopback %v", err, c.KeylessLoopback)
	}
}

func TestValidateTracing(t *testing.T) {
	f := func(change func(tr *Tracing), key, value string) {
		t.Helper()
		tr := defaulted().Tracing
		change(&tr)
		wantErr(t, tr.validate(), key, value)
	}
	d := defaulted().Tracing
	if err := d.validate(); err != nil || d.OTLPEndpoint != "" || *d.SampleRatio != 1 || d.ServiceName != "biogen" {
		t.Fatalf("defaults %+v: %v; want tracing off, ratio 1, service biogen", d, err)
	}
	f(func(tr *Tracing) { tr.OTLPEndpoint = "collector:4318" }, "tracing.otlp_endpoint", `"collector:4318"`)
	f(func(tr *Tracing) { tr.SampleRatio = new(1.5) }, "tracing.sample_ratio", "1.5")
	f(func(tr *Tracing) { tr.ServiceName = "" }, "tracing.service_name", "required")
	f(func(tr *Tracing) { tr.QueueSize = -1 }, "tracing.queue_size", "-1")
	f(func(tr *Tracing) { tr.BatchDelay = -time.Second }, "tracing.batch_delay", "-1s")
	zero := defaulted().Tracing
	zero.SampleRatio = new(0.0)
	if err := zero.validate(); err != nil {
		t.Fatalf("sample_ratio 0: %v", err)
	}
	c, err := Load("", func(k string) string {
		return map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://otel:4318", "OTEL_SERVICE_NAME": "bios-eu"}[k]
	})
	if err != nil || c.Tracing.OTLPEndpoint != "http://otel:4318" || c.Tracing.ServiceName != "bios-eu" {
		t.Fatalf("env: %+v, %v; want the OTEL_ variables honoured", c.Tracing, err)
	}
}

func TestValidateWebhooks(t *testing.T) {
	f := func(change func(w *Webhooks), key, value string) {
		t.Helper()
		w := defaulted().Webhooks
		change(&w)
		wantErr(t, w.validate(), key, value)
	}
	d := defaulted().Webhooks
	if err := d.validate(); err != nil || d.AttemptTimeout != 10*time.Second || d.LogSize != 1000 || len(d.RetrySchedule) != 7 {
		t.Fatalf("defaults %+v: %v", d, err)
	}
	f(func(w *Webhooks) { w.AttemptTimeout = time.Hour }, "webhooks.attempt_timeout", "1h0m0s must be between 1s and 5m")
	f(func(w *Webhooks) { w.RetrySchedule = []time.Duration{time.Minute, 10 * time.Minute, time.Hour} },
		"webhooks.retry_schedule", "[1m0s 10m0s 1h0m0s]: the last attempt may come 11m0s after the first")
	f(func(w *Webhooks) { w.RetrySchedule = []time.Duration{time.Hour, -time.Second} }, "webhooks.retry_schedule", "slot 1 is -1s")
	f(func(w *Webhooks) { w.LogSize = -1 }, "webhooks.log_size", "-1 must be between 1 and 1048576")
}

// TestValidateExperiments checks the rules of tenants[].experiments that
// need the rest of the configuration: an arm's chain is checked as the
// tenant's is (known providers, no external one in an onprem_only
// tenant's arm), its prompt version must be one there is, and experiment
// IDs are unique across tenants.
func TestValidateExperiments(t *testing.T) {
	digest := tenant.Digest("k1")
	providers := []Provider{{Name: "big", Kind: KindOllama, Model: "m"}, {Name: "ext", Kind: KindExternal, BaseURL: "https://x", Model: "m", APIKeyEnv: "K"}}
	arms := func(second tenant.ArmConfig) []tenant.ExperimentConfig {
		second.Name, second.Weight = "v2", new(10)
		return []tenant.ExperimentConfig{{ID: "prompt-v2", Arms: []tenant.ArmConfig{{Name: "control", Weight: new(90)}, second}}}
	}
	f := func(tenants []tenant.Config, key, value string) {
		t.Helper()
		c := &Config{Providers: providers, Tenants: tenants}
		c.SetDefaults()
		ps, err := c.validateProviders()
		if err != nil {
			t.Fatal(err)
		}
		err = c.validateTenants(ps, []string{"v1", "v2"})
		if key == "" {
			if err != nil {
				t.Fatalf("got %v; want it accepted", err)
			}
			return
		}
		wantErr(t, err, key, value)
	}
	one := func(policy tenant.Policy, second tenant.ArmConfig) []tenant.Config {
		return []tenant.Config{{ID: "acme", Policy: policy, Keys: []tenant.Key{{Digest: digest}}, Chain: []string{"big"}, Experiments: arms(second)}}
	}
	f(one("", tenant.ArmConfig{PromptVersion: "v2"}), "", "")
	f(one("", tenant.ArmConfig{Chain: []string{"big"}}), "", "")
	f(one(tenant.AllowExternal, tenant.ArmConfig{PromptVersion: "v2", Chain: []string{"ext", "big"}}), "", "")
	f(one("", tenant.ArmConfig{PromptVersion: "v9"}), "tenants[0].experiments[0].arms[1].prompt_version", `unknown version "v9" (there are v1, v2)`)
	f(one("", tenant.ArmConfig{Chain: []string{"gpu"}}), "tenants[0].experiments[0].arms[1].chain[0]", `unknown provider "gpu"`)
	f(one("", tenant.ArmConfig{Chain: []string{"big", "ext"}}), "tenants[0].experiments[0].arms[1].chain[1]",
		`provider "ext" is external, but tenant "acme" has policy "onprem_only"`)
	f(one("", tenant.ArmConfig{Chain: []string{"big", "big"}}), "tenants[0].experiments[0].arms[1].chain[1]", `provider "big" listed twice`)
	twice := append(one("", tenant.ArmConfig{}), tenant.Config{ID: "globex", Keys: []tenant.Key{{Digest: tenant.Digest("k2")}}, Experiments: arms(tenant.ArmConfig{})})
	f(twice, "tenants[1].experiments[0].id", `"prompt-v2" is tenant "acme"'s experiment too`)

	// An arm's chain ends with the template writer, as the tenant's does;
	// an arm without one keeps none (it has the tenant's).
	c := &Config{Providers: providers, Tenants: one("", tenant.ArmConfig{Chain: []string{"big"}})}
	c.SetDefaults()
	if a := c.Tenants[0].Experiments[0].Arms; a[0].Chain != nil || !slices.Equal(a[1].Chain, []string{"big", "template"}) {
		t.Fatalf("arm chains after defaults: %q and %q", a[0].Chain, a[1].Chain)
	}
}

// TestValidatePrompts checks prompts.version against the versions there
// are, embedded or in prompts.dir.
func TestValidatePrompts(t *testing.T) {
	p := defaulted().Prompts
	versions, err := p.validate()
	if err != nil || !slices.Contains(versions, "v1") || !slices.Contains(versions, "v2") {
		t.Fatalf("defaults: %q, %v; want v1 and v2 among the versions", versions, err)
	}
	p.Version = "v9"
	_, err = p.validate()
	wantErr(t, err, "prompts.version", `unknown version "v9"`)
	p = Prompts{Dir: t.TempDir(), Version: "v1"}
	_, err = p.validate()
	wantErr(t, err, "prompts.dir", p.Dir)
}

// TestLoadExperiments loads the contract's example of tenants[].experiments.
func TestLoadExperiments(t *testing.T) {
	path := filepath.Join(t.TempDir(), "biogen.yaml")
	os.WriteFile(path, []byte(`tenants:
  - id: northwind
    experiments:
      - id: prompt-v2
        arms:
          - {name: control, weight: 50}
          - {name: v2, weight: 50, prompt_version: v2}   # an arm may also set chain: [...]
`), 0o600)
	c, err := Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	e := c.Tenants[0].Experiments
	if len(e) != 1 || e[0].ID != "prompt-v2" || len(e[0].Arms) != 2 || *e[0].Arms[1].Weight != 50 || e[0].Arms[1].PromptVersion != "v2" {
		t.Fatalf("experiments %+v", e)
	}
}
