package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A view is a text as contact detection reads it, with the way back to
// the text: what a person reads as a digit, a dot or an "@" is one there,
// however it is written. It holds
//
//   - every decimal digit as its ASCII digit ("٤١٥" reads "415"), and a
//     letter O beside a digit as a zero ("+44 2O 7946 O958");
//   - look-alike letters as their Latin letter in lower case ("contоso"
//     with a Cyrillic "о", see confusables), enclosing marks dropped;
//   - every dash as '-', a middle dot as '.', a full stop of another
//     script between ASCII letters or digits as '.' ("penguin。io", see
//     fullStop), every space as ' ', a backslash as '/', a comma or an
//     underscore between digits as '.' or '-' ("415,555,2671",
//     "415_555_2671");
//   - percent-encoded bytes and HTML character references decoded
//     ("zbk88%40contoso.com", "zbk88&#64;contoso.com");
//   - "[.]", "(.)", "{.}", "<.>" as '.', and "[at]", "(at)", "<at>",
//     "[dot]", ... with the spaces around them as '@' and '.'.
//
// The zero view is not usable; call newView.
type view struct {
	src, s string
	// offs holds, for each byte of s, the offset in src of the piece of
	// src it comes from; nil when s is src.
	offs []int32
}

// newView returns the view of src, folded (bio.Fold). A text with nothing
// to rewrite (most ASCII prose) is its own view, without a copy.
func newView(src string) view {
	if !needsView(src) {
		return view{src: src, s: src}
	}
	b := make([]byte, 0, len(src)+8)
	offs := make([]int32, 0, len(src)+8)
	emit := func(at int, s string) {
		b = append(b, s...)
		for range len(s) {
			offs = append(offs, int32(at))
		}
	}
	emitRune := func(at int, r rune, end int) {
		n := len(b)
		b = foldRune(b, r, src, at, end)
		for range len(b) - n {
			offs = append(offs, int32(at))
		}
	}
	for i := 0; i < len(src); {
		if n, out := obfuscation(src, i); n > 0 {
			emit(i, out)
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == '%' || r == '&' {
			if n, dec := decodeEscapes(src, i); n > 0 {
				for _, dr := range dec {
					emitRune(i, dr, i+n)
				}
				i += n
				continue
			}
		}
		emitRune(i, r, i+size)
		i += size
	}
	return view{src: src, s: string(b), offs: offs}
}

// needsView reports whether src has anything newView rewrites.
func needsView(src string) bool {
	for i := 0; i < len(src); i++ {
		switch viewByte[src[i]] {
		case 0:
		case viewAlways:
			return true
		case viewBracket:
			j := i
			for j > 0 && src[j-1] == ' ' {
				j--
			}
			if n, _ := obfuscation(src, j); n > 0 {
				return true
			}
		case viewNearDigit:
			if i > 0 && isDigitByte(src[i-1]) || i+1 < len(src) && isDigitByte(src[i+1]) {
				return true
			}
		}
	}
	return false
}

// What a byte of a text says about its view, for needsView.
const (
	viewAlways    = 1 + iota // a byte of a non-ASCII rune, '%', '&', '\\'
	viewBracket              // an obfuscated "[.]" or "(at)" may start here
	viewNearDigit            // 'o', 'O', ',' or '_': rewritten beside a digit
)

var viewByte = func() (t [256]uint8) {
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = viewAlways
	}
	for _, c := range []byte("%&\\") {
		t[c] = viewAlways
	}
	for _, c := range []byte("[({<") {
		t[c] = viewBracket
	}
	for _, c := range []byte("oO,_") {
		t[c] = viewNearDigit
	}
	return t
}()

// foldRune appends what r, at src[start:end], reads as in a view.
func foldRune(dst []byte, r rune, src string, start, end int) []byte {
	switch {
	case r == 'o' || r == 'O':
		if digitNear(src, start) && !letterBeyond(src, start, end) {
			return append(dst, '0')
		}
		return append(dst, byte(r))
	case r == ',' && digitBefore(src, start) && digitAt(src, end):
		return append(dst, '.')
	case r == '_' && digitBefore(src, start) && digitAt(src, end):
		return append(dst, '-')
	case r == '\\':
		return append(dst, '/')
	case r < utf8.RuneSelf:
		return append(dst, byte(r))
	}
	if d := digitValue(r); d >= 0 {
		return append(dst, byte('0'+d))
	}
	if c, ok := confusables[r]; ok {
		return append(dst, c)
	}
	switch {
	case isDash(r):
		return append(dst, '-')
	case r == '·' || r == '•' || r == '∙' || r == '・' || r == '･' || r == '‧':
		return append(dst, '.')
	case fullStop(r) && asciiLabels(src, start, end):
		// "penguin。io": a full stop of another script between labels.
		return append(dst, '.')
	case unicode.IsSpace(r):
		return append(dst, ' ')
	case unicode.Is(unicode.Me, r):
		return dst
	}
	return utf8.AppendRune(dst, r)
}

// fullStop reports whether r is a full stop or dot of another script that
// NFKC leaves as it is, or that a text not folded may hold: the ideographic
// full stops (U+3002, U+FF61), the dot leaders and small full stop (U+2024,
// U+FE52), the Syriac full stops (U+0701, U+0702) and the word separator
// middle dot (U+2E33). Between labels (asciiLabels) a view reads one as
// '.'; elsewhere it ends a sentence ("工作。公司", "负责AI。AWS认证").
func fullStop(r rune) bool {
	switch r {
	case '\u3002', '\uFF61', '\u2024', '\uFE52', '\u0701', '\u0702', '\u2E33':
		return true
	}
	return false
}

// asciiLabels reports whether src[start:end] stands between two labels of
// a host name: ASCII letters or digits before it, making a word of their
// own (not the end of a word of another script: "负责AI"), and after it
// an ASCII letter or digit, in small letters unless the label before is
// in capitals ("penguin。io", "PENGUIN。IO", not "Kafka。Python").
func asciiLabels(src string, start, end int) bool {
	if end >= len(src) || !isASCIIAlnum(src[end]) {
		return false
	}
	i := start
	upper := true
	for i > 0 && (isASCIIAlnum(src[i-1]) || src[i-1] == '-') {
		upper = upper && !('a' <= src[i-1] && src[i-1] <= 'z')
		i--
	}
	if i == start || wordBefore(src, i) {
		return false
	}
	return 'a' <= src[end] && src[end] <= 'z' || '0' <= src[end] && src[end] <= '9' || upper
}

func isASCIIAlnum(c byte) bool { return c < utf8.RuneSelf && isAlnum(c) }

// digitNear reports whether the rune before or after src[i] is a digit.
func digitNear(src string, i int) bool {
	_, size := utf8.DecodeRuneInString(src[i:])
	return digitBefore(src, i) || digitAt(src, i+size)
}

func digitBefore(src string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(src[:i])
	return i > 0 && digitValue(r) >= 0
}

func digitAt(src string, i int) bool {
	r, _ := utf8.DecodeRuneInString(src[i:])
	return i < len(src) && digitValue(r) >= 0
}

// letterBeyond reports whether the letter O at src[start:end] has a
// letter beside it: in "CO2" or "O2C" it is a letter, not a zero.
func letterBeyond(src string, start, end int) bool {
	before, _ := utf8.DecodeLastRuneInString(src[:start])
	after, _ := utf8.DecodeRuneInString(src[end:])
	return start > 0 && unicode.IsLetter(before) || end < len(src) && unicode.IsLetter(after)
}

// obfuscation returns the length of an obfuscated '@' or '.' at src[i]
// and what it reads as: "[.]", "(.)", "{.}", "<.>", "[@]"; "[at]", "(at)",
// "<at>", "{at}", "[dot]", ... in any case, with the spaces inside and
// around them. It stands between two words ("zbk88 [at] contoso"), not
// apart ("a list (.) of"); 0 when there is none.
func obfuscation(src string, i int) (int, string) {
	if i == 0 || src[i-1] == ' ' || !wordBefore(src, i) {
		return 0, "" // not right after a word, or a run of spaces started earlier
	}
	k := skipSpaces(src, i)
	if k >= len(src) {
		return 0, ""
	}
	var closer byte
	switch src[k] {
	case '[':
		closer = ']'
	case '(':
		closer = ')'
	case '{':
		closer = '}'
	case '<':
		closer = '>'
	default:
		return 0, ""
	}
	k = skipSpaces(src, k+1)
	var out string
	switch {
	case strings.HasPrefix(src[k:], "."):
		out, k = ".", k+1
	case strings.HasPrefix(src[k:], "@"):
		out, k = "@", k+1
	case len(src) >= k+2 && strings.EqualFold(src[k:k+2], "at"):
		out, k = "@", k+2
	case len(src) >= k+3 && strings.EqualFold(src[k:k+3], "dot"):
		out, k = ".", k+3
	default:
		return 0, ""
	}
	k = skipSpaces(src, k)
	if k >= len(src) || src[k] != closer {
		return 0, ""
	}
	k = skipSpaces(src, k+1)
	if !wordAt(src, k) {
		return 0, ""
	}
	return k - i, out
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// decodeEscapes decodes the percent-encoded bytes ("%40", "%E2%80%8B")
// or the HTML character reference ("&#64;", "&#x40;", "&commat;") at
// src[i], and returns its length and the runes it stands for; 0 when there
// is none, or the bytes are no UTF-8.
func decodeEscapes(src string, i int) (int, []rune) {
	if src[i] == '%' {
		var bs []byte
		j := i
		for j+2 < len(src) && src[j] == '%' && isHex(src[j+1]) && isHex(src[j+2]) {
			bs = append(bs, unhex(src[j+1])<<4|unhex(src[j+2]))
			j += 3
		}
		if len(bs) == 0 || !utf8.Valid(bs) {
			return 0, nil
		}
		return j - i, []rune(string(bs))
	}
	end := strings.IndexByte(src[i:min(len(src), i+12)], ';')
	if end < 0 {
		return 0, nil
	}
	ref := src[i+1 : i+end]
	var r rune
	switch {
	case strings.HasPrefix(ref, "#x") || strings.HasPrefix(ref, "#X"):
		for _, c := range []byte(ref[2:]) {
			if !isHex(c) {
				return 0, nil
			}
			r = r<<4 | rune(unhex(c))
		}
	case strings.HasPrefix(ref, "#"):
		for _, c := range []byte(ref[1:]) {
			if c < '0' || c > '9' {
				return 0, nil
			}
			r = r*10 + rune(c-'0')
		}
	default:
		var ok bool
		if r, ok = namedRefs[strings.ToLower(ref)]; !ok {
			return 0, nil
		}
	}
	if len(ref) < 2 || r <= 0 || r > unicode.MaxRune {
		return 0, nil
	}
	return end + 1, []rune{r}
}

// namedRefs are the HTML character references that write a character of
// an address.
var namedRefs = map[string]rune{
	"commat": '@', "period": '.', "sol": '/', "colon": ':', "amp": '&', "plus": '+', "lowbar": '_',
	"hyphen": '-', "dash": '-', "num": '#', "percnt": '%', "quest": '?', "equals": '=',
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// span returns the offsets in the text of the view's bytes [start, end).
// An end inside a piece of the text (a byte of a decoded "%40") ends
// after the piece.
func (v *view) span(start, end int) (int, int) {
	if v.offs == nil {
		return start, end
	}
	s := len(v.src)
	if start < len(v.offs) {
		s = int(v.offs[start])
	}
	e := len(v.src)
	if end > start && end < len(v.offs) {
		k := end
		for k < len(v.offs) && v.offs[k] == v.offs[end-1] {
			k++ // the piece of byte end-1 goes on
		}
		if k < len(v.offs) {
			e = int(v.offs[k])
		}
	} else if end <= start {
		e = s
	}
	return s, e
}
