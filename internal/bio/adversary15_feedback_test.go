package bio

import (
	"errors"
	"strings"
	"testing"
)

// TestAdversary15FeedbackBodies: the limits are characters, not bytes;
// enums are exact (case included); unknown fields and bad types are 422;
// a repeated key is read as its last value, on both parsing paths.
func TestAdversary15FeedbackBodies(t *testing.T) {
	ok := func(body string) *Feedback {
		t.Helper()
		f, err := DecodeFeedback([]byte(body))
		if err != nil {
			t.Errorf("%.80s: %v; want it accepted", body, err)
		}
		return f
	}
	invalid := func(body, ptr string) {
		t.Helper()
		_, err := DecodeFeedback([]byte(body))
		var v *ValidationError
		if !errors.As(err, &v) {
			t.Errorf("%.80s: %v; want a 422", body, err)
			return
		}
		for _, f := range v.Fields {
			if f.Pointer == ptr {
				return
			}
		}
		t.Errorf("%.80s: %v; want a pointer %s", body, v.Fields, ptr)
	}
	ok(`{"rating":"up","comment":"` + strings.Repeat("é", 500) + `"}`) // 1,000 bytes
	ok(`{"rating":"up","comment":"` + strings.Repeat("😀", 500) + `"}`) // 2,000 bytes
	invalid(`{"rating":"up","comment":"`+strings.Repeat("é", 501)+`"}`, "/comment")
	ok(`{"rating":"down","edited_bio":"` + strings.Repeat("ü", 5000) + `"}`)
	invalid(`{"rating":"down","edited_bio":"`+strings.Repeat("a", 5001)+`"}`, "/edited_bio")
	invalid(`{"rating":"UP"}`, "/rating")
	invalid(`{"rating":"up","reason":"Tone"}`, "/reason")
	invalid(`{"rating":"up","reason":"tone "}`, "/reason")
	invalid(`{"rating":"up","extra":1}`, "/extra")
	invalid(`{"rating":"up","comment":5}`, "/comment")
	invalid(`{"rating":"up","rating":"sideways"}`, "/rating")
	invalid(`{"rating":"up","r\u0061ting":"sideways"}`, "/rating")
	if f := ok(`{"rating":"down","rating":"up"}`); f != nil && f.Rating != "up" {
		t.Errorf("repeated key: got %q, want the last", f.Rating)
	}
	if f := ok(`{"rating":"down","r\u0061ting":"up"}`); f != nil && f.Rating != "up" {
		t.Errorf("repeated key, escaped: got %q, want the last", f.Rating)
	}
	if _, err := DecodeFeedback([]byte(`{"rating":"up"`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("truncated JSON: %v; want malformed", err)
	}
}
