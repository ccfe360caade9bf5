package pii

import (
	"regexp"
	"strconv"
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
	// ContactHandle is a user name on a social or chat service written
	// with an "@" before it ("@zbk88", "Slack @ada.okafor", "Handle @
	// purple_penguin") or after the service's name ("GitHub:
	// purple-penguin", "on GitHub as purple-penguin").
	ContactHandle ContactKind = "handle"
)

// Contact is one contact detail found in a text.
type Contact struct {
	Kind ContactKind
	// Start and End are the byte offsets of the detail in the text.
	Start, End int
	// Key identifies the detail whatever its spelling, for comparing a
	// bio's details with its profile's: an e-mail address in lower case
	// ("zbk88 at contoso dot com" gives "zbk88@contoso.com"); a URL's host
	// and path in lower case without scheme, "www." or a trailing slash; a
	// phone number's national digits; a handle in lower case with an "@"
	// before it, however it was written ("GitHub: Purple-Penguin" gives
	// "@purple-penguin").
	Key string
	// Country is a phone number's country calling code ("44"), when it was
	// written with one ("+44 20 7946 0958", "0044 ..."); else "".
	Country string
}

var (
	// addressRE finds addresses in a view (see view: "[at]", "(dot)",
	// "%40", "&#64;" read "@" and "." there). The local part may be
	// quoted or followed by a comment ("zbk88(work)@"); the domain may be
	// an address literal ("zbk88@[10.0.0.7]"). Spaces may stand around
	// "@", and around a dot when a top-level domain follows (trimAddress
	// checks): "ada@contoso.com. Mentored" ends at "com".
	addressRE = regexp.MustCompile(`(?:"[^"\s@]{1,64}"|[\p{L}\p{N}._%+'-]+)(?:\([^()\s]{0,30}\))?\s*@\s*(?:\([^()\s]{0,30}\))?` +
		`(?:\[[0-9A-Fa-f.:]+\]|[\p{L}\p{N}-]+(?:\s?\.\s?[\p{L}\p{N}-]+)*\s?\.\s?\p{L}{2,})`)
	// tightAddressRE finds an address written without spaces and
	// without a top-level domain, as intranet mail is: "zbk88@contoso".
	tightAddressRE = regexp.MustCompile(`(?:"[^"\s@]{1,64}"|[\p{L}\p{N}._%+'-]*[\p{L}\p{N}_%+'-])(?:\([^()\s]{0,30}\))?@[\p{L}\p{N}][\p{L}\p{N}-]*`)
	// handleRE finds a handle: "@" and a user name, with nothing of an
	// address before the "@".
	handleRE = regexp.MustCompile(`(?:^|[^\p{L}\p{N}._%+'"@-])(@[\p{L}\p{N}_](?:[\p{L}\p{N}_.-]*[\p{L}\p{N}_])?)`)
	// profilePathRE finds the path of a profile without its host:
	// "LinkedIn: /in/zbk88".
	profilePathRE = regexp.MustCompile(`(?i)(?:^|[\s(:])(/(?:in|pub|u|user|users|people|profile|company|@)/[\p{L}\p{N}_.%-]+)`)
	// phoneCandidateRE finds runs of digits that may be a phone number: an
	// optional + or 00, then digits with spaces, dots, dashes, slashes or
	// brackets between them. libphonenumber decides.
	phoneCandidateRE = regexp.MustCompile(`(?:\+|\b00)?[(\[]?\d[\d \t().\-/\[\]]{5,}\d(?:\s*(?:ext\.?|x)\s*\d{1,6})?`)
	hostRE           = sync.OnceValue(xurls.Relaxed)
)

// techNames are words with a dot that xurls reads as host names but that
// name technologies, which profiles list as skills. They are never a
// person's address.
var techNames = map[string]bool{
	"asp.net": true, "vb.net": true, "ado.net": true, "microsoft.net": true, "socket.io": true,
	"ml.net": true, "f#.net": true, "c#.net": true, "node.js": true, "vue.js": true, "akka.net": true,
	"math.net": true, "rx.net": true, "fly.io": true, "draw.io": true, "dev.to": true, "monday.com": true,
	"booking.com": true,
	// Degrees and company forms: "B.Com", "M.Sc", "Infosys Pvt.Ltd".
	"b.com": true, "m.com": true, "b.sc": true, "m.sc": true, "b.tech": true, "m.tech": true, "b.ed": true,
	"m.ed": true, "b.pharm": true, "m.pharm": true, "b.arch": true, "m.arch": true, "m.phil": true,
	"ph.d": true, "d.phil": true, "ll.b": true, "ll.m": true, "b.eng": true, "m.eng": true, "b.bus": true,
	"pvt.ltd": true, "co.ltd": true, "pty.ltd": true, "pte.ltd": true, "sdn.bhd": true,
}

// phoneRegions are the regions a number written without a country code is
// tried in; a number valid in any of them is a phone number.
var phoneRegions = []string{
	"US", "CA", "GB", "IE", "DE", "FR", "ES", "IT", "NL", "BE", "CH", "AT", "SE", "NO", "DK", "FI",
	"PL", "PT", "CZ", "IN", "PK", "NG", "ZA", "KE", "EG", "BR", "MX", "AR", "CO", "AU", "NZ",
	"JP", "CN", "KR", "SG", "PH", "AE", "TR", "IL",
}

// FindContacts returns the e-mail addresses, URLs (with or without a
// scheme), phone numbers and handles in text, in order and not
// overlapping. text must be folded (bio.Fold) so that full-width or
// zero-width characters cannot hide a detail; what folding leaves (digits
// of other scripts, look-alike letters, percent-encoding, "[.]", "(at)",
// " at ... dot ", a letter O among digits) detection reads through (see
// view). Dates and ranges ("2015-2020", "01.03.2019 - 30.04.2021"),
// amounts, counts and ISBNs are not phone numbers.
//
// It is safe for concurrent use.
func FindContacts(text string) []Contact { return findContacts(text, false) }

// findContacts is FindContacts; with overlapping it also returns the
// details that overlap one found before (a URL inside a loosely written
// address: "00@ linkedin.com/in/ada"), for removal, which must take their
// union.
func findContacts(text string, overlapping bool) []Contact {
	v := newView(text)
	t := v.s
	var out []Contact
	add := func(kind ContactKind, start, end int, key, country string) {
		if !overlapping && overlaps(out, start, end) {
			return
		}
		out = append(out, Contact{Kind: kind, Start: start, End: end, Key: key, Country: country})
	}
	if strings.IndexByte(t, '@') >= 0 {
		for _, loc := range addressRE.FindAllStringIndex(t, -1) {
			start, end := loc[0], trimAddress(t, loc[0], loc[1])
			if at := strings.IndexByte(t[start:end], '@'); strings.IndexAny(t[start+at:end], ".[") < 0 {
				continue // "3 teams @ Contoso. Led": no top-level domain left
			}
			if start >= len("mailto:") && strings.EqualFold(t[start-len("mailto:"):start], "mailto:") {
				start -= len("mailto:")
			}
			add(ContactEmail, start, end, emailKey(t[loc[0]:end]), "")
		}
		for _, loc := range tightAddressRE.FindAllStringIndex(t, -1) {
			add(ContactEmail, loc[0], loc[1], emailKey(t[loc[0]:loc[1]]), "")
		}
		for _, m := range handleRE.FindAllStringSubmatchIndex(t, -1) {
			add(ContactHandle, m[2], m[3], strings.ToLower(t[m[2]:m[3]]), "")
		}
	}
	spelledAddresses(t, overlapping, func(start, end int, key string) { add(ContactEmail, start, end, key, "") })
	eachURL(t, func(start, end int) {
		s := strings.TrimRight(t[start:end], ".,;:!?)]}'\"")
		if techNames[strings.ToLower(s)] {
			return
		}
		end = start + len(s)
		end = withProfileName(t, end)
		add(ContactURL, start, end, urlKey(t[start:end]), "")
	})
	spelledHosts(t, func(start, end int, key string) { add(ContactURL, start, end, key, "") })
	platformHandles(t, func(start, end int, key string) { add(ContactHandle, start, end, key, "") })
	if strings.IndexByte(t, '/') >= 0 {
		for _, m := range profilePathRE.FindAllStringSubmatchIndex(t, -1) {
			add(ContactURL, m[2], m[3], strings.ToLower(t[m[2]:m[3]]), "")
		}
	}
	if mayHavePhone(t) {
		budget := phoneParseBudget
		for _, loc := range phoneCandidateRE.FindAllStringIndex(t, -1) {
			s := strings.TrimRight(t[loc[0]:loc[1]], " \t.-/([")
			if !overlapping && overlaps(out, loc[0], loc[0]+len(s)) {
				continue
			}
			out = appendPhones(out, t, loc[0], s, &budget)
		}
	}
	spelledDigits(t, func(start, end int, key string) { add(ContactPhone, start, end, key, "") })
	if len(out) > 1 {
		sortContacts(out)
	}
	if v.offs != nil {
		for i := range out {
			out[i].Start, out[i].End = v.span(out[i].Start, out[i].End)
		}
	}
	return out
}

// trimAddress returns where the address matched at t[start:end] ends:
// before a label that a spaced dot joined and that is no top-level domain
// ("ada@contoso.com . Mentored" ends at "com").
func trimAddress(t string, start, end int) int {
	for {
		i := strings.LastIndexByte(t[start:end], '.')
		if i < 0 {
			return end
		}
		i += start
		spaced := i > 0 && t[i-1] == ' ' || i+1 < len(t) && t[i+1] == ' '
		if !spaced || isTLD(strings.TrimSpace(t[i+1:end])) {
			return end
		}
		end = i
		for end > start && t[end-1] == ' ' {
			end--
		}
	}
}

// withProfileName returns the end of a URL that ends in a slash and is
// followed by a space and a word that is no English word: "linkedin.com/in/
// zbk88" is one address.
func withProfileName(t string, end int) int {
	if end == 0 || end+1 >= len(t) || t[end-1] != '/' || t[end] != ' ' {
		return end
	}
	j := end + 1
	for j < len(t) && (isWordByte(t[j]) || t[j] == '-' || t[j] == '_' || t[j] == '.') {
		j++
	}
	w := strings.TrimRight(t[end+1:j], ".-_")
	if w == "" || isDictWord(strings.ToLower(w)) {
		return end
	}
	return end + 1 + len(w)
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= utf8.RuneSelf
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
		case phoneByte[c]:
		default:
			n = 0
		}
	}
	return false
}

// phoneByte holds the bytes other than digits that a phone number is
// written with, for mayHavePhone.
var phoneByte = func() (t [256]bool) {
	for _, c := range []byte(" \t().-/+[]xXeEtT") {
		t[c] = true
	}
	return t
}()

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// emailKey is an address as it is sent: lower case, without spaces,
// quotes or comments, spelled words as the characters they spell.
func emailKey(s string) string {
	s = strings.ToLower(s)
	var b strings.Builder
	depth := 0
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) }) {
		switch f {
		case "at", "arobase":
			b.WriteByte('@')
		case "dot", "point":
			b.WriteByte('.')
		default:
			for _, r := range f {
				switch {
				case r == '(':
					depth++
				case r == ')':
					depth = max(0, depth-1)
				case depth > 0 || r == '"':
				default:
					b.WriteRune(r)
				}
			}
		}
	}
	return b.String()
}

// urlKey is a URL's host and path in lower case, without scheme, user,
// "www.", query, fragment or trailing slash: "https://WWW.Ada.dev/cv/?x=1"
// gives "ada.dev/cv".
func urlKey(s string) string {
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
	return strings.TrimRight(strings.ReplaceAll(s, " ", ""), "/")
}

// maxPhoneGroups is the most groups of digits a phone number is written
// in: "+48 22 123 45 67" has five.
const maxPhoneGroups = 6

// appendPhones appends the phone numbers in the candidate s found at start
// in text: s itself if it is one; else, left to right, the longest runs of
// its groups of digits that are, so that a number followed by another
// ("0161 496 0000 / 0161 496 0001") or by other digits is still found.
func appendPhones(out []Contact, text string, start int, s string, budget *int) []Contact {
	if key, cc, ok := phoneKey(text, start, s, budget); ok {
		return append(out, Contact{Kind: ContactPhone, Start: start, End: start + len(s), Key: key, Country: cc})
	}
	if dateLike(s) || thousands(s) || roundRange(s) || isbnLike(text, start, s) {
		return out // a date, a count or an ISBN: no number inside it either
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
		case s[from-1] == '(' || s[from-1] == '[':
			from--
		}
		found := false
		for j := min(len(groups), i+maxPhoneGroups) - 1; j >= i && !found; j-- {
			if i == 0 && j == len(groups)-1 {
				continue // s itself, tried above
			}
			sub := s[from:groups[j][1]]
			if key, cc, ok := phoneKey(text, start+from, sub, budget); ok {
				out = append(out, Contact{Kind: ContactPhone, Start: start + from, End: start + groups[j][1], Key: key, Country: cc})
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
// and returns its national digits and its country calling code if it was
// written with one. A number with a country code (+ or 00) must be a
// possible number of that country; one without must be a valid number of
// one of phoneRegions. Dates, ranges, amounts, counts, percentages and
// ISBNs are not phone numbers (notPhone). Each parse spends one of
// *budget; with none left, s is a phone number and its key all its digits.
func phoneKey(text string, start int, s string, budget *int) (string, string, bool) {
	d := digits(s)
	if d < 7 || d > 17 || notPhone(text, start, s) {
		return "", "", false
	}
	if *budget <= 0 {
		return strings.Map(keepDigit, s), "", true
	}
	num := strings.NewReplacer("[", "(", "]", ")").Replace(s)
	if strings.HasPrefix(num, "00") {
		num = "+" + num[2:]
	}
	if strings.HasPrefix(num, "+") || strings.HasPrefix(num, "(+") {
		*budget--
		n, err := phonenumbers.Parse(num, "ZZ")
		if err == nil && phonenumbers.IsPossibleNumber(n) {
			return nationalDigits(n), strconv.Itoa(int(n.GetCountryCode())), true
		}
		return "", "", false
	}
	for _, region := range phoneRegions {
		*budget--
		n, err := phonenumbers.Parse(num, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(n, region) {
			return nationalDigits(n), "", true
		}
	}
	return "", "", false
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
