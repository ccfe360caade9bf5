package pii

import (
	"strings"
	"unicode/utf8"
)

// userIDPattern finds the user id in a text however its separators are
// written: "EMP000123" as "EMP-000123", "w-10423" as "W 10423" or
// "w.10423", "u12345.okta" as "u12345_okta", "hr:12345x" as "hr 12345x";
// and its number alone when it has five digits or more ("number 10423").
// It reads a text's key (see keyOf), so case, digits of other scripts and
// look-alike letters do not hide it.
type userIDPattern struct {
	// key is the id's letters and digits in key form: "w10423".
	key string
	// sep[i] says that the id has a separator before key[i].
	sep []bool
	// number is the id's longest run of digits if it has five or more,
	// and trimmed, the same without leading zeros if five or more remain.
	number, trimmed string
}

// minSkippingID is the shortest id (in letters and digits) matched with
// other separators than its own: a shorter one would match too much.
const minSkippingID = 4

func newUserIDPattern(id string) *userIDPattern {
	k := keyOf(id)
	p := &userIDPattern{}
	gap := false
	for _, r := range k {
		if !isWordRune(r) {
			gap = len(p.key) > 0
			continue
		}
		p.key += string(r)
		for range utf8.RuneLen(r) {
			p.sep = append(p.sep, gap)
			gap = false
		}
	}
	if utf8.RuneCountInString(p.key) < 2 {
		return nil
	}
	longest := ""
	for _, run := range strings.FieldsFunc(p.key, func(r rune) bool { return r < '0' || r > '9' }) {
		if len(run) > len(longest) {
			longest = run
		}
	}
	if len(longest) >= 5 {
		p.number = longest
		if t := strings.TrimLeft(longest, "0"); len(t) >= 5 && t != longest {
			p.trimmed = t
		}
	}
	return p
}

// eachMatch calls fn with the span in k.s of each occurrence of the id.
func (p *userIDPattern) eachMatch(k keyed, fn func(start, end int)) {
	s := k.key
	for i := 0; i < len(s); {
		if !joinedBefore(s, i) {
			if end := p.matchAt(s, i); end > i {
				fn(k.orig(i), k.orig(end))
				i = end
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
}

// matchAt returns the end of the id matched at s[i:], or 0.
func (p *userIDPattern) matchAt(s string, i int) int {
	for _, num := range [...]string{p.number, p.trimmed} {
		if num != "" && strings.HasPrefix(s[i:], num) && !digitAt(s, i+len(num)) && !joinedAfter(s, i+len(num)) {
			return i + len(num)
		}
	}
	skipping := len(p.key) >= minSkippingID
	j := i
	for q := 0; q < len(p.key); {
		if j < len(s) && lowerASCII(s[j]) == p.key[q] {
			j++
			q++
			continue
		}
		// Separators the id does not have, where it may: between a letter
		// and a digit ("W 10423"), or where it has one of its own
		// ("u12345.okta" as "u12345_okta"), but not a space between two
		// letters ("ada.okafor" is no "Ada Okafor").
		if !skipping || q == 0 {
			return 0
		}
		n := 0
		for j+n < len(s) && n < 2 && strings.IndexByte(" .-_:/#\\+", s[j+n]) >= 0 {
			n++
		}
		if n == 0 {
			return 0
		}
		digitEdge := isDigitByte(p.key[q-1]) != isDigitByte(p.key[q])
		if !digitEdge && (!p.sep[q] || strings.IndexByte(s[j:j+n], ' ') >= 0) {
			return 0
		}
		j += n
	}
	if joinedAfter(s, j) {
		return 0
	}
	return j
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
