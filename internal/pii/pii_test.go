package pii

import (
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

func request(t *testing.T) *bio.Request {
	t.Helper()
	req, err := bio.Decode([]byte(`{"user_id":"w-10423","profile":{"name":"Ada Okafor","current_role":"Engineer","company":"Contoso",
		"experience_summary":"Ada Okafor (ada.okafor@contoso.com, +44 20 7946 0958) builds platforms; see https://ada.dev/cv and id w-10423.",
		"achievements":["Okafor's team cut costs by 40% — call 555-867-5309"],
		"experience":[{"title":"Engineer","company":"Fabrikam","summary":"Ada wrote www.fabrikam.com/blog"}]}}`))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestPseudonymise(t *testing.T) {
	req := request(t)
	out, m, rec := Pseudonymise(req)
	all := out.Profile.Name + out.Profile.ExperienceSummary + strings.Join(out.Profile.Achievements, " ") + out.Profile.Experience[0].Summary + out.UserID
	for _, secret := range []string{"Ada", "Okafor", "ada.okafor@contoso.com", "7946", "ada.dev", "w-10423", "867", "fabrikam.com"} {
		if strings.Contains(all, secret) {
			t.Fatalf("%q still sent: %s", secret, all)
		}
	}
	if out.Profile.Name != m.StandIn() || !strings.Contains(out.Profile.ExperienceSummary, m.StandIn()+" builds platforms") {
		t.Fatalf("profile %+v", out.Profile)
	}
	if rec.Removed["email"] != 1 || rec.Removed["phone"] != 2 || rec.Removed["url"] != 2 || rec.Removed["user_id"] != 1 || !rec.NameReplaced {
		t.Fatalf("record %+v", rec)
	}
	if strings.Join(rec.Fields, ",") != "achievements,company,current_role,experience,experience_summary,name" {
		t.Fatalf("fields %v", rec.Fields)
	}
	// The caller's request is untouched.
	if req.Profile.Name != "Ada Okafor" || !strings.Contains(req.Profile.ExperienceSummary, "ada.okafor@contoso.com") {
		t.Fatal("Pseudonymise changed its input")
	}
	// Company and role survive: the bio needs them.
	if out.Profile.Company != "Contoso" || out.Profile.Experience[0].Company != "Fabrikam" {
		t.Fatalf("profile %+v", out.Profile)
	}
}

func TestStandInAvoidsProfileWords(t *testing.T) {
	req := request(t)
	req.Profile.Skills = []string{"Jordan Avery method"}
	_, m, _ := Pseudonymise(req)
	if m.StandIn() == "Jordan Avery" {
		t.Fatal("the stand-in collides with the profile")
	}
}

func TestRestore(t *testing.T) {
	_, m, _ := Pseudonymise(request(t))
	first := strings.Fields(m.StandIn())[0]
	answer := m.StandIn() + " is an Engineer at Contoso. " + first + " builds platforms, and " + m.StandIn() + "'s team cut costs."
	want := "Ada Okafor is an Engineer at Contoso. Ada builds platforms, and Ada Okafor's team cut costs."
	if got := m.Restore(answer); got != want {
		t.Fatalf("Restore: %q", got)
	}
	for size := 1; size < 12; size++ {
		var got strings.Builder
		r := m.Restorer(func(s string) { got.WriteString(s) })
		for i := 0; i < len(answer); i += size {
			r.Write(answer[i:min(i+size, len(answer))])
		}
		r.Close()
		if got.String() != want {
			t.Fatalf("chunks of %d: %q", size, got.String())
		}
	}
}
