package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/webhook"
	"github.com/biogen/biogen/models"
	"github.com/biogen/biogen/prompts"
)

// Validate checks the whole configuration after SetDefaults, section by
// section; each error names the key and quotes the bad value. It sets
// KeylessLoopback when a tenant has no keys.
func (c *Config) Validate() error {
	if err := c.Server.validate(); err != nil {
		return err
	}
	if err := c.Log.validate(); err != nil {
		return err
	}
	if err := c.Cache.validate(); err != nil {
		return err
	}
	if err := c.validateMemory(); err != nil {
		return err
	}
	if err := c.Tracing.validate(); err != nil {
		return err
	}
	if err := c.Webhooks.validate(); err != nil {
		return err
	}
	versions, err := c.Prompts.validate()
	if err != nil {
		return err
	}
	providers, err := c.validateProviders()
	if err != nil {
		return err
	}
	return c.validateTenants(providers, versions)
}

// validate checks that the default prompt version is there, and returns
// every version there is (the directories under prompts/bio/, or under
// dir/bio/), for the experiment arms to name.
func (p *Prompts) validate() ([]string, error) {
	versions, err := prompts.Versions(prompts.Files(p.Dir), "bio")
	if err != nil {
		return nil, fmt.Errorf("prompts.dir: %q: %w", p.Dir, err)
	}
	if !slices.Contains(versions, p.Version) {
		return nil, fmt.Errorf("prompts.version: unknown version %q (there are %s)", p.Version, strings.Join(versions, ", "))
	}
	return versions, nil
}

func (s *Server) validate() error {
	if err := checkAddr("server.addr", s.Addr); err != nil {
		return err
	}
	if err := s.TLS.validate("server.tls"); err != nil {
		return err
	}
	if err := s.AdminTLS.validate("server.admin_tls"); err != nil {
		return err
	}
	if s.AdminAddr != "" {
		if err := checkAddr("server.admin_addr", s.AdminAddr); err != nil {
			return err
		}
	}
	for _, x := range []struct {
		key      string
		v, lo, h int
	}{
		{"server.max_body_bytes", s.MaxBodyBytes, 1 << 10, 16 << 20},
		{"server.max_header_bytes", s.MaxHeaderBytes, 1 << 10, 1 << 20},
		{"server.max_in_flight", s.MaxInFlight, 1, 1 << 20},
		{"server.max_conns", s.MaxConns, 1, 1 << 24},
		{"server.job_workers", s.JobWorkers, 1, 64},
	} {
		if x.v < x.lo || x.v > x.h {
			return fmt.Errorf("%s: %d must be between %d and %d", x.key, x.v, x.lo, x.h)
		}
	}
	if s.RecordQueueBytes < 64<<10 || s.RecordQueueBytes > 1<<30 {
		return fmt.Errorf("server.record_queue_bytes: %d must be between %d and %d", s.RecordQueueBytes, 64<<10, 1<<30)
	}
	if !(s.JobSlotShare > 0 && s.JobSlotShare <= 1) {
		return fmt.Errorf("server.job_slot_share: %v must be above 0 and at most 1", s.JobSlotShare)
	}
	for _, x := range []struct {
		key string
		v   time.Duration
	}{
		{"server.read_timeout", s.ReadTimeout}, {"server.write_timeout", s.WriteTimeout},
		{"server.idle_timeout", s.IdleTimeout}, {"server.request_timeout", s.RequestTimeout},
		{"server.shutdown_grace", s.ShutdownGrace}, {"server.template_reserve", s.TemplateReserve},
	} {
		if x.v < 0 {
			return fmt.Errorf("%s: %s must not be negative", x.key, x.v)
		}
	}
	if s.TemplateReserve >= s.RequestTimeout {
		return fmt.Errorf("server.template_reserve: %s must be less than server.request_timeout (%s)", s.TemplateReserve, s.RequestTimeout)
	}
	if s.WriteTimeout <= s.RequestTimeout {
		return fmt.Errorf("server.write_timeout: %s must exceed server.request_timeout (%s), or long answers are cut off", s.WriteTimeout, s.RequestTimeout)
	}
	return nil
}

func (l *Log) validate() error {
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level: %q must be debug, info, warn or error", l.Level)
	}
	if l.Format != "json" && l.Format != "text" {
		return fmt.Errorf("log.format: %q must be json or text", l.Format)
	}
	return nil
}

// validateMemory checks the memory limit against the budgets it holds:
// the caches' and the queue of bio records'.
func (c *Config) validateMemory() error {
	if c.MemoryLimit < c.Cache.MaxBytes+c.Server.RecordQueueBytes+32<<20 {
		return fmt.Errorf("memory_limit: %d must be at least cache.max_bytes (%d) plus server.record_queue_bytes (%d) plus 32 MiB",
			c.MemoryLimit, c.Cache.MaxBytes, c.Server.RecordQueueBytes)
	}
	return nil
}

func (c *Cache) validate() error {
	if c.MaxBytes < 1<<20 {
		return fmt.Errorf("cache.max_bytes: %d must be at least 1048576", c.MaxBytes)
	}
	switch c.Embedder {
	case "hash":
	case "ollama":
		if c.EmbedModel == "" {
			return fmt.Errorf("cache.embed_model: required with cache.embedder: ollama")
		}
	default:
		return fmt.Errorf("cache.embedder: %q must be hash or ollama", c.Embedder)
	}
	if c.SemanticMaxEntries < 0 {
		return fmt.Errorf("cache.semantic_max_entries: %d must not be negative", c.SemanticMaxEntries)
	}
	if c.SnapshotEvery < 0 {
		return fmt.Errorf("cache.snapshot_every: %s must not be negative", c.SnapshotEvery)
	}
	return nil
}

func (t *Tracing) validate() error {
	if t.OTLPEndpoint != "" {
		u, err := url.Parse(t.OTLPEndpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("tracing.otlp_endpoint: %q must be an http or https URL such as http://collector:4318", t.OTLPEndpoint)
		}
	}
	if r := *t.SampleRatio; !(r >= 0 && r <= 1) {
		return fmt.Errorf("tracing.sample_ratio: %g must be between 0 and 1", r)
	}
	if t.ServiceName == "" {
		return errors.New("tracing.service_name: required")
	}
	if t.QueueSize < 1 || t.QueueSize > 1<<20 {
		return fmt.Errorf("tracing.queue_size: %d must be between 1 and 1048576", t.QueueSize)
	}
	if t.ExportTimeout <= 0 || t.BatchDelay <= 0 {
		return fmt.Errorf("tracing.export_timeout, tracing.batch_delay: %s and %s must be positive", t.ExportTimeout, t.BatchDelay)
	}
	return nil
}

func (w *Webhooks) validate() error {
	if w.AttemptTimeout < time.Second || w.AttemptTimeout > 5*time.Minute {
		return fmt.Errorf("webhooks.attempt_timeout: %s must be between 1s and 5m", w.AttemptTimeout)
	}
	if err := webhook.CheckSchedule(w.RetrySchedule); err != nil {
		return fmt.Errorf("webhooks.retry_schedule: %v: %w", w.RetrySchedule, err)
	}
	if w.LogSize < 1 || w.LogSize > 1<<20 {
		return fmt.Errorf("webhooks.log_size: %d must be between 1 and 1048576", w.LogSize)
	}
	return nil
}

// validateProviders checks every provider and returns them by name.
func (c *Config) validateProviders() (map[string]*Provider, error) {
	providers := map[string]*Provider{}
	for i := range c.Providers {
		p := &c.Providers[i]
		key := fmt.Sprintf("providers[%d]", i)
		if p.Name == "" {
			return nil, fmt.Errorf("%s.name: required", key)
		}
		if providers[p.Name] != nil {
			return nil, fmt.Errorf("%s.name: %q is used twice", key, p.Name)
		}
		providers[p.Name] = p
		if err := p.validate(key, c.Server.RequestTimeout); err != nil {
			return nil, err
		}
	}
	return providers, nil
}

// validate checks one provider; key is its path ("providers[0]").
func (p *Provider) validate(key string, requestTimeout time.Duration) error {
	if err := p.validateKind(key); err != nil {
		return err
	}
	if p.Timeout < 0 || p.Timeout > requestTimeout {
		return fmt.Errorf("%s.timeout: %s must be between 0 and server.request_timeout (%s)", key, p.Timeout, requestTimeout)
	}
	if p.MaxConcurrent < 1 {
		return fmt.Errorf("%s.max_concurrent: %d must be at least 1", key, p.MaxConcurrent)
	}
	if p.Retries < -1 || p.Retries > 5 {
		return fmt.Errorf("%s.retries: %d must be between -1 (none) and 5", key, p.Retries)
	}
	for _, d := range []struct {
		k string
		v time.Duration
	}{{"queue_wait", p.QueueWait}, {"backoff_base", p.BackoffBase}, {"backoff_max", p.BackoffMax}, {"breaker_open", p.BreakerOpen}, {"keep_alive", p.KeepAlive},
		{"check_timeout", p.CheckTimeout}, {"pull_timeout", p.PullTimeout}} {
		if d.v < 0 {
			return fmt.Errorf("%s.%s: %s must not be negative", key, d.k, d.v)
		}
	}
	if p.Modelfile != "" {
		if p.Kind != KindOllama {
			return fmt.Errorf("%s.modelfile: only ollama providers create models", key)
		}
		if name, ok := strings.CutPrefix(p.Modelfile, models.Builtin); ok {
			if _, err := fs.Stat(models.FS, name); err != nil {
				return fmt.Errorf("%s.modelfile: %q is not one of biogen's Modelfiles (models/)", key, p.Modelfile)
			}
		} else if _, err := os.Stat(p.Modelfile); err != nil {
			return fmt.Errorf("%s.modelfile: %v", key, err)
		}
	}
	if p.MaxTokens < 0 {
		return fmt.Errorf("%s.max_tokens: %d must not be negative", key, p.MaxTokens)
	}
	if p.Temperature < 0 || p.Temperature > 2 {
		return fmt.Errorf("%s.temperature: %g must be between 0 and 2", key, p.Temperature)
	}
	if p.CostPer1KInput < 0 || p.CostPer1KOutput < 0 {
		return fmt.Errorf("%s.cost_per_1k_input/output: prices must not be negative", key)
	}
	return nil
}

// validateKind checks what the provider's kind requires.
func (p *Provider) validateKind(key string) error {
	switch p.Kind {
	case KindTemplate:
	case KindOllama:
		if p.Model == "" {
			return fmt.Errorf("%s.model: required for an ollama provider", key)
		}
	case KindExternal:
		if p.BaseURL == "" {
			return fmt.Errorf("%s.base_url: required for an external provider", key)
		}
		if p.Model == "" {
			return fmt.Errorf("%s.model: required for an external provider", key)
		}
		if p.APIKeyEnv == "" {
			return fmt.Errorf("%s.api_key_env: required for an external provider (the key itself never goes in the file)", key)
		}
	default:
		return fmt.Errorf("%s.kind: %q must be ollama, external or template", key, p.Kind)
	}
	return nil
}

// validateTenants checks every tenant, its keys against the listen
// address, its chain and its experiment's arms against providers and the
// prompt versions, and sets KeylessLoopback.
func (c *Config) validateTenants(providers map[string]*Provider, versions []string) error {
	loopback := isLoopback(c.Server.Addr)
	experiments := map[string]string{} // experiment ID -> tenant ID
	for i := range c.Tenants {
		t := &c.Tenants[i]
		key := fmt.Sprintf("tenants[%d]", i)
		if err := t.Validate(key); err != nil {
			return err
		}
		if len(t.Keys) == 0 {
			if !loopback {
				return fmt.Errorf("%s.keys: tenant %q has no API keys, which is allowed only when server.addr is a loopback address (got %q)", key, t.ID, c.Server.Addr)
			}
			c.KeylessLoopback = true
		}
		if err := checkChain(key+".chain", t.Chain, t, providers); err != nil {
			return err
		}
		for j, e := range t.Experiments {
			ekey := fmt.Sprintf("%s.experiments[%d]", key, j)
			if other, ok := experiments[e.ID]; ok {
				return fmt.Errorf("%s.id: %q is tenant %q's experiment too; experiment IDs are unique (metrics name experiments by them)", ekey, e.ID, other)
			}
			experiments[e.ID] = t.ID
			for k, a := range e.Arms {
				akey := fmt.Sprintf("%s.arms[%d]", ekey, k)
				if a.PromptVersion != "" && !slices.Contains(versions, a.PromptVersion) {
					return fmt.Errorf("%s.prompt_version: unknown version %q (there are %s)", akey, a.PromptVersion, strings.Join(versions, ", "))
				}
				if err := checkChain(akey+".chain", a.Chain, t, providers); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkChain checks that the providers of chain, tenant t's or one of its
// arms', are configured, and that an external one is there only when t's
// policy lets data leave; key is the chain's ("tenants[0].chain").
func checkChain(key string, chain []string, t *tenant.Config, providers map[string]*Provider) error {
	for j, name := range chain {
		p := providers[name]
		if p == nil {
			return fmt.Errorf("%s[%d]: unknown provider %q", key, j, name)
		}
		if p.Kind == KindExternal && t.Policy != tenant.AllowExternal {
			return fmt.Errorf("%s[%d]: provider %q is external, but tenant %q has policy %q; set policy: allow_external to let its data leave", key, j, name, t.ID, t.Policy)
		}
	}
	return nil
}

// validate checks that a TLS pair is whole and readable; key is its path
// ("server.tls").
func (t TLSFiles) validate(key string) error {
	if !t.On() {
		return nil
	}
	if t.CertFile == "" || t.KeyFile == "" {
		return fmt.Errorf("%s: set both cert_file and key_file (got %q and %q)", key, t.CertFile, t.KeyFile)
	}
	for _, f := range []string{t.CertFile, t.KeyFile} {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
	}
	return nil
}
