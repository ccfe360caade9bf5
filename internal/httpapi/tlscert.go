package httpapi

import (
	"crypto/tls"
	"fmt"
	"os"
	"sync"
	"time"
)

// certCheckEvery is how often a handshake may look at the files' times.
const certCheckEvery = 5 * time.Second

// CertReloader serves a TLS certificate from its files and loads them
// again when Reload is called (on SIGHUP) or when a handshake finds them
// changed, so a renewed certificate takes over without a restart and
// without dropping connections: a connection keeps the certificate of its
// handshake.
//
// The zero value is not usable: call NewCertReloader. A CertReloader is
// safe for concurrent use and starts no goroutine.
type CertReloader struct {
	certFile, keyFile string

	mu      sync.Mutex
	cert    *tls.Certificate
	modTime time.Time // of the newer file, when loaded
	checked time.Time // when the files' times were last read
}

// NewCertReloader loads the pair, or returns an error naming the files.
func NewCertReloader(certFile, keyFile string) (*CertReloader, error) {
	r := &CertReloader{certFile: certFile, keyFile: keyFile}
	if err := r.Reload(); err != nil {
		return nil, err
	}
	return r, nil
}

// Reload loads the files again. On an error the certificate served so far
// stays.
func (r *CertReloader) Reload() error {
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("cannot load the TLS certificate %q and key %q: %w", r.certFile, r.keyFile, err)
	}
	m := r.newest()
	r.mu.Lock()
	r.cert, r.modTime, r.checked = &cert, m, time.Now()
	r.mu.Unlock()
	return nil
}

// newest returns the later modification time of the two files.
func (r *CertReloader) newest() time.Time {
	var m time.Time
	for _, f := range []string{r.certFile, r.keyFile} {
		if st, err := os.Stat(f); err == nil && st.ModTime().After(m) {
			m = st.ModTime()
		}
	}
	return m
}

// getCertificate serves the current certificate, first loading the files
// again if, checked at most every certCheckEvery, they changed.
func (r *CertReloader) getCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	stale := time.Since(r.checked) > certCheckEvery
	if stale {
		r.checked = time.Now()
	}
	cert, loaded := r.cert, r.modTime
	r.mu.Unlock()
	if stale && r.newest().After(loaded) {
		if err := r.Reload(); err == nil {
			r.mu.Lock()
			cert = r.cert
			r.mu.Unlock()
		}
	}
	return cert, nil
}

// TLSConfig returns the server's TLS configuration: TLS 1.2 at least, the
// reloaded certificate.
func (r *CertReloader) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: r.getCertificate}
}
