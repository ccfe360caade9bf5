// Package safety finds what must not reach a public profile unreviewed:
// offensive language (profanity and slurs) and statements of protected
// attributes (age, religion, health, disability, marital or family status,
// ethnicity, sexual orientation).
//
// The offensive words are those of github.com/TwiN/go-away, a maintained
// profanity list, matched as whole words (the library matches substrings,
// which flags "assessment", "Essex" and "Matsushita"), less the clinical
// and professional words a bio may need (extraWords and professional
// below say which, and why), plus the insults and slurs the library
// lacks. Everything here is safe for concurrent use: the tables are built
// once and never change.
package safety

import (
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	goaway "github.com/TwiN/go-away"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/lexicon"
)

// professional are the library's words that a professional profile uses
// in earnest: medicine (anatomy), law and counselling (crimes), history,
// engineering and farming (a flange, a hoe), sport (balls), the arts (a
// nude), and "queer", which a person may use of themselves: that one is a
// protected attribute (protected.go), reviewed, not rejected. "jerk" is
// left out for "knee-jerk"; "cum" is kept, but not in "cum laude".
var professional = map[string]bool{
	"anal": true, "anus": true, "clitoris": true, "labia": true, "nipple": true, "penis": true, "scrotum": true,
	"vagina": true, "sex": true, "incest": true, "rape": true, "rapist": true, "pedophile": true, "nazi": true,
	"queer": true, "naked": true, "nude": true, "flange": true, "hoe": true, "balls": true, "nips": true,
	"tits": true, "jerk": true,
}

// extraWords are insults and slurs the library's list lacks (its list is
// for chat, where they are rarer than in a grievance pasted into a
// profile). Strong ones are never names.
var extraWords = map[string]bool{
	"idiot": true, "idiotic": true, "stupid": true, "moron": true, "moronic": true, "imbecile": true,
	"cretin": true, "scumbag": true, "dickhead": true, "shithead": true, "dipshit": true, "bullshit": true,
	"kike": true, "spic": true, "wetback": true, "gook": true, "raghead": true, "towelhead": true,
	"tranny": true, "paki": true, "darkie": true, "faggot": true, "jackass": true, "smartass": true,
}

// ambiguous are offensive words that are also names (a person called
// Dick or Butt, Dick's Sporting Goods, Coon Rapids, Van Dyke): written
// with a capital in a profile they are taken for a name.
var ambiguous = map[string]bool{
	"dick": true, "cock": true, "butt": true, "coon": true, "prick": true, "muff": true, "dyke": true,
	"bugger": true, "cum": true, "fag": true, "boob": true, "turd": true, "crap": true, "poop": true,
}

// stems are the strong words that start other offensive words whatever
// follows ("fucking", "cunty").
var stems = []string{"fuck", "cunt"}

// compounds are the strong words an English word may lead into one word
// ("bullshit", "motherfucker", "batshit").
var compounds = []string{"shit", "fuck", "bitch", "whore", "slut", "twat", "cunt"}

// suffixes are the endings an offensive word takes and stays one.
var suffixes = []string{"", "s", "es", "ed", "ing", "er", "ers", "y", "ier", "iest", "ings", "head", "heads", "hole", "holes", "face", "wit", "wits", "bag", "bags"}

var words = func() map[string]bool {
	w := make(map[string]bool, len(goaway.DefaultProfanities)+len(extraWords))
	for _, list := range [][]string{goaway.DefaultProfanities, goaway.DefaultFalseNegatives} {
		for _, s := range list {
			if !professional[s] {
				w[s] = true
			}
		}
	}
	for s := range extraWords {
		w[s] = true
	}
	return w
}()

// openings are the first three bytes of every word, stem and compound:
// a word holding none of them is not looked up.
var openings = func() map[uint32]bool {
	m := map[uint32]bool{}
	for _, list := range [][]string{sortedWords, stems, compounds} {
		for _, w := range list {
			m[uint32(w[0])<<16|uint32(w[1])<<8|uint32(w[2])] = true
		}
	}
	return m
}()

// mayBeListed reports whether low, a lower-case word, holds the opening
// of a listed word anywhere, or a star.
func mayBeListed(low []byte) bool {
	for i := 0; i+3 <= len(low); i++ {
		if low[i] == '*' || low[i+1] == '*' || low[i+2] == '*' || openings[uint32(low[i])<<16|uint32(low[i+1])<<8|uint32(low[i+2])] {
			return true
		}
	}
	return false
}

// sortedWords are the words in order, for a deterministic wildcard match.
var sortedWords = slices.Sorted(maps.Keys(words))

// leet are the library's leetspeak replacements ('4' is 'a', '$' is 's').
var leet = func() map[rune]rune {
	m := map[rune]rune{}
	for from, to := range goaway.DefaultCharacterReplacements {
		if to != ' ' {
			m[from] = to
		}
	}
	return m
}()

// Match is an offensive word found in a text.
type Match struct {
	// Word is the word as the list has it, in lower case ("fuck" for
	// "F*cking").
	Word string
	// Start and End are the word's bytes in the text searched.
	Start, End int
	// Name says that the word is also a name and was written as one,
	// with a capital letter.
	Name bool
}

// Offensive calls fn with each offensive word of text, in order, until fn
// returns false. text is read as bio.Fold reads it, so full-width letters
// and zero-width splits hide nothing; Start and End are offsets in the
// folded text.
func Offensive(text string, fn func(Match) bool) {
	text = bio.Fold(text)
	var buf, before [64]byte
	prev := before[:0]
	for i := 0; i < len(text); {
		start, end := nextToken(text, i)
		if start < 0 {
			return
		}
		i = end
		tok := text[start:end]
		if utf8.RuneCountInString(tok) > 40 {
			prev = prev[:0]
			continue
		}
		low := lowerLeet(buf[:0], tok)
		w := ""
		if mayBeListed(low) {
			w = lookup(string(low))
		}
		if w == "cum" && (string(prev) == "summa" || string(prev) == "magna" || strings.HasPrefix(strings.ToLower(text[end:]), " laude")) {
			w = ""
		}
		prev = prev[:0]
		if len(low) == 5 {
			prev = append(prev, low...) // "summa", "magna"
		}
		if w == "" {
			continue
		}
		r, _ := utf8.DecodeRuneInString(tok)
		if !fn(Match{Word: w, Start: start, End: end, Name: ambiguous[w] && unicode.IsUpper(r)}) {
			return
		}
	}
}

// HasOffensive reports whether text holds an offensive word; with names,
// a word that is also a name written as one ("Dick", "Butt") is taken for
// the name.
func HasOffensive(text string, names bool) bool {
	found := false
	Offensive(text, func(m Match) bool {
		found = !names || !m.Name
		return !found
	})
	return found
}

// nextToken returns the bytes of the next word of text at or after i: a
// run of letters, with the digits and signs of leetspeak inside it ("sh1t",
// "$hit", "f*ck"), without the stars and exclamation marks around it
// ("*shit!*"); -1 when there is none.
func nextToken(text string, i int) (start, end int) {
	for i < len(text) {
		start, letters := -1, 0
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && r != '*' && leet[r] == 0 {
				break
			}
			if start < 0 {
				start = j
			}
			if unicode.IsLetter(r) {
				letters++
			}
			j += n
		}
		if start < 0 {
			_, n := utf8.DecodeRuneInString(text[j:])
			i = j + n
			continue
		}
		if letters > 0 {
			for start < j && (text[start] == '*' || text[start] == '!') {
				start++
			}
			for j > start && (text[j-1] == '*' || text[j-1] == '!') {
				j--
			}
			return start, j
		}
		i = j
	}
	return -1, len(text)
}

// lowerLeet appends tok in lower case, accents and leetspeak undone.
func lowerLeet(dst []byte, tok string) []byte {
	for _, r := range lexicon.FoldAccents(tok) {
		if to, ok := leet[r]; ok {
			r = to
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// lookup returns the listed word that w, a lower-case word, is a form of,
// or "".
func lookup(w string) string {
	for _, s := range suffixes {
		base, ok := strings.CutSuffix(w, s)
		if !ok || len(base) < 3 {
			continue
		}
		if words[base] {
			return base
		}
		// "crappy", "shitty": a doubled last letter before the ending.
		if n := len(base); s != "" && base[n-1] == base[n-2] && words[base[:n-1]] {
			return base[:n-1]
		}
		if strings.Contains(base, "*") {
			if m := wildcard(base, sortedWords, false); m != "" {
				return m
			}
		}
	}
	for _, s := range stems {
		if strings.HasPrefix(w, s) || strings.HasPrefix(w, "mother"+s) {
			return s
		}
	}
	if strings.Contains(w, "*") {
		if m := wildcard(w, stems, true); m != "" {
			return m
		}
	}
	for _, c := range compounds {
		k := strings.Index(w, c)
		if k < 3 {
			continue
		}
		rest := w[k+len(c):]
		for _, s := range suffixes {
			if rest == s && lexicon.IsWord(w[:k]) {
				return c
			}
		}
	}
	return ""
}

// wildcard matches a word with stars for letters ("f*ck", "sh**") against
// list, whole or, with prefix, as its start ("f*cking"); at least two
// letters must be written, the first among them.
func wildcard(w string, list []string, prefix bool) string {
	if strings.HasPrefix(w, "*") {
		return ""
	}
	for _, c := range list {
		p := w
		if prefix && len(p) > len(c) {
			p = p[:len(c)]
		}
		if len(c) == len(p) && strings.Count(p, "*") <= len(p)-2 && starMatch(p, c) {
			return c
		}
	}
	return ""
}

func starMatch(pattern, w string) bool {
	for i := 0; i < len(w); i++ {
		if pattern[i] != '*' && pattern[i] != w[i] {
			return false
		}
	}
	return true
}
