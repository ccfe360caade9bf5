// Package idempotency keeps the answers of requests sent with an
// Idempotency-Key (IETF draft httpapi-idempotency-key-header) for 24 hours,
// per tenant, in the durable store, so that a client that retries gets the
// first answer again, byte for byte, rather than a second model call. It
// knows nothing of HTTP: the edge asks Begin, replays what it returns or
// runs the request, then Completes or Releases the claim.
//
// A key being answered is claimed in memory only: a claim cannot outlive
// the process, so a crash never leaves a key stuck "in flight".
package idempotency

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/telemetry"
)

// TTL is how long an answer is kept, from when it was stored (contract 1.1).
const TTL = 24 * time.Hour

// Bucket is the store bucket of the records; a record's key is the tenant,
// a zero byte and the idempotency key.
const Bucket = "idempotency"

// MaxKey is the longest key, in bytes.
const MaxKey = 255

var (
	// ErrInFlight means a request with the same key is still running.
	ErrInFlight = errors.New("a request with this idempotency key is still running")
	// ErrReused means the key was used with another request body.
	ErrReused = errors.New("this idempotency key was used with another request body")
)

// ValidKey reports whether k is a key: 1 to 255 printable ASCII characters
// (space to tilde).
func ValidKey(k []byte) bool {
	if len(k) == 0 || len(k) > MaxKey {
		return false
	}
	for _, c := range k {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// Fingerprint identifies a request body: the same key with another
// fingerprint is ErrReused.
type Fingerprint [sha256.Size]byte

// FingerprintOf returns the fingerprint of a request to target (the edge
// passes its route) with body: the SHA-256 of target, a zero byte and
// body. The same body is the same bytes, so a body sent again with other
// whitespace or another order of fields is another body; and a key used on
// one target and then on another is reused, whatever the bodies.
func FingerprintOf(target string, body []byte) Fingerprint {
	h := sha256.New()
	h.Write([]byte(target))
	h.Write([]byte{0})
	h.Write(body)
	var fp Fingerprint
	h.Sum(fp[:0])
	return fp
}

// Response is a stored answer. A Response is a value.
type Response struct {
	Status int
	// Header holds the header fields to replay, as name and value.
	Header [][2]string
	Body   []byte
}

// Get returns the value of the header field name, or "".
func (r *Response) Get(name string) string {
	for _, h := range r.Header {
		if h[0] == name {
			return h[1]
		}
	}
	return ""
}

// Keeper keeps the answers of idempotent requests.
//
// The zero value is not usable: call New. A Keeper is safe for concurrent
// use and starts no goroutine; the store it is given is closed by whoever
// opened it (after the Keeper's last use).
type Keeper struct {
	st  *store.Store
	now func() time.Time

	// erasing is held for writing by EraseUser and for reading by
	// Complete around its check and its write, so that an answer is
	// either stored before an erasure (and erased by it) or seen to come
	// from a request that the erasure overtook (and not stored).
	erasing sync.RWMutex

	mu     sync.Mutex
	claims map[string]*Claim // by record key
	next   uint64            // the sequence number of the next claim
	// erased holds, per tenant and user erased while claims were
	// running, the sequence number of the next claim at that time: a
	// claim before it that completes for that user is not stored. An
	// entry goes once no claim older than it is left.
	erased map[string]uint64
}

// Config configures a Keeper.
type Config struct {
	// Store holds the records. Required.
	Store *store.Store
	// Now is the clock of expiry; it should be the store's. Nil means
	// time.Now.
	Now func() time.Time
}

// New returns a Keeper.
func New(cfg Config) (*Keeper, error) {
	if cfg.Store == nil {
		return nil, errors.New("idempotency: a store is required")
	}
	k := &Keeper{st: cfg.Store, now: cfg.Now, claims: map[string]*Claim{}, erased: map[string]uint64{}}
	if k.now == nil {
		k.now = time.Now
	}
	return k, nil
}

// Claim is a key being answered. Its owner calls Complete or Release,
// once, on every path (a panic included): until then the key is
// ErrInFlight. A Claim is used by one goroutine; the zero value is not
// usable (Begin makes it).
type Claim struct {
	k      *Keeper
	id     string
	tenant string
	fp     Fingerprint
	seq    uint64
}

// recordKey names a tenant's key, or a tenant's user, in memory.
func recordKey(tenant, key string) string { return tenant + "\x00" + key }

// storeKey names a tenant's key in the store: a keyed hash, so that a key
// a client made of a person's name or id ("onboarding-w-1-ada-okafor") is
// never in the file in clear, not even after the user's erasure.
func (k *Keeper) storeKey(tenant, key string) string { return k.st.Tag("idempotency", tenant, key) }

// Begin looks up key in tenant. It returns the stored answer of a request
// with the same fingerprint, to replay; ErrReused for another
// fingerprint; ErrInFlight while a request with the key runs; otherwise a
// Claim on the key, which the caller must Complete or Release.
func (k *Keeper) Begin(tenant, key string, fp Fingerprint) (*Claim, *Response, error) {
	id := k.storeKey(tenant, key)
	k.mu.Lock()
	defer k.mu.Unlock()
	if c := k.claims[id]; c != nil {
		if c.fp != fp {
			return nil, nil, k.count(ErrReused)
		}
		return nil, nil, k.count(ErrInFlight)
	}
	rec, found, err := k.st.Get(Bucket, id)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read an idempotency record: %w", err)
	}
	if found {
		stored, r, err := decode(rec.Value)
		if err != nil {
			return nil, nil, err
		}
		if stored != fp {
			return nil, nil, k.count(ErrReused)
		}
		telemetry.Idempotency("replayed")
		return nil, &r, nil
	}
	c := &Claim{k: k, id: id, tenant: tenant, fp: fp, seq: k.next}
	k.next++
	k.claims[id] = c
	return c, nil, nil
}

func (k *Keeper) count(err error) error {
	if err == ErrReused {
		telemetry.Idempotency("reused")
	} else {
		telemetry.Idempotency("in_flight")
	}
	return err
}

// Complete stores r as the answer of the claimed key, the request being
// user's, for TTL, and releases the claim. An answer to a request that an
// erasure of its user overtook is not stored. The claim is released even
// when the write fails.
//
// An empty user stores a record of no one: no EraseUser removes it, and it
// goes when its TTL ends, like every record. It is for an answer that
// holds nothing of a person, such as a job's id, whose request has many
// users.
func (c *Claim) Complete(user string, r Response) error {
	k := c.k
	defer c.Release()
	k.erasing.RLock()
	defer k.erasing.RUnlock()
	k.mu.Lock()
	at, overtaken := k.erased[recordKey(c.tenant, user)]
	k.mu.Unlock()
	if overtaken && at > c.seq {
		telemetry.Idempotency("erased")
		return nil
	}
	rec := store.Record{Value: encode(c.fp, r), Expires: k.now().Add(TTL), Tenant: c.tenant, User: user}
	err := k.st.Batch(func(tx *store.Tx) error { return tx.Put(Bucket, c.id, rec) })
	if err != nil {
		telemetry.Idempotency("store_failed")
		return fmt.Errorf("cannot store an idempotency record: %w", err)
	}
	telemetry.Idempotency("stored")
	return nil
}

// Write returns r as the stored answer of c, a record of no user (see
// Complete), for the caller to put in its own transaction, with the state
// the answer describes (a job and its 202 in one write: no crash between
// them can leave the job made and the key free). Once that transaction
// has committed, the caller calls Release (and Stored); if it failed, the
// caller calls Release alone, and the key is free again.
func (c *Claim) Write(r Response) store.Write {
	return store.Write{Bucket: Bucket, Key: c.id, Record: store.Record{Value: encode(c.fp, r), Expires: c.k.now().Add(TTL), Tenant: c.tenant}}
}

// Stored counts an answer put by the caller (Write) as stored.
func (c *Claim) Stored() { telemetry.Idempotency("stored") }

// Release gives the key up without storing an answer: a request that
// failed, was refused or was cut. Releasing twice is harmless.
func (c *Claim) Release() {
	k := c.k
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.claims[c.id] != c {
		return
	}
	delete(k.claims, c.id)
	if len(k.erased) == 0 {
		return
	}
	oldest := k.next
	for _, o := range k.claims {
		oldest = min(oldest, o.seq)
	}
	for tu, at := range k.erased {
		if at <= oldest {
			delete(k.erased, tu)
		}
	}
}

// EraseUser removes the stored answers of user in tenant and returns how
// many; the answers of the user's requests still running are not stored.
func (k *Keeper) EraseUser(tenant, user string) (int, error) {
	k.erasing.Lock()
	defer k.erasing.Unlock()
	k.mu.Lock()
	if len(k.claims) > 0 {
		k.erased[recordKey(tenant, user)] = k.next
	}
	k.mu.Unlock()
	return k.st.EraseUser(Bucket, tenant, user)
}

// InFlight returns how many keys are claimed; for tests and metrics.
func (k *Keeper) InFlight() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.claims)
}

// A record's value: the fingerprint, the status (uint16), the number of
// header fields (uvarint), each name and value (uvarint length, bytes),
// then the body.
func encode(fp Fingerprint, r Response) []byte {
	n := len(fp) + 2 + len(r.Body) + binary.MaxVarintLen64
	for _, h := range r.Header {
		n += len(h[0]) + len(h[1]) + 2*binary.MaxVarintLen64
	}
	b := make([]byte, 0, n)
	b = append(b, fp[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(r.Status))
	b = binary.AppendUvarint(b, uint64(len(r.Header)))
	for _, h := range r.Header {
		b = appendString(b, h[0])
		b = appendString(b, h[1])
	}
	return append(b, r.Body...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

var errMalformed = errors.New("idempotency: a stored record is malformed")

func decode(b []byte) (Fingerprint, Response, error) {
	var fp Fingerprint
	var r Response
	if len(b) < len(fp)+2 {
		return fp, r, errMalformed
	}
	copy(fp[:], b)
	b = b[len(fp):]
	r.Status = int(binary.BigEndian.Uint16(b))
	b = b[2:]
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)) {
		return fp, r, errMalformed
	}
	b = b[w:]
	for range n {
		var name, value string
		var ok bool
		if name, b, ok = cutString(b); ok {
			value, b, ok = cutString(b)
		}
		if !ok {
			return fp, r, errMalformed
		}
		r.Header = append(r.Header, [2]string{name, value})
	}
	r.Body = b
	return fp, r, nil
}

func cutString(b []byte) (string, []byte, bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || uint64(len(b)-w) < n {
		return "", nil, false
	}
	return string(b[w : w+int(n)]), b[w+int(n):], true
}
