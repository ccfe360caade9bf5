package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// langProfile is the profile every bio of this file is about.
const langProfile = `"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer","company":"Northwind Health",
	"location":"Lagos","years_experience":12,"skills":["Go","Kafka","PostgreSQL"],"certifications":["CKA"],
	"achievements":["Cut claims processing time from 3 days to 4 hours"]`

// bios are short bios (50 to 80 words) of langProfile in several
// languages, written as a model would: the profile's names and terms kept
// as they are, the rest translated.
var bios = map[string]string{
	"en": "Ada Okafor is a Principal Data Engineer at Northwind Health in Lagos with 12 years of professional experience. " +
		"She designs data platforms for healthcare and works mostly with Go, Kafka and PostgreSQL. In her current role she cut " +
		"the processing time of insurance claims from 3 days to 4 hours. She holds the CKA certification, and colleagues value " +
		"her clear communication and her calm, practical approach to hard problems.",
	"de": "Ada Okafor ist Principal Data Engineer bei Northwind Health in Lagos und verfügt über 12 Jahre Berufserfahrung. " +
		"Sie entwickelt Datenplattformen für das Gesundheitswesen und arbeitet vor allem mit Go, Kafka und PostgreSQL. In ihrer " +
		"aktuellen Rolle hat sie die Bearbeitungszeit von Versicherungsfällen von 3 Tagen auf 4 Stunden verkürzt. Sie ist als " +
		"CKA zertifiziert und wird von ihren Kolleginnen und Kollegen für ihre klare Kommunikation und ihre ruhige, pragmatische Art geschätzt.",
	"fr": "Ada Okafor est Principal Data Engineer chez Northwind Health à Lagos et possède 12 ans d'expérience professionnelle. " +
		"Elle conçoit des plateformes de données pour le secteur de la santé et travaille principalement avec Go, Kafka et " +
		"PostgreSQL. Dans son poste actuel, elle a réduit le délai de traitement des demandes de remboursement de 3 jours à 4 " +
		"heures. Elle est titulaire de la certification CKA et ses collègues apprécient sa communication claire et son approche calme et pragmatique.",
	"es": "Ada Okafor es Principal Data Engineer en Northwind Health, en Lagos, y cuenta con 12 años de experiencia profesional. " +
		"Ella diseña plataformas de datos para el sector sanitario y trabaja sobre todo con Go, Kafka y PostgreSQL. En su puesto " +
		"actual redujo el tiempo de tramitación de las reclamaciones de 3 días a 4 horas. Tiene la certificación CKA y sus " +
		"colegas valoran su comunicación clara y su enfoque tranquilo y práctico ante los problemas difíciles.",
	"pt": "Ada Okafor é Principal Data Engineer na Northwind Health, em Lagos, e tem 12 anos de experiência profissional. Ela " +
		"projeta plataformas de dados para a área da saúde e trabalha principalmente com Go, Kafka e PostgreSQL. Na função atual, " +
		"reduziu o tempo de processamento de sinistros de 3 dias para 4 horas. Possui a certificação CKA, e os colegas valorizam " +
		"a sua comunicação clara e a sua abordagem calma e pragmática diante de problemas difíceis.",
	"it": "Ada Okafor è Principal Data Engineer presso Northwind Health a Lagos e vanta 12 anni di esperienza professionale. " +
		"Progetta piattaforme di dati per il settore sanitario e lavora soprattutto con Go, Kafka e PostgreSQL. Nel suo ruolo " +
		"attuale ha ridotto il tempo di gestione delle pratiche di rimborso da 3 giorni a 4 ore. È certificata CKA e i colleghi " +
		"apprezzano la sua comunicazione chiara e il suo approccio calmo e pragmatico ai problemi difficili.",
	"nl": "Ada Okafor is Principal Data Engineer bij Northwind Health in Lagos en heeft 12 jaar werkervaring. Ze bouwt " +
		"dataplatforms voor de zorgsector en werkt vooral met Go, Kafka en PostgreSQL. In haar huidige functie heeft ze de " +
		"doorlooptijd van declaraties teruggebracht van 3 dagen naar 4 uur. Ze is gecertificeerd als CKA en collega's waarderen " +
		"haar heldere communicatie en haar rustige, praktische aanpak. Ze laat graag zien hoe data een team sterker maakt.",
	"sv": "Ada Okafor är Principal Data Engineer på Northwind Health i Lagos och har 12 års yrkeserfarenhet. Hon bygger " +
		"dataplattformar för vården och arbetar främst med Go, Kafka och PostgreSQL. I sin nuvarande roll har hon kortat " +
		"handläggningstiden för ersättningsärenden från 3 dagar till 4 timmar. Hon är certifierad CKA och kollegorna uppskattar " +
		"hennes tydliga kommunikation och hennes lugna, praktiska sätt att lösa svåra problem.",
	"pl": "Ada Okafor jest Principal Data Engineer w firmie Northwind Health w Lagos i ma 12 lat doświadczenia zawodowego. " +
		"Projektuje platformy danych dla sektora ochrony zdrowia i pracuje głównie z Go, Kafka i PostgreSQL. Na obecnym " +
		"stanowisku skróciła czas obsługi roszczeń z 3 dni do 4 godzin. Posiada certyfikat CKA, a współpracownicy cenią jej " +
		"jasną komunikację oraz spokojne, praktyczne podejście do trudnych problemów.",
	"ru": "Ada Okafor — ведущий инженер данных в компании Northwind Health в Лагосе с опытом работы 12 лет. Она создаёт " +
		"платформы данных для здравоохранения и работает в основном с Go, Kafka и PostgreSQL. На нынешней должности она " +
		"сократила время обработки страховых заявок с 3 дней до 4 часов. У неё есть сертификат CKA, а коллеги ценят её ясную " +
		"коммуникацию и спокойный, практичный подход к сложным задачам.",
	"nb": "Ada Okafor er Principal Data Engineer i Northwind Health i Lagos og har 12 års yrkeserfaring. Hun utvikler " +
		"dataplattformer for helsesektoren og jobber hovedsakelig med Go, Kafka og PostgreSQL. I sin nåværende stilling har " +
		"hun redusert behandlingstiden for forsikringskrav fra 3 dager til 4 timer. Hun er sertifisert CKA, og kollegene " +
		"setter pris på hennes klare kommunikasjon og rolige, praktiske tilnærming til vanskelige problemer.",
	"da": "Ada Okafor er Principal Data Engineer hos Northwind Health i Lagos og har 12 års erhvervserfaring. Hun udvikler " +
		"dataplatforme til sundhedssektoren og arbejder primært med Go, Kafka og PostgreSQL. I sin nuværende stilling har " +
		"hun nedbragt sagsbehandlingstiden for forsikringskrav fra 3 dage til 4 timer. Hun er certificeret CKA, og kollegerne " +
		"sætter pris på hendes klare kommunikation og rolige, praktiske tilgang til svære problemer.",
	"uk": "Ada Okafor — провідна інженерка даних у компанії Northwind Health у Лагосі з 12 роками досвіду. Вона створює " +
		"платформи даних для охорони здоров'я і працює переважно з Go, Kafka та PostgreSQL. На нинішній посаді вона скоротила " +
		"час обробки страхових заяв із 3 днів до 4 годин. Має сертифікат CKA, а колеги цінують її чітку комунікацію та " +
		"спокійний, практичний підхід до складних завдань.",
	"ja": "Ada Okaforは、ラゴスにあるNorthwind HealthのPrincipal Data Engineerで、12年の実務経験を持っています。医療分野向けの" +
		"データ基盤を設計し、主にGo、Kafka、PostgreSQLを使って開発しています。現在の役職では、保険請求の処理時間を3日から4時間に" +
		"短縮しました。CKAの資格を持ち、同僚からは明快なコミュニケーションと落ち着いた実践的な仕事ぶりで信頼されています。",
	"zh": "Ada Okafor是Northwind Health的Principal Data Engineer，常驻拉各斯，拥有12年的专业经验。她为医疗行业设计数据平台，" +
		"主要使用Go、Kafka和PostgreSQL。在目前的职位上，她将理赔处理时间从3天缩短到4小时。她持有CKA认证，同事们欣赏她清晰的" +
		"沟通方式以及冷静务实的工作风格。",
}

func langRequest(t testing.TB, language string) *bio.Request {
	t.Helper()
	req, err := bio.Decode([]byte(`{"user_id":"u","profile":{` + langProfile + `},"options":{"length":"short","language":"` + language + `"}}`))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// verifyLang runs Verify on text as a short bio of langProfile in
// language, for a profile thick enough that a short text is too short.
func verifyLang(t testing.TB, language, text string) ([]string, []string, error) {
	t.Helper()
	return VerifyReasons(langRequest(t, language), text, func() bool { return false }, now)
}

// closeLanguages are pairs of languages so close that trigrams tell them
// apart only now and then: an answer in one for the other may pass, or be
// flagged, but whatlanggo is never sure enough to reject it.
var closeLanguages = map[[2]string]bool{{"nb", "da"}: true, {"da", "nb"}: true}

// TestLanguageMatrix checks every bio of bios against every language: it
// passes, unflagged, for its own and is rejected for any other (a close one
// is not), with a correction that names the language asked by name and by
// tag.
func TestLanguageMatrix(t *testing.T) {
	for asked := range bios {
		want, _ := bio.CheckedLanguage(asked)
		for written, text := range bios {
			flags, reasons, err := verifyLang(t, asked, text)
			if written == asked {
				if err != nil || len(flags) > 0 {
					t.Errorf("a %s bio for %s: got %v, %v; want it to pass unflagged", written, asked, reasons, err)
				}
				continue
			}
			if closeLanguages[[2]string{asked, written}] {
				if err != nil {
					t.Errorf("a %s bio for %s, a close language: got %v; want a pass, flagged or not", written, asked, err)
				}
				continue
			}
			e, ok := err.(*Error)
			if !ok || e.Problem != ProblemLanguage {
				t.Errorf("a %s bio for %s: got %v, %v; want %s", written, asked, reasons, err, ProblemLanguage)
				continue
			}
			if c := e.Correction(); !strings.Contains(c, "in "+want.Name+` (BCP 47 "`+asked+`")`) {
				t.Errorf("a %s bio for %s: the correction %q does not ask for %s", written, asked, c, want.Name)
			}
		}
	}
}

// TestLanguageNotFooled tries texts made to fool the language check, each
// with what the check must make of it: pass (no rejection and no language
// flag), caught (rejected or flagged language_unsure) or reject.
func TestLanguageNotFooled(t *testing.T) {
	const (
		pass = iota
		caught
		reject
	)
	fullWidth := strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' {
			return r - 'a' + 'ａ'
		}
		return r
	}, bios["en"])
	for _, tc := range []struct {
		name, language, text string
		want                 int
	}{
		{"English with foreign phrases", "en", "Ada Okafor is a Principal Data Engineer at Northwind Health in Lagos with 12 years of experience. Her " +
			"motto, borrowed from a mentor in Berlin, is Ordnung muss sein, and she brings a certain joie de vivre and a sense of " +
			"gezelligheid to every team. She works with Go, Kafka and PostgreSQL, cut claims processing from 3 days to 4 hours, " +
			"and holds the CKA. Colleagues call her work a tour de force of quiet, careful engineering.", pass},
		{"German full of English technical terms", "de", "Ada Okafor ist Principal Data Engineer bei Northwind Health in Lagos. " +
			"Seit 12 Jahren baut sie Data Pipelines, Stream Processing und Event Sourcing mit Go, Kafka und PostgreSQL, setzt auf " +
			"Continuous Delivery, Infrastructure as Code und Observability und hat die Bearbeitungszeit von Claims von 3 Tagen auf " +
			"4 Stunden gesenkt. Als CKA kennt sie Kubernetes, Service Meshes und Cloud Native Design aus der Praxis.", pass},
		{"German that names English things", "de", "Ada Okafor ist Principal Data Engineer bei Northwind Health in Lagos und hat " +
			"12 Jahre Erfahrung. Ihr Team nennt sich Claims Platform Squad, ihr Leitsatz lautet move fast and fix things. Sie " +
			"arbeitet mit Go, Kafka und PostgreSQL, hat die Bearbeitungszeit von Versicherungsfällen von 3 Tagen auf 4 Stunden " +
			"verkürzt und ist als CKA zertifiziert. Kolleginnen und Kollegen schätzen ihre ruhige, klare Art.", pass},
		{"Chinese full of English terms", "zh", "Ada Okafor是Northwind Health的Principal Data Engineer，拥有12年经验，擅长Data Pipeline、" +
			"Stream Processing和Event Sourcing，主要使用Go、Kafka和PostgreSQL。她将理赔处理时间从3天缩短到4小时，并持有CKA认证。同事们认为她沟通清晰、作风务实。", pass},
		{"Russian in Latin letters", "ru", "Ada Okafor rabotaet vedushchim inzhenerom dannykh v kompanii Northwind Health v Lagose " +
			"i imeet 12 let opyta. Ona sozdayot platformy dannykh dlya zdravookhraneniya i rabotayet s Go, Kafka i PostgreSQL. Ona " +
			"sokratila vremya obrabotki strakhovykh zayavok s 3 dney do 4 chasov i imeyet sertifikat CKA.", reject},
		{"English spelt in Cyrillic letters", "ru", "Ada Okafor из а принсипал дата инжинир эт Northwind Health ин Лагос уиз 12 " +
			"йирз оф экспириенс. Ши уоркс уиз Go, Kafka энд PostgreSQL, кат клеймз процессинг тайм фром 3 дейз ту 4 аурз энд " +
			"холдз зе CKA. Ши из ноун фор клир коммьюникейшн энд э калм, практикал апроуч ту хард проблемз.", reject},
		{"Japanese in romaji", "ja", "Ada Okafor wa, Lagos ni aru Northwind Health no Principal Data Engineer de, 12-nen no " +
			"jitsumu keiken o motte imasu. Iryou bunya muke no deeta kiban o sekkei shi, omo ni Go, Kafka, PostgreSQL o tsukatte " +
			"imasu. Hoken seikyuu no shori jikan o 3-ka kara 4-jikan ni tanshuku shimashita. CKA no shikaku o motte imasu.", reject},
		{"English, then German", "de", "Ada Okafor is a Principal Data Engineer at Northwind Health in Lagos with 12 years of " +
			"experience. She designs data platforms for healthcare and is known for calm, clear work. Sie arbeitet vor allem mit " +
			"Go, Kafka und PostgreSQL und hat die Bearbeitungszeit von Versicherungsfällen von 3 Tagen auf 4 Stunden verkürzt. " +
			"Sie ist als CKA zertifiziert und wird für ihre klare Art geschätzt.", caught},
		{"English, then Japanese", "ja", "Ada Okafor is a Principal Data Engineer at Northwind Health in Lagos with 12 years of " +
			"professional experience, designing data platforms for healthcare with Go, Kafka and PostgreSQL. 現在の役職では、" +
			"保険請求の処理時間を3日から4時間に短縮しました。CKAの資格を持ち、同僚から信頼されています。", reject},
		{"English split by zero-width spaces", "de", strings.ReplaceAll(bios["en"], "e", "e\u200b"), reject},
		{"English in full-width letters", "de", fullWidth, reject},
		{"German for Japanese, with the name in katakana too", "ja", bios["de"] + " (エイダ・オカフォー)", reject},
	} {
		_, reasons, err := verifyLang(t, tc.language, tc.text)
		rejected := isProblem(err, ProblemLanguage)
		unsure := slices.Contains(reasons, ReasonLanguageUnsure)
		var got int
		switch {
		case rejected:
			got = reject
		case unsure:
			got = caught
		case err != nil:
			t.Errorf("%s: rejected for another reason: %v", tc.name, err)
			continue
		}
		if got != tc.want && !(tc.want == caught && got == reject) {
			t.Errorf("%s (%s): got %v, %v; want %s", tc.name, tc.language, reasons, err, [...]string{"a pass", "a flag or a rejection", "a rejection"}[tc.want])
		}
	}
}

// thinRequest is a request for a short bio in language of a profile too
// thin for 50 words, whose bios are lists of the profile's values.
func thinRequest(t *testing.T, language string, format bio.Format) *bio.Request {
	t.Helper()
	req, err := bio.Decode([]byte(`{"user_id":"u","profile":{"name":"Ada Okafor","current_role":"Principal Data Engineer",` +
		`"company":"Northwind Health","skills":["Go","Kafka","PostgreSQL","Terraform","Airflow","dbt"]},` +
		`"options":{"length":"short","format":"` + string(format) + `","language":"` + language + `"}}`))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestLanguageShortOrNameHeavy: an answer of the profile's own values, with
// few words of its own, is never rejected for its language; in English it
// passes, in another language it is flagged for review (a list of the
// values), unless the few words it has read as that language, which they
// do only now and then.
func TestLanguageShortOrNameHeavy(t *testing.T) {
	const either = 2
	f := func(language string, format bio.Format, text string, review int) {
		t.Helper()
		_, reasons, err := VerifyReasons(thinRequest(t, language, format), text, func() bool { return true }, now)
		got := slices.Contains(reasons, ReasonLanguageUnsure)
		if err != nil || review != either && got != (review == 1) {
			t.Errorf("%s %q: got %v, %v; want no error and language_unsure %v", language, text, reasons, err, review == 1)
		}
	}
	list := "- Ada Okafor\n- Principal Data Engineer, Northwind Health\n- Go, Kafka, PostgreSQL, Terraform, Airflow, dbt"
	f("en", bio.FormatBullets, list, 0)
	f("de", bio.FormatBullets, list, 1)
	f("ja", bio.FormatBullets, list, 1)
	f("en", bio.FormatParagraph, "Ada Okafor is a Principal Data Engineer at Northwind Health, working with Go, Kafka, "+
		"PostgreSQL, Terraform, Airflow and dbt.", 0)
	f("de", bio.FormatParagraph, "Ada Okafor ist Principal Data Engineer bei Northwind Health. Sie arbeitet mit Go, Kafka, "+
		"PostgreSQL, Terraform, Airflow und dbt.", either)
	f("fr", bio.FormatParagraph, "Ada Okafor est Principal Data Engineer chez Northwind Health. Elle travaille avec Go, Kafka, "+
		"PostgreSQL, Terraform, Airflow et dbt.", either)
	f("es", bio.FormatParagraph, "Ada Okafor es Principal Data Engineer en Northwind Health. Trabaja con Go, Kafka, "+
		"PostgreSQL, Terraform, Airflow y dbt.", either)
}

// TestPronounsOtherLanguages: the English person and pronoun checks read
// English words, so they do not run on another language, where "sie",
// "elle" or "ella" are no English "she" and German "her" means "ago".
// The same in English is rejected: the check is there.
func TestPronounsOtherLanguages(t *testing.T) {
	profile := strings.Replace(langProfile, `"name":"Ada Okafor","pronouns":"she/her"`, `"name":"Jonas Weber","pronouns":"he/him"`, 1)
	for language, text := range map[string]string{
		"de": "Jonas Weber ist Principal Data Engineer bei Northwind Health in Lagos. Seine erste Stelle ist 12 Jahre her. " +
			"Er leitet ein Team von acht Ingenieurinnen; sie schätzen seine ruhige Art, und sie lernen viel von ihm. Er arbeitet " +
			"mit Go, Kafka und PostgreSQL und hat die Bearbeitungszeit von Versicherungsfällen von 3 Tagen auf 4 Stunden verkürzt. " +
			"Seine Kolleginnen sagen, sie könnten sich keinen besseren Mentor wünschen.",
		"fr": "Jonas Weber est Principal Data Engineer chez Northwind Health à Lagos et possède 12 ans d'expérience. Il dirige " +
			"une équipe de huit ingénieures : elles apprécient son calme, et elle progresse vite. Sa plateforme est robuste ; " +
			"elle traite les demandes de remboursement en 4 heures au lieu de 3 jours. Il travaille avec Go, Kafka et PostgreSQL, " +
			"et la direction dit qu'elle n'a jamais eu de meilleur mentor.",
		"es": "Jonas Weber es Principal Data Engineer en Northwind Health, en Lagos, y tiene 12 años de experiencia. Él dirige " +
			"un equipo de ocho ingenieras; ella, la jefa del área, dice que su trabajo es ejemplar. Su plataforma es sólida: ella " +
			"procesa las reclamaciones en 4 horas en lugar de 3 días. Trabaja con Go, Kafka y PostgreSQL, y sus compañeras dicen " +
			"que ellas aprenden mucho con él.",
		"en": "Jonas Weber is a Principal Data Engineer at Northwind Health in Lagos with 12 years of experience. She leads a " +
			"team of eight engineers, who value her calm. Her platform is solid: it handles claims in 4 hours instead of 3 days. " +
			"She works with Go, Kafka and PostgreSQL, and her colleagues say they learn a lot from her.",
	} {
		req, err := bio.Decode([]byte(`{"user_id":"u","profile":{` + profile + `},"options":{"length":"short","language":"` + language + `"}}`))
		if err != nil {
			t.Fatal(err)
		}
		_, reasons, err := VerifyReasons(req, text, func() bool { return true }, now)
		gate := Rejects(req)(text)
		if language == "en" {
			if !isProblem(err, ProblemPronouns) || !gate {
				t.Errorf("en: got %v, %v, stream held back %v; want %s, held back", reasons, err, gate, ProblemPronouns)
			}
			continue
		}
		if err != nil || slices.Contains(reasons, ReasonPronoun) || gate {
			t.Errorf("%s: got %v, %v, stream held back %v; want a pass", language, reasons, err, gate)
		}
	}
}

// TestOffensiveOtherLanguages: the offensive words are English; words of
// the list that are everyday words of another language ("hoe", how, in
// Dutch) are nothing there, and any other in another language is for a
// person to read, never a rejection (nor held back from a stream).
func TestOffensiveOtherLanguages(t *testing.T) {
	f := func(language, text string, review bool, problem Problem) {
		t.Helper()
		req := langRequest(t, language)
		_, reasons, err := VerifyReasons(req, text, func() bool { return true }, now)
		if problem != "" {
			if !isProblem(err, problem) {
				t.Errorf("%s %q: got %v, %v; want %s", language, text, reasons, err, problem)
			}
			return
		}
		if err != nil || slices.Contains(reasons, ReasonOffensive) != review || Rejects(req)(text) {
			t.Errorf("%s %q: got %v, %v; want no error, offensive %v, nothing held back", language, text, reasons, err, review)
		}
	}
	f("nl", bios["nl"], false, "") // "hoe"
	f("de", bios["de"]+" Ihr erstes Datenmodell war dick und unübersichtlich.", false, "")
	f("nb", bios["nb"]+" Hun brenner for sitt fag.", false, "")
	f("de", bios["de"]+" Ihr Vorgänger war ein idiot.", true, "")
	f("en", bios["en"]+" She showed them hoe it is done.", false, ProblemOffensive)
}

// TestUnspacedLength: a bio in a language written without spaces between
// words is measured in characters, since its words cannot be counted.
func TestUnspacedLength(t *testing.T) {
	thai := "Ada Okafor เป็นวิศวกรข้อมูลอาวุโสที่ Northwind Health ในเมืองลากอส มีประสบการณ์ทำงาน 12 ปี เธอออกแบบแพลตฟอร์มข้อมูล" +
		"สำหรับวงการสาธารณสุข และใช้ Go, Kafka และ PostgreSQL เป็นหลัก เธอลดเวลาดำเนินการเคลมประกันจาก 3 วันเหลือ 4 ชั่วโมง " +
		"และได้รับการรับรอง CKA เพื่อนร่วมงานชื่นชมการสื่อสารที่ชัดเจนและวิธีทำงานที่สงบและเป็นระบบ"
	for language, text := range map[string]string{"zh": bios["zh"], "ja": bios["ja"], "th": thai} {
		if n := bio.WordCount(text); n >= 50 {
			t.Fatalf("%s: %d words; want a bio that counting words would find too short", language, n)
		}
		if _, reasons, err := verifyLang(t, language, text); err != nil || len(reasons) > 0 {
			t.Errorf("%s: got %v, %v; want a pass", language, reasons, err)
		}
		_, _, err := verifyLang(t, language, strings.Repeat(text, 6))
		if e, ok := err.(*Error); !ok || e.Problem != ProblemTooLong || !strings.Contains(e.Detail, "characters") {
			t.Errorf("%s, six times over: got %v; want too_long in characters", language, err)
		}
	}
	_, _, err := verifyLang(t, "ja", "Ada Okaforはエンジニアです。")
	if e, ok := err.(*Error); !ok || e.Problem != ProblemTooShort || !strings.Contains(e.Detail, "characters") {
		t.Errorf("one sentence of Japanese: got %v; want too_short in characters", err)
	}
	f := func(text string, word, want int) {
		t.Helper()
		if got := charCount(text, word); got != want {
			t.Errorf("charCount(%q, %d) = %d; want %d", text, word, got, want)
		}
	}
	f("李伟是华为的工程师。", 2, 9)
	f("Kubernetes工程师，12年", 2, 2+3+2+1)
	f("เธอเป็นวิศวกร", 5, 11) // the vowel signs ็ and ิ are not counted
	f("", 2, 0)
}

// TestUncheckedLanguage: a language the check does not read is served
// flagged for review, as before the check; its length is read as for its
// script.
func TestUncheckedLanguage(t *testing.T) {
	text := "Ada Okafor ni Principal Data Engineer katika Northwind Health huko Lagos na ana uzoefu wa miaka 12. Anabuni " +
		"majukwaa ya data kwa sekta ya afya na anafanya kazi hasa na Go, Kafka na PostgreSQL. Katika nafasi yake ya sasa " +
		"alipunguza muda wa kushughulikia madai ya bima kutoka siku 3 hadi saa 4. Ana cheti cha CKA na wenzake wanathamini " +
		"mawasiliano yake wazi na mtazamo wake mtulivu."
	_, reasons, err := verifyLang(t, "sw", text)
	if err != nil || !slices.Equal(reasons, []string{ReasonLanguageUnchecked}) {
		t.Errorf("Swahili: got %v, %v; want %s only", reasons, err, ReasonLanguageUnchecked)
	}
	_, reasons, err = verifyLang(t, "yue", "Ada Okafor係Northwind Health嘅Principal Data Engineer，喺拉各斯工作，有12年經驗。佢主要用Go、Kafka同PostgreSQL，"+
		"將理賠處理時間由3日縮短到4個鐘，仲持有CKA認證。同事都好欣賞佢溝通清晰、做嘢踏實。")
	if err != nil || !slices.Equal(reasons, []string{ReasonLanguageUnchecked}) {
		t.Errorf("Cantonese: got %v, %v; want %s only, its length in characters", reasons, err, ReasonLanguageUnchecked)
	}
}

// TestNumbersOtherLanguages: numbers are facts in any language, written
// with the language's marks: "1.200.000" is the profile's "1,200,000";
// a number the profile does not hold is flagged as in English.
func TestNumbersOtherLanguages(t *testing.T) {
	profile := strings.Replace(langProfile, `"Cut claims processing time from 3 days to 4 hours"`,
		`"Cut claims processing time from 3 days to 4 hours","Grew revenue to 1,200,000 USD","Raised uptime to 99.95%"`, 1)
	req, err := bio.Decode([]byte(`{"user_id":"u","profile":{` + profile + `},"options":{"length":"short","language":"de"}}`))
	if err != nil {
		t.Fatal(err)
	}
	f := func(text string, unverified bool) {
		t.Helper()
		_, reasons, err := VerifyReasons(req, text, func() bool { return true }, now)
		if err != nil || slices.Contains(reasons, ReasonUnverified) != unverified {
			t.Errorf("%q: got %v, %v; want unverified_facts %v", text, reasons, err, unverified)
		}
	}
	de := func(revenue string) string {
		return "Ada Okafor ist Principal Data Engineer bei Northwind Health in Lagos und verfügt über 12 Jahre Berufserfahrung. " +
			"Sie arbeitet vor allem mit Go, Kafka und PostgreSQL und hat die Bearbeitungszeit von Versicherungsfällen von 3 Tagen " +
			"auf 4 Stunden verkürzt. Den Umsatz steigerte sie auf " + revenue + " USD, die Verfügbarkeit auf 99,95 %. Sie ist als " +
			"CKA zertifiziert und wird für ihre klare, ruhige Art geschätzt."
	}
	f(de("1.200.000"), false)
	f(de("1 200 000"), false)
	f(de("2.400.000"), true)
	f(strings.Replace(de("1.200.000"), "12 Jahre", "15 Jahre", 1), true)
}

// TestNamesAndScripts: Serbian passes in either of its scripts; a name
// written family name first, as Hungarian does, is the name; a name only
// transliterated (katakana) is not the profile's.
func TestNamesAndScripts(t *testing.T) {
	f := func(language, text string, want Problem) {
		t.Helper()
		_, reasons, err := verifyLang(t, language, text)
		if want == "" && (err != nil || len(reasons) > 0) || want != "" && !isProblem(err, want) {
			t.Errorf("%s %q: got %v, %v; want %q", language, text, reasons, err, want)
		}
	}
	f("sr", "Ada Okafor je glavni inženjer za podatke u kompaniji Northwind Health u Lagosu i ima 12 godina profesionalnog "+
		"iskustva. Ona projektuje platforme podataka za zdravstvo i radi uglavnom sa Go, Kafka i PostgreSQL. Na sadašnjoj "+
		"poziciji skratila je vreme obrade zahteva za osiguranje sa 3 dana na 4 sata. Ima sertifikat CKA, a kolege cene "+
		"njenu jasnu komunikaciju i smiren, praktičan pristup teškim problemima.", "")
	f("sr", "Ada Okafor је главни инжењер за податке у компанији Northwind Health у Лагосу и има 12 година професионалног "+
		"искуства. Она пројектује платформе података за здравство и ради углавном са Go, Kafka и PostgreSQL. На садашњој "+
		"позицији скратила је време обраде захтева за осигурање са 3 дана на 4 сата. Има сертификат CKA, а колеге цене "+
		"њену јасну комуникацију и смирен, практичан приступ тешким проблемима.", "")
	f("hu", "Okafor Ada vezető adatmérnök a lagosi Northwind Health cégnél, 12 év szakmai tapasztalattal. Adatplatformokat "+
		"tervez az egészségügy számára, és főként Go, Kafka és PostgreSQL eszközökkel dolgozik. Jelenlegi pozíciójában a "+
		"biztosítási igények feldolgozási idejét 3 napról 4 órára csökkentette. CKA tanúsítvánnyal rendelkezik, kollégái pedig "+
		"nagyra értékelik világos kommunikációját és higgadt, gyakorlatias hozzáállását.", "")
	f("ja", strings.ReplaceAll(bios["ja"], "Ada Okafor", "エイダ・オカフォー"), ProblemName)
}
