package safety

import (
	"slices"
	"strings"

	"github.com/biogen/biogen/internal/bio"
)

// WithoutOffensive returns req itself and false when no text of its
// profile holds offensive language (a name written as one aside: "Dick
// Smith", "Coon Rapids"), and otherwise a copy without it and true: a free
// text (a summary, an achievement) loses the sentences that hold it, a
// list item (a skill, a certification) is removed, and another text (a
// role, a company) is emptied; the name, which a request cannot do
// without, stays, and the flag is for a person to look at it. req is not
// changed.
func WithoutOffensive(req *bio.Request) (*bio.Request, bool) {
	found := false
	req.Profile.EachText(func(f bio.TextField, s *string) {
		found = found || f.Kind != bio.TextName && HasOffensive(*s, NamesIn(f.Kind))
	})
	if !found {
		return req, false // a person's name is a name, whatever it spells ("Shi Ting")
	}
	c := *req
	c.Profile = req.Profile.Clone()
	const gone = "\x00offensive"
	c.Profile.EachText(func(f bio.TextField, s *string) {
		switch {
		case f.Kind == bio.TextName || !HasOffensive(*s, NamesIn(f.Kind)):
		case f.Kind == bio.TextFree:
			*s = withoutOffensiveSentences(*s)
		case f.Index >= 0 && !strings.Contains(f.Name, "."):
			*s = gone // a list item
		default:
			*s = ""
		}
	})
	p := &c.Profile
	for _, list := range []*[]string{&p.Skills, &p.Achievements, &p.Certifications, &p.Languages} {
		*list = slices.DeleteFunc(*list, func(s string) bool { return s == gone || s == "" })
	}
	return &c, true
}

// withoutOffensiveSentences returns text without its sentences that hold
// offensive language.
func withoutOffensiveSentences(text string) string {
	var b strings.Builder
	for rest := text; rest != ""; {
		end := sentenceEnd(rest)
		s := rest[:end]
		rest = rest[end:]
		if !HasOffensive(s, InText) {
			b.WriteString(s)
		}
	}
	return strings.TrimSpace(b.String())
}

// sentenceEnd returns the end of text's first sentence: after a full
// stop, question or exclamation mark or a line break, and the spaces
// after it; a full stop between digits or letters ("3.5", "Node.js") does
// not end one.
func sentenceEnd(text string) int {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '.' && c != '!' && c != '?' && c != '\n' {
			continue
		}
		if c == '.' && i+1 < len(text) && text[i+1] != ' ' && text[i+1] != '\n' {
			continue
		}
		j := i + 1
		for j < len(text) && (text[j] == ' ' || text[j] == '\n') {
			j++
		}
		return j
	}
	return len(text)
}

// NamesIn returns where names are in a profile text of kind k: anywhere
// in a name or a label, not at the start of a sentence in free text.
func NamesIn(k bio.TextKind) Names {
	if k == bio.TextFree {
		return InText
	}
	return InLabel
}
