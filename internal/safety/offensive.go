// Package safety finds what must not reach a public profile unreviewed:
// offensive language (profanity and slurs) and statements of protected
// attributes (age, religion, health, disability, marital or family status,
// ethnicity, sexual orientation).
//
// The offensive words are those of github.com/TwiN/go-away, a maintained
// profanity list, matched as whole words (the library matches substrings,
// which flags "assessment", "Essex" and "Matsushita"), less the clinical
// and professional words a bio may need (extraWords and professional
// below say which, and why), plus the insults and slurs the library
// lacks. Everything here is safe for concurrent use: the tables are built
// once and never change.
package safety

import (
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	goaway "github.com/TwiN/go-away"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/lexicon"
)

// professional are the library's words that a professional profile uses
// in earnest: medicine (anatomy), law and counselling (crimes), history,
// engineering and farming (a flange, a dyke that holds back the sea, ear
// muffs), sport (balls), the arts (a nude), the weld and the surname
// ("butt"), and "queer", which a person may use of themselves: that one
// is a protected attribute (terms.go), reviewed, not rejected.
var professional = map[string]bool{
	"anal": true, "anus": true, "clitoris": true, "labia": true, "nipple": true, "penis": true, "scrotum": true,
	"vagina": true, "sex": true, "incest": true, "rape": true, "rapist": true, "pedophile": true, "nazi": true,
	"queer": true, "naked": true, "nude": true, "flange": true, "balls": true, "nips": true, "tits": true,
	"butt": true, "muff": true, "porn": true,
}

// extraWords are insults and slurs the library's list lacks (its list is
// for chat, where they are rarer than in a grievance pasted into a
// profile), and spellings of its words it does not catch.
var extraWords = map[string]bool{
	"idiot": true, "idiotic": true, "stupid": true, "moron": true, "moronic": true, "imbecile": true, "cretin": true,
	"scum": true, "scumbag": true, "dickhead": true, "dickwad": true, "shithead": true, "dipshit": true, "bullshit": true,
	"jackass": true, "smartass": true, "asshat": true, "asswipe": true, "cocksucker": true, "sonofabitch": true,
	"dimwit": true, "halfwit": true, "numbskull": true, "douche": true, "douchebag": true, "tosser": true, "bellend": true,
	"wanker": true, "shite": true, "feminazi": true, "jerk": true, "hoe": true, "skank": true, "bimbo": true,
	"fck": true, "fuk": true, "fuking": true, "fcking": true, "phuck": true, "phucking": true, "sht": true,
	"kike": true, "spic": true, "wetback": true, "gook": true, "raghead": true, "towelhead": true, "tranny": true,
	"paki": true, "darkie": true, "faggot": true, "chink": true, "beaner": true, "kraut": true, "wop": true, "dago": true,
	"redskin": true, "homo": true, "lesbo": true, "poof": true, "shemale": true, "spaz": true, "cripple": true, "midget": true,
	"mothafucka": true, "mothafucker": true, "fvck": true, "fvcking": true, "jap": true, "yid": true, "polack": true,
	"wog": true, "honky": true, "mongoloid": true, "spastic": true, "schizo": true, "dyke": true,
	"cocksucking": true, "fucc": true, "phuk": true, "libtard": true, "knobhead": true, "cuck": true, "fatass": true,
	"pillock": true, "thot": true, "gyppo": true, "bitchass": true,
}

// ambiguous are offensive words that are also names (a person called
// Dick, Dick's Sporting Goods, Coon Rapids, the Redskins, Homo sapiens):
// written with a capital where a name may stand they are taken for one.
var ambiguous = map[string]bool{
	"dick": true, "cock": true, "coon": true, "prick": true, "bugger": true, "cum": true, "fag": true, "boob": true,
	"turd": true, "crap": true, "poop": true, "redskin": true, "homo": true, "kraut": true, "wop": true, "hoe": true,
	"chink": true, "spic": true, "paki": true, "jerk": true, "ass": true, "pussy": true, "dyke": true, "idiot": true,
	"bimbo": true,
}

// stems are the strong words that start other offensive words whatever
// follows ("fucking", "cunty").
var stems = []string{"fuck", "cunt"}

// compounds are the strong words an English word may lead into, or
// follow, in one word ("bullshit", "motherfucker", "shitshow", "bitchass").
var compounds = []string{"shit", "fuck", "bitch", "whore", "slut", "twat", "cunt", "piss"}

// leading are the compounds' words that lead an English word into one
// ("shitshow", "bitchass"); not "slut" ("Slutsky").
var leading = map[string]bool{"shit": true, "fuck": true, "bitch": true, "piss": true, "cunt": true}

// suffixes are the endings an offensive word takes and stays one. Not
// "er": "butter", "cocker spaniels", "set retarders".
var suffixes = []string{"", "s", "es", "ed", "ing", "y", "ier", "iest", "ings", "head", "heads", "hole", "holes", "face", "wit", "wits", "bag", "bags", "wad", "wads"}

// innocentForms are whole words that look like a listed word's form and
// are not ("craps" is a dice game).
var innocentForms = map[string]bool{"craps": true, "jerky": true, "booby": true}

var words = func() map[string]bool {
	w := make(map[string]bool, len(goaway.DefaultProfanities)+len(extraWords))
	for _, list := range [][]string{goaway.DefaultProfanities, goaway.DefaultFalseNegatives} {
		for _, s := range list {
			if !professional[s] {
				w[s] = true
			}
		}
	}
	for s := range extraWords {
		w[s] = true
	}
	return w
}()

// openings are the first three bytes of every word, stem and compound:
// a word holding none of them is not looked up.
var openings = func() map[uint32]bool {
	m := map[uint32]bool{}
	for _, list := range [][]string{sortedWords, stems, compounds} {
		for _, w := range list {
			m[uint32(w[0])<<16|uint32(w[1])<<8|uint32(w[2])] = true
		}
	}
	return m
}()

// mayBeListed reports whether low, a lower-case word, holds the opening
// of a listed word anywhere, or a star.
func mayBeListed(low []byte) bool {
	for i := 0; i+3 <= len(low); i++ {
		if low[i] == '*' || low[i+1] == '*' || low[i+2] == '*' || openings[uint32(low[i])<<16|uint32(low[i+1])<<8|uint32(low[i+2])] {
			return true
		}
	}
	return false
}

// sortedWords are the words in order, for a deterministic wildcard match.
var sortedWords = slices.Sorted(maps.Keys(words))

// leet are the library's leetspeak replacements ('4' is 'a', '$' is 's').
var leet = func() map[rune]rune {
	m := map[rune]rune{}
	for from, to := range goaway.DefaultCharacterReplacements {
		if to != ' ' {
			m[from] = to
		}
	}
	return m
}()

// leetByte marks the ASCII characters leetspeak uses.
var leetByte = func() (t [utf8.RuneSelf]bool) {
	for r := range leet {
		if r < utf8.RuneSelf {
			t[r] = true
		}
	}
	return t
}()

// confusables are letters of other scripts that read as Latin ones inside
// an English word: Cyrillic, Greek, small capitals.
var confusables = func() map[rune]rune {
	m := map[rune]rune{}
	for _, pair := range []string{
		"ƒf", "սu", "օo", "հh", "ոn", "ѵv", "ԍg",
		"аa", "вb", "еe", "ёe", "кk", "мm", "нh", "оo", "рp", "сc", "тt", "уy", "хx", "ѕs", "іi", "їi", "јj", "ԁd", "һh", "ԛq", "ԝw",
		"αa", "βb", "εe", "ιi", "κk", "νv", "οo", "ρp", "τt", "υu", "χx",
		"ᴀa", "ʙb", "ᴄc", "ᴅd", "ᴇe", "ꜰf", "ɢg", "ʜh", "ɪi", "ᴊj", "ᴋk", "ʟl", "ᴍm", "ɴn", "ᴏo", "ᴘp", "ʀr", "ꜱs", "ᴛt", "ᴜu", "ᴠv", "ᴡw", "ʏy", "ᴢz",
	} {
		r := []rune(pair)
		m[r[0]] = r[1]
	}
	return m
}()

// maxToken is the most runes of a word that are read: a word glued to
// a long tail ("fuck1111...") is read by its start.
const maxToken = 48

// Match is an offensive word found in a text.
type Match struct {
	// Word is the word as the list has it, in lower case ("fuck" for
	// "F*cking").
	Word string
	// Start and End are the word's bytes in the folded text (bio.Fold).
	Start, End int
	// Name says that the word is also a name (ambiguous) and was written
	// as one, with a capital letter.
	Name bool
	// Initial says that the word starts the text or a sentence, where a
	// capital says nothing.
	Initial bool
}

// Names says where a word that is also a name, written with a capital,
// is taken for a name (HasOffensive).
type Names int

// The places of names.
const (
	// NoNames takes no word for a name: a bio whose names are masked.
	NoNames Names = iota
	// InLabel takes a capitalised word anywhere for a name: a company, a
	// place, a person's name.
	InLabel
	// InText takes a capitalised word for a name unless it starts a
	// sentence: a summary, an achievement.
	InText
)

// IsName reports whether m is a name in a text of the kind n says.
func (n Names) IsName(m Match) bool {
	switch n {
	case InLabel:
		return m.Name
	case InText:
		return m.Name && !m.Initial
	}
	return false
}

// HasOffensive reports whether text holds an offensive word that is not a
// name where names says names are.
func HasOffensive(text string, names Names) bool {
	found := false
	Offensive(text, func(m Match) bool {
		found = !names.IsName(m)
		return !found
	})
	return found
}

// Offensive calls fn with each offensive word of text, in order, until fn
// returns false. text is read as bio.Fold reads it, so full-width letters
// and zero-width splits hide nothing; Start and End are offsets in the
// folded text. A word is read whole, in lower case, with accents,
// combining marks, other scripts' look-alike letters and leetspeak undone
// ("sh1t", "$hit", "fuсk" with a Cyrillic с), with stars for letters
// ("f*ck") or around them ("**F**uck"), with letters stretched ("fuuuck"),
// and spelled out one letter at a time ("f u c k", "s.h.i.t", "F-U-C-K").
func Offensive(text string, fn func(Match) bool) {
	text = bio.Fold(text)
	var buf [maxToken * 4]byte
	var spell spelling
	prev := ""
	for i := 0; i < len(text); {
		start, end := nextToken(text, i)
		if start < 0 {
			break
		}
		i = end
		if m, ok := spell.add(text, start, end); ok && !fn(m) {
			return
		}
		low, ok := lowerForm(buf[:0], text[start:end])
		w := ""
		if ok && (mayBeListed(low) || stretched(low)) {
			w = lookupForms(low)
		}
		if w != "" && innocent(text, start, end, w, prev) {
			w = ""
		}
		prev = previous(prev, low)
		if w == "" {
			continue
		}
		if !fn(matchAt(text, w, start, end)) {
			return
		}
	}
	if m, ok := spell.flush(); ok {
		fn(m)
	}
}

// matchAt makes the match of w at text[start:end].
func matchAt(text, w string, start, end int) Match {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(text[start:end], "*"))
	return Match{Word: w, Start: start, End: end, Name: ambiguous[w] && unicode.IsUpper(r), Initial: sentenceInitial(text, start)}
}

// previous keeps the last word in lower case when it is short, for the
// rules that read it ("summa cum laude", "whelping bitches").
func previous(prev string, low []byte) string {
	if len(low) > 12 {
		return ""
	}
	if string(low) == prev {
		return prev
	}
	switch string(low) { // the words the rules read: no allocation for others
	case "summa", "magna", "whelping", "breeding", "brood", "maiden", "pregnant", "knee", "igneous", "dolerite", "basalt",
		"granite", "sea", "river", "flood", "coastal", "garden", "hand", "stirrup", "dutch", "draw":
		return string(low)
	}
	return ""
}

// sentenceInitial reports whether text[start] starts the text or a
// sentence.
func sentenceInitial(text string, start int) bool {
	j := start
	for j > 0 && strings.IndexByte(" \t\"'*([", text[j-1]) >= 0 {
		j--
	}
	if j == 0 {
		return true
	}
	if strings.IndexByte("!?\n:;", text[j-1]) >= 0 {
		return true
	}
	return text[j-1] == '.' && !abbreviation(text[:j-1])
}

// abbreviation reports whether before, the text before a full stop, ends
// with an initial ("Philip K.") or a title or abbreviation ("Sen.", "Dr.")
// whose full stop ends no sentence.
func abbreviation(before string) bool {
	k := strings.LastIndexFunc(before, func(r rune) bool { return !unicode.IsLetter(r) })
	w := before[k+1:]
	if len(w) == 1 && unicode.IsUpper(rune(w[0])) {
		return true
	}
	switch strings.ToLower(w) {
	case "dr", "mr", "mrs", "ms", "prof", "sen", "rep", "gov", "st", "jr", "sr", "vs", "gen", "col", "capt", "lt", "rev", "hon":
		return true
	}
	return false
}

// innocent reports whether the listed word w at text[start:end] is used
// innocently there: "summa cum laude", "gallery-cum-workshop", "a chink
// in the armour", "whelping bitches", "Ass. Prof.", "knee-jerk", "Homo
// sapiens", or a noun-only insult followed by more words ("cripple the
// network", "hoe the beds").
func innocent(text string, start, end int, w, prev string) bool {
	next := strings.ToLower(strings.TrimLeft(text[end:], " "))
	switch w {
	case "cum":
		return prev == "summa" || prev == "magna" || strings.HasPrefix(next, "laude") ||
			start > 0 && text[start-1] == '-' || end < len(text) && text[end] == '-'
	case "chink":
		return strings.HasPrefix(next, "in the armo") || strings.HasPrefix(next, "in his armo") || strings.HasPrefix(next, "in her armo") ||
			strings.HasPrefix(next, "in its armo") || strings.HasPrefix(next, "in their armo")
	case "dyke":
		return prev == "igneous" || prev == "dolerite" || prev == "basalt" || prev == "granite" || prev == "sea" || prev == "river" ||
			prev == "flood" || prev == "coastal" || strings.HasPrefix(next, "swarm")
	case "spastic":
		return strings.HasPrefix(next, "paraplegia") || strings.HasPrefix(next, "diplegia") || strings.HasPrefix(next, "quadriplegia") ||
			strings.HasPrefix(next, "cerebral") || strings.HasPrefix(next, "paralysis") || strings.HasPrefix(next, "hemiplegia")
	case "bitch":
		return prev == "whelping" || prev == "breeding" || prev == "brood" || prev == "maiden" || prev == "pregnant"
	case "ass":
		return end < len(text) && text[end] == '.' && unicode.IsUpper(rune(text[start]))
	case "jerk":
		return prev == "knee" && start > 0 && text[start-1] == '-' || firstWordIn(next, "chicken", "pork", "seasoning", "spice", "marinade", "sauce")
	case "homo":
		return next != "" && unicode.IsLower(rune(next[0])) && unicode.IsUpper(rune(text[start])) // Homo sapiens, Homo naledi
	case "hoe":
		if prev == "garden" || prev == "hand" || prev == "stirrup" || prev == "dutch" || prev == "draw" ||
			strings.Contains(next[:min(len(next), 40)], "rake") || strings.Contains(next[:min(len(next), 40)], "shovel") ||
			strings.Contains(next[:min(len(next), 40)], "spade") || strings.Contains(next[:min(len(next), 40)], "pruner") {
			return true // the garden tool
		}
		return firstWordIn(next, "the", "a", "an", "our", "their", "its", "his", "her", "my", "your", "this", "that", "these", "those", "every", "any", "all")
	case "cripple":
		// A verb before its object ("cripple the network", "hoe the beds").
		return firstWordIn(next, "the", "a", "an", "our", "their", "its", "his", "her", "my", "your", "this", "that", "these", "those", "every", "any", "all")
	}
	return false
}

// firstWordIn reports whether s starts with one of words, whole.
func firstWordIn(s string, words ...string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) && (len(s) == len(w) || !unicode.IsLetter(rune(s[len(w)]))) {
			return true
		}
	}
	return false
}

// spelling collects a word spelled one letter at a time, each letter a
// token of its own after a single separator ("f u c k", "s.h.i.t").
//
// The zero value is empty. It is used by one goroutine.
type spelling struct {
	letters    []byte
	start, end int
}

// add takes the token text[start:end]; when it ends a spelled word, it
// returns that word's match.
func (s *spelling) add(text string, start, end int) (Match, bool) {
	r, n := utf8.DecodeRuneInString(text[start:end])
	single := n == end-start && unicode.IsLetter(r) && r < utf8.RuneSelf
	joined := len(s.letters) > 0 && start == s.end+1 && strings.IndexByte(" ._-/", text[s.end]) >= 0
	if single && (joined || len(s.letters) == 0) {
		if len(s.letters) == 0 {
			s.start = start
		}
		s.letters = append(s.letters, byte(unicode.ToLower(r)))
		s.end = end
		return Match{}, false
	}
	m, ok := s.flush()
	if single {
		s.letters, s.start, s.end = append(s.letters, byte(unicode.ToLower(r))), start, end
	}
	return m, ok
}

// flush ends the spelled word and returns its match when it is listed.
func (s *spelling) flush() (Match, bool) {
	defer func() { s.letters = s.letters[:0] }()
	if len(s.letters) < 3 {
		return Match{}, false
	}
	if w := lookup(string(s.letters)); w != "" {
		return Match{Word: w, Start: s.start, End: s.end}, true
	}
	return Match{}, false
}

// nextToken returns the bytes of the next word of text at or after i: a
// run of letters and combining marks, with the digits and signs of
// leetspeak inside it ("sh1t", "$hit", "f*ck"), without the stars and
// exclamation marks around it ("*shit!*"); -1 when there is none.
func nextToken(text string, i int) (start, end int) {
	for i < len(text) {
		start, letters := -1, 0
		j := i
		for j < len(text) {
			c := text[j]
			if c < utf8.RuneSelf { // ASCII without tables
				switch {
				case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
					letters++
				case c == '*' || leetByte[c]:
				default:
					goto done
				}
				if start < 0 {
					start = j
				}
				j++
				continue
			}
			r, n := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
				break
			}
			if start < 0 {
				start = j
			}
			if unicode.IsLetter(r) {
				letters++
			}
			j += n
		}
	done:
		if start < 0 {
			_, n := utf8.DecodeRuneInString(text[j:])
			i = j + n
			continue
		}
		if letters > 0 {
			for start < j && (text[start] == '*' || text[start] == '!') {
				start++
			}
			for j > start && (text[j-1] == '*' || text[j-1] == '!') {
				j--
			}
			return start, j
		}
		i = j
	}
	return -1, len(text)
}

// lowerForm appends tok's first maxToken runes in lower case, accents and
// combining marks dropped, look-alike letters of other scripts and
// leetspeak read as the Latin letters they stand for. It reports false for
// a word of fewer than two real letters that leans on leetspeak ("A55" is
// a phone, not "ass").
func lowerForm(dst []byte, tok string) ([]byte, bool) {
	if ascii(tok) {
		letters, leeted := 0, false
		for i := 0; i < len(tok) && i < maxToken; i++ {
			c := tok[i]
			switch {
			case 'a' <= c && c <= 'z':
				letters++
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
				letters++
			default:
				if to, ok := leet[rune(c)]; ok {
					c, leeted = byte(to), true
				}
			}
			dst = append(dst, c)
		}
		return dst, !leeted || letters >= 2
	}
	letters, leeted, n := 0, false, 0
	for _, r := range lexicon.FoldAccents(tok) {
		if n++; n > maxToken {
			break
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if to, ok := confusables[r]; ok {
			r = to
		}
		if unicode.IsLetter(r) {
			letters++
		} else if to, ok := leet[r]; ok {
			r, leeted = to, true
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst, !leeted || letters >= 2
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lookupForms is lookup of a word, then of the word with its stretched
// letters cut back ("fuuuck", "shittt") and with its stars dropped
// ("F**uck" of "**F**uck").
func lookupForms(low []byte) string {
	w := string(low)
	if innocentForms[w] {
		return ""
	}
	if m := lookup(w); m != "" {
		return m
	}
	if c1, c2, ok := collapse(w); ok {
		if m := lookup(c1); m != "" {
			return m
		}
		if m := lookup(c2); m != "" {
			return m
		}
	}
	if strings.Contains(w, "*") {
		if plain := strings.ReplaceAll(w, "*", ""); len(plain) >= 3 {
			return lookup(plain)
		}
	}
	return ""
}

// stretched reports whether low has a run of three or more of one letter.
func stretched(low []byte) bool {
	for i := 2; i < len(low); i++ {
		if low[i] == low[i-1] && low[i] == low[i-2] {
			return true
		}
	}
	return false
}

// collapse cuts every run of three or more of one letter to one (c1) and
// to two (c2); ok is false when w has no such run.
func collapse(w string) (c1, c2 string, ok bool) {
	var b1, b2 strings.Builder
	for i := 0; i < len(w); {
		j := i
		for j < len(w) && w[j] == w[i] {
			j++
		}
		if j-i >= 3 {
			ok = true
		}
		b1.WriteByte(w[i])
		b2.WriteString(w[i:min(j, i+2)])
		i = j
	}
	return b1.String(), b2.String(), ok
}

// lookup returns the listed word that w, a lower-case word, is a form of,
// or "".
func lookup(w string) string {
	for _, s := range suffixes {
		base, ok := strings.CutSuffix(w, s)
		if !ok || len(base) < 3 {
			continue
		}
		if words[base] {
			if (s == "ing" || s == "ed") && cvc(base) {
				continue // its forms double the consonant: "shiting" is a name
			}
			return base
		}
		// "crappy", "shitty", "shitting": a doubled last letter before the
		// ending (not "Cummings").
		if n := len(base); (s == "y" || s == "ier" || s == "iest" || s == "ing" || s == "ed") && base[n-1] == base[n-2] && words[base[:n-1]] {
			return base[:n-1]
		}
		if n := strings.Count(base, "*"); n > 0 && n <= 3 { // more stars are noise, and cost
			if m := wildcard(base, sortedWords, false); m != "" {
				return m
			}
		}
	}
	for _, s := range stems {
		if strings.HasPrefix(w, s) || strings.HasPrefix(w, "mother"+s) {
			return s
		}
	}
	if strings.Contains(w, "fuck") { // no word holds it innocently: "unfuckingbelievable"
		return "fuck"
	}
	if strings.Contains(w, "*") {
		if m := wildcard(w, stems, true); m != "" {
			return m
		}
	}
	return compound(w)
}

// cvc reports whether w ends in a consonant, a vowel and a consonant
// (not w, x or y), so that its -ing and -ed forms double the last letter.
func cvc(w string) bool {
	n := len(w)
	if n < 3 {
		return false
	}
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	a, b, c := w[n-3], w[n-2], w[n-1]
	return !vowel(a) && vowel(b) && !vowel(c) && strings.IndexByte("wxy", c) < 0
}

// compound returns the strong word of w made of it and an English word,
// either way round ("bullshit", "shitshow"), or "".
func compound(w string) string {
	for _, c := range compounds {
		k := strings.Index(w, c)
		if k < 0 {
			continue
		}
		before, after := w[:k], w[k+len(c):]
		if k >= 3 && lexicon.IsWord(before) && slices.Contains(suffixes, after) {
			return c
		}
		if k == 0 && len(after) >= 4 && leading[c] && lexicon.IsWord(after) { // not "Shitole"
			return c
		}
	}
	return ""
}

// wildcard matches a word with stars for letters ("f*ck", "sh**") against
// list, whole or, with prefix, as its start ("f*cking"); at least two
// letters must be written, the first among them.
func wildcard(w string, list []string, prefix bool) string {
	if strings.HasPrefix(w, "*") {
		return ""
	}
	for _, c := range list {
		p := w
		if prefix && len(p) > len(c) {
			p = p[:len(c)]
		}
		if len(c) == len(p) && strings.Count(p, "*") <= len(p)-2 && starMatch(p, c) {
			return c
		}
	}
	return ""
}

func starMatch(pattern, w string) bool {
	for i := 0; i < len(w); i++ {
		if pattern[i] != '*' && pattern[i] != w[i] {
			return false
		}
	}
	return true
}

// unconfuse reads look-alike letters of other scripts (confusables) as the
// Latin letters they look like, in the words of text that mix them with
// Latin letters; a word wholly in another script stays.
func unconfuse(text string) string {
	if ascii(text) {
		return text
	}
	mixed := false
	for _, r := range text {
		if _, ok := confusables[r]; ok {
			mixed = true
			break
		}
	}
	if !mixed {
		return text
	}
	var b strings.Builder
	for _, w := range strings.SplitAfter(text, " ") {
		latin, other := false, false
		for _, r := range w {
			if _, ok := confusables[r]; ok {
				other = true
			} else if r < utf8.RuneSelf && unicode.IsLetter(r) {
				latin = true
			}
		}
		if !latin || !other {
			b.WriteString(w)
			continue
		}
		for _, r := range w {
			if to, ok := confusables[r]; ok {
				r = to
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
