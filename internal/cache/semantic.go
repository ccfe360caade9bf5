package cache

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/philippgille/chromem-go"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/telemetry"
)

// Semantic is the semantic cache: chromem-go collections per tenant and
// signature (and user, in user scope), holding each cached bio under its
// request's facts class (Facts.Class) with the embedding of its facts.
//
// A lookup reads one document, by class: a hit is an entry whose
// normalised facts are equal to the request's, never a near neighbour.
// Lookups make no embedding call; a store makes one, bounded (see
// NewSemantic), and stores nothing when the embedder fails.
//
// The zero value is not usable: create it with NewSemantic. It is safe for
// concurrent use and starts no goroutine: there is nothing to stop.
type Semantic struct {
	db  *chromem.DB
	emb *boundedEmbedder
	mu  sync.Mutex // guards collection creation and lookup
	// writeMu makes the writes one at a time (a store and its evictions,
	// an erasure, a purge), so that the ledger and the collections agree.
	writeMu sync.Mutex
	// ledger counts the entries' bytes and keeps them within the bounds.
	ledger ledger
	// exportMu makes exports one at a time.
	exportMu sync.Mutex
	// dims is the size of the embedder's vectors, learnt from the first
	// embedding or from the collections of an imported snapshot; 0 until
	// then, when the cache can hold nothing.
	dims atomic.Int32
	// retain, if set, is asked of each entry by Purge (see SetRetention).
	retain atomic.Pointer[func(*Entry) bool]
}

// SetRetention makes Purge remove the entries for which keep is false as
// well as the expired ones: an entry of a tenant no longer configured, or
// older than its tenant's current TTL, which may be shorter than the one
// it was stored under. keep must be safe for concurrent use.
func (s *Semantic) SetRetention(keep func(*Entry) bool) { s.retain.Store(&keep) }

// NewSemantic returns an empty semantic cache using emb, each call bounded
// by embedTimeout (positive) within the caller's deadline and a breaker
// that skips the embedder for a while after repeated failures: a hanging
// embedding server costs a store nothing but the miss of its entry.
func NewSemantic(emb Embedder, embedTimeout time.Duration) (*Semantic, error) {
	if emb == nil {
		return nil, errors.New("semantic cache needs an embedder")
	}
	if embedTimeout <= 0 {
		return nil, fmt.Errorf("embed timeout %q must be positive", embedTimeout)
	}
	return &Semantic{db: chromem.NewDB(), emb: newBoundedEmbedder(emb, embedTimeout)}, nil
}

func noEmbedding(context.Context, string) ([]float32, error) {
	return nil, errors.New("cache: documents are added with their embeddings")
}

// collectionName names the collection of a tenant's entries with one
// signature (options, prompt version, providers) and, in user scope, one user,
// embedded as vectors of dims. Tenants never share one; the size in the
// name lets a purge list a collection without an embedding call.
func collectionName(tenant string, dims int, sig, user string) string {
	h := sha256.Sum256([]byte(sig + "\x00" + user))
	return collectionPrefix(tenant) + strconv.Itoa(dims) + ":" + hex.EncodeToString(h[:8])
}

func collectionPrefix(tenant string) string { return "tenant:" + tenant + ":" }

// dimsOf reads the vector size from a collection's name; 0 for a name of
// another form (a snapshot written before sizes were named).
func dimsOf(name string) int {
	rest, ok := strings.CutPrefix(name, "tenant:")
	if !ok {
		return 0
	}
	parts := strings.Split(rest, ":")
	if len(parts) < 3 {
		return 0
	}
	d, err := strconv.Atoi(parts[len(parts)-2])
	if err != nil || d <= 0 {
		return 0
	}
	return d
}

// signature names what must be equal for a bio to be usable at all: the
// options, the prompt version, the providers and the experiment arm (an
// entry without one keeps the signature it had before arms, so that
// snapshots written then are found).
func signature(o bio.Options, promptVersion, providersKey, arm string) string {
	sig := strings.Join([]string{string(o.Tone), string(o.Length), string(o.Format), string(o.Perspective), o.Language, promptVersion, providersKey}, "|")
	if arm != "" {
		sig += "|arm=" + arm
	}
	return sig
}

// scopeUser returns the user whose collection holds an entry: the user in
// user scope, nobody in tenant scope.
func scopeUser(user string, tenantScope bool) string {
	if tenantScope {
		return ""
	}
	return user
}

// SetBounds bounds the entries in bytes (real bytes: content, vector and
// overheads, see entryBytes) and in number; 0 is no bound. Past a bound, a
// store evicts the least recently used entries at once.
func (s *Semantic) SetBounds(ctx context.Context, maxBytes int64, maxEntries int) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	_ = s.drop(ctx, s.ledger.setBounds(maxBytes, maxEntries), true) // a failed delete leaves an entry the ledger forgot: found, never counted
}

// Size returns the bytes and the number of entries the bounds count.
func (s *Semantic) Size() (bytes int64, entries int) { return s.ledger.size() }

// Add stores e in its tenant's collection, its user's alone unless
// tenantScope, under its facts class (with the person in user scope,
// without in tenant scope, where another user's request may find it),
// then evicts the least recently used entries beyond the bounds.
func (s *Semantic) Add(ctx context.Context, e *Entry, tenantScope bool) error {
	vec, err := s.emb.Embed(ctx, e.Facts.Text())
	if err != nil {
		return err
	}
	content, err := json.Marshal(e)
	if err != nil {
		return err
	}
	s.dims.Store(int32(len(vec)))
	name := collectionName(e.Tenant, len(vec), signature(e.Options, e.PromptVersion, e.ProvidersKey, e.Arm), scopeUser(e.User, tenantScope))
	id := e.Facts.Class(!tenantScope)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	col, err := s.db.GetOrCreateCollection(name, nil, noEmbedding)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	// No metadata: the ledger knows each entry's user, for erasure, and a
	// map per entry would cost more than its ID.
	if err := col.AddDocument(ctx, chromem.Document{ID: id, Embedding: vec, Content: string(content)}); err != nil {
		return err
	}
	evicted := s.ledger.add(&slot{slotKey: slotKey{name, id}, tenant: e.Tenant, user: e.User, created: e.Created, expires: e.Expires,
		bytes: entryBytes(string(content), id, e.User, len(vec))})
	_ = s.drop(ctx, evicted, true) // stored; an eviction that failed leaves an entry the ledger forgot
	return nil
}

// drop deletes the entries of keys from their collections, and the
// collections the ledger no longer holds; evicted counts them as
// evictions. It returns the first error, after trying every collection.
// The caller holds writeMu.
func (s *Semantic) drop(ctx context.Context, keys []slotKey, evicted bool) error {
	var first error
	for name, ids := range byCollection(keys) {
		s.mu.Lock()
		col := s.db.GetCollection(name, noEmbedding)
		s.mu.Unlock()
		if col != nil {
			if err := col.Delete(ctx, nil, nil, ids...); err != nil {
				first = cmp.Or(first, err)
				continue
			}
		}
		if evicted {
			for range ids {
				telemetry.CacheEvicted("semantic")
			}
		}
		if !s.ledger.has(name) {
			s.mu.Lock()
			s.db.DeleteCollection(name)
			s.mu.Unlock()
		}
	}
	return first
}

// FindQuery is a semantic lookup.
//
// Its zero value is not usable: Req and Facts must be set. Find only reads
// it; it may be shared between goroutines while nobody changes it.
type FindQuery struct {
	Tenant, User  string
	Req           *bio.Request
	Facts         *Facts
	PromptVersion string
	ProvidersKey  string
	Arm           string
	// TenantScope lets entries of other users of the tenant answer,
	// re-personalised; otherwise only the user's own entries do.
	TenantScope bool
	Now         time.Time
}

// Find returns a cached bio for q whose facts are the same as q's, ready to
// serve (re-personalised when it was written for another person), or nil.
// A re-personalised bio has Repersonalised set; the caller must check it
// against q's request before serving it, as it must any semantic hit.
func (s *Semantic) Find(ctx context.Context, q FindQuery) (*Entry, error) {
	dims := int(s.dims.Load())
	if dims == 0 {
		return nil, nil // nothing was ever stored
	}
	name := collectionName(q.Tenant, dims, signature(q.Req.Options, q.PromptVersion, q.ProvidersKey, q.Arm), scopeUser(q.User, q.TenantScope))
	s.mu.Lock()
	col := s.db.GetCollection(name, noEmbedding)
	s.mu.Unlock()
	if col == nil {
		return nil, nil
	}
	doc, err := col.GetByID(ctx, q.Facts.Class(!q.TenantScope))
	if err != nil {
		return nil, nil // no entry of this class
	}
	var e Entry
	if err := json.Unmarshal([]byte(doc.Content), &e); err != nil {
		return nil, nil
	}
	if e.Tenant != q.Tenant || e.Arm != q.Arm || q.Now.After(e.Expires) || e.FactsVersion != factsVersion {
		return nil, nil // another tenant's or arm's, expired, or normalised another way
	}
	if !SameButPerson(&e.Facts, q.Facts) {
		// A collision of classes, or an entry of an older normalisation.
		telemetry.CacheRejected("facts")
		return nil, nil
	}
	if e.User == q.User && Same(&e.Facts, q.Facts) {
		s.ledger.touch(slotKey{name, doc.ID})
		return &e, nil
	}
	if !q.TenantScope {
		telemetry.CacheRejected("facts")
		return nil, nil
	}
	// Another person's bio with the same facts: re-personalised exactly,
	// or not at all.
	text, ok := personalise(e.Bio, &e.Facts, q.Req)
	if !ok {
		telemetry.CacheRejected("personalise")
		return nil, nil
	}
	e.Bio, e.User, e.Name, e.Facts, e.Repersonalised = text, q.User, q.Req.Profile.Name, *q.Facts, true
	e.BioID = "" // another text, for another person: another bio
	s.ledger.touch(slotKey{name, doc.ID})
	return &e, nil
}

// EraseUser deletes every entry of user in tenant, as the ledger knows
// them (it holds every entry stored or imported), and returns how many.
func (s *Semantic) EraseUser(ctx context.Context, tenant, user string) (int, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	gone := s.ledger.remove(func(sl *slot) bool { return sl.tenant == tenant && sl.user == user })
	return len(gone), s.drop(ctx, gone, false)
}

// Purge deletes the entries that expired or that the retention (see
// SetRetention) no longer keeps, and returns how many went. It reads the
// ledger, not the collections.
func (s *Semantic) Purge(ctx context.Context, now time.Time) int {
	keep := func(*Entry) bool { return true }
	if k := s.retain.Load(); k != nil {
		keep = *k
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	gone := s.ledger.remove(func(sl *slot) bool {
		return now.After(sl.expires) || !keep(&Entry{Tenant: sl.tenant, User: sl.user, Created: sl.created, Expires: sl.expires})
	})
	_ = s.drop(ctx, gone, false)
	return len(gone)
}

// rebuild makes the ledger from the collections, after an import: it reads
// each collection back (chromem-go has no listing: through a query for all
// its documents with a probe vector of the size its name gives), drops the
// collections of an older form and the entries it cannot read, records the
// others oldest first, and evicts what the bounds do not hold.
func (s *Semantic) rebuild(ctx context.Context) {
	s.mu.Lock()
	cols := s.db.ListCollections()
	s.mu.Unlock()
	var slots []*slot
	for name, col := range cols {
		n, dims := col.Count(), dimsOf(name)
		if dims == 0 || n == 0 {
			// Written before collections named their vector size, their
			// entries can never be found; or empty.
			s.mu.Lock()
			s.db.DeleteCollection(name)
			s.mu.Unlock()
			continue
		}
		probe := make([]float32, dims)
		probe[0] = 1
		res, err := col.QueryEmbedding(ctx, probe, n, nil, nil)
		if err != nil {
			continue
		}
		var bad []string
		for _, r := range res {
			var e Entry
			if json.Unmarshal([]byte(r.Content), &e) != nil {
				bad = append(bad, r.ID)
				continue
			}
			slots = append(slots, &slot{slotKey: slotKey{name, r.ID}, tenant: e.Tenant, user: e.User, created: e.Created, expires: e.Expires,
				bytes: entryBytes(r.Content, r.ID, e.User, dims)})
		}
		if len(bad) > 0 {
			_ = col.Delete(ctx, nil, nil, bad...)
		}
	}
	oldestFirst(slots)
	var evicted []slotKey
	for _, sl := range slots {
		evicted = append(evicted, s.ledger.add(sl)...)
	}
	_ = s.drop(ctx, evicted, true)
}

// Count returns how many entries the semantic cache holds.
func (s *Semantic) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, col := range s.db.ListCollections() {
		n += col.Count()
	}
	return n
}

// Export writes the whole cache to path, encrypted with AES-GCM under key
// (32 bytes).
func (s *Semantic) Export(path, key string) error {
	if len(key) != 32 {
		return errors.New("the semantic cache key must be 32 bytes")
	}
	// One export at a time (erasures, the timer and shutdown all export),
	// each through a file of its own: the last rename is the newest view.
	s.exportMu.Lock()
	defer s.exportMu.Unlock()
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot export semantic cache: %w", err)
	}
	tmp := f.Name()
	f.Close()
	if err := s.db.ExportToFile(tmp, true, key); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot export semantic cache: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Import loads a cache written by Export, and accounts for its entries
// within the bounds (the most recently created kept). A missing file is
// not an error.
func (s *Semantic) Import(path, key string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	if err := s.db.ImportFromFile(path, key); err != nil {
		s.mu.Unlock()
		return fmt.Errorf("cannot import semantic cache %q: %w", path, err)
	}
	for name := range s.db.ListCollections() {
		// Set each collection's embedding function now: chromem-go sets a
		// missing one on first use, a write under its read lock.
		s.db.GetCollection(name, noEmbedding)
		if d := dimsOf(name); d > 0 && s.dims.Load() == 0 {
			s.dims.Store(int32(d))
		}
	}
	s.mu.Unlock()
	s.rebuild(context.Background())
	return nil
}
