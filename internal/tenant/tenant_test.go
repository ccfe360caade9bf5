package tenant

import "testing"

func registry(t *testing.T, configs ...Config) *Registry {
	t.Helper()
	for i := range configs {
		configs[i].SetDefaults()
		if err := configs[i].Validate("tenants"); err != nil {
			t.Fatal(err)
		}
	}
	r, err := New(configs)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestAuthenticate(t *testing.T) {
	r := registry(t,
		Config{ID: "acme", Keys: []Key{{Digest: Digest("a-old")}, {Digest: Digest("a-new"), Name: "rotated", Scopes: []string{ScopeBios, ScopeMetrics}}}},
		Config{ID: "globex", Keys: []Key{{Digest: Digest("g1")}}},
	)
	f := func(key, wantTenant string, wantMetrics bool) {
		t.Helper()
		c, ok := r.Authenticate(key)
		if wantTenant == "" {
			if ok {
				t.Fatalf("key %q accepted for %q", key, c.Tenant.ID)
			}
			return
		}
		if !ok || c.Tenant.ID != wantTenant {
			t.Fatalf("key %q: got %v %v; want %q", key, c, ok, wantTenant)
		}
		if c.Allowed(ScopeMetrics) != wantMetrics || !c.Allowed(ScopeBios) {
			t.Fatalf("key %q: wrong scopes", key)
		}
	}
	f("a-old", "acme", false)
	f("a-new", "acme", true)
	f("g1", "globex", false)
	f("g2", "", false)
	f("", "", false)
	f("A-OLD", "", false)
}

func TestKeylessTenant(t *testing.T) {
	r := registry(t, Config{ID: "default"})
	c, ok := r.Authenticate("")
	if !ok || c.Tenant.ID != "default" || !c.Allowed(ScopeMetrics) {
		t.Fatalf("got %+v %v", c, ok)
	}
	if _, ok := r.Authenticate("some-key"); ok {
		t.Fatal("an unknown key was accepted by a keyless registry")
	}
}

func TestNewRejectsDuplicates(t *testing.T) {
	for _, cs := range [][]Config{
		{{ID: "a"}, {ID: "a", Keys: []Key{{Digest: Digest("x")}}}},
		{{ID: "a", Keys: []Key{{Digest: Digest("x")}}}, {ID: "b", Keys: []Key{{Digest: Digest("x")}}}},
		{{ID: "a"}, {ID: "b"}},
	} {
		for i := range cs {
			cs[i].SetDefaults()
			if err := cs[i].Validate("t"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := New(cs); err == nil {
			t.Fatalf("New accepted %+v", cs)
		}
	}
}
