package cache

import (
	"context"
	"strings"
	"testing"
	"time"
)

// These tests hold what the second adversarial review of the semantic
// cache found: case, marks and invisible characters that carry meaning,
// traces of another person left by re-personalisation, entries of an older
// normalisation, and facts of the date answered from a repeated body.

func TestNormalizeKeepsMeaningRound2(t *testing.T) {
	differ := [][2]string{
		{"Built a 5 MW solar farm", "Built a 5 mW solar farm"}, {"Cut payload to 2 MB", "Cut payload to 2 Mb"},
		{"Portfolio bit.ly/Ada7Kx", "Portfolio bit.ly/ada7kx"},
		{"300 K", "300 k"}, {"5 ㎿", "5 ㎽"},
		{`Installed 55" displays`, `Installed 55 displays`}, {`Built a 40' yacht`, `Built a 40 yacht`},
		{"Operating margin (12%)", "Operating margin 12%"}, {"EBITDA ($2M)", "EBITDA $2M"}, {"net income of (3.5)", "net income of 3.5"},
		{"Edinburgh \U0001F3F4\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "Edinburgh \U0001F3F4\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
		{"\U0001F3F3\uFE0F\u200D\U0001F308", "\U0001F3F3\U0001F308"}, {"\u0601\u0661\u0669\u0669\u0660", "\u0661\u0669\u0669\u0660"},
		{"4, 500 staff", "4 500 staff"}, {"10.⁵", "10 ⁵"}, {"3,½", "3 ½"}, {"1.(5)", "1 5"},
		{"葛\U000E0100飾", "葛\U000E0101飾"},
		// Round 5: a unit with no number before it, and words whose case
		// changes inside them.
		{"Built a MW-scale battery", "Built a mW-scale battery"}, {"Shipped the iOS app", "Shipped the IOS app"},
		{"Ran the MWh desk", "Ran the mWh desk"},
	}
	for _, p := range differ {
		if a, b := normalize(p[0], false), normalize(p[1], false); a == b {
			t.Errorf("%q and %q both normalise to %q", p[0], p[1], a)
		}
	}
	same := [][2]string{
		{"SENIOR UX DESIGNER", "Senior UX Designer"}, {"HEAD OF IT", "Head of IT"}, {"R&D", "R and D"},
		{"Polish", "polish"}, {"Data", "DATA"}, {"U.S.", "U.S"},
	}
	for _, p := range same {
		if a, b := normalize(p[0], false), normalize(p[1], false); a != b {
			t.Errorf("%q gives %q and %q gives %q; want the same", p[0], a, p[1], b)
		}
	}
	if normalize("VP, Sales", true) == normalize("Vice President, Sales", true) {
		t.Error("VP is expanded; it is also a vice principal")
	}
	if normalize("SR. DATA ENGINEER", true) != normalize("Senior Data Engineer", true) {
		t.Error("an abbreviation in capitals is not expanded")
	}
}

func TestPersonaliseLeavesNoTrace(t *testing.T) {
	f := func(text, from, to string) {
		t.Helper()
		if got, ok := personaliseFor(t, text, from, "", to, ""); ok {
			t.Errorf("%q -> %q: served %q", from, to, got)
		}
	}
	f("Minh Nguyễn is an engineer. Nguyen makes complex systems simple.", "Minh Nguyễn", "Bea Berg")
	f("Jürgen Müller is an engineer. Mueller makes complex systems simple.", "Jürgen Müller", "Bea Berg")
	f("Ada Okafor is an engineer. Known to the team simply as A. O.", "Ada Okafor", "Bea Berg")
	f("Ada Okafor is an engineer. Ada O., as the team calls it, ships.", "Ada Okafor", "Bea Berg")
	f("Mary Jane Watson is an engineer. MJ, as the team calls it, ships.", "Mary Jane Watson", "Bea Berg")
	f("Mary Watson is an engineer. M.W. ships.", "Mary Watson", "Bea Berg")
	f("Ada Okafor is an engineer. A.O ships.", "Ada Okafor", "Bea Berg")
	f("Ada Okafor is an engineer. #AdaOkafor", "Ada Okafor", "Bea Berg")
	f("Ada Okafor is an engineer at OkaforLabs.", "Ada Okafor", "Bea Berg")
	f("Ada Okafor is an engineer. The Okafors ship.", "Ada Okafor", "Bea Berg")
	f("José García is an engineer. Garcia's work ships.", "José García", "Bea Berg")
	f("ADA OKAFOR IS AN ENGINEER. ADA O. SHIPS.", "Ada Okafor", "Bea Berg")
	f("Ada Okafor is the first female engineer on the team.", "Ada Okafor", "Tom Berg")
	f("I am Ada Okafor, one of few female engineers in my field.", "Ada Okafor", "Tom Berg")
	f("Ludwig van Beethoven is a composer. van Beethoven writes.", "Ludwig van Beethoven", "Bea Berg")
	f("Bea Berg is an engineer. Berg ships.", "Bea Berg", "Dr. Tom Lind")
	f("Dr. Bea Berg is an engineer. Bea ships.", "Dr. Bea Berg", "Tom Lind")
	f("I Wayan Sudarta is an engineer.", "I Wayan Sudarta", "Bea Berg")
	f("Okafor, Ada is an engineer.", "Okafor, Ada", "Bea Berg")
	f("Sam Lee is an engineer who mentors xemself.", "Sam Lee", "Bea Berg")
}

// TestOlderFactsNeverAnswer stores an entry as an older version wrote it
// (another factsVersion): it never answers, even under the same class.
func TestOlderFactsNeverAnswer(t *testing.T) {
	c := newCache(t)
	tn := testTenant("user")
	store(t, c, tn, base)
	req := strings.Replace(base, `"Go","Kafka"`, `"Kafka","Go"`, 1)
	if _, kind := lookup(t, c, tn, req); kind != HitSemantic {
		t.Fatalf("current entry: %q", kind)
	}
	q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, base), PromptVersion: "bio-v1", ProvidersKey: "big=m"}
	now := c.now()
	e := &Entry{Tenant: "acme", User: "u1", Name: "Ada Okafor", Bio: "an older bio", Options: q.Req.Options, PromptVersion: "bio-v1",
		ProvidersKey: "big=m", Facts: *q.factsOf(now), FactsVersion: "facts-v2", Created: now, Expires: now.Add(time.Hour)}
	if err := c.sem.Add(context.Background(), e, false); err != nil {
		t.Fatal(err)
	}
	if got, kind := lookup(t, c, tn, req); kind != "" {
		t.Fatalf("an entry of an older normalisation answered: %q %+v", kind, got)
	}
}

// TestBodyAliasEndsWithTheMonth stores a bio whose years are counted from
// dates and answers its body by bytes; at the turn of the month, when the
// years may change, the alias no longer answers.
func TestBodyAliasEndsWithTheMonth(t *testing.T) {
	c := newCache(t)
	now := time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	tn := testTenant("user")
	body := `{"user_id":"u1","profile":{"name":"Ada Okafor","current_role":"Data Engineer","experience":[{"title":"Data Engineer","company":"Acme","start":"2021-11"}]}}`
	store(t, c, tn, body)
	c.AliasBody(&Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, body), PromptVersion: "bio-v1", ProvidersKey: "big=m"}, []byte(body), "scope-1")
	c.Wait()
	if c.LookupBody(tn.ID, tn.Policy, []byte(body), "scope-1") == nil {
		t.Fatal("the alias does not answer the same day")
	}
	now = now.Add(2 * time.Hour)
	if e := c.LookupBody(tn.ID, tn.Policy, []byte(body), "scope-1"); e != nil {
		t.Fatal("the alias answered after the years counted from dates may have changed")
	}
	if _, kind := lookup(t, c, tn, body); kind != "" {
		t.Fatalf("a lookup the next month: %q", kind)
	}
}
