// Package prompt loads biogen's versioned prompt templates and renders the
// messages sent to a language model for a bio request.
//
// Profile text never enters the instructions: it is rendered as JSON, with
// '<', '>' and '&' escaped, between <profile> and </profile>, so nothing in a
// profile field can close the fence or pose as an instruction.
package prompt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/prompts"
)

// Name is the name of the bio prompt.
const Name = "bio"

// Renderer is one loaded version of the bio prompt, which it renders for a
// request.
//
// A Renderer is safe for concurrent use: its prompt text never changes once
// loaded, and the skeletons it remembers are kept in a sync.Map. The zero
// value is not usable: call Load.
type Renderer struct {
	version string
	system  string
	user    *template.Template

	// skeletons remembers, per set of options, the user prompt around the
	// profile (see skeletonFor): text/template cost a tenth of a request.
	skeletons  sync.Map // data with ProfileJSON "" -> skeleton
	nskeletons atomic.Int64
}

// skeleton is the user prompt for one data with a hole where the profile
// goes: the text before it and the text after it. (The template writer's
// sentence frames are another thing.)
type skeleton struct {
	head, tail string
	ok         bool // false: the template does more with the profile than place it
}

// maxSkeletons bounds the skeletons remembered; variants and languages are
// many, the combinations in use few.
const maxSkeletons = 4096

// Messages are a rendered prompt.
type Messages struct {
	System string
	User   string
}

// Load reads version (e.g. "v1") of the bio prompt. With dir empty it reads
// the templates embedded in the binary; otherwise it reads dir/bio/VERSION/,
// so operators can ship a new wording without a new build.
func Load(dir, version string) (*Renderer, error) {
	if version == "" || strings.ContainsAny(version, `/\`) || strings.Contains(version, "..") {
		return nil, fmt.Errorf("invalid prompt version %q", version)
	}
	fsys := prompts.Files(dir)
	base := Name + "/" + version + "/"
	system, err := fs.ReadFile(fsys, base+"system.tmpl")
	if err != nil {
		return nil, fmt.Errorf("cannot load prompt %q: %w", base+"system.tmpl", err)
	}
	userText, err := fs.ReadFile(fsys, base+"user.tmpl")
	if err != nil {
		return nil, fmt.Errorf("cannot load prompt %q: %w", base+"user.tmpl", err)
	}
	user, err := template.New(base + "user.tmpl").Option("missingkey=error").Parse(string(userText))
	if err != nil {
		return nil, fmt.Errorf("cannot parse prompt %q: %w", base+"user.tmpl", err)
	}
	t := &Renderer{version: version, system: strings.TrimSpace(string(system)), user: user}
	// Render a sample now, so that a template that fails at run time fails
	// at start-up instead.
	sample := &bio.Request{UserID: "u", Profile: bio.Profile{Name: "N", CurrentRole: "R"}, Options: bio.DefaultOptions}
	if _, err := t.Render(sample, 1); err != nil {
		return nil, err
	}
	return t, nil
}

// Version returns the prompt version as responses report it: "bio-v1".
func (t *Renderer) Version() string { return VersionName(t.version) }

// VersionName is the name responses, metrics and caches give version
// ("v2") of the bio prompt: "bio-v2".
func VersionName(version string) string { return Name + "-" + version }

// data is what the user template sees. Every field but ProfileJSON is
// chosen by biogen or validated to a closed set; ProfileJSON is the only
// carrier of profile text.
type data struct {
	Tone, Length, Format, Perspective, Language string
	MinWords, MaxWords, Bullets                 int
	// TargetWords is the middle of the word range and BulletWords a
	// bullet's share of it, for prompts that name a number to aim at
	// besides the range's ends (bio/v2; prompts/README.md).
	TargetWords, BulletWords int
	Pronouns                 string
	HasCompany, English      bool
	Variant                  uint64
	ProfileJSON              string
}

// Render renders the prompt for req. variant 0 is the first wording; any
// other asks the model for a different one.
func (t *Renderer) Render(req *bio.Request, variant uint64) (Messages, error) {
	d := dataOf(req, variant)
	profile, err := FenceJSON(&req.Profile)
	if err != nil {
		return Messages{}, err
	}
	if sk := t.skeletonFor(d); sk.ok {
		return Messages{System: t.system, User: sk.head + profile + sk.tail}, nil
	}
	d.ProfileJSON = profile
	var b bytes.Buffer
	if err := t.user.Execute(&b, &d); err != nil {
		return Messages{}, fmt.Errorf("cannot render prompt %s: %w", t.Version(), err)
	}
	return Messages{System: t.system, User: b.String()}, nil
}

// dataOf is what the user template sees for req, but for ProfileJSON.
func dataOf(req *bio.Request, variant uint64) data {
	o := req.Options
	min, max := o.Length.Range()
	d := data{
		Tone: string(o.Tone), Length: string(o.Length), Format: string(o.Format),
		Perspective: string(o.Perspective), Language: o.Language,
		MinWords: min, MaxWords: max, Bullets: bulletCount(o.Length),
		TargetWords: (min + max) / 2, BulletWords: (min + max) / 2 / bulletCount(o.Length),
		HasCompany: req.Profile.Company != "", English: o.English(),
		Variant: variant,
	}
	if p := bio.ParsePronouns(req.Profile.Pronouns); p.Known() {
		// ParsePronouns accepts only short words of letters, so this is
		// safe to place among the instructions.
		d.Pronouns = p.Subject + "/" + p.Object
	}
	return d
}

// skeletonFor returns the text the template writes around the profile for d,
// rendering it once per d. It renders d around two stand-ins of different
// lengths and accepts the skeleton only if both give the same text around
// exactly one copy of the stand-in: a template that measures, quotes or
// compares the profile gets no skeleton and is executed for every request.
func (t *Renderer) skeletonFor(d data) skeleton {
	if v, ok := t.skeletons.Load(d); ok {
		return v.(skeleton)
	}
	if t.nskeletons.Load() >= maxSkeletons {
		return skeleton{}
	}
	var sk skeleton
	a, b := d, d
	a.ProfileJSON, b.ProfileJSON = "\x00profile-a\x00", "\x00profile-stand-in-b\x00"
	var ba, bb bytes.Buffer
	if t.user.Execute(&ba, &a) == nil && t.user.Execute(&bb, &b) == nil {
		sa := ba.String()
		if i := strings.Index(sa, a.ProfileJSON); i >= 0 && strings.Count(sa, a.ProfileJSON) == 1 {
			head, tail := sa[:i], sa[i+len(a.ProfileJSON):]
			sk = skeleton{head: head, tail: tail, ok: bb.String() == head+b.ProfileJSON+tail}
		}
	}
	if _, loaded := t.skeletons.LoadOrStore(d, sk); !loaded {
		t.nskeletons.Add(1)
	}
	return sk
}

func bulletCount(l bio.Length) int {
	switch l {
	case bio.LengthShort:
		return 4
	case bio.LengthLong:
		return 10
	}
	return 6
}

// FenceJSON renders the profile as indented JSON that cannot break out of
// the <profile> fence: json.Marshal escapes '<', '>' and '&' as \u003c,
// \u003e and \u0026, and quotes every string.
func FenceJSON(p *bio.Profile) (string, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return "", fmt.Errorf("cannot encode profile: %w", err)
	}
	return string(b), nil
}
