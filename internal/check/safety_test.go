package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// reasonsOf runs VerifyReasons on a text that must pass.
func reasonsOf(t *testing.T, req *bio.Request, text string) []string {
	t.Helper()
	_, reasons, err := VerifyReasons(req, text, func() bool { return false }, now)
	if err != nil {
		t.Fatalf("VerifyReasons(%q): %v", text, err)
	}
	return reasons
}

// TestOffensiveOutput: offensive language a model adds is rejected, as
// the streams' gate holds it back; what the profile holds is for review,
// as is a profile that holds it whatever the bio says; a name that is
// also an insult is a name.
func TestOffensiveOutput(t *testing.T) {
	clean := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her"},"options":{"length":"short"}}`)
	for _, add := range []string{
		" She has no patience for idiots.", " Her bullshit detector is legendary.", " She gets sh1t done.",
		" Colleagues call her a total b*tch.", " She fired every moron on the team.", " Ｆｕｃｋ the backlog.",
	} {
		text := goodShort + add
		expect(t, clean, text, ProblemOffensive, false)
		if !Rejects(clean)(text) {
			t.Errorf("the stream gate lets %q through", add)
		}
	}
	if got := reasonsOf(t, clean, goodShort); slices.ContainsFunc(got, func(r string) bool { return strings.Contains(r, "offensive") }) {
		t.Fatalf("a clean bio: %v", got)
	}

	rude := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her",
		"experience_summary":"Fired every idiot on the team. The stupid bastards never shipped."},"options":{"length":"short"}}`)
	// The profile holds it: the bio that repeats it, and the one that
	// does not, are both for a person to read.
	for _, text := range []string{goodShort, goodShort + " She fired every idiot on the team."} {
		got := reasonsOf(t, rude, text)
		if !slices.Contains(got, ReasonOffensive) {
			t.Errorf("%q: reasons %v; want %s", text, got, ReasonOffensive)
		}
	}
	if Rejects(rude)(goodShort + " She fired every idiot on the team.") {
		t.Error("the gate holds back what the profile holds")
	}

	// A person and a company whose names are also insults.
	named := request(t, `{"user_id":"u","profile":{"name":"Dick Butt","pronouns":"he/him","current_role":"Store Manager",
		"company":"Dick's Sporting Goods","years_experience":12,"skills":["Retail"]},"options":{"length":"short"}}`)
	text := "Dick Butt is a Store Manager at Dick's Sporting Goods with 12 years of experience in retail. He runs a busy store, " +
		"keeps the shelves stocked and the team well trained, and is known for calm, practical leadership on the shop floor. " +
		"Dick Butt works closely with regional managers on staffing, merchandising and the customer experience."
	if got := reasonsOf(t, named, text); len(got) != 0 {
		t.Fatalf("names taken for insults: %v", got)
	}
}

// TestProtectedOutput: a protected attribute the profile does not state
// is rejected (and held back from a stream), with a correction that names
// the attribute and not the text; one it states is for review.
func TestProtectedOutput(t *testing.T) {
	clean := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her"},"options":{"length":"short"}}`)
	for add, what := range map[string]string{
		" At 45 years old, she still codes daily.":       "age",
		" A devout Catholic, she volunteers on Sundays.": "religion",
		" She is a breast cancer survivor.":              "health",
		" She is a wheelchair user.":                     "disability",
		" She is a proud mother of two.":                 "family",
		" As a Black woman in tech, she mentors widely.": "ethnicity",
		" She is openly lesbian.":                        "sexual orientation",
	} {
		text := goodShort + add
		_, err := Verify(clean, text, func() bool { return false }, now)
		e, ok := err.(*Error)
		if !ok || e.Problem != ProblemProtected || !strings.Contains(e.Correction(), what) {
			t.Errorf("%q: %v; want %s naming %q", add, err, ProblemProtected, what)
		}
		if !Rejects(clean)(text) {
			t.Errorf("the stream gate lets %q through", add)
		}
	}
	// The profile states it: review.
	held := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her",
		"achievements":["Co-chair of the company's LGBTQ+ network; openly lesbian advocate for inclusive hiring"]},"options":{"length":"short"}}`)
	text := goodShort + " An openly lesbian advocate, she co-chairs the LGBTQ+ network."
	if got := reasonsOf(t, held, text); !slices.Contains(got, ReasonProtected) {
		t.Fatalf("a held attribute: reasons %v; want %s", got, ReasonProtected)
	}
	// The same words about a topic, or a name, state nothing.
	topic := request(t, `{"user_id":"u","profile":{"name":"Christian Dior","pronouns":"he/him","current_role":"Oncology Nurse",
		"company":"Northwind Health","years_experience":12,"skills":["Cancer care"]},"options":{"length":"short"}}`)
	nurse := "Christian Dior is an Oncology Nurse at Northwind Health with 12 years of experience in cancer care. He supports patients " +
		"and their families through treatment, coordinates with physicians and pharmacists, and trains new nurses on the ward. " +
		"Christian Dior is known for steady, compassionate care and careful attention to detail on every shift."
	if got := reasonsOf(t, topic, nurse); len(got) != 0 {
		t.Fatalf("a topic read as an attribute: %v", got)
	}
}

// TestRepeated: the template writer's text is for review when it repeats
// a protected attribute from the profile, and not for the profile's names.
func TestRepeated(t *testing.T) {
	req := request(t, `{"user_id":"u","profile":{"name":"Christian Dior","pronouns":"he/him","current_role":"Engineer","company":"Dick's Sporting Goods"},"options":{}}`)
	if got := Repeated(req, "Christian Dior is an Engineer at Dick's Sporting Goods."); got != nil {
		t.Fatalf("names: %v", got)
	}
	if got := Repeated(req, "Christian Dior is an Engineer. He is a proud father of two."); !slices.Equal(got, []string{ReasonProtected}) {
		t.Fatalf("an attribute: %v", got)
	}
}

// TestGateReadsWholeWords: the stream gate reads the new text with a
// margin of the old that starts at a word, so a name cut at the margin
// ("Scunthorpe" read as "cunthorpe") never holds a stream back, and a word
// over the cut is still seen.
func TestGateReadsWholeWords(t *testing.T) {
	req := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her","location":"Scunthorpe"},"options":{"length":"short"}}`)
	for cut := 1; cut < 60; cut++ {
		gate := Rejects(req)
		text := strings.Repeat("x", safetyMargin-cut) + " She lives in Scunthorpe and leads the data team with care." +
			strings.Repeat(" She ships.", 2*safetyMargin/10)
		for i := 1; i <= len(text)+6; i += 7 {
			if gate(text[:min(i, len(text))]) {
				t.Fatalf("cut %d: held back at %d: %q", cut, i, text[:min(i, len(text))])
			}
		}
	}
	gate := Rejects(request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her"},"options":{"length":"short"}}`))
	text := goodShort + " She calls the old process shit."
	held := false
	for i := 1; i <= len(text)+4 && !held; i += 5 {
		held = gate(text[:min(i, len(text))])
	}
	if !held {
		t.Fatal("the gate let an insult through")
	}
}
