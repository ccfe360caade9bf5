package bio

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeFeedback(t *testing.T) {
	ok := func(body string, want Feedback) {
		t.Helper()
		got, err := DecodeFeedback([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if *got != want {
			t.Fatalf("%s: got %+v; want %+v", body, *got, want)
		}
	}
	ok(`{"rating":"up"}`, Feedback{Rating: "up"})
	ok(`{"rating":"down","reason":"inaccurate","edited_bio":"Line one.\n\nLine two.","comment":"  too   formal "}`,
		Feedback{Rating: "down", Reason: "inaccurate", EditedBio: "Line one.\n\nLine two.", Comment: "too formal"})
	ok(`{"rating":"down","reason":null,"edited_bio":null,"comment":null}`, Feedback{Rating: "down"})
	ok(`{"rating":"up","reason":"","edited_bio":"","comment":""}`, Feedback{Rating: "up"})
	for _, r := range Reasons {
		ok(`{"rating":"down","reason":"`+r+`"}`, Feedback{Rating: "down", Reason: r})
	}
	ok(`{"rating":"up","comment":"`+strings.Repeat("é", MaxComment)+`"}`, Feedback{Rating: "up", Comment: strings.Repeat("é", MaxComment)})
	ok(`{"rating":"up","edited_bio":"`+strings.Repeat("é", MaxEditedBio)+`"}`, Feedback{Rating: "up", EditedBio: strings.Repeat("é", MaxEditedBio)})

	bad := func(body string, pointers ...string) {
		t.Helper()
		_, err := DecodeFeedback([]byte(body))
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: got %v; want a validation error", body, err)
		}
		var got []string
		for _, f := range ve.Fields {
			got = append(got, f.Pointer)
		}
		if !reflect.DeepEqual(got, pointers) {
			t.Fatalf("%s: pointers %q; want %q (%v)", body, got, pointers, ve.Fields)
		}
	}
	bad(`{}`, "/rating")
	bad(`{"rating":null}`, "/rating")
	bad(`{"rating":"meh"}`, "/rating")
	bad(`{"rating":""}`, "/rating")
	bad(`{"rating":"UP"}`, "/rating")
	bad(`{"rating":1}`, "/rating")
	bad(`{"rating":"up","reason":"boring"}`, "/reason")
	bad(`{"rating":"up","reason":7}`, "/reason")
	bad(`{"rating":"up","comment":"`+strings.Repeat("x", MaxComment+1)+`"}`, "/comment")
	bad(`{"rating":"up","comment":["x"]}`, "/comment")
	bad(`{"rating":"up","edited_bio":"`+strings.Repeat("x", MaxEditedBio+1)+`"}`, "/edited_bio")
	bad(`{"rating":"up","edited_bio":{}}`, "/edited_bio")
	bad(`{"rating":"up","stars":5,"a/b":1}`, "/a~1b", "/stars")
	bad(`{"raiting":"up"}`, "/raiting", "/rating")
	bad(`[]`, "")
	bad(`"up"`, "")

	malformed := func(body string) {
		t.Helper()
		if _, err := DecodeFeedback([]byte(body)); !errors.Is(err, ErrMalformed) {
			t.Fatalf("%q: got %v; want malformed JSON", body, err)
		}
	}
	malformed(`{"rating":`)
	malformed(``)
	malformed("{\"rating\":\"up\",\"comment\":\"\xff\"}")
	malformed(`{"rating":"up"} {}`)
}

func FuzzDecodeFeedback(f *testing.F) {
	f.Add([]byte(`{"rating":"down","reason":"tone","edited_bio":"A.\nB.","comment":"c"}`))
	f.Add([]byte(`{"rating":"up","comment":"\u202e\u0000\ud800"}`))
	f.Add([]byte(`{"rating":"up","rating":"down"}`))
	f.Add([]byte("\xff"))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fb, err := DecodeFeedback(body)
		if err != nil {
			var ve *ValidationError
			if !errors.Is(err, ErrMalformed) && !errors.As(err, &ve) {
				t.Fatalf("unexpected error kind %T: %v", err, err)
			}
			return
		}
		// What decodes is valid, and decodes again the same.
		if fb.Rating != RatingUp && fb.Rating != RatingDown || utf8.RuneCountInString(fb.Comment) > MaxComment ||
			utf8.RuneCountInString(fb.EditedBio) > MaxEditedBio {
			t.Fatalf("invalid feedback decoded: %+v", fb)
		}
		b, _ := json.Marshal(fb)
		again, err := DecodeFeedback(b)
		if err != nil || *again != *fb {
			t.Fatalf("round trip: %+v, %v; want %+v", again, err, fb)
		}
	})
}
