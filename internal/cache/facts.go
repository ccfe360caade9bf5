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

	"golang.org/x/text/unicode/norm"

	"github.com/biogen/biogen/internal/bio"
)

// factsVersion changes whenever normalisation does, so that entries
// normalised one way are never compared with facts normalised another.
const factsVersion = "facts-v4"

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
	f := Facts{Name: p.Name, Pronouns: strings.ToLower(normalize(p.Pronouns, false)), Texts: make(map[string][]string, 12)}
	if p.YearsExperience != nil {
		f.Texts["years_experience"] = []string{strconv.Itoa(*p.YearsExperience)}
	}
	if t := timeFacts(p, now); t != "" {
		f.Texts["as_of"] = []string{t}
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

// timeFacts returns the facts a bio may state that change with the date
// alone, as of now: the years of experience counted from dates when the
// profile gives none, and the years in each current position. Empty when
// the profile has none. They change only at the turn of a month.
func timeFacts(p *bio.Profile, now time.Time) string {
	var b []byte
	if p.YearsExperience == nil {
		if y, ok := p.ExperienceYears(now); ok {
			b = strconv.AppendInt(append(b, "total "...), int64(y), 10)
		}
	}
	nowMonths := now.Year()*12 + int(now.Month()) - 1
	for i, e := range p.Experience {
		start, _, ok := e.Dated()
		if !ok || !e.Current() {
			continue
		}
		from := start.Year*12 + max(start.Month, 1) - 1
		b = append(b, " current "...)
		b = strconv.AppendInt(b, int64(i), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(max(nowMonths-from, 0)/12), 10)
	}
	return string(b)
}

// nextMonth returns the start of the month after now's, when timeFacts may
// change.
func nextMonth(now time.Time) time.Time {
	return time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, now.Location())
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
	"sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager",
	"svp": "senior vice president", "evp": "executive vice president", "dir": "director",
	"asst": "assistant", "mktg": "marketing", "mgmt": "management", "dept": "department",
	"intl": "international",
}

// normalize returns s with what cannot change a fact taken out, its words
// separated by one space. It takes out only:
//   - invisible characters that only format text (zero-width spaces, soft
//     hyphens, word joiners, bidi marks; see factsInvisible) and
//     compatibility forms (NFKC: full-width letters, ligatures), except
//     numbers NFKC would turn into other digits (superscripts, circled and
//     Roman numerals: "10⁶" is not "106");
//   - case, but in a word with a digit ("Ada7Kx") and in a unit after a
//     number ("5 MW" is not "5 mW", "2 MB" is not "2 Mb");
//   - white space;
//   - punctuation that ends a word (".", ",", ";", ":", "!", "?" not followed
//     by a letter or number: a trailing full stop, "Go, Kafka"; a comma
//     between two numbers stays: "4, 500" is not "4 500"), quotation marks
//     and brackets (but a mark right after a number, "55\"", and brackets
//     around one, "(12%)", stay), and a hyphen between two letters
//     ("on-call" is "on call");
//   - "&", read as "and"; in job titles (title true), the abbreviations of
//     titleAbbreviations, in any case.
//
// Every other character is kept where it stands: every letter, digit and
// number sign; a minus sign or a dash ("-5%", "– 3%", "YoY-5%"); a point,
// comma, colon or slash before a digit or letter ("1.5", ".5", "10,000",
// "9:30", "2/3", ".NET", "Node.js"); currency, percent, per-mille and every
// other symbol; an apostrophe inside a word ("didn't"). No word is dropped
// and none is corrected, so no negation can be lost and no word can become
// another (FuzzNormalizeKeepsEveryCharacter).
func normalize(s string, title bool) string {
	s = foldFacts(s)
	rs := []rune(s)
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for i, r := range rs {
		prev, next := runeAt(rs, i-1), runeAt(rs, i+1)
		switch {
		case unicode.IsSpace(r):
			flush()
		case r == '&':
			flush()
			words = append(words, "and")
		case wordEnding(r) && !isWordRune(next) && !unicode.IsNumber(next) && !(r == ',' && unicode.IsNumber(prev) && unicode.IsNumber(nextNonSpace(rs, i+1))):
			flush() // ".", ",", ";", ":", "!", "?" at the end of a word
		case quoteOrBracket(r) && !keptMark(r, prev, next):
			flush()
		case (r == '-' || r == '\u2010') && unicode.IsLetter(prev) && unicode.IsLetter(next):
			flush() // "on-call" is "on call"
		case isApostrophe(r) && isWordRune(prev) && isWordRune(next):
			w.WriteByte('\'') // inside a word: "didn't", "o'brien"
		default:
			w.WriteRune(r)
		}
	}
	flush()
	for i, word := range words {
		// Case carries no meaning but in a word with a digit ("Ada7Kx"),
		// in a unit after a number ("5 MW" is not "5 mW"), in a word whose
		// case changes inside it ("mW-scale" is not "MW-scale"; "iOS",
		// "McDonald"). A word in capitals is the word: "SENIOR UX DESIGNER"
		// is "Senior UX Designer", and so "AIDS" is "aids".
		if !hasNumber(word) && !(i > 0 && hasNumber(words[i-1])) && !innerCase(word) {
			word = strings.ToLower(word)
		}
		if x, ok := titleAbbreviations[strings.ToLower(word)]; ok && title {
			word = x
		}
		words[i] = word
	}
	return strings.Join(words, " ")
}

func hasNumber(w string) bool { return strings.ContainsFunc(w, unicode.IsNumber) }

// innerCase reports whether w's case changes after its first letter other
// than to capitals throughout: "mW", "iOS", "McDonald", "eBay"; not "Ada",
// "ada" or "ADA".
func innerCase(w string) bool {
	upper, lower, lowerThenUpper := 0, 0, false
	first := true
	for _, r := range w {
		if !unicode.IsLetter(r) {
			continue
		}
		switch {
		case unicode.IsUpper(r):
			upper++
			if !first && lower > 0 {
				lowerThenUpper = true
			}
		case unicode.IsLower(r):
			lower++
		}
		first = false
	}
	return lowerThenUpper || lower > 0 && upper > 1 || lower > 0 && upper == 1 && !startsUpper(w)
}

func startsUpper(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return unicode.IsUpper(r)
		}
	}
	return false
}

// keptMark reports whether a quotation mark or bracket carries meaning: a
// mark right after a number (55" is inches, 40' feet) and a bracket next to
// a number ("(12%)" is negative in accounts).
func keptMark(r, prev, next rune) bool {
	switch r {
	case '(', '[':
		return unicode.IsNumber(next) || next == '.' || next == '-' || next == '+' || unicode.Is(unicode.Sc, next)
	case ')', ']':
		return unicode.IsNumber(prev) || prev == '%' || prev == '.' || unicode.Is(unicode.Sc, prev)
	case '"', '\'', '\u2019', '\u201D', '\u2033', '\u2032':
		return unicode.IsNumber(prev)
	}
	return false
}

func nextNonSpace(rs []rune, i int) rune {
	for ; i < len(rs); i++ {
		if !unicode.IsSpace(rs[i]) {
			return rs[i]
		}
	}
	return 0
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

// foldFacts is the form normalize reads: invisible formatting characters
// removed (factsInvisible), then NFKC (full-width letters, ligatures),
// except for the numbers NFKC would make other digits of (categories No
// and Nl: superscripts, subscripts, circled, fractions, Roman numerals),
// which stay as written. Unlike bio.Fold, it keeps the format characters
// that carry meaning: tag characters (a subdivision flag), variation
// selectors, Arabic number signs, and joiners between symbols (an emoji
// sequence).
func foldFacts(s string) string {
	if isASCII(s) {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	var seg []rune
	emit := func() {
		b.WriteString(norm.NFKC.String(string(seg)))
		seg = seg[:0]
	}
	for i, r := range rs {
		switch {
		case factsInvisible(r, runeAt(rs, i-1), runeAt(rs, i+1)):
		case keepForm(r):
			emit()
			b.WriteRune(r)
		default:
			seg = append(seg, r)
		}
	}
	emit()
	return b.String()
}

// factsInvisible reports whether r only formats text and may go: soft
// hyphens, zero-width spaces, word joiners, byte order marks, bidi marks
// and embeddings, and zero-width joiners and non-joiners between letters.
func factsInvisible(r, prev, next rune) bool {
	switch {
	case r == '\u00AD', r == '\u200B', r == '\u2060', r == '\uFEFF', r == '\u200E', r == '\u200F', r == '\u061C', r == '\u180E':
		return true
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	case r == '\u200C' || r == '\u200D':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
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
