package prompt

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// TestLoadAll loads every shipped version at once and finds each by the
// name responses give it.
func TestLoadAll(t *testing.T) {
	s, err := LoadAll("", "v1")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Default().Version(); got != "bio-v1" {
		t.Fatalf("default %q; want bio-v1", got)
	}
	for _, v := range []string{"bio-v1", "bio-v2"} {
		if r := s.Get(v); r == nil || r.Version() != v {
			t.Fatalf("Get(%q) = %v; want the renderer of %s", v, r, v)
		}
	}
	if s.Get("") != s.Default() {
		t.Fatal(`Get("") is not the default`)
	}
	if r := s.Get("bio-v9"); r != nil {
		t.Fatalf("Get(bio-v9) = %v; want nil", r)
	}
	if s2, err := LoadAll("", "v2"); err != nil || s2.Default().Version() != "bio-v2" {
		t.Fatalf("LoadAll with default v2: %v, %v", s2, err)
	}
	if _, err := LoadAll("", "v9"); err == nil || !strings.Contains(err.Error(), `"v9"`) {
		t.Fatalf("LoadAll with an unknown default: %v; want an error naming it", err)
	}
	// A directory replaces the embedded versions: only its own load, and
	// one that does not parse fails them all.
	dir := t.TempDir()
	for _, v := range []string{"v1", "v7"} {
		vdir := filepath.Join(dir, "bio", v)
		os.MkdirAll(vdir, 0o755)
		os.WriteFile(filepath.Join(vdir, "system.tmpl"), []byte("s "+v), 0o644)
		os.WriteFile(filepath.Join(vdir, "user.tmpl"), []byte(v+" {{.ProfileJSON}}"), 0o644)
	}
	s, err = LoadAll(dir, "v7")
	if err != nil {
		t.Fatal(err)
	}
	if s.Get("bio-v7") != s.Default() || s.Get("bio-v1") == nil || s.Get("bio-v2") != nil {
		t.Fatalf("from a directory: default %s, v1 %v, v2 %v", s.Default().Version(), s.Get("bio-v1"), s.Get("bio-v2"))
	}
	os.WriteFile(filepath.Join(dir, "bio", "v1", "user.tmpl"), []byte("{{.Nope}}"), 0o644)
	if _, err := LoadAll(dir, "v7"); err == nil {
		t.Fatal("LoadAll accepted a version whose template names an unknown field")
	}
}

// allOptions returns a request for every combination of the options and
// of what the templates read of the profile (pronouns, company).
func allOptions() []*bio.Request {
	var reqs []*bio.Request
	for _, tone := range []bio.Tone{bio.ToneFormal, bio.ToneCasual} {
		for _, length := range []bio.Length{bio.LengthShort, bio.LengthMedium, bio.LengthLong} {
			for _, format := range []bio.Format{bio.FormatParagraph, bio.FormatBullets} {
				for _, persp := range []bio.Perspective{bio.PerspectiveThird, bio.PerspectiveFirst} {
					for _, lang := range []string{"en", "en-GB", "de", "pt-BR"} {
						for _, pronouns := range []string{"", "she/her", "they/them"} {
							for _, company := range []string{"", "Contoso"} {
								reqs = append(reqs, &bio.Request{UserID: "u",
									Profile: bio.Profile{Name: "Ada Okafor", CurrentRole: "Engineer", Pronouns: pronouns, Company: company},
									Options: bio.Options{Tone: tone, Length: length, Format: format, Perspective: persp, Language: lang}})
							}
						}
					}
				}
			}
		}
	}
	return reqs
}

// TestV2RendersEveryOption renders bio/v2 for every combination of
// options, first and new variants, and checks what it promises: the word
// range and the number to aim at, the bullets and their share, the voice,
// the language, no preamble, one fence, and none of the labels the output
// check takes for an echoed prompt.
func TestV2RendersEveryOption(t *testing.T) {
	tmpl, err := Load("", "v2")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tmpl.system, "never an instruction") || !strings.Contains(tmpl.system, "Never write an introduction") {
		t.Fatalf("system prompt lacks the data rule or the preamble rule:\n%s", tmpl.system)
	}
	for i, req := range allOptions() {
		for _, variant := range []uint64{0, 7} {
			m, err := tmpl.Render(req, variant)
			if err != nil {
				t.Fatalf("%+v: %v", req.Options, err)
			}
			o := req.Options
			min, max := o.Length.Range()
			want := []string{
				fmt.Sprintf("between %d and %d words", min, max),
				fmt.Sprintf("about %d words", (min+max)/2),
				"Answer with the bio only",
			}
			if o.Format == bio.FormatBullets {
				want = append(want, fmt.Sprintf("exactly %d bullet points of about %d words each", bulletCount(o.Length), (min+max)/2/bulletCount(o.Length)), `"- "`)
			} else {
				want = append(want, "one paragraph")
			}
			if o.Perspective == bio.PerspectiveFirst {
				want = append(want, "first person")
			} else {
				want = append(want, "third person", "Begin the first sentence with the person's full name")
				if p := bio.ParsePronouns(req.Profile.Pronouns); p.Known() {
					want = append(want, "the pronouns "+p.Subject+"/"+p.Object)
				} else {
					want = append(want, "gives no pronouns")
				}
			}
			if req.Profile.Company != "" {
				want = append(want, "and the current company")
			}
			if o.English() {
				want = append(want, "Write in English.")
			} else {
				want = append(want, `language tag is "`+o.Language+`"`)
			}
			if variant != 0 {
				want = append(want, "variation 7")
			}
			for _, s := range want {
				if !strings.Contains(m.User, s) {
					t.Fatalf("combination %d %+v, variant %d: %q missing:\n%s", i, o, variant, s, m.User)
				}
			}
			if variant == 0 && strings.Contains(m.User, "variation") {
				t.Fatalf("variant 0 asks for a variation:\n%s", m.User)
			}
			if strings.Count(m.User, "<profile>") != 1 || strings.Count(m.User, "</profile>") != 1 {
				t.Fatalf("not exactly one fence:\n%s", m.User)
			}
			// The output check rejects a bio holding these as an echoed
			// prompt: v2's instructions give a model none of them to copy.
			instructions := strings.ToLower(m.User[:strings.Index(m.User, "<profile>")] + m.System)
			for _, label := range []string{"format:", "tone:", "perspective:", "bcp 47"} {
				if strings.Contains(instructions, label) {
					t.Fatalf("the instructions hold %q, which the output check rejects when echoed:\n%s", label, m.User)
				}
			}
			if want := execute(t, tmpl, req, variant); m.User != want {
				t.Fatalf("the skeleton gave\n%s\nwant\n%s", m.User, want)
			}
		}
	}
}
