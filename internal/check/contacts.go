package check

import (
	"strings"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/pii"
)

// inventedContact reports whether text, folded (bio.Fold), holds a contact
// detail (an e-mail address, a URL, a phone number) that no text of the
// profile f reads holds, as pii.FindContacts reads and keys them:
// "https://www.Ada.dev/" in a bio is the profile's "ada.dev". A URL that is
// the start of one in the profile ("github.com" for "github.com/ada") or
// the domain of its e-mail address is the profile's too. FindContacts
// decides cheaply that a text holds none, as most bios do.
func inventedContact(text string, f *facts) bool {
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
		if !knownContact(c, known) {
			return true
		}
	}
	return false
}

func knownContact(c pii.Contact, known []pii.Contact) bool {
	for _, k := range known {
		switch {
		case c.Key == k.Key:
			return true
		case c.Kind != pii.ContactURL:
		case k.Kind == pii.ContactURL && strings.HasPrefix(k.Key, c.Key+"/"):
			return true
		case k.Kind == pii.ContactEmail && k.Key[strings.LastIndexByte(k.Key, '@')+1:] == c.Key:
			return true
		}
	}
	return false
}

func isSpace(c byte) bool  { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }
func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
