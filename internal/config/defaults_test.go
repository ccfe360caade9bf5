package config

import (
	"testing"
	"time"

	"github.com/biogen/biogen/internal/ratelimit"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/webhook"
)

// TestDefaultsFillEverything checks that the configuration is the one
// place defaults are filled: what Load makes of an empty file carries
// every default, and the packages that take the values, which fill none,
// accept them.
func TestDefaultsFillEverything(t *testing.T) {
	c, err := Load("", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if c.Server.RequestTimeout != 20*time.Second || c.Server.TemplateReserve != 500*time.Millisecond || c.Prompts.Version != "v1" || c.Cache.EmbedTimeout != time.Second {
		t.Fatalf("server, prompts or cache defaults missing: %+v %+v %+v", c.Server, c.Prompts, c.Cache)
	}
	if c.Cache.MaxBytes != 128<<20 || c.MemoryLimit != 384<<20 {
		t.Fatalf("memory: cache %d, limit %d; want 128 MiB and 384 MiB", c.Cache.MaxBytes, c.MemoryLimit)
	}
	p := Provider{Name: "big", Kind: KindOllama, Model: "m"}
	p.setDefaults("http://h:1", 20*time.Second)
	want := Provider{Name: "big", Kind: KindOllama, Model: "m", Host: "http://h:1", Timeout: 8 * time.Second, MaxConcurrent: 4,
		QueueWait: 100 * time.Millisecond, Retries: 1, BackoffBase: 100 * time.Millisecond, BackoffMax: 2 * time.Second,
		BreakerFailures: 5, BreakerOpen: 10 * time.Second, KeepAlive: 30 * time.Minute, Temperature: 0.4, NumCtx: 4096,
		CheckTimeout: 10 * time.Second, PullTimeout: 30 * time.Minute}
	if p != want {
		t.Fatalf("provider defaults: got %+v; want %+v", p, want)
	}
	none := Provider{Name: "big", Kind: KindOllama, Model: "m", Retries: -1}
	if none.setDefaults("", 20*time.Second); none.Retries != -1 {
		t.Fatalf("retries -1 (none) became %d", none.Retries)
	}
	w := c.Webhooks
	if _, err := webhook.New(webhook.Options{AttemptTimeout: w.AttemptTimeout, Schedule: w.RetrySchedule, LogSize: w.LogSize}); err != nil {
		t.Fatalf("webhook.New refused the defaults: %v", err)
	}
	reg, err := tenant.New(c.Tenants)
	if err != nil {
		t.Fatalf("tenant.New refused the defaults: %v", err)
	}
	for _, tn := range reg.Tenants() {
		if tn.Retention != 30*24*time.Hour {
			t.Fatalf("tenant %q: retention %s; want the contract's 30 days", tn.ID, tn.Retention)
		}
		if err := tn.CachePolicy.Validate(); err != nil || !tn.CachePolicy.Exact || !tn.CachePolicy.Semantic {
			t.Fatalf("tenant %q: policy %+v: %v", tn.ID, tn.CachePolicy, err)
		}
		if _, err := ratelimit.New(tn.RateLimit.RequestsPerSecond, tn.RateLimit.Burst); err != nil {
			t.Fatalf("tenant %q: %v", tn.ID, err)
		}
	}
}

// TestDefaultsFollowTheRequestTimeout loads configurations that set only
// server.request_timeout, from 1s up, with a provider of each kind: the
// defaults that depend on it (write timeout, shutdown grace, template
// reserve, provider timeouts) derive from it, so each loads.
func TestDefaultsFollowTheRequestTimeout(t *testing.T) {
	for _, rt := range []string{"1s", "2s", "6s", "8s", "20s", "45s", "2m"} {
		yaml := "server:\n  request_timeout: " + rt + "\nproviders:\n  - name: big\n    kind: ollama\n    model: m\n"
		c, err := load(t, yaml, nil)
		if err != nil {
			t.Errorf("request_timeout %s: %v", rt, err)
			continue
		}
		s := c.Server
		if s.WriteTimeout <= s.RequestTimeout || s.ShutdownGrace < s.RequestTimeout || s.TemplateReserve >= s.RequestTimeout ||
			c.Providers[0].Timeout > s.RequestTimeout {
			t.Errorf("request_timeout %s: %+v, provider timeout %s", rt, s, c.Providers[0].Timeout)
		}
	}
}
