// Command run runs every load scenario (make bench) and writes the reports:
// a table on stdout, results.json, report.html (latency chart, the jobs
// scenario's figures, and the soak's memory and throughput over time) and,
// with -results, bench/RESULTS.md.
//
//	go run ./bench/run -duration 10s -rate 200 -model-rate 1000 -binary bin/biogen
//	go run ./bench/run -binary bin/biogen -only jobs -jobs 30s
//	go run ./bench/run -binary bin/biogen -only soak -soak 30m
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/biogen/biogen/bench/scenarios"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "length of each scenario")
	rate := flag.Float64("rate", 200, "open-loop requests per second")
	modelRate := flag.Float64("model-rate", 0, "rate of the model scenario and its baseline (default -rate)")
	streamRate := flag.Float64("stream-rate", 0, "rate of the stream scenario and its baseline (default -rate)")
	profiles := flag.String("profiles", "", "JSONL file of request bodies (default: 308 generated ones, internal/corpus)")
	binary := flag.String("binary", "", "a built biogen to run as its own process (to read its memory); empty runs it in this process")
	out := flag.String("out", "bench/out", "directory for results.json and report.html")
	results := flag.String("results", "", "also write the figures to this Markdown file (bench/RESULTS.md)")
	only := flag.String("only", "", "comma-separated scenarios to run (default all)")
	jobs := flag.Duration("jobs", 0, "length of each phase of the jobs scenario (synchronous requests alone, then beside a 1,000-item job); 0 skips it")
	soak := flag.Duration("soak", 0, "length of the soak scenario (distinct requests, biogen's RSS over time; needs -binary); 0 skips it")
	soakC := flag.Int("soak-c", scenarios.SoakConcurrency, "requests in flight in the soak scenario")
	soakHeap := flag.String("soak-heap", "", "write a heap profile of biogen, taken when the soak's load stops, to this file")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of this process (the load generator, the fakes and, without -binary, biogen) to this file")
	flag.Parse()

	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}

	bodies, err := scenarios.ReadBodies(*profiles)
	if err != nil {
		log.Fatal(err)
	}
	o := scenarios.Options{Duration: *duration, Rate: *rate, ModelRate: *modelRate, StreamRate: *streamRate, Bodies: bodies, Binary: *binary, Log: os.Stderr,
		JobsPhase: *jobs, SoakDuration: *soak, SoakConcurrency: *soakC, SoakHeapProfile: *soakHeap}
	if *only != "" {
		o.Only = strings.Split(*only, ",")
	}
	s, err := scenarios.Run(context.Background(), o)
	if err != nil {
		log.Fatal(err)
	}
	s.Command = "go run ./bench/run " + strings.Join(os.Args[1:], " ")
	scenarios.WriteTable(os.Stdout, s)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	if err := scenarios.WriteJSON(filepath.Join(*out, "results.json"), s); err != nil {
		log.Fatal(err)
	}
	if err := scenarios.WriteHTML(filepath.Join(*out, "report.html"), s); err != nil {
		log.Fatal(err)
	}
	if *results != "" {
		analysis, _ := os.ReadFile(filepath.Join(filepath.Dir(*results), "analysis.md"))
		if err := scenarios.WriteMarkdown(*results, s, string(analysis)); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "reports in %s\n", *out)
}
