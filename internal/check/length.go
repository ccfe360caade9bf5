package check

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// charLength is how the length of a bio in a language written without
// spaces between words is read: in characters, between lo and hi
// characters for each word of the contract's range, a word of another
// script (a Latin "Kubernetes" in a Japanese bio) counting word.
type charLength struct{ lo, hi, word int }

// unspaced are the languages written without spaces between words, by
// base subtag. Their words cannot be counted by spaces, and a model asked
// for "150 to 200 words" writes anything from 150 characters (reading
// "words" as characters, 字) to about two and a half per English word
// (Chinese, Japanese) or five or six letters (Thai, Lao, Khmer, Burmese,
// whose vowel signs are not counted). The ranges take both readings in.
var unspaced = map[string]charLength{
	"zh": {1, 3, 2}, "yue": {1, 3, 2}, "ja": {1, 3, 2},
	"th": {2, 8, 5}, "lo": {2, 8, 5}, "km": {2, 8, 5}, "my": {2, 8, 5},
}

// unspacedOf returns the charLength of the language of tag, if it is
// written without spaces.
func unspacedOf(tag string) (charLength, bool) {
	base, _, _ := strings.Cut(strings.ToLower(tag), "-")
	c, ok := unspaced[base]
	return c, ok
}

// length checks the text's length against the range asked, in words or,
// for a language written without spaces, in characters. A text below the
// range is flagged sparse_profile when thin says the profile is too thin
// for it, else rejected.
func (v *verification) length(thin func() bool) error {
	min, max := v.o.Length.Range()
	n, unit := bio.WordCount(v.text), "words"
	if c, ok := unspacedOf(v.o.Language); ok {
		n, unit = charCount(v.text, c.word), "characters"
		min, max = min*c.lo, max*c.hi
	}
	switch {
	case n > max:
		return &Error{ProblemTooLong, fmt.Sprintf("it had %d %s; the limit is %d", n, unit, max)}
	case n < min && !thin():
		return &Error{ProblemTooShort, fmt.Sprintf("it had %d %s; write %d to %d", n, unit, min, max)}
	case n < min:
		v.flag(ReasonThin)
	}
	return nil
}

// charCount counts the letters of text in the scripts written without
// spaces, and each run of other letters or digits (a word, a number) as
// word characters. Marks (Thai vowel and tone signs) and punctuation do
// not count.
func charCount(text string, word int) int {
	n, inWord := 0, false
	for _, r := range text {
		switch {
		case r >= utf8.RuneSelf && unicode.IsLetter(r) && scriptWeight[scriptOf(r)] == 3:
			n++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				n += word
			}
			inWord = true
		case unicode.IsMark(r):
			// inside a word: a combining accent, a Thai vowel sign
		default:
			inWord = false
		}
	}
	return n
}
