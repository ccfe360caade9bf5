package check

import "strings"

// An adverse claim is what a bio must not say of a person unless the
// profile does: that she was fired or let go, charged, convicted or jailed,
// committed fraud or stole, was investigated, disciplined or demoted, or
// is lazy or dishonest. A reviewer reads for them first. Each rule below is
// one such claim: the words that make it, on word boundaries, in the forms
// that matter ("fired", "was let go", "pleaded guilty", "in jail"), and the
// company they keep where the same word says something harmless ("fired
// up", "let go of the legacy CMS", "cross-disciplinary", "a deep
// conviction that", "TLS termination", "cardiac arrest", "a prison
// education charity").

// adverseRule is one way of making an adverse claim, found at a word.
type adverseRule struct {
	// key names the claim for the profile: the profile makes the claim
	// when one of its words starts with one of key's '|'-separated stems
	// or phrases ("Led the fraud team" has "fraud").
	key string
	// next are words that must follow the word, in order ("go" after "let").
	next []string
	// passive asks for a form of "be" or "get" before the word ("was let
	// go", "got fired"), adverbs between them allowed.
	passive bool
	// before: one of these words must come right before the word ("in
	// jail").
	before []string
	// within: one of these words must come within three words after the
	// word and its next ("charged with theft", "terminated for cause");
	// orWithin makes within enough on its own, and before or passive
	// enough without it ("was terminated" or "terminated for cause").
	within   []string
	orWithin bool
	// notBefore and notAfter are words right before or after (after next)
	// that make the words harmless ("cardiac arrest", "fired up");
	// notHyphen are words joined to it by a hyphen that do
	// ("anti-harassment", "wood-fired").
	notBefore, notAfter, notHyphen []string
	// detAfter makes a determiner after the word harmless but in the
	// passive: "arrested the decline", not "was arrested the next day".
	detAfter bool
}

// crimes are what a person is charged with or accused of in an adverse
// claim; "charged with leading the migration" is not one.
var crimes = strings.Fields(`theft fraud assault murder manslaughter embezzlement embezzling bribery corruption
	harassment misconduct crime crimes felony felonies misdemeanor misdemeanour dui dwi possession trafficking
	laundering evasion insider stealing perjury obstruction battery arson burglary robbery extortion forgery
	rape abuse contempt negligence plagiarism misappropriation kickbacks wrongdoing sexual criminal larceny`)

// adverseRules are the rules by the words they start at.
var adverseRules = makeAdverseRules()

func makeAdverseRules() map[string][]*adverseRule {
	adverseRules := map[string][]*adverseRule{}
	f := strings.Fields
	add := func(forms string, r adverseRule) {
		for _, w := range f(forms) {
			rule := r
			adverseRules[w] = append(adverseRules[w], &rule)
		}
	}
	// Money and honesty.
	// "fraud detection", "cut fraud by 30%", "anti-fraud models" are work
	// against fraud.
	add("fraud frauds fraudulent fraudulently fraudster fraudsters defrauded defrauding", adverseRule{key: "fraud|defraud",
		notAfter: f(`detection prevention analytics model models team teams ops operations risk rules engine system systems
			platform monitoring screening controls scoring tooling alerts losses loss rate rates strategy management unit
			department squad data signals patterns rings research investigators analyst analysts transactions payments
			claims orders traffic activity checks`),
		notBefore: f(`against combat combating combatting fight fighting fought prevent prevented preventing detect
			detected detecting reduce reduced reducing cut cutting stop stopped stopping tackle tackled tackling counter
			identify identified flag flagged catch catching`),
		notHyphen: f("anti counter")})
	add("embezzle embezzles embezzled embezzling embezzlement embezzler", adverseRule{key: "embezzl"})
	add("misappropriate misappropriated misappropriating misappropriation", adverseRule{key: "misappropriat"})
	add("bribe bribes bribed bribing bribery", adverseRule{key: "brib"})
	add("kickback kickbacks", adverseRule{key: "kickback"})
	add("corruption", adverseRule{key: "corrupt", notBefore: f(`data file files memory disk index heap silent database
		bit stack cache packet image firmware`)})
	add("extortion extorted blackmail blackmailed", adverseRule{key: "extort|blackmail"})
	add("laundering", adverseRule{key: "launder", before: f("money")})
	add("evasion", adverseRule{key: "tax evasion|evasion", before: f("tax")})
	add("insider", adverseRule{key: "insider trading", next: f("trading")})
	add("stole stolen steal steals stealing theft thefts thief thieves shoplifting larceny", adverseRule{key: "stole|steal|theft|thief|larceny",
		notAfter: f("prevention detection protection deterrence"), notHyphen: f("anti")})
	add("plagiarism plagiarised plagiarized plagiarising plagiarizing plagiarise plagiarize", adverseRule{key: "plagiar"})
	add("falsified falsifying falsification forgery", adverseRule{key: "falsif|forg"})
	add("forged", adverseRule{key: "forg", within: f(`documents document signature signatures records cheques checks
		invoices data results papers receipts credentials`)})
	add("lied", adverseRule{key: "lied|lie", within: f("about to on under")})
	add("liar liars", adverseRule{key: "liar"})
	add("misled", adverseRule{key: "misled|mislead"})
	add("scandal scandals", adverseRule{key: "scandal"})
	add("misconduct", adverseRule{key: "misconduct"})
	add("wrongdoing", adverseRule{key: "wrongdoing"})
	add("malpractice", adverseRule{key: "malpractice"})
	add("bankrupt bankruptcy", adverseRule{key: "bankrupt"})
	add("harass harassed harassing harassment", adverseRule{key: "harass", notHyphen: f("anti")})
	// The law.
	add("lawsuit lawsuits", adverseRule{key: "lawsuit"})
	add("sued", adverseRule{key: "sued|sue"})
	add("indicted indictment", adverseRule{key: "indict"})
	add("felon felons felony felonies", adverseRule{key: "felon"})
	add("arrested", adverseRule{key: "arrest", detAfter: true})
	add("arrest", adverseRule{key: "arrest", notBefore: f("cardiac respiratory sudden heart")})
	add("convicted", adverseRule{key: "convict"})
	add("conviction", adverseRule{key: "convict", notAfter: f("that"), notBefore: f(`deep strong firm personal genuine
		quiet real moral unshakeable unwavering with`)})
	add("convictions", adverseRule{key: "convict", before: f("criminal prior previous past")})
	add("jailed imprisoned imprisonment incarcerated", adverseRule{key: "prison|jail|imprison|incarcerat"})
	add("prison jail", adverseRule{key: "prison|jail|imprison|incarcerat", before: f("in to from behind"),
		orWithin: true, within: f("sentence sentenced term time")})
	add("bars", adverseRule{key: "prison|jail|bars", before: f("behind")})
	add("served", adverseRule{key: "prison|jail|served time", next: f("time"), notAfter: f("as")})
	add("guilty", adverseRule{key: "guilty", before: f("pleaded pled plead pleads found"), orWithin: true, within: f("plea verdict of")})
	add("charged", adverseRule{key: "charge", next: f("with"), within: crimes})
	add("charged", adverseRule{key: "charge", before: f("criminally")})
	add("charges", adverseRule{key: "charge", before: f("criminal face faces faced facing pressed fraud bribery corruption assault")})
	add("criminal", adverseRule{key: "criminal", within: f("record charges conviction case investigation complaint proceedings")})
	add("accused", adverseRule{key: "accus|alleg", next: f("of")})
	add("accusations allegations", adverseRule{key: "accus|alleg", within: f("of against")})
	add("alleged allegedly", adverseRule{key: "accus|alleg", within: crimes})
	add("fined", adverseRule{key: "fine"})
	add("disbarred debarred", adverseRule{key: "disbar|debar"})
	add("struck", adverseRule{key: "struck off", next: f("off"), passive: true})
	add("banned barred", adverseRule{key: "ban|bar", next: f("from"), passive: true})
	// Work.
	add("fired", adverseRule{key: "fired|fire", notAfter: f("up off"), notHyphen: f("wood coal gas oil kiln")})
	add("sacked", adverseRule{key: "sack"})
	add("dismissed dismissal", adverseRule{key: "dismiss"})
	add("terminated", adverseRule{key: "terminat", passive: true, orWithin: true, within: f("cause")})
	add("termination", adverseRule{key: "terminat", before: f("wrongful unfair her his their"), orWithin: true, within: f("cause employment")})
	add("let", adverseRule{key: "let go", next: f("go"), passive: true, notAfter: f("of")})
	add("laid", adverseRule{key: "laid off", next: f("off"), passive: true})
	add("made", adverseRule{key: "redundan", next: f("redundant"), passive: true})
	add("suspended", adverseRule{key: "suspen", passive: true, orWithin: true, within: f("from without pending")})
	add("suspension", adverseRule{key: "suspen", before: f("her his their"), orWithin: true, within: f("from")})
	add("ousted oust", adverseRule{key: "oust"})
	add("forced", adverseRule{key: "forced out", next: f("out")})
	add("forced", adverseRule{key: "forced to", next: f("to"), within: f("resign quit leave step")})
	add("pushed", adverseRule{key: "pushed out", next: f("out"), passive: true})
	add("resigned", adverseRule{key: "resigned amid|resign", next: f("amid")})
	add("resigned", adverseRule{key: "resigned in disgrace|resign", next: f("in disgrace")})
	add("resigned", adverseRule{key: "resigned under pressure|resign", next: f("under pressure")})
	add("reprimanded reprimand censured", adverseRule{key: "reprimand|censure"})
	add("demoted demotion", adverseRule{key: "demot"})
	add("performance", adverseRule{key: "performance improvement plan|pip", next: f("improvement plan")})
	add("pip", adverseRule{key: "performance improvement plan|pip", before: f("a the on"), notAfter: f("install package")})
	add("disciplinary", adverseRule{key: "disciplin", within: f(`action actions hearing hearings proceedings
		measures measure warning warnings procedure process case record sanction sanctions board`)})
	add("disciplined", adverseRule{key: "disciplin", passive: true})
	add("investigation", adverseRule{key: "investigat", before: f("under")})
	add("investigation", adverseRule{key: "investigat", next: f("into"), within: f("her him them his their")})
	add("investigated", adverseRule{key: "investigat", passive: true})
	// What she is said to be.
	add("lazy", adverseRule{key: "lazy", notAfter: f("loading load evaluation initialization initialisation")})
	add("incompetent incompetence", adverseRule{key: "incompet"})
	add("dishonest dishonesty", adverseRule{key: "dishonest"})
	add("untrustworthy", adverseRule{key: "untrustworthy"})
	add("disliked", adverseRule{key: "dislik"})
	add("underperformer underperformers", adverseRule{key: "underperform"})
	return adverseRules
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
	"are": true, "got": true, "get": true, "gets": true, "getting": true}

// passiveAdverbs may come between "was" and the verb: "was later let go".
var passiveAdverbs = map[string]bool{"later": true, "eventually": true, "reportedly": true, "allegedly": true,
	"also": true, "then": true, "summarily": true, "subsequently": true, "publicly": true, "quietly": true,
	"ultimately": true, "once": true, "recently": true, "abruptly": true, "briefly": true, "temporarily": true,
	"formally": true, "officially": true, "finally": true, "herself": true, "himself": true, "themselves": true}

// adverseClaim reports whether text (folded) makes an adverse claim that
// the profile's facts do not.
func adverseClaim(text string, f *facts) bool {
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
				var prev [4]aword // the words before, the last one last
				for k := range prev {
					if m := n - len(prev) + k; m >= 0 {
						prev[k] = ring[m%len(ring)]
					}
				}
				var after [8]aword
				a := 0
				for k := j; a < len(after); a++ {
					if after[a], k = nextWord(text, k); after[a].s == "" {
						break
					}
				}
				for _, r := range rules {
					if r.matches(prev[:], w, after[:a]) && !f.hasClaim(r.key) {
						return true
					}
				}
			}
		}
		ring[n%len(ring)] = w
		n++
		i = j
	}
	return false
}

// nextWord returns the word of ASCII letters at or after text[i] and where
// it ends.
func nextWord(text string, i int) (aword, int) {
	for i < len(text) && !isLetter(text[i]) {
		i++
	}
	j := i
	for j < len(text) && isLetter(text[j]) {
		j++
	}
	return aword{text[i:j], i > 1 && text[i-1] == '-' && isLetter(text[i-2])}, j
}

// aword is a word of a bio, and whether a hyphen joins it to the one
// before ("anti-fraud").
type aword struct {
	s      string
	hyphen bool
}

func (a aword) is(w string) bool { return len(a.s) == len(w) && strings.EqualFold(a.s, w) }

func isAny(a aword, list []string) bool {
	for _, w := range list {
		if a.is(w) {
			return true
		}
	}
	return false
}

// matches reports whether the rule makes a claim at w, with prev the words
// before it (the last one last) and after those after it.
func (r *adverseRule) matches(prev []aword, w aword, after []aword) bool {
	if len(r.next) > len(after) {
		return false
	}
	for i, n := range r.next {
		if !after[i].is(n) {
			return false
		}
	}
	after = after[len(r.next):]
	last := prev[len(prev)-1]
	if w.hyphen && isAny(last, r.notHyphen) || !w.hyphen && isAny(last, r.notBefore) {
		return false
	}
	if len(after) > 0 && (isAny(after[0], r.notAfter) || r.detAfter && isAny(after[0], determiners) && !isPassive(prev)) {
		return false
	}
	ok := (len(r.before) == 0 || isAny(last, r.before)) && (!r.passive || isPassive(prev))
	if len(r.within) == 0 {
		return ok
	}
	within := false
	for _, a := range after[:min(3, len(after))] {
		within = within || isAny(a, r.within)
	}
	if r.orWithin {
		return ok && (len(r.before) > 0 || r.passive) || within
	}
	return ok && within
}

var determiners = []string{"the", "a", "an", "its", "their", "this", "that", "his", "her"}

// isPassive reports whether a form of "be" or "get" ends prev, adverbs
// after it allowed: "was fired", "was later let go".
func isPassive(prev []aword) bool {
	for i := len(prev) - 1; i >= 0; i-- {
		var lb [24]byte
		if len(prev[i].s) > len(lb) {
			return false
		}
		w := string(lowerKey(lb[:0], prev[i].s))
		if beForms[w] {
			return true
		}
		if !passiveAdverbs[w] {
			return false
		}
	}
	return false
}

// hasClaim reports whether the profile makes the claim key: one of its
// words starts with one of key's stems or phrases.
func (f *facts) hasClaim(key string) bool {
	for k := range strings.SplitSeq(key, "|") {
		if hasWordAt(f.text(), k, false) {
			return true
		}
	}
	return false
}
