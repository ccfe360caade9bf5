# biogen — see README.md.
#   make run    build and serve on 127.0.0.1:8080 (CONFIG=file to use a config)
#   make test   vet and run every test with the race detector
#   make eval   the offline evaluation of prompt versions × models (bench/EVAL.md)
GO      ?= go
BIN     ?= bin/biogen
CONFIG  ?=
FUZZTIME ?= 30s

.PHONY: all build run test vet bench microbench eval fuzz clean ollama

all: build

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/biogen

run: build
	./$(BIN) $(if $(CONFIG),-config $(CONFIG))

vet:
	$(GO) vet ./...

test: vet
	$(GO) test -race -count=1 -timeout 15m ./...

# The load scenarios (bench/README.md), synchronous requests beside a job,
# then a 3-minute soak; writes bench/out/ and bench/RESULTS.md. Go
# micro-benchmarks: make microbench.
bench: build
	$(GO) run ./bench/run -binary $(BIN) -duration 10s -rate 200 -model-rate 1000 -stream-rate 50 -jobs 45s -soak 3m -results bench/RESULTS.md

microbench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The offline evaluation: prompt versions × the fake LLM's arms, and the
# tiny model on a real Ollama server that the command starts when
# BIOGEN_OLLAMA_BIN and BIOGEN_TINYMODEL_BIN are set (make ollama); writes
# bench/EVAL.md (bench/eval/preface.md, then the tables) and bench/out/eval.json.
EVAL_PROFILES ?= 12
eval:
	@mkdir -p bench/out
	$(GO) run ./bench/eval -prompts v1,v2 -fake all $(if $(and $(BIOGEN_OLLAMA_BIN),$(BIOGEN_TINYMODEL_BIN)),-tiny-ollama) \
		-profiles $(EVAL_PROFILES) -preface bench/eval/preface.md -out bench/EVAL.md -json bench/out/eval.json

# Short coverage-guided runs of every fuzz target; the seeds run in make test.
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/bio
	$(GO) test -run '^$$' -fuzz '^FuzzHandler$$' -fuzztime $(FUZZTIME) ./internal/httpapi
	$(GO) test -run '^$$' -fuzz '^FuzzPseudonymise$$' -fuzztime $(FUZZTIME) ./internal/pii
	$(GO) test -run '^$$' -fuzz '^FuzzEachURL$$' -fuzztime $(FUZZTIME) ./internal/pii
	$(GO) test -run '^$$' -fuzz '^FuzzForward$$' -fuzztime $(FUZZTIME) ./internal/pii
	$(GO) test -run '^$$' -fuzz '^FuzzNormalizeKeepsEveryCharacter$$' -fuzztime $(FUZZTIME) ./internal/cache
	$(GO) test -run '^$$' -fuzz '^FuzzVerify$$' -fuzztime $(FUZZTIME) ./internal/check
	$(GO) test -run '^$$' -fuzz '^FuzzLooksLikeInstruction$$' -fuzztime $(FUZZTIME) ./internal/bio

# The real Ollama server (v0.6.5, cgo; needs nlohmann-json3-dev and
# libstb-dev) and the tiny-model generator, for the integration tests:
#   make ollama && BIOGEN_OLLAMA_BIN=$PWD/bin/ollama BIOGEN_TINYMODEL_BIN=$PWD/bin/tinymodel make test
ollama: bin/ollama bin/tinymodel

bin/ollama: tools/ollama/go.mod tools/ollama/go.sum
	cd tools/ollama && $(GO) build -o ../../bin/ollama github.com/ollama/ollama

bin/tinymodel: tools/ollama/go.mod tools/ollama/tinymodel/main.go
	cd tools/ollama && $(GO) build -o ../../bin/tinymodel ./tinymodel

clean:
	rm -rf bin
