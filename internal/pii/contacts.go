package pii

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"mvdan.cc/xurls/v2"
)

// ContactKind is a kind of contact detail.
type ContactKind string

// The kinds of contact detail FindContacts finds.
const (
	ContactEmail ContactKind = "email"
	ContactURL   ContactKind = "url"
	ContactPhone ContactKind = "phone"
)

// Contact is one contact detail found in a text.
type Contact struct {
	Kind ContactKind
	// Start and End are the byte offsets of the detail in the text.
	Start, End int
	// Key identifies the detail whatever its spelling, for comparing a
	// bio's details with its profile's: an e-mail address in lower case;
	// a URL's host and path in lower case without scheme, "www." or a
	// trailing slash; a phone number's national digits.
	Key string
}

const (
	spelledAt  = `(?:\s*@\s*|\s*[\[({]\s*at\s*[\])}]\s*)`
	spelledDot = `(?:\.|\s*[\[({]\s*dot\s*[\])}]\s*)`
)

var (
	// addressRE finds addresses, also written "ada [at] example [dot] com".
	// Text is folded first (bio.Fold), so a full-width "＠" is an "@".
	// Spaces may stand around "@" and a spelled "[at]" or "[dot]", not
	// around a plain dot: "ada@contoso.com. Mentored" ends at "com".
	addressRE = regexp.MustCompile(`(?i)[\p{L}\p{N}._%+'-]+` + spelledAt + `[\p{L}\p{N}-]+(?:` + spelledDot + `[\p{L}\p{N}-]+)*` + spelledDot + `\p{L}{2,}`)
	// phoneCandidateRE finds runs of digits that may be a phone number: an
	// optional + or 00, then digits with spaces, dots, dashes, slashes or
	// brackets between them. libphonenumber decides.
	phoneCandidateRE = regexp.MustCompile(`(?:\+|\b00)?\(?\d[\d \t().\-/]{5,}\d(?:\s*(?:ext\.?|x)\s*\d{1,6})?`)
	hostRE           = sync.OnceValue(xurls.Relaxed)
)

// techNames are words with a dot that xurls reads as host names but that
// name technologies, which profiles list as skills. They are never a
// person's address.
var techNames = map[string]bool{
	"asp.net": true, "vb.net": true, "ado.net": true, "microsoft.net": true, "socket.io": true,
	"ml.net": true, "f#.net": true, "c#.net": true, "node.js": true, "vue.js": true,
}

// phoneRegions are the regions a number written without a country code is
// tried in; a number valid in any of them is a phone number.
var phoneRegions = []string{
	"US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "SE", "NO", "DK", "FI",
	"PL", "PT", "CZ", "IN", "PK", "NG", "ZA", "KE", "EG", "BR", "MX", "AR", "CO", "AU", "NZ",
	"JP", "CN", "KR", "SG", "PH", "AE", "TR", "IL",
}

// FindContacts returns the e-mail addresses, URLs (with or without a
// scheme) and phone numbers in text, in order and not overlapping. text
// must be folded (bio.Fold) so that full-width or zero-width characters
// cannot hide a detail. Dates and ranges of years ("2015-2020") and
// amounts are not phone numbers.
//
// It is safe for concurrent use.
func FindContacts(text string) []Contact { return findContacts(text, false) }

// findContacts is FindContacts; with overlapping it also returns the
// details that overlap one found before (a URL inside a loosely written
// address: "00@ linkedin.com/in/ada"), for removal, which must take their
// union.
func findContacts(text string, overlapping bool) []Contact {
	var out []Contact
	if strings.Contains(text, "@") || mayHaveSpelledAt(text) {
		for _, loc := range addressRE.FindAllStringIndex(text, -1) {
			start := loc[0]
			if start >= len("mailto:") && strings.EqualFold(text[start-len("mailto:"):start], "mailto:") {
				start -= len("mailto:")
			}
			out = append(out, Contact{ContactEmail, start, loc[1], emailKey(text[loc[0]:loc[1]])})
		}
	}
	eachURL(text, func(start, end int) {
		s := strings.TrimRight(text[start:end], ".,;:!?)]}'\"")
		if techNames[strings.ToLower(s)] || (!overlapping && overlaps(out, start, end)) {
			return
		}
		out = append(out, Contact{ContactURL, start, start + len(s), URLKey(s)})
	})
	if mayHavePhone(text) {
		budget := phoneParseBudget
		for _, loc := range phoneCandidateRE.FindAllStringIndex(text, -1) {
			s := strings.TrimRight(text[loc[0]:loc[1]], " \t.-/(")
			if !overlapping && overlaps(out, loc[0], loc[0]+len(s)) {
				continue
			}
			out = appendPhones(out, text, loc[0], s, &budget)
		}
	}
	if len(out) > 1 {
		sortContacts(out)
	}
	return out
}

func sortContacts(cs []Contact) {
	for i := 1; i < len(cs); i++ {
		for j := i; j > 0 && cs[j].Start < cs[j-1].Start; j-- {
			cs[j], cs[j-1] = cs[j-1], cs[j]
		}
	}
}

func overlaps(cs []Contact, start, end int) bool {
	for _, c := range cs {
		if start < c.End && c.Start < end {
			return true
		}
	}
	return false
}

// mayHaveSpelledAt reports whether text has "at" (any case) right before a
// closing bracket, as in "ada [at] example [dot] com".
func mayHaveSpelledAt(text string) bool {
	for i := 2; i < len(text); i++ {
		if c := text[i]; c != ']' && c != ')' && c != '}' {
			continue
		}
		t := strings.TrimRight(text[:i], " \t")
		if n := len(t); n >= 2 && t[n-1]|0x20 == 't' && t[n-2]|0x20 == 'a' {
			return true
		}
	}
	return false
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// mayHavePhone reports whether text has seven digits in one run of the
// characters phoneCandidateRE reads a number with (digits, white space,
// brackets, dots, dashes, slashes, "+", and "ext" or "x" before an
// extension): phoneKey needs seven digits, so a text without such a run
// holds no phone number and is spared the expression.
func mayHavePhone(text string) bool {
	n := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case '0' <= c && c <= '9':
			if n++; n >= 7 {
				return true
			}
		case strings.IndexByte(" \t().-/+xXeEtT", c) >= 0:
		default:
			n = 0
		}
	}
	return false
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func emailKey(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("[](){}", r) }) {
		switch f {
		case "at":
			b.WriteByte('@')
		case "dot":
			b.WriteByte('.')
		default:
			b.WriteString(f)
		}
	}
	return b.String()
}

// URLKey is a URL's host and path in lower case, without scheme, user,
// "www.", query, fragment or trailing slash: "https://WWW.Ada.dev/cv/?x=1"
// gives "ada.dev/cv".
func URLKey(s string) string {
	s = strings.ToLower(s)
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	} else if strings.HasPrefix(s, "mailto:") {
		s = s[len("mailto:"):]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '@'); i >= 0 && i < strings.IndexByte(s+"/", '/') {
		s = s[i+1:]
	}
	s = strings.TrimPrefix(s, "www.")
	return strings.TrimRight(s, "/")
}

// maxPhoneGroups is the most groups of digits a phone number is written
// in: "+48 22 123 45 67" has five.
const maxPhoneGroups = 6

// appendPhones appends the phone numbers in the candidate s found at start
// in text: s itself if it is one; else, left to right, the longest runs of
// its groups of digits that are, so that a number followed by another
// ("0161 496 0000 / 0161 496 0001") or by other digits is still found.
func appendPhones(out []Contact, text string, start int, s string, budget *int) []Contact {
	if key, ok := phoneKey(text, start, s, budget); ok {
		return append(out, Contact{ContactPhone, start, start + len(s), key})
	}
	var groups [][2]int // start and end of each run of digits in s
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		groups = append(groups, [2]int{i, j})
		i = j
	}
	for i := 0; i < len(groups); {
		from := groups[i][0]
		switch {
		case i == 0:
			from = 0 // with its "+" or "("
		case s[from-1] == '(':
			from--
		}
		found := false
		for j := min(len(groups), i+maxPhoneGroups) - 1; j >= i && !found; j-- {
			if i == 0 && j == len(groups)-1 {
				continue // s itself, tried above
			}
			sub := s[from:groups[j][1]]
			if key, ok := phoneKey(text, start+from, sub, budget); ok {
				out = append(out, Contact{ContactPhone, start + from, start + groups[j][1], key})
				i, found = j+1, true
			}
		}
		if !found {
			i++
		}
	}
	return out
}

// phoneParseBudget bounds the numbers libphonenumber parses for one text
// (a number without a country code is parsed once per region of
// phoneRegions). A text of ordinary prose with a few numbers spends a tenth
// of it; a text made of runs of digit groups, written to make detection
// slow, spends it in a few milliseconds, and its remaining candidates are
// taken for phone numbers unparsed: removed rather than let out.
const phoneParseBudget = 600

// phoneKey decides whether s, found at start in text, is a phone number,
// and returns its national digits. A number with a country code (+ or 00)
// must be a possible number of that country; one without must be a valid
// number of one of phoneRegions. Dates, ranges of years, amounts and
// percentages are not phone numbers. Each parse spends one of *budget;
// with none left, s is a phone number and its key all its digits.
func phoneKey(text string, start int, s string, budget *int) (string, bool) {
	d := digits(s)
	if d < 7 || d > 17 || dateLike(s) {
		return "", false
	}
	// "$1200000", "€ 4 500 000", "12345678%": an amount or a percentage,
	// written as amounts are, with digits, spaces, dots and commas only
	// ("(415) 555-2671 %" is a number with a "%" put after it).
	if !strings.ContainsAny(s, "+()-/") {
		before := strings.TrimRight(text[:start], " ")
		if r, _ := utf8.DecodeLastRuneInString(before); unicode.Is(unicode.Sc, r) {
			return "", false
		}
		if rest := strings.TrimLeft(text[start+len(s):], " "); strings.HasPrefix(rest, "%") {
			return "", false
		}
	}
	if *budget <= 0 {
		return strings.Map(keepDigit, s), true
	}
	num := s
	if strings.HasPrefix(num, "00") {
		num = "+" + num[2:]
	}
	if strings.HasPrefix(num, "+") {
		*budget--
		n, err := phonenumbers.Parse(num, "ZZ")
		if err == nil && phonenumbers.IsPossibleNumber(n) {
			return nationalDigits(n), true
		}
		return "", false
	}
	for _, region := range phoneRegions {
		*budget--
		n, err := phonenumbers.Parse(num, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(n, region) {
			return nationalDigits(n), true
		}
	}
	return "", false
}

func keepDigit(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

func nationalDigits(n *phonenumbers.PhoneNumber) string {
	return phonenumbers.GetNationalSignificantNumber(n)
}

// dateLike reports whether s is made of years and months, as dates and
// ranges are written: "2015-2020", "2015 / 2020", "2019-03", "2019-03-01",
// "03/2019 - 04/2021".
func dateLike(s string) bool {
	groups := strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if len(groups) > 4 {
		return false
	}
	years, parts := 0, 0
	for _, g := range groups {
		switch {
		case len(g) == 4 && g >= "1900" && g <= "2100":
			years++
		case len(g) <= 2 && g != "0" && g != "00" && (len(g) == 1 || g <= "31"):
			parts++ // a month or a day
		default:
			return false
		}
	}
	return years >= 1 && years <= 2 && parts <= 2*years
}
