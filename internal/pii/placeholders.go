package pii

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A placeholder stands for a word that may not leave the premises as it is
// written (see deny): "Term7". It is opaque, the same for the same word
// within a request (the profile, an earlier answer sent back, the
// correction), and Restore maps it back in the answer.

// placeholderPrefix starts every placeholder.
const placeholderPrefix = "Term"

// ErrInventedPlaceholder is returned (wrapped) for an answer that holds a
// placeholder the request never sent: the model made it up, and there is
// nothing true to restore it to.
var ErrInventedPlaceholder = errors.New("the answer holds a placeholder that was never sent")

// placeholders is the table of one request's placeholders. It is safe for
// concurrent use: Forward may add to it while a Restorer reads it.
type placeholders struct {
	mu     sync.RWMutex
	index  map[string]int // the word as sent, exactly -> its number
	values []string       // by number-1: the word as the profile writes it
}

// of returns the placeholder of sent, the word as it would be sent, whose
// restored form is value, adding it if it is new. Words that differ only
// in case are different words ("100 Mbps" and "400 MBps", "40 MWh" and
// "3 mWh" are not the same facts), each with its own placeholder and
// restored as it was written; an answer restored and sent back gets a
// placeholder of its own for a word the restoring wrote in capitals
// ("TERM7" restored as "CONTOSO").
func (p *placeholders) of(sent, value string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	n, ok := p.index[sent]
	if !ok {
		if p.index == nil {
			p.index = make(map[string]int, 16)
		}
		p.values = append(p.values, value)
		n = len(p.values)
		p.index[sent] = n
	}
	return placeholderPrefix + strconv.Itoa(n)
}

// existing returns the placeholder already sent for word in any case ("zbk"
// for "Zbk"), and whether there is one; it adds none.
func (p *placeholders) existing(word string) (string, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	n := p.index[word]
	if n == 0 {
		// In another case: the first sent, of the few a request has.
		for sent, k := range p.index {
			if (n == 0 || k < n) && strings.EqualFold(sent, word) {
				n = k
			}
		}
	}
	if n == 0 {
		return "", false
	}
	return placeholderPrefix + strconv.Itoa(n), true
}

func (p *placeholders) len() int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return len(p.values)
}

// placeholderAt returns the number of the placeholder that starts at s[i]
// (a word that starts there: "Term7", "term7", "TERM7", "Term7's") and
// its end; end is 0 when none does.
func placeholderAt(s string, i int) (n, end int) {
	if i+len(placeholderPrefix) >= len(s) || !strings.EqualFold(s[i:i+len(placeholderPrefix)], placeholderPrefix) || wordBefore(s, i) {
		return 0, 0
	}
	j := i + len(placeholderPrefix)
	for j < len(s) && '0' <= s[j] && s[j] <= '9' && j-i < 12 {
		n = n*10 + int(s[j]-'0')
		j++
	}
	if j == i+len(placeholderPrefix) || (j < len(s) && '0' <= s[j] && s[j] <= '9') {
		return 0, 0
	}
	return n, j
}

// restore replaces each placeholder in s with its word; an all-caps
// placeholder ("TERM7") gives the word in capitals. It returns the
// placeholders that are in no table, as written, and those the model
// mangled (see mangledAt): no word can be restored for them, and the
// answer must not be shown with them.
func (p *placeholders) restore(s string) (string, []string) {
	if !strings.Contains(s, "erm") && !strings.Contains(s, "ERM") {
		return s, nil
	}
	p.mu.RLock()
	defer p.mu.RUnlock()
	var b strings.Builder
	var invented []string
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i]|0x20 != 't' {
			continue
		}
		n, end := placeholderAt(s, i)
		if end == 0 {
			if end := mangledAt(s, i); end > 0 {
				invented = append(invented, s[i:end])
				i = end - 1
			}
			continue
		}
		if n < 1 || n > len(p.values) {
			invented = append(invented, s[i:end])
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(s) + 32)
		}
		b.WriteString(s[last:i])
		v := p.values[n-1]
		if s[i+1] == 'E' && s[i+2] == 'R' {
			v = strings.ToUpper(v)
		}
		b.WriteString(v)
		last, i = end, end-1
	}
	if last == 0 {
		return s, invented
	}
	b.WriteString(s[last:])
	return b.String(), invented
}

// mangledAt returns the end of a placeholder the model mangled that
// starts at s[i], or 0: the prefix inside a word before a number
// ("xTerm1"), before a digit of another script ("Term１", "Term٣"), or
// written with a capital and apart from its number by a space, a hyphen
// or an underscore ("Term 1", "TERM-1"; not "long-term 5", "Long-Term 5").
// A profile's own
// "Term 1" is sent as a placeholder (see Mapping.denied), so that
// the model is never given one to copy.
func mangledAt(s string, i int) int {
	if i+len(placeholderPrefix) >= len(s) || !strings.EqualFold(s[i:i+len(placeholderPrefix)], placeholderPrefix) {
		return 0
	}
	j := i + len(placeholderPrefix)
	r, size := utf8.DecodeRuneInString(s[j:])
	switch {
	case wordBefore(s, i):
		if '0' <= r && r <= '9' || unicode.IsDigit(r) {
			return digitsEnd(s, j)
		}
	case r >= utf8.RuneSelf && unicode.IsDigit(r):
		return digitsEnd(s, j)
	case s[i] == 'T' && (r == ' ' || r == '\u00A0' || r == '-' || r == '_') && (i == 0 || s[i-1] != '-'):
		if k := j + size; digitAt(s, k) {
			return digitsEnd(s, k)
		}
	}
	return 0
}

// digitsEnd returns the end of the digits, of any script, at s[i].
func digitsEnd(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsDigit(r) {
			break
		}
		i += size
	}
	return i
}

func inventedError(invented []string) error {
	return fmt.Errorf("%w: %q", ErrInventedPlaceholder, invented)
}
