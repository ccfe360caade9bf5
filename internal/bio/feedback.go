package bio

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// The wire types of POST /v1/bios/{id}/feedback (contract 1.1).

// Ratings of a feedback.
const (
	RatingUp   = "up"
	RatingDown = "down"
)

// Reasons are the reasons a feedback may give, in the contract's order.
var Reasons = []string{"inaccurate", "wrong_person", "tone", "too_long", "too_short", "offensive", "other"}

// Limits of a feedback's texts, in characters.
const (
	// MaxComment is the contract's.
	MaxComment = 500
	// MaxEditedBio is biogen's: twice the longest bio the contract asks
	// for (350 words, about 2,500 characters), room for a person who
	// rewrote and lengthened it.
	MaxEditedBio = 5000
)

// Feedback is the body of POST /v1/bios/{id}/feedback. A Feedback is a
// value; DecodeFeedback returns only valid ones.
type Feedback struct {
	// Rating is RatingUp or RatingDown.
	Rating string `json:"rating"`
	// Reason is one of Reasons, or "" when none was given.
	Reason string `json:"reason,omitempty"`
	// EditedBio is the text the person kept, as sent; "" when none.
	EditedBio string `json:"edited_bio,omitempty"`
	// Comment is normalised like the profile's texts; "" when none.
	Comment string `json:"comment,omitempty"`
}

// FeedbackAccepted is the 202 body of POST /v1/bios/{id}/feedback.
type FeedbackAccepted struct {
	ID    string `json:"id"`
	BioID string `json:"bio_id"`
}

// DecodeFeedback parses and validates a feedback body. A body that is not
// UTF-8 or not JSON gives an error wrapping ErrMalformed; one that is JSON
// but not a valid feedback gives a *ValidationError naming every bad
// field, unknown fields included. An optional field sent as null or ""
// is absent.
func DecodeFeedback(body []byte) (*Feedback, error) {
	if !utf8.Valid(body) {
		return nil, fmt.Errorf("%w: body is not valid UTF-8", ErrMalformed)
	}
	v, err := parse(body)
	if err != nil {
		return nil, err
	}
	var d decoder
	var f Feedback
	if m, ok := d.object(v, "", "rating", "reason", "edited_bio", "comment"); ok {
		f.Rating = d.oneOf(m, "rating", []string{RatingUp, RatingDown}, true)
		f.Reason = d.oneOf(m, "reason", Reasons, false)
		f.EditedBio = d.raw(m, "edited_bio", MaxEditedBio)
		f.Comment = d.str(m, "comment", "", MaxComment, false)
	}
	if len(d.errs) > 0 {
		sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Pointer < d.errs[j].Pointer })
		return nil, &ValidationError{Fields: d.errs}
	}
	return &f, nil
}

// oneOf reads a string that must be one of allowed.
func (d *decoder) oneOf(m map[string]any, key string, allowed []string, required bool) string {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			d.fail("/"+key, "is required: one of %s", strings.Join(allowed, ", "))
		}
		return ""
	}
	s, ok := v.(string)
	if !ok || !slices.Contains(allowed, s) {
		if !ok || s != "" || required {
			d.fail("/"+key, "must be one of %s", strings.Join(allowed, ", "))
		}
		return ""
	}
	return s
}

// raw reads an optional string of at most max characters as it was sent:
// a bio's text keeps its line breaks.
func (d *decoder) raw(m map[string]any, key string, max int) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail("/"+key, "must be a string")
		return ""
	}
	if n := utf8.RuneCountInString(s); n > max {
		d.fail("/"+key, "must be at most %d characters; got %d", max, n)
		return ""
	}
	return s
}
