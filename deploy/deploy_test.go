package deploy

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"

	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/tenant"
)

// digest is an operator's key digest; the repository ships none.
var digest = tenant.Digest("deploy-test-key")

// load loads the compose files (relative to the repository) as
// `docker compose` does, with every profile enabled and env as the only
// environment: neither the test's environment nor a .env file leaks in.
func load(t *testing.T, env map[string]string, files ...string) (*types.Project, error) {
	t.Helper()
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	var paths []string
	for _, f := range files {
		paths = append(paths, filepath.Join("..", f))
	}
	opts, err := cli.NewProjectOptions(paths, cli.WithEnv(environ), cli.WithProfiles([]string{"*"}))
	if err != nil {
		t.Fatal(err)
	}
	return cli.ProjectFromOptions(t.Context(), opts)
}

func mustLoad(t *testing.T, files ...string) *types.Project {
	t.Helper()
	p, err := load(t, map[string]string{"BIOGEN_KEY_DIGEST": digest}, files...)
	if err != nil {
		t.Fatalf("cannot load %v: %v", files, err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, err := p.GetService(name)
	if err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return s
}

// TestCompose checks what makes `docker compose up -d` work on the first
// try: Ollama is healthy before init pulls, biogen starts without waiting
// for the models, stops after its own shutdown grace, and every file
// mounted from the repository is there.
func TestCompose(t *testing.T) {
	p := mustLoad(t, "docker-compose.yml")
	ollama, initSvc, biogen := service(t, p, "ollama"), service(t, p, "init"), service(t, p, "biogen")

	if ollama.HealthCheck == nil || len(ollama.HealthCheck.Test) == 0 {
		t.Errorf("ollama has no health check")
	}
	if d, ok := initSvc.DependsOn["ollama"]; !ok || d.Condition != types.ServiceConditionHealthy {
		t.Errorf("init depends on ollama %+v; want condition %s", d, types.ServiceConditionHealthy)
	}
	if initSvc.Restart != "no" {
		t.Errorf("init restart %q; want \"no\"", initSvc.Restart)
	}
	if initSvc.Image != ollama.Image {
		t.Errorf("init image %q; want ollama's %q", initSvc.Image, ollama.Image)
	}
	script := strings.Join(initSvc.Command, " ")
	for _, want := range []string{
		"biogen-writer:8b llama3.1:8b /models/biogen-writer-8b.Modelfile",
		"biogen-writer:3b llama3.2:3b /models/biogen-writer-3b.Modelfile",
		"ollama pull", "ollama create", "ollama show",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("init's script has no %q:\n%s", want, script)
		}
	}
	for _, f := range []string{"biogen-writer-8b.Modelfile", "biogen-writer-3b.Modelfile"} {
		if _, err := os.Stat(filepath.Join("..", "models", f)); err != nil {
			t.Errorf("init creates a model from /models/%s: %v", f, err)
		}
	}

	if _, ok := biogen.DependsOn["init"]; ok {
		t.Errorf("biogen depends on init: it would wait for gigabytes of models instead of answering with templates")
	}
	if d, ok := biogen.DependsOn["ollama"]; !ok || d.Condition != types.ServiceConditionStarted {
		t.Errorf("biogen depends on ollama %+v; want condition %s", d, types.ServiceConditionStarted)
	}
	if biogen.Build == nil || biogen.Build.Context == "" {
		t.Errorf("biogen is not built from the repository")
	} else if _, err := os.Stat(filepath.Join(biogen.Build.Context, "Dockerfile")); err != nil {
		t.Errorf("biogen's build context: %v", err)
	}
	if biogen.StopGracePeriod == nil || time.Duration(*biogen.StopGracePeriod) <= 25*time.Second {
		t.Errorf("biogen stop_grace_period %v; want more than the default shutdown_grace of 25s", biogen.StopGracePeriod)
	}
	if hc := biogen.HealthCheck; hc == nil || !slices.Equal(hc.Test, []string{"CMD", "/biogen", "-healthcheck", "http://127.0.0.1:9090/healthz"}) {
		t.Errorf("biogen health check %+v; want /biogen -healthcheck on the admin /healthz", hc)
	}
	for _, port := range biogen.Ports {
		if port.Target == 9090 && port.HostIP != "127.0.0.1" {
			t.Errorf("the admin port is published on %q; want 127.0.0.1 only", port.HostIP)
		}
	}
	for _, v := range biogen.Volumes {
		if strings.Contains(v.Source, "config.example.yaml") {
			t.Errorf("biogen mounts %s: its placeholders stop biogen; the configuration comes from configs.biogen", v.Source)
		}
	}

	for _, name := range []string{"prometheus", "grafana"} {
		s := service(t, p, name)
		if !slices.Equal(s.Profiles, []string{"observability"}) {
			t.Errorf("%s profiles %v; want [observability]", name, s.Profiles)
		}
		if strings.HasSuffix(s.Image, ":latest") || !strings.Contains(s.Image, ":") {
			t.Errorf("%s image %q is not pinned", name, s.Image)
		}
		for _, port := range s.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %d on %q; want 127.0.0.1 only", name, port.Target, port.HostIP)
			}
		}
	}

	for name, s := range p.Services {
		for _, v := range s.Volumes {
			if v.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(v.Source); err != nil {
				t.Errorf("%s bind-mounts %s, which is not in the repository: %v", name, v.Source, err)
			}
			if !v.ReadOnly {
				t.Errorf("%s bind-mounts %s writable; want read-only", name, v.Source)
			}
		}
	}
}

// TestComposeGPU checks the GPU override: merged with docker-compose.yml
// it gives Ollama the NVIDIA devices, and the base file asks for none, so
// that it starts on a host without GPUs.
func TestComposeGPU(t *testing.T) {
	hasGPU := func(s types.ServiceConfig) bool {
		if s.Deploy == nil || s.Deploy.Resources.Reservations == nil {
			return false
		}
		for _, d := range s.Deploy.Resources.Reservations.Devices {
			if d.Driver == "nvidia" && slices.Contains(d.Capabilities, "gpu") {
				return true
			}
		}
		return false
	}
	if hasGPU(service(t, mustLoad(t, "docker-compose.yml"), "ollama")) {
		t.Errorf("docker-compose.yml reserves a GPU: it would not start on a CPU-only host")
	}
	merged := mustLoad(t, "docker-compose.yml", "docker-compose.gpu.yml")
	if !hasGPU(service(t, merged, "ollama")) {
		t.Errorf("docker-compose.gpu.yml does not give ollama an NVIDIA GPU")
	}
	if len(merged.Services) != len(mustLoad(t, "docker-compose.yml").Services) {
		t.Errorf("docker-compose.gpu.yml adds services; want an override of ollama only")
	}
}

// TestComposeNeedsKey checks that without a key digest `docker compose up`
// stops at once, saying what to set, instead of starting a biogen that
// would crash in a loop or serve without keys.
func TestComposeNeedsKey(t *testing.T) {
	for _, env := range []map[string]string{nil, {"BIOGEN_KEY_DIGEST": ""}} {
		_, err := load(t, env, "docker-compose.yml")
		if err == nil {
			t.Fatalf("loaded with BIOGEN_KEY_DIGEST %q; want an error", env["BIOGEN_KEY_DIGEST"])
		}
		for _, want := range []string{"BIOGEN_KEY_DIGEST", "sha256:<hex of your API key>", "docs/operations.md"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("got %q; want it to say %q", err, want)
			}
		}
	}
}

// TestComposeBiogenConfig checks that the configuration compose gives
// biogen is valid for biogen's own loader, with the environment of the
// biogen service: one on-prem tenant whose only key is the operator's.
func TestComposeBiogenConfig(t *testing.T) {
	p := mustLoad(t, "docker-compose.yml")
	biogen := service(t, p, "biogen")
	if len(biogen.Configs) != 1 || biogen.Configs[0].Source != "biogen" || biogen.Configs[0].Target != "/etc/biogen/biogen.yaml" {
		t.Fatalf("biogen configs %+v; want configs.biogen at /etc/biogen/biogen.yaml", biogen.Configs)
	}
	if !slices.Equal(biogen.Command, []string{"-config", "/etc/biogen/biogen.yaml"}) {
		t.Errorf("biogen command %v; want -config /etc/biogen/biogen.yaml", biogen.Command)
	}
	content := p.Configs["biogen"].Content
	if content == "" {
		t.Fatalf("configs.biogen has no content")
	}
	path := filepath.Join(t.TempDir(), "biogen.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, func(k string) string {
		if v := biogen.Environment[k]; v != nil {
			return *v
		}
		return ""
	})
	if err != nil {
		t.Fatalf("biogen refuses the configuration of docker-compose.yml: %v\n%s", err, content)
	}
	if c.Server.Addr != "0.0.0.0:8080" || c.Server.AdminAddr != "0.0.0.0:9090" {
		t.Errorf("addr %q, admin_addr %q; want 0.0.0.0:8080 and 0.0.0.0:9090", c.Server.Addr, c.Server.AdminAddr)
	}
	if grace := time.Duration(*biogen.StopGracePeriod); grace <= c.Server.ShutdownGrace {
		t.Errorf("stop_grace_period %s; want more than server.shutdown_grace %s", grace, c.Server.ShutdownGrace)
	}
	// The container's file system is read-only: data_dir needs a
	// writable volume, or biogen cannot open its store and stops.
	if !slices.ContainsFunc(biogen.Volumes, func(v types.ServiceVolumeConfig) bool {
		return v.Target == c.DataDir && v.Type == types.VolumeTypeVolume && !v.ReadOnly
	}) {
		t.Errorf("data_dir %q is not on a writable volume of biogen: %+v", c.DataDir, biogen.Volumes)
	}
	if len(c.Tenants) != 1 {
		t.Fatalf("%d tenants; want one", len(c.Tenants))
	}
	tc := c.Tenants[0]
	if tc.Policy != tenant.OnPremOnly {
		t.Errorf("tenant %s policy %q; want %q", tc.ID, tc.Policy, tenant.OnPremOnly)
	}
	if len(tc.Keys) != 1 || tc.Keys[0].Digest != digest {
		t.Errorf("tenant %s keys %+v; want the one of BIOGEN_KEY_DIGEST", tc.ID, tc.Keys)
	}
	if want := []string{"writer8b", "writer3b", "template"}; !slices.Equal(tc.Chain, want) {
		t.Errorf("tenant %s chain %v; want %v", tc.ID, tc.Chain, want)
	}
	models := map[string]string{}
	for _, pc := range c.Providers {
		if pc.Kind == config.KindExternal {
			t.Errorf("provider %s is external; the compose deployment is on-prem only", pc.Name)
		}
		if pc.Kind == config.KindOllama {
			models[pc.Name] = pc.Model
			if pc.Host != "http://ollama:11434" {
				t.Errorf("provider %s host %q; want the ollama service", pc.Name, pc.Host)
			}
		}
	}
	if models["writer8b"] != "biogen-writer:8b" || models["writer3b"] != "biogen-writer:3b" {
		t.Errorf("ollama providers %v; want writer8b biogen-writer:8b and writer3b biogen-writer:3b", models)
	}
}

// TestNoPublishedKeyDigest checks that no file outside the tests holds a
// well-formed key digest: one published here would let anyone in who read
// the repository.
func TestNoPublishedKeyDigest(t *testing.T) {
	re := regexp.MustCompile(`sha256:[0-9a-fA-F]{64}`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != ".." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "tools" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, "_test.go") || d.Name() == "go.sum" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if m := re.Find(b); m != nil {
			t.Errorf("%s publishes the key digest %s; write a placeholder biogen refuses", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPrometheusScrapesAdmin checks that Prometheus scrapes biogen's admin
// listener, the one that needs no key.
func TestPrometheusScrapesAdmin(t *testing.T) {
	var cfg struct {
		ScrapeConfigs []struct {
			MetricsPath   string `yaml:"metrics_path"`
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	readYAML(t, "prometheus/prometheus.yml", &cfg)
	var targets []string
	for _, sc := range cfg.ScrapeConfigs {
		for _, s := range sc.StaticConfigs {
			targets = append(targets, s.Targets...)
		}
	}
	if !slices.Contains(targets, "biogen:9090") {
		t.Errorf("prometheus scrapes %v; want biogen:9090", targets)
	}
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestBinaryHasNoComposeLoader checks that compose-go stays a test-only
// dependency: the biogen binary must not carry it.
func TestBinaryHasNoComposeLoader(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		t.Skipf("no go command to list the binary's packages: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-deps", "../cmd/biogen").Output()
	if err != nil {
		t.Fatalf("go list -deps ../cmd/biogen: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.Contains(pkg, "compose-spec") {
			t.Errorf("cmd/biogen depends on %s; compose-go is for this test only", pkg)
		}
	}
}
