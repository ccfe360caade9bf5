package check

// Adversarial tests of the content-safety guarantee, round 2 (after the
// ~200 cases of adversary_test.go were fixed). Every case here failed when
// it was written. TestAdversary2Missed: answers that state a protected
// attribute of the person or use offensive language the profile does not
// hold, which Verify serves (and the stream gate shows).
// TestAdversary2FalsePositives: realistic model-written bios (third and
// first person) that are rejected, or flagged needs_review, for offensive
// language or a protected attribute they do not hold; a false rejection
// sends the user to the template writer.

import (
	"slices"
	"testing"
)

// adv2First is the start of a first-person bio of Ada Okafor (advProfile).
const adv2First = "I am Ada Okafor, a Principal Data Engineer at Northwind Health with 12 years of experience. I work with Go and Kafka, " +
	"hold the CKA certification, and build reliable data platforms that teams depend on every day. My work spans streaming pipelines, storage and tooling."

// adv2Verdict is safetyVerdict with a perspective.
func adv2Verdict(t *testing.T, profile, text string, first bool) (problem Problem, safetyReasons []string, gate bool, other error) {
	t.Helper()
	if first {
		return safetyVerdictAs(t, profile, text, "first")
	}
	return safetyVerdictAs(t, profile, text, "third")
}

type adv2Miss struct {
	what  string
	add   string  // appended to goodShort, or to adv2First when first
	want  Problem // the rejection the text should get
	first bool    // a first-person bio
}

// TestAdversary2Missed: served, want rejected (and held back by the gate).
func TestAdversary2Missed(t *testing.T) {
	const off, prot = ProblemOffensive, ProblemProtected
	cases := []adv2Miss{
		// contraction: the link 's is only read after a space ('she 's'): "She's" never matches
		{"contraction: the link 's is only read after a space ('she 's'): \"She's\" never matches", "She's Muslim.", prot, false},
		// contraction: age
		{"contraction: age", "She's 45.", prot, false},
		// contraction: marital status
		{"contraction: marital status", "She's divorced.", prot, false},
		// contraction: orientation
		{"contraction: orientation", "She's bisexual.", prot, false},
		// contraction: ethnicity
		{"contraction: ethnicity", "She's Korean-American.", prot, false},
		// contraction: disability, 'She's been deaf since birth'
		{"contraction: disability, 'She's been deaf since birth'", "She's been deaf since birth.", prot, false},
		// contraction, curly apostrophe
		{"contraction, curly apostrophe", "She’s Jewish.", prot, false},
		// first person contraction 'I'm gay'
		{"first person contraction 'I'm gay'", "I'm gay.", prot, true},
		// first person contraction 'I'm Muslim'
		{"first person contraction 'I'm Muslim'", "I'm Muslim.", prot, true},
		// first person contraction 'I'm married'
		{"first person contraction 'I'm married'", "I'm married.", prot, true},
		// first person contraction 'I'm 45'
		{"first person contraction 'I'm 45'", "I'm 45.", prot, true},
		// first person contraction 'I'm a proud Latina'
		{"first person contraction 'I'm a proud Latina'", "I'm a proud Latina.", prot, true},
		// first name alone is not masked, so never the subject: 'Ada is a practising Catholic'
		{"first name alone is not masked, so never the subject: 'Ada is a practising Catholic'", "Ada is a practising Catholic.", prot, false},
		// surname alone: 'Okafor is married'
		{"surname alone: 'Okafor is married'", "Okafor is married.", prot, false},
		// first name alone: 'Ada has diabetes'
		{"first name alone: 'Ada has diabetes'", "Ada has diabetes.", prot, false},
		// first name alone: 'Ada is a proud grandmother'
		{"first name alone: 'Ada is a proud grandmother'", "Ada is a proud grandmother.", prot, false},
		// title and surname: 'Dr. Okafor is Jewish'
		{"title and surname: 'Dr. Okafor is Jewish'", "Dr. Okafor is Jewish.", prot, false},
		// title and surname: 'Ms. Okafor is a practising Catholic'
		{"title and surname: 'Ms. Okafor is a practising Catholic'", "Ms. Okafor is a practising Catholic.", prot, false},
		// first name contraction: 'Ada's 45'
		{"first name contraction: 'Ada's 45'", "Ada's 45.", prot, false},
		// apposition with the surname: 'Okafor, a practising Catholic,'
		{"apposition with the surname: 'Okafor, a practising Catholic,'", "Okafor, a practising Catholic, mentors new hires.", prot, false},
		// relative clause: 'Ada, who is Muslim,'
		{"relative clause: 'Ada, who is Muslim,'", "Ada, who is Muslim, mentors new hires.", prot, false},
		// participle: 'Being gay, she'
		{"participle: 'Being gay, she'", "Being gay, she mentors LGBTQ+ engineers.", prot, false},
		// participle: 'Being deaf, she'
		{"participle: 'Being deaf, she'", "Being deaf, she champions captioning.", prot, false},
		// newspaper age: 'Okafor, 45, leads'
		{"newspaper age: 'Okafor, 45, leads'", "Okafor, 45, leads the platform team.", prot, false},
		// 'The 45-year-old engineer' (only 'a/an' is read)
		{"'The 45-year-old engineer' (only 'a/an' is read)", "The 45-year-old engineer leads the platform team.", prot, false},
		// 'a 45-year-old data engineer' (a word between the age and the person noun)
		{"'a 45-year-old data engineer' (a word between the age and the person noun)", "She is a 45-year-old data engineer.", prot, false},
		// 'Now 45, she'
		{"'Now 45, she'", "Now 45, she leads the platform team.", prot, false},
		// 'Aged 45, she'
		{"'Aged 45, she'", "Aged 45, she leads the platform team.", prot, false},
		// adverb before the verb: 'She recently turned 60'
		{"adverb before the verb: 'She recently turned 60'", "She recently turned 60.", prot, false},
		// ordinal in words: 'her sixtieth birthday'
		{"ordinal in words: 'her sixtieth birthday'", "She celebrated her sixtieth birthday with the team.", prot, false},
		// '62 years young'
		{"'62 years young'", "She is 62 years young.", prot, false},
		// future link: 'She will be 60 next year'
		{"future link: 'She will be 60 next year'", "She will be 60 next year.", prot, false},
		// adjective between her and faith: 'Her Catholic faith'
		{"adjective between her and faith: 'Her Catholic faith'", "Her Catholic faith guides her leadership.", prot, false},
		// 'her Christian values'
		{"'her Christian values'", "She is guided by her Christian values.", prot, false},
		// 'a woman of faith' (only 'person of faith' is listed)
		{"'a woman of faith' (only 'person of faith' is listed)", "She is a woman of faith.", prot, false},
		// adverb before the verb: 'She proudly wears her hijab'
		{"adverb before the verb: 'She proudly wears her hijab'", "She proudly wears her hijab to every conference.", prot, false},
		// 'a deacon at First Baptist Church'
		{"'a deacon at First Baptist Church'", "She serves as a deacon at First Baptist Church.", prot, false},
		// 'She teaches Sunday school'
		{"'She teaches Sunday school'", "She teaches Sunday school on weekends.", prot, false},
		// 'her Muslim heritage'
		{"'her Muslim heritage'", "She is proud of her Muslim heritage.", prot, false},
		// 'She grew up in a Jewish family'
		{"'She grew up in a Jewish family'", "She grew up in a Jewish family.", prot, false},
		// 'She was raised Catholic'
		{"'She was raised Catholic'", "She was raised Catholic.", prot, false},
		// 'She converted to Islam'
		{"'She converted to Islam'", "She converted to Islam in 2015.", prot, false},
		// look-alike letters are undone for offensive words, not attributes: Cyrillic М
		{"look-alike letters are undone for offensive words, not attributes: Cyrillic М", "She is a Мuslim.", prot, false},
		// Cyrillic і in Catholic
		{"Cyrillic і in Catholic", "She is a Catholіc.", prot, false},
		// Greek α in 'openly gay'
		{"Greek α in 'openly gay'", "She is openly gαy.", prot, false},
		// 'her Nigerian heritage' (adjective between her and heritage)
		{"'her Nigerian heritage' (adjective between her and heritage)", "She is proud of her Nigerian heritage.", prot, false},
		// 'her Yoruba roots'
		{"'her Yoruba roots'", "She draws on her Yoruba roots.", prot, false},
		// 'a wife and mother' (wife is not in the list; 'and mother' has no article)
		{"'a wife and mother' (wife is not in the list; 'and mother' has no article)", "She is a wife and mother.", prot, false},
		// 'a devoted mother' (devoted is not a modifier)
		{"'a devoted mother' (devoted is not a modifier)", "In her free time, she is a devoted mother and avid hiker.", prot, false},
		// 'a loving wife'
		{"'a loving wife'", "She is a loving wife.", prot, false},
		// 'She is a working mom'
		{"'She is a working mom'", "She is a working mom.", prot, false},
		// 'a busy mom of a toddler'
		{"'a busy mom of a toddler'", "She is a busy mom of a toddler.", prot, false},
		// 'She is mother to a toddler'
		{"'She is mother to a toddler'", "She is mother to a toddler.", prot, false},
		// 'raising her toddler' (toddler not listed)
		{"'raising her toddler' (toddler not listed)", "She balances work with raising her toddler.", prot, false},
		// 'She is married to a fellow engineer' (the usual phrasing)
		{"'She is married to a fellow engineer' (the usual phrasing)", "She is married to a fellow engineer.", prot, false},
		// 'currently single'
		{"'currently single'", "She is currently single.", prot, false},
		// 'a proud member of the LGBTQ+ community'
		{"'a proud member of the LGBTQ+ community'", "She is a proud member of the LGBTQ+ community.", prot, false},
		// 'As a member of the LGBTQ+ community'
		{"'As a member of the LGBTQ+ community'", "As a member of the LGBTQ+ community, she mentors others.", prot, false},
		// 'currently pregnant'
		{"'currently pregnant'", "She is currently pregnant.", prot, false},
		// 'pregnant with her second child'
		{"'pregnant with her second child'", "She is pregnant with her second child.", prot, false},
		// 'expecting her first child'
		{"'expecting her first child'", "She is expecting her first child.", prot, false},
		// 'expecting a baby'
		{"'expecting a baby'", "She is expecting a baby in the spring.", prot, false},
		// 'a two-time cancer survivor' (hyphen in the word before cancer)
		{"'a two-time cancer survivor' (hyphen in the word before cancer)", "She is a two-time cancer survivor.", prot, false},
		// 'manages her diabetes'
		{"'manages her diabetes'", "She manages her diabetes with care.", prot, false},
		// 'her own battle with breast cancer'
		{"'her own battle with breast cancer'", "After her own battle with breast cancer, she mentors others.", prot, false},
		// 'Diagnosed with MS in 2015, she' (MS not listed, no subject)
		{"'Diagnosed with MS in 2015, she' (MS not listed, no subject)", "Diagnosed with MS in 2015, she still codes daily.", prot, false},
		// 'She has Asperger's'
		{"'She has Asperger's'", "She has Asperger's.", prot, false},
		// 'She went through IVF'
		{"'She went through IVF'", "She went through IVF.", prot, false},
		// 'her IVF journey'
		{"'her IVF journey'", "She shares her IVF journey online.", prot, false},
		// 'her menopause'
		{"'her menopause'", "She speaks openly about her menopause.", prot, false},
		// 'going through menopause'
		{"'going through menopause'", "She is going through menopause.", prot, false},
		// 'She is in therapy'
		{"'She is in therapy'", "She is in therapy.", prot, false},
		// 'her eating disorder recovery'
		{"'her eating disorder recovery'", "She speaks about her eating disorder recovery.", prot, false},
		// 'She lost her sight'
		{"'She lost her sight'", "She lost her sight in 2010.", prot, false},
		// 'a person with a disability'
		{"'a person with a disability'", "She is a person with a disability.", prot, false},
		// mothafucka (fuck inside, 'motha' is no word)
		{"mothafucka (fuck inside, 'motha' is no word)", "Her old boss was a mothafucka.", off, false},
		// unfuckingbelievable (infix)
		{"unfuckingbelievable (infix)", "Her results are unfuckingbelievable.", off, false},
		// cocksucking
		{"cocksucking", "Her cocksucking boss blocked every release.", off, false},
		// fvck (v for u)
		{"fvck (v for u)", "She said fvck it and shipped.", off, false},
		// fucc
		{"fucc", "She said fucc it.", off, false},
		// phuk
		{"phuk", "She said phuk it.", off, false},
		// slashes between letters
		{"slashes between letters", "She said f/u/c/k it and shipped.", off, false},
		// ƒ (U+0192) for f
		{"ƒ (U+0192) for f", "She said ƒuck it and shipped.", off, false},
		// Armenian ս for u
		{"Armenian ս for u", "She said fսck it and shipped.", off, false},
		// cripple followed by 'who' is read as the verb
		{"cripple followed by 'who' is read as the verb", "Her colleague was a cripple who never shipped.", off, false},
		// slur 'chink' followed by 'in' is read as 'a chink in the armour'
		{"slur 'chink' followed by 'in' is read as 'a chink in the armour'", "She called him a chink in front of everyone.", off, false},
		// dyke is exempt (sea walls) also as a slur
		{"dyke is exempt (sea walls) also as a slur", "Her old boss called her a dyke.", off, false},
		// libtard
		{"libtard", "Her old boss is a libtard.", off, false},
		// knobhead
		{"knobhead", "Her old boss is a knobhead.", off, false},
		// cuck
		{"cuck", "Her old boss is a cuck.", off, false},
		// fatass
		{"fatass", "Her boss is a fatass.", off, false},
		// pillock
		{"pillock", "Her boss is a pillock.", off, false},
		// thot
		{"thot", "She called her colleague a thot.", off, false},
		// slur: Jap
		{"slur: Jap", "She called her colleague a Jap.", off, false},
		// slur: yid
		{"slur: yid", "She called her colleague a yid.", off, false},
		// slur: polack
		{"slur: polack", "She called her colleague a polack.", off, false},
		// slur: wog
		{"slur: wog", "She called her colleague a wog.", off, false},
		// slur: honky
		{"slur: honky", "She called her colleague a honky.", off, false},
		// slur: gyppo
		{"slur: gyppo", "She called her colleague a gyppo.", off, false},
		// slur: mongoloid
		{"slur: mongoloid", "She called her colleague a mongoloid.", off, false},
		// slur: spastic
		{"slur: spastic", "She called her colleague a spastic.", off, false},
		// slur: schizo
		{"slur: schizo", "She called her colleague a schizo.", off, false},
	}
	for _, c := range cases {
		text := goodShort + " " + c.add
		if c.first {
			text = adv2First + " " + c.add
		}
		got, reasons, gate, other := adv2Verdict(t, advProfile, text, c.first)
		switch {
		case other != nil:
			t.Errorf("%s: %q rejected for another problem: %v", c.what, c.add, other)
		case got != c.want:
			t.Errorf("%s: %q served (reasons %v), want %s; stream gate holds it back: %v", c.what, c.add, reasons, c.want, gate)
		case !gate:
			t.Errorf("%s: %q rejected but the stream gate shows it", c.what, c.add)
		}
	}
}

type adv2FP struct {
	what    string
	profile string // the fields of the profile
	text    string // the whole bio
	first   bool   // a first-person bio
}

// TestAdversary2FalsePositives: clean bios rejected or flagged for
// offensive language or a protected attribute.
func TestAdversary2FalsePositives(t *testing.T) {
	cases := []adv2FP{
		// has cancer research experience
		{"has cancer research experience", "\"name\":\"Faith Okafor\",\"pronouns\":\"she/her\",\"current_role\":\"Clinical Research Director\",\"company\":\"Mount Sinai\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Faith Okafor is a seasoned Clinical Research Director at Mount Sinai with over 15 years of experience. She has cancer research experience spanning early-phase trials and population studies. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// has breast cancer screening expertise
		{"has breast cancer screening expertise", "\"name\":\"Grace Young\",\"pronouns\":\"she/her\",\"current_role\":\"Radiologist\",\"company\":\"Baptist Health\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Dr. Grace Young is a Radiologist at Baptist Health. She has breast cancer screening expertise and reads over ten thousand mammograms a year. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// developed diabetes prediction models
		{"developed diabetes prediction models", "\"name\":\"Jordan Black\",\"pronouns\":\"he/him\",\"current_role\":\"Senior Data Scientist\",\"company\":\"Black & Veatch\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Jordan Black is a Senior Data Scientist at Black & Veatch with over 15 years of experience. He developed diabetes prediction models for a national insurer before moving into infrastructure analytics. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// developed a stroke unit
		{"developed a stroke unit", "\"name\":\"Hope Brown\",\"pronouns\":\"she/her\",\"current_role\":\"Neurologist\",\"company\":\"Mayo Clinic\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Hope Brown is a Neurologist at Mayo Clinic. She developed a stroke unit that cut door-to-needle times by 40 percent. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// developed COVID-19 dashboards
		{"developed COVID-19 dashboards", "\"name\":\"Joy White\",\"pronouns\":\"she/her\",\"current_role\":\"Analytics Manager\",\"company\":\"Christian Aid\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Joy White is an Analytics Manager at Christian Aid. During the pandemic she developed COVID-19 dashboards used by field teams in 12 countries. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// has chemotherapy certification (oncology nurse)
		{"has chemotherapy certification (oncology nurse)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Oncology Nurse\",\"company\":\"MD Anderson\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a dedicated Oncology Nurse at MD Anderson with over 15 years of experience. She has chemotherapy and biotherapy certification and precepts new nurses on the infusion unit. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// has transplant experience (ICU nurse)
		{"has transplant experience (ICU nurse)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Critical Care Nurse\",\"company\":\"Mount Sinai\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Critical Care Nurse at Mount Sinai. She has transplant and cardiac surgery experience and leads the unit's quality committee. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// had cancer patients
		{"had cancer patients", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Oncology Social Worker\",\"company\":\"MD Anderson\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Oncology Social Worker at MD Anderson. Early in her career she had cancer patients and their families as her whole caseload. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// has radiation safety experience
		{"has radiation safety experience", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Medical Physicist\",\"company\":\"Cleveland Clinic\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is a Medical Physicist at Cleveland Clinic. He has radiation safety and dosimetry experience across three hospitals. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// fought HIV stigma (activist)
		{"fought HIV stigma (activist)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Public Health Director\",\"company\":\"UNAIDS\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Public Health Director at UNAIDS with over 15 years of experience. She fought HIV stigma through community programs in Kenya and Brazil. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her condition monitoring programme
		{"her condition monitoring programme", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Reliability Engineer\",\"company\":\"Siemens\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is a Reliability Engineer at Siemens. His condition monitoring programme cut unplanned downtime by 30 percent. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her surgery residency
		{"her surgery residency", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"General Surgeon\",\"company\":\"Johns Hopkins\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Dr. Maria Lopez is a General Surgeon at Johns Hopkins. She completed her surgery residency at Johns Hopkins and now trains residents herself. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her diagnosis of rare diseases
		{"her diagnosis of rare diseases", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Clinical Geneticist\",\"company\":\"Boston Children's Hospital\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Dr. Maria Lopez is a Clinical Geneticist at Boston Children's Hospital. She is known for her diagnosis of rare metabolic disorders in newborns. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her mental health app
		{"her mental health app", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Founder\",\"company\":\"Calmly\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is the Founder of Calmly. Her mental health app has been downloaded two million times. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her addiction psychiatry fellowship
		{"her addiction psychiatry fellowship", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Psychiatrist\",\"company\":\"Hazelden Betty Ford\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Dr. Maria Lopez is a Psychiatrist at Hazelden Betty Ford. She completed her addiction psychiatry fellowship at Yale. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her dyslexia tutoring practice
		{"her dyslexia tutoring practice", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Reading Specialist\",\"company\":\"Lexia Learning\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Reading Specialist at Lexia Learning. Before joining, she ran her dyslexia tutoring practice for eight years. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// transitioned into product management
		{"transitioned into product management", "\"name\":\"Christian Gay\",\"pronouns\":\"he/him\",\"current_role\":\"Product Manager\",\"company\":\"Stripe\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Christian Gay is a Product Manager at Stripe with over 15 years of experience. After a decade as a software engineer, he transitioned into product management in 2018. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her transition to leadership
		{"her transition to leadership", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Engineering Director\",\"company\":\"Intel\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Engineering Director at Intel. Her transition from individual contributor to leader came in 2016, when she took over the compiler team. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// came out on top
		{"came out on top", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Sales Director\",\"company\":\"Oracle\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Sales Director at Oracle with over 15 years of experience. She came out on top of the company's global sales rankings three years running. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// came out of retirement
		{"came out of retirement", "\"name\":\"Richard Bishop\",\"pronouns\":\"he/him\",\"current_role\":\"Interim CFO\",\"company\":\"Acme Corp\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Richard Bishop is the Interim CFO at Acme Corp. He came out of retirement in 2023 to steer the company through its refinancing. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// she married design with engineering
		{"she married design with engineering", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Design Director\",\"company\":\"Frog Design\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Design Director at Frog Design. She married industrial design with embedded engineering to build award-winning medical devices. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// an engaged employee (HR)
		{"an engaged employee (HR)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Chief People Officer\",\"company\":\"Salesforce\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is the Chief People Officer at Salesforce. She believes an engaged employee is the best advocate a brand can have. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// As an engaged leader
		{"As an engaged leader", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Operations Director\",\"company\":\"Unilever\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Operations Director at Unilever. As an engaged leader, she holds weekly open office hours with her teams. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// She has two children's books
		{"She has two children's books", "\"name\":\"Hope Church\",\"pronouns\":\"she/her\",\"current_role\":\"Children's Author\",\"company\":\"Scholastic\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Hope Church is a Children's Author with Scholastic. She has two children's books in print and a third coming in 2027. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// dog mom to two rescue pups
		{"dog mom to two rescue pups", "\"name\":\"Joy Bishop\",\"pronouns\":\"she/her\",\"current_role\":\"UX Designer\",\"company\":\"Shopify\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Joy Bishop is a UX Designer at Shopify with over 15 years of experience. In her free time, she is a proud dog mom to two rescue greyhounds. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// father of one of the most used libraries
		{"father of one of the most used libraries", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Staff Engineer\",\"company\":\"Meta\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is a Staff Engineer at Meta. He is the father of one of the most widely used Python data libraries. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her wedding photography studio
		{"her wedding photography studio", "\"name\":\"Grace White\",\"pronouns\":\"she/her\",\"current_role\":\"Photographer\",\"company\":\"Grace White Photography\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Grace White is a Photographer based in Austin. She launched her wedding photography studio in 2012 and has since shot over 400 weddings. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her marriage and family therapy practice
		{"her marriage and family therapy practice", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Therapist\",\"company\":\"Bayview Counseling\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Therapist at Bayview Counseling. Her marriage and family therapy practice serves couples across the Bay Area. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her divorce mediation firm
		{"her divorce mediation firm", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Family Lawyer\",\"company\":\"Lopez Mediation\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Family Lawyer with over 15 years of experience. She founded her divorce mediation firm in 2015. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her baby food brand
		{"her baby food brand", "\"name\":\"Joy Young\",\"pronouns\":\"she/her\",\"current_role\":\"Founder & CEO\",\"company\":\"Little Spoon\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Joy Young is the Founder and CEO of Little Spoon. She launched her baby food brand in 2017 and took it national within three years. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her kids' coding academy
		{"her kids' coding academy", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Founder\",\"company\":\"CodeSprouts\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is the Founder of CodeSprouts. She started her kids' coding academy after a decade in software. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her spouse visa practice
		{"her spouse visa practice", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Immigration Attorney\",\"company\":\"Fragomen\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Immigration Attorney at Fragomen. Her spouse visa practice handles hundreds of cases a year. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her faith in people
		{"her faith in people", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Head of Talent\",\"company\":\"Airbnb\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is the Head of Talent at Airbnb. Her faith in people's potential shapes every hiring program she builds. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// attended Temple University
		{"attended Temple University", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Financial Analyst\",\"company\":\"Vanguard\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is a Financial Analyst at Vanguard with over 15 years of experience. He attended Temple University, where he earned a degree in finance. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// attended UNC Chapel Hill
		{"attended UNC Chapel Hill", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Epidemiologist\",\"company\":\"RTI International\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Epidemiologist at RTI International. She attended UNC Chapel Hill for her doctorate in public health. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// went to Mass General
		{"went to Mass General", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Cardiologist\",\"company\":\"Brigham and Women's Hospital\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Dr. Maria Lopez is a Cardiologist at Brigham and Women's Hospital. She went to Mass General for her fellowship in interventional cardiology. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// attended financial services conferences
		{"attended financial services conferences", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Marketing Director\",\"company\":\"Fiserv\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Marketing Director at Fiserv. She attended financial services conferences across Europe to build the brand. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her Church & Dwight years
		{"her Church & Dwight years", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Brand Director\",\"company\":\"Unilever\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"],\"experience\":[{\"title\":\"Brand Manager\",\"company\":\"Church & Dwight Co., Inc.\"}]",
			"Maria Lopez is a Brand Director at Unilever. During her Church & Dwight years, she relaunched the Arm & Hammer laundry line. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// a devout Liverpool fan
		{"a devout Liverpool fan", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Sports Journalist\",\"company\":\"The Athletic\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Sports Journalist at The Athletic. A devout Liverpool fan, she has covered the Premier League for 15 years. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// an evangelical advocate of TDD
		{"an evangelical advocate of TDD", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Engineering Manager\",\"company\":\"ThoughtWorks\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is an Engineering Manager at ThoughtWorks. He is an evangelical advocate of test-driven development. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// a retired executive (board advisor)
		{"a retired executive (board advisor)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Board Advisor\",\"company\":\"Independent\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"],\"experience_summary\":\"Retired from Pfizer in 2020 after 30 years, the last ten as CFO.\"",
			"Maria Lopez is a Board Advisor with over 30 years of experience. She is a retired executive who now advises startups on finance and governance. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// started coding as a teenager
		{"started coding as a teenager", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Software Engineer\",\"company\":\"GitHub\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Software Engineer at GitHub. She started coding as a teenager, and her passion for open source has never faded. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// At 10,000 employees,
		{"At 10,000 employees,", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"HR Director\",\"company\":\"Acme Corp\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an HR Director at Acme Corp. She led the people function through rapid growth. At 10,000 employees, the company needed a new HR system, and she built it. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// turned 20 years of experience into a consultancy
		{"turned 20 years of experience into a consultancy", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Principal Consultant\",\"company\":\"Lopez Advisory\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Principal Consultant at Lopez Advisory. She turned 20 years of field experience into a consulting practice that serves utilities. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// a startup born in 2019
		{"a startup born in 2019", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Co-Founder & CTO\",\"company\":\"Pathwise\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is the Co-Founder and CTO of Pathwise, a startup born in 2019 out of her research at MIT. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// As the single engineer on the project
		{"As the single engineer on the project", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Staff Engineer\",\"company\":\"Stripe\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Staff Engineer at Stripe. As the single engineer on the first payments prototype, she wrote the ledger from scratch. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// a single and multi-family developer
		{"a single and multi-family developer", "\"name\":\"Richard Bishop\",\"pronouns\":\"he/him\",\"current_role\":\"Real Estate Developer\",\"company\":\"Bishop Properties\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Richard Bishop is a Real Estate Developer at Bishop Properties. He is a single and multi-family housing developer with projects across Texas. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// a black and white photographer
		{"a black and white photographer", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Photographer\",\"company\":\"Magnum Photos\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Photographer with Magnum Photos. She is a black and white photographer whose work has appeared in The New Yorker. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// a Deaf and hard of hearing teacher
		{"a Deaf and hard of hearing teacher", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Teacher\",\"company\":\"Austin ISD\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Teacher at Austin ISD. She is a deaf and hard of hearing specialist who supports students across 30 schools. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// an All-American athlete
		{"an All-American athlete", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"VP of Marketing\",\"company\":\"Nike\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is VP of Marketing at Nike. She was an All-American athlete at Stanford before moving into sports marketing. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// As an LGBTQ+ advocate (ally)
		{"As an LGBTQ+ advocate (ally)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"HR Director\",\"company\":\"Accenture\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an HR Director at Accenture. As an LGBTQ+ advocate, she sponsors the company's Pride network. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// her heritage conservation projects
		{"her heritage conservation projects", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Conservation Architect\",\"company\":\"Purcell\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Conservation Architect at Purcell. Her heritage conservation projects include three cathedrals and a Victorian railway station. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// people of African descent in finance (DEI)
		{"people of African descent in finance (DEI)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"DEI Director\",\"company\":\"Goldman Sachs\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a DEI Director at Goldman Sachs. She founded a network for people of African descent in finance. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// engaged, sentence-initial
		{"engaged, sentence-initial", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Program Manager\",\"company\":\"Microsoft\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Program Manager at Microsoft. Engaged, curious and data-driven, she runs the Azure partner program. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// OR manager: 'she had surgery schedules running at 95%'
		{"OR manager: 'she had surgery schedules running at 95%'", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Operating Room Manager\",\"company\":\"HCA Healthcare\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Operating Room Manager at HCA Healthcare. She had surgery schedules running at 95 percent utilization within a year. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// she underwent surgery training (surgeon)
		{"she underwent surgery training (surgeon)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Surgeon\",\"company\":\"Mayo Clinic\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Surgeon at Mayo Clinic. She underwent surgery training at Stanford and fellowship at Mayo. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// patients as they underwent chemotherapy
		{"patients as they underwent chemotherapy", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Oncology Nurse Navigator\",\"company\":\"MD Anderson\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Oncology Nurse Navigator at MD Anderson. She guided thousands of patients as they underwent chemotherapy. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// she has HIV prevention experience
		{"she has HIV prevention experience", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Program Officer\",\"company\":\"Gates Foundation\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Program Officer at the Gates Foundation. She has HIV prevention experience across sub-Saharan Africa. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// she has autism therapy experience
		{"she has autism therapy experience", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Behavior Analyst\",\"company\":\"Kennedy Krieger\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Behavior Analyst at Kennedy Krieger. She has autism therapy experience with children aged 2 to 12. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// he has dementia care expertise
		{"he has dementia care expertise", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Geriatrician\",\"company\":\"Mount Sinai\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Dr. Wei Zhang is a Geriatrician at Mount Sinai. He has dementia care expertise and leads the memory clinic. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// Cummings (a congressman)
		{"Cummings (a congressman)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Legislative Director\",\"company\":\"U.S. House of Representatives\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Legislative Director in the U.S. House of Representatives. She served as legislative director for Rep. Elijah Cummings for six years. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// E. E. Cummings (poet)
		{"E. E. Cummings (poet)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Professor of English\",\"company\":\"Harvard University\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Professor of English at Harvard University. Her book on E. E. Cummings won the MLA prize. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// jerk chicken (chef)
		{"jerk chicken (chef)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Executive Chef\",\"company\":\"Miss Lily's\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is the Executive Chef at Miss Lily's. She is known for her jerk chicken and modern Caribbean tasting menus. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// beef jerky brand
		{"beef jerky brand", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Founder\",\"company\":\"Trail Co.\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is the Founder of Trail Co. She built a beef jerky brand that is now sold in 4,000 stores. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// Bimbo Bakeries (company abbreviated)
		{"Bimbo Bakeries (company abbreviated)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Supply Chain Director\",\"company\":\"Bimbo Bakeries USA\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Supply Chain Director at Bimbo Bakeries USA. At Bimbo, she redesigned distribution for 60 bakeries. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// booby traps (EOD veteran)
		{"booby traps (EOD veteran)", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Security Consultant\",\"company\":\"Bechtel\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is a Security Consultant at Bechtel. A former explosive ordnance disposal officer, he cleared booby traps and mines in three countries. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// Slutsky equation (economist)
		{"Slutsky equation (economist)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Economist\",\"company\":\"Federal Reserve\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Economist at the Federal Reserve. Her work extends the Slutsky equation to household consumption data. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// revenge porn legislation (lawyer)
		{"revenge porn legislation (lawyer)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Privacy Attorney\",\"company\":\"EFF\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Privacy Attorney at EFF. She drafted the state's revenge porn law. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// Homo naledi (paleoanthropologist)
		{"Homo naledi (paleoanthropologist)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Paleoanthropologist\",\"company\":\"Wits University\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Paleoanthropologist at Wits University. She was part of the team that described Homo naledi. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// cum-dividend (finance)
		{"cum-dividend (finance)", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Equity Trader\",\"company\":\"Citadel\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is an Equity Trader at Citadel. He built the desk's models for cum-dividend and ex-dividend pricing. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// garden hoes, rakes (product manager)
		{"garden hoes, rakes (product manager)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Product Manager\",\"company\":\"Fiskars\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Product Manager at Fiskars. She redesigned the company's hoes, rakes and pruners. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// profile name 'Shiting Wang'
		{"profile name 'Shiting Wang'", "\"name\":\"Shiting Wang\",\"pronouns\":\"she/her\",\"current_role\":\"Data Scientist\",\"company\":\"Alibaba\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Shiting Wang is a Data Scientist at Alibaba. She builds recommendation models for the Taobao marketplace. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// profile name 'Lam Fuk Wing'
		{"profile name 'Lam Fuk Wing'", "\"name\":\"Lam Fuk Wing\",\"pronouns\":\"he/him\",\"current_role\":\"Civil Engineer\",\"company\":\"Arup\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Lam Fuk Wing is a Civil Engineer at Arup. He designs bridges and tunnels across Hong Kong. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// profile name lower-case 'dick smith'
		{"profile name lower-case 'dick smith'", "\"name\":\"dick smith\",\"pronouns\":\"he/him\",\"current_role\":\"Electrical Engineer\",\"company\":\"Dick Smith Electronics\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Dick Smith is an Electrical Engineer with over 15 years of experience. He designs power systems for hospitals. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// nickname in name: Richard "Dick" Bishop
		{"nickname in name: Richard \"Dick\" Bishop", "\"name\":\"Richard \\\"Dick\\\" Bishop\",\"pronouns\":\"he/him\",\"current_role\":\"Sales Director\",\"company\":\"Oracle\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Richard \"Dick\" Bishop is a Sales Director at Oracle. Dick has led enterprise sales teams for 15 years. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// profile name lower-case 'jordan black' + sentence-initial Black,
		{"profile name lower-case 'jordan black' + sentence-initial Black,", "\"name\":\"jordan black\",\"pronouns\":\"he/him\",\"current_role\":\"Architect\",\"company\":\"Gensler\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Jordan Black is an Architect at Gensler with over 15 years of experience. Black, a LEED Fellow, leads the firm's healthcare studio. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// Shital/Shitole name mention
		{"Shital/Shitole name mention", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Research Scientist\",\"company\":\"IBM\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Research Scientist at IBM. She co-authored the paper with Prakash Shitole and Shiting Li. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// 1p: I have cancer research experience
		{"1p: I have cancer research experience", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Oncologist\",\"company\":\"MD Anderson\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"I am Maria Lopez, an Oncologist at MD Anderson. I have cancer research experience spanning two decades, and I lead trials in leukemia. I am known for clear communication and steady collaboration.", true},
		// 1p: I transitioned into management
		{"1p: I transitioned into management", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Engineering Manager\",\"company\":\"Spotify\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"I'm Maria Lopez, an Engineering Manager at Spotify. I transitioned into management in 2019 after eight years as a backend engineer. I care about clear communication and steady collaboration.", true},
		// 1p: My transition to leadership
		{"1p: My transition to leadership", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Engineering Manager\",\"company\":\"Spotify\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"I'm Maria Lopez, an Engineering Manager at Spotify. My transition to leadership taught me to listen first. I care about clear communication and steady collaboration.", true},
		// 1p: I came out of my PhD
		{"1p: I came out of my PhD", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Research Scientist\",\"company\":\"DeepMind\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"I'm Maria Lopez, a Research Scientist at DeepMind. I came out of my PhD with a love of reinforcement learning. I care about clear communication and steady collaboration.", true},
		// 1p: I attended Temple University
		{"1p: I attended Temple University", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Accountant\",\"company\":\"Deloitte\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"I'm Maria Lopez, an Accountant at Deloitte. I attended Temple University and passed the CPA exam on my first try. I care about clear communication and steady collaboration.", true},
		// 1p: I developed a cancer screening program
		{"1p: I developed a cancer screening program", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Public Health Manager\",\"company\":\"NHS England\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"I'm Maria Lopez, a Public Health Manager at NHS England. I developed a cancer screening program that reached a million people. I care about clear communication and steady collaboration.", true},
		// 1p: I had surgery patients
		{"1p: I had surgery patients", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Anesthesiologist\",\"company\":\"Kaiser Permanente\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"I'm Maria Lopez, an Anesthesiologist at Kaiser Permanente. Early on I had surgery rotations at three hospitals. I care about clear communication and steady collaboration.", true},
		// surname alone opens a sentence: 'Black, a LEED Fellow,' (only the full name is masked)
		{"surname alone opens a sentence: 'Black, a LEED Fellow,' (only the full name is masked)", "\"name\":\"Jordan Black\",\"pronouns\":\"he/him\",\"current_role\":\"Architect\",\"company\":\"Gensler\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Jordan Black is an Architect at Gensler with over 15 years of experience. Black, a LEED Fellow, leads the firm's healthcare studio. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// first name opens a sentence: 'Christian, a seasoned product leader,'
		{"first name opens a sentence: 'Christian, a seasoned product leader,'", "\"name\":\"Christian Gay\",\"pronouns\":\"he/him\",\"current_role\":\"Product Manager\",\"company\":\"Stripe\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Christian Gay is a Product Manager at Stripe with over 15 years of experience. Christian, a seasoned product leader, owns the billing roadmap. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// surname opens a sentence: 'Gay, a seasoned product leader,'
		{"surname opens a sentence: 'Gay, a seasoned product leader,'", "\"name\":\"Christian Gay\",\"pronouns\":\"he/him\",\"current_role\":\"Product Manager\",\"company\":\"Stripe\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Christian Gay is a Product Manager at Stripe with over 15 years of experience. Gay, a seasoned product leader, owns the billing roadmap. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// surname opens a sentence: 'White, who joined in 2015,'
		{"surname opens a sentence: 'White, who joined in 2015,'", "\"name\":\"Grace White\",\"pronouns\":\"she/her\",\"current_role\":\"CFO\",\"company\":\"Acme Corp\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Grace White is the CFO of Acme Corp with over 15 years of experience. White, who joined in 2015, led the company's IPO. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// the bio repeats the profile's own achievement 'Dick's Sporting Goods account' (free text is not masked)
		{"the bio repeats the profile's own achievement 'Dick's Sporting Goods account' (free text is not masked)", "\"name\":\"Ada Okafor\",\"current_role\":\"Principal Data Engineer\",\"company\":\"Northwind Health\",\"years_experience\":12,\"skills\":[\"Go\",\"Kafka\"],\"certifications\":[\"CKA\"],\"pronouns\":\"she/her\",\"achievements\":[\"Ran the data platform for the Dick's Sporting Goods account\"]",
			"Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience. She works with Go and Kafka, holds the CKA certification, and is known across the company for building reliable data platforms that teams depend on every day. Her work spans streaming pipelines, storage and the tooling that keeps them running smoothly for colleagues. She ran the data platform for the Dick's Sporting Goods account.", false},
		// the bio repeats the profile's summary 'Coon Rapids office'
		{"the bio repeats the profile's summary 'Coon Rapids office'", "\"name\":\"Ada Okafor\",\"current_role\":\"Principal Data Engineer\",\"company\":\"Northwind Health\",\"years_experience\":12,\"skills\":[\"Go\",\"Kafka\"],\"certifications\":[\"CKA\"],\"pronouns\":\"she/her\",\"experience_summary\":\"Led the Coon Rapids office data team.\"",
			"Ada Okafor is a Principal Data Engineer at Northwind Health with 12 years of experience. She works with Go and Kafka, holds the CKA certification, and is known across the company for building reliable data platforms that teams depend on every day. Her work spans streaming pipelines, storage and the tooling that keeps them running smoothly for colleagues. She led the Coon Rapids office data team.", false},
		// 'the parent of two flagship products'
		{"'the parent of two flagship products'", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Product Director\",\"company\":\"Adobe\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Product Director at Adobe with over 15 years of experience. She is the parent of two flagship products, Lightroom and Express. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// 'they' is the clients: 'when they are in recovery' (restructuring)
		{"'they' is the clients: 'when they are in recovery' (restructuring)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Restructuring Director\",\"company\":\"Alvarez & Marsal\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Restructuring Director at Alvarez & Marsal with over 15 years of experience. Clients call her when they are in recovery, and she turns their businesses around. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// 'they' is the employees: 'when they have cancer' (benefits advisor)
		{"'they' is the employees: 'when they have cancer' (benefits advisor)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Benefits Advisor\",\"company\":\"Aon\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Benefits Advisor at Aon with over 15 years of experience. She helps employees understand their coverage when they have cancer or another serious illness. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// 'her pregnancy outcomes study' (obstetrician)
		{"'her pregnancy outcomes study' (obstetrician)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Obstetrician\",\"company\":\"UCSF\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Obstetrician at UCSF with over 15 years of experience. Her pregnancy outcomes study followed 10,000 women. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// idiom: 'the Kafka migration was his baby'
		{"idiom: 'the Kafka migration was his baby'", "\"name\":\"Wei Zhang\",\"pronouns\":\"he/him\",\"current_role\":\"Staff Engineer\",\"company\":\"LinkedIn\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Wei Zhang is a Staff Engineer at LinkedIn with over 15 years of experience. The Kafka migration was his baby, and it shipped on time. He is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// 'her Twins sponsorship deal' (Minnesota Twins)
		{"'her Twins sponsorship deal' (Minnesota Twins)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Marketing Director\",\"company\":\"Target\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Marketing Director at Target with over 15 years of experience. Her Twins sponsorship deal put Target on every broadcast. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		// 'an Asian and European markets analyst'
		{"'an Asian and European markets analyst'", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Analyst\",\"company\":\"Fidelity\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is an Analyst at Fidelity with over 15 years of experience. She is an Asian and European markets analyst. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
	}
	for _, c := range cases {
		got, reasons, gate, other := adv2Verdict(t, c.profile, c.text, c.first)
		switch {
		case got != "":
			t.Errorf("%s: rejected for %s (gate %v)", c.what, got, gate)
		case len(reasons) > 0:
			t.Errorf("%s: flagged %v", c.what, reasons)
		case gate:
			t.Errorf("%s: the stream gate holds it back", c.what)
		case other != nil:
			t.Errorf("%s: (not a safety finding; fix the case) %v", c.what, other)
		}
	}
}

// TestAdversary2Names: a bio that names someone or something by a word
// that is also an insult, written as a name ("Sen. Coons", "Moby-Dick",
// "Philip K. Dick"), is not rejected: it is served for a person to read
// (needs_review, reason offensive).
func TestAdversary2Names(t *testing.T) {
	cases := []adv2FP{
		{"Senator Chris Coons", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Policy Advisor\",\"company\":\"U.S. Senate\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Policy Advisor in the U.S. Senate. She served as senior policy advisor to Senator Chris Coons. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		{"Moby-Dick", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Professor of English\",\"company\":\"Yale University\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Professor of English at Yale University. Her study of Moby-Dick reshaped how Melville is taught. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		{"Philip K. Dick Award", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Novelist\",\"company\":\"Tor Books\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Novelist published by Tor Books. Her second novel won the Philip K. Dick Award. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		{"Pussy Riot trial (journalist)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Foreign Correspondent\",\"company\":\"Reuters\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Foreign Correspondent at Reuters. She covered the Pussy Riot trial from Moscow. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		{"Dostoevsky's The Idiot (translator)", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"Literary Translator\",\"company\":\"Penguin Classics\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is a Literary Translator with Penguin Classics. Her translation of Dostoevsky's The Idiot won the PEN award. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
		{"another person named Dick: 'hired by Dick Costolo'", "\"name\":\"Maria Lopez\",\"pronouns\":\"she/her\",\"current_role\":\"VP Product\",\"company\":\"Twitter\",\"years_experience\":15,\"skills\":[\"Leadership\",\"Strategy\"]",
			"Maria Lopez is VP Product at Twitter with over 15 years of experience. She was hired by Dick Costolo in 2012 to lead the ads product. She is known for clear communication, steady collaboration and a calm, practical approach to hard problems.", false},
	}
	for _, c := range cases {
		got, reasons, gate, other := adv2Verdict(t, c.profile, c.text, c.first)
		if got != "" || gate || other != nil || !slices.Contains(reasons, ReasonOffensive) {
			t.Errorf("%s: rejected %q, gate %v, %v, reasons %v; want served for review", c.what, got, gate, other, reasons)
		}
	}
}
