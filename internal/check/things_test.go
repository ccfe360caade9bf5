package check

import (
	"strings"
	"testing"
)

// TestThingsAreNotPersons puts the names of companies, products, places,
// schools, certifications and awards that bios mention (many of them also
// given names: Chase, Morgan Stanley, Austin, Julia, Hilton, Emmy) into
// sentences a model writes, at a sentence's start and inside it: none may
// read as another person.
func TestThingsAreNotPersons(t *testing.T) {
	terms := strings.FieldsFunc(`
		AWS|Azure|Google Cloud|Kubernetes|Terraform|Salesforce|HubSpot|Tableau|Power BI|Snowflake|Databricks|Jira
		Confluence|Slack|Microsoft|Apple|Amazon|Meta|Netflix|Uber|Airbnb|Stripe|Shopify|Oracle|SAP|IBM|Deloitte
		Accenture|McKinsey|KPMG|PwC|EY|Goldman Sachs|Morgan Stanley|JPMorgan Chase|Wells Fargo|Bank of America|Citi
		HSBC|Barclays|London|Paris|Berlin|Tokyo|New York|San Francisco|Austin|Seattle|Boston|Chicago|Toronto|Sydney
		Dublin|Amsterdam|Singapore|Bangalore|Lagos|Nairobi|Harvard|Stanford|MIT|Oxford|Cambridge|Berkeley|Wharton
		INSEAD|PMP|CPA|CFA|Six Sigma|Scrum Master|Agile|Lean|ITIL|TOGAF|CISSP|Python|Java|JavaScript|TypeScript|Go
		Rust|Swift|Kotlin|Ruby on Rails|Django|Flask|React|Angular|Vue|Node.js|Spring Boot|Kafka|Spark|Hadoop|Airflow
		PostgreSQL|MySQL|MongoDB|Redis|Elasticsearch|Docker|Jenkins|GitHub|GitLab|Bitbucket|Figma|Sketch|Adobe
		Photoshop|Illustrator|InDesign|Excel|PowerPoint|Word|Outlook|Teams|Zoom|Workday|SuccessFactors|Greenhouse
		Lever|Marketo|Pardot|Google Analytics|Mixpanel|Amplitude|Segment|Looker|Fivetran|Forbes|TechCrunch|Wired|TEDx
		SXSW|Web Summit|Dreamforce|KubeCon|PyCon|GopherCon|Fortune 500|Women in Tech|Black Girls Code|Code for America
		Habitat for Humanity|Red Cross|UNICEF|NHS|Mayo Clinic|Cleveland Clinic|Johns Hopkins|Kaiser Permanente|Pfizer
		Moderna|Novartis|Roche|Bayer|Siemens|Bosch|BMW|Mercedes-Benz|Tesla|Ford|General Motors|Toyota|Honda|Boeing
		Airbus|Lockheed Martin|SpaceX|Blue Origin|NASA|Deutsche Bank|Allianz|Unilever|Nestle|Procter & Gamble
		Coca-Cola|PepsiCo|Nike|Adidas|Zara|H&M|IKEA|Walmart|Target|Costco|Home Depot|Lowe's|Best Buy|Macy's|Nordstrom
		Starbucks|McDonald's|Marriott|Hilton|Hyatt|Delta|United|American Airlines|Emirates|Lufthansa|Qantas|Verizon
		AT&T|T-Mobile|Vodafone|Orange|Telefonica|Cisco|Intel|AMD|Nvidia|Qualcomm|Samsung|Sony|LG|Huawei|Xiaomi|Alibaba
		Tencent|Baidu|Infosys|Wipro|Tata|Reliance|Mahindra|Jio|Flipkart|Paytm|Zomato|Swiggy|Ola|Grab|Gojek|Shopee
		Lazada|Rakuten|SoftBank|Toyota|Nintendo|Sega|Ubisoft|Electronic Arts|Activision|Blizzard|Epic Games|Unity
		Unreal Engine|Roblox|Discord|Twitch|Reddit|Pinterest|Snapchat|TikTok|ByteDance|LinkedIn|Twitter|Instagram
		WhatsApp|YouTube|Spotify|SoundCloud|Pandora|Hulu|Disney|Pixar|Marvel|Lucasfilm|Warner Bros|Paramount|Universal
		Sony Pictures|Lionsgate|HBO|Showtime|Peacock|Chase|Capital One|American Express|Visa|Mastercard|PayPal|Venmo
		Square|Block|Robinhood|Coinbase|Binance|Kraken|Revolut|Monzo|Chime|Klarna|Affirm|Plaid|Brex|Ramp|Mercury
		Rippling|Gusto|Deel|Remote|Oyster|Lattice|Culture Amp|15Five|BambooHR|Namely|Zenefits|Justworks|TriNet|ADP
		Paychex|Ceridian|Dayforce|UKG|Kronos|Cornerstone|Degreed|Udemy|Coursera|edX|Khan Academy|Duolingo|Chegg
		Quizlet|Grammarly|Notion|Airtable|Asana|Monday.com|ClickUp|Trello|Basecamp|Smartsheet|Miro|Lucidchart|Canva
		Loom|Calendly|DocuSign|Dropbox|Box|Evernote|Todoist|Sage|QuickBooks|Xero|NetSuite|Intuit|Trinity College
		Victoria University|Jordan Valley|Lincoln Center|Madison Square Garden|Sterling Bank|Crystal Reports|Summit
		Legacy|Liberty Mutual|Justice Department|Department of Justice|Hunter College|Carter Center|Franklin Templeton
		Marshall Plan|Fulbright|Rhodes Scholar|Chevening|Erasmus|Marie Curie Fellowship|Nobel Prize|Turing Award|Emmy
		Grammy|Tony Award|Oscar|Pulitzer|Peabody|Webby|Clio|Cannes Lions|Effie|D&AD|Red Dot|iF Design Award`, func(r rune) bool { return r == '|' || r == '\n' || r == '\t' })
	shapes := []string{
		"She has worked with %s on several projects.",
		"%s recognised her work in 2021.",
		"Her clients include %s and others.",
		"She joined %s as an engineer.",
		"She is certified in %s, which she uses daily.",
		"- %s migration lead",
		// Round 3: after the words that make a person of a name and a
		// surname that are words ("Mentored by Grant Hill").
		"She was hired by %s in 2019.",
		"- Sponsored by %s.",
		"She reported to %s leadership.",
	}
	for _, term := range terms {
		for _, sh := range shapes {
			if s := strings.Replace(sh, "%s", term, 1); otherPerson(s, []string{"Ada", "Okafor"}, func(string) bool { return false }) {
				t.Errorf("otherPerson(%q) = true; want false", s)
			}
		}
	}
}
