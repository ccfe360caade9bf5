package wiring

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/corpus"
	"github.com/biogen/biogen/internal/corpus/corpustest"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/shareddata"
	"github.com/biogen/biogen/internal/telemetry"
	"github.com/biogen/biogen/internal/tenant"
)

// postJSON posts body with key (none if empty) and decodes the answer.
func (r *running) postJSON(t *testing.T, key string, body []byte) (bio.Response, http.Header) {
	t.Helper()
	var headers []string
	if key != "" {
		headers = []string{"Authorization", "Bearer " + key}
	}
	resp := r.post(t, string(body), headers...)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var out bio.Response
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out, resp.Header
}

func modelApp(t *testing.T, extra string) (*fakellm.Server, *running) {
	t.Helper()
	fake, url := fakeServer(t, fakellm.Config{})
	r := startApp(t, ollamaProviderTimeout("big", url, "5s"), "big", extra)
	return fake, r
}

type pair struct {
	ID    string          `json:"id"`
	Kind  string          `json:"kind"`
	Label string          `json:"label"`
	A     json.RawMessage `json:"a"`
	B     json.RawMessage `json:"b"`
}

// withUser sets the user_id of a request body.
func withUser(t *testing.T, body []byte, user string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m["user_id"] = user
	b, _ := json.Marshal(m)
	return b
}

// TestSemanticPairs replays every labelled pair of the shared data through
// the API: request a, then b, under the pair's own user. No miss pair may be
// answered from a cache; the share of hit pairs answered from one is
// reported and must reach 90%. The hit pairs with a typo are not served: a
// one-letter change may make another real word, so a hit needs the same
// words (docs/cache.md).
func TestSemanticPairs(t *testing.T) {
	_, r := modelApp(t, "")
	var pairs []pair
	for _, line := range shareddata.Lines(t, "semantic-pairs.jsonl") {
		var p pair
		if err := json.Unmarshal(line, &p); err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, p)
	}
	hits, hitPairs := replay(t, r, pairs)
	t.Logf("semantic pairs: %d of %d hit pairs answered from a cache (%.0f%%); no miss pair was", hits, hitPairs, 100*float64(hits)/float64(hitPairs))
	if float64(hits) < 0.9*float64(hitPairs) {
		t.Fatalf("only %d of %d hit pairs answered from a cache", hits, hitPairs)
	}
}

func replay(t *testing.T, r *running, pairs []pair) (hits, hitPairs int) {
	t.Helper()
	for i, p := range pairs {
		user := fmt.Sprintf("pair-%d", i)
		a, _ := r.postJSON(t, "", withUser(t, p.A, user))
		if a.Cache != "miss" || a.Source != "ollama" {
			t.Fatalf("pair %s: first request answered %s by %s", p.ID, a.Cache, a.Source)
		}
		b, h := r.postJSON(t, "", withUser(t, p.B, user))
		switch {
		case p.Label == "miss" && b.Cache != "miss":
			t.Fatalf("pair %s (%s): a request with other facts or options was answered from the %s cache", p.ID, p.Kind, b.Cache)
		case p.Label == "hit":
			hitPairs++
			if b.Cache != "miss" {
				hits++
				if h.Get("X-Cache") != "HIT" || b.Bio != a.Bio {
					t.Fatalf("pair %s: X-Cache %q; bio changed", p.ID, h.Get("X-Cache"))
				}
			} else {
				t.Logf("pair %s (%s) missed", p.ID, p.Kind)
			}
		}
	}
	return hits, hitPairs
}

// TestGeneratedPairs makes the same kinds of edits as the shared pairs with
// other words and values, from the shared profiles, so that the cache is
// not tuned to the file's rows.
func TestGeneratedPairs(t *testing.T) {
	_, r := modelApp(t, "")
	rng := rand.New(rand.NewPCG(1, 2))
	var pairs []pair
	lines := corpustest.Profiles(t, 100)
	for i, line := range lines[:min(120, len(lines))] {
		var m map[string]any
		json.Unmarshal(line, &m)
		prof := m["profile"].(map[string]any)
		edit, label := mutate(rng, prof, i)
		if edit == "" {
			continue
		}
		b, _ := json.Marshal(m)
		pairs = append(pairs, pair{ID: fmt.Sprintf("gen-%d", i), Kind: edit, Label: label, A: line, B: b})
	}
	hits, hitPairs := replay(t, r, pairs)
	t.Logf("generated pairs: %d of %d hit pairs answered from a cache, %d miss pairs never", hits, hitPairs, len(pairs)-hitPairs)
	if hitPairs == 0 || float64(hits) < 0.9*float64(hitPairs) {
		t.Fatalf("only %d of %d hit pairs answered from a cache", hits, hitPairs)
	}
}

// TestCorpusPairs replays the repository's own labelled pairs
// (internal/corpus) through the API, so that the cache's promise is tested
// in a clone with nothing beside it: no miss pair (a real word one letter
// away, a negation, a sign, a currency, another name, ...) is answered from
// a cache, and at least 90% of the hit pairs are.
func TestCorpusPairs(t *testing.T) {
	_, r := modelApp(t, "")
	var pairs []pair
	for _, p := range corpus.Pairs(11, 126) {
		pairs = append(pairs, pair{ID: p.ID, Kind: p.Kind, Label: p.Label, A: p.A, B: p.B})
	}
	hits, hitPairs := replay(t, r, pairs)
	t.Logf("corpus pairs: %d of %d hit pairs answered from a cache, %d miss pairs never", hits, hitPairs, len(pairs)-hitPairs)
	if hitPairs < 40 || float64(hits) < 0.9*float64(hitPairs) {
		t.Fatalf("only %d of %d hit pairs answered from a cache", hits, hitPairs)
	}
}

// mutate edits a profile in place the way an HR system might, and says
// whether a cache may answer the edited request with the original's bio.
func mutate(rng *rand.Rand, p map[string]any, i int) (kind, label string) {
	strs := func(k string) []any { l, _ := p[k].([]any); return l }
	switch i % 10 {
	case 0: // same skills, other order and case
		s := strs("skills")
		if len(s) < 2 {
			return "", ""
		}
		s[0], s[len(s)-1] = s[len(s)-1], s[0]
		s[0] = strings.ToUpper(s[0].(string))
		return "skills_shuffled_case", "hit"
	case 1: // a repeated achievement, a trailing full stop
		a := strs("achievements")
		if len(a) == 0 {
			return "", ""
		}
		p["achievements"] = append(a, a[0].(string)+".")
		return "achievement_repeated", "hit"
	case 2: // role abbreviated
		role := p["current_role"].(string)
		for long, short := range map[string]string{"Senior ": "Sr. ", "Manager": "Mgr", "Director": "Dir.", "Vice President": "VP"} {
			if strings.Contains(role, long) {
				p["current_role"] = strings.Replace(role, long, short, 1)
				return "role_abbreviated", "hit"
			}
		}
		p["current_role"] = "  " + strings.ToLower(role) + "  "
		return "role_case", "hit"
	case 3: // a letter dropped from a long word of the summary: another word
		s, _ := p["experience_summary"].(string)
		words := strings.Fields(s)
		for j, w := range words {
			if len(w) >= 8 && !strings.ContainsAny(w, "0123456789") {
				words[j] = w[:3] + w[4:]
				p["experience_summary"] = strings.Join(words, " ")
				return "summary_typo", "miss"
			}
		}
		return "", ""
	case 4: // a number in an achievement changed
		a := strs("achievements")
		for j, x := range a {
			s := x.(string)
			if k := strings.IndexAny(s, "0123456789"); k >= 0 {
				d := (int(s[k]-'0') + 1 + rng.IntN(8)) % 10
				a[j] = s[:k] + fmt.Sprint(d) + s[k+1:]
				return "number_changed", "miss"
			}
		}
		return "", ""
	case 5: // a skill swapped for another
		s := strs("skills")
		if len(s) == 0 {
			return "", ""
		}
		s[rng.IntN(len(s))] = []string{"Rust", "Figma", "SAP", "Tableau", "Negotiation"}[rng.IntN(5)] + " " + fmt.Sprint(i)
		return "skill_swapped", "miss"
	case 6: // a more senior role
		p["current_role"] = []string{"Lead ", "Principal ", "Head of "}[rng.IntN(3)] + p["current_role"].(string)
		return "role_promoted", "miss"
	case 7: // another employer
		p["company"] = []string{"Tailspin Toys", "Margie's Travel", "Adatum"}[rng.IntN(3)] + " " + fmt.Sprint(i)
		return "company_changed", "miss"
	case 8: // another person
		p["name"] = []string{"Noor Haddad", "Tomás Silva", "Mei Chen"}[rng.IntN(3)]
		return "person_changed", "miss"
	default: // an achievement added
		p["achievements"] = append(strs("achievements"), fmt.Sprintf("Opened %d new offices", 2+rng.IntN(9)))
		return "achievement_added", "miss"
	}
}

// TestTenantIsolation sends the same request for the same user id under two
// tenants, in both scopes: neither cache may answer one tenant from the
// other's entries.
func TestTenantIsolation(t *testing.T) {
	for _, scope := range []string{"user", "tenant"} {
		t.Run(scope, func(t *testing.T) {
			_, url := fakeServer(t, fakellm.Config{})
			yaml := "server:\n  addr: 127.0.0.1:0\nproviders:\n" + ollamaProviderTimeout("big", url, "5s") +
				"tenants:\n" +
				"  - id: alpha\n    keys: [\"" + tenant.Digest("alpha-key") + "\"]\n    chain: [big]\n    cache:\n      scope: " + scope + "\n" +
				"  - id: beta\n    keys: [\"" + tenant.Digest("beta-key") + "\"]\n    chain: [big]\n    cache:\n      scope: " + scope + "\n"
			r := startAppYAML(t, yaml)
			body := []byte(bioRequest)
			if got, _ := r.postJSON(t, "alpha-key", body); got.Cache != "miss" {
				t.Fatalf("first: %s", got.Cache)
			}
			if got, _ := r.postJSON(t, "alpha-key", body); got.Cache == "miss" {
				t.Fatalf("alpha repeat: %s", got.Cache)
			}
			if got, _ := r.postJSON(t, "beta-key", body); got.Cache != "miss" {
				t.Fatalf("beta got alpha's entry from the %s cache", got.Cache)
			}
			// Another user of alpha with the same facts: a hit only in
			// tenant scope.
			got, _ := r.postJSON(t, "alpha-key", withUser(t, body, "w-2"))
			if (scope == "tenant") != (got.Cache == "semantic") {
				t.Fatalf("scope %s, another user of alpha: cache %s", scope, got.Cache)
			}
			// Profiles only alpha has cached never answer beta, for the
			// same user or another.
			for i, line := range corpustest.Profiles(t, 100)[:20] {
				user := fmt.Sprintf("iso-%d", i)
				if got, _ := r.postJSON(t, "alpha-key", withUser(t, line, user)); got.Cache != "miss" {
					t.Fatalf("alpha %d: %s", i, got.Cache)
				}
				// The first beta request with these facts, for the same
				// user id; beta's own entries may answer it after that.
				if got, _ := r.postJSON(t, "beta-key", withUser(t, line, user)); got.Cache != "miss" {
					t.Fatalf("profile %d for beta user %s answered from the %s cache", i, user, got.Cache)
				}
			}
		})
	}
}

// TestTenantScopeRepersonalises caches a bio for one person and serves it to
// another user with the same facts under another name and pronouns.
func TestTenantScopeRepersonalises(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	r := startAppYAML(t, "server:\n  addr: 127.0.0.1:0\nproviders:\n"+ollamaProviderTimeout("big", url, "5s")+
		"tenants:\n  - id: acme\n    chain: [big]\n    cache:\n      scope: tenant\n")
	first, _ := r.postJSON(t, "", []byte(bioRequest))
	other := strings.NewReplacer(`"Ada Okafor"`, `"Bea Lindqvist"`, `"she/her"`, `"he/him"`, `"w-1"`, `"w-9"`).Replace(bioRequest)
	got, _ := r.postJSON(t, "", []byte(other))
	if first.Cache != "miss" {
		t.Fatalf("first: %s", first.Cache)
	}
	if got.Cache == "semantic" {
		if strings.Contains(got.Bio, "Ada") || strings.Contains(got.Bio, "Okafor") || !strings.Contains(got.Bio, "Bea Lindqvist") ||
			strings.Contains(" "+strings.ToLower(got.Bio)+" ", " she ") {
			t.Fatalf("badly re-personalised: %q", got.Bio)
		}
	} else if got.Cache != "miss" {
		t.Fatalf("cache %s", got.Cache)
	}
}

// TestNeverCached checks that template, degraded, failed and interrupted
// answers are not cached, and that regenerate skips the read and replaces.
func TestNeverCached(t *testing.T) {
	t.Run("template", func(t *testing.T) {
		r := startAppYAML(t, "server:\n  addr: 127.0.0.1:0\n")
		for i := 0; i < 2; i++ {
			if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "miss" || got.Source != "template" {
				t.Fatalf("request %d: %s from %s", i, got.Cache, got.Source)
			}
		}
	})
	t.Run("degraded", func(t *testing.T) {
		_, healthy := fakeServer(t, fakellm.Config{})
		r := startApp(t, ollamaProvider("big", closedPort(t))+ollamaProvider("small", healthy), "big, small", "")
		for i := 0; i < 2; i++ {
			if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "miss" || !got.Degraded || got.Provider != "small" {
				t.Fatalf("request %d: %+v", i, got)
			}
		}
	})
	t.Run("invalid output", func(t *testing.T) {
		_, bad := fakeServer(t, fakellm.Config{Fault: func(n int64) fakellm.Fault { return fakellm.FaultUnusable }})
		r := startApp(t, ollamaProvider("big", bad), "big", "")
		for i := 0; i < 2; i++ {
			if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "miss" || got.Source != "template" {
				t.Fatalf("request %d: %+v", i, got)
			}
		}
	})
	t.Run("interrupted stream", func(t *testing.T) {
		fake, url := fakeServer(t, fakellm.Config{TokenDelay: 30 * time.Millisecond})
		r := startApp(t, ollamaProviderTimeout("big", url, "8s"), "big", "")
		resp := r.post(t, bioRequest, "Accept", "text/event-stream")
		buf := make([]byte, 64)
		resp.Body.Read(buf)
		resp.Body.Close()
		r.client.CloseIdleConnections()
		deadline := time.Now().Add(5 * time.Second)
		for fake.Cancelled() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "miss" {
			t.Fatalf("an interrupted stream was cached: %s", got.Cache)
		}
	})
	t.Run("regenerate", func(t *testing.T) {
		fake, r := modelApp(t, "")
		first, _ := r.postJSON(t, "", []byte(bioRequest))
		regen, _ := r.postJSON(t, "", []byte(strings.Replace(bioRequest, `"options"`, `"regenerate":true,"options"`, 1)))
		again, _ := r.postJSON(t, "", []byte(bioRequest))
		if first.Cache != "miss" || regen.Cache != "miss" || fake.Requests() != 2 || again.Cache != "exact" || again.Bio != regen.Bio || regen.Bio == first.Bio {
			t.Fatalf("first %s, regenerate %s (%d upstream requests), again %s; same bio as regenerate: %v",
				first.Cache, regen.Cache, fake.Requests(), again.Cache, again.Bio == regen.Bio)
		}
	})
}

// TestCachePersists saves the semantic cache, encrypted, at shutdown and
// loads it in the next process.
func TestCachePersists(t *testing.T) {
	t.Setenv("BIOGEN_TEST_CACHE_KEY", strings.Repeat("s", 32))
	path := t.TempDir() + "/semantic.enc"
	_, url := fakeServer(t, fakellm.Config{})
	yaml := "server:\n  addr: 127.0.0.1:0\ncache:\n  persist_path: " + path + "\n  key_env: BIOGEN_TEST_CACHE_KEY\n" +
		"providers:\n" + ollamaProviderTimeout("big", url, "5s") + "tenants:\n  - id: acme\n    chain: [big]\n"
	cfg := loadConfig(t, yaml)
	first, err := Build(cfg, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	addrs := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- first.Run(ctx, func(p, _ net.Addr) { addrs <- p }) }()
	r := &running{base: "http://" + (<-addrs).String(), client: &http.Client{Timeout: 10 * time.Second}}
	if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "miss" || got.Source != "ollama" {
		t.Fatalf("first: %+v", got)
	}
	r.client.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil || len(raw) == 0 || strings.Contains(string(raw), "Okafor") {
		t.Fatalf("snapshot: %d bytes, %v", len(raw), err)
	}
	// The next process answers a reworded request from the loaded cache.
	r = startAppYAML(t, yaml)
	reordered := strings.Replace(bioRequest, `"Go","Kafka","PostgreSQL"`, `"PostgreSQL","Go","Kafka"`, 1)
	if got, _ := r.postJSON(t, "", []byte(reordered)); got.Cache != "semantic" {
		t.Fatalf("after restart: %s", got.Cache)
	}
	// A snapshot under another key, or corrupt, or truncated, does not
	// stop biogen: it is moved aside, counted, and the cache starts empty.
	r.stop()
	good, _ := os.ReadFile(path)
	for name, key := range map[string]string{"another key": strings.Repeat("t", 32), "flipped byte": strings.Repeat("s", 32),
		"truncated": strings.Repeat("s", 32)} {
		t.Setenv("BIOGEN_TEST_CACHE_KEY", key)
		bad := good
		switch name {
		case "flipped byte":
			bad = append([]byte(nil), good...)
			bad[len(bad)/2] ^= 0x40
		case "truncated":
			bad = good[:len(good)/2]
		}
		os.WriteFile(path, bad, 0o600)
		before := telemetry.SnapshotsDiscarded()
		r := startAppYAML(t, yaml)
		if got, _ := r.postJSON(t, "", []byte(reordered)); got.Cache != "miss" || got.Source != "ollama" {
			t.Fatalf("%s: %+v", name, got)
		}
		r.stop()
		aside, _ := filepath.Glob(path + ".unreadable-*")
		if len(aside) == 0 || telemetry.SnapshotsDiscarded() != before+1 {
			t.Fatalf("%s: moved aside %v, counted %d", name, aside, telemetry.SnapshotsDiscarded()-before)
		}
		for _, a := range aside {
			os.Remove(a)
		}
	}
	// A key of the wrong length is refused at start-up, naming the setting.
	t.Setenv("BIOGEN_TEST_CACHE_KEY", "too short")
	if _, err := Build(loadConfig(t, yaml), quiet); err == nil || !strings.Contains(err.Error(), "cache.key_env") {
		t.Fatalf("short key: %v", err)
	}
}

// TestBodyHits checks the answers a repeated body gets from the exact cache
// without being decoded: the same answer as a decoded exact hit, never for a
// body that asks for a new version, a stream for a client that asks for
// one, and a bad header still refused.
func TestBodyHits(t *testing.T) {
	fake, r := modelApp(t, "")
	bodyHits := telemetry.CacheBodyHits("acme")
	first, _ := r.postJSON(t, "", []byte(bioRequest))
	// Other bytes, the same request: a decoded exact hit, which files these
	// bytes too.
	spaced := " " + bioRequest
	decoded, _ := r.postJSON(t, "", []byte(spaced))
	r.app.cache.Wait() // the alias of these bytes is written asynchronously
	byBody, h := r.postJSON(t, "", []byte(spaced))
	if first.Cache != "miss" || decoded.Cache != "exact" || byBody.Cache != "exact" || h.Get("X-Cache") != "HIT" || fake.Requests() != 1 {
		t.Fatalf("first %s, decoded %s, by body %s (X-Cache %s); %d upstream requests", first.Cache, decoded.Cache, byBody.Cache, h.Get("X-Cache"), fake.Requests())
	}
	if byBody.Bio != first.Bio || byBody.Format != first.Format || byBody.Source != first.Source || byBody.Provider != first.Provider ||
		byBody.Model != first.Model || byBody.PromptVersion != first.PromptVersion || byBody.RequestID == decoded.RequestID ||
		byBody.ID != first.ID || decoded.ID != first.ID { // the id names the bio: every hit of it answers with it
		t.Fatalf("by body %+v\nfirst %+v", byBody, first)
	}
	if n := telemetry.CacheBodyHits("acme") - bodyHits; n != 1 {
		t.Fatalf("%d answers by body; want 1 (the third request)", n)
	}
	regen := strings.Replace(bioRequest, `"options"`, `"regenerate":true,"options"`, 1)
	for i := 0; i < 2; i++ {
		if got, _ := r.postJSON(t, "", []byte(regen)); got.Cache != "miss" {
			t.Fatalf("regenerate %d: %s", i, got.Cache)
		}
	}
	if n := fake.Requests(); n != 3 {
		t.Fatalf("%d upstream requests; want 3", n)
	}
	resp := r.post(t, spaced, "Accept", "text/event-stream")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || !strings.Contains(string(b), "event: done") {
		t.Fatalf("stream of a filed body: %s\n%s", resp.Header.Get("Content-Type"), b)
	}
	resp = r.post(t, spaced, "X-Cache-Min-Similarity", "7")
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("bad X-Cache-Min-Similarity with a filed body: %d", resp.StatusCode)
	}
	if n := telemetry.CacheBodyHits("acme") - bodyHits; n != 1 {
		t.Fatalf("%d answers by body; want still 1", n)
	}
}

// TestHangingEmbedderApp runs biogen with an Ollama embedder that accepts
// connections and never answers, and a snapshot path: answers still come
// from the model and the exact cache, lookups never wait for the embedder,
// and shutdown (which purges and saves the semantic cache) completes.
func TestHangingEmbedderApp(t *testing.T) {
	var embeds atomic.Int64
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		embeds.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hang.Close()
	defer close(release)
	_, url := fakeServer(t, fakellm.Config{})
	t.Setenv("BIOGEN_CACHE_KEY", strings.Repeat("k", 32))
	cfg := loadConfig(t, "server:\n  addr: 127.0.0.1:0\n  shutdown_grace: 5s\n"+
		"cache:\n  embedder: ollama\n  embed_model: nomic-embed-text\n  embed_host: "+hang.URL+"\n  embed_timeout: 200ms\n"+
		"  persist_path: "+filepath.Join(t.TempDir(), "semantic.snap")+"\n"+
		"providers:\n"+ollamaProviderTimeout("big", url, "5s")+"tenants:\n  - id: acme\n    chain: [big]\n")
	r := runApp(t, cfg)
	if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "miss" || got.Source != "ollama" {
		t.Fatalf("first: %s from %s", got.Cache, got.Source)
	}
	if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "exact" {
		t.Fatalf("repeat: %s", got.Cache)
	}
	calls := embeds.Load()
	// Another wording of the same facts: the semantic entry was never
	// stored, and the lookup makes no embedding call to find that out.
	reworded := strings.Replace(bioRequest, `"Principal Data Engineer"`, `"principal data engineer"`, 1)
	if got, _ := r.postJSON(t, "", []byte(reworded)); got.Cache != "miss" || got.Source != "ollama" {
		t.Fatalf("reworded: %s from %s", got.Cache, got.Source)
	}
	if n := embeds.Load(); n > calls+1 {
		t.Fatalf("a lookup called the embedder: %d calls, then %d", calls, n)
	}
	calls = embeds.Load()
	// Shutdown purges and saves the semantic cache; a hung shutdown fails
	// the test at the test binary's timeout.
	if err := r.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if n := embeds.Load(); n != calls {
		t.Fatalf("shutdown called the embedder %d times", n-calls)
	}
}

// TestErasureReachesTheSnapshot: after DELETE /v1/users/{id} answers, the
// snapshot on disk no longer holds the user, so a process that dies at
// once and restarts from it does not serve the user's old bio (issue 12).
func TestErasureReachesTheSnapshot(t *testing.T) {
	t.Setenv("BIOGEN_TEST_CACHE_KEY", strings.Repeat("e", 32))
	path := t.TempDir() + "/semantic.enc"
	dataDir := t.TempDir()
	_, url := fakeServer(t, fakellm.Config{})
	yamlFor := func(p string) string {
		return "data_dir: " + dataDir + "\nserver:\n  addr: 127.0.0.1:0\ncache:\n  persist_path: " + p + "\n  key_env: BIOGEN_TEST_CACHE_KEY\n" +
			"providers:\n" + ollamaProviderTimeout("big", url, "5s") + "tenants:\n  - id: acme\n    chain: [big]\n"
	}
	reordered := strings.Replace(bioRequest, `"Go","Kafka","PostgreSQL"`, `"PostgreSQL","Go","Kafka"`, 1)
	r := startAppYAML(t, yamlFor(path))
	if got, _ := r.postJSON(t, "", []byte(bioRequest)); got.Cache != "miss" {
		t.Fatalf("first: %s", got.Cache)
	}
	r.stop() // saves the snapshot with the user's entry
	r = startAppYAML(t, yamlFor(path))
	if got, _ := r.postJSON(t, "", []byte(reordered)); got.Cache != "semantic" {
		t.Fatalf("from the snapshot: %s", got.Cache)
	}
	before, err := os.ReadFile(path) // a snapshot taken before the erasure
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("DELETE", r.base+"/v1/users/w-1", nil)
	resp, err := r.client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("erase: %v %v", resp, err)
	}
	resp.Body.Close()
	// The process "dies" now: a copy of the snapshot as it is on disk.
	crashed := t.TempDir() + "/semantic.enc"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(crashed, b, 0o600)
	r.stop() // its lock on data_dir goes, as a dead process's would; the copy is taken
	r2 := startAppYAML(t, yamlFor(crashed))
	if got, _ := r2.postJSON(t, "", []byte(reordered)); got.Cache != "miss" {
		t.Fatalf("after erasure, from the snapshot on disk: %s", got.Cache)
	}
	r2.stop()
	// Even a snapshot taken before the erasure: the erasure's durable
	// record in data_dir drops the user at load (adversary round 6, F1).
	older := t.TempDir() + "/semantic.enc"
	os.WriteFile(older, before, 0o600)
	r3 := startAppYAML(t, yamlFor(older))
	if got, _ := r3.postJSON(t, "", []byte(reordered)); got.Cache != "miss" {
		t.Fatalf("after erasure, from a snapshot taken before it: %s", got.Cache)
	}
	if b, _ := os.ReadFile(dataDir + "/erasures.jsonl"); strings.Contains(string(b), "w-1") || len(b) == 0 {
		t.Fatalf("erasure records: %q", b)
	}
}

// TestRetentionAtLoad: a snapshot serves nothing the configuration no
// longer keeps: after a restart with a shorter TTL the old entry is a
// miss, and a tenant removed for one restart finds nothing of its old
// entries when it comes back (issue 12).
func TestRetentionAtLoad(t *testing.T) {
	t.Setenv("BIOGEN_TEST_CACHE_KEY", strings.Repeat("r", 32))
	path := t.TempDir() + "/semantic.enc"
	_, url := fakeServer(t, fakellm.Config{})
	yamlFor := func(id, ttl string) string {
		return "server:\n  addr: 127.0.0.1:0\ncache:\n  persist_path: " + path + "\n  key_env: BIOGEN_TEST_CACHE_KEY\n" +
			"providers:\n" + ollamaProviderTimeout("big", url, "5s") + "tenants:\n  - id: " + id + "\n    chain: [big]\n" +
			"    cache:\n      ttl: " + ttl + "\n"
	}
	reordered := strings.Replace(bioRequest, `"Go","Kafka","PostgreSQL"`, `"PostgreSQL","Go","Kafka"`, 1)
	seed := func() {
		r := startAppYAML(t, yamlFor("acme", "24h"))
		r.postJSON(t, "", []byte(bioRequest))
		r.stop()
		r = startAppYAML(t, yamlFor("acme", "24h"))
		if got, _ := r.postJSON(t, "", []byte(reordered)); got.Cache != "semantic" {
			t.Fatalf("seeded snapshot: %s", got.Cache)
		}
		r.stop()
	}
	seed()
	r := startAppYAML(t, yamlFor("acme", "1ns"))
	if got, _ := r.postJSON(t, "", []byte(reordered)); got.Cache == "semantic" {
		t.Fatal("an entry older than the tenant's new TTL was served")
	}
	r.stop()
	seed()
	startAppYAML(t, yamlFor("other", "24h")).stop() // acme is gone for one run
	r = startAppYAML(t, yamlFor("acme", "24h"))
	if got, _ := r.postJSON(t, "", []byte(reordered)); got.Cache == "semantic" {
		t.Fatal("a removed tenant's entry came back")
	}
}
