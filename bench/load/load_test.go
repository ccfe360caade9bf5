package load

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/leaktest"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// stallServer answers at once, except that the first request after start +
// at makes every request wait until the stall of length d is over.
func stallServer(at, d time.Duration) *httptest.Server {
	var mu sync.Mutex
	var stallEnd time.Time
	start := time.Now()
	once := sync.Once{}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if time.Since(start) >= at {
			once.Do(func() {
				mu.Lock()
				stallEnd = time.Now().Add(d)
				mu.Unlock()
			})
		}
		mu.Lock()
		end := stallEnd
		mu.Unlock()
		if wait := time.Until(end); wait > 0 {
			time.Sleep(wait)
		}
		w.Write([]byte("ok"))
	}))
}

func get(c *http.Client, url string) func(ctx context.Context, i int) Result {
	return func(ctx context.Context, i int) Result {
		req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
		resp, err := c.Do(req)
		if err != nil {
			return Result{Err: err}
		}
		resp.Body.Close()
		return Result{Status: resp.StatusCode, Labels: []string{"kind=get"}}
	}
}

// TestOpenLoopCountsWaiting stalls the server for 200 ms once. Open loop,
// every request scheduled during the stall is charged its wait; a closed
// loop with one client sends fewer requests then and hides it.
func TestOpenLoopCountsWaiting(t *testing.T) {
	srv := stallServer(100*time.Millisecond, 200*time.Millisecond)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	defer client.CloseIdleConnections()
	var mu sync.Mutex
	waited := 0 // requests that waited at least 100 ms
	rep := Run(context.Background(), Config{
		Name: "stall", Rate: 200, Duration: time.Second, Do: get(client, srv.URL),
		Observe: func(i int, d time.Duration) {
			if d >= 100*time.Millisecond {
				mu.Lock()
				waited++
				mu.Unlock()
			}
		},
	})
	// At 200 requests a second, the first half of a 200 ms stall holds
	// about 20 requests that wait 100 ms or more.
	if rep.Sent != 200 || rep.OK != 200 || waited < 15 || rep.Latency.Max < 150 || rep.Latency.P99 < 150 {
		t.Fatalf("sent %d, ok %d, %d waited 100 ms or more, max %.1f ms, p99 %.1f ms", rep.Sent, rep.OK, waited, rep.Latency.Max, rep.Latency.P99)
	}
	if rep.ByLabel["kind=get"] != 200 || rep.ByStatus["200"] != 200 || rep.Mode != "open" || len(rep.Distribution) == 0 {
		t.Fatalf("report %+v", rep)
	}

	// The same stall seen by one closed-loop client: one slow request.
	srv2 := stallServer(100*time.Millisecond, 200*time.Millisecond)
	defer srv2.Close()
	waited = 0
	closed := Run(context.Background(), Config{Name: "closed", Concurrency: 1, Duration: time.Second, Do: get(client, srv2.URL),
		Observe: func(int, time.Duration) {}})
	if closed.Mode != "closed" || closed.OK == 0 || closed.Latency.P90 >= 100 {
		t.Fatalf("closed loop: %+v", closed.Latency)
	}
}

func TestCapsEndTheRun(t *testing.T) {
	n := 0
	var mu sync.Mutex
	rep := Run(context.Background(), Config{Rate: 1000, Duration: time.Minute, MaxRequests: 50, Do: func(context.Context, int) Result {
		mu.Lock()
		n++
		mu.Unlock()
		return Result{Status: 503}
	}})
	if rep.Sent != 50 || n != 50 || rep.Errors != 50 || rep.ByStatus["503"] != 50 {
		t.Fatalf("report %+v", rep)
	}
}

// TestClosedLoopObserves checks that a closed loop tells Observe of every
// request, as an open loop does.
func TestClosedLoopObserves(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]bool{}
	rep := Run(context.Background(), Config{Concurrency: 4, Duration: time.Minute, MaxRequests: 50,
		Do: func(context.Context, int) Result { return Result{Status: 200} },
		Observe: func(i int, d time.Duration) {
			mu.Lock()
			seen[i] = true
			mu.Unlock()
		}})
	if rep.Sent != 50 || rep.OK != 50 || len(seen) != 50 {
		t.Fatalf("sent %d, ok %d, observed %d; want 50 of each", rep.Sent, rep.OK, len(seen))
	}
}
