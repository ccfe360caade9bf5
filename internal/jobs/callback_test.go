package jobs

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/webhook"
)

// hookSchedule is the configuration's default.
var hookSchedule = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute,
	30 * time.Minute, time.Hour, 2 * time.Hour}

var (
	secretA = "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	secretB = "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{9}, 32))
)

// hooked makes a tenant whose callbacks are signed with secrets.
func hooked(t *testing.T, id string, allowPrivate bool, secrets ...string) *tenant.Tenant {
	t.Helper()
	p, err := webhook.ParsePolicy("secrets", secrets, allowPrivate)
	if err != nil {
		t.Fatal(err)
	}
	return &tenant.Tenant{Config: tenant.Config{ID: id, Retention: time.Hour}, WebhookPolicy: p}
}

// hookClock is the Sender's clock: a retry's wait passes at once, or,
// frozen, lasts until the delivery is cut off.
type hookClock struct {
	mu     sync.Mutex
	now    time.Time
	frozen bool
}

func (c *hookClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *hookClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	frozen := c.frozen
	if !frozen {
		c.now = c.now.Add(d)
	}
	c.mu.Unlock()
	if frozen {
		<-ctx.Done()
	}
	return ctx.Err()
}

// newSender builds a Sender on a clock that starts now (so that the
// reference library's timestamp check passes) and a jitter of 0: retry k
// is due when its slot opens, the first at once.
func newSender(t *testing.T, frozen bool, res webhook.Resolver) *webhook.Sender {
	t.Helper()
	s, err := webhook.New(webhook.Options{AttemptTimeout: 5 * time.Second, Schedule: hookSchedule, LogSize: 100,
		Clock: &hookClock{now: time.Now(), frozen: frozen}, Jitter: func(int64) int64 { return 0 }, Resolver: res})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hookReceiver answers the statuses given in turn, the last repeated, and
// keeps every request.
type hookReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []hookRequest
	statuses []int
}

type hookRequest struct {
	header http.Header
	body   []byte
}

func newHookReceiver(t *testing.T, statuses ...int) *hookReceiver {
	r := &hookReceiver{statuses: statuses}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		status := 200
		if len(r.statuses) > 0 {
			status = r.statuses[min(len(r.reqs), len(r.statuses)-1)]
		}
		r.reqs = append(r.reqs, hookRequest{header: req.Header.Clone(), body: b})
		r.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) requests() []hookRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]hookRequest(nil), r.reqs...)
}

// failing answers like fake, but fails the items of users starting "bad".
type failing struct{ fake }

func (f *failing) Answer(ctx context.Context, c answer.Call) (answer.Reply, error) {
	if strings.HasPrefix(c.Request.UserID, "bad") {
		return answer.Reply{}, errors.New("no model answered")
	}
	return f.fake.Answer(ctx, c)
}

func newHookManager(t *testing.T, st *store.Store, a Answerer, hooks Callbacks, tenants ...*tenant.Tenant) *Manager {
	t.Helper()
	m, err := New(Config{Store: st, Answers: a, Tenants: tenants, Timeout: 5 * time.Second, Callbacks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	return m
}

// submitUsers submits a job of an item per user, with a callback URL.
func submitUsers(t *testing.T, m *Manager, tn *tenant.Tenant, callbackURL string, users ...string) (string, error) {
	t.Helper()
	items := make([]Item, len(users))
	for i, u := range users {
		items[i] = Item{Request: body(u), User: u}
	}
	s, err := m.Submit(tn, items, callbackURL, nil)
	return s.ID, err
}

// waitDelivery polls the job's delivery log until its state is not
// pending.
func waitDelivery(t *testing.T, m *Manager, tn *tenant.Tenant, id string) Delivery {
	t.Helper()
	for range 500 {
		ds, err := m.Deliveries(tn.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds.Deliveries) == 1 && ds.Deliveries[0].State != string(webhook.StatePending) {
			return ds.Deliveries[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("the callback of job %s never ended", id)
	return Delivery{}
}

// completedBody is a callback's body as a receiver reads it.
type completedBody struct {
	Type      string `json:"type"`
	Timestamp string `json:"timestamp"`
	Data      struct {
		ID     string `json:"id"`
		Status string `json:"status"`
		Total  int    `json:"total"`
		Done   int    `json:"done"`
		Failed int    `json:"failed"`
	} `json:"data"`
}

// verified checks a request with the reference library for each secret
// and returns its body.
func verified(t *testing.T, r hookRequest, secrets ...string) completedBody {
	t.Helper()
	for i, s := range secrets {
		wh, err := standardwebhooks.NewWebhook(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := wh.Verify(r.body, r.header); err != nil {
			t.Fatalf("secret %d: %v\n%s", i, err, r.body)
		}
	}
	var b completedBody
	if err := json.Unmarshal(r.body, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCallbackBodies: a job's end sends one callback, signed with each of
// the tenant's secrets, whose body's fields are the job's: succeeded, with
// failed items, cancelled.
func TestCallbackBodies(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	tn := hooked(t, "hk", true, secretA, secretB)
	f := &failing{fake{calls: map[string]int{}}}
	m := newHookManager(t, st, f, newSender(t, false, nil), tn)
	defer m.Stop(context.Background())
	// f submits a job of users, runs then (if not nil), and checks the
	// callback; done -1 is whatever the job did.
	f2 := func(users []string, then func(id string), status string, done, failed int) {
		t.Helper()
		rcv := newHookReceiver(t)
		id, err := submitUsers(t, m, tn, rcv.URL+"/hooks/bios?token=abc", users...)
		if err != nil {
			t.Fatal(err)
		}
		if then != nil {
			then(id)
		}
		d := waitDelivery(t, m, tn, id)
		j, _ := m.Get(tn.ID, id)
		reqs := rcv.requests()
		if d.State != "delivered" || len(reqs) != 1 || len(d.Attempts) != 1 || d.Attempts[0].Status != 200 || d.Attempts[0].Error != nil {
			t.Fatalf("job %s: delivery %+v, %d requests; want one, delivered", id, d, len(reqs))
		}
		b := verified(t, reqs[0], secretA, secretB)
		if done < 0 {
			done = j.Done
		}
		if b.Type != "job.completed" || b.Data.ID != id || b.Data.Status != status || b.Data.Total != len(users) ||
			b.Data.Done != done || b.Data.Failed != failed || b.Data.Done != j.Done || b.Data.Failed != j.Failed || b.Timestamp != *j.FinishedAt {
			t.Fatalf("got body %+v; want job %s %s, %d done, %d failed, ended at %s", b, id, status, done, failed, *j.FinishedAt)
		}
		if got := reqs[0].header.Get("webhook-id"); got != "msg_"+id || d.ID != got {
			t.Fatalf("webhook-id %q, log id %q; want msg_%s", got, d.ID, id)
		}
		if d.Target != rcv.URL || d.FinishedAt == nil {
			t.Fatalf("got target %q (want %q, no path or query), finished %v", d.Target, rcv.URL, d.FinishedAt)
		}
	}
	f2([]string{"u1", "u2"}, nil, StatusSucceeded, 2, 0)
	f2([]string{"u1", "bad2", "u3"}, nil, StatusFailed, 2, 1)
	// Cancelled while the workers are busy with another job: it ends in
	// the cancel, none of it run.
	f.gate = make(chan struct{})
	busy := newHookReceiver(t)
	busyID, err := submitUsers(t, m, tn, busy.URL, "u1", "u2")
	if err != nil {
		t.Fatal(err)
	}
	for running := 0; running < 2; { // both workers hold an item of it
		running = 0
		for k := range f.count() {
			if strings.HasPrefix(k, busyID+"/") {
				running++
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel := func(id string) {
		if _, err := m.Cancel(tn.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	f2([]string{"u1", "u2", "u3"}, cancel, StatusCancelled, 0, 0)
	close(f.gate)
	if d := waitDelivery(t, m, tn, busyID); d.State != "delivered" {
		t.Fatalf("the busy job's callback: %+v", d)
	}
	// Cancelled while items run: the job ends when they do.
	f.gate = make(chan struct{})
	f2([]string{"u1", "u2", "u3", "u4", "u5"}, func(id string) { cancel(id); close(f.gate) }, StatusCancelled, -1, 0)
}

// TestCallbackRetried: a receiver failing first is tried again, and the
// job's delivery log shows both attempts, the first with its next retry.
func TestCallbackRetried(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	tn := hooked(t, "hk", true, secretA)
	m := newHookManager(t, st, &fake{calls: map[string]int{}}, newSender(t, false, nil), tn)
	defer m.Stop(context.Background())
	rcv := newHookReceiver(t, 500, 200)
	id, err := submitUsers(t, m, tn, rcv.URL, "u1")
	if err != nil {
		t.Fatal(err)
	}
	d := waitDelivery(t, m, tn, id)
	reqs := rcv.requests()
	if d.State != "delivered" || len(reqs) != 2 || len(d.Attempts) != 2 {
		t.Fatalf("got %+v, %d requests; want delivered on the second attempt", d, len(reqs))
	}
	a1, a2 := d.Attempts[0], d.Attempts[1]
	if a1.Status != 500 || a1.Error == nil || *a1.Error != webhook.ErrorStatus || a1.NextRetry == nil ||
		a2.Status != 200 || a2.Error != nil || a2.NextRetry != nil {
		t.Fatalf("got attempts %+v, %+v", a1, a2)
	}
	if !bytes.Equal(reqs[0].body, reqs[1].body) || reqs[0].header.Get("webhook-id") != reqs[1].header.Get("webhook-id") {
		t.Fatalf("the retry sent other bytes or another id:\n%s\n%s", reqs[0].body, reqs[1].body)
	}
	verified(t, reqs[1], secretA)
}

// TestCallbackOwedAcrossRestart: a callback waiting for its retry when the
// Manager stops is owed; the next start on the same store sends it (the
// same bytes and id), its log keeps the attempt before the stop, and a
// start after that sends nothing.
func TestCallbackOwedAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	tn := hooked(t, "hk", true, secretA, secretB)
	rcv := newHookReceiver(t, 503, 200)
	m := newHookManager(t, st, &fake{calls: map[string]int{}}, newSender(t, true, nil), tn)
	id, err := submitUsers(t, m, tn, rcv.URL, "u1", "u2")
	if err != nil {
		t.Fatal(err)
	}
	for range 500 { // the first attempt made, the retry waited for
		if ds, _ := m.Deliveries(tn.ID, id); len(ds.Deliveries) == 1 && len(ds.Deliveries[0].Attempts) == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	m.Stop(context.Background())
	ds, _ := m.Deliveries(tn.ID, id)
	if len(ds.Deliveries) != 1 || ds.Deliveries[0].State != "pending" || len(ds.Deliveries[0].Attempts) != 1 ||
		ds.Deliveries[0].Attempts[0].NextRetry == nil || len(rcv.requests()) != 1 {
		t.Fatalf("after the stop: %+v, %d requests; want pending after one attempt", ds, len(rcv.requests()))
	}
	st.Close()

	st = openStore(t, dir)
	m = newHookManager(t, st, &fake{calls: map[string]int{}}, newSender(t, false, nil), tn)
	d := waitDelivery(t, m, tn, id)
	m.Stop(context.Background())
	reqs := rcv.requests()
	if d.State != "delivered" || len(d.Attempts) != 2 || d.Attempts[0].Status != 503 || d.Attempts[1].Status != 200 || len(reqs) != 2 {
		t.Fatalf("after the restart: %+v, %d requests; want delivered, both attempts logged", d, len(reqs))
	}
	if !bytes.Equal(reqs[0].body, reqs[1].body) || reqs[0].header.Get("webhook-id") != reqs[1].header.Get("webhook-id") {
		t.Fatalf("the restart sent other bytes or another id:\n%s\n%s", reqs[0].body, reqs[1].body)
	}
	verified(t, reqs[1], secretA, secretB)
	st.Close()

	st = openStore(t, dir)
	defer st.Close()
	third := newSender(t, false, nil)
	m = newHookManager(t, st, &fake{calls: map[string]int{}}, third, tn)
	m.Stop(context.Background()) // waits for any delivery Start began
	if n := len(rcv.requests()); n != 2 || len(third.Deliveries()) != 0 {
		t.Fatalf("a delivered callback was sent again: %d requests, deliveries %+v", n, third.Deliveries())
	}
}

// TestCancelledJobCallbackAfterRestart: a job cancelled while an item ran,
// stopped before that item ended, ends at the next start (the item
// cancelled: nothing runs then), and its callback is sent.
func TestCancelledJobCallbackAfterRestart(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, dir)
	tn := hooked(t, "hk", true, secretA)
	rcv := newHookReceiver(t)
	f := &fake{calls: map[string]int{}, gate: make(chan struct{})}
	m := newHookManager(t, st, f, newSender(t, false, nil), tn)
	id, err := submitUsers(t, m, tn, rcv.URL, "u1", "u2", "u3", "u4")
	if err != nil {
		t.Fatal(err)
	}
	for len(f.count()) == 0 { // an item is running
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := m.Cancel(tn.ID, id); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	m.Stop(ctx) // the running item is dropped
	if j, _ := m.Get(tn.ID, id); j.FinishedAt != nil {
		t.Fatalf("the job ended before the restart: %+v", j)
	}
	st.Close()

	st = openStore(t, dir)
	defer st.Close()
	m = newHookManager(t, st, &fake{calls: map[string]int{}}, newSender(t, false, nil), tn)
	defer m.Stop(context.Background())
	d := waitDelivery(t, m, tn, id)
	j, _ := m.Get(tn.ID, id)
	if j.Status != StatusCancelled || j.FinishedAt == nil || d.State != "delivered" {
		t.Fatalf("got job %+v, delivery %+v; want cancelled and ended, the callback delivered", j, d)
	}
	for _, it := range j.Items {
		if it.Status != StatusCancelled {
			t.Fatalf("item %d is %s; want cancelled", it.Index, it.Status)
		}
	}
	if b := verified(t, rcv.requests()[0], secretA); b.Data.Status != StatusCancelled || b.Data.Done != 0 {
		t.Fatalf("got body %+v", b)
	}
}

// dnsAnswers answers each host from a list of answers, one per lookup, the
// last repeated; a host it does not know does not resolve.
type dnsAnswers struct {
	mu      sync.Mutex
	answers map[string][]string
	calls   map[string]int
}

func (r *dnsAnswers) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seq := r.answers[host]
	if len(seq) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(r.calls[host], len(seq)-1)
	r.calls[host]++
	return []netip.Addr{netip.MustParseAddr(seq[i])}, nil
}

// TestCallbackRefusedAtDelivery: a host that resolved to a public address
// when the job came and to the metadata address when it ends is refused
// at its first attempt, not retried, and the log says so.
func TestCallbackRefusedAtDelivery(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	tn := hooked(t, "hk", false, secretA)
	res := &dnsAnswers{answers: map[string][]string{"hooks.example": {"203.0.113.7", "169.254.169.254"}}, calls: map[string]int{}}
	m := newHookManager(t, st, &fake{calls: map[string]int{}}, newSender(t, false, res), tn)
	defer m.Stop(context.Background())
	id, err := submitUsers(t, m, tn, "https://hooks.example/hooks", "u1")
	if err != nil {
		t.Fatal(err)
	}
	d := waitDelivery(t, m, tn, id)
	if d.State != "refused" || len(d.Attempts) != 1 || d.Attempts[0].Error == nil || *d.Attempts[0].Error != webhook.ErrorRefused ||
		d.Attempts[0].NextRetry != nil || d.FinishedAt == nil {
		t.Fatalf("got %+v; want refused at the first attempt", d)
	}
}

// TestCallbackURLCheckedAtSubmit: a callback URL the tenant may not use is
// a validation error at /callback_url, and nothing is stored or queued.
func TestCallbackURLCheckedAtSubmit(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	strict, open, secretless := hooked(t, "strict", false, secretA), hooked(t, "open", true, secretA), hooked(t, "none", true)
	res := &dnsAnswers{answers: map[string][]string{"inside.example": {"10.1.2.3"}, "hooks.example": {"203.0.113.7"}}, calls: map[string]int{}}
	f := &fake{calls: map[string]int{}}
	m := newHookManager(t, st, f, newSender(t, false, res), strict, open, secretless)
	defer m.Stop(context.Background())
	refused := func(m *Manager, tn *tenant.Tenant, url, want string) {
		t.Helper()
		_, err := submitUsers(t, m, tn, url, "u1")
		var ve *bio.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) != 1 || ve.Fields[0].Pointer != "/callback_url" || !strings.Contains(ve.Fields[0].Detail, want) {
			t.Fatalf("%s, %s: got %v; want a validation error at /callback_url saying %q", tn.ID, url, err, want)
		}
	}
	refused(m, strict, "https://127.0.0.1:8443/hooks", "loopback")
	refused(m, strict, "http://hooks.example/hooks", "https")
	refused(m, strict, "https://inside.example/hooks", "private")
	refused(m, strict, "https://nowhere.example/hooks", "does not resolve")
	refused(m, open, "http://169.254.169.254/latest/meta-data", "metadata")
	refused(m, open, "https://user:pw@hooks.example/", "credentials")
	refused(m, secretless, "https://hooks.example/hooks", "no webhook signing secret")
	none, err := New(Config{Store: st, Answers: f, Tenants: []*tenant.Tenant{open}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	refused(none, open, "https://hooks.example/hooks", "not delivered by this server")
	if _, err := submitUsers(t, m, strict, "https://hooks.example/hooks", "u1"); err != nil {
		t.Fatalf("a public https host: %v", err)
	}
	n := 0
	st.View(func(tx *store.Tx) error {
		return tx.Scan(Bucket, "", func(key string, _ store.Record) (bool, error) {
			if strings.HasSuffix(key, "\x00h") {
				n++
			}
			return true, nil
		})
	})
	if n != 1 {
		t.Fatalf("%d jobs stored; want the one accepted only", n)
	}
}

// TestJobWithoutCallbackHasNoDelivery: a job without a callback URL has an
// empty delivery log; another tenant's job is not found.
func TestJobWithoutCallbackHasNoDelivery(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	m := newManager(t, st, &fake{calls: map[string]int{}})
	defer m.Stop(context.Background())
	id := submit(t, m, t1, 2)
	wait(t, m, t1, id, StatusSucceeded)
	ds, err := m.Deliveries(t1.ID, id)
	if err != nil || ds.JobID != id || ds.Deliveries == nil || len(ds.Deliveries) != 0 {
		t.Fatalf("got %+v, %v; want an empty log", ds, err)
	}
	if b, _ := json.Marshal(ds); string(b) != fmt.Sprintf(`{"job_id":%q,"deliveries":[]}`, id) {
		t.Fatalf("got %s", b)
	}
	if _, err := m.Deliveries(t2.ID, id); err != ErrNotFound {
		t.Fatalf("another tenant's job: got %v; want ErrNotFound", err)
	}
}

// TestCallbackFailsAfterSchedule: a receiver that never accepts gets every
// attempt of the schedule, then the callback is failed, stored so.
func TestCallbackFailsAfterSchedule(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	tn := hooked(t, "hk", true, secretA)
	m := newHookManager(t, st, &fake{calls: map[string]int{}}, newSender(t, false, nil), tn)
	defer m.Stop(context.Background())
	rcv := newHookReceiver(t, 500)
	id, err := submitUsers(t, m, tn, rcv.URL, "u1")
	if err != nil {
		t.Fatal(err)
	}
	d := waitDelivery(t, m, tn, id)
	n := len(hookSchedule) + 1
	if d.State != "failed" || len(d.Attempts) != n || len(rcv.requests()) != n || d.Attempts[n-1].NextRetry != nil || d.FinishedAt == nil {
		t.Fatalf("got %+v, %d requests; want failed after %d attempts", d, len(rcv.requests()), n)
	}
}

// TestCallbackAfterErasure: a job whose last items end because their users
// were erased ends all the same, and its callback is sent.
func TestCallbackAfterErasure(t *testing.T) {
	st := openStore(t, t.TempDir())
	defer st.Close()
	tn := hooked(t, "hk", true, secretA)
	f := &fake{calls: map[string]int{}, gate: make(chan struct{})}
	m := newHookManager(t, st, f, newSender(t, false, nil), tn)
	defer m.Stop(context.Background())
	rcv := newHookReceiver(t)
	id, err := submitUsers(t, m, tn, rcv.URL, "u1", "u2", "u3")
	if err != nil {
		t.Fatal(err)
	}
	for len(f.count()) < 2 { // two items running, one queued
		time.Sleep(5 * time.Millisecond)
	}
	for _, u := range []string{"u1", "u2", "u3"} {
		if n, err := m.EraseUser(tn.ID, u); err != nil || n != 1 {
			t.Fatalf("erase %s: %d, %v", u, n, err)
		}
	}
	close(f.gate)
	d := waitDelivery(t, m, tn, id)
	b := verified(t, rcv.requests()[0], secretA)
	if d.State != "delivered" || b.Data.ID != id || b.Data.Total != 3 || b.Data.Done != 0 || b.Data.Failed != 0 {
		t.Fatalf("got %+v, body %+v; want the job's end with nothing kept", d, b)
	}
}
