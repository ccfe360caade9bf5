package check

import (
	"strings"
	"sync"
	"unicode/utf8"

	"mvdan.cc/xurls/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/pii"
)

// inventedContact reports whether text, folded (bio.Fold), holds a contact
// detail (an e-mail address, a URL, a phone number) that no text of the
// profile f reads holds, as pii.FindContacts reads and keys them:
// "https://www.Ada.dev/" in a bio is the profile's "ada.dev". A URL that is
// the start of one in the profile ("github.com" for "github.com/ada") or
// the domain of its e-mail address is the profile's too.
//
// pii.FindContacts runs a large URL expression (some 14µs a call, a
// millisecond for a kilobyte with a dot in it) and a phone expression; a
// bio rarely has a contact, so a scan of its bytes decides first whether
// to look at all, and URLs are looked for only in the words that may hold
// one.
func inventedContact(text string, f *facts) bool {
	var found []pii.Contact
	if addressOrPhone, host := contactHints(text); addressOrPhone {
		found = pii.FindContacts(text)
	} else if host {
		for i := 0; i < len(text); {
			for i < len(text) && isSpace(text[i]) {
				i++
			}
			j := i
			for j < len(text) && !isSpace(text[j]) {
				j++
			}
			// A word the profile has ("ASP.NET", its own site) holds no
			// invented detail: FindContacts costs some 10µs a call.
			if w := text[i:j]; mayBeHost(w) && !hasWordAt(f.text(), foldAccents(strings.ToLower(strings.TrimRight(w, ".,;:!?)]}'\""))), false) {
				found = append(found, pii.FindContacts(w)...)
			}
			i = j
		}
	}
	if len(found) == 0 {
		return false
	}
	var known []pii.Contact
	f.p.EachText(func(_ bio.TextField, s *string) {
		if *s != "" {
			known = append(known, pii.FindContacts(bio.Fold(*s))...)
		}
	})
	for _, c := range found {
		if !knownContact(c, known) {
			return true
		}
	}
	return false
}

func knownContact(c pii.Contact, known []pii.Contact) bool {
	for _, k := range known {
		switch {
		case c.Key == k.Key:
			return true
		case c.Kind != pii.ContactURL:
		case k.Kind == pii.ContactURL && strings.HasPrefix(k.Key, c.Key+"/"):
			return true
		case k.Kind == pii.ContactEmail && k.Key[strings.LastIndexByte(k.Key, '@')+1:] == c.Key:
			return true
		}
	}
	return false
}

// contactHints reads text once for what pii.FindContacts needs to find
// anything, erring towards yes: addressOrPhone for an e-mail address ("@",
// or "at" spelled in brackets) or a phone number (seven digits in a run of
// digits and the marks a number is written with), host for a word that
// may be a host name (see mayBeHost).
func contactHints(text string) (addressOrPhone, host bool) {
	digits := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '@':
			return true, true
		case c == ']' || c == ')' || c == '}':
			t := strings.TrimRight(text[:i], " \t")
			if n := len(t); n >= 2 && (t[n-1]|0x20) == 't' && (t[n-2]|0x20) == 'a' {
				return true, true
			}
			if c != ')' {
				digits = 0 // a bracket may stand inside a number
			}
		case '0' <= c && c <= '9':
			if digits++; digits >= 7 {
				return true, true
			}
		case c == '.':
			if !host && i > 0 && isAlnum(text[i-1]) && i+1 < len(text) && (text[i+1] >= utf8.RuneSelf || isAlnum(text[i+1])) {
				host = true // mayBeHost decides, word by word
			}
		case c == ' ' || c == '\t' || c == '(' || c == '-' || c == '/' || c == '+':
		case c == ':':
			host = host || strings.HasPrefix(text[i:], "://")
			digits = 0
		default:
			digits = 0
		}
	}
	return false, host
}

// mayBeHost reports whether the word w may hold a URL as xurls reads one:
// a scheme, "www.", a host name that ends in a top-level domain xurls
// knows ("ada.dev", "linkedin.com/in/ada"; not "Node.js", "e.g." or
// "3.5"), one in another script or punycode, or four dotted numbers.
func mayBeHost(w string) bool {
	if len(w) < 4 {
		return false
	}
	if strings.Contains(w, "://") || strings.EqualFold(w[:4], "www.") {
		return true
	}
	dots := 0
	for i := 1; i+1 < len(w); i++ {
		if w[i] != '.' {
			continue
		}
		dots++
		if !isAlnum(w[i-1]) {
			continue
		}
		if w[i+1] >= utf8.RuneSelf {
			return true // a host name in another script
		}
		j := i + 1
		for j < len(w) && (isAlnum(w[j]) || w[j] == '-') {
			j++
		}
		if j < len(w) && w[j] == '.' && j+1 < len(w) && isAlnum(w[j+1]) {
			continue // not the last label: the next dot decides
		}
		if label := w[i+1 : j]; len(label) >= 2 && isTLD(label) {
			return true
		}
	}
	return dots >= 3
}

// tlds are xurls's top-level domains, ASCII ones in lower case.
var tlds = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, len(xurls.TLDs)+len(xurls.PseudoTLDs))
	for _, list := range [][]string{xurls.TLDs, xurls.PseudoTLDs} {
		for _, t := range list {
			m[strings.ToLower(t)] = true
		}
	}
	return m
})

func isTLD(label string) bool {
	var buf [24]byte
	if len(label) > len(buf) {
		return true // a long label: let xurls decide
	}
	l := lowerKey(buf[:0], label)
	return strings.HasPrefix(string(l), "xn--") || tlds()[string(l)]
}

func isSpace(c byte) bool  { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool  { return isLetter(c) || '0' <= c && c <= '9' || c >= utf8.RuneSelf }
