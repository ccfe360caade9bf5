package wiring

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/httpapi"
	"github.com/biogen/biogen/internal/sse"
	"github.com/biogen/biogen/internal/tenant"
)

// isoTenant is one tenant of the isolation matrix, with the data and the
// metadata that only it has.
type isoTenant struct {
	id, provider string
	// host is its provider's fake model server, host:port.
	host string
	// ownProvider is set when no other tenant's chain has the provider:
	// then its name and host are the tenant's metadata.
	ownProvider bool
	// person, surname, company and user are in its requests only.
	person, surname, company, user string
	keys                           []isoKey
	// job is the id of a job of the tenant's, otherJob one of the other
	// tenant's; bioID and otherBio are the ids of bios of each.
	job, otherJob   string
	bioID, otherBio string
}

// isoKey is an API key in clear, its configured name and its one scope.
type isoKey struct{ scope, name, key string }

func newIsoTenant(id, person, surname, company, user string) *isoTenant {
	c := &isoTenant{id: id, person: person + " " + surname, surname: surname, company: company, user: user}
	for _, s := range []string{tenant.ScopeBios, tenant.ScopeMetrics, tenant.ScopeErase, tenant.ScopeAdmin} {
		c.keys = append(c.keys, isoKey{scope: s, name: id + "-" + s + "-2026", key: id + "-" + s + "-secret-k3y"})
	}
	return c
}

func (c *isoTenant) key(scope string) string {
	for _, k := range c.keys {
		if k.scope == scope {
			return k.key
		}
	}
	panic("no key of scope " + scope)
}

// yaml configures the tenant: a key of each scope, its own provider first,
// both caches in tenant scope.
func (c *isoTenant) yaml() string {
	s := "  - id: " + c.id + "\n    keys:\n"
	for _, k := range c.keys {
		s += fmt.Sprintf("      - {digest: %q, name: %s, scopes: [%s]}\n", tenant.Digest(k.key), k.name, k.scope)
	}
	return s + "    chain: [" + c.provider + "]\n    cache: {exact: true, semantic: true, scope: tenant}\n" +
		"    rate_limit: {requests_per_second: 100000}\n"
}

// body is a request for the tenant's own person.
func (c *isoTenant) body() string {
	return `{"user_id":"` + c.user + `","profile":{"name":"` + c.person + `","pronouns":"she/her","current_role":"Principal Data Engineer",
	"company":"` + c.company + `","years_experience":12,"skills":["Go","Kafka","PostgreSQL"],
	"achievements":["Cut claims processing time from 3 days to 4 hours"]},"options":{"length":"short"}}`
}

// feedbackBody is a feedback on a bio.
func (*isoTenant) feedbackBody() string {
	return `{"rating":"down","reason":"tone","comment":"less formal"}`
}

// jobBody is a job of one item, the tenant's own person.
func (c *isoTenant) jobBody() string { return `{"items":[` + c.body() + `]}` }

// markers are the strings of c that no other tenant's caller may receive:
// its data (person, company, user id) and its metadata (tenant id, key
// names, digests and keys, and its own provider's name and model server).
func (c *isoTenant) markers() []string {
	m := []string{c.person, c.surname, c.company, c.user, c.id}
	if c.ownProvider {
		m = append(m, c.provider, c.host)
	}
	for _, k := range c.keys {
		m = append(m, k.name, k.key, strings.TrimPrefix(tenant.Digest(k.key), "sha256:"))
	}
	return m
}

// isoExchange is one request of the matrix and its answer.
type isoExchange struct {
	caller *isoTenant // nil: no key
	what   string
	// sent are strings the caller sent itself (an erased user id), which
	// its answer may echo.
	sent   []string
	status int
	header http.Header
	body   []byte
}

func (x *isoExchange) String() string {
	return fmt.Sprintf("%s: %d\n%s", x.what, x.status, x.text())
}

// text is every header and the body, as a leak check reads them.
func (x *isoExchange) text() string {
	var b strings.Builder
	for name, vs := range x.header {
		for _, v := range vs {
			b.WriteString(name + ": " + v + "\n")
		}
	}
	b.Write(x.body)
	return b.String()
}

// problem checks that x is the contract's problem for status and code.
func (x *isoExchange) problem(t *testing.T, status int, code bio.ProblemCode) {
	t.Helper()
	var p bio.Problem
	if x.status != status || x.header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(x.body, &p) != nil ||
		p.Status != status || p.Code != code || p.Instance == "" || p.Instance != x.header.Get("X-Request-Id") {
		t.Fatalf("%v\nwant the %d %s problem", x, status, code)
	}
}

// isoCall is one call of the matrix: a route, as httpapi.Routes names it,
// asked one way, by a key of the scope it needs ("" for any valid key).
type isoCall struct {
	route, name, method, path string
	pathOf                    func(c *isoTenant) string // nil: path
	body                      func(c *isoTenant) string // nil: none
	stream                    bool
	scope                     string
}

// isoCalls are the calls of the matrix: each route of httpapi.Routes, and
// a path that is none ("other").
var isoCalls = []isoCall{
	{route: "/v1/bios", name: "json", method: "POST", path: "/v1/bios", scope: tenant.ScopeBios, body: (*isoTenant).body},
	{route: "/v1/bios", name: "stream", method: "POST", path: "/v1/bios", scope: tenant.ScopeBios, body: (*isoTenant).body, stream: true},
	{route: "/v1/bios/{id}/feedback", name: "own", method: "POST", pathOf: func(c *isoTenant) string { return "/v1/bios/" + c.bioID + "/feedback" },
		scope: tenant.ScopeBios, body: (*isoTenant).feedbackBody},
	{route: "/v1/bios/{id}/feedback", name: "other's", method: "POST", pathOf: func(c *isoTenant) string { return "/v1/bios/" + c.otherBio + "/feedback" },
		scope: tenant.ScopeBios, body: (*isoTenant).feedbackBody},
	{route: "/v1/users/{user_id}", name: "erase", method: "DELETE", path: "/v1/users/w-shared-1", scope: tenant.ScopeErase},
	{route: "/v1/jobs", name: "submit", method: "POST", path: "/v1/jobs", scope: tenant.ScopeBios, body: (*isoTenant).jobBody},
	{route: "/v1/jobs/{id}", name: "own", method: "GET", pathOf: func(c *isoTenant) string { return "/v1/jobs/" + c.job }, scope: tenant.ScopeBios},
	{route: "/v1/jobs/{id}", name: "other's", method: "GET", pathOf: func(c *isoTenant) string { return "/v1/jobs/" + c.otherJob }, scope: tenant.ScopeBios},
	{route: "/v1/jobs/{id}", name: "cancel other's", method: "DELETE", pathOf: func(c *isoTenant) string { return "/v1/jobs/" + c.otherJob }, scope: tenant.ScopeBios},
	{route: "/v1/jobs/{id}/deliveries", name: "own", method: "GET", pathOf: func(c *isoTenant) string { return "/v1/jobs/" + c.job + "/deliveries" }, scope: tenant.ScopeBios},
	{route: "/v1/jobs/{id}/deliveries", name: "other's", method: "GET", pathOf: func(c *isoTenant) string { return "/v1/jobs/" + c.otherJob + "/deliveries" }, scope: tenant.ScopeBios},
	{route: "/metrics", method: "GET", path: "/metrics", scope: tenant.ScopeMetrics},
	{route: "/readyz", method: "GET", path: "/readyz"},
	{route: "/healthz", method: "GET", path: "/healthz"},
	{route: "other", method: "GET", path: "/v1/not-a-route"},
}

// TestIsolationMatrix builds biogen from a configuration with two tenants,
// each with a key of every scope and both caches in tenant scope, and calls
// every public route with every key of each (and with none). Whatever a
// tenant's key receives, headers and bodies, holds no data and no metadata
// of the other tenant; each key is answered as its scope allows, else 403
// forbidden; an erasure reaches the caller's tenant only, also for a user
// id both tenants have; the same body never hits the other tenant's cache.
// The admin listener still shows both tenants (issue 12).
//
// It runs twice: each tenant with its own provider, whose name is then the
// tenant's metadata, and both with one provider, where only the tenant
// keeps their cache entries apart (the providers are in the cache keys).
func TestIsolationMatrix(t *testing.T) {
	// Every route served is called: a new route cannot slip past.
	routes := httpapi.Routes()
	for _, rt := range routes {
		if !slices.ContainsFunc(isoCalls, func(c isoCall) bool { return c.route == rt }) {
			t.Errorf("the public listener serves %s and the isolation matrix does not call it", rt)
		}
	}
	for _, c := range isoCalls {
		if c.route != "other" && !slices.Contains(routes, c.route) {
			t.Errorf("the matrix calls %s, which httpapi.Routes does not list", c.route)
		}
	}
	if t.Failed() {
		return
	}
	t.Run("own providers", func(t *testing.T) { isolationMatrix(t, true) })
	t.Run("one provider", func(t *testing.T) { isolationMatrix(t, false) })
}

func isolationMatrix(t *testing.T, ownProviders bool) {
	acme := newIsoTenant("acme", "Odalys", "Brennan", "Larkspur Biotech", "u-larkspur-5521")
	globex := newIsoTenant("globex", "Tobiah", "Marchetti", "Ferncastle Logistics", "u-ferncastle-7730")
	tenants := []*isoTenant{acme, globex}
	other := func(c *isoTenant) *isoTenant {
		if c == acme {
			return globex
		}
		return acme
	}
	providers := ""
	for _, c := range tenants {
		c.ownProvider = ownProviders
		if !ownProviders && c != acme {
			c.provider, c.host = acme.provider, acme.host
			continue
		}
		_, url := fakeServer(t, fakellm.Config{})
		c.provider, c.host = c.id+"-writer", strings.TrimPrefix(url, "http://")
		if !ownProviders {
			c.provider = "shared-writer"
		}
		providers += ollamaProviderTimeout(c.provider, url, "5s")
	}
	r := startAppYAML(t, "data_dir: "+t.TempDir()+"\nserver:\n  addr: 127.0.0.1:0\n  admin_addr: 127.0.0.1:0\n"+
		"  request_timeout: 10s\n  write_timeout: 20s\nproviders:\n"+providers+"tenants:\n"+acme.yaml()+globex.yaml())
	if r.admin == "" {
		t.Fatal("no admin listener")
	}

	var log []*isoExchange
	do := func(caller *isoTenant, key, what, method, url, body string, headers ...string) *isoExchange {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := r.client.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		x := &isoExchange{caller: caller, what: what, status: resp.StatusCode, header: resp.Header, body: b}
		log = append(log, x)
		return x
	}
	// post asks for a bio with c's bios key; cache is the answer wanted.
	post := func(c *isoTenant, body, what, cache string) string {
		t.Helper()
		x := do(c, c.key(tenant.ScopeBios), c.id+" "+what, "POST", r.base+"/v1/bios", body)
		var got bio.Response
		if x.status != 200 || json.Unmarshal(x.body, &got) != nil || string(got.Cache) != cache || got.Provider != c.provider {
			t.Fatalf("%v\nwant cache %s from %s", x, cache, c.provider)
		}
		r.app.cache.Wait() // the exact cache stores asynchronously
		return got.ID
	}
	erase := func(c *isoTenant, k isoKey, user string) (cached int) {
		t.Helper()
		x := do(c, k.key, c.id+"/"+k.scope+" erases "+user, "DELETE", r.base+"/v1/users/"+user, "")
		x.sent = []string{user}
		var out struct {
			UserID    string         `json:"user_id"`
			Erased    map[string]int `json:"erased"`
			RequestID string         `json:"request_id"`
		}
		if x.status != 200 || json.Unmarshal(x.body, &out) != nil || out.UserID != user || len(out.Erased) != 4 ||
			out.RequestID != x.header.Get("X-Request-Id") {
			t.Fatalf("%v\nwant the erasure's answer", x)
		}
		return out.Erased["cache"]
	}
	shared := string(withUser(t, []byte(bioRequest), "w-shared-1")) // a user id and a body both tenants have
	// The same facts in other words: only the semantic cache answers it.
	reordered := strings.Replace(shared, `"Go","Kafka","PostgreSQL"`, `"PostgreSQL","Go","Kafka"`, 1)
	if reordered == shared {
		t.Fatal("the skills were not reordered")
	}

	// Each tenant's own person, then the same body in both tenants: the
	// second tenant's first request is a miss.
	for _, c := range tenants {
		c.bioID = post(c, c.body(), "own person", "miss")
		if id := post(c, c.body(), "own person again", "exact"); id != c.bioID {
			t.Fatalf("%s: the exact hit's id %s; want the bio's %s", c.id, id, c.bioID)
		}
	}
	for _, c := range tenants {
		c.otherBio = other(c).bioID
	}
	post(acme, shared, "shared body", "miss")
	post(acme, shared, "shared body again", "exact")
	post(globex, shared, "shared body, cached by acme", "miss")
	post(globex, shared, "shared body again", "exact")

	// A key of one tenant erases the other's user in its own tenant only.
	for _, c := range tenants {
		for _, k := range c.keys {
			if k.scope == tenant.ScopeErase || k.scope == tenant.ScopeAdmin {
				if n := erase(c, k, other(c).user); n != 0 {
					t.Fatalf("%s erased %d entries of %s's user %s", c.id, n, other(c).id, other(c).user)
				}
				post(other(c), other(c).body(), "own person after "+c.id+" erased its user id", "exact")
			}
		}
	}

	// Each tenant's job of its own person, answered from the exact cache.
	for _, c := range tenants {
		x := do(c, c.key(tenant.ScopeBios), c.id+" submits a job", "POST", r.base+"/v1/jobs", c.jobBody())
		var sub struct{ ID, Status string }
		if x.status != 202 || json.Unmarshal(x.body, &sub) != nil || sub.Status != "queued" || x.header.Get("Location") != "/v1/jobs/"+sub.ID {
			t.Fatalf("%v\nwant the job accepted", x)
		}
		c.job = sub.ID
	}
	for _, c := range tenants {
		c.otherJob = other(c).job
	}

	check := func(c *isoTenant, k isoKey, call isoCall, x *isoExchange, erased *bool) {
		t.Helper()
		allowed := call.scope == "" || k.scope == call.scope || k.scope == tenant.ScopeAdmin
		switch {
		case call.route == "other":
			x.problem(t, 404, bio.ProblemNotFound)
		case !allowed:
			x.problem(t, 403, bio.ProblemForbidden)
		case call.route == "/v1/bios" && !call.stream:
			var got bio.Response
			if x.status != 200 || json.Unmarshal(x.body, &got) != nil || got.Cache != "exact" || got.Provider != c.provider ||
				!strings.Contains(got.Bio, c.surname) || x.header.Get("X-Cache") != "HIT" {
				t.Fatalf("%v\nwant the exact hit of %s's bio", x, c.id)
			}
		case call.route == "/v1/bios":
			st, err := sse.ReadAll(bytes.NewReader(x.body))
			if x.status != 200 || !strings.HasPrefix(x.header.Get("Content-Type"), "text/event-stream") || err != nil ||
				st.Done == nil || st.Done.Cache != "exact" || st.Done.Provider != c.provider || st.Text != st.Done.Bio || !strings.Contains(st.Text, c.surname) {
				t.Fatalf("%v\nwant the exact hit of %s's bio, streamed (%v)", x, c.id, err)
			}
		case call.route == "/v1/users/{user_id}":
			var out struct {
				UserID string         `json:"user_id"`
				Erased map[string]int `json:"erased"`
			}
			if x.status != 200 || json.Unmarshal(x.body, &out) != nil || out.UserID != "w-shared-1" || len(out.Erased) != 4 ||
				(out.Erased["cache"] > 0) == *erased {
				t.Fatalf("%v\nwant the erasure's answer, entries erased by the first key only", x)
			}
			*erased = true
		case call.route == "/v1/jobs":
			var sub struct {
				ID, Status string
				Total      int
			}
			if x.status != 202 || json.Unmarshal(x.body, &sub) != nil || sub.Status != "queued" || sub.Total != 1 ||
				x.header.Get("Location") != "/v1/jobs/"+sub.ID || !strings.HasPrefix(sub.ID, "job_") {
				t.Fatalf("%v\nwant the job accepted", x)
			}
		case call.route == "/v1/jobs/{id}" && call.name == "own":
			var j struct{ ID string }
			if x.status != 200 || json.Unmarshal(x.body, &j) != nil || j.ID != c.job {
				t.Fatalf("%v\nwant %s's job", x, c.id)
			}
		case call.route == "/v1/jobs/{id}":
			x.problem(t, 404, bio.ProblemNotFound)
		case call.route == "/v1/bios/{id}/feedback" && call.name == "own":
			var got struct {
				ID    string `json:"id"`
				BioID string `json:"bio_id"`
			}
			if x.status != 202 || json.Unmarshal(x.body, &got) != nil || !strings.HasPrefix(got.ID, "fb_") || got.BioID != c.bioID {
				t.Fatalf("%v\nwant the feedback on %s's bio accepted", x, c.id)
			}
		case call.route == "/v1/bios/{id}/feedback":
			x.problem(t, 404, bio.ProblemNotFound)
		case call.route == "/v1/jobs/{id}/deliveries" && call.name == "own":
			var d struct {
				JobID      string            `json:"job_id"`
				Deliveries []json.RawMessage `json:"deliveries"`
			}
			if x.status != 200 || json.Unmarshal(x.body, &d) != nil || d.JobID != c.job || d.Deliveries == nil {
				t.Fatalf("%v\nwant the delivery log of %s's job", x, c.id)
			}
		case call.route == "/v1/jobs/{id}/deliveries":
			x.problem(t, 404, bio.ProblemNotFound)
		case call.route == "/metrics":
			body := string(x.body)
			for _, want := range []string{
				`tenant="` + c.id + `"`, // the tenant's own series
				`biogen_bios_total{source="ollama",provider="` + c.provider + `"`,
				// process-wide series, named for no tenant
				`biogen_http_requests_total{route="/v1/bios",status="200"}`, "biogen_http_requests_in_flight", "go_goroutines", "process_cpu_seconds_total",
			} {
				if x.status != 200 || !strings.Contains(body, want) {
					t.Fatalf("%s: %d; the metrics lack %q:\n%s", x.what, x.status, want, body)
				}
			}
		case call.route == "/readyz":
			var ready struct {
				Status    string `json:"status"`
				Providers []struct {
					Name string `json:"name"`
				} `json:"providers"`
			}
			json.Unmarshal(x.body, &ready)
			var names []string
			for _, p := range ready.Providers {
				names = append(names, p.Name)
			}
			if x.status != 200 || ready.Status != "ready" || !slices.Equal(names, []string{c.provider, "template"}) {
				t.Fatalf("%v\nwant %s's chain only", x, c.id)
			}
		case call.route == "/healthz":
			if x.status != 200 || string(x.body) != `{"status":"ok"}` {
				t.Fatalf("%v", x)
			}
		default:
			t.Fatalf("no check of %s", call.route)
		}
	}

	for _, c := range tenants {
		erased := false
		for _, k := range c.keys {
			for _, call := range isoCalls {
				var h []string
				if call.stream {
					h = []string{"Accept", "text/event-stream"}
				}
				body := ""
				if call.body != nil {
					body = call.body(c)
				}
				path := call.path
				if call.pathOf != nil {
					path = call.pathOf(c)
				}
				x := do(c, k.key, fmt.Sprintf("%s/%s %s %s (%s)", c.id, k.scope, call.method, call.route, call.name),
					call.method, r.base+path, body, h...)
				for _, seg := range strings.Split(path, "/") {
					if seg == c.otherJob || seg == c.otherBio {
						x.sent = append(x.sent, seg) // the id it asked for
					}
				}
				check(c, k, call, x, &erased)
			}
		}
		if !erased {
			t.Fatalf("no key of %s erased", c.id)
		}
		// The user id both tenants have is gone from the caller's tenant
		// only: from neither of its caches (a semantic entry left would
		// answer), from both of the other's.
		post(c, shared, "shared body after its erasure", "miss")
		post(other(c), shared, "shared body after "+c.id+" erased it", "exact")
		post(other(c), reordered, "shared facts reordered after "+c.id+" erased them", "semantic")
	}

	// Without a key, every route is 401, for either tenant's data.
	for _, call := range isoCalls {
		body := ""
		if call.body != nil {
			body = call.body(acme)
		}
		path := call.path
		if call.pathOf != nil {
			path = call.pathOf(acme)
		}
		x := do(nil, "", "no key "+call.method+" "+call.route, call.method, r.base+path, body)
		x.problem(t, 401, bio.ProblemUnauthorized)
		if !strings.HasPrefix(x.header.Get("WWW-Authenticate"), "Bearer") {
			t.Fatalf("%v\nwant WWW-Authenticate: Bearer", x)
		}
	}

	// No answer to a key of one tenant holds the other tenant's data or
	// metadata, nor one of the bio ids served to it; an answer without a
	// key holds neither tenant's.
	ids := map[*isoTenant][]string{}
	for _, x := range log {
		var resp bio.Response
		if x.caller != nil && json.Unmarshal(x.body, &resp) == nil && resp.ID != "" {
			ids[x.caller] = append(ids[x.caller], resp.ID)
		}
	}
	for _, x := range log {
		var from []*isoTenant
		if x.caller == nil {
			from = tenants
		} else {
			from = []*isoTenant{other(x.caller)}
		}
		text := x.text()
		for _, o := range from {
			for _, m := range append(o.markers(), ids[o]...) {
				if !slices.Contains(x.sent, m) && strings.Contains(text, m) {
					t.Errorf("%s received %q of tenant %s:\n%s", x.what, m, o.id, text)
				}
			}
		}
	}

	// The admin listener keeps the full view.
	for path, wants := range map[string][]string{
		"/metrics": {`tenant="acme"`, `tenant="globex"`, `provider="` + acme.provider + `"`, `provider="` + globex.provider + `"`},
		"/readyz":  {`"name":"` + acme.provider + `"`, `"name":"` + globex.provider + `"`},
		"/healthz": {`{"status":"ok"}`},
	} {
		resp, err := r.client.Get(r.admin + path)
		if err != nil {
			t.Fatalf("admin %s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range wants {
			if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
				t.Errorf("admin %s: %d; lacks %q:\n%.3000s", path, resp.StatusCode, want, b)
			}
		}
	}
	t.Logf("%d requests, %d keys of each tenant and none", len(log), len(acme.keys))
}
