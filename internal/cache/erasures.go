package cache

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Erasures is the durable record of erased users, kept in a directory: a
// line per erasure with the tenant, a keyed hash of the user id (never the
// id) and the time. A snapshot loaded later drops the entries of a user
// written before the user's erasure, so an erased user never comes back,
// not even from a snapshot taken before the erasure.
//
// The zero value is not usable: call OpenErasures. Erasures is safe for
// concurrent use and starts no goroutine.
type Erasures struct {
	dir string

	mu   sync.Mutex
	key  []byte               // read or made on first use
	last map[string]time.Time // hash -> latest erasure
}

type erasureLine struct {
	Tenant string    `json:"tenant"`
	User   string    `json:"user_hmac"`
	At     time.Time `json:"at"`
}

// OpenErasures reads the records in dir, which need not exist yet.
func OpenErasures(dir string) (*Erasures, error) {
	e := &Erasures{dir: dir, last: map[string]time.Time{}}
	f, err := os.Open(filepath.Join(dir, "erasures.jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return e, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the erasure records in %q: %w", dir, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l erasureLine
		if json.Unmarshal(sc.Bytes(), &l) != nil {
			continue // a line cut by a crash
		}
		if k := l.Tenant + "\x00" + l.User; l.At.After(e.last[k]) {
			e.last[k] = l.At
		}
	}
	return e, sc.Err()
}

// hash returns the keyed hash of user, making the key on first use.
func (e *Erasures) hash(user string) (string, error) {
	if e.key == nil {
		path := filepath.Join(e.dir, "erasure.key")
		k, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			k = make([]byte, 32)
			rand.Read(k)
			if err := os.MkdirAll(e.dir, 0o700); err != nil {
				return "", err
			}
			if err := os.WriteFile(path, k, 0o600); err != nil {
				return "", err
			}
		} else if err != nil {
			return "", err
		}
		e.key = k
	}
	m := hmac.New(sha256.New, e.key)
	m.Write([]byte(user))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// Record writes that user of tenant was erased at, durably (synced), before
// the erasure is answered.
func (e *Erasures) Record(tenant, user string, at time.Time) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	h, err := e.hash(user)
	if err != nil {
		return fmt.Errorf("cannot record an erasure in %q: %w", e.dir, err)
	}
	f, err := os.OpenFile(filepath.Join(e.dir, "erasures.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("cannot record an erasure in %q: %w", e.dir, err)
	}
	b, _ := json.Marshal(erasureLine{Tenant: tenant, User: h, At: at})
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cannot record an erasure in %q: %w", e.dir, err)
	}
	e.last[tenant+"\x00"+h] = at
	return nil
}

// Erased reports whether the entry was written before its user's latest
// recorded erasure.
func (e *Erasures) Erased(en *Entry) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.last) == 0 {
		return false
	}
	h, err := e.hash(en.User)
	if err != nil {
		return false
	}
	at, ok := e.last[en.Tenant+"\x00"+h]
	return ok && en.Created.Before(at)
}
