package check

import (
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
)

var now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func TestClean(t *testing.T) {
	f := func(in string, format bio.Format, want string) {
		t.Helper()
		if got := Clean(in, format); got != want {
			t.Fatalf("Clean(%q):\ngot  %q\nwant %q", in, got, want)
		}
	}
	p, b := bio.FormatParagraph, bio.FormatBullets
	f("Ada is an engineer.", p, "Ada is an engineer.")
	f("Here is a bio for Ada Okafor:\n\nAda is an engineer.", p, "Ada is an engineer.")
	f("Sure! Here's the bio: Ada is an engineer.", p, "Ada is an engineer.")
	f("**Professional Bio**\n\n\"Ada is an **engineer**.\"", p, "Ada is an engineer.")
	f("# Ada Okafor\nAda is an engineer.\nShe builds platforms.", p, "Ada is an engineer. She builds platforms.")
	f("```\nAda is an engineer.\n```", p, "Ada is an engineer.")
	f("Ada is an engineer.\n\nLet me know if you'd like changes!", p, "Ada is an engineer.")
	f("“Ada is an engineer.”", p, "Ada is an engineer.")
	f("Here are the bullets:\n* Ada is an engineer\n• Builds platforms\n1. Speaks Yoruba", b, "- Ada is an engineer\n- Builds platforms\n- Speaks Yoruba")
	f("- Ada is an engineer\n- Builds platforms", p, "Ada is an engineer Builds platforms")
	// A first line that belongs to the bio stays.
	f("I build data platforms.\nI lead a team of 5.", p, "I build data platforms. I lead a team of 5.")
}

// TestStreamIsPrefixOfClean feeds texts in every chunk size and checks that
// what the stream passes on is always the start of the cleaned whole.
func TestStreamIsPrefixOfClean(t *testing.T) {
	texts := []string{
		"Here is a bio for Ada Okafor:\n\n\"Ada Okafor is a **Principal Data Engineer** at Northwind Health. She builds platforms.\"\n\nLet me know if you need changes.",
		"Ada Okafor is a Principal Data Engineer at Northwind Health, where she leads the claims platform team and mentors engineers across the company.",
		"- Ada leads data\n* She speaks Yoruba\n- She cut claims time from 3 days to 4 hours",
	}
	for _, text := range texts {
		for _, format := range []bio.Format{bio.FormatParagraph, bio.FormatBullets} {
			want := Clean(text, format)
			for size := 1; size <= 40; size++ {
				var got strings.Builder
				s := NewStream(format, func(d string) {
					got.WriteString(d)
					if !strings.HasPrefix(want, got.String()) {
						t.Fatalf("chunk %d: sent %q, not a prefix of %q", size, got.String(), want)
					}
				})
				for i := 0; i < len(text); i += size {
					s.Write(text[i:min(i+size, len(text))])
				}
				final, ok := s.Close()
				if !ok || final != want || got.String() != want {
					t.Fatalf("chunk %d: final %q ok=%v, sent %q; want %q", size, final, ok, got.String(), want)
				}
			}
		}
	}
}

// TestStreamStartsAtOnce checks that a plain start is passed on with its
// first token, so streaming adds no wait.
func TestStreamStartsAtOnce(t *testing.T) {
	var got strings.Builder
	s := NewStream(bio.FormatParagraph, func(d string) { got.WriteString(d) })
	s.Write("Ada")
	if got.String() != "Ada" {
		t.Fatalf("after the first token: sent %q", got.String())
	}
	// Then text goes out in batches, not token by token.
	s.Write(" Okafor leads")
	if got.String() != "Ada" {
		t.Fatalf("sent %q before a batch was complete", got.String())
	}
	s.Write(" the claims platform team at Northwind Health and mentors")
	if !strings.HasPrefix(got.String(), "Ada Okafor leads the claims platform") {
		t.Fatalf("sent %q after a batch", got.String())
	}
	// A possible introduction waits for its line to end.
	got.Reset()
	s = NewStream(bio.FormatParagraph, func(d string) { got.WriteString(d) })
	s.Write("Here is")
	if got.String() != "" {
		t.Fatalf("sent %q of a possible preamble", got.String())
	}
}

func request(t *testing.T, body string) *bio.Request {
	t.Helper()
	req, err := bio.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestVerify(t *testing.T) {
	req := request(t, `{"user_id":"u","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
		"company":"Northwind Health","years_experience":12,"skills":["Go","Kafka"],"certifications":["CKA"]},"options":{"length":"short"}}`)
	good := "Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience. She works with Go and Kafka, " +
		"holds the CKA certification, and is known across the company for building reliable data platforms that teams depend on every day. " +
		"Her work spans streaming pipelines, storage and the tooling that keeps them running smoothly for colleagues."
	f := func(text string, thin bool, want Problem, wantFlags ...string) {
		t.Helper()
		flags, err := Verify(req, text, func() bool { return thin }, now)
		if want == "" {
			if err != nil {
				t.Fatalf("Verify(%.60q): %v", text, err)
			}
			if strings.Join(flags, ",") != strings.Join(wantFlags, ",") {
				t.Fatalf("flags %v; want %v", flags, wantFlags)
			}
			return
		}
		e, ok := err.(*Error)
		if !ok || e.Problem != want {
			t.Fatalf("Verify(%.60q): got %v; want %s", text, err, want)
		}
		if text != "" && strings.Contains(e.Correction(), text) {
			t.Fatal("the correction quotes the text")
		}
	}
	f(good, false, "")
	f("", false, ProblemEmpty)
	f(good+" "+good, false, ProblemTooLong)
	f("Ada Okafor is a Principal Data Engineer.", false, ProblemTooShort)
	f("Ada Okafor is a Principal Data Engineer.", true, "", bio.FlagSparseProfile)
	f(strings.Replace(good, "She works", "I work", 1), false, ProblemPerson)
	f(strings.Replace(good, "Ada Okafor", "Ms. Okafor", 1), false, ProblemName)
	f(strings.Replace(strings.Replace(good, "She works", "He works", 1), "Her work", "His work", 1), false, ProblemPronouns)
	f(good+" <profile>", false, ProblemEcho)
	f(strings.Replace(good, "Northwind Health", "[Company Name]", 1), false, ProblemPlaceholder)
	f(strings.Replace(good, "12 years", "15 years", 1), false, "", bio.FlagUnverifiedFacts)
	f(strings.Replace(good, "the company", "Google", 1), false, "", bio.FlagUnverifiedFacts)

	req.Options.Perspective = bio.PerspectiveFirst
	first := "I am Ada Okafor, a Principal Data Engineer at Northwind Health with 12 years of experience. I work with Go and Kafka, " +
		"hold the CKA certification, and build reliable data platforms that my colleagues depend on every day. My work spans " +
		"streaming pipelines, storage and the tooling that keeps them running."
	f(first, false, "")
	f(good, false, ProblemPerson)
	f(strings.Replace(first, "I work with", "She works with", 1), false, ProblemPerson)

	req.Options.Perspective = bio.PerspectiveThird
	req.Options.Format = bio.FormatBullets
	f("- "+good, false, "")
	f("- "+strings.Replace(good, ". ", ".\n", 1), false, ProblemFormat)
}

func BenchmarkVerify(b *testing.B) {
	req, _ := bio.Decode([]byte(`{"user_id":"u","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
		"company":"Northwind Health","years_experience":12,"skills":["Go","Kafka","PostgreSQL"],"certifications":["CKA"],
		"achievements":["Cut claims processing time from 3 days to 4 hours"]},"options":{"length":"medium"}}`))
	text := strings.Repeat("Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience. She works with Go and Kafka. ", 8)
	thin := func() bool { return true }
	b.ReportAllocs()
	for b.Loop() {
		Clean(text, bio.FormatParagraph)
		Verify(req, text, thin, now)
	}
}

// FuzzMaskOnlyRemoves checks what Verify's lazy mask rests on: masking the
// profile's values never makes a person check find a word the plain text
// does not have.
func FuzzMaskOnlyRemoves(f *testing.F) {
	f.Add("Ada leads I Love NY Inc. Her team ships.", "I Love NY Inc.", "she/her")
	f.Add("She joined Her Majesty's Navy. He said so.", "Her Majesty's Navy", "he/him")
	f.Add("I build. My work at US GAAP. She is here", "US GAAP", "")
	f.Add("abc her xyz. They run it", "c her x", "they/them")
	f.Fuzz(func(t *testing.T, text, value, pronouns string) {
		p := &bio.Profile{Name: value}
		masked := maskProfile(text, p)
		for _, words := range [][]string{bio.FirstPersonWords, bio.ThirdPersonWords, {"i", "i'm", "i've", "my", "me"}} {
			if bio.HasPersonWord(masked, words, nil) && !bio.HasPersonWord(text, words, nil) {
				t.Fatalf("masking %q in %q made a person word appear", value, text)
			}
			if startsSentenceWith(masked, words) && !startsSentenceWith(text, words) {
				t.Fatalf("masking %q in %q made a sentence start with a person word", value, text)
			}
		}
		own := bio.ParsePronouns(pronouns)
		if otherPronouns(masked, own) > otherPronouns(text, own) {
			t.Fatalf("masking %q in %q made another pronoun appear", value, text)
		}
	})
}
