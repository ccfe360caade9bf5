package httpapi

import (
	"bytes"
	"testing"

	"github.com/biogen/biogen/internal/tenant"
)

// TestOwnSeriesOfExperiments: a tenant's key reads the series of the
// providers of its experiment's arms, and of its experiment, never those
// that name another tenant's experiment (their IDs and arms are its
// configuration).
func TestOwnSeriesOfExperiments(t *testing.T) {
	acme := &tenant.Tenant{Config: tenant.Config{ID: "acme", Chain: []string{"big", "template"}},
		Experiment: &tenant.Experiment{ID: "prompt-v2", Arms: []tenant.Arm{{Name: "control"}, {Name: "v2", Chain: []string{"small", "template"}}}}}
	in := "" +
		"b{provider=\"big\",experiment=\"\",arm=\"\"} 1\n" +
		"b{provider=\"big\",experiment=\"prompt-v2\",arm=\"control\"} 2\n" +
		"b{provider=\"small\",experiment=\"prompt-v2\",arm=\"v2\"} 3\n" +
		"b{provider=\"big\",experiment=\"globex-tone\",arm=\"casual\"} 4\n" +
		"b{provider=\"other\",experiment=\"\",arm=\"\"} 5\n"
	want := "" +
		"b{provider=\"big\",experiment=\"\",arm=\"\"} 1\n" +
		"b{provider=\"big\",experiment=\"prompt-v2\",arm=\"control\"} 2\n" +
		"b{provider=\"small\",experiment=\"prompt-v2\",arm=\"v2\"} 3\n"
	var b bytes.Buffer
	writeOwnSeries(&b, []byte(in), acme)
	if b.String() != want {
		t.Fatalf("acme's series:\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	writeOwnSeries(&b, []byte(in), &tenant.Tenant{Config: tenant.Config{ID: "plain", Chain: []string{"big", "template"}}})
	if b.String() != "b{provider=\"big\",experiment=\"\",arm=\"\"} 1\n" {
		t.Fatalf("a tenant without experiments reads\n%s", b.String())
	}
}
