package writer

import (
	"strings"

	"github.com/biogen/biogen/internal/bio"
)

// voice renders the person's references for one perspective: "I", the
// pronouns given, or the name when there are none.
//
// Frames are written with these placeholders:
//
//	{N}  the full name
//	{S}  subject at the start of a sentence: "I", "She", "They", "Ada Okafor"
//	{s}  subject inside a sentence: "I", "she", "they", "Ada Okafor"
//	{P}  possessive at the start: "My", "Her", "Their", "Ada Okafor's"
//	{p}  possessive inside: "my", "her", "their", "Ada Okafor's"
//	{O}  object: "me", "her", "them", "Ada Okafor"
//	{be} {was} {have}      am/is/are, was/were, have/has
//	{v:base|third}         "bring" or "brings" by agreement with the subject
//	{'s} / {'m}            casual contraction of "is"/"am"/"are": "she's", "I'm", "they're"
type voice struct {
	name     string
	first    bool
	pronouns bio.Pronouns
}

func newVoice(req *bio.Request) voice {
	v := voice{name: req.Profile.Name, first: req.Options.Perspective == bio.PerspectiveFirst}
	if !v.first {
		v.pronouns = bio.ParsePronouns(req.Profile.Pronouns)
	}
	return v
}

// nameOnly reports whether the person is referred to by name alone.
func (v voice) nameOnly() bool { return !v.first && !v.pronouns.Known() }

// plain reports whether verbs take their base form: "I bring", "they bring".
func (v voice) plain() bool { return v.first || v.pronouns.Plural }

func (v voice) subject() string {
	switch {
	case v.first:
		return "I"
	case v.pronouns.Known():
		return v.pronouns.Subject
	}
	return v.name
}

func (v voice) possessive() string {
	switch {
	case v.first:
		return "my"
	case v.pronouns.Possessive != "":
		return v.pronouns.Possessive
	}
	return possessiveOf(v.name)
}

func (v voice) object() string {
	switch {
	case v.first:
		return "me"
	case v.pronouns.Known():
		return v.pronouns.Object
	}
	return v.name
}

// render drops the optional segments of frame whose numbered placeholders
// are empty, then expands the rest.
func (v voice) render(frame string, args []string) string {
	if !strings.Contains(frame, "[") {
		return v.expand(frame, args...)
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(frame, '[')
		if i < 0 {
			b.WriteString(frame)
			break
		}
		j := strings.IndexByte(frame[i:], ']')
		if j < 0 {
			panic("writer: unclosed segment in frame " + frame)
		}
		b.WriteString(frame[:i])
		seg := frame[i+1 : i+j]
		frame = frame[i+j+1:]
		if segmentFilled(seg, args) {
			b.WriteString(seg)
		}
	}
	return v.expand(b.String(), args...)
}

// segmentFilled reports whether every numbered placeholder in seg has a
// non-empty argument.
func segmentFilled(seg string, args []string) bool {
	for {
		i := strings.IndexByte(seg, '{')
		if i < 0 {
			return true
		}
		j := strings.IndexByte(seg[i:], '}')
		if j < 0 {
			return true
		}
		if n := atoi(seg[i+1 : i+j]); n > 0 && (n > len(args) || args[n-1] == "") {
			return false
		}
		seg = seg[i+j+1:]
	}
}

// expand fills a frame's placeholders; args fill {1}, {2}, ... in order.
// An unknown placeholder is a bug in a frame and panics, so that tests find
// it instead of a reader.
func (v voice) expand(frame string, args ...string) string {
	var b strings.Builder
	b.Grow(len(frame) + 64)
	for {
		i := strings.IndexByte(frame, '{')
		if i < 0 {
			b.WriteString(frame)
			break
		}
		b.WriteString(frame[:i])
		j := strings.IndexByte(frame[i:], '}')
		if j < 0 {
			panic("writer: unclosed placeholder in frame " + frame)
		}
		key := frame[i+1 : i+j]
		frame = frame[i+j+1:]
		b.WriteString(v.fill(key, args))
	}
	return b.String()
}

func (v voice) fill(key string, args []string) string {
	switch key {
	case "N":
		return v.name
	case "S":
		return upperFirst(v.subject())
	case "s":
		return v.subject()
	case "P":
		return upperFirst(v.possessive())
	case "p":
		return v.possessive()
	case "O":
		return v.object()
	case "be":
		switch {
		case v.first:
			return "am"
		case v.pronouns.Plural:
			return "are"
		}
		return "is"
	case "was":
		if v.pronouns.Plural && !v.first {
			return "were"
		}
		return "was"
	case "have":
		if v.plain() {
			return "have"
		}
		return "has"
	case "'s":
		switch {
		case v.first:
			return "'m"
		case v.pronouns.Plural:
			return "'re"
		case !v.pronouns.Known():
			return " is"
		}
		return "'s"
	}
	if base, third, ok := strings.Cut(strings.TrimPrefix(key, "v:"), "|"); ok && strings.HasPrefix(key, "v:") {
		if v.plain() {
			return base
		}
		return third
	}
	if n := atoi(key); n >= 1 && n <= len(args) {
		return args[n-1]
	}
	panic("writer: unknown placeholder {" + key + "}")
}

func atoi(s string) int {
	if s == "" || len(s) > 2 {
		return 0
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}
