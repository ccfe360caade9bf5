package webhook

// Adversarial tests of the callback targets (SSRF): every way of writing an
// address inside the network, and every way of making the Sender reach one
// it did not check. Each case here was tried against the code; those that
// broke it were fixed (see the commit that added them).

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

// TestAdversaryClassifyEmbeddedAndMetadata: IPv4 addresses written inside
// IPv6 ones are judged as the IPv4 address (mapped, NAT64, 6to4, and the
// IPv4-compatible and Teredo forms, whose embedded address is a metadata
// service or unspecified at least as refused as it is), and the metadata
// services of the clouds biogen runs on are never reached, even with
// allow_private_targets.
func TestAdversaryClassifyEmbeddedAndMetadata(t *testing.T) {
	f := func(addr, class string, liftable bool) {
		t.Helper()
		c, l := classify(netip.MustParseAddr(addr))
		if c != class || l != liftable {
			t.Fatalf("classify(%s): got %q, liftable %v; want %q, %v", addr, c, l, class, liftable)
		}
	}
	// IPv4-mapped, written every way netip reads.
	f("::ffff:7f00:1", "loopback", true)
	f("0:0:0:0:0:ffff:127.0.0.1", "loopback", true)
	f("::ffff:a9fe:a9fe", "metadata", false)
	f("::ffff:0.0.0.0", "unspecified", false)
	f("::ffff:e000:1", "multicast", false)
	f("::ffff:ffff:ffff", "broadcast", false)
	// NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
	f("64:ff9b::7f00:1", "loopback", true)
	f("64:ff9b::", "unspecified", false)
	f("64:ff9b::c0a8:101", "private", true)
	f("64:ff9b::6440:1", "shared (CGNAT)", true)
	f("64:ff9b::6464:64c8", "metadata", false) // 100.100.100.200
	f("2002:a9fe:a9fe::1", "metadata", false)
	f("2002:a00:1::", "private", true)
	f("2002:e000:1::", "multicast", false)
	f("2002:808:808::1", "", false) // 6to4 of 8.8.8.8
	// IPv4-compatible (::/96, deprecated): reserved, but never a way to
	// the metadata service.
	f("::a9fe:a9fe", "metadata", false)
	f("::6464:64c8", "metadata", false)
	f("::e000:1", "multicast", false)
	f("::808:808", "reserved", true)
	f("::1", "loopback", true)
	f("::", "unspecified", false)
	f("::2", "reserved", true)
	// Teredo (2001::/32): the client's address is the last 32 bits, each
	// bit flipped; the server's, bits 32 to 64.
	f("2001:0:4136:e378:8000:63bf:5601:5601", "metadata", false) // client 169.254.169.254
	f("2001:0:a9fe:a9fe::1", "metadata", false)                  // server 169.254.169.254
	f("2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved", true)  // client 192.0.2.45
	// Metadata services: AWS (IMDS, ECS task credentials, EKS Pod
	// Identity), GCP over IPv6, Azure's WireServer, Oracle, Alibaba,
	// Tencent.
	f("169.254.169.254", "metadata", false)
	f("169.254.170.2", "metadata", false)
	f("169.254.170.23", "metadata", false)
	f("fd00:ec2::23", "metadata", false)
	f("fd00:ec2::254", "metadata", false)
	f("fd20:ce::254", "metadata", false)
	f("168.63.129.16", "metadata", false)
	f("192.0.0.192", "metadata", false)
	f("100.100.100.200", "metadata", false)
	f("169.254.0.23", "metadata", false)
	f("fd00:ec2::254%eth0", "metadata", false)
	// Neighbours of those stay what they were.
	f("169.254.170.3", "link-local", true)
	f("fd20:ce::253", "private", true)
	f("168.63.129.17", "", false)
	f("192.0.0.193", "reserved", true)
	// An address that is no address is never called.
	if c, l := classify(netip.Addr{}); c == "" || l {
		t.Fatalf("classify(the zero Addr): got %q, liftable %v; want a class allow_private_targets does not lift", c, l)
	}
}

// glibcResolver answers the numeric host forms that getaddrinfo (inet_aton)
// reads as IPv4 addresses, as the system resolver may, and a few names:
// whatever a resolver says, the Sender judges the addresses it returns.
var glibcResolver = map[string][]string{
	"2130706433":               {"127.0.0.1"},
	"017700000001":             {"127.0.0.1"},
	"0x7f.1":                   {"127.0.0.1"},
	"0x7f000001":               {"127.0.0.1"},
	"127.1":                    {"127.0.0.1"},
	"127.0.0.1.":               {"127.0.0.1"},
	"localhost.":               {"127.0.0.1 ::1"},
	"0":                        {"0.0.0.0"},
	"0177.0.0.1":               {"127.0.0.1"},
	"3232235777":               {"192.168.1.1"},
	"2852039166":               {"169.254.169.254"},
	"metadata.google.internal": {"169.254.169.254"},
	"metadata.v6.example":      {"fd20:ce::254"},
	"instance-data":            {"169.254.169.254"},
	"xn--lcalhost-e1a":         {"127.0.0.1"},
	"public.example":           {"93.184.215.14 2606:2800:21f:cb07:6820:80da:af6b:8b2c"},
	"nat64.example":            {"64:ff9b::a9fe:a9fe"},
	"compat.example":           {"::a9fe:a9fe"},
	"azure.example":            {"168.63.129.16"},
}

// TestAdversaryCheckURLEncodings: every spelling of an inside address,
// every trick of a URL's form, through CheckURL as POST /v1/jobs calls it.
func TestAdversaryCheckURLEncodings(t *testing.T) {
	s := sender(t, newClock(), nil, resolver(glibcResolver), nil)
	strict, open := policy(t, false, secretString(1, 32)), policy(t, true, secretString(1, 32))
	f := func(p Policy, url string, want error) {
		t.Helper()
		err := s.CheckURL(context.Background(), url, p)
		if want == nil && err != nil || want != nil && !errors.Is(err, want) {
			t.Fatalf("CheckURL(%q, allow_private_targets %v): got %v; want %v", url, p.AllowPrivateTargets, err, want)
		}
	}
	// Loopback and private, however written: refused unless allowed.
	for _, u := range []string{
		"https://[::ffff:7f00:1]/", "https://[::ffff:127.0.0.1]/", "https://[0:0:0:0:0:ffff:127.0.0.1]/",
		"https://[64:ff9b::7f00:1]/", "https://[64:ff9b::a00:1]/", "https://[2002:7f00:1::]/", "https://[2002:c0a8:101::1]/",
		"https://2130706433/", "https://017700000001/", "https://0x7f.1/", "https://0x7f000001/", "https://127.1/",
		"https://0177.0.0.1/", "https://3232235777/", "https://127.0.0.1./", "https://localhost./", "https://xn--lcalhost-e1a/",
		"https://[fe80::1%25eth0]/", "https://[fe80::1%25eth0]:8443/hook", "https://127.0.0.1:443/", "https://127.0.0.1:8443/",
		"https://[::7f00:1]/", "https://[fc00::1]/", "https://[fec0::1]/", "https://100.64.0.1/", "https://198.18.0.1/",
	} {
		f(strict, u, ErrForbiddenTarget)
		f(open, u, nil)
	}
	// Metadata, unspecified, multicast: refused even when private targets
	// are allowed, however written.
	for _, u := range []string{
		"https://169.254.169.254/", "https://2852039166/", "https://metadata.google.internal/computeMetadata/v1/",
		"https://instance-data/", "https://[::ffff:a9fe:a9fe]/", "https://[64:ff9b::a9fe:a9fe]/", "https://nat64.example/",
		"https://[2002:a9fe:a9fe::]/", "https://[fd00:ec2::254]/", "https://[fd00:ec2::254%25eth0]/",
		"https://[fd20:ce::254]/", "https://metadata.v6.example/", "https://169.254.170.2/v2/credentials/x",
		"https://[::a9fe:a9fe]/", "https://compat.example/", "https://100.100.100.200/", "https://192.0.0.192/",
		"https://168.63.129.16/", "https://azure.example/", "https://[2001:0:4136:e378:8000:63bf:5601:5601]/",
		"https://0.0.0.0/", "https://0/", "https://[::]/", "https://[::ffff:0.0.0.0]/", "https://[64:ff9b::]/",
		"https://224.0.0.1/", "https://[ff02::1]/", "https://255.255.255.255/",
	} {
		f(strict, u, ErrForbiddenTarget)
		f(open, u, ErrForbiddenTarget)
	}
	// http is allowed with private targets, the metadata services are not.
	f(open, "http://169.254.169.254/latest/meta-data/", ErrForbiddenTarget)
	f(open, "http://[fd20:ce::254]/computeMetadata/v1/", ErrForbiddenTarget)
	f(open, "http://169.254.170.2/v2/credentials/x", ErrForbiddenTarget)
	// The URL's form.
	for _, u := range []string{
		"https://hr.example@127.0.0.1/", "https://public.example@public.example/", "https://user:@public.example/",
		"https://hr.example\\@127.0.0.1/", "https://%31%32%37.0.0.1/", "https:public.example", "//public.example/hooks",
		"public.example/hooks", "file:///etc/passwd", "gopher://127.0.0.1:25/_HELO", "javascript:alert(1)", "ws://public.example/",
		"https://public.example:0/", "https://public.example:65536/", "https://127.0.0.1:443:80/", "https://[127.0.0.1]/",
		"https://public.example/\r\nX-Injected: 1", "https://public.example/" + strings.Repeat("a", MaxURLBytes), "",
	} {
		f(strict, u, ErrBadURL)
		f(open, u, ErrBadURL)
	}
	f(strict, "http://public.example/hooks", ErrBadURL) // https only, unless private targets are allowed
	f(open, "http://public.example/hooks", nil)
	f(strict, "HTTPS://public.example/hooks", nil)
	f(strict, "https://public.example:0443/hooks", nil)
	f(strict, "https://127.0.0.1#@public.example/", ErrForbiddenTarget) // the host is before the fragment
	long := "https://public.example/"
	f(strict, long+strings.Repeat("a", MaxURLBytes-len(long)), nil)
	f(strict, long+strings.Repeat("a", MaxURLBytes-len(long)+1), ErrBadURL)
	f(strict, "https://ⓛocalhost/", ErrUnresolvable) // no DNS name; the dialer would map it to localhost, and refuse that too
}

// TestAdversaryCheckURLNamesNoAddress: a refusal names the host and the
// kind of address, never the address (the client learns nothing of the
// inside network's DNS).
func TestAdversaryCheckURLNamesNoAddress(t *testing.T) {
	s := sender(t, newClock(), nil, resolver(map[string][]string{"inside.example": {"10.20.30.40"}}), nil)
	err := s.CheckURL(context.Background(), "https://inside.example/x", policy(t, false, secretString(1, 32)))
	if !errors.Is(err, ErrForbiddenTarget) || strings.Contains(err.Error(), "10.20.30.40") || !strings.Contains(err.Error(), "private") {
		t.Fatalf("got %v; want a refusal naming the kind of address, not the address", err)
	}
}

// listResolver answers every host with addrs.
type listResolver []netip.Addr

func (l listResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return l, nil
}

// TestAdversaryEveryAddressVetted: a host whose forbidden address comes
// after many public ones is still refused ("if any address it resolves
// to"), and an answer that is no address is never taken for a public one.
func TestAdversaryEveryAddressVetted(t *testing.T) {
	var many listResolver
	for i := range 40 {
		many = append(many, netip.AddrFrom4([4]byte{93, 184, 215, byte(i + 1)}))
	}
	many = append(many, netip.MustParseAddr("127.0.0.1"))
	p := policy(t, false, secretString(1, 32))
	d := &loopbackDialer{}
	s, err := New(Options{AttemptTimeout: 5e9, Schedule: schedule, LogSize: 10, Clock: newClock(), Resolver: many, Dialer: d})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckURL(context.Background(), "https://many.example/", p); !errors.Is(err, ErrForbiddenTarget) {
		t.Fatalf("a host with a loopback address after 40 public ones: got %v; want ErrForbiddenTarget", err)
	}
	if _, err := s.Deliver(context.Background(), Message{ID: "m", URL: "https://many.example/", Body: body, Policy: p}); !errors.Is(err, ErrForbiddenTarget) {
		t.Fatalf("Deliver: got %v; want ErrForbiddenTarget", err)
	}
	if got := d.dialled(); len(got) != 0 {
		t.Fatalf("dialled %v", got)
	}
	s, err = New(Options{AttemptTimeout: 5e9, Schedule: schedule, LogSize: 10, Clock: newClock(), Resolver: listResolver{{}}, Dialer: d})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CheckURL(context.Background(), "https://broken.example/", policy(t, true, secretString(1, 32))); err == nil {
		t.Fatal("a host resolving to the zero Addr was accepted")
	}
}

// TestAdversaryRebindToMetadata: a name public when the job is made and the
// metadata address when the callback goes is refused at delivery, even
// for a tenant allowed private targets, and nothing is dialled.
func TestAdversaryRebindToMetadata(t *testing.T) {
	for _, meta := range []string{"169.254.169.254", "fd00:ec2::254", "::ffff:169.254.169.254", "fd20:ce::254"} {
		res := resolver(map[string][]string{"rebind.example": {"93.184.215.14", meta}})
		d := &loopbackDialer{}
		s := sender(t, newClock(), nil, res, d)
		p := policy(t, true, secretString(1, 32))
		if err := s.CheckURL(context.Background(), "https://rebind.example/hook", p); err != nil {
			t.Fatal(err)
		}
		got, err := s.Deliver(context.Background(), Message{ID: "m", URL: "https://rebind.example/hook", Body: body, Policy: p})
		var te *TargetError
		if !errors.As(err, &te) || te.Class != "metadata" || got.State != StateRefused || len(got.Attempts) != 1 {
			t.Fatalf("%s: got %v, %+v; want a metadata refusal at the first attempt", meta, err, got)
		}
		if dialled := d.dialled(); len(dialled) != 0 {
			t.Fatalf("%s: dialled %v", meta, dialled)
		}
	}
}

// TestAdversaryRedirectToInside: a receiver biogen may call answering
// with any redirect (303, and 307/308, which keep the POST and its body)
// to another address is not followed: the second receiver gets nothing.
func TestAdversaryRedirectToInside(t *testing.T) {
	var inside atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { inside.Add(1) }))
	t.Cleanup(target.Close)
	for _, status := range []int{301, 303, 307, 308} {
		redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target.URL+"/latest/meta-data/", status)
		}))
		s := sender(t, newClock(), nil, nil, nil)
		d, err := s.Deliver(context.Background(), Message{ID: "m", URL: redirector.URL + "/hook", Body: body, Policy: policy(t, true, secretString(1, 32))})
		redirector.Close()
		if !errors.Is(err, ErrUndelivered) || d.Attempts[0].Status != status || d.Attempts[0].Error != ErrorRedirect {
			t.Fatalf("%d: got %v, %+v", status, err, d)
		}
	}
	if n := inside.Load(); n != 0 {
		t.Fatalf("the redirect's target got %d requests", n)
	}
}
