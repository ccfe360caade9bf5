package check

import (
	"iter"
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

// pronounSized yields the words of text that may be gendered pronouns:
// starting with s or h, trimmed of what is not a letter, two to ten bytes
// long, in their own case. A contraction ("she's", "he’d") is read as its
// pronoun.
func pronounSized(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for f := range strings.FieldsSeq(text) {
			if len(f) > 16 || !mayBePronoun(f) {
				continue
			}
			f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
			if i := strings.IndexAny(f, "'’"); i > 0 {
				f = f[:i]
			}
			if n := len(f); n >= 2 && n <= 10 && !yield(f) {
				return
			}
		}
	}
}

// otherPronouns counts the gendered pronouns of text that are not the
// person's: for she/her the words of he/him, for he/him those of she/her,
// and for they/them, a custom set (xe/xem) or no pronouns (use the name)
// both. An all-capitals word is an abbreviation ("HE" for higher
// education), not a pronoun.
func otherPronouns(text string, own bio.Pronouns) int {
	n := 0
	for f := range pronounSized(text) {
		if isUpperWord(f) {
			continue
		}
		for _, set := range gendered {
			if set[0] == own.Subject {
				continue
			}
			for _, x := range set {
				if strings.EqualFold(f, x) {
					n++
				}
			}
		}
	}
	return n
}

// checkPronouns rejects a third-person text that uses another set of
// pronouns for its subject twice or more, and asks for review when it does
// once: one "his" in a she/her bio may be about someone else ("supported
// a colleague in his promotion"); two are the wrong person's pronouns.
// text should be masked (maskProfile) so that a company named "He & She
// Ltd" is not counted.
func checkPronouns(text string, own bio.Pronouns) (review bool, err error) {
	switch n := otherPronouns(text, own); {
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
