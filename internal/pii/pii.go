// Package pii pseudonymises a bio request before it leaves the premises and
// maps the answer back.
//
// Every text of the profile (bio.Profile.EachText walks them all, so a new
// field cannot be missed) is folded first (bio.Fold: NFKC, invisible
// characters removed). Then two layers run. The first finds what it knows:
// e-mail addresses, URLs, phone numbers and handles (FindContacts, which
// reads through other scripts' digits, look-alike letters, percent-encoding
// and spelled "at" and "dot") and the user id are removed, and every part
// of the person's name, wherever it stands as a word, is replaced by the
// matching part of a stand-in name. The second denies by default: every
// word that is not an English word, a safe number or a part of the
// stand-in name is replaced by a placeholder that the answer's Restore
// maps back (see deny.go), so an identifier spelled in a way no detector
// knows still does not leave. The options keep only values from closed
// sets. A Record says what was sent without saying what it contained.
package pii

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/biogen/biogen/internal/bio"
)

// Record describes what a pseudonymised request sent, without its content.
type Record struct {
	// Fields are the profile's text fields sent (not empty after
	// scrubbing), by the walker's names (bio.TextField.Name), sorted.
	// Numbers (years_experience, education.year) are sent as they are and
	// not listed.
	Fields []string
	// Removed counts what was taken out of the texts, by kind ("email",
	// "phone", "url", "handle", "user_id", and "spelled" for something
	// spelled letter by letter or in symbols: "z b k 8 8", "zulu bravo
	// kilo", "🇿🇧🇰"); nil when nothing was.
	Removed map[string]int
	// NameReplaced is true when the name was replaced by a stand-in.
	NameReplaced bool
	// Placeholders is the number of distinct words sent as placeholders.
	Placeholders int
}

// Mapping maps the person's name to a stand-in and back, the words sent as
// placeholders to theirs, and scrubs texts as Pseudonymise scrubbed the
// profile.
//
// Pseudonymise makes the Mapping of a request. The zero value works but
// knows no name and no user id: Forward and ForwardInstruction still fold
// texts, Forward removes contact details and sends words that may not leave
// as placeholders of its own, Restore maps those back, and StandIn returns
// "". A nil *Mapping restores nothing (Restore, RestoreChecked and a
// Restorer pass the answer through unchanged, and report no invented
// placeholder) and ForwardInstruction only folds; Forward needs a Mapping.
//
// A Mapping is safe for concurrent use (Forward may add placeholders while
// Restore or a Restorer reads them), starts no goroutine, and must not be
// copied.
type Mapping struct {
	standIn string
	forward []pair // each spelling of each name part -> its stand-in
	back    []pair // each stand-in -> the part as the name field writes it
	// backInside is back for stand-ins inside words, in a word sent as a
	// placeholder ("Avery83" for "伟83").
	backInside []pair
	userID     *userIDPattern
	replaced   bool
	// standInKeys are the stand-in's parts and forms in lower case;
	// partKeys the name's parts in key form (false for a part spelled as a
	// pronoun); subKeys those of three letters or more, looked for inside
	// words; initials the person's initials.
	standInKeys map[string]bool
	partKeys    map[string]bool
	subKeys     []string
	initials    map[string]bool
	// swap holds, for the first and the second initial of a name, the
	// person's and the stand-in's (see swapInitials); standInParts are the
	// stand-in's parts but the first, in lower case, standInFirst the first.
	swap         [2][2]rune
	standInParts map[string]bool
	standInFirst string
	ph           placeholders
}

// removal kinds, as Record.Removed names them.
const (
	kindEmail = iota
	kindURL
	kindPhone
	kindHandle
	kindUserID
	kindSpelled
	nKinds
)

var kindNames = [nKinds]string{"email", "url", "phone", "handle", "user_id", "spelled"}

type counts [nKinds]int

// Pseudonymise returns a copy of req that may leave the premises, the
// Mapping that restores the answer, and a Record of what the copy holds.
// In every text of the profile (the name included) it removes e-mail
// addresses, URLs, phone numbers, handles and the user id, replaces each
// part of the name with a stand-in part, and every other word that is not
// an English word or a safe number with a placeholder; the copy has no
// user id, and its options hold only closed-set values and the language
// tag's language, script and region (its English name when a subtag is a
// part of the name). req is not changed. It is safe for concurrent use.
func Pseudonymise(req *bio.Request) (*bio.Request, *Mapping, Record) {
	out := &bio.Request{Profile: req.Profile.Clone(), Options: externalOptions(req.Options),
		Regenerate: req.Regenerate, Stream: req.Stream}
	p := &out.Profile
	texts := make([]string, 0, 32)
	p.EachText(func(_ bio.TextField, s *string) {
		*s = bio.Fold(*s)
		if *s != "" {
			texts = append(texts, *s)
		}
	})
	m := newMapping(req.Profile.Name, texts, req.UserID)
	var c counts
	var rec Record
	p.EachText(func(f bio.TextField, s *string) {
		*s = m.scrub(*s, &c, f.Kind)
		if *s != "" && !slices.Contains(rec.Fields, f.Name) {
			rec.Fields = append(rec.Fields, f.Name)
		}
	})
	out.Normalize() // drop list items left empty
	out.Options.Language = m.language(out.Options.Language)
	sort.Strings(rec.Fields)
	for k, n := range c {
		if n > 0 {
			if rec.Removed == nil {
				rec.Removed = make(map[string]int, nKinds)
			}
			rec.Removed[kindNames[k]] = n
		}
	}
	m.standIn = p.Name
	rec.NameReplaced = m.replaced
	rec.Placeholders = m.ph.len()
	return out, m, rec
}

// language returns tag, or its English name ("Adangme" for "ada") when
// one of its subtags is a part of the name, the person's initials or the
// user id: a name part of two or three letters can be a language subtag.
func (m *Mapping) language(tag string) string {
	for _, sub := range strings.Split(strings.ToLower(tag), "-") {
		_, part := m.partKeys[sub]
		if part || m.initials[sub] || m.userID != nil && m.userID.key == sub {
			t, err := language.Parse(tag)
			if err != nil {
				return "und"
			}
			if name := display.English.Tags().Name(t); name != "" {
				return name
			}
			return "und" // a language without an English name
		}
	}
	return tag
}

// externalOptions returns o with every value from its closed set (the
// default where a value is not one) and the language tag reduced to its
// language, script and region: private-use subtags ("en-x-…"), extensions
// and variants could carry anything.
func externalOptions(o bio.Options) bio.Options {
	d := bio.DefaultOptions
	if o.Tone == bio.ToneCasual {
		d.Tone = o.Tone
	}
	if o.Length == bio.LengthShort || o.Length == bio.LengthLong {
		d.Length = o.Length
	}
	if o.Format == bio.FormatBullets {
		d.Format = o.Format
	}
	if o.Perspective == bio.PerspectiveFirst {
		d.Perspective = o.Perspective
	}
	d.Language = languageOnly(o.Language)
	return d
}

// languageOnly returns tag's language, script and region: "en-x-ada" gives
// "en", "sr-Latn-RS-u-ca-x" "sr-Latn-RS"; "und" when tag is not one.
func languageOnly(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return "und"
	}
	base, script, region := t.Raw()
	t, err = language.Compose(base, script, region)
	if err != nil {
		return "und"
	}
	return t.String()
}

// StandIn returns the name used instead of the person's: the name field
// pseudonymised ("Dr. Jordan Avery-Ellis").
func (m *Mapping) StandIn() string { return m.standIn }

// Forward scrubs text that is to leave the premises beside the request (an
// earlier answer sent back for a correction, the correction itself) as
// Pseudonymise scrubbed the profile: folded, contact details and the user
// id removed, the name replaced by the stand-in, other words that may not
// leave by placeholders (the profile's words by the same ones).
func (m *Mapping) Forward(text string) string {
	var c counts
	return m.scrub(text, &c, bio.TextFree)
}

// ForwardInstruction scrubs text of biogen's own that is to leave beside
// the request: the correction asking the model for a second try. It is
// folded, the user id is removed and the name's parts are replaced by the
// stand-in's, as Forward does; but its words are not denied, as they are
// ours ("Write the bio again" must reach the model as written), but for a
// word that may not leave that the request already sent as a placeholder,
// in any case: the correction quotes the profile's pronouns, in lower case
// ("pronouns other than zbk/zbkk"), and gets their placeholders. The
// earlier answer sent with it is the model's and the person's text: it
// goes through Forward.
func (m *Mapping) ForwardInstruction(text string) string {
	s := bio.Fold(text)
	if m == nil || s == "" {
		return s
	}
	s = m.removeUserID(s)
	s, _ = replaceKeyedFunc(s, m.forward, m.acceptName(bio.TextFree))
	s = m.swapInitials(s)
	if m.ph.len() == 0 {
		return s
	}
	c := denyCtx{m: m, pronouns: true}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !wordAt(s, i) {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		end := tokenEnd(s, i)
		for p := i; p < end; {
			q := partEnd(s, p, end)
			w := trimSuffix(s[p:q])
			if w != "" && !numeric(w) && !m.isStandIn(w) {
				if ph, ok := m.ph.existing(w); ok && !c.partOK(s, p, p+len(w), true) {
					b.WriteString(s[last:p])
					b.WriteString(ph)
					last = p + len(w)
				}
			}
			p = q
			for p < end {
				r, size := utf8.DecodeRuneInString(s[p:])
				if !splitter(r) {
					break
				}
				p += size
			}
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// removeUserID returns s without the user id, wherever it stands.
func (m *Mapping) removeUserID(s string) string {
	if m.userID == nil {
		return s
	}
	var b strings.Builder
	last := 0
	m.userID.eachMatch(newKeyed(s), func(start, end int) {
		if start < last {
			return
		}
		b.WriteString(s[last:start])
		if wordBefore(s, start) && wordAt(s, end) {
			b.WriteByte(' ')
		}
		last = end
	})
	if last == 0 && b.Len() == 0 {
		return s
	}
	b.WriteString(s[last:])
	return tidy(b.String())
}

// maxPasses bounds the passes of removal: removing one detail may join
// the text around it into another, so detection runs again until a pass
// removes nothing. A text still changing after maxPasses is dropped.
const maxPasses = 8

// scrub folds s, removes its contact details and the user id, replaces
// the name's parts and denies the words that may not leave, counting
// removals in c. kind is the kind of the field s comes from.
func (m *Mapping) scrub(s string, c *counts, kind bio.TextKind) string {
	if s == "" {
		return s
	}
	s = joinBrokenWords(bio.Fold(s))
	for pass := 0; ; pass++ {
		if pass == maxPasses {
			return ""
		}
		var removed bool
		s, removed = m.removeOnce(s, c)
		if !removed {
			break
		}
	}
	s, _ = replaceKeyedFunc(s, m.forward, m.acceptName(kind))
	return m.deny(m.swapInitials(s), kind == bio.TextPronouns, c)
}

// brokenWordRE finds a word broken at the end of a line with a hyphen:
// "Oka-\nfor".
var brokenWordRE = regexp.MustCompile(`(\pL)-[ \t]*\r?\n[ \t]*(\pL)`)

// joinBrokenWords writes a word broken at the end of a line with its
// hyphen and without the line break, so that it is one word.
func joinBrokenWords(s string) string {
	if !strings.Contains(s, "-\n") && !strings.Contains(s, "-\r") && !strings.Contains(s, "- ") && !strings.Contains(s, "-\t") {
		return s
	}
	return brokenWordRE.ReplaceAllString(s, "$1-$2")
}

// acceptName returns whether an occurrence of a name part is replaced, in
// a text of kind: a particle only with a capital ("Das", not "das"); a
// part spelled as a pronoun ("He" of "He Jun") never in the pronouns
// field, always in the name, elsewhere only after a title ("Ms. He") or
// beside another part of the name ("He Jun", "Jun He").
func (m *Mapping) acceptName(kind bio.TextKind) func(s string, start, end int, p pair) bool {
	return func(s string, start, end int, p pair) bool {
		if p.capitalised {
			if r, _ := utf8.DecodeRuneInString(s[start:]); !unicode.IsUpper(r) {
				return false
			}
		}
		if !p.pronoun || kind == bio.TextName {
			return true
		}
		if kind == bio.TextPronouns {
			return false
		}
		prev, next := wordBeside(s, start, -1), wordBeside(s, end, 1)
		return nameTitles[strings.TrimSuffix(keyOf(prev), ".")] || m.partKeys[keyOf(prev)] || m.partKeys[keyOf(next)]
	}
}

// wordBeside returns the word before s[i] (dir -1) or after it (dir 1),
// apart from it by spaces, a dot or a hyphen only.
func wordBeside(s string, i, dir int) string {
	if dir < 0 {
		j := i
		for j > 0 && (s[j-1] == ' ' || s[j-1] == '-' || s[j-1] == '.') && i-j < 3 {
			j--
		}
		return s[wordStartAt(s, j):j]
	}
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '-') && j-i < 2 {
		j++
	}
	k := j
	for k < len(s) && wordAt(s, k) {
		_, size := utf8.DecodeRuneInString(s[k:])
		k += size
	}
	return s[j:k]
}

// removeOnce removes the contact details and the user id found in s, and
// reports whether it removed any.
func (m *Mapping) removeOnce(s string, c *counts) (string, bool) {
	type span struct{ start, end int }
	var spans []span
	counted := -1 // the end of the last detail counted
	for _, ct := range findContacts(s, true) {
		spans = append(spans, span{ct.Start, ct.End})
		if ct.Start < counted {
			continue // removed with the one before: counted once
		}
		counted = ct.End
		switch ct.Kind {
		case ContactEmail:
			c[kindEmail]++
		case ContactURL:
			c[kindURL]++
		case ContactHandle:
			c[kindHandle]++
		default:
			c[kindPhone]++
		}
	}
	if m != nil && m.userID != nil {
		m.userID.eachMatch(newKeyed(s), func(start, end int) {
			if !slices.ContainsFunc(spans, func(sp span) bool { return start < sp.end && sp.start < end }) {
				c[kindUserID]++
			}
			spans = append(spans, span{start, end})
		})
	}
	if len(spans) == 0 {
		return s, false
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp.start < last { // overlaps the one before
			last = max(last, sp.end)
			continue
		}
		b.WriteString(s[last:sp.start])
		if wordBefore(s, sp.start) && wordAt(s, sp.end) {
			b.WriteByte(' ') // keep the words around apart
		}
		last = sp.end
	}
	b.WriteString(s[last:])
	return tidy(b.String()), true
}

var (
	spacesRE = regexp.MustCompile(`\s{2,}`)
	// What removals leave behind: "( , )", " ,".
	emptyParensRE = regexp.MustCompile(`\(\s*(?:[,;:]\s*)*\)|\[\s*(?:[,;:]\s*)*\]`)
	spacePunctRE  = regexp.MustCompile(`\s+([,.;:)\]])`)
	danglingRE    = regexp.MustCompile(`[,;]\s*([)\]])|([(\[])\s*[,;]\s*`)
	// "Contact: a, b, c." with a, b and c removed: "Contact:,,." gives
	// "Contact.".
	repeatedRE = regexp.MustCompile(`([,;:])(?:\s*[,;])+|[,;:]\s*([.!?])`)
)

// tidy removes what removals leave behind: empty brackets, doubled spaces
// and spaces before punctuation.
func tidy(s string) string {
	s = repeatedRE.ReplaceAllString(repeatedRE.ReplaceAllString(s, "$1$2"), "$1$2")
	s = danglingRE.ReplaceAllString(s, "$1$2")
	s = emptyParensRE.ReplaceAllString(s, "")
	s = spacesRE.ReplaceAllString(s, " ")
	return strings.TrimSpace(spacePunctRE.ReplaceAllString(s, "$1"))
}

// partEnd returns where the part of a token that starts at s[p] ends: at
// the first splitter, or at end.
func partEnd(s string, p, end int) int {
	for p < end {
		r, size := utf8.DecodeRuneInString(s[p:])
		if splitter(r) {
			break
		}
		p += size
	}
	return p
}

// wordStartAt returns where the word that ends at s[j] starts.
func wordStartAt(s string, j int) int {
	for j > 0 && wordBefore(s, j) {
		_, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
	}
	return j
}
