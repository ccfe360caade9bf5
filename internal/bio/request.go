// Package bio is biogen's domain: the request for a bio (a person's profile and
// the options for the text), its validation and normalisation, and the facts
// about bios that every other package shares (word ranges, pronouns, persons).
//
// It imports nothing of biogen's and nothing about HTTP or storage; a test
// keeps it that way.
package bio

import (
	"strconv"
	"strings"
)

// Request is one validated, normalised request for a bio.
//
// A Request made by Decode is normalised (see Normalize) and has its defaults
// applied. The zero value is not a valid request. A Request is used by one
// goroutine at a time, not concurrently: WithoutInstructions remembers in
// it that the profile holds no instruction.
type Request struct {
	UserID     string  `json:"user_id"`
	Profile    Profile `json:"profile"`
	Options    Options `json:"options"`
	Regenerate bool    `json:"regenerate,omitempty"`
	Stream     bool    `json:"stream,omitempty"`

	// noInstructions records that the profile holds no text that reads as
	// an instruction to a model, once WithoutInstructions has looked (or
	// made this copy without them).
	noInstructions bool
}

// Profile is what is known about the person. Only Name and CurrentRole are
// required; every other field may be empty.
type Profile struct {
	Name              string       `json:"name"`
	Pronouns          string       `json:"pronouns,omitempty"`
	CurrentRole       string       `json:"current_role"`
	Company           string       `json:"company,omitempty"`
	Location          string       `json:"location,omitempty"`
	YearsExperience   *int         `json:"years_experience,omitempty"`
	Experience        []Experience `json:"experience,omitempty"`
	ExperienceSummary string       `json:"experience_summary,omitempty"`
	Skills            []string     `json:"skills,omitempty"`
	Achievements      []string     `json:"achievements,omitempty"`
	Education         []Education  `json:"education,omitempty"`
	Certifications    []string     `json:"certifications,omitempty"`
	Languages         []string     `json:"languages,omitempty"`
}

// Experience is one earlier or current position.
type Experience struct {
	Title   string `json:"title,omitempty"`
	Company string `json:"company,omitempty"`
	// Start and End are "YYYY" or "YYYY-MM". An empty End means current.
	Start   string `json:"start,omitempty"`
	End     string `json:"end,omitempty"`
	Summary string `json:"summary,omitempty"`
}

// Current reports whether the position has no end date.
func (e Experience) Current() bool { return e.End == "" }

// Dated returns the parsed start and end (end is zero for a current entry).
// ok is false when there is no valid start or the end is before the start.
func (e Experience) Dated() (start, end YearMonth, ok bool) {
	start, ok = ParseYearMonth(e.Start)
	if !ok {
		return start, end, false
	}
	if e.End == "" {
		return start, end, true
	}
	end, ok = ParseYearMonth(e.End)
	return start, end, ok && end.months(true) >= start.months(false)
}

// Education is one degree or course of study. Year is 0 when not given.
type Education struct {
	School string `json:"school,omitempty"`
	Degree string `json:"degree,omitempty"`
	Field  string `json:"field,omitempty"`
	Year   int    `json:"year,omitempty"`
}

// Tone is the register of the text.
type Tone string

// Length is the requested size of the text; see Range.
type Length string

// Format is the layout of the text.
type Format string

// Perspective is the grammatical person the text is written in.
type Perspective string

// The values of the options, as the API spells them.
const (
	ToneFormal Tone = "formal"
	ToneCasual Tone = "casual"

	LengthShort  Length = "short"
	LengthMedium Length = "medium"
	LengthLong   Length = "long"

	FormatParagraph Format = "paragraph"
	FormatBullets   Format = "bullets"

	PerspectiveThird Perspective = "third"
	PerspectiveFirst Perspective = "first"
)

// Options say how the bio is to be written. Decode fills in the defaults.
type Options struct {
	Tone        Tone        `json:"tone"`
	Length      Length      `json:"length"`
	Format      Format      `json:"format"`
	Perspective Perspective `json:"perspective"`
	// Language is a canonical BCP 47 tag such as "en" or "pt-BR".
	Language string `json:"language"`
}

// DefaultOptions are the options of a request that gives none.
var DefaultOptions = Options{
	Tone:        ToneFormal,
	Length:      LengthMedium,
	Format:      FormatParagraph,
	Perspective: PerspectiveThird,
	Language:    "en",
}

// Range returns the contract's inclusive word range for l.
func (l Length) Range() (min, max int) {
	switch l {
	case LengthShort:
		return 50, 80
	case LengthLong:
		return 250, 350
	default:
		return 150, 200
	}
}

// English reports whether the requested language is English (any region).
func (o Options) English() bool {
	return o.Language == "en" || strings.HasPrefix(o.Language, "en-")
}

// Flags are the signals about a text that the contract lists.
const (
	FlagNeedsReview      = "needs_review"
	FlagUnverifiedFacts  = "unverified_facts"
	FlagSparseProfile    = "sparse_profile"
	FlagLanguageFallback = "language_fallback"
)

// YearMonth is a parsed "YYYY" or "YYYY-MM" date. Month is 0 when only the
// year was given.
type YearMonth struct {
	Year, Month int
}

// ParseYearMonth parses "YYYY" or "YYYY-MM" with a year in 1900..2100.
func ParseYearMonth(s string) (YearMonth, bool) {
	var ym YearMonth
	switch len(s) {
	case 4:
	case 7:
		if s[4] != '-' {
			return ym, false
		}
		m, err := strconv.Atoi(s[5:])
		if err != nil || m < 1 || m > 12 || s[5] == '+' || s[5] == '-' {
			return ym, false
		}
		ym.Month = m
	default:
		return ym, false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ym, false
		}
	}
	ym.Year, _ = strconv.Atoi(s[:4])
	if ym.Year < 1900 || ym.Year > 2100 {
		return ym, false
	}
	return ym, true
}

// months counts months since year 0, taking a missing month as January for a
// start and December for an end.
func (ym YearMonth) months(end bool) int {
	m := ym.Month
	if m == 0 {
		m = 1
		if end {
			m = 12
		}
	}
	return ym.Year*12 + m - 1
}
