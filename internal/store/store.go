// Package store is biogen's embedded durable store: one bbolt file,
// data_dir/biogen.db, of named buckets of records. Every record's value is
// sealed with AES-256-GCM; a record may expire, and may belong to a
// (tenant, user), so that erasing the user finds it without reading the
// rest. Idempotency records live here, and jobs will.
//
// Each write is a bbolt transaction, synced before it returns: a crash
// loses no committed record and leaves no half-written one.
package store

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// The files of a store in its directory.
const (
	// FileName is the bbolt file.
	FileName = "biogen.db"
	// KeyFileName holds the 32-byte key, made on first use, when the
	// caller gives none (Options.Key).
	KeyFileName = "store.key"
	// KeySize is the size of the key: AES-256.
	KeySize = 32
)

// lockWait is how long Open waits for another process's lock on the file.
const lockWait = 2 * time.Second

// ErrWrongKey means the file was sealed under another key than the one
// given: a lost or changed key, or BIOGEN_DATA_KEY set after the file was
// made without it (or the other way round).
var ErrWrongKey = errors.New("the store was sealed with another key")

// Internal buckets; the names of the caller's buckets may not start with
// '_'.
var (
	bucketMeta   = []byte("_meta")
	bucketExpiry = []byte("_expiry") // expiry (8 bytes) | bucket | 0 | key
	bucketOwner  = []byte("_owner")  // owner tag (16 bytes) | bucket | 0 | key
	keyCheck     = []byte("keycheck")
)

// Record is one stored value with what the store needs to bound and erase
// it. A Record is a value; the zero value is an empty record that never
// expires and belongs to no one.
type Record struct {
	// Value is the caller's data, sealed at rest.
	Value []byte
	// Expires, if not zero, is when the record stops being found; Purge
	// removes it from the file after that.
	Expires time.Time
	// Tenant and User, when User is set, say whose record it is:
	// EraseUser finds it by a keyed hash of the two, kept beside the
	// sealed value. Both are sealed with the value too.
	Tenant, User string
}

// Write is a record to put in another's transaction (see jobs.Submit):
// what Tx.Put takes.
type Write struct {
	Bucket, Key string
	Record      Record
}

// Options configure Open.
type Options struct {
	// Key is the 32-byte key the values are sealed with. Nil reads
	// KeyFileName in the directory, or makes it (mode 0600) on first use.
	Key []byte
	// Now is the clock that decides expiry. Nil means time.Now.
	Now func() time.Time
}

// Store is an open store.
//
// The zero value is not usable: call Open, and Close when done. A Store is
// safe for concurrent use: bbolt runs one writing transaction at a time
// and reading ones beside it. It starts no goroutine: expired records are
// purged at Open and whenever the owner calls Purge (biogen's wiring does
// every ten minutes).
type Store struct {
	db       *bolt.DB
	aead     cipher.AEAD
	ownerKey []byte
	now      func() time.Time
}

// Open opens (or creates) the store in dir, which is created (mode 0700)
// if missing, checks that its key opens it, and purges expired records.
// The file is locked against a second process: Open fails after two
// seconds if another holds it.
func Open(dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create the data directory %q: %w", dir, err)
	}
	key := opt.Key
	if key == nil {
		var err error
		if key, err = keyFile(filepath.Join(dir, KeyFileName)); err != nil {
			return nil, err
		}
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("the store key must hold %d bytes, not %d", KeySize, len(key))
	}
	s := &Store{now: opt.Now}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.derive(key); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("cannot open %q: another process holds it", path)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open %q: %w", path, err)
	}
	s.db = db
	if err := db.Update(s.init); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot open %q: %w", path, err)
	}
	if _, err := s.Purge(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// derive makes the sealing and the owner-hashing keys from key.
func (s *Store) derive(key []byte) error {
	sealKey, err := hkdf.Key(sha256.New, key, nil, "biogen store: values", KeySize)
	if err != nil {
		return err
	}
	if s.ownerKey, err = hkdf.Key(sha256.New, key, nil, "biogen store: owners", KeySize); err != nil {
		return err
	}
	block, err := aes.NewCipher(sealKey)
	if err != nil {
		return err
	}
	s.aead, err = cipher.NewGCM(block)
	return err
}

// init makes the internal buckets and checks the key against the file:
// a value sealed when the file was made must open.
func (s *Store) init(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketExpiry, bucketOwner} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bucketMeta)
	aad := append(append([]byte(nil), bucketMeta...), keyCheck...)
	if v := meta.Get(keyCheck); v != nil {
		if len(v) < s.aead.NonceSize() {
			return ErrWrongKey
		}
		if _, err := s.aead.Open(nil, v[:s.aead.NonceSize()], v[s.aead.NonceSize():], aad); err != nil {
			return ErrWrongKey
		}
		return nil
	}
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return meta.Put(keyCheck, s.aead.Seal(nonce, nonce, []byte("biogen"), aad))
}

// keyFile reads the key at path, or makes it: 32 random bytes, mode 0600,
// synced.
func keyFile(path string) ([]byte, error) {
	k, err := os.ReadFile(path)
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("cannot read the store key %q: %w", path, err)
	}
	k = make([]byte, KeySize)
	rand.Read(k)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot make the store key %q: %w", path, err)
	}
	_, err = f.Write(k)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("cannot make the store key %q: %w", path, err)
	}
	return k, nil
}

// Close closes the file; the Store is not usable after.
func (s *Store) Close() error { return s.db.Close() }

// Size returns the size of the file in bytes.
func (s *Store) Size() int64 {
	var n int64
	s.db.View(func(tx *bolt.Tx) error {
		n = tx.Size()
		return nil
	})
	return n
}

// Update runs fn in a writing transaction, committed (and synced) when fn
// returns nil, rolled back otherwise. Writing transactions run one at a
// time.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx, s: s}) })
}

// Batch is Update for many goroutines writing at once: their functions
// share one transaction, so one sync, at the cost of waiting up to 10 ms
// for the others (bbolt's MaxBatchDelay). fn may run more than once, so it
// must not do anything but its writes.
func (s *Store) Batch(fn func(*Tx) error) error {
	return s.db.Batch(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx, s: s}) })
}

// View runs fn in a reading transaction.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx, s: s}) })
}

// Get returns the record of key in bucket; found is false when there is
// none or it has expired.
func (s *Store) Get(bucket, key string) (r Record, found bool, err error) {
	err = s.View(func(tx *Tx) error {
		r, found, err = tx.Get(bucket, key)
		return err
	})
	return r, found, err
}

// Put stores r under key in bucket, replacing what was there.
func (s *Store) Put(bucket, key string, r Record) error {
	return s.Update(func(tx *Tx) error { return tx.Put(bucket, key, r) })
}

// Delete removes the record of key in bucket, and reports whether there
// was one.
func (s *Store) Delete(bucket, key string) (found bool, err error) {
	err = s.Update(func(tx *Tx) error {
		found, err = tx.Delete(bucket, key)
		return err
	})
	return found, err
}

// purgeBatch is how many expired records one transaction of Purge removes,
// so that a large purge does not hold the writer for long.
const purgeBatch = 1000

// Purge removes the records that have expired, and returns how many. It
// reads only the expiry index, not the records.
func (s *Store) Purge() (int, error) {
	total := 0
	for {
		n := 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			var err error
			n, err = purge(tx, s.now(), purgeBatch)
			return err
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("cannot purge the store: %w", err)
		}
		if n < purgeBatch {
			return total, nil
		}
	}
}

// purge removes up to limit records expired at now.
func purge(tx *bolt.Tx, now time.Time, limit int) (int, error) {
	var due [][]byte
	c := tx.Bucket(bucketExpiry).Cursor()
	for k, _ := c.First(); k != nil && len(due) < limit; k, _ = c.Next() {
		if len(k) < 8 || !expired(int64(be.Uint64(k)), now) {
			break
		}
		due = append(due, append([]byte(nil), k...))
	}
	for _, k := range due {
		bucket, key, ok := splitIndex(k[8:])
		if !ok {
			return 0, fmt.Errorf("a malformed expiry index entry")
		}
		if b := tx.Bucket(bucket); b != nil {
			if v := b.Get(key); len(v) >= headerSize && bytes.Equal(v[1:9], k[:8]) {
				if err := unindex(tx, bucket, key, v); err != nil {
					return 0, err
				}
				if err := b.Delete(key); err != nil {
					return 0, err
				}
				continue
			}
		}
		if err := tx.Bucket(bucketExpiry).Delete(k); err != nil { // an entry left behind
			return 0, err
		}
	}
	return len(due), nil
}

// EraseUser removes every record of user in tenant from bucket, and
// returns how many. It reads the owner index, then opens each record it
// names to make sure of its owner.
func (s *Store) EraseUser(bucket, tenant, user string) (int, error) {
	if err := checkBucket(bucket); err != nil {
		return 0, err
	}
	n := 0
	err := s.Update(func(tx *Tx) error {
		n = 0
		prefix := append(s.ownerTag(tenant, user), bucket...)
		prefix = append(prefix, 0)
		var keys []string
		c := tx.tx.Bucket(bucketOwner).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, string(k[len(prefix):]))
		}
		for _, key := range keys {
			r, found, err := tx.get(bucket, key, true)
			if err != nil {
				return err
			}
			if !found || r.Tenant != tenant || r.User != user {
				continue // a hash collision: another user's record
			}
			if _, err := tx.Delete(bucket, key); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("cannot erase a user from the store's bucket %q: %w", bucket, err)
	}
	return n, nil
}
