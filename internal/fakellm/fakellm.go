// Package fakellm is a fake language-model server that speaks the real
// Ollama API (/api/chat, /api/generate, /api/tags, /api/show, /api/embed,
// /api/version, and /api/pull, /api/create and /api/blobs, which add a
// model at once) and the OpenAI chat-completions API (/v1/chat/completions,
// SSE and not), with injectable faults. It writes a valid bio for the
// profile in the prompt, honouring the length, person and format asked, and
// German when asked for it (language.go), so biogen's output checks accept
// it.
//
// Tests run it with httptest; bench/fakellm serves it for load tests and
// for trying biogen without a GPU.
package fakellm

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/writer"
)

// Fault is what the server does wrong for one request.
type Fault string

// The faults.
const (
	FaultNone       Fault = ""
	FaultHang       Fault = "hang"        // accept, then send nothing until the client gives up
	FaultSlowFirst  Fault = "slow_first"  // wait SlowDelay before the first token
	FaultSlowTokens Fault = "slow_tokens" // wait SlowDelay between tokens
	Fault500        Fault = "500"
	Fault503        Fault = "503"
	Fault429        Fault = "429"       // with Retry-After
	FaultMalformed  Fault = "malformed" // a 200 whose body is not JSON
	FaultCut        Fault = "cut"       // the connection drops after a few tokens
	FaultUnusable   Fault = "unusable"  // valid JSON, a text no bio check accepts
)

// Faults lists every fault, for fault-matrix tests.
var Faults = []Fault{FaultHang, FaultSlowFirst, FaultSlowTokens, Fault500, Fault503, Fault429, FaultMalformed, FaultCut, FaultUnusable}

// Config configures a Server. The zero value answers at once with no fault.
type Config struct {
	// Models are the models /api/tags lists and /api/chat accepts; empty
	// accepts any model.
	Models []string
	// Forget, if set, keeps no request bodies or trace headers (Bodies and
	// Parents stay empty): a load test's fake would otherwise hold every
	// request it was sent.
	Forget bool
	// FirstToken is the delay before the first token; TokenDelay the delay
	// between tokens.
	FirstToken, TokenDelay time.Duration
	// Jitter varies each delay by up to ± this fraction (0.2 = ±20%).
	Jitter float64
	// SlowDelay is the delay of the slow faults. Default 30s.
	SlowDelay time.Duration
	// Fault picks the fault of the n-th request (from 1). Nil means none.
	Fault func(n int64) Fault
	// RetryAfter is the Retry-After of a 429, in seconds. Default "1".
	RetryAfter string
	// MaxParallel limits requests served at once; with QueueSize more may
	// wait, and the rest get 503 as Ollama answers when its queue is full.
	// 0 means no limit.
	MaxParallel, QueueSize int
	// Preamble makes answers start with "Here is the bio:" as small models do.
	Preamble bool
	// ChunkWords is how many words each streamed chunk carries. Default 1,
	// as models stream tokens; load tests raise it so that the fake costs
	// less CPU than the service it measures.
	ChunkWords int
	// Now is the clock of the writer. Nil means time.Now.
	Now func() time.Time
	// Rewrite, if not nil, changes each answer before it is sent, as a
	// misbehaving model would: n is the request's number (from 1), prompt
	// its messages joined, text the bio the fake wrote. Tests use it to
	// answer with an invented e-mail address, another person, mixed
	// pronouns or an obeyed injection, or to do so only until a
	// correction (the prompt then holds "was rejected").
	Rewrite func(n int64, prompt, text string) string
}

// Server is the fake, an http.Handler: its owner serves it (httptest, or
// bench/fakellm) and stops it by closing that server; it starts no
// goroutine of its own. It is safe for concurrent use. The zero value
// lacks New's defaults: call New.
type Server struct {
	cfg       Config
	w         writer.Writer
	requests  atomic.Int64
	cancelled atomic.Int64
	bytes     atomic.Int64
	slots     chan struct{}
	queue     chan struct{}
	mu        sync.Mutex
	bodies    []string
	parents   []string // the traceparent of each generation request
	memo      sync.Map // prompt -> bio, so repeated prompts cost nothing
	memoSize  atomic.Int64
}

// New returns a Server.
func New(cfg Config) *Server {
	if cfg.SlowDelay == 0 {
		cfg.SlowDelay = 30 * time.Second
	}
	if cfg.RetryAfter == "" {
		cfg.RetryAfter = "1"
	}
	s := &Server{cfg: cfg, w: writer.Writer{Now: cfg.Now}}
	if cfg.MaxParallel > 0 {
		s.slots = make(chan struct{}, cfg.MaxParallel)
		s.queue = make(chan struct{}, cfg.MaxParallel+cfg.QueueSize)
	}
	return s
}

// Requests is how many generation requests arrived.
func (s *Server) Requests() int64 { return s.requests.Load() }

// Cancelled is how many generations ended because the client went away.
func (s *Server) Cancelled() int64 { return s.cancelled.Load() }

// BytesReceived is the total size of the request bodies received.
func (s *Server) BytesReceived() int64 { return s.bytes.Load() }

// Bodies returns the generation request bodies received, in order.
func (s *Server) Bodies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.bodies...)
}

// Traceparents returns the traceparent header of each generation request
// received, in order ("" for a request without one).
func (s *Server) Traceparents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.parents...)
}

// ServeHTTP serves both APIs.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/version":
		writeJSON(w, 200, map[string]string{"version": "0.6.5"})
	case "/api/tags":
		s.tags(w)
	case "/api/show":
		s.show(w, r)
	case "/api/embed":
		s.embed(w, r)
	case "/api/pull", "/api/create":
		s.pull(w, r)
	case "/api/chat", "/api/generate", "/v1/chat/completions":
		s.generate(w, r)
	case "/", "":
		w.Write([]byte("Ollama is running"))
	case "/api/blobs/" + strings.TrimPrefix(r.URL.Path, "/api/blobs/"):
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	default:
		writeJSON(w, 404, map[string]string{"error": "not found"})
	}
}

func (s *Server) tags(w http.ResponseWriter) {
	type model struct {
		Name       string    `json:"name"`
		Model      string    `json:"model"`
		ModifiedAt time.Time `json:"modified_at"`
		Size       int64     `json:"size"`
		Digest     string    `json:"digest"`
	}
	models := []model{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.cfg.Models {
		models = append(models, model{Name: m, Model: m, ModifiedAt: time.Unix(1700000000, 0).UTC(), Size: 1 << 20, Digest: fmt.Sprintf("%064x", len(m))})
	}
	writeJSON(w, 200, map[string]any{"models": models})
}

// pull "downloads" (or creates) a model: it streams progress and adds the
// model to the list.
func (s *Server) pull(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string `json:"model"`
		Name  string `json:"name"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	name := req.Model + req.Name
	s.mu.Lock()
	if len(s.cfg.Models) > 0 && !s.knowsLocked(name) {
		s.cfg.Models = append(s.cfg.Models, name)
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-ndjson")
	for _, st := range []string{"pulling manifest", "verifying sha256 digest", "success"} {
		json.NewEncoder(w).Encode(map[string]string{"status": st})
	}
}

func (s *Server) show(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string `json:"model"`
		Name  string `json:"name"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	name := req.Model + req.Name
	if !s.knows(name) {
		writeJSON(w, 404, map[string]string{"error": fmt.Sprintf("model '%s' not found", name)})
		return
	}
	writeJSON(w, 200, map[string]any{"modelfile": "FROM fake", "details": map[string]string{"family": "fake"}})
}

// embed returns a small deterministic vector per input.
func (s *Server) embed(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string `json:"model"`
		Input any    `json:"input"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, 400, map[string]string{"error": "invalid request"})
		return
	}
	var inputs []string
	switch v := req.Input.(type) {
	case string:
		inputs = []string{v}
	case []any:
		for _, x := range v {
			s, _ := x.(string)
			inputs = append(inputs, s)
		}
	}
	vecs := make([][]float32, len(inputs))
	for i, in := range inputs {
		v := make([]float32, 16)
		for j, c := range in {
			v[(j+int(c))%16] += 1
		}
		vecs[i] = v
	}
	writeJSON(w, 200, map[string]any{"model": req.Model, "embeddings": vecs})
}

func (s *Server) knows(model string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.knowsLocked(model)
}

func (s *Server) knowsLocked(model string) bool {
	if len(s.cfg.Models) == 0 {
		return true
	}
	for _, m := range s.cfg.Models {
		if m == model || strings.TrimSuffix(m, ":latest") == model {
			return true
		}
	}
	return false
}

// chatRequest covers the fields of Ollama's and OpenAI's chat requests
// that the fake reads.
type chatRequest struct {
	Model    string `json:"model"`
	Prompt   string `json:"prompt"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	Stream        *bool          `json:"stream"`
	Options       map[string]any `json:"options"`
	StreamOptions *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

func (s *Server) generate(w http.ResponseWriter, r *http.Request) {
	n := s.requests.Add(1)
	openai := strings.HasPrefix(r.URL.Path, "/v1/")
	var body strings.Builder
	var req chatRequest
	err := json.NewDecoder(teeReader{r.Body, &body}).Decode(&req)
	s.bytes.Add(int64(body.Len()))
	if !s.cfg.Forget {
		s.mu.Lock()
		s.bodies = append(s.bodies, body.String())
		s.parents = append(s.parents, r.Header.Get("traceparent"))
		s.mu.Unlock()
	}
	if err != nil {
		s.fail(w, openai, 400, "invalid request body")
		return
	}
	if !s.knows(req.Model) {
		s.fail(w, openai, 404, fmt.Sprintf("model '%s' not found", req.Model))
		return
	}
	if s.slots != nil {
		select {
		case s.queue <- struct{}{}:
			defer func() { <-s.queue }()
		default:
			s.fail(w, openai, 503, "server busy, please try again.  maximum pending requests exceeded")
			return
		}
		select {
		case s.slots <- struct{}{}:
			defer func() { <-s.slots }()
		case <-r.Context().Done():
			s.cancelled.Add(1)
			return
		}
	}
	fault := FaultNone
	if s.cfg.Fault != nil {
		fault = s.cfg.Fault(n)
	}
	switch fault {
	case Fault500:
		s.fail(w, openai, 500, "llama runner process has terminated: exit status 2")
		return
	case Fault503:
		s.fail(w, openai, 503, "server busy, please try again.  maximum pending requests exceeded")
		return
	case Fault429:
		w.Header().Set("Retry-After", s.cfg.RetryAfter)
		s.fail(w, openai, 429, "rate limit exceeded")
		return
	case FaultHang:
		<-r.Context().Done()
		s.cancelled.Add(1)
		return
	}
	prompt := req.Prompt
	for _, m := range req.Messages {
		prompt += "\n" + m.Content
	}
	text := s.memoBio(prompt)
	if s.cfg.Rewrite != nil {
		text = s.cfg.Rewrite(n, prompt, text)
	}
	if fault == FaultUnusable {
		text = "As an AI language model, I cannot write this biography."
	}
	if s.cfg.Preamble {
		text = "Here is the bio:\n\n" + text
	}
	stream := req.Stream == nil || *req.Stream
	if openai {
		stream = req.Stream != nil && *req.Stream
	}
	st := &streamer{s: s, w: w, r: r, fault: fault, model: req.Model, openai: openai,
		promptTokens: len(strings.Fields(prompt)), usage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage,
		generate: r.URL.Path == "/api/generate"}
	if fault == FaultMalformed {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.WriteHeader(200)
		w.Write([]byte("upstream exploded <html>not json</html>\n"))
		return
	}
	if !stream {
		st.whole(text)
		return
	}
	st.stream(text)
}

func (s *Server) fail(w http.ResponseWriter, openai bool, status int, msg string) {
	if openai {
		writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": "server_error", "code": strconv.Itoa(status)}})
		return
	}
	writeJSON(w, status, map[string]string{"error": msg})
}

var (
	rangeRE = regexp.MustCompile(`(\d+) (?:to|and) (\d+) words`) // bio/v1 "50 to 80 words", bio/v2 "between 50 and 80 words"
	fenceRE = regexp.MustCompile(`(?s)<profile>\s*(.*?)\s*</profile>`)
)

// memoBio returns bioFor(prompt), remembering up to 10,000 answers.
func (s *Server) memoBio(prompt string) string {
	if v, ok := s.memo.Load(prompt); ok {
		return v.(string)
	}
	text := s.bioFor(prompt)
	if s.memoSize.Add(1) <= 10000 {
		s.memo.Store(prompt, text)
	}
	return text
}

// bioFor writes a bio for the request described in prompt.
func (s *Server) bioFor(prompt string) string {
	req := &bio.Request{UserID: "fake", Options: bio.DefaultOptions}
	// The last fence holds the profile; the system prompt names the tags.
	if ms := fenceRE.FindAllStringSubmatch(prompt, -1); len(ms) > 0 {
		json.Unmarshal([]byte(ms[len(ms)-1][1]), &req.Profile)
	}
	if req.Profile.Name == "" {
		req.Profile.Name, req.Profile.CurrentRole = "Alex Doe", "Engineer"
	}
	if m := rangeRE.FindStringSubmatch(prompt); m != nil {
		switch m[1] {
		case "50":
			req.Options.Length = bio.LengthShort
		case "250":
			req.Options.Length = bio.LengthLong
		}
	}
	if strings.Contains(prompt, "Perspective: first person") || strings.Contains(prompt, "Write in the first person") {
		req.Options.Perspective = bio.PerspectiveFirst
	}
	if strings.Contains(prompt, "bullet points") {
		req.Options.Format = bio.FormatBullets
	}
	if strings.Contains(prompt, "Write a casual") {
		req.Options.Tone = bio.ToneCasual
	}
	variant := uint64(0)
	if i := strings.Index(prompt, "(variation "); i >= 0 {
		fmt.Sscanf(prompt[i:], "(variation %d)", &variant)
	}
	// Like a model asked for a word range, try again when short of it.
	b := s.w.Write(req, variant)
	for v := variant + 1; v <= variant+8 && slices.Contains(b.Flags, bio.FlagSparseProfile); v++ {
		if c := s.w.Write(req, v); c.Words > b.Words {
			b = c
		}
	}
	return translate(b.Text, languageOf(prompt), &req.Profile)
}

// streamer writes one answer.
type streamer struct {
	s            *Server
	w            http.ResponseWriter
	r            *http.Request
	fault        Fault
	model        string
	openai       bool
	usage        bool
	generate     bool
	promptTokens int
}

// tokens splits text into word-sized chunks, keeping the spaces.
func tokens(text string) []string {
	var out []string
	start := 0
	for i := 1; i < len(text); i++ {
		if text[i] == ' ' || text[i] == '\n' {
			out = append(out, text[start:i])
			start = i
		}
	}
	return append(out, text[start:])
}

// chunks groups tokens n at a time.
func chunks(toks []string, n int) []string {
	if n <= 1 {
		return toks
	}
	out := make([]string, 0, len(toks)/n+1)
	for i := 0; i < len(toks); i += n {
		out = append(out, strings.Join(toks[i:min(i+n, len(toks))], ""))
	}
	return out
}

func (st *streamer) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	if j := st.s.cfg.Jitter; j > 0 {
		d = time.Duration(float64(d) * (1 + j*(2*rand.Float64()-1)))
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-st.r.Context().Done():
		st.s.cancelled.Add(1)
		return false
	}
}

func (st *streamer) whole(text string) {
	if !st.sleep(st.s.cfg.FirstToken) {
		return
	}
	out := len(strings.Fields(text))
	if st.openai {
		writeJSON(st.w, 200, map[string]any{
			"id": "chatcmpl-fake", "object": "chat.completion", "created": time.Now().Unix(), "model": st.model,
			"choices": []any{map[string]any{"index": 0, "message": map[string]string{"role": "assistant", "content": text}, "finish_reason": "stop"}},
			"usage":   map[string]int{"prompt_tokens": st.promptTokens, "completion_tokens": out, "total_tokens": st.promptTokens + out},
		})
		return
	}
	writeJSON(st.w, 200, st.ollamaChunk(text, true, out))
}

func (st *streamer) ollamaChunk(text string, done bool, evalCount int) map[string]any {
	m := map[string]any{"model": st.model, "created_at": time.Now().UTC().Format(time.RFC3339Nano), "done": done}
	if st.generate {
		m["response"] = text
	} else {
		m["message"] = map[string]string{"role": "assistant", "content": text}
	}
	if done {
		m["done_reason"] = "stop"
		m["prompt_eval_count"] = st.promptTokens
		m["eval_count"] = evalCount
		m["total_duration"] = 1000000
	}
	return m
}

func (st *streamer) stream(text string) {
	w := st.w
	flusher, _ := w.(http.Flusher)
	if st.openai {
		w.Header().Set("Content-Type", "text/event-stream")
	} else {
		w.Header().Set("Content-Type", "application/x-ndjson")
	}
	w.WriteHeader(200)
	if flusher != nil {
		flusher.Flush()
	}
	first := st.s.cfg.FirstToken
	if st.fault == FaultSlowFirst {
		first = st.s.cfg.SlowDelay
	}
	if !st.sleep(first) {
		return
	}
	toks := chunks(tokens(text), st.s.cfg.ChunkWords)
	for i, tok := range toks {
		if i > 0 {
			d := st.s.cfg.TokenDelay
			if st.fault == FaultSlowTokens {
				d = st.s.cfg.SlowDelay
			}
			if !st.sleep(d) {
				return
			}
		}
		if st.fault == FaultCut && i == 3 {
			panic(http.ErrAbortHandler) // drop the connection mid-stream
		}
		if err := st.write(tok, false, 0); err != nil {
			st.s.cancelled.Add(1)
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
	st.write("", true, len(toks))
	if st.openai {
		w.Write([]byte("data: [DONE]\n\n"))
	}
	if flusher != nil {
		flusher.Flush()
	}
}

func (st *streamer) write(tok string, done bool, evalCount int) error {
	var b []byte
	if st.openai {
		chunk := map[string]any{"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": time.Now().Unix(), "model": st.model}
		if done {
			chunk["choices"] = []any{map[string]any{"index": 0, "delta": map[string]any{}, "finish_reason": "stop"}}
			if st.usage {
				chunk["usage"] = map[string]int{"prompt_tokens": st.promptTokens, "completion_tokens": evalCount, "total_tokens": st.promptTokens + evalCount}
			}
		} else {
			chunk["choices"] = []any{map[string]any{"index": 0, "delta": map[string]string{"content": tok}, "finish_reason": nil}}
		}
		j, _ := json.Marshal(chunk)
		b = append(append([]byte("data: "), j...), "\n\n"...)
	} else {
		j, _ := json.Marshal(st.ollamaChunk(tok, done, evalCount))
		b = append(j, '\n')
	}
	_, err := st.w.Write(b)
	if err == nil {
		err = st.r.Context().Err()
	}
	return err
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

type teeReader struct {
	r interface{ Read([]byte) (int, error) }
	b *strings.Builder
}

func (t teeReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.b.Write(p[:n])
	return n, err
}

// RandomFaults returns a Fault function that picks each fault with its
// probability (from 0 to 1), and no fault otherwise.
func RandomFaults(rates map[Fault]float64) func(int64) Fault {
	if len(rates) == 0 {
		return nil
	}
	return func(int64) Fault {
		x := rand.Float64()
		for _, f := range Faults {
			if x < rates[f] {
				return f
			}
			x -= rates[f]
		}
		return FaultNone
	}
}
