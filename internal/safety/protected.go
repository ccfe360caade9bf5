package safety

import (
	"regexp"
	"regexp/syntax"
	"sort"
	"strings"
	"unicode"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/lexicon"
)

// Attribute is a protected attribute: a bio that states one the profile
// does not is rejected, and one that states one the profile does is for
// a person to review before it is published.
type Attribute string

// The protected attributes.
const (
	Age         Attribute = "age"
	Religion    Attribute = "religion"
	Health      Attribute = "health"
	Disability  Attribute = "disability"
	Family      Attribute = "family_status"
	Ethnicity   Attribute = "ethnicity"
	Orientation Attribute = "sexual_orientation"
)

// term is one way of stating an attribute (terms.go).
type term struct {
	attr    Attribute
	pattern string
}

// compiled are the terms' patterns on whole words, each with the
// literals one of which any match of it holds, so that a text without them
// costs a few substring searches instead of a regular expression.
var compiled = func() []compiledTerm {
	out := make([]compiledTerm, len(terms))
	for i, t := range terms {
		re := regexp.MustCompile(`(?:` + t.pattern + `)`)
		tree, err := syntax.Parse(t.pattern, syntax.Perl)
		if err != nil {
			panic(err)
		}
		out[i] = compiledTerm{re: re, needs: minimal(needs(tree.Simplify())), topical: strings.HasPrefix(t.pattern, topical),
			noAnd: strings.HasPrefix(t.pattern, topicalNoAnd)}
	}
	return out
}()

type compiledTerm struct {
	re      *regexp.Regexp
	needs   []string // nil: no literal is sure to be in a match
	topical bool     // see topical
	noAnd   bool     // see topicalNoAnd
}

// topicAfter reports whether rest, the text after a topical match, makes
// it a topic rather than a statement: "'s" ("her children's books"), or
// any word but those that may follow a statement ("her husband is",
// "she has diabetes and", "she transitioned in 2019"): "her cancer
// research", "he developed diabetes prediction models", "her transition
// to leadership", "she came out on top".
func topicAfter(rest string, noAnd bool) bool {
	if strings.HasPrefix(rest, "'s") {
		return true
	}
	rest = strings.TrimLeft(rest, " ")
	if rest == "" || strings.IndexByte(",.;:!?)", rest[0]) >= 0 {
		return false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if end < 0 {
		end = len(rest)
	}
	w := rest[:end]
	return !statementFollowers[w] || noAnd && w == "and"
}

// statementFollowers are the words that may follow a statement about the
// person.
var statementFollowers = map[string]bool{
	"and": true, "in": true, "at": true, "since": true, "after": true, "before": true, "when": true,
	"while": true, "during": true, "for": true, "but": true, "which": true, "that": true, "who": true, "as": true,
	"last": true, "this": true, "early": true, "late": true, "twice": true, "again": true, "herself": true,
	"himself": true, "themselves": true, "until": true, "because": true, "so": true, "then": true, "is": true,
	"was": true, "are": true, "were": true, "has": true, "had": true, "have": true, "every": true, "each": true,
	"weekly": true, "regularly": true, "both": true, "now": true, "still": true, "today": true, "once": true,
	"a": true, "an": true, "the": true, "her": true, "his": true, "their": true, "my": true, "young": true,
	"grown": true, "children": true, "kids": true, "boys": true, "girls": true, "sons": true, "daughters": true,
	"with": true, "journey": true, "story": true, "battle": true, "fight": true, "struggle": true, "recovery": true,
	"treatment": true, "diagnosis": true,
}

// minimal drops the literals of set that hold another of its literals:
// a text holding the longer one holds the shorter ("she is aged " and "she
// is "), so the shorter says all.
func minimal(set []string) []string {
	sort.Slice(set, func(i, j int) bool { return len(set[i]) < len(set[j]) })
	var keep []string
	for _, s := range set {
		redundant := false
		for _, k := range keep {
			if strings.Contains(s, k) {
				redundant = true
				break
			}
		}
		if !redundant {
			keep = append(keep, s)
		}
	}
	return keep
}

// needs returns literals one of which every match of re holds, or nil
// when it finds none of three bytes or more (the rarer of two sets when
// it finds both: the one with the longest shortest string).
func needs(re *syntax.Regexp) []string {
	if set, ok := strs(re); ok && long(set) && re.Op != syntax.OpConcat {
		return set
	}
	switch re.Op {
	case syntax.OpCapture, syntax.OpPlus:
		return needs(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min > 0 {
			return needs(re.Sub[0])
		}
	case syntax.OpConcat:
		return concatNeeds(re.Sub)
	case syntax.OpAlternate:
		var all []string
		for _, sub := range re.Sub {
			n := needs(sub)
			if n == nil {
				return nil
			}
			all = append(all, n...)
		}
		return all
	}
	return nil
}

// concatNeeds is needs of a concatenation: the smallest set among its
// parts' and among the strings of each run of parts with few strings.
func concatNeeds(subs []*syntax.Regexp) []string {
	var best []string
	// The rarer the literals the better: the longest shortest one, then
	// the fewest.
	better := func(n []string) {
		if n != nil && long(n) && (best == nil || shortest(n) > shortest(best) || shortest(n) == shortest(best) && len(n) < len(best)) {
			best = n
		}
	}
	// A capturing group marks what to search for (terms.go captures the
	// attribute: "muslim" is rarer than "she is ").
	for _, sub := range subs {
		if sub.Op == syntax.OpCapture {
			if n := needs(sub); n != nil && long(n) {
				return n
			}
		}
	}
	run := []string{""}
	for _, sub := range subs {
		better(needs(sub))
		set, ok := strs(sub)
		var next []string
		if ok {
			next, ok = product(run, set)
		}
		if !ok {
			better(run)
			run = []string{""}
			continue
		}
		run = next
	}
	better(run)
	return best
}

// maxStrs bounds the strings strs enumerates.
const maxStrs = 1024

// strs returns every string re matches, when they are few.
func strs(re *syntax.Regexp) ([]string, bool) {
	if re.Flags&syntax.FoldCase != 0 {
		return nil, false
	}
	switch re.Op {
	case syntax.OpLiteral:
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if out = append(out, string(r)); len(out) > maxStrs {
					return nil, false
				}
			}
		}
		return out, true
	case syntax.OpCapture:
		return strs(re.Sub[0])
	case syntax.OpQuest:
		set, ok := strs(re.Sub[0])
		return append(set, ""), ok
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			set, ok := strs(sub)
			if !ok || len(out)+len(set) > maxStrs {
				return nil, false
			}
			out = append(out, set...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			set, ok := strs(sub)
			if !ok {
				return nil, false
			}
			if out, ok = product(out, set); !ok {
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

// product returns each of a followed by each of b, if they are few.
func product(a, b []string) ([]string, bool) {
	if len(a)*len(b) > maxStrs {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return out, true
}

func shortest(set []string) int {
	n := len(set[0])
	for _, s := range set {
		n = min(n, len(s))
	}
	return n
}

// long reports whether every string of set has three bytes or more.
func long(set []string) bool {
	for _, s := range set {
		if len(s) < 3 {
			return false
		}
	}
	return len(set) > 0
}

// Statement is a protected attribute stated in a text.
type Statement struct {
	Attr Attribute
	// Term numbers the way it was stated: a text states the same thing
	// as another when both have a statement with the same Term.
	Term int
	// Start and End are the statement's bytes in the text's lower-case
	// form (Form).
	Start, End int
}

// Protected calls fn with each protected attribute text states, in the
// order of the terms, until fn returns false. text is read in its Form.
func Protected(text string, fn func(Statement) bool) {
	// A sentence starts the text: patterns that open a sentence read
	// ". " before it.
	low := ". " + Form(text)
	if candidates(low) == 0 && !alwaysRun {
		return
	}
	// The patterns stay within a sentence: each runs on the sentences
	// holding its literals, not on the whole text.
	for a := 2; a < len(low); {
		b := clauseEnd(low, a)
		seg := ". " + low[a:b]
		if !statements(seg, a-2, fn) {
			return
		}
		a = b
	}
}

// statements calls fn with each statement of seg, a sentence read with
// ". " before it, that starts at offset in the text; false when fn said
// to stop.
func statements(seg string, offset int, fn func(Statement) bool) bool {
	live := candidates(seg)
	for i := range compiled {
		c := &compiled[i]
		if c.needs != nil && live&(1<<i) == 0 {
			continue
		}
		for _, m := range c.re.FindAllStringIndex(seg, -1) {
			if c.topical && topicAfter(seg[m[1]:], c.noAnd) {
				continue
			}
			if !fn(Statement{Attr: terms[i].attr, Term: i, Start: offset + max(m[0]-2, 0), End: offset + m[1] - 2}) {
				return false
			}
		}
	}
	return true
}

// clauseEnd returns the end of the sentence of low that starts at a:
// after ". ", "! ", "? " or a line break, with the spaces after it.
func clauseEnd(low string, a int) int {
	for i := a; i < len(low); i++ {
		c := low[i]
		if c == '\n' || (c == '.' || c == '!' || c == '?') && i+1 < len(low) && low[i+1] == ' ' {
			j := i + 1
			for j < len(low) && (low[j] == ' ' || low[j] == '\n') {
				j++
			}
			return j
		}
	}
	return len(low)
}

// alwaysRun is set when a term has no literal: then no text is passed
// over without its pattern.
var alwaysRun = func() bool {
	for _, c := range compiled {
		if c.needs == nil {
			return true
		}
	}
	return false
}()

// matcher finds the terms whose literals a text holds, in one pass.
var matcher = func() *literals {
	if len(compiled) > 64 {
		panic("safety: more terms than a candidates mask holds")
	}
	needs := make([][]string, len(compiled))
	for i, c := range compiled {
		needs[i] = c.needs
	}
	return newLiterals(needs)
}()

// candidates returns the terms one of whose needs low holds, as a mask.
func candidates(low string) uint64 { return matcher.match(low) }

// Attributes returns the attributes text states, as Protected finds them.
func Attributes(text string) map[Attribute]bool {
	var set map[Attribute]bool
	Protected(text, func(s Statement) bool {
		if set == nil {
			set = map[Attribute]bool{}
		}
		set[s.Attr] = true
		return true
	})
	return set
}

// Form is text as Protected reads it: folded (bio.Fold), in lower case,
// without accents, with look-alike letters of other scripts inside Latin
// words read as Latin ("Мuslim" with a Cyrillic М), and ’ as '.
func Form(text string) string {
	if ascii(text) {
		return strings.ToLower(text)
	}
	low := strings.ToLower(lexicon.FoldAccents(bio.Fold(text)))
	low = strings.ReplaceAll(low, "’", "'")
	return unconfuse(low)
}
