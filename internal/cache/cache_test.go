package cache

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/leaktest"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

func decode(t testing.TB, body string) *bio.Request {
	t.Helper()
	req, err := bio.Decode([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return req
}

const base = `{"user_id":"u1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Senior Data Engineer",
	"company":"Northwind Health","years_experience":12,"skills":["Go","Kafka","PostgreSQL"],
	"achievements":["Cut claims processing time from 3 days to 4 hours","Mentored 6 engineers"],
	"experience_summary":"Twelve years building data platforms in healthcare and fintech."}}`

// testTenantView is a tenant as the cache sees it: an ID and a policy.
type testTenantView struct {
	ID     string
	Policy Policy
}

// testTenant is a tenant with both caches on, as the configuration's
// defaults have them, in scope "user" or "tenant".
func testTenant(scope string) *testTenantView {
	return &testTenantView{ID: "acme", Policy: Policy{
		Exact: true, Semantic: true, TenantScope: scope == "tenant", MinSimilarity: 0.92, TTL: 24 * time.Hour,
	}}
}

func newCache(t testing.TB) *Cache {
	c, err := New(Limits{Bytes: 64 << 20}, HashEmbedder{}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func store(t testing.TB, c *Cache, tn *testTenantView, body string) {
	t.Helper()
	q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, body), PromptVersion: "bio-v1", ProvidersKey: "big=m"}
	if err := c.Store(context.Background(), q, "Ada Okafor is a Senior Data Engineer at Northwind Health. She builds platforms.", nil, "ollama", "big", "m"); err != nil {
		t.Fatal(err)
	}
	c.Wait()
}

func lookup(t testing.TB, c *Cache, tn *testTenantView, body string) (*Entry, string) {
	t.Helper()
	e, kind, err := c.Lookup(context.Background(), &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, body), PromptVersion: "bio-v1", ProvidersKey: "big=m"})
	if err != nil {
		t.Fatal(err)
	}
	return e, kind
}

func TestLookup(t *testing.T) {
	c := newCache(t)
	tn := testTenant("user")
	if e, _ := lookup(t, c, tn, base); e != nil {
		t.Fatal("hit in an empty cache")
	}
	store(t, c, tn, base)
	if _, kind := lookup(t, c, tn, base); kind != HitExact {
		t.Fatalf("same request: %q", kind)
	}
	if _, kind := lookup(t, c, tn, strings.Replace(base, `"Go","Kafka"`, `"kafka","Go"`, 1)); kind != HitSemantic {
		t.Fatalf("reordered skills: %q", kind)
	}
	for _, other := range []string{
		strings.Replace(base, `"u1"`, `"u2"`, 1),                                       // another user
		strings.Replace(base, `"profile"`, `"options":{"tone":"casual"},"profile"`, 1), // other options
		strings.Replace(base, "Mentored 6", "Mentored 9", 1),                           // other facts
	} {
		if _, kind := lookup(t, c, tn, other); kind != "" {
			t.Fatalf("%s: hit %q", other[:60], kind)
		}
	}
	// Another prompt version or chain never matches.
	e, _, _ := c.Lookup(context.Background(), &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, base), PromptVersion: "bio-v2", ProvidersKey: "big=m"})
	e2, _, _ := c.Lookup(context.Background(), &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, base), PromptVersion: "bio-v1", ProvidersKey: "big=other"})
	if e != nil || e2 != nil {
		t.Fatal("hit across prompt versions or chains")
	}
	// A request may only make the semantic lookup stricter.
	q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, strings.Replace(base, `"Go","Kafka"`, `"kafka","Go"`, 1)), PromptVersion: "bio-v1", ProvidersKey: "big=m", MinSimilarity: 1.01}
	if e, _, _ := c.Lookup(context.Background(), q); e != nil {
		t.Fatal("a stricter request still hit")
	}
}

func TestTenantScope(t *testing.T) {
	c := newCache(t)
	tn := testTenant("tenant")
	store(t, c, tn, base)
	other := strings.NewReplacer(`"u1"`, `"u2"`, `"Ada Okafor"`, `"Bea Lindqvist"`).Replace(base)
	e, kind := lookup(t, c, tn, other)
	if kind != HitSemantic || !strings.HasPrefix(e.Bio, "Bea Lindqvist is") || !strings.Contains(e.Bio, " She builds") || strings.Contains(e.Bio, "Ada") || !e.Repersonalised {
		t.Fatalf("got %q %+v", kind, e)
	}
	// Pronouns are never rewritten: a text with pronouns answers only a
	// person with the same ones.
	for i, pr := range []string{`"he/him"`, `"they/them"`, `"she/they"`, `"any"`} {
		him := strings.NewReplacer(`"u1"`, fmt.Sprintf(`"u%d"`, 3+i), `"Ada Okafor"`, `"Sam Lee"`, `"she/her"`, pr).Replace(base)
		if _, kind := lookup(t, c, tn, him); kind != "" {
			t.Fatalf("%s: hit %q", pr, kind)
		}
	}
	// The original entry is untouched.
	if e, kind := lookup(t, c, tn, base); kind != HitExact || !strings.Contains(e.Bio, "Ada Okafor") {
		t.Fatalf("original: %q %+v", kind, e)
	}
}

func TestTenantsNeverMeet(t *testing.T) {
	c := newCache(t)
	a, b := testTenant("tenant"), testTenant("tenant")
	b.ID = "globex"
	store(t, c, a, base)
	for _, body := range []string{base, strings.Replace(base, `"u1"`, `"u2"`, 1)} {
		if _, kind := lookup(t, c, b, body); kind != "" {
			t.Fatalf("tenant globex got acme's entry: %q", kind)
		}
	}
}

func TestTTL(t *testing.T) {
	c := newCache(t)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	tn := testTenant("user")
	tn.Policy.TTL = time.Hour
	store(t, c, tn, base)
	now = now.Add(59 * time.Minute)
	if _, kind := lookup(t, c, tn, base); kind != HitExact {
		t.Fatalf("before expiry: %q", kind)
	}
	now = now.Add(2 * time.Minute)
	if _, kind := lookup(t, c, tn, base); kind != "" {
		t.Fatalf("after expiry: %q", kind)
	}
}

func TestEraseUser(t *testing.T) {
	c := newCache(t)
	tn := testTenant("user")
	store(t, c, tn, base)
	store(t, c, tn, strings.Replace(base, "Mentored 6", "Mentored 7", 1))
	store(t, c, tn, strings.Replace(base, `"u1"`, `"u2"`, 1))
	n, err := c.EraseUser(context.Background(), "acme", "u1")
	if err != nil || n != 4 { // two entries, each in both caches
		t.Fatalf("erased %d, %v", n, err)
	}
	c.Wait()
	if _, kind := lookup(t, c, tn, base); kind != "" {
		t.Fatalf("erased user still cached: %q", kind)
	}
	if _, kind := lookup(t, c, tn, strings.Replace(base, `"u1"`, `"u2"`, 1)); kind != HitExact {
		t.Fatalf("another user was erased too: %q", kind)
	}
}

func TestByteBudget(t *testing.T) {
	ex, err := NewExact(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer ex.Close()
	now := time.Now()
	big := strings.Repeat("x", 10<<10)
	for i := 0; i < 300; i++ {
		ex.Set(fmt.Sprint("k", i), &Entry{Tenant: "t", User: fmt.Sprint(i), Bio: big, Expires: now.Add(time.Hour)}, now)
		ex.Wait()
	}
	m := ex.Metrics()
	if used := m.CostAdded() - m.CostEvicted(); used > 1<<20 {
		t.Fatalf("%d bytes held; the budget is %d", used, 1<<20)
	}
	if m.KeysEvicted() == 0 && m.SetsDropped()+m.SetsRejected() == 0 {
		t.Fatal("300 entries of 10 KB fit in 1 MB?")
	}
}

func TestPersistence(t *testing.T) {
	c := newCache(t)
	tn := testTenant("user")
	store(t, c, tn, base)
	path := filepath.Join(t.TempDir(), "semantic.gob.gz.enc")
	key := strings.Repeat("k", 32)
	if err := c.Semantic().Export(path, key); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("Okafor")) || bytes.Contains(raw, []byte("Northwind")) {
		t.Fatal("the snapshot holds personal data in clear")
	}
	if err := c.Semantic().Export(path, "short"); err == nil {
		t.Fatal("a short key was accepted")
	}
	d := newCache(t)
	if err := d.Semantic().Import(path, strings.Repeat("x", 32)); err == nil {
		t.Fatal("imported with the wrong key")
	}
	if err := d.Semantic().Import(path, key); err != nil {
		t.Fatal(err)
	}
	if _, kind := lookup(t, d, tn, strings.Replace(base, `"Go","Kafka"`, `"Kafka","Go"`, 1)); kind != HitSemantic {
		t.Fatalf("after import: %q", kind)
	}
}

func TestHashEmbedder(t *testing.T) {
	e := HashEmbedder{}
	v1, _ := e.Embed(context.Background(), "senior data engineer go kafka")
	v2, _ := e.Embed(context.Background(), "senior data engineer go kafka")
	v3, _ := e.Embed(context.Background(), "registered nurse critical care")
	dot := func(a, b []float32) (s float32) {
		for i := range a {
			s += a[i] * b[i]
		}
		return
	}
	if d := dot(v1, v2); d < 0.999 {
		t.Fatalf("same text: %f", d)
	}
	if d := dot(v1, v3); d > 0.5 {
		t.Fatalf("unrelated texts: %f", d)
	}
}

// BenchmarkExactHit measures a lookup that the exact cache answers.
func BenchmarkExactHit(b *testing.B) {
	c := newCache(b)
	tn := testTenant("user")
	store(b, c, tn, base)
	req := decode(b, base)
	b.ReportAllocs()
	for b.Loop() {
		q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: req, PromptVersion: "bio-v1", ProvidersKey: "big=m"}
		if _, kind, _ := c.Lookup(context.Background(), q); kind != HitExact {
			b.Fatal(kind)
		}
	}
}

// BenchmarkSemanticLookup measures a semantic lookup (a request whose
// skills are reordered, so the exact cache misses) among n entries of one
// tenant, and reports p50 and p99.
func BenchmarkSemanticLookup(b *testing.B) {
	for _, scope := range []string{"user", "tenant"} {
		for _, n := range []int{1000, 10000, 100000} {
			b.Run(fmt.Sprintf("%s/%d", scope, n), func(b *testing.B) { benchmarkSemantic(b, scope, n) })
		}
	}
}

func benchmarkSemantic(b *testing.B, scope string, n int) {
	{
		{
			c := newCache(b)
			tn := testTenant(scope)
			ctx := context.Background()
			for i := 0; i < n; i++ {
				body := strings.NewReplacer(`"u1"`, fmt.Sprintf(`"u%d"`, i), "Mentored 6", fmt.Sprintf("Mentored %d", i)).Replace(base)
				q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(b, body), PromptVersion: "bio-v1", ProvidersKey: "big=m"}
				c.Store(ctx, q, "Ada Okafor is a Senior Data Engineer.", nil, "ollama", "big", "m")
			}
			// User 77's own entry, with its skills reordered.
			probe := strings.NewReplacer(`"u1"`, `"u77"`, "Mentored 6", "Mentored 77", `"Go","Kafka"`, `"Kafka","Go"`).Replace(base)
			req := decode(b, probe)
			var times []time.Duration
			b.ReportAllocs()
			for b.Loop() {
				start := time.Now()
				q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: req, PromptVersion: "bio-v1", ProvidersKey: "big=m"}
				_, kind, _ := c.Lookup(ctx, q)
				times = append(times, time.Since(start))
				if kind != HitSemantic {
					b.Fatalf("kind %q", kind)
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds()), "p99-µs")
		}
	}
}

// BenchmarkMemoryPerEntry reports the heap each cached bio takes in both
// caches.
func BenchmarkMemoryPerEntry(b *testing.B) {
	const n = 2000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		c, _ := New(Limits{Bytes: 1 << 30}, HashEmbedder{}, time.Second)
		tn := testTenant("user")
		ctx := context.Background()
		text := strings.Repeat("word ", 180)
		for i := 0; i < n; i++ {
			body := strings.NewReplacer(`"u1"`, fmt.Sprintf(`"u%d"`, i), "Mentored 6", fmt.Sprintf("Mentored %d", i)).Replace(base)
			q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(b, body), PromptVersion: "bio-v1", ProvidersKey: "big=m"}
			c.Store(ctx, q, text, nil, "ollama", "big", "m")
		}
		c.Wait()
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "bytes/entry")
		c.Close()
	}
}

func TestPurge(t *testing.T) {
	c, err := New(Limits{Bytes: 64 << 20, SemanticEntries: 3}, HashEmbedder{}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	tn := testTenant("user")
	tn.Policy.TTL = time.Hour
	for i := 0; i < 5; i++ {
		store(t, c, tn, strings.Replace(base, `"u1"`, fmt.Sprintf(`"u%d"`, i), 1))
		now = now.Add(time.Minute)
		// The bound holds on every store, not at the next purge.
		if n := c.Semantic().Count(); n != min(i+1, 3) {
			t.Fatalf("after store %d: %d entries", i, n)
		}
	}
	// The newest survive, the oldest went (reordered skills: a semantic lookup).
	reordered := func(user string) string {
		return strings.NewReplacer(`"u1"`, `"`+user+`"`, `"Go","Kafka"`, `"Kafka","Go"`).Replace(base)
	}
	if _, kind := lookup(t, c, tn, reordered("u4")); kind != HitSemantic {
		t.Fatalf("newest entry: %q", kind)
	}
	if _, kind := lookup(t, c, tn, reordered("u0")); kind == HitSemantic {
		t.Fatal("the oldest entry survived")
	}
	if n := c.Maintain(context.Background()); n != 0 || c.Semantic().Count() != 3 {
		t.Fatalf("purged %d of nothing expired; %d left", n, c.Semantic().Count())
	}
	// An hour later all have expired.
	now = now.Add(time.Hour)
	if n := c.Maintain(context.Background()); n != 3 || c.Semantic().Count() != 0 {
		t.Fatalf("removed %d; %d left", n, c.Semantic().Count())
	}
	if b, n := c.Semantic().Size(); b != 0 || n != 0 {
		t.Fatalf("an empty cache accounts for %d bytes in %d entries", b, n)
	}
}

// TestLookupBody checks the body aliases: the same bytes find the entry
// again, other bytes, tenants or scopes (prompt versions, chains,
// experiments) do not, and the
// alias goes with an erasure or a tenant that turns the exact cache off.
func TestLookupBody(t *testing.T) {
	c := newCache(t)
	tn := testTenant("user")
	body := []byte(base)
	if c.LookupBody(tn.ID, tn.Policy, body, "scope-1") != nil {
		t.Fatal("hit in an empty cache")
	}
	store(t, c, tn, base)
	if c.LookupBody(tn.ID, tn.Policy, body, "scope-1") != nil {
		t.Fatal("a stored request is found by body before it is aliased")
	}
	q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, base), PromptVersion: "bio-v1", ProvidersKey: "big=m"}
	c.AliasBody(q, body, "scope-1")
	c.Wait()
	e := c.LookupBody(tn.ID, tn.Policy, body, "scope-1")
	if e == nil || !strings.Contains(e.Bio, "Ada Okafor") || e.User != "u1" {
		t.Fatalf("aliased body: %+v", e)
	}
	other := testTenant("user")
	other.ID = "globex"
	for name, miss := range map[string]func() *Entry{
		"other bytes":  func() *Entry { return c.LookupBody(tn.ID, tn.Policy, append([]byte(" "), body...), "scope-1") },
		"other tenant": func() *Entry { return c.LookupBody(other.ID, other.Policy, body, "scope-1") },
		"other scope":  func() *Entry { return c.LookupBody(tn.ID, tn.Policy, body, "scope-2") },
		"exact cache off": func() *Entry {
			off := testTenant("user")
			off.Policy.Exact = false
			return c.LookupBody(off.ID, off.Policy, body, "scope-1")
		},
	} {
		if e := miss(); e != nil {
			t.Errorf("%s: hit", name)
		}
	}
	if n := c.exact.EraseUser("acme", "u1"); n != 2 {
		t.Fatalf("erase: %d exact entries; want the entry and its alias", n)
	}
	if c.LookupBody(tn.ID, tn.Policy, body, "scope-1") != nil {
		t.Fatal("the alias answered after the user's data was erased")
	}
}

// TestEntriesKeepTheBioID: an entry keeps the id its bio was answered
// with, on exact and semantic hits of its user and through a snapshot; a
// re-personalised entry, another text for another person, has none.
func TestEntriesKeepTheBioID(t *testing.T) {
	c := newCache(t)
	tn := testTenant("tenant")
	const id = "bio_01JD3Q8M2X7Y6Z5W4V3T2S1R0Q"
	q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, base), PromptVersion: "bio-v1", ProvidersKey: "big=m", BioID: id}
	if err := c.Store(context.Background(), q, "Ada Okafor is a Senior Data Engineer at Northwind Health. She builds platforms.", nil, "ollama", "big", "m"); err != nil {
		t.Fatal(err)
	}
	c.Wait()
	reordered := strings.Replace(base, `"Go","Kafka"`, `"Kafka","Go"`, 1)
	for body, want := range map[string]string{base: HitExact, reordered: HitSemantic} {
		if e, kind := lookup(t, c, tn, body); kind != want || e.BioID != id {
			t.Fatalf("%s hit: %q, id %q; want %q", want, kind, e.BioID, id)
		}
	}
	other := strings.NewReplacer(`"u1"`, `"u2"`, `"Ada Okafor"`, `"Bea Lindqvist"`).Replace(base)
	if e, kind := lookup(t, c, tn, other); kind != HitSemantic || !e.Repersonalised || e.BioID != "" {
		t.Fatalf("re-personalised: %q %+v; want no id", kind, e)
	}
	path := filepath.Join(t.TempDir(), "semantic.gob.gz.enc")
	key := strings.Repeat("k", 32)
	if err := c.Semantic().Export(path, key); err != nil {
		t.Fatal(err)
	}
	d := newCache(t)
	if err := d.Semantic().Import(path, key); err != nil {
		t.Fatal(err)
	}
	if e, kind := lookup(t, d, tn, reordered); kind != HitSemantic || e.BioID != id {
		t.Fatalf("after a snapshot: %q, id %q", kind, e.BioID)
	}
}

// TestArmsDoNotShare checks that a bio written in one experiment arm is
// never served in another: not by the exact cache, not by the semantic one
// (same facts, same user), not re-personalised for another user in tenant
// scope; in its own arm it is.
func TestArmsDoNotShare(t *testing.T) {
	for _, scope := range []string{"user", "tenant"} {
		c := newCache(t)
		tn := testTenant(scope)
		q := func(body, arm string) *Query {
			return &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, body), PromptVersion: "bio-v1", ProvidersKey: "big=m", Arm: arm}
		}
		if err := c.Store(context.Background(), q(base, "prompt-v2/control"), "Ada Okafor is a Senior Data Engineer at Northwind Health. She builds platforms.",
			nil, "ollama", "big", "m"); err != nil {
			t.Fatal(err)
		}
		c.Wait()
		f := func(body, arm, want string) {
			t.Helper()
			e, kind, err := c.Lookup(context.Background(), q(body, arm))
			if err != nil || kind != want || (want != "") != (e != nil) {
				t.Fatalf("%s scope, arm %q: %q hit (%v); want %q", scope, arm, kind, err, want)
			}
			if e != nil && e.Arm != arm {
				t.Fatalf("%s scope: a hit in arm %q was written in %q", scope, arm, e.Arm)
			}
		}
		f(base, "prompt-v2/control", HitExact)
		f(base, "prompt-v2/v2", "")
		f(base, "", "")
		// The same facts, written otherwise: a semantic lookup.
		same := strings.Replace(base, `"Go","Kafka"`, `"Kafka","Go"`, 1)
		if same == base {
			t.Fatal("the test's second body is the first")
		}
		f(same, "prompt-v2/control", HitSemantic)
		f(same, "prompt-v2/v2", "")
		if scope == "tenant" {
			other := strings.NewReplacer(`"u1"`, `"u2"`, `"Ada Okafor"`, `"Bea Lindqvist"`).Replace(base)
			f(other, "prompt-v2/control", HitSemantic)
			f(other, "prompt-v2/v2", "")
		}
	}
}
