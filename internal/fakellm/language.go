package fakellm

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

// A model asked for another language answers in it. The fake's bios come
// from the template writer, in English; asked for a language it has words
// for (words), the fake translates the words it knows, one for one, but
// in the profile's name and labels, which a model keeps as they are: bad
// grammar, but the language asked, as the output checks read it, with
// the facts, the name and the length unchanged. Asked for any
// other language, it answers in English, as a model that ignores the ask.

// languageRE finds the language the prompt asks for: bio/v1 "the language
// with BCP 47 tag "de"", a later wording "whose language tag is "de"".
var languageRE = regexp.MustCompile(`tag (?:is )?"([A-Za-z]{2,3})[-"]`)

// words are the translations of the writer's words, by language.
var words = map[string]map[string]string{"de": german}

// german translates the words of the writer's frames (internal/writer).
var german = dictionary(`a ein, an ein, the die, is ist, are sind, am bin, was war, were waren, be sein, been gewesen,
	has hat, have haben, had hatte, at bei, in in, of von, for für, from aus, to zu, with mit, on auf, as als, and und,
	since seit, over über, into in, toward zu, through durch, along entlang, among unter, before vor, out aus,
	based ansässig, serves dient, serve diene, served diente, works arbeitet, work Arbeit, worked arbeitete,
	working arbeitend, meet trefft, say sagt, hello hallo, hi hallo, hey hallo, there dort, my mein, name Name, i ich,
	i'm ich, me mich, she sie, he er, they sie, her ihre, his seine, their ihre, them sie, she's sie, he's er,
	they're sie, it es, professional berufliche, experience Erfahrung, career Laufbahn, spans umfasst, so so,
	far weit, built aufgebaut, building aufbauend, now jetzt, years Jahre, year Jahr, least mindestens,
	background Hintergrund, brief Kürze, short kurz, skills Fähigkeiten, skill Fähigkeit, include umfassen,
	includes umfasst, bring bringe, brings bringt, expertise Fachwissen, core zentrale, strengths Stärken,
	which die, apply wende, applies wendet, draw schöpfe, draws schöpft, set Reihe, skilled versiert,
	toolkit Werkzeugkasten, day Tag, put setze, puts setzt, notably insbesondere, achievements Erfolge,
	achievement Erfolg, one eine, notable bemerkenswerte, highlight Höhepunkt, highlights Höhepunkte, also auch,
	proudest stolzesten, moments Momente, previously zuvor, earlier früher, held hatte, position Stelle,
	where wo, role Rolle, that diese, this diese, these diese, days Tage, currently derzeit, current aktuellen,
	spent verbrachte, time Zeit, hold habe, holds hat, earned erwarb, education Ausbildung, side Seite,
	studied studierte, studying studiert, expected erwartet, credentials Nachweise, certifications Zertifikate,
	speak spreche, speaks spricht, languages Sprachen, course Verlauf, way Weg, employers Arbeitgeber, path Weg,
	led führte, gone gegangen, focus Schwerpunkt, lean stütze, leans stützt, combine verbinde,
	combines verbindet, underpins untermauert, job Beruf, field Fach, study Studium, takes nimmt, know kenne,
	knows kennt, inform prägen, go gehen, today heute, several mehrere, results Ergebnisse, stand stehen,
	few paar, key wichtige, then dann, results Ergebnisse, thousand tausend, million Millionen, months Monate,
	month Monat, around rund, about über, more mehr, than als, until bis, during während, after nach,
	grew steigerte, revenue Umsatz, teams Teams, team Team, platform Plattform, billing Abrechnung, reach erreicht,
	or oder, see siehe, contact Kontakt, mentored betreute, by von, cut senkte, costs Kosten, users Nutzer,
	devices Geräte, method Methode, award Preis, shipped lieferte, launched startete, reduced senkte,
	increased steigerte, migration Umstellung, system System, systems Systeme, customers Kunden, data Daten`)

// dictionary reads "english german, ..." pairs.
func dictionary(pairs string) map[string]string {
	m := map[string]string{}
	for p := range strings.SplitSeq(pairs, ",") {
		if en, de, ok := strings.Cut(strings.TrimSpace(p), " "); ok {
			m[en] = de
		}
	}
	return m
}

// languageOf returns the base language the prompt asks for, lower case,
// or "" for English or none.
func languageOf(prompt string) string {
	m := languageRE.FindStringSubmatch(prompt)
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

// translate writes text, the writer's English bio of p, in language as
// words has it: each word of the writer's own (outside every value of
// the profile) by its translation, capitalised as it was.
func translate(text, language string, p *bio.Profile) string {
	dict := words[language]
	if dict == nil {
		return text
	}
	kept := profileSpans(text, p)
	var b strings.Builder
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			b.WriteString(text[i : i+size])
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && r != '\'' && r != '’' {
				break
			}
			j += size
		}
		w := text[i:j]
		if t, ok := dict[strings.ToLower(w)]; ok && !inSpans(kept, i, j) {
			if unicode.IsUpper(r) {
				first, n := utf8.DecodeRuneInString(t)
				t = string(unicode.ToUpper(first)) + t[n:]
			}
			w = t
		}
		b.WriteString(w)
		i = j
	}
	return b.String()
}

// span is a run of bytes of a text.
type span struct{ start, end int }

// profileSpans returns where text writes a name-like value of p (the
// name, a label), sorted: a model translates free text, not names.
func profileSpans(text string, p *bio.Profile) []span {
	var out []span
	p.EachText(func(f bio.TextField, v *string) {
		if len(*v) < 2 || f.Kind == bio.TextFree {
			return
		}
		for i := 0; ; {
			k := strings.Index(text[i:], *v)
			if k < 0 {
				return
			}
			out = append(out, span{i + k, i + k + len(*v)})
			i += k + len(*v)
		}
	})
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	return out
}

// inSpans reports whether [start, end) overlaps one of spans.
func inSpans(spans []span, start, end int) bool {
	for _, s := range spans {
		if s.start < end && start < s.end {
			return true
		}
	}
	return false
}
