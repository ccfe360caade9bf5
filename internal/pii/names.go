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

// nameTitles are words of a name field that identify no one: they stay
// as they are in the stand-in name and elsewhere. particles ("van", "de",
// "bin") written in lower case between the first and the last word stay
// too; written with a capital ("Rahul Das Sharma", "Nguyen Van Anh") they
// are parts of the name, replaced where the text writes them with a
// capital too ("Mr. Das", not "das Haus").
var (
	nameTitles = map[string]bool{
		"dr": true, "mr": true, "mrs": true, "ms": true, "mx": true, "miss": true, "prof": true,
		"professor": true, "sir": true, "rev": true, "jr": true, "sr": true,
		"ii": true, "iii": true, "iv": true, "phd": true, "md": true, "esq": true,
	}
	particles = map[string]bool{
		"van": true, "von": true, "de": true, "da": true, "del": true, "della": true, "der": true,
		"den": true, "di": true, "du": true, "la": true, "le": true, "bin": true, "binti": true,
		"ibn": true, "al": true, "el": true, "dos": true, "das": true, "ter": true, "ten": true,
		"y": true, "e": true, "zu": true, "dame": true,
	}
	// pronounWords are the pronouns a name part may be spelled as ("He
	// Jun", "Tou Her"): such a part is replaced only where it reads as a
	// name (see Mapping.acceptName).
	pronounWords = map[string]bool{
		"he": true, "him": true, "his": true, "she": true, "her": true, "hers": true, "they": true,
		"them": true, "their": true, "it": true, "its": true, "we": true, "us": true, "you": true,
		"me": true, "my": true, "i": true,
	}
)

// namePart is one part of a name that identifies the person.
type namePart struct {
	written string // as in the name field, for the answer
	folded  string // bio.Fold(written), for detection
	// capitalised is set for a particle written with a capital: only a
	// word with a capital is that part.
	capitalised bool
}

// nameParts returns the parts of name that identify the person: each word
// (a hyphen or a space separates words; an apostrophe inside a word, as in
// "O'Brien", does not) of two letters or more and no digit, or of one
// letter of a script written without spaces ("王 伟"), that is not a title
// such as "Dr." or, between the first and the last word, a particle such
// as "van" in lower case. Parts are unique by key (see keyOf). The user id
// and the second layer take care of words with digits.
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
		first, _ := utf8.DecodeRuneInString(f)
		n := utf8.RuneCountInString(key)
		if n == 0 || n == 1 && !unspaced(first) || nameTitles[key] || strings.ContainsFunc(key, unicode.IsDigit) {
			continue // no part, an initial, a title, or digits: no name
		}
		p := namePart{written: w, folded: f}
		if particles[key] {
			if !unicode.IsUpper(first) {
				if i > 0 && i < len(words)-1 {
					continue
				}
			} else {
				p.capitalised = true
			}
		}
		if !slices.ContainsFunc(parts, func(p namePart) bool { return keyOf(p.folded) == key }) {
			parts = append(parts, p)
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
	return slices.DeleteFunc(out, func(k string) bool {
		r, _ := utf8.DecodeRuneInString(k)
		n := utf8.RuneCountInString(k)
		return n == 0 || n == 1 && !unspaced(r) || strings.ContainsFunc(k, unicode.IsDigit)
	})
}

// newMapping chooses a stand-in for each part of name that is a word of
// none of texts (the profile's folded texts), and returns the Mapping.
func newMapping(name string, texts []string, userID string) *Mapping {
	m := &Mapping{}
	parts := nameParts(name)
	if len(parts) > 0 {
		words := wordSet(texts)
		for _, p := range parts {
			for _, v := range variants(p.folded) {
				if utf8.RuneCountInString(v) >= 3 && !slices.Contains(m.subKeys, v) {
					m.subKeys = append(m.subKeys, v)
				}
			}
		}
		stand := pickStandIns(len(parts), words, m.subKeys)
		m.addParts(parts, stand, words)
	}
	m.userID = newUserIDPattern(userID)
	return m
}

// addParts fills the forward and back pairs. Each variant of each part
// maps to its stand-in, and its plural ("the Okafors") to the stand-in's;
// the first and the last parts joined ("AdaOkafor"), all of them joined,
// and the first initial with the last ("AOkafor"), as user names are
// written, map to the stand-ins joined alike. Back maps each stand-in form
// to the parts as the name field writes them.
func (m *Mapping) addParts(parts []namePart, stand []string, words map[string]bool) {
	m.standInKeys = make(map[string]bool, 4*len(parts))
	m.partKeys = make(map[string]bool, 2*len(parts))
	m.initials = make(map[string]bool, 2)
	for i, p := range parts {
		key := keyOf(p.folded)
		pronoun := pronounWords[key]
		for _, v := range variants(p.folded) {
			m.forward = append(m.forward, pair{from: v, to: stand[i], anywhere: unspacedWord(v), capitalised: p.capitalised, pronoun: pronoun})
			m.partKeys[v] = !pronoun
		}
		// "the Okafors", "Okafors' house": a plural without apostrophe.
		for _, v := range variants(p.folded + "s") {
			m.forward = append(m.forward, pair{from: v, to: stand[i] + "s", capitalised: p.capitalised || pronoun})
		}
		m.back = append(m.back, pair{from: stand[i], to: p.written}, pair{from: stand[i] + "s", to: p.written + "s"})
		m.standInKeys[strings.ToLower(stand[i])] = true
		m.standInKeys[strings.ToLower(stand[i])+"s"] = true
	}
	if n := len(parts); n > 1 {
		var initials strings.Builder
		for _, p := range parts {
			r, _ := utf8.DecodeRuneInString(keyOf(p.folded))
			initials.WriteRune(r)
		}
		m.initials[initials.String()] = true
		r0, _ := utf8.DecodeRuneInString(keyOf(parts[0].folded))
		rn, _ := utf8.DecodeRuneInString(keyOf(parts[n-1].folded))
		m.initials[string(r0)+string(rn)] = true
		joins := [][]int{{0, n - 1}, {-1, n - 1}, {n - 1, 0}}
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
				m.forward = append(m.forward, pair{from: v, to: standIn, anywhere: unspacedWord(v)})
			}
			m.back = append(m.back, pair{from: standIn, to: written})
			m.standInKeys[strings.ToLower(standIn)] = true
		}
	}
	m.backInside = make([]pair, 0, len(m.back))
	for _, p := range uniqueLongestFirst(slices.Clone(m.back)) {
		m.backInside = append(m.backInside, pair{from: strings.ToLower(p.from), to: p.to, anywhere: true})
	}
	m.addInitials(parts, stand)
	m.forward = uniqueLongestFirst(m.forward)
	m.back = uniqueLongestFirst(m.back)
	m.replaced = true
}

// addInitials sets the swaps of initials (see swapInitials): the first
// part's initial with the stand-in first part's, the second's with the
// second stand-in's, where both have a case (a part of Chinese has no
// initial).
func (m *Mapping) addInitials(parts []namePart, stand []string) {
	m.standInParts = make(map[string]bool, len(parts))
	for k := 1; k < len(parts); k++ {
		m.standInParts[strings.ToLower(stand[k])] = true
	}
	m.standInFirst = strings.ToLower(stand[0])
	// A first part without case ("王") has no initial to swap: the
	// stand-in's initial before a stand-in part ("J. Avery") is the name.
	if r, _ := utf8.DecodeRuneInString(parts[0].written); len(parts) > 1 && !unicode.IsUpper(r) && !unicode.IsLower(r) {
		s0, _ := utf8.DecodeRuneInString(stand[0])
		for k := 1; k < len(parts); k++ {
			written := parts[0].written + " " + parts[k].written
			m.back = append(m.back, pair{from: string(s0) + ". " + stand[k], to: written},
				pair{from: string(s0) + "." + stand[k], to: written})
		}
	}
	for i := 0; i < min(2, len(parts)-1); i++ {
		r, _ := utf8.DecodeRuneInString(parts[i].written)
		s, _ := utf8.DecodeRuneInString(stand[i])
		r, s = unicode.ToUpper(r), unicode.ToUpper(s)
		if r != s && unicode.IsUpper(r) && unicode.IsUpper(s) {
			m.swap[i] = [2]rune{r, s}
		}
	}
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

// pickStandIns returns n stand-ins that are not in words and hold no
// part of the name (parts, in key form): names of standIns first, then
// made-up names of syllables.
func pickStandIns(n int, words map[string]bool, parts []string) []string {
	out := make([]string, 0, n)
	ok := func(s string) bool {
		l := strings.ToLower(s)
		return free(s, words) && !slices.ContainsFunc(parts, func(p string) bool { return strings.Contains(l, p) }) &&
			!inAnyWord(l, words)
	}
	for _, s := range standIns {
		if len(out) == n {
			return out
		}
		if ok(s) {
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
		if ok(s) && !containsFold(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// inAnyWord reports whether s is inside a word of words ("avery" in
// "averyville"): a stand-in must not be, so that a stand-in inside a word
// sent as a placeholder can only have been put there by the stand-in
// replacement.
func inAnyWord(s string, words map[string]bool) bool {
	for w := range words {
		if len(w) > len(s) && strings.Contains(w, s) {
			return true
		}
	}
	return false
}

// free reports whether neither s nor its plural is in words.
func free(s string, words map[string]bool) bool {
	l := strings.ToLower(s)
	return !words[l] && !words[l+"s"]
}

// containsFold reports whether list holds s in any case.
func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}
