package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Numbers that look like phone numbers but are facts a bio needs.

// notPhone reports whether the candidate s, found at start in text (a
// view), is a date, a range, an amount, a count or an ISBN rather than a
// phone number. A number written with a country code is a phone number.
func notPhone(text string, start int, s string) bool {
	if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "(+") || strings.HasPrefix(s, "00") {
		return false
	}
	if (s[0] == '(' || s[0] == '[') && !strings.ContainsAny(s, ")]") {
		// "(5000-10000 users": the bracket opens the text around it.
		start++
		s = s[1:]
	}
	if dateLike(s) || thousands(s) || roundRange(s) || isbnLike(text, start, s) {
		return true
	}
	if strings.ContainsAny(s, "+()[]-/") {
		return false
	}
	// "$1200000", "€ 4 500 000", "USD 1500000", "12345678%", "12500000
	// EUR", "3400000 devices": an amount, a percentage or a count,
	// written with digits, spaces, dots and commas only ("(415) 555-2671
	// %" is a number with a "%" put after it).
	before := strings.TrimRight(text[:start], " ")
	if r, _ := utf8.DecodeLastRuneInString(before); unicode.Is(unicode.Sc, r) {
		return true
	}
	if currencyCodes[lastWord(before)] {
		return true
	}
	rest := strings.TrimLeft(text[start+len(s):], " ")
	if strings.HasPrefix(rest, "%") {
		return true
	}
	next := rest
	if i := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) }); i >= 0 {
		next = rest[:i]
		if r, _ := utf8.DecodeRuneInString(rest[i:]); isWordRune(r) {
			next = "" // "12345678 B000": no unit
		}
	}
	if currencyCodes[next] || amountUnits[strings.ToLower(next)] {
		return true
	}
	// A count: a plural English noun after the number.
	return len(next) >= 4 && strings.HasSuffix(next, "s") && next == strings.ToLower(next) && isDictWord(next)
}

// currencyCodes are the ISO 4217 codes an amount is written with most.
var currencyCodes = map[string]bool{}

// amountUnits follow an amount or a count.
var amountUnits = map[string]bool{
	"k": true, "m": true, "mn": true, "mm": true, "bn": true, "b": true, "thousand": true, "million": true,
	"millions": true, "billion": true, "billions": true, "lakh": true, "lakhs": true, "crore": true,
	"crores": true, "percent": true, "dollars": true, "euros": true, "pounds": true, "rupees": true,
}

func init() {
	for _, c := range strings.Fields(`USD EUR GBP INR JPY CNY RMB AUD CAD CHF SEK NOK DKK PLN CZK HUF NGN ZAR
		KES GHS EGP BRL MXN ARS COP CLP RUB UAH TRY AED SAR QAR ILS SGD HKD NZD KRW TWD THB MYR IDR PHP VND
		PKR BDT LKR`) {
		currencyCodes[c] = true
	}
}

// dateLike reports whether s is made of dates or years, as dates, ranges
// and lists are written: "2015-2020", "2015 / 2020", "2019-03",
// "2019-03-01", "03/2019 - 04/2021", "01.03.2019 - 30.04.2021",
// "2019 2020 2021". Each year (1900 to 2100) may come with up to two
// parts of a date (a month or a day).
func dateLike(s string) bool {
	years, parts, groups := 0, 0, 0
	for g := range strings.FieldsFuncSeq(s, func(r rune) bool { return r < '0' || r > '9' }) {
		groups++
		switch {
		case len(g) == 4 && g >= "1900" && g <= "2100":
			years++
		case len(g) <= 2 && g != "0" && g != "00" && (len(g) == 1 || g <= "31"):
			parts++ // a month or a day
		default:
			return false
		}
	}
	return years >= 1 && years <= 8 && parts <= 2*years
}

// thousands reports whether s is a number written with separators of
// thousands, a count or an amount rather than a phone number: "1,200,000",
// "1.200.000", "1'200'000", "1 200 000". Groups of three after the first, one separator throughout; with
// spaces, a first group of one or two digits, as "612 345 678" is a
// Spanish mobile number.
func thousands(s string) bool {
	var sep byte
	groups := 0
	first := 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		n := j - i
		switch {
		case groups == 0:
			if n < 1 || n > 3 {
				return false
			}
			first = n
		case n != 3:
			return false
		}
		groups++
		if j == len(s) {
			break
		}
		c := s[j]
		if c != '.' && c != ',' && c != ' ' && c != '\'' || sep != 0 && c != sep {
			return false
		}
		sep = c
		i = j + 1
	}
	return groups >= 3 && (sep != ' ' || first <= 2)
}

// roundRange reports whether s is a range of round numbers: "1000-2000",
// "5000 - 10000", "2500000-3000000" (a phone number such as "555-2600"
// is not round at both ends).
func roundRange(s string) bool {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return false
	}
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	round := func(x string) bool {
		return len(x) >= 3 && strings.HasSuffix(x, "00") && strings.Trim(x, "0123456789") == "" && x[0] != '0'
	}
	return round(a) && round(b) && (len(a) < len(b) || len(a) == len(b) && a < b)
}

// isbnLike reports whether s is an ISBN: 13 digits starting with 978 or
// 979, or 10 with "ISBN" before them.
func isbnLike(text string, start int, s string) bool {
	d := strings.Map(keepDigit, s)
	if len(d) == 13 && (strings.HasPrefix(d, "978") || strings.HasPrefix(d, "979")) {
		return true
	}
	before := strings.ToUpper(strings.TrimRight(text[:start], " :-#"))
	return (len(d) == 10 || len(d) == 9) && strings.HasSuffix(before, "ISBN")
}

// lastWord returns the letters at the end of s: "(USD" gives "USD".
func lastWord(s string) string {
	i := len(s)
	for i > 0 && ('a' <= s[i-1]|0x20 && s[i-1]|0x20 <= 'z') {
		i--
	}
	return s[i:]
}
