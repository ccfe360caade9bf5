package canary

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Leaks returns what of c's identifiers and phone numbers is in sent (a
// request body that left the premises, or any text). An identifier leaks
// when it is in sent as a whole word (not next to a letter, mark or digit
// of a script written with spaces; anywhere for a word of a script written
// without them),
// without regard to case, after both are normalised: NFKC, invisible
// characters removed, every dash a hyphen and every apostrophe "'"; and
// again with diacritics removed from both. The JSON string escapes of sent
// are decoded first, twice over (the profile travels as JSON inside a JSON
// string). A phone number leaks when its digits are among the digits of
// one of sent's texts.
func (c *Case) Leaks(sent string) []string {
	texts := decodedTexts(sent)
	var all strings.Builder
	for _, t := range texts {
		all.WriteString(t)
		all.WriteByte('\n')
	}
	text := normalise(all.String())
	bare := stripMarks(text)
	var out []string
	for _, id := range c.Identifiers {
		n := normalise(id)
		if n == "" {
			continue
		}
		if hasWholeWord(text, n) || hasWholeWord(bare, stripMarks(n)) {
			out = append(out, id)
		}
	}
	if strs := jsonTexts(sent); strs != nil {
		// JSON: read the digits of its strings, not those of its numbers
		// (the seed is random, and no number is an identifier).
		texts = strs
	}
	for _, ph := range c.Phones {
		for _, t := range texts {
			if strings.Contains(digitsOf(normalise(t)), ph) {
				out = append(out, "phone "+ph)
				break
			}
		}
	}
	return out
}

// Missing returns the controls of c that are not in sent.
func (c *Case) Missing(sent string) []string {
	text := strings.Join(decodedTexts(sent), "\n")
	var out []string
	for _, ctl := range c.Controls {
		if !strings.Contains(text, ctl) {
			out = append(out, ctl)
		}
	}
	return out
}

var unicodeEscapeRE = regexp.MustCompile(`\\u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})?`)

// decodedTexts returns sent as it is, every string inside it if it is JSON,
// and each of these with its \u escapes decoded.
func decodedTexts(sent string) []string {
	return withEscapesDecoded(append([]string{sent}, jsonTexts(sent)...))
}

// jsonTexts returns the strings inside sent, nil if it is not JSON.
func jsonTexts(sent string) []string {
	var v any
	if json.Unmarshal([]byte(sent), &v) != nil {
		return nil
	}
	texts := []string{}
	collectStrings(v, &texts)
	return withEscapesDecoded(texts)
}

// withEscapesDecoded adds each of texts that holds \u escapes with them
// decoded.
func withEscapesDecoded(texts []string) []string {
	for i, n := 0, len(texts); i < n; i++ {
		if strings.Contains(texts[i], `\u`) {
			texts = append(texts, unicodeEscapeRE.ReplaceAllStringFunc(texts[i], func(e string) string {
				s, err := strconv.Unquote(`"` + e + `"`)
				if err != nil {
					return e
				}
				return s
			}))
		}
	}
	return texts
}

func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, v)
		var inner any
		if strings.HasPrefix(strings.TrimSpace(v), "{") && json.Unmarshal([]byte(v), &inner) == nil {
			collectStrings(inner, out)
		}
	case []any:
		for _, x := range v {
			collectStrings(x, out)
		}
	case map[string]any:
		for k, x := range v {
			*out = append(*out, k)
			collectStrings(x, out)
		}
	}
}

// normalise is NFKC without invisible characters, with one hyphen and one
// apostrophe, in lower case.
func normalise(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r):
			return -1
		case unicode.Is(unicode.Pd, r) || r == '\u2212':
			return '-'
		case r == '\u2019' || r == '\u2018' || r == '\u02BC' || r == '`' || r == '\u00B4':
			return '\''
		}
		return unicode.ToLower(r)
	}, s)
}

var strokes = strings.NewReplacer("ł", "l", "ø", "o", "đ", "d", "ß", "ss", "æ", "ae", "œ", "oe", "ı", "i", "þ", "th", "ð", "d")

// stripMarks removes diacritics from s: "nguyễn" gives "nguyen".
func stripMarks(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, norm.NFD.String(s))
	return strokes.Replace(strings.ToLower(norm.NFC.String(s)))
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// unspaced reports whether r is of a script written without spaces between
// words (Chinese, Japanese, Thai...) or with particles joined to them
// (Korean).
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul,
		unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar, unicode.Tibetan)
}

// hasWholeWord reports whether word is in text with no letter, mark or
// digit of a script written with spaces on either side; a word of a script
// written without them counts anywhere.
func hasWholeWord(text, word string) bool {
	first, _ := utf8.DecodeRuneInString(word)
	last, _ := utf8.DecodeLastRuneInString(word)
	anywhere := unspaced(first) && unspaced(last)
	joins := func(r rune) bool { return isWordRune(r) && !unspaced(r) }
	for from := 0; ; {
		i := strings.Index(text[from:], word)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(word)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if anywhere || (!joins(before) && !joins(after)) {
			return true
		}
		from = start + 1
	}
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
