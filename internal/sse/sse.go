// Package sse reads the server-sent events of a streamed bio answer, for
// the tests, the bench and any Go client: one reader instead of one per
// test.
package sse

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/biogen/biogen/internal/bio"
)

// Event is one server-sent event: its name and its data line.
type Event struct {
	Name, Data string
}

// Reader reads events one at a time.
//
// The zero value is not usable: call NewReader. A Reader is used by one
// goroutine.
type Reader struct {
	sc *bufio.Scanner
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	return &Reader{sc: sc}
}

// Next returns the next event, skipping comments (pings); io.EOF at the
// end of the stream.
func (r *Reader) Next() (Event, error) {
	var ev Event
	for r.sc.Scan() {
		line := r.sc.Text()
		switch {
		case line == "":
			if ev.Name != "" || ev.Data != "" {
				return ev, nil
			}
		case strings.HasPrefix(line, ":"):
			// a comment: the server's ping
		case strings.HasPrefix(line, "event: "):
			ev.Name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			ev.Data = line[len("data: "):]
		default:
			return ev, fmt.Errorf("sse: unexpected line %q", line)
		}
	}
	if err := r.sc.Err(); err != nil {
		return ev, err
	}
	if ev.Name != "" || ev.Data != "" {
		return ev, nil // the last event without its blank line
	}
	return ev, io.EOF
}

// Stream is a whole streamed answer, read by ReadAll.
type Stream struct {
	// Events are the events in order.
	Events []Event
	// Text is the text of the deltas after the last reset: what the
	// client shows at the end.
	Text string
	// Deltas and Resets count those events.
	Deltas, Resets int
	// Done is the done event's response, or nil.
	Done *bio.Response
	// Error is the error event's problem, or nil.
	Error *bio.Problem
}

// ReadAll reads a stream to its end.
func ReadAll(r io.Reader) (*Stream, error) {
	s := &Stream{}
	rd := NewReader(r)
	var text strings.Builder
	for {
		ev, err := rd.Next()
		if err == io.EOF {
			s.Text = text.String()
			return s, nil
		}
		if err != nil {
			return s, err
		}
		s.Events = append(s.Events, ev)
		if err := s.add(ev, &text); err != nil {
			return s, err
		}
	}
}

func (s *Stream) add(ev Event, text *strings.Builder) error {
	var err error
	switch ev.Name {
	case "delta":
		var d bio.Delta
		err = json.Unmarshal([]byte(ev.Data), &d)
		text.WriteString(d.Text)
		s.Deltas++
	case "reset":
		text.Reset()
		s.Resets++
	case "done":
		s.Done = &bio.Response{}
		err = json.Unmarshal([]byte(ev.Data), s.Done)
	case "error":
		s.Error = &bio.Problem{}
		err = json.Unmarshal([]byte(ev.Data), s.Error)
	default:
		return fmt.Errorf("sse: unknown event %q", ev.Name)
	}
	if err != nil {
		return fmt.Errorf("sse: %s event: %w", ev.Name, err)
	}
	return nil
}
