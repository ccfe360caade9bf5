package bio

import (
	"bytes"
	"strings"

	"github.com/valyala/fastjson"
	"golang.org/x/text/language"
)

// Language is a language whose answers the output checks read for their
// language (internal/check): its BCP 47 base subtag and its English name,
// which a correction uses to ask a model for it.
type Language struct {
	Code string // "de"
	Name string // "German"
}

// languages are the languages whose answers are checked, by the script
// they are written in. options.language accepts any BCP 47 tag; an answer
// in a language not listed here is served unchecked for its language, and
// metrics and logs call it "other", so that their labels stay bounded.
var languages = []Language{
	// Latin script.
	{"en", "English"}, {"de", "German"}, {"fr", "French"}, {"es", "Spanish"}, {"it", "Italian"},
	{"pt", "Portuguese"}, {"nl", "Dutch"}, {"sv", "Swedish"}, {"da", "Danish"}, {"nb", "Norwegian"},
	{"nn", "Norwegian Nynorsk"}, {"fi", "Finnish"}, {"pl", "Polish"}, {"cs", "Czech"}, {"ro", "Romanian"},
	{"hu", "Hungarian"}, {"tr", "Turkish"}, {"hr", "Croatian"}, {"sl", "Slovenian"}, {"et", "Estonian"},
	{"lv", "Latvian"}, {"lt", "Lithuanian"}, {"id", "Indonesian"}, {"vi", "Vietnamese"},
	// Cyrillic (Serbian in Latin letters too).
	{"ru", "Russian"}, {"uk", "Ukrainian"}, {"bg", "Bulgarian"}, {"sr", "Serbian"}, {"mk", "Macedonian"},
	// Other alphabets and abjads.
	{"el", "Greek"}, {"he", "Hebrew"}, {"ar", "Arabic"}, {"fa", "Persian"}, {"ur", "Urdu"}, {"ka", "Georgian"},
	// Indic scripts.
	{"hi", "Hindi"}, {"mr", "Marathi"}, {"ne", "Nepali"}, {"bn", "Bengali"}, {"ta", "Tamil"}, {"te", "Telugu"},
	// Written without spaces between words, or in syllable blocks.
	{"zh", "Chinese"}, {"ja", "Japanese"}, {"ko", "Korean"}, {"th", "Thai"},
}

// languageAliases are base subtags that name a listed language by
// another code: "no" is written as Bokmål far more often than Nynorsk.
var languageAliases = map[string]string{"no": "nb"}

// Languages returns the languages whose answers are checked.
func Languages() []Language { return append([]Language(nil), languages...) }

// CheckedLanguage returns the checked language of tag, a BCP 47 tag such
// as "pt-BR" or "zh-Hant-TW" (read by its base subtag, in any case), and
// whether there is one.
func CheckedLanguage(tag string) (Language, bool) {
	base, _, _ := strings.Cut(tag, "-")
	base, _, _ = strings.Cut(base, "_")
	base = strings.ToLower(base)
	if a, ok := languageAliases[base]; ok {
		base = a
	}
	for _, l := range languages {
		if l.Code == base {
			return l, true
		}
	}
	return Language{}, false
}

// LanguageLabel is the label of tag in metrics and logs: the code of its
// checked language ("pt" for "pt-BR"), or "other". It never repeats the
// tag itself, whose private-use subtags may carry anything
// ("de-x-jsmith").
func LanguageLabel(tag string) string {
	if l, ok := CheckedLanguage(tag); ok {
		return l.Code
	}
	return "other"
}

// BodyLanguage returns the LanguageLabel of the language a request body
// asks for: "en", the default, when it names none, and "other" when its
// options.language is not a BCP 47 tag or the body cannot be read. It
// reads the body without decoding it into a Request, for the edge's
// metrics and access log.
func BodyLanguage(body []byte) string {
	if !bytes.Contains(body, []byte(`"language"`)) {
		return DefaultOptions.Language
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(body)
	if err != nil {
		return "other"
	}
	l := v.Get("options", "language")
	if l == nil || l.Type() == fastjson.TypeNull {
		return DefaultOptions.Language // absent or null: the default, as Decode reads it
	}
	s, err := l.StringBytes()
	if err != nil || len(s) > maxLanguageTagLength {
		return "other"
	}
	tag, err := language.Parse(string(s))
	if err != nil {
		return "other"
	}
	return LanguageLabel(tag.String())
}
