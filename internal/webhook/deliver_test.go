package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

var body = []byte(`{"type":"job.completed","timestamp":"2026-11-25T18:00:00Z","data":{"id":"job_1","status":"succeeded","total":2,"done":2,"failed":0}}`)

// verifyAll checks every request with the reference library, for each
// secret, and the headers Standard Webhooks asks for.
func verifyAll(t *testing.T, reqs []received, secrets ...string) {
	t.Helper()
	for i, r := range reqs {
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Fatalf("request %d: Content-Type %q", i, ct)
		}
		if !bytes.Equal(r.body, body) {
			t.Fatalf("request %d: body %q", i, r.body)
		}
		for _, s := range secrets {
			wh, err := standardwebhooks.NewWebhook(s)
			if err != nil {
				t.Fatal(err)
			}
			// The fake clock runs hours ahead on retries: the timestamp is
			// checked against the attempt's time by the caller instead.
			if err := wh.VerifyIgnoringTimestamp(r.body, r.header); err != nil {
				t.Fatalf("request %d, secret %d: %v", i, s[6], err)
			}
		}
	}
}

func TestDeliverSigned(t *testing.T) {
	rcv := newReceiver(t, false)
	current, previous := secretString(1, 32), secretString(2, 32)
	s := sender(t, newClock(), nil, nil, nil)
	d, err := s.Deliver(context.Background(), Message{ID: "msg_1", URL: rcv.URL + "/hooks/bios?token=abc", Body: body,
		Policy: policy(t, true, current, previous)})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rcv.requests()
	if len(reqs) != 1 || d.State != StateDelivered || len(d.Attempts) != 1 || d.Attempts[0].Status != 200 {
		t.Fatalf("got %d requests, delivery %+v", len(reqs), d)
	}
	verifyAll(t, reqs, current, previous)
	// The first attempt is signed now: the timestamp check passes too.
	for _, sec := range []string{current, previous} {
		wh, _ := standardwebhooks.NewWebhook(sec)
		if err := wh.Verify(reqs[0].body, reqs[0].header); err != nil {
			t.Fatal(err)
		}
	}
	if d.Target != rcv.URL || d.Attempts[0].Addr != strings.TrimPrefix(rcv.URL, "http://") {
		t.Fatalf("got target %q, addr %q; want %q without path or query", d.Target, d.Attempts[0].Addr, rcv.URL)
	}
	if got, ok := s.Lookup("msg_1"); !ok || got.State != StateDelivered {
		t.Fatalf("Lookup: %+v %v", got, ok)
	}
}

// TestRetriesThenDelivered: a receiver failing three times gets the
// message on the fourth attempt, each attempt in its slot of the schedule,
// re-signed with the time it is made, under the same webhook-id.
func TestRetriesThenDelivered(t *testing.T) {
	rcv := newReceiver(t, false, 500, 503, 429, 200)
	clock := newClock()
	start := clock.Now()
	half := func(n int64) int64 { return n / 2 }
	secret := secretString(1, 32)
	s := sender(t, clock, half, nil, nil)
	d, err := s.Deliver(context.Background(), Message{ID: "msg_r", URL: rcv.URL, Body: body, Policy: policy(t, true, secret)})
	if err != nil {
		t.Fatal(err)
	}
	reqs := rcv.requests()
	if len(reqs) != 4 || len(d.Attempts) != 4 || d.State != StateDelivered {
		t.Fatalf("got %d requests, %d attempts, state %s; want 4, 4, delivered", len(reqs), len(d.Attempts), d.State)
	}
	verifyAll(t, reqs, secret)
	// Attempt k+1 is due halfway through slot k (the jitter gives half).
	var slotStart time.Duration
	for k, a := range d.Attempts {
		want := start
		if k > 0 {
			want = start.Add(slotStart + schedule[k-1]/2)
			slotStart += schedule[k-1]
		}
		if !a.At.Equal(want) {
			t.Fatalf("attempt %d at +%s; want +%s", k+1, a.At.Sub(start), want.Sub(start))
		}
		if k < 3 && !a.NextRetry.Equal(start.Add(slotStart+schedule[k]/2)) {
			t.Fatalf("attempt %d: next retry +%s", k+1, a.NextRetry.Sub(start))
		}
		if ts := reqs[k].header.Get("webhook-timestamp"); ts != strconv.FormatInt(a.At.Unix(), 10) {
			t.Fatalf("attempt %d: webhook-timestamp %s; want the attempt's time %d", k+1, ts, a.At.Unix())
		}
		if id := reqs[k].header.Get("webhook-id"); id != "msg_r" {
			t.Fatalf("attempt %d: webhook-id %q", k+1, id)
		}
		if wantStatus := []int{500, 503, 429, 200}[k]; a.Status != wantStatus || (a.Error == "") != (k == 3) {
			t.Fatalf("attempt %d: %+v", k+1, a)
		}
	}
	if !d.Attempts[3].NextRetry.IsZero() {
		t.Fatalf("the delivered attempt has a next retry: %+v", d.Attempts[3])
	}
}

// TestScheduleSpansAnHour: a receiver that never accepts gets
// len(schedule)+1 attempts, the last at least an hour after the first,
// however the jitter falls.
func TestScheduleSpansAnHour(t *testing.T) {
	for _, jitter := range []func(int64) int64{
		func(int64) int64 { return 0 },
		func(n int64) int64 { return n - 1 },
	} {
		rcv := newReceiver(t, false, 500)
		clock := newClock()
		s := sender(t, clock, jitter, nil, nil)
		d, err := s.Deliver(context.Background(), Message{ID: "msg_s", URL: rcv.URL, Body: body, Policy: policy(t, true, secretString(1, 32))})
		if !errors.Is(err, ErrUndelivered) || d.State != StateFailed {
			t.Fatalf("got %v, state %s; want ErrUndelivered, failed", err, d.State)
		}
		n := len(d.Attempts)
		if n != len(schedule)+1 || len(rcv.requests()) != n {
			t.Fatalf("got %d attempts, %d requests; want %d", n, len(rcv.requests()), len(schedule)+1)
		}
		if span := d.Attempts[n-1].At.Sub(d.Attempts[0].At); span < MinRetrySpan {
			t.Fatalf("the last attempt came %s after the first; want at least %s", span, MinRetrySpan)
		}
		for i, a := range d.Attempts[:n-1] {
			if a.NextRetry.IsZero() || !d.Attempts[i+1].At.Equal(a.NextRetry) {
				t.Fatalf("attempt %d: next retry %s, next attempt at %s", i+1, a.NextRetry, d.Attempts[i+1].At)
			}
		}
	}
}

func TestCheckSchedule(t *testing.T) {
	f := func(s []time.Duration, want string) {
		t.Helper()
		err := CheckSchedule(s)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Fatalf("CheckSchedule(%v): got %v; want %q", s, err, want)
		}
	}
	f(schedule, "")
	f([]time.Duration{time.Hour, time.Second}, "")
	f(nil, "0 slots")
	f([]time.Duration{5 * time.Second, 30 * time.Minute, time.Hour}, "the last attempt may come 30m5s after the first")
	f([]time.Duration{time.Hour, 0, time.Second}, "slot 1 is 0s")
	f(make([]time.Duration, 21), "21 slots")
}

func TestRedirectNotFollowed(t *testing.T) {
	rcv := newReceiver(t, false, 302)
	s := sender(t, newClock(), nil, nil, nil)
	d, err := s.Deliver(context.Background(), Message{ID: "msg_3", URL: rcv.URL + "/hook", Body: body, Policy: policy(t, true, secretString(1, 32))})
	if !errors.Is(err, ErrUndelivered) {
		t.Fatalf("got %v; want ErrUndelivered", err)
	}
	reqs := rcv.requests()
	if len(reqs) != len(d.Attempts) {
		t.Fatalf("%d requests for %d attempts: a redirect was followed", len(reqs), len(d.Attempts))
	}
	for i, a := range d.Attempts {
		if a.Status != 302 || a.Error != ErrorRedirect {
			t.Fatalf("attempt %d: %+v; want status 302, error redirect", i+1, a)
		}
	}
}

// TestTLSToVettedAddress: the connection goes to the resolved, checked
// address while TLS verifies the URL's host name and the Host header
// keeps it.
func TestTLSToVettedAddress(t *testing.T) {
	rcv := newReceiver(t, true)
	port := rcv.URL[strings.LastIndexByte(rcv.URL, ':')+1:]
	roots := x509.NewCertPool()
	roots.AddCert(rcv.Certificate())
	res := resolver(map[string][]string{"example.com": {"127.0.0.1"}})
	s := sender(t, newClock(), nil, res, nil, func(o *Options) { o.TLS = &tls.Config{RootCAs: roots} })
	d, err := s.Deliver(context.Background(), Message{ID: "msg_t", URL: "https://example.com:" + port + "/hook", Body: body,
		Policy: policy(t, true, secretString(1, 32))})
	if err != nil {
		t.Fatalf("%v (%+v)", err, d)
	}
	r := rcv.requests()[0]
	if r.host != "example.com:"+port || r.serverName != "example.com" || d.Attempts[0].Addr != "127.0.0.1:"+port {
		t.Fatalf("got Host %q, SNI %q, addr %q", r.host, r.serverName, d.Attempts[0].Addr)
	}
	// A name the certificate does not hold fails the handshake.
	res = resolver(map[string][]string{"other.test": {"127.0.0.1"}})
	s = sender(t, newClock(), nil, res, nil, func(o *Options) { o.TLS = &tls.Config{RootCAs: roots} })
	d, _ = s.Deliver(context.Background(), Message{ID: "msg_t2", URL: "https://other.test:" + port + "/hook", Body: body,
		Policy: policy(t, true, secretString(1, 32))})
	if d.Attempts[0].Error != ErrorTLS {
		t.Fatalf("wrong host name: got %+v; want error tls", d.Attempts[0])
	}
}

// TestCancelWhileWaiting: shutdown during the wait for a retry ends the
// delivery at once, with the retry's time kept.
func TestCancelWhileWaiting(t *testing.T) {
	rcv := newReceiver(t, false, 500)
	clock := newClock()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.onSleep = func(int) error { cancel(); return ctx.Err() }
	s := sender(t, clock, nil, nil, nil)
	d, err := s.Deliver(ctx, Message{ID: "msg_c", URL: rcv.URL, Body: body, Policy: policy(t, true, secretString(1, 32))})
	if !errors.Is(err, context.Canceled) || d.State != StateCancelled || len(d.Attempts) != 1 || d.Attempts[0].NextRetry.IsZero() {
		t.Fatalf("got %v, %+v", err, d)
	}
}

// TestCancelInFlight: shutdown during an attempt cuts it off.
func TestCancelInFlight(t *testing.T) {
	rcv := newReceiver(t, false)
	held := rcv.holdFirst()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := sender(t, newClock(), nil, nil, nil)
	done := make(chan struct{})
	var (
		d   Delivery
		err error
	)
	go func() {
		defer close(done)
		d, err = s.Deliver(ctx, Message{ID: "msg_f", URL: rcv.URL, Body: body, Policy: policy(t, true, secretString(1, 32))})
	}()
	<-held
	cancel()
	<-done
	if !errors.Is(err, context.Canceled) || d.State != StateCancelled || d.Attempts[0].Error != ErrorCancelled {
		t.Fatalf("got %v, %+v", err, d)
	}
}

// TestAttemptTimeout: an attempt that outlasts its timeout is a failure
// like any other, retried.
func TestAttemptTimeout(t *testing.T) {
	rcv := newReceiver(t, false)
	rcv.holdFirst()
	s := sender(t, newClock(), nil, nil, nil, func(o *Options) { o.AttemptTimeout = 50 * time.Millisecond })
	d, err := s.Deliver(context.Background(), Message{ID: "msg_o", URL: rcv.URL, Body: body, Policy: policy(t, true, secretString(1, 32))})
	if err != nil || len(d.Attempts) != 2 || d.Attempts[0].Error != ErrorTimeout || d.Attempts[1].Status != 200 {
		t.Fatalf("got %v, %+v", err, d)
	}
}

func TestDeliveryLogIsBounded(t *testing.T) {
	rcv := newReceiver(t, false)
	s := sender(t, newClock(), nil, nil, nil, func(o *Options) { o.LogSize = 2 })
	for _, id := range []string{"m1", "m2", "m3"} {
		if _, err := s.Deliver(context.Background(), Message{ID: id, URL: rcv.URL, Body: body, Policy: policy(t, true, secretString(1, 32))}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []string
	for _, d := range s.Deliveries() {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "m2,m3" {
		t.Fatalf("got %v; want the last two, oldest first", ids)
	}
	if _, ok := s.Lookup("m1"); ok {
		t.Fatal("m1 is still in a log of two")
	}
}

// TestLogsHoldNoSecrets: the log lines of a delivery hold no secret,
// signature, body, or URL path and query.
func TestLogsHoldNoSecrets(t *testing.T) {
	rcv := newReceiver(t, false, 500, 200)
	var buf bytes.Buffer
	secret := secretString(1, 32)
	s := sender(t, newClock(), nil, nil, nil, func(o *Options) {
		o.Log = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, err := s.Deliver(context.Background(), Message{ID: "msg_l", URL: rcv.URL + "/hooks/x?token=tok123", Body: body, Policy: policy(t, true, secret)})
	if err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	sig := rcv.requests()[0].header.Get("webhook-signature")
	for _, leak := range []string{secret[6:20], sig[3:20], "job_1", "/hooks/x", "tok123"} {
		if strings.Contains(out, leak) {
			t.Fatalf("the log holds %q:\n%s", leak, out)
		}
	}
	if strings.Count(out, `"msg":"webhook attempt"`) != 2 || !strings.Contains(out, `"next_retry"`) {
		t.Fatalf("want a line per attempt, with the next retry:\n%s", out)
	}
}

func TestNewAndDeliverRefuseBadInput(t *testing.T) {
	for _, o := range []Options{
		{Schedule: schedule, LogSize: 1},
		{AttemptTimeout: time.Second, LogSize: 1},
		{AttemptTimeout: time.Second, Schedule: []time.Duration{time.Minute, time.Minute}, LogSize: 1},
		{AttemptTimeout: time.Second, Schedule: schedule},
	} {
		if _, err := New(o); err == nil {
			t.Fatalf("New(%+v) accepted", o)
		}
	}
	s := sender(t, newClock(), nil, nil, nil)
	p := policy(t, true, secretString(1, 32))
	for _, m := range []Message{
		{ID: "", URL: "https://example.com", Body: body, Policy: p},
		{ID: "has space", URL: "https://example.com", Body: body, Policy: p},
		{ID: "m", URL: "https://example.com", Body: []byte("{"), Policy: p},
		{ID: "m", URL: "https://example.com", Body: body},
		{ID: "m", URL: "ftp://example.com", Body: body, Policy: p},
	} {
		if _, err := s.Deliver(context.Background(), m); err == nil {
			t.Fatalf("Deliver(%+v) accepted", m)
		}
	}
	if len(s.Deliveries()) != 0 {
		t.Fatalf("refused messages were logged: %+v", s.Deliveries())
	}
}

// TestObserveEachAttempt: Message.Observe is given every attempt as it
// ends, the retries' with their next retry, the same records the delivery
// returns; an attempt cut off by shutdown is observed too.
func TestObserveEachAttempt(t *testing.T) {
	rcv := newReceiver(t, false, 500, 503, 200)
	s := sender(t, newClock(), func(n int64) int64 { return n / 2 }, nil, nil)
	var seen []Attempt
	clock := s.clock.(*fakeClock)
	clock.onSleep = func(n int) error {
		// The attempt before a sleep is observed before the sleep.
		if len(seen) != n {
			t.Errorf("sleep %d: %d attempts observed; want %d", n, len(seen), n)
		}
		return nil
	}
	m := Message{ID: "msg_obs", URL: rcv.URL, Body: body, Policy: policy(t, true, secretString(1, 32)),
		Observe: func(a Attempt) { seen = append(seen, a) }}
	d, err := s.Deliver(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 || len(d.Attempts) != 3 {
		t.Fatalf("observed %d attempts, delivery has %d; want 3 and 3", len(seen), len(d.Attempts))
	}
	for i := range seen {
		if seen[i] != d.Attempts[i] {
			t.Fatalf("attempt %d: observed %+v; the delivery has %+v", i+1, seen[i], d.Attempts[i])
		}
	}
	if seen[0].Status != 500 || seen[0].NextRetry.IsZero() || seen[2].Status != 200 || !seen[2].NextRetry.IsZero() {
		t.Fatalf("got %+v", seen)
	}

	// Cut off in flight: the cancelled attempt is observed.
	rcv = newReceiver(t, false)
	held := rcv.holdFirst()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen = nil
	m.URL, m.ID = rcv.URL, "msg_obs2"
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Deliver(ctx, m)
	}()
	<-held
	cancel()
	<-done
	if len(seen) != 1 || seen[0].Error != ErrorCancelled {
		t.Fatalf("observed %+v; want the cancelled attempt", seen)
	}
}
