package bio

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// WordCount counts the words of a bio: runs of non-space characters that hold
// at least one letter or digit, so bullet marks and dashes are not words.
func WordCount(text string) int {
	n, inWord, hasAlnum := 0, false, false
	for i := 0; i < len(text); {
		var space, alnum bool
		if c := text[i]; c < utf8.RuneSelf {
			// ASCII, most of a bio, without the unicode tables.
			space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
			alnum = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
			i++
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			space = unicode.IsSpace(r)
			alnum = unicode.IsLetter(r) || unicode.IsDigit(r)
			i += size
		}
		if space {
			if inWord && hasAlnum {
				n++
			}
			inWord, hasAlnum = false, false
			continue
		}
		inWord = true
		hasAlnum = hasAlnum || alnum
	}
	if inWord && hasAlnum {
		n++
	}
	return n
}

// Words splits text into lower-case words with the punctuation around them
// trimmed ("Go," gives "go", "Okafor's" gives "okafor's").
func Words(text string) []string {
	fields := strings.Fields(text)
	out := make([]string, 0, len(fields))
	for _, f := range fields {
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if f != "" {
			out = append(out, strings.ToLower(f))
		}
	}
	return out
}

// HasPersonWord reports whether text uses one of the pronouns in words,
// other than those in allowed. An all-capitals word of two or more letters
// is an abbreviation, not a pronoun: "US GAAP" does not say "us".
func HasPersonWord(text string, words, allowed []string) bool {
	// The first letters of words, to pass over most words at a glance.
	var first [128]bool
	for _, w := range words {
		if c := w[0]; c < utf8.RuneSelf {
			first[c], first[c&^0x20] = true, true
		} else {
			return hasPersonWord(text, words, allowed)
		}
	}
	for f := range strings.FieldsSeq(text) {
		k := 0
		for k < len(f) && f[k] < utf8.RuneSelf && !('a' <= f[k]|0x20 && f[k]|0x20 <= 'z') {
			k++
		}
		if k < len(f) && f[k] < utf8.RuneSelf && !first[f[k]] {
			continue
		}
		if isPersonWord(f, words, allowed) {
			return true
		}
	}
	return false
}

// hasPersonWord is HasPersonWord without its glance at first letters.
func hasPersonWord(text string, words, allowed []string) bool {
	for f := range strings.FieldsSeq(text) {
		if isPersonWord(f, words, allowed) {
			return true
		}
	}
	return false
}

// isPersonWord reports whether the field f of a text, with its marks, is
// one of words and not one of allowed.
func isPersonWord(f string, words, allowed []string) bool {
	f = strings.TrimFunc(f, notWordRune)
	f = strings.Trim(f, "'’")
	// Pronouns are short; skip the rest without lower-casing them.
	if len(f) == 0 || len(f) > 12 || (len(f) >= 2 && isUpperWord(f)) {
		return false
	}
	if strings.ContainsRune(f, '’') {
		f = strings.ReplaceAll(f, "’", "'")
	}
	return containsFold(words, f) && !containsFold(allowed, f)
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' }

func isUpperWord(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// containsFold reports whether list, in lower case, holds s in any case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if len(x) == len(s) && strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// FirstPersonWords are the words that mark a text as written in the first
// person.
var FirstPersonWords = []string{"i", "i'm", "i've", "i'd", "i'll", "me", "my", "mine", "myself", "we", "we're", "we've", "our", "ours", "us", "ourselves"}

// ThirdPersonWords are the personal pronouns of the third person that a
// first-person bio must not use for its subject.
var ThirdPersonWords = []string{"he", "him", "his", "himself", "she", "her", "hers", "herself", "they", "them", "their", "theirs", "themselves", "he's", "she's", "they're"}

// Pronouns are the words used to refer to a person in the third person. A
// zero Pronouns means "use the name".
type Pronouns struct {
	Subject    string // she, he, they, xe
	Object     string // her, him, them, xem
	Possessive string // her, his, their; empty when not known for a custom set
	Reflexive  string // herself; empty when not known
	// Plural is true for they: "they are", not "they is".
	Plural bool
}

// Known reports whether any pronouns are set.
func (p Pronouns) Known() bool { return p.Subject != "" }

// Words returns every form of p, lower case.
func (p Pronouns) Words() []string {
	var out []string
	for _, w := range []string{p.Subject, p.Object, p.Possessive, p.Reflexive} {
		if w != "" {
			out = append(out, strings.ToLower(w))
		}
	}
	if p.Subject == "they" {
		out = append(out, "theirs", "they're")
	}
	if p.Subject == "she" {
		out = append(out, "hers", "she's")
	}
	if p.Subject == "he" {
		out = append(out, "he's")
	}
	return out
}

var standardPronouns = map[string]Pronouns{
	"she":  {Subject: "she", Object: "her", Possessive: "her", Reflexive: "herself"},
	"he":   {Subject: "he", Object: "him", Possessive: "his", Reflexive: "himself"},
	"they": {Subject: "they", Object: "them", Possessive: "their", Reflexive: "themselves", Plural: true},
}

// ParsePronouns reads a pronouns field such as "she/her", "he/him/his",
// "they/them", "she/they" (the first set is used) or a custom "xe/xem".
// It returns the zero Pronouns, meaning "use the name", for an empty field,
// for "any/all" and for text it cannot read as pronouns.
func ParsePronouns(s string) Pronouns {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return Pronouns{}
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == ',' || unicode.IsSpace(r) })
	if len(parts) == 0 {
		return Pronouns{}
	}
	first := parts[0]
	if p, ok := standardPronouns[first]; ok {
		return p
	}
	switch first {
	case "her", "hers":
		return standardPronouns["she"]
	case "him", "his":
		return standardPronouns["he"]
	case "them", "their":
		return standardPronouns["they"]
	case "any", "all", "none", "name", "use":
		return Pronouns{}
	}
	// A custom set is written "subject/object", each a single short word.
	if !strings.Contains(s, "/") || len(parts) < 2 || !pronounWord(parts[0]) || !pronounWord(parts[1]) {
		return Pronouns{}
	}
	p := Pronouns{Subject: parts[0], Object: parts[1]}
	if len(parts) >= 3 && pronounWord(parts[2]) {
		p.Possessive = parts[2]
	}
	return p
}

func pronounWord(s string) bool {
	if n := utf8.RuneCountInString(s); n == 0 || n > 12 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '\'' {
			return false
		}
	}
	return true
}
