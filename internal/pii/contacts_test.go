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
