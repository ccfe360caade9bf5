package cache

import (
	"strings"
	"testing"
	"time"
)

func TestPolicyValidate(t *testing.T) {
	f := func(p Policy, want string) {
		t.Helper()
		err := p.Validate()
		if want == "" {
			if err != nil {
				t.Fatalf("%+v: got %q; want no error", p, err)
			}
			return
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%+v: got %v; want an error with %q", p, err, want)
		}
	}
	on := Policy{Exact: true, Semantic: true, MinSimilarity: 0.92, TTL: time.Hour}
	f(Policy{}, "")
	f(on, "")
	f(Policy{Exact: true, TTL: time.Minute}, "")
	f(Policy{Exact: true}, `cache ttl "0s" must be positive`)
	f(Policy{Semantic: true, MinSimilarity: 0.9, TTL: -time.Second}, `cache ttl "-1s" must be positive`)
	f(Policy{Semantic: true, TTL: time.Hour}, "cache similarity 0 must be in (0, 1]")
	f(Policy{Semantic: true, MinSimilarity: 1.5, TTL: time.Hour}, "cache similarity 1.5 must be in (0, 1]")
}

// TestNewRejectsZeroValues checks that the constructors fill no default:
// the configuration does, and a zero here is a wiring bug.
func TestNewRejectsZeroValues(t *testing.T) {
	f := func(name string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: got %v; want an error with %q", name, err, want)
		}
	}
	_, err := New(Limits{Bytes: 1 << 20}, HashEmbedder{}, 0)
	f("zero embed timeout", err, `embed timeout "0s" must be positive`)
	_, err = New(Limits{Bytes: 1 << 20}, nil, time.Second)
	f("no embedder", err, "needs an embedder")
	_, err = New(Limits{}, HashEmbedder{}, time.Second)
	f("zero size", err, "the budget must be at least 1 MiB")
	_, err = New(Limits{Bytes: 1 << 20, SemanticEntries: -1}, HashEmbedder{}, time.Second)
	f("negative entries", err, "the entries not negative")
	_, err = NewSemantic(HashEmbedder{}, -time.Second)
	f("negative embed timeout", err, `embed timeout "-1s" must be positive`)
	_, err = NewOllamaEmbedder("http://127.0.0.1:11434", "")
	f("no embed model", err, "needs a model")
}

// TestZeroPolicyCachesNothing checks that the zero Policy turns both
// caches off: nothing stored, nothing found.
func TestZeroPolicyCachesNothing(t *testing.T) {
	c := newCache(t)
	off := &testTenantView{ID: "acme"}
	store(t, c, off, base)
	if _, kind := lookup(t, c, testTenant("user"), base); kind != "" {
		t.Fatalf("a store under the zero policy was found: %q", kind)
	}
}
