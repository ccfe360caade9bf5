package bio

import (
	"bytes"
	"encoding/base64"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the phrases only an instruction to a model uses, and the
// forms a text may take to hide one: look-alike letters, spaced-out
// letters, rot13, hex, percent-encoding, base64, HTML entities.

// instructionMarkers are phrases that, anywhere in a text and as whole
// words, only an instruction to a model uses.
var instructionMarkers = []string{
	"previous instructions", "prior instructions", "above instructions", "earlier instructions",
	"preceding instructions", "original instructions", "initial instructions", "all instructions",
	"your instructions", "the instructions above", "instructions above", "new instructions:",
	"your new instructions", "updated instructions:", "hidden instructions", "secret instructions",
	"your system prompt", "the system prompt above", "your system message", "your prompt",
	"in developer mode", "enable developer mode", "enter developer mode", "activate developer mode",
	"developer mode enabled", "developer mode on", "developer mode activated", "dan mode", "do anything now",
	"ignore all", "ignore the above", "ignore everything", "ignore any", "disregard all",
	"disregard the above", "disregard everything", "disregard any", "forget everything", "forget all",
	"forget your instructions", "forget your rules", "forget your training", "forget your guidelines",
	"forget your prompt", "forget your programming", "forget the above", "forget what you",
	"end of profile", "end of the profile", "end of profile data", "begin instructions",
	"new task:", "note to the ai", "note to the assistant", "note to the model", "note to the writer",
	"note to the biographer", "to the ai writing", "to the model writing", "to whoever writes",
	"language model reading", "ai reading this", "model reading this", "jailbreak mode", "you are jailbroken",
	"you are now", "you're now", "from now on", "henceforth", "starting now",
	"your task is", "your task:", "your job is", "your role is", "your new task", "your new role",
	"your new job", "your new persona", "your output", "your response", "your answer", "your reply",
	"in your response", "in your answer", "in your output",
	// Other languages: "previous instructions", "ignore".
	"instructions précédentes", "instructions ci-dessus", "ignorez", "vorherigen anweisungen",
	"obigen anweisungen", "ignoriere", "instrucciones anteriores", "istruzioni precedenti",
	"instruções anteriores", "vorige instructies", "poprzednie instrukcje", "предыдущие инструкции",
	"忽略", "无视", "無視", "以前の指示", "之前的指令", "이전 지시",
}

// instructionTags are the tokens of chat templates and of biogen's own
// prompt: text holding one is trying to end the data and start a turn.
var instructionTags = []string{
	"[inst]", "[/inst]", "<|im_start|>", "<|im_end|>", "<|system|>", "<|user|>", "<|assistant|>",
	"<|endoftext|>", "<<sys>>", "<</sys>>", "<profile>", "</profile>", "<system>", "</system>",
	"<instructions>", "<|begin_of_text|>", "<|eot_id|>", "<start_of_turn>",
}

// clauseStarts are how an instruction may start a clause, after the
// courtesies, as words: "ignore…", "write a poem", "when writing the
// bio".
var clauseStarts = []string{
	"ignore ", "disregard ", "ignoring ", "disregarding ",
	"forget all", "forget everything", "forget your", "forget the above", "forget previous", "forget prior",
	"forget what", "forget about the", "forget about your",
	"do not follow", "don't follow", "dont follow", "no longer follow", "stop following", "stop being",
	"write a poem", "write a story", "write a song", "write a joke", "write a limerick", "write a negative",
	"write an insult", "write only", "write nothing",
	"print your", "print the system", "print the prompt", "print the instructions", "repeat your",
	"repeat the above", "repeat the text above", "repeat everything", "repeat the system",
	"reveal your", "reveal the system", "reveal the prompt", "reveal the instructions", "output your",
	"output the system", "output only", "only output", "show your instructions", "show me your",
	"respond only", "reply only", "answer only", "return only", "only respond", "only reply", "only answer",
	"respond with only", "reply with only", "answer with only",
	"when writing the", "when writing this", "when writing her", "when writing his",
	"when writing their", "when writing about", "when writing a bio", "when you write", "while writing the",
	"while writing this", "when generating", "when creating the bio", "when composing", "as you write",
	"in this bio", "in your bio",
}

// clauseStartWords and rolePlayWords are clauseStarts and rolePlay as
// words.
var clauseStartWords, rolePlayWords = asWords(clauseStarts, strings.Fields), asWords(rolePlay, func(s string) []string { return appendWords(nil, s) })

func asWords(phrases []string, split func(string) []string) [][]string {
	out := make([][]string, 0, len(phrases))
	for _, p := range phrases {
		out = append(out, split(p))
	}
	return out
}

// rolePlay are clauses that cast the model in a part; they count only in a
// text that also speaks to a model ("you", "AI", "assistant"): "Act as
// liaison between sales and engineering" is a duty, not an instruction.
var rolePlay = []string{"act as", "pretend you", "pretend to be", "pretend that", "roleplay", "role-play", "role play",
	"imagine you", "imagine that you", "play the role", "play a game", "let's play", "lets play", "simulate being",
	"simulate a", "behave as", "behave like", "override your", "override all", "override the previous",
	"override previous", "override the rules", "override the instructions", "override any", "jailbreak the",
	"jailbreak yourself", "jailbreak your", "stay in character", "in character"}

// modelWords are words by which a text speaks to a model.
var modelWords = []string{"you", "your", "you're", "ai", "assistant", "model", "chatbot", "bot", "gpt", "llm",
	"persona", "character", "dan", "unfiltered", "uncensored", "rules", "instructions", "prompt", "jailbroken"}

// roleWords, written as a speaker's label ("SYSTEM:", "###Instruction",
// "[assistant]"), start a turn of a chat.
var roleWords = []string{"system", "assistant", "user", "developer", "human", "instruction", "instructions", "prompt", "sys", "inst", "ai", "bot", "model"}

// squashedMarkers are read in a copy of the text with every character that
// is not a letter removed and digits read as the letters they stand for
// ("1gn0re", "i-g-n-o-r-e", "i g n o r e").
var squashedMarkers = []string{
	"ignoreallprevious", "ignorepreviousinstructions", "ignoreallinstructions", "ignoreyourinstructions",
	"ignoretheaboveinstructions", "ignoreallpriorinstructions", "disregardallprevious",
	"disregardpreviousinstructions", "forgetallprevious", "forgetpreviousinstructions",
	"forgetyourinstructions", "previousinstructions", "priorinstructions", "revealyoursystemprompt",
	"yoursystemprompt", "indevelopermode", "enabledevelopermode", "enterdevelopermode", "ignorepreviousrules",
	"ignoreallrules", "ignoreyourrules",
}

// foreignDirectives are the directive verbs of other languages, in the
// forms an instruction uses ("Mentionne…", "Indica…", "Napisz…"), and
// foreignComplements what follows them in one within a few words: a
// complementiser ("que", "dass", "że", "что") or a pronoun for the person.
var foreignDirectives, foreignComplements = wordSet(`
		mentionne mentionnez écris écrivez indique indiquez précise précisez dis dites souligne soulignez affirme
		affirmez notez ajoute ajoutez décris décrivez présente présentez signale signalez rappelle rappelez veille
		veillez insiste insistez décris-la décris-le décrivez-la décrivez-le présente-la présentez-la
		indica menciona mencione escribe escriba di diga afirma afirme señala señale destaca destaque subraya
		subraye añade añada incluye incluya describa descríbela descríbelo asegúrate asegúrese
		menziona menzioni scrivi scriva indichi dì di' afferma affermi sottolinea sottolinei aggiungi aggiunga
		descrivi descriva descrivila descrivilo specifica specifichi evidenzia evidenzi assicurati
		escreva escreve diz indique acrescente adicione inclua descreva descreva-a descreva-o ressalte informe
		garanta certifique-se
		schreib schreibe schreiben erwähne erwähnen sag sage sagen betone betonen beschreibe beschreib beschreiben
		gib geben füge fügen stelle stell vermerke notiere
		vermeld vermelden schrijf zeg noem benadruk beschrijf voeg geef meld zorg
		napisz napiszcie wspomnij podaj zaznacz stwierdź opisz dodaj podkreśl wskaż uwzględnij powiedz przedstaw
		напиши напишите укажи укажите упомяни упомяните скажи скажите отметь отметьте опиши опишите добавь добавьте
		подчеркни подчеркните сообщи сообщите представь представьте`), wordSet(`que comme elle il ella él como che
		come lei lui ela ele dass daß sie er als dat ze zij hij że iż ją jako что её ее его как она он`)

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// foreignCourtesies may open a clause before a directive of another
// language.
var foreignCourtesies = map[string]bool{"por": true, "favor": true, "s'il": true, "vous": true, "plaît": true,
	"bitte": true, "per": true, "favore": true, "proszę": true, "пожалуйста": true, "alsjeblieft": true,
	"graag": true, "aussi": true, "también": true, "anche": true, "também": true, "auch": true, "ook": true,
	"также": true, "też": true}

// cjkDirectives are instructions in Chinese, Japanese and Korean, found
// anywhere: "write that she…", "in the bio…", "please write".
var cjkDirectives = []string{
	"在简介中", "在簡介中", "在传记中", "在傳記中", "在个人简介", "在個人簡介", "简介中写", "簡介中寫",
	"请写", "請寫", "请提及", "請提及", "请注明", "請註明", "请说明", "請說明", "请强调", "請強調", "请指出", "請指出",
	"请描述", "請描述", "务必写", "務必寫", "写她", "写他", "寫她", "寫他", "说她", "說她", "说他", "說他",
	"称她为", "稱她為", "称他为", "稱他為", "描述她为", "描述他为",
	"書いてください", "書いて下さい", "記載してください", "明記してください", "述べてください", "言及してください",
	"触れてください", "強調してください", "と書いて", "と記載して", "と明記して", "と述べて",
	"라고 써", "라고 작성", "라고 적어", "언급해 주세요", "언급해주세요", "작성해 주세요", "써 주세요", "적어 주세요",
	"명시해 주세요",
}

// foreignInstruction reports whether a sentence of l (lower case) starts
// with a directive of another language followed by a complementiser or a
// pronoun, or l holds a CJK instruction.
func foreignInstruction(l string) bool {
	if !isPlainASCIIText(l) {
		for _, m := range cjkDirectives {
			if strings.Contains(l, m) {
				return true
			}
		}
	}
	var buf [24]string
	for s := range strings.FieldsFuncSeq(l, func(r rune) bool {
		return r == '.' || r == '!' || r == '?' || r == ';' || r == ':' || r == '\n' || r == '。' || r == '！' || r == '？'
	}) {
		w := appendWords(buf[:0], s)
		for len(w) > 0 && (foreignCourtesies[w[0]] || is(w[0], wCourtesy)) {
			w = w[1:]
		}
		if len(w) < 2 || !foreignDirectives[w[0]] {
			continue
		}
		for _, x := range w[1:min(len(w), 5)] {
			if foreignComplements[x] || strings.HasPrefix(x, "qu'") || strings.HasPrefix(x, "que") && len(x) == 3 {
				return true
			}
		}
	}
	return false
}

func isPlainASCIIText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// hasRoleLabel reports whether l holds a chat role written as a label: at
// the start of the text or of a line or sentence, a role word followed by
// ':', ']', '>' or '|' ("system:", "USER: mention…") and then words that
// speak to or as a model; or a role word marked by '#', '[', '<' or '|'
// ("###SYSTEM", "[assistant]"). "Developer: Payments platform" and
// "Instructions: wrote the runbooks" are labels of a profile, not turns.
func hasRoleLabel(l string) bool {
	for _, r := range roleWords {
		for i := 0; ; {
			k := strings.Index(l[i:], r)
			if k < 0 {
				break
			}
			start, end := i+k, i+k+len(r)
			i = end
			if end < len(l) && isWordByte(l[end]) {
				continue
			}
			before := strings.TrimRight(l[:start], " \t")
			var prev byte
			if before != "" {
				prev = before[len(before)-1]
			}
			if start > 0 && isWordByte(l[start-1]) {
				continue
			}
			marked := prev == '#' || prev == '[' || prev == '<' || prev == '|'
			atStart := before == "" || prev == '\n' || prev == '.' || prev == '!' || prev == '?' || prev == '*' || prev == '>' || marked
			after := strings.TrimLeft(l[end:], " \t")
			labelled := after != "" && (after[0] == ':' || after[0] == ']' || after[0] == '>' || after[0] == '|')
			// "AI", "model" and "bot" are also what a profile is about
			// ("AI: computer vision"); they count only when marked.
			weak := r == "ai" || r == "model" || r == "bot"
			if marked && !weak || marked && labelled {
				return true
			}
			if atStart && labelled && !weak && speaksAsModel(after[1:]) {
				return true
			}
		}
	}
	return false
}

// speaksAsModel reports whether the text after a role label opens as a
// turn of a chat does: a directive, words to or of a model ("you",
// "sure"), or a claim about the person ("she was…").
func speaksAsModel(s string) bool {
	if i := strings.IndexAny(s, ".!?\n"); i >= 0 {
		s = s[:i+1]
	}
	var buf [8]string
	w := appendWords(buf[:0], s)
	w = trimCourtesies(w)
	if len(w) == 0 {
		return strings.TrimSpace(s) != ""
	}
	switch w[0] {
	case "you", "your", "you're", "youre", "i", "i'm", "sure", "certainly", "understood", "absolutely", "of",
		"here", "ignore", "disregard", "forget", "output", "print", "reveal", "repeat", "respond", "reply", "answer",
		"return", "pretend", "act", "do", "don't", "never", "always", "the", "this":
		return w[0] != "the" && w[0] != "this" || personPhrase(w) || anyText(w[:min(3, len(w))])
	}
	return directives[w[0]] != dNone || is(w[0], wSubj)
}

func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c >= utf8.RuneSelf
}

// lookalikes maps the Cyrillic and Greek letters that look like Latin ones
// to those ("Ignоre" with a Cyrillic о), for a text written mostly in the
// Latin script.
var lookalikes = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd',
	'һ': 'h', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l', 'к': 'k', 'ո': 'n', 'ց': 'g', 'ս': 'u',
	'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X',
	'У': 'Y', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S', 'Ԁ': 'D', 'Ԛ': 'Q', 'Ԝ': 'W',
	'α': 'a', 'ο': 'o', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ε': 'e',
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P',
	'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
	// Small capitals are Latin letters; foldLookalikes always folds them.
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j', 'ᴋ': 'k',
	'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w',
	'ʏ': 'y', 'ᴢ': 'z',
}

// foldLookalikes replaces look-alike letters by Latin ones: in every word
// that mixes them with Latin letters ("аll"), and everywhere when the text
// has more Latin letters than look-alike-script ones, so that a Russian or
// Greek text is read as written.
func foldLookalikes(s string) string {
	latin, other, mixed := 0, 0, false
	wordLatin, wordOther := false, false
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r|0x20 && r|0x20 <= 'z'):
			latin++
			wordLatin = true
		case unicode.In(r, unicode.Cyrillic, unicode.Greek):
			other++
			wordOther = true
		case !unicode.IsLetter(r):
			mixed = mixed || wordLatin && wordOther
			wordLatin, wordOther = false, false
		}
	}
	mixed = mixed || wordLatin && wordOther
	if other == 0 || !mixed && latin < other {
		return foldSmallCaps(s)
	}
	if latin >= other {
		return strings.Map(func(r rune) rune {
			if x := lookalikes[r]; x != 0 {
				return x
			}
			return r
		}, s)
	}
	// Mostly another script: fold only the words that mix.
	var b strings.Builder
	start := 0
	flush := func(end int) {
		word := s[start:end]
		hasLatin := strings.ContainsFunc(word, func(r rune) bool { return r < utf8.RuneSelf && 'a' <= r|0x20 && r|0x20 <= 'z' })
		if hasLatin {
			word = strings.Map(func(r rune) rune {
				if x := lookalikes[r]; x != 0 {
					return x
				}
				return r
			}, word)
		}
		b.WriteString(word)
	}
	for i, r := range s {
		if !unicode.IsLetter(r) {
			flush(i)
			b.WriteRune(r)
			start = i + utf8.RuneLen(r)
		}
	}
	flush(len(s))
	return b.String()
}

// foldSmallCaps folds the small capitals of s ("ᴡʀɪᴛᴇ").
func foldSmallCaps(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return lookalikes[r] != 0 && unicode.Is(unicode.Latin, r) }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if x := lookalikes[r]; x != 0 && unicode.Is(unicode.Latin, r) {
			return x
		}
		return r
	}, s)
}

// despace joins runs of four or more single letters written with spaces
// between them ("I G N O R E previous rules") into words: one space between
// letters joins them, two or more end a word ("S A Y  S H E" is "SAY SHE").
func despace(s string) string {
	if !hasSingleLetterRun(s) {
		return s
	}
	single := func(i int) bool {
		return i < len(s) && isASCIILetter(s[i]) && (i == 0 || !isASCIILetter(s[i-1])) && (i+1 == len(s) || !isASCIILetter(s[i+1]))
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if !single(i) {
			b.WriteByte(s[i])
			i++
			continue
		}
		// A run: letters, one space within a word, more between words.
		var run []byte
		letters, j := 0, i
		for single(j) {
			run = append(run, s[j])
			letters++
			k := j + 1
			for k < len(s) && s[k] == ' ' {
				k++
			}
			if k == j+1 || !single(k) {
				j++
				break
			}
			if k-j-1 >= 2 {
				run = append(run, ' ')
			}
			j = k
		}
		if letters >= 4 {
			b.Write(run)
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

func hasSingleLetterRun(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if isASCIILetter(s[i]) && (i == 0 || !isASCIILetter(s[i-1])) && (i+1 == len(s) || !isASCIILetter(s[i+1])) {
			if n++; n >= 4 {
				return true
			}
		} else if s[i] != ' ' {
			n = 0
		}
	}
	return false
}

func isASCIILetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// titleWords are the words after which a quoted, title-cased phrase is the
// title of a work ("Author of 'Forget Everything You Know About
// Databases'", "Presented 'Ignore All Previous Instructions: …' at DEF
// CON"), not something to do.
var titleWords = wordSet(`author authored co-authored coauthored co-author wrote written published
		presented presenting gave delivered talk talks keynote book books paper papers article articles essay titled
		entitled called named podcast episode course workshop session panel column blog post chapter series song
		film album show thesis dissertation whitepaper novel poem lecture webinar tutorial guide report study`)

// maskTitles blanks the quoted titles of works in s (see titleWords), so
// that the words of a title are not read as an instruction. A title is
// quoted, has two words or more, mostly capitalised, and follows one of
// titleWords within four words.
func maskTitles(s string) string {
	if !strings.ContainsAny(s, "'\"‘“«„") {
		return s
	}
	var out []byte
	for i := 0; i < len(s); {
		open, n := utf8.DecodeRuneInString(s[i:])
		closeQ := closingQuote(open)
		if closeQ == 0 || open == '\'' && i > 0 && isWordByte(s[i-1]) {
			i += n
			continue
		}
		end := -1
		for j := i + n; j < len(s); {
			r, m := utf8.DecodeRuneInString(s[j:])
			if r == closeQ && (r != '\'' || j+m == len(s) || !isWordByte(s[j+m])) {
				end = j
				break
			}
			j += m
		}
		if end < 0 {
			break
		}
		inner := s[i+n : end]
		if titleCased(inner) && titleBefore(s[:i]) {
			if out == nil {
				out = []byte(s)
			}
			for k := i + n; k < end; k++ {
				out[k] = ' '
			}
		}
		i = end + utf8.RuneLen(closeQ)
	}
	if out == nil {
		return s
	}
	return string(out)
}

func closingQuote(open rune) rune {
	switch open {
	case '\'', '"':
		return open
	case '‘':
		return '’'
	case '“', '„':
		return '”'
	case '«':
		return '»'
	}
	return 0
}

func titleCased(s string) bool {
	var buf [16]string
	w := appendWords(buf[:0], s)
	if len(w) < 2 {
		return false
	}
	caps, long := 0, 0
	for _, x := range w {
		if len(x) <= 3 && !unicode.IsUpper([]rune(x)[0]) {
			continue // "of", "in", "to"
		}
		long++
		if r, _ := utf8.DecodeRuneInString(x); unicode.IsUpper(r) {
			caps++
		}
	}
	return long > 0 && caps*10 >= long*8
}

func titleBefore(s string) bool {
	var buf [16]string
	w := appendWords(buf[:0], strings.ToLower(s))
	for i := len(w) - 1; i >= 0 && i >= len(w)-4; i-- {
		if titleWords[w[i]] {
			return true
		}
	}
	return false
}

// squashed reports whether l, without the characters that are not letters
// and with digits read as letters, holds a squashedMarker.
func squashed(l string) bool {
	var buf [256]byte
	b := buf[:0]
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch c {
		case '0':
			c = 'o'
		case '1', '!', '|':
			c = 'i'
		case '3':
			c = 'e'
		case '4', '@':
			c = 'a'
		case '5', '$':
			c = 's'
		case '7':
			c = 't'
		}
		if 'a' <= c && c <= 'z' {
			b = append(b, c)
		}
	}
	if !bytes.Contains(b, []byte("instruction")) && !bytes.Contains(b, []byte("previous")) && !bytes.Contains(b, []byte("prompt")) &&
		!bytes.Contains(b, []byte("mode")) && !bytes.Contains(b, []byte("rules")) {
		return false // every squashed marker has one of these
	}
	for _, m := range squashedMarkers {
		if bytes.Contains(b, []byte(m)) {
			return true
		}
	}
	return false
}

// decodings yields the texts that text may hide: base64 tokens, and the
// whole text read as rot13, as hex bytes, as percent-encoding or with its
// HTML character references, each when text looks so encoded.
func decodings(text string, yield func(string) bool) {
	for f := range strings.FieldsFuncSeq(text, func(r rune) bool {
		return !(r < utf8.RuneSelf && (isWordByte(byte(r)) || r == '+' || r == '/' || r == '=' || r == '-' || r == '_'))
	}) {
		if len(f) < 16 {
			continue
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			d, err := enc.DecodeString(f)
			if err == nil && utf8.Valid(d) && !yield(string(d)) {
				return
			}
		}
		if d, ok := hexToken(f); ok && !yield(d) {
			return
		}
	}
	if rot13Likely(text) && !yield(rot13(text)) {
		return
	}
	if strings.Count(text, " ") >= 7 {
		if d, ok := hexPairs(text); ok && !yield(d) {
			return
		}
	}
	if strings.Count(text, "%") >= 3 {
		if d, ok := unescape(text, '%'); ok && !yield(d) {
			return
		}
	}
	if strings.Count(text, "&#") >= 3 {
		if d, ok := htmlRefs(text); ok {
			yield(d)
		}
	}
}

func rot13(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case 'a' <= r && r <= 'z':
			return 'a' + (r-'a'+13)%26
		case 'A' <= r && r <= 'Z':
			return 'A' + (r-'A'+13)%26
		}
		return r
	}, s)
}

// rot13Likely reports whether two words of s or more read, in rot13, as
// words an instruction is made of ("Vtaber" is "Ignore").
func rot13Likely(s string) bool {
	var buf [24]byte
	n := 0
	for i := 0; i < len(s); {
		if !isASCIILetter(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		if j-i >= 3 && j-i <= len(buf) {
			b := buf[:0]
			for k := i; k < j; k++ {
				c := s[k] | 0x20
				b = append(b, 'a'+(c-'a'+13)%26)
			}
			if rot13Heads[string(b)] {
				if n++; n >= 2 {
					return true
				}
			}
		}
		i = j
	}
	return false
}

var rot13Heads = map[string]bool{"ignore": true, "disregard": true, "previous": true, "instructions": true,
	"prior": true, "forget": true, "write": true, "mention": true, "state": true, "say": true, "describe": true,
	"bio": true, "biography": true, "prompt": true, "system": true, "she": true, "her": true, "him": true,
	"that": true, "fired": true, "all": true, "the": true, "and": true}

// hexPairs decodes a text that is bytes in hex, two digits each and
// separated by spaces, commas or colons ("49 67 6e 6f…"): eight at least.
func hexPairs(s string) (string, bool) {
	var out []byte
	run := 0
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == ' ' || r == ',' || r == ':' || r == '\n' }) {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "0x"), "\\x")
		if len(f) == 2 && isHex(f[0]) && isHex(f[1]) {
			out = append(out, unhex(f[0])<<4|unhex(f[1]))
			run++
			continue
		}
		if run < 8 {
			out, run = out[:0], 0
		}
	}
	if len(out) < 8 || !utf8.Valid(out) {
		return "", false
	}
	return string(out), true
}

// hexToken decodes a token of 16 hex digits or more.
func hexToken(f string) (string, bool) {
	if len(f)%2 != 0 {
		return "", false
	}
	out := make([]byte, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		if !isHex(f[i]) || !isHex(f[i+1]) {
			return "", false
		}
		out = append(out, unhex(f[i])<<4|unhex(f[i+1]))
	}
	return string(out), utf8.Valid(out)
}

// unescape decodes the "%XX" escapes of s when it has three or more.
func unescape(s string, mark byte) (string, bool) {
	if strings.Count(s, string(mark)) < 3 {
		return "", false
	}
	var out []byte
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == mark && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			n++
			continue
		}
		out = append(out, s[i])
	}
	if n < 3 || !utf8.Valid(out) {
		return "", false
	}
	return string(out), true
}

// htmlRefs decodes the numeric character references of s ("&#73;",
// "&#x49;") when it has three or more.
func htmlRefs(s string) (string, bool) {
	if strings.Count(s, "&#") < 3 {
		return "", false
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '&' && i+2 < len(s) && s[i+1] == '#' {
			j, base := i+2, 10
			if j < len(s) && (s[j] == 'x' || s[j] == 'X') {
				j, base = j+1, 16
			}
			v, k := 0, j
			for k < len(s) && k-j < 7 && (base == 10 && '0' <= s[k] && s[k] <= '9' || base == 16 && isHex(s[k])) {
				v = v*base + int(unhex(s[k]))
				k++
			}
			if k > j && v > 0 && v <= unicode.MaxRune {
				b.WriteRune(rune(v))
				n++
				if k < len(s) && s[k] == ';' {
					k++
				}
				i = k - 1
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String(), n >= 3
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' }

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c | 0x20 - 'a' + 10
}
