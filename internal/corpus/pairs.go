package corpus

import (
	"fmt"
	"strings"

	"github.com/biogen/biogen/internal/bio"
	"golang.org/x/text/width"
)

// Labels of a Pair.
const (
	// Hit: the two requests state the same facts with the same options; a
	// cache may answer b with a's bio.
	Hit = "hit"
	// Miss: a fact or an option differs; a cache must not.
	Miss = "miss"
)

// Pair is two requests for the same user and whether they state the same
// facts.
type Pair struct {
	ID, Kind, Label string
	A, B            []byte
}

// edit changes a request in place; ok is false when the request has nothing
// to change of that kind.
type edit struct {
	kind, label string
	apply       func(r *bio.Request) bool
}

// oneLetter are pairs of real words one letter apart: the edits a typo
// tolerance would take for a slip and serve with the other word's bio.
var oneLetter = [][2]string{
	{"Hired", "Fired"}, {"Led", "Fed"}, {"Won", "Wan"}, {"Cut", "Gut"}, {"Built", "Guilt"}, {"Closed", "Cloned"},
	{"Trained", "Drained"}, {"Opened", "Upended"}, {"Grew", "Drew"}, {"Reduced", "Deduced"}, {"Iceland", "Ireland"},
	{"Nigeria", "Niger"}, {"Berlin", "Merlin"}, {"Scala", "Scale"}, {"Java", "Lava"}, {"Rust", "Bust"}, {"Go", "Io"},
	{"Contoso", "Contosa"}, {"Fabrikam", "Fabrikan"}, {"BSc", "MSc"}, {"BA", "MA"}, {"CPA", "CFA"}, {"PMP", "PMI"},
	{"Kafka", "Kafkas"}, {"Python", "Pythons"}, {"SQL", "SQLs"}, {"engineers", "engineer"}, {"Senior", "Senor"},
}

// swapWord replaces the first whole word from in any text of r with to.
func swapWord(r *bio.Request, from, to string) bool {
	done := false
	r.Profile.EachText(func(f bio.TextField, s *string) {
		if done || f.Kind == bio.TextName || f.Kind == bio.TextPronouns {
			return
		}
		for _, w := range strings.FieldsFunc(*s, func(r rune) bool { return strings.ContainsRune(" ,.;:()", r) }) {
			if w == from {
				*s = strings.Replace(*s, from, to, 1)
				done = true
				return
			}
		}
	})
	return done
}

var edits = []edit{
	// Same facts.
	{"skills_reordered", Hit, func(r *bio.Request) bool {
		s := r.Profile.Skills
		if len(s) < 2 {
			return false
		}
		s[0], s[len(s)-1] = s[len(s)-1], s[0]
		return true
	}},
	{"achievements_reordered", Hit, func(r *bio.Request) bool {
		a := r.Profile.Achievements
		if len(a) < 2 {
			return false
		}
		a[0], a[1] = a[1], a[0]
		return true
	}},
	{"case_whitespace", Hit, func(r *bio.Request) bool {
		r.Profile.CurrentRole = "  " + strings.ToUpper(r.Profile.CurrentRole) + " "
		return true
	}},
	{"trailing_period", Hit, func(r *bio.Request) bool {
		for i := range r.Profile.Achievements {
			r.Profile.Achievements[i] += "."
		}
		return len(r.Profile.Achievements) > 0
	}},
	{"duplicate_skill", Hit, func(r *bio.Request) bool {
		if len(r.Profile.Skills) == 0 {
			return false
		}
		r.Profile.Skills = append(r.Profile.Skills, strings.ToLower(r.Profile.Skills[0]))
		return true
	}},
	{"abbreviation", Hit, func(r *bio.Request) bool {
		for long, short := range map[string]string{"Senior ": "Sr. ", "Manager": "Mgr", "Junior ": "Jr. "} {
			if strings.Contains(r.Profile.CurrentRole, long) {
				r.Profile.CurrentRole = strings.Replace(r.Profile.CurrentRole, long, short, 1)
				return true
			}
		}
		return false
	}},
	{"full_width", Hit, func(r *bio.Request) bool {
		r.Profile.Company = width.Widen.String(r.Profile.Company)
		return r.Profile.Company != ""
	}},
	{"zero_width", Hit, func(r *bio.Request) bool {
		s := r.Profile.ExperienceSummary
		if len(s) < 8 {
			return false
		}
		r.Profile.ExperienceSummary = s[:3] + "\u200b" + s[3:]
		return true
	}},
	{"ampersand", Hit, func(r *bio.Request) bool {
		if !strings.Contains(r.Profile.ExperienceSummary, " and ") {
			return false
		}
		r.Profile.ExperienceSummary = strings.Replace(r.Profile.ExperienceSummary, " and ", " & ", 1)
		return true
	}},
	// Other facts or options.
	{"one_letter_word", Miss, func(r *bio.Request) bool {
		for _, p := range oneLetter {
			if swapWord(r, p[0], p[1]) || swapWord(r, p[1], p[0]) {
				return true
			}
		}
		return false
	}},
	{"letter_dropped", Miss, func(r *bio.Request) bool {
		s := r.Profile.ExperienceSummary
		for _, w := range strings.Fields(s) {
			if len(w) >= 8 && !strings.ContainsAny(w, "0123456789") {
				r.Profile.ExperienceSummary = strings.Replace(s, w, w[:3]+w[4:], 1)
				return true
			}
		}
		return false
	}},
	{"negation_added", Miss, func(r *bio.Request) bool {
		if len(r.Profile.Achievements) == 0 {
			return false
		}
		r.Profile.Achievements[0] = "Did not " + strings.ToLower(r.Profile.Achievements[0][:1]) + r.Profile.Achievements[0][1:]
		return true
	}},
	{"number_changed", Miss, func(r *bio.Request) bool {
		for i, a := range r.Profile.Achievements {
			if k := strings.IndexAny(a, "0123456789"); k >= 0 {
				d := (a[k]-'0'+3)%10 + '0'
				r.Profile.Achievements[i] = a[:k] + string(d) + a[k+1:]
				return true
			}
		}
		return false
	}},
	{"sign_changed", Miss, func(r *bio.Request) bool {
		for i, a := range r.Profile.Achievements {
			if k := strings.Index(a, "by "); k >= 0 && k+3 < len(a) && a[k+3] >= '0' && a[k+3] <= '9' {
				r.Profile.Achievements[i] = a[:k+3] + "-" + a[k+3:]
				return true
			}
		}
		return false
	}},
	{"currency_changed", Miss, func(r *bio.Request) bool {
		for i, a := range r.Profile.Achievements {
			if strings.Contains(a, "$") {
				r.Profile.Achievements[i] = strings.Replace(a, "$", "€", 1)
				return true
			}
		}
		return false
	}},
	{"name_one_letter", Miss, func(r *bio.Request) bool {
		first := "I"
		if r.Profile.Name[0] == 'I' {
			first = "E"
		}
		r.Profile.Name = first + r.Profile.Name[1:]
		return true
	}},
	{"company_changed", Miss, func(r *bio.Request) bool {
		r.Profile.Company += "s"
		return true
	}},
	{"skill_removed", Miss, func(r *bio.Request) bool {
		if len(r.Profile.Skills) < 2 {
			return false
		}
		r.Profile.Skills = r.Profile.Skills[1:]
		return true
	}},
	{"seniority_changed", Miss, func(r *bio.Request) bool {
		r.Profile.CurrentRole = "Head of " + r.Profile.CurrentRole
		return true
	}},
	{"pronouns_changed", Miss, func(r *bio.Request) bool {
		if r.Profile.Pronouns == "she/her" {
			r.Profile.Pronouns = "he/him"
		} else {
			r.Profile.Pronouns = "she/her"
		}
		return true
	}},
	{"option_tone_changed", Miss, func(r *bio.Request) bool {
		r.Options.Tone = map[bio.Tone]bio.Tone{bio.ToneFormal: bio.ToneCasual, bio.ToneCasual: bio.ToneFormal}[r.Options.Tone]
		return true
	}},
}

// Pairs returns n labelled pairs made from the requests of seed, with every
// kind of edit in turn: edits that keep the facts (reordering, case, white
// space, a trailing full stop, repeats, title abbreviations, full-width or
// zero-width characters, "&") and edits that change one (a word for
// another real word one letter away, a dropped letter, a negation, a
// number, a sign, a currency, the name, the company, a skill, the
// seniority, the pronouns, an option).
func Pairs(seed uint64, n int) []Pair {
	var out []Pair
	for i := 0; len(out) < n && i < 50*n; i++ {
		e := edits[i%len(edits)]
		a := Request(seed, i)
		b := Request(seed, i)
		if !e.apply(&b) {
			continue
		}
		out = append(out, Pair{ID: fmt.Sprintf("gen-%d-%s", i, e.kind), Kind: e.kind, Label: e.label, A: Body(&a), B: Body(&b)})
	}
	return out
}
