package check

import (
	"strings"
	"unicode"

	"github.com/biogen/biogen/internal/bio"
)

// Rejects returns a test of a streamed answer's text so far: whether it
// already fails a check that no text after it can undo, so that a stream
// holds it back instead of showing it: a contact detail the profile does
// not give, offensive language or a protected attribute it does not hold,
// or, in an English third-person bio, pronouns of another set twice. Verify decides on the whole answer; this only keeps the client's
// screen free of what Verify is sure to reject.
//
// The function is used by one goroutine.
func Rejects(req *bio.Request) func(text string) bool {
	clean, _ := req.WithoutInstructions()
	ev := evidence{p: &clean.Profile}
	own := bio.ParsePronouns(clean.Profile.Pronouns)
	self := strings.FieldsFunc(clean.Profile.Name, func(r rune) bool { return !unicode.IsLetter(r) })
	english := req.Options.English()
	pronouns := english && req.Options.Perspective == bio.PerspectiveThird
	checked := 0
	return func(text string) bool {
		folded := bio.Fold(text)
		if inventedContact(folded, &ev) {
			return true
		}
		// Offensive words and protected attributes are found in a
		// sentence or two: only the text after what was checked last,
		// with a margin for a phrase that spans the cut, is read again.
		if checked > len(text) {
			checked = 0 // text started again (a reset)
		}
		from := max(0, checked-safetyMargin)
		if from > 0 {
			// Start at a word: "Scunthorpe" cut to "cunthorpe" is no word
			// of the text's.
			if k := strings.IndexByte(text[from:], ' '); k >= 0 {
				from += k + 1
			}
		}
		checked = len(text)
		if tail := text[from:]; mayBeUnsafe(tail, &clean.Profile, english) {
			if _, err := unsafe(maskProfile(tail, &clean.Profile), &ev, req.Options.Language); err != nil {
				return true
			}
		}
		if !pronouns {
			return false
		}
		n := otherPronouns(text, own, self)
		if n < 2 {
			return false
		}
		// As Verify does: count no more than the text without the
		// profile's name-like values has.
		_, err := checkPronouns(min(n, otherPronouns(maskProfile(text, &clean.Profile), own, self)), own)
		return err != nil
	}
}

// safetyMargin is how much of the text already checked the stream gate
// reads again with the new text: more than any phrase the safety checks
// match.
const safetyMargin = 160
