// Package canary generates an adversarial corpus of bio requests, each
// full of identifiers written the ways people and adversaries write them,
// and finds those identifiers in what left the premises. The pii package
// and the app's canary test send the corpus through pseudonymisation and
// assert that nothing of it leaks.
//
// It imports nothing of biogen's: the leak detector is an oracle written
// apart from the scrubber it judges.
package canary

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Case is one adversarial request.
type Case struct {
	// Tricks names the tricks the request holds, for failure messages.
	Tricks []string
	// Body is the request body, JSON.
	Body []byte
	// FullName is the profile's name, which the answer must carry.
	FullName string
	// Identifiers are the words that must not leave: each part of the
	// name, e-mail local parts, personal hosts, URL path segments that name
	// the person, the user id.
	Identifiers []string
	// Phones are the phone numbers' national digits, which must not appear
	// among the digits of anything sent.
	Phones []string
	// Controls are facts that look like identifiers but are not (date
	// ranges, amounts, percentages, ASP.NET): they must be sent.
	Controls []string
	// Facts are facts that are no English words or short numbers
	// ("Akka.NET", "01.03.2019 - 30.04.2021", "USD 1500000"): they may
	// leave as placeholders, but must come back in the answer restored.
	// The current role holds them, which every bio names.
	Facts []string
}

// person is a name and how it is written.
type person struct {
	name     string   // the name field
	parts    []string // the parts that identify the person, as written
	title    string   // "Ms.", "Dr.", ...
	pronouns string
	handle   string // a user name of the person: ASCII, 3 to 8 letters and digits
}

func (p person) first() string { return p.parts[0] }
func (p person) last() string  { return p.parts[len(p.parts)-1] }

// middle is a middle name, or the first half of a hyphenated surname.
func (p person) middle() string {
	if len(p.parts) > 2 {
		return p.parts[len(p.parts)-2]
	}
	return p.first()
}

// people hold every shape of name the corpus uses. No part is a word of the
// prompt's own text ("an", "will" would be), which the canary could not
// tell from a leak.
var people = []person{
	{"Ada Ngozi Okafor", []string{"Ada", "Ngozi", "Okafor"}, "Ms.", "she/her", "aokafor"},
	{"Zofia Babatunde-Kowalczyk", []string{"Zofia", "Babatunde", "Kowalczyk"}, "Ms.", "she/her", "zbk"},
	{"María José García-López", []string{"María", "José", "García", "López"}, "Dr.", "she/her", "mjgl"},
	{"Łukasz Wiśniewski", []string{"Łukasz", "Wiśniewski"}, "Mr.", "he/him", "lukwis"},
	{"Nguyễn Thị Hương", []string{"Nguyễn", "Thị", "Hương"}, "Ms.", "she/her", "nthuong"},
	{"Siobhán O'Brien", []string{"Siobhán", "O'Brien"}, "Dr.", "she/her", "sobrien"},
	{"Wiryawan", []string{"Wiryawan"}, "Mr.", "he/him", "wiry"},
	{"Will Grant", []string{"Will", "Grant"}, "Mr.", "he/him", "wgrant"},
	{"Dr. Priya Raghunathan", []string{"Priya", "Raghunathan"}, "Dr.", "she/her", "praghu"},
	{"Jean-Luc Moreau-Villeneuve", []string{"Jean", "Luc", "Moreau", "Villeneuve"}, "Mr.", "he/him", "jlmv"},
	{"Khalid bin Tariq Al Nuaimi", []string{"Khalid", "Tariq", "Nuaimi"}, "Mr.", "he/him", "knuaimi"},
	{"Maarten van der Sloot", []string{"Maarten", "Sloot"}, "Mr.", "he/him", "msloot"},
	{"Søren Østergaard", []string{"Søren", "Østergaard"}, "Mr.", "he/him", "soster"},
	{"Þóra Sigurðardóttir", []string{"Þóra", "Sigurðardóttir"}, "Ms.", "she/her", "thoras"},
	{"Aoife Ní Bhriain", []string{"Aoife", "Ní", "Bhriain"}, "Ms.", "she/her", "aoifenb"},
	{"Kwame Mensah-Bonsu", []string{"Kwame", "Mensah", "Bonsu"}, "Mr.", "he/him", "kmb"},
	{"Li Wei", []string{"Li", "Wei"}, "Mx.", "they/them", "liwei"},
	{"José Ángel Ñúñez", []string{"José", "Ángel", "Ñúñez"}, "Mr.", "he/him", "janunez"},
	{"D'Arcy McAllister", []string{"D'Arcy", "McAllister"}, "Mr.", "he/him", "dmcal"},
	{"Anneliese Schröder-Weiß", []string{"Anneliese", "Schröder", "Weiß"}, "Dr.", "she/her", "aschw"},
	{"Ingrid Hal\u200Bvorsen", []string{"Ingrid", "Halvorsen"}, "Ms.", "she/her", "ihalv"},
	{"Amélie Dubois", []string{"Amélie", "Dubois"}, "Mx.", "they/them", "adubois"},
	{"王秀英", []string{"王秀英"}, "Ms.", "she/her", "wxiuying"},
	{"김민수", []string{"김민수"}, "Mr.", "he/him", "kimminsu"},
	{"สมชาย ใจดี", []string{"สมชาย", "ใจดี"}, "Mr.", "he/him", "somchai"},
	// A Chinese and a Korean name written with a space: parts of one
	// character (A3).
	{"王 伟", []string{"王", "伟"}, "Mr.", "he/him", "wangw"},
	{"김 민수", []string{"김", "민수"}, "Ms.", "she/her", "kimms"},
	// Particles and titles that are parts of the name (A7).
	{"Rahul Das Sharma", []string{"Rahul", "Das", "Sharma"}, "Mr.", "he/him", "rdsharma"},
	{"Nguyen Van Anh", []string{"Nguyen", "Van", "Anh"}, "Mr.", "he/him", "nvanh"},
	{"Dame Folake Adeyemi", []string{"Dame", "Folake", "Adeyemi"}, "Ms.", "she/her", "fadeyemi"},
	{"Mikko Virtanen", []string{"Mikko", "Virtanen"}, "Mr.", "he/him", "mvirta"},
	// A name whose nickname is an English word (the third review).
	{"William Henry Gates", []string{"William", "Henry", "Gates"}, "Mr.", "he/him", "whgates"},
}

// nicknames are the other names people go by that are English words; a
// person without one goes by the first name.
var nicknames = map[string]string{"William Henry Gates": "Bill"}

func (p person) nick() string {
	if n, ok := nicknames[p.name]; ok {
		return n
	}
	return p.first()
}

// initials writes the first and last parts' initials with dots: "W. G.".
func (p person) initials() string {
	f, _ := utf8.DecodeRuneInString(p.first())
	l, _ := utf8.DecodeRuneInString(p.last())
	return string(f) + ". " + string(l) + "."
}

// phone is a phone number (or two) as written and national digits.
type phone struct {
	written string
	digits  []string
}

var phones = []phone{
	{"+44 20 7946 0958", []string{"2079460958"}},
	{"0044 20 7946 0958", []string{"2079460958"}},
	{"(415) 555-2671", []string{"4155552671"}},
	{"415.555.2671", []string{"4155552671"}},
	{"+1-415-555-2671", []string{"4155552671"}},
	{"030/1234567", []string{"301234567"}},
	{"+49 30/1234567", []string{"301234567"}},
	{"+49 (0)30 1234567", []string{"301234567"}},
	{"+234 803 123 4567", []string{"8031234567"}},
	{"+33 1 42 68 53 00", []string{"142685300"}},
	{"+91 98765 43210", []string{"9876543210"}},
	{"+61 2 9374 4000", []string{"293744000"}},
	{"+81 3-1234-5678", []string{"312345678"}},
	{"0161 496 0000", []string{"1614960000"}},
	{"+48 22 123 45 67", []string{"221234567"}},
	{"+353 1 234 5678", []string{"12345678"}},
	{"+44 20\u200B7946\u200C0958", []string{"2079460958"}},
	{"＋４４ ２０ ７９４６ ０９５８", []string{"2079460958"}},
	{"tel:+44.20.7946.0958", []string{"2079460958"}},
	{"+84 24 3825 3456", []string{"2438253456"}},
	{"0161 496 0000 / 0161 496 0001", []string{"1614960000", "1614960001"}},
	{"(415) 555-2671 %", []string{"4155552671"}},
	{"+44 20 7946 0958 2019", []string{"2079460958"}},
	// Separators and digits that folding leaves (A4).
	{"415–555–2671", []string{"4155552671"}},
	{"+44 20\u20117946\u20110958", []string{"2079460958"}},
	{"415\u2010555\u20102671", []string{"4155552671"}},
	{"415·555·2671", []string{"4155552671"}},
	{"415_555_2671", []string{"4155552671"}},
	{"415,555,2671", []string{"4155552671"}},
	{"[415] [555] [2671]", []string{"4155552671"}},
	{"٠٧٩٤٦٠٩٥٨٠", []string{"794609580"}},
	{"٤١٥٥٥٥٢٦٧١", []string{"4155552671"}},
	{"४१५५५५२६७१", []string{"4155552671"}},
	{"+44 2O 7946 O958", []string{"2079460958"}},
	{"four one five five five five two six seven one", []string{"4155552671"}},
	{"4 1 5 5 5 5 2 6 7 1", []string{"4155552671"}},
}

// controls look like contact details or names but are facts the bio needs.
var controls = []string{"2015-2020", "40%", "$1,200,000", "ASP.NET", "Node.js", "2019-2023", "€4.5M", "10-15"}

// facts are facts that are no English words or short numbers, which the
// detectors used to remove (A10): each case holds two in its current role.
var facts = []string{"B.Com", "M.Sc", "Akka.NET", "Infosys Pvt.Ltd", "ISBN 978-3-16-148410-0",
	"01.03.2019 - 30.04.2021", "2019.03.01-2020.04.30", "1000-2000 customers", "5000-10000 users",
	"2500000-3000000", "USD 1500000", "INR 25000000", "12500000 EUR", "1 200 000", "3400000 devices",
	"2019 2020 2021", "Math.NET", "Rx.NET", "Fly.io", "draw.io",
	// Words apart only by their case are two facts (third review).
	"40 MWh and 3 mWh", "Zqx and ZQX"}

// A snippet is a piece of text holding tricks.
type snippet struct {
	text   string
	tricks []string
	ids    []string
	phones []string
}

// gen writes one case.
type gen struct {
	r      *rand.Rand
	i      int
	p      person
	userID string
	host   string // the person's own domain
	phoneN int    // phone numbers written so far
	c      Case
}

// Tricks returns the name of every trick the corpus can use; a corpus of
// a few dozen cases should use them all.
func Tricks() []string {
	g := &gen{r: rand.New(rand.NewPCG(1, 2)), p: people[0], userID: "w-1", host: "h.dev"}
	var out []string
	for _, t := range nameTricks {
		out = append(out, t(g.p).tricks...)
	}
	for _, t := range contactTricks {
		if s := t(g); !strings.HasPrefix(s.tricks[0], "phone ") {
			out = append(out, s.tricks...)
		}
	}
	for _, ph := range phones {
		out = append(out, "phone "+ph.written)
	}
	return append(out, "language tag x-handle")
}

// Corpus returns n cases generated from seed; the same seed gives the same
// cases. Every trick is in at least one case when n >= 2*len(people).
func Corpus(seed uint64, n int) []Case {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make([]Case, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, one(r, i))
	}
	return out
}

func one(r *rand.Rand, i int) Case {
	g := &gen{r: r, i: i, p: people[i%len(people)]}
	g.userID = []string{"w-%05d", "EMP%06d", "emp_%05d", "hr:%05dx", "u%05d.okta"}[i%5]
	g.userID = fmt.Sprintf(g.userID, 10000+r.IntN(89999))
	g.host = g.p.handle + []string{".dev", ".io", ".me", "-cv.net"}[i%4]
	g.c.FullName = g.p.name
	g.c.Identifiers = append([]string{g.userID}, g.p.parts...)
	g.c.Controls = append([]string(nil), controls...)
	g.c.Facts = []string{facts[(2*i)%len(facts)], facts[(2*i+1)%len(facts)]}
	body := g.profile()
	g.c.Identifiers = unique(g.c.Identifiers)
	g.c.Phones = unique(g.c.Phones)
	g.c.Tricks = unique(g.c.Tricks)
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	g.c.Body = b
	return g.c
}

// use records a snippet's tricks and identifiers and returns its text.
func (g *gen) use(s snippet) string {
	g.c.Tricks = append(g.c.Tricks, s.tricks...)
	g.c.Identifiers = append(g.c.Identifiers, s.ids...)
	g.c.Phones = append(g.c.Phones, s.phones...)
	return s.text
}

// name returns a trick with the name, k-th of the kinds in turn.
func (g *gen) name(k int) string {
	return g.use(nameTricks[(g.i+k)%len(nameTricks)](g.p))
}

// contact returns a trick with a contact detail or the user id.
func (g *gen) contact(k int) string {
	return g.use(contactTricks[(g.i*3+k)%len(contactTricks)](g))
}

func (g *gen) profile() map[string]any {
	p, i := g.p, g.i
	y := 2000 + i%15
	lang := "en"
	if i%3 == 0 {
		lang = "de-x-" + p.handle // a private-use subtag carries the handle
	} else if i%3 == 1 {
		lang = "en-GB-x-" + p.handle
	}
	if i%3 != 2 {
		g.c.Tricks = append(g.c.Tricks, "language tag x-handle")
		g.c.Identifiers = append(g.c.Identifiers, p.handle)
	}
	return map[string]any{
		"user_id": g.userID,
		"profile": map[string]any{
			"name":             p.name,
			"pronouns":         p.pronouns + " (" + g.name(0) + ")",
			"current_role":     "Staff Engineer, " + g.name(1) + " Lab (" + g.c.Facts[0] + "; " + g.c.Facts[1] + ")",
			"company":          g.name(2) + " " + []string{"Consulting", "Holdings", "& Partners"}[i%3],
			"location":         "Lagos, Nigeria (" + g.contact(0) + "; mobile " + g.phoneAt(i) + ")",
			"years_experience": 12,
			"experience": []map[string]any{
				{"title": "Engineer to " + g.name(3), "company": g.name(4) + " Labs", "start": fmt.Sprint(y), "end": fmt.Sprint(y + 4),
					"summary": "Built billing from 2015-2020 with " + g.name(5) + "; reach " + g.contact(1) + " or " + g.contact(2) + "."},
				{"title": "Lead Engineer", "company": "Contoso", "start": fmt.Sprint(y + 4),
					"summary": "Grew revenue 40% to $1,200,000 and €4.5M; teams of 10-15; see " + g.contact(3) + "."},
			},
			"experience_summary": g.name(6) + " has led platform teams since 2019-2023. Contact: " + g.contact(4) + ", " +
				g.contact(5) + ", " + g.contact(6) + ". Mentored by " + g.name(7) + ".",
			"skills":         []string{"ASP.NET", "Node.js", "Go", g.name(8) + " method", g.contact(7)},
			"achievements":   []string{"The " + g.name(9) + " award (2021)", "Cut costs by 40% in 2015-2020 " + g.contact(8), g.name(10) + " led the migration"},
			"education":      []map[string]any{{"school": g.name(11) + " Memorial School", "degree": "MSc " + g.contact(9), "field": "Data (advisor " + g.name(12) + ")", "year": 2010}},
			"certifications": []string{"AWS SA, holder " + g.name(13), "PMP, verify " + g.contact(10)},
			"languages":      []string{"English", "Yoruba (taught by " + g.name(14) + ")"},
		},
		"options": map[string]any{"length": []string{"short", "long"}[i%2], "language": lang},
	}
}

// nameTricks write the name's parts.
var nameTricks = []func(p person) snippet{
	func(p person) snippet { return snippet{text: p.title + " " + p.last(), tricks: []string{"title"}} },
	func(p person) snippet { return snippet{text: p.last() + "'s", tricks: []string{"possessive"}} },
	func(p person) snippet {
		return snippet{text: strings.ToUpper(p.middle()), tricks: []string{"middle name all caps"}}
	},
	func(p person) snippet {
		return snippet{text: strings.ToLower(p.last()), tricks: []string{"lower case"}}
	},
	func(p person) snippet {
		return snippet{text: p.middle(), tricks: []string{"middle name / half of a hyphenated name"}}
	},
	func(p person) snippet {
		return snippet{text: zeroWidth(p.last()), tricks: []string{"zero-width space in a name"}}
	},
	func(p person) snippet {
		return snippet{text: fullWidth(p.first()), tricks: []string{"full-width name"}}
	},
	func(p person) snippet {
		return snippet{text: norm.NFD.String(p.last()), tricks: []string{"decomposed diacritics"}}
	},
	func(p person) snippet {
		return snippet{text: softHyphen(p.first()) + " " + p.last(), tricks: []string{"soft hyphen in a name"}}
	},
	func(p person) snippet {
		return snippet{text: strings.ToUpper(p.last()) + "'S", tricks: []string{"all caps possessive"}}
	},
	func(p person) snippet {
		j := strings.ReplaceAll(p.first()+p.last(), "'", "")
		if len(p.parts) == 1 {
			j = p.first()
		}
		return snippet{text: "@" + j, tricks: []string{"joined name handle"}, ids: []string{j}}
	},
	func(p person) snippet {
		return snippet{text: "the " + p.last() + "s", tricks: []string{"plural"}, ids: []string{p.last() + "s"}}
	},
	func(p person) snippet {
		return snippet{text: stripMarks(p.last()), tricks: []string{"diacritics dropped"}}
	},
	func(p person) snippet {
		return snippet{text: strings.ToUpper(p.title + " " + p.last()), tricks: []string{"all caps title"}}
	},
	func(p person) snippet {
		return snippet{text: p.first() + "\u2019s", tricks: []string{"typographic apostrophe"}}
	},
	func(p person) snippet {
		return snippet{text: strings.ToLower(p.first()) + "-led", tricks: []string{"hyphenated lower case"}}
	},
	func(p person) snippet { return snippet{text: p.name, tricks: []string{"full name"}} },
	func(p person) snippet {
		return snippet{text: addAccents(p.last()), tricks: []string{"diacritics added"}}
	},
	func(p person) snippet {
		return snippet{text: p.first() + "是工程师", tricks: []string{"name in Chinese text"}}
	},
	func(p person) snippet {
		return snippet{text: p.last() + "는", tricks: []string{"Korean particle joined"}}
	},
	func(p person) snippet {
		return snippet{text: strings.ToUpper(p.first()) + " " + strings.ToUpper(p.last()), tricks: []string{"all caps name"}}
	},
	// Parts inside longer words and handles (A6).
	func(p person) snippet {
		return snippet{text: latin(p.last()) + "Tech", tricks: []string{"name in a compound word"}}
	},
	func(p person) snippet {
		return snippet{text: strings.ToLower(latin(p.last())) + "83", tricks: []string{"name with digits"}}
	},
	func(p person) snippet {
		h := strings.ToLower(latin(p.middle()) + latin(p.last()))
		return snippet{text: "Twitter @" + h, tricks: []string{"handle of two parts"}, ids: []string{h}}
	},
	func(p person) snippet {
		r, _ := utf8.DecodeRuneInString(p.last())
		return snippet{text: p.first() + string(r), tricks: []string{"first name and initial joined"}}
	},
	func(p person) snippet {
		return snippet{text: latin(p.middle()) + latin(p.last()) + " Ltd", tricks: []string{"middle and last joined"}}
	},
	// Inflected, in other scripts, with look-alikes (A7).
	func(p person) snippet {
		return snippet{text: "Nagroda im. " + p.last() + "a", tricks: []string{"inflected name"}}
	},
	func(p person) snippet {
		c := cyrillic(p.first()) + " " + cyrillic(p.last())
		return snippet{text: "known as " + c, tricks: []string{"name in Cyrillic letters"}, ids: strings.Fields(c)}
	},
	func(p person) snippet {
		return snippet{text: lookAlike(p.last()), tricks: []string{"Cyrillic look-alike letters"}}
	},
	func(p person) snippet {
		return snippet{text: greek(strings.ToUpper(latin(p.last()))), tricks: []string{"Greek capitals"}}
	},
	func(p person) snippet {
		return snippet{text: smallCaps(strings.ToLower(latin(p.last()))), tricks: []string{"small capitals"}}
	},
	func(p person) snippet {
		return snippet{text: insertAfter(p.last(), 2, "\u20DD"), tricks: []string{"enclosing mark"}}
	},
	func(p person) snippet {
		return snippet{text: insertAfter(p.last(), 2, "-\n"), tricks: []string{"hyphen and line break"}}
	},
	func(p person) snippet {
		return snippet{text: spaced(strings.ToUpper(latin(p.last()))), tricks: []string{"spaced letters"}}
	},
	func(p person) snippet {
		l := leet(strings.ToLower(latin(p.last())))
		return snippet{text: l, tricks: []string{"digits for letters"}, ids: []string{l}}
	},
	func(p person) snippet {
		return snippet{text: strings.ReplaceAll(spaced(strings.ToUpper(latin(p.last()))), " ", ".") + ".", tricks: []string{"dotted letters"}}
	},
	// The initial before the surname (the third review): sent as the
	// stand-in's, whose initial the model writes back.
	func(p person) snippet {
		r, _ := utf8.DecodeRuneInString(p.first())
		return snippet{text: string(r) + ". " + p.last(), tricks: []string{"initial and surname"}}
	},
	// Another name that is an English word, and the initials dotted
	// (the third review).
	func(p person) snippet {
		return snippet{text: p.nick() + " to friends", tricks: []string{"nickname to friends"}, ids: []string{p.nick()}}
	},
	func(p person) snippet {
		return snippet{text: strings.ToUpper(p.nick() + " " + p.last()), tricks: []string{"nickname in capitals beside the surname"},
			ids: []string{p.nick()}}
	},
	func(p person) snippet {
		return snippet{text: "known as " + p.nick(), tricks: []string{"known as a nickname"}, ids: []string{p.nick()}}
	},
	func(p person) snippet {
		if len(p.parts) == 1 {
			return snippet{text: p.first(), tricks: []string{"initials dotted"}}
		}
		return snippet{text: "signed " + p.initials(), tricks: []string{"initials dotted"}, ids: []string{p.initials()}}
	},
	// Our own: the name in pieces of two letters.
	func(p person) snippet {
		return snippet{text: pieces(latin(p.last()), 2), tricks: []string{"name in pieces of two letters"}}
	},
}

// contactTricks write contact details and the user id.
var contactTricks = []func(g *gen) snippet{
	func(g *gen) snippet { return g.email(g.p.handle+"@contoso.com", "e-mail") },
	func(g *gen) snippet { return g.email(g.p.handle+"＠contoso．com", "e-mail full-width at and dot") },
	func(g *gen) snippet { return g.email(zeroWidth(g.p.handle)+"@con\u200Btoso.com", "e-mail zero-width") },
	func(g *gen) snippet { return g.email(g.p.handle+" [at] contoso [dot] com", "e-mail [at] [dot]") },
	func(g *gen) snippet { return g.email(g.p.handle+"(at)contoso(dot)com", "e-mail (at) (dot)") },
	func(g *gen) snippet { return g.email(strings.ToUpper(g.p.handle)+"@CONTOSO.COM", "e-mail all caps") },
	func(g *gen) snippet { return g.email("mailto:"+g.p.handle+"@contoso.com", "mailto") },
	func(g *gen) snippet { return g.email(g.p.handle+"+hr@mail.contoso.co.uk", "e-mail with tag") },
	func(g *gen) snippet {
		return g.url("linkedin.com/in/"+g.p.handle+"-4821", "linkedin without scheme", g.p.handle+"-4821")
	},
	func(g *gen) snippet { return g.url("github.com/"+g.p.handle, "github without scheme") },
	func(g *gen) snippet { return g.url(g.host, "personal domain", g.host) },
	func(g *gen) snippet { return g.url("https://www."+g.host+"/about?ref=cv", "https www query", g.host) },
	func(g *gen) snippet { return g.url(fullWidth("linkedin.com/in/"+g.p.handle), "full-width URL") },
	func(g *gen) snippet { return g.url("gitlab.com/"+g.p.handle+"/portfolio", "gitlab path") },
	func(g *gen) snippet { return g.url("HTTP://"+strings.ToUpper(g.host)+"/CV", "all caps URL", g.host) },
	func(g *gen) snippet { return g.url(zeroWidth(g.host), "zero-width in a host", g.host) },
	func(g *gen) snippet { return g.phone() },
	func(g *gen) snippet { return g.phone() },
	func(g *gen) snippet { return g.phone() },
	func(g *gen) snippet {
		return snippet{text: "employee " + mixedCase(g.userID), tricks: []string{"user id mixed case"}}
	},
	func(g *gen) snippet {
		return snippet{text: "ID:" + strings.ReplaceAll(g.userID, "-", "\u2011"), tricks: []string{"user id with a non-breaking hyphen"}}
	},
	func(g *gen) snippet {
		return snippet{text: "(" + strings.ToUpper(g.userID) + ")", tricks: []string{"user id in brackets"}}
	},
	// E-mail addresses spelled (A5).
	func(g *gen) snippet { return g.email(g.p.handle+" at gmail dot com", "e-mail at and dot in words") },
	func(g *gen) snippet { return g.email(g.p.handle+" AT contoso DOT com", "e-mail AT DOT") },
	func(g *gen) snippet { return g.email(g.p.handle+"88 at contoso.com", "e-mail at in words") },
	func(g *gen) snippet { return g.email(g.p.handle+"<at>contoso<dot>com", "e-mail <at> <dot>") },
	func(g *gen) snippet { return g.email(g.p.handle+" @ contoso . com", "e-mail spaced") },
	func(g *gen) snippet {
		return g.email("mail "+g.p.handle+"@contoso", "e-mail without a top-level domain")
	},
	func(g *gen) snippet { return g.email(g.p.handle+"@[10.0.0.7]", "e-mail to an address literal") },
	func(g *gen) snippet { return g.email(`"`+g.p.handle+`"@contoso.com`, "e-mail quoted") },
	func(g *gen) snippet { return g.email(g.p.handle+"%40contoso.com", "e-mail percent-encoded") },
	func(g *gen) snippet { return g.email(g.p.handle+"&#64;contoso.com", "e-mail HTML reference") },
	func(g *gen) snippet { return g.email(g.p.handle+"(work)@contoso.com", "e-mail with a comment") },
	func(g *gen) snippet { return g.email(g.p.handle+" arobase contoso point com", "e-mail arobase") },
	func(g *gen) snippet { return g.email("Slack @"+g.p.handle, "handle") },
	// URLs obfuscated (A8).
	func(g *gen) snippet { return g.url(strings.Replace(g.host, ".", "[.]", 1), "host with [.]", g.host) },
	func(g *gen) snippet { return g.url("linkedin[.]com/in/"+g.p.handle, "linkedin with [.]") },
	func(g *gen) snippet { return g.url("linkedin.com/in/ "+g.p.handle, "linkedin path with a space") },
	func(g *gen) snippet { return g.url(g.p.handle+" . dev", "host with a spaced dot") },
	func(g *gen) snippet { return g.url(g.p.handle+" dot dev", "host with dot in words") },
	func(g *gen) snippet { return g.url(g.p.handle+".internal/cv", "intranet host") },
	func(g *gen) snippet { return g.url(g.p.handle+".dеv", "host with a Cyrillic letter") },
	func(g *gen) snippet { return g.url(`linkedin.com\in\`+g.p.handle, "URL with backslashes") },
	func(g *gen) snippet { return g.url("LinkedIn: /in/"+g.p.handle, "profile path alone") },
	func(g *gen) snippet {
		return g.url("https%3A%2F%2Fwww.linkedin.com%2Fin%2F"+g.p.handle+"-4821", "percent-encoded URL", g.p.handle+"-4821")
	},
	// Our own: a handle in the spelling alphabet, regional indicators and
	// Braille.
	func(g *gen) snippet {
		return snippet{text: "call sign " + nato(g.p.handle), tricks: []string{"handle in the spelling alphabet"}, ids: []string{g.p.handle}}
	},
	func(g *gen) snippet {
		return snippet{text: "flag " + regional(g.p.handle), tricks: []string{"handle in regional indicators"}, ids: []string{g.p.handle}}
	},
	func(g *gen) snippet {
		return snippet{text: "tag " + brailleOf(g.p.handle), tricks: []string{"handle in Braille"}, ids: []string{lettersOf(g.p.handle)}}
	},
	// Hosts with other dots and handles without "@" (the third review):
	// words of English, which the second layer lets out one by one.
	func(g *gen) snippet {
		return words("site penguin。io", "host with an ideographic full stop", "penguin")
	},
	func(g *gen) snippet {
		return words("blog lantern｡dev", "host with a halfwidth ideographic full stop", "lantern")
	},
	func(g *gen) snippet {
		return words("linkedin。com/in/harbour-lights", "linkedin with an ideographic full stop", "harbour-lights")
	},
	func(g *gen) snippet { return words("Blog meadow DOT io", "host with DOT in capitals", "meadow") },
	func(g *gen) snippet { return words("Site bramble • io", "host with a spaced bullet", "bramble") },
	func(g *gen) snippet {
		return words("Handle @ purple_falcon", "handle with a space after @", "purple_falcon")
	},
	func(g *gen) snippet {
		return words("GitHub: copper-kettle", "handle after a platform's name", "copper-kettle")
	},
	func(g *gen) snippet {
		return words("X (Twitter): silver_otter", "handle after X (Twitter)", "silver_otter")
	},
	func(g *gen) snippet {
		return words("Skype: amber.walrus", "handle with dots after Skype", "amber.walrus")
	},
	func(g *gen) snippet {
		return words("known on GitHub as velvet-moth", "handle after on GitHub as", "velvet-moth")
	},
	func(g *gen) snippet {
		return words("write to amber.lynx at gmail", "e-mail at a mail service without its domain", "amber.lynx")
	},
	// The user id in other spellings (A9).
	func(g *gen) snippet {
		return snippet{text: "HR number " + respell(g.userID, "-"), tricks: []string{"user id with other separators"}}
	},
	func(g *gen) snippet {
		return snippet{text: "staff no. " + respell(g.userID, " "), tricks: []string{"user id with spaces"}}
	},
	func(g *gen) snippet {
		return snippet{text: "number " + idNumber(g.userID), tricks: []string{"user id's number alone"}, ids: []string{idNumber(g.userID)}}
	},
}

// words is a snippet of one trick whose identifiers are English words.
func words(text, trick string, ids ...string) snippet {
	return snippet{text: text, tricks: []string{trick}, ids: ids}
}

func (g *gen) email(text, trick string) snippet {
	return snippet{text: text, tricks: []string{trick}, ids: []string{g.p.handle}}
}

func (g *gen) url(text, trick string, ids ...string) snippet {
	return snippet{text: text, tricks: []string{trick}, ids: append(ids, g.p.handle)}
}

// phoneAt returns the i-th phone number of phones, in turn, so that every
// one is in a corpus of len(phones) cases or more.
func (g *gen) phoneAt(i int) string {
	ph := phones[i%len(phones)]
	return g.use(snippet{text: ph.written, tricks: []string{"phone " + ph.written}, phones: ph.digits})
}

func (g *gen) phone() snippet {
	ph := phones[(g.i*5+g.phoneN)%len(phones)] // in turn, so that every one is used
	g.phoneN++
	return snippet{text: "tel. " + ph.written, tricks: []string{"phone " + ph.written}, phones: ph.digits}
}

func unique(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// addAccents puts an acute accent on every vowel of s that has none.
func addAccents(s string) string {
	return norm.NFC.String(accentRE.ReplaceAllString(s, "$0\u0301"))
}

var accentRE = regexp.MustCompile(`[aeiouAEIOU]`)

// zeroWidth puts a zero-width space after the second letter of s.
func zeroWidth(s string) string {
	_, a := utf8.DecodeRuneInString(s)
	_, b := utf8.DecodeRuneInString(s[a:])
	return s[:a+b] + "\u200B" + s[a+b:]
}

// softHyphen puts a soft hyphen after the second letter of s.
func softHyphen(s string) string {
	_, a := utf8.DecodeRuneInString(s)
	_, b := utf8.DecodeRuneInString(s[a:])
	return s[:a+b] + "\u00AD" + s[a+b:]
}

// fullWidth writes the printable ASCII of s in full-width forms.
func fullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7F {
			return r - 0x21 + 0xFF01
		}
		return r
	}, s)
}

// mixedCase alternates the case of s's letters.
func mixedCase(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i%2 == 0 {
			b.WriteString(strings.ToUpper(string(r)))
		} else {
			b.WriteString(strings.ToLower(string(r)))
		}
	}
	return b.String()
}

// latin returns s without diacritics, its strokes as letters: the ASCII
// form a user name is written in ("Łukasz" gives "Lukasz").
func latin(s string) string {
	s = norm.NFD.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) || r == '\'' {
			return -1
		}
		return r
	}, s)
	return strings.NewReplacer("ł", "l", "Ł", "L", "ø", "o", "Ø", "O", "ß", "ss", "þ", "th", "Þ", "Th", "ð", "d", "æ", "ae").Replace(norm.NFC.String(s))
}

// cyrillic transliterates the Latin letters of s into Cyrillic ones, as
// a name is written in Russian ("Okafor" gives "Окафор").
func cyrillic(s string) string {
	tr := map[rune]string{'a': "а", 'b': "б", 'c': "к", 'd': "д", 'e': "е", 'f': "ф", 'g': "г", 'h': "х", 'i': "и",
		'j': "дж", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'q': "к", 'r': "р", 's': "с",
		't': "т", 'u': "у", 'v': "в", 'w': "в", 'x': "кс", 'y': "й", 'z': "з"}
	var b strings.Builder
	for i, r := range strings.ToLower(latin(s)) {
		c, ok := tr[r]
		if !ok {
			b.WriteRune(r)
			continue
		}
		if i == 0 {
			c = strings.ToUpper(c)
		}
		b.WriteString(c)
	}
	return b.String()
}

// lookAlike writes the letters of s that have a Cyrillic look-alike with
// it: "Okafor" gives "Оkаfоr", which prints the same.
func lookAlike(s string) string {
	return strings.NewReplacer("a", "а", "e", "е", "o", "о", "c", "с", "p", "р", "x", "х", "y", "у", "O", "О", "A", "А",
		"E", "Е", "C", "С", "P", "Р", "K", "К", "M", "М", "T", "Т", "H", "Н").Replace(s)
}

// greek writes the capitals of s that have a Greek look-alike with it.
func greek(s string) string {
	return strings.NewReplacer("A", "Α", "B", "Β", "E", "Ε", "Z", "Ζ", "H", "Η", "I", "Ι", "K", "Κ", "M", "Μ", "N", "Ν",
		"O", "Ο", "P", "Ρ", "T", "Τ", "Y", "Υ", "X", "Χ").Replace(s)
}

// smallCaps writes the lower-case letters of s as small capitals.
func smallCaps(s string) string {
	return strings.NewReplacer("a", "ᴀ", "b", "ʙ", "c", "ᴄ", "d", "ᴅ", "e", "ᴇ", "f", "ꜰ", "g", "ɢ", "h", "ʜ", "i", "ɪ",
		"j", "ᴊ", "k", "ᴋ", "l", "ʟ", "m", "ᴍ", "n", "ɴ", "o", "ᴏ", "p", "ᴘ", "r", "ʀ", "s", "ꜱ", "t", "ᴛ", "u", "ᴜ",
		"v", "ᴠ", "w", "ᴡ", "y", "ʏ", "z", "ᴢ").Replace(s)
}

// insertAfter puts ins after the n-th rune of s.
func insertAfter(s string, n int, ins string) string {
	i := 0
	for k := 0; k < n && i < len(s); k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + ins + s[i:]
}

// spaced writes the letters of s apart: "OKAFOR" gives "O K A F O R".
func spaced(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// leet writes o, i, e, a of s as 0, 1, 3, 4.
func leet(s string) string {
	return strings.NewReplacer("o", "0", "i", "1", "e", "3", "a", "4").Replace(s)
}

// respell writes a user id's letters and digits with sep between each run
// of letters and of digits: "w-10423" gives "w 10423", "u12345.okta"
// "u 12345 okta".
func respell(id, sep string) string {
	var runs []string
	cur := ""
	kind := 0
	for _, r := range id {
		k := 0
		switch {
		case unicode.IsDigit(r):
			k = 1
		case unicode.IsLetter(r):
			k = 2
		}
		if k != kind && cur != "" {
			runs = append(runs, cur)
			cur = ""
		}
		kind = k
		if k != 0 {
			cur += string(r)
		}
	}
	if cur != "" {
		runs = append(runs, cur)
	}
	return strings.ToUpper(strings.Join(runs, sep))
}

// idNumber returns the longest run of digits of a user id.
func idNumber(id string) string {
	best := ""
	for _, f := range strings.FieldsFunc(id, func(r rune) bool { return !unicode.IsDigit(r) }) {
		if len(f) > len(best) {
			best = f
		}
	}
	return best
}

// pieces writes s in pieces of n runes apart by spaces: "Okafor" gives
// "Ok af or".
func pieces(s string, n int) string {
	rs := []rune(s)
	var out []string
	for i := 0; i < len(rs); i += n {
		out = append(out, string(rs[i:min(i+n, len(rs))]))
	}
	return strings.Join(out, " ")
}

// nato spells s in the spelling alphabet, digits as words.
func nato(s string) string {
	words := strings.Fields(`alfa bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike
		november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu`)
	digits := strings.Fields("zero one two three four five six seven eight nine")
	var out []string
	for _, r := range strings.ToLower(s) {
		switch {
		case 'a' <= r && r <= 'z':
			out = append(out, words[r-'a'])
		case '0' <= r && r <= '9':
			out = append(out, digits[r-'0'])
		}
	}
	return strings.Join(out, " ")
}

// regional writes the letters of s as regional indicators.
func regional(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' {
			b.WriteRune(0x1F1E6 + r - 'a')
		}
	}
	return b.String()
}

// brailleOf writes the letters of s in Braille.
func brailleOf(s string) string {
	cells := []rune("⠁⠃⠉⠙⠑⠋⠛⠓⠊⠚⠅⠇⠍⠝⠕⠏⠟⠗⠎⠞⠥⠧⠺⠭⠽⠵")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if 'a' <= r && r <= 'z' {
			b.WriteRune(cells[r-'a'])
		}
	}
	return b.String()
}

// lettersOf returns the letters of s.
func lettersOf(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) {
			return r
		}
		return -1
	}, s)
}
