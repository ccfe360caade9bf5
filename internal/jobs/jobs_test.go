package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/leaktest"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// fake answers every call with a bio naming it and counts the calls by
// request id; with gate set, each call waits for a value from it (or its
// context).
type fake struct {
	mu    sync.Mutex
	calls map[string]int
	gate  chan struct{}
	// yield is how many times each request id's call gives way to
	// synchronous requests (chain.Preempt) before it answers.
	yield map[string]int
}

func (f *fake) Answer(ctx context.Context, c answer.Call) (answer.Reply, error) {
	f.mu.Lock()
	f.calls[c.RequestID]++
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return answer.Reply{}, ctx.Err()
		}
	}
	f.mu.Lock()
	preempt := f.yield[c.RequestID] > 0
	if preempt {
		f.yield[c.RequestID]--
	}
	f.mu.Unlock()
	if preempt {
		if !chain.Preempt(ctx) {
			return answer.Reply{}, errors.New("a job item's context is not a batch's")
		}
		return answer.Reply{Response: &bio.Response{Bio: "a template bio, given up"}}, nil
	}
	return answer.Reply{Response: &bio.Response{ID: "bio_" + c.RequestID, Bio: "a bio of " + c.Request.UserID}}, nil
}

func (f *fake) count() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]int{}
	for k, v := range f.calls {
		m[k] = v
	}
	return m
}

func body(user string) json.RawMessage {
	return json.RawMessage(`{"user_id":"` + user + `","profile":{"name":"Ada Okafor","current_role":"Engineer","company":"Northwind"}}`)
}

var (
	t1 = &tenant.Tenant{Config: tenant.Config{ID: "t1", Retention: time.Hour}}
	t2 = &tenant.Tenant{Config: tenant.Config{ID: "t2", Retention: time.Hour}}
)

func newManager(t *testing.T, st *store.Store, a Answerer) *Manager {
	t.Helper()
	m, err := New(Config{Store: st, Answers: a, Tenants: []*tenant.Tenant{t1, t2}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	return m
}

func openStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func submit(t *testing.T, m *Manager, tn *tenant.Tenant, n int) string {
	t.Helper()
	items := make([]Item, n)
	for i := range n {
		u := fmt.Sprintf("u%d", i)
		items[i] = Item{Request: body(u), User: u}
	}
	s, err := m.Submit(tn, items, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Status != StatusQueued || s.Total != n {
		t.Fatalf("got %+v; want queued with %d items", s, n)
	}
	return s.ID
}

func wait(t *testing.T, m *Manager, tn *tenant.Tenant, id string, want string) *Job {
	t.Helper()
	for range 500 {
		j, err := m.Get(tn.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.Status == want {
			return j
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("job %s never got to %s", id, want)
	return nil
}

func TestJobAnswersEveryItemOnce(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	f := &fake{calls: map[string]int{}}
	m := newManager(t, st, f)
	defer m.Stop(context.Background())
	id := submit(t, m, t1, 20)
	j := wait(t, m, t1, id, StatusSucceeded)
	if j.Done != 20 || j.Failed != 0 || j.FinishedAt == nil || len(j.Items) != 20 {
		t.Fatalf("got done %d failed %d finished %v items %d; want 20 0 set 20", j.Done, j.Failed, j.FinishedAt, len(j.Items))
	}
	for i, it := range j.Items {
		if it.Index != i || it.Status != StatusSucceeded || it.Bio == nil || it.Error != nil {
			t.Fatalf("item %d: got %+v", i, it)
		}
		if n := f.count()[fmt.Sprintf("%s/%d", id, i)]; n != 1 {
			t.Fatalf("item %d answered %d times; want 1", i, n)
		}
	}
	if _, err := m.Get(t2.ID, id); err != ErrNotFound {
		t.Fatalf("another tenant's Get: got %v; want ErrNotFound", err)
	}
	if _, err := m.Cancel(t2.ID, id); err != ErrNotFound {
		t.Fatalf("another tenant's Cancel: got %v; want ErrNotFound", err)
	}
}

func TestCancelAndProgress(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	f := &fake{calls: map[string]int{}, gate: make(chan struct{})}
	m := newManager(t, st, f)
	defer m.Stop(context.Background())
	id := submit(t, m, t1, 10)
	f.gate <- struct{}{} // one item answered
	j := wait(t, m, t1, id, StatusRunning)
	for j.Done < 1 {
		j = wait(t, m, t1, id, StatusRunning)
	}
	j, err := m.Cancel(t1.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	close(f.gate) // the running ones finish
	j = wait(t, m, t1, id, StatusCancelled)
	for range 100 {
		if j.FinishedAt != nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
		j, _ = m.Get(t1.ID, id)
	}
	cancelled := 0
	for _, it := range j.Items {
		if it.Status == StatusCancelled {
			cancelled++
		}
	}
	if j.Done < 1 || j.Done > 3 || cancelled != 10-j.Done || j.FinishedAt == nil {
		t.Fatalf("got done %d cancelled %d finished %v; want 1-3 done, the rest cancelled", j.Done, cancelled, j.FinishedAt)
	}
	if len(f.count()) != j.Done {
		t.Fatalf("the model saw %d items; want %d", len(f.count()), j.Done)
	}
}

func TestRestartResumes(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	f := &fake{calls: map[string]int{}, gate: make(chan struct{})}
	m := newManager(t, st, f)
	id := submit(t, m, t1, 8)
	for range 3 {
		f.gate <- struct{}{}
	}
	// The third answer is stored a moment after the gate let it go.
	for i := 0; ; i++ {
		if j, _ := m.Get(t1.ID, id); j.Done == 3 || i == 1000 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m.Stop(ctx) // the running items are dropped, left queued
	before, _ := m.Get(t1.ID, id)
	st.Close()

	st = openStore(t, dir)
	defer st.Close()
	f2 := &fake{calls: map[string]int{}}
	m = newManager(t, st, f2)
	defer m.Stop(context.Background())
	j := wait(t, m, t1, id, StatusSucceeded)
	if j.Done != 8 {
		t.Fatalf("got %d done; want 8", j.Done)
	}
	for _, it := range before.Items {
		k := fmt.Sprintf("%s/%d", id, it.Index)
		if it.Status == StatusSucceeded && f2.count()[k] != 0 {
			t.Fatalf("item %d answered before the stop was answered again", it.Index)
		}
		if it.Status != StatusSucceeded && f2.count()[k] != 1 {
			t.Fatalf("item %d answered %d times after the restart; want 1", it.Index, f2.count()[k])
		}
	}
	if before.Done != 3 {
		t.Fatalf("got %d done before the stop; want 3", before.Done)
	}
}

func TestEraseUserRemovesItems(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	m := newManager(t, st, &fake{calls: map[string]int{}})
	defer m.Stop(context.Background())
	id := submit(t, m, t1, 3)
	wait(t, m, t1, id, StatusSucceeded)
	n, err := m.EraseUser(t1.ID, "u1")
	if err != nil || n != 1 {
		t.Fatalf("got %d, %v; want 1 item erased", n, err)
	}
	j, _ := m.Get(t1.ID, id)
	if len(j.Items) != 2 || j.Items[1].Index != 2 {
		t.Fatalf("got items %+v; want 0 and 2", j.Items)
	}
}

// TestYieldedItemsRunAgain: an item whose call gave way to synchronous
// requests (preempted) is not answered with what the chain returned then:
// it runs again, as often as it gives way, and is answered once.
func TestYieldedItemsRunAgain(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	f := &fake{calls: map[string]int{}}
	m := newManager(t, st, f)
	defer m.Stop(context.Background())
	f.mu.Lock()
	f.yield = map[string]int{}
	f.mu.Unlock()
	id := submit(t, m, t1, 4)
	f.mu.Lock()
	f.yield[id+"/1"], f.yield[id+"/2"] = 1, 3
	f.mu.Unlock()
	j := wait(t, m, t1, id, StatusSucceeded)
	if j.Done != 4 || j.Failed != 0 {
		t.Fatalf("got %+v", j)
	}
	for _, it := range j.Items {
		var b bio.Response
		if it.Status != StatusSucceeded || json.Unmarshal(it.Bio, &b) != nil || b.Bio != "a bio of u"+fmt.Sprint(it.Index) {
			t.Fatalf("item %d: %+v %s", it.Index, it, it.Bio)
		}
	}
	want := map[string]int{id + "/0": 1, id + "/1": 2, id + "/2": 4, id + "/3": 1}
	if got := f.count(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("calls %v; want %v", got, want)
	}
}

// TestYieldAfterCancel: an item that gives way after its job was
// cancelled is cancelled, not run again.
func TestYieldAfterCancel(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	gate := make(chan struct{})
	f := &fake{calls: map[string]int{}, gate: gate, yield: map[string]int{}}
	m := newManager(t, st, f)
	defer m.Stop(context.Background())
	id := submit(t, m, t1, 3)
	for len(f.count()) < 2 { // two workers: items 0 and 1 running
		time.Sleep(time.Millisecond)
	}
	if _, err := m.Cancel(t1.ID, id); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.yield[id+"/0"] = 1 // item 0 gives way once released
	f.mu.Unlock()
	close(gate)
	j := wait(t, m, t1, id, StatusCancelled)
	for j.FinishedAt == nil {
		time.Sleep(time.Millisecond)
		j, _ = m.Get(t1.ID, id)
	}
	if got := f.count(); got[id+"/2"] != 0 || got[id+"/0"] != 1 {
		t.Fatalf("calls %v: a cancelled item ran", got)
	}
	if j.Items[0].Status != StatusCancelled || j.Items[1].Status != StatusSucceeded || j.Items[2].Status != StatusCancelled {
		t.Fatalf("items %+v; want item 0, which gave way, and 2 cancelled, 1 answered", j.Items)
	}
}

// TestCancelledJobEndsAfterRestart: a job cancelled while items run, then
// stopped before they finish (a crash, or the end of the grace period),
// ends at the next start: the items that were running are cancelled, none
// is answered, and the job gets its finished_at. It used to stay unended
// for good, those items queued, since Start resumes no cancelled job.
func TestCancelledJobEndsAfterRestart(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	f := &fake{calls: map[string]int{}, gate: make(chan struct{})}
	m := newManager(t, st, f)
	id := submit(t, m, t1, 4)
	for i := 0; len(f.count()) < 2; i++ { // both workers hold an item
		if i == 500 {
			t.Fatalf("the answerer saw %d items; want 2 running", len(f.count()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := m.Cancel(t1.ID, id); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m.Stop(ctx) // the running items are dropped
	st.Close()

	st = openStore(t, dir)
	defer st.Close()
	f2 := &fake{calls: map[string]int{}}
	m = newManager(t, st, f2)
	defer m.Stop(context.Background())
	j, err := m.Get(t1.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != StatusCancelled || j.FinishedAt == nil || j.Done != 0 || len(j.Items) != 4 {
		t.Fatalf("got status %s, finished_at %v, %d done, %d items; want cancelled, ended, 0 done, 4 items",
			j.Status, j.FinishedAt, j.Done, len(j.Items))
	}
	for _, it := range j.Items {
		if it.Status != StatusCancelled {
			t.Errorf("item %d is %s; want cancelled", it.Index, it.Status)
		}
	}
	if n := len(f2.count()); n != 0 {
		t.Errorf("%d items of the cancelled job were answered after the restart; want none", n)
	}
}

// TestFailedWriteRunsAgain: when the store fails under a running item, the
// item is not dropped from the queue (its job would stall until a
// restart): the failure is logged and the item is taken again (here until
// Stop, as the store stays closed).
func TestFailedWriteRunsAgain(t *testing.T) {
	st := openStore(t, t.TempDir())
	gate := make(chan struct{})
	f := &fake{calls: map[string]int{}, gate: gate}
	var logs syncBuf
	m, err := New(Config{Store: st, Answers: f, Tenants: []*tenant.Tenant{t1}, Timeout: 5 * time.Second, Workers: 1,
		Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	id := submit(t, m, t1, 1)
	for len(f.count()) < 1 {
		time.Sleep(time.Millisecond)
	}
	st.Close() // the answer cannot be stored
	close(gate)
	// It is taken again and again (its read fails now), never dropped.
	for i := 0; strings.Count(logs.String(), "runs again") < 3; i++ {
		if i == 2000 {
			t.Fatalf("log: %s; want the item taken again after each failed write", logs.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	m.Stop(context.Background())
	if !strings.Contains(logs.String(), "job="+id) {
		t.Fatalf("log: %s", logs.String())
	}
}

// syncBuf is a log buffer safe for concurrent use.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSubmitAlsoIsAtomic: what Submit's also returns is stored in the
// job's transaction, and when it fails the job is not stored nor queued:
// an Idempotency-Key's record and its job go together or not at all.
func TestSubmitAlsoIsAtomic(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	f := &fake{calls: map[string]int{}}
	m := newManager(t, st, f)
	defer m.Stop(context.Background())
	items := []Item{{Request: body("u1"), User: "u1"}}
	var failedID string
	_, err := m.Submit(t1, items, "", func(s Submitted) ([]store.Write, error) {
		failedID = s.ID
		return []store.Write{{Bucket: "keys", Key: "k1", Record: store.Record{Value: []byte(s.ID), Tenant: t1.ID, Expires: time.Now().Add(time.Hour)}}}, errors.New("the record cannot be made")
	})
	if err == nil {
		t.Fatal("Submit succeeded though also failed")
	}
	if _, err := m.Get(t1.ID, failedID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the job of a failed Submit: %v; want not found", err)
	}
	if _, found, _ := st.Get("keys", "k1"); found {
		t.Fatal("the record of a failed Submit was stored")
	}
	s, err := m.Submit(t1, items, "", func(s Submitted) ([]store.Write, error) {
		return []store.Write{{Bucket: "keys", Key: "k2", Record: store.Record{Value: []byte(s.ID), Tenant: t1.ID, Expires: time.Now().Add(time.Hour)}}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if r, found, err := st.Get("keys", "k2"); !found || err != nil || string(r.Value) != s.ID {
		t.Fatalf("the record: %q, %v, %v; want the job's id %s", r.Value, found, err, s.ID)
	}
	wait(t, m, t1, s.ID, StatusSucceeded)
	if got := f.count(); len(got) != 1 {
		t.Fatalf("answered %v; want only the stored job's item", got)
	}
}
