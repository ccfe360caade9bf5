package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// MaxURLBytes is the longest callback URL accepted.
const MaxURLBytes = 2048

// maxAddrs bounds how many resolved addresses are tried; every one is
// checked.
const maxAddrs = 16

var (
	// ErrBadURL is wrapped by every error about a callback URL's form.
	ErrBadURL = errors.New("webhook: bad callback URL")
	// ErrForbiddenTarget is matched (errors.Is) by every *TargetError.
	ErrForbiddenTarget = errors.New("webhook: callback target not allowed")
	// ErrUnresolvable is wrapped when a callback host has no address.
	ErrUnresolvable = errors.New("webhook: callback host does not resolve")
)

// TargetError says that a callback host is, or resolves to, an address the
// tenant may not call. Its message names the host and the kind of address,
// never the address (a client must not learn the inside network's DNS).
type TargetError struct {
	Host string
	// Class is the kind of address: loopback, private, link-local, shared
	// (CGNAT), reserved, metadata, unspecified, multicast or broadcast.
	Class string
	// Liftable reports whether allow_private_targets would allow it.
	Liftable bool
}

func (e *TargetError) Error() string {
	article := "a"
	if strings.ContainsRune("aeiou", rune(e.Class[0])) {
		article = "an"
	}
	return fmt.Sprintf("callback host %q is or resolves to %s %s address", e.Host, article, e.Class)
}

// Is makes errors.Is(err, ErrForbiddenTarget) true.
func (e *TargetError) Is(target error) bool { return target == ErrForbiddenTarget }

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Dialer opens a connection; *net.Dialer is one. The Sender only ever asks
// it for an IP address it has checked, never a name.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// rule is a range of addresses a callback may not reach; liftable ones
// are allowed by allow_private_targets.
type rule struct {
	prefix   netip.Prefix
	class    string
	liftable bool
}

// rules are checked in order, so the narrow metadata addresses come
// before the ranges that hold them. IANA's special-purpose registries
// (RFC 6890 and successors) are the source.
var rules = func() []rule {
	var out []rule
	add := func(class string, liftable bool, prefixes ...string) {
		for _, p := range prefixes {
			out = append(out, rule{netip.MustParsePrefix(p), class, liftable})
		}
	}
	// Cloud metadata and credential services; never a receiver. Some sit
	// in ranges allow_private_targets lifts (link-local, private, the IETF
	// block) and one in public space, so each is named.
	add("metadata", false,
		"169.254.169.254/32", // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean...
		"fd00:ec2::254/128",  // AWS IMDS over IPv6
		"169.254.170.2/32",   // AWS ECS task credentials
		"169.254.170.23/32",  // AWS EKS Pod Identity
		"fd00:ec2::23/128",   // AWS EKS Pod Identity over IPv6
		"fd20:ce::254/128",   // GCP over IPv6 (metadata.google.internal)
		"168.63.129.16/32",   // Azure WireServer (public space)
		"192.0.0.192/32",     // Oracle Cloud
		"100.100.100.200/32", // Alibaba Cloud
		"169.254.0.23/32",    // Tencent Cloud
	)
	add("unspecified", false, "0.0.0.0/8", "::/128") // 0.0.0.0 dials the local host
	add("broadcast", false, "255.255.255.255/32")
	add("multicast", false, "224.0.0.0/4", "ff00::/8")
	add("loopback", true, "127.0.0.0/8", "::1/128")
	add("private", true, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10")
	add("link-local", true, "169.254.0.0/16", "fe80::/10")
	add("shared (CGNAT)", true, "100.64.0.0/10")
	add("reserved", true,
		"192.0.0.0/24",   // IETF protocol assignments
		"198.18.0.0/15",  // benchmarking
		"240.0.0.0/4",    // future use
		"::/96",          // IPv4-compatible (deprecated)
		"100::/64",       // discard
		"2001::/32",      // Teredo: tunnels to an IPv4 address we cannot see
		"64:ff9b:1::/48", // local-use NAT64
	)
	return out
}()

var (
	nat64      = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64: the IPv4 address in the last 32 bits
	sixTo4     = netip.MustParsePrefix("2002::/16")    // 6to4: the IPv4 address in bits 16 to 48
	ipv4Compat = netip.MustParsePrefix("::/96")        // IPv4-compatible: the IPv4 address in the last 32 bits
	teredo     = netip.MustParsePrefix("2001::/32")    // the server's IPv4 address in bits 32 to 64, the client's flipped in the last 32
)

// classify returns the class of an address a callback may not reach and
// whether allow_private_targets lifts the ban; "" for a public address.
// IPv4 addresses inside IPv6 ones (mapped, NAT64, 6to4) are judged as
// the IPv4 address. The IPv4-compatible and Teredo forms are reserved
// (liftable), unless an IPv4 address they hold is one allow_private_targets
// does not lift (a metadata service): then they are judged as that. An
// address that is not one (the zero Addr) is unspecified.
func classify(a netip.Addr) (class string, liftable bool) {
	if !a.IsValid() {
		return "unspecified", false
	}
	a = a.WithZone("").Unmap()
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return classify(netip.AddrFrom4([4]byte(b[12:16])))
		case sixTo4.Contains(a):
			return classify(netip.AddrFrom4([4]byte(b[2:6])))
		case ipv4Compat.Contains(a) && b[12] != 0: // not ::, ::1 and their like (0.0.0.0/8)
			if class, liftable := classify(netip.AddrFrom4([4]byte(b[12:16]))); class != "" && !liftable {
				return class, false
			}
		case teredo.Contains(a):
			client := [4]byte{^b[12], ^b[13], ^b[14], ^b[15]}
			for _, v4 := range []netip.Addr{netip.AddrFrom4([4]byte(b[4:8])), netip.AddrFrom4(client)} {
				if class, liftable := classify(v4); class != "" && !liftable {
					return class, false
				}
			}
		}
	}
	for _, r := range rules {
		if r.prefix.Contains(a) {
			return r.class, r.liftable
		}
	}
	return "", false
}

// vet returns an error unless every address of host may be called: one
// forbidden address refuses the host, whichever would be dialled.
func vet(host string, addrs []netip.Addr, allowPrivate bool) error {
	for _, a := range addrs {
		if class, liftable := classify(a); class != "" && !(liftable && allowPrivate) {
			return &TargetError{Host: host, Class: class, Liftable: liftable}
		}
	}
	return nil
}

// parseURL checks a callback URL's form: absolute https (http too with
// allowPrivate), a host, no credentials, at most MaxURLBytes. A host that
// is an IP address is vetted at once.
func parseURL(raw string, allowPrivate bool) (*url.URL, error) {
	if len(raw) > MaxURLBytes {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrBadURL, MaxURLBytes)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", ErrBadURL)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && allowPrivate:
	case u.Scheme == "http":
		return nil, fmt.Errorf("%w: must be https (http only for a tenant with webhooks.allow_private_targets)", ErrBadURL)
	default:
		return nil, fmt.Errorf("%w: must be an https URL", ErrBadURL)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%w: must have a host", ErrBadURL)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: must not hold credentials (the signature authenticates biogen)", ErrBadURL)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%w: port %q must be 1 to 65535", ErrBadURL, p)
		}
	}
	if a, err := netip.ParseAddr(u.Hostname()); err == nil {
		if err := vet(u.Hostname(), []netip.Addr{a}, allowPrivate); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// redactURL is what logs show of a target: scheme and host, never the
// path or query, which may carry a receiver's token.
func redactURL(u *url.URL) string {
	return u.Scheme + "://" + u.Host
}

// resolve returns host's addresses: itself when it is an IP address, else
// what the resolver says. The caller vets them all, and tries at most
// maxAddrs.
func (s *Sender) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	addrs, err := s.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, &resolveError{host: host, err: err}
	}
	if len(addrs) == 0 {
		return nil, &resolveError{host: host, err: errors.New("no addresses")}
	}
	return addrs, nil
}

// resolveError is a failed lookup; it matches ErrUnresolvable.
type resolveError struct {
	host string
	err  error
}

func (e *resolveError) Error() string {
	return fmt.Sprintf("callback host %q does not resolve: %v", e.host, e.err)
}
func (e *resolveError) Unwrap() []error { return []error{ErrUnresolvable, e.err} }

// CheckURL tells whether a callback URL may be used by a tenant with
// policy p, as POST /v1/jobs must before it accepts a job (422 otherwise):
// the tenant has a secret to sign with (ErrNoSecret), the URL has the
// right form (ErrBadURL), its host resolves (ErrUnresolvable) and no
// address it resolves to is forbidden (ErrForbiddenTarget, a
// *TargetError). Delivery checks again at every attempt, on the address
// it then connects to: DNS may change in between. Every error's message
// is safe to show the client.
func (s *Sender) CheckURL(ctx context.Context, rawURL string, p Policy) error {
	if len(p.Secrets) == 0 {
		return ErrNoSecret
	}
	u, err := parseURL(rawURL, p.AllowPrivateTargets)
	if err != nil {
		return err
	}
	addrs, err := s.resolve(ctx, u.Hostname())
	if err != nil {
		var re *resolveError
		if errors.As(err, &re) {
			// The resolver's message may name inside servers.
			return fmt.Errorf("%w: %q", ErrUnresolvable, u.Hostname())
		}
		return err
	}
	return vet(u.Hostname(), addrs, p.AllowPrivateTargets)
}

// planKey carries a delivery attempt's dialPlan in the request's context.
type planKey struct{}

// dialPlan is what the dialer of one attempt needs and what it reports.
type dialPlan struct {
	allowPrivate bool
	dialed       chan string // buffered 1: the address connected to
}

// dialContext is the Transport's dialer: it resolves the host once, vets
// every address, and connects to a vetted address itself, so that what was
// checked is what is reached (a second lookup could be answered
// differently: DNS rebinding). TLS runs over this connection with the
// URL's host as server name, and the Host header stays the URL's.
func (s *Sender) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	plan, _ := ctx.Value(planKey{}).(*dialPlan)
	if plan == nil {
		return nil, errors.New("webhook: dial outside a delivery attempt")
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := s.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	if err := vet(host, addrs, plan.allowPrivate); err != nil {
		return nil, err
	}
	var errs []error
	for _, a := range addrs[:min(len(addrs), maxAddrs)] {
		target := net.JoinHostPort(a.String(), port)
		c, err := s.dialer.DialContext(ctx, network, target)
		if err == nil {
			select {
			case plan.dialed <- target:
			default:
			}
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, errors.Join(errs...)
}
