package check

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// gendered are the pronoun sets otherPronouns counts, subject first; "they"
// is left out: it often means others (a team, customers).
var gendered = [][]string{
	{"she", "her", "hers", "herself"},
	{"he", "him", "his", "himself"},
}

// otherPronouns counts the gendered pronouns of text that are not the
// person's: for she/her the words of he/him, for he/him those of she/her,
// and for they/them, a custom set (xe/xem) or no pronouns (use the name)
// both. A contraction ("she's", "he’d") is read as its pronoun; a form
// that hedges ("s/he", "(s)he", "his/her") counts once for everyone, and a
// pronoun tag ("(he/him)") once. Not pronouns: the words of the person's
// own name (self) where they stand as a name ("Ms. He", "He Xiaoming"),
// a word joined to a number or a hyphen ("He-3"), and a word in capitals
// when the text shouts throughout or it reads as an abbreviation ("the HE
// sector"): "HE" and "SHE" in capitals count before a verb, "HIS" and
// "HER" only after one of those.
func otherPronouns(text string, own bio.Pronouns, self []string) int {
	n := 0
	shouting := -1
	capsSubject := false
	prev := ""            // the field before
	pendingCaps := false  // an all-caps "HE"/"SHE" of another set, waiting for its verb
	pendingSelf := false  // a name word at a sentence's start that may be a pronoun, waiting for the next word
	pendingStyle := false // "Her" or "His", waiting for the next word: "Her Majesty's", "His Excellency" are a style, not a pronoun
	for f := range strings.FieldsSeq(text) {
		if pendingCaps || pendingSelf || pendingStyle {
			core := strings.TrimFunc(f, notLetter)
			switch {
			case pendingCaps && verbLike(core):
				n++
				capsSubject = true
			case pendingSelf && !equalFoldAny(self, core):
				n++
			case pendingStyle && !styles[strings.ToLower(core)]:
				n++
			}
			pendingCaps, pendingSelf, pendingStyle = false, false, false
		}
		p := prev
		prev = f
		if len(f) > 16 || !mayBePronoun(f) {
			continue
		}
		core := strings.TrimFunc(f, notLetter)
		if strings.ContainsAny(core, "/()") {
			n += taggedPronouns(core, own)
			continue
		}
		if i := strings.IndexAny(core, "'’"); i > 0 {
			core = core[:i]
		}
		if len(core) < 2 || len(core) > 10 || !isOtherPronoun(core, own) {
			continue
		}
		if outer := strings.Trim(f, ".,;:!?\"'()[]“”‘’"); strings.ContainsFunc(outer, func(r rune) bool { return r == '-' || unicode.IsDigit(r) }) {
			continue // "He-3"
		}
		if equalFoldAny(self, core) {
			// The person's name: after a title or inside a sentence it is
			// the name ("Ms. He", "with He Xiaoming"); at a sentence's
			// start, unless another word of the name follows.
			if !startsSentenceAfter(p) || personalTitles[strings.ToLower(strings.TrimRight(p, "."))] {
				continue
			}
			pendingSelf = true
			continue
		}
		if isUpperWord(core) {
			if shouting < 0 {
				shouting = boolInt(isShouting(text))
			}
			switch up := strings.ToLower(core); {
			case shouting == 1:
			case up == "he" || up == "she":
				pendingCaps = true
			case up == "his" || up == "her":
				if capsSubject {
					n++
				}
			default:
				n++ // HIM, HIMSELF, HERSELF, HERS
			}
			continue
		}
		if (core == "Her" || core == "His") && !strings.HasSuffix(f, ",") && !strings.HasSuffix(f, ".") {
			pendingStyle = true
			continue
		}
		n++
	}
	if pendingStyle {
		n++
	}
	return n
}

// styles are the words after "Her" or "His" in a style of address or the
// name of an institution: "Her Majesty's Revenue and Customs", "His
// Excellency".
var styles = map[string]bool{"majesty": true, "majesty's": true, "majestys": true, "royal": true, "highness": true,
	"excellency": true, "holiness": true, "grace": true, "lordship": true, "ladyship": true, "honour": true, "honor": true,
	"worship": true, "eminence": true, "majesty’s": true}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// isOtherPronoun reports whether w is a gendered pronoun of a set other
// than own.
func isOtherPronoun(w string, own bio.Pronouns) bool {
	for _, set := range gendered {
		if set[0] == own.Subject {
			continue
		}
		for _, x := range set {
			if strings.EqualFold(w, x) {
				return true
			}
		}
	}
	return false
}

// taggedPronouns counts a pronoun tag or a hedge: "s/he", "(s)he",
// "his/her" count once for anyone, "he/him" once for a person who is not
// he/him.
func taggedPronouns(core string, own bio.Pronouns) int {
	parts := strings.FieldsFunc(strings.ToLower(core), func(r rune) bool { return r == '/' || r == '(' || r == ')' })
	if len(parts) == 2 && parts[0] == "s" && parts[1] == "he" {
		return 1
	}
	sets := 0
	other := false
	for i, set := range gendered {
		in := false
		for _, p := range parts {
			for _, x := range set {
				in = in || p == x
			}
		}
		if in {
			sets |= 1 << i
			other = other || set[0] != own.Subject
		}
	}
	if sets == 3 || other {
		return 1
	}
	return 0
}

// startsSentenceAfter reports whether a sentence starts after the field
// prev: at the text's start, or after a full stop, a question or an
// exclamation mark, or a bullet.
func startsSentenceAfter(prev string) bool {
	if prev == "" || prev == "-" || prev == "•" {
		return true
	}
	c := prev[len(prev)-1]
	return c == '.' || c == '!' || c == '?' || c == ':'
}

// verbLike reports whether w, the word after "HE" or "SHE" in capitals,
// reads as a verb: a usual one, or a word in small letters ending in "s"
// or "ed".
func verbLike(w string) bool {
	if w == "" {
		return false
	}
	caps := isUpperWord(w) // "HE LEADS": only a usual verb, not "HE STUDENTS"
	w = strings.ToLower(w)
	switch w {
	case "is", "was", "has", "had", "will", "would", "can", "could", "did", "does", "led", "built", "ran", "won",
		"took", "set", "grew", "became", "went", "got", "wrote", "made", "joined", "leads", "also", "then", "now",
		"still", "never", "always", "helped", "shipped", "left", "brought", "spent", "holds", "speaks", "lives":
		return true
	}
	return !caps && len(w) > 3 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"))
}

// checkPronouns rejects a third-person text that uses another set of
// pronouns for its subject twice or more (n, as otherPronouns counts them
// in the text masked by maskProfile, so that a company named "He & She
// Ltd" is not counted), and asks for review when it does once: one "his"
// in a she/her bio may be about someone else ("supported a colleague in
// his promotion"); two are the wrong person's pronouns.
func checkPronouns(n int, own bio.Pronouns) (review bool, err error) {
	switch {
	case n == 0:
		return false, nil
	case n == 1:
		return true, nil
	case own.Known():
		return false, &Error{ProblemPronouns, "it used pronouns other than " + own.Subject + "/" + own.Object}
	default:
		return false, &Error{ProblemPronouns, "it used gendered pronouns; the profile gives none, so use the name"}
	}
}

// mayBePronoun reports whether the word f, with its marks, may be a
// gendered pronoun: its first letter is an s or an h, or not ASCII.
func mayBePronoun(f string) bool {
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c >= utf8.RuneSelf:
			return true
		case isLetter(c):
			c |= 0x20
			return c == 's' || c == 'h'
		}
	}
	return false
}

func isUpperWord(s string) bool {
	if len(s) < 2 {
		return false
	}
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}
