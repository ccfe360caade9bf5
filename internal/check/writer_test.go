package check

import (
	"slices"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/corpus/corpustest"
	"github.com/biogen/biogen/internal/writer"
)

// allOptions lists every combination of tone, length, format and
// perspective in the given language.
func allOptions(language string) []bio.Options {
	var out []bio.Options
	for _, tone := range []bio.Tone{bio.ToneFormal, bio.ToneCasual} {
		for _, length := range []bio.Length{bio.LengthShort, bio.LengthMedium, bio.LengthLong} {
			for _, format := range []bio.Format{bio.FormatParagraph, bio.FormatBullets} {
				for _, persp := range []bio.Perspective{bio.PerspectiveThird, bio.PerspectiveFirst} {
					out = append(out, bio.Options{Tone: tone, Length: length, Format: format, Perspective: persp, Language: language})
				}
			}
		}
	}
	return out
}

// TestWriterBiosPass checks every bio the template writer writes for every
// shared profile, with every option and two variants, as a model's answer:
// the writer repeats only the profile, so no check may reject one or flag
// it for review, except a profile holding an injected instruction; and
// none of these clean profiles is flagged for offensive language or a
// protected attribute (Repeated, the chain's look at a template bio).
//
// The writer writes English whatever the language asked (language_fallback):
// its bio for another language is checked as the English answer it is, and
// as an answer to the language asked must then not pass unflagged.
func TestWriterBiosPass(t *testing.T) {
	w := writer.Writer{Now: func() time.Time { return now }}
	bios, failures := 0, 0
	flagged := map[string]int{}
	for i, line := range corpustest.Profiles(t, 100) {
		orig, err := bio.Decode(line)
		if err != nil {
			t.Fatalf("profile %d: %v", i, err)
		}
		_, injected := orig.WithoutInstructions()
		for _, o := range allOptions(orig.Options.Language) {
			req := *orig
			req.Options = o
			for v := uint64(0); v < 2; v++ {
				b := w.Write(&req, v)
				bios++
				thin := func() bool { return slices.Contains(b.Flags, bio.FlagSparseProfile) }
				english := req
				if !o.English() {
					if _, reasons, err := VerifyReasons(&req, b.Text, thin, now); !isProblem(err, ProblemLanguage) && !slices.Contains(reasons, ReasonLanguageUnsure) {
						t.Errorf("profile %d %+v variant %d: the English bio for %q passed with %v, %v", i, o, v, o.Language, reasons, err)
					}
					english.Options.Language = "en"
				}
				flags, err := Verify(&english, b.Text, thin, now)
				for _, f := range flags {
					flagged[f]++
				}
				review := slices.Contains(flags, bio.FlagNeedsReview)
				// The chain's own look at a template bio: no protected
				// attribute or offensive word in a clean corpus.
				repeated := Repeated(&english, b.Text)
				if err != nil || review != injected || repeated != nil {
					if failures++; failures <= 10 {
						t.Errorf("profile %d (%s) %+v variant %d: got %v, %v, %v; want no error and needs_review %v\n%s", i, req.UserID, o, v, flags, err, repeated, injected, b.Text)
					}
				}
			}
		}
	}
	t.Logf("%d bios, %d failed; flags: %v", bios, failures, flagged)
}

// isProblem reports whether err is an *Error of problem p.
func isProblem(err error, p Problem) bool {
	e, ok := err.(*Error)
	return ok && e.Problem == p
}
