package writer

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// joinList writes "Go", "Go and Kafka", "Go, Kafka and PostgreSQL".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// article returns "a" or "an" for the word that follows, by its sound:
// "an MBA", "a PhD", "an engineer", "a university".
func article(next string) string {
	w, _, _ := strings.Cut(next, " ")
	if w == "" {
		return "a"
	}
	r, _ := utf8.DecodeRuneInString(w)
	lower := strings.ToLower(w)
	if isAcronym(w) {
		// Letters whose names start with a vowel sound.
		if strings.ContainsRune("AEFHILMNORSX", unicode.ToUpper(r)) {
			return "an"
		}
		return "a"
	}
	for _, p := range []string{"uni", "use", "usu", "uti", "eu", "one", "once"} {
		if strings.HasPrefix(lower, p) {
			return "a"
		}
	}
	for _, p := range []string{"hour", "honor", "honour", "heir"} {
		if strings.HasPrefix(lower, p) {
			return "an"
		}
	}
	if strings.ContainsRune("aeiouAEIOU", r) {
		return "an"
	}
	return "a"
}

// isAcronym reports whether w reads letter by letter: "MBA", "PhD", "MSc",
// "BEng", "FP&A".
func isAcronym(w string) bool {
	upper, n := 0, 0
	for _, r := range w {
		if unicode.IsLetter(r) {
			n++
			if unicode.IsUpper(r) {
				upper++
			}
		}
	}
	return n > 1 && upper >= 2 || (n >= 1 && n <= 3 && upper == n)
}

// irregularPast are the past-tense verbs without "-ed" that achievements and
// job summaries commonly start with.
var irregularPast = map[string]bool{
	"built": true, "rebuilt": true, "cut": true, "led": true, "ran": true, "won": true,
	"grew": true, "drove": true, "made": true, "wrote": true, "took": true, "set": true,
	"brought": true, "began": true, "sold": true, "taught": true, "oversaw": true,
	"kept": true, "held": true, "gave": true, "found": true, "spun": true, "shut": true,
	"put": true, "sped": true, "beat": true, "became": true, "broke": true, "chose": true,
	"dealt": true, "felt": true, "fought": true, "got": true, "hit": true, "lent": true,
	"meant": true, "met": true, "paid": true, "read": true, "rode": true, "rose": true,
	"saw": true, "sent": true, "shot": true, "spent": true, "stood": true, "struck": true,
	"swept": true, "thought": true, "threw": true, "understood": true, "undertook": true,
	"overcame": true, "outgrew": true, "co-led": true, "co-wrote": true, "co-built": true,
	"spearheaded": true, "upheld": true, "withstood": true,
}

var notVerbs = map[string]bool{
	"red": true, "bed": true, "need": true, "speed": true, "seed": true, "feed": true,
	"shed": true, "fed": true, "wed": true, "ted": true, "ned": true, "reed": true,
	"greed": true, "breed": true, "creed": true, "embed": true, "hundred": true, "sacred": true,
	"naked": true, "wicked": true, "wretched": true, "rugged": true, "beloved": true,
	"united": true, "limited": true, "advanced": true, "automated": true, "distributed": true,
	"integrated": true, "managed": true, "red-team": true,
}

// startsWithPastVerb reports whether text opens with a past-tense verb, as
// in "Cut claims processing time...", so that it can follow a subject:
// "She cut claims processing time...".
func startsWithPastVerb(text string) bool {
	w, rest, _ := strings.Cut(text, " ")
	if rest == "" || !isTitleWord(w) {
		return false
	}
	lw := strings.ToLower(w)
	if notVerbs[lw] {
		return false
	}
	return irregularPast[lw] || (len(lw) > 4 && strings.HasSuffix(lw, "ed"))
}

// isTitleWord reports whether w is a capitalised word such as "Led" or
// "Co-founded" (not "AWS", not "iOS", not "Kubernetes-ready" proper nouns
// are told apart by the verb test, not here).
func isTitleWord(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	for _, c := range w[size:] {
		if unicode.IsUpper(c) || unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

// lowerFirst turns "Led the migration" into "led the migration". It is only
// called on text that startsWithPastVerb accepted.
func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}

// upperFirst capitalises the first letter of a sentence.
func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// sentence makes s end with one full stop, unless it ends with other final
// punctuation already.
func sentence(s string) string {
	s = strings.TrimRight(s, " ;,:")
	if s == "" {
		return s
	}
	switch s[len(s)-1] {
	case '.', '!', '?':
		return s
	}
	return s + "."
}

// trimStop removes a final full stop so that s can be embedded in a
// sentence.
func trimStop(s string) string {
	return strings.TrimRight(s, ". ")
}

var monthNames = [...]string{"", "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December"}

// dateText writes "March 2016", or "2016" when the month is unknown or
// withMonth is false.
func dateText(ym bio.YearMonth, withMonth bool) string {
	y := strconv.Itoa(ym.Year)
	if ym.Month == 0 || !withMonth {
		return y
	}
	return monthNames[ym.Month] + " " + y
}

// possessiveOf writes "Ada Okafor's" or "James's".
func possessiveOf(name string) string {
	return name + "'s"
}
