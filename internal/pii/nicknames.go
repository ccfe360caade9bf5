package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/lexicon"
)

// Other names of the person that are English words pass the second layer
// as words ("Bill to friends", "BILL GATES" at the start of a sentence,
// "Will's team" for William). A capitalised word is sent as a placeholder,
// at the start of a sentence too, where it reads as a name of the person
// (nickname); so are the person's initials however they are dotted
// ("W.H.G.", "W. H. G."). A placeholder restores the word: nothing of the
// bio is lost when the word was no name after all.

// nickname reports whether the word w, written at s[start:end] (end after
// a possessive), reads as another name of the person: a given name standing
// beside a part of the stand-in name ("BILL CASEY", "Jordan 'Bill' Avery",
// "Casey, Bill") or with a possessive ("Will's team"), or any capitalised
// word in quotes beside one ("Jordan 'Ace' Avery") or where a text gives a
// nickname ("Bill to friends", "known as Bill", "call me Bill").
func (c *denyCtx) nickname(s string, start, end int, w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) || len(w) < 2 || c.m == nil || len(c.m.standInKeys) == 0 {
		return false
	}
	if nicknameBefore(s, start) || nicknameAfter(s, end) {
		return !functionWords[strings.ToLower(w)]
	}
	quoted := quoteAt(s, start-1) && quoteAt(s, start+len(w))
	switch lexicon.Given(w) {
	case lexicon.OnlyName, lexicon.CommonWord, lexicon.RareWord, lexicon.Place:
		if len(w) < end-start && strings.HasSuffix(s[:end], "s") {
			return true // "Will's team"
		}
	default:
		if !quoted {
			return false
		}
	}
	return c.m.isStandIn(nameBeside(s, start, -1)) || c.m.isStandIn(nameBeside(s, end, 1))
}

func quoteAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && i > 0 {
		r, _ = utf8.DecodeLastRuneInString(s[:i+1])
	}
	return strings.ContainsRune(`"'‘’“”«»`, r)
}

// nameBeside returns the word before s[i] (dir -1) or after it (dir 1),
// apart from it by spaces, quotes, a comma or brackets only: "Avery" for
// "Bill" in "Jordan 'Bill' Avery" and "Avery, Bill".
func nameBeside(s string, i, dir int) string {
	apart := func(r rune) bool { return strings.ContainsRune(` "'‘’“”«»,()`, r) }
	if dir < 0 {
		j := i
		for n := 0; j > 0 && n < 4; n++ {
			r, size := utf8.DecodeLastRuneInString(s[:j])
			if !apart(r) {
				break
			}
			j -= size
		}
		return s[wordStartAt(s, j):j]
	}
	j := i
	for n := 0; j < len(s) && n < 4; n++ {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !apart(r) {
			break
		}
		j += size
	}
	k := j
	for k < len(s) && wordAt(s, k) {
		_, size := utf8.DecodeRuneInString(s[k:])
		k += size
	}
	return s[j:k]
}

// nicknameLead are the words before a nickname, the last word first:
// "known as", "goes by", "call me".
var nicknameLead = map[string][]string{
	"as": {"known", "also"}, "by": {"goes", "go", "going", "went", "known"}, "me": {"call", "calls"},
	"him": {"call", "calls", "called"}, "her": {"call", "calls", "called"}, "them": {"call", "calls", "called"},
	"called": nil, "aka": nil, "a.k.a": nil, "nicknamed": nil, "nickname": nil, "dubbed": nil, "prefers": nil,
}

// nicknameBefore reports whether the words before s[i] introduce a
// nickname: "known as ", "call me ", "aka '".
func nicknameBefore(s string, i int) bool {
	j := i
	for j > 0 && strings.ContainsRune(` "'‘’“”:`, rune(s[j-1])) && i-j < 4 {
		j--
	}
	last, k := asciiWordBefore(s, j)
	var buf [16]byte
	low, ok := lowerASCIIInto(buf[:0], last)
	if !ok {
		return false
	}
	lead, ok := nicknameLead[unsafeString(low)]
	if !ok {
		return false
	}
	if lead == nil {
		return true
	}
	for k > 0 && s[k-1] == ' ' {
		k--
	}
	prev, _ := asciiWordBefore(s, k)
	for _, w := range lead {
		if strings.EqualFold(prev, w) {
			return true
		}
	}
	return false
}

// asciiWordBefore returns the word of ASCII letters and dots ending at
// s[i] and where it starts.
func asciiWordBefore(s string, i int) (string, int) {
	k := i
	for k > 0 && ('a' <= s[k-1]|0x20 && s[k-1]|0x20 <= 'z' || s[k-1] == '.' && k < i) {
		k--
	}
	return strings.TrimSuffix(s[k:i], "."), k
}

// nicknameAfter reports whether the words after s[i] say that the word
// before is a nickname: " to friends", " to his colleagues", " for short".
func nicknameAfter(s string, i int) bool {
	rest := s[i:]
	for len(rest) > 0 && strings.ContainsRune(`"'‘’“”`, rune(rest[0])) {
		rest = rest[1:]
	}
	if len(rest) < 8 || rest[0] != ' ' {
		return false
	}
	rest = rest[1:]
	if hasPrefixFold(rest, "for short") {
		return true
	}
	if !hasPrefixFold(rest, "to ") {
		return false
	}
	rest = rest[3:]
	for _, p := range [...]string{"his ", "her ", "their ", "my ", "our ", "close "} {
		if hasPrefixFold(rest, p) {
			rest = rest[len(p):]
		}
	}
	for _, w := range [...]string{"friends", "colleagues", "family", "everyone", "most", "all", "peers", "teammates", "coworkers", "the team"} {
		if hasPrefixFold(rest, w) && !wordAt(rest, len(w)) {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// functionWords are capitalised words that a nickname construction may
// hold that are no nickname: "known as The Fixer" sends "The".
var functionWords = map[string]bool{"the": true, "a": true, "an": true, "one": true, "our": true, "his": true,
	"her": true, "their": true, "my": true, "mr": true, "mrs": true, "ms": true, "dr": true, "mx": true}

// initialsRunEnd returns the end of the person's initials written apart
// with dots starting at s[i] ("W. H. G", "W.H. G", "Ł. W"), before the last
// dot, or 0: two or more single letters, each followed by a dot and
// perhaps a space, that are the person's initials (Mapping.initials, in
// key form) in order.
func (m *Mapping) initialsRunEnd(s string, i int) int {
	if m == nil || len(m.initials) == 0 || i > 0 && wordBefore(s, i) {
		return 0
	}
	var buf [16]byte
	key, j, end, n := buf[:0], i, 0, 0
	for n < 8 && j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) || j+size >= len(s) || s[j+size] != '.' {
			break
		}
		key = appendKey(key, r)
		n++
		end = j + size
		j += size + 1
		if j < len(s) && s[j] == ' ' {
			j++
		}
	}
	if n < 2 || !m.initials[string(key)] {
		return 0
	}
	return end
}
