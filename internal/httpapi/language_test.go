package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/telemetry"
)

// TestRequestLanguage: each bio request is counted by the language it asks
// for and its access log line names it, as a label from a closed set: a
// checked language's code, "other" for any other tag, never the tag as
// sent, whose private-use subtag may hold a handle.
func TestRequestLanguage(t *testing.T) {
	ts := startServer(t, testOptions{})
	before := map[string]float64{}
	for _, l := range []string{"en", "de", "other"} {
		before[l] = bioRequests(t, l)
	}
	for _, language := range []string{"", `,"language":"de-x-jsmith"`, `,"language":"sw"`, `,"language":"DE"`} {
		body := strings.Replace(validReq, `"length":"short"`, `"length":"short"`+language, 1)
		if !strings.Contains(body, language) {
			t.Fatalf("cannot set the language of %s", body)
		}
		if r := ts.do("POST", "/v1/bios", keyFull, body); r.status != 200 {
			t.Fatalf("%s: %d %s", language, r.status, r.body)
		}
	}
	for l, want := range map[string]float64{"en": 1, "de": 2, "other": 1} {
		if got := bioRequests(t, l) - before[l]; got != want {
			t.Errorf("biogen_bio_requests_total{language=%q} grew by %v; want %v", l, got, want)
		}
	}
	var got []string
	sc := bufio.NewScanner(strings.NewReader(ts.logs.String()))
	for sc.Scan() {
		var line struct{ Msg, Route, Language string }
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "request" && line.Route == routeBios {
			got = append(got, line.Language)
		}
	}
	if strings.Join(got, " ") != "en de other de" || strings.Contains(ts.logs.String(), "jsmith") {
		t.Fatalf("access log languages %q; want en de other de, and no tag as sent:\n%s", got, ts.logs.String())
	}
}

// bioRequests reads biogen_bio_requests_total for language.
func bioRequests(t *testing.T, language string) float64 {
	t.Helper()
	var b bytes.Buffer
	telemetry.WritePrometheus(&b)
	prefix := `biogen_bio_requests_total{language="` + language + `"} `
	for line := range strings.SplitSeq(b.String(), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	return 0
}
