package check

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/safety"
)

// evidence is what the profile says, that a bio's facts are checked
// against: its texts and numbers, read once and only when a check needs
// them. (The cache's normalised facts, a semantic key, are another thing.)
type evidence struct {
	p     *bio.Profile
	lower string // every text, lower case, without diacritics
	read  bool
	// claimSet are the adverse claims the profile makes, read by claims.
	claimSet   map[string]bool
	claimsRead bool
	// norm, acronyms and places are read by knownPhrase.
	norm     string
	acronyms map[string]bool
	normRead bool
	// offensive and protected are what the safety checks find in the
	// profile (safety.go).
	offensive     map[string]bool
	offensiveRead bool
	protected     map[safety.Attribute]bool
	protectedRead bool
}

func (f *evidence) text() string {
	if !f.read {
		f.lower, f.read = foldAccents(strings.ToLower(bio.Fold(profileText(f.p)))), true
	}
	return f.lower
}

// hasWord reports whether the profile has w (lower case) as a whole word:
// "Daniel" is not "Danielle", nor "Paul" "Paula".
func (f *evidence) hasWord(w string) bool { return hasWordAt(f.text(), w, true) }

// hasWordAt reports whether l holds w at the start of a word and, when
// whole, at its end too.
func hasWordAt(l, w string, whole bool) bool {
	for i := 0; ; {
		k := strings.Index(l[i:], w)
		if k < 0 {
			return false
		}
		start, end := i+k, i+k+len(w)
		r, _ := utf8.DecodeLastRuneInString(l[:start])
		okStart := start == 0 || !unicode.IsLetter(r) && !unicode.IsDigit(r)
		r, _ = utf8.DecodeRuneInString(l[end:])
		okEnd := !whole || end == len(l) || !unicode.IsLetter(r) && !unicode.IsDigit(r)
		if okStart && okEnd {
			return true
		}
		i = start + 1
	}
}

// profileText is every text of the profile and its numbers, a line each,
// for looking facts up.
func profileText(p *bio.Profile) string {
	var b strings.Builder
	p.EachText(func(_ bio.TextField, s *string) {
		if *s != "" {
			b.WriteString(*s)
			b.WriteByte('\n')
		}
	})
	for _, e := range p.Education {
		if e.Year != 0 {
			b.WriteString(strconv.Itoa(e.Year))
			b.WriteByte('\n')
		}
	}
	if p.YearsExperience != nil {
		b.WriteString(strconv.Itoa(*p.YearsExperience))
		b.WriteByte('\n')
	}
	return b.String()
}
