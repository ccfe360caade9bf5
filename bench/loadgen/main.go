// Command loadgen sends POST /v1/bios load to a running biogen: open-loop at
// a constant rate (latency from each request's intended start) or
// closed-loop with a fixed number in flight, with bodies from a JSONL file,
// and prints HDR-histogram percentiles, throughput and outcomes.
//
//	go run ./bench/loadgen -url http://127.0.0.1:8080 -rate 200 -duration 30s
//	go run ./bench/loadgen -url http://127.0.0.1:8080 -c 64 -duration 10s -key "$KEY" -stream
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/valyala/fasthttp"

	"github.com/biogen/biogen/bench/load"
	"github.com/biogen/biogen/bench/scenarios"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "biogen's base URL")
	key := flag.String("key", os.Getenv("BIOGEN_KEY"), "API key (env BIOGEN_KEY); empty for a keyless local biogen")
	rate := flag.Float64("rate", 0, "open-loop requests per second (0: closed loop)")
	conc := flag.Int("c", 16, "closed-loop requests in flight")
	duration := flag.Duration("duration", 10*time.Second, "how long to send")
	max := flag.Int("max", 0, "stop after this many requests (0: no cap)")
	profiles := flag.String("profiles", "", "JSONL file of request bodies (default: 308 generated ones, internal/corpus)")
	stream := flag.Bool("stream", false, "ask for server-sent events and measure the time to the first delta")
	jsonOut := flag.String("json", "", "also write the report as JSON to this file")
	flag.Parse()

	bodies, err := scenarios.ReadBodies(*profiles)
	if err != nil {
		log.Fatal(err)
	}
	client := &fasthttp.Client{MaxConnsPerHost: 4096, ReadTimeout: 60 * time.Second, WriteTimeout: 60 * time.Second}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1024}}
	target := strings.TrimRight(*url, "/") + "/v1/bios"
	do := func(ctx context.Context, i int) load.Result {
		body := bodies[i%len(bodies)]
		if *stream {
			return sse(ctx, hc, target, *key, body)
		}
		auth := ""
		if *key != "" {
			auth = "Bearer " + *key
		}
		return scenarios.PostBio(client, target, auth, body)
	}
	rep := load.Run(context.Background(), load.Config{Name: "loadgen", Rate: *rate, Concurrency: *conc, Duration: *duration, MaxRequests: *max, Do: do})
	scenarios.WriteTable(os.Stdout, &scenarios.Summary{Results: []scenarios.Result{{Report: rep}}})
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := os.WriteFile(*jsonOut, b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

func sse(ctx context.Context, hc *http.Client, url, key string, body []byte) load.Result {
	req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		return load.Result{Err: err}
	}
	defer resp.Body.Close()
	var first time.Duration
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if first == 0 && sc.Text() == "event: delta" {
			first = time.Since(start)
		}
	}
	return load.Result{Status: resp.StatusCode, FirstByte: first, Labels: []string{fmt.Sprintf("stream=%v", first > 0)}}
}
