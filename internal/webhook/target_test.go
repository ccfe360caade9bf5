package webhook

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	f := func(addr, class string, liftable bool) {
		t.Helper()
		c, l := classify(netip.MustParseAddr(addr))
		if c != class || l != liftable {
			t.Fatalf("classify(%s): got %q, liftable %v; want %q, %v", addr, c, l, class, liftable)
		}
	}
	f("8.8.8.8", "", false)
	f("2001:4860:4860::8888", "", false)
	f("127.0.0.1", "loopback", true)
	f("127.255.0.9", "loopback", true)
	f("::1", "loopback", true)
	f("::ffff:127.0.0.1", "loopback", true) // IPv4-mapped
	f("10.1.2.3", "private", true)
	f("172.16.0.1", "private", true)
	f("172.31.255.255", "private", true)
	f("172.32.0.1", "", false)
	f("192.168.1.1", "private", true)
	f("fd12:3456::1", "private", true)
	f("fc00::1", "private", true)
	f("169.254.1.1", "link-local", true)
	f("fe80::1", "link-local", true)
	f("fe80::1%eth0", "link-local", true)
	f("100.64.0.1", "shared (CGNAT)", true)
	f("100.127.255.255", "shared (CGNAT)", true)
	f("169.254.169.254", "metadata", false)
	f("fd00:ec2::254", "metadata", false)
	f("100.100.100.200", "metadata", false)
	f("0.0.0.0", "unspecified", false)
	f("::", "unspecified", false)
	f("224.0.0.1", "multicast", false)
	f("ff02::1", "multicast", false)
	f("255.255.255.255", "broadcast", false)
	f("64:ff9b::a00:1", "private", true)       // NAT64 of 10.0.0.1
	f("64:ff9b::a9fe:a9fe", "metadata", false) // NAT64 of 169.254.169.254
	f("64:ff9b::808:808", "", false)           // NAT64 of 8.8.8.8
	f("2002:7f00:1::1", "loopback", true)      // 6to4 of 127.0.0.1
	f("::7f00:1", "reserved", true)            // IPv4-compatible
	f("2001:0:4136:e378::1", "reserved", true) // Teredo
}

// TestCheckURL covers what POST /v1/jobs answers 422 for, by resolved
// address as well as by form.
func TestCheckURL(t *testing.T) {
	res := resolver(map[string][]string{
		"public.example":   {"8.8.8.8 2001:4860:4860::8888"},
		"internal.example": {"10.1.2.3"},
		"mixed.example":    {"8.8.8.8 127.0.0.1"},
		"meta.example":     {"169.254.169.254"},
		"localhost":        {"127.0.0.1 ::1"},
	})
	s := sender(t, newClock(), nil, res, nil)
	strict, open := policy(t, false, secretString(1, 32)), policy(t, true, secretString(1, 32))
	f := func(p Policy, url string, want error, msg string) {
		t.Helper()
		err := s.CheckURL(context.Background(), url, p)
		if want == nil {
			if err != nil {
				t.Fatalf("CheckURL(%q, private %v): %v", url, p.AllowPrivateTargets, err)
			}
			return
		}
		if !errors.Is(err, want) || !strings.Contains(err.Error(), msg) {
			t.Fatalf("CheckURL(%q, private %v): got %v; want %v with %q", url, p.AllowPrivateTargets, err, want, msg)
		}
	}
	f(strict, "https://public.example/hooks/bios", nil, "")
	f(strict, "https://public.example:8443/hooks?x=1", nil, "")
	f(strict, "https://8.8.8.8/hook", nil, "")
	for _, u := range []string{"https://127.0.0.1/", "https://[::1]:8443/", "https://localhost/", "https://10.0.0.1/",
		"https://internal.example/", "https://mixed.example/", "https://[fe80::1]/", "https://169.254.1.1/",
		"https://100.64.0.1/", "https://[::ffff:127.0.0.1]/", "https://[fd00::1]/"} {
		f(strict, u, ErrForbiddenTarget, "callback host")
		f(open, u, nil, "") // allow_private_targets lifts these
	}
	f(open, "https://0.0.0.0/", ErrForbiddenTarget, `"0.0.0.0" is or resolves to an unspecified address`)
	f(strict, "https://internal.example/", ErrForbiddenTarget, `"internal.example" is or resolves to a private address`)
	for _, u := range []string{"https://169.254.169.254/latest/meta-data/", "https://[fd00:ec2::254]/", "https://meta.example/", "https://224.0.0.1/"} {
		f(open, u, ErrForbiddenTarget, "callback host") // never, even when private targets are allowed
	}
	f(strict, "http://public.example/", ErrBadURL, "must be https")
	f(open, "http://127.0.0.1:9/", nil, "")
	f(strict, "ftp://public.example/", ErrBadURL, "https URL")
	f(strict, "https:///path", ErrBadURL, "must have a host")
	f(strict, "https://user:pw@public.example/", ErrBadURL, "credentials")
	f(strict, "https://public.example:0/", ErrBadURL, "port")
	f(strict, "https://public.example/"+strings.Repeat("a", MaxURLBytes), ErrBadURL, "longer than")
	f(strict, "https://nowhere.example/", ErrUnresolvable, `"nowhere.example"`)
	f(Policy{}, "https://public.example/", ErrNoSecret, "")
}

// TestPrivateTargetsRefusedUnlessAllowed: a delivery to the loopback
// receiver, by address or by a name resolving to it, is refused without
// allow_private_targets and reaches it with.
func TestPrivateTargetsRefusedUnlessAllowed(t *testing.T) {
	rcv := newReceiver(t, false)
	port := rcv.URL[strings.LastIndexByte(rcv.URL, ':')+1:]
	res := resolver(map[string][]string{"hooks.example": {"127.0.0.1"}})
	d := &loopbackDialer{}
	s := sender(t, newClock(), nil, res, d)
	secret := secretString(1, 32)
	for _, url := range []string{"https://127.0.0.1:" + port + "/", "https://hooks.example:" + port + "/"} {
		got, err := s.Deliver(context.Background(), Message{ID: "m", URL: url, Body: body, Policy: policy(t, false, secret)})
		var te *TargetError
		if !errors.As(err, &te) || te.Class != "loopback" || !te.Liftable {
			t.Fatalf("%s: got %v; want a loopback TargetError", url, err)
		}
		if len(got.Attempts) > 1 {
			t.Fatalf("%s: a refused target was retried: %+v", url, got)
		}
	}
	if len(rcv.requests()) != 0 || len(d.dialled()) != 0 {
		t.Fatalf("refused targets were reached: %d requests, dialled %v", len(rcv.requests()), d.dialled())
	}
	for _, url := range []string{rcv.URL + "/", "http://hooks.example:" + port + "/"} {
		if _, err := s.Deliver(context.Background(), Message{ID: "m", URL: url, Body: body, Policy: policy(t, true, secret)}); err != nil {
			t.Fatalf("%s with allow_private_targets: %v", url, err)
		}
	}
	if len(rcv.requests()) != 2 {
		t.Fatalf("got %d requests; want 2", len(rcv.requests()))
	}
}

// TestDNSRebinding: a name that resolves to a public address when checked
// and to 127.0.0.1 afterwards never reaches the loopback receiver: the
// connection goes to the address that was checked, and every attempt
// checks what it connects to.
func TestDNSRebinding(t *testing.T) {
	rcv := newReceiver(t, false)
	port := rcv.URL[strings.LastIndexByte(rcv.URL, ':')+1:]
	url := "https://rebind.example:" + port + "/hook"
	secret := secretString(1, 32)

	// Checked at job creation (public), then delivered (now loopback).
	res := resolver(map[string][]string{"rebind.example": {"8.8.8.8", "127.0.0.1"}})
	d := &loopbackDialer{}
	s := sender(t, newClock(), nil, res, d)
	if err := s.CheckURL(context.Background(), url, policy(t, false, secret)); err != nil {
		t.Fatal(err)
	}
	_, err := s.Deliver(context.Background(), Message{ID: "m1", URL: url, Body: body, Policy: policy(t, false, secret)})
	if !errors.Is(err, ErrForbiddenTarget) {
		t.Fatalf("after rebinding: got %v; want ErrForbiddenTarget", err)
	}

	// Within delivery: the first attempt resolves to the public address
	// and dials exactly that (the test dialer refuses to leave the
	// machine); the next resolves to loopback and is refused.
	res = resolver(map[string][]string{"rebind.example": {"8.8.8.8", "127.0.0.1"}})
	d = &loopbackDialer{}
	s = sender(t, newClock(), nil, res, d)
	got, err := s.Deliver(context.Background(), Message{ID: "m2", URL: url, Body: body, Policy: policy(t, false, secret)})
	if !errors.Is(err, ErrForbiddenTarget) || len(got.Attempts) != 2 || got.Attempts[0].Error != ErrorConnect ||
		got.Attempts[1].Error != ErrorRefused {
		t.Fatalf("got %v, %+v", err, got)
	}
	if dialled := d.dialled(); len(dialled) != 1 || dialled[0] != "8.8.8.8:"+port {
		t.Fatalf("dialled %v; want only the checked 8.8.8.8:%s", dialled, port)
	}
	if n := res.lookups("rebind.example"); n != 2 {
		t.Fatalf("%d lookups for 2 attempts; want one each", n)
	}
	if len(rcv.requests()) != 0 {
		t.Fatal("the loopback receiver was reached through rebinding")
	}
}
