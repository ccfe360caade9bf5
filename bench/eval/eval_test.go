package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/leaktest"
	"github.com/biogen/biogen/internal/writer"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// sixtyWords repeats text until it has 60 words or more, then keeps the
// first 60, line by line, so that a bullet layout stays one.
func sixtyWords(text string) string {
	sep := " "
	if strings.HasPrefix(text, "- ") {
		sep = "\n"
	}
	for bio.WordCount(text) < 60 {
		text += sep + text
	}
	return cutWords(text, 60)
}

// cutWords keeps the first n words of text, line by line.
func cutWords(text string, n int) string {
	var lines []string
	for line := range strings.Lines(text) {
		var kept []string
		for _, f := range strings.Fields(line) {
			if n == 0 {
				break
			}
			kept = append(kept, f)
			if bio.WordCount(f) > 0 {
				n--
			}
		}
		if len(kept) > 0 {
			lines = append(lines, strings.Join(kept, " "))
		}
	}
	return strings.Join(lines, "\n")
}

// TestCountsWhatTheFakeDid runs the evaluation in-process over generated
// profiles against fakes made to behave in known ways, and checks each
// count against what each fake was made to do, worked out here from the
// requests, not from the evaluation's records.
func TestCountsWhatTheFakeDid(t *testing.T) {
	const n = 10 // two thin profiles, every length three times or more
	cases, err := generated(7, n)
	if err != nil {
		t.Fatal(err)
	}
	arms := []Arm{}
	for _, name := range []string{"fake", "fake-contact", "fake-numbers"} {
		arm, s, err := startFake(name)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		arms = append(arms, arm)
	}
	// A model that writes 60 words whatever the length asked (in the
	// short range only); and a server that fails every call.
	cut := httptest.NewServer(fakellm.New(fakellm.Config{Models: []string{"fake"}, Rewrite: func(_ int64, _, text string) string { return sixtyWords(text) }}))
	defer cut.Close()
	down := httptest.NewServer(fakellm.New(fakellm.Config{Models: []string{"fake"}, Fault: func(int64) fakellm.Fault { return fakellm.Fault500 }}))
	defer down.Close()
	arms = append(arms, Arm{Name: "cut60", Host: cut.URL, Model: "fake"}, Arm{Name: "down", Host: down.URL, Model: "fake"})

	sums, err := Run(context.Background(), Config{Prompts: []string{"v1", "v2"}, Arms: arms, Cases: cases, Parallel: 3, Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	// What the requests say: how many are short, and how many of the
	// others the template writer judges too thin for their length.
	short, thinOther := 0, 0
	tp := writer.NewProvider("t", &writer.Writer{})
	for _, c := range cases {
		clean, _ := c.Req.WithoutInstructions()
		switch {
		case c.Req.Options.Length == bio.LengthShort:
			short++
		case tp.Thin(clean):
			thinOther++
		}
	}
	if short == 0 || thinOther == 0 {
		t.Fatalf("the cases hold %d short and %d thin longer ones; the test needs both", short, thinOther)
	}

	var order []string
	for _, s := range sums {
		order = append(order, s.Prompt+"×"+s.Model)
	}
	if want := "v1×fake v1×fake-contact v1×fake-numbers v1×cut60 v1×down v2×fake v2×fake-contact v2×fake-numbers v2×cut60 v2×down"; strings.Join(order, " ") != want {
		t.Fatalf("got summaries %s; want %s", strings.Join(order, " "), want)
	}
	get := func(prompt, model string) *Summary {
		return sums[slices.IndexFunc(sums, func(s *Summary) bool { return s.Prompt == prompt && s.Model == model })]
	}
	f := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s: got %d; want %d", name, got, want)
		}
	}
	for _, v := range []string{"v1", "v2"} {
		s := get(v, "fake")
		f(v+" fake: n", s.N, n)
		f(v+" fake: first pass", s.FirstPass, n)
		f(v+" fake: model bios", s.ModelBios, n)
		f(v+" fake: calls", calls(s), n)

		// Rejected once each for the address, then served.
		s = get(v, "fake-contact")
		f(v+" fake-contact: first pass", s.FirstPass, 0)
		f(v+" fake-contact: rejected", s.Rejected, n)
		f(v+" fake-contact: invented_contact", s.FirstOutcomes["invented_contact"], n)
		f(v+" fake-contact: corrected", s.Corrected, n)
		f(v+" fake-contact: model bios", s.ModelBios, n)
		f(v+" fake-contact: calls", calls(s), 2*n)
		// The address took the place of a word: the word counts are the
		// plain fake's.
		f(v+" fake-contact: words in range", s.InRange, get(v, "fake").InRange)

		// Numbers the profile does not hold: flagged on the bios that
		// state one, never rejected.
		s = get(v, "fake-numbers")
		f(v+" fake-numbers: first pass", s.FirstPass, n)
		if s.Flags[bio.FlagUnverifiedFacts] == 0 || s.Unverified < s.Flags[bio.FlagUnverifiedFacts] {
			t.Errorf("%s fake-numbers: %d bios flagged unverified_facts with %d unverified facts; want some, and at least one a flagged bio",
				v, s.Flags[bio.FlagUnverifiedFacts], s.Unverified)
		}
		sum := 0
		for _, r := range s.Records {
			sum += r.Unverified
			if (r.Unverified > 0) != slices.Contains(r.Flags, bio.FlagUnverifiedFacts) {
				t.Errorf("%s fake-numbers case %d: %d unverified facts, flags %v", v, r.Case, r.Unverified, r.Flags)
			}
		}
		f(v+" fake-numbers: unverified facts", s.Unverified, sum)

		// 60 words: in range for a short bio only; too short for the
		// others but a thin profile's, which are flagged sparse_profile;
		// the corrected answer has 60 words too.
		s = get(v, "cut60")
		f(v+" cut60: answered", s.Answered, n)
		f(v+" cut60: words in range", s.InRange, short)
		f(v+" cut60: first pass", s.FirstPass, short+thinOther)
		f(v+" cut60: too_short", s.FirstOutcomes["too_short"], n-short-thinOther)
		f(v+" cut60: corrected", s.Corrected, 0)
		f(v+" cut60: corrective too_short", s.CorrectedOutcomes["too_short"], n-short-thinOther)
		f(v+" cut60: model bios", s.ModelBios, short+thinOther)
		f(v+" cut60: sparse_profile", s.Flags[bio.FlagSparseProfile], thinOther)
		for _, l := range s.ByLength {
			for _, r := range s.Records {
				if r.Options.Length == l.Length && r.FirstWords != 60 {
					t.Errorf("%s cut60 case %d: %d words; want 60", v, r.Case, r.FirstWords)
				}
			}
			if l.WordsMin != 60 || l.WordsMax != 60 || l.WordsMean != 60 {
				t.Errorf("%s cut60 %s: words %v (%d–%d); want 60 (60–60)", v, l.Length, l.WordsMean, l.WordsMin, l.WordsMax)
			}
		}

		// A server that fails: no text, no retry, and the template's
		// bios are not the model's.
		s = get(v, "down")
		f(v+" down: failed", s.Failed, n)
		f(v+" down: provider:unavailable", s.FirstOutcomes["provider:unavailable"], n)
		f(v+" down: answered", s.Answered, 0)
		f(v+" down: model bios", s.ModelBios, 0)
		f(v+" down: first token samples", s.FirstToken.N, 0)
		for _, r := range s.Records {
			if !strings.Contains(r.Error, "server error 500") {
				t.Errorf("%s down case %d: error %q; want the provider's server error 500", v, r.Case, r.Error)
			}
		}
	}

	// The tables print those counts.
	var md bytes.Buffer
	(&Report{Summaries: sums}).WriteMarkdown(&md)
	for _, want := range []string{
		fmt.Sprintf("| v1 | fake-contact | %d | 0%% (0/%d) | %d/%d | 100%% (%d/%d) |", n, n, n, n, n, n),
		fmt.Sprintf("| v2 | fake-contact | invented_contact | %d | %d |", n, n),
		fmt.Sprintf("| v1 | cut60 | too_short | %d | 0 |", n-short-thinOther),
		fmt.Sprintf("| v2 | down | provider:unavailable | %d | 0 |", n),
		fmt.Sprintf("| v1 | down | %d | 0%% (0/%d) | – | 0%% (0/%d) | – |", n, n, n),
	} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, md.String())
		}
	}
}

// calls adds up the calls made to the model for a summary's bios.
func calls(s *Summary) int {
	n := 0
	for _, r := range s.Records {
		n += r.Calls
	}
	return n
}

func TestSpread(t *testing.T) {
	seen := map[bio.Options]bool{}
	for i := range 24 {
		seen[spread(i)] = true
	}
	if len(seen) != 24 {
		t.Fatalf("24 cases hold %d combinations of options; want 24", len(seen))
	}
	count := map[string]int{}
	for i := range 6 {
		o := spread(i)
		for _, v := range []string{string(o.Length), string(o.Format), string(o.Perspective), string(o.Tone)} {
			count[v]++
		}
	}
	for _, v := range []string{"short", "medium", "long", "paragraph", "bullets", "third", "first", "formal", "casual"} {
		if count[v] < 2 {
			t.Errorf("the first six cases hold %s %d times; want 2 or more", v, count[v])
		}
	}
}

func TestSentences(t *testing.T) {
	f := func(text string, want ...string) {
		t.Helper()
		if got := sentences(text); !slices.Equal(got, want) {
			t.Errorf("sentences(%q) = %q; want %q", text, got, want)
		}
	}
	f("Ada Okafor leads data. She joined in 2019. 12 teams followed!", "Ada Okafor leads data.", "She joined in 2019.", "12 teams followed!")
	f("Dr. Ada Okafor works with J. Smith at Contoso Inc. She leads.", "Dr. Ada Okafor works with J. Smith at Contoso Inc. She leads.")
	f("- Leads data. Mentors others.\n- Speaks French.", "- Leads data.", "Mentors others.", "- Speaks French.")
	f("It grew 3.5 times. then it stopped.", "It grew 3.5 times. then it stopped.")
}

func TestUnverifiedFacts(t *testing.T) {
	years := 8
	req := &bio.Request{UserID: "u1", Options: bio.DefaultOptions, Profile: bio.Profile{
		Name: "Ada Okafor", Pronouns: "she/her", CurrentRole: "Data Engineer", Company: "Contoso", YearsExperience: &years,
		Skills: []string{"Go", "Kafka"}, Achievements: []string{"Cut costs by 30%"}}}
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	f := func(text string, want int) {
		t.Helper()
		if got := unverifiedFacts(req, text, now); got != want {
			t.Errorf("unverifiedFacts(%q) = %d; want %d", text, got, want)
		}
	}
	f("Ada Okafor is a Data Engineer at Contoso. She works with Go and Kafka. She cut costs by 30%.", 0)
	f("Ada Okafor is a Data Engineer at Contoso. She won the Turing Award. She cut costs by 45%.", 2)
	f("Ada Okafor is a Data Engineer at Contoso with 8 years of experience. She led 12 teams and 40 projects.", 1)
	first := *req
	first.Options.Perspective = bio.PerspectiveFirst
	if got := unverifiedFacts(&first, "I am a Data Engineer at Contoso. I joined Fabrikam in 2011. I use Go.", now); got != 1 {
		t.Errorf("first person: got %d; want 1", got)
	}
}

func TestParseModels(t *testing.T) {
	got, err := parseModels("name=a,host=http://127.0.0.1:1,model=m:8b,max_tokens=64; host=http://h:2,model=n,temperature=0.2,num_ctx=4096")
	if err != nil {
		t.Fatal(err)
	}
	want := []Arm{{Name: "a", Host: "http://127.0.0.1:1", Model: "m:8b", MaxTokens: 64}, {Name: "n", Host: "http://h:2", Model: "n", Temperature: 0.2, NumCtx: 4096}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	for _, bad := range []string{"host=http://h", "model=m", "name=a,host=h,model=m,colour=red", "host=h,model=m,max_tokens=many", "host"} {
		if _, err := parseModels(bad); err == nil {
			t.Errorf("parseModels(%q): no error", bad)
		}
	}
}

func TestPercentiles(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 20; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if got, want := percentiles(ds), (Percentiles{N: 20, P50: 10, P95: 19, Max: 20}); got != want {
		t.Fatalf("got %+v; want %+v", got, want)
	}
	if got := percentiles(nil); got != (Percentiles{}) {
		t.Fatalf("got %+v of nothing", got)
	}
}

// TestFailsWhenItCannotMeasure: a server without the model, or two models
// of one name, is the tool's failure, not a model's bad numbers.
func TestFailsWhenItCannotMeasure(t *testing.T) {
	other := httptest.NewServer(fakellm.New(fakellm.Config{Models: []string{"other"}}))
	defer other.Close()
	cases, err := generated(7, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Prompts: []string{"v1"}, Cases: cases, Parallel: 1, Timeout: 5 * time.Second}
	f := func(name string, arms []Arm, prompts []string, want string) {
		t.Helper()
		c := cfg
		c.Arms = arms
		if prompts != nil {
			c.Prompts = prompts
		}
		if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v; want an error with %q", name, err, want)
		}
	}
	f("missing model", []Arm{{Name: "m", Host: other.URL, Model: "fake"}}, nil, "model not found")
	f("same name", []Arm{{Name: "m", Host: other.URL, Model: "other"}, {Name: "m", Host: other.URL, Model: "other"}}, nil, `two models are named "m"`)
	f("no prompt", []Arm{{Name: "m", Host: other.URL, Model: "other"}}, []string{"v9"}, "v9")
}

// TestTinyOllama runs the evaluation against a real Ollama server with the
// tiny model, as CI's eval run does, and checks that the server is gone
// afterwards. It needs the binaries of make ollama.
func TestTinyOllama(t *testing.T) {
	bin, tiny := os.Getenv("BIOGEN_OLLAMA_BIN"), os.Getenv("BIOGEN_TINYMODEL_BIN")
	if bin == "" || tiny == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("BIOGEN_OLLAMA_BIN and BIOGEN_TINYMODEL_BIN must be set in CI (.ci/run builds them)")
		}
		t.Skip("no Ollama server built: make ollama, then set BIOGEN_OLLAMA_BIN and BIOGEN_TINYMODEL_BIN")
	}
	srv, err := startTinyOllama(context.Background(), bin, tiny, 1)
	if err != nil {
		t.Fatal(err)
	}
	pid, dir := srv.cmd.Process.Pid, srv.dir
	defer srv.Stop()
	cases, err := generated(7, 2)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := Run(context.Background(), Config{Prompts: []string{"v2"}, Cases: cases, Parallel: 1, Timeout: 60 * time.Second,
		Arms: []Arm{srv.arm()}})
	if err != nil {
		t.Fatal(err)
	}
	s := sums[0]
	if s.N != 2 || s.FirstPass+s.Rejected+s.Failed != 2 || s.Total.N != 2 {
		t.Fatalf("got %+v", s)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("ollama serve (pid %d) still runs after Stop", pid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there after Stop: %v", dir, err)
	}
}
