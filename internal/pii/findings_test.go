package pii

import (
	"errors"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/pii/canary"
)

// sendSummary pseudonymises a profile of name and user id whose summary is
// text, and returns the summary sent and the Mapping.
func sendSummary(t *testing.T, name, userID, text string) (string, *Mapping, *bio.Request) {
	t.Helper()
	req := &bio.Request{UserID: userID, Options: bio.DefaultOptions,
		Profile: bio.Profile{Name: name, CurrentRole: "Engineer", ExperienceSummary: text}}
	out, m, _ := Pseudonymise(req)
	return out.Profile.ExperienceSummary, m, out
}

// TestFindings writes each finding of the second adversarial review (its
// section in the name) into a summary and checks with the canary's oracle
// that none of its identifiers leaves.
func TestFindings(t *testing.T) {
	f := func(finding, name, text string, ids []string, phones ...string) {
		t.Helper()
		got, _, out := sendSummary(t, name, "w-10423", text)
		c := canary.Case{Identifiers: ids, Phones: phones}
		if leaks := c.Leaks(got + "\n" + out.Profile.Name); len(leaks) > 0 {
			t.Errorf("%s: %q sent as %q: %q left", finding, text, got, leaks)
		}
	}
	ada := []string{"Ada", "Okafor"}
	// A3: parts of one character of a name written with spaces.
	f("A3", "王 伟", "王 伟 leads the data team; 王经理.", []string{"王", "伟"})
	f("A3", "王 秀英", "王 秀英 leads.", []string{"王", "秀英"})
	f("A3", "김 민수", "김 민수 leads.", []string{"김", "민수"})
	// A4: phone numbers.
	for _, ph := range []string{"415–555–2671", "415\u2011555\u20112671", "415‐555‐2671", "415·555·2671", "415_555_2671",
		"415,555,2671", "[415] [555] [2671]", "४१५५५५२६७१", "٤١٥٥٥٥٢٦٧١", "four one five five five five two six seven one",
		"4 1 5 5 5 5 2 6 7 1", "(415) 555-2671"} {
		f("A4", "Ada Okafor", "Hotline "+ph+".", ada, "4155552671")
	}
	for _, ph := range []string{"+44 2O 7946 O958", "London, +44 20‑7946‑0958", "+٤٤ ٢٠ ٧٩٤٦ ٠٩٥٨"} {
		f("A4", "Ada Okafor", "Call "+ph+".", ada, "2079460958")
	}
	f("A4", "Ada Okafor", "Mobile ٠٧٩٤٦٠٩٥٨٠", ada, "794609580")
	// A5: e-mail addresses and handles.
	for _, e := range []string{"zofia.k88 at gmail dot com", "zbk88 at contoso.com", "zbk88@contoso", "zbk88<at>contoso<dot>com",
		"zbk88 @ contoso . com", "zbk88 AT contoso DOT com", "zbk88@[10.0.0.7]", `"zbk88"@contoso.com`, "zbk88%40contoso.com",
		"zbk88&#64;contoso.com", "zbk88(work)@contoso.com", "zbk88 arobase contoso point com", "Slack @zbk88", "bluefox at gmail.com"} {
		f("A5", "Ada Okafor", "Reach me: "+e+".", append([]string{"zbk88", "zofia", "bluefox"}, ada...))
	}
	// A6: parts inside longer words and handles.
	for _, s := range []string{"OkaforTech Solutions", "GitHub okafor83, Kaggle ada1990", "Twitter @ngoziokafor", "AdaLabs", "@okaforada",
		"adangozi", "OkaforA", "AdaO", "Okafor2 Capital", "BabatundeKowalczyk Ltd"} {
		f("A6", "Ada Ngozi Okafor", s, []string{"Ada", "Ngozi", "Okafor"})
	}
	f("A6", "Jean-Luc Moreau", "@JeanLuc and JeanLucM", []string{"Jean", "Luc", "Moreau"})
	f("A6", "Zofia Babatunde-Kowalczyk", "BabatundeKowalczyk Ltd", []string{"Babatunde", "Kowalczyk"})
	// A7: other scripts, inflections, nicknames, particles, look-alikes.
	for _, s := range []string{"Chinese name: 王秀英.", "Известна как Ада Окафор", "エイダ・オカフォー", "Nagroda im. Okafora", "Okaforową",
		"Okаfor", "ΟΚΑFΟR", "ᴏᴋᴀꜰᴏʀ", "Oka\u20DDfor", "Oka-\nfor", "O K A F O R", "O.K.A.F.O.R.", "Ok af or", "0kaf0r", "Ms. Okafor's"} {
		f("A7", "Ada Okafor", s, append([]string{"Ада", "Окафор", "王秀英", "エイダ", "オカフォー", "0kaf0r"}, ada...))
	}
	f("A7", "Mikko Virtanen", "Virtasen palkinto", []string{"Virtasen"})
	f("A7", "Katherine Mbeki", "Mentored by Kate, who later joined Bob at Contoso.", []string{"Kate", "Bob"})
	f("A7", "Rahul Das Sharma", "Mr. Das leads; DAS award.", []string{"Das"})
	f("A7", "Nguyen Van Anh", "Van Anh leads; Mr. Van.", []string{"Van", "Anh"})
	f("A7", "Dame Folake Adeyemi", "Dame Adeyemi leads.", []string{"Dame", "Adeyemi"})
	f("A7", "Дмитрий Иванов", "Dmitry Ivanov (Дмитрий Иванов) leads.", []string{"Dmitry", "Ivanov", "Дмитрий", "Иванов"})
	// A8: URLs.
	for _, u := range []string{"https%3A%2F%2Fwww.linkedin.com%2Fin%2Fzbk88-4821", "zbk88[.]dev", "linkedin[.]com/in/zbk88",
		"linkedin.com/in/ zbk88", "zbk88 . dev", "zbk88 dot dev", "zbk88.internal/cv", "zbk88.dеv", `linkedin.com\in\zbk88`,
		"LinkedIn: /in/zbk88", "bluefox dot dev"} {
		f("A8", "Ada Okafor", "Profile "+u+".", append([]string{"zbk88", "bluefox"}, ada...))
	}
}

// TestUserIDSpellings checks the user id in other spellings (A9), and that
// a short id or a number that only looks like it stays.
func TestUserIDSpellings(t *testing.T) {
	f := func(userID, text, want string) {
		t.Helper()
		if got, _, _ := sendSummary(t, "Ada Okafor", userID, text); got != want {
			t.Errorf("user id %q: %q sent as %q; want %q", userID, text, got, want)
		}
	}
	f("EMP000123", "HR number EMP-000123.", "HR number.")
	f("EMP000123", "HR number 000123 and 123.", "HR number and 123.")
	f("w-10423", "Staff W 10423, w.10423, W_10423, number 10423.", "Staff, number.")
	f("u12345.okta", "Logs in as u12345_okta.", "Logs in as.")
	f("hr:12345x", "Staff hr 12345x and hr-12345x.", "Staff and.")
	f("ada.okafor", "Ada Okafor, ada.okafor.", "Jordan Avery.")
	f("ab1", "ab 1 and ab1.", "ab 1 and.")
}

// TestSafeNumbers checks which numbers leave as they are and which as
// placeholders, restored (A10).
func TestSafeNumbers(t *testing.T) {
	f := func(text, want string) {
		t.Helper()
		got, m, _ := sendSummary(t, "Ada Okafor", "w-1", text)
		if got != want {
			t.Errorf("%q sent as %q; want %q", text, got, want)
		}
		if back := m.Restore(got); back != text {
			t.Errorf("%q restored as %q", text, back)
		}
	}
	f("From 2015-2020, 03/2019 - 04/2021, 2019-03-01 and 01.03.2019 - 30.04.2021.", "From 2015-2020, 03/2019 - 04/2021, 2019-03-01 and 01.03.2019 - 30.04.2021.")
	f("Grew revenue 40% to $1,200,000 and €4.5M; 10-15 people; 3.5 stars; 1,200,000 users; 2019 2020 2021.",
		"Grew revenue 40% to $1,200,000 and €4.5M; 10-15 people; 3.5 stars; 1,200,000 users; 2019 2020 2021.")
	f("Served 5000-10000 users and 3400000 devices; USD 1500000; 12500000 EUR.",
		"Served Term1 users and Term2 devices; USD Term3; Term4 EUR.")
	f("ISBN 978-3-16-148410-0.", "ISBN Term1.")
	// Numbers in a row that a detector missed are one placeholder.
	_, m, _ := sendSummary(t, "Ada Okafor", "w-1", "")
	var c counts
	if got := m.deny("order 4821 3377 1234 9876, 1 200 000 and 2019 2020", false, &c); got != "order Term1, 1 200 000 and 2019 2020" {
		t.Errorf("numbers in a row sent as %q", got)
	}
	f("B.Com from Infosys Pvt.Ltd, skilled in Akka.NET and ASP.NET.", "Term1 from Term2 Term3, skilled in Term4 and ASP.NET.")
}

// TestPronounParts checks that a part of the name spelled as a pronoun
// does not rewrite the pronouns (false positive 5), and is replaced where
// it reads as a name.
func TestPronounParts(t *testing.T) {
	req := &bio.Request{UserID: "w-1", Options: bio.DefaultOptions, Profile: bio.Profile{Name: "He Jun", Pronouns: "he/him",
		CurrentRole: "Engineer", ExperienceSummary: "He Jun leads; he mentors, and Mr. He is kind. Jun He writes."}}
	out, m, _ := Pseudonymise(req)
	if out.Profile.Pronouns != "he/him" {
		t.Errorf("pronouns sent as %q", out.Profile.Pronouns)
	}
	if want := "Jordan Avery leads; he mentors, and Mr. Jordan is kind. Avery Jordan writes."; out.Profile.ExperienceSummary != want {
		t.Errorf("summary sent as %q; want %q", out.Profile.ExperienceSummary, want)
	}
	if got := m.Restore(out.Profile.ExperienceSummary); got != req.Profile.ExperienceSummary {
		t.Errorf("restored %q", got)
	}
	req.Profile.Name, req.Profile.Pronouns = "Ada She", "she/her"
	if out, _, _ := Pseudonymise(req); out.Profile.Pronouns != "she/her" {
		t.Errorf("pronouns sent as %q", out.Profile.Pronouns)
	}
}

// TestLanguageNamePart checks that a language tag that is a part of the
// name is sent as the language's English name (A14).
func TestLanguageNamePart(t *testing.T) {
	f := func(name, tag, want string) {
		t.Helper()
		req := &bio.Request{UserID: "w-1", Options: bio.Options{Language: tag}, Profile: bio.Profile{Name: name, CurrentRole: "Engineer"}}
		if out, _, _ := Pseudonymise(req); out.Options.Language != want {
			t.Errorf("name %q, language %q sent as %q; want %q", name, tag, out.Options.Language, want)
		}
	}
	f("Ada Okafor", "ada", "Adangme")
	f("Min-su Kim", "kim", "und") // no English name
	f("Ada Okafor", "fr-CA", "fr-CA")
}

// TestPlaceholderRestore checks that placeholders come back in any case
// and with a possessive, streamed or not, and that one never sent makes
// the answer invalid.
func TestPlaceholderRestore(t *testing.T) {
	sent, m, _ := sendSummary(t, "Ada Okafor", "w-1", "Ada built Contoso's platform on Akka.NET with Grünwald.")
	if sent != "Jordan built Term1's platform on Term2 with Term3." {
		t.Fatalf("sent %q", sent)
	}
	answer := "Jordan Avery led TERM1 and term2 at Term3's lab; Term1s."
	want := "Ada Okafor led CONTOSO and Akka.NET at Grünwald's lab; Contosos."
	if got, err := m.RestoreChecked(answer); got != want || err != nil {
		t.Fatalf("RestoreChecked = %q, %v; want %q", got, err, want)
	}
	for size := 1; size < 9; size++ {
		var got strings.Builder
		r := m.Restorer(func(s string) { got.WriteString(s) })
		for i := 0; i < len(answer); i += size {
			r.Write(answer[i:min(i+size, len(answer))])
		}
		r.Close()
		if got.String() != want || r.Err() != nil {
			t.Fatalf("chunks of %d: %q, %v", size, got.String(), r.Err())
		}
	}
	if _, err := m.RestoreChecked("Jordan led Term4 and Term12."); !errors.Is(err, ErrInventedPlaceholder) {
		t.Fatalf("an invented placeholder: %v", err)
	}
	r := m.Restorer(func(string) {})
	r.Write("Jordan led Ter")
	r.Write("m40.")
	r.Close()
	if !errors.Is(r.Err(), ErrInventedPlaceholder) {
		t.Fatalf("Restorer: an invented placeholder: %v", r.Err())
	}
	// The same word is the same placeholder in what Forward sends later.
	if got := m.Forward("Contoso and Akka.NET, then Fabrikam"); got != "Term1 and Term2, then Term4" {
		t.Fatalf("Forward: %q", got)
	}
}

// TestDenyWords checks what the second layer lets out as it is.
func TestDenyWords(t *testing.T) {
	f := func(text, want string) {
		t.Helper()
		if got, _, _ := sendSummary(t, "Ada Okafor", "w-1", text); got != want {
			t.Errorf("%q sent as %q; want %q", text, got, want)
		}
	}
	f("She led engineering teams of 12 in Lagos, Nigeria, using Go, C++, C# and Node.js; e.g. CI/CD on AWS.",
		"She led engineering teams of 12 in Lagos, Nigeria, using Go, C++, C# and Node.js; e.g. CI/CD on AWS.")
	f("Mentored by Bob and Grant; Will joined. Bob left.", "Mentored by Term1 and Term2; Will joined. Bob left.")
	f("Worked with June in June 2020 at Canada's Kraków-based lab.", "Worked with June in June 2020 at Canada's Term1-based lab.")
	f("She doesn't; it's Jordan's.", "She doesn't; it's Term1's.")
	f("Initials AO, A.O. and Q1, 5G.", "Initials Term1, Term2. and Q1, 5G.")
	// Short words in a row that spell something.
	f("Handle zb k8 8 and z b k 8 8; Ok af or; Ad a.", "Handle and; Avery; Jordan.")
	f("Call sign zulu bravo kilo eight eight, Echo Delta; one of two.", "Call sign, Echo Delta; one of two.")
	f("Spelled 🇿🇧🇰 and ⠵⠃⠅ 🚀, 40°, ©, → and ≤ 5.", "Spelled and, 40°, ©, → and ≤ 5.")
	f("Привет, мир", "Term1, Term2")
}

// TestCaseApart checks the first finding of the third adversarial review:
// words that differ only in case are different facts ("100 Mbps", "400
// MBps"), each with its own placeholder, restored as written; a
// placeholder itself is restored in any case.
func TestCaseApart(t *testing.T) {
	text := "Links from 100 Mbps to 400 MBps; stored 40 MWh, standby 3 mWh; dose 3 mSv, not 3 MSv; Zqx, ZQX and zqx."
	sent, m, _ := sendSummary(t, "Rose Baker", "w-10423", text)
	if back := m.Restore(sent); back != text {
		t.Fatalf("%q sent as %q, restored %q", text, sent, back)
	}
	for _, pair := range [][2]string{{"mSv", "MSv"}, {"Zqx", "ZQX"}, {"ZQX", "zqx"}} {
		a, ok := m.ph.existing(pair[0])
		b, ok2 := m.ph.existing(pair[1])
		if !ok || !ok2 || a == b {
			t.Errorf("%q and %q share a placeholder (%q, %q) in %q", pair[0], pair[1], a, b, sent)
		}
	}
	ph, _ := m.ph.existing("mSv")
	upper := strings.ToUpper(ph)
	if got := m.Restore("3 " + strings.ToLower(ph) + "'s and " + upper); got != "3 mSv's and MSV" {
		t.Errorf("the placeholder in other cases restored as %q", got)
	}
}

// TestCorrectionIsOurs checks the third finding of the third review: the
// correction is biogen's own text, sent with the name and the user id
// replaced and the profile's pronouns as the placeholders they were sent
// as, its other words as written; and everyday words the lexicon lacks
// leave as they are.
func TestCorrectionIsOurs(t *testing.T) {
	req := &bio.Request{UserID: "w-10423", Options: bio.DefaultOptions, Profile: bio.Profile{Name: "Ada Okafor",
		Pronouns: "Zbk/Zbkk", CurrentRole: "Engineer", ExperienceSummary: "Builds the bio app for alumni, an alum, behind a firewall with a placeholder; the organisation's metadata."}}
	out, m, _ := Pseudonymise(req)
	if got := out.Profile.ExperienceSummary; got != req.Profile.ExperienceSummary {
		t.Errorf("everyday words sent as %q", got)
	}
	if strings.Contains(out.Profile.Pronouns, "bk") {
		t.Fatalf("pronouns sent as %q", out.Profile.Pronouns)
	}
	correction := "Your previous answer was rejected (it used pronouns other than zbk/zbkk). Write the bio again for Ada Okafor (w-10423), following every instruction, and answer with the bio text only, in Markdownish."
	got := m.ForwardInstruction(correction)
	want := "Your previous answer was rejected (it used pronouns other than " + out.Profile.Pronouns +
		"). Write the bio again for Jordan Avery, following every instruction, and answer with the bio text only, in Markdownish."
	if got != want {
		t.Errorf("the correction sent as\n%q; want\n%q", got, want)
	}
	// The earlier answer is the model's: it is scrubbed whole.
	if got := m.Forward("Zbk Okafor leads Fabrikam."); strings.Contains(got, "Zbk") || strings.Contains(got, "Okafor") || strings.Contains(got, "Fabrikam") {
		t.Errorf("the earlier answer sent as %q", got)
	}
}

// TestFindingsThird writes each finding of the third adversarial review
// about what leaves into a summary and checks with the canary's oracle that
// none of its identifiers leaves; and that FindContacts, which the output
// checks use, finds the contact details among them, and not prose that
// looks like them.
func TestFindingsThird(t *testing.T) {
	f := func(finding, name, text string, ids ...string) {
		t.Helper()
		got, _, out := sendSummary(t, name, "w-10423", text)
		c := canary.Case{Identifiers: ids}
		if leaks := c.Leaks(got + "\n" + out.Profile.Name); len(leaks) > 0 {
			t.Errorf("%s: %q sent as %q: %q left", finding, text, got, leaks)
		}
	}
	contacts := func(text string, want ...string) {
		t.Helper()
		var got []string
		for _, c := range FindContacts(bio.Fold(text)) {
			got = append(got, string(c.Kind)+":"+c.Key)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("FindContacts(%q) = %q; want %q", text, got, want)
		}
	}
	// 2: hosts with other dots, a dot in capitals, a spaced bullet.
	for _, s := range []string{"Site penguin。io", "Site penguin｡io", "penguin․io", "penguin﹒io", "penguin⸳io", "penguin܂io",
		"penguin・io", "Blog penguin DOT io", "Site penguin • io", "penguin • io", "Blog: penguin dot io", "PENGUIN。io"} {
		f("2", "Ada Okafor", s, "penguin")
		contacts(s, "url:penguin.io")
	}
	f("2", "Ada Okafor", "adaokafor。dev and linkedin。com/in/adaokafor", "adaokafor", "linkedin")
	contacts("adaokafor。dev and linkedin。com/in/adaokafor", "url:adaokafor.dev", "url:linkedin.com/in/adaokafor")
	// 2: handles after a platform's name or "@ ".
	for s, key := range map[string]string{"Handle @ purple_penguin": "purple_penguin", "GitHub: purple-penguin": "purple-penguin",
		"X (Twitter): purple_penguin": "purple_penguin", "Skype: purple.penguin": "purple.penguin",
		"Find me on GitHub as purple-penguin": "purple-penguin", "My Twitter handle is purple_penguin.": "purple_penguin",
		"GitHub user name: Purple-Penguin": "purple-penguin", "Kaggle: purple88": "purple88", "github: purple-penguin": "purple-penguin"} {
		f("2", "Ada Okafor", s, "purple_penguin", "purple-penguin", "purple.penguin", "purple88")
		contacts(s, "handle:@"+key)
	}
	// An address at a mail service written without its domain.
	f("2", "Ada Okafor", "Email purple.penguin at gmail.", "purple.penguin")
	contacts("Email purple.penguin at gmail.", "email:purple.penguin@gmail")
	// Prose that looks like them is none.
	for _, s := range []string{"Skills: Python • Cloud • Security", "skills: python • go • ai", "a dot com company",
		"3 teams @ Contoso. Led 12", "GitHub: 1,200 stars; YouTube: 10k subscribers", "on GitHub as well; Medium: articles on Go",
		"at 10:30; x: the axis", "我在公司工作。公司很大。", "Ratio 3。5", "Signal: clear", "medium: oil", "负责AI。AWS认证",
		"熟悉Kafka。Python", "the DOT com era", "Go • AI • Kubernetes • Cloud", "verify LinkedIn: certifications", "Handle @ contoso",
		"shipped features at Outlook", "Ada Okafor at Gmail"} {
		contacts(s)
	}
}

// TestStandInInitials checks the fourth finding of the third review: the
// stand-in's initial before a stand-in part is restored as the person's
// ("J. Avery" is "A. Okafor", not "J. Okafor") and the person's is sent
// as the stand-in's; the parts joined in the other order restore too; and
// an answer holding a placeholder the model mangled is invalid.
func TestStandInInitials(t *testing.T) {
	sent, m, _ := sendSummary(t, "Ada Okafor", "w-10423", "A. Okafor and A.Okafor; OkaforAda.")
	if sent != "J. Avery and J.Avery; AveryJordan." {
		t.Errorf("initials sent as %q", sent)
	}
	if got := m.Restore("J. Avery and Dr. J. Avery, J.Avery, j. avery, AveryJordan; Jordan Avery."); got != "A. Okafor and Dr. A. Okafor, A.Okafor, a. okafor, OkaforAda; Ada Okafor." {
		t.Errorf("initials restored as %q", got)
	}
	// Another J. Okafor leaves as A. Avery and comes back as J. Okafor;
	// any other initial is left as it is.
	sent, m, _ = sendSummary(t, "Ada Okafor", "w-10423", "With J. Okafor and K. Okafor.")
	if sent != "With A. Avery and K. Avery." || m.Restore(sent) != "With J. Okafor and K. Okafor." {
		t.Errorf("other initials sent as %q, restored %q", sent, m.Restore(sent))
	}
	sent, m3, _ := sendSummary(t, "Ada Ngozi Okafor", "w-10423", "A. N. Okafor, Ada N. Okafor")
	if sent != "J. A. Casey, Jordan A. Casey" {
		t.Errorf("three parts: initials sent as %q", sent)
	}
	if got := m3.Restore("J. Casey, J. A. Casey and Jordan A. Casey"); got != "A. Okafor, A. N. Okafor and Ada N. Okafor" {
		t.Errorf("three parts: initials restored as %q", got)
	}
	_, mw, _ := sendSummary(t, "王 伟", "w-10423", "")
	if got := mw.Restore("J. Avery and Jordan Avery"); got != "王 伟 and 王 伟" {
		t.Errorf("a name without initials: %q", got)
	}
	// Placeholders mangled: no word to restore them to.
	sent, m, _ = sendSummary(t, "Ada Okafor", "w-10423", "Led Contoso's Term 2 launch; long-term 5-year plans.")
	if strings.Contains(sent, "Term 2") || m.Restore(sent) != "Led Contoso's Term 2 launch; long-term 5-year plans." {
		t.Errorf("a profile's own Term 2 sent as %q, restored %q", sent, m.Restore(sent))
	}
	for _, answer := range []string{"Jordan led xTerm1.", "Jordan led Term１.", "Jordan led Term٣.", "Jordan led Term 1.", "Jordan led TERM-1.",
		"Jordan led Term_1.", "Jordan led Term\u00A01."} {
		if _, err := m.RestoreChecked(answer); !errors.Is(err, ErrInventedPlaceholder) {
			t.Errorf("%q restored without error (%v)", answer, err)
		}
		for size := 1; size < 8; size++ {
			r := m.Restorer(func(string) {})
			for i := 0; i < len(answer); i += size {
				r.Write(answer[i:min(i+size, len(answer))])
			}
			r.Close()
			if !errors.Is(r.Err(), ErrInventedPlaceholder) {
				t.Errorf("%q in chunks of %d restored without error", answer, size)
			}
		}
	}
	for _, answer := range []string{"Jordan led long-term 5-year plans, Long-Term 5 and a term 2 course.", "Jordan led Term1's launch."} {
		if _, err := m.RestoreChecked(answer); err != nil {
			t.Errorf("%q: %v", answer, err)
		}
	}
}

// TestNicknames checks the fifth finding of the third review: another
// name of the person that is an English word, and the person's initials
// however dotted, do not leave; a placeholder restores them.
func TestNicknames(t *testing.T) {
	f := func(text string, ids ...string) {
		t.Helper()
		got, m, out := sendSummary(t, "William Henry Gates", "w-10423", text)
		c := canary.Case{Identifiers: append(ids, "William", "Henry", "Gates")}
		if leaks := c.Leaks(got + "\n" + out.Profile.Name); len(leaks) > 0 {
			t.Errorf("%q sent as %q: %q left", text, got, leaks)
		}
		if back := m.Restore(got); back != text {
			t.Errorf("%q sent as %q, restored %q", text, got, back)
		}
	}
	f("Bill to friends. Known as Bill; goes by Bill, call me Bill.", "Bill")
	f("BILL GATES leads. Gates, Bill. William 'Bill' Gates.", "Bill")
	f("Will's team ships. William \"Ace\" Gates; friends call him Ace.", "Will", "Ace")
	f("Signed W.H.G.; W. H. G. and WHG; W.G. and WG.", "WHG", "W.H.G", "W. H. G", "W.G", "WG")
	// Prose stays.
	got, _, _ := sendSummary(t, "William Henry Gates", "w-10423", "Known as a leader, she goes by her middle name. Will lead the team.")
	if got != "Known as a leader, she goes by her middle name. Will lead the team." {
		t.Errorf("prose sent as %q", got)
	}
}

// TestInitialsStreamed checks that the Restorer swaps initials however the
// answer is cut.
func TestInitialsStreamed(t *testing.T) {
	_, m, _ := sendSummary(t, "Ada Ngozi Okafor", "w-10423", "")
	answer := "J. Casey and J. A. Casey met Jordan A. Casey; J.Casey too."
	want := m.Restore(answer)
	if want != "A. Okafor and A. N. Okafor met Ada N. Okafor; A.Okafor too." {
		t.Fatalf("Restore = %q", want)
	}
	for size := 1; size < 12; size++ {
		var got strings.Builder
		r := m.Restorer(func(s string) { got.WriteString(s) })
		for i := 0; i < len(answer); i += size {
			r.Write(answer[i:min(i+size, len(answer))])
		}
		r.Close()
		if got.String() != want {
			t.Errorf("chunks of %d: %q", size, got.String())
		}
	}
}
