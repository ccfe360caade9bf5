package sse

import (
	"io"
	"strings"
	"testing"
)

func TestReadAll(t *testing.T) {
	in := ": ping\n\nevent: delta\ndata: {\"text\":\"Ada \"}\n\nevent: reset\ndata: {\"reason\":\"invalid_output\"}\n\n" +
		"event: delta\ndata: {\"text\":\"Ada Okafor\"}\n\n: ping\n\nevent: delta\ndata: {\"text\":\" leads.\"}\n\n" +
		"event: done\ndata: {\"bio\":\"Ada Okafor leads.\",\"source\":\"template\",\"cache\":\"miss\"}\n"
	s, err := ReadAll(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.Text != "Ada Okafor leads." || s.Deltas != 3 || s.Resets != 1 || len(s.Events) != 5 || s.Done == nil ||
		s.Done.Bio != s.Text || s.Done.Source != "template" || s.Error != nil {
		t.Fatalf("got %+v", s)
	}
	s, err = ReadAll(strings.NewReader("event: error\ndata: {\"status\":504,\"code\":\"internal\"}\n\n"))
	if err != nil || s.Error == nil || s.Error.Status != 504 || s.Done != nil {
		t.Fatalf("error event: %+v, %v", s, err)
	}
}

func TestMalformed(t *testing.T) {
	for _, in := range []string{"event: delta\ndata: {nope\n\n", "event: party\ndata: {}\n\n", "garbage\n\n"} {
		if _, err := ReadAll(strings.NewReader(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
	if _, err := NewReader(strings.NewReader("")).Next(); err != io.EOF {
		t.Errorf("empty stream: %v", err)
	}
}
