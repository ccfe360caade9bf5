package deploy

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/telemetry"
)

// panel is the part of a Grafana panel the tests read; rows nest panels.
type panel struct {
	Type       string `json:"type"`
	Title      string `json:"title"`
	Datasource struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

// dashboardPanels reads every panel of deploy/grafana/dashboards/biogen.json
// but the rows.
func dashboardPanels(t *testing.T) []panel {
	t.Helper()
	b, err := os.ReadFile("grafana/dashboards/biogen.json")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		UID    string  `json:"uid"`
		Panels []panel `json:"panels"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("grafana/dashboards/biogen.json: %v", err)
	}
	if d.UID == "" {
		t.Errorf("the dashboard has no uid: Grafana would give it a new one on each start")
	}
	var out []panel
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			if p.Type != "row" {
				out = append(out, p)
			}
			walk(p.Panels)
		}
	}
	walk(d.Panels)
	return out
}

var (
	promStrings  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	promMatchers = regexp.MustCompile(`\{[^}]*\}`)
	promRanges   = regexp.MustCompile(`\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*(\s*\()?`)
	promKeywords = []string{"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"}
)

// metricNames returns the metric names a PromQL expression selects: every
// identifier that is not a function, a keyword, a label or a duration.
func metricNames(expr string) []string {
	expr = promStrings.ReplaceAllString(expr, `""`)
	expr = promMatchers.ReplaceAllString(expr, "")
	expr = promRanges.ReplaceAllString(expr, "")
	expr = promGrouping.ReplaceAllString(expr, "")
	var names []string
	for _, m := range promIdent.FindAllStringSubmatchIndex(expr, -1) {
		if m[2] >= 0 {
			continue // a function or an aggregation: name(
		}
		if m[0] > 0 && (expr[m[0]-1] >= '0' && expr[m[0]-1] <= '9' || expr[m[0]-1] == '.') {
			continue // the exponent of a number such as 1e3
		}
		name := expr[m[0]:m[1]]
		if !slices.Contains(promKeywords, strings.ToLower(name)) {
			names = append(names, name)
		}
	}
	return names
}

func TestMetricNames(t *testing.T) {
	f := func(expr string, want ...string) {
		t.Helper()
		if got := metricNames(expr); !slices.Equal(got, want) {
			t.Errorf("metricNames(%q) = %q; want %q", expr, got, want)
		}
	}
	f(`histogram_quantile(0.99, sum by (le, route) (rate(biogen_http_request_duration_seconds_bucket[$__rate_interval])))`,
		"biogen_http_request_duration_seconds_bucket")
	f(`sum by (cache) (rate(biogen_cache_lookups_total{result="hit", cache=~"a|b"}[5m])) / sum without (tenant) (rate(biogen_cache_lookups_total[5m]))`,
		"biogen_cache_lookups_total", "biogen_cache_lookups_total")
	f(`max by (provider) (biogen_breaker_state) > bool 1e3`, "biogen_breaker_state")
	f(`rate(biogn_tokens_total[1h]) or on (provider) process_cpu_seconds_total offset 5m`, "biogn_tokens_total", "process_cpu_seconds_total")
	f(`sum(increase(biogen_cost_usd_total{provider!="local"}[1h]))`, "biogen_cost_usd_total")
}

// TestDashboardQueriesRealMetrics checks that every panel of the Grafana
// dashboard queries only metric families biogen exposes (a histogram's
// _bucket, _sum and _count included) or the process and Go runtime ones,
// through the provisioned data source, and that the panels the operations
// guide promises are there.
func TestDashboardQueriesRealMetrics(t *testing.T) {
	families := telemetry.Families()
	known := func(name string) bool {
		if strings.HasPrefix(name, "process_") || strings.HasPrefix(name, "go_") {
			return true
		}
		for _, suffix := range []string{"", "_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(name, suffix); ok && slices.Contains(families, base) {
				return true
			}
		}
		return false
	}
	var ds struct {
		Datasources []struct {
			UID  string `yaml:"uid"`
			Type string `yaml:"type"`
			URL  string `yaml:"url"`
		} `yaml:"datasources"`
	}
	readYAML(t, "grafana/provisioning/datasources/prometheus.yml", &ds)
	if len(ds.Datasources) != 1 || ds.Datasources[0].Type != "prometheus" || ds.Datasources[0].URL != "http://prometheus:9090" {
		t.Fatalf("provisioned data sources %+v; want the prometheus service", ds.Datasources)
	}

	used := map[string]bool{}
	panels := dashboardPanels(t)
	for _, p := range panels {
		if p.Datasource.UID != ds.Datasources[0].UID {
			t.Errorf("panel %q uses data source %q; want the provisioned %q", p.Title, p.Datasource.UID, ds.Datasources[0].UID)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, target := range p.Targets {
			names := metricNames(target.Expr)
			if len(names) == 0 {
				t.Errorf("panel %q: %q selects no metric", p.Title, target.Expr)
			}
			for _, n := range names {
				if !known(n) {
					t.Errorf("panel %q: %q queries %s, which biogen does not expose (internal/telemetry/help.go)", p.Title, target.Expr, n)
				}
				used[n] = true
			}
		}
	}
	for _, want := range []string{
		"biogen_http_request_duration_seconds_bucket", "biogen_provider_first_token_seconds_bucket",
		"biogen_cache_lookups_total", "biogen_fallbacks_total", "biogen_breaker_state",
		"biogen_tokens_total", "biogen_cost_usd_total", "biogen_bio_flags_total",
		"biogen_regenerations_total", "biogen_first_bios_total", "biogen_check_rejections_total",
	} {
		if !used[want] {
			t.Errorf("no panel queries %s", want)
		}
	}
}

// TestDashboardProvisioned checks that Grafana's dashboard provider reads
// the directory docker-compose.yml mounts the dashboards at.
func TestDashboardProvisioned(t *testing.T) {
	var prov struct {
		Providers []struct {
			Options struct {
				Path string `yaml:"path"`
			} `yaml:"options"`
		} `yaml:"providers"`
	}
	readYAML(t, "grafana/provisioning/dashboards/biogen.yml", &prov)
	grafana := service(t, mustLoad(t, "docker-compose.yml"), "grafana")
	mounts := map[string]string{}
	for _, v := range grafana.Volumes {
		mounts[v.Target] = v.Source
	}
	if len(prov.Providers) != 1 || !strings.HasSuffix(mounts[prov.Providers[0].Options.Path], "deploy/grafana/dashboards") {
		t.Errorf("the dashboard provider reads %+v; grafana mounts %v", prov.Providers, mounts)
	}
	if !strings.HasSuffix(mounts["/etc/grafana/provisioning"], "deploy/grafana/provisioning") {
		t.Errorf("grafana mounts %v; want deploy/grafana/provisioning at /etc/grafana/provisioning", mounts)
	}
}
