package pii

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Identifiers are looked for in a text's key: the text in lower case
// without diacritics, so that "García", "GARCIA", "Garcıa" and "Ǵarcia" all
// read "garcia", "Weiß" and "WEISS" "weiss", and "Ádá" "ada"; look-alike
// letters of other scripts read as the Latin ones ("Okаfor" with a
// Cyrillic "а", "ΟΚΑFΟR", "ᴏᴋᴀꜰᴏʀ" read "okafor"), enclosing marks are
// dropped ("Oka⃝for"), and digits of any script read as ASCII ones. An
// adversary cannot hide a name by adding, dropping or changing its
// accents, or by writing its letters in another script's look-alikes.

// specialKeys are the keys of letters that do not decompose into a base
// letter and marks but are written without their stroke or as two letters
// where the keyboard lacks them.
var specialKeys = map[rune]string{
	'ß': "ss", 'ẞ': "ss", 'æ': "ae", 'Æ': "ae", 'œ': "oe", 'Œ': "oe", 'þ': "th", 'Þ': "th",
	'ł': "l", 'Ł': "l", 'ø': "o", 'Ø': "o", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d", 'ı': "i",
	'ħ': "h", 'Ħ': "h", 'ŧ': "t", 'Ŧ': "t", 'ĳ': "ij", 'Ĳ': "ij",
}

// appendKey appends the key of r to dst: lower case, without diacritics,
// any dash as '-', any apostrophe as '\”, a look-alike letter of another
// script as its Latin letter (see confusables), a digit of any script as
// its ASCII digit; nothing for a combining or enclosing mark.
func appendKey(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	switch {
	case isDash(r):
		return append(dst, '-')
	case isApostrophe(r):
		return append(dst, '\'')
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return dst
	}
	if k, ok := specialKeys[r]; ok {
		return append(dst, k...)
	}
	if c, ok := confusables[r]; ok {
		return append(dst, c)
	}
	if d := digitValue(r); d >= 0 {
		return append(dst, byte('0'+d))
	}
	return utf8.AppendRune(dst, unicode.ToLower(baseLetter(r)))
}

// baseLetter returns r without its diacritics when it decomposes into one
// letter and combining marks ("ễ" gives 'e'), else r (a Hangul syllable
// decomposes into letters, and stays).
func baseLetter(r rune) rune {
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	d := norm.NFD.Properties(buf[:n]).Decomposition()
	if d == nil {
		return r
	}
	base, size := utf8.DecodeRune(d)
	for rest := d[size:]; len(rest) > 0; {
		m, sz := utf8.DecodeRune(rest)
		if !unicode.Is(unicode.Mn, m) {
			return r
		}
		rest = rest[sz:]
	}
	return base
}

// keyOf returns the key of s.
func keyOf(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = appendKey(b, r)
	}
	return string(b)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// keyed is a text and its key, with the way back from one to the other.
type keyed struct {
	s, key string
	// offs holds, for each byte of key, the offset in s of the rune it
	// comes from; nil when s is ASCII and key is s itself (matchAt ignores
	// the case of ASCII letters).
	offs []int32
}

func newKeyed(s string) keyed {
	if isASCII(s) {
		return keyed{s: s, key: s}
	}
	b := make([]byte, 0, len(s)+8)
	offs := make([]int32, 0, len(s)+8)
	for i, r := range s {
		n := len(b)
		b = appendKey(b, r)
		for range len(b) - n {
			offs = append(offs, int32(i))
		}
	}
	return keyed{s: s, key: string(b), offs: offs}
}

// orig returns the offset in s of the key's byte i; len(key) gives len(s).
// A match ending before a mark that the key dropped ends after the mark.
func (k keyed) orig(i int) int {
	switch {
	case k.offs == nil:
		return i
	case i >= len(k.key):
		return len(k.s)
	}
	return int(k.offs[i])
}

// eachMatch calls fn with the span in k.s of each whole-word occurrence of
// a pattern (in key form) in k.key, left to right, not overlapping; the
// first pattern that matches at a place wins, so callers list longer
// patterns first. A pattern may begin or end with a character that is not
// part of a word (a user id "hr:1234-"): "whole" means no letter, mark or
// digit of a script written with spaces right before or after it (see
// joinedBefore). A pattern marked anywhere is found inside words too.
func (k keyed) eachMatch(pats []pair, fn func(start, end int, p pair)) {
	anywhere := slices.ContainsFunc(pats, func(p pair) bool { return p.anywhere })
	for i := 0; i < len(k.key); {
		if inWord := joinedBefore(k.key, i); !inWord || anywhere {
			if p, end := matchWord(k.key, i, pats, inWord); end > i {
				fn(k.orig(i), k.orig(end), p)
				i = end
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(k.key[i:])
		i += size
	}
}

// replaceKeyed returns s with every whole-word occurrence of a pattern
// (see eachMatch) replaced by its pair's to, in the case of the occurrence
// (see withCaseOf), and the number replaced. s is returned without a copy
// when nothing matches.
func replaceKeyed(s string, pats []pair) (string, int) {
	return replaceKeyedFunc(s, pats, nil)
}

// replaceKeyedFunc is replaceKeyed, but an occurrence is replaced only if
// accept, when not nil, accepts it.
func replaceKeyedFunc(s string, pats []pair, accept func(s string, start, end int, p pair) bool) (string, int) {
	if len(pats) == 0 || s == "" {
		return s, 0
	}
	var b strings.Builder
	n, last := 0, 0
	newKeyed(s).eachMatch(pats, func(start, end int, p pair) {
		if accept != nil && !accept(s, start, end, p) {
			return
		}
		if n == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[last:start])
		b.WriteString(withCaseOf(s[start:end], p.to))
		last = end
		n++
	})
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}
