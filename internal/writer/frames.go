package writer

// A frame is one way to say a fact. Numbered placeholders ({1}, {2}, ...)
// take the fact's parts; a segment in square brackets is left out when a
// numbered placeholder inside it is empty. See voice for the others.
//
// Frames say only what the placeholders hold: no frame may add a skill, an
// employer, a number or a judgement about the person. The test
// TestNoInventedWords keeps the words of the frames and of the profile apart
// and fails on any other word in a bio.
type frame struct {
	text string
	// rich frames say the fact at more length; the writer prefers them for
	// long bios and falls back to plain ones when space is short.
	rich bool
}

// frameSet holds the frames of one kind of fact for each tone and layout.
type frameSet struct {
	formal, casual, bullets []frame
}

func plain(texts ...string) []frame {
	out := make([]frame, len(texts))
	for i, t := range texts {
		out[i] = frame{text: t}
	}
	return out
}

func withRich(f []frame, texts ...string) []frame {
	for _, t := range texts {
		f = append(f, frame{text: t, rich: true})
	}
	return f
}

// Intro: {1} role, {2} company, {3} location, {4} role with its article.
var introThird = frameSet{
	formal: plain(
		"{N} is {4}[ at {2}][, based in {3}].",
		"{N} serves as {1}[ at {2}][ and is based in {3}].",
		"[Based in {3}, ]{N} works as {1}[ at {2}].",
	),
	casual: plain(
		"Meet {N}, {1}[ at {2}][ in {3}].",
		"{N} is {4}[ at {2}][, working out of {3}].",
		"Say hello to {N}, {1}[ at {2}][, based in {3}].",
	),
	bullets: plain(
		"{N}: {1}[ at {2}][, based in {3}]",
		"{N}, {1}[ at {2}][ ({3})]",
	),
}

var introFirst = frameSet{
	formal: plain(
		"I am {N}, {1}[ at {2}][, based in {3}].",
		"My name is {N}, and I serve as {1}[ at {2}][ in {3}].",
		"I am {N}, and I work as {1}[ at {2}][, based in {3}].",
	),
	casual: plain(
		"Hi, I'm {N}, {1}[ at {2}][ in {3}].",
		"I'm {N}, {4}[ at {2}][, based in {3}].",
		"Hey there! I'm {N}, and I work as {1}[ at {2}][ in {3}].",
	),
	bullets: plain(
		"I am {N}, {1}[ at {2}][, based in {3}]",
		"I am {N}: {1}[ at {2}][ ({3})]",
	),
}

// Years: {1} "12 years".
var yearsFrames = frameSet{
	formal: withRich(plain(
		"{S} {have} {1} of professional experience.",
		"{P} career spans {1}.",
	),
		"{P} professional career so far spans {1} of experience.",
		"{S} {have} built {p} professional career over {1}.",
	),
	casual: withRich(plain(
		"{S} {have} been at it for {1}.",
		"{P} career so far spans {1}.",
	),
		"{S} {have} been building {p} career for {1} now.",
	),
	bullets: plain(
		"{1} of professional experience",
		"Experience: {1}",
	),
}

// Summary: {1} the person's own summary.
var summaryFrames = frameSet{
	formal: withRich(plain("{1}"),
		"{P} background in brief: {1}",
	),
	casual: withRich(plain("{1}"),
		"In short: {1}",
	),
	bullets: plain("{1}", "Background: {1}"),
}

// Skills: {1} the list, {2} the role.
var skillsFrames = frameSet{
	formal: withRich(plain(
		"{P} skills include {1}.",
		"{S} {v:bring|brings} expertise in {1}.",
		"{P} core strengths include {1}.",
	),
		"{P} professional skills include {1}, which {s} {v:apply|applies} in {p} work as {2}.",
		"In {p} work as {2}, {s} {v:draw|draws} on skills in {1}.",
		"{P} professional skill set spans {1}.",
	),
	casual: withRich(plain(
		"{S}{'s} skilled in {1}.",
		"{P} toolkit includes {1}.",
		"{S} {v:work|works} with {1}.",
	),
		"Day to day as {2}, {s} {v:put|puts} {p} skills in {1} to work.",
		"{P} toolkit as {2} includes {1}.",
		"{S} {v:bring|brings} a toolkit that spans {1}.",
	),
	bullets: plain(
		"Skills: {1}",
		"Core skills: {1}",
		"Key skills: {1}",
	),
}

// Achievements that open with a past-tense verb: {1} the text in lower
// case ("cut claims processing time..."), {2} as written.
var achievementVerbFrames = frameSet{
	formal: withRich(plain(
		"{S} {1}.",
		"Notably, {s} {1}.",
		"Among {p} achievements, {s} {1}.",
	),
		"One of {p} notable achievements: {s} {1}.",
		"Among the achievements of {p} career, {s} {1}.",
		"A notable achievement: {s} {1}.",
		"A career highlight: {s} {1}.",
	),
	casual: withRich(plain(
		"{S} {1}.",
		"One highlight: {s} {1}.",
		"{S} also {1}.",
	),
		"A highlight of {p} career: {s} {1}.",
		"Among {p} proudest moments, {s} {1}.",
		"A career highlight: {s} {1}.",
	),
	bullets: plain("{2}"),
}

// Other achievements: {2} as written.
var achievementFrames = frameSet{
	formal: withRich(plain(
		"{P} achievements include: {2}.",
		"One of {p} achievements: {2}.",
	),
		"Among the achievements of {p} career: {2}.",
		"A notable achievement: {2}.",
	),
	casual: withRich(plain(
		"One highlight: {2}.",
		"A highlight of {p} work: {2}.",
	),
		"Among {p} proudest moments: {2}.",
		"A career highlight: {2}.",
	),
	bullets: plain("{2}", "Achievement: {2}"),
}

// Past positions: {1} title, {2} company, {3} the dates as a phrase
// ("from March 2016 to August 2021"), {4} the summary after a subject
// ("built the streaming platform..."), {5} a summary that does not open with
// a verb, {6} the years ("2016–2021"), {7} a summary that opens with a verb,
// as written (for bullets).
var pastRoleFrames = frameSet{
	formal: withRich(plain(
		"[{3}, ]{s} served as {1}[ at {2}][ and {4}].[ In that role: {5}.]",
		"{S} previously worked as {1}[ at {2}][ ({6})][, where {s} {4}].[ In that role: {5}.]",
		"Earlier, {s} {was} {1}[ at {2}][ ({6})][; there {s} {4}].[ In that role: {5}.]",
	),
		"Earlier in {p} career, [{3}, ]{s} held the position of {1}[ at {2}][, where {s} {4}].[ A highlight of that role: {5}.]",
		"[{3}, ]{s} held the position of {1}[ at {2}][, and in that role {4}].[ A highlight of that role: {5}.]",
	),
	casual: withRich(plain(
		"Before that, {s} worked as {1}[ at {2}][ ({6})][, where {s} {4}].[ Highlight: {5}.]",
		"{S} {was} {1}[ at {2}][ ({6})][ and {4}].[ Highlight: {5}.]",
	),
		"Earlier on, {s} spent time as {1}[ at {2}][ ({6})][, where {s} {4}].[ A highlight from that time: {5}.]",
		"Before that, {s} spent time as {1}[ at {2}][ ({6})][ and {4}].[ A highlight from that time: {5}.]",
	),
	bullets: plain(
		"{1}[, {2}][ ({6})][: {5}][: {7}]",
		"Previously {1}[ at {2}][, {6}][: {5}][: {7}]",
	),
}

// Past positions with a company and no title: as above.
var pastCompanyFrames = frameSet{
	formal: withRich(plain(
		"[{3}, ]{s} worked at {2}[ and {4}].[ In that role: {5}.]",
		"{S} previously worked at {2}[ ({6})][, where {s} {4}].[ In that role: {5}.]",
	),
		"Earlier in {p} career, [{3}, ]{s} worked at {2}[, where {s} {4}].[ A highlight from that time: {5}.]",
		"[{3}, ]{s} spent time at {2}[ and {4}].[ A highlight from that time: {5}.]",
	),
	casual: withRich(plain(
		"Before that, {s} worked at {2}[ ({6})][, where {s} {4}].[ Highlight: {5}.]",
		"{S} worked at {2}[ ({6})][ and {4}].[ Highlight: {5}.]",
	),
		"Earlier on, {s} spent time at {2}[ ({6})][, where {s} {4}].[ A highlight from that time: {5}.]",
	),
	bullets: plain("{2}[ ({6})][: {5}][: {7}]"),
}

// Current positions (no end date): {1} title, {2} company, {8} the start
// ("March 2022"), {4}, {5}, {6} as for past positions.
var currentRoleFrames = frameSet{
	formal: withRich(plain(
		"[Since {8}, ]{s} {have} served as {1}[ at {2}][ and {4}].[ In that role: {5}.]",
		"{S} currently {v:serve|serves} as {1}[ at {2}][, a position {s} {have} held since {8}][; there {s} {4}].[ In that role: {5}.]",
	),
		"In {p} current position as {1}[ at {2}][, held since {8}][, {s} {4}].[ A highlight of this role: {5}.]",
		"[Since {8}, ]{s} {have} held the position of {1}[ at {2}][, and in that role {4}].[ A highlight of this role: {5}.]",
	),
	casual: withRich(plain(
		"[Since {8}, ]{s} {have} been {1}[ at {2}][ and {4}].[ Highlight: {5}.]",
	),
		"These days {s} {v:work|works} as {1}[ at {2}][, a role {s} {have} held since {8}][, and {s} {4}].[ Highlight: {5}.]",
		"[Since {8}, ]{s} {have} been working as {1}[ at {2}][ and {4}].[ Highlight: {5}.]",
	),
	bullets: plain("{1}[ at {2}][ (since {8})][: {5}][: {7}]"),
}

// Education: {1} degree, {2} field, {3} school, {4} year, {5} the degree with
// its article ("an MBA").
var degreeFrames = frameSet{
	formal: withRich(plain(
		"{S} {v:hold|holds} {5}[ in {2}][ from {3}][ ({4})].",
		"{S} earned {5}[ in {2}][ at {3}][ in {4}].",
	),
		"{P} education includes {5}[ in {2}][, earned at {3}][ in {4}].",
	),
	casual: withRich(plain(
		"{S} earned {5}[ in {2}][ at {3}][ in {4}].",
		"{S} {v:hold|holds} {5}[ in {2}][ from {3}].",
	),
		"On the education side, {s} earned {5}[ in {2}][ at {3}][ in {4}].",
	),
	bullets: plain("Education: {1}[ in {2}][, {3}][ ({4})]"),
}

// Education with no degree: {2} field, {3} school, {4} year.
var studyFrames = frameSet{
	formal:  plain("{S} studied[ {2}][ at {3}][ ({4})]."),
	casual:  plain("{S} studied[ {2}][ at {3}][ ({4})]."),
	bullets: plain("Education:[ {2}][, {3}][ ({4})]"),
}

// Education to be completed: as for degreeFrames.
var futureDegreeFrames = frameSet{
	formal:  plain("{S} {be} studying for {5}[ in {2}][ at {3}][, expected in {4}]."),
	casual:  plain("{S} {be} working toward {5}[ in {2}][ at {3}][, expected in {4}]."),
	bullets: plain("Education: {1}[ in {2}][, {3}][ (expected {4})]"),
}

// Certifications: {1} the list, {2} "certification" or "certifications".
var certFrames = frameSet{
	formal: withRich(plain(
		"{S} {v:hold|holds} the {1} {2}.",
		"{P} credentials include {1}.",
	),
		"{P} professional credentials include the {1} {2}.",
	),
	casual: plain(
		"{S} {v:hold|holds} the {1} {2}.",
		"{P} credentials include {1}.",
	),
	bullets: plain("Certifications: {1}", "Credentials: {1}"),
}

// Languages: {1} the list.
var languageFrames = frameSet{
	formal: withRich(plain(
		"{S} {v:speak|speaks} {1}.",
		"{P} languages include {1}.",
	),
		"{S} {v:speak|speaks} {1}.",
	),
	casual: plain(
		"{S} {v:speak|speaks} {1}.",
		"{P} languages include {1}.",
	),
	bullets: plain("Languages: {1}"),
}

// Fillers restate facts already given, to bring a bio from a thin profile
// nearer its length without inventing anything. They are used only when the
// facts alone fall short.

// {1} the employers, current one included.
var employersFiller = frameSet{
	formal:  plain("Over the course of {p} career, {s} {have} worked with {1}.", "{S} {have} worked with {1}."),
	casual:  plain("Along the way, {s} {have} worked with {1}.", "{S} {have} worked with {1}."),
	bullets: plain("Employers: {1}"),
}

// {1} an earlier title, {2} the current role.
var pathFiller = frameSet{
	formal:  plain("{P} path has led from {1} to {p} current role as {2}."),
	casual:  plain("{P} path has gone from {1} to {2}."),
	bullets: plain("Career path: {1} to {2}"),
}

// {1} the role, {2} the first skills, {3} the company.
var skillsRoleFiller = frameSet{
	formal:  plain("As {1}[ at {3}], {s} {v:draw|draws} on {p} experience with {2}.", "As {1}[ at {3}], {s} {v:draw|draws} on experience with {2}."),
	casual:  plain("As {1}[ at {3}], {s} {v:lean|leans} on {2}."),
	bullets: plain("Focus as {1}: {2}"),
}

// {1} the field of study, {2} the role.
var studyRoleFiller = frameSet{
	formal:  plain("{S} {v:combine|combines} a background in {1} with {p} work as {2}.", "A background in {1} underpins the work of {N} as {2}."),
	casual:  plain("{S} {v:bring|brings} a background in {1} to {p} work as {2}.", "{S} {v:bring|brings} a background in {1} to the job."),
	bullets: plain("Field of study: {1}"),
}

// {1} the skills after the first three.
var moreSkillsFiller = frameSet{
	formal:  plain("{P} toolkit also takes in {1}."),
	casual:  plain("{S} also {v:know|knows} {p} way around {1}."),
	bullets: plain("Also skilled in: {1}"),
}

// {1} the years, {2} the role.
var yearsRoleFiller = frameSet{
	formal:  plain("{1} of experience inform {p} work as {2}."),
	casual:  plain("{1} of experience go into {p} work as {2}."),
	bullets: plain("Experience as of today: {1}"),
}

// {1} the role. Leads into the achievements when there are several.
var achievementsLead = frameSet{
	formal: plain("Several achievements stand out from {p} career so far.", "Several results stand out from {p} career so far."),
	casual: plain("A few highlights stand out from {p} career so far.", "A few highlights from {p} career so far stand out."),
}

// {1} the role. Leads into earlier positions.
var experienceLead = frameSet{
	formal: plain("Before {p} current role as {1}, {s} held other positions.", "Earlier positions shaped {p} path to the role of {1}."),
	casual: plain("Before {p} current role as {1}, {s} had other jobs.", "{P} path to {1} ran through other jobs first."),
}

// {1} the role, {2} the company.
var titleFiller = frameSet{
	formal: plain("At {2}, {s} {v:hold|holds} the title of {1}.", "{P} current title[ at {2}] is {1}."),
	casual: plain("At {2}, {p} title is {1}.", "{P} current title[ at {2}] is {1}."),
}

// frameSets lists every set so tests can read all frame words.
var frameSets = []*frameSet{
	&introThird, &introFirst, &yearsFrames, &summaryFrames, &skillsFrames,
	&achievementVerbFrames, &achievementFrames, &pastRoleFrames, &pastCompanyFrames,
	&currentRoleFrames, &degreeFrames, &studyFrames, &futureDegreeFrames, &certFrames,
	&languageFrames, &employersFiller, &pathFiller, &skillsRoleFiller, &studyRoleFiller,
	&yearsRoleFiller, &moreSkillsFiller, &achievementsLead, &experienceLead, &titleFiller,
}
