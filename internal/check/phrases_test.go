package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// flagsOf verifies the cleaned text for a profile of Ada Okafor with
// extra, and returns the flags but sparse_profile, failing on a
// rejection.
func flagsOf(t *testing.T, pronouns, extra, options, text string) []string {
	t.Helper()
	req := request(t, `{"user_id":"u","profile":{"name":"Ada Okafor","pronouns":"`+pronouns+`","current_role":"Principal Data Engineer",
		"company":"Northwind Health","location":"Lagos, Nigeria","years_experience":12,"skills":["Go","Kafka"],"certifications":["CKA"]`+
		extra+`},"options":{`+options+`}}`)
	text = Clean(text, req.Options.Format)
	// A short text is not what these tests are about: thin says the
	// profile is thin, and the flag that earns is left out.
	flags, err := Verify(req, text, func() bool { return true }, now)
	if err != nil {
		t.Fatalf("%q: %v", text, err)
	}
	return slices.DeleteFunc(flags, func(f string) bool { return f == bio.FlagSparseProfile })
}

const adaGood = "Ada Okafor is a Principal Data Engineer at Northwind Health in Lagos, Nigeria. She has twelve years of experience " +
	"building data platforms, and she builds them with Go and Kafka."

// TestKnownPhrases checks the names of things of round 3 (finding 5) and
// the titles the cache takes for equal (finding 6): written otherwise than
// the profile writes them, they are the profile's; another thing is not.
func TestKnownPhrases(t *testing.T) {
	f := func(extra, sentence string, want bool) {
		t.Helper()
		flags := flagsOf(t, "she/her", extra, `"length":"short"`, adaGood+" "+sentence)
		if got := slices.Contains(flags, bio.FlagUnverifiedFacts); got != want {
			t.Errorf("%s %q: got flags %v; want unverified_facts %v", extra, sentence, flags, want)
		}
	}
	aws := `,"experience_summary":"Runs everything on AWS."`
	// An acronym of the profile, expanded, and the other way round.
	f(aws, "She works daily with Apache Kafka and Amazon Web Services.", false)
	f("", "She is a Certified Kubernetes Administrator.", false)
	f("", "Certified Kubernetes Administrator is her proudest credential.", false)
	f("", "She holds the Certified Kubernetes Administrator (CKA) certification.", false)
	f(`,"experience_summary":"Runs everything on Amazon Web Services."`, "She runs everything on AWS.", false)
	f("", "She is a Certified Kubernetes Security Specialist.", true)
	f(aws, "She works daily with Apache Spark.", true)
	f(aws, "She works daily with Google Cloud.", true)
	// A demonym of a place of the profile.
	f("", "A proud Nigerian, she mentors young engineers in Lagos.", false)
	f("", "A proud Kenyan, she mentors young engineers in Lagos.", true)
	// Titles with their abbreviations expanded, in the bio or the profile,
	// and text written in full-width or zero-width-split letters.
	senior := `,"experience":[{"title":"Senior Data Engineer","company":"Contoso"}]`
	sr := `,"experience":[{"title":"Sr. Data Engineer","company":"Contoso"}]`
	f(senior, "Before that she was a Sr. Data Engineer at Contoso.", false)
	f(sr, "Before that she was a Senior Data Engineer at Contoso.", false)
	f(`,"experience":[{"title":"Snr Data Engineer","company":"Contoso"}]`, "Before that she was a Senior Data Engineer at Contoso.", false)
	f(`,"experience":[{"title":"Engineering Mgr","company":"Contoso Intl"}]`, "Before that she was an Engineering Manager at Contoso International.", false)
	f(`,"experience":[{"title":"SVP, Data","company":"Contoso"}]`, "Before that she was Senior Vice President, Data at Contoso.", false)
	f(`,"experience":[{"title":"Dir. of Mktg","company":"Contoso"}]`, "Before that she was Director of Marketing at Contoso.", false)
	f(senior, "Before that she was a Ｓｅｎｉｏｒ Data Engineer at Con\u200btoso.", false)
	f(`,"experience":[{"title":"Engineer","company":"Macy’s"}]`, "Before that she was an engineer at Macy's.", false)
	f(senior, "Before that she was a Junior Data Engineer at Contoso.", true)
	f(sr, "Before that she was a Staff Data Engineer at Contoso.", true)
	f(senior, "Before that she was a Sr. Staff Engineer at Contoso.", true)
	// Numbers in full-width digits are numbers.
	f("", "She has mentored ７ engineers.", true)
	f(`,"achievements":["Mentored 7 engineers"]`, "She has mentored ７ engineers.", false)
}

// TestPronounsInNames checks round 3's pronouns inside names (finding 5):
// a style ("Her Majesty's") and a name of the profile's free text ("She
// Codes Nigeria") are no pronoun of the person's; elsewhere they are.
func TestPronounsInNames(t *testing.T) {
	he := strings.NewReplacer("She has", "He has", "she builds", "he builds").Replace(adaGood)
	f := func(extra, sentence string, review, unverified bool) {
		t.Helper()
		flags := flagsOf(t, "he/him", extra, `"length":"short"`, he+" "+sentence)
		if slices.Contains(flags, bio.FlagNeedsReview) != review || slices.Contains(flags, bio.FlagUnverifiedFacts) != unverified {
			t.Errorf("%s %q: got flags %v; want needs_review %v, unverified_facts %v", extra, sentence, flags, review, unverified)
		}
	}
	hmrc := `,"experience":[{"title":"Data Lead","company":"HM Revenue & Customs"}]`
	f(hmrc, "At Her Majesty's Revenue and Customs he leads a team of nine.", false, false)
	f(hmrc, "At Her Majesty’s Revenue and Customs he led the data team.", false, false)
	f(hmrc, "He led the data team at HM Revenue & Customs.", false, false)
	f(hmrc, "Her team at HM Revenue & Customs trusts him.", true, false)
	codes := `,"achievements":["Mentor at She Codes Nigeria"]`
	f(codes, "He volunteers as a mentor with She Codes Nigeria.", false, false)
	f(codes, "He mentors at She Codes Nigeria, and she says so.", true, false)
	f("", "He volunteers as a mentor with She Codes Nigeria.", true, true)
}

// TestBulletsWithANameHeading checks a list under a bold heading that is
// the name (round 3, finding 5): the heading is the first bullet, and the
// list passes.
func TestBulletsWithANameHeading(t *testing.T) {
	text := "**Ada Okafor**\n- Principal Data Engineer at Northwind Health in Lagos, Nigeria\n- Twelve years of experience building data platforms\n" +
		"- Works with Go and Kafka every day\n- Certified Kubernetes Administrator (CKA)"
	if flags := flagsOf(t, "she/her", "", `"length":"short","format":"bullets"`, text); len(flags) != 0 {
		t.Fatalf("got flags %v; want none", flags)
	}
	para := "**Ada Okafor**\n\n" + adaGood
	if flags := flagsOf(t, "she/her", "", `"length":"short"`, para); len(flags) != 0 {
		t.Fatalf("paragraph: got flags %v; want none", flags)
	}
}

// TestPossessives: a name in the possessive ("Okafor's", "Northwind
// Health’s") is the profile's name, not an unverified one (the template
// writer writes "Ada Okafor's skill set" for a profile without pronouns);
// an unknown name in the possessive is still unverified.
func TestPossessives(t *testing.T) {
	f := func(sentence string, want bool) {
		t.Helper()
		flags := flagsOf(t, "", "", `"length":"short"`, "Ada Okafor is a Principal Data Engineer at Northwind Health in Lagos, Nigeria. "+sentence)
		if got := slices.Contains(flags, bio.FlagUnverifiedFacts); got != want {
			t.Errorf("%q: got flags %v; want unverified_facts %v", sentence, flags, want)
		}
	}
	f("Ada Okafor's skill set includes Go and Kafka.", false)
	f("Today Ada Okafor’s work keeps Northwind Health's platform running.", false)
	f("Ada Okafor's mentor at Google shaped the approach of Ada Okafor.", true)
	f("Ada Okafor improved Salesforce's data platform.", true)
}
