// Package cache holds biogen's two caches of model-written bios: an exact
// cache on ristretto keyed by the canonical request, and a semantic cache on
// chromem-go that finds a bio written for a request with the same facts
// worded differently. A semantic candidate is served only when a fact check
// finds both requests' facts the same after normalisation: a cache must
// never answer with another person's bio, nor with one whose facts differ.
package cache

import (
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/biogen/biogen/internal/bio"
)

// Facts are the normalised facts of a profile: what decides what a bio may
// say. Lists are sorted and free of repeats, so order does not matter.
type Facts struct {
	Name           string   `json:"name"`
	Pronouns       string   `json:"pronouns"`
	Role           string   `json:"role"`
	Company        string   `json:"company"`
	Location       string   `json:"location"`
	Years          string   `json:"years"`
	Summary        string   `json:"summary"`
	Skills         []string `json:"skills"`
	Achievements   []string `json:"achievements"`
	Experience     []string `json:"experience"`
	Education      []string `json:"education"`
	Certifications []string `json:"certifications"`
	Languages      []string `json:"languages"`
}

// FactsOf normalises a profile's facts.
func FactsOf(p *bio.Profile) Facts {
	f := Facts{
		Name:     normalize(p.Name),
		Role:     normalize(p.CurrentRole),
		Company:  normalize(p.Company),
		Location: normalize(p.Location),
		Summary:  normalize(p.ExperienceSummary),
	}
	if pr := bio.ParsePronouns(p.Pronouns); pr.Known() {
		f.Pronouns = pr.Subject + "/" + pr.Object
	}
	if p.YearsExperience != nil {
		f.Years = strconv.Itoa(*p.YearsExperience)
	}
	f.Skills = normalizeSet(p.Skills)
	f.Achievements = normalizeSet(p.Achievements)
	f.Certifications = normalizeSet(p.Certifications)
	f.Languages = normalizeSet(p.Languages)
	var exp, edu []string
	for _, e := range p.Experience {
		exp = append(exp, strings.Join([]string{e.Title, e.Company, e.Start, e.End, e.Summary}, " | "))
	}
	for _, e := range p.Education {
		year := ""
		if e.Year > 0 {
			year = strconv.Itoa(e.Year)
		}
		edu = append(edu, strings.Join([]string{e.School, e.Degree, e.Field, year}, " | "))
	}
	f.Experience = normalizeSet(exp)
	f.Education = normalizeSet(edu)
	return f
}

// Text is the facts as one text, for embedding.
func (f *Facts) Text() string {
	var b strings.Builder
	for _, s := range []string{f.Name, f.Pronouns, f.Role, f.Company, f.Location, f.Years, f.Summary} {
		b.WriteString(s)
		b.WriteString(" . ")
	}
	for _, l := range [][]string{f.Skills, f.Achievements, f.Experience, f.Education, f.Certifications, f.Languages} {
		b.WriteString(strings.Join(l, " ; "))
		b.WriteString(" . ")
	}
	return b.String()
}

// Same reports whether two profiles state the same facts: every field equal
// after normalisation, allowing one-letter typos in long words (never in a
// word with a digit: a changed number is a changed fact). The name must
// match exactly, and so must the number of items in every list.
func Same(a, b *Facts) bool {
	if a.Name != b.Name || a.Pronouns != b.Pronouns || a.Years != b.Years {
		return false
	}
	for _, p := range [][2]string{{a.Role, b.Role}, {a.Company, b.Company}, {a.Location, b.Location}, {a.Summary, b.Summary}} {
		if !closeText(p[0], p[1]) {
			return false
		}
	}
	for _, p := range [][2][]string{{a.Skills, b.Skills}, {a.Achievements, b.Achievements}, {a.Experience, b.Experience},
		{a.Education, b.Education}, {a.Certifications, b.Certifications}, {a.Languages, b.Languages}} {
		if !sameSet(p[0], p[1]) {
			return false
		}
	}
	return true
}

// sameSet matches every item of a with a distinct, close item of b.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
	for _, x := range a {
		found := false
		for j, y := range b {
			if !used[j] && closeText(x, y) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// closeText compares two normalised texts word by word.
func closeText(a, b string) bool {
	if a == b {
		return true
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	if len(wa) != len(wb) {
		return false
	}
	typos := 0
	for i := range wa {
		if wa[i] == wb[i] {
			continue
		}
		if !typo(wa[i], wb[i]) {
			return false
		}
		typos++
	}
	// A typo here and there, not a rewrite.
	return typos <= 1+len(wa)/20
}

// typo reports whether two words differ by one edit (insertion, deletion,
// substitution or transposition of neighbours), are long enough for that to
// be a slip (5 letters or more), and hold no digit.
func typo(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if min(len(ra), len(rb)) < 5 || hasDigit(a) || hasDigit(b) {
		return false
	}
	return editDistance(ra, rb) <= 1
}

func hasDigit(s string) bool {
	return strings.IndexFunc(s, unicode.IsDigit) >= 0
}

// editDistance is the optimal string alignment distance, stopping early
// above 1.
func editDistance(a, b []rune) int {
	if d := len(a) - len(b); d > 1 || d < -1 {
		return 2
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > 1 {
			return 2
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// abbreviations are expanded so "Sr. Engineer" and "Senior Engineer" are the
// same fact.
var abbreviations = map[string]string{
	"sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager", "vp": "vice president",
	"svp": "senior vice president", "evp": "executive vice president", "avp": "assistant vice president",
	"dir": "director", "asst": "assistant", "assoc": "associate", "engr": "engineer",
	"exec": "executive", "mktg": "marketing", "mgmt": "management", "dept": "department",
	"intl": "international", "univ": "university", "coord": "coordinator", "supv": "supervisor",
	"&": "and", "hr": "human resources",
}

// normalize lower-cases s, drops punctuation (but not inside numbers, nor
// %, $ and &), expands common abbreviations and collapses white space.
func normalize(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '%' || r == '$' || r == '&' || r == '+' || r == '#':
			b.WriteRune(r)
		case (r == '.' || r == ',') && i > 0 && i+1 < len(rs) && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1]):
			b.WriteRune(r) // 1.2 million, 10,000
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		if x, ok := abbreviations[w]; ok {
			words[i] = x
		}
	}
	return strings.Join(words, " ")
}

// normalizeSet normalises, drops repeats and sorts.
func normalizeSet(items []string) []string {
	if len(items) == 0 {
		return nil
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(items))
	for _, s := range items {
		n := normalize(s)
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
