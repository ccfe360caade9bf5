package pii

import (
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// The benchmarks use only the API that the pseudonymiser has had from the
// start, so that they run on older versions for before/after figures.

// benchPlain is a typical profile: the README's, with a few entries.
const benchPlain = `{"user_id":"w-10423","profile":{"name":"Ada Okafor","pronouns":"she/her",
	"current_role":"Principal Data Engineer","company":"Northwind Health","location":"Lagos, Nigeria",
	"years_experience":12,"skills":["Go","Kafka","PostgreSQL","Terraform","ASP.NET"],
	"experience_summary":"Ada has built data platforms for health insurers since 2013, leading teams of 10-15 engineers.",
	"experience":[{"title":"Senior Data Engineer","company":"Contoso","start":"2015","end":"2020","summary":"Moved claims processing to streaming; cut costs by 40%."},
		{"title":"Data Engineer","company":"Fabrikam","start":"2012","end":"2015","summary":"Built the reporting warehouse."}],
	"achievements":["Cut claims processing time from 3 days to 4 hours","Raised $1,200,000 in savings in 2019"],
	"education":[{"school":"University of Lagos","degree":"BSc","field":"Computer Science","year":2011}],
	"certifications":["AWS Certified Data Engineer"],"languages":["English","Yoruba"]}}`

// benchContacts is the same profile with the name, contact details and
// the user id written into its texts.
const benchContacts = `{"user_id":"w-10423","profile":{"name":"Ada Ngozi Okafor","pronouns":"she/her",
	"current_role":"Principal Data Engineer","company":"Okafor Consulting","location":"Lagos, Nigeria (+234 803 123 4567)",
	"years_experience":12,"skills":["Go","Kafka","PostgreSQL","github.com/aokafor","ASP.NET"],
	"experience_summary":"Ms. Okafor (ada.okafor@contoso.com, linkedin.com/in/ada-okafor-4821) has built data platforms since 2013; employee W-10423.",
	"experience":[{"title":"Senior Data Engineer","company":"Contoso","start":"2015","end":"2020","summary":"Ngozi moved claims to streaming; call (415) 555-2671."},
		{"title":"Data Engineer","company":"Fabrikam","start":"2012","end":"2015","summary":"Built OKAFOR's reporting warehouse."}],
	"achievements":["The OKAFOR award for cutting claims time from 3 days to 4 hours","Raised $1,200,000 in savings in 2019"],
	"education":[{"school":"University of Lagos","degree":"BSc","field":"Computer Science","year":2011}],
	"certifications":["AWS Certified Data Engineer"],"languages":["English","Yoruba"]}}`

func BenchmarkPseudonymise(b *testing.B) {
	for _, bc := range []struct{ name, body string }{{"plain", benchPlain}, {"contacts", benchContacts}} {
		req, err := bio.Decode([]byte(bc.body))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Pseudonymise(req)
			}
		})
	}
}

func BenchmarkRestorer(b *testing.B) {
	req, err := bio.Decode([]byte(benchContacts))
	if err != nil {
		b.Fatal(err)
	}
	_, m, _ := Pseudonymise(req)
	answer := strings.Repeat(m.StandIn()+" builds data platforms at Contoso, where "+strings.Fields(m.StandIn())[0]+"'s team cut costs by 40%. ", 10)
	words := strings.SplitAfter(answer, " ")
	b.ReportAllocs()
	for b.Loop() {
		r := m.Restorer(func(string) {})
		for _, w := range words {
			r.Write(w)
		}
		r.Close()
	}
}
