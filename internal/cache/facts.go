// Package cache holds biogen's two caches of model-written bios: an exact
// cache on ristretto keyed by the canonical request, and a semantic cache on
// chromem-go that answers a request whose facts are the same as a cached
// one's after meaning-preserving normalisation. A semantic hit is a proof,
// not a guess: the two requests' normalised facts are equal, field by field
// and word by word. No tolerance turns one word, number, name, place,
// company or skill into another.
package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// factsVersion changes whenever normalisation does, so that entries
// normalised one way are never compared with facts normalised another.
const factsVersion = "facts-v2"

// Facts are the normalised facts of a profile: what decides what a bio may
// say. Two requests with equal Facts (and the same options) may be answered
// with the same bio.
//
// The zero value is the facts of an empty profile. Facts are not changed
// after FactsOf returns them and are safe to read concurrently.
type Facts struct {
	// Name is the person's name as the profile gives it (already in NFC
	// with white space collapsed by decoding): names are compared exactly.
	Name string `json:"name"`
	// Pronouns is the pronouns field as written, normalised: "xe/xem/xyr"
	// and "xe/xem/xir" are other pronouns, and so are "she/they" and
	// "she/her".
	Pronouns string `json:"pronouns"`
	// Texts holds every other fact by field name: the normalised value of a
	// single field, the items of a list, or one tuple per entry
	// of a list of entries (experience, education). Lists of items are
	// sorted and free of repeats, so their order does not matter; entries
	// keep their order, which may tell their chronology when they have no
	// dates. Numbers are digits, and the years of experience a bio may
	// state are there whether given or counted from dates.
	Texts map[string][]string `json:"texts"`
}

// FactsOf normalises a profile's facts as of now (years of experience
// counted from dates change with it). Every text of the profile is read
// through bio.Profile.EachText, so a field added to the profile is a fact
// without a change here.
func FactsOf(p *bio.Profile, now time.Time) Facts {
	f := Facts{Name: p.Name, Pronouns: normalize(p.Pronouns, false), Texts: make(map[string][]string, 12)}
	if p.YearsExperience != nil {
		f.Texts["years_experience"] = []string{strconv.Itoa(*p.YearsExperience)}
	} else if y, ok := p.ExperienceYears(now); ok {
		f.Texts["years_counted"] = []string{strconv.Itoa(y)}
	}
	// Entries of lists of entries are gathered field by field, then joined.
	entries := map[string][][]string{}
	p.EachText(func(tf bio.TextField, s *string) {
		switch tf.Kind {
		case bio.TextName, bio.TextPronouns:
			return
		}
		v := normalize(*s, tf.Title())
		group, _, isEntry := strings.Cut(tf.Name, ".")
		switch {
		case isEntry:
			rows := entries[group]
			for len(rows) <= tf.Index {
				rows = append(rows, nil)
			}
			rows[tf.Index] = append(rows[tf.Index], v)
			entries[group] = rows
		case v != "":
			f.Texts[tf.Name] = append(f.Texts[tf.Name], v)
		}
	})
	for i, e := range p.Education {
		// The year is a number, not a text: it joins its entry's tuple.
		year := ""
		if e.Year > 0 {
			year = strconv.Itoa(e.Year)
		}
		if rows := entries["education"]; i < len(rows) {
			rows[i] = append(rows[i], year)
		}
	}
	for group, rows := range entries {
		for _, r := range rows {
			// \x1f cannot occur in a normalised value: tuples of
			// different values never join to the same text.
			if t := strings.Join(r, "\x1f"); strings.Trim(t, "\x1f") != "" {
				f.Texts[group] = append(f.Texts[group], t)
			}
		}
	}
	for k, v := range f.Texts {
		if _, isEntries := entries[k]; !isEntries {
			f.Texts[k] = sortedSet(v)
		}
	}
	return f
}

// Same reports whether a and b are the same facts: the same person
// (name and pronouns) and every other fact equal.
func Same(a, b *Facts) bool {
	return a.Name == b.Name && a.Pronouns == b.Pronouns && SameButPerson(a, b)
}

// SameButPerson reports whether a and b state the same facts about
// possibly different people: every fact equal but the name and pronouns.
func SameButPerson(a, b *Facts) bool {
	if len(a.Texts) != len(b.Texts) {
		return false
	}
	for k, va := range a.Texts {
		vb, ok := b.Texts[k]
		if !ok || len(va) != len(vb) {
			return false
		}
		for i := range va {
			if va[i] != vb[i] {
				return false
			}
		}
	}
	return true
}

// Class names the facts' equivalence class: equal for equal facts (with
// the person, or without when person is false, for tenant scope), and
// different, but for a SHA-256 collision, otherwise. The semantic cache
// files entries under it, so a lookup is one read, whatever the cache's
// size.
func (f *Facts) Class(person bool) string {
	h := sha256.New()
	h.Write([]byte(factsVersion))
	if person {
		writeField(h, "name", []string{f.Name})
		writeField(h, "pronouns", []string{f.Pronouns})
	}
	keys := make([]string, 0, len(f.Texts))
	for k := range f.Texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		writeField(h, k, f.Texts[k])
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func writeField(h hash.Hash, name string, values []string) {
	h.Write([]byte{0})
	h.Write([]byte(name))
	for _, v := range values {
		h.Write([]byte{1})
		h.Write([]byte(strconv.Itoa(len(v))))
		h.Write([]byte{2})
		h.Write([]byte(v))
	}
}

// Text is the facts as one text, for embedding.
func (f *Facts) Text() string {
	var b strings.Builder
	b.WriteString(f.Name)
	b.WriteString(" . ")
	b.WriteString(f.Pronouns)
	keys := make([]string, 0, len(f.Texts))
	for k := range f.Texts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.WriteString(" . ")
		b.WriteString(strings.Join(f.Texts[k], " ; "))
	}
	return b.String()
}

// size is the facts' memory in bytes, near enough for a byte budget.
func (f *Facts) size() int {
	n := len(f.Name) + len(f.Pronouns) + 48
	for k, v := range f.Texts {
		n += len(k) + 48
		for _, s := range v {
			n += 16 + len(s)
		}
	}
	return n
}

// titleAbbreviations are expanded in job titles only (the current role and
// experience titles), where they are conventional and have one meaning:
// "Sr. Engineer" and "Senior Engineer" are the same title. Abbreviations
// with two readings are left out ("AVP": assistant or associate; "Assoc.":
// associate or association; "Engr": engineer or engineering; "HR": human
// resources or hour; "Exec.", "Coord.", "Supv."). No entry maps a word to
// another word, nor to or from a negation (TestAbbreviations).
var titleAbbreviations = map[string]string{
	"sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager", "vp": "vice president",
	"svp": "senior vice president", "evp": "executive vice president", "dir": "director",
	"asst": "assistant", "mktg": "marketing", "mgmt": "management", "dept": "department",
	"intl": "international",
}

// normalize returns s with what cannot change a fact taken out, lower case
// and with words separated by one space. It takes out only:
//   - invisible characters, and compatibility forms (NFKC: full-width
//     letters, ligatures), except numbers NFKC would turn into other digits
//     (superscripts, circled and Roman numerals: "10⁶" is not "106");
//   - case, and white space;
//   - punctuation that ends a word (".", ",", ";", ":", "!", "?" not followed
//     by a letter or digit: a trailing full stop, "Go, Kafka"), quotation
//     marks and brackets, and a hyphen between two letters ("on-call" is
//     "on call");
//   - "&", read as "and"; in job titles (title true), the abbreviations of
//     titleAbbreviations.
//
// Every other character is kept where it stands: every letter, digit and
// number sign; a minus sign or a dash ("-5%", "– 3%", "YoY-5%"); a point,
// comma, colon or slash before a digit or letter ("1.5", ".5", "10,000",
// "9:30", "2/3", ".NET", "Node.js"); currency, percent, per-mille and every
// other symbol; an apostrophe inside a word ("didn't"). No word is dropped
// and none is corrected, so no negation can be lost and no word can become
// another (FuzzNormalizeKeepsEveryCharacter).
func normalize(s string, title bool) string {
	s = strings.ToLower(foldFacts(s))
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	space := false
	emit := func(r rune) {
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	for i, r := range rs {
		prev, next := runeAt(rs, i-1), runeAt(rs, i+1)
		switch {
		case unicode.IsSpace(r):
			space = true
		case r == '&':
			space = true
			emit('a')
			b.WriteString("nd")
			space = true
		case wordEnding(r) && !isWordRune(next):
			space = true // ".", ",", ";", ":", "!", "?" at the end of a word
		case quoteOrBracket(r) && !(isApostrophe(r) && isWordRune(prev) && isWordRune(next)):
			space = true
		case (r == '-' || r == '\u2010') && unicode.IsLetter(prev) && unicode.IsLetter(next):
			space = true // "on-call" is "on call"
		case isApostrophe(r):
			emit('\'') // inside a word: "didn't", "o'brien"
		default:
			emit(r)
		}
	}
	out := b.String()
	if !title {
		return out
	}
	words := strings.Fields(out)
	changed := false
	for i, w := range words {
		if x, ok := titleAbbreviations[w]; ok {
			words[i], changed = x, true
		}
	}
	if !changed {
		return out
	}
	return strings.Join(words, " ")
}

// droppable reports whether normalize may take r out of a text in some
// position: white space, word-ending punctuation, quotation marks,
// brackets, hyphens, "&" and apostrophes. Every other character is always
// kept (the fuzz target checks it).
func droppable(r rune) bool {
	return unicode.IsSpace(r) || r == '&' || wordEnding(r) || quoteOrBracket(r) || r == '-' || r == '\u2010'
}

func wordEnding(r rune) bool {
	switch r {
	case '.', ',', ';', ':', '!', '?':
		return true
	}
	return false
}

func quoteOrBracket(r rune) bool {
	switch r {
	case '"', '\'', '`', '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E', '\u201F',
		'\u00AB', '\u00BB', '\u2039', '\u203A', '(', ')', '[', ']', '{', '}':
		return true
	}
	return false
}

func isApostrophe(r rune) bool { return r == '\'' || r == '\u2019' }

// foldFacts is bio.Fold (NFKC, invisible characters removed) but for the
// numbers NFKC would make other digits of (categories No and Nl:
// superscripts, subscripts, circled, fractions, Roman numerals), which stay
// as written.
func foldFacts(s string) string {
	if !strings.ContainsFunc(s, keepForm) {
		return bio.Fold(s)
	}
	var b strings.Builder
	start := 0
	for i, r := range s {
		if keepForm(r) {
			b.WriteString(bio.Fold(s[start:i]))
			b.WriteRune(r)
			start = i + utf8.RuneLen(r)
		}
	}
	b.WriteString(bio.Fold(s[start:]))
	return b.String()
}

func keepForm(r rune) bool {
	return r >= 0x80 && (unicode.In(r, unicode.No, unicode.Nl) || r >= 0x2070 && r <= 0x209F)
}

func runeAt(rs []rune, i int) rune {
	if i < 0 || i >= len(rs) {
		return 0
	}
	return rs[i]
}

// sortedSet sorts items and drops repeats.
func sortedSet(items []string) []string {
	if len(items) < 2 {
		return items
	}
	sort.Strings(items)
	out := items[:1]
	for _, s := range items[1:] {
		if s != out[len(out)-1] {
			out = append(out, s)
		}
	}
	return out
}
