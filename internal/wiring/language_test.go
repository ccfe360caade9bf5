package wiring

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/telemetry"
)

// frenchBio and spanishBio are bios of thinRequest's profile.
const (
	frenchBio = "Ada Okafor est Engineer chez Contoso, où elle conçoit et fait évoluer des services de données fiables. " +
		"Elle travaille au quotidien avec Go et Kafka et s'attache à livrer des systèmes simples, bien testés et faciles " +
		"à maintenir. Ses collègues apprécient sa rigueur, sa communication claire et sa capacité à expliquer des sujets " +
		"techniques complexes avec patience et précision."
	spanishBio = "Ada Okafor es Engineer en Contoso, donde diseña y mantiene servicios de datos fiables. Trabaja a diario " +
		"con Go y Kafka y se esfuerza por entregar sistemas sencillos, bien probados y fáciles de mantener. Sus compañeros " +
		"valoran su rigor, su comunicación clara y su capacidad para explicar temas técnicos complejos con paciencia y precisión."
)

// TestLanguageThroughTheService asks the running service for bios in a
// language from a model that answers in another: the answer is rejected
// (wrong_language) and the model asked once more with a correction that
// names the language; a model that keeps the wrong language is passed
// over for the template writer (English, flagged language_fallback when
// another language was asked), with the reasons in the response and the
// metrics; one that corrects itself is served. An answer in the language
// asked is served without needs_review, which every answer in another
// language than English used to get.
func TestLanguageThroughTheService(t *testing.T) {
	for _, tc := range []struct {
		name, language string
		answer         func(prompt, text string) string // nil: the fake's own answer
		source         bio.Source
		requests       int
		rejected       float64 // answers rejected for their language
		correction     string  // in the corrective retry
		want           string  // the bio, if not ""
	}{
		{name: "English for French, twice", language: "fr", source: "template", requests: 2, rejected: 2,
			correction: `it was written in English, not in French; write every sentence in French (BCP 47 \"fr\")`},
		{name: "Spanish for English, twice", language: "en", answer: func(_, _ string) string { return spanishBio },
			source: "template", requests: 2, rejected: 2,
			correction: `it was written in Spanish, not in English; write every sentence in English (BCP 47 \"en\")`},
		{name: "English for French, then French", language: "fr", answer: func(prompt, text string) string {
			if strings.Contains(prompt, "was rejected") {
				return frenchBio
			}
			return text
		}, source: "ollama", requests: 2, rejected: 1, want: frenchBio},
		{name: "German for German", language: "de", source: "ollama", requests: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fakellm.Config{}
			if tc.answer != nil {
				cfg.Rewrite = func(_ int64, prompt, text string) string { return tc.answer(prompt, text) }
			}
			fake, url := fakeServer(t, cfg)
			r := startApp(t, ollamaProviderTimeout("big", url, "5s"), "big", "")
			rejected := counterSum(t, `biogen_check_rejections_total{problem="wrong_language"`)
			fallbacks := counter(t, `biogen_bio_flag_reasons_total{flag="language_fallback",reason="template"}`)
			requests := counter(t, `biogen_bio_requests_total{language="`+tc.language+`"}`)
			body := strings.Replace(thinRequest, `"length":"medium"`, `"length":"medium","language":"`+tc.language+`"`, 1)
			got, _ := r.postJSON(t, "", []byte(body))

			if got.Source != tc.source || fake.Requests() != int64(tc.requests) || slices.Contains(got.Flags, bio.FlagNeedsReview) {
				t.Fatalf("got %s after %d model requests, flags %v, reasons %v; want %s after %d, no needs_review:\n%s",
					got.Source, fake.Requests(), got.Flags, got.FallbackReasons, tc.source, tc.requests, got.Bio)
			}
			if n := counterSum(t, `biogen_check_rejections_total{problem="wrong_language"`) - rejected; n != tc.rejected {
				t.Fatalf("counted %v answers rejected for their language; want %v", n, tc.rejected)
			}
			if n := counter(t, `biogen_bio_requests_total{language="`+tc.language+`"}`) - requests; n != 1 {
				t.Fatalf("counted %v requests in %s; want 1", n, tc.language)
			}
			if tc.want != "" && got.Bio != tc.want {
				t.Fatalf("got the bio %q; want %q", got.Bio, tc.want)
			}
			if tc.correction != "" && (len(fake.Bodies()) != 2 || !strings.Contains(fake.Bodies()[1], tc.correction)) {
				t.Fatalf("the corrective retry does not say %q:\n%v", tc.correction, fake.Bodies())
			}
			fallback := tc.source == "template"
			if want := []string{}; fallback {
				if want = []string{"big:invalid_output"}; !slices.Equal(got.FallbackReasons, want) || !got.Degraded {
					t.Fatalf("fallback reasons %v, degraded %v; want %v, degraded", got.FallbackReasons, got.Degraded, want)
				}
			} else if len(got.FallbackReasons) != 0 {
				t.Fatalf("fallback reasons %v; want none", got.FallbackReasons)
			}
			// The template writer writes English: another language asked is
			// its language_fallback, counted by its reason.
			flagged := fallback && tc.language != "en"
			if slices.Contains(got.Flags, bio.FlagLanguageFallback) != flagged {
				t.Fatalf("flags %v; want language_fallback %v", got.Flags, flagged)
			}
			if n := counter(t, `biogen_bio_flag_reasons_total{flag="language_fallback",reason="template"}`) - fallbacks; n != float64(boolInt(flagged)) {
				t.Fatalf("counted %v language fallbacks; want %v", n, boolInt(flagged))
			}
		})
	}
}

// counterSum sums the series of the process's metrics whose name and
// first labels are prefix, whatever labels follow.
func counterSum(t *testing.T, prefix string) float64 {
	t.Helper()
	var b bytes.Buffer
	telemetry.WritePrometheus(&b)
	sum := 0.0
	for line := range strings.SplitSeq(b.String(), "\n") {
		series, v, ok := strings.Cut(line, " ")
		if !ok || len(series) <= len(prefix) || !strings.HasPrefix(series, prefix) || !strings.ContainsAny(series[len(prefix):len(prefix)+1], ",}") {
			continue
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatal(err)
		}
		sum += f
	}
	return sum
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
