package check

import (
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/writer"
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
	// A bold heading, the name most often (round 3), is a title too, but
	// a list keeps it as its first bullet.
	f("**Ada Okafor**\n- Principal Data Engineer\n- Builds platforms", b, "- Ada Okafor\n- Principal Data Engineer\n- Builds platforms")
	f("**Professional Bio**\n- Principal Data Engineer\n- Builds platforms", b, "- Principal Data Engineer\n- Builds platforms")
	f("**Ada Okafor**\n\nAda is an engineer.", p, "Ada is an engineer.")
	f("**Ada is an engineer.**\nShe builds platforms.", p, "Ada is an engineer. She builds platforms.")
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
		"**Ada Okafor**\n- Principal Data Engineer at Northwind Health\n- Cut claims time from 3 days to 4 hours",
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

// BenchmarkVerifyLanguage is BenchmarkVerify for a short bio in each of
// several languages (language_test.go), and for one in English asked in
// German: the language check reads every answer, and a mismatch reads it
// twice more (against the asked language alone, by halves).
func BenchmarkVerifyLanguage(b *testing.B) {
	thin := func() bool { return true }
	for _, tc := range []struct{ name, language, text string }{
		{"en", "en", bios["en"]}, {"de", "de", bios["de"]}, {"ru", "ru", bios["ru"]}, {"ja", "ja", bios["ja"]},
		{"en-for-de", "de", bios["en"]},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := langRequest(b, tc.language)
			b.ReportAllocs()
			for b.Loop() {
				Verify(req, tc.text, thin, now)
			}
		})
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
		if otherPronouns(masked, own, nil) > otherPronouns(text, own, nil) {
			t.Fatalf("masking %q in %q made another pronoun appear", value, text)
		}
	})
}

// BenchmarkVerifyBios verifies bios as the miss path does: a long bio the
// template writer writes for a rich profile, and a medium bio in a model's
// style, with dates, a dotted skill and capitalised names of things.
func BenchmarkVerifyBios(b *testing.B) {
	req, err := bio.Decode([]byte(`{"user_id":"u","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
		"company":"Northwind Health","location":"Lagos, Nigeria","years_experience":12,
		"experience":[{"title":"Senior Data Engineer","company":"Contoso","start":"2016-03","end":"2021-08","summary":"Built the streaming platform for claims data."}],
		"experience_summary":"Twelve years building data platforms in healthcare and fintech.",
		"skills":["Go","Kafka","PostgreSQL","Node.js"],"achievements":["Cut claims processing time from 3 days to 4 hours","Mentored 6 engineers"],
		"education":[{"school":"University of Lagos","degree":"BSc","field":"Computer Science","year":2012}],
		"certifications":["CKA"],"languages":["English","Yoruba"]},"options":{"length":"long"}}`))
	if err != nil {
		b.Fatal(err)
	}
	long := (&writer.Writer{Now: func() time.Time { return now }}).Write(req, 0).Text
	model := "Ada Okafor is a Principal Data Engineer at Northwind Health in Lagos, Nigeria, with 12 years of experience building " +
		"data platforms in healthcare and fintech. From 2016 to 2021 she was a Senior Data Engineer at Contoso, where she built the " +
		"streaming platform for claims data. Today she leads the claims platform team, working with Go, Kafka, PostgreSQL and Node.js, " +
		"and she cut claims processing time from 3 days to 4 hours. She has mentored 6 engineers and holds the CKA certification. " +
		"Ada earned a BSc in Computer Science from the University of Lagos in 2012. She speaks English and Yoruba, and is known " +
		"across Northwind Health for reliable systems, clear writing and patient mentoring of colleagues in every team she works with, " +
		"from analytics to operations."
	for _, tc := range []struct {
		name, text string
		length     bio.Length
	}{{"writer-long", long, bio.LengthLong}, {"model-medium", model, bio.LengthMedium}} {
		r := *req
		r.Options.Length = tc.length
		if _, err := Verify(&r, tc.text, func() bool { return true }, now); err != nil {
			b.Fatalf("%s: %v", tc.name, err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Verify(&r, tc.text, func() bool { return true }, now)
			}
		})
	}
}

// TestCleanDropsControls: bytes that are not UTF-8, control characters
// and bidirectional overrides never reach a client or the cache (adversary
// round 5, F3); right-to-left marks stay.
func TestCleanDropsControls(t *testing.T) {
	for in, want := range map[string]string{
		"\x00\x00Ola Berg\u202e is a Welder.":        "Ola Berg is a Welder.",
		"\xff\xfeOla Berg is a Welder.":              "Ola Berg is a Welder.",
		"Ola Berg\tis a \u2066Welder\u2069.\x1b[31m": "Ola Berg is a Welder.[31m",
		"Ola Berg is a Welder.\u0085":                "Ola Berg is a Welder.",
		"\u05e9\u05dc\u05d5\u05dd\u200f Ola.":        "\u05e9\u05dc\u05d5\u05dd\u200f Ola.",
	} {
		if got := Clean(in, bio.FormatParagraph); got != want {
			t.Errorf("Clean(%q) = %q; want %q", in, got, want)
		}
	}
}
