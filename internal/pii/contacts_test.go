package pii

import (
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

func TestFindContacts(t *testing.T) {
	f := func(text string, want ...string) {
		t.Helper()
		var got []string
		for _, c := range FindContacts(bio.Fold(text)) {
			got = append(got, string(c.Kind)+":"+c.Key)
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("FindContacts(%q) = %q; want %q", text, got, want)
		}
	}
	// E-mail addresses, however written.
	f("write to ada.okafor@contoso.com today", "email:ada.okafor@contoso.com")
	f("Ada.Okafor@Contoso.COM", "email:ada.okafor@contoso.com")
	f("ada＠contoso．com", "email:ada@contoso.com")
	f("ad\u200Ba@con\u200Btoso.com", "email:ada@contoso.com")
	f("ada [at] contoso [dot] com", "email:ada@contoso.com")
	f("ada(at)contoso.com", "email:ada@contoso.com")
	f("josé.garcía@exämple.de", "email:josé.garcía@exämple.de")
	f("ada@contoso.com. Mentored by Ada", "email:ada@contoso.com")
	f("ada @ contoso.com", "email:ada@contoso.com")
	f("3 teams @ Contoso. Led 12")
	// URLs, with a scheme or without.
	f("see https://ada.dev/cv/ now", "url:ada.dev/cv")
	f("linkedin.com/in/ada-okafor and github.com/adaok", "url:linkedin.com/in/ada-okafor", "url:github.com/adaok")
	f("www.Fabrikam.com/blog.", "url:fabrikam.com/blog")
	f("ADAOKAFOR.DEV", "url:adaokafor.dev")
	f("ｌｉｎｋｅｄｉｎ．ｃｏｍ/in/ada", "url:linkedin.com/in/ada")
	// Technologies are not addresses.
	f("ASP.NET, Node.js, Vue.js, C# and Socket.IO")
	f("Cut costs by 40%. Led 12 people.")
	// Phone numbers, confirmed by libphonenumber.
	f("call +44 20 7946 0958", "phone:2079460958")
	f("call 0044 20 7946 0958", "phone:2079460958")
	f("(415) 555-2671", "phone:4155552671")
	f("415.555.2671", "phone:4155552671")
	f("030/1234567", "phone:301234567")
	f("+49 30/1234567", "phone:301234567")
	f("＋４４ ２０ ７９４６ ０９５８", "phone:2079460958")
	f("+234 803 123 4567", "phone:8031234567")
	// A number beside another, or beside other digits.
	f("0161 496 0000 / 0161 496 0001", "phone:1614960000", "phone:1614960001")
	f("12 +44 20 7946 0958  34", "phone:2079460958")
	f("+44 20 7946 0958 2019", "phone:2079460958")
	f("call (415) 555-2671 %", "phone:4155552671") // found by FuzzPseudonymise
	f("call $ +44 20 7946 0958", "phone:2079460958")
	// Dates, ranges, amounts and counts are not.
	f("from 2015-2020, then 2019 - 2023 and 2015/2020")
	f("03/2019 - 04/2021, 2019-03-01")
	f("raised $12000000 and €4 500 000; cut 12345678%")
	f("processed 1,200,000 claims and 3.5 million events")
	f("10-15 people")
	// Spellings that folding leaves (the second adversarial review).
	f("Hotline 415–555–2671", "phone:4155552671")
	f("call 415·555·2671 or 415_555_2671", "phone:4155552671", "phone:4155552671")
	f("call 415,555,2671", "phone:4155552671")
	f("call [415] [555] [2671]", "phone:4155552671")
	f("Mobile ٤١٥٥٥٥٢٦٧١", "phone:4155552671")
	f("call +44 2O 7946 O958", "phone:2079460958")
	f("call four one five five five five two six seven one", "phone:4155552671")
	f("zofia.k88 at gmail dot com", "email:zofia.k88@gmail.com")
	f("zbk88 AT contoso DOT com", "email:zbk88@contoso.com")
	f("zbk88<at>contoso<dot>com", "email:zbk88@contoso.com")
	f("zbk88 @ contoso . com", "email:zbk88@contoso.com")
	f("mail zbk88@contoso", "email:zbk88@contoso")
	f(`"zbk88"@contoso.com`, "email:zbk88@contoso.com")
	f("zbk88%40contoso.com", "email:zbk88@contoso.com")
	f("zbk88&#64;contoso.com", "email:zbk88@contoso.com")
	f("zbk88(work)@contoso.com", "email:zbk88@contoso.com")
	f("zbk88 arobase contoso point com", "email:zbk88@contoso.com")
	f("Slack @zbk88, X @Ada_Okafor", "handle:@zbk88", "handle:@ada_okafor")
	f("zbk88[.]dev and linkedin[.]com/in/ada", "url:zbk88.dev", "url:linkedin.com/in/ada")
	f("zbk88 dot dev", "url:zbk88.dev")
	f(`linkedin.com\in\zbk88`, "url:linkedin.com/in/zbk88")
	f("LinkedIn: /in/zbk88", "url:/in/zbk88")
	f("linkedin.com/in/ zbk88", "url:linkedin.com/in/zbk88")
	f("https%3A%2F%2Fwww.linkedin.com%2Fin%2Fzbk88", "url:linkedin.com/in/zbk88")
	f("zbk88.dеv", "url:zbk88.dev")
	// Prose that only looks like them.
	f("She worked at Contoso for 4 years at a dot com company; pets dot com.")
	f("Degrees B.Com and M.Sc from Infosys Pvt.Ltd; Akka.NET; H2O and CO2; (.) and [at]")
	f("From 01.03.2019 - 30.04.2021, 1000-2000 customers, 5000-10000 users, 2019 2020 2021")
	f("USD 1500000, 12500000 EUR, 3400000 devices, 1 200 000 people, ISBN 978-3-16-148410-0")
}

// TestContactCountry checks that a phone number's calling code is kept
// when it was written with one.
func TestContactCountry(t *testing.T) {
	for text, want := range map[string]string{"+44 20 7946 0958": "44", "0044 20 7946 0958": "44", "(415) 555-2671": "", "+1 415 555 2671": "1"} {
		cs := FindContacts(text)
		if len(cs) != 1 || cs[0].Country != want {
			t.Errorf("FindContacts(%q) = %+v; want country %q", text, cs, want)
		}
	}
}

// TestFindContactsView checks that offsets found in a view cover the
// detail in the text.
func TestFindContactsView(t *testing.T) {
	text := bio.Fold("Mail zbk88%40contoso.com or ٤١٥٥٥٥٢٦٧١, see zbk88 [.] dev.")
	var got []string
	for _, c := range FindContacts(text) {
		got = append(got, text[c.Start:c.End])
	}
	if want := []string{"zbk88%40contoso.com", "٤١٥٥٥٥٢٦٧١", "zbk88 [.] dev"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("details %q; want %q", got, want)
	}
}

// TestFindContactsOffsets checks that every detail's offsets cover exactly
// the detail, so that removing them removes it.
func TestFindContactsOffsets(t *testing.T) {
	text := bio.Fold("Ada (ada@contoso.com, +44 20 7946 0958) blogs at linkedin.com/in/ada; MAILTO:ada@contoso.com.")
	cs := FindContacts(text)
	if len(cs) != 4 {
		t.Fatalf("found %d details: %+v", len(cs), cs)
	}
	for i, want := range []string{"ada@contoso.com", "+44 20 7946 0958", "linkedin.com/in/ada", "MAILTO:ada@contoso.com"} {
		if got := text[cs[i].Start:cs[i].End]; got != want {
			t.Errorf("detail %d covers %q; want %q", i, got, want)
		}
	}
}

// TestPhoneBudget writes a text of digit groups that would make
// libphonenumber parse thousands of candidates, with a phone number at its
// end: the number is removed all the same.
func TestPhoneBudget(t *testing.T) {
	text := strings.Repeat("12 34 56 78 90, ", 150) + "call 0161 496 0000"
	cs := FindContacts(text)
	last := cs[len(cs)-1]
	if got := text[last.Start:last.End]; got != "0161 496 0000" {
		t.Fatalf("last detail %q; want the phone number", got)
	}
}
