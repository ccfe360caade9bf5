package safety

import (
	"testing"
)

// TestOffensive: the library's words and ours as whole words, however
// written (case, inflection, leetspeak, stars, full-width, zero-width
// splits, compounds), and none of the words that only contain one.
func TestOffensive(t *testing.T) {
	for _, s := range []string{
		"fired every idiot, the stupid bastards", "what a load of bullshit", "Shit happens", "sh1t", "$hit", "f*ck this",
		"F*CKING great", "motherfucker", "a real asshole", "dumbass decisions", "ｆｕｃｋ", "fu\u200bck", "*shit*",
		"total b!tch", "crappy code", "a jackass move", "that cunt", "niggers", "you moron", "batshit", "dickhead",
		"fuckwit", "piss off", "wankers", "tranny", "kike", "Whore",
	} {
		if !HasOffensive(s, true) {
			t.Errorf("not found in %q", s)
		}
	}
	for _, s := range []string{
		"passed the assessment", "Analyst in Essex", "graduated summa cum laude", "magna cum laude", "Scunthorpe United",
		"Hancock Whitney", "Sexton Partners", "Matsushita Electric", "Buttigieg", "Dickinson College", "Penistone",
		"skills: C#, Sass, Docker", "Cockburn and Associates", "a knee-jerk reaction", "cocktail", "Shuttlecock",
		"an assistant at Assurance", "Massachusetts", "classic", "grass", "compass", "harassment training",
		"class of 2010", "therapist", "Arsenal", "peacock", "cumin", "document", "circumstance", "spectacular",
		"basement", "titanic", "pussycat", "scunthorpe", "shiitake", "Hitchcock", "analytics", "sextant", "Wankel engine",
		"Middlesex", "2015-2020", "401k", "B2B", "$8 million", "ASP.NET", "Cut p99 latency by 45%", "Dickson", "bass",
		"sex discrimination law", "penis", "rape crisis counsellor", "drop flange", "hoe", "golf balls", "Nazi Germany",
	} {
		Offensive(s, func(m Match) bool { t.Errorf("%q: found %q", s, m.Word); return true })
	}
}

// TestOffensiveNames: a word that is also a name, written as one, is a
// name when names are asked for; the strong words never are.
func TestOffensiveNames(t *testing.T) {
	for _, s := range []string{"Dick Smith", "Dick's Sporting Goods", "Ahmed Butt", "Coon Rapids", "Van Dyke"} {
		if HasOffensive(s, true) {
			t.Errorf("%q: a name taken for an insult", s)
		}
		if !HasOffensive(s, false) {
			t.Errorf("%q: not found without names", s)
		}
	}
	for _, s := range []string{"Shit Corp", "FUCK Ltd", "Bastard Inc"} {
		if !HasOffensive(s, true) {
			t.Errorf("%q: a strong word taken for a name", s)
		}
	}
	if HasOffensive("my dick", true) != true {
		t.Error("lower-case dick taken for a name")
	}
}

// TestOffensiveMatch: the match says where the word is.
func TestOffensiveMatch(t *testing.T) {
	s := "They were stupid."
	var got []Match
	Offensive(s, func(m Match) bool { got = append(got, m); return true })
	if len(got) != 1 || got[0].Word != "stupid" || s[got[0].Start:got[0].End] != "stupid" {
		t.Fatalf("%+v", got)
	}
}

// TestProtected: each attribute, said of a person, is found; the same
// words about a topic are not.
func TestProtected(t *testing.T) {
	for attr, list := range map[Attribute][]string{
		Age:         {"a 45-year-old engineer", "aged 52", "in her early fifties", "born in 1979", "a millennial leader", "at the age of 60"},
		Religion:    {"a devout Catholic", "a proud Muslim", "her faith guides her", "Jewish", "attends church weekly", "an atheist"},
		Health:      {"diagnosed with cancer in 2019", "a cancer survivor", "while pregnant", "she is diabetic", "suffers from anxiety", "his illness"},
		Disability:  {"a wheelchair user", "she is autistic", "legally blind", "a disabled veteran", "is deaf", "dyslexic"},
		Family:      {"a mother of two", "married with three children", "her husband", "a single father", "divorced", "on maternity leave"},
		Ethnicity:   {"a Hispanic engineer", "a Black woman in tech", "of Nigerian descent", "a woman of color", "biracial", "Latina founder"},
		Orientation: {"an openly gay executive", "a lesbian", "bisexual", "came out as trans", "a transgender woman", "non-binary"},
	} {
		for _, s := range list {
			found := false
			Protected(s, func(st Statement) bool { found = found || st.Attr == attr; return true })
			if !found {
				t.Errorf("%s not found in %q", attr, s)
			}
		}
	}
	for _, s := range []string{
		"led cancer research at the institute", "disability insurance products", "built the health-tech platform",
		"20 years of experience", "a 5-year roadmap", "the youngest team", "disabled the legacy API", "a blind spot",
		"double-blind trials", "communicates openly", "the product came out in 2019", "helped customers and their families",
		"leads a team of 12", "grew revenue 45% in 2019", "country of origin rules", "the Great Depression", "black belt",
		"white paper", "a white-label product", "Christian Dior", "partner at the firm", "her team", "condition monitoring",
	} {
		Protected(s, func(st Statement) bool {
			if s != "Christian Dior" { // a name: the checks mask the profile's names first
				t.Errorf("%q: found %s", s, st.Attr)
			}
			return true
		})
	}
}

// TestTerms: the same statement in two texts has the same term.
func TestTerms(t *testing.T) {
	a, b := Terms("She is a devout Catholic."), Terms("Catholic Charities volunteer")
	if !a[termOf(t, "catholic")] || !b[termOf(t, "catholic")] {
		t.Fatalf("%v %v", a, b)
	}
	if Terms("Staff engineer at Acme") != nil {
		t.Fatal("terms in a clean text")
	}
}

func termOf(t *testing.T, s string) int {
	t.Helper()
	for k := range Terms(s) {
		return k
	}
	t.Fatalf("no term in %q", s)
	return -1
}

func BenchmarkScan(b *testing.B) {
	s := "Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience in Go, Kafka and PostgreSQL. She cut claims processing time from 3 days to 4 hours and leads a team of eight engineers across two sites, mentoring new hires and running the on-call rota."
	b.ReportAllocs()
	for b.Loop() {
		HasOffensive(s, false)
		Terms(s)
	}
}

func BenchmarkOffensive(b *testing.B) {
	s := "Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience in Go, Kafka and PostgreSQL. She cut claims processing time from 3 days to 4 hours and leads a team of eight engineers across two sites, mentoring new hires and running the on-call rota."
	b.ReportAllocs()
	for b.Loop() {
		HasOffensive(s, false)
	}
}

// TestEveryTermHasLiterals: every term is found by its literals first, so
// none costs a regular expression on every text.
func TestEveryTermHasLiterals(t *testing.T) {
	for i, c := range compiled {
		if c.needs == nil {
			t.Errorf("term %d (%s) has no literal every match holds", i, terms[i].pattern)
		}
	}
}
