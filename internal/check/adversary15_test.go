package check

import (
	"testing"
)

// TestAdversary15MixedSentences: an answer that alternates the language
// asked and English sentence by sentence is half English. Each half of it
// reads as the language asked, so the check by halves missed it: it must
// be rejected (or at least flagged), never pass unflagged.
func TestAdversary15MixedSentences(t *testing.T) {
	for _, tc := range []struct{ name, lang, text string }{
		{"es/en for es", "es", "Ada Okafor es Principal Data Engineer en Northwind Health, en Lagos. She designs data platforms for healthcare and works mostly with Go, Kafka and PostgreSQL. En su puesto actual redujo el tiempo de tramitación de las reclamaciones de 3 días a 4 horas. She holds the CKA certification, and colleagues value her clear communication. Sus colegas valoran su enfoque tranquilo y práctico ante los problemas difíciles. She is calm and practical."},
		{"de/en for de", "de", "Ada Okafor ist Principal Data Engineer bei Northwind Health in Lagos. She designs data platforms for healthcare and works mostly with Go, Kafka and PostgreSQL. In ihrer aktuellen Rolle hat sie die Bearbeitungszeit von Versicherungsfällen von 3 Tagen auf 4 Stunden verkürzt. She holds the CKA certification, and colleagues value her clear communication. Sie wird für ihre ruhige, pragmatische Art geschätzt. She is calm and practical."},
		{"ru/en for ru", "ru", "Ada Okafor — ведущий инженер данных в компании Northwind Health в Лагосе с опытом работы 12 лет. She designs data platforms for healthcare and works mostly with Go, Kafka and PostgreSQL. На нынешней должности она сократила время обработки страховых заявок с 3 дней до 4 часов. She holds the CKA certification, and colleagues value her clear communication and her calm approach. Коллеги ценят её ясную коммуникацию и спокойный, практичный подход."},
	} {
		flags, reasons, err := verifyLang(t, tc.lang, tc.text)
		if err == nil && len(flags) == 0 {
			t.Errorf("%s: half of it English, sentence by sentence: passed unflagged (%v)", tc.name, reasons)
		}
	}
}

// TestAdversary15Passes: bios in the language asked, with many English
// technical terms, long compounds, anglicisms, and tags with a region or
// a script, pass unflagged: a false rejection costs a second generation
// and maybe a template bio.
func TestAdversary15Passes(t *testing.T) {
	for _, tc := range []struct{ name, lang, text string }{
		{"es tech", "es", "Ada Okafor es Principal Data Engineer en Northwind Health. Lidera el equipo de Platform Engineering y diseña data pipelines, event streaming y feature stores para machine learning con Go, Kafka y PostgreSQL. Ha impulsado prácticas de DevOps, CI/CD, observability e Infrastructure as Code, y redujo el tiempo de los claims de 3 días a 4 horas. Como CKA, gestiona clusters de Kubernetes on-premise y en la cloud, y hace mentoring a los juniors del squad de backend."},
		{"pt-BR tech", "pt-BR", "Ada Okafor é Principal Data Engineer na Northwind Health. Ela lidera o time de Platform Engineering e cria data pipelines, event streaming e feature stores para machine learning com Go, Kafka e PostgreSQL. Já implantou práticas de DevOps, CI/CD, observability e Infrastructure as Code, e reduziu o tempo dos claims de 3 dias para 4 horas. Como CKA, cuida de clusters Kubernetes on-premise e na cloud, e faz mentoring dos devs juniores do squad de backend."},
		{"it tech", "it", "Ada Okafor è Principal Data Engineer in Northwind Health. Guida il team di Platform Engineering e progetta data pipeline, event streaming e feature store per il machine learning con Go, Kafka e PostgreSQL. Ha introdotto pratiche di DevOps, CI/CD, observability e Infrastructure as Code, e ha ridotto il tempo dei claim da 3 giorni a 4 ore. Come CKA gestisce cluster Kubernetes on-premise e in cloud, e fa mentoring ai developer junior del team backend."},
		{"de compounds", "de", "Ada Okafor ist Principal Data Engineer bei Northwind Health. Als Datenplattformverantwortliche steuert sie die Versicherungsleistungsabrechnungsprozesse, verantwortet die Qualitätssicherungsmaßnahmen und die Informationssicherheitsrichtlinien und hat die Schadenbearbeitungsdurchlaufzeit von 3 Tagen auf 4 Stunden verkürzt. Mit Go, Kafka und PostgreSQL baut sie seit vielen Jahren Echtzeitdatenverarbeitungssysteme; als CKA-zertifizierte Kubernetes-Expertin berät sie die Entwicklungsabteilungen bei allen Cloud-Migrationsvorhaben des Unternehmens."},
		{"fr anglicisms", "fr", "Ada Okafor est Principal Data Engineer chez Northwind Health. Elle manage l'équipe Platform, pilote le run et le build des data pipelines en Go, Kafka et PostgreSQL, et fait du coaching auprès des juniors. Experte du cloud et du DevOps, elle a mis en place un process de delivery continu, un dashboard de monitoring et des meetings de feedback hebdomadaires. Elle a réduit le traitement des dossiers de 3 jours à 4 heures et détient la certification CKA."},
		{"de with one English motto", "de", "Ada Okafor ist Principal Data Engineer bei Northwind Health in Lagos und verfügt über 12 Jahre Berufserfahrung. Sie entwickelt Datenplattformen für das Gesundheitswesen und arbeitet vor allem mit Go, Kafka und PostgreSQL. In ihrer aktuellen Rolle hat sie die Bearbeitungszeit von Versicherungsfällen von 3 Tagen auf 4 Stunden verkürzt. Ihr Motto lautet „Make it work, then make it fast“. Sie ist als CKA zertifiziert und wird für ihre klare Kommunikation und ihre ruhige, pragmatische Art geschätzt."},
		{"es with English titles", "es", "Ada Okafor es Principal Data Engineer en Northwind Health, en Lagos. Antes fue Head of Data and Analytics en The Home Depot. Allí dirigió el equipo de Search and Discovery durante cuatro años. Diseña plataformas de datos con Go, Kafka y PostgreSQL y redujo el tiempo de las reclamaciones de 3 días a 4 horas. Tiene la certificación CKA y sus colegas valoran su comunicación clara y su enfoque práctico."},
		{"en-GB", "en-GB", "Ada Okafor is a Principal Data Engineer at Northwind Health, where she has spent 12 years organising data platforms. She specialises in Go, Kafka and PostgreSQL, and her favourite work is optimising the claims programme, which she cut from 3 days to 4 hours. A CKA holder, she is recognised by colleagues for her calm, practical behaviour and for mentoring the analysts in her centre."},
		{"zh-Hant", "zh-Hant", "Ada Okafor是Northwind Health的Principal Data Engineer，常駐拉各斯，擁有12年的專業經驗。她為醫療產業設計資料平台，主要使用Go、Kafka和PostgreSQL。在目前的職位上，她將理賠處理時間從3天縮短到4小時。她持有CKA認證，同事們欣賞她清晰的溝通方式以及冷靜務實的工作風格。"},
		{"sr-Latn", "sr-Latn", "Ada Okafor je glavna inženjerka podataka u kompaniji Northwind Health u Lagosu i ima 12 godina profesionalnog iskustva. Projektuje platforme podataka za zdravstvo i radi uglavnom sa Go, Kafka i PostgreSQL. Na sadašnjoj poziciji skratila je vreme obrade zahteva za osiguranje sa 3 dana na 4 sata. Poseduje sertifikat CKA, a kolege cene njenu jasnu komunikaciju i smiren, praktičan pristup teškim problemima."},
	} {
		flags, reasons, err := verifyLang(t, tc.lang, tc.text)
		if err != nil || len(flags) > 0 {
			t.Errorf("%s: got %v, %v; want a pass", tc.name, reasons, err)
		}
	}
	for _, tc := range []struct{ name, lang, text string }{
		{"es for en-GB", "en-GB", bios["es"]},
		{"es for pt-BR", "pt-BR", bios["es"]},
		{"pt for es", "es", bios["pt"]},
		{"en-ish for zh-Hant", "zh-Hant", bios["en"]},
	} {
		if _, _, err := verifyLang(t, tc.lang, tc.text); err == nil {
			t.Errorf("%s: passed; want wrong_language", tc.name)
		}
	}
}
