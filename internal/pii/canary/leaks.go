package canary

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Leaks returns what of c's identifiers and phone numbers is in sent (a
// request body that left the premises, or any text). The JSON string
// escapes of sent are decoded first, twice over (the profile travels as
// JSON inside a JSON string), and so are percent-encoding and HTML
// character references. Both sent and each identifier are normalised:
// NFKC, invisible characters and enclosing marks removed, every dash a
// hyphen and every apostrophe "'", in lower case, look-alike letters of
// other scripts read as Latin ones (lookAlikes), regional indicators and
// Braille as the letters they stand for, digits of any script as ASCII
// ones; and again with diacritics removed. An identifier written in short
// pieces ("O K A F O R", "Ok af or") or in the spelling alphabet ("zulu
// bravo kilo") is found too.
//
// An identifier of three letters or digits or more leaks when it is
// inside any word of sent ("OkaforTech", "okafor83", "Kowalczyka"), but
// for the English words of commonWords that hold one by chance ("this"
// holds "thi"); a shorter one when it is a whole word (not next to a
// letter, mark or digit of a script written with spaces); one of a
// script written without spaces, anywhere. A phone number leaks when its
// digits are among the digits of one of sent's texts, digits of any script
// and spelled ones ("four one five") read as ASCII ones, and a letter O
// among digits as a zero.
func (c *Case) Leaks(sent string) []string {
	texts := decodedTexts(sent)
	var all strings.Builder
	for _, t := range texts {
		all.WriteString(t)
		all.WriteByte('\n')
	}
	// A JSON escape ("\\nThis") is no part of the word after it.
	text := normalise(jsonEscapeRE.ReplaceAllString(all.String(), " "))
	variants := []string{text, stripMarks(text), spellOut(text)}
	runs := append(shortRuns(text), shortRuns(stripMarks(text))...)
	var out []string
	for _, id := range c.Identifiers {
		n := normalise(id)
		if n == "" {
			continue
		}
		found := spelledIn(runs, n) || spelledIn(runs, stripMarks(n))
		for _, v := range variants {
			found = found || hasIdentifier(v, n) || hasIdentifier(v, stripMarks(n))
		}
		if found {
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
// and each of these with its \\u escapes, percent-encoding and HTML
// character references decoded.
func decodedTexts(sent string) []string {
	texts := withEscapesDecoded(append([]string{sent}, jsonTexts(sent)...))
	for i, n := 0, len(texts); i < n; i++ {
		if strings.Contains(texts[i], "%") {
			texts = append(texts, percentRE.ReplaceAllStringFunc(texts[i], func(e string) string {
				if s, err := url.PathUnescape(e); err == nil {
					return s
				}
				return e
			}))
		}
		if strings.Contains(texts[i], "&") {
			texts = append(texts, html.UnescapeString(texts[i]))
		}
		if bracketedRE.MatchString(texts[i]) || strings.Contains(texts[i], "\\") {
			t := bracketedRE.ReplaceAllStringFunc(texts[i], func(e string) string {
				if strings.ContainsAny(e, "@aA") {
					return "@"
				}
				return "."
			})
			texts = append(texts, backslashRE.ReplaceAllString(t, "/$1"))
		}
	}
	return texts
}

// bracketedRE finds a dot or an "@" written in brackets: "[.]", "(dot)",
// "<at>".
// backslashRE finds a backslash written for a slash ("linkedin.com\\in\\"),
// not one of a JSON escape.
var backslashRE = regexp.MustCompile(`\\([^nrtbfu"\\/])`)

var bracketedRE = regexp.MustCompile(`(?i)\s*[\[({<]\s*(?:\.|@|dot|at)\s*[\])}>]\s*`)

var jsonEscapeRE = regexp.MustCompile(`\\[nrtbf"\\/]`)

var percentRE = regexp.MustCompile(`(?:%[0-9A-Fa-f]{2})+`)

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

// normalise is NFKC without invisible characters and enclosing marks,
// with one hyphen and one apostrophe, in lower case, look-alike letters
// as Latin ones and digits as ASCII ones.
func normalise(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || unicode.Is(unicode.Me, r):
			return -1
		case unicode.Is(unicode.Pd, r) || r == '\u2212':
			return '-'
		case r == '\u2019' || r == '\u2018' || r == '\u02BC' || r == '`' || r == '\u00B4':
			return '\''
		}
		if l, ok := lookAlikes[r]; ok {
			return l
		}
		if r >= 0x1F1E6 && r <= 0x1F1FF { // regional indicators: "🇿🇧🇰"
			return 'a' + r - 0x1F1E6
		}
		if l, ok := braille[r]; ok {
			return l
		}
		if d := digit(r); d >= 0 {
			return '0' + rune(d)
		}
		return unicode.ToLower(r)
	}, s)
}

// lookAlikes are letters of other scripts that print as Latin ones.
var lookAlikes = map[rune]rune{}

func init() {
	// Pairs of a look-alike and its Latin letter: Cyrillic, Greek, small
	// capitals, Armenian.
	for _, p := range strings.Fields(`аa Аa вb Вb сc Сc ԁd еe Еe ёe Ёe һh Һh Нh нh іi Іi їi Їi јj Јj кk Кk ӏl Ӏl
		мm Мm оo Оo рp Рp ԛq Ԛq ѕs Ѕs тt Тt уy Уy үy Үy ԝw Ԝw хx Хx ьb Ьb пn гr ԍg Ԍg
		αa Αa βb Βb ϲc Ϲc εe Εe Ζz ηn Ηh ιi Ιi ϳj Ϳj κk Κk Μm νv Νn οo Οo ρp Ρp τt Τt υu Υy χx Χx γy ωw ςs
		ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ǫq ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz ɑa ɡg ɩi ıi ȷj ſs
		օo սu հh ոn`) {
		r := []rune(p)
		lookAlikes[r[0]] = r[1]
	}
}

// digit returns the value of r if it is a decimal digit of any script:
// its distance from the start of its run of digits (every run of Unicode's
// decimal digits counts from zero in tens), modulo ten; else -1.
func digit(r rune) int {
	if !unicode.IsDigit(r) {
		return -1
	}
	start := r
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10
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

// shortRuns returns the runs of two or more short words (of one to three
// letters or digits) apart by one space, dot or dash in text: "o k a f o
// r", "ok af or", "ad a".
func shortRuns(text string) [][]string {
	rs := []rune(text)
	// wordEnd returns the end of the short word starting at i, or -1.
	wordEnd := func(i int) int {
		if i >= len(rs) || !isWordRune(rs[i]) || unspaced(rs[i]) || i > 0 && isWordRune(rs[i-1]) {
			return -1
		}
		j := i
		for j < len(rs) && isWordRune(rs[j]) && !unspaced(rs[j]) {
			j++
		}
		if j-i > 3 {
			return -1
		}
		return j
	}
	var runs [][]string
	for i := 0; i < len(rs); i++ {
		end := wordEnd(i)
		if end < 0 {
			continue
		}
		run := []string{string(rs[i:end])}
		for end+1 < len(rs) && strings.ContainsRune(" .-", rs[end]) {
			next := wordEnd(end + 1)
			if next < 0 {
				break
			}
			run = append(run, string(rs[end+1:next]))
			end = next
		}
		if len(run) >= 2 {
			runs = append(runs, run)
		}
		i = end
	}
	return runs
}

// spelledIn reports whether consecutive words of one of runs, joined, are
// id: the identifier spelled in pieces ("ok af or").
func spelledIn(runs [][]string, id string) bool {
	for _, run := range runs {
		for i := range run {
			joined := ""
			for j := i; j < len(run) && len(joined) < len(id); j++ {
				joined += run[j]
				if j > i && joined == id {
					return true
				}
			}
		}
	}
	return false
}

// spellOut returns text with each run of three or more words of the
// spelling alphabet or digit words written as the letters and digits they
// spell: "zulu bravo kilo eight eight" gives "zbk88".
func spellOut(text string) string {
	fields := strings.FieldsFunc(text, func(r rune) bool { return !isWordRune(r) })
	var b strings.Builder
	run := []string{}
	flush := func() {
		if len(run) >= 3 {
			for _, w := range run {
				if d, ok := digitWords[w]; ok {
					b.WriteRune(d)
				} else {
					b.WriteByte(w[0])
				}
			}
		} else {
			b.WriteString(strings.Join(run, " "))
		}
		b.WriteByte(' ')
		run = run[:0]
	}
	for _, f := range fields {
		if _, ok := digitWords[f]; ok || spelling[f] {
			run = append(run, f)
			continue
		}
		flush()
		b.WriteString(f + " ")
	}
	flush()
	return b.String()
}

// spelling are the words of the NATO spelling alphabet.
var spelling = map[string]bool{}

// braille are the Braille letters a to z.
var braille = map[rune]rune{}

func init() {
	for _, w := range strings.Fields(`alfa alpha bravo charlie delta echo foxtrot golf hotel india juliet juliett kilo
		lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey whisky xray yankee zulu`) {
		spelling[w] = true
	}
	for i, r := range "⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵" {
		braille[r] = 'a' + rune(i/3)
	}
}

// hasIdentifier reports whether id is in text: inside any word not in
// commonWords if it has three letters or digits or more, else as a whole
// word (with no letter, mark or digit of a script written with spaces on
// either side); anywhere if it is of a script written without spaces.
func hasIdentifier(text, id string) bool {
	first, _ := utf8.DecodeRuneInString(id)
	last, _ := utf8.DecodeLastRuneInString(id)
	anywhere := unspaced(first) && unspaced(last)
	long := utf8.RuneCountInString(id) >= 3
	joins := func(r rune) bool { return isWordRune(r) && !unspaced(r) }
	for from := 0; ; {
		i := strings.Index(text[from:], id)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(id)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		whole := !joins(before) && !joins(after)
		if anywhere || whole {
			return true
		}
		if long {
			ws, we := start, end
			for ws > 0 {
				r, size := utf8.DecodeLastRuneInString(text[:ws])
				if !joins(r) {
					break
				}
				ws -= size
			}
			for we < len(text) {
				r, size := utf8.DecodeRuneInString(text[we:])
				if !joins(r) {
					break
				}
				we += size
			}
			if !commonWords[text[ws:we]] {
				return true
			}
		}
		from = start + 1
	}
}

// commonWords are English words that hold an identifier of the corpus by
// chance ("this" holds "thi" of Nguyễn Thị Hương), in lower case: the
// words of the prompt and of the corpus's own text. TestCanaryCorpus
// fails with the word to add when a prompt or corpus word is missing here.
var commonWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`this within nothing something anything thing things think thinking
		third everything wei weight weights weird willing willingness grants granted granting granite
		billing billion billions bills billed`) {
		commonWords[w] = true
	}
}

// digitWords are the words a digit is spelled with.
var digitWords = map[string]rune{"zero": '0', "oh": '0', "one": '1', "two": '2', "three": '3', "four": '4',
	"five": '5', "six": '6', "seven": '7', "eight": '8', "nine": '9'}

// digitsOf returns the digits of s (normalised): its ASCII digits, a
// letter O beside a digit as a zero, and each spelled digit.
func digitsOf(s string) string {
	var b strings.Builder
	rs := []rune(s)
	isD := func(i int) bool { return i >= 0 && i < len(rs) && rs[i] >= '0' && rs[i] <= '9' }
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == 'o' && (isD(i-1) || isD(i+1)):
			b.WriteByte('0')
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && unicode.IsLetter(rs[j]) {
				j++
			}
			if d, ok := digitWords[string(rs[i:j])]; ok {
				b.WriteRune(d)
			}
			i = j - 1
		}
	}
	return b.String()
}
