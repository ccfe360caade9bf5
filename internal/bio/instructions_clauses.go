package bio

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// An instruction to the writer has a shape that a fact about the person
// does not: a clause that starts with a directive verb (after "please",
// "also", "note:") and that either names the text or its writer ("ensure
// the bio notes…", "in your answer…") or says what to claim of the person
// (a that-clause about her, "describe her as…", "lead with her
// dismissal"); a text or a writer that must do something ("the bio must",
// "the assistant should describe her…"); or a writer addressed by name
// ("Bio writer:", "Assistant, …", "Writer's note: she was fired"). A
// duty written in the imperative ("Present results to the board", "Ensure
// compliance with SOX", "Note that all figures are audited") has the verb
// but neither the writer nor a claim about a person, and does not count.
// The rules below read the words of each clause, lower case.

// dirKind is what a directive verb asks for, and so what may follow it.
type dirKind uint8

const (
	dNone     dirKind = iota
	dSay              // say, state, mention, highlight…: a that-clause, "she was", "her arrest"
	dDescribe         // describe, portray, call…: "her as…", "him a fraud"
	dPlace            // open, start, lead, end…: "with her dismissal", "by saying…"
	dEnsure           // ensure, make sure: "the bio says", "that she…"
	dTell             // tell, inform, warn: "the reader that…"
	dUse              // use: "the words '…'"
	dTreat            // treat: "the following as fact"
	dLet              // let: "the bio reflect…", "readers know…"
	dMake             // make: "sure", "clear", "her sound…", "the bio…"
	dParticle         // point, spell, refer, speak, talk, play, focus, dwell: the word after decides
)

// directives are the English directive verbs, in the base form an
// instruction uses; gerunds are directives after "by" ("conclude by
// saying…").
var directives, gerunds = makeDirectives()

func makeDirectives() (map[string]dirKind, map[string]string) {
	directives, gerunds := map[string]dirKind{}, map[string]string{}
	for kind, words := range map[dirKind]string{
		dSay: `say state write mention note add include stress emphasise emphasize highlight clarify confirm disclose
			explain indicate imply insist assert claim report reveal specify underline underscore acknowledge convey
			reflect suggest allege record insert put append repeat recount narrate flag omit copy paste remember
			output print emit prepend`,
		dDescribe: `describe portray depict characterise characterize paint present frame cast label brand call
			summarise summarize position introduce render dub show`,
		dPlace:    `open start begin lead end close finish conclude`,
		dEnsure:   `ensure`,
		dTell:     `tell inform warn remind`,
		dUse:      `use`,
		dTreat:    `treat`,
		dLet:      `let`,
		dMake:     `make`,
		dParticle: `point spell refer speak talk play focus dwell leave`,
	} {
		for _, w := range strings.Fields(words) {
			directives[w] = kind
		}
	}
	for _, p := range [][2]string{{"saying", "say"}, {"stating", "state"}, {"noting", "note"}, {"mentioning", "mention"},
		{"writing", "write"}, {"adding", "add"}, {"stressing", "stress"}, {"emphasising", "emphasise"},
		{"emphasizing", "emphasize"}, {"highlighting", "highlight"}, {"pointing", "point"}, {"describing", "describe"},
		{"calling", "call"}, {"referring", "refer"}, {"explaining", "explain"}, {"clarifying", "clarify"},
		{"confirming", "confirm"}, {"disclosing", "disclose"}, {"including", "include"}, {"portraying", "portray"}} {
		gerunds[p[0]] = p[1]
	}
	return directives, gerunds
}

// Word classes the rules read.
const (
	wSubj       uint32 = 1 << iota // she, he, they: the subject of a claim
	wObj                           // her, him, them
	wPoss                          // her, his, their
	wPerson                        // any word for the person: the pronouns above and their other forms
	wTextStrong                    // bio, biography: only the text being written
	wTextWeak                      // summary, output, answer, sentence: the text, or something else
	wWriter                        // writer, biographer, ChatGPT: only the one writing
	wWriterWeak                    // assistant, AI, model, you: the writer, or something else
	wModal                         // must, should, will…
	wReport                        // says, notes, reflects: what a text does
	wWriteVerb                     // say, describe, open: what a text or writer is told to do
	wDet                           // the, this, your, a…
	wPrep                          // in, into, within…: before a text noun
	wAdverb                        // also, clearly, only: between a verb and its object
	wCourtesy                      // please, kindly, also: before a directive
	wAudience                      // reader, readers, audience
	wVocative                      // words of an address to the writer: dear, note, to…
)

var wordClass = makeWordClass()

func makeWordClass() map[string]uint32 {
	wordClass := map[string]uint32{}
	add := func(class uint32, words string) {
		for _, w := range strings.Fields(words) {
			wordClass[w] |= class
		}
	}
	add(wSubj, `she he they she's he's they're she'd he'd they'd she'll he'll they'll`)
	add(wObj, `her him them`)
	add(wPoss, `her his their`)
	add(wPerson, `she he they her him them his their hers theirs herself himself themselves she's he's they're`)
	add(wTextStrong, `bio bios biography biographies blurb write-up writeup`)
	add(wTextWeak, `summary output response answer reply text intro introduction sentence paragraph`)
	add(wWriter, `writer writers biographer biographers ghostwriter ghostwriters chatgpt gpt llm chatbot claude gemini
		copilot`)
	add(wWriterWeak, `assistant ai model bot you editor author`)
	add(wModal, `must should shall will would cannot can't mustn't shouldn't won't need needs has have is are ought
		may`)
	add(wReport, `says states notes mentions reflects portrays describes reads includes calls refers emphasises
		emphasizes highlights stresses paints depicts characterises characterizes presents frames conveys makes
		opens starts begins ends closes concludes leads contains said stated noted mentioned reflected portrayed
		described included called emphasised emphasized highlighted stressed depicted conveyed`)
	add(wWriteVerb, `say state mention write include note describe call refer portray present depict characterise
		characterize paint frame emphasise emphasize stress highlight read open start begin end close conclude lead
		reflect contain add omit make treat tell explain claim assert report disclose reveal cast label brand show
		use speak talk focus spell point clarify confirm`)
	add(wDet, `the this that your her his their its my our a an any each every`)
	add(wPrep, `in into within throughout from to for at on`)
	add(wAdverb, `also clearly explicitly prominently always only briefly strongly first again please simply just
		repeatedly plainly openly directly definitely specifically really not still`)
	add(wCourtesy, `please kindly also and then now just finally additionally important importantly urgent urgently
		ps pps so but instead lastly next first second third oh ok okay hey hi hello always nb mandatory required
		requirement reminder let's lets`)
	add(wAudience, `reader readers audience recruiter recruiters employer employers hiring visitors`)
	add(wVocative, `dear hey hi hello ok okay note notes to for the a an this attention attn message reminder
		guidance instruction instructions rule rules requirement requirements request who whoever is writes
		writing reads reading p s ps from bio biography summary profile todo fyi nb important importantly take heads up
		her his their my`)
	return wordClass
}

func class(w string) uint32 {
	if c, ok := wordClass[w]; ok {
		return c
	}
	if strings.HasSuffix(w, "'s") {
		return wordClass[w[:len(w)-2]] &^ (wModal | wSubj)
	}
	return 0
}

func is(w string, c uint32) bool { return class(w)&c != 0 }

// words splits a clause, lower case, into its words: runs of letters and
// digits, with the apostrophes and the hyphens inside them ("don't",
// "writer's", "bio-informatics", "qu'elle").
func appendWords(dst []string, s string) []string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r) {
				j += n
				continue
			}
			if (r == '\'' || r == '-') && j+n < len(s) {
				if r2, _ := utf8.DecodeRuneInString(s[j+n:]); isWordRune(r2) {
					j += n
					continue
				}
			}
			break
		}
		dst = append(dst, s[i:j])
		i = j
	}
	return dst
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// courtesyPrefixes are runs of words that may open a clause before its
// directive: "make sure to mention…", "don't forget to say…".
var courtesyPrefixes = [][]string{
	{"make", "sure", "to"}, {"be", "sure", "to"}, {"remember", "to"}, {"don't", "forget", "to"}, {"dont", "forget", "to"},
	{"do", "not", "forget", "to"}, {"never", "forget", "to"}, {"try", "to"}, {"feel", "free", "to"},
	{"you", "must"}, {"you", "should"}, {"you", "need", "to"}, {"you", "have", "to"}, {"you", "will"},
	{"i", "want", "you", "to"}, {"i", "need", "you", "to"}, {"we", "want", "you", "to"}, {"we", "need", "you", "to"},
	{"i'd", "like", "you", "to"}, {"we'd", "like", "you", "to"}, {"going", "forward"}, {"from", "now", "on"},
	{"p", "s"}, {"note", "to", "self"}, {"be", "sure"}, {"be", "certain"}, {"can", "you"}, {"could", "you"},
	{"would", "you"}, {"will", "you"}, {"would", "you", "please"},
}

// trimCourtesies drops what may open a clause before its verb.
func trimCourtesies(w []string) []string {
	for len(w) > 0 {
		if is(w[0], wCourtesy) {
			w = w[1:]
			continue
		}
		trimmed := false
		for _, p := range courtesyPrefixes {
			if hasWords(w, p...) {
				w, trimmed = w[len(p):], true
				break
			}
		}
		if !trimmed {
			return w
		}
	}
	return w
}

func hasWords(w []string, p ...string) bool {
	if len(w) < len(p) {
		return false
	}
	for i, x := range p {
		if w[i] != x {
			return false
		}
	}
	return true
}

func at(w []string, i int) string {
	if i < len(w) {
		return w[i]
	}
	return ""
}

// clauseInstruction reports whether the words of one clause read as an
// instruction to the writer.
func clauseInstruction(w []string) bool {
	w = trimCourtesies(w)
	if len(w) == 0 {
		return false
	}
	if addressesText(w) || directiveClause(w) {
		return true
	}
	// "…, and please mention that…": a directive after a courtesy.
	for i := 1; i < len(w); i++ {
		if (w[i] == "please" || w[i] == "kindly") && directiveClause(trimCourtesies(w[i:])) {
			return true
		}
	}
	return false
}

// directiveClause reports whether w starts with a directive to the writer
// and goes on as one does.
func directiveClause(w []string) bool {
	if len(w) == 0 {
		return false
	}
	if r := reminderEnd(w); r > 0 {
		// "Don't forget she was…", "Keep in mind that she…": remember.
		w = append([]string{"remember"}, w[r:]...)
	}
	neg, i := false, 0
	switch {
	case w[0] == "don't" || w[0] == "dont" || w[0] == "never" || w[0] == "avoid":
		neg, i = true, 1
	case hasWords(w, "do", "not"):
		neg, i = true, 2
	}
	if i >= len(w) {
		return false
	}
	if neg && w[0] == "avoid" {
		if base, ok := gerunds[w[i]]; ok && directives[base] == dSay {
			return true // "avoid mentioning…"
		}
	}
	kind, verb, j := directiveAt(w, i)
	if kind == dNone {
		return false
	}
	if j < 0 {
		return true // a form that is an instruction whatever follows: "make her sound…"
	}
	return directiveObject(kind, verb, w[j:], neg)
}

// reminderEnd returns how many words of w make a reminder that asks for
// what follows to be remembered ("don't forget", "keep in mind"), 0 when w
// does not start with one.
func reminderEnd(w []string) int {
	switch {
	case hasWords(w, "don't", "forget") || hasWords(w, "dont", "forget") || hasWords(w, "never", "forget"):
		return 2
	case hasWords(w, "do", "not", "forget"), hasWords(w, "keep", "in", "mind"), hasWords(w, "bear", "in", "mind"):
		return 3
	}
	return 0
}

// directiveAt reads the directive verb at w[i] with its particle: its kind,
// the verb, and where its object starts (-1 when the verb alone decides).
func directiveAt(w []string, i int) (dirKind, string, int) {
	verb := w[i]
	kind := directives[verb]
	next := at(w, i+1)
	switch kind {
	case dNone:
		return dNone, "", 0
	case dMake:
		switch {
		case next == "sure" || next == "certain":
			return dEnsure, verb, i + 2
		case next == "clear" || next == "known":
			return dSay, verb, i + 2
		case next == "it" && (at(w, i+2) == "clear" || at(w, i+2) == "known"):
			return dSay, verb, i + 3
		case is(next, wObj) && (at(w, i+2) == "sound" || at(w, i+2) == "look" || at(w, i+2) == "seem" || at(w, i+2) == "appear"):
			return dMake, verb, -1
		case next == "it" && at(w, i+2) == "sound":
			return dMake, verb, -1
		}
		return dEnsure, verb, i + 1 // "make the bio…": only a text noun after it counts
	case dParticle:
		switch {
		case verb == "point" && next == "out", verb == "spell" && next == "out", verb == "call" && next == "out":
			return dSay, verb, i + 2
		case verb == "refer" && next == "to", verb == "speak" && (next == "of" || next == "about"), verb == "talk" && next == "about":
			return dDescribe, verb, i + 2
		case verb == "play" && (next == "up" || next == "down"), (verb == "focus" || verb == "dwell") && next == "on":
			return dPlace, verb, i + 2
		case verb == "leave" && (next == "out" || next == "in"):
			return dSay, verb, i + 2
		}
		return dNone, "", 0
	case dPlace:
		if next == "with" || next == "by" || next == "on" {
			return dPlace, verb, i + 2
		}
		// "End the bio with…"; without its particle the verb is a duty
		// ("Lead her team", "Open new markets") unless the text follows.
		return dEnsure, verb, i + 1
	case dSay:
		if verb == "call" {
			break
		}
	}
	return kind, verb, i + 1
}

// personEvents are what happens to a person, not to a thing, that an
// instruction asks to be written: "mention the fraud conviction". A duty
// has other objects ("Note the quarterly results").
var personEvents = map[string]bool{"conviction": true, "convictions": true, "arrest": true, "arrests": true,
	"dismissal": true, "firing": true, "sacking": true, "demotion": true, "indictment": true, "imprisonment": true,
	"incarceration": true, "jailing": true, "disbarment": true}

// insertVerbs are the directives that put given words into a text.
var insertVerbs = map[string]bool{"add": true, "include": true, "insert": true, "put": true, "append": true, "prepend": true,
	"output": true, "print": true, "emit": true, "write": true, "copy": true, "paste": true}

// strongDescribers are the describing verbs that need no "as": "call her
// a fraud", "describe him negatively".
var strongDescribers = map[string]bool{"describe": true, "portray": true, "depict": true, "characterise": true,
	"characterize": true, "call": true, "paint": true, "label": true, "brand": true, "dub": true}

// directiveObject reports whether r, what follows a directive of kind, is
// what an instruction to the writer has there.
func directiveObject(kind dirKind, verb string, r []string, neg bool) bool {
	for len(r) > 0 && is(r[0], wAdverb) && r[0] != "not" {
		r = r[1:]
	}
	if len(r) == 0 {
		return false
	}
	if kind == dPlace {
		// "conclude by saying…"
		g := r
		if g[0] == "by" {
			g = g[1:]
		}
		if base, ok := gerunds[at(g, 0)]; ok {
			k, _, j := directiveAt(append([]string{base}, g[1:]...), 0)
			return k != dNone && (j < 0 || directiveObject(k, base, g[j:], false))
		}
	}
	var found bool
	switch kind {
	case dSay, dPlace:
		found = claimObject(kind, r) || sayObject(kind, verb, r)
	case dDescribe:
		found = claimObject(kind, r) || describeObject(verb, r)
	case dTell, dEnsure:
		found = claimObject(kind, r) || audienceIn(r) // "tell the reader…"
	case dLet:
		found = audienceIn(r) // "let readers know…"
	case dUse:
		found = useObject(r)
	case dTreat:
		found = treatObject(r)
	}
	if found {
		return true
	}
	if neg && (kind == dSay || kind == dDescribe) {
		switch r[0] {
		case "her", "his", "their", "the", "that", "any", "anything", "it", "this", "she", "he", "they", "how", "what",
			"about", "where", "why", "when":
			return true // "don't mention her degree"
		}
	}
	return textNounAfter(r, kind)
}

// claimObject reports whether r, after a directive that says, places,
// ensures, tells or describes, is a claim about a person: "state she
// was…", "highlight (the fact) that she…", "write about her dismissal".
func claimObject(kind dirKind, r []string) bool {
	first, second := r[0], at(r, 1)
	if is(first, wSubj) && kind != dDescribe {
		return true // "state she was…", "ensure she is…"
	}
	for _, conj := range [...]string{"that", "how", "where", "when", "why"} {
		if k := indexWord(r, conj, 8); k >= 0 && personIn(r[k+1:]) {
			return true // "highlight (the fact) that she…", "write that Kevin mentored her"
		}
	}
	if (first == "about" || first == "of" || first == "on") && (is(second, wPerson) || personPhrase(r[1:])) && kind != dEnsure {
		return true // "write about her dismissal"
	}
	return first == "nothing" && (kind == dSay || kind == dDescribe) // "say nothing about her degree"
}

// sayObject reports whether r, after a directive that says or places, is
// what to write: "mention her arrest", "lead with her dismissal", "add a
// sentence saying…", "note the 2021 fraud conviction".
func sayObject(kind dirKind, verb string, r []string) bool {
	first, second := r[0], at(r, 1)
	if is(first, wPoss) && second != "" && second != "own" {
		return true // "mention her arrest", "lead with her dismissal"
	}
	if first == "the" && (second == "following" || second == "fact" || second == "claim" || second == "news") {
		return true
	}
	if (first == "a" || first == "an" || first == "one" || first == "the" || first == "this") &&
		(kind == dPlace || insertVerbs[verb]) {
		switch second {
		case "sentence", "line", "paragraph", "note", "statement", "disclaimer", "footnote", "mention", "remark",
			"warning", "caveat", "claim":
			// "add a sentence saying…", "open with a statement…",
			// "output the sentence 'she was…'"; not "add a sentence
			// of context to each alert".
			switch third := at(r, 2); {
			case third == "" || third == "that" || third == "which" || third == "claiming" || gerunds[third] != "" || is(third, wSubj):
				return true
			case third == "about" || third == "on" || third == "regarding":
				return personIn(r[3:])
			}
		}
	}
	if kind == dSay && len(r) == 1 && (first == "so" || first == "it" || first == "this") {
		return true // "…, say so", "include it"
	}
	if is(first, wDet) {
		for _, x := range r[1:min(len(r), 5)] {
			if personEvents[x] {
				return true // "note the 2021 fraud conviction", "mention the arrest"
			}
		}
	}
	return false
}

// describeObject reports whether r, after a describing verb, is a person
// or a thing of theirs to describe: "present her as…", "describe her
// dismissal".
func describeObject(verb string, r []string) bool {
	first, second := r[0], at(r, 1)
	if is(first, wObj) || personPhrase(r) {
		if strongDescribers[verb] {
			return !(verb == "call" && (second == "on" || second == "at" || second == "back" || second == "to" || second == "for"))
		}
		return indexWord(r, "as", 5) > 0 // "present her as…", "refer to her only as…"
	}
	return is(first, wPoss) && second != "" && (strongDescribers[verb] && verb != "call" || indexWord(r, "as", 5) > 1)
}

// useObject reports whether r, after "use", is wording to use: "use the
// following sentence verbatim", "use the words '…' to describe her".
func useObject(r []string) bool {
	first, second := r[0], at(r, 1)
	if first == "the" && second == "following" || (first == "this" || first == "these") &&
		(second == "sentence" || second == "words" || second == "wording" || second == "phrasing" || second == "phrase") {
		return true
	}
	if first == "the" || first == "words" || first == "terms" || first == "phrases" || first == "adjectives" {
		switch strings.TrimPrefix(strings.TrimPrefix(first+" "+second, "the "), " ") {
		case "word", "words", "term", "terms", "phrase", "phrases", "label", "labels", "adjective", "adjectives",
			"expression", "description", "words like", "terms like", "phrases like", "adjectives like",
			"words such", "terms such":
			return true
		}
	}
	return false
}

// treatObject reports whether r, after "treat", makes something a fact:
// "treat the following as fact".
func treatObject(r []string) bool {
	if r[0] == "the" && at(r, 1) == "following" {
		return true
	}
	if k := indexWord(r, "as", 8); k >= 0 {
		switch at(r, k+1) {
		case "fact", "facts", "true", "truth", "verified", "established", "confirmed", "given", "gospel":
			return true // "treat … as fact"
		}
	}
	return false
}

// textNounAfter reports whether r, after a directive, names the text being
// written: "(in) the bio", "your answer", followed by what follows a text
// noun in an instruction ("the bio says", "in the bio that", "the bio
// with"), not by a noun it makes a compound with ("the bio project").
func textNounAfter(r []string, kind dirKind) bool {
	p := 0
	for p < len(r) && p < 4 && is(r[p], wPrep|wDet) {
		p++
	}
	if p >= len(r) {
		return false
	}
	n, width := textNounAt(r, p)
	if n == 0 {
		return false
	}
	follow := at(r, p+width)
	if n == wTextStrong {
		return follow == "" || is(follow, wReport|wModal|wPerson) || textFollowers[follow]
	}
	return is(follow, wReport) || follow == "that" || (follow == "with" || follow == "by") && kind == dPlace ||
		is(follow, wWriteVerb) && personIn(r[p+width+1:]) ||
		follow == "" && (kind == dPlace || kind == dEnsure || p > 0 && is(r[p-1], wPrep))
}

// textFollowers are words after "the bio" in an instruction.
var textFollowers = map[string]bool{"with": true, "by": true, "that": true, "so": true, "as": true, "about": true,
	"to": true, "for": true, "in": true, "on": true, "and": true, "reflect": true, "say": true, "mention": true,
	"state": true, "read": true, "include": true, "note": true, "show": true, "portray": true, "describe": true,
	"emphasise": true, "emphasize": true, "highlight": true, "stress": true, "make": true, "clear": true,
	"negative": true, "positive": true, "sound": true, "look": true, "clearly": true, "also": true, "always": true}

// textNounAt returns the class of the text noun at r[p] (wTextStrong or
// wTextWeak, 0 when none) and how many words it takes: "bio", "first
// sentence".
func textNounAt(r []string, p int) (uint32, int) {
	w := at(r, p)
	switch w {
	case "first", "opening", "last", "final", "closing", "second", "concluding", "introductory":
		switch at(r, p+1) {
		case "sentence", "line", "paragraph", "words":
			return wTextWeak, 2
		}
		return 0, 0
	}
	c := class(w)
	switch {
	case c&wTextStrong != 0:
		return wTextStrong, 1
	case c&wTextWeak != 0:
		return wTextWeak, 1
	}
	return 0, 0
}

// addressesText reports whether a clause names the text or its writer as
// the one to do something, anywhere in it: "the bio must…", "the first
// sentence says she…", "the assistant should describe her…", "in your
// answer…", "in the first sentence", "it is essential that the bio…".
func addressesText(w []string) bool {
	if inTheText(w) || wishesText(w) {
		return true
	}
	for p := range w {
		if addressedAt(w, p) {
			return true
		}
	}
	return false
}

// inTheText reports whether a clause opens by placing itself in the text:
// "In the bio, refer to him as…".
func inTheText(w []string) bool {
	if (w[0] == "in" || w[0] == "into" || w[0] == "for" || w[0] == "within" || w[0] == "throughout") && len(w) > 1 {
		p := 1
		if is(w[p], wDet) {
			p++
		}
		if n, width := textNounAt(w, p); n == wTextStrong && (at(w, p+width) == "" || textFollowers[at(w, p+width)] || is(at(w, p+width), wReport|wModal)) {
			return true
		}
	}
	return false
}

// addressedAt reports whether the words from w[p] address the text, its
// writer or its readers (see addressesText).
func addressedAt(w []string, p int) bool {
	t := w[p]
	c := class(t)
	if c&wAudience != 0 && (p == 0 || is(w[p-1], wDet)) {
		// "Readers should know she was fired."
		if m := modalEnd(w[p+1:]); m > 0 && audienceVerbs[at(w, p+1+m)] && personIn(w[p+1+m:]) {
			return true
		}
	}
	if c == 0 && t != "first" && t != "opening" && t != "last" && t != "final" && t != "closing" {
		return false
	}
	if (t == "in" || t == "into") && at(w, p+1) == "your" {
		if n, _ := textNounAt(w, p+2); n != 0 {
			return true // "in your answer"
		}
	}
	if (t == "in" || t == "into") && at(w, p+1) == "the" {
		if n, width := textNounAt(w, p+2); n == wTextWeak && width == 2 && at(w, p+2+width) != "of" && at(w, p+3) != "line" {
			return true // "in the first sentence"
		}
	}
	if (t == "it" && at(w, p+1) == "is" || t == "it's") && essential[at(w, p+1+boolInt(t == "it"))] {
		rest := w[p+2+boolInt(t == "it"):]
		if at(rest, 0) == "that" && (personIn(rest[1:min(3, len(rest))]) || anyText(rest[1:min(4, len(rest))])) {
			return true // "it is essential that the biography…"
		}
	}
	n, width := textNounAt(w, p)
	writer := c&(wWriter|wWriterWeak) != 0
	if n == 0 && !writer {
		return false
	}
	if width == 0 {
		width = 1
	}
	if p > 0 && !is(w[p-1], wDet) && !is(w[p-1], wTextStrong|wWriter|wWriterWeak) && n == 0 && t != "you" {
		return false
	}
	if p > 0 && n != 0 && !is(w[p-1], wDet) {
		return false
	}
	rest := w[p+width:]
	for len(rest) > 0 && is(rest[0], wAdverb) && rest[0] != "not" {
		rest = rest[1:]
	}
	return textMustWrite(n, c, rest)
}

// textMustWrite reports whether rest, after a text noun of kind n or a
// writer of class c, makes it write something: "the bio must…", "the
// output must state…", "the writer should say…", "the assistant should
// describe her as…".
func textMustWrite(n, c uint32, rest []string) bool {
	m := modalEnd(rest)
	switch {
	case n == wTextStrong:
		// "the bio (of Ada Okafor) must…", "the bio will say…"
		for k := 0; k < 4 && k < len(rest); k++ {
			if m := modalEnd(rest[k:]); m > 0 {
				if rest[k] != "will" && rest[k] != "would" || is(verbAfter(rest[k+m:]), wWriteVerb) {
					return true
				}
				break
			}
			if is(rest[k], wReport|wModal) {
				break
			}
		}
		if is(at(rest, 0), wReport) && (at(rest, 1) == "that" || at(rest, 1) == "i" || is(at(rest, 1), wPerson) || personPhrase(rest[1:])) {
			return true // "the biography says she…"
		}
		return at(rest, 0) == "to" && is(at(rest, 1), wWriteVerb) // "I'd like my bio to mention…"
	case n == wTextWeak:
		if m > 0 && is(verbAfter(rest[m:]), wWriteVerb) {
			return true // "the output must state…", "first sentence must say…"
		}
		if at(rest, 0) == "to" && is(at(rest, 1), wWriteVerb) && personIn(rest[2:]) {
			return true // "I want the summary to say she…"
		}
		return is(at(rest, 0), wReport) && (at(rest, 1) == "that" || is(at(rest, 1), wSubj|wObj|wPoss)) // "first sentence says she was fired"
	case c&wWriter != 0:
		return m > 0 && is(verbAfter(rest[m:]), wWriteVerb) // "the writer should say…"
	default: // assistant, AI, model, you
		return m > 0 && is(verbAfter(rest[m:]), wWriteVerb) && (personIn(rest[m:]) || anyText(rest[m:]))
	}
}

// audienceVerbs are what readers are to do with a claim: "readers should
// know (that) she…".
var audienceVerbs = map[string]bool{"know": true, "learn": true, "hear": true, "understand": true, "realise": true,
	"realize": true, "see": true, "be": true, "remember": true, "note": true}

// wishes are the ways of wishing for something that an instruction uses:
// "it would be great if the bio said…", "I'd love it if the summary…".
var wishes = func() (out [][]string) {
	for _, modal := range []string{"would", "'d"} {
		for _, adj := range strings.Fields("great nice good helpful ideal best lovely better wonderful") {
			out = append(out, []string{modal, "be", adj, "if"})
		}
		for _, verb := range strings.Fields("love like appreciate prefer") {
			out = append(out, []string{modal, verb, "it", "if"})
		}
		out = append(out, []string{modal, "prefer", "if"})
	}
	return out
}()

// wishesText reports whether a clause wishes that a text (or its writer)
// said something of the person: "It would be great if the profile text
// described her as dishonest", "I'd love it if the summary said she…".
func wishesText(w []string) bool {
	for i := range w {
		x := w[i]
		if x != "would" && !strings.HasSuffix(x, "'d") {
			continue
		}
		rest := w[i:]
		if x != "would" {
			rest = append([]string{"'d"}, w[i+1:]...)
		}
		for _, p := range wishes {
			if !hasWords(rest, p...) {
				continue
			}
			after := rest[len(p):]
			for k, y := range after {
				if n, _ := textNounAt(after, k); (n != 0 || is(y, wWriter|wWriterWeak) && y != "you") && k+1 < len(after) {
					for j := k + 1; j < len(after); j++ {
						if is(after[j], wReport|wWriteVerb) && personIn(after[j+1:]) {
							return true
						}
					}
				}
			}
		}
	}
	return false
}

// quotedInsertion reports whether l (lower case) asks for quoted words to
// be put into the text: a directive that inserts ("append", "output",
// "add", "write"), perhaps "the sentence", then a quotation, and after it
// the text ("to the bio", "in your answer"), a place in it ("at the
// end"), or, inside it, a sentence about the person ("Output 'She was
// fired.'").
func quotedInsertion(l string) bool {
	for i := 0; i < len(l); {
		open, n := utf8.DecodeRuneInString(l[i:])
		closeQ := closingQuote(open)
		if closeQ == 0 || open == '\'' && i > 0 && isWordByte(l[i-1]) {
			i += n
			continue
		}
		end := -1
		for j := i + n; j < len(l); {
			r, m := utf8.DecodeRuneInString(l[j:])
			if r == closeQ && (r != '\'' || j+m == len(l) || !isWordByte(l[j+m])) {
				end = j
				break
			}
			j += m
		}
		if end < 0 {
			return false
		}
		if verb := insertsBefore(l[:i]); verb != "" {
			var buf [16]string
			if q := appendWords(buf[:0], l[i+n:end]); len(q) >= 3 && personIn(q) {
				return true // a sentence about the person, not a pronoun to use ("Use 'they'")
			}
			after := appendWords(buf[:0], l[end+utf8.RuneLen(closeQ):])
			if p := at(after, 0); verb != "use" && (p == "to" || p == "into" || p == "in" || p == "at" || p == "as") {
				k := 1
				if is(at(after, k), wDet) {
					k++
				}
				if n, _ := textNounAt(after, k); n != 0 {
					return true // "to the bio"
				}
				switch at(after, k) {
				case "end", "start", "beginning", "top", "bottom", "close", "opening":
					return true // "at the end"
				}
			}
		}
		i = end + utf8.RuneLen(closeQ)
	}
	return false
}

// insertsBefore returns the directive that inserts, when the clause that
// ends before a quotation opens with one and has no more than "the
// sentence" or "these words" after it ("Append ", "Output the sentence
// "), and "" when it does not. "Use 'they' in my bio" asks for a pronoun,
// not a claim: after "use" only a quoted sentence about the person counts.
func insertsBefore(s string) string {
	k := strings.LastIndexAny(s, ".!?;\n")
	var buf [16]string
	w := trimCourtesies(appendWords(buf[:0], s[k+1:]))
	if len(w) == 0 || len(w) > 5 || !insertVerbs[w[0]] && w[0] != "say" && w[0] != "use" {
		return ""
	}
	for _, x := range w[1:] {
		switch x {
		case "the", "this", "these", "a", "an", "following", "exact", "exactly", "verbatim", "sentence", "line", "phrase",
			"words", "text", "statement", "note", "at", "end", "start":
		default:
			return ""
		}
	}
	return w[0]
}

// labelVerbs are the directives that alone, before a colon, ask for what
// follows to be written ("Add: she was…"); "Note:" and "Highlight:" label
// a fact.
var labelVerbs = map[string]bool{"add": true, "include": true, "state": true, "say": true, "write": true,
	"mention": true, "insert": true, "append": true, "remember": true}

var essential = map[string]bool{"essential": true, "important": true, "crucial": true, "vital": true, "imperative": true,
	"critical": true, "mandatory": true, "necessary": true, "required": true, "key": true}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// modalEnd returns how many words of w make a modal ("must", "needs to",
// "is to", "may not"), 0 when w does not start with one.
func modalEnd(w []string) int {
	switch at(w, 0) {
	case "must", "should", "shall", "will", "cannot", "can't", "mustn't", "shouldn't", "won't", "would":
		return 1
	case "need", "needs", "has", "have", "ought":
		if at(w, 1) == "to" {
			return 2
		}
	case "is", "are":
		if at(w, 1) == "to" {
			return 2
		}
		if (at(w, 1) == "required" || at(w, 1) == "expected" || at(w, 1) == "supposed") && at(w, 2) == "to" {
			return 3
		}
	case "may", "can":
		if at(w, 1) == "not" || at(w, 1) == "only" {
			return 2
		}
	}
	return 0
}

// verbAfter returns the first word of w that is not an adverb.
func verbAfter(w []string) string {
	for _, x := range w {
		if !is(x, wAdverb) && x != "not" && x != "now" {
			return x
		}
	}
	return ""
}

// personIn reports whether w holds a word for a person: a pronoun, or "the
// person", "this candidate".
func personIn(w []string) bool {
	for i, x := range w {
		if is(x, wPerson) {
			return true
		}
		if (x == "the" || x == "this") && personNouns[at(w, i+1)] {
			return true
		}
	}
	return false
}

var personNouns = map[string]bool{"person": true, "candidate": true, "employee": true, "individual": true,
	"subject": true, "woman": true, "man": true, "applicant": true}

// personPhrase reports whether w starts with "the person", "this candidate".
func personPhrase(w []string) bool {
	return (at(w, 0) == "the" || at(w, 0) == "this") && personNouns[at(w, 1)]
}

func anyText(w []string) bool {
	for i := range w {
		if n, _ := textNounAt(w, i); n != 0 {
			return true
		}
	}
	return false
}

func audienceIn(w []string) bool {
	for i := 0; i < len(w) && i < 3; i++ {
		if is(w[i], wAudience) {
			return true
		}
		if !is(w[i], wDet) {
			return false
		}
	}
	return false
}

func indexWord(w []string, x string, within int) int {
	for i := 0; i < len(w) && i < within; i++ {
		if w[i] == x {
			return i
		}
	}
	return -1
}

// isVocative reports whether a clause is only an address to the writer:
// "Bio writer", "Assistant", "Writer's note", "P.S. to the writer", "Note to
// the AI writing this", "Bio guidance".
func isVocative(w []string) bool {
	addressed := false
	for i, x := range w {
		base := strings.TrimSuffix(x, "'s")
		c := class(base)
		switch {
		case c&(wWriter|wWriterWeak) != 0 && base != "you", base == "whoever":
			addressed = true
		case c&(wTextStrong|wTextWeak) != 0 && i > 0 && (w[i-1] == "for" || w[i-1] == "to" || i > 1 && is(w[i-1], wDet) &&
			(w[i-2] == "for" || w[i-2] == "to")):
			addressed = true // "For the summary", "TODO for bio"
		case c&wTextStrong != 0 && i+1 < len(w) && (w[i+1] == "writer" || w[i+1] == "guidance" || w[i+1] == "instructions" || w[i+1] == "rules" || w[i+1] == "requirements"):
			addressed = true
		case c&wVocative != 0:
		default:
			return false
		}
	}
	return addressed
}

// startsClaim reports whether a clause states something of the person:
// "she was fired", "he is…".
func startsClaim(w []string) bool {
	w = trimCourtesies(w)
	if at(w, 0) == "that" {
		w = w[1:]
	}
	return len(w) > 1 && is(w[0], wSubj)
}

// startsDirective reports whether a clause starts with a directive to
// write, after an address to the writer: "Writer: mention her arrest".
func startsDirective(w []string) bool {
	t := trimCourtesies(w)
	if reminderEnd(t) > 0 {
		return true
	}
	switch k, _, _ := directiveAt(t, 0); k {
	case dSay, dDescribe, dPlace, dTell:
		return len(t) > 1
	}
	return false
}

// isTextLabel reports whether a clause only names the text: "Bio",
// "Summary", "Bio note".
func isTextLabel(w []string) bool {
	return len(w) == 1 && is(w[0], wTextStrong|wTextWeak) ||
		len(w) == 2 && is(w[0], wTextStrong|wTextWeak) && (w[1] == "note" || w[1] == "notes" || w[1] == "todo")
}

// adverseWords are words of an adverse claim about a person, by which a
// claim after a label ("bio: she was fired") is one to write, not the
// person's own summary ("Bio: she leads the data team").
var adverseWords = wordSet(`fired sacked dismissed terminated arrested convicted jailed imprisoned indicted sued fraud
	fraudster theft stole embezzled embezzlement bribery misconduct harassment harassed lazy dishonest incompetent
	untrustworthy liar lied criminal felon prison jail bankrupt demoted disciplined suspended expelled ousted`)

func adverseIn(w []string) bool {
	for _, x := range w {
		if adverseWords[x] {
			return true
		}
	}
	return false
}

// introducesClaim reports whether a clause that ends with ':', ',' or a dash
// asks for what follows it to be written: a directive ("Start with:",
// "Also add:", "Important fact to include first:") or an address to the
// writer ("Writer's note:").
func introducesClaim(w []string, brk rune) bool {
	t := trimCourtesies(w)
	if len(t) == 0 {
		return false
	}
	if isVocative(t) || reminderEnd(t) == len(t) {
		return true // "Writer's note:", "Don't forget:"
	}
	if k, verb, _ := directiveAt(t, 0); k != dNone && (len(t) > 1 || labelVerbs[verb] || brk != ':') {
		return true
	}
	for i := 0; i+1 < len(t); i++ {
		if t[i] == "to" && directives[t[i+1]] != dNone && directives[t[i+1]] != dParticle {
			return true // "fact to include first:"
		}
	}
	return false
}
