package safety

import (
	"strings"
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
		"fuckwit", "piss off", "wankers", "tranny", "kike", "Whore", "f u c k it", "s.h.i.t happens", "F-U-C-K", "fuuuck",
		"shittt", "fuсk", "ꜰᴜᴄᴋ", "fu\u0336ck", "**F**uck", "fuck111111111111111111111111111111111111111111111111", "a shitshow",
		"a lazy hoe.", "she was a cripple.", "bitchass",
	} {
		if !HasOffensive(s, InLabel) {
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
		"sex discrimination law", "penis", "rape crisis counsellor", "drop flange", "hoe the beds", "golf balls", "Nazi Germany",
		"butt welds", "butter", "craps tables", "igneous dykes", "cocker spaniels", "ear muffs", "gallery-cum-workshop", "Galaxy A55",
		"Ass. Prof. of Chemistry", "whelping bitches", "a chink in the armour", "Homo sapiens", "cripple the network", "set retarders",
	} {
		Offensive(s, func(m Match) bool { t.Errorf("%q: found %q", s, m.Word); return true })
	}
}

// TestOffensiveNames: a word that is also a name, written as one, is a
// name when names are asked for; the strong words never are.
func TestOffensiveNames(t *testing.T) {
	for _, s := range []string{"Dick Smith", "Dick's Sporting Goods", "Coon Rapids", "Washington Redskins"} {
		if HasOffensive(s, InLabel) {
			t.Errorf("%q: a name taken for an insult", s)
		}
		if !HasOffensive(s, NoNames) {
			t.Errorf("%q: not found without names", s)
		}
	}
	for _, s := range []string{"Shit Corp", "FUCK Ltd", "Bastard Inc"} {
		if !HasOffensive(s, InLabel) {
			t.Errorf("%q: a strong word taken for a name", s)
		}
	}
	if HasOffensive("my dick", InLabel) != true {
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
		Age:         {"a 45-year-old engineer", "q, aged 52, leads", "in her early fifties", "she was born in 1979", "she is a millennial leader", "at 60, she", "she is 45.", "she turned 60"},
		Religion:    {"a devout catholic", "as a proud muslim,", "her catholic faith guides her", "she is jewish", "she attends church weekly", "he is an atheist."},
		Health:      {"she was diagnosed with cancer in 2019", "she is a cancer survivor.", "she is pregnant", "he suffers from anxiety", "his illness is", "she has diabetes"},
		Disability:  {"she is a wheelchair user.", "she is autistic", "he is legally blind", "he is deaf", "as a dyslexic engineer", "she uses a wheelchair"},
		Family:      {"a mother of two", "she is married with three children", "her husband is", "he is a single father", "she is divorced.", "she is on maternity leave"},
		Ethnicity:   {"a hispanic engineer", "as a black woman in tech", "she is of nigerian descent", "she is a woman of color.", "he is biracial", "a latina founder"},
		Orientation: {"an openly gay executive", "she is a lesbian.", "he is bisexual", "she came out as trans", "she is a transgender woman", "she is non-binary."},
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

// TestAttributes: a statement in the first person (a profile) or about
// the subject (a bio) is the same attribute; a name is none.
func TestAttributes(t *testing.T) {
	a, b := Attributes("She is a devout Catholic."), Attributes("I am a practising Catholic and a volunteer.")
	if !a[Religion] || !b[Religion] || len(a) != 1 || len(b) != 1 {
		t.Fatalf("%v %v", a, b)
	}
	for _, s := range []string{"Catholic Charities volunteer", "Staff engineer at Acme", "Sponsor of the Muslim Employee Network"} {
		if got := Attributes(s); got != nil {
			t.Errorf("%q: %v", s, got)
		}
	}
}

func BenchmarkScan(b *testing.B) {
	s := "Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience in Go, Kafka and PostgreSQL. She cut claims processing time from 3 days to 4 hours and leads a team of eight engineers across two sites, mentoring new hires and running the on-call rota."
	b.ReportAllocs()
	for b.Loop() {
		HasOffensive(s, NoNames)
		Attributes(s)
	}
}

func BenchmarkOffensive(b *testing.B) {
	s := "Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience in Go, Kafka and PostgreSQL. She cut claims processing time from 3 days to 4 hours and leads a team of eight engineers across two sites, mentoring new hires and running the on-call rota."
	b.ReportAllocs()
	for b.Loop() {
		HasOffensive(s, NoNames)
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

// TestLiteralsMatchNaively: the automaton finds exactly the terms a plain
// search of every literal finds, on bios, statements and their pieces.
func TestLiteralsMatchNaively(t *testing.T) {
	texts := []string{"", ". q is a devout catholic.", ". she has cancer research experience and he is 45.", ". her husband's wife; i'm gay, she's 60",
		". a mother of two who attends church. she converted to islam. q, 45, leads. at 62, she"}
	for _, s := range texts {
		for cut := 0; cut < len(s); cut += 3 {
			part := s[cut:]
			var want uint64
			for i, c := range compiled {
				for _, n := range c.needs {
					if strings.Contains(part, n) {
						want |= 1 << i
						break
					}
				}
			}
			if got := candidates(part); got != want {
				t.Fatalf("%q: automaton %b, search %b", part, got, want)
			}
		}
	}
	t.Logf("%d nodes, %d symbols", len(matcher.out), matcher.width)
}
