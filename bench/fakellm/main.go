// Command fakellm serves a fake language model that speaks the Ollama API
// and the OpenAI chat-completions API and writes valid bios, with realistic
// timing and injectable faults: for load tests, and for trying biogen
// without a GPU.
//
//	go run ./bench/fakellm -addr 127.0.0.1:11434 -ttft 200ms -tps 40
//	go run ./bench/fakellm -errors 500=0.01,503=0.02,cut=0.01 -max-parallel 4 -queue 8
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/fakellm"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:11434", "listen `address`")
	ttft := flag.Duration("ttft", 0, "time to the first token")
	tps := flag.Float64("tps", 0, "tokens per second after the first (0: as fast as possible)")
	jitter := flag.Float64("jitter", 0, "vary each delay by up to ± this fraction")
	errs := flag.String("errors", "", "error rates per kind, e.g. 500=0.01,503=0.01,429=0.005,hang=0.001,cut=0.01,unusable=0.01,malformed=0.001,slow_first=0,slow_tokens=0")
	maxParallel := flag.Int("max-parallel", 0, "requests served at once (0: no limit)")
	queue := flag.Int("queue", 0, "requests that may wait for a slot; more get 503, as Ollama answers")
	models := flag.String("models", "", "comma-separated models to list and accept besides biogen's writer models (biogen-writer:8b and :3b, which biogen's default configuration asks for)")
	flag.Parse()

	rates, err := parseRates(*errs)
	if err != nil {
		log.Fatalf("fakellm: -errors: %v", err)
	}
	cfg := fakellm.Config{
		Forget:     true,
		FirstToken: *ttft, Jitter: *jitter, Fault: fakellm.RandomFaults(rates),
		MaxParallel: *maxParallel, QueueSize: *queue, SlowDelay: 30 * time.Second,
	}
	if *tps > 0 {
		cfg.TokenDelay = time.Duration(float64(time.Second) / *tps)
	}
	cfg.Models = []string{config.DefaultModel, "biogen-writer:3b"}
	if *models != "" {
		cfg.Models = append(cfg.Models, strings.Split(*models, ",")...)
	}
	srv := &http.Server{Addr: *addr, Handler: fakellm.New(cfg), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
		<-sig
		srv.Close()
	}()
	log.Printf("fakellm serving the Ollama and OpenAI APIs on http://%s", *addr)
	if err := srv.ListenAndServe(); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}

func parseRates(s string) (map[fakellm.Fault]float64, error) {
	out := map[fakellm.Fault]float64{}
	if s == "" {
		return out, nil
	}
	sum := 0.0
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil || f < 0 || f > 1 {
			return nil, fmt.Errorf("%q must be kind=rate with a rate from 0 to 1", kv)
		}
		known := false
		for _, x := range fakellm.Faults {
			known = known || string(x) == k
		}
		if !known {
			return nil, fmt.Errorf("unknown error kind %q", k)
		}
		out[fakellm.Fault(k)] = f
		sum += f
	}
	if sum > 1 {
		return nil, fmt.Errorf("the rates add up to %g, more than 1", sum)
	}
	return out, nil
}
