package safety

import "strings"

// The patterns read a bio's lower-case form (Form), with the person's
// name masked to "q" by the output checks (check.maskProfile). They state
// an attribute of the subject, not a topic: "she is a devout Catholic",
// "as a Muslim,", "a Black engineer", "her husband", "she has diabetes",
// "she turned 60"; not "Catholic Charities", "patients diagnosed with",
// "a black belt", "her children's books", "gradient descent". Words that
// are only ever said of a person stand alone ("openly gay", "a mother of
// two", "in her fifties").

// Building blocks.
const (
	// subj is the subject: a pronoun or the masked name.
	subj = `\b(?:she|he|they|i|q)`
	// be links the subject to what it is.
	be = `(?:is|was|are|were|am|'s|'m|has been|have been|had been|became|becomes|remains|identifies as|describes (?:her|him|them)self as|considers (?:her|him|them)self)`
	// mods are the words between a link and the attribute.
	mods = `(?:(?:a|an|the|also|now|still|very|both) )*(?:(?:proud|proudly|devout|devoutly|practi[sc]ing|committed|observant|openly|self-described|lifelong|born-again|newly|recently|happily|fellow|first-generation|second-generation|legally|profoundly|partially|completely|totally|severely|clinically|chronically) )*`
	// end is what may follow an attribute that is the subject's: the end
	// of a clause, "and", "who", "herself", or a noun of a person.
	end = `(?:[,.;:!?)]|$| and\b| who\b| (?:her|him|them)sel(?:f|ves)\b| ` + personNoun + `\b)`
	// personNoun are nouns of a person a bio puts after an attribute ("a
	// Black engineer").
	personNoun = `(?:woman|women|man|men|person|people|girl|boy|lady|engineer|engineers|developer|technologist|leader|founder|cofounder|co-founder|executive|professional|scientist|researcher|designer|manager|lawyer|attorney|doctor|physician|nurse|teacher|entrepreneur|ceo|cto|cfo|coo|mother|father|mom|mum|dad|parent|veteran|immigrant|student|author|writer|artist|coder|programmer|analyst|consultant|director|officer|employee|worker|candidate|speaker|advocate|activist|athlete|believer|american|british|canadian|australian|academic|mathematician|economist|architect|journalist|pilot|soldier|chef|surgeon|student|musician)`
	// number is an age in figures or words.
	number = `(?:\d{2}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)`
	// decades are ages by decade.
	decades = `(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|\d0s)`
)

// is returns the patterns of a subject said to be one of xs, alone or
// before a noun of a person: "she is a devout Catholic", "as a Muslim,",
// "a Black engineer", "a 45-year-old engineer".
func is(xs string) string {
	xs = withoutArticles(xs) // mods take the article: "a proud grandmother"
	return subj + ` ` + be + ` ` + mods + `(` + xs + `)` + end +
		`|[.!?;] ` + mods + `(` + plainWords(xs) + `)(?:,| (?:her|him|them)sel(?:f|ves)\b| and proud\b)` +
		`|\bas ` + mods + `(` + xs + `)` + end +
		`|\b(?:a|an) ` + mods + `(` + xs + `) ` + personNoun + `\b`
}

// withoutArticles drops the article of each alternative of xs.
func withoutArticles(xs string) string {
	alts := splitTop(xs)
	for i, a := range alts {
		a = strings.TrimPrefix(a, "a ")
		alts[i] = strings.TrimPrefix(a, "an ")
	}
	return strings.Join(alts, "|")
}

// plainWords keeps the alternatives of xs that are plain words of three
// letters or more: the ones a sentence may open with ("Jewish and proud,
// she..."), which the literal search can find.
func plainWords(xs string) string {
	var keep []string
	for _, a := range splitTop(xs) {
		if len(a) >= 3 && !strings.ContainsAny(a, `\[(?*+`) {
			keep = append(keep, a)
		}
	}
	return strings.Join(keep, "|")
}

// splitTop splits a pattern at its top-level alternatives.
func splitTop(xs string) []string {
	var out []string
	depth, from := 0, 0
	for i := 0; i < len(xs); i++ {
		switch xs[i] {
		case '\\':
			i++
		case '(':
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, xs[from:i])
				from = i + 1
			}
		}
	}
	return append(out, xs[from:])
}

// has returns the patterns of a subject that has, lives with or came
// through one of xs.
func has(xs string) string {
	return subj + ` (?:has|had|have|got|developed|lives with|is living with|lived with|was diagnosed with|is diagnosed with|has been diagnosed with|diagnosed with|suffers from|suffered from|is suffering from|battled|is battling|fought|survived|beat|overcame|recovered from|is recovering from|was treated for|is being treated for|went through|underwent|is undergoing|is in remission from) (?:(?:a|an|the|her|his|their|stage [0-4iv]+|early|late|chronic|severe|mild|type [12]|breast|lung|skin|colon|prostate|ovarian|bone|brain|kidney|liver|heart|multiple|cerebral|long) )*(` + xs + `)\b`
}

// topical marks a pattern whose match Protected skips before a topic
// noun or "'s"; it matches nothing itself.
const topical = `(?:)`

// topicNouns are the nouns that make an attribute word a topic: "her
// cancer research", "his disability law practice", "her faith community
// work" stays a statement only without them.
var topicNouns = map[string]bool{
	"research": true, "law": true, "practice": true, "rights": true, "center": true, "centre": true, "clinic": true,
	"program": true, "programme": true, "programs": true, "advocacy": true, "studies": true, "work": true, "policy": true,
	"policies": true, "care": true, "services": true, "service": true, "unit": true, "ward": true, "team": true,
	"department": true, "charity": true, "charities": true, "foundation": true, "awareness": true, "prevention": true,
	"fund": true, "trials": true, "trial": true, "screening": true, "medicine": true, "insurance": true, "network": true,
	"group": true, "groups": true, "initiative": true, "initiatives": true, "project": true, "projects": true,
	"organization": true, "organisation": true, "patients": true, "clients": true, "community": true, "communities": true,
	"history": true, "literature": true, "book": true, "books": true, "art": true, "music": true, "choir": true,
	"school": true, "schools": true, "hospital": true, "board": true, "council": true, "committee": true, "sector": true,
	"tongue": true, "company": true, "firm": true, "business": true, "startup": true, "brand": true, "products": true,
	"product": true, "lab": true, "laboratory": true, "institute": true, "association": true, "society": true,
}

// religions, ethnicities and the rest are the attributes as a bio names
// them.
var (
	religions    = `christian|catholic|roman catholic|protestant|evangelical|baptist|southern baptist|methodist|lutheran|anglican|episcopalian|presbyterian|pentecostal|mormon|latter-day saint|quaker|jehovah's witness|orthodox christian|orthodox jew|muslim|sunni|shia|shiite|jew|jewish|hindu|buddhist|sikh|jain|zoroastrian|atheist|agnostic|believer|person of faith|religious|pagan|wiccan|bahai|baha'i`
	ethnicities  = `black|white|asian|hispanic|latino|latina|latinx|chicano|chicana|caucasian|african[- ]american|asian[- ]american|\w+-american|biracial|multiracial|mixed[- ]race|indigenous|aboriginal|native american|first nations|maori|pacific islander|arab|person of colou?r|woman of colou?r|man of colou?r|bipoc|romani`
	orientations = `gay|lesbian|bisexual|queer|homosexual|heterosexual|pansexual|asexual|lgbt\w*\+?|trans|transgender|trans woman|trans man|nonbinary|non-binary|genderqueer|genderfluid|gender-fluid|intersex|two-spirit|out and proud`
	healthStates = `pregnant|expecting|diabetic|epileptic|bipolar|schizophrenic|hiv-positive|hiv positive|terminally ill|chronically ill|mentally ill|immunocompromised|in remission|in recovery|sober|a recovering alcoholic|a recovering addict|an alcoholic|an addict|overweight|obese|a (?:\w+ )?(?:cancer|stroke|heart attack|covid|leukemia|leukaemia|lymphoma|tumou?r) survivor|a survivor of (?:\w+ )?(?:cancer|a stroke|a heart attack|leukemia|lymphoma)|on medical leave|on sick leave`
	diseases     = `cancer|leukemia|leukaemia|lymphoma|tumou?r|diabetes|adhd|autism|dyslexia|dyspraxia|cerebral palsy|multiple sclerosis|epilepsy|depression|anxiety|ptsd|ocd|bipolar disorder|schizophrenia|hiv|aids|addiction|alcoholism|a disability|disabilities|low vision|a stroke|a heart attack|stroke|heart attack|transplant|kidney transplant|chemotherapy|chemo|radiation|chronic pain|long covid|lupus|parkinson's|crohn's|arthritis|dementia|alzheimer's|an eating disorder|anorexia|bulimia|infertility|a miscarriage|miscarriage|surgery|illness|an illness|a rare disease|covid`
	disabilities = `disabled|blind|deaf|deafblind|hard of hearing|visually impaired|hearing impaired|partially sighted|autistic|dyslexic|neurodivergent|neurodiverse|wheelchair-bound|wheelchair bound|a wheelchair user|an amputee|paralysed|paralyzed|paraplegic|quadriplegic|on the autism spectrum|on the spectrum`
	families     = `married|divorced|separated|widowed|a widow|a widower|single|engaged|newly engaged|a newlywed|newlywed|a mother|a mom|a mum|a father|a dad|a parent|a grandmother|a grandfather|a grandparent|a grandma|a grandpa|a stepmother|a stepfather|a single mother|a single father|a single parent|a single mom|a single mum|a single dad|an empty nester|empty nester|childfree|child-free|childless|a homemaker|a stay-at-home mom|a stay-at-home mother|a stay-at-home dad|a stay-at-home father|a stay-at-home parent`
	generations  = `millennial|a millennial|gen[- ]?x|a gen[- ]?xer|gen[- ]?xer|gen[- ]?z|a gen[- ]?zer|gen[- ]?zer|a baby boomer|baby boomer|a boomer|boomer|a teenager|teenager|a teen|an octogenarian|a septuagenarian|a sexagenarian|a nonagenarian|elderly|a retiree|retired|a pensioner|a senior citizen|nearing retirement|close to retirement|approaching retirement`
	relatives    = `husband|wife|spouse|ex-husband|ex-wife|boyfriend|girlfriend|fiance|fiancee|children|kids|son|sons|daughter|daughters|twins|baby|newborn|grandchildren|grandkids|grandson|granddaughter|stepchildren|stepson|stepdaughter|wedding|divorce|marriage`
)

// her returns the pattern of one of xs as the subject's ("her husband",
// "his two kids", "her late wife"); Protected skips a match followed by a
// topic noun ("her cancer research") and one followed by "'s" ("her
// children's books").
func her(xs string) string {
	return topical + `\b(?:her|his|my) (?:(?:two|three|four|five|six|\d|young|grown|adult|late|beloved|loving|first|new|newborn|baby|teenage|twin|own|ongoing|recent|long|private) )*(` + xs + `)\b`
}

var terms = []term{
	{Age, is(generations)},
	{Age, subj + ` ` + be + ` (?:aged )?` + number + `(?:[- ]years?[- ]old| years of age)?(?:[,.;:!?)]|$| and\b| this year\b| next\b)`},
	{Age, `[.!?] at (?:the age of )?` + number + `(?: years old| years of age)?,|` + subj + ` (turned|turns|will turn|is turning) ` + number + `\b|(?:her|his|my) ` + `\d{2}(?:st|nd|rd|th) (birthday)`},
	{Age, `\b(?:in|into) (?:her|his|my) (?:(?:late|early|mid)[- ])?` + decades + `\b|\b(?:a|an) ` + number + `[- ]years?[- ]old ` + personNoun + `\b`},
	{Age, `\b(?:` + subj + ` was )?born (?:in|on) (?:[a-z]+ )?(?:\d{1,2},? )?(?:19|20)\d\d\b|\bq,? (?:aged|age) \d{2},`},
	{Age, `\ban? (?:gen[- ]?xer|gen[- ]?zer|boomer|baby boomer|millennial),`},

	{Religion, is(religions)},
	{Religion, subj + ` (?:observes|fasts (?:for|during)|keeps) (?:ramadan|kosher|halal|shabbat|the sabbath|lent|yom kippur)\b|` + subj + ` (?:wears|wore) (?:a |her |his )?(?:hijab|headscarf|niqab|turban|kippah|yarmulke|burqa)\b`},
	{Religion, subj + ` (?:goes to|attends|went to|attended|worships at|prays at|sings in) (?:\w+ )?(?:church|mass|mosque|synagogue|temple|gurdwara|services|chapel)\b|\b` + subj + ` prays\b`},
	{Religion, `\bdevout\b|\bdevoutly\b|\bborn-again\b|\bchurchgoer\b|\bchurchgoing\b`},
	{Religion, her(`faith|religion|religious beliefs|church|mosque|synagogue|temple|parish|congregation|pastor|rabbi|imam`)},

	{Health, is(healthStates)},
	{Health, has(diseases)},
	{Health, subj + ` (?:took|takes|is on|was on|went on|returned from|came back from|is taking) (?:a |her |his )?(?:\w+ )?(?:sick|medical|mental health|disability) leave\b`},
	{Health, her(`pregnancy|diagnosis|illness|cancer|chemotherapy|chemo|treatment for|condition|depression|anxiety|addiction|recovery from|surgery|health condition|mental health|miscarriage|infertility`)},

	{Disability, is(disabilities)},
	{Disability, her(`disability|disabilities|impairment|wheelchair|hearing aid|guide dog|autism|dyslexia|blindness|deafness`)},
	{Disability, has(`a disability|disabilities|a visual impairment|a hearing impairment|a learning disability|paralysis|an amputation|hearing loss|sight loss|vision loss`) + `|` + subj + ` (?:uses|used) a (?:wheelchair|cane|hearing aid|guide dog|cochlear implant)\b|\b` + subj + ` (?:has been|was|is) (?:blind|deaf) (?:since|from)\b`},

	{Family, is(families)},
	{Family, her(relatives)},
	{Family, `\b(?:mother|father|parent|mom|mum|dad|grandmother|grandfather|grandparent|grandma|grandpa) (?:of|to) (?:one|two|three|four|five|six|seven|twins|triplets|\d)\b|` + subj + ` (?:is raising|raises|raised|has|had|is expecting) (?:her |his |their |my )?(?:one|two|three|four|five|six|seven|\d|twins|young|grown) (?:\w+ )?(?:children|kids|sons|daughters|grandchildren|grandkids|sons)\b`},
	{Family, subj + ` (?:married|wed|divorced|separated from|lost her husband|lost his wife)\b|\bmarried with (?:\w+ )?(?:children|kids)\b|\bstay-at-home (?:mom|mother|dad|father|parent)\b|\bfamily (?:man|woman)\b`},
	{Family, subj + ` (?:took|takes|is on|was on|went on|returned from|came back from|is taking) (?:a |her |his )?(?:\w+ )?(?:maternity|paternity|parental|adoption) leave\b`},

	{Ethnicity, is(ethnicities)},
	{Ethnicity, her(`ethnicity|ethnic background|heritage|ancestry|race|skin colou?r`)},
	{Ethnicity, subj + ` ` + be + ` ` + mods + `of (?:\w+ )(?:(?:and|or) \w+ )?(?:descent|ancestry|heritage|origin|extraction)\b|\b(?:woman|man|person|people|engineer|leader|founder) of (?:\w+ )(?:(?:and|or) \w+ )?(?:descent|ancestry)\b`},

	{Orientation, is(orientations)},
	{Orientation, her(`sexuality|sexual orientation|coming out|transition|gender identity|same-sex partner`)},
	{Orientation, `\bopenly (?:gay|lesbian|bi|bisexual|queer|trans|transgender|nonbinary|non-binary)\b|` + subj + ` (?:came out|transitioned|is transitioning|has transitioned)\b|` + subj + ` ` + be + ` (bi)(?:[,.;:!?)]|$| and\b)`},
}

func init() {
	for i := range terms {
		terms[i].pattern = strings.ReplaceAll(terms[i].pattern, "\n", "")
	}
}
