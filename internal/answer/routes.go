package answer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/experiment"
)

// Experiment is a tenant's experiment as the Answerer runs it (contract
// 1.1): its users split between arms by their weights, each user always to
// the same arm by a stable hash of the experiment's ID and the user's ID
// (internal/experiment). It is plain data, read once by New.
type Experiment struct {
	ID   string
	Arms []Arm
}

// Arm is one arm of an Experiment: its share of the users and what answers
// them. What it leaves unset is the tenant's.
type Arm struct {
	Name   string
	Weight int
	// PromptVersion is the version of the prompt the arm's providers
	// render, as responses name it ("bio-v2"); "" is Config.PromptVersion.
	PromptVersion string
	// Chain is the arm's chain and ProvidersKey names its providers and
	// models; nil is the tenant's chain (and its key).
	Chain        *chain.Chain
	ProvidersKey string
}

// route is what answers a user of a tenant: the chain, the version of the
// prompt its providers render, the key of its providers and models that
// cached bios are filed under, and the experiment arm the user is in.
//
// A route is made by New and never changed; requests share it.
type route struct {
	chain         *chain.Chain
	providersKey  string
	promptVersion string
	// experiment is the responses' experiment field; nil without one.
	experiment *bio.Experiment
	// arm names the arm for the caches and coalescing ("<experiment>/<arm>"):
	// a bio is never served in another arm. "" without an experiment.
	arm string
}

// routes are a tenant's ways of answering: its own, or its experiment's
// arms, one per user.
//
// routes are made by New and never changed; requests share them.
type routes struct {
	own   route
	split *experiment.Split // nil: no experiment, every user takes own
	arms  []route
	// scope names what, besides a body's bytes, decides how the tenant
	// answers it: prompt versions, providers and the experiment with its
	// arms' weights. Body aliases are filed under it (cache.AliasBody):
	// the same bytes, being the same user, are the same arm until the
	// experiment changes.
	scope string
}

// of returns the route of user: the arm the experiment assigns the user
// to, or the tenant's own.
func (rs *routes) of(user string) *route {
	if rs.split == nil {
		return &rs.own
	}
	return &rs.arms[rs.split.Arm(user)]
}

// all returns every route of the tenant, its own first.
func (rs *routes) all() []*route {
	out := []*route{&rs.own}
	for i := range rs.arms {
		out = append(out, &rs.arms[i])
	}
	return out
}

// newRoutes builds each tenant's routes from cfg.
func newRoutes(cfg Config) (map[string]*routes, error) {
	out := make(map[string]*routes, len(cfg.Chains))
	for id, c := range cfg.Chains {
		rs := &routes{own: route{chain: c, providersKey: cfg.ProvidersKeys[id], promptVersion: cfg.PromptVersion}}
		rs.scope = rs.own.promptVersion + "\x00" + rs.own.providersKey
		if e := cfg.Experiments[id]; e != nil {
			if err := rs.experiment(e); err != nil {
				return nil, fmt.Errorf("answer: tenant %q: %w", id, err)
			}
		}
		out[id] = rs
	}
	for id := range cfg.Experiments {
		if out[id] == nil {
			return nil, fmt.Errorf("answer: tenant %q has an experiment and no chain", id)
		}
	}
	return out, nil
}

// experiment sets the arms of e, each a route from the tenant's own with
// what the arm changes.
func (rs *routes) experiment(e *Experiment) error {
	if len(e.Arms) == 0 {
		return errors.New("an experiment needs arms")
	}
	weights := make([]int, len(e.Arms))
	var scope strings.Builder
	scope.WriteString(rs.scope + "\x00experiment=" + e.ID)
	seen := map[string]bool{}
	for i, a := range e.Arms {
		if a.Name == "" || seen[a.Name] {
			return fmt.Errorf("experiment %q: arm %d's name %q is empty or used twice", e.ID, i, a.Name)
		}
		seen[a.Name] = true
		weights[i] = a.Weight
		r := rs.own
		r.experiment = &bio.Experiment{ID: e.ID, Arm: a.Name}
		r.arm = e.ID + "/" + a.Name
		if a.PromptVersion != "" {
			r.promptVersion = a.PromptVersion
		}
		if a.Chain != nil {
			r.chain, r.providersKey = a.Chain, a.ProvidersKey
		}
		rs.arms = append(rs.arms, r)
		scope.WriteString("\x00" + a.Name + "=" + strconv.Itoa(a.Weight) + "\x00" + r.promptVersion + "\x00" + r.providersKey)
	}
	split, err := experiment.New(e.ID, weights)
	if err != nil {
		return err
	}
	rs.split, rs.scope = split, scope.String()
	return nil
}
