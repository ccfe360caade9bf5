package bio

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TextKind says what kind of text a profile field holds, for the packages
// that read or rewrite every text of a profile (pseudonymisation, output
// checks, the cache's facts, the template writer).
type TextKind uint8

// The kinds of profile text.
const (
	// TextName is the person's name.
	TextName TextKind = iota
	// TextPronouns is the pronouns field.
	TextPronouns
	// TextLabel is a short, name-like value: a role, a company, a place, a
	// skill, a school, a degree, a field, a certification, a language.
	TextLabel
	// TextDate is an experience entry's start or end ("YYYY" or "YYYY-MM").
	TextDate
	// TextFree is free text: the summaries and the achievements.
	TextFree
)

// TextField names one text field of a profile.
type TextField struct {
	// Name is the field's JSON name, with its parent's for fields of list
	// entries: "name", "skills", "experience.title", "education.school".
	Name string
	// Index is the item's index for list fields, else -1.
	Index int
	Kind  TextKind
}

// Title reports whether the field is a job title (the current role or an
// experience entry's title), where abbreviations such as "Sr." are usual.
func (f TextField) Title() bool { return f.Name == "current_role" || f.Name == "experience.title" }

// EachText calls fn with every text field of p and a pointer to its value,
// in a fixed order, empty values included. It is the one list of the
// profile's texts: a package that must see every text (pseudonymisation
// above all) walks them here, and a test fails when a field is added to
// Profile and not walked. fn may change the value through the pointer; the
// caller must own p's slices (see Clone) to do so. Numbers (years) are not
// texts and are not walked.
func (p *Profile) EachText(fn func(f TextField, s *string)) {
	fn(TextField{"name", -1, TextName}, &p.Name)
	fn(TextField{"pronouns", -1, TextPronouns}, &p.Pronouns)
	fn(TextField{"current_role", -1, TextLabel}, &p.CurrentRole)
	fn(TextField{"company", -1, TextLabel}, &p.Company)
	fn(TextField{"location", -1, TextLabel}, &p.Location)
	fn(TextField{"experience_summary", -1, TextFree}, &p.ExperienceSummary)
	for i := range p.Experience {
		e := &p.Experience[i]
		fn(TextField{"experience.title", i, TextLabel}, &e.Title)
		fn(TextField{"experience.company", i, TextLabel}, &e.Company)
		fn(TextField{"experience.start", i, TextDate}, &e.Start)
		fn(TextField{"experience.end", i, TextDate}, &e.End)
		fn(TextField{"experience.summary", i, TextFree}, &e.Summary)
	}
	eachItem(p.Skills, "skills", TextLabel, fn)
	eachItem(p.Achievements, "achievements", TextFree, fn)
	for i := range p.Education {
		e := &p.Education[i]
		fn(TextField{"education.school", i, TextLabel}, &e.School)
		fn(TextField{"education.degree", i, TextLabel}, &e.Degree)
		fn(TextField{"education.field", i, TextLabel}, &e.Field)
	}
	eachItem(p.Certifications, "certifications", TextLabel, fn)
	eachItem(p.Languages, "languages", TextLabel, fn)
}

func eachItem(items []string, name string, kind TextKind, fn func(TextField, *string)) {
	for i := range items {
		fn(TextField{name, i, kind}, &items[i])
	}
}

// Clone returns a deep copy of p: its slices are its own, so the copy's
// texts can be rewritten without touching p.
func (p *Profile) Clone() Profile {
	c := *p
	if p.YearsExperience != nil {
		y := *p.YearsExperience
		c.YearsExperience = &y
	}
	c.Experience = slices.Clone(p.Experience)
	c.Skills = slices.Clone(p.Skills)
	c.Achievements = slices.Clone(p.Achievements)
	c.Education = slices.Clone(p.Education)
	c.Certifications = slices.Clone(p.Certifications)
	c.Languages = slices.Clone(p.Languages)
	return c
}

// Fold returns s in the form that detection and comparison read: Unicode
// NFKC (full-width letters and digits, ligatures and compatibility forms
// become their plain forms, so "ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ" is an e-mail address)
// with invisible format characters removed (zero-width spaces and joiners,
// soft hyphens, word joiners, bidi marks), so that they cannot split a word
// or an address. Letters of every script stay; case is kept.
func Fold(s string) string {
	if isPlainASCII(s) {
		return s
	}
	s = norm.NFKC.String(s)
	if !strings.ContainsFunc(s, Invisible) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if Invisible(r) {
			return -1
		}
		return r
	}, s)
}

// Invisible reports whether r is a character that prints as nothing: a
// format character (Unicode category Cf: zero-width space, joiners, soft
// hyphen, word joiner, bidi marks, the byte order mark) or a variation
// selector. Such characters can hide an identifier from a detector that
// reads the text as written.
func Invisible(r rune) bool {
	if r < utf8.RuneSelf {
		return false
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || r == '\u034F' || (r >= '\u115F' && r <= '\u1160') || r == '\u3164' || r == '\uFFA0'
}
