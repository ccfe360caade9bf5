package writer

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/corpus/corpustest"
	"github.com/biogen/biogen/internal/safety"
)

// TestOffensiveInputLeftOut: offensive profile text never reaches a
// template bio, in any field, however written, and the bio is flagged
// for review with its reason; the facts around it stay.
func TestOffensiveInputLeftOut(t *testing.T) {
	w := Writer{Now: func() time.Time { return testNow }}
	req, err := bio.Decode([]byte(`{"user_id":"u1","profile":{"name":"Sam Lee","pronouns":"he/him","current_role":"Engineering Manager",
		"company":"Contoso","years_experience":10,
		"experience_summary":"Led the payments team for six years. Fired every idiot on the team, the stupid b@stards. Cut release time in half.",
		"skills":["Go","Kafka","Sh1t-talking"],"achievements":["Shipped the billing system","Told the f*cking board where to go"],
		"certifications":["CKA","Certified Dumbass"]},"options":{"length":"long"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range allOptions("en") {
		r := *req
		r.Options = o
		b := w.Write(&r, 0)
		if safety.HasOffensive(b.Text, safety.NoNames) {
			t.Fatalf("%+v: offensive text in the bio:\n%s", o, b.Text)
		}
		for _, bad := range []string{"idiot", "talking", "board", "Dumbass"} {
			if strings.Contains(b.Text, bad) {
				t.Fatalf("%+v: %q in the bio:\n%s", o, bad, b.Text)
			}
		}
		if !slices.Contains(b.Flags, bio.FlagNeedsReview) || !slices.Contains(b.Reasons, bio.FlagNeedsReview+":offensive") {
			t.Fatalf("%+v: flags %v, reasons %v", o, b.Flags, b.Reasons)
		}
	}
	b := w.Write(req, 0)
	for _, fact := range []string{"billing system", "Kafka", "CKA"} {
		if !strings.Contains(b.Text, fact) {
			t.Errorf("the fact %q went with the offensive text:\n%s", fact, b.Text)
		}
	}
}

// TestNoFalseOffensiveFlags: a corpus of clean profiles (the generated one,
// and the shared one when it is there) gets no offensive flag, and names
// that are also insults stay in the bio.
func TestNoFalseOffensiveFlags(t *testing.T) {
	w := Writer{Now: func() time.Time { return testNow }}
	n := 0
	for i, line := range corpustest.Profiles(t, 400) {
		req, err := bio.Decode(line)
		if err != nil {
			t.Fatalf("profile %d: %v", i, err)
		}
		if _, found := safety.WithoutOffensive(req); found {
			continue // an adversarial profile of the corpus
		}
		n++
		if b := w.Write(req, 0); slices.Contains(b.Reasons, bio.FlagNeedsReview+":offensive") {
			t.Errorf("profile %d: flagged offensive:\n%s", i, b.Text)
		}
	}
	t.Logf("%d clean profiles", n)
	req, err := bio.Decode([]byte(`{"user_id":"u1","profile":{"name":"Dick Butt","current_role":"Store Manager","company":"Dick's Sporting Goods","location":"Coon Rapids"}}`))
	if err != nil {
		t.Fatal(err)
	}
	b := w.Write(req, 0)
	if !strings.Contains(b.Text, "Dick's Sporting Goods") || slices.Contains(b.Flags, bio.FlagNeedsReview) {
		t.Fatalf("names taken for insults: %v\n%s", b.Flags, b.Text)
	}
}
