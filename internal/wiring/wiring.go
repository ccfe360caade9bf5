// Package wiring builds biogen from its configuration and runs it:
// prompts, providers and their guards, each tenant's chain, the caches, the
// answerer and the HTTP edge; start-up model checks; shutdown, which saves
// the semantic cache. cmd/biogen and the end-to-end tests share it.
package wiring

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/external"
	"github.com/biogen/biogen/internal/feedback"
	"github.com/biogen/biogen/internal/httpapi"
	"github.com/biogen/biogen/internal/idempotency"
	"github.com/biogen/biogen/internal/jobs"
	"github.com/biogen/biogen/internal/ollama"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/tracing"
	"github.com/biogen/biogen/internal/webhook"
	"github.com/biogen/biogen/internal/writer"
	"github.com/biogen/biogen/models"
)

// App is a wired biogen.
//
// The zero value is not usable: call Build. Run owns the App and is called
// once; CheckModels may run beside it, concurrently.
type App struct {
	Config  *config.Config
	Server  *httpapi.Server
	log     *slog.Logger
	ollamas []*ollama.Provider
	cache   *cache.Cache
	store   *store.Store    // data_dir/biogen.db: idempotency records, jobs, bio records, feedback
	jobs    *jobs.Manager   // started and stopped by Run
	tracer  *tracing.Tracer // nil: tracing off
	// modelsChecked is closed when Run's check of the models has ended.
	modelsChecked chan struct{}
	// certs are the listeners' TLS certificates, reloaded on SIGHUP.
	certs []*httpapi.CertReloader

	// records keeps the bio records and feedback; Run starts it and stops
	// it, writing what is queued, before the store closes.
	records *feedback.Keeper
}

// ModelsChecked is closed once Run has checked (and created or pulled,
// where configured) every Ollama provider's model, in the background.
func (a *App) ModelsChecked() <-chan struct{} { return a.modelsChecked }

// Build wires an App from a validated configuration.
func Build(cfg *config.Config, log *slog.Logger) (*App, error) {
	prompts, err := prompt.LoadAll(cfg.Prompts.Dir, cfg.Prompts.Version)
	if err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	tenants, err := tenant.New(cfg.Tenants)
	if err != nil {
		return nil, err
	}
	built, err := buildChains(cfg, tenants, prompts, log)
	if err != nil {
		return nil, err
	}
	erasures, err := cache.OpenErasures(cfg.DataDir)
	if err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	st, keeper, err := openStore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	bioCache, err := newCache(cfg, log, erasures)
	if err != nil {
		st.Close()
		return nil, err
	}
	closeAll := func() { bioCache.Close(); st.Close() }
	telemetry.CacheSize(bioCache.Size)
	records, err := feedback.New(feedback.Config{Store: st, QueueBytes: cfg.Server.RecordQueueBytes, Log: log})
	if err != nil {
		closeAll()
		return nil, err
	}
	answers, err := answer.New(answer.Config{Chains: built.byTenant, ProvidersKeys: built.keys, Experiments: built.experiments, Cache: bioCache,
		PromptVersion: prompts.Default().Version(), Timeout: cfg.Server.RequestTimeout,
		Persist: func() error { return exportSnapshot(cfg, bioCache) }, AuditKey: auditKey(log),
		RecordErasure:    func(tenant, user string) error { return erasures.Record(tenant, user, time.Now()) },
		EraseIdempotency: keeper.EraseUser,
		EraseJobs:        func(tenant, user string) (int, error) { return st.EraseUser(jobs.Bucket, tenant, user) },
		RecordBio:        records.Record, EraseFeedback: records.EraseUser})
	if err != nil {
		closeAll()
		return nil, err
	}
	hooks, err := newSender(cfg.Webhooks, log)
	if err != nil {
		closeAll()
		return nil, err
	}
	jm, err := jobs.New(jobs.Config{Store: st, Answers: answers, Tenants: tenants.Tenants(),
		Timeout: cfg.Server.RequestTimeout, Workers: cfg.Server.JobWorkers, Callbacks: hooks, Log: log})
	if err != nil {
		closeAll()
		return nil, err
	}
	tc := cfg.Tracing
	tracer, err := tracing.New(tracing.Config{Endpoint: tc.OTLPEndpoint, SampleRatio: *tc.SampleRatio, ServiceName: tc.ServiceName,
		Timeout: tc.ExportTimeout, QueueSize: tc.QueueSize, BatchDelay: tc.BatchDelay, Log: log})
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("tracing: %w", err)
	}
	s := cfg.Server
	tlsPublic, tlsAdmin, err := certReloaders(s)
	if err != nil {
		closeAll()
		return nil, err
	}
	srv, err := httpapi.New(httpapi.Config{
		MaxBodyBytes:   s.MaxBodyBytes,
		MaxHeaderBytes: s.MaxHeaderBytes,
		ReadTimeout:    s.ReadTimeout,
		WriteTimeout:   s.WriteTimeout,
		IdleTimeout:    s.IdleTimeout,
		MaxInFlight:    s.MaxInFlight,
		MaxConns:       s.MaxConns,
		Keyless:        cfg.KeylessLoopback,
		Pprof:          s.AdminPprof,
		TLS:            tlsPublic,
		AdminTLS:       tlsAdmin,
		Tracer:         tracer,
		Idempotency:    keeper,
		Jobs:           jm,
		Feedback:       records,
	}, answers, tenants, log)
	if err != nil {
		closeAll()
		tracer.Shutdown(context.Background()) // nothing recorded yet
		return nil, err
	}
	app := &App{Config: cfg, Server: srv, log: log, ollamas: built.ollamas, cache: bioCache, store: st, jobs: jm, records: records, tracer: tracer, modelsChecked: make(chan struct{})}
	for _, c := range []*httpapi.CertReloader{tlsPublic, tlsAdmin} {
		if c != nil {
			app.certs = append(app.certs, c)
		}
	}
	return app, nil
}

// newSender builds the one webhook.Sender of the process, which signs and
// sends the jobs' callbacks; its log lines (one per attempt) hold no
// secret, signature, body or URL path.
func newSender(w config.Webhooks, log *slog.Logger) (*webhook.Sender, error) {
	s, err := webhook.New(webhook.Options{AttemptTimeout: w.AttemptTimeout, Schedule: w.RetrySchedule, LogSize: w.LogSize, Log: log})
	if err != nil {
		return nil, fmt.Errorf("webhooks: %w", err)
	}
	return s, nil
}

// DataKeyEnv names the environment variable that may hold the 32-byte key
// of the durable store; without it the key is data_dir/store.key, made on
// first use.
const DataKeyEnv = "BIOGEN_DATA_KEY"

// storePurgeEvery is how often Run removes expired records from the store
// (it does at start-up too).
const storePurgeEvery = 10 * time.Minute

// openStore opens the durable store in dataDir, sealed under
// BIOGEN_DATA_KEY or the key file beside it, and the idempotency keeper
// over it.
func openStore(dataDir string) (*store.Store, *idempotency.Keeper, error) {
	var key []byte
	if k := os.Getenv(DataKeyEnv); k != "" {
		if len(k) != store.KeySize {
			return nil, nil, fmt.Errorf("data_dir: %s must hold a %d-byte key, not %d bytes", DataKeyEnv, store.KeySize, len(k))
		}
		key = []byte(k)
	}
	st, err := store.Open(dataDir, store.Options{Key: key})
	if err != nil {
		return nil, nil, fmt.Errorf("data_dir: %w", err)
	}
	telemetry.StoreSize(st.Size)
	keeper, err := idempotency.New(idempotency.Config{Store: st})
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, keeper, nil
}

// purgeStore removes expired records from the store.
func (a *App) purgeStore() {
	n, err := a.store.Purge()
	if err != nil {
		a.log.Error("cannot purge the store", "error", err.Error())
	}
	if n > 0 {
		a.log.Info("purged expired records from the store", "removed", n)
	}
}

// chains are what buildChains makes: each tenant's chain, the string
// naming its providers and models (cached bios are reused only for the
// same one), its experiment with each arm's chain, and the Ollama
// providers whose models start-up checks.
type chains struct {
	byTenant    map[string]*chain.Chain
	keys        map[string]string
	experiments map[string]*answer.Experiment
	ollamas     []*ollama.Provider
}

// buildChains guards each configured model provider and builds each
// tenant's chain over its providers, with the template writer last, and
// the chain of each experiment arm that has its own, over the same guards
// (an arm shares the tenant's breakers and slots).
func buildChains(cfg *config.Config, tenants *tenant.Registry, prompts *prompt.Set, log *slog.Logger) (*chains, error) {
	guards, err := buildGuards(cfg, prompts, log)
	if err != nil {
		return nil, err
	}
	tp := writer.NewProvider("template", &writer.Writer{})
	newChain := func(t *tenant.Tenant, names []string) (*chain.Chain, string, error) {
		var gs []*chain.Guard
		var id []string
		for _, name := range names {
			if g := guards[name]; g != nil {
				gs = append(gs, g)
				id = append(id, name+"="+modelOf(cfg, name))
			}
		}
		c, err := chain.New(chain.Config{
			Guards: gs, Template: tp, Reserve: cfg.Server.TemplateReserve,
			AllowExternal: t.Policy == tenant.AllowExternal,
		})
		return c, strings.Join(id, ","), err
	}
	out := &chains{byTenant: map[string]*chain.Chain{}, keys: map[string]string{}, experiments: map[string]*answer.Experiment{}}
	for _, t := range tenants.Tenants() {
		c, key, err := newChain(t, t.Chain)
		if err != nil {
			return nil, fmt.Errorf("tenant %q: %w", t.ID, err)
		}
		out.byTenant[t.ID], out.keys[t.ID] = c, key
		if t.Experiment == nil {
			continue
		}
		e := &answer.Experiment{ID: t.Experiment.ID}
		for _, a := range t.Experiment.Arms {
			arm := answer.Arm{Name: a.Name, Weight: a.Weight}
			if a.PromptVersion != "" {
				arm.PromptVersion = prompt.VersionName(a.PromptVersion)
			}
			if len(a.Chain) > 0 {
				if arm.Chain, arm.ProvidersKey, err = newChain(t, a.Chain); err != nil {
					return nil, fmt.Errorf("tenant %q, experiment %q, arm %q: %w", t.ID, e.ID, a.Name, err)
				}
			}
			e.Arms = append(e.Arms, arm)
		}
		out.experiments[t.ID] = e
	}
	for _, g := range guards {
		if op, ok := g.Provider().(*ollama.Provider); ok {
			out.ollamas = append(out.ollamas, op)
		}
	}
	return out, nil
}

// buildGuards builds and guards each configured model provider, by name.
func buildGuards(cfg *config.Config, prompts *prompt.Set, log *slog.Logger) (map[string]*chain.Guard, error) {
	guards := map[string]*chain.Guard{}
	for i, pc := range cfg.Providers {
		p, err := newProvider(pc, prompts, log)
		if err != nil {
			return nil, fmt.Errorf("providers[%d]: %w", i, err)
		}
		if p == nil {
			continue // the template writer
		}
		g, err := chain.NewGuard(p, chain.Settings{
			Timeout: pc.Timeout, Retries: max(pc.Retries, 0), // -1 in the file: none
			BackoffBase: pc.BackoffBase, BackoffMax: pc.BackoffMax,
			MaxConcurrent: pc.MaxConcurrent, QueueWait: pc.QueueWait,
			BatchSlots:       max(1, int(cfg.Server.JobSlotShare*float64(pc.MaxConcurrent))),
			FailureThreshold: pc.BreakerFailures, OpenTimeout: pc.BreakerOpen,
		})
		if err != nil {
			return nil, fmt.Errorf("providers[%d]: %w", i, err)
		}
		guards[pc.Name] = g
	}
	return guards, nil
}

func modelOf(cfg *config.Config, provider string) string {
	for _, p := range cfg.Providers {
		if p.Name == provider {
			return p.Model
		}
	}
	return ""
}

// newCache builds the caches and loads the saved semantic cache.
func newCache(cfg *config.Config, log *slog.Logger, erasures *cache.Erasures) (*cache.Cache, error) {
	var emb cache.Embedder = cache.HashEmbedder{}
	if cfg.Cache.Embedder == "ollama" {
		o, err := cache.NewOllamaEmbedder(cfg.Cache.EmbedHost, cfg.Cache.EmbedModel)
		if err != nil {
			return nil, fmt.Errorf("cache.embed_host: %w", err)
		}
		emb = o
	}
	limits := cache.Limits{Bytes: cfg.Cache.MaxBytes, SemanticEntries: cfg.Cache.SemanticMaxEntries}
	c, err := cache.New(limits, emb, cfg.Cache.EmbedTimeout)
	if err != nil {
		return nil, err
	}
	if p := cfg.Cache.PersistPath; p != "" {
		key := os.Getenv(cfg.Cache.KeyEnv)
		if len(key) != 32 {
			c.Close()
			return nil, fmt.Errorf("cache.key_env: %s must hold a 32-byte key to encrypt %s", cfg.Cache.KeyEnv, p)
		}
		c.Semantic().SetRetention(retention(cfg, erasures))
		if err := c.Semantic().Import(p, key); err != nil {
			// A truncated, corrupt or wrongly keyed snapshot must not keep
			// biogen from starting (a restart loop under a supervisor): it
			// is moved aside for an operator to look at, and the cache
			// starts empty.
			c.Close()
			// Nanoseconds: two discards in one second keep both files.
			aside := fmt.Sprintf("%s.unreadable-%d", p, time.Now().UnixNano())
			if mvErr := os.Rename(p, aside); mvErr != nil {
				return nil, fmt.Errorf("cache.persist_path: %w; and cannot move it aside: %w", err, mvErr)
			}
			log.Error("the semantic cache snapshot cannot be read: moved aside, starting with an empty cache",
				"path", p, "moved_to", aside, "error", err.Error())
			telemetry.SnapshotDiscarded()
			return cache.New(limits, emb, cfg.Cache.EmbedTimeout)
		}
		// What the configuration no longer allows goes before anything is
		// served: entries of removed tenants, and those older than their
		// tenant's current TTL.
		if n := c.Maintain(context.Background()); n > 0 {
			log.Info("dropped semantic cache entries the configuration no longer keeps", "removed", n)
		}
	}
	return c, nil
}

// retention keeps a semantic entry only while its tenant is configured, it
// is younger than the tenant's current cache TTL and its user was not
// erased after it was written: a snapshot written under a longer TTL, for
// a tenant since removed, or before an erasure serves nothing of that
// after a restart.
func retention(cfg *config.Config, erasures *cache.Erasures) func(*cache.Entry) bool {
	ttl := make(map[string]time.Duration, len(cfg.Tenants))
	for _, t := range cfg.Tenants {
		ttl[t.ID] = t.Cache.TTL
	}
	return func(e *cache.Entry) bool {
		d, ok := ttl[e.Tenant]
		return ok && time.Since(e.Created) < d && !erasures.Erased(e)
	}
}

// limitMemory gives the Go runtime the configuration's soft memory limit,
// unless the GOMEMLIMIT variable set one (the runtime read it at start).
func (a *App) limitMemory() {
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		a.log.Info("GOMEMLIMIT is set: memory_limit is not applied", "gomemlimit", v)
		return
	}
	debug.SetMemoryLimit(a.Config.MemoryLimit)
}

// maintainCache purges expired semantic entries (the bounds hold on every
// store).
func (a *App) maintainCache(ctx context.Context) {
	if n := a.cache.Maintain(ctx); n > 0 {
		a.log.Info("purged the semantic cache", "removed", n)
	}
}

// saveCache writes the semantic cache, if persistence is on.
func (a *App) saveCache() {
	if err := exportSnapshot(a.Config, a.cache); err != nil {
		a.log.Error("cannot save the semantic cache", "error", err.Error())
	}
}

// exportSnapshot writes the semantic cache to cache.persist_path, if
// persistence is on.
func exportSnapshot(cfg *config.Config, c *cache.Cache) error {
	if cfg.Cache.PersistPath == "" {
		return nil
	}
	return c.Semantic().Export(cfg.Cache.PersistPath, os.Getenv(cfg.Cache.KeyEnv))
}

// auditKey is the key of the hashes audit lines name users by: from
// BIOGEN_AUDIT_KEY (16 bytes or more), so that they stay the same across
// restarts, or else random for this process.
func auditKey(log *slog.Logger) []byte {
	if k := os.Getenv("BIOGEN_AUDIT_KEY"); len(k) >= 16 {
		return []byte(k)
	}
	k := make([]byte, 32)
	rand.Read(k)
	log.Info("audit lines name users by a hash keyed for this process only; set BIOGEN_AUDIT_KEY (16 bytes or more) to keep them stable across restarts")
	return k
}

// newProvider builds the provider a configuration entry describes; nil for
// the template writer, which every chain has anyway.
func newProvider(pc config.Provider, prompts *prompt.Set, log *slog.Logger) (provider.Provider, error) {
	switch pc.Kind {
	case config.KindExternal:
		key := os.Getenv(pc.APIKeyEnv)
		if key == "" {
			return nil, fmt.Errorf("api_key_env: the environment variable %s is empty", pc.APIKeyEnv)
		}
		return external.New(external.Config{
			Name: pc.Name, BaseURL: pc.BaseURL, Model: pc.Model, APIKey: key, Prompts: prompts,
			Temperature: pc.Temperature, CostPer1KInput: pc.CostPer1KInput, CostPer1KOutput: pc.CostPer1KOutput, MaxTokens: pc.MaxTokens,
			Record: func(s external.Sent) {
				// What left the premises, without its content.
				log.Info("external request", "provider", s.Provider, "model", s.Model, "bytes", s.Bytes,
					"fields", s.Fields, "removed", s.Removed, "name_replaced", s.NameReplaced)
				telemetry.ExternalSent(s.Provider, s.Bytes)
			},
		})
	case config.KindTemplate:
		return nil, nil
	case config.KindOllama:
		modelfile, modelfileFS := pc.Modelfile, fs.FS(nil)
		if name, ok := strings.CutPrefix(pc.Modelfile, models.Builtin); ok {
			modelfile, modelfileFS = name, models.FS
		}
		return ollama.New(ollama.Config{
			Name: pc.Name, Model: pc.Model, Host: pc.Host, KeepAlive: pc.KeepAlive,
			Temperature: pc.Temperature, NumCtx: pc.NumCtx, PullMissing: pc.PullMissing, MaxTokens: pc.MaxTokens,
			Modelfile: modelfile, ModelfileFS: modelfileFS, Prompts: prompts, CheckTimeout: pc.CheckTimeout, PullTimeout: pc.PullTimeout,
		})
	}
	return nil, fmt.Errorf("unknown provider kind %q", pc.Kind)
}

// CheckModels checks that every Ollama provider's server answers and has
// its model, pulling missing ones where configured. A failure is logged,
// not fatal: biogen answers from the next provider, the template writer at
// worst, and /readyz shows the provider unreachable. Each listing, pull and
// create runs under its own deadline (check_timeout and pull_timeout), so
// a hanging server cannot hold start-up for ever; ctx cancels them.
func (a *App) CheckModels(ctx context.Context) {
	for _, p := range a.ollamas {
		if err := p.Ensure(ctx); err != nil {
			a.log.Warn("model check failed; requests will fall back", "provider", p.Name(), "model", p.Model(), "error", err.Error())
			continue
		}
		a.log.Info("model ready", "provider", p.Name(), "model", p.Model())
	}
}

// Run listens on the configured addresses and serves until ctx is done,
// then shuts down, giving requests in flight the configured grace period.
// ready, if not nil, receives the public address once listening.
//
// Run owns the App: the caches are saved and closed when it returns.
func (a *App) Run(ctx context.Context, ready func(public, admin net.Addr)) error {
	defer a.cache.Close()
	defer a.store.Close() // after the server's shutdown: no request uses it then
	a.limitMemory()
	defer a.records.Stop() // before the store closes: done already unless Run failed to listen
	// SIGHUP reloads the TLS certificates; caught from the start, so that
	// it never ends the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	defer a.tracer.Shutdown(context.Background()) // done already unless Run failed to listen
	ln, adminLn, err := a.listen()
	if err != nil {
		return err
	}
	errc := make(chan error, 2)
	go func() { errc <- a.Server.Serve(ln) }()
	n := 1
	var adminAddr net.Addr
	if adminLn != nil {
		n++
		adminAddr = adminLn.Addr()
		go func() { errc <- a.Server.ServeAdmin(adminLn) }()
	}
	a.log.Info("biogen serving", "addr", ln.Addr().String(), "admin_addr", addrString(adminAddr))
	if s := a.Config.Server; s.ShutdownGrace < s.RequestTimeout {
		a.log.Warn("server.shutdown_grace is shorter than server.request_timeout: at shutdown, model calls still running are cut off and answered by the template writer",
			"shutdown_grace", s.ShutdownGrace.String(), "request_timeout", s.RequestTimeout.String())
	}
	if a.Config.KeylessLoopback {
		a.log.Warn("serving a tenant without API keys: allowed on loopback only; configure keys before exposing biogen (docs/config.md)")
	}
	// The models are checked, and created or pulled where configured, in
	// the background: until they are there, answers come from the next
	// provider (the template writer at worst), degraded, and /readyz says
	// why. Shutdown (ctx) cancels a pull still running.
	mctx, stopModels := context.WithCancel(ctx)
	go func() {
		defer close(a.modelsChecked)
		a.CheckModels(mctx)
	}()
	defer func() { stopModels(); <-a.modelsChecked }()
	if ready != nil {
		ready(ln.Addr(), adminAddr)
	}
	snapshots := time.NewTicker(a.Config.Cache.SnapshotEvery)
	defer snapshots.Stop()
	purges := time.NewTicker(storePurgeEvery)
	defer purges.Stop()
	var serveErr error
wait:
	for {
		select {
		case <-ctx.Done():
			break wait
		case serveErr = <-errc:
			n--
			break wait
		case <-snapshots.C:
			a.maintainCache(ctx)
			a.saveCache()
		case <-purges.C:
			a.purgeStore()
		case <-hup:
			a.reloadCerts()
		}
	}
	grace := a.Config.Server.ShutdownGrace
	a.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	start := time.Now()
	shutErr := a.Server.Shutdown(sctx)
	// Job items still running finish within what is left of the grace
	// period, or are left queued for the next start; callbacks being
	// delivered are cut off, owed until the next start.
	a.jobs.Stop(sctx)
	a.records.Stop() // no bio is answered from now on: the queued records are written
	for ; n > 0; n-- {
		if err := <-errc; err != nil && serveErr == nil {
			serveErr = err
		}
	}
	// The spans of the requests just finished go out within what is left
	// of the grace period.
	if err := a.tracer.Shutdown(sctx); err != nil {
		a.log.Error("cannot export the last spans", "error", err.Error())
	}
	a.maintainCache(context.Background())
	a.saveCache()
	a.log.Info("stopped", "took_ms", time.Since(start).Milliseconds())
	if errors.Is(shutErr, context.DeadlineExceeded) {
		// Their model calls were cut off and the template writer answered
		// them: nothing was lost, so this is no failure of the process.
		a.log.Warn("requests still in flight at the end of the grace period were answered by the template writer", "grace", grace.String())
		shutErr = nil
	}
	return errors.Join(serveErr, shutErr)
}

// listen opens the public and (if configured) the admin listener, then
// starts the job workers, which resume the jobs left unfinished.
func (a *App) listen() (ln, adminLn net.Listener, err error) {
	ln, err = net.Listen("tcp", a.Config.Server.Addr)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot listen on server.addr: %w", err)
	}
	if a.Config.Server.AdminAddr != "" {
		if adminLn, err = net.Listen("tcp", a.Config.Server.AdminAddr); err != nil {
			ln.Close()
			return nil, nil, fmt.Errorf("cannot listen on server.admin_addr: %w", err)
		}
	}
	a.records.Start() // Run stops it, writing what is queued, before the store closes
	if err := a.jobs.Start(); err != nil {
		ln.Close()
		if adminLn != nil {
			adminLn.Close()
		}
		return nil, nil, err
	}
	return ln, adminLn, nil
}

func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}

// Probe GETs url and fails unless it answers 200 within 3 seconds. It lets
// a container without curl check its own health (biogen -healthcheck URL).
func Probe(url string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", url, resp.StatusCode)
	}
	return nil
}

// certReloaders loads the TLS certificates of the listeners that have one.
func certReloaders(s config.Server) (public, admin *httpapi.CertReloader, err error) {
	if s.TLS.On() {
		if public, err = httpapi.NewCertReloader(s.TLS.CertFile, s.TLS.KeyFile); err != nil {
			return nil, nil, fmt.Errorf("server.tls: %w", err)
		}
	}
	if s.AdminTLS.On() {
		if admin, err = httpapi.NewCertReloader(s.AdminTLS.CertFile, s.AdminTLS.KeyFile); err != nil {
			return nil, nil, fmt.Errorf("server.admin_tls: %w", err)
		}
	}
	return public, admin, nil
}

// reloadCerts loads the listeners' TLS certificates again (SIGHUP); a pair
// that cannot be loaded leaves the one served so far.
func (a *App) reloadCerts() {
	for _, c := range a.certs {
		if err := c.Reload(); err != nil {
			a.log.Error("cannot reload a TLS certificate; serving the one loaded before", "error", err.Error())
			continue
		}
		a.log.Info("TLS certificate reloaded")
	}
}
