package writer

import (
	"sort"
	"strconv"
	"strings"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/safety"
)

// Places of each kind of fact in the text.
const (
	orderIntro        = 0
	orderYears        = 10
	orderSummary      = 20
	orderSkills       = 30
	orderAchievements = 41
	orderExperience   = 71
	orderEmployers    = 110
	orderPath         = 111
	orderEducation    = 120
	orderCerts        = 140
	orderLanguages    = 150
	orderClosing      = 200
)

// build turns the profile into units and fillers.
func (c *composer) build() {
	p := &c.req.Profile
	role, company, location := p.CurrentRole, p.Company, p.Location

	intro := &introThird
	if c.v.first {
		intro = &introFirst
	}
	c.add(&c.units, orderIntro, 0, intro, "intro", 0, role, company, location, article(role)+" "+role)

	years := ""
	if n, ok := p.ExperienceYears(c.now); ok && n > 0 {
		years = strconv.Itoa(n) + " years"
		if n == 1 {
			years = "1 year"
		}
		if p.YearsExperience == nil {
			// Counted from the positions listed, which may not be all.
			years = "at least " + years
		}
		c.add(&c.units, orderYears, 12, &yearsFrames, "years", 0, years)
	}

	if s := c.usableSentences(p.ExperienceSummary); s != "" {
		c.add(&c.units, orderSummary, 14, &summaryFrames, "summary", 0, s)
	}

	skills := nameLikeItems(p.Skills)
	c.addList(&c.units, orderSkills, 11, &skillsFrames, "skills", skills, func(items []string) []string {
		return []string{joinList(items), role}
	})

	for i, a := range c.usableItems(p.Achievements) {
		prio := 10
		switch {
		case i == 1:
			prio = 15
		case i > 1:
			prio = 30 + i
		}
		a = trimStop(a)
		if startsWithPastVerb(a) {
			c.add(&c.units, orderAchievements+i, prio, &achievementVerbFrames, "achievement", i, lowerFirst(a), a)
		} else {
			c.add(&c.units, orderAchievements+i, prio, &achievementFrames, "achievement", i, "", a)
		}
	}

	c.experience()
	c.education()

	certs := nameLikeItems(p.Certifications)
	c.addList(&c.units, orderCerts, 17, &certFrames, "certs", certs, func(items []string) []string {
		noun := "certification"
		if len(items) > 1 {
			noun = "certifications"
		}
		return []string{joinList(items), noun}
	})
	c.addList(&c.units, orderLanguages, 18, &languageFrames, "languages", nameLikeItems(p.Languages), func(items []string) []string {
		return []string{joinList(items)}
	})

	c.addFillers(skills, years)
}

// experience adds one unit per position, the most recent first.
func (c *composer) experience() {
	entries := make([]bio.Experience, 0, len(c.req.Profile.Experience))
	for _, e := range c.req.Profile.Experience {
		if nameLike(e.Title) && nameLike(e.Company) {
			entries = append(entries, e)
		}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		si, _, oki := entries[i].Dated()
		sj, _, okj := entries[j].Dated()
		if oki != okj {
			return oki
		}
		return oki && (si.Year*12+si.Month > sj.Year*12+sj.Month)
	})
	withMonth := c.opts.Tone == bio.ToneFormal
	for i, e := range entries {
		var phrase, span, since string
		if start, end, ok := e.Dated(); ok {
			if e.Current() {
				since = dateText(start, withMonth)
			} else {
				phrase = "from " + dateText(start, withMonth) + " to " + dateText(end, withMonth)
				span = strconv.Itoa(start.Year)
				if end.Year != start.Year {
					span += "–" + strconv.Itoa(end.Year)
				}
			}
		}
		var verbClause, other, verbText string
		if s := trimStop(e.Summary); s != "" && c.usable(s) {
			if startsWithPastVerb(s) {
				verbClause, verbText = lowerFirst(s), s
			} else {
				other = s
			}
		}
		set := &pastRoleFrames
		switch {
		case e.Current() && since != "":
			set = &currentRoleFrames
		case e.Title == "":
			set = &pastCompanyFrames
		}
		prio := 13
		if i > 0 {
			prio = 20 + i
		}
		c.add(&c.units, orderExperience+i, prio, set, "experience", i,
			e.Title, e.Company, phrase, verbClause, other, span, verbText, since)
	}
}

func (c *composer) education() {
	for i, e := range c.req.Profile.Education {
		if !nameLike(e.School) || !nameLike(e.Degree) || !nameLike(e.Field) {
			continue
		}
		year := ""
		if e.Year > 0 {
			year = strconv.Itoa(e.Year)
		}
		set := &degreeFrames
		switch {
		case e.Degree == "" && e.Field == "" && e.School == "":
			continue
		case e.Degree == "":
			set = &studyFrames
		case e.Year > c.now.Year():
			set = &futureDegreeFrames
		}
		prio := 16
		if i > 0 {
			prio = 40 + i
		}
		c.add(&c.units, orderEducation+i, prio, set, "education", i,
			e.Degree, e.Field, e.School, year, article(e.Degree)+" "+e.Degree)
	}
}

// addFillers adds the restatements used only when the facts fall short.
func (c *composer) addFillers(skills []string, years string) {
	p := &c.req.Profile
	role := p.CurrentRole

	var employers []string
	seen := map[string]bool{}
	addEmployer := func(s string) {
		if s != "" && nameLike(s) && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			employers = append(employers, s)
		}
	}
	addEmployer(p.Company)
	for _, e := range p.Experience {
		addEmployer(e.Company)
	}
	if len(employers) >= 2 {
		c.add(&c.fillers, orderEmployers, 0, &employersFiller, "employers", 0, joinList(employers))
	}

	// The earliest earlier title that differs from the current role.
	earliest, earliestAt := "", 1<<30
	for _, e := range p.Experience {
		start, _, ok := e.Dated()
		at := start.Year*12 + start.Month
		if !ok {
			at = 1<<30 - 1
		}
		if e.Title != "" && nameLike(e.Title) && !strings.EqualFold(e.Title, role) && at < earliestAt {
			earliest, earliestAt = e.Title, at
		}
	}
	if earliest != "" {
		c.add(&c.fillers, orderPath, 0, &pathFiller, "path", 0, earliest, role)
	}
	if len(skills) > 1 {
		top := skills
		if len(top) > 3 {
			top = top[:3]
		}
		c.add(&c.fillers, orderClosing, 0, &skillsRoleFiller, "skillsrole", 0, role, joinList(top), p.Company)
		if len(skills) > 3 {
			c.add(&c.fillers, orderClosing+4, 0, &moreSkillsFiller, "moreskills", 0, joinList(skills[3:]))
		}
	}
	for _, e := range p.Education {
		if e.Field != "" && nameLike(e.Field) {
			c.add(&c.fillers, orderClosing+1, 0, &studyRoleFiller, "studyrole", 0, e.Field, role)
			break
		}
	}
	if years != "" {
		c.add(&c.fillers, orderClosing+2, 0, &yearsRoleFiller, "yearsrole", 0, years, role)
	}
	if len(c.usableItems(p.Achievements)) >= 2 {
		c.add(&c.fillers, orderAchievements-1, 0, &achievementsLead, "achlead", 0, role)
	}
	if len(p.Experience) > 0 {
		c.add(&c.fillers, orderExperience-1, 0, &experienceLead, "explead", 0, role)
	}
	if p.Company != "" {
		c.add(&c.fillers, orderClosing+3, 0, &titleFiller, "title", 0, role, p.Company)
	}
}

// nameLike reports whether a name-like field (a title, a company, a skill)
// can go into a bio: anything but what a failed text/template or fmt call
// leaves ("{{", "<no value>", "%!"), which a reader would take for a broken
// bio.
func nameLike(text string) bool {
	return !strings.Contains(text, "{{") && !strings.Contains(text, "%!") && !strings.Contains(text, "<no value>")
}

func nameLikeItems(items []string) []string {
	out := make([]string, 0, len(items))
	for _, s := range items {
		if nameLike(s) {
			out = append(out, s)
		}
	}
	return out
}

// usable reports whether free text from the profile (a summary, an
// achievement) can go into this bio as written: it must not speak in the
// other grammatical person or use pronouns other than the person's.
func (c *composer) usable(text string) bool {
	if text == "" {
		return true
	}
	if !nameLike(text) {
		return false
	}
	if bio.LooksLikeInstruction(text) {
		c.injected = true
		return false
	}
	if safety.HasOffensive(text, safety.InText) {
		c.offensive = true
		return false
	}
	if c.v.first {
		return !bio.HasPersonWord(text, bio.ThirdPersonWords, nil)
	}
	if bio.HasPersonWord(text, bio.FirstPersonWords, nil) {
		return false
	}
	return !bio.HasPersonWord(text, bio.ThirdPersonWords, c.v.pronouns.Words())
}

func (c *composer) usableItems(items []string) []string {
	out := make([]string, 0, len(items))
	for _, s := range items {
		if c.usable(s) {
			out = append(out, s)
		}
	}
	return out
}

// usableSentences keeps the sentences of text that are usable, each ending
// with a full stop.
func (c *composer) usableSentences(text string) string {
	var out []string
	for _, s := range splitSentences(text) {
		if c.usable(s) {
			out = append(out, upperFirst(sentence(s)))
		}
	}
	return strings.Join(out, " ")
}

// splitSentences splits after ".", "!" or "?" followed by a space.
func splitSentences(text string) []string {
	var out []string
	start := 0
	for i := 0; i+1 < len(text); i++ {
		switch text[i] {
		case '.', '!', '?':
			if text[i+1] == ' ' {
				out = append(out, strings.TrimSpace(text[start:i+1]))
				start = i + 2
			}
		}
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		out = append(out, rest)
	}
	return out
}
