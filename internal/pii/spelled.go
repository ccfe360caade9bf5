package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Contact details spelled out in words: "zofia.k88 at gmail dot com",
// "zbk88 arobase contoso point com", "zbk88 dot dev", "four one five five
// five five two six seven one".

// spelledAddresses calls fn with each address written with a word for its
// "@" (" at ", " arobase ") in the view t, and its key. Prose has " at "
// everywhere ("worked at contoso.com"), so the words around it must make
// an address: a domain ending in a top-level domain, and, unless loose, a
// local part with a character no word has (a digit, ".", "_", "+", "%", a
// quote or a dash) or an "@" or a dot spelled as a word too ("AT",
// "arobase", " dot ", " . "). Removal is loose: a local part of letters
// that is no English word will do ("bluefox at gmail.com"; not "worked at
// contoso.com"); the output checks are not, so that "Ada Okafor at
// contoso.com" in a bio is no invented address.
func spelledAddresses(t string, loose bool, fn func(start, end int, key string)) {
	for i := 0; i+4 <= len(t); i++ {
		if t[i] != ' ' || t[i+1]|0x20 != 'a' {
			continue
		}
		var word string
		switch {
		case t[i+2]|0x20 == 't' && t[i+3] == ' ':
			word = t[i+1 : i+3]
		case i+9 <= len(t) && strings.EqualFold(t[i+1:i+8], "arobase") && t[i+8] == ' ':
			word = t[i+1 : i+8]
		default:
			continue
		}
		ls := i
		for ls > 0 {
			r, size := utf8.DecodeLastRuneInString(t[:ls])
			if !isLocalRune(r) {
				break
			}
			ls -= size
		}
		local := t[ls:i]
		if local == "" || !strings.ContainsFunc(local, unicode.IsLetter) {
			continue
		}
		host, end, spelled := hostAt(t, i+len(word)+2, word != "at" && word != "At")
		if host == "" {
			// "purple.penguin at gmail": a mail service needs no
			// top-level domain to be one.
			host, end = mailServiceAt(t, i+len(word)+2)
			if host == "" {
				continue
			}
		}
		shaped := strings.ContainsFunc(local, func(r rune) bool { return !unicode.IsLetter(r) }) || word == "AT" ||
			word != "at" && word != "At" || spelled && !prose(host[:max(0, strings.IndexByte(host, '.'))]) ||
			loose && !isDictWord(strings.ToLower(local)) && !techNames[host]
		if !shaped {
			continue // "years at a dot com company"
		}
		fn(ls, end, strings.ToLower(strings.Trim(local, `"`)+"@"+host))
		i = end - 1
	}
}

// mailServices are the mail services whose name alone, after an "at",
// ends an address: "purple.penguin at gmail".
var mailServices = map[string]bool{"gmail": true, "googlemail": true, "hotmail": true, "outlook": true, "yahoo": true,
	"ymail": true, "icloud": true, "protonmail": true, "proton": true, "gmx": true, "yandex": true, "aol": true,
	"zoho": true, "fastmail": true, "tutanota": true, "tuta": true, "mailbox": true, "posteo": true, "qq": true,
	"naver": true, "rediffmail": true, "mail.ru": true}

// mailServiceAt returns the name of a mail service that is a word at
// t[i:], in lower case, and its end; "" when there is none.
func mailServiceAt(t string, i int) (string, int) {
	j := i
	for j < len(t) && (isWordByte(t[j]) || t[j] == '.' && wordAt(t, j+1)) {
		j++
	}
	if name := strings.ToLower(t[i:j]); j > i && mailServices[name] && !wordAt(t, j) {
		return name, j
	}
	return "", 0
}

func isLocalRune(r rune) bool {
	return r < utf8.RuneSelf && (isWordByte(byte(r)) || strings.IndexByte("._%+'\"-", byte(r)) >= 0) ||
		r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

// hostAt reads a host name at t[i:]: labels joined by dots, a dot written
// " dot ", " . " or (with point) " point ", ending in a top-level domain.
// It returns the host in key form, its end, and whether a dot was spelled;
// "" when there is no such host.
func hostAt(t string, i int, point bool) (string, int, bool) {
	var labels [8][2]int
	n, end, spelled := 0, i, false
	done := func() (string, int, bool) {
		if n < 2 || !isTLD(t[labels[n-1][0]:labels[n-1][1]]) {
			return "", 0, false
		}
		var b strings.Builder
		for k := range n {
			if k > 0 {
				b.WriteByte('.')
			}
			b.WriteString(strings.ToLower(t[labels[k][0]:labels[k][1]]))
		}
		return b.String(), end, spelled
	}
	for n < len(labels) {
		j := end
		for j < len(t) && (isWordByte(t[j]) || t[j] == '-') {
			j++
		}
		if j == end {
			break
		}
		labels[n] = [2]int{end, j}
		n++
		end = j
		k, sp := hostDot(t, end, point)
		if k == 0 || !wordAt(t, end+k) {
			return done()
		}
		spelled = spelled || sp
		end += k
	}
	return "", 0, false
}

// hostDot returns the length of a dot between labels at t[i:] (".", " .
// ", " dot ", " DOT ", with point " point "), and whether it was spelled
// or spaced; 0 when there is none.
func hostDot(t string, i int, point bool) (int, bool) {
	switch {
	case i < len(t) && t[i] == '.':
		return 1, false
	case i+3 <= len(t) && t[i:i+3] == " . ":
		return 3, true
	case i+5 <= len(t) && t[i] == ' ' && strings.EqualFold(t[i+1:i+4], "dot") && t[i+4] == ' ':
		return 5, true
	case point && i+7 <= len(t) && t[i] == ' ' && strings.EqualFold(t[i+1:i+6], "point") && t[i+6] == ' ':
		return 7, true
	}
	return 0, false
}

// spelledHosts calls fn with each host name in the view t written with a
// dot spelled or spaced ("zbk88 dot dev", "zbk88 . dev/cv", "penguin •
// io", a middle dot being a dot there), ending in a top-level domain, with
// the path after it; and its key. A first label that is an English word or
// a letter ("a dot com company", "Python • Cloud") is prose, unless the
// host reads as one all the same (hostAllTheSame).
func spelledHosts(t string, fn func(start, end int, key string)) {
	for i := 0; i+3 <= len(t); i++ {
		if t[i] != ' ' || !(t[i+1] == '.' || t[i+1]|0x20 == 'd') {
			continue
		}
		if n, sp := hostDot(t, i, false); n == 0 || !sp {
			continue
		}
		ls := i
		for ls > 0 && (isWordByte(t[ls-1]) || t[ls-1] == '-' || t[ls-1] == '.') {
			ls--
		}
		if ls == i || !wordAt(t, ls) {
			continue
		}
		host, end, _ := hostAt(t, ls, false)
		if host == "" || end <= i {
			continue
		}
		if prose(t[ls:i]) && !hostAllTheSame(t, ls, i, end) {
			continue // "a dot com", "pets dot com"
		}
		hostEnd := end
		for end < len(t) && t[end] == '/' {
			for end < len(t) && t[end] != ' ' && t[end] != ',' && t[end] != ')' {
				end++
			}
		}
		fn(ls, end, strings.TrimRight(host+strings.ToLower(t[hostEnd:end]), "/"))
		i = end - 1
	}
}

// hostAllTheSame reports whether the host t[start:end], written with a
// spelled or spaced dot at t[dot] after a first label that is an English
// word, is a host all the same: its dot is spelled in capitals ("penguin
// DOT io"); a word that names a site stands before it ("Site penguin .
// io", "Blog: penguin dot io"); or it is written in small letters with a
// dot that prose does not write apart and a last label that is no word of
// prose ("penguin • io", not "a dot com" or "python • ai").
func hostAllTheSame(t string, start, dot, end int) bool {
	if label := strings.ToLower(t[start:dot]); len(label) < 2 || commonShort[label] || determiners[label] {
		return false // "a dot com", "the DOT com era"
	}
	if strings.HasPrefix(t[dot:], " DOT ") {
		return true
	}
	if siteWords[strings.ToLower(lastWord(strings.TrimRight(t[:start], " :")))] {
		return true
	}
	if !strings.HasPrefix(t[dot:], " . ") {
		return false
	}
	host := t[start:end]
	if strings.ToLower(host) != host {
		return false
	}
	tld := host[strings.LastIndexAny(host, ". ")+1:]
	return !isDictWord(tld) && !knownTerm(tld) && !commonShort[tld]
}

var determiners = map[string]bool{"the": true, "this": true, "that": true, "our": true, "their": true, "your": true,
	"his": true, "her": true, "its": true, "any": true, "every": true}

// siteWords name a web site: the host after one is one, whatever its
// labels.
var siteWords = map[string]bool{"site": true, "website": true, "web": true, "blog": true, "homepage": true,
	"portfolio": true, "url": true, "domain": true, "webpage": true, "page": true, "link": true}

// prose reports whether the first label of a host written with a spelled
// dot reads as a word of prose rather than a name: an English word, a
// letter, or a word of knownTerms ("a dot com company", "Go • AI",
// "Kubernetes • Cloud").
func prose(label string) bool {
	label = strings.ToLower(label)
	return len(label) < 2 || isDictWord(label) || commonShort[label] || knownTerm(label)
}

// digitWord returns the digit the word w spells ("four", "Oh"), and
// whether it spells one.
func digitWord(w string) (byte, bool) {
	if len(w) < 2 || len(w) > 6 {
		return 0, false
	}
	switch w[0] | 0x20 {
	case 'z', 'o', 'n', 't', 'f', 's', 'e':
	default:
		return 0, false
	}
	var low [6]byte
	for k := range len(w) {
		low[k] = w[k] | 0x20
	}
	switch string(low[:len(w)]) {
	case "zero", "oh", "nought":
		return '0', true
	case "one":
		return '1', true
	case "two":
		return '2', true
	case "three":
		return '3', true
	case "four":
		return '4', true
	case "five":
		return '5', true
	case "six":
		return '6', true
	case "seven":
		return '7', true
	case "eight":
		return '8', true
	case "nine":
		return '9', true
	}
	return 0, false
}

// minSpelledDigits is the fewest digits spelled in a row that make a
// phone number: no sentence of prose spells seven digits one by one.
const minSpelledDigits = 7

// spelledDigits calls fn with each run of at least minSpelledDigits digit
// words, apart only by spaces, commas, dots or dashes, and its digits:
// "four one five, five five five, two six seven one".
func spelledDigits(t string, fn func(start, end int, key string)) {
	var buf [32]byte
	key := buf[:0]
	runStart, runEnd := -1, -1
	flush := func() {
		if len(key) >= minSpelledDigits {
			fn(runStart, runEnd, string(key))
		}
		key, runStart = key[:0], -1
	}
	for i := 0; i < len(t); {
		c := t[i]
		if !('a' <= c|0x20 && c|0x20 <= 'z') {
			if runStart >= 0 && strings.IndexByte(" ,.-", c) < 0 {
				flush()
			}
			i++
			continue
		}
		j := i
		for j < len(t) && 'a' <= t[j]|0x20 && t[j]|0x20 <= 'z' {
			j++
		}
		if d, ok := digitWord(t[i:j]); ok {
			if runStart < 0 {
				runStart = i
			}
			key, runEnd = append(key, d), j
		} else if runStart >= 0 {
			flush()
		}
		i = j
	}
	if runStart >= 0 {
		flush()
	}
}
