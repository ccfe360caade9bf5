package cache

import (
	"time"

	"github.com/biogen/biogen/internal/bio"
)

// Entry is a cached bio with what it was written for and by.
//
// The zero value has expired: it never answers. The cache never changes an
// entry once stored; readers may share it across goroutines, and must not
// change it.
type Entry struct {
	Tenant string `json:"tenant"`
	User   string `json:"user"`
	// Name is the person's name as the profile gave it, for
	// re-personalisation.
	Name  string   `json:"name"`
	Bio   string   `json:"bio"`
	Flags []string `json:"flags"`
	// Reasons say why each flag was added ("<flag>:<reason>"); entries of
	// snapshots older than them have none.
	Reasons       []string `json:"reasons,omitempty"`
	Source        string   `json:"source"`
	Provider      string   `json:"provider"`
	Model         string   `json:"model"`
	PromptVersion string   `json:"prompt_version"`
	// ProvidersKey names the providers and models that may reuse the bio
	// (Query.ProvidersKey); saved as "chain" by snapshots older than the
	// name, and still.
	ProvidersKey string `json:"chain"`
	// Arm is the experiment arm the bio was written in (Query.Arm); ""
	// without one, as in snapshots older than arms.
	Arm     string      `json:"arm,omitempty"`
	Options bio.Options `json:"options"`
	Facts   Facts       `json:"facts"`
	// FactsVersion is the normalisation Facts were made with (factsVersion);
	// an entry of another version never answers.
	FactsVersion string `json:"facts_version"`
	// BioID is the id the bio was answered with when it was written
	// ("bio_..."): a hit of the same user answers with it again, so that
	// feedback on either response finds the one record of the bio. ""
	// when the bio has no record (its record was not kept, or the entry
	// is from a snapshot older than ids); a re-personalised entry has
	// none, being another text for another person.
	BioID   string    `json:"bio_id,omitempty"`
	Created time.Time `json:"created"`
	Expires time.Time `json:"expires"`

	// Repersonalised is set on an entry written for another person and
	// rewritten for the requester by a tenant-scope lookup; it is never
	// stored.
	Repersonalised bool `json:"-"`

	key     string // the exact cache's key, set by Exact.Set
	aliasOf string // for a body alias (Cache.AliasBody): the entry's key
}

// entryBase is what an entry costs beyond its lengths: the struct, the
// facts' slices and maps, its key in the erasure index and ristretto's
// records of it (TestExactCountsRealBytes measures them).
const entryBase = 1280

// size is the entry's memory in bytes, not less than the heap it takes
// (TestExactCountsRealBytes), for a byte budget.
func (e *Entry) size() int64 {
	n := entryBase + len(e.aliasOf) + len(e.Tenant) + len(e.User) + len(e.Name) + len(e.Bio) + len(e.Source) + len(e.Provider) + len(e.Model) + len(e.PromptVersion) + len(e.ProvidersKey) + len(e.Arm) + len(e.BioID)
	for _, f := range e.Flags {
		n += 16 + len(f)
	}
	for _, f := range e.Reasons {
		n += 16 + len(f)
	}
	n += e.Facts.size()
	return int64(n)
}
