// Package pii pseudonymises a bio request before it leaves the premises and
// maps the answer back.
//
// Every text of the profile (bio.Profile.EachText walks them all, so a new
// field cannot be missed) is folded first (bio.Fold: NFKC, invisible
// characters removed), then e-mail addresses, URLs and phone numbers
// (FindContacts) and the user id are removed, and every part of the
// person's name, wherever it stands as a word, is replaced by the matching
// part of a stand-in name. The options keep only values from closed sets.
// A Record says what was sent without saying what it contained.
package pii

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"golang.org/x/text/language"

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
	// "phone", "url", "user_id"); nil when nothing was.
	Removed map[string]int
	// NameReplaced is true when the name was replaced by a stand-in.
	NameReplaced bool
}

// Mapping maps the person's name to a stand-in and back, and scrubs texts
// as Pseudonymise scrubbed the profile.
//
// The zero value replaces no name and removes no user id: Forward still
// folds texts and removes contact details, Restore returns its text. A
// Mapping is immutable and safe for concurrent use.
type Mapping struct {
	standIn  string
	forward  []pair // each spelling of each name part -> its stand-in
	back     []pair // each stand-in -> the part as the name field writes it
	userID   []pair // the user id, and without its separators, in key form
	replaced bool
}

// removal kinds, as Record.Removed names them.
const (
	kindEmail = iota
	kindURL
	kindPhone
	kindUserID
	nKinds
)

var kindNames = [nKinds]string{"email", "url", "phone", "user_id"}

type counts [nKinds]int

// Pseudonymise returns a copy of req that may leave the premises, the
// Mapping that restores the name in the answer, and a Record of what the
// copy holds. In every text of the profile (the name included) it replaces
// each part of the name with a stand-in part and removes e-mail addresses,
// URLs, phone numbers and the user id; the copy has no user id, and its
// options hold only closed-set values and the language tag's language,
// script and region. req is not changed. It is safe for concurrent use.
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
		*s = m.scrub(*s, &c)
		if *s != "" && !containsExact(rec.Fields, f.Name) {
			rec.Fields = append(rec.Fields, f.Name)
		}
	})
	out.Normalize() // drop list items left empty
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
	return out, m, rec
}

func containsExact(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
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
// id removed, the name replaced by the stand-in.
func (m *Mapping) Forward(text string) string {
	var c counts
	return m.scrub(text, &c)
}

// maxPasses bounds the passes of removal: removing one detail may join
// the text around it into another, so detection runs again until a pass
// removes nothing. A text still changing after maxPasses is dropped.
const maxPasses = 8

// scrub folds s, removes its contact details and the user id, and
// replaces the name's parts, counting removals in c.
func (m *Mapping) scrub(s string, c *counts) string {
	if s == "" {
		return s
	}
	s = bio.Fold(s)
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
	if m != nil {
		s, _ = replaceKeyed(s, m.forward)
	}
	return s
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
		default:
			c[kindPhone]++
		}
	}
	if m != nil && len(m.userID) > 0 {
		newKeyed(s).eachMatch(m.userID, func(start, end int, _ pair) {
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
