package pii

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/pii/canary"
	"github.com/biogen/biogen/internal/prompt"
)

// canarySize is the size of the adversarial corpus; the app's canary test
// sends the same corpus through the service.
const (
	canarySeed = 9
	canarySize = 64
)

// TestCanaryCorpus checks the corpus itself: each case decodes, holds every
// one of its identifiers (so the oracle can see a leak), and every trick is
// used by some case.
func TestCanaryCorpus(t *testing.T) {
	cases := canary.Corpus(canarySeed, canarySize)
	tricks := map[string]int{}
	for i, c := range cases {
		if _, err := bio.Decode(c.Body); err != nil {
			t.Fatalf("case %d does not decode: %v\n%s", i, err, c.Body)
		}
		leaks := c.Leaks(string(c.Body))
		if len(leaks) < len(c.Identifiers)+len(c.Phones) {
			t.Errorf("case %d: the oracle finds %d of %d identifiers in the request itself: %q\n%s",
				i, len(leaks), len(c.Identifiers)+len(c.Phones), leaks, c.Body)
		}
		for _, tr := range c.Tricks {
			tricks[tr]++
		}
	}
	for _, tr := range canary.Tricks() {
		if tricks[tr] == 0 {
			t.Errorf("no case uses the trick %q", tr)
		}
	}
	// The prompt's own words hold no identifier: the oracle could not tell
	// them from a leak (add an English word that holds one by chance to
	// the oracle's commonWords).
	tmpl, err := prompt.Load("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []bio.Options{bio.DefaultOptions,
		{Tone: bio.ToneCasual, Length: bio.LengthLong, Format: bio.FormatBullets, Perspective: bio.PerspectiveFirst, Language: "fr"}} {
		msgs, err := tmpl.Render(&bio.Request{Options: o, Profile: bio.Profile{Name: "X", Pronouns: "she/her", Company: "Y"}}, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cases {
			if leaks := c.Leaks(msgs.System + "\n" + msgs.User); len(leaks) > 0 {
				t.Errorf("case %d: the prompt alone holds %q", i, leaks)
			}
		}
	}
}

// TestCanaryPseudonymise sends the corpus through Pseudonymise and the
// prompt, as the external provider does, and checks that no identifier is
// in the messages, that the controls are, that restoring the stand-in
// name gives the name and restoring the current role gives its facts.
func TestCanaryPseudonymise(t *testing.T) {
	tmpl, err := prompt.Load("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range canary.Corpus(canarySeed, canarySize) {
		req, err := bio.Decode(c.Body)
		if err != nil {
			t.Fatal(err)
		}
		out, m, _ := Pseudonymise(req)
		msgs, err := tmpl.Render(out, 7)
		if err != nil {
			t.Fatal(err)
		}
		prev := m.Forward("Earlier: " + req.Profile.Name + ", " + req.Profile.ExperienceSummary)
		body, _ := json.Marshal([]string{msgs.System, msgs.User, prev})
		if leaks := c.Leaks(string(body)); len(leaks) > 0 {
			t.Errorf("case %d (%s): %q left\n%s", i, strings.Join(c.Tricks, ", "), leaks, msgs.User)
		}
		if missing := c.Missing(string(body)); len(missing) > 0 {
			t.Errorf("case %d: controls %q not sent\n%s", i, missing, msgs.User)
		}
		if got := m.Restore(out.Profile.Name); got != req.Profile.Name {
			t.Errorf("case %d: Restore(%q) = %q; want %q", i, out.Profile.Name, got, req.Profile.Name)
		}
		// The facts sent as placeholders come back.
		role, err := m.RestoreChecked(out.Profile.CurrentRole)
		if err != nil {
			t.Errorf("case %d: %v", i, err)
		}
		for _, f := range c.Facts {
			if !strings.Contains(role, f) {
				t.Errorf("case %d: the fact %q does not come back: %q sent as %q, restored %q", i, f, req.Profile.CurrentRole, out.Profile.CurrentRole, role)
			}
		}
	}
}
