package wiring

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/experiment"
	"github.com/biogen/biogen/internal/fakellm"
)

// mixYAML configures a keyless tenant whose experiment "mix-exp" splits
// its users between arm control (the tenant's chain, model mix-big, and
// prompt v1) and arm v2 (prompt v2 and its own chain, model mix-small),
// on one fake model server.
func mixYAML(url string) string {
	return "server:\n  addr: 127.0.0.1:0\n  admin_addr: 127.0.0.1:0\n  shutdown_grace: 5s\n  request_timeout: 10s\n  write_timeout: 20s\n" +
		"providers:\n" +
		"  - {name: mixbig, kind: ollama, model: mix-big, host: " + url + ", timeout: 5s}\n" +
		"  - {name: mixsmall, kind: ollama, model: mix-small, host: " + url + ", timeout: 5s}\n" +
		"tenants:\n  - id: mix\n    chain: [mixbig]\n    rate_limit: {requests_per_second: 100000}\n" +
		"    experiments:\n      - id: mix-exp\n        arms:\n" +
		"          - {name: control, weight: 50}\n" +
		"          - {name: v2, weight: 50, prompt_version: v2, chain: [mixsmall]}\n"
}

// metrics reads the admin /metrics into series → value.
func (r *running) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	resp, err := r.client.Get(r.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		i := strings.LastIndexByte(line, ' ')
		if strings.HasPrefix(line, "#") || i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	io.Copy(io.Discard, resp.Body)
	return out
}

// TestScriptedMixMetrics runs a scripted mix through the service: 20 first
// bios, 10 users in each arm, 2 repeats answered from the cache and 5
// regenerations (3 in control, 2 in v2), then reads /metrics: the bios,
// first bios and regenerations are counted exactly, by provider, model,
// prompt version and arm, and no other series of the experiment moved.
// Every response names the user's arm, which the hash alone decides, the
// same after a restart; each arm's model got its arm's prompt.
func TestScriptedMixMetrics(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	r := runApp(t, loadConfig(t, mixYAML(url)))
	split, err := experiment.New("mix-exp", []int{50, 50})
	if err != nil {
		t.Fatal(err)
	}
	arms := []string{"control", "v2"}
	var users [2][]string
	for i := 0; len(users[0]) < 10 || len(users[1]) < 10; i++ {
		u := fmt.Sprintf("mix-%d", i)
		if a := split.Arm(u); len(users[a]) < 10 {
			users[a] = append(users[a], u)
		}
	}
	ask := func(user string, regenerate bool) bio.Response {
		t.Helper()
		body := withUser(t, []byte(bioRequest), user)
		if regenerate {
			body = []byte(strings.Replace(string(body), `{`, `{"regenerate":true,`, 1))
		}
		out, _ := r.postJSON(t, "", body)
		arm := arms[split.Arm(user)]
		version := map[string]string{"control": "bio-v1", "v2": "bio-v2"}[arm]
		if out.Experiment == nil || *out.Experiment != (bio.Experiment{ID: "mix-exp", Arm: arm}) || out.PromptVersion != version {
			t.Fatalf("user %s: experiment %+v, prompt %s; want arm %s of mix-exp, %s", user, out.Experiment, out.PromptVersion, arm, version)
		}
		r.app.cache.Wait()
		return out
	}
	before := r.metrics(t)
	for _, arm := range users {
		for _, u := range arm {
			if out := ask(u, false); out.Cache != bio.CacheMiss {
				t.Fatalf("first bio of %s: cache %s", u, out.Cache)
			}
		}
	}
	for _, u := range users[0][:2] {
		if out := ask(u, false); out.Cache != bio.CacheExact {
			t.Fatalf("repeat of %s: cache %s; want an exact hit", u, out.Cache)
		}
	}
	for _, u := range append(append([]string{}, users[0][:3]...), users[1][:2]...) {
		if out := ask(u, true); out.Cache != bio.CacheMiss {
			t.Fatalf("regeneration of %s: cache %s", u, out.Cache)
		}
	}
	after := r.metrics(t)

	control := `prompt_version="bio-v1",experiment="mix-exp",arm="control"`
	v2 := `prompt_version="bio-v2",experiment="mix-exp",arm="v2"`
	want := map[string]float64{
		`biogen_first_bios_total{provider="mixbig",model="mix-big",` + control + `}`:                          10,
		`biogen_first_bios_total{provider="mixsmall",model="mix-small",` + v2 + `}`:                           10,
		`biogen_regenerations_total{provider="mixbig",model="mix-big",` + control + `}`:                       3,
		`biogen_regenerations_total{provider="mixsmall",model="mix-small",` + v2 + `}`:                        2,
		`biogen_bios_total{source="ollama",provider="mixbig",cache="miss",degraded="false",` + control + `}`:  13,
		`biogen_bios_total{source="ollama",provider="mixbig",cache="exact",degraded="false",` + control + `}`: 2,
		`biogen_bios_total{source="ollama",provider="mixsmall",cache="miss",degraded="false",` + v2 + `}`:     12,
	}
	for series, n := range want {
		if got := after[series] - before[series]; got != n {
			t.Errorf("%s moved by %v; want %v", series, got, n)
		}
	}
	for series := range after {
		if strings.Contains(series, `experiment="mix-exp"`) && strings.HasPrefix(series, "biogen_") && !strings.HasPrefix(series, "biogen_bio_flag") {
			if _, ok := want[series]; !ok && after[series] != before[series] {
				t.Errorf("%s moved by %v; want no other series of the experiment to move", series, after[series]-before[series])
			}
		}
	}
	// Each arm's model got its arm's prompt: the 12 calls of v2 (10 first
	// bios and 2 regenerations) rendered bio/v2, the 13 of control v1.
	v2Prompts, v1Prompts := 0, 0
	for _, b := range fake.Bodies() {
		switch {
		case strings.Contains(b, `"mix-small"`) && strings.Contains(b, "aiming for about"):
			v2Prompts++
		case strings.Contains(b, `"mix-big"`) && !strings.Contains(b, "aiming for about"):
			v1Prompts++
		default:
			t.Errorf("a model call of the wrong prompt: %.300s", b)
		}
	}
	if v2Prompts != 12 || v1Prompts != 13 {
		t.Errorf("model calls: %d of v2 by mix-small, %d of v1 by mix-big; want 12 and 13", v2Prompts, v1Prompts)
	}

	// A restart assigns every user as before (ask checks the arm).
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	r = runApp(t, loadConfig(t, mixYAML(url)))
	for _, u := range []string{users[0][0], users[0][9], users[1][0], users[1][9]} {
		ask(u, false)
	}
}

// TestFeedbackCountsTheArm: through the service, feedback on a bio served
// in an experiment arm is counted with the experiment and the arm that
// wrote it (and its arm's provider, model and prompt), whether the bio was
// a first bio, answered again from the exact cache with the same id, or a
// job item's; no feedback series outside the experiment moves.
func TestFeedbackCountsTheArm(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	r := runApp(t, loadConfig(t, mixYAML(url)))
	split, err := experiment.New("mix-exp", []int{50, 50})
	if err != nil {
		t.Fatal(err)
	}
	// Two users in each arm: the first asks for a bio, the second's is a
	// job item.
	var users [2][]string
	for i := 0; len(users[0]) < 2 || len(users[1]) < 2; i++ {
		u := fmt.Sprintf("fb-mix-%d", i)
		if a := split.Arm(u); len(users[a]) < 2 {
			users[a] = append(users[a], u)
		}
	}
	arms := []string{"control", "v2"}
	inArm := func(what string, a int, out *bio.Response) {
		t.Helper()
		if out == nil || out.Experiment == nil || *out.Experiment != (bio.Experiment{ID: "mix-exp", Arm: arms[a]}) {
			t.Fatalf("%s: %+v; want a bio of arm %s", what, out, arms[a])
		}
	}
	before := r.metrics(t)
	ids := [2][2]string{}
	for a := range users {
		body := withUser(t, []byte(bioRequest), users[a][0])
		first, _ := r.postJSON(t, "", body)
		inArm("first bio", a, &first)
		r.app.cache.Wait()
		hit, _ := r.postJSON(t, "", body)
		inArm("exact hit", a, &hit)
		if hit.Cache != bio.CacheExact || hit.ID != first.ID {
			t.Fatalf("arm %s: a %s hit with id %s; want an exact hit with the bio's id %s", arms[a], hit.Cache, hit.ID, first.ID)
		}
		ids[a][0] = first.ID
	}
	job := r.submit(t, `{"items":[`+string(withUser(t, []byte(bioRequest), users[0][1]))+`,`+
		string(withUser(t, []byte(bioRequest), users[1][1]))+`]}`)
	j := r.waitJob(t, job, func(j jobView) bool { return j.FinishedAt != nil })
	if j.Status != "succeeded" || len(j.Items) != 2 {
		t.Fatalf("job: %+v", j)
	}
	for a, it := range j.Items {
		inArm("job item", a, it.Bio)
		ids[a][1] = it.Bio.ID
	}
	for a := range ids {
		if status, _ := r.give(t, ids[a][0], `{"rating":"down","reason":"tone","edited_bio":"Ada builds data platforms."}`); status != 202 {
			t.Fatalf("feedback on arm %s's bio: %d", arms[a], status)
		}
		if status, _ := r.give(t, ids[a][1], `{"rating":"up"}`); status != 202 {
			t.Fatalf("feedback on arm %s's job item: %d", arms[a], status)
		}
	}
	after := r.metrics(t)

	control := `provider="mixbig",model="mix-big",prompt_version="bio-v1",experiment="mix-exp",arm="control"`
	v2 := `provider="mixsmall",model="mix-small",prompt_version="bio-v2",experiment="mix-exp",arm="v2"`
	want := map[string]float64{}
	for _, labels := range []string{control, v2} {
		want[`biogen_feedback_total{rating="down",reason="tone",`+labels+`}`] = 1
		want[`biogen_feedback_total{rating="up",reason="none",`+labels+`}`] = 1
		want[`biogen_feedback_edit_ratio_count{`+labels+`}`] = 1
	}
	for series, n := range want {
		if got := after[series] - before[series]; got != n {
			t.Errorf("%s moved by %v; want %v", series, got, n)
		}
	}
	for series := range after {
		if strings.HasPrefix(series, "biogen_feedback_") && strings.Contains(series, `provider="mix`) &&
			!strings.Contains(series, `experiment="mix-exp"`) && after[series] != before[series] {
			t.Errorf("%s moved by %v; want feedback on the experiment's bios counted in its arms", series, after[series]-before[series])
		}
	}
}

// TestAccessLogNamesTheArm: the access line of a bio answered in an
// experiment names the experiment and the arm (and the prompt version the
// arm uses), as the response does.
func TestAccessLogNamesTheArm(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: &buf, mu: &mu}, nil))
	r := runAppLog(t, loadConfig(t, mixYAML(url)), log)
	seen := map[string]bool{}
	for i := 0; i < 40 && len(seen) < 2; i++ {
		got, _ := r.postJSON(t, "", withUser(t, []byte(bioRequest), fmt.Sprintf("arm-log-%d", i)))
		if got.Experiment == nil {
			t.Fatalf("no experiment in %+v", got)
		}
		mu.Lock()
		lines := strings.Split(buf.String(), "\n")
		mu.Unlock()
		found := false
		for _, l := range lines {
			var m map[string]any
			if json.Unmarshal([]byte(l), &m) == nil && m["msg"] == "request" && m["bio_id"] == got.ID {
				found = m["experiment"] == got.Experiment.ID && m["arm"] == got.Experiment.Arm && m["prompt_version"] == got.PromptVersion
				if !found {
					t.Fatalf("access line %v; want experiment %q arm %q prompt %q", m, got.Experiment.ID, got.Experiment.Arm, got.PromptVersion)
				}
			}
		}
		if !found {
			t.Fatalf("no access line for bio %s", got.ID)
		}
		seen[got.Experiment.Arm] = true
	}
	if len(seen) != 2 {
		t.Fatalf("arms seen %v; want both", seen)
	}
}
