package fakellm

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/check"
	"github.com/biogen/biogen/internal/prompt"
	"github.com/biogen/biogen/internal/writer"
)

// TestAnswersInGerman: asked for German, the fake translates its own words
// and keeps the name and the labels, so its answer has the English one's
// words, one for one, and passes the output checks as German, for every
// option; asked for a language it has no words for, it answers in English.
func TestAnswersInGerman(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	tmpl, err := prompt.Load("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Now: func() time.Time { return now }})
	w := writer.Writer{Now: func() time.Time { return now }}
	orig, err := bio.Decode([]byte(`{"user_id":"u","profile":{"name":"Ada Okafor","pronouns":"she/her",
		"current_role":"Principal Data Engineer","company":"Northwind Health","location":"Lagos, Nigeria","years_experience":12,
		"experience":[{"title":"Senior Data Engineer","company":"Contoso","start":"2016-03","end":"2021-08","summary":"Built the billing platform."}],
		"skills":["Go","Kafka","PostgreSQL"],"achievements":["Mentored 6 engineers","Grew the data team from 3 to 12"],
		"education":[{"school":"University of Lagos","degree":"BSc","field":"Computer Science","year":2012}],
		"certifications":["CKA"],"languages":["English","Yoruba"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range allOptions() {
		req := *orig
		req.Options = o
		answer := func(language string) string {
			req.Options.Language = language
			m, err := tmpl.Render(&req, 0)
			if err != nil {
				t.Fatal(err)
			}
			return check.Clean(s.bioFor(m.System+"\n"+m.User), o.Format)
		}
		english, german := answer("en"), answer("de-CH")
		if german == english || bio.WordCount(german) != bio.WordCount(english) || !strings.Contains(german, "Principal Data Engineer") {
			t.Fatalf("%+v: German %q for English %q; want a translation word for word that keeps the labels", o, german, english)
		}
		if sw := answer("sw"); sw != english {
			t.Fatalf("%+v: Swahili %q; want the English answer", o, sw)
		}
		req.Options.Language = "de-CH"
		thin := func() bool { return slices.Contains(w.Write(&req, 0).Flags, bio.FlagSparseProfile) }
		if flags, err := check.Verify(&req, german, thin, now); err != nil || slices.Contains(flags, bio.FlagNeedsReview) {
			t.Errorf("%+v: got %v, %v; want a pass\n%s", o, flags, err, german)
		}
	}
}

// TestLanguageOf reads the language of each wording of the ask.
func TestLanguageOf(t *testing.T) {
	f := func(prompt, want string) {
		t.Helper()
		if got := languageOf(prompt); got != want {
			t.Errorf("languageOf(%q) = %q; want %q", prompt, got, want)
		}
	}
	f(`Language: the language with BCP 47 tag "de".`, "de")
	f(`Language: the language with BCP 47 tag "de-CH".`, "de")
	f(`Write in the language whose language tag is "DE", whatever the language of the profile.`, "de")
	f("Language: English.", "")
	f("Write in English.", "")
}

// allOptions lists every combination of tone, length, format and
// perspective.
func allOptions() []bio.Options {
	var out []bio.Options
	for _, tone := range []bio.Tone{bio.ToneFormal, bio.ToneCasual} {
		for _, length := range []bio.Length{bio.LengthShort, bio.LengthMedium, bio.LengthLong} {
			for _, format := range []bio.Format{bio.FormatParagraph, bio.FormatBullets} {
				for _, persp := range []bio.Perspective{bio.PerspectiveThird, bio.PerspectiveFirst} {
					out = append(out, bio.Options{Tone: tone, Length: length, Format: format, Perspective: persp})
				}
			}
		}
	}
	return out
}
