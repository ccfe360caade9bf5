package httpapi

import (
	"errors"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// TestDecodeJobCallback: callback_url is a non-empty string or null; its
// target is checked by the jobs' Submit, not here.
func TestDecodeJobCallback(t *testing.T) {
	item := `{"user_id":"w-1","profile":{"name":"Ada Okafor","current_role":"Engineer"}}`
	f := func(callback, want, wantPointer string) {
		t.Helper()
		body := `{"items":[` + item + `]`
		if callback != "" {
			body += `,"callback_url":` + callback
		}
		_, got, err := decodeJob([]byte(body+"}"), true)
		var ve *bio.ValidationError
		switch {
		case wantPointer == "" && (err != nil || got != want):
			t.Fatalf("%s: got %q, %v; want %q", callback, got, err, want)
		case wantPointer != "" && (!errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Pointer != wantPointer):
			t.Fatalf("%s: got %v; want a validation error at %s", callback, err, wantPointer)
		}
	}
	f("", "", "")
	f("null", "", "")
	f(`"https://hr.example/hooks?token=a"`, "https://hr.example/hooks?token=a", "")
	f(`""`, "", "/callback_url")
	f(`42`, "", "/callback_url")
	f(`["https://hr.example/hooks"]`, "", "/callback_url")
}
