// Package app wires biogen's packages from a configuration: prompts,
// providers, chains, the service and the HTTP edge. cmd/biogen and the
// end-to-end tests share it.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/httpapi"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/service"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/writer"
)

// App is a wired biogen.
type App struct {
	Config *config.Config
	Server *httpapi.Server
	log    *slog.Logger
}

// Build wires an App from a validated configuration.
func Build(cfg *config.Config, log *slog.Logger) (*App, error) {
	tmpl, err := prompt.Load(cfg.Prompts.Dir, cfg.Prompts.Version)
	if err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}
	tenants, err := tenant.New(cfg.Tenants)
	if err != nil {
		return nil, err
	}
	providers := map[string]provider.Provider{}
	w := &writer.Writer{}
	for i, pc := range cfg.Providers {
		switch pc.Kind {
		case config.KindTemplate:
			providers[pc.Name] = writer.NewProvider(pc.Name, w)
		default:
			return nil, fmt.Errorf("providers[%d].kind: %q providers are not available in this build yet", i, pc.Kind)
		}
	}
	chains := map[string]*chain.Chain{}
	for _, t := range tenants.Tenants() {
		ps := make([]provider.Provider, len(t.Chain))
		for i, name := range t.Chain {
			ps[i] = providers[name]
		}
		c, err := chain.New(ps...)
		if err != nil {
			return nil, fmt.Errorf("tenant %q: %w", t.ID, err)
		}
		chains[t.ID] = c
	}
	svc := service.New(service.Config{Prompt: tmpl, Chains: chains, Timeout: cfg.Server.RequestTimeout})
	s := cfg.Server
	srv, err := httpapi.New(httpapi.Config{
		MaxBodyBytes:   s.MaxBodyBytes,
		MaxHeaderBytes: s.MaxHeaderBytes,
		ReadTimeout:    s.ReadTimeout,
		WriteTimeout:   s.WriteTimeout,
		IdleTimeout:    s.IdleTimeout,
		MaxInFlight:    s.MaxInFlight,
		MaxConns:       s.MaxConns,
		Keyless:        cfg.KeylessLoopback,
	}, svc, tenants, log)
	if err != nil {
		return nil, err
	}
	return &App{Config: cfg, Server: srv, log: log}, nil
}

// Run listens on the configured addresses and serves until ctx is done,
// then shuts down, giving requests in flight the configured grace period.
// ready, if not nil, receives the public address once listening.
func (a *App) Run(ctx context.Context, ready func(public, admin net.Addr)) error {
	ln, err := net.Listen("tcp", a.Config.Server.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on server.addr: %w", err)
	}
	var adminLn net.Listener
	if a.Config.Server.AdminAddr != "" {
		if adminLn, err = net.Listen("tcp", a.Config.Server.AdminAddr); err != nil {
			ln.Close()
			return fmt.Errorf("cannot listen on server.admin_addr: %w", err)
		}
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
	if a.Config.KeylessLoopback {
		a.log.Warn("serving a tenant without API keys: allowed on loopback only; configure keys before exposing biogen (docs/config.md)")
	}
	if ready != nil {
		ready(ln.Addr(), adminAddr)
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
		n--
	}
	grace := a.Config.Server.ShutdownGrace
	a.log.Info("shutting down", "grace", grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	start := time.Now()
	shutErr := a.Server.Shutdown(sctx)
	for ; n > 0; n-- {
		if err := <-errc; err != nil && serveErr == nil {
			serveErr = err
		}
	}
	a.log.Info("stopped", "took_ms", time.Since(start).Milliseconds())
	if errors.Is(shutErr, context.DeadlineExceeded) {
		return fmt.Errorf("requests still in flight after the %s grace period were cut off", grace)
	}
	return errors.Join(serveErr, shutErr)
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
