// Package lexicon holds the word lists that the output checks
// (internal/check) and the pseudonymiser (internal/pii) share: given
// names, with what else each name is, and English base words and place
// names. README.md says where the lists come from, under which licences,
// and how to make them again.
//
// The lists are embedded in the binary (about 340 KiB) and read on first
// use (a few milliseconds and about 1.4 MiB of heap); every function is
// safe for concurrent use. The package has no state a caller makes or sets
// up.
package lexicon

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

var (
	//go:embed given.txt
	givenText string
	//go:embed words.txt
	wordsText string
)

// Class says whether a word is a given name, and what else it is. The zero
// Class, NotAName, is that of a word that is not a given name.
type Class uint8

// The classes of Given.
const (
	NotAName   Class = iota
	OnlyName         // Kevin, Priya: a name and nothing else
	CommonWord       // Will, Grant, Rose: an English word, and a common name
	RareWord         // Shell, Baker: an English word, and a rare name
	Term             // June, German, Julia, Azure: a term a text capitalises (month, nationality, technology, brand)
	Place            // Austin, Victoria: a place
)

// IsName reports whether c is a given name of any class.
func (c Class) IsName() bool { return c != NotAName }

// given maps each given name, lower case and without diacritics, to its
// class.
var given = sync.OnceValue(func() map[string]Class {
	m := make(map[string]Class, 24000)
	for line := range strings.Lines(givenText) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		name, class, _ := strings.Cut(line, "\t")
		c := OnlyName
		switch class {
		case "c":
			c = CommonWord
		case "w":
			c = RareWord
		case "t":
			c = Term
		case "p":
			c = Place
		}
		key := FoldAccents(strings.ToLower(name))
		if old, ok := m[key]; !ok || c > old {
			m[key] = c // "José" and "Jose": the word class wins
		}
	}
	return m
})

// words are the lines of words.txt, sorted.
var words = sync.OnceValue(func() []string {
	out := make([]string, 0, 20000)
	for line := range strings.Lines(wordsText) {
		if line = strings.TrimRight(line, "\r\n"); line != "" && line[0] != '#' {
			out = append(out, FoldAccents(line)) // "curaçao"
		}
	}
	sort.Strings(out)
	return out
})

// Given returns the class of word as a given name: NotAName when it is not
// one. Case and diacritics are ignored ("KEVIN", "zoë"); word is one word,
// without spaces, hyphens or marks ("Jean-Luc" is two). It does not
// allocate for an ASCII word of up to 32 bytes.
func Given(word string) Class {
	m := given()
	var buf [32]byte
	if len(word) > len(buf) {
		return m[FoldAccents(strings.ToLower(word))]
	}
	b := buf[:0]
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= utf8.RuneSelf {
			return m[FoldAccents(strings.ToLower(word))]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return m[string(b)]
}

// IsGivenName reports whether word is a given name of any class: Given(word)
// != NotAName.
func IsGivenName(word string) bool { return Given(word) != NotAName }

// endings are those IsWord strips to find a base word; generate.py drops a
// word from words.txt when one of them gives another word of the list.
var endings = [][2]string{{"ies", "y"}, {"ied", "y"}, {"ers", ""}, {"ers", "e"}, {"ing", ""}, {"ing", "e"}, {"es", ""},
	{"ed", ""}, {"ed", "e"}, {"er", ""}, {"er", "e"}, {"ly", ""}, {"s", ""}}

// IsWord reports whether lowercaseWord, in lower case and without
// diacritics, is a common English word, a place name or a capitalised term
// of the list (about 18,000 base words), or is made from one by a usual
// ending: "writing", "yards", "planned", "studies". A word in another case
// is not found. It does not allocate.
func IsWord(lowercaseWord string) bool {
	w := lowercaseWord
	list := words()
	has := func(s string) bool {
		i := sort.SearchStrings(list, s)
		return i < len(list) && list[i] == s
	}
	if has(w) {
		return true
	}
	for _, e := range endings {
		end, add := e[0], e[1]
		if !strings.HasSuffix(w, end) || len(w)-len(end) < 3 {
			continue
		}
		stem := w[:len(w)-len(end)]
		if add == "" && has(stem) || add != "" && hasJoined(list, stem, add) {
			return true
		}
		if add == "" && len(stem) >= 4 && stem[len(stem)-1] == stem[len(stem)-2] && end != "es" && end != "s" && end != "ly" && has(stem[:len(stem)-1]) {
			return true // planned, running
		}
	}
	return false
}

// hasJoined reports whether list holds a+b, without making the string.
func hasJoined(list []string, a, b string) bool {
	i := sort.Search(len(list), func(i int) bool {
		s := list[i]
		if len(s) >= len(a) {
			if s[:len(a)] != a {
				return s[:len(a)] > a
			}
			return s[len(a):] >= b
		}
		return s >= a
	})
	return i < len(list) && len(list[i]) == len(a)+len(b) && list[i][:len(a)] == a && list[i][len(a):] == b
}

var accents = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// FoldAccents removes diacritics: "zoë" gives "zoe", "José" "Jose". An
// ASCII string is returned as it is, without allocating.
func FoldAccents(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return s
	}
	t := accents.Get().(transform.Transformer)
	defer accents.Put(t)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}
