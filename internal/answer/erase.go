package answer

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/biogen/biogen/internal/tenant"
)

// Erased counts what an erasure removed, by store, as the contract's
// erase response names them.
type Erased struct {
	Cache       int `json:"cache"`
	Feedback    int `json:"feedback"`
	Idempotency int `json:"idempotency"`
	Jobs        int `json:"jobs"`
	// BioRecords counts the records of the user's bios (what feedback
	// finds a bio by). The contract's answer has no field for them: they
	// are neither cached bios nor feedback. The audit line reports them.
	BioRecords int `json:"-"`
}

// Erase removes everything biogen holds about user in tenant t: the
// user's job items; the exact and semantic cache entries (the byte aliases
// of their bodies with them) and, when the semantic cache is persisted, the
// snapshot too, rewritten before Erase returns, so that the user's data
// never comes back from an older one; then the user's idempotency records,
// bio records and the feedback on them; and no request arriving after it
// joins a generation begun before it. Erasing an unknown user removes
// nothing and is no error.
//
// The job items go before the caches: an item a worker read before they
// went is answered with a Call.Since before the caches' erasure, which
// then keeps that answer out of them (and its bio's record out of the
// records: see RecordBio).
func (a *Answerer) Erase(ctx context.Context, t *tenant.Tenant, user string) (Erased, error) {
	var e Erased
	// A request arriving from now on shares no generation begun before.
	a.flights.forget(t.ID + "\x00" + user)
	if a.record != nil {
		if err := a.record(t.ID, user); err != nil {
			return e, err
		}
	}
	if a.eraseJobs != nil {
		n, err := a.eraseJobs(t.ID, user)
		e.Jobs = n
		if err != nil {
			return e, fmt.Errorf("cannot erase job items: %w", err)
		}
	}
	if a.cache != nil {
		n, err := a.cache.EraseUser(ctx, t.ID, user)
		e.Cache = n
		if err != nil {
			return e, fmt.Errorf("cannot erase from the cache: %w", err)
		}
		if a.persist != nil {
			if err := a.persist(); err != nil {
				return e, fmt.Errorf("cannot rewrite the cache snapshot after an erasure: %w", err)
			}
		}
	}
	if a.eraseIdem != nil {
		n, err := a.eraseIdem(t.ID, user)
		e.Idempotency = n
		if err != nil {
			return e, fmt.Errorf("cannot erase idempotency records: %w", err)
		}
	}
	if a.eraseFeedback != nil {
		fb, recs, err := a.eraseFeedback(t.ID, user)
		e.Feedback, e.BioRecords = fb, recs
		if err != nil {
			return e, fmt.Errorf("cannot erase bio records and feedback: %w", err)
		}
	}
	return e, nil
}

// AuditID returns the keyed hash under which an audit line names user: the
// id itself is never logged.
func (a *Answerer) AuditID(user string) string {
	m := hmac.New(sha256.New, a.auditKey)
	m.Write([]byte(user))
	return hex.EncodeToString(m.Sum(nil))[:32]
}
