package pii

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/bio"
)

func request(t testing.TB) *bio.Request {
	t.Helper()
	req, err := bio.Decode([]byte(`{"user_id":"w-10423","profile":{"name":"Ada Okafor","current_role":"Engineer","company":"Contoso",
		"experience_summary":"Ada Okafor (ada.okafor@contoso.com, +44 20 7946 0958) builds platforms; see https://ada.dev/cv and id w-10423.",
		"achievements":["Okafor's team cut costs by 40% — call (415) 555-2671"],
		"experience":[{"title":"Engineer","company":"Fabrikam","summary":"Ada wrote www.fabrikam.com/blog"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// sent returns every text of a pseudonymised request, one a line.
func sent(req *bio.Request) string {
	var b strings.Builder
	req.Profile.EachText(func(_ bio.TextField, s *string) { b.WriteString(*s + "\n") })
	return b.String() + req.UserID + "\n" + req.Options.Language
}

// wholeWord reports whether word is in text as a whole word, without
// regard to case or diacritics.
func wholeWord(text, word string) bool {
	found := false
	newKeyed(text).eachMatch([]pair{{from: keyOf(word)}}, func(int, int, pair) { found = true })
	return found
}

func TestPseudonymise(t *testing.T) {
	req := request(t)
	out, m, rec := Pseudonymise(req)
	all := sent(out)
	for _, secret := range []string{"Ada", "Okafor", "ada.okafor@contoso.com", "7946", "ada.dev", "w-10423", "2671", "fabrikam.com"} {
		if strings.Contains(all, secret) {
			t.Fatalf("%q still sent: %s", secret, all)
		}
	}
	if out.Profile.Name != m.StandIn() || m.StandIn() != "Jordan Avery" || !strings.Contains(out.Profile.ExperienceSummary, "Jordan Avery builds platforms") {
		t.Fatalf("profile %+v", out.Profile)
	}
	if got := out.Profile.Achievements[0]; got != "Avery's team cut costs by 40% — call" {
		t.Fatalf("achievement %q", got)
	}
	if rec.Removed["email"] != 1 || rec.Removed["phone"] != 2 || rec.Removed["url"] != 2 || rec.Removed["user_id"] != 1 || !rec.NameReplaced {
		t.Fatalf("record %+v", rec)
	}
	want := "achievements,company,current_role,experience.company,experience.summary,experience.title,experience_summary,name"
	if got := strings.Join(rec.Fields, ","); got != want {
		t.Fatalf("fields %s; want %s", got, want)
	}
	if out.UserID != "" {
		t.Fatalf("user id %q sent", out.UserID)
	}
	// The caller's request is untouched.
	if req.Profile.Name != "Ada Okafor" || !strings.Contains(req.Profile.ExperienceSummary, "ada.okafor@contoso.com") ||
		req.Profile.Achievements[0] != "Okafor's team cut costs by 40% — call (415) 555-2671" {
		t.Fatal("Pseudonymise changed its input")
	}
	// Company and role survive, as placeholders restored in the answer:
	// the bio needs them, and they are no English words.
	if out.Profile.Company != "Term1" || out.Profile.Experience[0].Company != "Term2" ||
		m.Restore(out.Profile.Company+" and "+out.Profile.Experience[0].Company+"'s") != "Contoso and Fabrikam's" {
		t.Fatalf("profile %+v", out.Profile)
	}
}

// TestNameEverywhere puts a name's parts in a profile the ways people and
// adversaries write them and checks that none is sent, and that restoring
// the stand-ins gives the text back.
func TestNameEverywhere(t *testing.T) {
	// Texts that write the name's parts as the name field does, in any
	// case, come back whole.
	roundTrip := map[string]bool{
		"Ngozi leads; NGOZI award; ngozi's team; Okafor Consulting":                       true,
		"Ms. Kowalczyk's plan, the BABATUNDE award, Babatunde-Kowalczyk Ltd, KOWALCZYK'S": true,
		"MADONNA tour, madonna's":                               true,
		"will grant access; Grant Thornton; WILL":               true,
		"van Beethoven's 9th":                                   true,
		"AdaOkafor, adaokafor, AOkafor, ada_okafor, Ada-Okafor": true,
	}
	f := func(name, text string, secrets ...string) {
		t.Helper()
		req := &bio.Request{UserID: "u-1", Options: bio.DefaultOptions,
			Profile: bio.Profile{Name: name, CurrentRole: "Engineer", Achievements: []string{text}}}
		out, m, _ := Pseudonymise(req)
		got := out.Profile.Achievements[0]
		for _, s := range secrets {
			if wholeWord(got, s) || wholeWord(out.Profile.Name, s) || strings.Contains(got, s) {
				t.Errorf("name %q: %q sent in %q (name %q)", name, s, got, out.Profile.Name)
			}
		}
		if back := m.Restore(out.Profile.Name); back != name {
			t.Errorf("Restore(%q) = %q; want %q", out.Profile.Name, back, name)
		}
		if roundTrip[text] {
			if back := m.Restore(got); back != text {
				t.Errorf("Restore(%q) = %q; want %q", got, back, text)
			}
		}
	}
	f("Ada Ngozi Okafor", "Ngozi leads; NGOZI award; ngozi's team; Okafor Consulting", "Ngozi", "Okafor")
	f("Zofia Babatunde-Kowalczyk", "Ms. Kowalczyk's plan, the BABATUNDE award, Babatunde-Kowalczyk Ltd, KOWALCZYK'S", "Babatunde", "Kowalczyk")
	f("Dr. María José García", "Dr. García and Garcia; GARCÍA; josé", "María", "José", "García", "Garcia", "Maria", "Jose")
	f("Łukasz Nowak", "Lukasz and ŁUKASZ and łukasz", "Łukasz", "Lukasz", "Nowak")
	f("Nguyễn Thị Minh", "Nguyen Consulting; NGUYỄN; Thi", "Nguyễn", "Nguyen", "Minh")
	f("Siobhán O'Brien", "O'Brien's book, O’BRIEN, OBrien, obrien, Brien", "O'Brien", "OBrien", "Brien", "Siobhán", "Siobhan")
	f("Madonna", "MADONNA tour, madonna's", "Madonna")
	f("Will Grant", "will grant access; Grant Thornton; WILL", "Will", "Grant")
	f("Ludwig van Beethoven", "van Beethoven's 9th", "Ludwig", "Beethoven")
	f("Ada Okafor", "AdaOkafor, adaokafor, AOkafor, ada_okafor, Ada-Okafor", "AdaOkafor", "AOkafor", "Ada", "Okafor")
	f("Ada Okafor", "Oka\u200Bfor Consulting, Ｏｋａｆｏｒ", "Okafor")
	f("Thanh Le", "Le Consulting", "Le", "Thanh")
	f("A'\u0301\u0301 Okafor", "Okafor's", "Okafor") // a piece of marks alone matches nothing
	// Scripts written without spaces, or with particles joined to names.
	f("李伟", "李伟是工程师, 与李伟的团队", "李伟")
	f("김민수", "김민수는 엔지니어입니다", "김민수")
	f("สมชาย ใจดี", "คุณสมชายเป็นวิศวกร", "สมชาย")
	f("Ada Okafor", "Okafor是工程师，Ada的团队", "Okafor", "Ada")
	// Accents added or changed hide nothing.
	f("Ada Okafor", "Ádá Ökafor, ÓKAFOR, Okàfor's", "Ada", "Okafor")
	f("Ingrid Weiß", "İNGRID WEISS, Ingrid Weiss", "Ingrid", "Weiß", "Weiss")
	f("Þóra Sigurðardóttir", "Thora Sigurdardottir; THÓRA", "Þóra", "Thora", "Sigurðardóttir")
}

func TestUserIDRemoved(t *testing.T) {
	req := &bio.Request{UserID: "w-10423", Options: bio.DefaultOptions, Profile: bio.Profile{Name: "Ada Okafor", CurrentRole: "Engineer",
		Achievements: []string{"Employee W-10423 of the month (ID:w‑10423, w10423)", "aw-104234 stays"}}}
	out, _, rec := Pseudonymise(req)
	got := strings.Join(out.Profile.Achievements, "|")
	if got != "Employee of the month (ID:)|aw-Term1 stays" || rec.Removed["user_id"] != 3 {
		t.Fatalf("got %q, %v", got, rec.Removed)
	}
}

func TestControlsStay(t *testing.T) {
	text := "From 2015-2020 grew revenue 40% to $1,200,000 and €4.5M; 10-15 people; ASP.NET, Node.js and C#; 2019-03 to 2021-04"
	req := &bio.Request{UserID: "w-1", Options: bio.DefaultOptions, Profile: bio.Profile{Name: "Ada Okafor", CurrentRole: "Engineer",
		Achievements: []string{text}, Skills: []string{"ASP.NET", "Node.js"}}}
	out, _, rec := Pseudonymise(req)
	if out.Profile.Achievements[0] != text || len(out.Profile.Skills) != 2 || rec.Removed != nil {
		t.Fatalf("got %q %q %v", out.Profile.Achievements, out.Profile.Skills, rec.Removed)
	}
}

func TestLanguageTag(t *testing.T) {
	f := func(tag, want string) {
		t.Helper()
		req := request(t)
		req.Options.Language = tag
		out, _, _ := Pseudonymise(req)
		if out.Options.Language != want {
			t.Errorf("language %q sent as %q; want %q", tag, out.Options.Language, want)
		}
	}
	f("en", "en")
	f("pt-BR", "pt-BR")
	f("sr-Latn-RS", "sr-Latn-RS")
	f("en-x-okafor", "en")
	f("en-x-babatunde", "und") // a subtag of 9 letters: not a tag
	f("de-DE-u-co-phonebk-x-w10423", "de-DE")
	f("sl-rozaj-biske", "sl")
	f("x-okafor", "und")
	f("not a tag!", "und")
}

func TestOptionsClosed(t *testing.T) {
	req := request(t)
	req.Options = bio.Options{Tone: "Ada Okafor", Length: "long", Format: "w-10423", Perspective: "first", Language: "fr"}
	out, _, _ := Pseudonymise(req)
	want := bio.Options{Tone: bio.ToneFormal, Length: bio.LengthLong, Format: bio.FormatParagraph, Perspective: bio.PerspectiveFirst, Language: "fr"}
	if out.Options != want {
		t.Fatalf("options %+v; want %+v", out.Options, want)
	}
}

func TestStandInAvoidsProfileWords(t *testing.T) {
	req := request(t)
	req.Profile.Skills = []string{"Jordan Avery method"}
	_, m, _ := Pseudonymise(req)
	if m.StandIn() != "Casey Morgan" {
		t.Fatalf("stand-in %q", m.StandIn())
	}
	// A profile holding every stand-in name still gets one of its own.
	req.Profile.Skills = append([]string(nil), standIns...)
	req.Profile.Name = "Jórdan Okafor"
	_, m, _ = Pseudonymise(req)
	for _, part := range strings.Fields(m.StandIn()) {
		if containsFold(standIns, part) || strings.EqualFold(part, "Jordan") {
			t.Fatalf("stand-in %q collides", m.StandIn())
		}
	}
}

func TestForwardScrubsLikeTheProfile(t *testing.T) {
	_, m, _ := Pseudonymise(request(t))
	got := m.Forward("Ada Okafor (ADA.OKAFOR＠CONTOSO．COM, w-10423) leads Okafor's team; see linkedin.com/in/ada.")
	if got != "Jordan Avery leads Avery's team; see." {
		t.Fatalf("Forward: %q", got)
	}
	var zero Mapping
	if got := zero.Forward("Ada at ada@contoso.com, Contoso"); got != "Ada at, Term1" || zero.Restore(got) != "Ada at, Contoso" {
		t.Fatalf("zero Forward: %q", got)
	}
	if got := zero.Restore("Jordan"); got != "Jordan" {
		t.Fatalf("zero Restore: %q", got)
	}
}

func TestRestore(t *testing.T) {
	req := request(t)
	req.Profile.Name = "Zofia Łukasz-Kowalczyk"
	_, m, _ := Pseudonymise(req)
	if m.StandIn() != "Jordan Avery-Casey" {
		t.Fatalf("stand-in %q", m.StandIn())
	}
	answer := "Jordan Avery-Casey is an Engineer at Contoso. JORDAN builds platforms, and Ms. Casey's team (avery) cut costs. Jordanian AveryCasey"
	want := "Zofia Łukasz-Kowalczyk is an Engineer at Contoso. ZOFIA builds platforms, and Ms. Kowalczyk's team (łukasz) cut costs. Jordanian AveryCasey"
	if got := m.Restore(answer); got != want {
		t.Fatalf("Restore: %q", got)
	}
	for size := 1; size < 14; size++ {
		var got strings.Builder
		r := m.Restorer(func(s string) {
			if !utf8.ValidString(s) {
				t.Fatalf("chunks of %d: emitted invalid UTF-8 %q", size, s)
			}
			got.WriteString(s)
		})
		for i := 0; i < len(want); i += size {
			// Cut the restored text's bytes anywhere, even inside a rune:
			// the Restorer must pass a real name through untouched.
			r.Write(want[i:min(i+size, len(want))])
		}
		r.Close()
		if got.String() != want {
			t.Fatalf("pass-through in chunks of %d: %q", size, got.String())
		}
		got.Reset()
		r = m.Restorer(func(s string) { got.WriteString(s) })
		for i := 0; i < len(answer); i += size {
			r.Write(answer[i:min(i+size, len(answer))])
		}
		r.Close()
		if got.String() != want {
			t.Fatalf("chunks of %d: %q", size, got.String())
		}
	}
}

// TestChainDocListsEveryField keeps docs/chain.md's table of what leaves
// the premises true: every text field the walker knows must be in it.
func TestChainDocListsEveryField(t *testing.T) {
	doc, err := os.ReadFile("../../docs/chain.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start := strings.Index(text, "## What leaves the premises for an allow_external tenant")
	if start < 0 {
		t.Fatal("docs/chain.md has no section on what leaves the premises")
	}
	section := text[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	req, err := bio.Decode([]byte(fuzzProfile)) // every list has an entry
	if err != nil {
		t.Fatal(err)
	}
	req.Profile.EachText(func(f bio.TextField, _ *string) {
		if !strings.Contains(section, "`"+f.Name+"`") {
			t.Errorf("docs/chain.md does not say what happens to %s", f.Name)
		}
	})
	for _, s := range []string{"`user_id`", "`options.language`", "system prompt", "corrective retry"} {
		if !strings.Contains(section, s) {
			t.Errorf("docs/chain.md does not say what happens to %s", s)
		}
	}
}
