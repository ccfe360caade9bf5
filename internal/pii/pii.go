// Package pii pseudonymises a bio request before it leaves the premises and
// maps the answer back: the person's name becomes a stand-in name, and
// e-mail addresses, phone numbers, URLs and the user id are removed from the
// free text. A Record says what was sent without saying what it contained.
package pii

import (
	"regexp"
	"sort"
	"strings"

	"github.com/biogen/biogen/internal/bio"
)

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	urlRE   = regexp.MustCompile(`(?i)\b(?:https?://|www\.)[^\s<>"]+`)
	// Phone numbers: an optional +, then at least 8 digits with spaces,
	// dots, dashes or brackets between them.
	phoneRE  = regexp.MustCompile(`\+?\(?\d[\d\s().-]{6,}\d`)
	spacesRE = regexp.MustCompile(`\s{2,}`)
	// What removals leave behind: "( , )", " ,".
	emptyParensRE = regexp.MustCompile(`\(\s*(?:[,;]\s*)*\)`)
	spacePunctRE  = regexp.MustCompile(`\s+([,.;:])`)
)

// standIns are neutral names to use instead of the person's; the first one
// that appears nowhere in the profile is taken.
var standIns = [][2]string{
	{"Jordan", "Avery"}, {"Casey", "Morgan"}, {"Riley", "Parker"}, {"Quinn", "Hayes"}, {"Rowan", "Ellis"},
}

// Mapping maps a stand-in name back to the person's. The zero value maps
// nothing. It is immutable and safe for concurrent use.
type Mapping struct {
	real, standIn   string
	realFirst       string
	realLast        string
	standInFirst    string
	standInLast     string
	forward, revert *strings.Replacer
}

// Record describes what a pseudonymised request sent, without its content.
type Record struct {
	// Fields are the profile fields sent, as JSON names.
	Fields []string
	// Removed counts what was taken out of the free text, by kind
	// ("email", "phone", "url", "user_id").
	Removed map[string]int
	// NameReplaced is true when the name was replaced by a stand-in.
	NameReplaced bool
}

// Pseudonymise returns a copy of req with the name replaced by a stand-in
// everywhere, and e-mail addresses, phone numbers, URLs and the user id
// removed from every text; the Mapping restores the name in the answer.
func Pseudonymise(req *bio.Request) (*bio.Request, *Mapping, Record) {
	out := *req
	p := out.Profile
	rec := Record{Removed: map[string]int{}}
	m := newMapping(p.Name, profileText(&p))
	rec.NameReplaced = true
	clean := func(s string) string {
		if s == "" {
			return s
		}
		s = m.forward.Replace(s)
		s = removeAll(s, emailRE, "email", rec.Removed)
		s = removeAll(s, urlRE, "url", rec.Removed)
		s = removeAll(s, phoneRE, "phone", rec.Removed)
		if req.UserID != "" && strings.Contains(s, req.UserID) {
			rec.Removed["user_id"] += strings.Count(s, req.UserID)
			s = strings.ReplaceAll(s, req.UserID, "")
		}
		s = emptyParensRE.ReplaceAllString(s, "")
		s = spacesRE.ReplaceAllString(s, " ")
		return strings.TrimSpace(spacePunctRE.ReplaceAllString(s, "$1"))
	}
	p.Name = m.standIn
	for _, f := range []*string{&p.Pronouns, &p.CurrentRole, &p.Company, &p.Location, &p.ExperienceSummary} {
		*f = clean(*f)
	}
	p.Skills = cleanList(p.Skills, clean)
	p.Achievements = cleanList(p.Achievements, clean)
	p.Certifications = cleanList(p.Certifications, clean)
	p.Languages = cleanList(p.Languages, clean)
	p.Experience = append([]bio.Experience(nil), p.Experience...)
	for i := range p.Experience {
		e := &p.Experience[i]
		e.Title, e.Company, e.Summary = clean(e.Title), clean(e.Company), clean(e.Summary)
	}
	p.Education = append([]bio.Education(nil), p.Education...)
	for i := range p.Education {
		e := &p.Education[i]
		e.School, e.Degree, e.Field = clean(e.School), clean(e.Degree), clean(e.Field)
	}
	out.Profile = p
	out.UserID = "pseudonymous"
	rec.Fields = fieldsOf(&p)
	return &out, m, rec
}

func cleanList(items []string, clean func(string) string) []string {
	if items == nil {
		return nil
	}
	out := make([]string, 0, len(items))
	for _, s := range items {
		if s = clean(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func removeAll(s string, re *regexp.Regexp, kind string, counts map[string]int) string {
	return re.ReplaceAllStringFunc(s, func(string) string {
		counts[kind]++
		return ""
	})
}

func newMapping(name, text string) *Mapping {
	lower := strings.ToLower(text)
	pick := standIns[0]
	for _, s := range standIns {
		if !strings.Contains(lower, strings.ToLower(s[0])) && !strings.Contains(lower, strings.ToLower(s[1])) {
			pick = s
			break
		}
	}
	m := &Mapping{real: name, standIn: pick[0] + " " + pick[1], standInFirst: pick[0], standInLast: pick[1]}
	parts := strings.Fields(name)
	pairs := []string{name, m.standIn}
	if len(parts) > 1 {
		m.realFirst, m.realLast = parts[0], parts[len(parts)-1]
		pairs = append(pairs, m.realFirst, pick[0], m.realLast, pick[1])
	}
	m.forward = strings.NewReplacer(pairs...)
	back := []string{m.standIn, name}
	if len(parts) > 1 {
		back = append(back, pick[0], m.realFirst, pick[1], m.realLast)
	} else {
		back = append(back, pick[0], name, pick[1], name)
	}
	m.revert = strings.NewReplacer(back...)
	return m
}

// StandIn returns the name used instead of the person's.
func (m *Mapping) StandIn() string { return m.standIn }

// Forward replaces the person's name in text (an earlier answer sent back
// for a correction) with the stand-in.
func (m *Mapping) Forward(text string) string { return m.forward.Replace(text) }

// Restore replaces the stand-in name in an answer with the person's.
func (m *Mapping) Restore(text string) string { return m.revert.Replace(text) }

// Restorer restores the name in a streamed answer. It holds back an
// unfinished word, and a stand-in first name until the next word shows
// whether the full stand-in follows, so a name split across chunks is
// still restored whole.
//
// The zero value is not usable; call Mapping.Restorer. Not safe for
// concurrent use.
type Restorer struct {
	m    *Mapping
	emit func(string)
	buf  strings.Builder
}

// Restorer returns a Restorer passing restored text to emit.
func (m *Mapping) Restorer(emit func(string)) *Restorer {
	return &Restorer{m: m, emit: emit}
}

// Write adds a chunk of the answer.
func (r *Restorer) Write(chunk string) {
	r.buf.WriteString(chunk)
	s := r.buf.String()
	cut := strings.LastIndexAny(s, " \n\t")
	if cut < 0 {
		return
	}
	ready := s[:cut]
	// "Jordan" may be the start of "Jordan Avery": wait for the next word.
	ready = strings.TrimSuffix(ready, r.m.standInFirst)
	if ready == "" {
		return
	}
	rest := s[len(ready):]
	r.emit(r.m.Restore(ready))
	r.buf.Reset()
	r.buf.WriteString(rest)
}

// Close emits what is held back.
func (r *Restorer) Close() {
	if r.buf.Len() > 0 {
		r.emit(r.m.Restore(r.buf.String()))
		r.buf.Reset()
	}
}

func profileText(p *bio.Profile) string {
	var b strings.Builder
	for _, s := range []string{p.Name, p.CurrentRole, p.Company, p.Location, p.ExperienceSummary} {
		b.WriteString(s + "\n")
	}
	for _, l := range [][]string{p.Skills, p.Achievements, p.Certifications, p.Languages} {
		b.WriteString(strings.Join(l, "\n") + "\n")
	}
	for _, e := range p.Experience {
		b.WriteString(e.Title + "\n" + e.Company + "\n" + e.Summary + "\n")
	}
	for _, e := range p.Education {
		b.WriteString(e.School + "\n" + e.Degree + "\n" + e.Field + "\n")
	}
	return b.String()
}

func fieldsOf(p *bio.Profile) []string {
	var f []string
	add := func(name string, present bool) {
		if present {
			f = append(f, name)
		}
	}
	add("name", p.Name != "")
	add("pronouns", p.Pronouns != "")
	add("current_role", p.CurrentRole != "")
	add("company", p.Company != "")
	add("location", p.Location != "")
	add("years_experience", p.YearsExperience != nil)
	add("experience", len(p.Experience) > 0)
	add("experience_summary", p.ExperienceSummary != "")
	add("skills", len(p.Skills) > 0)
	add("achievements", len(p.Achievements) > 0)
	add("education", len(p.Education) > 0)
	add("certifications", len(p.Certifications) > 0)
	add("languages", len(p.Languages) > 0)
	sort.Strings(f)
	return f
}
