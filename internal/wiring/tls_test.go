package wiring

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// writeCert writes a self-signed certificate for 127.0.0.1 with serial and
// its key to dir, and returns the certificate.
func writeCert(t *testing.T, dir string, serial int64) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "biogen test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, "tls.crt"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "tls.key"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	return cert
}

// TestTLS serves over TLS 1.2 or later with the configured certificate,
// refuses TLS 1.1, and on SIGHUP serves a renewed certificate to new
// connections without dropping the open ones (issue 12).
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	first := writeCert(t, dir, 1)
	cfg := loadConfig(t, "server:\n  addr: 127.0.0.1:0\n  tls:\n    cert_file: "+filepath.Join(dir, "tls.crt")+
		"\n    key_file: "+filepath.Join(dir, "tls.key")+"\nproviders:\n  - name: template\n    kind: template\n")
	r := runApp(t, cfg)
	base := "https://" + r.base[len("http://"):]
	client := func(c *x509.Certificate, maxVersion uint16) *http.Client {
		pool := x509.NewCertPool()
		pool.AddCert(c)
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: maxVersion}}}
	}
	old := client(first, 0)
	resp, err := old.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 || resp.TLS == nil || resp.TLS.PeerCertificates[0].SerialNumber.Int64() != 1 {
		t.Fatalf("https: %v %v", resp, err)
	}
	io.Copy(io.Discard, resp.Body) // read to the end, so the connection stays open for reuse
	resp.Body.Close()
	if _, err := client(first, tls.VersionTLS11).Get(base + "/healthz"); err == nil {
		t.Fatal("TLS 1.1 accepted")
	}
	if _, err := http.Get(r.base + "/healthz"); err == nil {
		t.Fatal("plain HTTP answered on a TLS listener")
	}
	// Renew, and tell biogen.
	second := writeCert(t, dir, 2)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	fresh := client(second, 0)
	var serial int64
	for i := 0; i < 100 && serial != 2; i++ {
		time.Sleep(20 * time.Millisecond)
		if resp, err := fresh.Get(base + "/healthz"); err == nil {
			serial = resp.TLS.PeerCertificates[0].SerialNumber.Int64()
			resp.Body.Close()
		}
	}
	if serial != 2 {
		t.Fatal("the renewed certificate was not served after SIGHUP")
	}
	// The connection opened before the renewal still works.
	resp, err = old.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the old connection after the renewal: %v %v", resp, err)
	}
	resp.Body.Close()
}
