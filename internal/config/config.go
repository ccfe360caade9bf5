// Package config reads biogen's configuration: one YAML file, environment
// overrides for the settings operators expect to set that way, and
// validation at start-up with messages that name the bad key.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/biogen/biogen/internal/tenant"
)

// Config is the whole configuration. Load returns it with defaults applied
// and validated; docs/config.md documents every key.
//
// The zero value is not valid: SetDefaults fills it and Validate checks it
// (Load does both). A Config is plain data with no lock: safe to read from
// any goroutine once loaded, never to change after.
type Config struct {
	Server    Server          `yaml:"server"`
	Log       Log             `yaml:"log"`
	Prompts   Prompts         `yaml:"prompts"`
	Ollama    Ollama          `yaml:"ollama"`
	Providers []Provider      `yaml:"providers"`
	Cache     Cache           `yaml:"cache"`
	Tenants   []tenant.Config `yaml:"tenants"`
	Tracing   Tracing         `yaml:"tracing"`
	Webhooks  Webhooks        `yaml:"webhooks"`
	// DataDir holds durable state: the store (biogen.db: idempotency
	// records) and the records of erasures (so an erased user never comes
	// back from an older snapshot). Default "biogen-data" in the working
	// directory; created at start-up, and it must be writable.
	DataDir string `yaml:"data_dir"`
	// MemoryLimit is the Go runtime's soft memory limit in bytes
	// (runtime/debug.SetMemoryLimit): the collector works harder as the
	// heap nears it, before the box swaps. Default three times
	// cache.max_bytes, and at least cache.max_bytes plus 128 MiB (384 MiB
	// with the default cache): the collector lets the heap grow to about
	// twice its live size. The GOMEMLIMIT variable, when set, wins. At least
	// cache.max_bytes plus 32 MiB.
	MemoryLimit int64 `yaml:"memory_limit"`

	// KeylessLoopback is set when the configuration has a tenant without
	// keys, which Validate allows only on a loopback address.
	KeylessLoopback bool `yaml:"-"`
}

// Server configures the HTTP listener.
type Server struct {
	// Addr is the listen address. Default "127.0.0.1:8080".
	// Env BIOGEN_ADDR and flag -addr override it.
	Addr string `yaml:"addr"`
	// AdminAddr, if set, serves /metrics, /healthz and /readyz without
	// authentication on a second listener (keep it private). Default "".
	// Env BIOGEN_ADMIN_ADDR overrides it.
	AdminAddr string `yaml:"admin_addr"`
	// AdminPprof serves Go's profiles (/debug/pprof/) on the admin
	// listener. Default false: a profile shows what the process holds.
	// Env BIOGEN_ADMIN_PPROF=1 turns it on.
	AdminPprof bool `yaml:"admin_pprof"`
	// TLS serves the public address over TLS (1.2 or later) with this
	// certificate and key, reloaded on SIGHUP or when the files change.
	// Default none: plain HTTP.
	TLS TLSFiles `yaml:"tls"`
	// AdminTLS does the same for the admin listener. Default none.
	AdminTLS TLSFiles `yaml:"admin_tls"`
	// MaxBodyBytes limits a request body. Default 65536.
	MaxBodyBytes int `yaml:"max_body_bytes"`
	// MaxHeaderBytes limits the request line and headers. Default 8192.
	MaxHeaderBytes int `yaml:"max_header_bytes"`
	// ReadTimeout bounds reading one request, headers and body. Default 10s.
	ReadTimeout time.Duration `yaml:"read_timeout"`
	// WriteTimeout bounds writing one response, streams included; it must
	// exceed RequestTimeout. Default 30s.
	WriteTimeout time.Duration `yaml:"write_timeout"`
	// IdleTimeout closes keep-alive connections idle this long. Default 60s.
	IdleTimeout time.Duration `yaml:"idle_timeout"`
	// RequestTimeout is the deadline of one bio request, all providers
	// included. Default 20s (a synchronous Workday call allows about 24s).
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// TemplateReserve is the part of RequestTimeout kept for the template
	// writer when every model fails. Default 500ms.
	TemplateReserve time.Duration `yaml:"template_reserve"`
	// ShutdownGrace is how long in-flight requests may take to finish
	// after SIGTERM or SIGINT. Default 25s.
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
	// MaxInFlight is how many bio requests are served at once; more are
	// answered 503 overloaded at once. Default 1024.
	MaxInFlight int `yaml:"max_in_flight"`
	// MaxConns limits open connections. Default 10000.
	MaxConns int `yaml:"max_conns"`
	// JobWorkers is how many job items (POST /v1/jobs) are answered at
	// once, the tenants taken in turn. Default 2.
	JobWorkers int `yaml:"job_workers"`
	// JobSlotShare is the part of each provider's max_concurrent slots
	// that job items may hold at once (at least one slot); synchronous
	// requests take a job item's slot when they find none free, so they
	// never wait for one a job holds. Default 0.5; above 0, at most 1.
	JobSlotShare float64 `yaml:"job_slot_share"`
	// RecordQueueBytes bounds, in bytes of memory, the records of bios
	// served waiting to be written to the store (what feedback finds a
	// bio id by); past it a record is dropped, never waited for. Default
	// 8 MiB (about 5,000 records of medium bios: more than a second of the
	// busiest traffic, while the store writes them in milliseconds). 64 KiB
	// to 1 GiB; memory_limit must leave room for it.
	RecordQueueBytes int64 `yaml:"record_queue_bytes"`
}

// TLSFiles names a certificate (PEM, the chain after the leaf) and its
// key; both or neither.
type TLSFiles struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// On reports whether TLS is configured.
func (t TLSFiles) On() bool { return t.CertFile != "" || t.KeyFile != "" }

// Log configures logging.
type Log struct {
	// Level is debug, info, warn or error. Default info. Env BIOGEN_LOG_LEVEL.
	Level string `yaml:"level"`
	// Format is json or text. Default json.
	Format string `yaml:"format"`
}

// Prompts selects the prompt templates.
type Prompts struct {
	// Dir, if set, holds prompt templates that replace the embedded ones
	// (dir/bio/VERSION/system.tmpl and user.tmpl). Default "".
	Dir string `yaml:"dir"`
	// Version is the bio prompt version. Default "v1".
	Version string `yaml:"version"`
}

// Ollama holds what all Ollama providers share.
type Ollama struct {
	// Host is the Ollama server URL. Default "http://127.0.0.1:11434".
	// Env OLLAMA_HOST overrides it, as for the ollama CLI.
	Host string `yaml:"host"`
}

// Provider is one configured provider. Only "template" is built in; the
// other kinds are described in docs/config.md.
type Provider struct {
	// Name is how chains refer to the provider.
	Name string `yaml:"name"`
	// Kind is ollama, external or template.
	Kind string `yaml:"kind"`
	// Model is the model name (ollama, external).
	Model string `yaml:"model"`
	// Host overrides ollama.host for this provider (ollama).
	Host string `yaml:"host"`
	// BaseURL is the API's base URL (external).
	BaseURL string `yaml:"base_url"`
	// APIKeyEnv names the environment variable holding the API key (external).
	APIKeyEnv string `yaml:"api_key_env"`
	// Timeout bounds one attempt. Default 8s.
	Timeout time.Duration `yaml:"timeout"`
	// MaxConcurrent limits calls in flight. Default 4.
	MaxConcurrent int `yaml:"max_concurrent"`
	// QueueWait is how long a request waits for a free slot before moving
	// on (reason overloaded). Default 100ms.
	QueueWait time.Duration `yaml:"queue_wait"`
	// Retries of a retryable failure. Default 1; -1 for none.
	Retries int `yaml:"retries"`
	// BackoffBase and BackoffMax shape the jittered backoff. Defaults
	// 100ms and 2s.
	BackoffBase time.Duration `yaml:"backoff_base"`
	BackoffMax  time.Duration `yaml:"backoff_max"`
	// BreakerFailures is how many consecutive failures open the breaker.
	// Default 5.
	BreakerFailures uint32 `yaml:"breaker_failures"`
	// BreakerOpen is how long the breaker stays open before a probe.
	// Default 10s.
	BreakerOpen time.Duration `yaml:"breaker_open"`
	// KeepAlive keeps an Ollama model loaded. Default 30m.
	KeepAlive time.Duration `yaml:"keep_alive"`
	// Temperature of sampling. Default 0.4.
	Temperature float64 `yaml:"temperature"`
	// NumCtx is an Ollama model's context window. Default 4096.
	NumCtx int `yaml:"num_ctx"`
	// CheckTimeout bounds each listing of an Ollama server's models at
	// start-up and for /readyz. Default 10s.
	CheckTimeout time.Duration `yaml:"check_timeout"`
	// PullTimeout bounds each pull, blob upload and create of an Ollama
	// model at start-up. Default 30m: a pull downloads gigabytes.
	PullTimeout time.Duration `yaml:"pull_timeout"`
	// MaxTokens is the most tokens a model may write (Ollama num_predict,
	// OpenAI max_completion_tokens). Default 0: sized from the requested
	// length.
	MaxTokens int `yaml:"max_tokens"`
	// PullMissing pulls a missing Ollama model at start-up. Default false.
	PullMissing bool `yaml:"pull_missing"`
	// Modelfile, if set, creates a missing Ollama model from this Modelfile
	// at start-up (see models/), or from one of biogen's own with
	// "builtin:<file name>" ("builtin:biogen-writer-8b.Modelfile"). Its base
	// model is pulled only with pull_missing. Default "".
	Modelfile string `yaml:"modelfile"`
	// CostPer1KInput and CostPer1KOutput price an external API's tokens in
	// USD, for usage.cost_usd and the cost metric. Default 0.
	CostPer1KInput  float64 `yaml:"cost_per_1k_input"`
	CostPer1KOutput float64 `yaml:"cost_per_1k_output"`
}

// Cache configures the caches; each tenant turns them on or off and sets its
// TTL, scope and similarity (tenants[].cache).
type Cache struct {
	// MaxBytes is the memory budget of both caches, in real bytes (bios,
	// facts, vectors, indexes): a quarter for the exact cache, the rest
	// for the semantic one, each held on every store by evicting the least
	// recently used entries. Default 134217728 (128 MiB).
	MaxBytes int64 `yaml:"max_bytes"`
	// Embedder is "hash" (built in: no model, no network; the default) or
	// "ollama" (EmbedModel on EmbedHost, or ollama.host).
	// The embedding of a cached bio's facts is stored with it; a lookup
	// never calls the embedder (a hit needs the same normalised facts, not
	// a near vector), a store calls it once.
	Embedder   string `yaml:"embedder"`
	EmbedModel string `yaml:"embed_model"`
	EmbedHost  string `yaml:"embed_host"`
	// EmbedTimeout bounds one embedding call, within the request's
	// deadline; a store whose embedding fails skips the semantic cache, and
	// after 3 failures in a row the embedder is skipped for 30s. Default 1s.
	EmbedTimeout time.Duration `yaml:"embed_timeout"`
	// PersistPath, if set, is where the semantic cache is saved, encrypted
	// (AES-GCM) with the key in the environment variable KeyEnv, at
	// shutdown and every SnapshotEvery, and loaded at start-up.
	PersistPath string `yaml:"persist_path"`
	// KeyEnv names the variable holding the 32-byte key. Default
	// BIOGEN_CACHE_KEY.
	KeyEnv string `yaml:"key_env"`
	// SnapshotEvery is how often the semantic cache is purged of expired
	// entries and, with PersistPath, saved. Default 5m.
	SnapshotEvery time.Duration `yaml:"snapshot_every"`
	// SemanticMaxEntries bounds the semantic cache's entries as well as
	// its bytes: past it, a store evicts the least recently used. Default
	// 100000.
	SemanticMaxEntries int `yaml:"semantic_max_entries"`
}

// Tracing configures OpenTelemetry tracing (docs/operations.md). It is off
// unless an endpoint is set.
type Tracing struct {
	// OTLPEndpoint is the base URL of an OTLP/HTTP collector; spans are
	// posted as JSON to OTLPEndpoint/v1/traces. Default "": off. Env
	// OTEL_EXPORTER_OTLP_ENDPOINT overrides it.
	OTLPEndpoint string `yaml:"otlp_endpoint"`
	// SampleRatio is the share of new traces recorded, 0 to 1; a request
	// with a traceparent keeps its caller's decision. Default 1.
	SampleRatio *float64 `yaml:"sample_ratio"`
	// ServiceName is the spans' service.name. Default "biogen". Env
	// OTEL_SERVICE_NAME overrides it.
	ServiceName string `yaml:"service_name"`
	// ExportTimeout bounds one export. Default 10s.
	ExportTimeout time.Duration `yaml:"export_timeout"`
	// QueueSize is how many ended spans wait for export; more are dropped.
	// Default 2048.
	QueueSize int `yaml:"queue_size"`
	// BatchDelay is the longest an ended span waits to be sent. Default 5s.
	BatchDelay time.Duration `yaml:"batch_delay"`
}

// Webhooks configures the delivery of job callbacks (docs/operations.md,
// "Webhooks"); each tenant's secrets and allowed targets are
// tenants[].webhooks.
type Webhooks struct {
	// AttemptTimeout bounds one attempt: lookup, connection, TLS, the body
	// and the receiver's status line. Default 10s; 1s to 5m.
	AttemptTimeout time.Duration `yaml:"attempt_timeout"`
	// RetrySchedule holds the widths of the retry slots: retry k comes at a
	// random time within slot k (full jitter), so a callback gets one
	// attempt more than there are slots. The slots before the last must
	// add up to an hour at least (the contract). Default 5s, 30s, 2m,
	// 10m, 30m, 1h, 2h: 8 attempts, the last between 1h42m35s and
	// 3h42m35s after the first.
	RetrySchedule []time.Duration `yaml:"retry_schedule"`
	// LogSize is how many deliveries the in-memory delivery log keeps.
	// Default 1000.
	LogSize int `yaml:"log_size"`
}

// Defaults of the server.
const (
	DefaultAddr = "127.0.0.1:8080"
)

// Provider kinds.
const (
	KindTemplate = "template"
	KindOllama   = "ollama"
	KindExternal = "external"
)

// Load reads the configuration from path ("" for none), applies the
// environment from getenv (nil for os.Getenv), sets defaults and validates.
func Load(path string, getenv func(string) string) (*Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := &Config{}
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read config: %w", err)
		}
		if err := decode(data, c); err != nil {
			return nil, fmt.Errorf("cannot parse config %q: %w", path, err)
		}
	}
	c.applyEnv(getenv)
	c.SetDefaults()
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("invalid config: %w", err)
	}
	return c, nil
}

// decode parses YAML strictly: an unknown key is an error, so a typo does
// not silently leave a default in place.
func decode(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(c)
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	// yaml reports "line N: ..."; name the key at that line instead.
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return err
	}
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = m
		var line int
		if _, scanErr := fmt.Sscanf(m, "line %d:", &line); scanErr == nil {
			if key := keyAtLine(&root, line, ""); key != "" {
				_, rest, _ := strings.Cut(m, ": ")
				msgs[i] = fmt.Sprintf("%s (line %d): %s", key, line, rest)
			}
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// keyAtLine returns the dotted path ("server.read_timeout",
// "tenants[0].keys[1]") of the deepest key or item that starts at line.
func keyAtLine(n *yaml.Node, line int, path string) string {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if k := keyAtLine(c, line, path); k != "" {
				return k
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			if deeper := keyAtLine(v, line, p); deeper != "" {
				return deeper
			}
			if k.Line == line {
				return p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			if deeper := keyAtLine(c, line, p); deeper != "" {
				return deeper
			}
			if c.Line == line {
				return p
			}
		}
	}
	return ""
}

func (c *Config) applyEnv(getenv func(string) string) {
	if v := getenv("BIOGEN_ADDR"); v != "" {
		c.Server.Addr = v
	}
	if v := getenv("BIOGEN_ADMIN_PPROF"); v == "1" || v == "true" {
		c.Server.AdminPprof = true
	}
	if v := getenv("BIOGEN_ADMIN_ADDR"); v != "" {
		c.Server.AdminAddr = v
	}
	if v := getenv("BIOGEN_LOG_LEVEL"); v != "" {
		c.Log.Level = v
	}
	if v := getenv("OLLAMA_HOST"); v != "" {
		c.Ollama.Host = v
	}
	if v := getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); v != "" {
		c.Tracing.OTLPEndpoint = v
	}
	if v := getenv("OTEL_SERVICE_NAME"); v != "" {
		c.Tracing.ServiceName = v
	}
}

func checkAddr(key, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return fmt.Errorf("%s: %q must be host:port", key, addr)
	}
	_ = host
	return nil
}

// isLoopback reports whether addr listens on loopback only.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
