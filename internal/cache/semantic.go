package cache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/philippgille/chromem-go"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/telemetry"
)

// candidates is how many nearest entries a lookup fact-checks.
const candidates = 4

// Semantic is the semantic cache: one chromem-go collection per tenant,
// holding each cached bio with the embedding of its request's facts.
//
// It is safe for concurrent use; create it with NewSemantic.
type Semantic struct {
	db  *chromem.DB
	emb Embedder
	mu  sync.Mutex // guards collection creation
}

// NewSemantic returns an empty semantic cache using emb.
func NewSemantic(emb Embedder) *Semantic {
	return &Semantic{db: chromem.NewDB(), emb: emb}
}

func noEmbedding(context.Context, string) ([]float32, error) {
	return nil, errors.New("cache: documents are added with their embeddings")
}

// collection returns the collection of a tenant's entries with one
// signature (options, prompt version, chain) and, in user scope, one user.
// Tenants never share one, and entries that could never answer each other
// are never scanned together: a user-scope lookup compares a handful of
// vectors, not the tenant's whole cache.
func (s *Semantic) collection(tenant, sig, user string) (*chromem.Collection, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := sha256.Sum256([]byte(sig + "\x00" + user))
	return s.db.GetOrCreateCollection(collectionPrefix(tenant)+hex.EncodeToString(h[:8]), map[string]string{"embedder": s.emb.Name()}, noEmbedding)
}

func collectionPrefix(tenant string) string { return "tenant:" + tenant + ":" }

// signature names what must be equal for a bio to be usable at all: the
// options, the prompt version and the chain.
func signature(o bio.Options, promptVersion, chain string) string {
	return strings.Join([]string{string(o.Tone), string(o.Length), string(o.Format), string(o.Perspective), o.Language, promptVersion, chain}, "|")
}

// Add stores e under id in its tenant's collection for scope: "user" (the
// default) or "tenant".
func (s *Semantic) Add(ctx context.Context, id string, e *Entry, scope string) error {
	sig := signature(e.Options, e.PromptVersion, e.Chain)
	user := e.User
	if scope == "tenant" {
		user = ""
	}
	col, err := s.collection(e.Tenant, sig, user)
	if err != nil {
		return err
	}
	vec, err := s.emb.Embed(ctx, e.Facts.Text())
	if err != nil {
		return err
	}
	content, err := json.Marshal(e)
	if err != nil {
		return err
	}
	meta := map[string]string{"user": e.User}
	return col.AddDocument(ctx, chromem.Document{ID: id, Metadata: meta, Embedding: vec, Content: string(content)})
}

// FindQuery is a semantic lookup.
type FindQuery struct {
	Tenant, User  string
	Req           *bio.Request
	Facts         *Facts
	PromptVersion string
	Chain         string
	// TenantScope lets entries of other users of the tenant answer,
	// re-personalised; otherwise only the user's own entries do.
	TenantScope bool
	// MinSimilarity is the least cosine similarity of a candidate.
	MinSimilarity float64
	Now           time.Time
}

// Find returns a cached bio for q whose facts are the same as q's, ready to
// serve (re-personalised when it was written for another user), or nil.
func (s *Semantic) Find(ctx context.Context, q FindQuery) (*Entry, error) {
	user := q.User
	if q.TenantScope {
		user = ""
	}
	col, err := s.collection(q.Tenant, signature(q.Req.Options, q.PromptVersion, q.Chain), user)
	if err != nil {
		return nil, err
	}
	n := min(candidates, col.Count())
	if n == 0 {
		return nil, nil
	}
	vec, err := s.emb.Embed(ctx, q.Facts.Text())
	if err != nil {
		return nil, err
	}
	res, err := col.QueryEmbedding(ctx, vec, n, nil, nil)
	if err != nil {
		// An entry erased between Count and the query: treat as a miss.
		return nil, nil
	}
	for _, r := range res {
		if float64(r.Similarity) < q.MinSimilarity {
			break // results come most similar first
		}
		var e Entry
		if err := json.Unmarshal([]byte(r.Content), &e); err != nil {
			continue
		}
		if e.Tenant != q.Tenant || q.Now.After(e.Expires) {
			continue
		}
		if e.User == q.User {
			if Same(&e.Facts, q.Facts) {
				return &e, nil
			}
			telemetry.CacheRejected("facts")
			continue
		}
		// Another user's bio: the same facts but for the name and
		// pronouns, re-personalised exactly or not at all.
		other := e.Facts
		other.Name, other.Pronouns = q.Facts.Name, q.Facts.Pronouns
		if !Same(&other, q.Facts) {
			telemetry.CacheRejected("facts")
			continue
		}
		text, ok := personalise(e.Bio, &e, q.Req)
		if !ok {
			telemetry.CacheRejected("personalise")
			continue
		}
		e.Bio, e.User, e.Facts = text, q.User, *q.Facts
		return &e, nil
	}
	return nil, nil
}

// EraseUser deletes every entry of user in tenant.
func (s *Semantic) EraseUser(ctx context.Context, tenant, user string) (int, error) {
	s.mu.Lock()
	var cols []*chromem.Collection
	for name, c := range s.db.ListCollections() {
		if strings.HasPrefix(name, collectionPrefix(tenant)) {
			cols = append(cols, c)
		}
	}
	s.mu.Unlock()
	n := 0
	for _, col := range cols {
		before := col.Count()
		if err := col.Delete(ctx, map[string]string{"user": user}, nil); err != nil {
			return n, err
		}
		n += before - col.Count()
	}
	return n, nil
}

// Purge deletes expired entries, then the oldest entries beyond maxEntries
// (0: no limit), and drops emptied collections. It returns how many entries
// went. chromem-go has no listing, so each collection is read back through
// a query for all its documents: a maintenance task, not a request path.
func (s *Semantic) Purge(ctx context.Context, now time.Time, maxEntries int) (int, error) {
	s.mu.Lock()
	cols := s.db.ListCollections()
	s.mu.Unlock()
	type doc struct {
		col     string
		id      string
		created time.Time
	}
	var live []doc
	removed := 0
	for name, col := range cols {
		n := col.Count()
		if n == 0 {
			continue
		}
		probe := make([]float32, len(mustEmbedding(ctx, s.emb)))
		probe[0] = 1
		res, err := col.QueryEmbedding(ctx, probe, n, nil, nil)
		if err != nil {
			continue // changed under us; the next purge sees it
		}
		var expired []string
		for _, r := range res {
			var e Entry
			if json.Unmarshal([]byte(r.Content), &e) != nil || now.After(e.Expires) {
				expired = append(expired, r.ID)
				continue
			}
			live = append(live, doc{name, r.ID, e.Created})
		}
		if len(expired) > 0 {
			if err := col.Delete(ctx, nil, nil, expired...); err != nil {
				return removed, err
			}
			removed += len(expired)
		}
	}
	if maxEntries > 0 && len(live) > maxEntries {
		sort.Slice(live, func(i, j int) bool { return live[i].created.Before(live[j].created) })
		byCol := map[string][]string{}
		for _, d := range live[:len(live)-maxEntries] {
			byCol[d.col] = append(byCol[d.col], d.id)
		}
		for name, ids := range byCol {
			if err := cols[name].Delete(ctx, nil, nil, ids...); err != nil {
				return removed, err
			}
			removed += len(ids)
		}
	}
	s.mu.Lock()
	for name, col := range s.db.ListCollections() {
		if col.Count() == 0 {
			s.db.DeleteCollection(name)
		}
	}
	s.mu.Unlock()
	return removed, nil
}

// mustEmbedding returns a vector of the embedder's size.
func mustEmbedding(ctx context.Context, emb Embedder) []float32 {
	v, err := emb.Embed(ctx, "size")
	if err != nil || len(v) == 0 {
		return make([]float32, 1)
	}
	return v
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
	tmp := path + ".tmp"
	if err := s.db.ExportToFile(tmp, true, key); err != nil {
		return fmt.Errorf("cannot export semantic cache: %w", err)
	}
	return os.Rename(tmp, path)
}

// Import loads a cache written by Export. A missing file is not an error.
func (s *Semantic) Import(path, key string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := s.db.ImportFromFile(path, key); err != nil {
		return fmt.Errorf("cannot import semantic cache %q: %w", path, err)
	}
	return nil
}

// personalise rewrites a bio written for e's person for req's person: the
// name everywhere, and the pronouns when that can be done exactly. It
// refuses (ok false) when it cannot: a change of grammatical number (they),
// an ambiguous word (her as object or possessive), or a name that stays.
func personalise(text string, e *Entry, req *bio.Request) (string, bool) {
	from := bio.ParsePronouns(e.Facts.Pronouns)
	to := bio.ParsePronouns(req.Profile.Pronouns)
	old, name := e.Name, req.Profile.Name
	if old == "" || !strings.Contains(text, old) && req.Options.Perspective == bio.PerspectiveThird {
		return "", false
	}
	oldParts, newParts := strings.Fields(old), strings.Fields(name)
	text = replaceWord(text, old, name)
	if len(oldParts) > 1 {
		if len(newParts) < 2 {
			return "", false
		}
		text = replaceWord(text, oldParts[0], newParts[0])
		text = replaceWord(text, oldParts[len(oldParts)-1], newParts[len(newParts)-1])
	}
	if req.Options.Perspective == bio.PerspectiveThird && from != to {
		var ok bool
		if text, ok = swapPronouns(text, from, to); !ok {
			return "", false
		}
	}
	// Nothing of the other person's name may remain.
	for _, p := range oldParts {
		if !containsName(newParts, p) && hasWord(text, p) {
			return "", false
		}
	}
	return text, true
}

func containsName(parts []string, p string) bool {
	for _, x := range parts {
		if x == p {
			return true
		}
	}
	return false
}

// swapPronouns maps she and he onto each other. Other changes cannot be made
// exactly: "they" takes other verb forms, and "her" is both object and
// possessive.
func swapPronouns(text string, from, to bio.Pronouns) (string, bool) {
	pairs := map[[2]string][][2]string{
		{"he", "she"}: {{"he", "she"}, {"him", "her"}, {"his", "her"}, {"himself", "herself"}},
		{"she", "he"}: {{"she", "he"}, {"herself", "himself"}},
	}
	subst, ok := pairs[[2]string{from.Subject, to.Subject}]
	if !ok {
		return "", false
	}
	if from.Subject == "she" && (hasWord(text, "her") || hasWord(text, "Her") || hasWord(text, "hers")) {
		return "", false
	}
	for _, p := range subst {
		text = replaceWord(text, p[0], p[1])
		text = replaceWord(text, upper(p[0]), upper(p[1]))
	}
	return text, true
}

func upper(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// replaceWord replaces old with new where old stands as a whole word.
func replaceWord(text, old, new string) string {
	if old == "" || old == new {
		return text
	}
	var b strings.Builder
	for {
		i := indexWord(text, old)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		b.WriteString(text[:i])
		b.WriteString(new)
		text = text[i+len(old):]
	}
}

func hasWord(text, w string) bool { return indexWord(text, w) >= 0 }

// indexWord finds w in text with no letter or digit either side.
func indexWord(text, w string) int {
	off := 0
	for {
		i := strings.Index(text[off:], w)
		if i < 0 {
			return -1
		}
		i += off
		before, _ := utf8.DecodeLastRuneInString(text[:i])
		after, _ := utf8.DecodeRuneInString(text[i+len(w):])
		if !isWordRune(before) && !isWordRune(after) {
			return i
		}
		off = i + len(w)
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
