package pii

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// standIns are the names used instead of the person's, one per part of the
// name, in order, skipping those that are words of the profile. They are
// given names and surnames that are not English words, so that a model has
// no reason to write one of them but for the stand-in.
var standIns = []string{
	"Jordan", "Avery", "Casey", "Morgan", "Riley", "Parker", "Quinn", "Hayes", "Rowan", "Ellis",
	"Emerson", "Reese", "Sawyer", "Finley", "Hollis", "Marlow", "Tatum", "Kendall", "Lennox", "Arden",
	"Dallin", "Greer", "Harlow", "Keaton", "Landry", "Oakley", "Peyton", "Remy", "Tierney", "Yardley",
	"Ainsley", "Bexley", "Callan", "Darcy", "Elston", "Farrow", "Haskell", "Ingram", "Jessop", "Kenning",
}

// syllables make further stand-ins when a profile holds every name of
// standIns as a word (a profile written to defeat them).
var syllables = []string{"ka", "lo", "ren", "vi", "sa", "dor", "mi", "tel", "no", "bra"}

// nameTitles and particles are words of a name field that identify no one:
// they stay as they are in the stand-in name and elsewhere.
var (
	nameTitles = map[string]bool{
		"dr": true, "mr": true, "mrs": true, "ms": true, "mx": true, "miss": true, "prof": true,
		"professor": true, "sir": true, "dame": true, "rev": true, "jr": true, "sr": true,
		"ii": true, "iii": true, "iv": true, "phd": true, "md": true, "esq": true,
	}
	particles = map[string]bool{
		"van": true, "von": true, "de": true, "da": true, "del": true, "della": true, "der": true,
		"den": true, "di": true, "du": true, "la": true, "le": true, "bin": true, "binti": true,
		"ibn": true, "al": true, "el": true, "dos": true, "das": true, "ter": true, "ten": true,
		"y": true, "e": true, "zu": true,
	}
)

// namePart is one part of a name that identifies the person.
type namePart struct {
	written string // as in the name field, for the answer
	folded  string // bio.Fold(written), for detection
}

// nameParts returns the parts of name that identify the person: each word
// (a hyphen or a space separates words; an apostrophe inside a word, as in
// "O'Brien", does not) of two letters or more that is not a title such as
// "Dr." or, between the first and the last word, a particle such as "van".
// Parts are unique by key (see keyOf).
func nameParts(name string) []namePart {
	var words []string
	start := -1
	for i, r := range name {
		inWord := isWordRune(r) || bio.Invisible(r) ||
			(isApostrophe(r) && start >= 0 && wordAt(name, i+utf8.RuneLen(r)))
		switch {
		case inWord && start < 0:
			start = i
		case !inWord && start >= 0:
			words = append(words, name[start:i])
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, name[start:])
	}
	var parts []namePart
	for i, w := range words {
		// A mark with no letter before it belongs to no letter of the part.
		w = strings.TrimLeftFunc(w, func(r rune) bool { return unicode.IsMark(r) || bio.Invisible(r) })
		f := bio.Fold(w)
		key := keyOf(f)
		if utf8.RuneCountInString(key) < 2 || nameTitles[key] || (particles[key] && i > 0 && i < len(words)-1) {
			continue
		}
		if !slices.ContainsFunc(parts, func(p namePart) bool { return keyOf(p.folded) == key }) {
			parts = append(parts, namePart{written: w, folded: f})
		}
	}
	return parts
}

// variants returns the spellings of a folded name part that are looked
// for, in key form (see keyOf; case and diacritics do not count): the
// part, the part without its apostrophes ("OBrien") and each piece between
// apostrophes of two letters or more ("Brien").
func variants(part string) []string {
	out := []string{keyOf(part)}
	if strings.ContainsFunc(part, isApostrophe) {
		out = append(out, keyOf(strings.Map(dropApostrophe, part)))
		for _, piece := range strings.FieldsFunc(part, isApostrophe) {
			out = append(out, keyOf(piece))
		}
	}
	// A piece of marks alone has an empty key, which would match anywhere.
	return slices.DeleteFunc(out, func(k string) bool { return utf8.RuneCountInString(k) < 2 })
}

// newMapping chooses a stand-in for each part of name that is a word of
// none of texts (the profile's folded texts), and returns the Mapping.
func newMapping(name string, texts []string, userID string) *Mapping {
	m := &Mapping{}
	parts := nameParts(name)
	if len(parts) > 0 {
		words := wordSet(texts)
		stand := pickStandIns(len(parts), words)
		m.addParts(parts, stand, words)
	}
	if k := keyOf(userID); utf8.RuneCountInString(k) >= 2 {
		m.userID = append(m.userID, pair{from: k})
		if s := keyOf(strings.Map(keepWordRune, userID)); s != k && utf8.RuneCountInString(s) >= 4 {
			m.userID = append(m.userID, pair{from: s})
		}
	}
	return m
}

func keepWordRune(r rune) rune {
	if isWordRune(r) {
		return r
	}
	return -1
}

// addParts fills the forward and back pairs. Each variant of each part
// maps to its stand-in, and its plural ("the Okafors") to the stand-in's;
// the first and the last parts joined ("AdaOkafor"), all of them joined,
// and the first initial with the last ("AOkafor"), as user names are
// written, map to the stand-ins joined alike. Back maps each stand-in form
// to the parts as the name field writes them.
func (m *Mapping) addParts(parts []namePart, stand []string, words map[string]bool) {
	for i, p := range parts {
		for _, v := range variants(p.folded) {
			m.forward = append(m.forward, pair{v, stand[i], unspacedWord(v)})
		}
		// "the Okafors", "Okafors' house": a plural without apostrophe.
		for _, v := range variants(p.folded + "s") {
			m.forward = append(m.forward, pair{from: v, to: stand[i] + "s"})
		}
		m.back = append(m.back, pair{from: stand[i], to: p.written}, pair{from: stand[i] + "s", to: p.written + "s"})
	}
	if n := len(parts); n > 1 {
		joins := [][]int{{0, n - 1}, {-1, n - 1}}
		if n > 2 {
			all := make([]int, n)
			for i := range all {
				all[i] = i
			}
			joins = append(joins, all)
		}
		for _, idx := range joins {
			real, standIn, written := joinParts(parts, stand, idx)
			if !free(standIn, words) {
				continue // the answer could not be told apart from the profile
			}
			for _, v := range variants(real) {
				m.forward = append(m.forward, pair{v, standIn, unspacedWord(v)})
			}
			m.back = append(m.back, pair{from: standIn, to: written})
		}
	}
	m.forward = uniqueLongestFirst(m.forward)
	m.back = uniqueLongestFirst(m.back)
	m.replaced = true
}

// joinParts joins the parts at idx, and their stand-ins; index -1 is the
// first part's initial.
func joinParts(parts []namePart, stand []string, idx []int) (real, standIn, written string) {
	for _, i := range idx {
		if i < 0 {
			r, _ := utf8.DecodeRuneInString(parts[0].folded)
			s, _ := utf8.DecodeRuneInString(stand[0])
			w, _ := utf8.DecodeRuneInString(parts[0].written)
			real, standIn, written = real+string(r), standIn+string(s), written+string(w)
			continue
		}
		real += strings.Map(dropApostrophe, parts[i].folded)
		standIn += stand[i]
		written += parts[i].written
	}
	return real, standIn, written
}

func dropApostrophe(r rune) rune {
	if isApostrophe(r) {
		return -1
	}
	return r
}

// uniqueLongestFirst drops pairs whose from (a key) repeats an earlier
// one, and sorts the rest longest first, so that a longer pattern is tried
// before a shorter one it begins with.
func uniqueLongestFirst(ps []pair) []pair {
	out := ps[:0]
	for _, p := range ps {
		if !slices.ContainsFunc(out, func(o pair) bool { return o.from == p.from }) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i].from) > len(out[j].from) })
	return out
}

// wordSet returns the words of texts, in key form.
func wordSet(texts []string) map[string]bool {
	words := make(map[string]bool, 64)
	for _, t := range texts {
		t = keyOf(t)
		start := -1
		for i, r := range t {
			switch w := isWordRune(r); {
			case w && start < 0:
				start = i
			case !w && start >= 0:
				words[t[start:i]] = true
				start = -1
			}
		}
		if start >= 0 {
			words[t[start:]] = true
		}
	}
	return words
}

// pickStandIns returns n stand-ins that are not in words: names of
// standIns first, then made-up names of syllables.
func pickStandIns(n int, words map[string]bool) []string {
	out := make([]string, 0, n)
	for _, s := range standIns {
		if len(out) == n {
			return out
		}
		if free(s, words) {
			out = append(out, s)
		}
	}
	for i := 0; len(out) < n; i++ {
		k := len(syllables)
		a, b, c := syllables[i%k], syllables[(i/k)%k], syllables[(i/(k*k))%k]
		s := strings.ToUpper(a[:1]) + a[1:] + b + c
		if i >= k*k*k {
			s = "Kalo" + strconv.Itoa(i) // a profile of a thousand made-up names
		}
		if free(s, words) && !contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// free reports whether neither s nor its plural is in words.
func free(s string, words map[string]bool) bool {
	l := strings.ToLower(s)
	return !words[l] && !words[l+"s"]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
