package feedback

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/store"
)

// Buckets of the store.
const (
	// BiosBucket holds a record per bio served, under tenant 0 bio id,
	// owned by the bio's user.
	BiosBucket = "bios"
	// Bucket holds the feedback, under tenant 0 feedback id, owned by
	// the user of the bio it is on.
	Bucket = "feedback"
)

// Bio is the record of a bio served: what a feedback on its id is tied
// to. It is personal data (its text and its user): sealed in the store,
// erased with the user, kept for the tenant's retention. A Bio is a value:
// its zero value is a record of nothing, and a copy may go to any
// goroutine; the Keeper never changes one once queued, so it is safe for
// concurrent reads.
type Bio struct {
	ID            string `json:"id"`
	Provider      string `json:"provider"`
	Model         string `json:"model"`
	PromptVersion string `json:"prompt_version"`
	// ExperimentID and Arm name the experiment arm that wrote the bio;
	// "" outside an experiment.
	ExperimentID string `json:"experiment_id,omitempty"`
	Arm          string `json:"arm,omitempty"`
	// Source and Cache are the response's: what wrote the text, and
	// which cache (if any) answered it.
	Source  string    `json:"source"`
	Cache   string    `json:"cache"`
	Created time.Time `json:"created"`
	// Text is the bio, for the edit distance of an edited_bio.
	Text string `json:"text"`

	// Tenant and User own the record (sealed with it by the store, not
	// in the value).
	Tenant string `json:"-"`
	User   string `json:"-"`
	// Expires is when the tenant's retention ends it.
	Expires time.Time `json:"-"`

	key  string // in the queue and the store: key(Tenant, ID)
	cost int64  // in the queue: size()
}

// BioOf is the record of the response r, served to user of tenant at now
// and kept for retention.
func BioOf(tenant, user string, retention time.Duration, r *bio.Response, now time.Time) Bio {
	expID, arm := experimentOf(r)
	return Bio{ID: r.ID, Provider: r.Provider, Model: r.Model, PromptVersion: r.PromptVersion, ExperimentID: expID, Arm: arm,
		Source: string(r.Source), Cache: string(r.Cache), Created: now, Text: r.Bio,
		Tenant: tenant, User: user, Expires: now.Add(retention)}
}

// experimentOf returns the experiment and arm that wrote r, as its
// "experiment" field names them; "" outside an experiment. It is the one
// place a record reads them from.
func experimentOf(r *bio.Response) (id, arm string) {
	if r.Experiment == nil {
		return "", ""
	}
	return r.Experiment.ID, r.Experiment.Arm
}

// recordBase is what a queued record costs beyond its strings: the Bio
// struct, its map entry and key header, its pointer in the queue
// (TestQueueCountsRealBytes measures them).
const recordBase = 400

// size is the record's memory while queued, not less than the heap it
// takes (TestQueueCountsRealBytes).
func (b *Bio) size() int64 {
	return int64(recordBase + 2*len(b.Tenant) + len(b.User) + 2*len(b.ID) + len(b.Provider) + len(b.Model) + len(b.PromptVersion) +
		len(b.ExperimentID) + len(b.Arm) + len(b.Source) + len(b.Cache) + len(b.Text))
}

// key names a tenant's record (of a bio or a feedback) in the store and
// the queue: a bio id served to another tenant is another key, not found
// the same way as an id never served.
func key(tenant, id string) string { return tenant + "\x00" + id }

func (b *Bio) record() (store.Record, error) {
	v, err := json.Marshal(b)
	if err != nil {
		return store.Record{}, err
	}
	return store.Record{Value: v, Expires: b.Expires, Tenant: b.Tenant, User: b.User}, nil
}

func bioOf(r store.Record) (Bio, error) {
	var b Bio
	if err := json.Unmarshal(r.Value, &b); err != nil {
		return Bio{}, fmt.Errorf("cannot read a bio record: %w", err)
	}
	b.Tenant, b.User, b.Expires = r.Tenant, r.User, r.Expires
	return b, nil
}
