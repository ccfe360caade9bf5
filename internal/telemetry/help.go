package telemetry

import (
	"bufio"
	"bytes"
	"io"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/VictoriaMetrics/metrics"
)

func init() {
	// # HELP and # TYPE lines: without them Prometheus takes every series
	// as untyped. The library writes an empty HELP; WritePrometheus fills
	// in the text of help below.
	metrics.ExposeMetadata(true)
	info := buildInfo()
	Set.NewGauge(`biogen_build_info{version="`+info[0]+`",revision="`+info[1]+`",goversion="`+runtime.Version()+`"}`, func() float64 { return 1 })
}

// buildInfo returns the module version and the VCS revision the binary was
// built from, or "unknown".
func buildInfo() [2]string {
	out := [2]string{"unknown", "unknown"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return out
	}
	if v := bi.Main.Version; v != "" {
		out[0] = v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && s.Value != "" {
			out[1] = s.Value
		}
	}
	return out
}

// help is each biogen metric family's HELP text.
var help = map[string]string{
	"biogen_build_info":                      "Always 1; its labels say which biogen is running: version, VCS revision and Go version.",
	"biogen_http_requests_in_flight":         "Bio requests being answered now.",
	"biogen_http_shed_total":                 "Requests refused with 503 because too many were in flight.",
	"biogen_http_requests_total":             "HTTP requests answered, by route and status.",
	"biogen_http_request_duration_seconds":   "Time to answer an HTTP request, by route.",
	"biogen_bios_total":                      "Bios answered, by source, provider, cache, whether degraded, prompt version and experiment arm (empty without one).",
	"biogen_first_bios_total":                "Bios written for a request without regenerate (cache misses), by provider, model, prompt version and experiment arm: the denominator of the regeneration rate.",
	"biogen_regenerations_total":             "Bios written for a request with regenerate: true, by provider, model, prompt version and experiment arm; regenerations per first bio is the regeneration rate.",
	"biogen_bio_requests_total":              "Bio requests read (past the tenant's rate limit), by the language asked: a checked language's code, or other.",
	"biogen_fallbacks_total":                 "Providers passed over, by provider and reason.",
	"biogen_bio_flags_total":                 "Flags on answered bios, by flag, prompt version and experiment arm.",
	"biogen_bio_flag_reasons_total":          "Reasons of the flags on answered bios, by flag and reason (a flag may have several).",
	"biogen_cache_bytes":                     "Bytes the caches account for (real bytes of entries, vectors and indexes), by cache; cache.max_bytes bounds their sum.",
	"biogen_cache_entries":                   "Entries of the semantic cache.",
	"biogen_check_rejections_total":          "Answers the output checks rejected, by problem and prompt version.",
	"biogen_overhead_seconds":                "biogen's own time per bio request: the total less the time waiting for providers.",
	"biogen_breaker_state":                   "A provider's circuit breaker: 0 closed, 1 half-open, 2 open.",
	"biogen_breaker_transitions_total":       "Circuit breaker changes, by provider and the state entered.",
	"biogen_provider_requests_total":         "Provider attempt sequences, by provider and outcome (ok or a fallback reason).",
	"biogen_provider_duration_seconds":       "Time spent on a provider for one request, retries included.",
	"biogen_provider_first_token_seconds":    "Time from sending a chat request to a provider to its first text.",
	"biogen_tokens_total":                    "Model tokens, by provider and kind (input, output).",
	"biogen_cost_usd_total":                  "Cost of external API tokens in USD, by provider.",
	"biogen_external_requests_total":         "Requests sent off the premises, pseudonymised, by provider.",
	"biogen_external_bytes_total":            "Bytes of messages sent off the premises, by provider.",
	"biogen_cache_lookups_total":             "Cache lookups, by cache, tenant and result.",
	"biogen_cache_body_hits_total":           "Exact-cache hits found by the request body's bytes, without decoding, by tenant.",
	"biogen_cache_evictions_total":           "Cache entries evicted, by cache.",
	"biogen_cache_semantic_rejections_total": "Semantic cache candidates refused, by reason (facts, re-personalisation, re-check).",
	"biogen_cache_snapshots_discarded_total": "Semantic cache snapshots that could not be read at start-up (truncated, corrupt or wrongly keyed) and were moved aside.",
	"biogen_cache_store_failures_total":      "Answers whose semantic cache entry could not be stored (the embedding failed or timed out).",
	"biogen_idempotency_total":               "Requests with an Idempotency-Key, by outcome: replayed, in_flight, reused, stored, erased (its user was erased meanwhile), store_failed.",
	"biogen_store_bytes":                     "Size of the durable store's file (data_dir/biogen.db) in bytes.",
	"biogen_job_preemptions_total":           "Job item calls cancelled because a synchronous request took their provider slot, by provider; the item runs again.",
	"biogen_job_warm_items_total":            "Job items with warm_cache, by what they did for the caches: hit (already there), stored, not_stored (a fallback or a bio for review, never cached).",
	"biogen_job_busy_total":                  "Job item calls that found no provider slot free for jobs within the wait, by provider; the item runs again.",
	"biogen_webhook_deliveries_total":        "Job callbacks whose delivery ended, by outcome: delivered, failed (the retry schedule ran out), refused (target or message refused when sent).",
	"biogen_webhook_attempts_total":          "Job callback attempts, by result: ok (a 2xx answer) or the error class (status, redirect, timeout, dns, connect, tls, refused_target, cancelled, error).",
	"biogen_bio_records_total":               "Records of bios served (what feedback finds a bio id by), by outcome: queued, written (to the store), dropped (the queue was full: feedback on that id is 404), erased (its user was erased first), failed (the store's write failed).",
	"biogen_bio_record_queue_bytes":          "Bytes of bio records waiting to be written to the store (server.record_queue_bytes bounds them).",
	"biogen_feedback_total":                  "Feedback on bios (POST /v1/bios/{id}/feedback), by rating, reason (none when not given), and the bio's provider, model, prompt version, experiment and arm (both empty outside an experiment).",
	"biogen_feedback_edit_ratio":             "Of feedback with an edited_bio: the edit distance (Levenshtein, in characters) between the bio served and the text kept, over the longer one's length; by the bio's provider, model, prompt version, experiment and arm.",
}

// Families returns the name of every biogen metric family, sorted: what
// dashboards and alerts may query (a histogram adds _bucket, _sum and
// _count). It allocates a new slice on each call.
func Families() []string {
	return slices.Sorted(maps.Keys(help))
}

// writeWithHelp copies the exposition in b to w, giving each empty
// "# HELP family" line the family's text from help.
func writeWithHelp(w io.Writer, b []byte) {
	bw := bufio.NewWriter(w)
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if family, ok := strings.CutPrefix(string(line), "# HELP "); ok && !strings.Contains(family, " ") {
			text := help[family]
			if text == "" {
				text = strings.ReplaceAll(family, "_", " ") // process and Go runtime metrics
			}
			bw.WriteString("# HELP " + family + " " + text + "\n")
			continue
		}
		bw.Write(line)
		bw.WriteByte('\n')
	}
	bw.Flush()
}
