package feedback

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agnivade/levenshtein"
	"github.com/oklog/ulid/v2"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/store"
	"github.com/biogen/biogen/internal/telemetry"
)

// ErrNotFound means that no bio of the id was served to the tenant within
// its retention: never served, served to another tenant, expired, erased,
// or its record dropped from a full queue or lost in a crash.
var ErrNotFound = errors.New("no bio of this id was served to this tenant within its retention")

// Given is a feedback as stored: what the client sent, and what wrote the
// bio it is on. A Given is a value.
type Given struct {
	ID    string `json:"id"`
	BioID string `json:"bio_id"`
	bio.Feedback
	Provider      string `json:"provider"`
	Model         string `json:"model"`
	PromptVersion string `json:"prompt_version"`
	ExperimentID  string `json:"experiment_id,omitempty"`
	Arm           string `json:"arm,omitempty"`
	// EditRatio is EditRatio of the bio served and the edited_bio; nil
	// without an edited_bio.
	EditRatio *float64  `json:"edit_ratio,omitempty"`
	Created   time.Time `json:"created"`
}

// Give stores f, a feedback on the bio bioID of tenant, for retention,
// counts it and returns its id ("fb_" and a ULID); ErrNotFound when no
// such bio was served to the tenant. The feedback belongs to the bio's
// user: erasing the user removes it.
func (k *Keeper) Give(tenant string, retention time.Duration, bioID string, f *bio.Feedback) (string, error) {
	if !validBioID(bioID) {
		return "", ErrNotFound
	}
	k.erasing.RLock() // the user's erasure waits for the write, and takes it
	defer k.erasing.RUnlock()
	b, found, err := k.Lookup(tenant, bioID)
	if err != nil {
		return "", err
	}
	if !found {
		return "", ErrNotFound
	}
	now := k.now()
	g := Given{ID: "fb_" + ulid.Make().String(), BioID: bioID, Feedback: *f, Provider: b.Provider, Model: b.Model,
		PromptVersion: b.PromptVersion, ExperimentID: b.ExperimentID, Arm: b.Arm, Created: now}
	if f.EditedBio != "" {
		r := EditRatio(b.Text, f.EditedBio)
		g.EditRatio = &r
	}
	v, err := json.Marshal(&g)
	if err != nil {
		return "", err
	}
	rec := store.Record{Value: v, Expires: now.Add(retention), Tenant: tenant, User: b.User}
	if err := k.st.Batch(func(tx *store.Tx) error { return tx.Put(Bucket, key(tenant, g.ID), rec) }); err != nil {
		return "", fmt.Errorf("cannot store a feedback: %w", err)
	}
	telemetry.Feedback(f.Rating, f.Reason, b.Provider, b.Model, b.PromptVersion, b.ExperimentID, b.Arm)
	if g.EditRatio != nil {
		telemetry.FeedbackEdit(b.Provider, b.Model, b.PromptVersion, b.ExperimentID, b.Arm, *g.EditRatio)
	}
	return g.ID, nil
}

// Get returns the feedback id given in tenant; for tests and tools.
func (k *Keeper) Get(tenant, id string) (g Given, found bool, err error) {
	r, found, err := k.st.Get(Bucket, key(tenant, id))
	if err != nil || !found {
		return Given{}, false, err
	}
	if err := json.Unmarshal(r.Value, &g); err != nil {
		return Given{}, false, fmt.Errorf("cannot read a feedback: %w", err)
	}
	return g, true, nil
}

// validBioID reports whether id is of the form of the ids biogen makes:
// "bio_" and a ULID.
func validBioID(id string) bool {
	rest, ok := strings.CutPrefix(id, "bio_")
	if !ok {
		return false
	}
	_, err := ulid.ParseStrict(rest)
	return err == nil
}

// maxEditRunes bounds the characters of each text that EditRatio reads:
// the distance costs the product of the two lengths in time (at the bound,
// with nothing in common: 6.25 million steps, under 20 ms in
// BenchmarkEditRatio on a busy 2-core box; a typical edit keeps a common
// start and end, which cost nothing), and the longest bio the contract
// asks for (350 words) is about 2,500 characters. Beyond it, the rest of
// both texts is left out. Feedback is rate-limited with the tenant's
// other POSTs.
const maxEditRunes = 2500

// EditRatio is how much of served a person changed to keep kept: the
// Levenshtein distance between the two, in characters, over the longer
// one's length; 0 is kept as served, 1 all of it rewritten. Both are
// normalised first (bio.NormalizeText: spacing and line breaks are not
// edits), and cut at maxEditRunes characters.
func EditRatio(served, kept string) float64 {
	a := prefixRunes(bio.NormalizeText(served), maxEditRunes)
	b := prefixRunes(bio.NormalizeText(kept), maxEditRunes)
	n := max(utf8.RuneCountInString(a), utf8.RuneCountInString(b))
	if n == 0 {
		return 0
	}
	return float64(levenshtein.ComputeDistance(a, b)) / float64(n)
}

// prefixRunes returns the first n characters of s.
func prefixRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
