package check

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// adverseWords are what a bio must not say of a person unless the profile
// does: a reviewer reads for them first. The list is short on purpose.
// Each is a stem matched at the start of a word ("dismiss" finds
// "dismissed" and "dismissal"; "terminat" not "terminal"), or with a
// trailing "$" a whole word ("fired", not "firewall"); a word of the
// profile that starts the same ("Led the fraud team", "anti-fraud
// models") makes it the profile's.
var adverseWords = []string{
	"fraud", "embezzl", "dismiss", "fired$", "sacked$", "terminat", "arrest", "convict", "indict", "lawsuit",
	"sued$", "misconduct", "harass", "scandal", "bankrupt", "brib", "disciplinar", "prison", "jailed$",
	"imprison", "felon",
}

// adverseByFirst holds adverseWords by their first letter, upper and
// lower case.
var adverseByFirst [256][]string

func init() {
	for _, s := range adverseWords {
		adverseByFirst[s[0]] = append(adverseByFirst[s[0]], s)
		adverseByFirst[s[0]-'a'+'A'] = adverseByFirst[s[0]]
	}
}

// adverseClaim reports whether text uses an adverse word that the
// profile's facts do not hold.
func adverseClaim(text string, f *facts) bool {
	for i := 0; i < len(text); {
		for i < len(text) && !isLetter(text[i]) {
			i++
		}
		j := i
		for j < len(text) && isLetter(text[j]) {
			j++
		}
		if j-i >= 4 && adverseByFirst[text[i]] != nil {
			if stem, ok := adverseStem(text[i:j]); ok && !(stem == "fired" && strings.HasPrefix(text[j:], " up")) && !f.hasStem(stem) {
				return true
			}
		}
		i = j
	}
	return false
}

// adverseStem returns the adverse stem that w starts with, lower case.
// Only words of ASCII letters are read; the adverse words are English.
func adverseStem(w string) (string, bool) {
	for _, s := range adverseByFirst[w[0]] {
		whole := strings.HasSuffix(s, "$")
		s = strings.TrimSuffix(s, "$")
		if len(w) >= len(s) && strings.EqualFold(w[:len(s)], s) && (!whole || len(w) == len(s)) {
			return s, true
		}
	}
	return "", false
}

// facts are the texts of the profile a bio is checked against, read once
// and only when a check needs them.
type facts struct {
	p     *bio.Profile
	lower string // every text, lower case, without diacritics
	read  bool
}

func (f *facts) text() string {
	if !f.read {
		f.lower, f.read = foldAccents(strings.ToLower(profileText(f.p))), true
	}
	return f.lower
}

// hasWord reports whether the profile has w (lower case) as a whole word,
// or a name that starts with it ("Alex" for "Alexander").
func (f *facts) hasWord(w string) bool {
	if hasWordAt(f.text(), w, true) {
		return true
	}
	if len(w) < 3 {
		return false
	}
	for part := range strings.FieldsFuncSeq(foldAccents(strings.ToLower(f.p.Name)), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if strings.HasPrefix(part, w) {
			return true
		}
	}
	return false
}

// hasStem reports whether a word of the profile starts with stem.
func (f *facts) hasStem(stem string) bool { return hasWordAt(f.text(), stem, false) }

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
