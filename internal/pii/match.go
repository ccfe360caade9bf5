package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A word, for pseudonymisation, is a run of letters, combining marks and
// digits in any script: "Kowalczyk" is a whole word in "Ms. Kowalczyk's",
// "Okafor-led" and "ada_okafor", not in "Kowalczyka". The canary test reads
// words the same way.

// isWordRune reports whether r belongs to a word.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsMark(r) || unicode.IsNumber(r)
}

// wordBefore reports whether the rune ending at s[i] is part of a word.
func wordBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r)
}

// joinedBefore and joinedAfter report whether the rune before s[i] (at
// s[i]) would make a word that ends (starts) there part of a longer word: a
// letter, mark or digit of a script written with spaces. A letter of a
// script written without them ("Ada是工程师") ends a word of another
// script.
func joinedBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return isWordRune(r) && !unspaced(r)
}

func joinedAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r) && !unspaced(r)
}

// wordAt reports whether the rune starting at s[i] is part of a word.
func wordAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return isWordRune(r)
}

// isDash reports whether r is written as a hyphen: '-', the Unicode dashes
// and the minus sign.
func isDash(r rune) bool { return r == '-' || r == '\u2212' || unicode.Is(unicode.Pd, r) }

// isApostrophe reports whether r is written as an apostrophe.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02BC', '`', '\u00B4', '\u2032':
		return true
	}
	return false
}

// sameRune reports whether text rune t matches pattern rune p: without
// regard to case, any dash for a hyphen and any apostrophe for an apostrophe.
func sameRune(t, p rune) bool {
	if t == p {
		return true
	}
	switch p {
	case '-':
		return isDash(t)
	case '\'':
		return isApostrophe(t)
	}
	if t < utf8.RuneSelf && p < utf8.RuneSelf {
		return t|0x20 == p|0x20 && 'a' <= t|0x20 && t|0x20 <= 'z'
	}
	for r := unicode.SimpleFold(p); r != p; r = unicode.SimpleFold(r) {
		if r == t {
			return true
		}
	}
	return false
}

// matchAt returns the end of pattern p matched at s[i:] (see sameRune), or
// -1.
func matchAt(s string, i int, p string) int {
	for _, pr := range p {
		if i >= len(s) {
			return -1
		}
		tr, size := utf8.DecodeRuneInString(s[i:])
		if !sameRune(tr, pr) {
			return -1
		}
		i += size
	}
	return i
}

// pair maps one spelling of a word to another.
type pair struct {
	from, to string
	// anywhere is set for a word of a script written without spaces
	// (Chinese, Japanese, Thai...) or with particles joined to it
	// (Korean): it is found inside longer runs of letters too.
	anywhere bool
	// capitalised is set for a word found only when it starts with a
	// capital (a particle that is a part of the name: "Das", "Van").
	capitalised bool
	// pronoun is set for a part of the name spelled as a pronoun ("He",
	// "Her"): found only where it reads as a name (Mapping.acceptName).
	pronoun bool
}

// unspaced reports whether r is of a script whose words are not set apart
// by spaces, or take particles joined to them.
func unspaced(r rune) bool {
	if r < '\u0E00' { // Thai, the first of them
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan)
}

// unspacedWord reports whether w begins and ends with a letter of such a
// script.
func unspacedWord(w string) bool {
	first, _ := utf8.DecodeRuneInString(w)
	last, _ := utf8.DecodeLastRuneInString(w)
	return unspaced(first) && unspaced(last)
}

// matchWord returns the first pair whose from is a whole word at s[i:] (or
// anywhere, for a pair so marked), and the word's end; end is 0 when none
// is. inWord says that s[i] is inside a word (see joinedBefore): only pairs
// marked anywhere may match there. An empty from matches nothing.
func matchWord(s string, i int, pairs []pair, inWord bool) (pair, int) {
	c := s[i]
	for _, p := range pairs {
		if inWord && !p.anywhere || p.from == "" {
			continue
		}
		// An ASCII letter matches only itself in either case: most pairs
		// are out at their first byte.
		if f := p.from[0]; c < utf8.RuneSelf && f < utf8.RuneSelf && c != f && f != '\'' && f != '-' &&
			(c|0x20 != f|0x20 || c|0x20 < 'a' || c|0x20 > 'z') {
			continue
		}
		if end := matchAt(s, i, p.from); end > i && (p.anywhere || !joinedAfter(s, end)) {
			return p, end
		}
	}
	return pair{}, 0
}

// Letter case of a word as written.
const (
	caseMixed = iota // "McDonald", "Ada": use the replacement as it is
	caseUpper        // "KOWALCZYK"
	caseLower        // "kowalczyk"
	caseTitle        // "Kowalczyk": matters when the replacement is all one case
)

func caseOf(s string) int {
	upper, lower, letters := 0, 0, 0
	firstUpper := false
	for _, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		letters++
		switch {
		case unicode.IsUpper(r):
			upper++
			firstUpper = firstUpper || letters == 1
		case unicode.IsLower(r):
			lower++
		}
	}
	switch {
	case upper > 0 && lower == 0 && letters > 1:
		return caseUpper
	case upper == 0 && lower > 0:
		return caseLower
	case firstUpper && upper == 1:
		return caseTitle
	}
	return caseMixed
}

// withCaseOf returns to in the case of written: "KOWALCZYK" gives "ELLIS",
// "kowalczyk" "ellis", and any other case to as it is, but a title case for
// a to that is all one case ("ADA" for "Jordan").
func withCaseOf(written, to string) string {
	switch caseOf(written) {
	case caseUpper:
		return strings.ToUpper(to)
	case caseLower:
		return strings.ToLower(to)
	case caseTitle:
		if c := caseOf(to); c == caseUpper || c == caseLower {
			r, size := utf8.DecodeRuneInString(to)
			return string(unicode.ToTitle(r)) + strings.ToLower(to[size:])
		}
	}
	return to
}
