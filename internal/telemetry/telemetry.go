// Package telemetry holds biogen's Prometheus metrics and its logger.
//
// Metrics are created once, with label values from closed sets (routes,
// status codes, provider names from the configuration, the contract's
// reasons and flags), never from request data.
package telemetry

import (
	"bytes"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// Set holds every biogen metric; /metrics writes it with the process and Go
// runtime metrics. It is safe for concurrent use, as is every function of
// this package; nothing here starts a goroutine.
var Set = metrics.NewSet()

var (
	inFlight atomic.Int64
	_        = Set.NewGauge("biogen_http_requests_in_flight", func() float64 { return float64(inFlight.Load()) })
	shed     = Set.NewCounter(`biogen_http_shed_total{reason="in_flight"}`)
)

// durationBuckets are the latency buckets, in seconds, from 0.5 ms to 30 s.
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 24, 30}

// RequestStarted and RequestDone count requests in flight.
func RequestStarted() { inFlight.Add(1) }

// RequestDone is the pair of RequestStarted.
func RequestDone() { inFlight.Add(-1) }

// Shed counts a request refused because too many were in flight.
func Shed() { shed.Inc() }

// ObserveRequest records one HTTP request.
func ObserveRequest(route string, status int, d time.Duration) {
	k := requestKey{route, status}
	m, ok := requestMetrics.Load(k)
	if !ok {
		m, _ = requestMetrics.LoadOrStore(k, &routeMetrics{
			count:    Set.GetOrCreateCounter(`biogen_http_requests_total{route="` + route + `",status="` + strconv.Itoa(status) + `"}`),
			duration: Set.GetOrCreatePrometheusHistogramExt(`biogen_http_request_duration_seconds{route="`+route+`"}`, durationBuckets),
		})
	}
	rm := m.(*routeMetrics)
	rm.count.Inc()
	rm.duration.Update(d.Seconds())
}

// requestMetrics caches each route and status's metrics, so that a request
// builds no metric name. Routes and statuses are closed sets.
var requestMetrics sync.Map // requestKey -> *routeMetrics

type requestKey struct {
	route  string
	status int
}

type routeMetrics struct {
	count    *metrics.Counter
	duration *metrics.PrometheusHistogram
}

// Bio is what answered one bio request, as the metrics count it. Every
// value comes from a closed set: the configuration's providers, models,
// prompt versions, experiments and arms, and the contract's kinds.
type Bio struct {
	Source, Provider, Model, Cache string
	Degraded                       bool
	// Regenerate: the request asked for a new variant (regenerate: true).
	Regenerate bool
	// PromptVersion is the prompt's version as responses name it
	// ("bio-v2"); Experiment and Arm the experiment arm, "" without one.
	PromptVersion, Experiment, Arm string
	Fallbacks, Flags               []string
	// Reasons say why each flag was added, as "<flag>:<reason>"; a flag
	// none of them names (a cached entry older than reasons) is counted
	// with the reason "unknown".
	Reasons []string
}

// ObserveBio records what answered one bio request: the bio, its
// fallbacks and flags, and for a bio written for the request (a cache
// miss) whether it was a first bio or a regeneration, by the provider and
// model that wrote it, the prompt version and the experiment arm. The
// regeneration rate is regenerations per first bio (docs/chain.md,
// "Metrics").
func ObserveBio(b *Bio) {
	variant := `prompt_version="` + b.PromptVersion + `",experiment="` + b.Experiment + `",arm="` + b.Arm + `"`
	Set.GetOrCreateCounter(`biogen_bios_total{source="` + b.Source + `",provider="` + b.Provider + `",cache="` + b.Cache +
		`",degraded="` + strconv.FormatBool(b.Degraded) + `",` + variant + `}`).Inc()
	if b.Cache == "miss" {
		family := "biogen_first_bios_total"
		if b.Regenerate {
			family = "biogen_regenerations_total"
		}
		Set.GetOrCreateCounter(family + `{provider="` + b.Provider + `",model="` + b.Model + `",` + variant + `}`).Inc()
	}
	for _, f := range b.Fallbacks {
		p, reason, _ := strings.Cut(f, ":")
		Set.GetOrCreateCounter(`biogen_fallbacks_total{provider="` + p + `",reason="` + reason + `"}`).Inc()
	}
	for _, f := range b.Flags {
		Set.GetOrCreateCounter(`biogen_bio_flags_total{flag="` + f + `",` + variant + `}`).Inc()
		named := false
		for _, r := range b.Reasons {
			if flag, reason, _ := strings.Cut(r, ":"); flag == f {
				Set.GetOrCreateCounter(`biogen_bio_flag_reasons_total{flag="` + f + `",reason="` + reason + `"}`).Inc()
				named = true
			}
		}
		if !named {
			Set.GetOrCreateCounter(`biogen_bio_flag_reasons_total{flag="` + f + `",reason="unknown"}`).Inc()
		}
	}
}

// CacheSize exposes the caches' accounted bytes and the semantic cache's
// entries, read from size when scraped. The last call wins: one cache per
// process.
func CacheSize(size func() (exactBytes, semanticBytes int64, semanticEntries int)) {
	cacheSize.Store(&size)
}

var cacheSize atomic.Pointer[func() (int64, int64, int)]

var (
	_ = Set.NewGauge(`biogen_cache_bytes{cache="exact"}`, func() float64 { e, _, _ := readCacheSize(); return float64(e) })
	_ = Set.NewGauge(`biogen_cache_bytes{cache="semantic"}`, func() float64 { _, s, _ := readCacheSize(); return float64(s) })
	_ = Set.NewGauge(`biogen_cache_entries{cache="semantic"}`, func() float64 { _, _, n := readCacheSize(); return float64(n) })
)

func readCacheSize() (int64, int64, int) {
	if f := cacheSize.Load(); f != nil {
		return (*f)()
	}
	return 0, 0, 0
}

// BioRequest counts a bio request by the language it asks for: a label
// from a closed set (bio.LanguageLabel: a checked language's code or
// "other"), never the tag as sent.
func BioRequest(language string) {
	c, ok := bioRequests.Load(language)
	if !ok {
		c, _ = bioRequests.LoadOrStore(language, Set.GetOrCreateCounter(`biogen_bio_requests_total{language="`+language+`"}`))
	}
	c.(*metrics.Counter).Inc()
}

// bioRequests are BioRequest's counters by language, so that counting a
// request builds no series name.
var bioRequests sync.Map

// CheckRejected counts an answer the output checks rejected, by the
// problem found (check.Problem: "offensive", "invented_contact"...) and
// the version of the prompt it answered ("bio-v2").
func CheckRejected(problem, promptVersion string) {
	Set.GetOrCreateCounter(`biogen_check_rejections_total{problem="` + problem + `",prompt_version="` + promptVersion + `"}`).Inc()
}

// ObserveOverhead records biogen's own time in a request: the total less
// the time spent waiting for providers.
func ObserveOverhead(d time.Duration) {
	Set.GetOrCreatePrometheusHistogramExt(`biogen_overhead_seconds`, durationBuckets).Update(d.Seconds())
}

// WritePrometheus writes every metric in the Prometheus text format.
func WritePrometheus(w io.Writer) {
	var b bytes.Buffer
	Set.WritePrometheus(&b)
	metrics.WriteProcessMetrics(&b)
	writeWithHelp(w, b.Bytes())
}

// ObserveFirstToken records the time from sending a chat request to a
// provider to its first text.
func ObserveFirstToken(provider string, d time.Duration) {
	Set.GetOrCreatePrometheusHistogramExt(`biogen_provider_first_token_seconds{provider="`+provider+`"}`, durationBuckets).Update(d.Seconds())
}

// NewLogger returns a logger writing to w at level ("debug", "info", "warn",
// "error") in format "json" or "text".
func NewLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// breakerStates holds each provider's breaker state for the gauge.
var breakerStates sync.Map // provider name -> *atomic.Int64 (0 closed, 1 half-open, 2 open)

// BreakerChanged records a provider's breaker state: "closed",
// "half-open" or "open".
func BreakerChanged(provider, state string) {
	v, loaded := breakerStates.LoadOrStore(provider, new(atomic.Int64))
	a := v.(*atomic.Int64)
	if !loaded {
		Set.GetOrCreateGauge(`biogen_breaker_state{provider="`+provider+`"}`, func() float64 { return float64(a.Load()) })
	}
	switch state {
	case "open":
		a.Store(2)
	case "half-open":
		a.Store(1)
	default:
		a.Store(0)
	}
	Set.GetOrCreateCounter(`biogen_breaker_transitions_total{provider="` + provider + `",to="` + state + `"}`).Inc()
}

// ObserveProvider records one provider attempt sequence: its outcome ("ok"
// or a fallback reason), its time, and the tokens and cost of an answer.
func ObserveProvider(provider, outcome string, d time.Duration, in, out int, cost float64) {
	Set.GetOrCreateCounter(`biogen_provider_requests_total{provider="` + provider + `",outcome="` + outcome + `"}`).Inc()
	Set.GetOrCreatePrometheusHistogramExt(`biogen_provider_duration_seconds{provider="`+provider+`"}`, durationBuckets).Update(d.Seconds())
	if in > 0 {
		Set.GetOrCreateCounter(`biogen_tokens_total{provider="` + provider + `",kind="input"}`).Add(in)
	}
	if out > 0 {
		Set.GetOrCreateCounter(`biogen_tokens_total{provider="` + provider + `",kind="output"}`).Add(out)
	}
	if cost > 0 {
		Set.GetOrCreateFloatCounter(`biogen_cost_usd_total{provider="` + provider + `"}`).Add(cost)
	}
}

// ExternalSent counts a request that left the premises and its size.
func ExternalSent(provider string, bytes int) {
	Set.GetOrCreateCounter(`biogen_external_requests_total{provider="` + provider + `"}`).Inc()
	Set.GetOrCreateCounter(`biogen_external_bytes_total{provider="` + provider + `"}`).Add(bytes)
}

// CacheEvicted counts an entry a cache dropped to stay in its budget.
func CacheEvicted(cache string) {
	Set.GetOrCreateCounter(`biogen_cache_evictions_total{cache="` + cache + `"}`).Inc()
}

// CacheLookup counts a cache lookup: result is "hit" or "miss".
func CacheLookup(cache, tenant, result string) {
	Set.GetOrCreateCounter(`biogen_cache_lookups_total{cache="` + cache + `",tenant="` + tenant + `",result="` + result + `"}`).Inc()
}

// CacheBodyHit counts an exact hit found by the request body's bytes,
// without decoding it (a repeated request).
func CacheBodyHit(tenant string) { bodyHits(tenant).Inc() }

// CacheBodyHits returns the count of CacheBodyHit for tenant. Only tests
// call it.
func CacheBodyHits(tenant string) uint64 { return bodyHits(tenant).Get() }

func bodyHits(tenant string) *metrics.Counter {
	return Set.GetOrCreateCounter(`biogen_cache_body_hits_total{tenant="` + tenant + `"}`)
}

// CacheRejected counts a semantic candidate refused by the fact check or
// by re-personalisation.
func CacheRejected(reason string) {
	Set.GetOrCreateCounter(`biogen_cache_semantic_rejections_total{reason="` + reason + `"}`).Inc()
}

// CacheStoreFailed counts an answer whose semantic cache entry could not be
// stored (its embedding failed or timed out); the answer was served.
func CacheStoreFailed() {
	Set.GetOrCreateCounter(`biogen_cache_store_failures_total`).Inc()
}

// SnapshotDiscarded counts a semantic cache snapshot that could not be
// read at start-up and was moved aside.
func SnapshotDiscarded() {
	Set.GetOrCreateCounter(`biogen_cache_snapshots_discarded_total`).Inc()
}

// SnapshotsDiscarded returns how many snapshots were moved aside; for
// tests.
func SnapshotsDiscarded() uint64 {
	return Set.GetOrCreateCounter(`biogen_cache_snapshots_discarded_total`).Get()
}

// Idempotency counts an idempotency-key outcome: "replayed", "in_flight",
// "reused", "stored", "erased" (not stored: the user was erased while the
// request ran) or "store_failed".
func Idempotency(outcome string) {
	Set.GetOrCreateCounter(`biogen_idempotency_total{outcome="` + outcome + `"}`).Inc()
}

// StoreSize reports the durable store's file size through size, from now
// on.
func StoreSize(size func() int64) { storeSize.Store(&size) }

var storeSize atomic.Pointer[func() int64]

var _ = Set.NewGauge("biogen_store_bytes", func() float64 {
	if f := storeSize.Load(); f != nil {
		return float64((*f)())
	}
	return 0
})

// BatchPreempted counts a job item's call cancelled because a synchronous
// request took its slot of provider.
func BatchPreempted(provider string) {
	Set.GetOrCreateCounter(`biogen_job_preemptions_total{provider="` + provider + `"}`).Inc()
}

// BatchBusy counts a job item's call that found no slot of provider free
// for jobs.
func BatchBusy(provider string) {
	Set.GetOrCreateCounter(`biogen_job_busy_total{provider="` + provider + `"}`).Inc()
}

// JobWarmed counts a warm_cache job item by what it did for the caches:
// "hit", "stored" or "not_stored".
func JobWarmed(result string) {
	Set.GetOrCreateCounter(`biogen_job_warm_items_total{result="` + result + `"}`).Inc()
}

// WebhookDelivery counts a job callback whose delivery ended, by outcome:
// "delivered", "failed" (every attempt of the schedule failed) or
// "refused" (the target or the message was refused when it was sent). A
// delivery cut off by shutdown has not ended: it is sent after the next
// start.
func WebhookDelivery(outcome string) {
	Set.GetOrCreateCounter(`biogen_webhook_deliveries_total{outcome="` + outcome + `"}`).Inc()
}

// WebhookAttempt counts one attempt of a job callback, by result: "ok"
// for a 2xx answer, else its error class (webhook.ErrorStatus, ...).
func WebhookAttempt(result string) {
	Set.GetOrCreateCounter(`biogen_webhook_attempts_total{result="` + result + `"}`).Inc()
}

// Outcomes of a bio record (BioRecord).
var bioRecords = map[string]*metrics.Counter{}

func init() {
	for _, o := range []string{"queued", "written", "dropped", "erased", "failed"} {
		bioRecords[o] = Set.NewCounter(`biogen_bio_records_total{outcome="` + o + `"}`)
	}
}

// BioRecord counts what became of the record of a bio served: "queued",
// "written" (to the store), "dropped" (the queue was full), "erased" (its
// user was erased meanwhile) or "failed" (the store's write failed). It
// allocates nothing: it is on the path of every new bio.
func BioRecord(outcome string, n int) {
	if c := bioRecords[outcome]; c != nil {
		c.Add(n)
	}
}

// BioRecordQueue reports the bytes of bio records waiting to be written
// through size, from now on.
func BioRecordQueue(size func() int64) { recordQueue.Store(&size) }

var recordQueue atomic.Pointer[func() int64]

var _ = Set.NewGauge("biogen_bio_record_queue_bytes", func() float64 {
	if f := recordQueue.Load(); f != nil {
		return float64((*f)())
	}
	return 0
})

// editBuckets are the buckets of the edit ratio: the share of a bio's
// characters a person changed.
var editBuckets = []float64{0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1}

// Feedback counts a feedback on a bio by its rating and reason ("none"
// when it gave none) and by what wrote the bio: provider, model, prompt
// version and experiment arm (experiment and arm "" outside an
// experiment, as on biogen_bios_total, so that the public /metrics shows
// a tenant no other tenant's experiment).
func Feedback(rating, reason, provider, model, promptVersion, experiment, arm string) {
	Set.GetOrCreateCounter(`biogen_feedback_total{rating="` + rating + `",reason="` + orNone(reason) + `",provider="` + provider +
		`",model="` + model + `",prompt_version="` + promptVersion + `",experiment="` + experiment + `",arm="` + arm + `"}`).Inc()
}

// FeedbackEdit records how much of a bio a person changed: the edit
// distance between the bio served and the text kept, over the longer one's
// length (0 kept as it was, 1 all of it rewritten), labelled as Feedback.
func FeedbackEdit(provider, model, promptVersion, experiment, arm string, ratio float64) {
	Set.GetOrCreatePrometheusHistogramExt(`biogen_feedback_edit_ratio{provider="`+provider+`",model="`+model+
		`",prompt_version="`+promptVersion+`",experiment="`+experiment+`",arm="`+arm+`"}`, editBuckets).Update(ratio)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
