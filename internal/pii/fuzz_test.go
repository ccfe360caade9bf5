package pii

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/pii/canary"
)

// fuzzProfile is the person whose identifiers the fuzz target hides in
// random text.
const fuzzProfile = `{"user_id":"w-10423","profile":{"name":"Zofia Babatunde-Kowalczyk","pronouns":"she/her",
	"current_role":"Engineer","company":"Contoso","location":"Kraków","experience_summary":"Builds platforms.",
	"experience":[{"title":"Engineer","company":"Fabrikam","start":"2015","end":"2020","summary":"Billing."}],
	"skills":["Go"],"achievements":["Cut costs by 40%"],"education":[{"school":"AGH","degree":"MSc","field":"CS"}],
	"certifications":["CKA"],"languages":["Polish"]}}`

// fuzzIdentifier is one way of writing an identifier, and what of it the
// oracle looks for.
type fuzzIdentifier struct {
	written string
	ids     []string
	phones  []string
}

var fuzzIdentifiers = []fuzzIdentifier{
	{"Zofia", []string{"Zofia"}, nil},
	{"BABATUNDE", []string{"Babatunde"}, nil},
	{"kowalczyk's", []string{"Kowalczyk"}, nil},
	{"Ms. Kowalczyk", []string{"Kowalczyk"}, nil},
	{"Babatunde-Kowalczyk", []string{"Babatunde", "Kowalczyk"}, nil},
	{"Kowal\u200Bczyk", []string{"Kowalczyk"}, nil},
	{"Ｋｏｗａｌｃｚｙｋ", []string{"Kowalczyk"}, nil},
	{"ZofiaKowalczyk", []string{"ZofiaKowalczyk"}, nil},
	{"ŻÓFIA", []string{"Zofia"}, nil},
	{"Kowalczyk’s", []string{"Kowalczyk"}, nil},
	{"W-10423", []string{"w-10423"}, nil},
	{"w\u201110423", []string{"w-10423"}, nil},
	{"zbk@contoso.com", []string{"zbk"}, nil},
	{"zbk [at] contoso [dot] com", []string{"zbk"}, nil},
	{"zbk＠contoso．com", []string{"zbk"}, nil},
	{"linkedin.com/in/zbk-4821", []string{"zbk-4821"}, nil},
	{"zbk.dev", []string{"zbk"}, nil},
	{"https://github.com/zbk", []string{"zbk"}, nil},
	{"+44 20 7946 0958", nil, []string{"2079460958"}},
	{"030/1234567", nil, []string{"301234567"}},
	{"(415) 555-2671", nil, []string{"4155552671"}},
}

// FuzzPseudonymise hides an identifier of the profile, set apart by spaces,
// at a random place of random text in a random field, and checks that it
// does not come out of Pseudonymise or Forward; that Forward of what
// Restore gives back is what Forward gave; and that the Restorer, fed the
// text in three chunks cut anywhere, gives what Restore gives.
func FuzzPseudonymise(f *testing.F) {
	f.Add("Led the team at", uint16(7), uint8(0), uint8(9))
	f.Add("from 2015-2020, cut costs 40%; call", uint16(35), uint8(16), uint8(12))
	f.Add("12 34", uint16(2), uint8(16), uint8(5))
	f.Add("contact:,", uint16(8), uint8(11), uint8(3))
	f.Add("Jordan Avery's ASP.NET", uint16(0), uint8(8), uint8(1))
	f.Add("ﬁnance \u0301x", uint16(7), uint8(6), uint8(20))
	base, err := bio.Decode([]byte(fuzzProfile))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string, at uint16, which, field uint8) {
		checkPseudonymise(t, base, text, at, which, field)
	})
}

func checkPseudonymise(t *testing.T, base *bio.Request, text string, at uint16, which, field uint8) {
	{
		if !utf8.ValidString(text) || len(text) > 400 {
			return
		}
		id := fuzzIdentifiers[int(which)%len(fuzzIdentifiers)]
		i := int(at) % (len(text) + 1)
		for i > 0 && !utf8.RuneStart(text[i%len(text)]) && i < len(text) {
			i--
		}
		s := text[:i] + " " + id.written + " " + text[i:]
		req := *base
		req.Profile = base.Profile.Clone()
		k := 0
		req.Profile.EachText(func(f bio.TextField, v *string) {
			if f.Kind != bio.TextDate && k == int(field)%20 {
				*v = s
			}
			k++
		})
		out, m, _ := Pseudonymise(&req)
		var sent strings.Builder
		out.Profile.EachText(func(_ bio.TextField, v *string) { sent.WriteString(*v + "\n") })
		c := canary.Case{Identifiers: id.ids, Phones: id.phones}
		if leaks := c.Leaks(sent.String()); len(leaks) > 0 {
			t.Fatalf("%q left in %q", leaks, sent.String())
		}
		fw := m.Forward(s)
		if leaks := c.Leaks(fw); len(leaks) > 0 {
			t.Fatalf("Forward(%q) = %q: %q left", s, fw, leaks)
		}
		back := m.Restore(fw)
		if again := m.Forward(back); !strings.EqualFold(again, fw) {
			t.Fatalf("Forward(Restore(%q)) = %q", fw, again)
		}
		var streamed strings.Builder
		r := m.Restorer(func(x string) { streamed.WriteString(x) })
		a, b := int(at)%(len(fw)+1), int(which)%(len(fw)+1)
		a, b = min(a, b), max(a, b)
		r.Write(fw[:a])
		r.Write(fw[a:b])
		r.Write(fw[b:])
		r.Close()
		if streamed.String() != back {
			t.Fatalf("Restorer gave %q; Restore %q", streamed.String(), back)
		}
	}
}

var anyPlaceholderRE = regexp.MustCompile(`Term\d+`)

// FuzzForward scrubs random text with the fuzz profile's Mapping and
// checks that every word of what it sends passes the second layer again
// unchanged (nothing is left that it would deny), that restoring it finds
// no placeholder that was not sent, and that the Restorer, fed it in
// chunks, gives what Restore gives.
func FuzzForward(f *testing.F) {
	for _, s := range []string{"Ada built Contoso's Akka.NET platform", "O K A F O R and 415 555 2671", "Term1 and term22's",
		"zbk88 at gmail dot com, @zbk88", "Kowalczyka, ΟΚΑFΟR, 0kaf0r", "$1,200,000 and 5000-10000 users; 01.03.2019",
		"王 伟 and 김민수는", "C++, C#, e.g., don't", "x-y/z:w&v 1.2.3.4"} {
		f.Add(s, uint16(3))
	}
	base, err := bio.Decode([]byte(fuzzProfile))
	if err != nil {
		f.Fatal(err)
	}
	_, m, _ := Pseudonymise(base)
	f.Fuzz(func(t *testing.T, text string, cut uint16) {
		if !utf8.ValidString(text) || len(text) > 400 {
			return
		}
		fw := m.Forward(text)
		// A placeholder is denied again (a profile's own "Term1" must not
		// pass for one), and may join what is beside it into a word that
		// is denied ("Term1'0000"): only a denied word with no placeholder
		// in it is a word that should not have been sent.
		ph := anyPlaceholderRE.FindAllStringIndex(fw, -1)
		m.denied(fw, false, func(start, end int, _ string) {
			for _, p := range ph {
				if start <= p[1] && p[0] <= end {
					return
				}
			}
			t.Fatalf("Forward(%q) = %q sends %q, which the second layer denies", text, fw, fw[start:end])
		})
		back, err := m.RestoreChecked(fw)
		if err != nil {
			t.Fatalf("Forward(%q) = %q: %v", text, fw, err)
		}
		var streamed strings.Builder
		r := m.Restorer(func(s string) { streamed.WriteString(s) })
		a := int(cut) % (len(fw) + 1)
		r.Write(fw[:a])
		r.Write(fw[a:])
		r.Close()
		if streamed.String() != back {
			t.Fatalf("Restorer gave %q; Restore %q", streamed.String(), back)
		}
	})
}
