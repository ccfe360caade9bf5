package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/check"
	"github.com/biogen/biogen/internal/ollama"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/writer"
)

// Arm is one model to evaluate on one Ollama server (or anything that
// speaks its API, such as internal/fakellm).
type Arm struct {
	// Name is the arm's name in the tables.
	Name string
	// Host is the server's URL; Model the model asked for.
	Host, Model string
	// Temperature, NumCtx and MaxTokens are the provider's settings
	// (internal/ollama.Config); 0 for NumCtx means 8192, and 0 for
	// MaxTokens sizes num_predict from the length asked, as in service.
	Temperature float64
	NumCtx      int
	MaxTokens   int
	// Modelfile, if set, is a Modelfile to create the model from when the
	// server lacks it (the tiny model).
	Modelfile string
	// Note, if set, is printed under the arm's results.
	Note string
}

// Case is one request of the profile set.
type Case struct {
	// Index is the case's place in the set, from 0.
	Index int
	// Thin is true for a generated profile cut down to a few fields.
	Thin bool
	Req  *bio.Request
}

// Config is one evaluation: every prompt version × every arm × every case.
type Config struct {
	// Prompts are the versions to render ("v1"), in the tables' order.
	Prompts []string
	// PromptsDir, if set, holds the prompt versions (dir/bio/VERSION/);
	// empty means the versions embedded in biogen.
	PromptsDir string
	Arms       []Arm
	Cases      []Case
	// Parallel is how many bios are written at once. Positive.
	Parallel int
	// Timeout bounds each call to a model. Positive.
	Timeout time.Duration
	// Warmup, if set, makes one call to each arm before measuring, so
	// that loading the model is not counted in the first bio's latency.
	Warmup bool
	// Now is the clock of the output checks; nil means time.Now.
	Now func() time.Time
}

// Record is what happened to one bio: one case with one prompt version and
// one arm.
type Record struct {
	Case    int         `json:"case"`
	Thin    bool        `json:"thin,omitempty"`
	Options bio.Options `json:"options"`
	// Calls is how many times the model was called (2 with a corrective
	// retry).
	Calls int `json:"calls"`
	// First is the outcome of the model's first answer: "pass", the
	// problem the output checks rejected it for ("too_short"), or
	// "provider:<reason>" when the call failed ("provider:timeout").
	First string `json:"first"`
	// Error is the provider's error of a failed call (its own words,
	// never the upstream's text), the first call's or else the
	// corrective retry's.
	Error string `json:"error,omitempty"`
	// FirstWords is the first answer's word count once cleaned, and
	// FirstInRange whether it is within the length's range; both zero
	// when the first call gave no text.
	FirstWords   int  `json:"first_words"`
	FirstInRange bool `json:"first_in_range"`
	// Corrected is the outcome of the corrective retry, in First's terms;
	// empty when there was none.
	Corrected string `json:"corrected,omitempty"`
	// Model is true when the model's answer (first or corrected) was
	// served; false when the chain fell back to the template writer.
	Model bool `json:"model"`
	// Fallback is the chain's reason for passing the model over.
	Fallback string `json:"fallback,omitempty"`
	// Flags and FlagReasons are those of the model's served answer.
	Flags       []string `json:"flags,omitempty"`
	FlagReasons []string `json:"flag_reasons,omitempty"`
	// Unverified is how many sentences of the served answer hold a fact
	// the checks cannot find in the profile (see unverifiedFacts).
	Unverified int `json:"unverified"`
	// FirstToken is the time to the first call's first text (0 when it
	// sent none); Total the chain's time to its answer, the corrective
	// retry included.
	FirstToken time.Duration `json:"first_token_ns"`
	Total      time.Duration `json:"total_ns"`
	// TokensIn and TokensOut add up what the server reported for each
	// call that completed (a failed call reports none).
	TokensIn  int `json:"tokens_in"`
	TokensOut int `json:"tokens_out"`
}

// Outcome values of Record.First and Record.Corrected besides the
// checks' problems.
const (
	outcomePass     = "pass"
	providerPrefix  = "provider:"
	hitNumPredict   = providerPrefix + "num_predict"
	maxBreakerCount = math.MaxUint32
)

// Run evaluates every prompt version × arm over the cases and returns
// the records of each pair, in the order of cfg.Prompts then cfg.Arms,
// each in case order. An error means the tool could not measure (a server
// that does not answer, a prompt version that does not load, the checks
// disagreeing with the chain); bad numbers are no error.
func Run(ctx context.Context, cfg Config) ([]*Summary, error) {
	if cfg.Parallel <= 0 || cfg.Timeout <= 0 {
		return nil, fmt.Errorf("eval: parallel %d and timeout %q must be positive", cfg.Parallel, cfg.Timeout)
	}
	if len(cfg.Prompts) == 0 || len(cfg.Arms) == 0 || len(cfg.Cases) == 0 {
		return nil, errors.New("eval: nothing to evaluate: give prompt versions, models and profiles")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	seen := map[string]bool{}
	for _, a := range cfg.Arms {
		if seen[a.Name] {
			return nil, fmt.Errorf("eval: two models are named %q", a.Name)
		}
		seen[a.Name] = true
	}
	prompts, err := prompt.LoadAll(cfg.PromptsDir, cfg.Prompts[0])
	if err != nil {
		return nil, err
	}
	for _, v := range cfg.Prompts {
		if prompts.Get(prompt.VersionName(v)) == nil {
			return nil, fmt.Errorf("eval: no prompt version %q", v)
		}
	}
	var out []*Summary
	for _, arm := range cfg.Arms {
		e, err := newEvaluator(ctx, cfg, arm, prompts)
		if err != nil {
			return nil, err
		}
		for _, v := range cfg.Prompts {
			s, err := e.run(ctx, v)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
	}
	// Prompt versions first, then arms, as the flags list them.
	slices.SortStableFunc(out, func(a, b *Summary) int {
		return slices.Index(cfg.Prompts, a.Prompt) - slices.Index(cfg.Prompts, b.Prompt)
	})
	return out, nil
}

// evaluator runs one arm through a chain of its own: the arm's model,
// guarded, then the template writer, which answers when the model does not
// and is never counted as the model's answer. The zero value is not
// usable: call newEvaluator. It is safe for concurrent use.
type evaluator struct {
	cfg      Config
	arm      Arm
	chain    *chain.Chain
	template *writer.Provider
}

func newEvaluator(ctx context.Context, cfg Config, arm Arm, prompts *prompt.Set) (*evaluator, error) {
	numCtx := arm.NumCtx
	if numCtx == 0 {
		numCtx = 8192
	}
	p, err := ollama.New(ollama.Config{
		Name: arm.Name, Model: arm.Model, Host: arm.Host, KeepAlive: 10 * time.Minute,
		Temperature: arm.Temperature, NumCtx: numCtx, MaxTokens: arm.MaxTokens,
		Modelfile: arm.Modelfile, Prompts: prompts, CheckTimeout: 10 * time.Second, PullTimeout: 2 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("model %q: %w", arm.Name, err)
	}
	// A server that does not answer, or lacks the model, is the tool's
	// failure, not the model's: stop here rather than count it.
	if err := p.Ensure(ctx); err != nil {
		return nil, fmt.Errorf("model %q: %w", arm.Name, err)
	}
	if cfg.Warmup {
		c := cfg.Cases[0]
		clean, _ := c.Req.WithoutInstructions()
		wctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
		p.Generate(wctx, &provider.Request{Bio: clean, PromptVersion: prompt.VersionName(cfg.Prompts[0])}) // its answer does not matter
		cancel()
	}
	// Every bio is a measurement: no retries of a failed call, a slot for
	// every worker, and a breaker that never opens.
	g, err := chain.NewGuard(recording{p}, chain.Settings{
		Timeout: cfg.Timeout, BackoffBase: 100 * time.Millisecond, BackoffMax: time.Second,
		MaxConcurrent: cfg.Parallel, QueueWait: 2 * cfg.Timeout,
		FailureThreshold: maxBreakerCount, OpenTimeout: time.Second,
	})
	if err != nil {
		return nil, err
	}
	tp := writer.NewProvider("template", &writer.Writer{Now: cfg.Now})
	c, err := chain.New(chain.Config{Guards: []*chain.Guard{g}, Template: tp, Reserve: 500 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	return &evaluator{cfg: cfg, arm: arm, chain: c, template: tp}, nil
}

// run writes every case's bio with prompt version v, cfg.Parallel at a
// time.
func (e *evaluator) run(ctx context.Context, v string) (*Summary, error) {
	recs := make([]Record, len(e.cfg.Cases))
	errs := make([]error, len(e.cfg.Cases))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(e.cfg.Parallel, len(e.cfg.Cases)) {
		wg.Go(func() {
			for i := range next {
				recs[i], errs[i] = e.one(ctx, v, e.cfg.Cases[i])
			}
		})
	}
	for i := range e.cfg.Cases {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("prompt %s, model %q: %w", v, e.arm.Name, err)
	}
	return summarise(v, e.arm, recs), nil
}

// one writes the bio of one case through the chain, as the service does
// (internal/answer: the request without its instruction-like texts, the
// prompt version named), and reads what each call to the model did.
func (e *evaluator) one(ctx context.Context, v string, c Case) (Record, error) {
	clean, injected := c.Req.WithoutInstructions()
	r := Record{Case: c.Index, Thin: c.Thin, Options: clean.Options}
	log := &callLog{}
	// Room for the first answer and the corrective retry, and the
	// chain's reserve for the template writer.
	rctx, cancel := context.WithTimeout(context.WithValue(ctx, callLogKey{}, log), 2*e.cfg.Timeout+time.Second)
	defer cancel()
	start := time.Now()
	out, err := e.chain.Run(rctx, &provider.Request{Bio: clean, PromptVersion: prompt.VersionName(v)}, nil)
	r.Total = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("case %d: %w", c.Index, err)
	}
	calls := log.all()
	r.Calls = len(calls)
	if len(calls) == 0 {
		return r, fmt.Errorf("case %d: the chain did not call the model (%s)", c.Index, strings.Join(out.FallbackReasons, ","))
	}
	for _, cl := range calls {
		r.TokensIn += cl.in
		r.TokensOut += cl.out
		if cl.err != nil && r.Error == "" {
			r.Error = cl.err.Error()
		}
	}
	thin := func() bool { return e.template.Thin(clean) }
	now := e.cfg.Now()
	first := calls[0]
	r.FirstToken = first.firstToken
	r.First = outcome(clean, first, thin, now)
	if first.err == nil {
		r.FirstWords = bio.WordCount(check.Clean(first.text, clean.Options.Format))
		lo, hi := clean.Options.Length.Range()
		r.FirstInRange = lo <= r.FirstWords && r.FirstWords <= hi
	}
	if len(calls) > 1 {
		r.Corrected = outcome(clean, calls[1], thin, now)
	}
	r.Model = out.Kind != provider.KindTemplate
	if !r.Model {
		r.Fallback = strings.Join(out.FallbackReasons, ",")
	}
	if err := agree(r, calls); err != nil {
		return r, fmt.Errorf("case %d: %w", c.Index, err)
	}
	if r.Model {
		r.Flags = slices.Clone(out.Result.Flags)
		r.FlagReasons = slices.Clone(out.Result.Reasons)
		if injected { // as internal/answer adds it
			r.Flags = appendOnce(r.Flags, bio.FlagNeedsReview)
			r.FlagReasons = appendOnce(r.FlagReasons, bio.FlagNeedsReview+":instructions")
		}
		slices.Sort(r.Flags)
		slices.Sort(r.FlagReasons)
		if slices.Contains(r.Flags, bio.FlagUnverifiedFacts) {
			r.Unverified = unverifiedFacts(clean, out.Result.Text, now)
		}
	}
	return r, nil
}

// outcome is what the chain made of one call: "pass", the problem the
// checks reject its text for, or the provider's reason for failing. It
// cleans and verifies the text as the chain does (Chain.try, without a
// stream).
func outcome(req *bio.Request, c call, thin func() bool, now time.Time) string {
	if c.err != nil {
		// The Ollama provider fails an answer cut at num_predict as
		// invalid_output; its message is the only thing that tells it
		// apart from other invalid answers.
		if provider.ReasonOf(c.err) == provider.ReasonInvalidOutput && strings.Contains(c.err.Error(), "num_predict") {
			return hitNumPredict
		}
		return providerPrefix + string(provider.ReasonOf(c.err))
	}
	_, _, err := check.VerifyReasons(req, check.Clean(c.text, req.Options.Format), thin, now)
	var ce *check.Error
	if errors.As(err, &ce) {
		return string(ce.Problem)
	}
	if err != nil {
		return "error"
	}
	return outcomePass
}

// agree checks that the outcomes read from the calls are what the chain
// did with them: a first answer that passes is served without a second
// call; one the checks reject is followed by a corrective retry, and the
// model's answer is served only if that passes. A disagreement means the
// evaluation no longer verifies as the chain does.
func agree(r Record, calls []call) error {
	switch {
	case len(calls) > 2:
		return fmt.Errorf("%d calls for one bio; the evaluation makes no retries", len(calls))
	case len(calls) == 2 && calls[1].correction == false:
		return errors.New("the second call was no corrective retry")
	case r.First == outcomePass && (!r.Model || len(calls) != 1):
		return fmt.Errorf("the first answer passes the checks here, yet the chain made %d calls and served the model's answer: %v", len(calls), r.Model)
	case strings.HasPrefix(r.First, providerPrefix) && (r.Model || len(calls) != 1):
		return fmt.Errorf("the first call failed (%s), yet the chain made %d calls and served the model's answer: %v", r.First, len(calls), r.Model)
	case len(calls) == 2 && r.Model != (r.Corrected == outcomePass):
		return fmt.Errorf("the corrected answer's outcome here is %s, yet the chain served the model's answer: %v", r.Corrected, r.Model)
	case r.First != outcomePass && !strings.HasPrefix(r.First, providerPrefix) && len(calls) == 1 && r.Model:
		return fmt.Errorf("the first answer is rejected here (%s), yet the chain served it", r.First)
	}
	return nil
}

func appendOnce(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// call is one call to the model, as the recording provider saw it.
type call struct {
	correction bool
	text       string
	err        error
	firstToken time.Duration
	in, out    int
}

// callLog collects the calls of one bio. Its zero value is empty and
// ready; it is safe for concurrent use (the chain makes the calls one
// after the other, but the provider's goroutines may differ).
type callLog struct {
	mu    sync.Mutex
	calls []call
}

func (l *callLog) add(c call) {
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

func (l *callLog) all() []call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.calls)
}

type callLogKey struct{}

// recording is a provider that records each call in the callLog of its
// context, for the evaluation to read what the chain does not report: each
// answer's text before the checks, its time to the first text and its
// tokens. It is safe for concurrent use, as the provider it wraps is.
type recording struct{ provider.Provider }

func (r recording) Generate(ctx context.Context, req *provider.Request) (*provider.Result, error) {
	c := call{correction: req.Correction != ""}
	start := time.Now()
	sent := false
	fwd := *req
	fwd.OnDelta = func(d string) {
		if !sent {
			sent = true
			c.firstToken = time.Since(start)
		}
		if req.OnDelta != nil {
			req.OnDelta(d)
		}
	}
	res, err := r.Provider.Generate(ctx, &fwd)
	if err != nil {
		c.err = err
	} else {
		c.text, c.in, c.out = res.Text, res.InputTokens, res.OutputTokens
	}
	if log, ok := ctx.Value(callLogKey{}).(*callLog); ok {
		log.add(c)
	}
	return res, err
}
