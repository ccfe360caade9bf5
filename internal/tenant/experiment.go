package tenant

import (
	"fmt"
	"slices"

	"github.com/biogen/biogen/internal/experiment"
)

// ExperimentConfig is tenants[].experiments[] as the file gives it: the
// tenant's users split between arms that answer differently (contract
// 1.1, "Experiments"; docs/config.md). New turns it into the plain
// Experiment of the Tenant.
//
// The zero value is not valid. It is plain data, read-only once loaded.
type ExperimentConfig struct {
	// ID names the experiment in responses and metrics, and with the user
	// ID decides each user's arm: a new ID assigns everyone afresh. 1 to
	// 64 characters of a-z, 0-9, '-' and '_', unique in the configuration.
	ID string `yaml:"id"`
	// Arms are the ways of answering, in order; their order and weights
	// decide who gets which, so changing either moves some users.
	Arms []ArmConfig `yaml:"arms"`
}

// ArmConfig is one arm: a share of the users and what answers them; what
// it does not set is the tenant's.
type ArmConfig struct {
	// Name names the arm in responses and metrics; like an ID, unique in
	// its experiment.
	Name string `yaml:"name"`
	// Weight is the arm's share of the users against the other arms'
	// weights: 0 (no one) to 1,000,000. Required.
	Weight *int `yaml:"weight"`
	// PromptVersion, if set, is the prompt version the arm's providers
	// render ("v2", a directory under prompts/bio/). Default: the
	// tenant's (prompts.version).
	PromptVersion string `yaml:"prompt_version"`
	// Chain, if set, is the arm's chain instead of the tenant's, checked
	// as the tenant's is (known providers; no external one unless the
	// tenant's policy is allow_external); "template" is appended if it is
	// not last. Default: the tenant's chain.
	Chain []string `yaml:"chain"`
}

// Experiment is a tenant's experiment, validated, in plain values.
//
// The zero value is no experiment. It is immutable once New made it.
type Experiment struct {
	ID   string
	Arms []Arm
}

// Arm is an arm of an Experiment. PromptVersion "" and Chain nil are the
// tenant's.
type Arm struct {
	Name          string
	Weight        int
	PromptVersion string
	Chain         []string
}

// Weights returns the arms' weights, in order.
func (e *Experiment) Weights() []int {
	w := make([]int, len(e.Arms))
	for i, a := range e.Arms {
		w[i] = a.Weight
	}
	return w
}

// validateExperiments checks the tenant's experiments: at most one, with
// arms of unique names and weights that add up to more than 0, each
// chain checked as the tenant's is. The providers and prompt versions the
// arms name are the configuration's to check (it knows them).
func (c *Config) validateExperiments(prefix string) error {
	if len(c.Experiments) > 1 {
		return fmt.Errorf("%s.experiments[1]: tenant %q runs %q already; a tenant runs one experiment at a time (a second would split the same users again)",
			prefix, c.ID, c.Experiments[0].ID)
	}
	for i := range c.Experiments {
		e := &c.Experiments[i]
		key := fmt.Sprintf("%s.experiments[%d]", prefix, i)
		if !validID(e.ID) {
			return fmt.Errorf("%s.id: %q must be 1 to 64 characters of a-z, 0-9, '-' and '_'", key, e.ID)
		}
		if len(e.Arms) == 0 {
			return fmt.Errorf("%s.arms: empty; an experiment needs at least one arm", key)
		}
		names := map[string]bool{}
		total := 0
		for j := range e.Arms {
			a := &e.Arms[j]
			akey := fmt.Sprintf("%s.arms[%d]", key, j)
			if !validID(a.Name) {
				return fmt.Errorf("%s.name: %q must be 1 to 64 characters of a-z, 0-9, '-' and '_'", akey, a.Name)
			}
			if names[a.Name] {
				return fmt.Errorf("%s.name: %q is used twice in experiment %q", akey, a.Name, e.ID)
			}
			names[a.Name] = true
			if a.Weight == nil {
				return fmt.Errorf("%s.weight: required (0 to %d; 0 sends no one to the arm)", akey, experiment.MaxWeight)
			}
			if w := *a.Weight; w < 0 || w > experiment.MaxWeight {
				return fmt.Errorf("%s.weight: %d must be between 0 and %d", akey, w, experiment.MaxWeight)
			}
			total += *a.Weight
			if len(a.Chain) > 0 {
				if err := validateChain(akey+".chain", a.Chain); err != nil {
					return err
				}
			}
		}
		if total == 0 {
			return fmt.Errorf("%s.arms: the weights add up to 0; give at least one arm a positive weight", key)
		}
	}
	return nil
}

// experiment returns the tenant's experiment in plain values, or nil.
func (c *Config) experiment() *Experiment {
	if len(c.Experiments) == 0 {
		return nil
	}
	ec := c.Experiments[0]
	e := &Experiment{ID: ec.ID, Arms: make([]Arm, len(ec.Arms))}
	for i, a := range ec.Arms {
		e.Arms[i] = Arm{Name: a.Name, Weight: *a.Weight, PromptVersion: a.PromptVersion, Chain: append([]string(nil), a.Chain...)}
	}
	return e
}

// Uses reports whether provider is in one of the tenant's chains: its own
// or one of its experiment's arms'.
func (t *Tenant) Uses(provider string) bool {
	if slices.Contains(t.Chain, provider) {
		return true
	}
	if t.Experiment != nil {
		for _, a := range t.Experiment.Arms {
			if slices.Contains(a.Chain, provider) {
				return true
			}
		}
	}
	return false
}
