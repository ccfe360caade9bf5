// Package corpus makes synthetic, Workday-shaped bio requests and labelled
// pairs of them, for the tests and benchmarks that must run in a clone with
// nothing beside it. Everything it makes is fixed by a seed.
//
// Its functions are safe for concurrent use; each call has its own random
// source.
package corpus

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/biogen/biogen/internal/bio"
)

var (
	firstNames = []string{"Ada", "Bo", "Chiara", "Dmitri", "Ebere", "Farah", "Goran", "Hana", "Ines", "Jonas", "Kwame", "Lena",
		"Mateo", "Nadia", "Oren", "Priya", "Quentin", "Rosa", "Sven", "Tomás", "Uma", "Viktor", "Wen", "Yusuf", "Zofia"}
	lastNames = []string{"Okafor", "Lindqvist", "Rossi", "Petrov", "Nwosu", "Haddad", "Kovač", "Sato", "García", "Becker",
		"Mensah", "Fischer", "Silva", "Chen", "Levi", "Sharma", "Dubois", "Moreno", "Berg", "Nguyen", "Kowalczyk", "Adeyemi"}
	pronounSets = []string{"she/her", "he/him", "they/them", "", "she/her", "he/him"}
	roles       = []string{"Data Engineer", "Software Engineer", "Product Manager", "Account Executive", "Financial Analyst",
		"Marketing Manager", "Registered Nurse", "HR Business Partner", "Engineering Manager", "UX Designer", "Site Reliability Engineer"}
	seniority = []string{"Senior ", "", "Lead ", "Principal ", "Junior "}
	companies = []string{"Northwind Health", "Contoso", "Fabrikam", "Tailspin Toys", "Woodgrove Bank", "Adatum", "Litware",
		"Fourth Coffee", "Lucerne Publishing", "Trey Research", "Wingtip Toys", "Proseware"}
	places = []string{"Lagos, Nigeria", "Berlin, Germany", "Austin, TX", "Dublin, Ireland", "Reykjavík, Iceland", "São Paulo, Brazil",
		"Toronto, Canada", "Pune, India", "Melbourne, Australia", "Nairobi, Kenya", ""}
	skills = []string{"Go", "Kafka", "PostgreSQL", "Python", "Java", "Scala", "Rust", "Kubernetes", "Terraform", "SQL", "Figma",
		"Salesforce", "Tableau", "Financial modeling", "Negotiation", "Patient care", "C++", "C#", ".NET", "React", "CI/CD"}
	achievements = []string{
		"Cut claims processing time from %d days to %d hours",
		"Hired %d engineers and mentored %d of them to promotion",
		"Reduced cloud spend by $%d million a year",
		"Grew organic traffic by %d%% in %d months",
		"Led the migration of %d services with zero downtime",
		"Trained %d nurses in critical care across %d wards",
		"Closed the books in %d days instead of %d",
		"Opened the office in Iceland with %d staff",
		"Won %d enterprise accounts worth $%d million",
		"Built the on-call program that lowered paging volume by %d%%",
	}
	schools = []string{"University of Lagos", "TU Berlin", "Trinity College Dublin", "University of Texas", "IIT Bombay", "University of Nairobi"}
	degrees = []string{"BSc", "MSc", "BA", "MBA", "BEng", "PhD"}
	fields  = []string{"Computer Science", "Finance", "Nursing", "Marketing", "Electrical Engineering", "Psychology"}
	certs   = []string{"CKA", "PMP", "CPA", "CFA", "SHRM-SCP", "AWS Solutions Architect"}
	langs   = []string{"English", "Yoruba", "German", "Spanish", "French", "Hindi", "Swahili", "Portuguese"}
)

// Request returns the i-th synthetic request of seed: a profile with every
// field filled to a size that varies from one request to the next, and
// options that cycle through every combination.
func Request(seed uint64, i int) bio.Request {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	pick := func(l []string) string { return l[rng.IntN(len(l))] }
	some := func(l []string, n int) []string {
		out := []string{}
		for _, j := range rng.Perm(len(l))[:min(n, len(l))] {
			out = append(out, l[j])
		}
		return out
	}
	years := 2 + rng.IntN(25)
	role := pick(seniority) + pick(roles)
	company := pick(companies)
	p := bio.Profile{
		Name:            pick(firstNames) + " " + pick(lastNames),
		Pronouns:        pick(pronounSets),
		CurrentRole:     role,
		Company:         company,
		Location:        pick(places),
		YearsExperience: &years,
		ExperienceSummary: fmt.Sprintf("%d years in %s, most recently as %s at %s. Known for %s and clear communication.",
			years, strings.ToLower(pick(fields)), strings.ToLower(role), company, strings.ToLower(pick(skills))),
		Skills:         some(skills, 2+rng.IntN(5)),
		Certifications: some(certs, rng.IntN(3)),
		Languages:      some(langs, 1+rng.IntN(2)),
	}
	for _, a := range some(achievements, 1+rng.IntN(4)) {
		args := []any{2 + rng.IntN(40), 2 + rng.IntN(40)}
		p.Achievements = append(p.Achievements, fmt.Sprintf(a, args[:strings.Count(a, "%d")]...))
	}
	start := 2026 - years
	for j := 0; j < 1+rng.IntN(3); j++ {
		end := start + 1 + rng.IntN(4)
		e := bio.Experience{Title: pick(roles), Company: pick(companies), Start: fmt.Sprintf("%d-%02d", start, 1+rng.IntN(12)),
			Summary: fmt.Sprintf("Worked on %s for %d teams.", strings.ToLower(pick(skills)), 2+rng.IntN(9))}
		if end < 2026 {
			e.End = fmt.Sprint(end)
		}
		p.Experience = append(p.Experience, e)
		start = end
	}
	p.Education = []bio.Education{{School: pick(schools), Degree: pick(degrees), Field: pick(fields), Year: 2026 - years - 1}}
	o := bio.Options{
		Tone:        []bio.Tone{bio.ToneFormal, bio.ToneCasual}[i%2],
		Length:      []bio.Length{bio.LengthMedium, bio.LengthShort, bio.LengthLong}[i/2%3],
		Format:      []bio.Format{bio.FormatParagraph, bio.FormatBullets}[i/6%2],
		Perspective: []bio.Perspective{bio.PerspectiveThird, bio.PerspectiveFirst}[i/12%2],
		Language:    "en",
	}
	return bio.Request{UserID: fmt.Sprintf("w-%d-%d", seed, i), Profile: p, Options: o}
}

// Body returns r as a JSON request body.
func Body(r *bio.Request) []byte {
	b, err := json.Marshal(r)
	if err != nil {
		panic("corpus: cannot encode a request: " + err.Error()) // plain data: a bug
	}
	return b
}
