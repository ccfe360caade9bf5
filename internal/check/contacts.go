package check

import (
	"strings"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/pii"
)

// inventedContact reports whether text, folded (bio.Fold), holds a contact
// detail (an e-mail address, a URL, a phone number, a handle) that no text
// of the profile f reads holds, as pii.FindContacts reads and keys them:
// "https://www.Ada.dev/" in a bio is the profile's "ada.dev". A URL that is
// the start of one in the profile ("github.com" for "github.com/ada") or
// the domain of its e-mail address is the profile's too; so is a word of
// the profile written with other dots or spaces ("B.Com" for "BCom",
// "Akka.NET" for "Akka .NET"), and a number of the profile written in
// another format ("5000-10000" for "5,000–10,000"). A phone number with
// another country code than the profile's is not the profile's, however
// its national digits compare. FindContacts decides cheaply that a text
// holds none, as most bios do.
func inventedContact(text string, f *evidence) bool {
	found := pii.FindContacts(text)
	if len(found) == 0 {
		return false
	}
	var known []pii.Contact
	f.p.EachText(func(_ bio.TextField, s *string) {
		if *s != "" {
			known = append(known, pii.FindContacts(bio.Fold(*s))...)
		}
	})
	for _, c := range found {
		if !knownContact(c, text[c.Start:c.End], known, f) {
			return true
		}
	}
	return false
}

// knownContact reports whether c, written as written, is a detail of the
// profile: one of known, or for a URL a word of the profile, for a phone
// number a number of it.
func knownContact(c pii.Contact, written string, known []pii.Contact, f *evidence) bool {
	for _, k := range known {
		switch {
		case c.Kind == pii.ContactPhone:
			if k.Kind == pii.ContactPhone && c.Key == k.Key && (c.Country == "" || k.Country == "" || c.Country == k.Country) {
				return true
			}
		case c.Key == k.Key:
			return true
		case c.Kind != pii.ContactURL:
		case k.Kind == pii.ContactURL && strings.HasPrefix(k.Key, c.Key+"/"):
			return true
		case k.Kind == pii.ContactEmail && k.Key[strings.LastIndexByte(k.Key, '@')+1:] == c.Key:
			return true
		}
	}
	switch c.Kind {
	case pii.ContactURL:
		return f.hasDotted(c.Key)
	case pii.ContactPhone:
		return f.hasNumber(written)
	}
	return false
}

// hasDotted reports whether the profile has key (lower case) as a word or
// run of words written with other dots and spaces: "b.com" for "BCom",
// "akka.net" for "Akka .NET", "pvt.ltd" for "Pvt. Ltd.". The run must be
// one word or hold a dot itself, so that "ada.okafor" is not the name "Ada
// Okafor".
func (f *evidence) hasDotted(key string) bool {
	if strings.ContainsAny(key, "/@:?#") {
		return false
	}
	want := strings.ReplaceAll(key, ".", "")
	if want == "" {
		return false
	}
	l := f.text()
	for i := 0; i < len(l); i++ {
		if i > 0 && isWordChar(l[i-1]) || !isWordChar(l[i]) || l[i] != want[0] {
			continue
		}
		j, k, dot, space := i, 0, false, false
		for j < len(l) && k < len(want) {
			switch c := l[j]; {
			case c == want[k]:
				k++
			case c == '.':
				dot = true
			case c == ' ' && j+1 < len(l) && l[j+1] != ' ':
				space = true
			default:
				k = -1
			}
			if k < 0 {
				break
			}
			j++
		}
		if k == len(want) && (j == len(l) || !isWordChar(l[j])) && (dot || !space) {
			return true
		}
	}
	return false
}

func isWordChar(c byte) bool { return isLetter(c) || '0' <= c && c <= '9' || c >= 0x80 }

// hasNumber reports whether the digits of written (seven or more) are those
// of a number of the profile written with other separators: "5000-10000"
// for "5,000–10,000", "2500000" for "2,500,000".
func (f *evidence) hasNumber(written string) bool {
	want := make([]byte, 0, 16)
	for i := 0; i < len(written); i++ {
		if c := written[i]; '0' <= c && c <= '9' {
			want = append(want, c)
		}
	}
	if len(want) < 7 {
		return false
	}
	l := f.text()
	for i := 0; i < len(l); {
		if l[i] < '0' || l[i] > '9' || i > 0 && ('0' <= l[i-1] && l[i-1] <= '9' || isLetter(l[i-1])) {
			i++
			continue
		}
		// A run of digits with separators between them.
		var got []byte
		j := i
		for j < len(l) {
			if c := l[j]; '0' <= c && c <= '9' {
				got = append(got, c)
				j++
				continue
			}
			n := separatorLen(l[j:])
			if n == 0 || j+n >= len(l) || l[j+n] < '0' || l[j+n] > '9' {
				break
			}
			j += n
		}
		if string(got) == string(want) {
			return true
		}
		i = j
	}
	return false
}

// separatorLen returns the length of the separator of a number's digit
// groups or of a range at the start of s: ",", ".", " ", "-", "–", "—",
// "/", with spaces around a dash.
func separatorLen(s string) int {
	n := 0
	for n < len(s) && s[n] == ' ' {
		n++
	}
	for _, sep := range []string{",", ".", "-", "–", "—", "/"} {
		if strings.HasPrefix(s[n:], sep) {
			n += len(sep)
			for n < len(s) && s[n] == ' ' {
				n++
			}
			return n
		}
	}
	if n == 1 {
		return 1 // "1 200 000"
	}
	return 0
}

func isSpace(c byte) bool  { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
