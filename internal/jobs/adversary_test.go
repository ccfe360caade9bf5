package jobs

// Adversarial tests of the jobs' promises to erased users, through the real
// answer path (caches included), with the erasure placed in the windows
// where a worker has read an item but not yet begun to answer it.

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/answer"
	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/cache"
	"github.com/biogen/biogen/internal/chain"
	"github.com/biogen/biogen/internal/config"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/tenant"
	"github.com/biogen/biogen/internal/webhook"
	"github.com/biogen/biogen/internal/writer"
)

// advBody is a bio request of user w-1 that the model answers and the
// caches keep.
const advBody = `{"user_id":"w-1","profile":{"name":"Ada Okafor","pronouns":"she/her","current_role":"Principal Data Engineer",
	"company":"Northwind Health","years_experience":12,"skills":["Go","Kafka","PostgreSQL"]},"options":{"length":"short"}}`

// advModel writes the template writer's text, counting its calls.
type advModel struct{ calls atomic.Int64 }

func (*advModel) Name() string        { return "model" }
func (*advModel) Kind() provider.Kind { return provider.KindOllama }
func (m *advModel) Generate(_ context.Context, req *provider.Request) (*provider.Result, error) {
	m.calls.Add(1)
	return &provider.Result{Text: (&writer.Writer{}).Write(req.Bio, req.Variant).Text, Model: "m-1"}, nil
}

// realAnswers builds the answer path of the service over st: a tenant that
// caches, a chain of one model and the template writer, the cache, and
// the erasure of the jobs' items in st, through eraseJobs if set.
func realAnswers(t *testing.T, st *store.Store, eraseJobs func(tenant, user string) (int, error)) (*answer.Answerer, *tenant.Tenant, *advModel) {
	t.Helper()
	cfg := tenant.Config{ID: "acme", Keys: []tenant.Key{{Digest: tenant.Digest("k")}}}
	config.SetTenantDefaults(&cfg)
	reg, err := tenant.New([]tenant.Config{cfg})
	if err != nil {
		t.Fatal(err)
	}
	m := &advModel{}
	g, err := chain.NewGuard(m, chain.Settings{Timeout: time.Second, BackoffBase: time.Millisecond, BackoffMax: time.Millisecond,
		MaxConcurrent: 4, FailureThreshold: 5, OpenTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := chain.New(chain.Config{Guards: []*chain.Guard{g}, Template: writer.NewProvider("template", &writer.Writer{}), Reserve: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	bc, err := cache.New(cache.Limits{Bytes: 16 << 20}, cache.HashEmbedder{}, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bc.Close)
	if eraseJobs == nil {
		eraseJobs = func(tn, u string) (int, error) { return st.EraseUser(Bucket, tn, u) }
	}
	a, err := answer.New(answer.Config{Chains: map[string]*chain.Chain{"acme": c}, ProvidersKeys: map[string]string{"acme": "model=m-1"},
		Cache: bc, PromptVersion: "bio-v1", Timeout: 5 * time.Second, AuditKey: []byte("audit-key-for-tests"), EraseJobs: eraseJobs})
	if err != nil {
		t.Fatal(err)
	}
	return a, reg.Tenants()[0], m
}

// beforeAnswer runs hook, for the user's item, after the worker read it and
// before the answer path begins, then answers it.
type beforeAnswer struct {
	a    Answerer
	user string
	hook func()
	once sync.Once
}

func (b *beforeAnswer) Answer(ctx context.Context, c answer.Call) (answer.Reply, error) {
	if c.Request.UserID == b.user {
		b.once.Do(b.hook)
	}
	return b.a.Answer(ctx, c)
}

// cachedFor reports whether the caches answer body, the erased user's
// request, without the model: a request after the erasure must not be
// answered with anything written before it.
func cachedFor(t *testing.T, a *answer.Answerer, ten *tenant.Tenant, m *advModel) bool {
	t.Helper()
	a.WaitCache()
	before := m.calls.Load()
	r, err := a.Answer(context.Background(), answer.Call{Tenant: ten, RequestID: "after", Body: []byte(advBody)})
	if err != nil {
		t.Fatal(err)
	}
	return r.Response.Cache != bio.CacheMiss || m.calls.Load() == before
}

func runJob(t *testing.T, st *store.Store, ten *tenant.Tenant, a Answerer, users ...string) (*Manager, string) {
	t.Helper()
	m, err := New(Config{Store: st, Answers: a, Tenants: []*tenant.Tenant{ten}, Timeout: 5 * time.Second, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Stop(context.Background()) })
	var items []Item
	for _, u := range users {
		var req map[string]any
		json.Unmarshal([]byte(advBody), &req)
		req["user_id"] = u
		b, _ := json.Marshal(req)
		if u == "w-1" {
			b = []byte(advBody)
		}
		items = append(items, Item{Request: b, User: u})
	}
	sub, err := m.Submit(ten, items, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, sub.ID
}

func waitEnded(t *testing.T, m *Manager, ten *tenant.Tenant, id string) *Job {
	t.Helper()
	for range 1000 {
		j, err := m.Get(ten.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.FinishedAt != nil {
			return j
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("job %s never ended", id)
	return nil
}

// TestAdversaryErasedBetweenReadAndAnswer: the user is erased (DELETE
// /v1/users/{id}: everything, the job's item counted) after a worker read
// their item and before it began to answer it. The answer, written from
// data sent before the erasure, is neither kept by the job nor left in the
// caches.
func TestAdversaryErasedBetweenReadAndAnswer(t *testing.T) {
	st := openStore(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	a, ten, model := realAnswers(t, st, nil)
	var erased answer.Erased
	b := &beforeAnswer{a: a, user: "w-1", hook: func() {
		var err error
		if erased, err = a.Erase(context.Background(), ten, "w-1"); err != nil {
			t.Error(err)
		}
	}}
	m, id := runJob(t, st, ten, b, "w-1")
	j := waitEnded(t, m, ten, id)
	if erased.Jobs != 1 || len(j.Items) != 0 || j.Done != 0 {
		t.Fatalf("erased %+v, job %+v; want the item erased and counted, nothing kept", erased, j)
	}
	if cachedFor(t, a, ten, model) {
		t.Fatal("a request after the erasure was answered from the caches with the bio of the item read before it")
	}
}

// TestAdversaryItemReadDuringErasure: the worker reads the item while the
// erasure runs (its caches already erased, the job's items not yet); the
// answer goes on after. It is not left in the caches.
func TestAdversaryItemReadDuringErasure(t *testing.T) {
	st := openStore(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	read, deleted := make(chan struct{}), make(chan struct{})
	releaseFirst := make(chan struct{})
	var erasing atomic.Bool
	a, ten, model := realAnswers(t, st, func(tn, u string) (int, error) {
		erasing.Store(true)
		close(releaseFirst) // the worker may now read w-1's item
		<-read
		n, err := st.EraseUser(Bucket, tn, u)
		close(deleted)
		return n, err
	})
	// One worker: u-0's item holds it until the erasure has begun.
	hold := &beforeAnswer{a: a, user: "u-0", hook: func() { <-releaseFirst }}
	b := &beforeAnswer{a: hold, user: "w-1", hook: func() {
		if !erasing.Load() {
			t.Error("w-1's item was read before the erasure began")
		}
		close(read)
		<-deleted
	}}
	m, id := runJob(t, st, ten, b, "u-0", "w-1")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if j, _ := m.Get(ten.ID, id); j != nil && len(j.Items) == 2 && j.Items[0].Status == StatusRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("u-0's item never ran")
		}
	}
	erased, err := a.Erase(context.Background(), ten, "w-1")
	if err != nil || erased.Jobs != 1 {
		t.Fatalf("erase: %+v, %v", erased, err)
	}
	j := waitEnded(t, m, ten, id)
	if len(j.Items) != 1 || j.Done != 1 {
		t.Fatalf("job %+v; want u-0's item alone kept", j)
	}
	if cachedFor(t, a, ten, model) {
		t.Fatal("a request after the erasure was answered from the caches with the bio of the item read during it")
	}
}

// counting is the Callbacks of a Manager: it accepts every URL and counts
// the deliveries of each message, keeping the last body.
type counting struct {
	mu     sync.Mutex
	sent   map[string]int
	bodies map[string][]byte
}

func (c *counting) CheckURL(context.Context, string, webhook.Policy) error { return nil }

func (c *counting) Deliver(_ context.Context, m webhook.Message) (webhook.Delivery, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[m.ID]++
	c.bodies[m.ID] = m.Body
	return webhook.Delivery{ID: m.ID, State: webhook.StateDelivered}, nil
}

// TestAdversaryCancelRacesLastItem: DELETE at the moment the job's last
// item is answered, many times over. Whichever wins, the job ends once:
// one callback, whose status and counts are the job's (cancelled with the
// item done, or succeeded), and the item is answered at most once.
func TestAdversaryCancelRacesLastItem(t *testing.T) {
	st := openStore(t, t.TempDir())
	t.Cleanup(func() { st.Close() })
	tn := hooked(t, "hk", true, secretA)
	f := &fake{calls: map[string]int{}, gate: make(chan struct{})}
	hooks := &counting{sent: map[string]int{}, bodies: map[string][]byte{}}
	m := newHookManager(t, st, f, hooks, tn)
	t.Cleanup(func() { m.Stop(context.Background()) })
	outcomes := map[string]int{}
	for range 40 {
		id, err := submitUsers(t, m, tn, "https://hooks.example/x", "u1")
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); f.count()[id+"/0"] == 0; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("job %s's item never ran", id)
			}
		}
		var wg sync.WaitGroup
		wg.Go(func() { f.gate <- struct{}{} })
		wg.Go(func() {
			if _, err := m.Cancel(tn.ID, id); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		var j *Job
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
			if j, _ = m.Get(tn.ID, id); j.FinishedAt != nil {
				hooks.mu.Lock()
				n := hooks.sent["msg_"+id]
				hooks.mu.Unlock()
				if n > 0 {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("job %s never ended with its callback: %+v", id, j)
			}
		}
		hooks.mu.Lock()
		n, b := hooks.sent["msg_"+id], hooks.bodies["msg_"+id]
		hooks.mu.Unlock()
		var cb completed
		if err := json.Unmarshal(b, &cb); err != nil || n != 1 {
			t.Fatalf("job %s: %d callbacks, %s", id, n, b)
		}
		if cb.Data.Status != j.Status || cb.Data.Done != j.Done || j.Done != 1 || f.count()[id+"/0"] != 1 ||
			(j.Status != StatusCancelled && j.Status != StatusSucceeded) {
			t.Fatalf("job %+v, callback %s, %d calls; want the running item done once, and the callback to say so", j, b, f.count()[id+"/0"])
		}
		outcomes[j.Status]++
	}
	t.Logf("outcomes: %v", outcomes)
}
