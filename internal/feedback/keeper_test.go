package feedback

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/leaktest"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/telemetry"
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

func newClock() *clock { return &clock{t: time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC)} }

var testKey = bytes.Repeat([]byte{7}, store.KeySize)

// open opens a store in dir under the clock and a Keeper over it, both
// closed (the Keeper stopped first) when the test ends or by calling
// close.
func open(t testing.TB, dir string, c *clock, queueBytes int64) (k *Keeper, st *store.Store, close func()) {
	t.Helper()
	st, err := store.Open(dir, store.Options{Key: testKey, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	k, err = New(Config{Store: st, QueueBytes: queueBytes, Now: c.Now})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	close = sync.OnceFunc(func() {
		k.Stop()
		st.Close()
	})
	t.Cleanup(close)
	return k, st, close
}

// served is a response as answer makes it for a new bio.
func served(text string) *bio.Response {
	return &bio.Response{ID: "bio_" + ulid.Make().String(), Bio: text, Source: bio.SourceOllama, Provider: "big", Model: "llama-8b",
		Cache: bio.CacheMiss, PromptVersion: "v1"}
}

const medium = "Ada Okafor is a principal data engineer at Northwind Health who cut claims processing time from three days to four hours."

// counter reads a biogen counter from the metrics as /metrics shows them;
// 0 when absent.
func counter(t *testing.T, series string) int {
	t.Helper()
	var b bytes.Buffer
	telemetry.WritePrometheus(&b)
	for line := range strings.Lines(b.String()) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), series+" "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return n
		}
	}
	return 0
}

// TestRecordIsFoundQueuedAndStored: a record is found from the moment it
// is queued, then from the store; another tenant's id and an unknown id
// are not found, the same way.
func TestRecordIsFoundQueuedAndStored(t *testing.T) {
	c := newClock()
	k, st, _ := open(t, t.TempDir(), c, 1<<20)
	r := served(medium)
	if !k.Record("acme", "w-1", time.Hour, r, c.Now()) {
		t.Fatal("the record was not kept")
	}
	check := func(when string) {
		t.Helper()
		b, found, err := k.Lookup("acme", r.ID)
		if err != nil || !found || b.ID != r.ID || b.User != "w-1" || b.Tenant != "acme" || b.Text != medium || b.Provider != "big" ||
			b.Model != "llama-8b" || b.PromptVersion != "v1" || b.Source != "ollama" || b.Cache != "miss" || !b.Created.Equal(c.Now()) {
			t.Fatalf("%s: got %+v, %v, %v; want the record", when, b, found, err)
		}
		for _, x := range [][2]string{{"globex", r.ID}, {"acme", "bio_" + ulid.Make().String()}} {
			if b, found, err := k.Lookup(x[0], x[1]); found || err != nil {
				t.Fatalf("%s: %s %s found %+v, %v", when, x[0], x[1], b, err)
			}
		}
	}
	check("queued")
	if _, found, _ := st.Get(BiosBucket, key("acme", r.ID)); found {
		t.Fatal("written before any flush: the writer was not started")
	}
	if err := k.Flush(); err != nil {
		t.Fatal(err)
	}
	if k.QueuedBytes() != 0 {
		t.Fatalf("%d bytes queued after the flush", k.QueuedBytes())
	}
	if _, found, _ := st.Get(BiosBucket, key("acme", r.ID)); !found {
		t.Fatal("not in the store after the flush")
	}
	check("stored")
}

// TestRecordExpires: a record is found for its tenant's retention, queued
// or stored, and not after.
func TestRecordExpires(t *testing.T) {
	c := newClock()
	k, _, _ := open(t, t.TempDir(), c, 1<<20)
	queued, stored := served(medium), served(medium)
	k.Record("acme", "w-1", time.Hour, stored, c.Now())
	if err := k.Flush(); err != nil {
		t.Fatal(err)
	}
	k.Record("acme", "w-1", time.Hour, queued, c.Now())
	c.Add(59 * time.Minute)
	for _, r := range []*bio.Response{queued, stored} {
		if _, found, err := k.Lookup("acme", r.ID); !found || err != nil {
			t.Fatalf("not found within the retention: %v", err)
		}
	}
	c.Add(time.Minute)
	for _, r := range []*bio.Response{queued, stored} {
		if _, found, err := k.Lookup("acme", r.ID); found || err != nil {
			t.Fatalf("found at the end of the retention: %v", err)
		}
		if _, err := k.Give("acme", time.Hour, r.ID, &bio.Feedback{Rating: "up"}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("feedback at the end of the retention: %v", err)
		}
	}
}

// TestGive: a feedback on a bio served to the tenant is stored with what
// wrote the bio and its user; on another tenant's, an unknown or a
// malformed id it is ErrNotFound.
func TestGive(t *testing.T) {
	c := newClock()
	k, st, _ := open(t, t.TempDir(), c, 1<<20)
	r := served(medium)
	k.Record("acme", "w-1", time.Hour, r, c.Now())
	series := `biogen_feedback_total{rating="down",reason="tone",provider="big",model="llama-8b",prompt_version="v1",experiment="",arm=""}`
	before := counter(t, series)
	f := &bio.Feedback{Rating: "down", Reason: "tone", EditedBio: strings.Replace(medium, "Ada Okafor is", "Ada is", 1), Comment: "a bit stiff"}
	id, err := k.Give("acme", 2*time.Hour, r.ID, f)
	if err != nil || !strings.HasPrefix(id, "fb_") {
		t.Fatalf("Give: %q, %v", id, err)
	}
	g, found, err := k.Get("acme", id)
	if err != nil || !found || g.BioID != r.ID || g.Feedback != *f || g.Provider != "big" || g.Model != "llama-8b" || g.PromptVersion != "v1" ||
		g.EditRatio == nil || *g.EditRatio != 7.0/float64(len(medium)) {
		t.Fatalf("stored %+v, %v, %v", g, found, err)
	}
	rec, _, _ := st.Get(Bucket, key("acme", id))
	if rec.User != "w-1" || rec.Tenant != "acme" || !rec.Expires.Equal(c.Now().Add(2*time.Hour)) {
		t.Fatalf("the feedback's record: owner %s/%s, expires %s", rec.Tenant, rec.User, rec.Expires)
	}
	if got := counter(t, series); got != before+1 {
		t.Fatalf("%s = %d; want %d", series, got, before+1)
	}
	for _, x := range [][2]string{{"globex", r.ID}, {"acme", "bio_" + ulid.Make().String()}, {"acme", "bio_nope"}, {"acme", r.ID + "x"}, {"acme", ""}} {
		if id, err := k.Give(x[0], time.Hour, x[1], f); !errors.Is(err, ErrNotFound) || id != "" {
			t.Fatalf("%s %q: %q, %v; want ErrNotFound", x[0], x[1], id, err)
		}
	}
	if got := counter(t, series); got != before+1 {
		t.Fatalf("a refused feedback was counted: %d", got)
	}
}

// TestQueueBound: past its bound in bytes the queue drops records, counted,
// at once (nothing writes them here), and takes them again once written.
func TestQueueBound(t *testing.T) {
	c := newClock()
	r := served(medium)
	b := BioOf("acme", "w-1", time.Hour, r, c.Now())
	per := b.size()
	k, _, _ := open(t, t.TempDir(), c, 3*per)
	dropped := counter(t, `biogen_bio_records_total{outcome="dropped"}`)
	var ids []string
	for i := range 5 {
		r := served(medium)
		done := make(chan bool)
		go func() { done <- k.Record("acme", "w-1", time.Hour, r, c.Now()) }()
		select {
		case kept := <-done:
			if kept != (i < 3) {
				t.Fatalf("record %d: kept %v; the bound holds 3", i, kept)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Record blocked on a full queue")
		}
		ids = append(ids, r.ID)
	}
	if got := counter(t, `biogen_bio_records_total{outcome="dropped"}`); got != dropped+2 {
		t.Fatalf("dropped %d; want 2", got-dropped)
	}
	if k.QueuedBytes() != 3*per {
		t.Fatalf("queued %d bytes; want %d", k.QueuedBytes(), 3*per)
	}
	if _, found, _ := k.Lookup("acme", ids[4]); found {
		t.Fatal("a dropped record was found")
	}
	if _, err := k.Give("acme", time.Hour, ids[4], &bio.Feedback{Rating: "up"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("feedback on a dropped record: %v; want ErrNotFound", err)
	}
	if err := k.Flush(); err != nil {
		t.Fatal(err)
	}
	if !k.Record("acme", "w-1", time.Hour, served(medium), c.Now()) {
		t.Fatal("the queue takes no record once written")
	}
}

// TestEraseUser: an erasure removes the user's records, queued and stored,
// and the feedback on them, and counts both; other users keep theirs; a
// record of a request that began before the erasure is not kept after it,
// one that began after is.
func TestEraseUser(t *testing.T) {
	c := newClock()
	k, st, _ := open(t, t.TempDir(), c, 1<<20)
	stored, queued, other := served(medium), served(medium), served(medium)
	k.Record("acme", "w-1", time.Hour, stored, c.Now())
	k.Record("globex", "w-1", time.Hour, other, c.Now()) // the same user id in another tenant
	k.Flush()
	k.Record("acme", "w-1", time.Hour, queued, c.Now())
	for _, r := range []*bio.Response{stored, queued, stored} {
		if _, err := k.Give("acme", time.Hour, r.ID, &bio.Feedback{Rating: "up"}); err != nil {
			t.Fatal(err)
		}
	}
	started := c.Now()
	c.Add(time.Second)
	fb, recs, err := k.EraseUser("acme", "w-1")
	if err != nil || fb != 3 || recs != 2 {
		t.Fatalf("erased %d feedback and %d records, %v; want 3 and 2", fb, recs, err)
	}
	k.Flush()
	for _, r := range []*bio.Response{stored, queued} {
		if _, found, _ := k.Lookup("acme", r.ID); found {
			t.Fatal("a record was found after its user's erasure")
		}
		if _, found, _ := st.Get(BiosBucket, key("acme", r.ID)); found {
			t.Fatal("a record is in the store after its user's erasure")
		}
	}
	if _, found, _ := k.Lookup("globex", other.ID); !found {
		t.Fatal("the other tenant's user lost its record")
	}
	late := served(medium)
	if k.Record("acme", "w-1", time.Hour, late, started) {
		t.Fatal("kept the record of a request that began before the erasure")
	}
	c.Add(time.Millisecond)
	if !k.Record("acme", "w-1", time.Hour, served(medium), c.Now()) {
		t.Fatal("refused the record of a request that began after the erasure")
	}
	if fb, recs, err := k.EraseUser("acme", "w-unknown"); fb != 0 || recs != 0 || err != nil {
		t.Fatalf("erasing an unknown user: %d %d %v", fb, recs, err)
	}
}

// TestErasureWaitsForTheWrite: a batch taken from the queue before an
// erasure, and held before its transaction, is not written after the
// erasure: the erasure waits for it and takes it from the store.
func TestErasureWaitsForTheWrite(t *testing.T) {
	c := newClock()
	k, st, _ := open(t, t.TempDir(), c, 1<<20)
	taken, hold := make(chan struct{}), make(chan struct{})
	release := sync.OnceFunc(func() { close(hold) })
	t.Cleanup(release) // a failure below must not leave the write held
	k.beforeWrite = func() {
		close(taken)
		<-hold
	}
	r := served(medium)
	k.Record("acme", "w-1", time.Hour, r, c.Now())
	flushed := make(chan error, 1)
	go func() { flushed <- k.Flush() }()
	<-taken // the batch holds the record, not yet written
	erased := make(chan int, 1)
	go func() {
		_, recs, _ := k.EraseUser("acme", "w-1")
		erased <- recs
	}()
	select {
	case <-erased:
		release()
		<-flushed
		if _, found, _ := st.Get(BiosBucket, key("acme", r.ID)); found {
			t.Fatal("the erasure did not wait for the batch being written, which wrote the record after it")
		}
		t.Fatal("the erasure did not wait for the batch being written")
	case <-time.After(100 * time.Millisecond): // what would go wrong, given time to
	}
	release()
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if recs := <-erased; recs != 1 {
		t.Fatalf("the erasure counted %d records; want 1", recs)
	}
	if _, found, _ := st.Get(BiosBucket, key("acme", r.ID)); found {
		t.Fatal("the record was written after its user's erasure")
	}
}

// TestWriterAndStop: the started writer writes what is queued without a
// Flush, and Stop writes the rest; a record after Stop is dropped.
func TestWriterAndStop(t *testing.T) {
	c := newClock()
	k, st, _ := open(t, t.TempDir(), c, 8<<20)
	k.Start()
	first := served(medium)
	k.Record("acme", "w-1", time.Hour, first, c.Now())
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, found, _ := st.Get(BiosBucket, key("acme", first.ID)); found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writer did not write the record")
		}
		time.Sleep(time.Millisecond)
	}
	hold := make(chan struct{})
	k.beforeWrite = func() { <-hold }
	var ids []string
	for range 2500 { // more than a batch
		r := served(medium)
		k.Record("acme", "w-1", time.Hour, r, c.Now())
		ids = append(ids, r.ID)
	}
	close(hold)
	k.Stop()
	if k.Record("acme", "w-1", time.Hour, served(medium), c.Now()) {
		t.Fatal("a record was kept after Stop")
	}
	n := 0
	st.View(func(tx *store.Tx) error {
		return tx.Scan(BiosBucket, "acme\x00", func(string, store.Record) (bool, error) { n++; return true, nil })
	})
	if n != len(ids)+1 {
		t.Fatalf("%d records in the store after Stop; want %d", n, len(ids)+1)
	}
}

// TestRestart: records and feedback are in data_dir after a restart, and
// feedback on a bio answered before it works after it.
func TestRestart(t *testing.T) {
	c := newClock()
	dir := t.TempDir()
	k, _, close := open(t, dir, c, 1<<20)
	k.Start()
	r := served(medium)
	k.Record("acme", "w-1", time.Hour, r, c.Now())
	id, err := k.Give("acme", time.Hour, r.ID, &bio.Feedback{Rating: "up"})
	if err != nil {
		t.Fatal(err)
	}
	close() // stops the Keeper, which writes the queue, then closes the store
	k, _, _ = open(t, dir, c, 1<<20)
	if _, found, err := k.Lookup("acme", r.ID); !found || err != nil {
		t.Fatalf("the record after a restart: %v", err)
	}
	if g, found, err := k.Get("acme", id); !found || err != nil || g.BioID != r.ID {
		t.Fatalf("the feedback after a restart: %+v %v", g, err)
	}
	if _, err := k.Give("acme", time.Hour, r.ID, &bio.Feedback{Rating: "down", Reason: "other"}); err != nil {
		t.Fatal(err)
	}
}

// TestQueueCountsRealBytes: the queue counts at least the heap its records
// take, the response's text included (the record keeps it once the
// response is gone).
func TestQueueCountsRealBytes(t *testing.T) {
	c := newClock()
	k, _, _ := open(t, t.TempDir(), c, 1<<30)
	const n = 5000
	rs := make([]*bio.Response, n)
	for i := range rs {
		rs[i] = served("")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i, r := range rs {
		r.Bio = strings.Repeat(fmt.Sprint(i%10), 900) // the text of a medium bio, made here
		k.Record("acme", fmt.Sprintf("w-%d", i), time.Hour, r, c.Now())
		rs[i] = nil // answered: only the record holds the text
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("heap %d bytes/record, counted %d", heap/n, k.QueuedBytes()/n)
	if k.QueuedBytes() < heap {
		t.Errorf("the queue counts %d bytes of a heap of %d: raise recordBase", k.QueuedBytes(), heap)
	}
}

func TestEditRatio(t *testing.T) {
	f := func(served, kept string, want float64) {
		t.Helper()
		if got := EditRatio(served, kept); got != want {
			t.Errorf("EditRatio(%q, %q) = %v; want %v", served, kept, got, want)
		}
	}
	f("", "", 0)
	f("abc", "abc", 0)
	f("abc", "", 1)
	f("", "abcd", 1)
	f("abcd", "abXd", 0.25)
	f("abcd", "wxyz", 1)
	f("Ada leads\n\nthe team.", "Ada leads the team. ", 0) // spacing is no edit
	f("héllo", "hello", 0.2)                               // characters, not bytes
	// Beyond the bound both texts are cut: an edit past it is not seen.
	long := strings.Repeat("a", maxEditRunes)
	f(long+"b", long+"c", 0)
	f(long, strings.Repeat("b", 2*maxEditRunes), 1)
}

// BenchmarkEditRatio is the worst case: two texts at the bound with
// nothing in common.
func BenchmarkEditRatio(b *testing.B) {
	served, kept := strings.Repeat("ab", maxEditRunes), strings.Repeat("cd", maxEditRunes)
	b.ReportAllocs()
	for b.Loop() {
		EditRatio(served, kept)
	}
}

// BenchmarkRecord is what queueing a new bio's record costs the request
// that answers it (the writer not running: nothing else on the CPU).
func BenchmarkRecord(b *testing.B) {
	c := newClock()
	k, _, _ := open(b, b.TempDir(), c, 1<<40)
	r := served(medium)
	ids := make([]string, 4096)
	for i := range ids {
		ids[i] = "bio_" + ulid.Make().String()
	}
	now := c.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.ID = ids[i%len(ids)]
		i++
		k.Record("acme", "w-1", time.Hour, r, now)
		if i%len(ids) == 0 {
			b.StopTimer()
			k.mu.Lock()
			k.pending, k.queue, k.bytes = map[string]*Bio{}, nil, 0
			k.mu.Unlock()
			b.StartTimer()
		}
	}
}

// BenchmarkRecordWritten is the whole cost of a record, amortised: queued,
// then written with a thousand others in one transaction (encoded, sealed,
// indexed, synced).
func BenchmarkRecordWritten(b *testing.B) {
	c := newClock()
	k, _, _ := open(b, b.TempDir(), c, 1<<30)
	r := served(medium)
	now := c.Now()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r.ID = "bio_" + ulid.Make().String()
		k.Record("acme", "w-1", time.Hour, r, now)
		if i++; i%maxBatch == 0 {
			if err := k.Flush(); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := k.Flush(); err != nil {
		b.Fatal(err)
	}
}
