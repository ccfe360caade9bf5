package tenant

import (
	"slices"
	"strings"
	"testing"
)

// twoArms is the contract's example: control and v2, half and half.
func twoArms() []ExperimentConfig {
	return []ExperimentConfig{{ID: "prompt-v2", Arms: []ArmConfig{
		{Name: "control", Weight: new(50)},
		{Name: "v2", Weight: new(50), PromptVersion: "v2", Chain: []string{"small", "template"}},
	}}}
}

// TestExperimentValidation checks each rule of tenants[].experiments, with
// the key of the bad value in the message.
func TestExperimentValidation(t *testing.T) {
	f := func(change func(e []ExperimentConfig) []ExperimentConfig, want string) {
		t.Helper()
		c := filled(Config{ID: "acme", Keys: []Key{{Digest: Digest("k")}}})
		c.Experiments = change(twoArms())
		_, err := New([]Config{c})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v; want an error with %q", err, want)
		}
	}
	f(func(e []ExperimentConfig) []ExperimentConfig { e[0].ID = "Prompt V2"; return e }, `tenants[0].experiments[0].id: "Prompt V2" must be`)
	f(func(e []ExperimentConfig) []ExperimentConfig { e[0].Arms = nil; return e }, "tenants[0].experiments[0].arms: empty")
	f(func(e []ExperimentConfig) []ExperimentConfig { e[0].Arms[1].Name = "control"; return e },
		`tenants[0].experiments[0].arms[1].name: "control" is used twice in experiment "prompt-v2"`)
	f(func(e []ExperimentConfig) []ExperimentConfig { e[0].Arms[0].Name = ""; return e }, `tenants[0].experiments[0].arms[0].name: "" must be`)
	f(func(e []ExperimentConfig) []ExperimentConfig { e[0].Arms[1].Weight = nil; return e }, "tenants[0].experiments[0].arms[1].weight: required")
	f(func(e []ExperimentConfig) []ExperimentConfig { e[0].Arms[1].Weight = new(-1); return e }, "tenants[0].experiments[0].arms[1].weight: -1 must be between 0 and 1000000")
	f(func(e []ExperimentConfig) []ExperimentConfig {
		e[0].Arms[0].Weight, e[0].Arms[1].Weight = new(0), new(0)
		return e
	}, "tenants[0].experiments[0].arms: the weights add up to 0")
	f(func(e []ExperimentConfig) []ExperimentConfig {
		e[0].Arms[1].Chain = []string{"small", "small"}
		return e
	},
		`tenants[0].experiments[0].arms[1].chain[1]: provider "small" listed twice`)
	f(func(e []ExperimentConfig) []ExperimentConfig { return append(e, ExperimentConfig{ID: "tone"}) },
		`tenants[0].experiments[1]: tenant "acme" runs "prompt-v2" already; a tenant runs one experiment at a time`)
}

// TestExperimentPlain checks that New hands the experiment on as plain
// values, and no experiment as nil.
func TestExperimentPlain(t *testing.T) {
	with := filled(Config{ID: "acme", Keys: []Key{{Digest: Digest("a")}}, Experiments: twoArms()})
	without := filled(Config{ID: "globex", Keys: []Key{{Digest: Digest("b")}}})
	r, err := New([]Config{with, without})
	if err != nil {
		t.Fatal(err)
	}
	e := r.Tenants()[0].Experiment
	if e == nil || e.ID != "prompt-v2" || len(e.Arms) != 2 || !slices.Equal(e.Weights(), []int{50, 50}) ||
		e.Arms[1].PromptVersion != "v2" || !slices.Equal(e.Arms[1].Chain, []string{"small", "template"}) || e.Arms[0].Chain != nil {
		t.Fatalf("experiment %+v", e)
	}
	if e := r.Tenants()[1].Experiment; e != nil {
		t.Fatalf("a tenant without experiments has %+v", e)
	}
}
