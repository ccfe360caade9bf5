// Command biogen serves the bio API. See README.md and docs/config.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/wiring"
)

func main() {
	configPath := flag.String("config", os.Getenv("BIOGEN_CONFIG"), "YAML configuration `file` (env BIOGEN_CONFIG); none means defaults")
	addr := flag.String("addr", "", "listen `address`, overriding server.addr and BIOGEN_ADDR")
	healthcheck := flag.String("healthcheck", "", "GET `url` and exit 0 if it answers 200 (for container health checks)")
	flag.Parse()

	if *healthcheck != "" {
		if err := wiring.Probe(*healthcheck); err != nil {
			fmt.Fprintln(os.Stderr, "biogen: unhealthy:", err)
			os.Exit(1)
		}
		return
	}

	getenv := func(k string) string {
		if k == "BIOGEN_ADDR" && *addr != "" {
			return *addr
		}
		return os.Getenv(k)
	}
	cfg, err := config.Load(*configPath, getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "biogen:", err)
		os.Exit(2)
	}
	log := telemetry.NewLogger(os.Stderr, cfg.Log.Level, cfg.Log.Format)
	a, err := wiring.Build(cfg, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "biogen:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := a.Run(ctx, nil); err != nil {
		log.Error("biogen stopped with an error", "error", err.Error())
		os.Exit(1)
	}
}
