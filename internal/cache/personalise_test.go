package cache

import (
	"fmt"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/corpus"
	"github.com/biogen/biogen/internal/writer"
)

func personaliseFor(t *testing.T, text, fromName, fromPronouns, toName, toPronouns string) (string, bool) {
	t.Helper()
	req := decode(t, base)
	req.Profile.Name, req.Profile.Pronouns = toName, toPronouns
	from := Facts{Name: fromName}
	if p := bio.ParsePronouns(fromPronouns); p.Known() {
		from.Pronouns = p.Subject + "/" + p.Object
	}
	return personalise(text, &from, req)
}

// TestPersonalise tries to make re-personalisation name the wrong person:
// names that share words, middle and hyphenated names, possessives,
// capitals, a name in the facts, pronouns that cannot be swapped exactly.
func TestPersonalise(t *testing.T) {
	f := func(text, from, fromPr, to, toPr, want string) {
		t.Helper()
		got, ok := personaliseFor(t, text, from, fromPr, to, toPr)
		if want == "" {
			if ok {
				t.Errorf("%q -> %q: rewrote %q as %q; want a refusal", from, to, text, got)
			}
			return
		}
		if !ok || got != want {
			t.Errorf("%q -> %q: got %q, %v; want %q", from, to, got, ok, want)
		}
	}
	// Exact rewrites.
	f("Anna Thomas is an engineer. Anna leads the team; Thomas's work ships.", "Anna Thomas", "she/her", "Bea Berg", "she/her",
		"Bea Berg is an engineer. Bea leads the team; Berg's work ships.")
	f("Anna Thomas leads. ANNA THOMAS ships; THOMAS wins.", "Anna Thomas", "she/her", "Bea Berg", "she/her", "Bea Berg leads. BEA BERG ships; BERG wins.")
	f("ANNA THOMAS leads.", "Anna Thomas", "she/her", "Bea Berg", "she/her", "") // the name as written is missing
	f("Anna-Lena Thomas is an engineer. Anna-Lena Thomas ships.", "Anna-Lena Thomas", "", "Bea Berg", "", "Bea Berg is an engineer. Bea Berg ships.")
	f("Bo Lindqvist is an engineer. He leads his team.", "Bo Lindqvist", "he/him", "Tom Berg", "he/him",
		"Tom Berg is an engineer. He leads his team.")
	// The defect: "Anna Thomas" for "Thomas Berg" gave "Berg Berg".
	f("Anna Thomas works as an engineer. Thomas leads.", "Anna Thomas", "she/her", "Thomas Berg", "she/her", "")
	f("Anna Thomas works as an engineer.", "Anna Thomas", "she/her", "Thomas Berg", "she/her", "")
	// A middle name alone, a name in another case, a name the text lacks.
	f("Anna Maria Thomas is an engineer. Maria leads.", "Anna Maria Thomas", "", "Bea Berg", "", "")
	f("Anna Thomas is an engineer; anna leads.", "Anna Thomas", "", "Bea Berg", "", "")
	f("The engineer leads.", "Anna Thomas", "", "Bea Berg", "", "")
	// Pronouns are never rewritten: other pronouns are a miss whenever the
	// text uses any, or a gendered word.
	f("Ada Okafor is an engineer. Her team trusts her.", "Ada Okafor", "she/her", "Bo Lindqvist", "he/him", "")
	f("Bo Lindqvist is an engineer. He leads his team.", "Bo Lindqvist", "he/him", "Ada Okafor", "she/her", "")
	f("Ada Okafor is an engineer. She leads.", "Ada Okafor", "she/her", "Bo Lindqvist", "he/him", "")
	f("Tom Berg coached Raj until he was promoted.", "Tom Berg", "he/him", "Ada Lind", "she/her", "")
	f("Xe leads. Tom Berg ships xyr code.", "Tom Berg", "xe/xem/xyr", "Ada Lind", "xe/xem/xir", "")
	f("Sam Lee is an engineer. Sam Lee mentors themself.", "Sam Lee", "they/them", "Ada Lind", "she/her", "")
	f("Mr. Tom Berg is an engineer.", "Tom Berg", "", "Ada Lind", "", "")
	f("Tom Berg is an engineer and a devoted father.", "Tom Berg", "", "Ada Lind", "", "")
	f("Tom Berg is an engineer and a self-made businessman.", "Tom Berg", "he/him", "Ada Lind", "she/her", "")
	// Initials, folded spellings and invisible characters of the old name.
	f("Ada Okafor is an engineer. A. Okafor leads.", "Ada Okafor", "", "Bea Berg", "", "")
	f("Ada Okafor is an engineer (A.O.).", "Ada Okafor", "", "Bea Berg", "", "")
	f("Ada Okafor is an engineer. AO leads.", "Ada Okafor", "", "Bea Berg", "", "")
	f("Ada Okafor is an engineer. Oka\u00adfor leads.", "Ada Okafor", "", "Bea Berg", "", "")
	f("Ada Okafor is an engineer. Oka\u200bfor leads.", "Ada Okafor", "", "Bea Berg", "", "")
	f("Ada Okafor is an engineer. Ｏｋａｆｏｒ leads.", "Ada Okafor", "", "Bea Berg", "", "")
	f("José Díaz is an engineer. Jose\u0301 Di\u0301az leads.", "José Díaz", "", "Bea Berg", "", "")
	f("Bo Lindqvist is an engineer. The idea was his.", "Bo Lindqvist", "he/him", "Ada Okafor", "she/her", "")
	f("Sam Lee is an engineer. They lead.", "Sam Lee", "they/them", "Ada Okafor", "she/her", "")
	f("Ada Okafor is an engineer. She leads.", "Ada Okafor", "she/her", "Sam Lee", "they/them", "")
	f("Ada Okafor is an engineer. She leads.", "Ada Okafor", "she/her", "Sam Lee", "", "")
	// Without pronouns or gendered words in the text, any set will do.
	f("Ada Okafor is an engineer. Ada Okafor leads.", "Ada Okafor", "she/her", "Sam Lee", "they/them", "Sam Lee is an engineer. Sam Lee leads.")
}

// TestPersonaliseNameInFacts refuses to rewrite a name word that is also a
// fact: the company "Okafor Foods" must stay.
func TestPersonaliseNameInFacts(t *testing.T) {
	req := decode(t, strings.Replace(base, `"Northwind Health"`, `"Okafor Foods"`, 1))
	req.Profile.Name = "Bea Berg"
	from := Facts{Name: "Ada Okafor", Pronouns: "she/her"}
	if got, ok := personalise("Ada Okafor works at Okafor Foods.", &from, req); ok {
		t.Fatalf("rewrote a fact: %q", got)
	}
}

// TestPersonaliseProperty re-personalises the template writer's bios of the
// corpus between every pair of a set of names chosen to collide (shared
// words, one name inside another, capitals), and checks every rewrite it
// accepts: no word of the old name is left, the new name stands exactly
// where the old one stood, and nothing else changed.
func TestPersonaliseProperty(t *testing.T) {
	names := []string{"Anna Thomas", "Thomas Berg", "Anna Berg", "Ann Thomas", "Thomas Thomas", "Anna-Lena Berg", "Lena Anna",
		"Bea Berg", "Annabel Thom", "Berg", "Maria José García", "O'Brien Kate"}
	var w writer.Writer
	accepted, refused := 0, 0
	for i := 0; i < 24; i++ {
		req := corpus.Request(3, i)
		req.Profile.Pronouns = "she/her"
		for _, from := range names {
			src := req
			src.Profile.Name = from
			text := w.Write(&src, 0).Text
			for _, to := range names {
				if to == from {
					continue
				}
				dst := req
				dst.Profile.Name = to
				facts := Facts{Name: from, Pronouns: "she/her"}
				got, ok := personalise(text, &facts, &dst)
				if !ok {
					refused++
					continue
				}
				accepted++
				oldWords, _ := nameParts(from)
				newWords, _ := nameParts(to)
				for _, ow := range oldWords {
					if !containsFold(newWords, ow) && hasWordFold(tokenize(got), ow) {
						t.Fatalf("%q -> %q left %q in %q", from, to, ow, got)
					}
				}
				// Undo the rewrite with the old name: the text comes back,
				// so the new name stands only where the old one stood.
				back, ok := personalise(got, &Facts{Name: to, Pronouns: "she/her"}, &src)
				if ok && back != text {
					t.Fatalf("%q -> %q -> back does not restore the text:\n%s\n%s", from, to, text, back)
				}
				if dst.Options.Perspective == bio.PerspectiveThird && strings.Count(got, to) < strings.Count(text, from) {
					t.Fatalf("%q -> %q: %d full names became %d", from, to, strings.Count(text, from), strings.Count(got, to))
				}
			}
		}
	}
	t.Logf("re-personalisations: %d accepted, %d refused", accepted, refused)
	if accepted == 0 || refused == 0 {
		t.Fatal(fmt.Sprint("the property test exercised only one outcome: ", accepted, refused))
	}
}
