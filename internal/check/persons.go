package check

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/lexicon"
)

// nameClass says what else a given name is: lexicon.Given's class, read
// here as persons.go says.
type nameClass = lexicon.Class

const (
	notAName   = lexicon.NotAName
	onlyName   = lexicon.OnlyName   // Kevin, Priya: a person wherever it stands
	commonWord = lexicon.CommonWord // Will, Grant, Rose: a person alone inside a sentence
	rareWord   = lexicon.RareWord   // Shell, Baker: the word, but for a title or a surname
	termName   = lexicon.Term       // June, German, Julia, Azure: the term, but for a title or a surname
	placeName  = lexicon.Place      // Austin, Victoria: the place, but for a title or a surname
)

// englishWord reports whether w (lower case) is an English word or a
// place of the lexicon, or one made from a word there by a usual ending
// ("writing", "yards", "planned").
func englishWord(w string) bool { return lexicon.IsWord(w) }

// personalTitles come before a name: after one, even "Will" is a person.
var personalTitles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "mx": true, "miss": true, "mister": true, "dr": true, "doctor": true,
	"prof": true, "professor": true, "sir": true, "dame": true, "lady": true, "lord": true, "rev": true,
	"reverend": true, "coach": true, "captain": true, "uncle": true, "aunt": true,
}

// notSurnames are capitalised words that follow a name in the name of an
// organisation, a place, an award or a product, or in a title-cased
// phrase, and never as a surname: "Chase Bank", "Victoria Falls", "Rhodes
// Scholarship", "Grant Writing".
var notSurnames = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`bank banks group capital partners partner foundation college university school
		institute institution center centre hospital clinic department health healthcare energy labs lab systems technologies
		technology tech solutions consulting services media studios studio airlines airways insurance motors park
		river falls valley street road avenue square bridge day days awards award prize fellowship fellow fellows
		scholarship scholar scholars fund trust holdings inc ltd llc plc gmbh corp corporation co company associates
		ventures bowl cup games olympics county city state island islands lake mountain mountains hall house tower
		building museum library gallery theatre theater church cathedral airport station port harbour harbor beach
		bay coast point heights hills springs gardens garden academy society association council board committee
		club league team network project program programme initiative campaign conference summit festival week
		month year quarter medal lecture chair index method model framework act law rule test scale score plan
		protocol platform cloud app apps software data analytics engineering management development design
		marketing sales writing strategy operations finance accounting research security support relations
		resources planning analysis leadership communications policy logistics manufacturing retail banking pharma
		pharmaceuticals biotech robotics gold silver bronze north south east west international global national
		regional americas europe asia pacific atlantic express financial securities mutual life general electric
		power water gas oil steel foods brands stores mart market markets exchange news times post journal review
		press publishing books records music films pictures entertainment sports fitness care pharmacy medical
		dental legal payments pay card cards credit wallet collection collections edition series award-winning
		memorial children's kids hub works labs lane way drive boulevard place court row hill wood woods forest
		field fields farm farms estate estates district region province territory republic kingdom empire
		dynasty era age century period prize-winning trophy challenge open classic marathon race`) {
		notSurnames[w] = true
	}
}

// firms are two given names, or a name and a surname, that name a firm
// or a school rather than a person; the name check reads them as one word.
var firms = map[string]bool{
	"morgan stanley": true, "goldman sachs": true, "charles schwab": true, "edward jones": true, "dow jones": true,
	"harvey mudd": true, "harvey nichols": true, "john lewis": true, "john deere": true, "grant thornton": true,
	"baker mckenzie": true, "ruby tuesday": true, "jack henry": true, "wells fargo": true, "clifford chance": true,
	"arthur andersen": true, "harley davidson": true, "marsh mclennan": true, "russell reynolds": true,
	"spencer stuart": true, "hugo boss": true, "calvin klein": true, "ralph lauren": true, "kate spade": true,
	"kaiser permanente": true, "warner bros": true, "franklin templeton": true, "franklin covey": true,
	"ernst young": true, "allen overy": true, "johnson controls": true, "ford motor": true, "tommy hilfiger": true,
}

// notSentenceEnds are words with a full stop that do not end a sentence.
var notSentenceEnds = map[string]bool{"e.g.": true, "i.e.": true, "st.": true, "mt.": true, "ft.": true, "vs.": true, "approx.": true, "no.": true}

// word is one word of a bio as otherPerson reads it.
type word struct {
	raw  string // as written, with its punctuation
	core string // without the punctuation around it and a possessive "'s"
	// possessive is true for "Kevin's"; endsPhrase for a word with a mark
	// after it (",", ".", ")"), which no name of the same phrase follows;
	// first for the first word of a sentence.
	possessive, endsPhrase, first bool
}

// readWord returns the word of text that starts at or after i, and where
// the next one may start; nl reports a line break before it.
func readWord(text string, i int) (w word, next int, nl bool) {
	for i < len(text) && isSpace(text[i]) {
		nl = nl || text[i] == '\n'
		i++
	}
	j := i
	for j < len(text) && !isSpace(text[j]) {
		j++
	}
	w.raw = text[i:j]
	if w.raw == "" {
		return w, j, nl
	}
	if c, last := w.raw[0], w.raw[len(w.raw)-1]; 'a' <= c && c <= 'z' && last < utf8.RuneSelf {
		// A lower-case word, most of a bio: only its end matters.
		k := len(w.raw)
		for k > 0 && !isLetter(w.raw[k-1]) && w.raw[k-1] < utf8.RuneSelf {
			k--
		}
		w.core, w.endsPhrase = w.raw[:k], k < len(w.raw) && last != '\''
		return w, j, nl
	}
	core := trimToWord(w.raw)
	for _, s := range [...]string{"'s", "’s", "'", "’"} {
		if strings.HasSuffix(core, s) {
			core, w.possessive = core[:len(core)-len(s)], true
			break
		}
	}
	w.core = strings.Trim(core, "'’")
	if w.raw != "" {
		c := w.raw[len(w.raw)-1]
		if c < utf8.RuneSelf {
			w.endsPhrase = !isLetter(c) && c != '\''
		} else if r, _ := utf8.DecodeLastRuneInString(w.raw); !unicode.IsLetter(r) && r != '’' {
			w.endsPhrase = true
		}
	}
	return w, j, nl
}

// trimToWord trims s of what is not a letter or an apostrophe at either
// end, reading ASCII bytes without the Unicode tables.
func trimToWord(s string) string {
	i, j := 0, len(s)
	for i < j && s[i] < utf8.RuneSelf && !isLetter(s[i]) && s[i] != '\'' {
		i++
	}
	for j > i && s[j-1] < utf8.RuneSelf && !isLetter(s[j-1]) && s[j-1] != '\'' {
		j--
	}
	if i < j && (s[i] >= utf8.RuneSelf || s[j-1] >= utf8.RuneSelf) {
		return strings.TrimFunc(s[i:j], func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '’' })
	}
	return s[i:j]
}

// endsSentence reports whether a sentence ends after w.
func (w word) endsSentence() bool {
	if w.raw == "-" || w.raw == "•" {
		return true // a bullet mark
	}
	if w.raw == "" {
		return false
	}
	if c := w.raw[len(w.raw)-1]; c != '.' && c != '!' && c != '?' && c != ':' {
		return false
	}
	var buf [24]byte
	if l := lowerKey(buf[:0], w.raw); notSentenceEnds[string(l)] || personalTitles[string(l[:len(l)-1])] {
		return false
	}
	// An initial: "J. Smith".
	return !(len(w.core) == 1 && unicode.IsUpper(rune(w.core[0])))
}

// capitalised reports whether s is written as a name is: a capital, then
// at least one small letter ("Kevin", "McKenzie"; not "KEVIN" or "iOS").
func capitalised(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) {
		return false
	}
	for _, r := range s[n:] {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// classOf returns the class of a capitalised word: for a hyphenated word
// ("Jean-Luc"), a name only when each part is one, and only a name when
// each part is. A word of fewer than three letters is not read as a name.
func classOf(s string) nameClass {
	if strings.Contains(s, "-") {
		class := onlyName
		for part := range strings.SplitSeq(s, "-") {
			c := classOf(part)
			if c == notAName {
				return notAName
			}
			if c != onlyName {
				class = rareWord
			}
		}
		return class
	}
	if len(s) < 3 || len(s) > 20 || capitalisedNotNames()[s] {
		return notAName
	}
	return lexicon.Given(s)
}

// capitalisedNotNames are the words of commonCapitalised that are not
// given names ("She", "The", "Currently"): most capitalised words of a bio,
// spared a look-up in the large list of names.
var capitalisedNotNames = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for w := range commonCapitalised {
		if !lexicon.IsGivenName(w) {
			m[w] = true
		}
	}
	return m
})

// foldAccents removes diacritics: "zoë" gives "zoe", "josé" "jose".
func foldAccents(s string) string { return lexicon.FoldAccents(s) }

// otherPerson reports whether text names a person by a given name that
// known does not hold: known is given the name in lower case, without
// diacritics, and should report whether the profile has it (the person's
// own name, a company "Grant Thornton", a skill). A name that is only a
// name ("Kevin mentored her") counts wherever it stands, but not inside
// another proper noun ("Johns Hopkins", "San Jose", "City of Hope"), after
// an article ("the Watson platform"), nor before an organisation's word
// ("Kevin Foundation"). A name that is also a common word ("Will",
// "Grant") counts alone inside a sentence ("worked with Will on"), not at
// its start ("Will lead..."); a name that is also a rare word, a term or
// a place ("Shell", "June", "Austin") only after a title ("Dr. June") or
// before a surname ("June Carter" does not count: "carter" is a word;
// "June Okoye" does). A capitalised English word after a name makes a
// title-cased phrase ("Grant Writing", "Rose Gold"), not a person.
//
// self are the parts of the person's name, passed over at once.
func otherPerson(text string, self []string, known func(string) bool) bool {
	start := true
	shouting := -1 // whether the text is mostly capitals, read when first needed
	var prev, prev2 word
	// listed: a list of names after words that make a person of them has
	// gone on to this word: "Mentored by Grant Hill and Will Smith".
	listed := false
	for i := 0; i < len(text); {
		w, next, nl := readWord(text, i)
		if w.raw == "" {
			break
		}
		if nl {
			start, prev, prev2 = true, word{}, word{}
		}
		w.first = start
		capital, caps := capitalised(w.core), false
		if !capital && len(w.core) >= 3 && 'A' <= w.core[0] && w.core[0] <= 'Z' && allCaps(w.core) {
			// "KEVIN BROWN" in a bio that does not shout throughout.
			if shouting < 0 {
				shouting = boolInt(isShouting(text))
			}
			caps = shouting == 0
		}
		ctx := false
		if caps || capital {
			ctx = !start && (personContext(prev, prev2) ||
				listed && (prev.core == "and" || prev.core == "or" || strings.HasSuffix(prev.raw, ",")))
		}
		listed = ctx || listed && !start && (caps || capital || w.core == "and" || w.core == "or")
		if (caps || capital) && !equalFoldAny(self, w.core) {
			isKnown := func() bool { return known(foldAccents(strings.ToLower(w.core))) }
			if mayNameBefore(prev) {
				if titledThing(prev, w) {
					goto next // "Dr. Pepper"
				}
				if namedAfter(w, prev, prev2, caps) && !isKnown() {
					return true // "Dr. Nakamura", "J. Smith", "van der Berg"
				}
			}
			c := classOf(w.core)
			if caps && (c != onlyName || len(w.core) < 4) {
				c = notAName // "TED", "LAN": an acronym
			}
			if c != notAName && isPerson(c, w, prev, prev2, text[next:], ctx) && !isKnown() {
				return true
			}
		}
	next:
		start = w.endsSentence()
		prev2, prev, i = prev, w, next
	}
	return false
}

// strictTitles are the titles after which any capitalised word is a
// surname: "Dr. Nakamura", "Professor Hinton", "Ms. Patel".
var strictTitles = map[string]bool{"mr": true, "mrs": true, "ms": true, "mx": true, "miss": true, "mister": true,
	"dr": true, "doctor": true, "prof": true, "professor": true, "sir": true, "dame": true}

// titledNotNames are the capitalised words after a title that make the
// name of a thing: "Dr. Pepper", "Dr. Martens", "Doctor Who".
var titledNotNames = map[string]bool{"pepper": true, "martens": true, "who": true, "seuss": true, "oetker": true,
	"dre": true, "strange": true, "evil": true, "no": true}

// mayNameBefore is a glance at prev that spares most words the look-ups
// of namedAfter and titledThing: a title, an initial or a particle.
func mayNameBefore(prev word) bool {
	if len(prev.core) == 0 || len(prev.core) > 9 {
		return false
	}
	if len(prev.core) == 1 {
		return true
	}
	var b [9]byte
	switch string(lowerKey(b[:0], prev.core)) {
	case "mr", "mrs", "ms", "mx", "miss", "mister", "dr", "doctor", "prof", "professor", "sir", "dame", "lady", "lord",
		"rev", "reverend", "coach", "captain", "uncle", "aunt", "van", "von", "bin", "ibn", "bint", "der", "den", "de", "ter":
		return true
	}
	return false
}

// titledThing reports whether w after prev is the name of a thing that
// starts with a title: "Dr. Pepper", "Doctor Who".
func titledThing(prev, w word) bool {
	var b1, b2 [24]byte
	return personalTitles[string(lowerKey(b1[:0], prev.core))] && titledNotNames[string(lowerKey(b2[:0], w.core))]
}

// sentenceStarters are capitalised words that start a sentence after an
// initial ends one: "Plan B. Then she…".
var sentenceStarters = map[string]bool{"then": true, "it": true, "its": true, "there": true, "this": true, "that": true,
	"so": true, "but": true, "and": true, "now": true, "here": true, "we": true, "our": true, "after": true, "before": true}

// surnameParticles come before a surname in small letters: "van der
// Berg", "von Braun", "bin Salman".
var surnameParticles = map[string]bool{"van": true, "von": true, "bin": true, "ibn": true, "bint": true}

// namedAfter reports whether w, capitalised (or in capitals, caps), is a
// surname by what comes before it: a title ("Dr. Nakamura", not "Notre
// Dame" or "Dr. Pepper"), an initial ("J. Smith", when Smith is not an
// English word), or a particle ("van der Berg").
func namedAfter(w, prev, prev2 word, caps bool) bool {
	var b1, b2 [24]byte
	p := string(lowerKey(b1[:0], prev.core))
	lw := string(lowerKey(b2[:0], w.core))
	switch {
	case strictTitles[p] && capitalised(prev.core) || caps && strictTitles[p]:
		return !titledNotNames[lw] && !strings.EqualFold(prev2.core, "notre") && !commonCapitalised[w.core]
	case len(prev.core) == 1 && unicode.IsUpper(rune(prev.core[0])) && strings.HasSuffix(prev.raw, prev.core+"."):
		// "J. Smith", "John F. Kennedy"; not "Plan B. Then", "B. Sc.",
		// "C#. Several".
		return !commonCapitalised[w.core] && !sentenceStarters[lw] && !(len(w.core) < 3 && strings.HasSuffix(w.raw, ".")) &&
			(prev2.core == "" || !capitalised(prev2.core) || classOf(prev2.core) != notAName)
	case surnameParticles[prev.core]:
		return true
	case (prev.core == "der" || prev.core == "den" || prev.core == "de" || prev.core == "ter") && (prev2.core == "van" || prev2.core == "von"):
		return true
	}
	return false
}

// allCaps reports whether s has letters and no small ones.
func allCaps(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

// isShouting reports whether most words of text are written in capitals,
// so that capitals say nothing of a name.
func isShouting(text string) bool {
	caps, words := 0, 0
	for f := range strings.FieldsSeq(text) {
		if w := trimToWord(f); len(w) >= 2 {
			words++
			if allCaps(w) {
				caps++
			}
		}
	}
	return caps*2 > words
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// personVerbs are what a person does at the start of a sentence that a
// word does not: "Mark joined her team", "Grant praised her leadership".
var personVerbs = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`joined praised mentored said says noted hired managed recruited coached supervised
		recommended recommends thanked described calls called told asked wrote writes founded co-founded introduced
		invited taught trained guided advised supported helped reported endorsed nominated promoted interviewed
		approved commended credited recalls recalled remembers added explained mentors manages leads hires
		praises thanks describes credits introduced encouraged convinced persuaded replaced succeeded fired
		dismissed appointed named chose selected`) {
		personVerbs[w] = true
	}
}

func equalFoldAny(list []string, s string) bool {
	for _, x := range list {
		if len(x) == len(s) && strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// isPerson decides, for a word w of class c, from the two words before it
// and the text after it, whether it names a person; ctx reports that the
// words before make a person of a name and its surname though both are
// words (personContext).
func isPerson(c nameClass, w, prev, prev2 word, after string, ctx bool) bool {
	start := w.first
	var buf [24]byte
	p := lowerKey(buf[:0], prev.core)
	if !start {
		if personalTitles[string(p)] {
			return true
		}
		if article[string(p)] || placePrefixes[string(p)] || !prev.first && properNounPart(prev) ||
			nounLink[string(p)] && !prev.endsPhrase && properNounPart(prev2) {
			return false // "the Watson platform", "San Jose", "Johns Hopkins", "City of Hope"
		}
	}
	// The next two words of the phrase.
	var f1, f2 word
	if !w.endsPhrase {
		var n int
		f1, n, _ = readWord(after, 0)
		if !f1.endsPhrase {
			f2, _, _ = readWord(after, n)
		}
	}
	if capitalised(f1.core) && c == commonWord && !start && ctx && classOf(f1.core) != notAName &&
		wordSurname(f1) {
		return true // "Mentored by Grant Hill": a surname that is a name, though "hill" ends a place's name too
	}
	if capitalised(f1.core) {
		var b1, b2 [24]byte
		if notSurnames[string(lowerKey(b1[:0], f1.core))] || capitalised(f2.core) && notSurnames[string(lowerKey(b2[:0], f2.core))] {
			return false // "Kevin Foundation", "Chase Bank", "Rhodes Scholarship", "Marie Curie Fellowship"
		}
		var b3 [48]byte
		pair := append(lowerKey(b3[:0], w.core), ' ')
		if placePrefixes[string(pair[:len(pair)-1])] || firms[string(lowerKey(pair, f1.core))] {
			return false // "Morgan Stanley", "San Jose"
		}
	}
	if capitalised(prev.core) && !prev.endsPhrase {
		var b4 [48]byte
		pair := append(lowerKey(b4[:0], prev.core), ' ')
		if firms[string(lowerKey(pair, w.core))] {
			return false // "Franklin Templeton"
		}
	}
	if c == onlyName {
		return !(w.possessive && (string(p) == "at" || string(p) == "joined")) // "at Macy's"
	}
	if capitalised(f1.core) {
		// "Mentored by Grant Hill and Will Smith": a name that is also a
		// word, and a surname that is one too, after words that only a
		// person follows.
		return surnameLike(f1) || c == commonWord && !start && ctx && wordSurname(f1)
	}
	if start && (c == commonWord || c == rareWord) && !w.possessive {
		var b [24]byte
		return personVerbs[string(lowerKey(b[:0], f1.core))] // "Mark joined her team", not "Will lead the team"
	}
	return c == commonWord && !start
}

// personContext reports whether the two words before a name and its
// surname make them a person's, though both are words: "mentored by",
// "reported to", "studied under" ("Mentored by Grant Hill and Will
// Smith"). A firm or a place after them ("Supported by Austin Energy",
// "Grant Thornton") is read as one before this. "Worked with" is not such
// a context: she works with tools ("Sage", "Crystal Reports").
func personContext(prev, prev2 word) bool {
	if prev2.endsPhrase || prev2.core == "" {
		return false
	}
	var b1, b2 [24]byte
	p, p2 := string(lowerKey(b1[:0], prev.core)), string(lowerKey(b2[:0], prev2.core))
	switch p {
	case "by":
		return mentorVerbs[p2]
	case "to":
		return p2 == "reported" || p2 == "reports" || p2 == "reporting" || p2 == "married"
	case "under":
		return p2 == "studied" || p2 == "trained" || p2 == "worked" || p2 == "served" || p2 == "apprenticed"
	}
	return false
}

// wordSurname reports whether f, a capitalised word that is also an
// English word, may be a surname after a name in a person's context: not
// a word a bio capitalises, nor a plural ("Crystal Reports").
func wordSurname(f word) bool {
	if commonCapitalised[f.core] {
		return false
	}
	l := foldAccents(strings.ToLower(f.core))
	return !(strings.HasSuffix(l, "s") && englishWord(l[:len(l)-1]))
}

// mentorVerbs are what a person does to another that a thing does not:
// "mentored by", "supervised by".
var mentorVerbs = map[string]bool{"mentored": true, "supervised": true, "coached": true, "hired": true, "managed": true,
	"trained": true, "taught": true, "advised": true, "guided": true, "recruited": true, "interviewed": true,
	"recommended": true, "nominated": true, "promoted": true, "endorsed": true, "praised": true, "sponsored": true,
	"championed": true, "mentoring": true, "coaching": true, "inspired": true, "tutored": true, "raised": true}

// otherScriptName reports whether an English text holds a run of Chinese,
// Japanese or Korean letters that the profile does not: a name written in
// its script ("王伟"), which the person checks cannot read otherwise.
func otherScriptName(text string, f *evidence) bool {
	if isASCII(text) {
		return false
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !cjkLetter(r) {
			i += n
			continue
		}
		j := i + n
		for j < len(text) {
			r, m := utf8.DecodeRuneInString(text[j:])
			if !cjkLetter(r) && r != '・' && r != '·' {
				break
			}
			j += m
		}
		if !strings.Contains(f.text(), text[i:j]) {
			return true
		}
		i = j
	}
	return false
}

func cjkLetter(r rune) bool {
	return r >= 0x1100 && unicode.In(r, unicode.Han, unicode.Hangul, unicode.Katakana, unicode.Hiragana)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// properNounPart reports whether w is a capitalised word that is not a
// given name, and not the end of a phrase: a part of a proper noun that a
// name may continue ("Johns Hopkins", "Department of Justice"). The first
// word of a sentence is capitalised anyway: "Yesterday Kevin..." is a
// person, so isPerson asks this of a first word only before "of".
func properNounPart(w word) bool {
	return len(w.core) >= 2 && capitalised(w.core) && !w.endsPhrase && !commonCapitalised[w.core] &&
		classOf(w.core) == notAName
}

// article and nounLink are words after which a given name is part of a
// thing's name: "the Watson platform", "an Angel investor", "City of Hope".
var (
	article  = map[string]bool{"the": true, "a": true, "an": true}
	nounLink = map[string]bool{"of": true, "for": true, "de": true, "du": true}
)

// lowerKey appends s in lower case to dst, for looking s up in a map
// without allocating (m[string(lowerKey(...))]); a byte slice too short
// for s grows as append does.
func lowerKey(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

// placePrefixes start the names of places, which may go on with a given
// name: "San Jose", "Santa Monica", "Saint Louis", "Port Elizabeth".
var placePrefixes = map[string]bool{
	"san": true, "santa": true, "santo": true, "são": true, "saint": true, "st": true, "sainte": true, "mount": true,
	"mt": true, "lake": true, "fort": true, "ft": true, "port": true, "cape": true, "new": true, "los": true, "las": true,
	"el": true, "le": true, "la": true, "del": true, "bay": true, "glen": true, "isla": true, "villa": true,
}

// surnameLike reports whether f, a capitalised word after a given name,
// may be a surname: not an English word or a place ("Grant Writing",
// "Sierra Nevada"), not a word a bio capitalises, and not a given name
// that is also a word.
func surnameLike(f word) bool {
	if commonCapitalised[f.core] || englishWord(foldAccents(strings.ToLower(f.core))) {
		return false
	}
	c := classOf(f.core)
	return c == notAName || c == onlyName
}
