package answer

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/experiment"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/writer"
)

// versioned is a model that writes the template writer's text and records
// the prompt version each call asked for.
type versioned struct {
	name string
	mu   sync.Mutex
	seen []string
}

func (v *versioned) Name() string        { return v.name }
func (v *versioned) Kind() provider.Kind { return provider.KindOllama }
func (v *versioned) Generate(_ context.Context, req *provider.Request) (*provider.Result, error) {
	v.mu.Lock()
	v.seen = append(v.seen, req.PromptVersion)
	v.mu.Unlock()
	text := (&writer.Writer{}).Write(req.Bio, req.Variant).Text
	if req.OnDelta != nil {
		req.OnDelta(text)
	}
	return &provider.Result{Text: text, Model: v.name + "-model"}, nil
}

func (v *versioned) calls() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]string(nil), v.seen...)
}

// experimenting returns an Answerer whose tenant (tenant-scope caches, so
// that one person's bio could answer another) runs experiment "prompt-v2":
// arm "control" keeps the tenant's chain (model big) and prompt (bio-v1),
// arm "v2" renders bio-v2 with its own chain (model small), or with aa
// (an A/A test) changes nothing but its name.
func experimenting(t *testing.T, aa bool) (*Answerer, *tenant.Tenant, *versioned, *versioned) {
	t.Helper()
	cfg := tenant.Config{ID: "acme", Keys: []tenant.Key{{Digest: tenant.Digest("k")}}, Cache: tenant.CacheConfig{Scope: "tenant"}}
	config.SetTenantDefaults(&cfg)
	reg, err := tenant.New([]tenant.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	chainOf := func(p provider.Provider) *chain.Chain {
		g, err := chain.NewGuard(p, chain.Settings{Timeout: time.Second, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
			MaxConcurrent: 4, FailureThreshold: 5, OpenTimeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		c, err := chain.New(chain.Config{Guards: []*chain.Guard{g}, Template: writer.NewProvider("template", &writer.Writer{}), Reserve: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	big, small := &versioned{name: "big"}, &versioned{name: "small"}
	bc, err := cache.New(cache.Limits{Bytes: 16 << 20}, cache.HashEmbedder{}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bc.Close)
	second := Arm{Name: "v2", Weight: 50, PromptVersion: "bio-v2", Chain: chainOf(small), ProvidersKey: "small=small-model"}
	if aa {
		second = Arm{Name: "v2", Weight: 50}
	}
	a, err := New(Config{Chains: map[string]*chain.Chain{"acme": chainOf(big)}, ProvidersKeys: map[string]string{"acme": "big=big-model"},
		Experiments: map[string]*Experiment{"acme": {ID: "prompt-v2", Arms: []Arm{{Name: "control", Weight: 50}, second}}},
		Cache:       bc, PromptVersion: "bio-v1", Timeout: 5 * time.Second, AuditKey: []byte("audit-key-for-tests")})
	if err != nil {
		t.Fatal(err)
	}
	return a, reg.Tenants()[0], big, small
}

// usersIn returns n user IDs the experiment assigns to each arm, by the
// hash alone.
func usersIn(t *testing.T, n int) (control, v2 []string) {
	t.Helper()
	split, err := experiment.New("prompt-v2", []int{50, 50})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; len(control) < n || len(v2) < n; i++ {
		u := fmt.Sprintf("w-%d", i)
		if split.Arm(u) == 0 && len(control) < n {
			control = append(control, u)
		} else if split.Arm(u) == 1 && len(v2) < n {
			v2 = append(v2, u)
		}
	}
	return control, v2
}

// bodyOf is the test's profile for user: the same facts and name for
// every user.
func bodyOf(user string) []byte {
	return []byte(strings.Replace(body, `"w-1"`, `"`+user+`"`, 1))
}

// TestArmsAnswer checks that each user is answered in the arm the hash
// assigns them, every time: its prompt version sent to its chain's model,
// and the experiment in the response; the tenant's providers are all
// ready; a tenant without an experiment answers experiment null.
func TestArmsAnswer(t *testing.T) {
	a, ten, big, small := experimenting(t, false)
	control, v2 := usersIn(t, 5)
	ctx := context.Background()
	f := func(user, arm, version, model string) {
		t.Helper()
		var first bio.Cache
		for i := range 3 {
			// A first answer, then the exact cache by the body's bytes,
			// then by the request (a decoded job item).
			call := Call{Tenant: ten, Body: bodyOf(user)}
			if i == 2 {
				req, err := bio.Decode(call.Body)
				if err != nil {
					t.Fatal(err)
				}
				call = Call{Tenant: ten, Request: req}
			}
			r, err := a.Answer(ctx, call)
			if err != nil {
				t.Fatal(err)
			}
			a.WaitCache()
			got := r.Response
			// The first user of an arm is a miss, and its repeats exact
			// hits (by the body's bytes, then by the request); the others
			// have the first's bio, re-personalised (tenant scope).
			if i == 0 {
				first = got.Cache
			} else if got.Cache == bio.CacheMiss || first == bio.CacheMiss && got.Cache != bio.CacheExact {
				t.Fatalf("user %s, answer %d: cache %s after %s", user, i, got.Cache, first)
			}
			if got.Experiment == nil || *got.Experiment != (bio.Experiment{ID: "prompt-v2", Arm: arm}) || got.PromptVersion != version || got.Model != model {
				t.Fatalf("user %s, answer %d: experiment %+v, prompt %s, model %s; want arm %s, %s, %s", user, i, got.Experiment, got.PromptVersion, got.Model, arm, version, model)
			}
		}
	}
	for _, u := range control {
		f(u, "control", "bio-v1", "big-model")
	}
	for _, u := range v2 {
		f(u, "v2", "bio-v2", "small-model")
	}
	for name, m := range map[string]*versioned{"big": big, "small": small} {
		want := map[string]string{"big": "bio-v1", "small": "bio-v2"}[name]
		calls := m.calls()
		if len(calls) == 0 {
			t.Fatalf("%s was never called", name)
		}
		for _, v := range calls {
			if v != want {
				t.Fatalf("%s was asked for prompt %q; want only %q", name, v, want)
			}
		}
	}
	ready := a.Ready(ctx, []*tenant.Tenant{ten})
	var names []string
	for _, p := range ready.Providers {
		names = append(names, p.Name)
	}
	if strings.Join(names, ",") != "big,template,small" {
		t.Fatalf("ready: %q; want the providers of the tenant's chain and of its arms, each once", names)
	}

	// Without an experiment: experiment null.
	plain, pten, _ := setup(t)
	r, err := plain.Answer(ctx, Call{Tenant: pten, Body: []byte(body)})
	if err != nil || r.Response.Experiment != nil {
		t.Fatalf("no experiment: %+v, %v; want experiment nil", r.Response, err)
	}
}

// TestArmsDoNotShareCachedBios: users with identical profiles in a tenant
// whose semantic cache is tenant-wide: a user is answered from another's
// bio only in the same arm; in the other arm, its own model writes. The
// arm alone keeps them apart: in an A/A test, whose arms differ in nothing
// but their names, as well as when prompts and chains differ.
func TestArmsDoNotShareCachedBios(t *testing.T) {
	for _, aa := range []bool{false, true} {
		a, ten, big, small := experimenting(t, aa)
		control, v2 := usersIn(t, 3)
		ctx := context.Background()
		v2Model, v2Version := "small-model", "bio-v2"
		if aa {
			v2Model, v2Version, small = "big-model", "bio-v1", big
		}
		ask := func(user string) *bio.Response {
			t.Helper()
			r, err := a.Answer(ctx, Call{Tenant: ten, Body: bodyOf(user)})
			if err != nil {
				t.Fatal(err)
			}
			a.WaitCache()
			return r.Response
		}
		if r := ask(control[0]); r.Cache != bio.CacheMiss {
			t.Fatalf("A/A %v: first control user: %s", aa, r.Cache)
		}
		if r := ask(v2[0]); r.Cache != bio.CacheMiss || r.Experiment.Arm != "v2" || r.Model != v2Model {
			t.Fatalf("A/A %v: a v2 user with the same profile: cache %s, arm %s, model %s; want a miss written by %s", aa, r.Cache, r.Experiment.Arm, r.Model, v2Model)
		}
		if r := ask(control[1]); r.Cache != bio.CacheSemantic || r.Experiment.Arm != "control" || r.Model != "big-model" {
			t.Fatalf("A/A %v: a second control user: cache %s, model %s; want the first's bio, re-personalised", aa, r.Cache, r.Model)
		}
		if r := ask(v2[1]); r.Cache != bio.CacheSemantic || r.Experiment.Arm != "v2" || r.Model != v2Model || r.PromptVersion != v2Version {
			t.Fatalf("A/A %v: a second v2 user: cache %s, model %s, prompt %s; want the first v2 bio", aa, r.Cache, r.Model, r.PromptVersion)
		}
		if aa && len(big.calls()) != 2 || !aa && (len(big.calls()) != 1 || len(small.calls()) != 1) {
			t.Fatalf("A/A %v: models called %d and %d times; want once per arm", aa, len(big.calls()), len(small.calls()))
		}
	}
}
