package wiring

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/tenant"
)

// TestOnPremDataNeverLeaves runs every upstream fault for an onprem_only
// tenant whose server also has an external provider configured for another
// tenant, and checks that the external API never receives a byte from it;
// the allow_external tenant's request does reach it, pseudonymised.
func TestOnPremDataNeverLeaves(t *testing.T) {
	t.Setenv("BIOGEN_TEST_CLOUD_KEY", "sk-test")
	cloud, cloudURL := fakeServer(t, fakellm.Config{})
	faults := append([]fakellm.Fault{"refused", fakellm.FaultNone}, fakellm.Faults...)
	opened := 0 // requests of the allow_external tenant
	for _, fault := range faults {
		var bigURL string
		if fault == "refused" {
			bigURL = closedPort(t)
		} else {
			_, bigURL = fakeServer(t, fakellm.Config{Fault: func(int64) fakellm.Fault { return fault }, SlowDelay: 5 * time.Second, RetryAfter: "0"})
		}
		providers := ollamaProvider("big", bigURL) +
			fmt.Sprintf("  - name: cloud\n    kind: external\n    base_url: %s/v1\n    model: gpt-test\n    api_key_env: BIOGEN_TEST_CLOUD_KEY\n", cloudURL)
		tenants := "tenants:\n" +
			"  - id: vault\n    policy: onprem_only\n    keys: [\"" + tenant.Digest("vault-key") + "\"]\n    chain: [big]\n" +
			"  - id: open\n    policy: allow_external\n    keys: [\"" + tenant.Digest("open-key") + "\"]\n    chain: [big, cloud]\n"
		r := startAppYAML(t, "server:\n  addr: 127.0.0.1:0\n  request_timeout: 10s\n  write_timeout: 20s\nproviders:\n"+providers+tenants)
		before := cloud.BytesReceived()
		got := r.bioWithKey(t, "vault-key", bioRequest)
		if got.Source == "external" || cloud.BytesReceived() != before || cloud.Requests() != int64(opened) {
			t.Fatalf("fault %q: on-prem request reached the external API (source %s, %d bytes)", fault, got.Source, cloud.BytesReceived()-before)
		}
		if fault == fakellm.Fault500 {
			// The open tenant falls back to the external API, pseudonymised.
			got := r.bioWithKey(t, "open-key", bioRequest)
			opened++
			if got.Source != "external" || got.Provider != "cloud" || !strings.Contains(got.Bio, "Ada Okafor") {
				t.Fatalf("open tenant: %+v", got)
			}
			body := cloud.Bodies()[len(cloud.Bodies())-1]
			if strings.Contains(body, "Ada") || strings.Contains(body, "Okafor") || strings.Contains(body, "w-1") {
				t.Fatalf("identifying data sent: %s", body)
			}
		}
	}
	if opened != 1 || cloud.Requests() != 1 {
		t.Fatalf("the external API saw %d requests; want the open tenant's 1", cloud.Requests())
	}
}

func startAppYAML(t *testing.T, yaml string) *running {
	t.Helper()
	cfg := loadConfig(t, yaml)
	return runApp(t, cfg)
}

func (r *running) bioWithKey(t *testing.T, key, body string) bio.Response {
	t.Helper()
	out, _ := r.postJSON(t, key, []byte(body))
	return out
}
