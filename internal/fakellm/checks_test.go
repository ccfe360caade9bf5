package fakellm

import (
	"slices"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/check"
	"github.com/biogen/biogen/internal/corpus/corpustest"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/writer"
)

// TestAnswersPassChecks renders the prompt, of every shipped version, for
// every shared profile with every option, as the service does (from the request without its
// instructions), takes the fake model's answer and verifies it as the
// chain verifies a model's answer: none may be rejected, and none flagged
// for review but those of a profile that holds an instruction to a model.
func TestAnswersPassChecks(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	// v2 on every eighth profile: it shows the fake reads v2's wording,
	// at an eighth of the time.
	for version, stride := range map[string]int{"v1": 1, "v2": 8} {
		tmpl, err := prompt.Load("", version)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(version, func(t *testing.T) { answersPassChecks(t, tmpl, stride, now) })
	}
}

func answersPassChecks(t *testing.T, tmpl *prompt.Renderer, stride int, now time.Time) {
	s := New(Config{Now: func() time.Time { return now }})
	w := writer.Writer{Now: func() time.Time { return now }}
	answers, failures := 0, 0
	flagged := map[string]int{}
	for i, line := range corpustest.Profiles(t, 100) {
		orig, err := bio.Decode(line)
		if err != nil {
			t.Fatalf("profile %d: %v", i, err)
		}
		if !orig.Options.English() || i%stride != 0 {
			continue
		}
		for _, tone := range []bio.Tone{bio.ToneFormal, bio.ToneCasual} {
			for _, length := range []bio.Length{bio.LengthShort, bio.LengthMedium, bio.LengthLong} {
				for _, format := range []bio.Format{bio.FormatParagraph, bio.FormatBullets} {
					for _, persp := range []bio.Perspective{bio.PerspectiveThird, bio.PerspectiveFirst} {
						req := *orig
						req.Options = bio.Options{Tone: tone, Length: length, Format: format, Perspective: persp, Language: orig.Options.Language}
						clean, injected := req.WithoutInstructions()
						m, err := tmpl.Render(clean, 0)
						if err != nil {
							t.Fatal(err)
						}
						text := check.Clean(s.bioFor(m.System+"\n"+m.User), req.Options.Format)
						answers++
						thin := func() bool { return slices.Contains(w.Write(clean, 0).Flags, bio.FlagSparseProfile) }
						flags, err := check.Verify(&req, text, thin, now)
						for _, f := range flags {
							flagged[f]++
						}
						if err != nil || slices.Contains(flags, bio.FlagNeedsReview) != injected {
							if failures++; failures <= 10 {
								t.Errorf("profile %d (%s) %+v: got %v, %v; want no error and needs_review %v\n%s", i, req.UserID, req.Options, flags, err, injected, text)
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d answers, %d failed; flags: %v", answers, failures, flagged)
}
