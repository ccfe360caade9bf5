package pii

import "unicode/utf8"

// Restore replaces each stand-in part in an answer with the part of the
// person's name it stands for, in the case the answer writes it: "Jordan
// AVERY-Ellis's" gives "Ada OKAFOR-Kowalczyk's". Other text is returned as
// it is.
func (m *Mapping) Restore(text string) string {
	if m == nil {
		return text
	}
	s, _ := replaceKeyed(text, m.back)
	return s
}

// Restorer restores the name in a streamed answer, however it is cut into
// chunks. It holds back the last word of what it has (it may be the start
// of a stand-in) and an unfinished UTF-8 sequence, and passes the rest on
// restored.
//
// The zero value is not usable; call Mapping.Restorer. A Restorer is not
// safe for concurrent use.
type Restorer struct {
	m    *Mapping
	emit func(string)
	held string
}

// Restorer returns a Restorer passing restored text to emit.
func (m *Mapping) Restorer(emit func(string)) *Restorer {
	return &Restorer{m: m, emit: emit}
}

// Write adds a chunk of the answer.
func (r *Restorer) Write(chunk string) {
	s := r.held + chunk
	cut := wordStart(s)
	if cut == 0 {
		r.held = s
		return
	}
	r.held = s[cut:]
	r.emit(r.m.Restore(s[:cut]))
}

// Close emits what is held back.
func (r *Restorer) Close() {
	if r.held != "" {
		r.emit(r.m.Restore(r.held))
		r.held = ""
	}
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
