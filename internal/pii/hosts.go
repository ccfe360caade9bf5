package pii

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"mvdan.cc/xurls/v2"
)

// eachURL calls fn with the byte offsets of every URL xurls's relaxed
// expression finds in text. The expression is large (some 14µs a call, a
// millisecond for a kilobyte of prose with a dot in it), and a URL never
// holds white space, so it runs only on the words that may hold one
// (mayBeHost): a bio or a profile field usually has none.
func eachURL(text string, fn func(start, end int)) {
	for i := 0; i < len(text); {
		if n := spaceAt(text, i); n > 0 {
			i += n
			continue
		}
		j := i
		for j < len(text) && spaceAt(text, j) == 0 {
			if text[j] < utf8.RuneSelf {
				j++
				continue
			}
			_, n := utf8.DecodeRuneInString(text[j:])
			j += n
		}
		if w := text[i:j]; mayBeHost(w) {
			for _, loc := range hostRE().FindAllStringIndex(w, -1) {
				fn(i+loc[0], i+loc[1])
			}
		}
		i = j
	}
}

// mayBeHost reports whether the word w may hold a URL as xurls reads one:
// a colon inside it (a scheme), "www.", a host name that ends in a top-level domain xurls
// knows ("ada.dev", "linkedin.com/in/ada"; not "Node.js", "e.g." or
// "3.5"), one in another script or punycode, or four dotted numbers. It
// errs towards yes; FuzzEachURL checks that it never says no to a word
// holding a URL.
func mayBeHost(w string) bool {
	if len(w) < 2 {
		return false
	}
	if strings.IndexByte(w[:len(w)-1], ':') >= 0 || hasWWW(w) {
		return true // a scheme ("https://", "mailto:", "tel:") or "www."
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
			if w[j] >= utf8.RuneSelf {
				return true // a label in another script
			}
			j++
		}
		label := w[i+1 : j]
		if len(label) >= 2 && isTLD(label) {
			return true
		}
		// xurls ends a top-level domain at a dash: "0.AC-0" holds "0.AC".
		if k := strings.IndexByte(label, '-'); k >= 2 && isTLD(label[:k]) {
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
	if len(label) > 24 {
		return true // a long label: let xurls decide
	}
	l := strings.ToLower(label)
	return strings.HasPrefix(l, "xn--") || tlds()[l]
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= utf8.RuneSelf
}

// spaceAt returns the length of the white-space character at text[i], or
// 0 when there is none.
func spaceAt(text string, i int) int {
	c := text[i]
	if c < utf8.RuneSelf {
		return int(asciiSpace[c])
	}
	r, n := utf8.DecodeRuneInString(text[i:])
	if unicode.IsSpace(r) {
		return n
	}
	return 0
}

// asciiSpace is 1 for the ASCII white-space bytes.
var asciiSpace = [utf8.RuneSelf]uint8{' ': 1, '\t': 1, '\n': 1, '\r': 1, '\v': 1, '\f': 1}

// hasWWW reports whether w holds "www." in any case.
func hasWWW(w string) bool {
	for i := 0; i+4 <= len(w); i++ {
		if w[i]|0x20 == 'w' && w[i+1]|0x20 == 'w' && w[i+2]|0x20 == 'w' && w[i+3] == '.' {
			return true
		}
	}
	return false
}
