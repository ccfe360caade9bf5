package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/biogen/biogen/internal/leaktest"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)} }

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

func open(t *testing.T, dir string, opt Options) *Store {
	t.Helper()
	s, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPutGetDeleteScan(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	if _, found, err := s.Get("things", "a"); found || err != nil {
		t.Fatalf("empty store: found %v, %v", found, err)
	}
	for _, k := range []string{"t1/b", "t1/a", "t2/a", "t1/c"} {
		if err := s.Put("things", k, Record{Value: []byte("v:" + k), Tenant: "t", User: "u"}); err != nil {
			t.Fatal(err)
		}
	}
	r, found, err := s.Get("things", "t1/a")
	if err != nil || !found || string(r.Value) != "v:t1/a" || r.Tenant != "t" || r.User != "u" || !r.Expires.IsZero() {
		t.Fatalf("got %+v %v %v", r, found, err)
	}
	var keys []string
	err = s.View(func(tx *Tx) error {
		return tx.Scan("things", "t1/", func(key string, r Record) (bool, error) {
			keys = append(keys, key+"="+string(r.Value))
			return len(keys) < 2, nil
		})
	})
	if got := strings.Join(keys, " "); err != nil || got != "t1/a=v:t1/a t1/b=v:t1/b" {
		t.Fatalf("scan: %q, %v", got, err)
	}
	if found, err := s.Delete("things", "t1/a"); !found || err != nil {
		t.Fatalf("delete: %v %v", found, err)
	}
	if found, _ := s.Delete("things", "t1/a"); found {
		t.Fatal("deleted twice")
	}
	if _, found, _ := s.Get("things", "t1/a"); found {
		t.Fatal("found after delete")
	}
	for _, bad := range []string{"", "_meta", "a\x00b"} {
		if err := s.Put(bad, "k", Record{}); err == nil {
			t.Fatalf("bucket %q accepted", bad)
		}
	}
}

// TestSealedAtRest: neither values nor their owners are in the file in
// clear, and a value moved to another key does not open.
func TestSealedAtRest(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	const secret, user = "Ada Okafor is a Principal Data Engineer", "w-10423"
	if err := s.Put("bios", "k1", Record{Value: []byte(secret), Tenant: "acme", User: user}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	raw, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"Okafor", user, "acme"} {
		if bytes.Contains(raw, []byte(clear)) {
			t.Fatalf("the file holds %q in clear", clear)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, KeyFileName)); err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != KeySize {
		t.Fatalf("key file: %v %v", fi, err)
	}
	// Moved to another key, the value does not open.
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("bios"))
		return b.Put([]byte("k2"), append([]byte(nil), b.Get([]byte("k1"))...))
	})
	db.Close()
	s = open(t, dir, Options{})
	if r, _, err := s.Get("bios", "k1"); err != nil || string(r.Value) != secret {
		t.Fatalf("k1: %q %v", r.Value, err)
	}
	if _, _, err := s.Get("bios", "k2"); err == nil {
		t.Fatal("a value moved to another key opened")
	}
}

// TestWrongKey: a file opened with another key than its own is refused at
// Open, not found unreadable record by record later.
func TestWrongKey(t *testing.T) {
	dir := t.TempDir()
	k1, k2 := bytes.Repeat([]byte{1}, KeySize), bytes.Repeat([]byte{2}, KeySize)
	s := open(t, dir, Options{Key: k1})
	s.Put("b", "k", Record{Value: []byte("v")})
	s.Close()
	if _, err := Open(dir, Options{Key: k2}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("another key: %v", err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrWrongKey) {
		t.Fatalf("the key file in place of the given key: %v", err)
	}
	if _, err := Open(dir, Options{Key: []byte("short")}); err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Fatalf("short key: %v", err)
	}
	s = open(t, dir, Options{Key: k1})
	if r, found, err := s.Get("b", "k"); !found || err != nil || string(r.Value) != "v" {
		t.Fatalf("reopened: %q %v %v", r.Value, found, err)
	}
}

// TestExpiry: an expired record is not found; Purge removes it and its
// index entries; Open purges too.
func TestExpiry(t *testing.T) {
	dir := t.TempDir()
	c := newClock()
	s := open(t, dir, Options{Now: c.Now})
	exp := c.Now().Add(24 * time.Hour)
	s.Put("idem", "old", Record{Value: []byte("1"), Expires: exp, Tenant: "t", User: "u"})
	s.Put("idem", "later", Record{Value: []byte("2"), Expires: exp.Add(time.Hour)})
	s.Put("idem", "keep", Record{Value: []byte("3")})
	c.Add(24*time.Hour - time.Nanosecond)
	if _, found, _ := s.Get("idem", "old"); !found {
		t.Fatal("gone before its expiry")
	}
	c.Add(time.Nanosecond)
	if _, found, _ := s.Get("idem", "old"); found {
		t.Fatal("found at its expiry")
	}
	if n, err := s.Purge(); n != 1 || err != nil {
		t.Fatalf("purge: %d %v", n, err)
	}
	if got := rawCount(t, s); got != "idem=2 _expiry=1 _owner=0" {
		t.Fatalf("after purge: %s", got)
	}
	// Replacing a record replaces its index entries.
	s.Put("idem", "later", Record{Value: []byte("2"), Expires: exp.Add(2 * time.Hour), Tenant: "t", User: "u"})
	if got := rawCount(t, s); got != "idem=2 _expiry=1 _owner=1" {
		t.Fatalf("after replacing: %s", got)
	}
	s.Close()
	c.Add(3 * time.Hour)
	s = open(t, dir, Options{Now: c.Now}) // purges
	if got := rawCount(t, s); got != "idem=1 _expiry=0 _owner=0" {
		t.Fatalf("after reopening: %s", got)
	}
}

// rawCount counts the entries of the bucket idem and the indexes.
func rawCount(t *testing.T, s *Store) string {
	t.Helper()
	var out []string
	s.db.View(func(tx *bolt.Tx) error {
		for _, name := range []string{"idem", "_expiry", "_owner"} {
			n := 0
			if b := tx.Bucket([]byte(name)); b != nil {
				b.ForEach(func(k, v []byte) error { n++; return nil })
			}
			out = append(out, fmt.Sprintf("%s=%d", name, n))
		}
		return nil
	})
	return strings.Join(out, " ")
}

// TestPurgeInBatches: a purge larger than one transaction's batch takes
// them all.
func TestPurgeInBatches(t *testing.T) {
	c := newClock()
	s := open(t, t.TempDir(), Options{Now: c.Now})
	s.Update(func(tx *Tx) error {
		for i := range purgeBatch + 10 {
			tx.Put("idem", fmt.Sprint(i), Record{Expires: c.Now().Add(time.Duration(i) * time.Second)})
		}
		return nil
	})
	c.Add(time.Hour)
	if n, err := s.Purge(); n != purgeBatch+10 || err != nil {
		t.Fatalf("purged %d, %v", n, err)
	}
}

// TestEraseUser removes one user's records of one tenant in one bucket,
// and nothing else.
func TestEraseUser(t *testing.T) {
	s := open(t, t.TempDir(), Options{})
	put := func(bucket, key, tenant, user string) {
		t.Helper()
		if err := s.Put(bucket, key, Record{Value: []byte(key), Tenant: tenant, User: user, Expires: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	put("idem", "a1", "acme", "u1")
	put("idem", "a2", "acme", "u1")
	put("idem", "a3", "acme", "u2")
	put("idem", "g1", "globex", "u1")
	put("jobs", "j1", "acme", "u1")
	if n, err := s.EraseUser("idem", "acme", "u1"); n != 2 || err != nil {
		t.Fatalf("erased %d, %v", n, err)
	}
	for key, want := range map[string]bool{"a1": false, "a2": false, "a3": true, "g1": true} {
		if _, found, _ := s.Get("idem", key); found != want {
			t.Fatalf("%s found %v; want %v", key, found, want)
		}
	}
	if _, found, _ := s.Get("jobs", "j1"); !found {
		t.Fatal("another bucket's record went")
	}
	if n, err := s.EraseUser("idem", "acme", "u1"); n != 0 || err != nil {
		t.Fatalf("again: %d, %v", n, err)
	}
	if got := rawCount(t, s); got != "idem=2 _expiry=3 _owner=3" {
		t.Fatalf("indexes after erasure: %s", got)
	}
}

// TestLocked: a second Open of a directory in use fails instead of
// waiting for ever.
func TestLocked(t *testing.T) {
	dir := t.TempDir()
	open(t, dir, Options{})
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "another process") {
		t.Fatalf("second open: %v", err)
	}
}

// TestRecordCost measures the file's bytes per record for records shaped
// like idempotency records (a 1.3 KB response, a 60-byte key, an expiry
// and an owner), for docs/operations.md's Memory table, and bounds it.
func TestRecordCost(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, Options{})
	const n = 5000
	value := bytes.Repeat([]byte("x"), 1300)
	err := s.Update(func(tx *Tx) error {
		for i := range n {
			key := fmt.Sprintf("acme\x00%036d-%020d", i, i)
			if err := tx.Put("idempotency", key, Record{Value: value, Tenant: "acme", User: fmt.Sprintf("w-%d", i),
				Expires: time.Now().Add(time.Duration(i) * time.Second)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	per := float64(s.Size()) / n
	t.Logf("%.0f bytes of file per record of %d bytes (%d records)", per, len(value), n)
	if per > 3*float64(len(value)) {
		t.Fatalf("%.0f bytes per record", per)
	}
}
