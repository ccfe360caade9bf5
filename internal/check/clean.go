// Package check inspects a model's bio before anything is returned or
// cached: it cleans what the format does not want (preambles, quotes,
// markdown), rejects text that breaks the request (length, person, name,
// pronouns, an echoed prompt, unfilled placeholders, a contact detail the
// profile does not give), flags for a person's review what a reviewer
// would stop at (another person, a stray pronoun, an adverse claim, a
// profile that holds an instruction to the model) and flags claims that
// the profile does not support.
package check

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

var (
	preambleStarts = []string{
		"here is", "here's", "here are", "sure", "certainly", "of course", "absolutely", "below is",
		"okay", "ok,", "ok!", "as requested", "great", "the following is", "this is a",
	}
	postambleStarts = []string{
		"let me know", "i hope", "feel free", "note:", "(note", "(word count", "word count:",
		"please let me", "if you'd like", "if you would like", "would you like",
	}
	bulletMark = regexp.MustCompile(`^\s*(?:[-*•–—+]|\d{1,2}[.)])\s+`)
	spaces     = regexp.MustCompile(`[ \t]{2,}`)
)

// Clean removes what a model adds around a bio and fits the text to the
// format: one paragraph, or one "- " bullet per line.
func Clean(text string, format bio.Format) string {
	text = strings.ReplaceAll(sanitize(text), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	kept := lines[:0]
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "```") {
			continue
		}
		kept = append(kept, t)
	}
	lines = trimBlank(kept)
	if len(lines) > 1 && isPreamble(lines[0]) && !(format == bio.FormatBullets && isHeading(lines[0])) {
		lines = trimBlank(lines[1:])
	} else if len(lines) == 1 {
		if strings.HasSuffix(lines[0], ":") && isPreamble(lines[0]) {
			return "" // only an introduction so far
		}
		lines[0] = stripInlinePreamble(lines[0])
	}
	if len(lines) > 1 && isPostamble(lines[len(lines)-1]) {
		lines = trimBlank(lines[:len(lines)-1])
	}
	for i, l := range lines {
		lines[i] = stripMarkdown(l)
	}
	if format == bio.FormatBullets {
		var out []string
		for _, l := range lines {
			if l = strings.TrimSpace(stripBullet(l)); l != "" {
				out = append(out, "- "+unquote(l))
			}
		}
		return strings.Join(out, "\n")
	}
	var parts []string
	for _, l := range lines {
		if l = strings.TrimSpace(stripBullet(l)); l != "" {
			parts = append(parts, l)
		}
	}
	text = strings.Join(parts, " ")
	if strings.Contains(text, "  ") || strings.Contains(text, "\t") {
		text = spaces.ReplaceAllString(text, " ")
	}
	return unquote(text)
}

// stripBullet removes a bullet mark; the regexp runs only for a line that
// starts like one (it was a tenth of cleaning).
func stripBullet(l string) string {
	t := strings.TrimLeft(l, " \t")
	if t == "" {
		return l
	}
	if c := t[0]; c != '-' && c != '*' && c != '+' && (c < '0' || c > '9') && c < utf8.RuneSelf {
		return l
	}
	return bulletMark.ReplaceAllString(l, "")
}

func trimBlank(lines []string) []string {
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// isPreamble reports whether a first line introduces the bio instead of
// being part of it: "Here is a bio for Ada:", "Sure!", "**Professional Bio**".
func isPreamble(line string) bool {
	l := strings.ToLower(strings.Trim(line, "*#_ "))
	if l == "" {
		return true
	}
	for _, p := range preambleStarts {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	// A short title line without a full stop ("Professional Bio",
	// "# Ada Okafor", "**Ada Okafor**": a heading, most often the name).
	if strings.HasPrefix(line, "#") || (utf8.RuneCountInString(l) < 60 && !strings.ContainsAny(l, ".!?") &&
		(strings.Contains(l, "bio") || strings.Contains(l, "profile") || strings.HasSuffix(l, ":") || isBoldLine(line))) {
		return true
	}
	return strings.HasSuffix(l, ":") && (strings.Contains(l, "bio") || strings.Contains(l, "profile"))
}

// isHeading reports whether a first line is a bold heading and nothing
// else a preamble is ("**Ada Okafor**", not "**Professional Bio**"): most
// often the name, which a paragraph drops (it would run into the first
// sentence) and a list keeps as its first bullet.
func isHeading(line string) bool {
	l := strings.ToLower(line)
	return isBoldLine(line) && !strings.Contains(l, "bio") && !strings.Contains(l, "profile") &&
		!strings.HasSuffix(strings.Trim(l, "*_ "), ":") && !isPreamble(strings.Trim(line, "*_"))
}

// isBoldLine reports whether line is bold throughout: "**Ada Okafor**",
// "__Ada Okafor__".
func isBoldLine(line string) bool {
	for _, m := range []string{"**", "__"} {
		if len(line) > 4 && strings.HasPrefix(line, m) && strings.HasSuffix(line, m) && !strings.Contains(line[2:len(line)-2], m) {
			return true
		}
	}
	return false
}

// stripInlinePreamble removes "Here is a bio for Ada: " from the start of a
// one-line answer.
func stripInlinePreamble(line string) string {
	l := strings.ToLower(line)
	for _, p := range preambleStarts {
		if strings.HasPrefix(l, p) {
			if i := strings.Index(line, ": "); i > 0 && i < 120 {
				return strings.TrimSpace(line[i+2:])
			}
		}
	}
	return line
}

func isPostamble(line string) bool {
	l := strings.ToLower(strings.Trim(line, "*_ "))
	for _, p := range postambleStarts {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

func stripMarkdown(l string) string {
	l = strings.TrimLeft(l, "#")
	l = strings.ReplaceAll(l, "**", "")
	l = strings.ReplaceAll(l, "__", "")
	l = strings.ReplaceAll(l, "`", "")
	return strings.TrimSpace(l)
}

// unquote removes quotation marks around the whole text: an opening mark
// at the start, and the matching mark at the end when it opened. The rule
// looks at each end alone, so a text still streaming loses its opening mark
// at once, as the finished text will.
func unquote(s string) string {
	for _, p := range [][2]string{{`"`, `"`}, {"“", "”"}, {"«", "»"}} {
		if strings.HasPrefix(s, p[0]) {
			s = strings.TrimSpace(s[len(p[0]):])
			if strings.HasSuffix(s, p[1]) {
				s = strings.TrimSpace(s[:len(s)-len(p[1])])
			}
			return s
		}
	}
	return s
}

// Stream cleans text while it streams: it holds back a first line that may
// be an introduction, a last line that may be a closing remark, and closing
// marks that a later chunk may still complete, so that what it passes on is
// always a prefix of Clean of the whole text. A bio that starts plainly goes
// out with its first token.
//
// The zero value is not usable; call NewStream. A Stream is not safe for
// concurrent use.
type Stream struct {
	format  bio.Format
	emit    func(string)
	raw     strings.Builder
	emitted strings.Builder
	started bool
	cleaned int // len(raw) when Clean last ran
	// rejects, if set, holds text back (see Hold); blocked is set once it
	// has refused the text.
	rejects func(string) bool
	blocked bool
}

// Hold makes the stream send only whole sentences, and only while
// rejects(text so far) is false: a sentence that a check is sure to
// reject (a made-up e-mail address) never reaches the client. Once it
// refuses, nothing more is sent and Close reports the text inconsistent.
func (s *Stream) Hold(rejects func(string) bool) { s.rejects = rejects }

// batch is how much text a stream gathers, once it has started, before it
// cleans again: Clean reads the whole text, so cleaning at every token would
// cost O(n²) per bio.
const batch = 48

// NewStream returns a Stream that passes cleaned text to emit.
func NewStream(format bio.Format, emit func(string)) *Stream {
	return &Stream{format: format, emit: emit}
}

// Write adds a chunk of model output.
func (s *Stream) Write(chunk string) {
	s.raw.WriteString(chunk)
	if s.emitted.Len() > 0 && s.raw.Len()-s.cleaned < batch && !strings.ContainsRune(chunk, '\n') {
		return
	}
	raw := s.raw.String()
	if !s.started {
		// A first line that may be an introduction ("Here is...", a
		// "**Title**") is held until it is complete; any other start goes
		// out at once.
		t := strings.TrimLeftFunc(raw, unicode.IsSpace)
		if t == "" {
			return
		}
		if mayBePreamble(t) {
			i := strings.IndexByte(t, '\n')
			if (i < 0 || strings.TrimSpace(t[i:]) == "") && len(t) < 200 {
				return
			}
		}
		s.started = true
	}
	// A line still arriving after the first may be a closing remark
	// ("Let me know...") that Clean drops: hold it until it cannot be.
	// A line shorter than three characters may still become a bullet mark.
	if i := strings.LastIndexByte(raw, '\n'); i >= 0 {
		if last := strings.TrimSpace(raw[i+1:]); len(last) < 3 || mayBePostamble(last) {
			raw = raw[:i]
		}
	} else if len(strings.TrimSpace(raw)) < 3 {
		return
	}
	if t := strings.TrimSpace(raw); s.emitted.Len() == 0 && !strings.Contains(t, "\n") && isPreamble(t) {
		return // a title ("**Ada Okafor**") that the next line will make Clean drop
	}
	s.cleaned = s.raw.Len()
	c := Clean(raw, s.format)
	// The end of the text may still change: a closing quote or "**" split
	// across chunks.
	c = strings.TrimRight(c, " *_\"'”»`")
	if len(c) <= s.emitted.Len() {
		return
	}
	s.send(c)
}

func mayBePreamble(t string) bool {
	if strings.ContainsAny(t[:1], "#*_\"“«`'") {
		return true
	}
	l := strings.ToLower(t)
	for _, p := range preambleStarts {
		if strings.HasPrefix(l, p) || strings.HasPrefix(p, l) {
			return true
		}
	}
	// A title ("Ada Okafor: Professional Bio"). A rarer introduction that
	// is only recognised when complete makes Close report the sent text
	// inconsistent, and the caller resets the client's copy.
	first, _, _ := strings.Cut(l, "\n")
	return strings.Contains(first, "bio") || strings.Contains(first, "profile")
}

func mayBePostamble(line string) bool {
	l := strings.ToLower(strings.Trim(line, "*_ "))
	for _, p := range postambleStarts {
		if strings.HasPrefix(l, p) || strings.HasPrefix(p, l) {
			return true
		}
	}
	return false
}

func (s *Stream) send(prefix string) {
	if s.rejects != nil {
		if prefix = wholeSentences(prefix); prefix == "" || s.blocked {
			return
		}
		if s.blocked = s.rejects(prefix); s.blocked {
			return
		}
	}
	done := s.emitted.String()
	if !strings.HasPrefix(prefix, done) {
		return // the cleaned text changed behind what was sent; Close reports it
	}
	if rest := prefix[len(done):]; rest != "" {
		s.emitted.WriteString(rest)
		s.emit(rest)
	}
}

// Close sends the rest and returns the whole cleaned text. consistent is
// false when the text already sent is not a prefix of it; the caller must
// then start the client's copy again (an SSE reset).
func (s *Stream) Close() (text string, consistent bool) {
	c := Clean(s.raw.String(), s.format)
	if !strings.HasPrefix(c, s.emitted.String()) {
		return c, false
	}
	if s.rejects != nil {
		if s.blocked = s.blocked || s.rejects(c); s.blocked {
			return c, s.emitted.String() == c
		}
		s.rejects = nil // the whole text passed: send the rest
	}
	s.send(c)
	return c, true
}

// wholeSentences returns text up to the end of its last finished sentence
// or line: a ".", "!" or "?" (after any closing quote or bracket) followed
// by white space, or a line break.
func wholeSentences(text string) string {
	for i := len(text) - 1; i > 0; i-- {
		switch c := text[i]; {
		case c == '\n':
			return text[:i+1]
		case c == ' ' || c == '\t':
			j := i - 1
			for j > 0 && strings.IndexByte(`"')]*_`, text[j]) >= 0 {
				j--
			}
			if text[j] == '.' || text[j] == '!' || text[j] == '?' {
				return text[:i]
			}
		}
	}
	return ""
}

// sanitize drops from a model's text what no bio holds and a reader's
// screen may misrender: bytes that are not UTF-8, control characters but
// the line break (a tab becomes a space), and the bidirectional overrides
// and isolates that reorder text as displayed ("Trojan source"). The
// left-to-right and right-to-left marks, which right-to-left text needs,
// stay.
func sanitize(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || dropped(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case dropped(r):
			return -1
		}
		return r
	}, s)
}

// dropped reports whether sanitize removes r.
func dropped(r rune) bool {
	switch {
	case r == '\n' || r == '\r':
		return false
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
