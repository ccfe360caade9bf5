package config

import (
	"slices"
	"strings"
	"time"

	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/models"
)

// SetDefaults fills in every unset field. With no tenants configured it adds
// one keyless tenant, "default".
//
// This is the one place biogen's defaults are filled: the packages the
// values go to reject a zero instead of defaulting it.
func (c *Config) SetDefaults() {
	c.Server.setDefaults()
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "json"
	}
	if c.DataDir == "" {
		c.DataDir = "biogen-data"
	}
	defer func() {
		// After the cache's defaults: the limit follows its budget.
		if c.MemoryLimit == 0 {
			// The caches live in a heap the collector lets grow to about
			// twice its live size, beside the requests in flight.
			c.MemoryLimit = max(3*c.Cache.MaxBytes, c.Cache.MaxBytes+128<<20)
		}
	}()
	if c.Prompts.Version == "" {
		c.Prompts.Version = "v1"
	}
	if c.Ollama.Host == "" {
		c.Ollama.Host = "http://127.0.0.1:11434"
	} else if !strings.Contains(c.Ollama.Host, "://") {
		c.Ollama.Host = "http://" + c.Ollama.Host
	}
	c.Cache.setDefaults(c.Ollama.Host)
	if len(c.Providers) == 0 {
		// Nothing configured: the main job, with the local Ollama first.
		c.Providers = []Provider{DefaultProvider()}
	}
	if !c.hasProvider(KindTemplate) {
		c.Providers = append(c.Providers, Provider{Name: "template", Kind: KindTemplate})
	}
	for i := range c.Providers {
		c.Providers[i].setDefaults(c.Ollama.Host, c.Server.RequestTimeout)
	}
	if len(c.Tenants) == 0 {
		// One tenant, with every provider in the order given.
		t := tenant.Config{ID: "default"}
		for _, p := range c.Providers {
			t.Chain = append(t.Chain, p.Name)
		}
		c.Tenants = []tenant.Config{t}
	}
	for i := range c.Tenants {
		SetTenantDefaults(&c.Tenants[i])
	}
	c.Tracing.setDefaults()
	c.Webhooks.setDefaults()
}

func (w *Webhooks) setDefaults() {
	setDuration(&w.AttemptTimeout, 10*time.Second)
	if len(w.RetrySchedule) == 0 {
		w.RetrySchedule = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute,
			10 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour}
	}
	setInt(&w.LogSize, 1000)
}

func (t *Tracing) setDefaults() {
	if t.SampleRatio == nil {
		t.SampleRatio = new(1.0)
	}
	if t.ServiceName == "" {
		t.ServiceName = "biogen"
	}
	setDuration(&t.ExportTimeout, 10*time.Second)
	setInt(&t.QueueSize, 2048)
	setDuration(&t.BatchDelay, 5*time.Second)
}

func (s *Server) setDefaults() {
	if s.Addr == "" {
		s.Addr = DefaultAddr
	}
	setInt(&s.MaxBodyBytes, 64<<10)
	setInt(&s.MaxHeaderBytes, 8<<10)
	setDuration(&s.ReadTimeout, 10*time.Second)
	setDuration(&s.IdleTimeout, 60*time.Second)
	// The durations that depend on the request timeout derive from it, so
	// that setting it alone is always a valid configuration.
	setDuration(&s.RequestTimeout, 20*time.Second)
	setDuration(&s.WriteTimeout, max(30*time.Second, s.RequestTimeout+10*time.Second))
	setDuration(&s.ShutdownGrace, max(25*time.Second, s.RequestTimeout+5*time.Second))
	setDuration(&s.TemplateReserve, min(500*time.Millisecond, s.RequestTimeout/10))
	setInt(&s.MaxInFlight, 1024)
	setInt(&s.MaxConns, 10000)
	setInt(&s.JobWorkers, 2)
	setFloat(&s.JobSlotShare, 0.5)
	if s.RecordQueueBytes == 0 {
		s.RecordQueueBytes = 8 << 20
	}
}

func (c *Cache) setDefaults(ollamaHost string) {
	if c.MaxBytes == 0 {
		c.MaxBytes = 128 << 20
	}
	if c.Embedder == "" {
		c.Embedder = "hash"
	}
	if c.EmbedHost == "" {
		c.EmbedHost = ollamaHost
	}
	if c.KeyEnv == "" {
		c.KeyEnv = "BIOGEN_CACHE_KEY"
	}
	setDuration(&c.SnapshotEvery, 5*time.Minute)
	setDuration(&c.EmbedTimeout, time.Second)
	setInt(&c.SemanticMaxEntries, 100000)
}

// setDefaults fills the provider's unset settings, those of the guard
// around it (chain.Settings) and those of its kind.
func (p *Provider) setDefaults(ollamaHost string, requestTimeout time.Duration) {
	setDuration(&p.Timeout, min(8*time.Second, requestTimeout))
	setInt(&p.MaxConcurrent, 4)
	setDuration(&p.QueueWait, 100*time.Millisecond)
	setInt(&p.Retries, 1) // -1 stays: no retries
	setDuration(&p.BackoffBase, 100*time.Millisecond)
	setDuration(&p.BackoffMax, 2*time.Second)
	if p.BreakerFailures == 0 {
		p.BreakerFailures = 5
	}
	setDuration(&p.BreakerOpen, 10*time.Second)
	switch p.Kind {
	case KindOllama:
		if p.Host == "" {
			p.Host = ollamaHost
		}
		setDuration(&p.KeepAlive, 30*time.Minute)
		setInt(&p.NumCtx, 4096)
		setDuration(&p.CheckTimeout, 10*time.Second)
		setDuration(&p.PullTimeout, 30*time.Minute)
		setFloat(&p.Temperature, 0.4)
	case KindExternal:
		setFloat(&p.Temperature, 0.4)
	}
}

// The model of the provider a configuration without providers gets.
const (
	DefaultModel     = "biogen-writer:8b"
	DefaultModelfile = models.Builtin + "biogen-writer-8b.Modelfile"
)

// DefaultProvider is the provider a configuration without providers gets:
// the writer model on the Ollama at ollama.host (OLLAMA_HOST), created at
// start-up from the embedded Modelfile when the server has its base model.
func DefaultProvider() Provider {
	return Provider{Name: "local", Kind: KindOllama, Model: DefaultModel, Modelfile: DefaultModelfile}
}

// SetTenantDefaults fills in every unset field of one tenant, as Load does;
// tenant.New rejects a tenant whose fields are not all set.
func SetTenantDefaults(c *tenant.Config) {
	if c.Policy == "" {
		c.Policy = tenant.OnPremOnly
	}
	if len(c.Chain) == 0 {
		c.Chain = []string{"template"}
	}
	c.Chain = withTemplate(c.Chain)
	for i := range c.Experiments {
		for j := range c.Experiments[i].Arms {
			if a := &c.Experiments[i].Arms[j]; len(a.Chain) > 0 {
				a.Chain = withTemplate(a.Chain) // an arm without a chain has the tenant's
			}
		}
	}
	if c.Cache.Exact == nil {
		c.Cache.Exact = new(true)
	}
	if c.Cache.Semantic == nil {
		c.Cache.Semantic = new(true)
	}
	setDuration(&c.Cache.TTL, 24*time.Hour)
	setDuration(&c.Retention, 30*24*time.Hour)
	if c.Cache.Scope == "" {
		c.Cache.Scope = "user"
	}
	setFloat(&c.Cache.Similarity, 0.92)
	// A peak of 100 requests a second (about 10,000 daily users) passes.
	setFloat(&c.RateLimit.RequestsPerSecond, 100)
	if c.RateLimit.PerUser.RequestsPerMinute == nil {
		c.RateLimit.PerUser.RequestsPerMinute = new(10)
	}
	if c.RateLimit.PerUser.Burst == 0 {
		c.RateLimit.PerUser.Burst = 5
	}
	if c.RateLimit.Burst == 0 {
		c.RateLimit.Burst = max(int(2*c.RateLimit.RequestsPerSecond), 1)
	}
	for i := range c.Keys {
		if len(c.Keys[i].Scopes) == 0 {
			c.Keys[i].Scopes = []string{tenant.ScopeBios}
		}
	}
}

// withTemplate returns chain with the template writer last.
func withTemplate(chain []string) []string {
	if chain[len(chain)-1] != "template" {
		return append(chain, "template")
	}
	return chain
}

func (c *Config) hasProvider(name string) bool {
	return slices.ContainsFunc(c.Providers, func(p Provider) bool { return p.Name == name })
}

func setInt(p *int, v int) {
	if *p == 0 {
		*p = v
	}
}

func setFloat(p *float64, v float64) {
	if *p == 0 {
		*p = v
	}
}

func setDuration(p *time.Duration, v time.Duration) {
	if *p == 0 {
		*p = v
	}
}
