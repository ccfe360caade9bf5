package pii

import "strings"

// everydayTerms are words of everyday and technical English that bios
// write and the lexicon's list lacks (it is made of older word lists):
// sent as placeholders, they made the model read "Write the Term4 again"
// and "a Term7 of the Term9 programme". They join knownTerms; none
// identifies a person. Base forms: knownTerm reads the usual endings.
const everydayTerms = `
	bio app alumni alum alumnus alumna alumnae firewall placeholder website webpage online offline email inbox
	podcast webinar vlog vlogger youtuber livestream hashtag retweet blogpost ebook audiobook newsletter
	startup scaleup unicorn backend frontend fullstack middleware microservice monolith dataset datastore
	metadata datacenter datacentre dataflow workflow workload toolchain toolkit plugin runtime realtime
	chatbot smartphone smartwatch wearable iphone ipad wifi bluetooth lte broadband chipset semiconductor
	microcontroller firmware robotics mechatronics lidar nanotech
	cybersecurity cyber malware ransomware phishing blockchain cryptocurrency crypto intranet extranet
	login logout signup username download upload hackathon bootcamp coursework internship postdoc
	postdoctoral undergrad grad panelist panellist cofounder coauthor preprint coworker oncall async
	mentee mentorship onboard onboarding offboarding upskilling reskilling stakeholder roadmap lifecycle
	timeline headcount scalable scalability usability interoperability observability telemetry latency
	uptime downtime opensource codebase repo deploy deployment containerised containerized
	containerisation containerization virtualisation virtualization serverless multicloud hyperscale
	hyperscaler hyper webapp dev devs ops infra sysadmin netops secops gitops finops aiops llmops dataops
	refactor refactoring unittest benchmark debug debugging geospatial geolocation ecommerce spam
	insurtech proptech regtech medtech agritech cleantech legaltech martech adtech govtech
	biotech biotechnology biomedical biomed pharma genomics proteomics bioinformatics neuroscience
	epidemiology biostatistics biostatistician econometrics actuarial sustainability decarbonisation
	decarbonization photovoltaic esg covid pandemic multidisciplinary interdisciplinary
	copywriting copywriter copyedit copyediting proofreading wireframe mockup bestselling bestseller
	generalist prioritise prioritize centric centred centered fundraising fundraiser powerpoint chatgpt genai gpt bert classifier pretrained finetune
	finetuning finetuned vectorstore
	megabit gigabit terabit megabyte gigabyte terabyte petabyte exabyte kbps mbps gbps tbps
	wh kwh mwh gwh twh hz khz mhz ghz
	pytorch tensorflow keras numpy scipy jupyter matplotlib grafana prometheus splunk datadog salesforce
	hubspot sharepoint photoshop autocad solidworks matlab simulink spss stata scikit istio openshift vmware
	ubuntu debian centos redhat rhel substack
	neurips icml iclr cvpr acl emnlp kdd sigmod vldb`

// britishWord reports whether w, in lower case, is an English word in its
// British spelling that the lexicon lists in the American one:
// "organisation", "optimise", "centre", "labour", "programme",
// "modelling".
func britishWord(w string) bool {
	if len(w) < 5 {
		return false
	}
	for _, r := range [...][2]string{{"isation", "ization"}, {"isations", "izations"}, {"ise", "ize"}, {"ised", "ized"},
		{"ises", "izes"}, {"ising", "izing"}, {"iser", "izer"}, {"isers", "izers"}, {"tre", "ter"}, {"tres", "ters"},
		{"our", "or"}, {"ours", "ors"}, {"ourable", "orable"}, {"ogue", "og"}, {"ogues", "ogs"}, {"mme", "m"},
		{"mmes", "ms"}, {"lling", "ling"}, {"lled", "led"}, {"ller", "ler"}, {"llers", "lers"}, {"ence", "ense"}} {
		if strings.HasSuffix(w, r[0]) && len(w) > len(r[0])+2 && isDictWord(w[:len(w)-len(r[0])]+r[1]) {
			return true
		}
	}
	return false
}
