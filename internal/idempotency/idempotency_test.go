package idempotency

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/leaktest"
	"github.com/biogen/biogen/internal/store"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// keeper opens a store in dir with the clock and returns a Keeper over it;
// the store is closed when the test ends, or by calling close.
func keeper(t *testing.T, dir string, c *clock) (k *Keeper, close func()) {
	t.Helper()
	st, err := store.Open(dir, store.Options{Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	once := sync.OnceFunc(func() { st.Close() })
	t.Cleanup(once)
	k, err = New(Config{Store: st, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return k, once
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)} }

var answer = Response{Status: 200, Header: [][2]string{{"Content-Type", "application/json"}, {"X-Cache", "MISS"}},
	Body: []byte(`{"id":"bio_1","bio":"Ada Okafor is ..."}`)}

func TestValidKey(t *testing.T) {
	f := func(key string, want bool) {
		t.Helper()
		if got := ValidKey([]byte(key)); got != want {
			t.Errorf("ValidKey(%q) = %v; want %v", key, got, want)
		}
	}
	f("8e03978e-40d5-43e8-bc93-6894a57f9324", true)
	f(`"quoted as in the draft"`, true)
	f("a", true)
	f(" ~", true)
	f(strings.Repeat("k", 255), true)
	f("", false)
	f(strings.Repeat("k", 256), false)
	f("tab\there", false)
	f("new\nline", false)
	f("del\x7f", false)
	f("café", false)
}

func TestBeginCompleteReplay(t *testing.T) {
	k, _ := keeper(t, t.TempDir(), newClock())
	fp, other := FingerprintOf("/v1/bios", []byte(`{"a":1}`)), FingerprintOf("/v1/bios", []byte(`{"a":2}`))
	c, stored, err := k.Begin("acme", "key-1", fp)
	if c == nil || stored != nil || err != nil {
		t.Fatalf("first: %v %v %v", c, stored, err)
	}
	if _, _, err := k.Begin("acme", "key-1", fp); !errors.Is(err, ErrInFlight) {
		t.Fatalf("while running: %v", err)
	}
	if _, _, err := k.Begin("acme", "key-1", other); !errors.Is(err, ErrReused) {
		t.Fatalf("another body while running: %v", err)
	}
	if err := c.Complete("w-1", answer); err != nil {
		t.Fatal(err)
	}
	c.Release() // after Complete: harmless
	c2, stored, err := k.Begin("acme", "key-1", fp)
	if c2 != nil || err != nil || stored == nil || stored.Status != 200 || !bytes.Equal(stored.Body, answer.Body) ||
		stored.Get("X-Cache") != "MISS" || stored.Get("Content-Type") != "application/json" || len(stored.Header) != 2 {
		t.Fatalf("replay: %v %+v %v", c2, stored, err)
	}
	if _, _, err := k.Begin("acme", "key-1", other); !errors.Is(err, ErrReused) {
		t.Fatalf("another body after: %v", err)
	}
	// Another tenant's same key is its own.
	if c, stored, err := k.Begin("globex", "key-1", fp); c == nil || stored != nil || err != nil {
		t.Fatalf("another tenant: %v %v %v", c, stored, err)
	}
}

// TestReleaseStoresNothing: a request that failed leaves the key free, and
// nothing stored.
func TestReleaseStoresNothing(t *testing.T) {
	k, _ := keeper(t, t.TempDir(), newClock())
	fp := FingerprintOf("/v1/bios", []byte("body"))
	c, _, _ := k.Begin("acme", "k", fp)
	c.Release()
	c.Release()
	if k.InFlight() != 0 {
		t.Fatalf("%d in flight", k.InFlight())
	}
	if c, stored, err := k.Begin("acme", "k", fp); c == nil || stored != nil || err != nil {
		t.Fatalf("after release: %v %v %v", c, stored, err)
	}
}

// TestExpiry: an answer is kept 24 hours from when it was stored.
func TestExpiry(t *testing.T) {
	clk := newClock()
	k, _ := keeper(t, t.TempDir(), clk)
	fp := FingerprintOf("/v1/bios", []byte("body"))
	c, _, _ := k.Begin("acme", "k", fp)
	clk.Add(time.Minute) // the request ran a minute
	c.Complete("w-1", answer)
	clk.Add(TTL - time.Nanosecond)
	if _, stored, _ := k.Begin("acme", "k", fp); stored == nil {
		t.Fatal("gone before 24 hours")
	}
	clk.Add(time.Nanosecond)
	c, stored, err := k.Begin("acme", "k", fp)
	if c == nil || stored != nil || err != nil {
		t.Fatalf("after 24 hours: %v %v %v", c, stored, err)
	}
	c.Release()
}

// TestClaimsDoNotOutliveTheProcess: a key claimed when the process stopped
// (crashed) is free after a restart; an answer stored is still there.
func TestClaimsDoNotOutliveTheProcess(t *testing.T) {
	dir, clk := t.TempDir(), newClock()
	k, closeStore := keeper(t, dir, clk)
	fp := FingerprintOf("/v1/bios", []byte("body"))
	if c, _, _ := k.Begin("acme", "running", fp); c == nil {
		t.Fatal("no claim")
	}
	done, _, _ := k.Begin("acme", "done", fp)
	done.Complete("w-1", answer)
	closeStore() // the process ends with "running" claimed
	k, _ = keeper(t, dir, clk)
	if c, stored, err := k.Begin("acme", "running", fp); c == nil || stored != nil || err != nil {
		t.Fatalf("after a restart: %v %v %v", c, stored, err)
	}
	if _, stored, err := k.Begin("acme", "done", fp); stored == nil || err != nil || !bytes.Equal(stored.Body, answer.Body) {
		t.Fatalf("the stored answer after a restart: %v %v", stored, err)
	}
}

// TestEraseUser removes the user's answers in the tenant, counts them, and
// keeps a request of the user still running from storing its answer.
func TestEraseUser(t *testing.T) {
	k, _ := keeper(t, t.TempDir(), newClock())
	fp := FingerprintOf("/v1/bios", []byte("body"))
	for _, x := range []struct{ tenant, key, user string }{
		{"acme", "k1", "w-1"}, {"acme", "k2", "w-1"}, {"acme", "k3", "w-2"}, {"globex", "k1", "w-1"},
	} {
		c, _, _ := k.Begin(x.tenant, x.key, fp)
		if err := c.Complete(x.user, answer); err != nil {
			t.Fatal(err)
		}
	}
	running, _, _ := k.Begin("acme", "k4", fp)
	other, _, _ := k.Begin("acme", "k5", fp)
	if n, err := k.EraseUser("acme", "w-1"); n != 2 || err != nil {
		t.Fatalf("erased %d, %v", n, err)
	}
	later, _, _ := k.Begin("acme", "k6", fp) // began after the erasure
	running.Complete("w-1", answer)          // began before: not stored
	other.Complete("w-2", answer)
	later.Complete("w-1", answer)
	for key, want := range map[string]bool{"acme/k1": false, "acme/k2": false, "acme/k3": true, "globex/k1": true,
		"acme/k4": false, "acme/k5": true, "acme/k6": true} {
		tenant, key, _ := strings.Cut(key, "/")
		c, stored, _ := k.Begin(tenant, key, fp)
		if got := stored != nil; got != want {
			t.Errorf("%s/%s stored %v; want %v", tenant, key, got, want)
		}
		if c != nil {
			c.Release()
		}
	}
	if n, _ := k.EraseUser("acme", "w-1"); n != 1 { // k6
		t.Fatalf("second erasure: %d", n)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.erased) != 0 || len(k.claims) != 0 {
		t.Fatalf("left behind: %d erasures, %d claims", len(k.erased), len(k.claims))
	}
}

func TestDecodeRefusesGarbage(t *testing.T) {
	b := encode(FingerprintOf("", nil), answer)
	if _, r, err := decode(b); err != nil || !bytes.Equal(r.Body, answer.Body) {
		t.Fatalf("round trip: %v", err)
	}
	for _, cut := range []int{0, 10, 33, 35, 40} {
		if _, _, err := decode(b[:cut]); err == nil {
			t.Errorf("decoded %d bytes", cut)
		}
	}
}

// TestFingerprint: the fingerprint is of the bytes, so other whitespace is
// another body; and of the target, so one body on two routes is two
// requests.
func TestFingerprint(t *testing.T) {
	f := func(targetA, bodyA, targetB, bodyB string, same bool) {
		t.Helper()
		if got := FingerprintOf(targetA, []byte(bodyA)) == FingerprintOf(targetB, []byte(bodyB)); got != same {
			t.Errorf("%s %q and %s %q: same %v; want %v", targetA, bodyA, targetB, bodyB, got, same)
		}
	}
	f("/v1/jobs", `{"items":[1]}`, "/v1/jobs", `{"items":[1]}`, true)
	f("/v1/jobs", `{"items":[1]}`, "/v1/jobs", `{"items": [1]}`, false)
	f("/v1/jobs", `{"items":[1]}`, "/v1/bios", `{"items":[1]}`, false)
	f("/v1/jobs", "", "/v1/job", "s", false) // the zero byte parts them
}

// TestOwnerlessRecord: an answer stored for no user (a job's) is replayed,
// outlives every erasure in its tenant, and expires after TTL.
func TestOwnerlessRecord(t *testing.T) {
	clk := newClock()
	k, _ := keeper(t, t.TempDir(), clk)
	fp := FingerprintOf("/v1/jobs", []byte("body"))
	job := Response{Status: 202, Header: [][2]string{{"Content-Type", "application/json"}, {"Location", "/v1/jobs/job_1"}},
		Body: []byte(`{"id":"job_1","status":"queued","total":2}`)}
	running, _, _ := k.Begin("acme", "job-running", fp)
	c, _, _ := k.Begin("acme", "job", fp)
	if err := c.Complete("", job); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"w-1", "w-2"} {
		if n, err := k.EraseUser("acme", user); n != 0 || err != nil {
			t.Fatalf("erasing %s: %d records, %v; want 0", user, n, err)
		}
	}
	if err := running.Complete("", job); err != nil { // began before the erasures
		t.Fatal(err)
	}
	for _, key := range []string{"job", "job-running"} {
		if _, stored, err := k.Begin("acme", key, fp); stored == nil || err != nil || stored.Status != 202 ||
			stored.Get("Location") != "/v1/jobs/job_1" || !bytes.Equal(stored.Body, job.Body) {
			t.Fatalf("%s after the erasures: %+v %v", key, stored, err)
		}
	}
	clk.Add(TTL)
	if c, stored, err := k.Begin("acme", "job", fp); c == nil || stored != nil || err != nil {
		t.Fatalf("after 24 hours: %v %v %v", c, stored, err)
	}
}
