package store

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

var be = binary.BigEndian

// A record as stored: a header in clear, then the sealed rest.
//
//	version   1 byte (1)
//	expires   8 bytes, Unix nanoseconds, big-endian; 0 never
//	owner    16 bytes: HMAC-SHA256(owner key, tenant 0 user), cut; zeros for none
//	nonce    12 bytes
//	sealed   AES-256-GCM of: uvarint len(tenant), tenant, uvarint len(user), user, value;
//	         the additional data is bucket 0 key 0 and the header, so that a
//	         value moved to another key, or a changed expiry or owner, fails to open
const (
	version    = 1
	ownerSize  = 16
	headerSize = 1 + 8 + ownerSize
)

// Tx is a transaction of Update, Batch or View, valid until its function
// returns. A Tx is used by one goroutine; the zero value is not usable.
type Tx struct {
	tx *bolt.Tx
	s  *Store
}

// Get returns the record of key in bucket; found is false when there is
// none or it has expired.
func (t *Tx) Get(bucket, key string) (r Record, found bool, err error) {
	return t.get(bucket, key, false)
}

func (t *Tx) get(bucket, key string, evenExpired bool) (Record, bool, error) {
	if err := checkBucket(bucket); err != nil {
		return Record{}, false, err
	}
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return Record{}, false, nil
	}
	v := b.Get([]byte(key))
	if v == nil {
		return Record{}, false, nil
	}
	r, err := t.s.open(bucket, key, v)
	if err != nil {
		return Record{}, false, err
	}
	if !evenExpired && !r.Expires.IsZero() && expired(r.Expires.UnixNano(), t.s.now()) {
		return Record{}, false, nil
	}
	return r, true, nil
}

// Put stores r under key in bucket, replacing what was there. The bucket
// is created on first use.
func (t *Tx) Put(bucket, key string, r Record) error {
	if err := checkBucket(bucket); err != nil {
		return err
	}
	if key == "" {
		return errors.New("store: a record needs a key")
	}
	b, err := t.tx.CreateBucketIfNotExists([]byte(bucket))
	if err != nil {
		return err
	}
	if old := b.Get([]byte(key)); old != nil {
		if err := unindex(t.tx, []byte(bucket), []byte(key), old); err != nil {
			return err
		}
	}
	v := t.s.seal(bucket, key, r)
	if err := b.Put([]byte(key), v); err != nil {
		return err
	}
	if !r.Expires.IsZero() {
		if err := t.tx.Bucket(bucketExpiry).Put(indexKey(v[1:9], bucket, key), nil); err != nil {
			return err
		}
	}
	if r.User != "" {
		if err := t.tx.Bucket(bucketOwner).Put(indexKey(v[9:headerSize], bucket, key), nil); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the record of key in bucket, and reports whether there
// was one (expired or not).
func (t *Tx) Delete(bucket, key string) (bool, error) {
	if err := checkBucket(bucket); err != nil {
		return false, err
	}
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return false, nil
	}
	old := b.Get([]byte(key))
	if old == nil {
		return false, nil
	}
	if err := unindex(t.tx, []byte(bucket), []byte(key), old); err != nil {
		return false, err
	}
	return true, b.Delete([]byte(key))
}

// Scan calls fn with each record of bucket whose key starts with prefix,
// in key order, skipping expired ones, until fn returns false or an
// error. fn must not write to the transaction.
func (t *Tx) Scan(bucket, prefix string, fn func(key string, r Record) (more bool, err error)) error {
	if err := checkBucket(bucket); err != nil {
		return err
	}
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	now := t.s.now()
	c := b.Cursor()
	for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
		if len(v) >= headerSize && expired(int64(be.Uint64(v[1:9])), now) {
			continue
		}
		r, err := t.s.open(bucket, string(k), v)
		if err != nil {
			return err
		}
		more, err := fn(string(k), r)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// expired reports whether an expiry in Unix nanoseconds (0: never) has
// passed at now.
func expired(nanos int64, now time.Time) bool {
	return nanos != 0 && nanos <= now.UnixNano()
}

// checkBucket refuses the names of internal buckets and names that the
// indexes could not tell apart from their keys.
func checkBucket(name string) error {
	if name == "" || name[0] == '_' || strings.IndexByte(name, 0) >= 0 {
		return fmt.Errorf("store: invalid bucket name %q", name)
	}
	return nil
}

// indexKey is an index entry: the sort prefix, the bucket, 0, the key.
func indexKey(prefix []byte, bucket, key string) []byte {
	k := make([]byte, 0, len(prefix)+len(bucket)+1+len(key))
	k = append(k, prefix...)
	k = append(k, bucket...)
	k = append(k, 0)
	return append(k, key...)
}

// splitIndex splits "bucket 0 key".
func splitIndex(b []byte) (bucket, key []byte, ok bool) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return nil, nil, false
	}
	return b[:i], b[i+1:], true
}

// unindex removes the index entries of the stored value v of key.
func unindex(tx *bolt.Tx, bucket, key, v []byte) error {
	if len(v) < headerSize {
		return nil
	}
	if exp := v[1:9]; be.Uint64(exp) != 0 {
		if err := tx.Bucket(bucketExpiry).Delete(indexKey(exp, string(bucket), string(key))); err != nil {
			return err
		}
	}
	if owner := v[9:headerSize]; !isZero(owner) {
		if err := tx.Bucket(bucketOwner).Delete(indexKey(owner, string(bucket), string(key))); err != nil {
			return err
		}
	}
	return nil
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Tag returns a keyed hash (hex) of parts, to name a record by what a
// client chose ("an Idempotency-Key") without keeping it in the file in
// clear. The key is the store's, so tags are stable across restarts with
// the same key; parts are separated, so ("ab", "c") is not ("a", "bc").
func (s *Store) Tag(parts ...string) string {
	m := hmac.New(sha256.New, s.ownerKey)
	m.Write([]byte("tag\x00"))
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// ownerTag is the keyed hash EraseUser finds a user's records by.
func (s *Store) ownerTag(tenant, user string) []byte {
	m := hmac.New(sha256.New, s.ownerKey)
	m.Write([]byte(tenant))
	m.Write([]byte{0})
	m.Write([]byte(user))
	return m.Sum(nil)[:ownerSize]
}

// seal encodes r as stored under key in bucket.
func (s *Store) seal(bucket, key string, r Record) []byte {
	ns := s.aead.NonceSize()
	plain := make([]byte, 0, 2*binary.MaxVarintLen64+len(r.Tenant)+len(r.User)+len(r.Value))
	plain = binary.AppendUvarint(plain, uint64(len(r.Tenant)))
	plain = append(plain, r.Tenant...)
	plain = binary.AppendUvarint(plain, uint64(len(r.User)))
	plain = append(plain, r.User...)
	plain = append(plain, r.Value...)

	out := make([]byte, headerSize+ns, headerSize+ns+len(plain)+s.aead.Overhead())
	out[0] = version
	if !r.Expires.IsZero() {
		be.PutUint64(out[1:9], uint64(max(r.Expires.UnixNano(), 1)))
	}
	if r.User != "" {
		copy(out[9:headerSize], s.ownerTag(r.Tenant, r.User))
	}
	rand.Read(out[headerSize:])
	return s.aead.Seal(out, out[headerSize:], plain, aad(bucket, key, out[:headerSize]))
}

// open decodes the stored value v of key in bucket.
func (s *Store) open(bucket, key string, v []byte) (Record, error) {
	ns := s.aead.NonceSize()
	if len(v) < headerSize+ns || v[0] != version {
		return Record{}, fmt.Errorf("store: a record of bucket %q is malformed", bucket)
	}
	plain, err := s.aead.Open(nil, v[headerSize:headerSize+ns], v[headerSize+ns:], aad(bucket, key, v[:headerSize]))
	if err != nil {
		return Record{}, fmt.Errorf("store: a record of bucket %q does not open: %w", bucket, err)
	}
	var r Record
	var ok bool
	if r.Tenant, plain, ok = cutString(plain); ok {
		r.User, plain, ok = cutString(plain)
	}
	if !ok {
		return Record{}, fmt.Errorf("store: a record of bucket %q is malformed", bucket)
	}
	r.Value = plain
	if n := int64(be.Uint64(v[1:9])); n != 0 {
		r.Expires = time.Unix(0, n)
	}
	return r, nil
}

func aad(bucket, key string, header []byte) []byte {
	a := make([]byte, 0, len(bucket)+len(key)+2+len(header))
	a = append(a, bucket...)
	a = append(a, 0)
	a = append(a, key...)
	a = append(a, 0)
	return append(a, header...)
}

// cutString reads a uvarint length and that many bytes.
func cutString(b []byte) (string, []byte, bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || uint64(len(b)-w) < n {
		return "", nil, false
	}
	return string(b[w : w+int(n)]), b[w+int(n):], true
}
