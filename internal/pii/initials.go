package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The model writes the stand-in's initials: "J. Avery" for Jordan Avery,
// "J. C. Avery", "Jordan C. Avery". Restored as they are, they would name
// another person ("J. Okafor" for Ada Okafor). So an initial written with a
// dot before a part of the name (the stand-in's, once the name is
// replaced) is swapped with its counterpart: the person's first initial
// with the stand-in's first ("A" and "J"), the second with the second. A
// swap is its own inverse, so the same swap sends the person's initials as
// the stand-in's ("A. Okafor" leaves as "J. Avery") and restores them, and
// an initial of someone else that happens to be the stand-in's ("J.
// Okafor", another J.) leaves as the person's ("A. Avery") and comes back
// as it was. Any other initial is left as it is.

// swapInitials returns s with the initials before a stand-in part swapped
// (see above): a run of one or two letters each followed by a dot and
// perhaps a space ("J. ", "J.", "J. C. "), or the stand-in's first part and
// one such letter ("Jordan C. "), right before a stand-in part other than
// the first.
func (m *Mapping) swapInitials(s string) string {
	if m == nil || m.swap == [2][2]rune{} || strings.IndexByte(s, '.') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 1; i < len(s); i++ {
		if s[i] != '.' {
			continue
		}
		// A run of initials whose last dot is at i, before a stand-in part.
		j := i + 1
		if j < len(s) && s[j] == ' ' {
			j++
		}
		k := j
		for k < len(s) && wordAt(s, k) {
			_, size := utf8.DecodeRuneInString(s[k:])
			k += size
		}
		if k == j || !m.standInParts[strings.ToLower(s[j:k])] {
			continue
		}
		// The initials of the run, from the last: two at most.
		var at [3]int
		n := 0
		for p := i; n < 3; {
			start, ok := initialBefore(s, p)
			if !ok {
				break
			}
			at[n] = start
			n++
			p = start - 1
			if p > 0 && s[p] == ' ' {
				p--
			}
			if p <= 0 || s[p] != '.' {
				break
			}
		}
		if n == 0 || n == 3 {
			continue // none, or more than a name's swaps know
		}
		if n == 2 {
			at[0], at[1] = at[1], at[0]
		}
		pos := 0 // the place of the run's first initial in the name
		if n == 1 && strings.EqualFold(lastWordBefore(s, at[0]), m.standInFirst) {
			pos = 1 // "Jordan C. Avery"
		}
		for q := 0; q < n; q++ {
			r, size := utf8.DecodeRuneInString(s[at[q]:])
			to := m.swapped(pos+q, r)
			if to == r || at[q] < last {
				continue
			}
			b.WriteString(s[last:at[q]])
			b.WriteRune(to)
			last = at[q] + size
		}
		i = k - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// swapped returns r swapped as the initial at place pos of a name, in the
// case of r.
func (m *Mapping) swapped(pos int, r rune) rune {
	if pos > 1 {
		return r
	}
	up := unicode.ToUpper(r)
	var to rune
	switch sw := m.swap[pos]; up {
	case sw[0]:
		to = sw[1]
	case sw[1]:
		to = sw[0]
	default:
		return r
	}
	if unicode.IsLower(r) {
		return unicode.ToLower(to)
	}
	return to
}

// initialBefore returns where the single letter before the dot at s[i]
// starts ("J" of "J."), and whether there is one: a letter that is a word
// of its own.
func initialBefore(s string, i int) (int, bool) {
	if i <= 0 || i >= len(s) || s[i] != '.' {
		return 0, false
	}
	r, size := utf8.DecodeLastRuneInString(s[:i])
	start := i - size
	if !unicode.IsLetter(r) || wordBefore(s, start) {
		return 0, false
	}
	return start, true
}

// lastWordBefore returns the word that ends, before one space, at s[i].
func lastWordBefore(s string, i int) string {
	if i < 2 || s[i-1] != ' ' {
		return ""
	}
	j := i - 1
	return s[wordStartAt(s, j):j]
}

// initialsBefore returns where a run of initials that ends at s[i] starts
// ("J. ", "J. C. ", "Jordan C. ", "Jordan "), or i: a Restorer holds it
// back with the word after it, which may be a stand-in part that they are
// the initials of.
func (m *Mapping) initialsBefore(s string, i int) int {
	if m == nil || m.swap == [2][2]rune{} {
		return i
	}
	cut := i
	for n := 0; n < 2; n++ {
		p := cut - 1
		if p > 0 && s[p] == ' ' {
			p--
		}
		start, ok := initialBefore(s, p)
		if !ok {
			break
		}
		cut = start
	}
	if w := lastWordBefore(s, cut); w != "" && strings.EqualFold(w, m.standInFirst) {
		cut -= len(w) + 1 // "Jordan " before "C. Avery" to come
	}
	return cut
}
