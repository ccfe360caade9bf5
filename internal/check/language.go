package check

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"

	"github.com/biogen/biogen/internal/bio"
)

// The language check reads an answer's own words, not the profile's: the
// profile's values (names, a company, skills, whole sentences of a summary
// copied as they are) are masked first, since names mislead a detector
// and a profile in English copied into a German bio is no English of the
// model's. What remains is weighed by script, then, within a script that
// several checked languages share (Latin, Cyrillic, Arabic, Devanagari),
// by github.com/abadojack/whatlanggo's trigram profiles, restricted to the
// checked languages of that script (bio.Languages).
//
// A mismatch rejects the answer only when it is sure: enough letters, the
// asked language's script all but absent, or whatlanggo reliable about the
// language it found against the asked one alone. A lean that is not sure
// passes, flagged needs_review (ReasonLanguageUnsure).

// Reasons of the language check's flags.
const (
	// ReasonLanguageUnsure: the answer may not be in the asked language.
	ReasonLanguageUnsure = bio.FlagNeedsReview + ":language_unsure"
	// ReasonLanguageUnchecked: the asked language is none the check reads.
	ReasonLanguageUnchecked = bio.FlagNeedsReview + ":unchecked_language"
)

// ProblemLanguage: the answer is in another language than the one asked.
const ProblemLanguage Problem = "wrong_language"

// script is a writing system, as the language check counts letters.
type script uint8

const (
	scriptOther script = iota
	scriptLatin
	scriptCyrillic
	scriptGreek
	scriptArabic
	scriptHebrew
	scriptDevanagari
	scriptBengali
	scriptTamil
	scriptTelugu
	scriptGeorgian
	scriptHan
	scriptKana
	scriptHangul
	scriptThai
	scriptLao
	scriptKhmer
	scriptMyanmar
	nScripts
)

// scriptTables are the Unicode tables of the scripts; kana is Hiragana
// and Katakana, read apart below.
var scriptTables = [nScripts]*unicode.RangeTable{
	scriptLatin: unicode.Latin, scriptCyrillic: unicode.Cyrillic, scriptGreek: unicode.Greek,
	scriptArabic: unicode.Arabic, scriptHebrew: unicode.Hebrew, scriptDevanagari: unicode.Devanagari,
	scriptBengali: unicode.Bengali, scriptTamil: unicode.Tamil, scriptTelugu: unicode.Telugu,
	scriptGeorgian: unicode.Georgian, scriptHan: unicode.Han, scriptKana: unicode.Hiragana,
	scriptHangul: unicode.Hangul, scriptThai: unicode.Thai, scriptLao: unicode.Lao, scriptKhmer: unicode.Khmer,
	scriptMyanmar: unicode.Myanmar,
}

// scriptWeight is what one letter of a script weighs against the others:
// a Chinese or Japanese character, or a Thai letter, carries about what a
// word of three Latin letters does; a Hangul block two.
var scriptWeight = [nScripts]int{scriptHan: 3, scriptKana: 3, scriptThai: 3, scriptLao: 3, scriptKhmer: 3, scriptMyanmar: 3,
	scriptHangul: 2}

func weight(s script) int {
	if w := scriptWeight[s]; w > 0 {
		return w
	}
	return 1
}

// scriptOf returns the script of the letter r, or scriptOther.
func scriptOf(r rune) script {
	if r < utf8.RuneSelf {
		if 'a' <= r|0x20 && r|0x20 <= 'z' {
			return scriptLatin
		}
		return scriptOther
	}
	if !unicode.IsLetter(r) {
		return scriptOther
	}
	for s := scriptLatin; s < nScripts; s++ {
		if unicode.Is(scriptTables[s], r) || s == scriptKana && unicode.Is(unicode.Katakana, r) {
			return s
		}
	}
	return scriptOther
}

// detector is how the check tells one checked language.
type detector struct {
	lang bio.Language
	wl   whatlanggo.Lang
	// scripts are the scripts the language is written in, its own first.
	scripts []script
	// alike, if not -1, is a language whatlanggo reads the language as in
	// a script it has no profile of it for: Serbian in Latin letters reads
	// as Croatian.
	alike whatlanggo.Lang
}

// trigramScripts are the scripts several checked languages share, told
// apart by whatlanggo's trigrams; in every other script the script names
// the language (Japanese apart from Chinese by its kana).
var trigramScripts = map[script]bool{scriptLatin: true, scriptCyrillic: true, scriptArabic: true, scriptDevanagari: true}

// detectorSpecs are each checked language's whatlanggo language and
// scripts.
var detectorSpecs = map[string]struct {
	wl      whatlanggo.Lang
	scripts []script
}{
	"en": {whatlanggo.Eng, nil}, "de": {whatlanggo.Deu, nil}, "fr": {whatlanggo.Fra, nil}, "es": {whatlanggo.Spa, nil},
	"it": {whatlanggo.Ita, nil}, "pt": {whatlanggo.Por, nil}, "nl": {whatlanggo.Nld, nil}, "sv": {whatlanggo.Swe, nil},
	"da": {whatlanggo.Dan, nil}, "nb": {whatlanggo.Nob, nil}, "nn": {whatlanggo.Nno, nil}, "fi": {whatlanggo.Fin, nil},
	"pl": {whatlanggo.Pol, nil}, "cs": {whatlanggo.Ces, nil}, "ro": {whatlanggo.Ron, nil}, "hu": {whatlanggo.Hun, nil},
	"tr": {whatlanggo.Tur, nil}, "hr": {whatlanggo.Hrv, nil}, "sl": {whatlanggo.Slv, nil}, "et": {whatlanggo.Est, nil},
	"lv": {whatlanggo.Lav, nil}, "lt": {whatlanggo.Lit, nil}, "id": {whatlanggo.Ind, nil}, "vi": {whatlanggo.Vie, nil},
	"ru": {whatlanggo.Rus, []script{scriptCyrillic}}, "uk": {whatlanggo.Ukr, []script{scriptCyrillic}},
	"bg": {whatlanggo.Bul, []script{scriptCyrillic}}, "mk": {whatlanggo.Mkd, []script{scriptCyrillic}},
	"sr": {whatlanggo.Srp, []script{scriptCyrillic, scriptLatin}},
	"el": {whatlanggo.Ell, []script{scriptGreek}}, "he": {whatlanggo.Heb, []script{scriptHebrew}},
	"ar": {whatlanggo.Arb, []script{scriptArabic}}, "fa": {whatlanggo.Pes, []script{scriptArabic}},
	"ur": {whatlanggo.Urd, []script{scriptArabic}}, "ka": {whatlanggo.Kat, []script{scriptGeorgian}},
	"hi": {whatlanggo.Hin, []script{scriptDevanagari}}, "mr": {whatlanggo.Mar, []script{scriptDevanagari}},
	"ne": {whatlanggo.Nep, []script{scriptDevanagari}}, "bn": {whatlanggo.Ben, []script{scriptBengali}},
	"ta": {whatlanggo.Tam, []script{scriptTamil}}, "te": {whatlanggo.Tel, []script{scriptTelugu}},
	"zh": {whatlanggo.Cmn, []script{scriptHan, scriptKana}}, "ja": {whatlanggo.Jpn, []script{scriptKana, scriptHan}},
	"ko": {whatlanggo.Kor, []script{scriptHangul, scriptHan}}, "th": {whatlanggo.Tha, []script{scriptThai}},
}

var (
	// detectors are the checked languages' detectors by code.
	detectors = map[string]*detector{}
	// byWhatlang names the language whatlanggo found.
	byWhatlang = map[whatlanggo.Lang]*detector{}
	// whitelists are the checked languages of each trigram script.
	whitelists = map[script]map[whatlanggo.Lang]bool{}
)

func init() {
	for _, l := range bio.Languages() {
		spec, ok := detectorSpecs[l.Code]
		if !ok {
			panic("check: no detector for the checked language " + l.Code)
		}
		d := &detector{lang: l, wl: spec.wl, scripts: spec.scripts, alike: -1}
		if d.scripts == nil {
			d.scripts = []script{scriptLatin}
		}
		if l.Code == "sr" {
			d.alike = whatlanggo.Hrv
		}
		detectors[l.Code] = d
		byWhatlang[d.wl] = d
		if s := d.scripts[0]; trigramScripts[s] {
			if whitelists[s] == nil {
				whitelists[s] = map[whatlanggo.Lang]bool{}
			}
			whitelists[s][d.wl] = true
		}
	}
}

// The evidence the check needs before it decides.
const (
	// minEvidence is the weighed letters (scriptWeight) of the answer's own
	// words below which its language is not judged: a dozen words.
	minEvidence = 60
	// minLetters is the letters of a trigram script below which whatlanggo
	// is not trusted to reject.
	minLetters = 100
	// maxSample bounds the bytes whatlanggo reads of a text (a half, for
	// a long one), its start and its end, so that its cost (a map entry
	// per trigram) stays bounded.
	maxSample = 800
	// foreignScript: below this share of its weight in the asked
	// language's scripts, an answer is in another script; below
	// mixedScript, it is too mixed to judge.
	foreignScript = 0.2
	mixedScript   = 0.4
	// leaning is the confidence, against the asked language alone, below
	// which whatlanggo's choice of another language is no doubt at all:
	// close languages (Bokmal, Danish) and short English both read so.
	leaning = 0.5
)

// langVerdict is what the language check concludes.
type langVerdict uint8

const (
	languageOK langVerdict = iota
	languageUnsure
	languageWrong
	languagePart // a half of the text is in another language
)

// language checks that the text is written in the language asked: it
// returns the *Error of a sure mismatch, and flags a doubt.
func (v *verification) language() error {
	d, ok := detectors[checkedCode(v.o.Language)]
	if !ok {
		v.flag(ReasonLanguageUnchecked)
		return nil
	}
	// The folded text: full-width letters and words split by zero-width
	// characters read as they look.
	text := maskForLanguage(strings.ToLower(v.folded), v.p)
	got, found := detectLanguage(text, d)
	if got < languageWrong && d.lang.Code != "en" {
		// Sentences alternating with English ones: each half of the
		// text reads as the language asked.
		switch share := englishShare(text); {
		case share >= englishPart:
			got, found = languagePart, detectors["en"]
		case share >= englishDoubt:
			got = languageUnsure
		}
	}
	switch got {
	case languageUnsure:
		v.flag(ReasonLanguageUnsure)
	case languageWrong, languagePart:
		return wrongLanguage(d, found, got == languagePart)
	}
	return nil
}

// checkedCode returns the code of the checked language of tag, or "".
func checkedCode(tag string) string {
	l, _ := bio.CheckedLanguage(tag)
	return l.Code
}

// wrongLanguage is the rejection of an answer, or part of one, in found
// (nil: not known) to a request for want.
func wrongLanguage(want, found *detector, part bool) *Error {
	detail := "it was not written in " + want.lang.Name
	switch {
	case part && found != nil:
		detail = "part of it was written in " + found.lang.Name + ", not in " + want.lang.Name
	case part:
		detail = "part of it was not written in " + want.lang.Name
	case found != nil:
		detail = "it was written in " + found.lang.Name + ", not in " + want.lang.Name
	}
	// The detail is the correction's reason (Error.Correction): it names
	// the language to write in, by name and by tag.
	return &Error{ProblemLanguage, detail + `; write every sentence in ` + want.lang.Name + ` (BCP 47 "` + want.lang.Code + `")`}
}

// detectLanguage judges whether text, lower case with the profile's
// values masked, is in want's language, and names the language found
// when it is not (nil when only its script is known). A text with the
// letters for it is judged by halves, so that a model that drifts into
// another language half way is found out: the whole would still read as
// the language asked.
func detectLanguage(text string, want *detector) (langVerdict, *detector) {
	letters, total := countScripts(text)
	if total < 2*minLetters {
		return judge(text, want, &letters, total)
	}
	head, tail := halves(text)
	l1, t1 := countScripts(head)
	l2 := letters
	for s := range l2 {
		l2[s] -= l1[s]
	}
	v1, f1 := judge(head, want, &l1, t1)
	v2, f2 := judge(tail, want, &l2, total-t1)
	switch {
	case v1 == languageWrong && v2 == languageWrong:
		return languageWrong, cmp.Or(f1, f2)
	case v1 == languageWrong || v2 == languageWrong:
		return languagePart, cmp.Or(f1, f2)
	case v1 == languageOK && v2 == languageOK:
		return languageOK, nil
	}
	return languageUnsure, nil
}

// countScripts counts the letters of text by script, and their weight.
func countScripts(text string) (letters [nScripts]int, total int) {
	for _, r := range text {
		if s := scriptOf(r); s != scriptOther {
			letters[s]++
			total += weight(s)
		}
	}
	return letters, total
}

// judge is detectLanguage on a text whose letters by script and their
// weight (total) are counted.
func judge(text string, want *detector, letters *[nScripts]int, total int) (langVerdict, *detector) {
	if total == 0 {
		return tooLittle(want), nil
	}
	own, best := 0, want.scripts[0]
	for _, s := range want.scripts {
		own += letters[s] * weight(s)
		if letters[s] > letters[best] {
			best = s
		}
	}
	switch share := float64(own) / float64(total); {
	case share < mixedScript && total < minEvidence:
		return tooLittle(want), nil
	case share < foreignScript:
		return languageWrong, scriptLanguage(text, letters)
	case share < mixedScript:
		return languageUnsure, nil
	}
	switch want.lang.Code {
	case "ja", "zh":
		return kanaOrNot(want, letters)
	}
	if !trigramScripts[best] {
		return languageOK, nil // the script names the language
	}
	if want.wl == whatlanggo.Eng && plainEnglish(text) {
		return languageOK, nil
	}
	return trigrams(sampleOf(text, best, letters[best]*weight(best) < total), want, best, letters[best])
}

// englishWords are English function words that are no everyday word of
// another checked language written in Latin letters: not "is" and "of"
// (Dutch), "was", "an" and "also" (German), "for" and "her" (Danish,
// Norwegian, Swedish), "a", "on", "to", "he" or "are".
var englishWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and with she his from which who whom whose their they them been have has had
		into this that these those where while its were would could should through about across within during`) {
		englishWords[w] = true
	}
}

// plainEnglish reports whether a tenth of the words of text, in lower
// case, twelve at least, are englishWords: English, as sure as whatlanggo
// would be, at a fraction of its cost (a map entry for each trigram). Most
// answers are English ones to English requests; this spares them
// whatlanggo.
func plainEnglish(text string) bool {
	words, english := 0, 0
	for w := range strings.FieldsFuncSeq(text, notLetter) {
		words++
		if len(w) <= 7 && englishWords[w] {
			english++
		}
	}
	return words >= 12 && english*10 >= words
}

// halves cuts text in two near its middle, at a space when there is one
// close by.
func halves(text string) (string, string) {
	mid := len(text) / 2
	for mid > 0 && !utf8.RuneStart(text[mid]) {
		mid--
	}
	if i := strings.LastIndexByte(text[:mid], ' '); i > 0 && mid-i < 40 {
		mid = i
	}
	return text[:mid], text[mid:]
}

// countLetters counts the letters of script s in text.
func countLetters(text string, s script) int {
	n := 0
	for _, r := range text {
		if scriptOf(r) == s {
			n++
		}
	}
	return n
}

// trigrams judges a sample of n letters in script s, one of the
// trigramScripts, by whatlanggo: in want's language, or in another
// language found to beat want's alone reliably, with minLetters letters
// at least. A lean to another language that is not reliable is a doubt;
// one whatlanggo can hardly tell from want's (Bokmal and Danish, or a few
// English words that read as French) is none.
func trigrams(sample string, want *detector, s script, n int) (langVerdict, *detector) {
	info := whatlanggo.DetectWithOptions(sample, whatlanggo.Options{Whitelist: whitelists[s]})
	rival := want.wl
	if s != want.scripts[0] {
		rival = want.alike // Serbian in Latin letters: Croatian
	}
	if info.Lang == want.wl || info.Lang == rival {
		return languageOK, nil
	}
	found := byWhatlang[info.Lang]
	if found == nil || n < minLetters {
		return tooLittle(want), nil
	}
	// The first reading's confidence is against its runner-up, which may
	// be a third language: read again against the asked one alone.
	pair := whatlanggo.DetectWithOptions(sample, whatlanggo.Options{Whitelist: map[whatlanggo.Lang]bool{info.Lang: true, rival: true}})
	switch {
	case pair.Lang != info.Lang || pair.Confidence < leaning:
		return languageOK, nil
	case pair.IsReliable():
		return languageWrong, found
	}
	return languageUnsure, nil
}

// tooLittle is the verdict on a text with too few words of its own to
// judge, a short list of the profile's values: for English, the
// language of the prompt and of most profiles, no doubt; for another
// language a doubt, since the profile's values are most often in English
// and the words around them are few.
func tooLittle(want *detector) langVerdict {
	if want.lang.Code == "en" {
		return languageOK
	}
	return languageUnsure
}

// kanaOrNot tells Japanese from Chinese in a text written mostly in their
// scripts: Japanese writes its grammar in kana, Chinese has none.
func kanaOrNot(want *detector, letters *[nScripts]int) (langVerdict, *detector) {
	han, kana := letters[scriptHan], letters[scriptKana]
	japanese := kana >= 5 && kana*10 >= han+kana
	switch {
	case japanese == (want.lang.Code == "ja"):
		return languageOK, nil
	case want.lang.Code == "ja" && kana == 0 && han >= minEvidence/3:
		return languageWrong, detectors["zh"]
	case want.lang.Code == "zh" && japanese:
		return languageWrong, detectors["ja"]
	}
	return languageUnsure, nil
}

// scriptLanguage names the language of a text written mostly in a script
// other than the asked one's, when the script or whatlanggo, sure of it,
// does; else nil.
func scriptLanguage(text string, letters *[nScripts]int) *detector {
	top := scriptLatin
	for s := scriptLatin; s < nScripts; s++ {
		if letters[s]*weight(s) > letters[top]*weight(top) {
			top = s
		}
	}
	switch top {
	case scriptHan, scriptKana:
		if letters[scriptKana] > 0 {
			return detectors["ja"]
		}
		return detectors["zh"]
	}
	if !trigramScripts[top] {
		for _, d := range detectors {
			if d.scripts[0] == top {
				return d
			}
		}
		return nil
	}
	info := whatlanggo.DetectWithOptions(sampleOf(text, top, true), whatlanggo.Options{Whitelist: whitelists[top]})
	if !info.IsReliable() {
		return nil
	}
	return byWhatlang[info.Lang]
}

// sampleOf returns what whatlanggo reads of text: with only the letters of
// script s when mixed, others blanked (whatlanggo reads a text in the
// script most of its characters are in), and at most maxSample bytes, the
// start and the end, cut at spaces.
func sampleOf(text string, s script, mixed bool) string {
	if mixed {
		text = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) && scriptOf(r) != s {
				return ' '
			}
			return r
		}, text)
	}
	if len(text) <= maxSample {
		return text
	}
	head, tail := text[:maxSample/2], text[len(text)-maxSample/2:]
	if i := strings.LastIndexByte(head, ' '); i > 0 {
		head = head[:i]
	}
	if i := strings.IndexByte(tail, ' '); i >= 0 {
		tail = tail[i:]
	}
	return head + " " + tail
}

// blankWord replaces each occurrence of w in text that is a whole word,
// with a space: one that letters or digits of a script written with
// spaces do not continue (a skill "Go" is not the go of "Google"; a
// value in Chinese characters, or a Latin one beside them, "Okafor是", is
// a word wherever it stands).
func blankWord(text, w string) string { return replaceWhole(text, w, " ", spacedRune) }

// spacedRune reports whether r is a letter or digit of a script written
// with spaces between words.
func spacedRune(r rune) bool {
	return wordRune(r) && (r < utf8.RuneSelf || scriptWeight[scriptOf(r)] != 3)
}

// maskForLanguage returns lower, a text in lower case, with the profile's
// values blanked (blankWord): each value where the text writes it whole (a
// label, or a sentence of a free text, as a model copies it), and each
// word of the name alone.
func maskForLanguage(lower string, p *bio.Profile) string {
	mask := func(v string) {
		if len(v) < 2 {
			return
		}
		v = strings.ToLower(v)
		if !strings.Contains(lower, v) {
			return
		}
		lower = blankWord(lower, v)
	}
	p.EachText(func(f bio.TextField, s *string) {
		switch {
		case *s == "":
		case f.Kind == bio.TextFree:
			mask(*s)
			for sentence := range strings.FieldsFuncSeq(*s, func(r rune) bool { return r == '.' || r == ';' || r == '\n' }) {
				if strings.Count(strings.TrimSpace(sentence), " ") >= 2 {
					mask(strings.TrimSpace(sentence))
				}
			}
		case f.Kind == bio.TextName:
			mask(*s)
			for _, w := range strings.FieldsFunc(*s, func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
				mask(w)
			}
		default:
			mask(*s)
		}
	})
	return lower
}

// Shares of a text's letters in plainly English sentences past which an
// answer in another language is partly English: a doubt, then a rejection.
// One English motto or title in a bio is below the doubt.
const (
	englishDoubt = 0.15
	englishPart  = 0.34
)

// englishShare returns the share of the letters of text, lower case, that
// are in plainly English sentences: five words or more, of which two and
// a quarter at least are englishWords. It is what an answer in another
// language that alternates with English sentence by sentence shows,
// whose halves each read as the language asked. It costs a scan of the
// words, no whatlanggo.
func englishShare(text string) float64 {
	_, total := countScripts(text)
	if total == 0 {
		return 0
	}
	english := 0
	for s := range strings.FieldsFuncSeq(text, endsSentence) {
		words, hits := 0, 0
		for w := range strings.FieldsFuncSeq(s, notLetter) {
			words++
			if len(w) <= 7 && englishWords[w] {
				hits++
			}
		}
		if words >= 5 && hits >= 2 && hits*4 >= words {
			_, n := countScripts(s)
			english += n
		}
	}
	return float64(english) / float64(total)
}

// endsSentence reports whether r ends a sentence (or a line).
func endsSentence(r rune) bool {
	switch r {
	case '.', '!', '?', ';', '\n', '。', '！', '？', '؟', '।':
		return true
	}
	return false
}
