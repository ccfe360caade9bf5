package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/biogen/biogen/internal/fakellm"
)

// fakeModel is the model name the fakes list and answer.
const fakeModel = "fake"

// fakeArm is an arm of the fake LLM: the fake as it is, or misbehaving as
// small models do, for contrast.
type fakeArm struct {
	name, note string
	cfg        fakellm.Config
}

// fakeArms are the fake LLM's arms, in the order -fake all runs them.
var fakeArms = []fakeArm{
	{"fake", "The fake LLM (internal/fakellm): it reads the prompt and writes a bio with the template writer, of the length, person and format asked.",
		fakellm.Config{}},
	{"fake-preamble", `The fake, starting every answer with "Here is the bio:": the checks clean such an introduction away, so it is no rejection.`,
		fakellm.Config{Preamble: true}},
	{"fake-contact", "The fake, ending its first answer with an e-mail address the profile does not hold (in place of its last word), and answering the correction as the plain fake does.",
		fakellm.Config{Rewrite: inventContact}},
	{"fake-numbers", "The fake, adding one to every number it writes (years, counts, amounts): facts the profile does not hold, which are flagged, not rejected.",
		fakellm.Config{Rewrite: func(_ int64, _, text string) string { return nudgeNumbers(text) }}},
}

func fakeArmNames() []string {
	var names []string
	for _, f := range fakeArms {
		names = append(names, f.name)
	}
	return names
}

// inventContact replaces the last word of a first answer with an e-mail
// address, keeping its punctuation, so the word count stays as it was; a
// corrective retry (its prompt holds the correction) gets the bio as is.
func inventContact(_ int64, prompt, text string) string {
	if strings.Contains(prompt, "was rejected") {
		return text
	}
	i := strings.LastIndexAny(text, " \n")
	last := text[i+1:]
	end := strings.TrimRight(last, ".!?")
	return text[:i+1] + "jordan.avery@example.com" + last[len(end):]
}

var digits = regexp.MustCompile(`[0-9]+`)

// nudgeNumbers adds one to every run of digits in text.
func nudgeNumbers(text string) string {
	return digits.ReplaceAllStringFunc(text, func(d string) string {
		n, err := strconv.Atoi(d)
		if err != nil {
			return d
		}
		return strconv.Itoa(n + 1)
	})
}

// server is an http.Server on a loopback port of its own, for an
// in-process fake. The zero value is not usable: call serve. Close stops
// it; it is safe for concurrent use.
type server struct {
	URL string
	srv *http.Server
}

func serve(h http.Handler) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{URL: "http://" + ln.Addr().String(), srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server and the requests it is serving.
func (s *server) Close() error { return s.srv.Close() }

// startFake serves the fake arm name on loopback and returns its arm.
func startFake(name string) (Arm, *server, error) {
	i := slices.IndexFunc(fakeArms, func(f fakeArm) bool { return f.name == name })
	if i < 0 {
		return Arm{}, nil, fmt.Errorf("no fake arm %q: there are %s", name, strings.Join(fakeArmNames(), ", "))
	}
	f := fakeArms[i]
	cfg := f.cfg
	cfg.Models, cfg.Forget = []string{fakeModel}, true
	s, err := serve(fakellm.New(cfg))
	if err != nil {
		return Arm{}, nil, err
	}
	return Arm{Name: name, Host: s.URL, Model: fakeModel, Note: f.note}, s, nil
}

// The tiny model's settings. Its tokenizer has little more than bytes, so a
// prompt is some 4,000 tokens, and each token it writes attends to the
// prompt: in the service's context of 8,192 a call took 10 to 30 s on a
// shared 2-core box, in 2,048 (the prompt cut to fit, which noise does not
// mind) about a second; a token still takes 20 to 150 ms when the box is
// busy, so answers stop at 128 tokens rather than the service's budget
// (554 for a long bio). It samples at Ollama's default temperature, 0.8:
// greedy decoding of random weights repeats one token until Ollama aborts.
const (
	tinyNumCtx      = 2048
	tinyMaxTokens   = 128
	tinyTemperature = 0.8
)

// tinyModelfile makes the tiny model from a GGUF file: a chat template
// (the GGUF has none), and a stop sequence, "team", one of the words its
// vocabulary holds, so that some answers end before num_predict and reach
// the output checks (and a corrective retry) as a real model's do.
const tinyModelfile = "FROM %s\nTEMPLATE \"\"\"{{ if .System }}{{ .System }}\n{{ end }}{{ range .Messages }}{{ .Role }}: {{ .Content }}\n{{ end }}assistant: \"\"\"\nPARAMETER stop team\n"

// tinyNote says what the tiny model's numbers are worth.
const tinyNote = "The tiny model has random weights (tools/ollama/tinymodel), a context of 2,048 tokens, at most 128 tokens an answer, " +
	"temperature 0.8 and a stop sequence (\"team\"): its text is noise, so its numbers say nothing about prompts; " +
	"they prove the tool against a real Ollama server (streaming, token counts, num_predict, checks and corrective retries on real answers, timing)."

// tinyOllama is a real Ollama server (BIOGEN_OLLAMA_BIN, built by
// `make ollama`) started by the evaluation on a free loopback port, with a
// model directory and home of its own, and the tiny generated model's
// Modelfile (BIOGEN_TINYMODEL_BIN writes the model). Stop stops it and
// removes its files. The zero value is not usable: call startTinyOllama;
// one goroutine owns it.
type tinyOllama struct {
	URL, Modelfile string
	dir            string
	cmd            *exec.Cmd
	done           chan struct{}
	log            *os.File
}

// startTinyOllama starts `ollama serve` and waits until it answers. The
// model itself is created from the Modelfile by the Ollama provider, as
// biogen creates a configured model it lacks.
func startTinyOllama(ctx context.Context, bin, tinyBin string, parallel int) (_ *tinyOllama, err error) {
	dir, err := os.MkdirTemp("", "biogen-eval-ollama-")
	if err != nil {
		return nil, err
	}
	o := &tinyOllama{dir: dir, done: make(chan struct{})}
	defer func() {
		if err != nil {
			o.Stop()
		}
	}()
	gguf := filepath.Join(dir, "tiny.gguf")
	if out, err := exec.CommandContext(ctx, tinyBin, "-o", gguf).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s: %w: %s", tinyBin, err, out)
	}
	o.Modelfile = filepath.Join(dir, "Modelfile")
	if err := os.WriteFile(o.Modelfile, fmt.Appendf(nil, tinyModelfile, gguf), 0o644); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	if o.log, err = os.Create(filepath.Join(dir, "serve.log")); err != nil {
		return nil, err
	}
	o.cmd = exec.Command(bin, "serve")
	o.cmd.Env = append(os.Environ(), "OLLAMA_HOST="+addr, "OLLAMA_MODELS="+filepath.Join(dir, "models"), "HOME="+dir,
		"OLLAMA_KEEP_ALIVE=10m", "OLLAMA_NUM_PARALLEL="+strconv.Itoa(parallel))
	o.cmd.Stdout, o.cmd.Stderr = o.log, o.log
	// Its own process group, so that Stop also ends the runners it starts.
	o.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := o.cmd.Start(); err != nil {
		o.cmd = nil
		return nil, fmt.Errorf("cannot start %s serve: %w", bin, err)
	}
	go func() { o.cmd.Wait(); close(o.done) }()
	o.URL = "http://" + addr
	deadline := time.NewTimer(60 * time.Second)
	defer deadline.Stop()
	for {
		resp, err := http.Get(o.URL + "/api/version")
		if err == nil {
			resp.Body.Close()
			return o, nil
		}
		select {
		case <-o.done:
			return nil, fmt.Errorf("%s serve exited at start: %s", bin, o.tail())
		case <-deadline.C:
			return nil, fmt.Errorf("%s serve did not answer within 60s: %w", bin, err)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// arm is the tiny model's arm on this server.
func (o *tinyOllama) arm() Arm {
	return Arm{Name: "tiny", Host: o.URL, Model: "tiny", Modelfile: o.Modelfile,
		NumCtx: tinyNumCtx, MaxTokens: tinyMaxTokens, Temperature: tinyTemperature, Note: tinyNote}
}

// tail is the end of the server's log, for an error.
func (o *tinyOllama) tail() string {
	b, _ := os.ReadFile(filepath.Join(o.dir, "serve.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Stop ends the server's process group (SIGTERM, then SIGKILL for what is
// left of it after the server exits, or after 10s) and removes its
// directory. It may be called more than once.
func (o *tinyOllama) Stop() error {
	var err error
	if o.cmd != nil {
		syscall.Kill(-o.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-o.done:
		case <-time.After(10 * time.Second):
			err = errors.New("ollama serve did not stop on SIGTERM within 10s; killed")
		}
		// Whatever is left of the group (serve, or a runner slow to go).
		syscall.Kill(-o.cmd.Process.Pid, syscall.SIGKILL)
		<-o.done
		o.cmd = nil
	}
	if o.log != nil {
		o.log.Close()
		o.log = nil
	}
	if o.dir != "" {
		err = errors.Join(err, os.RemoveAll(o.dir))
		o.dir = ""
	}
	return err
}
