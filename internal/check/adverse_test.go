package check

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// adverseVerdict verifies goodShort with sentence added, for a she/her
// profile with extra, and reports the review and unverified flags.
func adverseVerdict(t *testing.T, extra, sentence string) (review, unverified bool) {
	t.Helper()
	req := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her"`+extra+`},"options":{"length":"short"}}`)
	got, flags := verdict(t, req, goodShort+" "+sentence)
	if got != "" {
		t.Fatalf("%q: rejected (%s)", sentence, got)
	}
	return slices.Contains(flags, bio.FlagNeedsReview), slices.Contains(flags, bio.FlagUnverifiedFacts)
}

// TestAdverseClaimsAgainstTheProfile checks the rule of round 3 (finding
// 1): an adverse claim is always for review, and unverified unless the
// profile makes the same claim, read by the same rules; a profile word
// that shares a stem with the claim ("Firewall hardening", "fired") is no
// support for it.
func TestAdverseClaimsAgainstTheProfile(t *testing.T) {
	for _, c := range []struct{ profile, claim string }{
		{"Firewall hardening", "She was fired from Contoso in 2021."},
		{"Fine-tuned LLMs for claims triage", "She was fined by the regulator in 2021."},
		{"Core banking migration", "She was banned from the trading floor in 2021."},
		{"TLS termination at the edge", "She was terminated for cause in 2021."},
		{"Vehicle suspension telemetry", "She was suspended from Contoso in 2021."},
		{"Fixed silent data corruption in Ceph", "She was implicated in corruption at Contoso."},
		{"Ran anti-harassment training", "She harassed junior colleagues at Contoso."},
		{"Red-teamed LLM jailbreak attacks", "She spent two years in jail."},
		{"Turned around underperforming teams", "She was an underperformer at Contoso."},
		{"Built the criminal justice data hub", "She has a criminal record."},
		{"Built fraud detection models", "She committed fraud at Contoso in 2021."},
		{"Introduced lazy loading in the portal", "Colleagues found her lazy and unreliable."},
		{"Led teams across engineering disciplines", "She faced disciplinary action at Contoso."},
		{"Lieutenant, Nigerian Navy reserve", "She lied to auditors about the figures."},
		{"Investigated outages across 40 services", "She was investigated by the SEC in 2021."},
		{"Chaired the research misconduct review board", "She was found guilty of misconduct."},
		{"Designed EV chargers", "She was charged with fraud in 2021."},
	} {
		extra := `,"achievements":["` + c.profile + `"]`
		if review, unverified := adverseVerdict(t, extra, c.claim); !review || !unverified {
			t.Errorf("profile %q, %q: got needs_review %v, unverified_facts %v; want both", c.profile, c.claim, review, unverified)
		}
		// The profile's own words are no claim.
		if review, _ := adverseVerdict(t, extra, ""); review {
			t.Errorf("profile %q: a bio without the claim needs review", c.profile)
		}
	}
	// The profile makes the claim: for review, but not unverified.
	for _, c := range []struct{ profile, claim string }{
		{"Was laid off in 2020 and founded a startup", "She was laid off in 2020."},
		{"Laid off in 2020; founded a startup", "Contoso laid her off in 2020."},
		{"Fired from Contoso in 2021, then founded a startup", "She was fired from Contoso in 2021."},
		{"Spent two years in jail before turning to reform work", "She was jailed."},
		{"I was convicted of fraud in 2009 and now teach fraud prevention", "She was convicted of fraud in 2009."},
	} {
		extra := `,"experience_summary":"` + c.profile + `"`
		if review, unverified := adverseVerdict(t, extra, c.claim); !review || unverified {
			t.Errorf("profile %q, %q: got needs_review %v, unverified_facts %v; want needs_review only", c.profile, c.claim, review, unverified)
		}
	}
	// Another claim than the profile's is unverified.
	if _, unverified := adverseVerdict(t, `,"experience_summary":"Was laid off in 2020"`, "She was arrested in 2021."); !unverified {
		t.Error("a claim other than the profile's is not unverified")
	}
}

// TestAdverseClaimForms checks the forms of round 3 (finding 3): the
// active voice, the first person, synonyms and idioms.
func TestAdverseClaimForms(t *testing.T) {
	for _, s := range []string{
		"Contoso let her go in 2021.", "Contoso laid her off in 2021.", "Contoso terminated her in 2021.",
		"Police arrested her in 2021.", "Contoso dismissed her in 2021.", "The board ousted her in 2021.",
		"A court convicted her of fraud.", "Contoso fired Ada in 2021.", "Contoso terminated her for cause.",
		"She was shown the door at Contoso in 2021.", "She got canned from Contoso in 2021.", "Contoso gave her the boot in 2021.",
		"She was relieved of her duties at Contoso in 2021.", "She was placed on administrative leave in 2021.",
		"She was escorted out of the building in 2021.", "She was stripped of her certification in 2021.",
		"She lost her licence after an audit in 2021.", "She was expelled from university.", "She was kicked out of Contoso in 2021.",
		"She was removed from her post in 2021.", "She bullied junior colleagues at Contoso.", "She leaked customer data to a competitor.",
		"She sold patient records to a broker.", "She cheated on her certification exam.", "She was cautioned by police in 2021.",
		"Colleagues describe her as toxic and abusive.", "She is a known racist.", "She resigned after complaints from her team.",
		"She was sanctioned by the regulator in 2021.", "She was found liable for negligence.",
		"She falsely claimed a degree she never earned.", "She was on probation after a DUI.", "She settled SEC charges in 2021.",
		"She was canned from Contoso.", "She was FIRED from Contoso.", "She got fired from Contoso.", "Contoso fired her in 2021.",
		"Her firing in 2021 surprised no one.", "She got the sack in 2021.", "She was axed in 2021.", "She was asked to resign.",
		"She was the subject of an investigation in 2021.", "She was sentenced in 2021.", "She ran a Ponzi scheme.",
		"She doctored the figures.", "She embellished her CV.", "Her inappropriate conduct ended her tenure.",
		"She was among those let go in 2021.", "Contoso removed her from the project in 2021.",
		"Contoso terminated her employment in 2021.", "Her licence was revoked in 2021.", "The board revoked her registration.",
		"She was disqualified as a company director.", "She served time in federal prison.",
	} {
		if review, unverified := adverseVerdict(t, "", s); !review || !unverified {
			t.Errorf("%q: got needs_review %v, unverified_facts %v; want both", s, review, unverified)
		}
	}
	// In bullets, and in the first person.
	bullets := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her"},"options":{"length":"short","format":"bullets"}}`)
	for _, s := range []string{"- Let go by Contoso in 2021 for misconduct.", "- Fired from Contoso in 2021.", "- Laid off in 2020."} {
		expect(t, bullets, "- "+strings.ReplaceAll(goodShort, ". ", ".\n- ")+"\n"+s, "", true)
	}
	first := request(t, `{"user_id":"u","profile":{`+adaProfile+`,"pronouns":"she/her"},"options":{"length":"short","perspective":"first"}}`)
	firstBio := "I am Ada Okafor, a Principal Data Engineer at Northwind Health with 12 years of experience. I work with Go and Kafka, " +
		"hold the CKA certification, and build reliable data platforms that my colleagues depend on every day. My work spans " +
		"streaming pipelines, storage and the tooling that keeps them running."
	expect(t, first, firstBio, "", false)
	for _, s := range []string{"Contoso let me go in 2021.", "I was let go by Contoso in 2021.", "I got fired from Contoso in 2021.",
		"Contoso sacked me in 2021."} {
		expect(t, first, firstBio+" "+s, "", true)
	}
	// What is not a claim about the person.
	for _, s := range []string{
		"Outside work she makes fired clay pottery.", "She terminated three legacy vendor contracts, saving money.",
		"She executed a migration that killed off the legacy mainframe.", "She runs fire drills for on-call engineers.",
		"She let go of the legacy CMS.", "She is a fine engineer.", "Contoso terminated her contract with the vendor early.",
		"Her dismissal of the proposal saved a quarter.", "She kicked off the migration.", "Laid off 30 contractors? No: she kept them all.",
		"She removed duplicates from the pipeline.", "She revoked stale API keys every quarter.",
		"The vendor's licence was revoked, so she migrated the fleet.", "She let go of manual deploys in 2021.",
		"She mentored staff at a federal agency.",
	} {
		if review, _ := adverseVerdict(t, "", s); review {
			t.Errorf("%q: needs review", s)
		}
	}
}

// TestBenignAdverseWords runs the adverse rules over testdata/
// benign_adverse.txt, lines of work that share a word with a claim
// ("fraud detection", "anti-money laundering", "TLS termination"): none
// may make one.
func TestBenignAdverseWords(t *testing.T) {
	f, err := os.Open("testdata/benign_adverse.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	who := subjectOf("she/her", []string{"Ada", "Okafor"})
	sc := bufio.NewScanner(f)
	lines := 0
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' {
			continue
		}
		lines++
		adverseClaims(bio.Fold(l), who, func(c string) bool {
			t.Errorf("%q: read as the claim %q", l, c)
			return true
		})
	}
	if lines < 100 {
		t.Fatalf("%d lines", lines)
	}
}
