// Package writer is the template writer: it writes a bio from the facts of a
// profile with sentence frames, needs no model and always answers. It is the
// last link of every provider chain.
//
// It never states a fact that is not in the profile. When a profile holds too
// few facts for the requested length, it writes what the facts support and
// flags the bio sparse_profile instead of padding it with invented detail.
package writer

import (
	"hash/fnv"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/safety"
)

// Version is the version of the sentence frames; it is part of the model
// name.
const Version = "v1"

// Model is the model name the template writer reports.
const Model = "template/" + Version

// Writer is the template writer: it writes bios from the profile's facts
// with sentence frames (see frames.go), without a model.
//
// The zero value is ready to use. A Writer is safe for concurrent use and
// starts no goroutine.
type Writer struct {
	// Now gives the date used to count years of experience from dates when
	// a profile does not state them. Nil means time.Now.
	Now func() time.Time
}

// Bio is a bio the template writer wrote. It is a plain value.
type Bio struct {
	Text  string
	Words int
	Flags []string
	// Reasons say why each flag was added, as "<flag>:<reason>".
	Reasons []string
}

func (b *Bio) sparse() bool { return slices.Contains(b.Flags, bio.FlagSparseProfile) }

// Write writes the bio for req. The same request and variant always give the
// same text; another variant gives another wording of the same facts. Text
// of the profile that reads as an instruction to a model (see
// bio.Request.WithoutInstructions) is never repeated, and the bio is then
// flagged needs_review.
func (w *Writer) Write(req *bio.Request, variant uint64) Bio {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	// The writer repeats only facts: profile text that reads as an
	// instruction to a model is left out as the service leaves it out of
	// a prompt (bio.Request.WithoutInstructions, which the service has
	// usually applied already), and the bio is flagged for review.
	req, injected := req.WithoutInstructions()
	req, offensive := safety.WithoutOffensive(req)
	c := composer{
		req:       req,
		opts:      req.Options,
		v:         newVoice(req),
		seed:      seedOf(req),
		variant:   variant,
		now:       now(),
		injected:  injected,
		offensive: offensive,
	}
	// Each layout of frames in turn, then other wordings of the same
	// facts, until one reaches the range; else the longest.
	var best Bio
	first := true
	base := c.seed
	c.baseSeed = base
	for attempt := uint64(0); attempt < wordings; attempt++ {
		c.seed = base
		if attempt > 0 {
			c.seed = mix(base + attempt)
		}
		for _, m := range c.modes() {
			c.mode = m
			c.units, c.fillers = c.units[:0], c.fillers[:0]
			c.build()
			b := c.fit()
			if !b.sparse() {
				return b
			}
			if first || b.Words > best.Words {
				best, first = b, false
			}
		}
	}
	return best
}

// wordings is how many wordings of a thin-looking profile are tried before
// it is judged thin.
const wordings = 4

// seedOf seeds the wording from the profile alone, so that the same profile
// reads the same whoever asks, and a model given the same profile (the fake
// LLM) is judged against the same capacity.
func seedOf(req *bio.Request) uint64 {
	h := fnv.New64a()
	p := &req.Profile
	for _, s := range []string{p.Name, p.CurrentRole, p.Company} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// unit is one fact said one way, with shorter ways to fall back on.
type unit struct {
	order int      // place in the text
	prio  int      // lower is said first when space is short
	forms []string // preferred first
}

type composer struct {
	req      *bio.Request
	opts     bio.Options
	v        voice
	seed     uint64
	baseSeed uint64
	variant  uint64
	now      time.Time
	mode     mode
	// injected and offensive say that text was left out that a person
	// should look at: instructions to a model, offensive language.
	injected, offensive bool

	units   []unit
	fillers []unit
}

func (c *composer) bullets() bool { return c.opts.Format == bio.FormatBullets }

// mode is the style of frames a fitting attempt uses.
type mode int

const (
	modeFragments mode = iota // bullet fragments: "Skills: Go and Kafka"
	modePlain                 // plain sentences
	modeRich                  // sentences that say each fact at more length
)

// modes lists the attempts for the options, the preferred first.
func (c *composer) modes() []mode {
	long := c.opts.Length == bio.LengthLong
	switch {
	case c.bullets() && long:
		return []mode{modeFragments, modeRich, modePlain}
	case c.bullets():
		return []mode{modeFragments, modePlain, modeRich}
	case long:
		return []mode{modeRich, modePlain}
	}
	return []mode{modePlain, modeRich}
}

// choose returns the frames of set for this request, the preferred one first.
// The preference depends on the request, the variant and key, so that each
// fact is worded independently and a new variant changes the wording.
//
// Units of one kind (the achievements, the positions) pass their index as
// offset so that neighbours are worded differently.
func (c *composer) choose(set *frameSet, key string, offset int) []string {
	frames := set.formal
	switch {
	case c.mode == modeFragments:
		frames = set.bullets
	case c.opts.Tone == bio.ToneCasual:
		frames = set.casual
	}
	wantRich := c.mode == modeRich
	if c.v.nameOnly() {
		frames = fewestReferences(frames)
	}
	var pool, rest []string
	for _, f := range frames {
		if f.rich == wantRich {
			pool = append(pool, f.text)
		} else {
			rest = append(rest, f.text)
		}
	}
	if len(pool) == 0 {
		pool, rest = rest, nil
	}
	if len(pool) == 0 {
		return nil
	}
	seed := c.seed
	if key == "intro" {
		// The opening keeps to the request's own seed whatever wording is
		// tried, so that another variant always opens differently.
		seed = c.baseSeed
	}
	h := mix(seed ^ hashString(key))
	i := int((h + uint64(offset)) % uint64(len(pool)))
	if c.variant != 0 && len(pool) > 1 {
		// Any other variant moves off the variant-0 choice.
		i = (i + 1 + int((c.variant-1)%uint64(len(pool)-1))) % len(pool)
	}
	out := make([]string, 0, len(frames))
	out = append(out, pool[i])
	out = append(out, pool[:i]...)
	out = append(out, pool[i+1:]...)
	return append(out, rest...)
}

// fewestReferences keeps the frames that refer to the person once, if any:
// with no pronouns to use, a second reference would repeat the name.
func fewestReferences(frames []frame) []frame {
	var out []frame
	for _, f := range frames {
		if references(f.text) <= 1 {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return frames
	}
	return out
}

func references(frame string) int {
	n := 0
	for _, p := range []string{"{N}", "{S}", "{s}", "{P}", "{p}", "{O}"} {
		n += strings.Count(frame, p)
	}
	return n
}

// add renders the frames of set with args and adds them as one unit.
func (c *composer) add(dst *[]unit, order, prio int, set *frameSet, key string, offset int, args ...string) {
	u := unit{order: order, prio: prio}
	frames := c.choose(set, key, offset)
	if len(frames) == 0 {
		return // this kind of fact has no frame in this layout
	}
	for _, f := range frames {
		u.forms = append(u.forms, c.render(f, args))
	}
	sortFallbacks(u.forms)
	*dst = append(*dst, u)
}

// addList adds a unit whose forms say the first k items of a list, for k
// from all of them down to one.
func (c *composer) addList(dst *[]unit, order, prio int, set *frameSet, key string, items []string, args func(items []string) []string) {
	if len(items) == 0 {
		return
	}
	frame := c.choose(set, key, 0)[0]
	u := unit{order: order, prio: prio}
	for k := len(items); k >= 1; k-- {
		u.forms = append(u.forms, c.render(frame, args(items[:k])))
	}
	*dst = append(*dst, u)
}

// sortFallbacks keeps the preferred form first and orders the others from
// the longest to the shortest, so fitting takes the fullest form that fits.
func sortFallbacks(forms []string) {
	if len(forms) < 3 {
		return
	}
	// Count each form once, not at every comparison.
	rest := make([]counted, len(forms)-1)
	for i, f := range forms[1:] {
		rest[i] = counted{f, bio.WordCount(f)}
	}
	sort.SliceStable(rest, func(i, j int) bool { return rest[i].words > rest[j].words })
	for i, r := range rest {
		forms[i+1] = r.text
	}
}

type counted struct {
	text  string
	words int
}

// render fills a frame and capitalises the sentence it starts.
func (c *composer) render(frame string, args []string) string {
	return upperFirst(c.v.render(frame, args))
}

// fit picks forms of the units, most important first, to land inside the
// requested word range, then adds fillers while the text is still short.
func (c *composer) fit() Bio {
	min, max := c.opts.Length.Range()
	type pick struct {
		order int
		text  string
	}
	var picks []pick
	total := 0
	take := func(u unit, force bool) {
		for _, f := range u.forms {
			if n := bio.WordCount(f); total+n <= max {
				picks = append(picks, pick{u.order, f})
				total += n
				return
			}
		}
		if force {
			f := u.forms[len(u.forms)-1]
			picks = append(picks, pick{u.order, f})
			total += bio.WordCount(f)
		}
	}
	sort.SliceStable(c.units, func(i, j int) bool { return c.units[i].prio < c.units[j].prio })
	for i, u := range c.units {
		take(u, i == 0)
	}
	for _, u := range c.fillers {
		if total >= min {
			break
		}
		take(u, false)
	}
	sort.SliceStable(picks, func(i, j int) bool { return picks[i].order < picks[j].order })

	var b strings.Builder
	for i, p := range picks {
		if c.bullets() {
			if i > 0 {
				b.WriteByte('\n')
			}
			b.WriteString("- ")
		} else if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.text)
	}
	out := Bio{Text: b.String(), Words: total}
	if !c.opts.English() {
		out.flag(ReasonLanguage)
	}
	if c.injected {
		out.flag(bio.FlagNeedsReview + ":instructions")
	}
	if c.offensive {
		out.flag(bio.FlagNeedsReview + ":offensive")
	}
	if total < min {
		out.flag(bio.FlagSparseProfile + ":thin_profile")
	}
	return out
}

// ReasonLanguage is the reason of the language_fallback flag: the writer
// writes English only.
const ReasonLanguage = bio.FlagLanguageFallback + ":template"

// flag adds a reason ("<flag>:<reason>") and its flag, each once.
func (b *Bio) flag(reason string) {
	f, _, _ := strings.Cut(reason, ":")
	if !slices.Contains(b.Flags, f) {
		b.Flags = append(b.Flags, f)
	}
	b.Reasons = append(b.Reasons, reason)
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
