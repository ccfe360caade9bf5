package bio

import (
	"encoding/json"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// NormalizeText returns s in Unicode NFC with control characters and bidi
// overrides removed, runs of white space collapsed to one space, and no space
// at either end.
//
// Bidi embedding and override characters are removed because they can make a
// name display as something else; the letters of right-to-left scripts stay.
func NormalizeText(s string) string {
	if isPlainASCII(s) {
		return s
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r), isBidiControl(r), r == '\uFEFF', r == '\uFFFD':
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isPlainASCII reports whether s is printable ASCII with single inner spaces
// and none at the ends: the common case, which needs no copy.
func isPlainASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || (c == ' ' && s[i+1] == ' ') {
			return false
		}
	}
	return true
}

func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069') || r == '\u200E' || r == '\u200F'
}

// Normalize drops empty and repeated list items (keeping the first of each,
// compared without case and without a full stop or other punctuation at
// the end: "Led the team." repeats "led the team"), and repeated
// experience and education entries. The
// strings of a Request made by Decode are already in NormalizeText form.
func (r *Request) Normalize() {
	p := &r.Profile
	p.Skills = dedupe(p.Skills)
	p.Achievements = dedupe(p.Achievements)
	p.Certifications = dedupe(p.Certifications)
	p.Languages = dedupe(p.Languages)
	p.Experience = dedupeEqual(p.Experience)
	p.Education = dedupeEqual(p.Education)
}

func dedupe(items []string) []string {
	out := items[:0]
	for _, s := range items {
		if s == "" {
			continue
		}
		seen := false
		for _, o := range out {
			if strings.EqualFold(trimEnd(o), trimEnd(s)) {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// trimEnd drops what ends a sentence or a list item: full stops, commas,
// semicolons, exclamation marks and spaces.
func trimEnd(s string) string { return strings.TrimRight(s, ".,;:! ") }

func dedupeEqual[T comparable](items []T) []T {
	out := items[:0]
	for _, x := range items {
		seen := false
		for _, o := range out {
			if o == x {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// canonicalVersion changes whenever the canonical form does, so that caches
// keyed on it never mix two forms.
const canonicalVersion = 2

// AppendCanonical appends the canonical form of r to dst: the same bytes for
// every request that means the same thing, whatever the order of the JSON
// fields, the white space, the Unicode form or repeated list items it came
// with. Regenerate and Stream are left out: they change how a bio is
// delivered, not what it says.
func (r *Request) AppendCanonical(dst []byte) []byte {
	c := struct {
		V       int     `json:"v"`
		UserID  string  `json:"user_id"`
		Profile Profile `json:"profile"`
		Options Options `json:"options"`
	}{canonicalVersion, r.UserID, r.Profile, r.Options}
	b, err := json.Marshal(&c)
	if err != nil {
		// Every field is a string, a number, a slice or a struct of those.
		panic("bio: cannot marshal canonical request: " + err.Error())
	}
	return append(dst, b...)
}

// ExperienceYears returns the whole years of experience: years_experience
// when given, else the months covered by the experience entries (overlaps
// counted once, a current entry running to now). ok is false when neither
// gives a figure.
func (p *Profile) ExperienceYears(now time.Time) (years int, ok bool) {
	if p.YearsExperience != nil {
		return *p.YearsExperience, true
	}
	type span struct{ from, to int }
	var spans []span
	nowMonths := now.Year()*12 + int(now.Month()) - 1
	for _, e := range p.Experience {
		start, end, ok := e.Dated()
		if !ok {
			continue
		}
		to := nowMonths
		if !e.Current() {
			to = end.months(true)
		}
		from := start.months(false)
		if to > nowMonths {
			to = nowMonths
		}
		if to >= from {
			spans = append(spans, span{from, to + 1})
		}
	}
	if len(spans) == 0 {
		return 0, false
	}
	// Merge the spans; there are at most MaxExperience of them.
	for i := 1; i < len(spans); i++ {
		for j := i; j > 0 && spans[j].from < spans[j-1].from; j-- {
			spans[j], spans[j-1] = spans[j-1], spans[j]
		}
	}
	total, cur := 0, spans[0]
	for _, s := range spans[1:] {
		if s.from <= cur.to {
			if s.to > cur.to {
				cur.to = s.to
			}
			continue
		}
		total += cur.to - cur.from
		cur = s
	}
	total += cur.to - cur.from
	return total / 12, total >= 12
}
