package check

import (
	"strings"
	"unicode"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/safety"
)

// The reasons of the flags Verify adds (VerifyReasons), as
// "<flag>:<reason>"; the metrics count flags by them.
const (
	ReasonInstructions = bio.FlagNeedsReview + ":instructions"
	ReasonPronoun      = bio.FlagNeedsReview + ":other_pronoun"
	ReasonOtherPerson  = bio.FlagNeedsReview + ":other_person"
	ReasonAdverse      = bio.FlagNeedsReview + ":adverse_claim"
	ReasonOffensive    = bio.FlagNeedsReview + ":offensive"
	ReasonProtected    = bio.FlagNeedsReview + ":protected_attribute"
	ReasonUnverified   = bio.FlagUnverifiedFacts + ":fact"
	ReasonUnsupported  = bio.FlagUnverifiedFacts + ":adverse_claim"
	ReasonThin         = bio.FlagSparseProfile + ":thin_profile"
)

// offensiveWords returns the offensive words the profile holds, other
// than names (a bio's names are masked before it is read), read once.
func (f *evidence) offensiveWords() map[string]bool {
	if !f.offensiveRead {
		f.offensiveRead = true
		f.p.EachText(func(field bio.TextField, s *string) {
			names := safety.NamesIn(field.Kind)
			safety.Offensive(*s, func(m safety.Match) bool {
				if names.IsName(m) {
					return true // a name licenses nothing: "Coon Rapids" is no "coon"
				}
				if f.offensive == nil {
					f.offensive = map[string]bool{}
				}
				f.offensive[m.Word] = true
				return true
			})
		})
	}
	return f.offensive
}

// protectedAttributes returns the protected attributes the profile
// states, read once: in the first person ("I am a proud mother of two"),
// in fragments ("Devout Catholic"), or in the third person by name, which
// is masked as a bio's is.
func (f *evidence) protectedAttributes() map[safety.Attribute]bool {
	if !f.protectedRead {
		f.protected, f.protectedRead = safety.Attributes(maskName(profileText(f.p), f.p.Name)), true
	}
	return f.protected
}

// maskName replaces the person's full name in text, then each word of it
// on its own, however capitalised ("Ada is...", "Black, a LEED Fellow,"
// for "jordan black"), and a nickname in quotes ('Richard "Dick" Bishop'),
// with "Q", as maskProfile does in a bio.
func maskName(text, name string) string {
	if name == "" {
		return text
	}
	text = strings.ReplaceAll(text, name, "Q")
	for _, w := range strings.FieldsFunc(name, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' }) {
		if len([]rune(w)) > 1 {
			text = replaceWordFold(text, w, "Q")
		}
	}
	return text
}

// theyAsName reads "they" as the person ("q") in a text about a person
// whose pronouns are they/them, for the protected-attribute patterns,
// whose subjects are "she", "he", "i" and the name: for anyone else
// "they" are other people ("when they have cancer").
func theyAsName(text string, p *bio.Profile) string {
	if !strings.Contains(strings.ToLower(p.Pronouns), "they") {
		return text
	}
	return replaceWordFold(text, "they", "q")
}

// offensiveProfile reports whether the profile holds offensive language
// that is not a name written as one ("Dick Smith", "Coon Rapids").
func offensiveProfile(p *bio.Profile) bool {
	found := false
	p.EachText(func(f bio.TextField, s *string) {
		// A person's name is a name, whatever it spells ("Shi Ting").
		found = found || f.Kind != bio.TextName && safety.HasOffensive(*s, safety.NamesIn(f.Kind))
	})
	return found
}

// unsafe finds what must not reach a profile unreviewed in text, a bio
// with the profile's name-like values masked (maskProfile): an offensive
// word or a protected attribute (age, religion, health...) the profile
// does not hold rejects the text; one it holds is for review.
//
// The offensive words are English; in an answer in another language, lang
// (a BCP 47 tag), a match is flagged for review, never rejected, and a
// word of the list that is an everyday word of that language (innocent)
// is no match at all.
func unsafe(text string, f *evidence, lang string) (reasons []string, err error) {
	english := bio.Options{Language: lang}.English()
	// The name's words alone are the person too ("Okafor is Jewish";
	// "Black, a LEED Fellow,").
	text = theyAsName(maskName(text, f.p.Name), f.p)
	safety.Offensive(text, func(m safety.Match) bool {
		if innocent[checkedCode(lang)][m.Word] {
			return true // "hoe" in Dutch is "how"
		}
		if m.Name && !m.Initial && f.namesWord(text[m.Start:m.End]) {
			return true // a name the profile gives ("Dick's Sporting Goods account")
		}
		if m.Name && !m.Initial {
			// A word that is also a name, written as one ("Sen. Coons",
			// "Moby-Dick"): for a person to read, not a reason to reject.
			reasons = append(reasons, ReasonOffensive)
			return true
		}
		if !f.offensiveWords()[m.Word] && english {
			err = &Error{ProblemOffensive, "it used offensive language that is not in the profile; write professionally and leave it out"}
			return false
		}
		reasons = append(reasons, ReasonOffensive)
		return true
	})
	if err != nil || !english {
		return reasons, err
	}
	safety.Protected(text, func(s safety.Statement) bool {
		if !f.protectedAttributes()[s.Attr] {
			err = &Error{ProblemProtected, "it stated the person's " + attributeWords[s.Attr] + ", which the profile does not; leave personal characteristics out"}
			return false
		}
		reasons = append(reasons, ReasonProtected)
		return true
	})
	return reasons, err
}

// innocent are words of the offensive list that are everyday words of a
// checked language, by its code: not offensive in an answer in that
// language.
var innocent = map[string]map[string]bool{
	"nl": {"hoe": true},                                           // how
	"de": {"dick": true},                                          // thick
	"nb": {"fag": true}, "nn": {"fag": true}, "da": {"fag": true}, // a subject, a trade
	"it": {"bimbo": true}, // a child
}

// attributeWords name each attribute in a correction.
var attributeWords = map[safety.Attribute]string{
	safety.Age: "age", safety.Religion: "religion", safety.Health: "health", safety.Disability: "disability",
	safety.Family: "marital or family status", safety.Ethnicity: "ethnicity", safety.Orientation: "sexual orientation or gender identity",
}

// mayBeUnsafe is the cheap look before unsafe: whether the text, with
// the person's name masked (cheap, and what makes the name a subject),
// holds anything unsafe at all. The rest of the mask only removes words.
func mayBeUnsafe(text string, p *bio.Profile, english bool) bool {
	if safety.HasOffensive(text, safety.NoNames) {
		return true
	}
	found := false
	if english {
		safety.Protected(theyAsName(maskName(text, p.Name), p), func(safety.Statement) bool { found = true; return false })
	}
	return found
}

// namesWord reports whether the profile writes w, a capitalised word, as
// it is: a name the profile gives in a free text ("the Dick's Sporting
// Goods account", "the Coon Rapids office").
func (f *evidence) namesWord(w string) bool {
	return hasWordAt(profileText(f.p), w, true)
}

// Repeated returns the review reasons of a text that only repeats the
// profile, as the template writer's does: the protected attributes it
// states (ReasonProtected), and offensive words that are no name of the
// profile's (ReasonOffensive, which the writer leaves out).
func Repeated(req *bio.Request, text string) []string {
	if !mayBeUnsafe(text, &req.Profile, true) {
		return nil
	}
	clean, _ := req.WithoutInstructions()
	var reasons []string
	masked := theyAsName(maskName(maskProfile(text, &clean.Profile), clean.Profile.Name), &clean.Profile)
	if safety.HasOffensive(masked, safety.NoNames) {
		reasons = append(reasons, ReasonOffensive)
	}
	found := false
	safety.Protected(masked, func(safety.Statement) bool { found = true; return false })
	if found {
		reasons = append(reasons, ReasonProtected)
	}
	return reasons
}
