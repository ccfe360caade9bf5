package webhook

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/biogen/biogen/internal/leaktest"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// schedule is the configuration's default (docs/operations.md).
var schedule = []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute,
	30 * time.Minute, time.Hour, 2 * time.Hour}

// secretString makes a "whsec_" secret of n bytes, each seed.
func secretString(seed byte, n int) string {
	return SecretPrefix + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{seed}, n))
}

// policy parses secrets or fails the test.
func policy(t *testing.T, allowPrivate bool, secrets ...string) Policy {
	t.Helper()
	p, err := ParsePolicy("secrets", secrets, allowPrivate)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// fakeClock advances only when slept on; onSleep, if set, runs at each
// sleep (with its number, from 1) and may end it with an error.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	sleeps  []time.Duration
	onSleep func(n int) error
}

func newClock() *fakeClock {
	// Today, so that the reference library's 5-minute tolerance accepts a
	// first attempt's timestamp; the clock never moves by itself.
	return &fakeClock{now: time.Now().Truncate(time.Second)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	n, hook := len(c.sleeps), c.onSleep
	c.mu.Unlock()
	if hook != nil {
		if err := hook(n); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// fakeResolver answers each host from a list of answers, one per lookup,
// the last repeated; a host it does not know does not resolve.
type fakeResolver struct {
	mu      sync.Mutex
	answers map[string][][]netip.Addr
	calls   map[string]int
}

func resolver(answers map[string][]string) *fakeResolver {
	r := &fakeResolver{answers: map[string][][]netip.Addr{}, calls: map[string]int{}}
	for host, seq := range answers {
		for _, a := range seq {
			var addrs []netip.Addr
			for _, s := range bytes.Fields([]byte(a)) {
				addrs = append(addrs, netip.MustParseAddr(string(s)))
			}
			r.answers[host] = append(r.answers[host], addrs)
		}
	}
	return r
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	seq := r.answers[host]
	if len(seq) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	i := min(r.calls[host], len(seq)-1)
	r.calls[host]++
	return seq[i], nil
}

func (r *fakeResolver) lookups(host string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[host]
}

// loopbackDialer records every address it is asked for and connects only
// to loopback ones: no test reaches beyond this machine.
type loopbackDialer struct {
	mu    sync.Mutex
	addrs []string
}

func (d *loopbackDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, address)
	d.mu.Unlock()
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return nil, errors.New("test: asked to dial a name: " + address)
	}
	if !ap.Addr().IsLoopback() {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("test: no network beyond loopback")}
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

func (d *loopbackDialer) dialled() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.addrs...)
}

// received is one request a receiver got.
type received struct {
	header     http.Header
	body       []byte
	host       string
	serverName string
}

// receiver is an httptest server answering the statuses given in turn,
// the last repeated (200 when none), and recording every request.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	reqs     []received
	statuses []int
	// held, if set, is closed when the first request arrives, which is
	// then held until its context ends (holdFirst).
	held chan struct{}
}

// holdFirst makes the receiver hold its first request until the sender
// gives up on it; the channel returned is closed when it arrives.
func (r *receiver) holdFirst() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.held = make(chan struct{})
	return r.held
}

func newReceiver(t *testing.T, tlsOn bool, statuses ...int) *receiver {
	r := &receiver{statuses: statuses}
	h := http.HandlerFunc(r.serve)
	r.Server = httptest.NewUnstartedServer(h)
	// Handshakes that tests make fail are not news.
	r.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tlsOn {
		r.StartTLS()
	} else {
		r.Start()
	}
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	rec := received{header: req.Header.Clone(), body: body, host: req.Host}
	if req.TLS != nil {
		rec.serverName = req.TLS.ServerName
	}
	r.mu.Lock()
	n := len(r.reqs)
	r.reqs = append(r.reqs, rec)
	status := http.StatusOK
	if len(r.statuses) > 0 {
		status = r.statuses[min(n, len(r.statuses)-1)]
	}
	held := r.held
	r.mu.Unlock()
	if held != nil && n == 0 {
		close(held)
		<-req.Context().Done()
		return
	}
	if status >= 300 && status < 400 {
		w.Header().Set("Location", "/elsewhere")
	}
	w.WriteHeader(status)
}

func (r *receiver) requests() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.reqs...)
}

// sender builds a Sender on the fake clock, jitter, resolver and dialer.
func sender(t *testing.T, clock *fakeClock, jitter func(int64) int64, res *fakeResolver, d *loopbackDialer, change ...func(*Options)) *Sender {
	t.Helper()
	if res == nil {
		res = resolver(nil)
	}
	if d == nil {
		d = &loopbackDialer{}
	}
	o := Options{AttemptTimeout: 5 * time.Second, Schedule: schedule, LogSize: 100, Clock: clock,
		Jitter: jitter, Resolver: res, Dialer: d}
	for _, c := range change {
		c(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
