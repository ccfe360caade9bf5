package check

import (
	"strings"

	"github.com/biogen/biogen/internal/bio"
)

// An adverse claim is what a bio should not say of a person: that she was
// fired or let go, charged, convicted or jailed, committed fraud or stole,
// was investigated, disciplined or demoted, bullied or leaked data, or is
// lazy, toxic or dishonest. A reviewer reads for them first, so a bio that
// makes one is always flagged for review, even when the profile makes the
// same claim; and it is unverified when the profile does not. Each rule
// below is one way of making a claim: the words that make it, on word
// boundaries, in the forms that matter ("was fired", "Contoso let her go",
// "- Fired from Contoso", "pleaded guilty", "in jail"), and the company
// they keep where the same word says something harmless ("fired up",
// "fired clay", "let go of the legacy CMS", "cross-disciplinary", "a deep
// conviction that", "TLS termination", "cardiac arrest", "a prison
// education charity", "terminated three vendor contracts").
//
// Whether the profile makes a claim is decided by the same rules read over
// the profile's texts, never by a shared stem: "Firewall hardening" does
// not make "she was fired", nor "Built fraud detection models" "she
// committed fraud".

// adverseRule is one way of making an adverse claim, found at a word.
type adverseRule struct {
	// claim names what is claimed: the profile supports a bio's claim
	// when a rule of the same claim matches one of its texts.
	claim string
	// object asks for a word for the person right after the word (her,
	// him, them as the person's pronouns have them, me, a word of the
	// person's name), before next: "let her go", "Contoso terminated her",
	// "Police arrested Ada". A "her" that reads as a possessive
	// ("terminated her contract") is not one.
	object bool
	// next are words that must follow the word (after the object), in
	// order, each with '|' between the words it may be ("go" after "let").
	next []string
	// passive asks for a form of "be" or "get" before the word ("was let
	// go", "got fired"), adverbs between them allowed, or the word at the
	// start of a clause with nothing, or a preposition, after it, as a
	// résumé line has it ("Laid off in 2020", "- Fired from Contoso"; not
	// "Terminated three vendor contracts").
	passive bool
	// before: one of these words must come right before the word ("in
	// jail").
	before []string
	// within: one of these words (or runs of words) must come within
	// three words after the word and its next, in its sentence ("charged
	// with theft", "terminated for cause"); orWithin makes within enough
	// on its own, and before or passive enough without it ("was
	// terminated" or "terminated for cause").
	within   []string
	orWithin bool
	// notBefore and notAfter are words right before or after (after next)
	// that make the words harmless ("cardiac arrest", "fired up");
	// notHyphen are words joined to it by a hyphen that do
	// ("anti-harassment", "wood-fired"); "anti-" or "counter-" before the
	// word before always does ("anti-money laundering").
	notBefore, notAfter, notHyphen []string
	// notOf are nouns before "of", "from" or "in" before the word that
	// make it the topic of the person's work: "the rate of fraud"; notWith
	// are fields of work that, joined to the word by "and", "or" or a
	// comma, do: "payments, risk and fraud", "fraud and risk teams".
	notOf, notWith []string
	// notSubject are the things that, before the "be" of a passive, make
	// it about them: "the contract was terminated", "the case was
	// dismissed"; subject are those one must be: "her licence was
	// revoked".
	notSubject, subject []string
	// detAfter makes a determiner after the word harmless but in the
	// passive: "arrested the decline", not "was arrested the next day".
	detAfter bool
}

// crimes are what a person is charged with or accused of in an adverse
// claim; "charged with leading the migration" is not one.
var crimes = strings.Fields(`theft fraud assault murder manslaughter embezzlement embezzling bribery corruption
	harassment misconduct crime crimes felony felonies misdemeanor misdemeanour dui dwi possession trafficking
	laundering evasion insider stealing perjury obstruction battery arson burglary robbery extortion forgery
	rape abuse contempt negligence plagiarism misappropriation kickbacks wrongdoing sexual criminal larceny
	bullying discrimination racism fabricating falsifying lying cheating`)

// adverseRules are the rules by the words they start at.
var adverseRules = makeAdverseRules()

// adverseVocabulary are the words the rules share: what makes a wrong the
// field of a person's work, not a claim about her.
type adverseVocabulary struct {
	// fights are verbs of work against a wrong: "fights fraud", "cut
	// theft by a third".
	fights []string
	// work are the nouns after a wrong that make it the field of a
	// person's work: "fraud detection", "harassment prevention training".
	work, topics []string
	// fields are fields of work a wrong is listed with: "risk and fraud".
	fields []string
	// against are the nouns after any wrong that make it the field of a
	// person's work: "harassment prevention", "anti-bribery compliance".
	against []string
	poss    string
}

// crimeRule is the rule of a wrong that may also be the field of a
// person's work.
func (v *adverseVocabulary) crimeRule(claim string) adverseRule {
	return adverseRule{claim: claim, notAfter: v.against, notBefore: v.fights, notHyphen: strings.Fields("anti counter"),
		notOf: v.topics, notWith: v.fields}
}

// ruleBook collects the rules by the words they start at.
type ruleBook map[string][]*adverseRule

// add files r under each of forms.
func (b ruleBook) add(forms string, r adverseRule) {
	for _, w := range strings.Fields(forms) {
		rule := r
		b[w] = append(b[w], &rule)
	}
}

// makeAdverseRules makes the rules, by the words they start at.
func makeAdverseRules() map[string][]*adverseRule {
	f := strings.Fields
	v := &adverseVocabulary{poss: "her|his|their|my"}
	v.fights = f(`against combat combats combated combating combatted combatting fight fights fighting fought prevent
		prevents prevented preventing detect detects detected detecting reduce reduces reduced reducing cut cuts cutting
		stop stops stopped stopping tackle tackles tackled tackling counter counters countered countering identify
		identifies identified identifying flag flags flagged flagging catch catches catching investigate investigates
		investigating investigated prosecute prosecutes prosecuted prosecuting uncover uncovers uncovered uncovering expose exposes
		exposing spot spots spotted spotting curb curbs curbed curbing deter deters deterred deterring block blocks
		blocked blocking halve halved halving lower lowers lowered lowering minimise minimises minimised minimize
		minimizes minimized predict predicts predicted predicting score scores scored scoring`)
	v.work = f(`detection prevention analytics model models team teams ops operations risk rules engine system systems
		platform monitoring screening controls control scoring tooling alerts losses loss rate rates strategy management
		unit department squad data signals patterns rings research investigators investigator analyst analysts
		transactions payments claims orders traffic activity checks compliance policy policies training awareness
		programme program programs programmes protection deterrence specialist specialists expert experts officer
		officers lead leads manager managers lab labs law laws regulation regulations typologies reporting examiner examiners
		surveillance`)
	v.topics = f(`rate rates level levels loss losses reduction reductions detection prevention risk risks exposure
		incidence cost costs types patterns forms psychology science study studies research history`)
	v.fields = f(`risk payments payment compliance security aml kyc trust safety identity credit disputes chargebacks claims
		underwriting cybersecurity cyber audit controls governance financial crime sanctions`)
	v.against = f(`detection prevention protection deterrence analytics risk compliance controls screening monitoring
		policy policies training awareness programme program programs programmes officer officers investigator
		investigators law laws regulation regulations surveillance examiner examiners`)
	b := ruleBook{}
	addMoneyRules(b, v)
	addLawRules(b, v)
	addWorkRules(b, v)
	addCharacterRules(b, v)
	return b
}

// addMoneyRules adds the rules of money and honesty: fraud, theft, bribery, leaks…
func addMoneyRules(b ruleBook, v *adverseVocabulary) {
	f := strings.Fields
	// Money and honesty.
	fraud := v.crimeRule("fraud")
	fraud.notAfter = v.work
	b.add(`fraud frauds fraudulent fraudulently fraudster fraudsters defrauded defrauding scam scams scammed scammer
		scammers swindled swindle ponzi`, fraud)
	b.add("con", adverseRule{claim: "fraud", next: []string{"artist|artists|man|men"}})
	b.add("cooked", adverseRule{claim: "fraud", next: f("the books")})
	b.add("doctored fudged", adverseRule{claim: "forgery", within: f(`figures numbers results data records documents accounts
		books expenses`)})
	b.add("embellished", adverseRule{claim: "lying", within: f("cv resume credentials qualifications experience degree")})
	b.add("lying", adverseRule{claim: "lying", within: f("about to under")})
	b.add("deceitful", adverseRule{claim: "dishonest"})
	b.add("corrupt", adverseRule{claim: "corruption", before: f("a is was were as being and"), notAfter: f(`data file files
		memory records record index image images disk packets packet state`)})
	b.add("unethical", adverseRule{claim: "misconduct", notBefore: v.fights, notAfter: append(f("ai algorithms design"), v.against...)})
	b.add("negligence negligent", adverseRule{claim: "negligence", notBefore: v.fights, notAfter: append(f(`claims claim cases case
		lawyer lawyers attorney attorneys`), v.against...)})
	b.add("inappropriate", adverseRule{claim: "misconduct",
		next: []string{"conduct|behaviour|behavior|relationship|relationships|comments|remarks|touching|messages"}})
	b.add("affair", adverseRule{claim: "misconduct", before: f("an extramarital"), within: f("with")})
	b.add("assaulted", adverseRule{claim: "assault"})
	b.add("stalked stalking stalker", v.crimeRule("stalking"))
	b.add("hacked", adverseRule{claim: "hacking", next: f("into")})
	b.add("embezzle embezzles embezzled embezzling embezzlement embezzler", v.crimeRule("embezzlement"))
	b.add("misappropriate misappropriated misappropriating misappropriation", v.crimeRule("misappropriation"))
	b.add("bribe bribes bribed bribing bribery", v.crimeRule("bribery"))
	b.add("kickback kickbacks", v.crimeRule("kickbacks"))
	corruption := v.crimeRule("corruption")
	corruption.notBefore = append(f(`data file files memory disk index heap silent database bit stack cache packet image
		firmware`), v.fights...)
	b.add("corruption", corruption)
	b.add("extortion extorted blackmail blackmailed", v.crimeRule("extortion"))
	laundering := v.crimeRule("laundering")
	laundering.before = f("money")
	b.add("laundering", laundering)
	evasion := v.crimeRule("tax evasion")
	evasion.before = f("tax")
	b.add("evasion", evasion)
	insider := v.crimeRule("insider trading")
	insider.next = f("trading")
	b.add("insider", insider)
	theft := v.crimeRule("theft")
	theft.notBefore = append(f("recovered recover recovering recovers tracked"), v.fights...)
	b.add("stole stolen steal steals stealing theft thefts thief thieves shoplifting larceny", theft)
	b.add("plagiarism plagiarised plagiarized plagiarising plagiarizing plagiarise plagiarize", v.crimeRule("plagiarism"))
	b.add("falsified falsifying falsification forgery", v.crimeRule("forgery"))
	b.add("forged", adverseRule{claim: "forgery", within: f(`documents document signature signatures records cheques checks
		invoices data results papers receipts credentials`)})
	b.add("fabricated fabricating", adverseRule{claim: "forgery", within: f(`data results evidence references credentials degree
		degrees qualifications figures records reports expenses numbers`)})
	b.add("lied", adverseRule{claim: "lying", within: f("about to on under")})
	b.add("liar liars", adverseRule{claim: "lying"})
	b.add("misled", adverseRule{claim: "lying"})
	b.add("falsely", adverseRule{claim: "lying", next: []string{"claimed|stated|reported|represented|presented|listed|certified|accused|declared"}})
	b.add("misrepresented", adverseRule{claim: "lying", within: f(`her his their my qualifications credentials experience degree
		results figures numbers earnings accounts`)})
	b.add("scandal scandals", adverseRule{claim: "scandal"})
	b.add("misconduct", adverseRule{claim: "misconduct", notAfter: f(`review reviews board boards committee committees policy
		policies training prevention office panel officer officers unit investigator investigators`)})
	b.add("wrongdoing", adverseRule{claim: "wrongdoing"})
	b.add("malpractice", adverseRule{claim: "malpractice", notAfter: f("insurance cover coverage law lawyer lawyers attorney attorneys")})
	b.add("bankrupt bankruptcy", adverseRule{claim: "bankruptcy", notAfter: f("law lawyer lawyers attorney attorneys practice")})
	b.add("harass harassed harassing harassment harasser", v.crimeRule("harassment"))
	b.add("bully bullies bullied bullying", v.crimeRule("bullying"))
	b.add("leaked leaking", adverseRule{claim: "leak", notBefore: v.fights, within: f(`data documents document records information emails files details
		secrets plans code credentials passwords`)})
	b.add("sold selling", adverseRule{claim: "leak", within: []string{"records", "secrets", "credentials", "passwords",
		"customer data", "patient data", "user data", "personal data", "client data", "private data", "confidential"}})
	b.add("cheated", adverseRule{claim: "cheating", notAfter: f("death")})
	b.add("cheating", adverseRule{claim: "cheating", notAfter: append(f("death"), v.against...), notHyphen: f("anti"), notOf: v.topics})
}

// addLawRules adds the rules of the law: lawsuits, arrests, charges, prison…
func addLawRules(b ruleBook, v *adverseVocabulary) {
	f := strings.Fields
	// The law.
	b.add("lawsuit lawsuits", adverseRule{claim: "lawsuit"})
	b.add("sued", adverseRule{claim: "lawsuit"})
	b.add("indicted indictment", adverseRule{claim: "indictment"})
	b.add("felon felons felony felonies", adverseRule{claim: "felony"})
	b.add("arrested", adverseRule{claim: "arrest", detAfter: true})
	b.add("arrested", adverseRule{claim: "arrest", object: true})
	b.add("arrest", adverseRule{claim: "arrest", notBefore: f("cardiac respiratory sudden heart to"), notAfter: f("the a an its")})
	b.add("convicted", adverseRule{claim: "conviction"})
	b.add("conviction", adverseRule{claim: "conviction", notAfter: f("that"), notBefore: f(`deep strong firm personal genuine
		quiet real moral unshakeable unwavering with`)})
	b.add("convictions", adverseRule{claim: "conviction", before: f("criminal prior previous past")})
	b.add("jailed imprisoned imprisonment incarcerated", adverseRule{claim: "prison", notAfter: f(`people persons individuals
		women men youth young students learners populations population parents`)})
	b.add("prison jail", adverseRule{claim: "prison", before: f("in to from behind federal state county"), orWithin: true,
		within: f("sentence sentenced term time"), notAfter: f(`reform reforms education ministry ministries system systems
		service services officer officers guard guards chaplain chaplaincy visitor visitors population populations`)})
	b.add("bars", adverseRule{claim: "prison", before: f("behind")})
	b.add("served", adverseRule{claim: "prison", next: f("time"), notAfter: f("as")})
	b.add("guilty", adverseRule{claim: "guilty", before: f("pleaded pled plead pleads found"), orWithin: true, within: f("plea verdict of")})
	b.add("charged", adverseRule{claim: "charges", next: f("with"), within: crimes})
	b.add("charged", adverseRule{claim: "charges", object: true, next: f("with"), within: crimes})
	b.add("charged", adverseRule{claim: "charges", before: f("criminally")})
	b.add("charges", adverseRule{claim: "charges", before: f(`criminal face faces faced facing pressed fraud bribery corruption
		assault sec ftc doj federal misconduct harassment`)})
	b.add("criminal", adverseRule{claim: "criminal record", within: f("record charges conviction case investigation complaint proceedings")})
	b.add("accused", adverseRule{claim: "accusation", next: f("of")})
	b.add("accused", adverseRule{claim: "accusation", object: true, next: f("of")})
	b.add("accusations allegations", adverseRule{claim: "accusation", within: f("of against")})
	b.add("alleged allegedly", adverseRule{claim: "accusation", within: crimes})
	b.add("fined", adverseRule{claim: "fine"})
	b.add("disbarred debarred", adverseRule{claim: "disbarred"})
	b.add("struck", adverseRule{claim: "struck off", next: f("off"), passive: true})
	b.add("banned barred", adverseRule{claim: "ban", next: f("from"), passive: true})
	b.add("banned barred", adverseRule{claim: "ban", object: true, next: f("from")})
	b.add("cautioned", adverseRule{claim: "caution", within: f("police officers")})
	b.add("police", adverseRule{claim: "caution", next: f("caution")})
	b.add("sanctioned", adverseRule{claim: "sanction", within: f(`regulator regulators sec fca finra ofsted watchdog court
		tribunal authorities council`)})
	b.add("sanctioned", adverseRule{claim: "sanction", next: f("for")})
	b.add("sanctions", adverseRule{claim: "sanction", before: f("face faces faced facing")})
	b.add("liable", adverseRule{claim: "liability", before: f("found held")})
	b.add("dui dwi", adverseRule{claim: "dui"})
	b.add("sentenced", adverseRule{claim: "conviction"})
	b.add("probation", adverseRule{claim: "conviction", before: f("on criminal"), notAfter: f("period officer officers service services")})
	b.add("paroled", adverseRule{claim: "conviction"})
	b.add("parole", adverseRule{claim: "conviction", before: f("on"), notAfter: f("officer officers board")})
	b.add("restraining", adverseRule{claim: "conviction", next: f("order")})
	b.add("deported", adverseRule{claim: "deportation", passive: true})
	b.add("deported", adverseRule{claim: "deportation", object: true})
	b.add("impeached", adverseRule{claim: "impeachment"})
	b.add("subject", adverseRule{claim: "investigation", next: []string{"of", "a|an"}, within: f(`investigation inquiry probe
		complaint lawsuit`)})
	b.add("probe inquiry", adverseRule{claim: "investigation", next: f("into"), within: f("her him them his their")})
	b.add("complaints", adverseRule{claim: "accusation", before: f("face faces faced facing")})
	b.add("driving", adverseRule{claim: "dui", before: f("drunk drink"), notAfter: append(f("campaign campaigns"), v.against...)})
	b.add("settled", adverseRule{claim: "settlement", within: f("charges lawsuit lawsuits allegations suit")})
}

// addWorkRules adds the rules of work: dismissal, discipline, investigations, sanctions…
func addWorkRules(b ruleBook, v *adverseVocabulary) {
	f := strings.Fields
	// Work. dismissed are the things a passive of a verb of dismissal
	// may be about.
	things := f(`contract contracts agreement agreements lease leases process processes instance instances connection
		connections session sessions service services deal deals partnership partnerships program programme programs
		programmes project projects license licence account accounts case cases claim claims suit lawsuit appeal appeals
		complaint complaints charges motion motions petition petitions trading production operations flights work
		payments incident incidents issue issues outage outages bug bugs breach breaches job jobs task tasks`)
	dismissal := func(words string, extra ...adverseRule) {
		base := adverseRule{claim: "dismissal", notAfter: f("up off"), notHyphen: f("wood coal gas oil kiln"), notSubject: things}
		for _, r := range []adverseRule{{passive: true}, {object: true}, {next: f("from")}, {next: f("for")}} {
			r.claim, r.notAfter, r.notHyphen, r.notSubject = base.claim, base.notAfter, base.notHyphen, base.notSubject
			b.add(words, r)
		}
		for _, r := range extra {
			r.claim, r.notSubject = base.claim, base.notSubject
			b.add(words, r)
		}
	}
	dismissal("fired sacked dismissed expelled axed")
	b.add("booted blacklisted", adverseRule{claim: "dismissal", passive: true, notSubject: things})
	b.add("booted blacklisted", adverseRule{claim: "dismissal", object: true})
	b.add("dishonorably dishonourably cashiered martialled martialed", adverseRule{claim: "dismissal"})
	b.add("firing sacking ouster removal expulsion layoff", adverseRule{claim: "dismissal", before: strings.Split(v.poss, "|"),
		notAfter: f("of")})
	b.add("asked", adverseRule{claim: "dismissal", next: []string{"to", "resign|leave"}, passive: true})
	dismissal("terminated", adverseRule{within: f("cause")})
	b.add("canned", adverseRule{claim: "dismissal", passive: true, notAfter: f("responses response food goods")})
	b.add("canned", adverseRule{claim: "dismissal", object: true})
	b.add("dismissal", adverseRule{claim: "dismissal", before: strings.Split(v.poss, "|"), notAfter: f("of claims case cases law tribunal")})
	b.add("dismissal", adverseRule{claim: "dismissal", next: []string{"from|for"}})
	b.add("termination", adverseRule{claim: "dismissal", before: f("her his their my wrongful unfair"), orWithin: true,
		within: f("cause"), notAfter: f("of claims case cases lawsuits suits law litigation")})
	b.add("let", adverseRule{claim: "dismissal", next: f("go"), passive: true, notAfter: f("of")})
	b.add("let", adverseRule{claim: "dismissal", object: true, next: f("go")})
	b.add("let", adverseRule{claim: "dismissal", next: f("go"), within: f("in by from for after during following amid"),
		notAfter: f("of")}) // "among those let go in 2021"
	b.add("remove removes removing", adverseRule{claim: "dismissal", object: true, next: f("from")})
	b.add("terminated terminate", adverseRule{claim: "dismissal", next: []string{v.poss, "employment"}})
	b.add("revoked", adverseRule{claim: "sanction", subject: f(`licence license certification accreditation registration
		clearance credentials membership visa`)})
	b.add("revoked", adverseRule{claim: "sanction", next: []string{v.poss}, within: f(`licence license certification
		accreditation registration clearance credentials membership`)})
	b.add("disqualified", adverseRule{claim: "sanction", passive: true, within: f("director directors company companies practising practicing")})
	b.add("laid", adverseRule{claim: "layoff", next: f("off"), passive: true})
	b.add("laid", adverseRule{claim: "layoff", object: true, next: f("off")})
	b.add("made", adverseRule{claim: "layoff", next: f("redundant"), passive: true})
	b.add("made", adverseRule{claim: "layoff", object: true, next: f("redundant")})
	b.add("shown", adverseRule{claim: "dismissal", next: f("the door")})
	b.add("showed show shows", adverseRule{claim: "dismissal", object: true, next: f("the door")})
	b.add("got get gets getting given", adverseRule{claim: "dismissal", next: []string{"the", "boot|sack|axe|chop"}})
	b.add("gave give gives", adverseRule{claim: "dismissal", object: true, next: []string{"the", "boot|sack|axe|chop"}})
	b.add("relieved", adverseRule{claim: "dismissal", next: f("of"), within: f("duties duty command post position role responsibilities job")})
	b.add("administrative garden gardening", adverseRule{claim: "suspension", next: f("leave")})
	b.add("placed put", adverseRule{claim: "suspension", next: f("on leave")})
	b.add("placed put", adverseRule{claim: "suspension", object: true, next: f("on leave")})
	b.add("escorted", adverseRule{claim: "dismissal", next: []string{"out|off"}})
	b.add("escorted", adverseRule{claim: "dismissal", object: true, next: []string{"out|off"}})
	b.add("stripped", adverseRule{claim: "sanction", next: f("of"), within: f(`her his their my title titles licence license
		certification certifications accreditation rank medal award membership`)})
	b.add("stripped", adverseRule{claim: "sanction", object: true, next: f("of")})
	b.add("lost losing", adverseRule{claim: "lost licence", next: []string{v.poss + "|its"}, within: f(`licence license certification
		accreditation registration clearance credentials job`)})
	b.add("kicked", adverseRule{claim: "dismissal", next: f("out")})
	b.add("kicked", adverseRule{claim: "dismissal", next: f("off"), passive: true})
	b.add("kicked", adverseRule{claim: "dismissal", object: true, next: []string{"out|off"}})
	b.add("removed", adverseRule{claim: "dismissal", next: f("from"), passive: true, within: f(`post position role office job duties
		board command`)})
	b.add("removed", adverseRule{claim: "dismissal", object: true, next: f("from")})
	b.add("suspended", adverseRule{claim: "suspension", passive: true, orWithin: true, within: f("from without pending"), notSubject: things})
	b.add("suspended", adverseRule{claim: "suspension", object: true})
	b.add("suspension", adverseRule{claim: "suspension", before: f("her his their my"), orWithin: true, within: f("from")})
	b.add("ousted oust", adverseRule{claim: "dismissal"})
	b.add("forced", adverseRule{claim: "dismissal", next: f("out")})
	b.add("pushed", adverseRule{claim: "dismissal", next: f("out"), passive: true, notAfter: f("of")}) // "of her comfort zone"
	b.add("pushed", adverseRule{claim: "dismissal", next: f("out of"), within: f("company firm role job post position board team")})
	b.add("forced pushed", adverseRule{claim: "dismissal", object: true, next: f("out")})
	b.add("forced", adverseRule{claim: "dismissal", next: f("to"), within: f("resign quit leave step")})
	b.add("forced", adverseRule{claim: "dismissal", object: true, next: f("to"), within: f("resign quit leave step")})
	b.add("resigned", adverseRule{claim: "resignation", next: f("amid")})
	b.add("resigned", adverseRule{claim: "resignation", next: f("in disgrace")})
	b.add("resigned", adverseRule{claim: "resignation", next: f("under pressure")})
	b.add("resigned", adverseRule{claim: "resignation", next: []string{"after|following|over"}, within: f(`complaints complaint
		allegations accusations scandal investigation probe inquiry claims criticism revelations misconduct`)})
	b.add("reprimanded reprimand censured", adverseRule{claim: "reprimand"})
	b.add("demoted demotion", adverseRule{claim: "demotion"})
	b.add("performance", adverseRule{claim: "pip", next: f("improvement plan")})
	b.add("pip", adverseRule{claim: "pip", before: f("a the on"), notAfter: f("install package")})
	b.add("disciplinary", adverseRule{claim: "disciplinary", within: f(`action actions hearing hearings proceedings
		measures measure warning warnings procedure process case record sanction sanctions board`)})
	b.add("disciplined", adverseRule{claim: "disciplinary", passive: true})
	b.add("disciplined", adverseRule{claim: "disciplinary", object: true})
	b.add("investigation", adverseRule{claim: "investigation", before: f("under")})
	b.add("investigation", adverseRule{claim: "investigation", next: f("into"), within: f("her him them his their")})
	b.add("investigated", adverseRule{claim: "investigation", passive: true, notSubject: things})
	b.add("investigated", adverseRule{claim: "investigation", object: true})
}

// addCharacterRules adds the rules of what a person is said to be: lazy, toxic, abusive…
func addCharacterRules(b ruleBook, v *adverseVocabulary) {
	f := strings.Fields
	// What she is said to be.
	b.add("lazy", adverseRule{claim: "lazy", notAfter: f("loading load loaded evaluation initialization initialisation")})
	b.add("incompetent incompetence", adverseRule{claim: "incompetent"})
	b.add("dishonest dishonesty", adverseRule{claim: "dishonest"})
	b.add("untrustworthy", adverseRule{claim: "untrustworthy"})
	b.add("unprofessional", adverseRule{claim: "unprofessional"})
	manner := f("as is was were being be and very so notoriously famously seen considered called described often")
	b.add("unreliable arrogant rude abrasive", adverseRule{claim: "unprofessional", before: manner, notAfter: f(`data network
		networks connection connections system systems service services pipeline pipelines test tests build builds
		source sources narrator awakening`)})
	b.add("underperformed", adverseRule{claim: "underperformer", before: f("she he i they consistently repeatedly chronically")})
	b.add("disliked", adverseRule{claim: "disliked"})
	b.add("underperformer underperformers", adverseRule{claim: "underperformer"})
	b.add("toxic", adverseRule{claim: "toxic", before: f(`as is was were be being seen considered called described very so
		highly extremely famously notoriously a and`), notAfter: f(`waste chemicals chemical substances substance spill spills
		exposure assets asset load data comments comment content language speech gas gases fumes algae`)})
	b.add("abusive", adverseRule{claim: "abusive", notAfter: f(`content language comments messages posts speech relationships
		relationship households`), notHyphen: f("anti")})
	b.add("abuse", adverseRule{claim: "abusive", next: f("of"), within: f("power position authority trust office")})
	b.add("abused", adverseRule{claim: "abusive", within: f("power position authority trust office colleagues staff")})
	b.add("racist sexist bigot bigots bigoted misogynist misogynistic homophobic transphobic xenophobic", adverseRule{claim: "bigotry",
		notAfter: f("content speech comments language detection classifier classifiers abuse"), notHyphen: f("anti")})
	b.add("difficult", adverseRule{claim: "difficult", next: f("to work with")})
}

// adverseFirst holds, for each pair of first letters, a bit for each length
// of a word of adverseRules that starts with them: a glance that spares
// most words of a bio a map lookup.
var adverseFirst = func() (m [27 * 27]uint32) {
	for w := range adverseRules {
		m[pairIndex(w[0], w[1])] |= 1 << min(len(w), 31)
	}
	return m
}()

func pairIndex(a, b byte) int {
	i, j := int(a|0x20)-'a', int(b|0x20)-'a'
	if i < 0 || i >= 26 {
		i = 26
	}
	if j < 0 || j >= 26 {
		j = 26
	}
	return i*27 + j
}

// beForms are the words of a passive: "was fired", "got let go".
var beForms = map[string]bool{"was": true, "were": true, "been": true, "being": true, "be": true, "is": true,
	"are": true, "got": true, "get": true, "gets": true, "getting": true, "am": true}

// passiveAdverbs may come between "was" and the verb: "was later let go".
var passiveAdverbs = map[string]bool{"later": true, "eventually": true, "reportedly": true, "allegedly": true,
	"also": true, "then": true, "summarily": true, "subsequently": true, "publicly": true, "quietly": true,
	"ultimately": true, "once": true, "recently": true, "abruptly": true, "briefly": true, "temporarily": true,
	"formally": true, "officially": true, "finally": true, "herself": true, "himself": true, "themselves": true,
	"myself": true, "unfairly": true, "wrongly": true, "wrongfully": true, "twice": true, "promptly": true,
	"immediately": true, "swiftly": true}

// participleFollowers are the words after a participle at the start of a
// clause that make it a passive: "Laid off in 2020", "Fired from Contoso".
var participleFollowers = map[string]bool{"from": true, "by": true, "in": true, "for": true, "after": true, "over": true,
	"at": true, "during": true, "following": true, "amid": true, "due": true, "pending": true, "without": true, "on": true,
	"because": true, "when": true, "as": true, "twice": true, "once": true}

// objectFollowers are the words after "her" that make it an object, not
// a possessive: "terminated her in 2021", not "terminated her contract".
var objectFollowers = map[string]bool{"in": true, "for": true, "from": true, "after": true, "over": true, "at": true,
	"on": true, "by": true, "without": true, "when": true, "last": true, "this": true, "that": true, "the": true, "a": true,
	"an": true, "and": true, "or": true, "but": true, "with": true, "following": true, "amid": true, "during": true,
	"before": true, "because": true, "due": true, "as": true, "since": true, "until": true, "while": true, "within": true,
	"just": true, "only": true, "shortly": true, "immediately": true, "soon": true, "once": true, "twice": true,
	"outright": true, "too": true}

// subject are the words that stand for the person as an object: her
// pronoun's object form, "me", the words of her name. They are read when
// first needed, which for most bios is never.
type subject struct {
	pronouns string   // as the profile gives them
	self     []string // the words of the name
	objects  []string
	made     bool
}

// subjectOf returns the person's words for the pronouns (as the profile
// gives them) and the name words self; with no pronouns known, her, him
// and them all may be hers.
func subjectOf(pronouns string, self []string) *subject {
	return &subject{pronouns: pronouns, self: self}
}

func (s *subject) is(a aword) bool {
	if !s.made {
		s.made = true
		s.objects = append(s.objects, "me")
		if own := bio.ParsePronouns(s.pronouns); own.Known() && own.Object != "" {
			s.objects = append(s.objects, own.Object)
		} else {
			s.objects = append(s.objects, "her", "him", "them")
		}
		for _, w := range s.self {
			if len(w) > 1 {
				s.objects = append(s.objects, w)
			}
		}
	}
	return isAny(a, s.objects)
}

// adverseClaims calls found with each adverse claim text (folded) makes,
// by the rules above, until found returns false.
func adverseClaims(text string, who *subject, found func(claim string) bool) {
	var ring [4]aword // the last four words, word n at ring[n%4]
	n := 0
	for i := 0; i < len(text); {
		w, j := nextWord(text, i)
		if w.s == "" {
			break
		}
		if len(w.s) >= 3 && len(w.s) <= 24 && adverseFirst[pairIndex(w.s[0], w.s[1])]&(1<<min(len(w.s), 31)) != 0 {
			var lb [24]byte
			if rules := adverseRules[string(lowerKey(lb[:0], w.s))]; rules != nil {
				var prev [4]aword // the words before in the clause, the last one last
				for k := len(prev) - 1; k >= 0; k-- {
					m := n - len(prev) + k
					if m < 0 {
						break
					}
					prev[k] = ring[m%len(ring)]
					if prev[k].gap == gapSentence {
						break // a sentence before this one
					}
				}
				if w.gap == gapSentence {
					prev = [4]aword{}
				}
				start := n == 0 || w.gap == gapSentence || isAny(prev[3], joinWords)
				var after [8]aword
				a := 0
				for k := j; a < len(after); a++ {
					if after[a], k = nextWord(text, k); after[a].s == "" || after[a].gap == gapSentence {
						break
					}
				}
				for _, r := range rules {
					if r.matches(prev[:], w, after[:a], start, who) && !found(r.claim) {
						return
					}
				}
			}
		}
		ring[n%len(ring)] = w
		n++
		i = j
	}
}

// joinWords start a clause whose subject is the one before: "joined in
// 2019 and laid off in 2020".
var joinWords = []string{"and", "but", "then"}

// The gaps before a word.
const (
	gapNone     = iota
	gapPhrase   // a comma, a bracket, a dash, a quotation mark
	gapSentence // the end of a sentence, a colon, a line break, or the text's start
)

// nextWord returns the word of ASCII letters at or after text[i] and where
// it ends.
func nextWord(text string, i int) (aword, int) {
	gap := gapNone
	for i < len(text) && !isLetter(text[i]) {
		switch text[i] {
		case '.', '!', '?':
			if i+1 == len(text) || isSpace(text[i+1]) || text[i+1] == '"' || text[i+1] == '\'' || text[i+1] == ')' {
				gap = gapSentence
			}
		case ';', ':', '\n', '\r':
			gap = gapSentence
		case ',', '(', ')', '"', '[', ']':
			gap = max(gap, gapPhrase)
		default:
			if text[i] >= 0x80 && gap == gapNone {
				gap = gapPhrase // a dash, a quotation mark, a bullet
			}
		}
		i++
	}
	j := i
	for j < len(text) && isLetter(text[j]) {
		j++
	}
	return aword{text[i:j], i > 1 && text[i-1] == '-' && isLetter(text[i-2]), gap}, j
}

// aword is a word of a bio, whether a hyphen joins it to the one before
// ("anti-fraud"), and what comes between it and the word before.
type aword struct {
	s      string
	hyphen bool
	gap    int
}

func (a aword) is(w string) bool { return len(a.s) == len(w) && strings.EqualFold(a.s, w) }

// isAlt reports whether a is one of the '|'-separated words of alts.
func (a aword) isAlt(alts string) bool {
	for alt := range strings.SplitSeq(alts, "|") {
		if a.is(alt) {
			return true
		}
	}
	return false
}

func isAny(a aword, list []string) bool {
	for _, w := range list {
		if a.is(w) {
			return true
		}
	}
	return false
}

// matches reports whether the rule makes a claim at w, with prev the words
// before it in its sentence (the last one last), after those after it,
// start whether w starts a clause, and who the words for the person.
func (r *adverseRule) matches(prev []aword, w aword, after []aword, start bool, who *subject) bool {
	k := 0
	if r.object {
		if len(after) == 0 || after[0].gap != gapNone || !who.is(after[0]) {
			return false
		}
		k = 1
	}
	for _, n := range r.next {
		for m := range strings.SplitSeq(n, " ") {
			if k >= len(after) || after[k].gap != gapNone || !after[k].isAlt(m) {
				return false
			}
			k++
		}
	}
	if r.object && len(r.next) == 0 && after[0].is("her") && k < len(after) && after[k].gap == gapNone {
		var lb [24]byte
		if len(after[k].s) > len(lb) || !objectFollowers[string(lowerKey(lb[:0], after[k].s))] {
			return false // "terminated her contract"
		}
	}
	after = after[k:]
	last := prev[len(prev)-1]
	if w.gap != gapNone {
		last = aword{}
	}
	if w.hyphen && isAny(last, r.notHyphen) || !w.hyphen && isAny(last, r.notBefore) {
		return false
	}
	if prev2 := prev[len(prev)-2]; last.hyphen && (prev2.is("anti") || prev2.is("counter")) {
		return false // "anti-money laundering"
	}
	if len(r.notOf) > 0 && (last.is("of") || last.is("from") || last.is("in")) && isAny(prev[len(prev)-2], r.notOf) {
		return false // "the rate of fraud"
	}
	if len(r.notWith) > 0 && listedWith(prev, w, after, r.notWith) {
		return false // "payments, risk and fraud"
	}
	open := len(after) > 0 && after[0].gap == gapNone
	if open && (isAny(after[0], r.notAfter) || r.detAfter && isAny(after[0], determiners) && !isPassive(prev, nil)) {
		return false
	}
	if len(r.notSubject) > 0 && isPassive(prev, r.notSubject) {
		return false // "the contract was terminated"
	}
	if len(r.subject) > 0 && !ownedPassive(prev, r.subject) {
		return false // "the vendor's licence was revoked"
	}
	passive := !r.passive || isPassive(prev, nil) ||
		start && !r.object && (!open || len(after[0].s) <= 12 && participleFollowers[string(lowerKey(make([]byte, 0, 12), after[0].s))])
	ok := (len(r.before) == 0 || isAny(last, r.before)) && passive
	if len(r.within) == 0 {
		return ok
	}
	within := false
	for i := 0; i < min(3, len(after)); i++ {
		if after[i].gap == gapSentence {
			break
		}
		for _, x := range r.within {
			within = within || withinAt(after[i:], x)
		}
	}
	if r.orWithin {
		return ok && (len(r.before) > 0 || r.passive) || within
	}
	return ok && within
}

// listedWith reports whether w is listed with one of fields: a word of
// them before or after it, with "and", "or" or a comma between.
func listedWith(prev []aword, w aword, after []aword, fields []string) bool {
	n := len(prev)
	switch {
	case w.gap == gapPhrase && isAny(prev[n-1], fields):
		return true // "payments, fraud"
	case w.gap == gapNone && (prev[n-1].is("and") || prev[n-1].is("or")) && isAny(prev[n-2], fields):
		return true // "risk and fraud"
	case len(after) > 0 && after[0].gap == gapPhrase && isAny(after[0], fields):
		return true // "fraud, risk"
	case len(after) > 1 && after[0].gap == gapNone && (after[0].is("and") || after[0].is("or")) && after[1].gap == gapNone &&
		isAny(after[1], fields):
		return true // "fraud and risk"
	}
	return false
}

// withinAt reports whether the words a start with the words of x.
func withinAt(a []aword, x string) bool {
	i := 0
	for m := range strings.SplitSeq(x, " ") {
		if i >= len(a) || i > 0 && a[i].gap != gapNone || !a[i].is(m) {
			return false
		}
		i++
	}
	return true
}

var determiners = []string{"the", "a", "an", "its", "their", "this", "that", "his", "her"}

// isPassive reports whether a form of "be" or "get" ends prev, adverbs
// after it allowed: "was fired", "was later let go". With things, it
// reports instead whether the word before that form is one of things:
// "the contract was terminated".
func isPassive(prev []aword, things []string) bool {
	for i := len(prev) - 1; i >= 0; i-- {
		var lb [24]byte
		if len(prev[i].s) > len(lb) {
			return false
		}
		w := string(lowerKey(lb[:0], prev[i].s))
		if beForms[w] {
			if things == nil {
				return true
			}
			return i > 0 && prev[i].gap == gapNone && isAny(prev[i-1], things)
		}
		if !passiveAdverbs[w] || prev[i].gap != gapNone {
			return false
		}
	}
	return false
}

// ownedPassive reports whether prev ends in a passive whose subject is
// one of things owned by a person: "her licence was revoked", not "the
// vendor's licence was".
func ownedPassive(prev []aword, things []string) bool {
	for i := len(prev) - 1; i >= 2; i-- {
		var lb [24]byte
		if len(prev[i].s) > len(lb) {
			return false
		}
		w := string(lowerKey(lb[:0], prev[i].s))
		if beForms[w] {
			return prev[i].gap == gapNone && isAny(prev[i-1], things) &&
				prev[i-1].gap == gapNone && isAny(prev[i-2], possessives)
		}
		if !passiveAdverbs[w] || prev[i].gap != gapNone {
			return false
		}
	}
	return false
}

// possessives are the words that make a thing a person's.
var possessives = strings.Fields("her his their my")

// claims returns the adverse claims the profile makes, by the rules above
// read over each of its texts, once.
func (f *evidence) claims() map[string]bool {
	if f.claimsRead {
		return f.claimSet
	}
	f.claimsRead = true
	who := subjectOf("", strings.Fields(f.p.Name))
	f.p.EachText(func(_ bio.TextField, s *string) {
		adverseClaims(bio.Fold(*s), who, func(c string) bool {
			if f.claimSet == nil {
				f.claimSet = map[string]bool{}
			}
			f.claimSet[c] = true
			return true
		})
	})
	return f.claimSet
}

// adverseClaim reports whether text (folded) makes an adverse claim, and
// whether one of its claims is not one the profile makes.
func adverseClaim(text string, who *subject, f *evidence) (found, unsupported bool) {
	adverseClaims(text, who, func(c string) bool {
		found = true
		unsupported = !f.claims()[c]
		return !unsupported
	})
	return found, unsupported
}
