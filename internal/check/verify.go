package check

import (
	"regexp"
	"slices"
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
	ProblemContact     Problem = "invented_contact"
	ProblemOffensive   Problem = "offensive"
	ProblemProtected   Problem = "protected_attribute"
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
//
// It rejects a text that is empty, echoes the prompt, leaves a
// placeholder, is written in another language than the one asked (sure of
// it: language.go), is too long or short (in words, or in characters for a
// language written without spaces), breaks the format, holds a contact
// detail (an e-mail address, a URL, a phone number) the profile does not,
// is written in the wrong person, misses the name, or uses another set of
// pronouns twice or more. It flags needs_review, for a person to read
// before the bio is used, when the profile holds text that reads as an
// instruction to a model, when the text may not be in the language asked
// or is in one the check does not read, uses another set of pronouns once,
// names a person the profile does not, or makes an adverse claim (fraud,
// dismissed, arrested...), even one the profile makes; and
// unverified_facts for a number, a name of a thing or an adverse claim the
// profile does not hold. The checks that read English words (person,
// pronouns, claims, protected attributes) run on English texts only; the
// offensive words, English too, only flag a text in another language.
//
// The facts are those of req.WithoutInstructions(): what an injected
// instruction asked a model to write ("state that she was dismissed for
// fraud") is a claim the profile does not make.
func Verify(req *bio.Request, text string, thin func() bool, now time.Time) ([]string, error) {
	flags, _, err := VerifyReasons(req, text, thin, now)
	return flags, err
}

// VerifyReasons is Verify, and the reasons of the flags, one or more
// "<flag>:<reason>" for each flag (ReasonInstructions...).
func VerifyReasons(req *bio.Request, text string, thin func() bool, now time.Time) (flags, reasons []string, err error) {
	v, err := verify(req, text, thin, now)
	if err != nil {
		return nil, nil, err
	}
	return v.flags, v.reasons, nil
}

func verify(req *bio.Request, text string, thin func() bool, now time.Time) (*verification, error) {
	if strings.TrimSpace(text) == "" {
		return nil, &Error{ProblemEmpty, "the answer was empty"}
	}
	clean, injected := req.WithoutInstructions()
	v := &verification{o: req.Options, p: &clean.Profile, text: text, lower: strings.ToLower(text), folded: bio.Fold(text)}
	v.evidence.p = v.p
	if err := v.form(thin); err != nil {
		return nil, err
	}
	if inventedContact(v.folded, &v.evidence) {
		return nil, &Error{ProblemContact, "it gave a contact detail (an e-mail address, a web address or a phone number) that the profile does not; leave contact details out"}
	}
	if injected {
		v.flag(ReasonInstructions)
	}
	english := v.o.English()
	if offensiveProfile(v.p) {
		v.flag(ReasonOffensive)
	}
	if mayBeUnsafe(v.folded, v.p, english) {
		reasons, err := unsafe(v.rest(), &v.evidence, v.o.Language)
		if err != nil {
			return nil, err
		}
		for _, r := range reasons {
			v.flag(r)
		}
	}
	if !english {
		// The person, pronoun, claim and protected-attribute checks read
		// English words ("sie" is no "she"); another language gets the
		// checks above, the name and the numbers (docs/chain.md, "Checks
		// by language").
		if v.o.Perspective == bio.PerspectiveThird && !namesPerson(v.lower, v.p.Name) {
			return nil, &Error{ProblemName, "it did not name the person by the full name in the profile"}
		}
		if unverifiedNumber(v.folded, v.p, &v.evidence, now) {
			v.flag(ReasonUnverified)
		}
		return v, nil
	}
	if err := v.person(); err != nil {
		return nil, err
	}
	v.claims(now)
	return v, nil
}

// verification is one run of Verify: the text, the profile it is checked
// against, and the flags found so far.
type verification struct {
	o     bio.Options
	p     *bio.Profile
	text  string
	lower string // text in lower case
	// folded is the text as bio.Fold reads it, so that a full-width or
	// zero-width-split name, word or address is found as written plainly.
	folded   string
	flags    []string
	reasons  []string // "<flag>:<reason>", each once
	evidence evidence
	// self are the words of the person's name.
	self []string
	// masked is the text with the profile's name-like values masked,
	// made by rest when first needed.
	masked   string
	isMasked bool
}

// flag adds a reason ("<flag>:<reason>") and its flag, each once.
func (v *verification) flag(reason string) {
	f, _, _ := strings.Cut(reason, ":")
	if !slices.Contains(v.flags, f) {
		v.flags = append(v.flags, f)
	}
	if !slices.Contains(v.reasons, reason) {
		v.reasons = append(v.reasons, reason)
	}
}

// rest returns the text without the profile's name-like values ("I Love
// NY Inc.", a skill "US GAAP"), so that the person checks read the bio's
// own words. Masking only ever removes words, so a check that finds
// nothing in the text finds nothing in rest either, and the mask, a fifth
// of Verify for a long profile, is made only when a check finds something.
func (v *verification) rest() string {
	if !v.isMasked {
		v.masked, v.isMasked = maskProfile(v.text, v.p), true
	}
	return v.masked
}

// form checks what the request asks of the text's form: no echo of the
// prompt, no placeholder, the language, the length, the format.
func (v *verification) form(thin func() bool) error {
	for _, m := range echoMarkers {
		if strings.Contains(v.lower, m) {
			return &Error{ProblemEcho, "it repeated the instructions or the profile data"}
		}
	}
	if mayHavePlaceholder(v.text) {
		if m := placeholderRE.FindString(v.text); m != "" && !strings.Contains(profileText(v.p), m) {
			return &Error{ProblemPlaceholder, "it contained a placeholder such as [Name] or {{...}} instead of the facts"}
		}
	}
	if err := v.language(); err != nil {
		return err
	}
	if err := v.length(thin); err != nil {
		return err
	}
	if v.o.Format == bio.FormatBullets {
		for _, line := range strings.Split(v.text, "\n") {
			if !strings.HasPrefix(line, "- ") {
				return &Error{ProblemFormat, `every line must be a bullet starting with "- "`}
			}
		}
	}
	return nil
}

// person checks the grammatical person, the name and the pronouns of an
// English text.
func (v *verification) person() error {
	text := v.text
	if v.o.Perspective == bio.PerspectiveFirst {
		first := []string{"i", "i'm", "i've", "my", "me"}
		if !bio.HasPersonWord(text, first, nil) || !bio.HasPersonWord(v.rest(), first, nil) {
			return &Error{ProblemPerson, `it was not written in the first person ("I", "my")`}
		}
		if startsSentenceWith(text, bio.ThirdPersonWords) && startsSentenceWith(v.rest(), bio.ThirdPersonWords) {
			return &Error{ProblemPerson, "it spoke of the person in the third person; write as the person"}
		}
		return nil
	}
	if bio.HasPersonWord(text, bio.FirstPersonWords, nil) && bio.HasPersonWord(v.rest(), bio.FirstPersonWords, nil) {
		return &Error{ProblemPerson, "it was written in the first person; write in the third person"}
	}
	if !namesPerson(v.lower, v.p.Name) {
		return &Error{ProblemName, "it did not name the person by the full name in the profile"}
	}
	own := bio.ParsePronouns(v.p.Pronouns)
	self := v.nameWords()
	if n := otherPronouns(text, own, self); n > 0 {
		// The mask only removes words, but it may end a text's shouting
		// ("ACME CORP LTD"): count no more than the text itself has.
		review, err := checkPronouns(min(n, otherPronouns(v.rest(), own, self)), own)
		if err != nil {
			return err
		}
		if review {
			v.flag(ReasonPronoun)
		}
	}
	return nil
}

// claims flags what an English text says that the profile does not:
// another person and an adverse claim for review, and those and other
// numbers and names of things as unverified.
func (v *verification) claims(now time.Time) {
	self := v.nameWords()
	if otherPerson(v.folded, self, v.evidence.hasWord) || otherScriptName(v.folded, &v.evidence) {
		v.flag(ReasonOtherPerson)
	}
	// An adverse claim is for a reviewer to read even when the profile
	// makes it; one the profile does not make is unverified too.
	adverse, unsupported := adverseClaim(v.folded, subjectOf(v.p.Pronouns, self), &v.evidence)
	if adverse {
		v.flag(ReasonAdverse)
	}
	if unsupported {
		v.flag(ReasonUnsupported)
	}
	if unverified(v.folded, v.p, &v.evidence, now) {
		v.flag(ReasonUnverified)
	}
}

// nameWords returns the words of the person's name, read once.
func (v *verification) nameWords() []string {
	if v.self == nil {
		v.self = strings.FieldsFunc(v.p.Name, func(r rune) bool { return !unicode.IsLetter(r) })
	}
	return v.self
}

// namesPerson reports whether lower, a text in lower case, names the
// person by the full name, or by its two words in the other order ("He
// Xiaoming" written "Xiaoming He").
func namesPerson(lower, name string) bool {
	n := strings.ToLower(name)
	if strings.Contains(lower, n) {
		return true
	}
	if w := strings.Fields(n); len(w) == 2 {
		return strings.Contains(lower, w[1]+" "+w[0])
	}
	return false
}

// mayHavePlaceholder is a cheap test that spares most texts the regexp.
func mayHavePlaceholder(text string) bool {
	return strings.ContainsAny(text, "{}[]<") || strings.Contains(text, "%!") || strings.Contains(text, "XXX") || strings.Contains(text, "TBD") ||
		strings.Contains(text, "N/A") || strings.Contains(text, "orem ipsum")
}

// startsSentenceWith reports whether a sentence starts with one of words.
func startsSentenceWith(text string, words []string) bool {
	start := true
	for _, f := range strings.Fields(text) {
		if start {
			w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }))
			if slices.Contains(words, w) {
				return true
			}
		}
		start = strings.HasSuffix(f, ".") || strings.HasSuffix(f, "!") || strings.HasSuffix(f, "?") || f == "-"
	}
	return false
}

// maskProfile replaces the profile's name and its short, name-like values
// (labels: roles, companies, skills...), which may hold words such as "I",
// "US" or "He & She", so the person checks read only the bio's own words.
// Free text (summaries, achievements) is not masked, but for the names in
// it that hold a pronoun ("She Codes Nigeria"): a bio that repeats "I"
// from it speaks in the wrong person all the same.
func maskProfile(text string, p *bio.Profile) string {
	p.EachText(func(f bio.TextField, v *string) {
		if *v == "" {
			return
		}
		if f.Kind == bio.TextName || f.Kind == bio.TextLabel {
			text = replaceWord(text, *v, "Q")
			return
		}
		// Free text is not masked, but the names in it that hold a
		// pronoun are ("Mentor at She Codes Nigeria").
		eachPronounName(*v, func(name string) { text = strings.ReplaceAll(text, name, "Q") })
	})
	return text
}

// replaceWord replaces each occurrence of w in text that is a whole word
// where w starts or ends with a letter or digit (a skill "C" masks "C",
// never the C of "Christian"; "C++" masks "C++"), with by.
func replaceWord(text, w, by string) string { return replaceWhole(text, w, by, wordRune) }

// replaceWhole replaces each occurrence of w in text with by where the
// runes that letter reports as word runes do not continue it on either
// side (an end of w that is no word rune needs no boundary).
func replaceWhole(text, w, by string, letter func(rune) bool) string {
	if w == "" || !strings.Contains(text, w) {
		return text
	}
	var b strings.Builder
	for i := 0; ; {
		k := strings.Index(text[i:], w)
		if k < 0 {
			b.WriteString(text[i:])
			return b.String()
		}
		start, end := i+k, i+k+len(w)
		r0, _ := utf8.DecodeRuneInString(w)
		r1, _ := utf8.DecodeLastRuneInString(w)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		b.WriteString(text[i:start])
		if (start == 0 || !letter(r0) || !letter(before)) && (end == len(text) || !letter(r1) || !letter(after)) {
			b.WriteString(by)
		} else {
			b.WriteString(w)
		}
		i = end
	}
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// replaceWordFold is replaceWord whatever the case of w in text.
func replaceWordFold(text, w, by string) string {
	lt, lw := strings.ToLower(text), strings.ToLower(w)
	if len(lt) != len(text) || !strings.Contains(lt, lw) {
		return replaceWord(text, w, by) // a case change that changes lengths: exact only
	}
	var b strings.Builder
	for i := 0; ; {
		k := strings.Index(lt[i:], lw)
		if k < 0 {
			b.WriteString(text[i:])
			return b.String()
		}
		start, end := i+k, i+k+len(lw)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if (start == 0 || !wordRune(before)) && (end == len(text) || !wordRune(after)) {
			b.WriteString(text[i:start])
			b.WriteString(by)
		} else {
			b.WriteString(text[i:end])
		}
		i = end
	}
}

// eachPronounName calls fn with each name in s, a run of two or more
// capitalised words, that holds a gendered pronoun ("She Codes Nigeria",
// "Mentor At Her Side"), and with the run from the pronoun on when it is
// not the run's first word ("Her Side").
func eachPronounName(s string, fn func(string)) {
	if !strings.Contains(s, "He") && !strings.Contains(s, "She") && !strings.Contains(s, "Her") && !strings.Contains(s, "His") &&
		!strings.Contains(s, "Him") {
		return
	}
	type span struct{ start, end int }
	var run []span
	pronoun := -1
	end := func() {
		if len(run) >= 2 && pronoun >= 0 {
			fn(s[run[0].start:run[len(run)-1].end])
			if pronoun > 0 && len(run)-pronoun >= 2 {
				fn(s[run[pronoun].start:run[len(run)-1].end])
			}
		}
		run, pronoun = run[:0], -1
	}
	for i := 0; i < len(s); {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		if i == j {
			break
		}
		f := s[i:j]
		core := strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		k := strings.Index(f, core)
		r, _ := utf8.DecodeRuneInString(core)
		if !unicode.IsUpper(r) || k > 0 {
			end() // a word in small letters, or a mark before the word: "(She"
		}
		if unicode.IsUpper(r) {
			run = append(run, span{i + k, i + k + len(core)})
			if pronoun < 0 && (equalFoldAny(gendered[0], core) || equalFoldAny(gendered[1], core)) {
				pronoun = len(run) - 1
			}
			if k+len(core) < len(f) {
				end() // a mark after the word: "Nigeria,"
			}
		}
		i = j
	}
	end()
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

// unverified reports whether text (folded) states a number, or a run of
// capitalised words (an organisation, a title, an award), that the profile
// does not hold, however either writes it (knownPhrase).
func unverified(text string, p *bio.Profile, f *evidence, now time.Time) bool {
	known := f.text()
	years, hasYears := p.ExperienceYears(now)
	yearsText := strconv.Itoa(years)
	for _, num := range numbers(text) {
		if hasYears && num == yearsText {
			continue
		}
		if !strings.Contains(known, num) && !f.hasNumberAs(num) {
			return true
		}
	}
	found := false
	isKnown := func(ph phrase) bool {
		l := foldAccents(strings.ToLower(ph.s))
		return strings.Contains(known, l) || f.hasDottedPhrase(l) || f.knownPhrase(ph)
	}
	eachCapitalisedPhrase(text, func(ph phrase) bool {
		// A name in the possessive is the name ("Haddad's skill set"),
		// unless the profile writes it so ("Her Majesty's Revenue").
		found = !isKnown(ph)
		if bare := withoutPossessives(ph.s); found && bare != ph.s {
			found = !isKnown(phrase{bare, ph.lead})
		}
		return !found
	})
	return found
}

// unverifiedNumber is unverified's reading of numbers for a text in
// another language than English, which may group digits and mark decimals
// otherwise: "1.200.000" or "1 200 000" for "1,200,000", "4,5" for "4.5"
// are the profile's numbers.
func unverifiedNumber(text string, p *bio.Profile, f *evidence, now time.Time) bool {
	years, hasYears := p.ExperienceYears(now)
	yearsText := strconv.Itoa(years)
	known := f.text()
	for _, num := range numbers(text) {
		if hasYears && num == yearsText || strings.Contains(known, num) || f.hasDigitsOf(num) {
			continue
		}
		return true
	}
	return false
}

// hasDigitsOf reports whether the profile has a number with num's digits,
// whatever marks it puts between them.
func (f *evidence) hasDigitsOf(num string) bool {
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '.' || r == ',' {
				return -1
			}
			return r
		}, s)
	}
	want := digits(num)
	for _, n := range numbers(f.text()) {
		if digits(n) == want {
			return true
		}
	}
	return false
}

// hasNumberAs reports whether the profile has num written with other group
// separators: "5000" for "5,000", "2500000" for "2,500,000".
func (f *evidence) hasNumberAs(num string) bool {
	want := strings.ReplaceAll(num, ",", "")
	for _, n := range numbers(f.text()) {
		if strings.ReplaceAll(n, ",", "") == want {
			return true
		}
	}
	return false
}

// hasDottedPhrase reports whether the profile has phrase (lower case) as
// words written with other dots and spaces: "b.com" for "BCom", "akka.net"
// for "Akka .NET", "pvt.ltd" for "Pvt. Ltd.".
func (f *evidence) hasDottedPhrase(phrase string) bool {
	if !strings.Contains(phrase, ".") {
		return false
	}
	return f.hasDotted(phrase)
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

// phrase is a run of capitalised words, and the capitalised word before
// it that starts its sentence, if any ("Certified" before "Kubernetes
// Administrator"): a sentence's first word is capitalised anyway, so it
// is no part of the run, but it may be of an expansion.
type phrase struct {
	s, lead string
}

// eachCapitalisedPhrase reads the runs of capitalised words that do not
// start a sentence: "Acme Corp", "Employee of the Year" is read as "Employee",
// "Year". A bracket ends a run ("Certified Kubernetes Administrator
// (CKA)"); the full stop of an abbreviation ("Sr. Data Engineer", "Dr.")
// does not end a sentence.
//
// It calls fn with each, until fn returns false.
func eachCapitalisedPhrase(text string, fn func(phrase) bool) {
	var buf [8]string
	run := buf[:0]
	lead, prevLead := "", ""
	stop := false
	flush := func() {
		if len(run) > 0 && !stop {
			stop = !fn(phrase{strings.Join(run, " "), lead})
		}
		run = run[:0]
		lead = ""
	}
	sentenceStart := true
	for f := range strings.FieldsSeq(text) {
		capital, w := false, ""
		// A word that starts with a small letter or a digit, most of a
		// text, is not capitalised: no need to trim it.
		if c := f[0]; c >= utf8.RuneSelf || !('a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			w = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '&' })
			r, _ := utf8.DecodeRuneInString(w)
			capital = w != "" && unicode.IsUpper(r)
		}
		if f[0] == '(' || f[0] == '[' {
			flush()
		}
		if capital && !sentenceStart && !commonCapitalised[w] {
			if len(run) == 0 {
				lead = prevLead
			}
			run = append(run, w)
		} else {
			flush()
		}
		prevLead = ""
		if sentenceStart && capital && !commonCapitalised[w] {
			prevLead = w
		}
		last := f[len(f)-1]
		if last == ',' || last == ';' || last == ':' || last == ')' || last == ']' {
			flush()
			prevLead = ""
		}
		sentenceStart = f == "-" || last == '!' || last == '?' || last == ':' || last == '.' && !abbreviation(f)
		if stop {
			return
		}
	}
	flush()
}

// abbreviation reports whether f, a word that ends with a full stop, is
// an abbreviation that does not end a sentence: "Sr.", "Dr.", "e.g.".
func abbreviation(f string) bool {
	if len(f) > 8 {
		return false
	}
	var b [8]byte
	l := lowerKey(b[:0], strings.TrimLeft(f, "(\"'“‘"))
	return notSentenceEnds[string(l)] || titleAbbreviations[string(l[:len(l)-1])] != "" || personalTitles[string(l[:len(l)-1])]
}

// withoutPossessives returns a phrase with no word in the English
// possessive ('s or ’s): the names it is said of.
func withoutPossessives(s string) string {
	if !strings.Contains(s, "'s") && !strings.Contains(s, "’s") {
		return s
	}
	words := strings.Fields(s)
	for i, w := range words {
		for _, end := range []string{"'s", "’s"} {
			if len(w) > len(end) && strings.HasSuffix(w, end) {
				words[i] = w[:len(w)-len(end)]
			}
		}
	}
	return strings.Join(words, " ")
}
