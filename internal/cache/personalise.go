package cache

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

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

// gendered are words that say a person's gender other than pronouns:
// honorifics and nouns. A bio that uses one is re-personalised only for a
// person with the same, known pronouns.
var gendered = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`mr mrs ms miss sir madam madame lady lord man woman men women gentleman gentlemen
		father mother dad mom mum husband wife son daughter brother sister boyfriend girlfriend uncle aunt
		grandfather grandmother grandson granddaughter nephew niece boy girl guy gal widow widower fiance fiancee
		king queen prince princess businessman businesswoman chairman chairwoman spokesman spokeswoman craftsman
		craftswoman salesman saleswoman foreman forewoman sportsman sportswoman congressman congresswoman
		alumnus alumna actress waitress hostess heroine stepfather stepmother paternity maternity
		female male females males feminine masculine nee née maiden frontwoman frontman anchorwoman anchorman
		policewoman policeman stateswoman statesman camerawoman cameraman housewife househusband mister
		sorority fraternity duchess duke matriarch patriarch fiancée ladies girls boys sons daughters wives
		husbands mothers fathers brothers sisters mme mlle sra srta frau herr bro sis lad lass gal guys
		xemself hirself faerself emself verself zirself eirself themself womens mens woman's man's`) {
		gendered[w] = true
	}
}

// personalise rewrites text, a bio written for the person of from, for the
// person of req. Pronouns are never rewritten: the two people must have the
// same pronouns, or the text must use none (nor a gendered honorific or
// noun). Every whole occurrence of the other person's full name and of its
// first and last words is replaced exactly once. It refuses (ok false)
// whenever it cannot prove the result names only req's person:
//   - pronouns or gendered words that may not fit the new person;
//   - a word of the new name already in the text, or a word of the old name
//     among the profile's other facts (a company "Thomas Cook"), compared
//     after folding (NFKC, invisible characters removed, case);
//   - a third-person text without the old full name as written;
//   - the old name's initials ("A. Okafor", "A.O.", "AO");
//   - a middle name alone, or a name word in another case than the name's
//     own or all capitals;
//   - any word of the old name (but those the new name shares) left in the
//     folded result.
//
// The caller still runs the output checks on the result against req.
func personalise(text string, from *Facts, req *bio.Request) (string, bool) {
	p := &req.Profile
	folded := tokenize(bio.Fold(text))
	if !pronounsFit(folded, from.Pronouns, p.Pronouns) {
		return "", false
	}
	if from.Name == p.Name {
		return text, true
	}
	oldWords, oldSeps := nameParts(from.Name)
	newWords, _ := nameParts(p.Name)
	if !plainName(from.Name, oldWords) || !plainName(p.Name, newWords) || len(oldWords) > 1 && strings.EqualFold(oldWords[0], oldWords[len(oldWords)-1]) {
		return "", false
	}
	third := req.Options.Perspective == bio.PerspectiveThird
	if third && !strings.Contains(text, from.Name) {
		return "", false
	}
	for _, w := range newWords {
		if hasWordFold(folded, w) {
			return "", false
		}
	}
	if nameInFacts(p, oldWords) {
		return "", false
	}
	toks := tokenize(text)
	var b strings.Builder
	b.Grow(len(text) + 16)
	for i := 0; i < len(toks); {
		if n, upper := matchName(toks[i:], oldWords, oldSeps); n > 0 {
			b.WriteString(caseAs(p.Name, upper))
			i += n
			continue
		}
		t := toks[i]
		i++
		if t.word {
			if r, found, ok := replaceNameWord(t.s, oldWords, newWords, p.Name); found {
				if !ok {
					return "", false
				}
				b.WriteString(r)
				continue
			}
		}
		b.WriteString(t.s)
	}
	out := b.String()
	if hasTrace(out, oldWords, newWords) {
		return "", false
	}
	if third && !strings.Contains(out, p.Name) {
		return "", false
	}
	return out, true
}

// nameAffixes are words that may stand in a name field without being a
// given name or a surname: titles, suffixes and particles. A name with one
// is not re-personalised: its words cannot be mapped one to one ("Dr. Bea
// Berg" would make "Dr" the first name, "van" stands alone in "van
// Beethoven").
var nameAffixes = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`dr prof mr mrs ms mx miss sir dame lord lady rev hon phd md dds jr sr snr ii iii iv esq
		van von de der den da di du del della la le bin binti ibn al el ap ter ten dos das mac st`) {
		nameAffixes[w] = true
	}
}

// plainName reports whether a name is plain enough to re-personalise: two
// or more words (or one), none of them one letter, a title, a suffix or a
// particle, and no comma ("Okafor, Ada").
func plainName(name string, words []string) bool {
	if len(words) == 0 || strings.ContainsAny(name, ",()") {
		return false
	}
	for _, w := range words {
		if utf8.RuneCountInString(w) < 2 || nameAffixes[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// hasTrace reports whether text still bears the old name after the rewrite,
// compared without case or accents ("Nguyen" for "Nguyễn"), also in German
// and Nordic transliteration ("Mueller" for "Müller"): a word of the old
// name not in the new one, or an old word of four letters or more inside a
// longer word ("the Okafors", "OkaforLabs", "#AdaOkafor"); or the old
// name's initials ("A. O.", "Ada O.", "MJ", "M.J.", "LvB").
func hasTrace(text string, oldWords, newWords []string) bool {
	toks := tokenize(bio.Fold(text))
	initials := map[rune]bool{}
	for _, w := range oldWords {
		r, _ := utf8.DecodeRuneInString(w)
		initials[unicode.ToUpper(r)] = true
		if containsFold(newWords, w) {
			continue
		}
		for _, v := range spellings(w) {
			for _, t := range toks {
				if !t.word {
					continue
				}
				tv := plainLetters(t.s)
				if tv == v || len([]rune(v)) >= 4 && strings.Contains(tv, v) {
					return true
				}
			}
		}
	}
	for i, t := range toks {
		if !t.word || len(oldWords) < 2 {
			continue
		}
		rs := []rune(t.s)
		if !unicode.IsUpper(rs[0]) {
			continue
		}
		allInitials := len(rs) <= 4
		for _, r := range rs {
			allInitials = allInitials && initials[unicode.ToUpper(r)]
		}
		dotted := i+1 < len(toks) && strings.HasPrefix(toks[i+1].s, ".")
		switch {
		case len(rs) == 1 && dotted && initials[rs[0]]:
			return true // "A. O.", "Ada O.", "M.J."
		case len(rs) >= 2 && allInitials && len(rs) <= len(oldWords)+1:
			return true // "AO", "MJ", "LvB"
		}
	}
	return false
}

// spellings returns a name word as hasTrace compares it: without case and
// accents, and in transliteration ("müller" also as "mueller").
func spellings(w string) []string {
	plain := plainLetters(w)
	translit := strings.NewReplacer("ü", "ue", "ö", "oe", "ä", "ae", "ß", "ss", "ø", "oe", "å", "aa", "æ", "ae", "œ", "oe", "þ", "th").Replace(strings.ToLower(w))
	if t := plainLetters(translit); t != plain {
		return []string{plain, t}
	}
	return []string{plain}
}

// plainLetters returns w in lower case without accents (combining marks
// after NFD) and with ł, đ, ı, ø as l, d, i, o.
func plainLetters(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(w)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'ł':
			b.WriteRune('l')
		case r == 'đ' || r == 'ð':
			b.WriteRune('d')
		case r == 'ı':
			b.WriteRune('i')
		case r == 'ø':
			b.WriteRune('o')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pronounsFit reports whether a text (its folded tokens) written for a
// person with pronouns from suits a person with pronouns to unchanged: the
// same pronouns, or a text without any third-person pronoun or gendered
// word.
func pronounsFit(folded []token, from, to string) bool {
	to = normalize(to, false)
	if from == to && bio.ParsePronouns(to).Known() {
		return true
	}
	for _, t := range folded {
		if !t.word {
			continue
		}
		w := strings.ToLower(t.s)
		if gendered[w] || slices.Contains(bio.ThirdPersonWords, w) || w == "themself" {
			return false
		}
		for _, set := range []string{from, to} {
			if slices.Contains(bio.ParsePronouns(set).Words(), w) {
				return false
			}
		}
	}
	return true
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

// hasWordFold reports whether w, folded (bio.Fold), stands as a word of
// toks, without regard to case.
func hasWordFold(toks []token, w string) bool {
	w = bio.Fold(w)
	for _, t := range toks {
		if t.word && strings.EqualFold(t.s, w) {
			return true
		}
	}
	return false
}

func containsFold(list []string, w string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, w) })
}

// nameInFacts reports whether a word of the old name stands in any text of
// the profile but its name: rewriting it there would change a fact.
func nameInFacts(p *bio.Profile, words []string) bool {
	found := false
	p.EachText(func(f bio.TextField, s *string) {
		if found || f.Kind == bio.TextName || *s == "" {
			return
		}
		toks := tokenize(bio.Fold(*s))
		for _, w := range words {
			if hasWordFold(toks, w) {
				found = true
				return
			}
		}
	})
	return found
}
