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
	// subj is the subject: a pronoun or the masked name. "they" is the
	// subject only for a person whose pronouns are they/them: the output
	// checks read it as "q" then (check.unsafe); otherwise it is others.
	subj = ` (?:she|he|i|q)(?:,? who)?`
	// be links the subject to what it is.
	be = `(?:'s|'m|'re|'s been|'ve been|'d been| is| was| are| were| am| has been| have been| had been| will be| became| becomes| remains| identifies as| describes (?:her|him|them)self as| considers (?:her|him|them)self)`
	// mods are the words between a link and the attribute.
	mods = `(?:(?:a|an|the|also|now|still|very|both|currently) )*(?:(?:proud|proudly|devout|devoutly|devoted|loving|doting|busy|working|full-time|hands-on|practi[sc]ing|committed|observant|openly|self-described|lifelong|born-again|newly|recently|happily|fellow|first-generation|second-generation|legally|profoundly|partially|completely|totally|severely|clinically|chronically) )*`
	// end is what may follow an attribute that is the subject's: the end
	// of a clause, "and", "who", "herself", or a noun of a person.
	end = `(?:[,.;:!?)]|$| and\b| who\b| (?:her|him|them)sel(?:f|ves)\b| ` + personNoun + `\b)`
	// endStrict is end without "and", for words that lead a compound
	// ("black and white", "Asian and European markets", "Deaf and hard of
	// hearing").
	endStrict = `(?:[,.;:!?)]|$| and proud\b| who\b| (?:her|him|them)sel(?:f|ves)\b| ` + personNoun + `\b)`
	// personNoun are nouns of a person a bio puts after an attribute ("a
	// Black engineer").
	personNoun = `(?:woman|women|man|men|person|girl|boy|lady|engineer|developer|technologist|leader|founder|cofounder|co-founder|executive|professional|scientist|researcher|designer|manager|lawyer|attorney|doctor|physician|nurse|teacher|entrepreneur|ceo|cto|cfo|coo|mother|father|mom|mum|dad|parent|veteran|immigrant|student|author|writer|artist|coder|programmer|analyst|consultant|director|officer|employee|worker|candidate|speaker|activist|athlete|believer|academic|mathematician|economist|architect|journalist|pilot|soldier|chef|surgeon|musician)`
	// number is an age in figures or words.
	number = `(?:\d{2}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)`
	// decades are ages by decade.
	decades = `(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|\d0s)`
)

// is returns the patterns of a subject said to be one of xs: "she is a
// devout Catholic", "as a Muslim,", "a Black engineer", "Okafor, a
// practising Catholic,", "being gay,". strict ends the attribute without
// "and".
func is(xs string, strict bool) string {
	xs = withoutArticles(xs) // mods take the article: "a proud grandmother"
	e := end
	if strict {
		e = endStrict
	}
	return subj + be + ` ` + mods + `(` + xs + `)` + e +
		`|[.!?;] ` + mods + `(` + plainWords(xs) + `)(?:,| (?:her|him|them)sel(?:f|ves)\b| and proud\b)` +
		`|\bas ` + mods + `(` + xs + `)` + e +
		`|\bq, ` + mods + `(` + xs + `)(?:,| who\b)` +
		`|\bbeing ` + mods + `(` + xs + `),` +
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
// through one of xs. With the plain verbs ("has", "developed",
// "underwent") it is topical, and no "and" may follow ("she has
// chemotherapy and biotherapy certification"); with the verbs only said of
// an illness ("was diagnosed with", "suffers from") it is a statement.
func has(xs string) (weak, strong string) {
	before := `(?:(?:a|an|the|her|his|their|stage [0-4iv]+|early|late|chronic|severe|mild|type [12]|breast|lung|skin|colon|prostate|ovarian|bone|brain|kidney|liver|heart|multiple|cerebral|long) )*(`
	weak = topicalNoAnd + subj + ` (?:has|had|have|got|developed|fought|went through|is going through|underwent|is undergoing|beat|overcame)` + ` ` + before + xs + `)\b`
	strong = subj + ` (?:lives with|is living with|lived with|was diagnosed with|is diagnosed with|has been diagnosed with|suffers from|suffered from|is suffering from|battled|is battling|survived|recovered from|is recovering from|was treated for|is being treated for|is in remission from)` + ` ` + before + xs + `)\b` +
		`|[.!?] (?:diagnosed with|after being diagnosed with) ` + before + xs + `|ms)\b` +
		`|\b(?:her|his|my) (?:own )?(?:battle|fight|struggle|journey) with ` + before + xs + `)\b`
	return weak, strong
}

// topical marks a pattern whose match Protected skips when a topic, not a
// statement, follows it (topicAfter); topicalNoAnd one that "and" may not
// follow either. They match nothing themselves.
const (
	topical      = `(?:)`
	topicalNoAnd = `(?:)(?:)`
)

// religions, ethnicities and the rest are the attributes as a bio names
// them.
var (
	religions    = `christian|catholic|roman catholic|protestant|baptist|southern baptist|methodist|lutheran|anglican|episcopalian|presbyterian|pentecostal|mormon|latter-day saint|quaker|jehovah's witness|orthodox christian|orthodox jew|muslim|sunni|shia|shiite|jew|jewish|hindu|buddhist|sikh|jain|zoroastrian|atheist|agnostic|believer|person of faith|woman of faith|man of faith|religious|pagan|wiccan|bahai|baha'i`
	colours      = `black|white|brown`
	ethnicities  = `asian|hispanic|latino|latina|latinx|chicano|chicana|caucasian|(?:african|asian|mexican|korean|chinese|japanese|filipino|filipina|vietnamese|indian|arab|italian|irish|polish|cuban|puerto rican|dominican|haitian|nigerian|ghanaian|jamaican|iranian|armenian|greek|lebanese|palestinian|pakistani|taiwanese|native|cambodian|hmong|laotian|somali|ethiopian|colombian|salvadoran|guatemalan|brazilian|jewish)[- ]americans?|biracial|multiracial|mixed[- ]race|indigenous|aboriginal|native american|first nations|maori|pacific islander|arab|person of colou?r|woman of colou?r|man of colou?r|bipoc|romani`
	orientations = `gay|lesbian|bisexual|queer|homosexual|heterosexual|pansexual|asexual|trans|transgender|trans woman|trans man|nonbinary|non-binary|genderqueer|genderfluid|gender-fluid|intersex|two-spirit|out and proud`
	healthStates = `pregnant|expecting|diabetic|epileptic|bipolar|schizophrenic|hiv-positive|hiv positive|terminally ill|chronically ill|mentally ill|immunocompromised|in remission|in recovery|in therapy|sober|a recovering alcoholic|a recovering addict|an alcoholic|an addict|overweight|obese|a (?:[\w-]+ )?(?:cancer|stroke|heart attack|covid|leukemia|leukaemia|lymphoma|tumou?r) survivor|a survivor of (?:\w+ )?(?:cancer|a stroke|a heart attack|leukemia|lymphoma)|on medical leave|on sick leave`
	diseases     = `cancer|leukemia|leukaemia|lymphoma|tumou?r|diabetes|adhd|autism|asperger's|aspergers|dyslexia|dyspraxia|cerebral palsy|multiple sclerosis|epilepsy|depression|anxiety|ptsd|ocd|bipolar disorder|schizophrenia|hiv|aids|addiction|alcoholism|a disability|disabilities|low vision|a stroke|a heart attack|stroke|heart attack|transplant|kidney transplant|chemotherapy|chemo|radiation|chronic pain|long covid|lupus|parkinson's|crohn's|arthritis|dementia|alzheimer's|an eating disorder|anorexia|bulimia|infertility|ivf|menopause|a miscarriage|miscarriage|surgery|illness|an illness|a rare disease|covid`
	disabilities = `disabled|blind|deafblind|hard of hearing|visually impaired|hearing impaired|partially sighted|autistic|dyslexic|neurodivergent|neurodiverse|wheelchair-bound|wheelchair bound|a wheelchair user|an amputee|paralysed|paralyzed|paraplegic|quadriplegic|on the autism spectrum|on the spectrum|person with a disability|woman with a disability|man with a disability`
	families     = `married|divorced|separated|widowed|a widow|a widower|a newlywed|newlywed|a wife|a husband|a mother|a mom|a mum|a father|a dad|a parent|a grandmother|a grandfather|a grandparent|a grandma|a grandpa|a stepmother|a stepfather|a single mother|a single father|a single parent|a single mom|a single mum|a single dad|an empty nester|empty nester|childfree|child-free|childless|a homemaker|a stay-at-home mom|a stay-at-home mother|a stay-at-home dad|a stay-at-home father|a stay-at-home parent`
	generations  = `millennial|a millennial|gen[- ]?x|a gen[- ]?xer|gen[- ]?xer|gen[- ]?z|a gen[- ]?zer|gen[- ]?zer|a baby boomer|baby boomer|a boomer|boomer|an octogenarian|a septuagenarian|a sexagenarian|a nonagenarian|elderly|a senior citizen|nearing retirement|close to retirement|approaching retirement`
	relatives    = `husband|wife|spouse|ex-husband|ex-wife|boyfriend|girlfriend|fiance|fiancee|children|kids|son|sons|daughter|daughters|twins|newborn|toddler|grandchildren|grandkids|grandson|granddaughter|stepchildren|stepson|stepdaughter|wedding|divorce`
)

var terms = func() []term {
	healthWeak, healthStrong := has(diseases)
	disWeak, disStrong := has(`a disability|disabilities|a visual impairment|a hearing impairment|a learning disability|paralysis|an amputation|hearing loss|sight loss|vision loss`)
	return []term{
		{Age, is(generations, false)},
		{Age, subj + be + ` (?:aged )?` + number + `(?:[- ]years?[- ]old| years of age| years young)?(?:[,.;:!?)]|$| and\b| this year\b| next\b)`},
		{Age, `[.!?] (?:at|now|aged) (?:the age of )?` + number + `(?: years old| years of age)?, |\bq, ` + number + `, |\bthe ` + number + `[- ]years?[- ]old(?:[,.;]| q\b| ` + personNoun + `\b)|(?:her|his|my) (?:\d{2}(?:st|nd|rd|th)|\w+ieth) (birthday)`},
		{Age, topical + subj + ` (?:\w+ )?(turned|turns|will turn|is turning) ` + number + `\b`},
		{Age, `\b(?:in|into) (?:her|his|my) (?:(?:late|early|mid)[- ])?` + decades + `\b|\b(?:a|an) ` + number + `[- ]years?[- ]old (?:\w+ )?` + personNoun + `\b`},
		{Age, subj + ` (?:was )?born (?:in|on) (?:[a-z]+ )?(?:\d{1,2},? )?(?:19|20)\d\d\b|\bq,? (?:aged|age) \d{2},`},
		{Age, `\ban? (?:gen[- ]?xer|gen[- ]?zer|boomer|baby boomer|millennial),|` + subj + be + ` (?:still |only )?(?:a )?(teenager|teen)(?:[,.;!]|$| and\b)`},

		{Religion, is(religions, false)},
		{Religion, subj + ` (?:observes|fasts (?:for|during)|keeps) (?:ramadan|kosher|halal|shabbat|the sabbath|lent|yom kippur)\b|` + subj + ` (?:\w+ )?(?:wears|wore) (?:a |her |his )?(?:hijab|headscarf|niqab|turban|kippah|yarmulke|burqa)\b`},
		{Religion, topical + subj + ` (?:goes to|attends|went to|attended|worships at|prays at) (?:\w+ )?(church|mass|mosque|synagogue|temple|gurdwara|services|chapel)\b`},
		{Religion, subj + ` (?:serves|served) as (?:an? )?(deacon|church elder|elder of|minister of|lay minister|lay reader|cantor|churchwarden|sunday school teacher)\b|` + subj + ` prays\b|` + subj + ` sings in (?:her|his|the|a) church choir\b|` + subj + ` teaches sunday school\b|\b(?:her|his|my) (?:` + religions + `) (faith|beliefs|upbringing|roots|identity|values)\b`},
		{Religion, subj + ` (?:grew up|was raised|was brought up) (?:in an? )?(?:devout |religious )?(` + religions + `)\b|` + subj + ` converted to (islam|judaism|catholicism|christianity|buddhism|hinduism|sikhism|orthodoxy)\b|\bdevout(?:ly)? (` + religions + `)\b|\b(born-again|churchgoer|churchgoing)\b`},
		{Religion, her(`religion|religious beliefs|religious faith|church|mosque|synagogue|temple|parish|congregation|pastor|rabbi|imam`)},

		{Health, is(healthStates, false)},
		{Health, healthWeak},
		{Health, healthStrong},
		{Health, `\b(pregnant) with\b|\b(expecting) (?:her|their|his|a|my) (?:first |second |third |fourth )?(?:child|baby|twins)\b`},
		{Health, subj + ` (?:took|takes|is on|was on|went on|returned from|came back from|is taking) (?:a |her |his )?(?:\w+ )?(?:sick|medical|mental health|disability) leave\b`},
		{Health, her(`pregnancy|diagnosis|illness|cancer|chemotherapy|chemo|depression|anxiety|addiction|health condition|mental health|miscarriage|infertility|diabetes|epilepsy|adhd|autism|ivf|menopause|eating disorder|multiple sclerosis|ptsd`)},

		{Disability, is(disabilities, false)},
		{Disability, is(`deaf`, true)},
		{Disability, her(`disability|disabilities|impairment|wheelchair|hearing aid|guide dog|autism|dyslexia|blindness|deafness`)},
		{Disability, disWeak},
		{Disability, disStrong + `|` + subj + ` (?:uses|used) a (?:wheelchair|cane|hearing aid|guide dog|cochlear implant)\b|` + subj + `(?: has been|'s been| was| is) (?:blind|deaf) (?:since|from)\b|` + subj + ` lost (?:her|his) (sight|hearing|vision)\b`},

		{Family, is(families, false)},
		{Family, subj + be + ` (?:happily |recently |newly )?(married) (?:to|with)\b|` + subj + be + ` (?:currently |newly |recently )?(engaged)(?:[,.;!]|$| to (?:a|an|her|his|my)\b)|` + subj + be + ` (?:currently )?(single)(?:[,.;!]|$| and\b)`},
		{Family, her(relatives)},
		{Family, topical + `\b(mother|father|mom|mum|dad|grandmother|grandfather|grandma|grandpa) (?:of|to) (?:one|two|three|four|five|six|seven|twins|triplets|\d|an? (?:toddler|baby|newborn|teen|teenager|son|daughter|boy|girl))\b`},
		{Family, topical + subj + ` (?:is raising|raises|raised|has|had|is expecting|balances work with raising) (?:her |his |their |my )?(?:one|two|three|four|five|six|seven|\d|twins|young|grown)? ?(?:\w+ )?(children|kids|sons|daughters|grandchildren|grandkids|toddler)\b`},
		{Family, topical + subj + ` (married|wed|divorced|separated from|lost her husband|lost his wife)\b`},
		{Family, `\bmarried with (?:\w+ )?(?:children|kids)\b|\bstay-at-home (?:mom|mother|dad|father|parent)\b|\bfamily (?:man|woman)\b`},
		{Family, subj + ` (?:took|takes|is on|was on|went on|returned from|came back from|is taking) (?:a |her |his )?(?:\w+ )?(?:maternity|paternity|parental|adoption) leave\b`},

		{Ethnicity, is(ethnicities, true)},
		{Ethnicity, is(colours, true)},
		{Ethnicity, her(`ethnicity|ethnic background|heritage|ancestry|race|skin colou?r`)},
		{Ethnicity, topical + `\b(?:her|his|my) (?:\w+ )(heritage|ancestry|roots)\b`},
		{Ethnicity, subj + be + ` ` + mods + `of (?:\w+ )(?:(?:and|or) \w+ )?(?:descent|ancestry|heritage|origin|extraction)\b|\b(?:woman|man|person|engineer|leader|founder) of (?:\w+ )(?:(?:and|or) \w+ )?(?:descent|ancestry)\b`},

		{Orientation, is(orientations, false)},
		{Orientation, her(`sexuality|sexual orientation|coming out|transition|gender identity|same-sex partner`)},
		{Orientation, `\bopenly (?:gay|lesbian|bi|bisexual|queer|trans|transgender|nonbinary|non-binary)\b|` + subj + be + ` (bi)(?:[,.;:!?)]|$| and\b)|\b(?:a|an) (?:proud )?member of the (lgbt\w*\+?) community\b`},
		{Orientation, topical + subj + ` (came out|transitioned|is transitioning|has transitioned)\b`},
	}
}()

// her returns the pattern of one of xs as the subject's ("her husband",
// "his two kids", "her late wife"): topical ("her cancer research", "her
// children's books").
func her(xs string) string {
	return topical + `\b(?:her|his|my) (?:(?:two|three|four|five|six|\d|young|grown|adult|late|beloved|loving|first|new|newborn|baby|teenage|twin|own|ongoing|recent|long|private) )*(` + xs + `)\b`
}
