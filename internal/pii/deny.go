package pii

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/biogen/biogen/internal/lexicon"
)

// The second layer: default deny. After the detectors (contacts and the
// user id removed, the name replaced), every word of every text is sent
// only if it is
//
//   - a common English word (internal/lexicon, with up to two usual
//     endings: "engineering"), or one of a short list of professional
//     abbreviations and technologies (knownTerms), or a Latin word of one
//     or two letters ("of", "Go", "AI") that is not the person's initials;
//   - a safe number (safeNumber): at most four digits, a date or a range
//     of years, an amount with a currency sign, "%" or a unit, a count
//     written with separators of thousands;
//   - a part of the stand-in name.
//
// Any other word - a company, a product, a place not in the list, a word
// of another script, a handle, a transliteration, an identifier spelled in
// a way no detector knows - is replaced by a placeholder ("Term7") that
// Restore maps back in the answer. So is a word that holds a part of the
// name (three letters or more) inside it ("OkaforTech", "okafor83",
// "Kowalczyka") unless it is an English word ("Canada" for Ada), and a
// given name capitalised in the middle of a sentence ("worked with Bob"),
// English word or not: a nickname of the person, or another person.
//
// A word is a run of letters, marks and digits, with '.', '_', '+', '#',
// an apostrophe, '-', '/', '&' and ':' inside it when a letter or digit
// follows ("Akka.NET", "C++", "O'Brien", "2015-2020", "CI/CD"). It is
// judged in parts split at '-', '/', '&' and ':' ("Kraków-based" sends
// "Term3-based"), but a number written with them ("415-555-2671",
// "01.03.2019") is judged whole. A trailing possessive or contraction
// ("'s", "n't", "'re") is judged apart. Runs of single letters or digits
// ("O K A F O R") and runs of numbers apart by spaces or punctuation that
// hold seven digits or more ("415 555 2671") are judged as one word.

// isDictWord reports whether w, in lower case, is an English word of the
// lexicon, also with one more usual ending ("engineering" from
// "engineer", which the lexicon makes from "engine").
func isDictWord(w string) bool {
	if lexicon.IsWord(w) {
		return true
	}
	for _, e := range [...]string{"ing", "ed", "s", "es", "er", "ers", "ly", "ment", "ments", "al", "ally", "ity", "ness"} {
		if len(w) > len(e)+3 && strings.HasSuffix(w, e) && lexicon.IsWord(w[:len(w)-len(e)]) {
			return true
		}
	}
	return false
}

// knownTerms are abbreviations and technologies that profiles write and
// the English word list lacks. None identifies a person.
var knownTerms = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`
		aws gcp sql nosql mysql postgresql api apis sdk etl elt llm llms nlp gpu gpus cpu iot saas paas iaas
		devops mlops devsecops sre ux ui qa hr it pm ceo cto cfo coo cio ciso cmo cpo vp svp evp avp gm md
		mba msc bsc phd ba ma bs ms beng meng btech mtech bcom mcom llb llm jd mphil dphil hnd gcse
		pmp cka ckad cissp cisa cism cpa acca cfa frm prince2 itil togaf ccna ccnp
		javascript typescript java kotlin scala golang rust python html css json xml yaml graphql rest grpc
		kubernetes k8s kafka hadoop spark flink airflow docker terraform ansible jenkins linux unix
		github gitlab bitbucket jira confluence tableau powerbi looker snowflake databricks redshift bigquery
		asp vb ado postgres mongodb redis elasticsearch react angular vue nodejs django flask rails dotnet
		ios android macos windows azure ml ai ci cd cicd kpi kpis okr okrs roi b2b b2c p2p erp crm sap
		ngo ngos eu uk usa us un nhs gdpr hipaa sox pci iso ieee acm fintech healthtech edtech
		st nd rd th jr sr dr mr mrs ms mx prof inc ltd llc plc gmbh corp co
		e.g i.e etc vs approx dept univ intl isbn doi orcid`) {
		knownTerms[t] = true
	}
	for _, t := range strings.Fields(everydayTerms) {
		knownTerms[t] = true
	}
	for t := range platforms { // "Skype", "Kaggle"
		knownTerms[t] = true
	}
}

// knownTerm reports whether w, in lower case, is a word of knownTerms, also
// with a usual ending ("startups", "onboarded", "benchmarking").
func knownTerm(w string) bool {
	if knownTerms[w] {
		return true
	}
	for _, e := range [...]string{"s", "es", "ed", "d", "ing", "er", "ers"} {
		if len(w) >= len(e)+3 && strings.HasSuffix(w, e) && knownTerms[w[:len(w)-len(e)]] {
			return true
		}
	}
	return false
}

// neopronouns may stand in the pronouns field besides the English ones.
var neopronouns = map[string]bool{
	"xe": true, "xem": true, "xyr": true, "xyrs": true, "ze": true, "zir": true, "zirs": true, "hir": true,
	"hirs": true, "ey": true, "em": true, "eir": true, "eirs": true, "fae": true, "faer": true, "faers": true,
	"ve": true, "ver": true, "vis": true, "per": true, "pers": true, "zie": true, "sie": true,
}

// denyCtx is what deny needs to know of the text it judges.
type denyCtx struct {
	m        *Mapping
	pronouns bool // the pronouns field
}

// deny returns s with every word that may not leave replaced by its
// placeholder, or by its stand-in if it spells a part of the name (see the
// package's second layer above).
func (m *Mapping) deny(s string, pronouns bool, c *counts) string {
	if s == "" {
		return s
	}
	// Symbols first, so that the words they stood between are read as
	// they will be sent: "A0\x930\x93B" is the run "A0 0 B".
	s = dropSymbols(s, c)
	var b strings.Builder
	last, removed := 0, false
	m.denied(s, pronouns, func(start, end int, to string) {
		if b.Len() == 0 {
			b.Grow(len(s) + 16)
		}
		switch to {
		case "":
			to = m.ph.of(s[start:end], m.restoreInside(s[start:end]))
		case removeSpelled:
			to, removed = "", true
			c[kindSpelled]++
			if start > 0 && end < len(s) && s[start-1] != ' ' && s[end] != ' ' {
				to = " " // keep what is around apart
			}
		}
		b.WriteString(s[last:start])
		b.WriteString(to)
		last = end
	})
	if b.Len() == 0 && !removed {
		return s
	}
	b.WriteString(s[last:])
	if removed {
		// Only the spaces: tidy would join what was judged apart ("Avery's
		// .00" is not "Avery's.00").
		out := spaceBeforePunctRE.ReplaceAllString(b.String(), "$1$2")
		return strings.TrimSpace(spacesRE.ReplaceAllString(out, " "))
	}
	return b.String()
}

// spaceBeforePunctRE finds a space before punctuation that ends a word
// ("and ;"), not before one inside it (" .00").
var spaceBeforePunctRE = regexp.MustCompile(`\s+([,.;:)\]!?])(\s|$)`)

// dropSymbols returns s without its runs of symbols that may not leave
// (see symbolsEnd), each replaced by a space between two characters that
// are not spaces, counting them as spelled.
func dropSymbols(s string, c *counts) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < utf8.RuneSelf || isWordRune(r) {
			i += size
			continue
		}
		end := symbolsEnd(s, i)
		if end == i {
			i += size
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		if i > 0 && end < len(s) && s[i-1] != ' ' && s[end] != ' ' {
			b.WriteByte(' ')
		}
		c[kindSpelled]++
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	out := spaceBeforePunctRE.ReplaceAllString(b.String(), "$1$2")
	return strings.TrimSpace(spacesRE.ReplaceAllString(out, " "))
}

// removeSpelled is what denied gives for an identifier spelled letter by
// letter, or symbols, that are removed rather than sent as a placeholder:
// a placeholder counts one word for the model and would restore to many
// words, or to none; and a bio needs neither.
const removeSpelled = "\x00"

// denied calls fn, left to right, with each span of s that may not leave
// and its stand-in if it spells a part of the name ("O K A F O R"),
// removeSpelled if it spells something else letter by letter ("z b k 8
// 8", "zulu bravo kilo") or is symbols ("🇿🇧🇰", "🚀"), else "" for a
// placeholder.
func (m *Mapping) denied(s string, pronouns bool, fn func(start, end int, to string)) {
	c := denyCtx{m: m, pronouns: pronouns}
	replace := func(start, end int) { fn(start, end, "") }
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			if end := symbolsEnd(s, i); end > i {
				fn(i, end, removeSpelled) // "🇿🇧🇰", "⠵⠃⠅": letters in symbols
				i = end
				continue
			}
			i += size
			continue
		}
		if end := m.shortRunEnd(s, i); end > 0 {
			// Short words in a row that spell something: a part of the
			// name spelled out is its stand-in, anything else a
			// placeholder.
			to, ok := m.spelledPart(s[i:end])
			if !ok {
				to = removeSpelled
			}
			fn(i, end, to)
			i = end
			continue
		}
		if end := spelledRunEnd(s, i); end > 0 {
			fn(i, end, removeSpelled) // "zulu bravo kilo eight eight"
			i = end
			continue
		}
		if end := numberRunEnd(s, i); end > 0 {
			fn(i, end, "")
			i = end
			continue
		}
		if end := m.initialsRunEnd(s, i); end > 0 {
			fn(i, end, "") // "W. H. G."
			i = end
			continue
		}
		if end := mangledAt(s, i); end > 0 {
			// "Term 1": the model is never given what would make its
			// answer invalid were it copied (see placeholders.restore).
			fn(i, end, "")
			i = end
			continue
		}
		end := tokenEnd(s, i)
		c.judge(s, i, end, replace)
		i = end
	}
}

// spelledPart returns the stand-in of the part of the name that the run
// of single letters run spells ("O K A F O R", "o.k.a.f.o.r"), in its
// case.
func (m *Mapping) spelledPart(run string) (string, bool) {
	var joined strings.Builder
	for _, r := range run {
		if isWordRune(r) {
			joined.WriteRune(r)
		}
	}
	w := joined.String()
	p, end := matchWord(keyOf(w), 0, m.forward, false)
	if end != len(keyOf(w)) || p.pronoun || p.capitalised {
		return "", false
	}
	return withCaseOf(w, p.to), true
}

// symbolsEnd returns the end of a run of symbols starting at s[i] that
// may not leave, apart by single spaces, or i: every character that is no
// letter, mark or digit leaves only if it is white space, punctuation, a
// currency sign, ASCII, or one of a few signs prose writes (allowedSigns).
// Regional indicators, Braille, emoji and the like can spell anything
// ("🇿🇧🇰" reads "ZBK").
func symbolsEnd(s string, i int) int {
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if r == ' ' && j > i {
			if n, _ := utf8.DecodeRuneInString(s[j+1:]); j+1 < len(s) && !allowedSign(n) && !isWordRune(n) {
				j += size
				continue
			}
			break
		}
		if allowedSign(r) || isWordRune(r) {
			break
		}
		j += size
	}
	return j
}

// allowedSign reports whether r, no letter, mark or digit, may leave.
func allowedSign(r rune) bool {
	return r < utf8.RuneSelf || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.Is(unicode.Sc, r) || allowedSigns[r]
}

// allowedSigns are signs other than punctuation that prose writes.
var allowedSigns = map[rune]bool{'°': true, '©': true, '®': true, '™': true, '×': true, '÷': true, '±': true,
	'≤': true, '≥': true, '≈': true, '→': true, '←': true, '↑': true, '↓': true, '№': true, '‰': true, '√': true}

// tokenEnd returns the end of the word starting at s[i].
func tokenEnd(s string, i int) int {
	digits := true // the piece since the last connector is all digits
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if isWordRune(r) {
			digits = digits && '0' <= r && r <= '9'
			i += size
			continue
		}
		if r == ',' && digits && digitAt(s, i+size) {
			i += size // "1,200,000"
			continue
		}
		if isConnector(r) && wordAt(s, i+size) {
			digits = true
			i += size // "Akka.NET", "2015-2020"
			continue
		}
		if (r == '+' || r == '#') && wordBefore(s, i) {
			// "C++", "C#", "F#": a sign ending the word.
			j := i
			for j < len(s) && (s[j] == '+' || s[j] == '#') {
				j++
			}
			if !wordAt(s, j) {
				return j
			}
		}
		break
	}
	return i
}

func isConnector(r rune) bool {
	switch r {
	case '.', '_', '+', '#', '/', '&', ':':
		return true
	}
	return isDash(r) || isApostrophe(r)
}

// splitter reports whether r splits a word into parts judged apart.
func splitter(r rune) bool { return r == '/' || r == '&' || r == ':' || isDash(r) }

// judge calls replace with the spans of the word s[start:end] that may
// not leave.
func (c *denyCtx) judge(s string, start, end int, replace func(start, end int)) {
	w := s[start:end]
	if c.m.isStandIn(w) {
		return
	}
	if c.m.holdsNamePart(w) {
		replace(start, end)
		return
	}
	if numeric(w) {
		if !safeNumber(w, s, start, end) {
			replace(start, end)
		}
		return
	}
	initial := sentenceStart(s, start)
	for p := start; p < end; {
		q := partEnd(s, p, end)
		if q > p && !c.partOK(s, p, q, initial && p == start) {
			// "Contoso's" sends "Term1's".
			replace(p, p+len(trimSuffix(s[p:q])))
		}
		p = q
		for p < end {
			r, size := utf8.DecodeRuneInString(s[p:])
			if !splitter(r) {
				break
			}
			p += size
		}
	}
}

// partOK reports whether the part s[start:end] of a word may leave.
func (c *denyCtx) partOK(s string, start, end int, initial bool) bool {
	w := trimSuffix(s[start:end])
	if w == "" || c.m.isStandIn(w) {
		return true
	}
	if numeric(w) {
		return safeNumber(w, s, start, end)
	}
	key := lexicon.FoldAccents(w)
	var buf [48]byte
	lowb, ok := lowerASCIIInto(buf[:0], key)
	if !ok {
		if !isASCII(key) {
			return false // another script: no English word
		}
		lowb = []byte(strings.ToLower(key))
	}
	low := unsafeString(lowb)
	if c.pronouns && neopronouns[low] {
		return true
	}
	if !initial && givenName(key) {
		return false // "worked with Bob", "Kate's team"
	}
	if c.nickname(s, start, end, key) {
		return false // "Bill to friends", "BILL CASEY", "Will's team"
	}
	if c.m.initials[low] || strings.Contains(low, ".") && c.m.initials[strings.ReplaceAll(low, ".", "")] {
		return false // "WHG", "W.H.G"
	}
	letters, digits := 0, 0
	for i := 0; i < len(low); i++ {
		switch ch := low[i]; {
		case 'a' <= ch && ch <= 'z':
			letters++
		case '0' <= ch && ch <= '9':
			digits++
		}
	}
	switch {
	case digits == 0 && letters <= 2 && !strings.ContainsAny(low, "._+#'"):
		return true // "of", "Go", "AI", an initial
	case digits > 0 && letters > 0 && letters+digits <= 3:
		return true // "Q1", "5G", "3D", "EC2", "B2B"
	case knownTerms[strings.TrimRight(low, "+#")] || currencyCodes[key]:
		return true
	case digits == 0 && strings.ContainsAny(low, "._'+#"):
		// "Node.js", "e.g.", "ASP.NET": each piece a word.
		for _, piece := range strings.FieldsFunc(low, func(r rune) bool { return strings.ContainsRune("._'+#", r) }) {
			if len(piece) > 2 && !isDictWord(piece) && !knownTerm(piece) {
				return false
			}
		}
		return true
	case digits > 0:
		return false
	}
	return isDictWord(low) || knownTerm(low) || britishWord(low)
}

// givenName reports whether w, a word as written, is a given name
// capitalised: "Bob", "KATE", not "bob"; months, languages, brands and
// technologies that are also names ("June", "Ruby") are read as words.
func givenName(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || len(w) < 2 {
		return false
	}
	switch lexicon.Given(w) {
	case lexicon.OnlyName, lexicon.CommonWord, lexicon.RareWord, lexicon.Place:
		return true
	}
	return false
}

// sentenceStart reports whether the word at s[i] starts a sentence, a
// line, a list item or the text: a capital there says nothing.
func sentenceStart(s string, i int) bool {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		switch {
		case r == '\n':
			return true
		case unicode.IsSpace(r) || r == '"' || r == '“' || r == '(' || r == '\'' || r == '‘':
			i -= size
			continue
		}
		return strings.ContainsRune(".!?:;•*-–—", r)
	}
	return true
}

// trimSuffix returns w without a possessive or a contraction: "Avery's",
// "Okafors'", "don't", "we're".
func trimSuffix(w string) string {
	for _, suf := range [...]string{"n't", "n’t", "'s", "’s", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'d", "’d", "'m", "’m", "'", "’"} {
		if len(w) > len(suf) && strings.HasSuffix(w, suf) {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

// isStandIn reports whether w is a stand-in part or a form of one
// ("Avery", "AVERY's", "Averys", "AveryCasey", "J.Avery").
func (m *Mapping) isStandIn(w string) bool {
	if m == nil || len(m.standInKeys) == 0 {
		return false
	}
	w = trimSuffix(w)
	if r, size := utf8.DecodeRuneInString(w); len(w) > size+1 && w[size] == '.' && unicode.IsLetter(r) {
		w = w[size+1:] // "J.Avery": an initial before it (see swapInitials)
	}
	var buf [48]byte
	low, ok := lowerASCIIInto(buf[:0], w)
	return ok && m.standInKeys[string(low)]
}

// lowerASCIIInto appends s in lower case to dst; false when s is not
// ASCII or does not fit.
func lowerASCIIInto(dst []byte, s string) ([]byte, bool) {
	if len(s) > cap(dst)-len(dst) {
		return dst, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return dst, false
		}
		dst = append(dst, lowerASCII(c))
	}
	return dst, true
}

// holdsNamePart reports whether the word w holds a part of the name of
// three letters or more inside it, read in key form without its
// separators ("OkaforTech", "okafor83", "Oka-for", "Babatunde.Kowalczyk"),
// and is no English word made of English words ("Canada" for Ada,
// "willing" for Will).
func (m *Mapping) holdsNamePart(w string) bool {
	if m == nil || len(m.subKeys) == 0 {
		return false
	}
	var buf [64]byte
	k := buf[:0]
	letters, digits := false, false
	for _, r := range w {
		if isWordRune(r) {
			k = appendKey(k, r)
			letters = letters || unicode.IsLetter(r)
			digits = digits || unicode.IsDigit(r)
		}
	}
	key := unsafeString(k)
	if letters && digits {
		// Digits for letters: "0kaf0r", "4nh".
		key = key + " " + leetRE.Replace(key)
	}
	for _, part := range m.subKeys {
		if !strings.Contains(key, part) {
			continue
		}
		// Inside one English word of w, the part is there by chance
		// ("Canada's" for Ada); across pieces it is spelled ("O.K.A.F.O.R").
		chance := false
		for _, piece := range strings.FieldsFunc(trimSuffix(w), func(r rune) bool { return !isWordRune(r) }) {
			if !strings.Contains(keyOf(piece), part) {
				continue
			}
			low := strings.ToLower(lexicon.FoldAccents(piece))
			chance = isASCII(low) && (isDictWord(low) || knownTerm(low) || britishWord(low))
			break
		}
		if !chance {
			return true
		}
	}
	return false
}

// leetRE reads digits written for letters as the letters.
var leetRE = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "8", "b", "9", "g")

// spellsNamePart reports whether w, short words joined, holds a part of
// the name of three letters or more: English word or not, as it was not
// written as one ("Ad a").
func (m *Mapping) spellsNamePart(w string) bool {
	k := keyOf(w)
	for _, part := range m.subKeys {
		if strings.Contains(k, part) {
			return true
		}
	}
	return false
}

// numeric reports whether w is a number: digits, with dots, commas,
// dashes, slashes or apostrophes between them, and perhaps a unit or an
// ordinal after ("4.5M", "1st", "1990s", "10x").
func numeric(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if r < '0' || r > '9' {
		return false
	}
	w = strings.TrimRight(numberUnit(w), "+")
	for _, r := range w {
		if !('0' <= r && r <= '9' || r == '.' || r == ',' || r == '\'' || r == '/' || isDash(r)) {
			return false
		}
	}
	return true
}

// numberUnit returns w without a unit or an ordinal ending after its
// digits.
func numberUnit(w string) string {
	for _, u := range [...]string{"bn", "mn", "st", "nd", "rd", "th", "k", "K", "m", "M", "B", "x", "X", "s"} {
		if len(w) > len(u) && strings.HasSuffix(w, u) {
			if c := w[len(w)-len(u)-1]; '0' <= c && c <= '9' {
				return w[:len(w)-len(u)]
			}
		}
	}
	return w
}

// maxPlainDigits is the most digits a number may have to be sent as it
// is: years, small counts and amounts. Phone numbers have seven or more.
const maxPlainDigits = 4

// safeNumber reports whether the number w, found at s[start:end], may
// leave as it is: at most four digits ("2019", "40", "3.5"); a date or a
// range or list of years (dateLike: "2015-2020", "01.03.2019"); a range
// of two such numbers ("10-15"); a count written with separators of
// thousands up to seven digits ("1,200,000"); an amount - with a currency
// sign before it, "%" or a unit (k, m, bn, million) after it - of up to
// six digits, or nine written with separators of thousands ("$12,500,000",
// "€4.5M", "40%"). Anything longer is a placeholder, restored in the
// answer: it could be a phone number, an account or an employee number.
func safeNumber(w string, s string, start, end int) bool {
	base := numberUnit(w)
	amount := base != w || amountAround(s, start, end)
	base = strings.TrimRight(base, "+")
	d := digits(base)
	switch {
	case d <= maxPlainDigits && !strings.ContainsAny(base, "-/–—") && plainDecimal(base):
		return true
	case dateLike(base) && strings.IndexFunc(base, func(r rune) bool { return r < '0' || r > '9' }) >= 0:
		return true
	}
	if a, b, ok := cutDash(base); ok {
		return safeNumber(a, s, start, start) && safeNumber(b, s, end, end)
	}
	grouped := thousands(cutDecimals(base))
	switch {
	case grouped && d <= 7:
		return true
	case grouped && amount && d <= 9:
		return true
	case amount && d <= 6 && plainDecimal(base):
		return true
	}
	return false
}

// plainDecimal reports whether w is digits with at most one decimal
// point or comma followed by one or two digits.
func plainDecimal(w string) bool {
	i := strings.IndexAny(w, ".,")
	if i < 0 {
		return strings.Trim(w, "0123456789") == ""
	}
	frac := w[i+1:]
	return i > 0 && len(frac) >= 1 && len(frac) <= 2 && strings.Trim(w[:i]+frac, "0123456789") == ""
}

// cutDecimals drops the decimals of a number written with separators of
// thousands: "1,200,000.50" gives "1,200,000".
func cutDecimals(w string) string {
	i := strings.LastIndexAny(w, ".,")
	if i < 0 || len(w)-i-1 == 3 {
		return w
	}
	return w[:i]
}

// cutDash splits a range "10-15" at its one dash.
func cutDash(w string) (string, string, bool) {
	for i, r := range w {
		if isDash(r) || r == '/' {
			a, b := w[:i], w[i+utf8.RuneLen(r):]
			if a == "" || b == "" || strings.ContainsFunc(b, func(r rune) bool { return isDash(r) || r == '/' }) {
				return "", "", false
			}
			return a, b, true
		}
	}
	return "", "", false
}

// amountAround reports whether the number at s[start:end] has a currency
// sign or code before it, or "%" or a unit word after it.
func amountAround(s string, start, end int) bool {
	before := strings.TrimRight(s[:start], " ")
	if r, _ := utf8.DecodeLastRuneInString(before); unicode.Is(unicode.Sc, r) {
		return true
	}
	if currencyCodes[lastWord(before)] {
		return true
	}
	rest := strings.TrimLeft(s[end:], " ")
	if strings.HasPrefix(rest, "%") {
		return true
	}
	if i := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
		if isWordRune(rune(rest[i])) {
			return false // "B000" is no unit
		}
		rest = rest[:i]
	}
	return currencyCodes[rest] || amountUnits[strings.ToLower(rest)]
}

// shortRunEnd returns the end of a run of short words starting at s[i]
// that is judged as one word, 0 when none starts there: words of one to
// three letters or digits apart by one space, that hold a part of the name
// once joined ("O K A F O R", "Ok af or", "Ad a"), or, three or more of
// them starting with one that is no English word, abbreviation or short
// number, hold two or more such ("z b k 8 8", "zb k8 8").
func (m *Mapping) shortRunEnd(s string, i int) int {
	if i > 0 && joinedBefore(s, i) {
		return 0
	}
	n, strange, j, end := 0, 0, i, 0
	firstPlain := false
	for j < len(s) {
		e := tokenEnd(s, j)
		w := s[j:e]
		if utf8.RuneCountInString(w) > 3 || strings.ContainsFunc(w, func(r rune) bool { return !isWordRune(r) }) ||
			n > 0 && len(w) == 3 && plainShort(w) && !isDigitByte(w[0]) {
			break // a word of prose ("and", "the") ends the run
		}
		n++
		if !plainShort(w) {
			strange++
		} else if n == 1 {
			firstPlain = true
		}
		end = e
		if e+1 < len(s) && s[e] == ' ' && wordAt(s, e+1) {
			j = e + 1
			continue
		}
		break
	}
	switch {
	case n >= 2 && strange >= 1 && m.spellsNamePart(strings.ReplaceAll(s[i:end], " ", "")):
		return end
	case n >= 3 && strange >= 2 && !firstPlain:
		return end
	}
	return 0
}

// commonShort are English words of one or two letters, which the lexicon
// does not list.
var commonShort = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a i am an as at be by do go he if in is it me my no of oh ok on or so to up us we") {
		commonShort[w] = true
	}
}

// plainShort reports whether the short word w reads as a word of prose: an
// English word, an abbreviation of knownTerms or a short number.
func plainShort(w string) bool {
	var buf [16]byte
	low, ok := lowerASCIIInto(buf[:0], w)
	if !ok {
		return false
	}
	l := unsafeString(low)
	return commonShort[l] || knownTerms[l] || isDictWord(l) || strings.Trim(l, "0123456789") == ""
}

// spelledRunEnd returns the end of three or more words of the spelling
// alphabet or digit words in a row starting at s[i] ("zulu bravo kilo
// eight eight"), which spell an identifier letter by letter; 0 when none
// starts there.
func spelledRunEnd(s string, i int) int {
	if c := s[i] | 0x20; c < 'a' || c > 'z' {
		return 0
	}
	n, j, end := 0, i, 0
	for j < len(s) {
		e := tokenEnd(s, j)
		var buf [16]byte
		low, ok := lowerASCIIInto(buf[:0], s[j:e])
		if !ok {
			break
		}
		if _, digit := digitWord(s[j:e]); !digit && !spellingAlphabet[unsafeString(low)] {
			break
		}
		n++
		end = e
		if e+1 < len(s) && (s[e] == ' ' || s[e] == '-') && wordAt(s, e+1) {
			j = e + 1
			continue
		}
		break
	}
	if n >= 3 {
		return end
	}
	return 0
}

// spellingAlphabet are the words of the NATO spelling alphabet.
var spellingAlphabet = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`alfa alpha bravo charlie delta echo foxtrot golf hotel india juliet juliett kilo
		lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey whisky xray x-ray yankee zulu`) {
		spellingAlphabet[w] = true
	}
}

// numberRunEnd returns the end of numbers in a row starting at s[i],
// apart by spaces and punctuation, that hold seven digits or more and are
// no dates, ranges or counts ("415 555 2671", "+44 20 7946 0958"): judged
// as one word. 0 when none starts there.
func numberRunEnd(s string, i int) int {
	if i > 0 && joinedBefore(s, i) {
		return 0
	}
	if c := s[i]; c < '0' || c > '9' {
		return 0
	}
	j, end, d, groups := i, i, 0, 0
	for {
		k := j
		for k < len(s) && '0' <= s[k] && s[k] <= '9' {
			k++
		}
		if k == j || tokenEnd(s, j) != k {
			break // not a number of its own: "2nd", "0#0", "1,200"
		}
		d += k - j
		groups++
		end = k
		m := k
		for m < len(s) && m-k < 3 && strings.IndexByte(" .-/()+", s[m]) >= 0 {
			m++
		}
		if m == k || m >= len(s) || s[m] < '0' || s[m] > '9' {
			break
		}
		j = m
	}
	if groups < 2 || d < 7 {
		return 0
	}
	run := s[i:end]
	if dateLike(run) || thousands(run) || roundRange(run) {
		return 0
	}
	if !strings.Contains(run, " ") && !strings.Contains(run, "(") {
		return 0 // one word: judged as such
	}
	return end
}

// unsafeString returns b as a string without a copy, for a look-up that
// does not keep it: b must not change while the string is in use.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
