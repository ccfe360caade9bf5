package telemetry

import (
	"bufio"
	"bytes"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// series reads every biogen series and its value from Set's Prometheus
// text, as a scrape of /metrics would see them.
func series(t *testing.T) map[string]float64 {
	t.Helper()
	var b bytes.Buffer
	Set.WritePrometheus(&b)
	out := map[string]float64{}
	sc := bufio.NewScanner(&b)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			t.Fatalf("malformed line %q", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("malformed value in %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// moved returns how much each of names moved while fn ran.
func moved(t *testing.T, fn func(), names ...string) []float64 {
	t.Helper()
	before := series(t)
	fn()
	after := series(t)
	d := make([]float64, len(names))
	for i, n := range names {
		if _, ok := after[n]; !ok {
			t.Fatalf("no series %s", n)
		}
		d[i] = after[n] - before[n]
	}
	return d
}

func TestObserveBio(t *testing.T) {
	got := moved(t, func() {
		ObserveBio(&Bio{Source: "ollama", Provider: "big", Model: "m", Cache: "miss", Degraded: true, PromptVersion: "bio-v1",
			Fallbacks: []string{"small:timeout", "small:timeout", "ext:rate_limited"},
			Flags:     []string{"sparse_profile", "needs_review", "unverified_facts"},
			Reasons:   []string{"sparse_profile:thin_profile", "needs_review:offensive", "needs_review:protected_attribute"}})
	},
		`biogen_bios_total{source="ollama",provider="big",cache="miss",degraded="true",prompt_version="bio-v1",experiment="",arm=""}`,
		`biogen_first_bios_total{provider="big",model="m",prompt_version="bio-v1",experiment="",arm=""}`,
		`biogen_fallbacks_total{provider="small",reason="timeout"}`,
		`biogen_fallbacks_total{provider="ext",reason="rate_limited"}`,
		`biogen_bio_flags_total{flag="sparse_profile",prompt_version="bio-v1",experiment="",arm=""}`,
		`biogen_bio_flags_total{flag="needs_review",prompt_version="bio-v1",experiment="",arm=""}`,
		`biogen_bio_flag_reasons_total{flag="sparse_profile",reason="thin_profile"}`,
		`biogen_bio_flag_reasons_total{flag="needs_review",reason="offensive"}`,
		`biogen_bio_flag_reasons_total{flag="needs_review",reason="protected_attribute"}`,
		`biogen_bio_flag_reasons_total{flag="unverified_facts",reason="unknown"}`,
	)
	if want := []float64{1, 1, 2, 1, 1, 1, 1, 1, 1, 1}; !slices.Equal(got, want) {
		t.Fatalf("got moves %v; want %v", got, want)
	}
	// Another answer moves its own series, not the first one's; a cache
	// hit is neither a first bio nor a regeneration, a regenerated bio is
	// counted by its arm.
	v2 := &Bio{Source: "ollama", Provider: "big", Model: "m", Cache: "miss", PromptVersion: "bio-v2", Experiment: "prompt-v2", Arm: "v2"}
	got = moved(t, func() {
		ObserveBio(&Bio{Source: "template", Provider: "template", Model: "template/v1", Cache: "exact", PromptVersion: "bio-v1"})
		ObserveBio(v2)
		r := *v2
		r.Regenerate = true
		ObserveBio(&r)
		ObserveBio(&r)
		hit := *v2
		hit.Cache = "semantic"
		ObserveBio(&hit)
	},
		`biogen_bios_total{source="template",provider="template",cache="exact",degraded="false",prompt_version="bio-v1",experiment="",arm=""}`,
		`biogen_bios_total{source="ollama",provider="big",cache="miss",degraded="true",prompt_version="bio-v1",experiment="",arm=""}`,
		`biogen_bios_total{source="ollama",provider="big",cache="miss",degraded="false",prompt_version="bio-v2",experiment="prompt-v2",arm="v2"}`,
		`biogen_bios_total{source="ollama",provider="big",cache="semantic",degraded="false",prompt_version="bio-v2",experiment="prompt-v2",arm="v2"}`,
		`biogen_first_bios_total{provider="big",model="m",prompt_version="bio-v2",experiment="prompt-v2",arm="v2"}`,
		`biogen_regenerations_total{provider="big",model="m",prompt_version="bio-v2",experiment="prompt-v2",arm="v2"}`,
		`biogen_first_bios_total{provider="big",model="m",prompt_version="bio-v1",experiment="",arm=""}`,
	)
	if want := []float64{1, 0, 3, 1, 1, 2, 0}; !slices.Equal(got, want) {
		t.Fatalf("got moves %v; want %v", got, want)
	}
}

func TestObserveRequest(t *testing.T) {
	got := moved(t, func() {
		ObserveRequest("/v1/bio", 200, 3*time.Millisecond)
		ObserveRequest("/v1/bio", 200, 2*time.Second)
		ObserveRequest("/v1/bio", 429, time.Millisecond)
	},
		`biogen_http_requests_total{route="/v1/bio",status="200"}`,
		`biogen_http_requests_total{route="/v1/bio",status="429"}`,
		`biogen_http_request_duration_seconds_count{route="/v1/bio"}`,
		`biogen_http_request_duration_seconds_bucket{route="/v1/bio",le="0.005"}`,
		`biogen_http_request_duration_seconds_bucket{route="/v1/bio",le="+Inf"}`,
	)
	if want := []float64{2, 1, 3, 2, 3}; !slices.Equal(got, want) {
		t.Fatalf("got moves %v; want %v", got, want)
	}
}

func TestInFlightAndShed(t *testing.T) {
	got := moved(t, func() {
		RequestStarted()
		RequestStarted()
		RequestDone()
		Shed()
	}, `biogen_http_requests_in_flight`, `biogen_http_shed_total{reason="in_flight"}`)
	RequestDone()
	if want := []float64{1, 1}; !slices.Equal(got, want) {
		t.Fatalf("got moves %v; want %v", got, want)
	}
}

func TestBreakerChanged(t *testing.T) {
	const gauge = `biogen_breaker_state{provider="brk"}`
	f := func(state string, want float64) {
		t.Helper()
		d := moved(t, func() { BreakerChanged("brk", state) }, `biogen_breaker_transitions_total{provider="brk",to="`+state+`"}`)
		if d[0] != 1 {
			t.Fatalf("%s: transitions moved by %v; want 1", state, d[0])
		}
		if got := series(t)[gauge]; got != want {
			t.Fatalf("%s: got state %v; want %v", state, got, want)
		}
	}
	f("open", 2)
	f("half-open", 1)
	f("closed", 0)
}

func TestObserveProvider(t *testing.T) {
	names := []string{
		`biogen_provider_requests_total{provider="ext",outcome="ok"}`,
		`biogen_tokens_total{provider="ext",kind="input"}`,
		`biogen_tokens_total{provider="ext",kind="output"}`,
		`biogen_cost_usd_total{provider="ext"}`,
		`biogen_provider_duration_seconds_count{provider="ext"}`,
	}
	got := moved(t, func() { ObserveProvider("ext", "ok", time.Second, 120, 80, 0.5) }, names...)
	if want := []float64{1, 120, 80, 0.5, 1}; !slices.Equal(got, want) {
		t.Fatalf("got moves %v; want %v", got, want)
	}
	// A failed attempt counts, but spends no tokens and no money.
	got = moved(t, func() { ObserveProvider("ext", "ok", time.Second, 0, 0, 0) }, names...)
	if want := []float64{1, 0, 0, 0, 1}; !slices.Equal(got, want) {
		t.Fatalf("without tokens: got moves %v; want %v", got, want)
	}
}

func TestCacheAndExternal(t *testing.T) {
	got := moved(t, func() {
		ExternalSent("ext", 1500)
		CacheLookup("exact", "acme", "hit")
		CacheEvicted("semantic")
		CacheRejected("facts")
		CacheBodyHit("acme")
	},
		`biogen_external_requests_total{provider="ext"}`,
		`biogen_external_bytes_total{provider="ext"}`,
		`biogen_cache_lookups_total{cache="exact",tenant="acme",result="hit"}`,
		`biogen_cache_evictions_total{cache="semantic"}`,
		`biogen_cache_semantic_rejections_total{reason="facts"}`,
		`biogen_cache_body_hits_total{tenant="acme"}`,
	)
	if want := []float64{1, 1500, 1, 1, 1, 1}; !slices.Equal(got, want) {
		t.Fatalf("got moves %v; want %v", got, want)
	}
}

func TestWebhookCounters(t *testing.T) {
	got := moved(t, func() {
		WebhookAttempt("status")
		WebhookAttempt("ok")
		WebhookDelivery("delivered")
	},
		`biogen_webhook_attempts_total{result="status"}`,
		`biogen_webhook_attempts_total{result="ok"}`,
		`biogen_webhook_deliveries_total{outcome="delivered"}`,
	)
	if want := []float64{1, 1, 1}; !slices.Equal(got, want) {
		t.Fatalf("got moves %v; want %v", got, want)
	}
}

// labelNames are the only labels biogen's series may carry: each takes its
// values from a closed set, the configuration (routes, statuses, provider,
// model and tenant names, prompt versions, experiments and their arms, the
// contract's reasons and flags) or the build
// (version, revision, goversion), never from a request.
var labelNames = []string{"arm", "cache", "degraded", "experiment", "flag", "goversion", "kind", "le", "model", "outcome", "problem",
	"prompt_version", "provider", "reason", "result", "revision", "route", "source", "status", "tenant", "to", "version"}

var labelRE = regexp.MustCompile(`([a-z_]+)="`)

// TestNoPersonalLabels observes a request for a person the way the service
// does, then checks that no series names a label outside labelNames and
// that no part of the person's request reached a label value.
func TestNoPersonalLabels(t *testing.T) {
	// What the service passes on for a request about Ada Okafor: closed-set
	// values and configured names only.
	ObserveRequest("/v1/bio", 200, time.Millisecond)
	ObserveBio(&Bio{Source: "ollama", Provider: "big", Model: "m", Cache: "miss", PromptVersion: "bio-v2", Experiment: "prompt-v2", Arm: "v2",
		Fallbacks: []string{"small:timeout"}, Flags: []string{"needs_review"}, Reasons: []string{"needs_review:offensive"}})
	CheckRejected("protected_attribute", "bio-v2")
	ObserveProvider("big", "ok", time.Second, 10, 20, 0)
	CacheLookup("semantic", "acme", "miss")
	for s := range series(t) {
		if !strings.HasPrefix(s, "biogen_") {
			t.Errorf("series %s is not biogen's", s)
		}
		for _, m := range labelRE.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(labelNames, m[1]) {
				t.Errorf("series %s has label %q; want one of %v", s, m[1], labelNames)
			}
		}
		for _, personal := range []string{"Ada", "Okafor", "@", "u1"} {
			if strings.Contains(s, personal) {
				t.Errorf("series %s holds %q", s, personal)
			}
		}
	}
}

func TestWritePrometheus(t *testing.T) {
	ObserveOverhead(time.Millisecond)
	var b bytes.Buffer
	WritePrometheus(&b)
	for _, want := range []string{"biogen_overhead_seconds_count ", "biogen_http_requests_in_flight ", "process_"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("WritePrometheus wrote no %q", want)
		}
	}
}

// TestMetadata checks that every family /metrics writes has a HELP text
// and a TYPE, so Prometheus does not see it untyped, and that the build
// info and the first-token histogram are there.
func TestMetadata(t *testing.T) {
	ObserveRequest("/v1/bios", 200, time.Millisecond)
	ObserveFirstToken("big", 50*time.Millisecond)
	ObserveProvider("big", "ok", time.Second, 10, 20, 0.5)
	var b bytes.Buffer
	WritePrometheus(&b)
	helps, types := map[string]string{}, map[string]string{}
	families := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		switch {
		case strings.HasPrefix(line, "# HELP "):
			family, text, _ := strings.Cut(strings.TrimPrefix(line, "# HELP "), " ")
			helps[family] = text
		case strings.HasPrefix(line, "# TYPE "):
			family, typ, _ := strings.Cut(strings.TrimPrefix(line, "# TYPE "), " ")
			types[family] = typ
		default:
			name := line[:strings.IndexAny(line, "{ ")]
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if base := strings.TrimSuffix(name, suffix); base != name && (types[base] == "histogram" || types[base] == "summary") {
					name = base
				}
			}
			families[name] = true
		}
	}
	for f := range families {
		if helps[f] == "" || types[f] == "" {
			t.Errorf("family %s: HELP %q, TYPE %q", f, helps[f], types[f])
		}
		if strings.HasPrefix(f, "biogen_") && help[f] == "" {
			t.Errorf("family %s has no HELP text of ours", f)
		}
	}
	for family, typ := range map[string]string{"biogen_provider_first_token_seconds": "histogram", "biogen_build_info": "gauge",
		"biogen_http_requests_total": "counter", "biogen_cost_usd_total": "counter"} {
		if types[family] != typ {
			t.Errorf("family %s: TYPE %q; want %q", family, types[family], typ)
		}
	}
	if !strings.Contains(b.String(), `biogen_build_info{version="`) || !strings.Contains(b.String(), `goversion="go`) {
		t.Errorf("no build info in\n%s", b.String())
	}
}

func TestNewLogger(t *testing.T) {
	f := func(level, format string, wantInfo bool, wantPrefix string) {
		t.Helper()
		var b bytes.Buffer
		log := NewLogger(&b, level, format)
		log.Info("info line")
		log.Warn("warn line")
		out := b.String()
		if got := strings.Contains(out, "info line"); got != wantInfo {
			t.Errorf("level %q: info written %v; want %v\n%s", level, got, wantInfo, out)
		}
		if !strings.Contains(out, "warn line") || !strings.HasPrefix(out, wantPrefix) {
			t.Errorf("level %q, format %q: got %q; want a warning starting %q", level, format, out, wantPrefix)
		}
	}
	f("info", "json", true, "{")
	f("warn", "json", false, "{")
	f("debug", "text", true, "time=")
	// An unknown level logs at info.
	var b bytes.Buffer
	if !NewLogger(&b, "loud", "json").Enabled(t.Context(), slog.LevelInfo) {
		t.Error("an unknown level disabled info")
	}
}

// TestFamilies checks that Families lists every family of help, sorted,
// and that a copy is returned.
func TestFamilies(t *testing.T) {
	got := Families()
	if len(got) != len(help) || !slices.IsSorted(got) {
		t.Fatalf("Families() = %v; want the %d keys of help, sorted", got, len(help))
	}
	for _, f := range got {
		if help[f] == "" {
			t.Errorf("Families() lists %s, which has no HELP text", f)
		}
	}
	got[0] = "changed"
	if Families()[0] == "changed" {
		t.Errorf("Families() returns shared storage")
	}
}
