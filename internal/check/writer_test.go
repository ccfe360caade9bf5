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
				flags, err := Verify(&req, b.Text, func() bool { return slices.Contains(b.Flags, bio.FlagSparseProfile) }, now)
				for _, f := range flags {
					flagged[f]++
				}
				review := slices.Contains(flags, bio.FlagNeedsReview)
				// The chain's own look at a template bio: no protected
				// attribute or offensive word in a clean corpus.
				repeated := Repeated(&req, b.Text)
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
