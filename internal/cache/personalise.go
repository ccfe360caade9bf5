package cache

import (
	"strings"
	"unicode"

	"github.com/biogen/biogen/internal/bio"
)

// token is a run of word characters (letters, marks, digits) or a run of
// anything else.
type token struct {
	s    string
	word bool
}

// tokenize splits text into alternating word and non-word tokens; joining
// them gives text back.
func tokenize(text string) []token {
	var out []token
	start, inWord := 0, false
	for i, r := range text {
		w := isWordRune(r) || unicode.IsMark(r)
		if i > start && w != inWord {
			out = append(out, token{text[start:i], inWord})
			start = i
		}
		inWord = w
	}
	if start < len(text) {
		out = append(out, token{text[start:], inWord})
	}
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// nameParts returns the words of a name and the separators between them:
// "Anna-Lena Thomas" gives [Anna Lena Thomas] and ["-" " "].
func nameParts(name string) (words, seps []string) {
	for _, t := range tokenize(name) {
		switch {
		case t.word:
			words = append(words, t.s)
		case len(words) > 0:
			seps = append(seps, t.s)
		}
	}
	if len(seps) >= len(words) && len(seps) > 0 {
		seps = seps[:len(words)-1] // a trailing separator ("Ada Okafor.")
	}
	return words, seps
}

// pronounSwaps are the rewrites of pronouns that are exact word for word.
// Others are not: "her" is both "him" and "his", "his" is both "her" and
// "hers", and "they" takes other verb forms. A text that holds an
// ambiguous word of the set it comes from is not re-personalised.
var pronounSwaps = map[[2]string]struct {
	words     map[string]string
	ambiguous []string
}{
	{"he", "she"}: {map[string]string{"he": "she", "him": "her", "himself": "herself", "his": "her"}, nil},
	{"she", "he"}: {map[string]string{"she": "he", "herself": "himself", "hers": "his"}, []string{"her"}},
}

// personalise rewrites text, a bio written for the person of from, for the
// person of req: every whole occurrence of the other person's name and of
// its first and last words, each replaced exactly once, and the pronouns
// when that can be done word for word. It refuses (ok false) whenever it
// cannot prove the result names only req's person:
//   - a word of the new name already stands in the text, or a word of the
//     old name stands in the profile's other facts (a company "Thomas Cook");
//   - a third-person text does not hold the old full name;
//   - a middle name stands alone, or a name word is written in another case
//     than the name's own or all capitals;
//   - the pronouns cannot be changed word for word;
//   - any word of the old name (but those the new name shares) remains.
//
// The caller still runs the output checks on the result against req.
func personalise(text string, from *Facts, req *bio.Request) (string, bool) {
	p := &req.Profile
	oldWords, oldSeps := nameParts(from.Name)
	newWords, _ := nameParts(p.Name)
	if len(oldWords) == 0 || len(newWords) == 0 {
		return "", false
	}
	third := req.Options.Perspective == bio.PerspectiveThird
	sameName := from.Name == p.Name
	if !sameName {
		if third && !strings.Contains(text, from.Name) {
			return "", false
		}
		toks := tokenize(text)
		for _, w := range newWords {
			if hasWordFold(toks, w) {
				return "", false
			}
		}
		if nameInFacts(p, oldWords) || oldWords[0] == oldWords[len(oldWords)-1] && len(oldWords) > 1 {
			return "", false
		}
	}
	swap, ok := pronounRewrite(text, from.Pronouns, p, third)
	if !ok {
		return "", false
	}
	toks := tokenize(text)
	var b strings.Builder
	b.Grow(len(text) + 16)
	for i := 0; i < len(toks); {
		if !sameName {
			if n, upper := matchName(toks[i:], oldWords, oldSeps); n > 0 {
				b.WriteString(caseAs(p.Name, upper))
				i += n
				continue
			}
		}
		t := toks[i]
		i++
		if !t.word {
			b.WriteString(t.s)
			continue
		}
		if !sameName {
			if r, found, ok := replaceNameWord(t.s, oldWords, newWords, p.Name); found {
				if !ok {
					return "", false
				}
				b.WriteString(r)
				continue
			}
		}
		if r, found := swap(t.s); found {
			b.WriteString(r)
			continue
		}
		b.WriteString(t.s)
	}
	out := b.String()
	if !sameName {
		rest := tokenize(out)
		for _, w := range oldWords {
			if !containsFold(newWords, w) && hasWordFold(rest, w) {
				return "", false
			}
		}
		if third && !strings.Contains(out, p.Name) {
			return "", false
		}
	}
	return out, true
}

// matchName reports how many tokens at the start of toks spell the whole
// old name (its words with its separators), as written or in capitals.
func matchName(toks []token, words, seps []string) (n int, upper bool) {
	if len(toks) < 2*len(words)-1 {
		return 0, false
	}
	for _, up := range []bool{false, true} {
		ok := true
		for j, w := range words {
			if up {
				w = strings.ToUpper(w)
			}
			if t := toks[2*j]; !t.word || t.s != w {
				ok = false
				break
			}
			if j < len(seps) && toks[2*j+1].s != seps[j] {
				ok = false
				break
			}
		}
		if ok {
			return 2*len(words) - 1, up
		}
	}
	return 0, false
}

// replaceNameWord rewrites w when it is a word of the old name standing
// alone: the first word becomes the new first word, the last the new last
// word, a one-word name the whole new name. found is false when w is no
// name word; ok is false when it is one that cannot be rewritten exactly (a
// middle name, another case).
func replaceNameWord(w string, oldWords, newWords []string, newName string) (r string, found, ok bool) {
	for j, o := range oldWords {
		if !strings.EqualFold(w, o) {
			continue
		}
		upper := w != o
		if upper && (w != strings.ToUpper(o) || w == o) {
			return "", true, false // "anna", "aNNA": not the name as written
		}
		switch {
		case len(oldWords) == 1:
			return caseAs(newName, upper), true, true
		case j == 0:
			return caseAs(newWords[0], upper), true, true
		case j == len(oldWords)-1:
			return caseAs(newWords[len(newWords)-1], upper), true, true
		}
		return "", true, false
	}
	return "", false, false
}

func caseAs(s string, upper bool) string {
	if upper {
		return strings.ToUpper(s)
	}
	return s
}

func hasWordFold(toks []token, w string) bool {
	for _, t := range toks {
		if t.word && strings.EqualFold(t.s, w) {
			return true
		}
	}
	return false
}

func containsFold(list []string, w string) bool {
	for _, x := range list {
		if strings.EqualFold(x, w) {
			return true
		}
	}
	return false
}

// nameInFacts reports whether a word of the old name stands in any text of
// the profile but its name: rewriting it there would change a fact.
func nameInFacts(p *bio.Profile, words []string) bool {
	found := false
	p.EachText(func(f bio.TextField, s *string) {
		if found || f.Kind == bio.TextName || *s == "" {
			return
		}
		toks := tokenize(*s)
		for _, w := range words {
			if hasWordFold(toks, w) {
				found = true
				return
			}
		}
	})
	return found
}

// pronounRewrite returns the rewrite of pronoun words from the set from
// ("she/her", or "" for none) to the profile's, for a text in the third
// person. ok is false when it cannot be done word for word.
func pronounRewrite(text, from string, p *bio.Profile, third bool) (swap func(string) (string, bool), ok bool) {
	none := func(string) (string, bool) { return "", false }
	to := bio.ParsePronouns(p.Pronouns)
	toKey := ""
	if to.Known() {
		toKey = to.Subject + "/" + to.Object
	}
	if !third || from == toKey {
		return none, true
	}
	fromSet := bio.ParsePronouns(from)
	toks := tokenize(text)
	uses := func(words []string) bool {
		for _, w := range words {
			if hasWordFold(toks, w) {
				return true
			}
		}
		return false
	}
	rule, exact := pronounSwaps[[2]string{fromSet.Subject, to.Subject}]
	if !exact {
		// No word-for-word rewrite: only a text without the old set's
		// pronouns can be served.
		if uses(fromSet.Words()) {
			return nil, false
		}
		return none, true
	}
	if uses(rule.ambiguous) || fromSet.Subject == "he" && independentHis(toks) {
		return nil, false
	}
	// A pronoun in the profile's own texts (a company "He & She Ltd")
	// would be rewritten too.
	inFacts := false
	p.EachText(func(f bio.TextField, s *string) {
		if f.Kind == bio.TextLabel && !inFacts {
			ft := tokenize(*s)
			for w := range rule.words {
				inFacts = inFacts || hasWordFold(ft, w)
			}
		}
	})
	if inFacts {
		return nil, false
	}
	return func(w string) (string, bool) {
		r, ok := rule.words[strings.ToLower(w)]
		if !ok {
			return "", false
		}
		switch {
		case w == strings.ToUpper(w) && len(w) > 1:
			return strings.ToUpper(r), true
		case w != strings.ToLower(w):
			return strings.ToUpper(r[:1]) + r[1:], true
		}
		return r, true
	}, true
}

// independentHis reports whether "his" stands without a noun after it ("the
// idea was his."), where it becomes "hers", not "her".
func independentHis(toks []token) bool {
	for i, t := range toks {
		if !t.word || !strings.EqualFold(t.s, "his") {
			continue
		}
		if i+2 >= len(toks) || strings.TrimSpace(toks[i+1].s) != "" || !toks[i+2].word {
			return true
		}
	}
	return false
}
