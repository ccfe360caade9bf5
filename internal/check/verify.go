package check

import (
	"fmt"
	"iter"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// Problem names why a text was rejected.
type Problem string

// The problems Verify finds.
const (
	ProblemEmpty       Problem = "empty"
	ProblemTooLong     Problem = "too_long"
	ProblemTooShort    Problem = "too_short"
	ProblemPerson      Problem = "wrong_person"
	ProblemPronouns    Problem = "wrong_pronouns"
	ProblemName        Problem = "missing_name"
	ProblemEcho        Problem = "echoed_prompt"
	ProblemPlaceholder Problem = "placeholder"
	ProblemFormat      Problem = "wrong_format"
)

// Error is a rejected text. Its message is safe to log and to send back to
// the model as a correction: it never quotes the text.
type Error struct {
	Problem Problem
	Detail  string
}

func (e *Error) Error() string { return string(e.Problem) + ": " + e.Detail }

// Correction is the instruction given to the model for a second try.
func (e *Error) Correction() string {
	return "Your previous answer was rejected (" + e.Detail + "). Write the bio again, following every instruction, and answer with the bio text only."
}

var (
	echoMarkers = []string{"<profile>", "</profile>", `"current_role"`, `"experience_summary"`, "you are biogen",
		"rules you always follow", "bcp 47", "perspective:", "format:", "tone:"}
	placeholderRE = regexp.MustCompile(`\{\{|\}\}|<no value>|%!|\[(?:[A-Z][A-Za-z]*)(?: [A-Za-z]+){0,3}\]|\{[a-z_]{2,30}\}|<[a-z_]{2,30}>|\bX{3,}\b|\bTBD\b|\bN/A\b|\blorem ipsum\b`)
)

// Verify checks a cleaned bio against its request. thin, called only for a
// text below the word range, says whether the profile is too thin for the
// requested length (as the template writer judges it), so that the text is
// flagged sparse_profile instead of rejected. It returns the flags to add,
// or an *Error.
func Verify(req *bio.Request, text string, thin func() bool, now time.Time) ([]string, error) {
	o, p := req.Options, &req.Profile
	if strings.TrimSpace(text) == "" {
		return nil, &Error{ProblemEmpty, "the answer was empty"}
	}
	lower := strings.ToLower(text)
	for _, m := range echoMarkers {
		if strings.Contains(lower, m) {
			return nil, &Error{ProblemEcho, "it repeated the instructions or the profile data"}
		}
	}
	if mayHavePlaceholder(text) {
		if m := placeholderRE.FindString(text); m != "" && !strings.Contains(profileText(p), m) {
			return nil, &Error{ProblemPlaceholder, "it contained a placeholder such as [Name] or {{...}} instead of the facts"}
		}
	}
	var flags []string
	min, max := o.Length.Range()
	n := bio.WordCount(text)
	switch {
	case n > max:
		return nil, &Error{ProblemTooLong, fmt.Sprintf("it had %d words; the limit is %d", n, max)}
	case n < min && !thin():
		return nil, &Error{ProblemTooShort, fmt.Sprintf("it had %d words; write %d to %d", n, min, max)}
	case n < min:
		flags = append(flags, bio.FlagSparseProfile)
	}
	if o.Format == bio.FormatBullets {
		for _, line := range strings.Split(text, "\n") {
			if !strings.HasPrefix(line, "- ") {
				return nil, &Error{ProblemFormat, `every line must be a bullet starting with "- "`}
			}
		}
	}
	// The person checks read the bio's own words: rest() masks the
	// profile's name-like values ("I Love NY Inc.", a skill "US GAAP").
	// Masking only ever removes words, so a check that finds nothing in the
	// text finds nothing in rest() either and the mask, a fifth of Verify
	// for a long profile, is made only when a check finds something.
	masked, isMasked := "", false
	rest := func() string {
		if !isMasked {
			masked, isMasked = maskProfile(text, p), true
		}
		return masked
	}
	if !o.English() {
		// The person and pronoun checks read English words; for another
		// language only the checks above apply.
		if !strings.Contains(lower, strings.ToLower(p.Name)) && o.Perspective == bio.PerspectiveThird {
			return nil, &Error{ProblemName, "it did not name the person by the full name in the profile"}
		}
		return flags, nil
	}
	if o.Perspective == bio.PerspectiveThird {
		if bio.HasPersonWord(text, bio.FirstPersonWords, nil) && bio.HasPersonWord(rest(), bio.FirstPersonWords, nil) {
			return nil, &Error{ProblemPerson, "it was written in the first person; write in the third person"}
		}
		if !strings.Contains(lower, strings.ToLower(p.Name)) {
			return nil, &Error{ProblemName, "it did not name the person by the full name in the profile"}
		}
		own := bio.ParsePronouns(p.Pronouns)
		if otherPronouns(text, own) {
			if err := checkPronouns(rest(), own); err != nil {
				return nil, err
			}
		}
	} else {
		first := []string{"i", "i'm", "i've", "my", "me"}
		if !bio.HasPersonWord(text, first, nil) || !bio.HasPersonWord(rest(), first, nil) {
			return nil, &Error{ProblemPerson, `it was not written in the first person ("I", "my")`}
		}
		if startsSentenceWith(text, bio.ThirdPersonWords) && startsSentenceWith(rest(), bio.ThirdPersonWords) {
			return nil, &Error{ProblemPerson, "it spoke of the person in the third person; write as the person"}
		}
	}
	if unverified(text, p, now) {
		flags = append(flags, bio.FlagUnverifiedFacts)
	}
	return flags, nil
}

// mayHavePlaceholder is a cheap test that spares most texts the regexp.
func mayHavePlaceholder(text string) bool {
	return strings.ContainsAny(text, "{}[]<") || strings.Contains(text, "%!") || strings.Contains(text, "XXX") || strings.Contains(text, "TBD") ||
		strings.Contains(text, "N/A") || strings.Contains(text, "orem ipsum")
}

// gendered are the pronoun sets checkPronouns counts, subject first; "they"
// is left out: it often means others (a team, customers).
var gendered = [][]string{
	{"she", "her", "hers", "herself"},
	{"he", "him", "his", "himself"},
}

// pronounSized yields the words of text that may be pronouns, as
// checkPronouns and otherPronouns read them: trimmed of what is not a
// letter, two to ten bytes long, in their own case.
func pronounSized(text string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for f := range strings.FieldsSeq(text) {
			f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })
			if n := len(f); n >= 2 && n <= 10 && !yield(f) {
				return
			}
		}
	}
}

// otherPronouns reports whether text has any gendered pronoun outside the
// person's own set: without one, checkPronouns has nothing to reject.
func otherPronouns(text string, own bio.Pronouns) bool {
	for f := range pronounSized(text) {
		for _, set := range gendered {
			if set[0] == own.Subject {
				continue
			}
			for _, x := range set {
				if strings.EqualFold(f, x) {
					return true
				}
			}
		}
	}
	return false
}

// checkPronouns rejects a third-person text that uses another set of
// pronouns for its subject more than the person's own.
func checkPronouns(text string, own bio.Pronouns) error {
	// Lower-cased pronoun-sized words only: the counts below need no more.
	var words []string
	for f := range pronounSized(text) {
		words = append(words, strings.ToLower(f))
	}
	count := func(set []string) int {
		n := 0
		for _, w := range words {
			for _, x := range set {
				if w == x {
					n++
				}
			}
		}
		return n
	}
	ownCount := count(own.Words())
	for _, s := range gendered {
		subject, set := s[0], s
		if subject == own.Subject {
			continue
		}
		other := count(set)
		if other > 0 && other >= ownCount {
			if own.Known() {
				return &Error{ProblemPronouns, "it used pronouns other than " + own.Subject + "/" + own.Object}
			}
			return &Error{ProblemPronouns, "it used gendered pronouns; the profile gives none, so use the name"}
		}
	}
	return nil
}

// startsSentenceWith reports whether a sentence starts with one of words.
func startsSentenceWith(text string, words []string) bool {
	start := true
	for _, f := range strings.Fields(text) {
		if start {
			w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }))
			for _, x := range words {
				if w == x {
					return true
				}
			}
		}
		start = strings.HasSuffix(f, ".") || strings.HasSuffix(f, "!") || strings.HasSuffix(f, "?") || f == "-"
	}
	return false
}

// maskProfile replaces the profile's name-like values, which may hold words
// such as "I" or "US", so the person checks read only the bio's own words.
func maskProfile(text string, p *bio.Profile) string {
	for _, v := range p.NameLikeValues() {
		if v != "" {
			text = strings.ReplaceAll(text, v, "Q")
		}
	}
	return text
}

// profileText is every text of the profile, for looking facts up.
func profileText(p *bio.Profile) string {
	var b strings.Builder
	for _, v := range p.NameLikeValues() {
		b.WriteString(v)
		b.WriteByte('\n')
	}
	for _, v := range append([]string{p.Pronouns, p.ExperienceSummary}, p.Achievements...) {
		b.WriteString(v)
		b.WriteByte('\n')
	}
	for _, e := range p.Experience {
		b.WriteString(e.Summary + "\n" + e.Start + "\n" + e.End + "\n")
	}
	for _, e := range p.Education {
		b.WriteString(strconv.Itoa(e.Year))
		b.WriteByte('\n')
	}
	if p.YearsExperience != nil {
		b.WriteString(strconv.Itoa(*p.YearsExperience))
		b.WriteByte('\n')
	}
	return b.String()
}

// commonCapitalised are capitalised words a bio may use that are not claims:
// pronouns, months, days, and words that start a sentence.
var commonCapitalised = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`I I'm I've My Me She He They Her His Their Xe As In At With From Since Before After During
		Today Currently Previously Earlier Later Over Across Among Beyond Outside Throughout Along Prior
		January February March April May June July August September October November December
		Monday Tuesday Wednesday Thursday Friday Saturday Sunday The A An This That These Those Known Based
		Skilled Passionate Outside Beyond Notably Additionally Furthermore Moreover Also Together Whether When While
		Hi Hello Meet Say Hey English`) {
		commonCapitalised[w] = true
	}
}

// unverified reports whether text states a number, or a run of capitalised
// words (an organisation, a title, an award), that the profile does not hold.
func unverified(text string, p *bio.Profile, now time.Time) bool {
	facts := strings.ToLower(profileText(p))
	years, hasYears := p.ExperienceYears(now)
	yearsText := strconv.Itoa(years)
	for _, num := range numbers(text) {
		if hasYears && num == yearsText {
			continue
		}
		if !strings.Contains(facts, strings.ToLower(num)) {
			return true
		}
	}
	for _, phrase := range capitalisedPhrases(text) {
		if !strings.Contains(facts, strings.ToLower(phrase)) {
			return true
		}
	}
	return false
}

// numbers returns the runs of digits in text, with the '.' and ',' between
// digits ("1.2", "10,000").
func numbers(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		if text[i] < '0' || text[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(text) && (text[j] >= '0' && text[j] <= '9' || ((text[j] == '.' || text[j] == ',') && j+1 < len(text) && text[j+1] >= '0' && text[j+1] <= '9')) {
			j++
		}
		out = append(out, text[i:j])
		i = j
	}
	return out
}

// capitalisedPhrases returns runs of capitalised words that do not start a
// sentence: "Acme Corp", "Employee of the Year" is read as "Employee", "Year".
func capitalisedPhrases(text string) []string {
	var out []string
	var run []string
	flush := func() {
		if len(run) > 0 {
			out = append(out, strings.Join(run, " "))
			run = run[:0]
		}
	}
	sentenceStart := true
	for f := range strings.FieldsSeq(text) {
		w := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&' })
		r, _ := utf8.DecodeRuneInString(w)
		capital := w != "" && unicode.IsUpper(r)
		if capital && !sentenceStart && !commonCapitalised[w] {
			run = append(run, w)
		} else {
			flush()
		}
		if strings.HasSuffix(f, ",") || strings.HasSuffix(f, ";") || strings.HasSuffix(f, ":") {
			flush()
		}
		sentenceStart = f == "-" || strings.HasSuffix(f, ".") || strings.HasSuffix(f, "!") || strings.HasSuffix(f, "?") || strings.HasSuffix(f, ":")
	}
	flush()
	return out
}
