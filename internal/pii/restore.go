package pii

import (
	"strings"
	"unicode/utf8"
)

// Restore returns the answer with each stand-in part replaced by the part
// of the person's name it stands for, in the case the answer writes it
// ("Jordan AVERY-Ellis's" gives "Ada OKAFOR-Kowalczyk's"), and each
// placeholder by its word as the profile writes it ("Term7" gives
// "Akka.NET"; "TERM7" "AKKA.NET"). Other text, and a placeholder that was
// never sent, is returned as it is: RestoreChecked reports those.
func (m *Mapping) Restore(text string) string {
	s, _ := m.restore(text)
	return s
}

// RestoreChecked is Restore, but returns an error wrapping
// ErrInventedPlaceholder when the answer holds a placeholder that was
// never sent: an answer that cannot be restored to the truth.
func (m *Mapping) RestoreChecked(text string) (string, error) {
	s, invented := m.restore(text)
	if len(invented) > 0 {
		return s, inventedError(invented)
	}
	return s, nil
}

func (m *Mapping) restore(text string) (string, []string) {
	if m == nil {
		return text, nil
	}
	return m.ph.restore(m.restoreNames(m.swapInitials(text)))
}

// restoreInside maps the stand-in's parts in a word sent as a placeholder
// back to the name's, inside the word too: the stand-in replacement put
// them there, as no word of the profile holds a stand-in.
func (m *Mapping) restoreInside(s string) string {
	s, _ = replaceKeyed(s, m.backInside)
	return s
}

// restoreNames maps the stand-in's parts in s back to the name's.
func (m *Mapping) restoreNames(s string) string {
	s, _ = replaceKeyed(s, m.back)
	return s
}

// Restorer restores a streamed answer, however it is cut into chunks. It
// holds back the last word of what it has (it may be the start of a
// stand-in or a placeholder) and an unfinished UTF-8 sequence, and passes
// the rest on restored.
//
// The zero value is not usable; call Mapping.Restorer. A Restorer is not
// safe for concurrent use.
type Restorer struct {
	m        *Mapping
	emit     func(string)
	held     string
	invented []string
}

// Restorer returns a Restorer passing restored text to emit.
func (m *Mapping) Restorer(emit func(string)) *Restorer {
	return &Restorer{m: m, emit: emit}
}

// Write adds a chunk of the answer.
func (r *Restorer) Write(chunk string) {
	s := r.held + chunk
	cut := r.m.initialsBefore(s, heldFrom(s))
	if cut == 0 {
		r.held = s
		return
	}
	r.held = s[cut:]
	r.pass(s[:cut])
}

func (r *Restorer) pass(s string) {
	out, invented := r.m.restore(s)
	r.invented = append(r.invented, invented...)
	r.emit(out)
}

// Close emits what is held back.
func (r *Restorer) Close() {
	if r.held != "" {
		r.pass(r.held)
		r.held = ""
	}
}

// Err returns an error wrapping ErrInventedPlaceholder if the answer so
// far held a placeholder that was never sent, else nil.
func (r *Restorer) Err() error {
	if len(r.invented) > 0 {
		return inventedError(r.invented)
	}
	return nil
}

// heldFrom returns where the end of s that a Restorer holds back starts:
// the last word (wordStart), with a placeholder's prefix and what may
// part it from its number before it ("Term ", "TERM-1"), which may be
// mangled ("Term 1").
func heldFrom(s string) int {
	cut := wordStart(s)
	k := cut
	if k < len(s) && !digitAt(s, k) {
		return cut // a word, not a number
	}
	if strings.HasSuffix(s[:k], "\u00A0") {
		k -= len("\u00A0")
	} else if k > 0 && strings.IndexByte(" -_", s[k-1]) >= 0 {
		k--
	}
	if n := len(placeholderPrefix); k < cut && k >= n && strings.EqualFold(s[k-n:k], placeholderPrefix) {
		return k - n
	}
	return cut
}

// wordStart returns where the word at the end of s starts (len(s) when s
// ends with no word), counting an unfinished UTF-8 sequence at the end as
// part of the word.
func wordStart(s string) int {
	i := len(s)
	// An unfinished sequence: up to 3 bytes that do not make a full rune.
	for k := 1; k <= 3 && k <= len(s); k++ {
		b := s[len(s)-k]
		if b < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(b) {
			if !utf8.FullRuneInString(s[len(s)-k:]) {
				i = len(s) - k
			}
			break
		}
	}
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isWordRune(r) {
			break
		}
		i -= size
	}
	return i
}
