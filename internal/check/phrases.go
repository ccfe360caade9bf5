package check

import (
	"strings"
	"unicode"

	"github.com/biogen/biogen/internal/bio"
)

// titleAbbreviations are expanded in a bio's phrases and in the profile
// alike before they are compared, as the cache compares job titles ("Sr.
// Data Engineer" is "Senior Data Engineer"): only abbreviations with one
// reading.
var titleAbbreviations = map[string]string{
	"sr": "senior", "snr": "senior", "jr": "junior", "mgr": "manager", "svp": "senior vice president",
	"evp": "executive vice president", "dir": "director", "asst": "assistant", "mktg": "marketing",
	"mgmt": "management", "dept": "department", "intl": "international",
}

// makers are the names of the firms whose names come before their
// products: "Apache Kafka", "Amazon Redshift", "Microsoft Excel".
var makers = map[string]bool{"apache": true, "amazon": true, "aws": true, "microsoft": true, "ms": true, "google": true,
	"gcp": true, "azure": true, "ibm": true, "oracle": true, "adobe": true, "salesforce": true, "sap": true,
	"atlassian": true, "hashicorp": true, "confluent": true, "elastic": true, "cloudera": true, "autodesk": true}

// knownPhrase reports whether the profile holds ph, a run of capitalised
// words that it does not hold as written: with the abbreviations of titles
// expanded in both, and full-width, zero-width and apostrophe variants
// folded ("Sr. Data Engineer" for "Senior Data Engineer"); as the
// expansion of an acronym of the profile, or an acronym of a phrase of it
// ("Certified Kubernetes Administrator" for "CKA", "AWS" for "Amazon Web
// Services"); as a product of the profile after its maker's name ("Apache
// Kafka" for "Kafka"); or as the demonym of a place of the profile
// ("Nigerian" for "Nigeria").
func (f *evidence) knownPhrase(ph phrase) bool {
	f.readNorm()
	words := normWords(nil, ph.s)
	if len(words) == 0 || f.hasNormWords(words) {
		return true
	}
	if f.acronyms[initials(words)] || ph.lead != "" && f.acronyms[initials(normWords(words[:0:0], ph.lead+" "+ph.s))] {
		return true
	}
	if len(words) == 1 && f.acronyms["="+words[0]] {
		return true // "AWS" for "Amazon Web Services"
	}
	if len(words) > 1 && makers[words[0]] && f.hasNormWords(words[1:]) {
		return true
	}
	if len(words) == 1 {
		for _, place := range demonymPlaces(words[0]) {
			if f.hasNormWords([]string{place}) {
				return true
			}
		}
	}
	return false
}

// readNorm reads the profile's words, normalised as normWords does, and
// the acronyms it holds: each word in capitals ("CKA"), and "=" and the
// initials of each run of capitalised words ("=aws" for "Amazon Web
// Services").
func (f *evidence) readNorm() {
	if f.normRead {
		return
	}
	f.normRead = true
	f.acronyms = map[string]bool{}
	var b strings.Builder
	b.WriteByte(' ')
	f.p.EachText(func(_ bio.TextField, s *string) {
		text := bio.Fold(*s)
		for _, w := range normWords(nil, text) {
			b.WriteString(w)
			b.WriteByte(' ')
		}
		b.WriteString("| ")
		var run []string
		end := func() {
			if len(run) >= 2 {
				f.acronyms["="+initials(run)] = true
			}
			run = run[:0]
		}
		for field := range strings.FieldsSeq(text) {
			w := strings.TrimFunc(field, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			switch {
			case len(w) >= 2 && len(w) <= 8 && allCaps(w) && isASCII(w):
				f.acronyms[strings.ToLower(w)] = true
				end()
			case w != "" && unicode.IsUpper([]rune(w)[0]):
				run = append(run, strings.ToLower(w))
			case skipInitial[strings.ToLower(w)] && len(run) > 0:
				run = append(run, strings.ToLower(w))
			default:
				end()
			}
			if strings.ContainsAny(field[len(field)-1:], ",;:.()") {
				end()
			}
		}
		end()
	})
	f.norm = b.String()
}

// hasNormWords reports whether the profile holds words, in order, as
// whole words of one text.
func (f *evidence) hasNormWords(words []string) bool {
	return strings.Contains(f.norm, " "+strings.Join(words, " ")+" ")
}

// normWords appends the words of s, lower case, without diacritics, with
// the abbreviations of titles expanded, "&" read as "and", and every
// apostrophe written "'".
func normWords(dst []string, s string) []string {
	s = foldAccents(strings.ToLower(bio.Fold(s)))
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’' && r != '&'
	}) {
		w = strings.Trim(strings.ReplaceAll(w, "’", "'"), "'")
		switch x, ok := titleAbbreviations[w]; {
		case w == "":
		case w == "majesty's" || w == "majestys":
			// "Her Majesty's Revenue and Customs" is "HM Revenue & Customs".
			if n := len(dst); n > 0 && (dst[n-1] == "her" || dst[n-1] == "his") {
				dst = dst[:n-1]
			}
			dst = append(dst, "hm")
		case w == "&":
			dst = append(dst, "and")
		case ok:
			dst = append(dst, strings.Fields(x)...)
		default:
			dst = append(dst, w)
		}
	}
	return dst
}

// skipInitial are the small words an acronym leaves out: "Bank of America"
// is "BoA", "Procter & Gamble" "P&G".
var skipInitial = map[string]bool{"of": true, "and": true, "&": true, "the": true, "for": true, "in": true, "on": true}

// initials returns the first letters of words, but of skipInitial.
func initials(words []string) string {
	var b strings.Builder
	for _, w := range words {
		if !skipInitial[w] && w != "" {
			b.WriteString(w[:1])
		}
	}
	if b.Len() < 2 {
		return "\x00" // no acronym
	}
	return b.String()
}

// irregularDemonyms are the demonyms no suffix rule makes from the place.
var irregularDemonyms = map[string][]string{
	"french": {"france"}, "british": {"britain", "uk"}, "dutch": {"netherlands", "holland"}, "swiss": {"switzerland"},
	"welsh": {"wales"}, "irish": {"ireland"}, "scottish": {"scotland"}, "filipino": {"philippines"},
	"filipina": {"philippines"}, "greek": {"greece"}, "thai": {"thailand"}, "danish": {"denmark"}, "swedish": {"sweden"},
	"finnish": {"finland"}, "polish": {"poland"}, "turkish": {"turkey", "turkiye"}, "english": {"england"},
	"spanish": {"spain"}, "portuguese": {"portugal"}, "norwegian": {"norway"}, "peruvian": {"peru"},
	"lebanese": {"lebanon"}, "sudanese": {"sudan"}, "nepalese": {"nepal"}, "nepali": {"nepal"}, "texan": {"texas"},
	"londoner": {"london"},
}

// demonymPlaces returns the places whose demonym w (lower case) may be:
// "nigerian" gives "nigeria", "brazilian" "brazil", "italian" "italy",
// "japanese" "japan", "pakistani" "pakistan".
func demonymPlaces(w string) []string {
	if p, ok := irregularDemonyms[w]; ok {
		return p
	}
	var out []string
	cut := func(suffix string, add ...string) {
		if s, ok := strings.CutSuffix(w, suffix); ok && len(s) >= 3 {
			if len(add) == 0 {
				out = append(out, s)
			}
			for _, a := range add {
				out = append(out, s+a)
			}
		}
	}
	cut("n")              // nigerian, kenyan, american, australian
	cut("ian", "", "y")   // brazilian, egyptian; italian
	cut("dian", "da")     // canadian
	cut("an", "o", "a")   // mexican; korean, cuban
	cut("ese", "", "a")   // japanese, vietnamese; chinese
	cut("i")              // pakistani, israeli, bangladeshi
	cut("ean", "ea", "e") // chilean, guinean
	return out
}
