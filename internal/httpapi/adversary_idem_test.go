package httpapi

import (
	"testing"
	"time"
)

// TestAdversaryJoinerAfterErasureSharesOldGeneration: a request arriving after DELETE /v1/users/{id} joins the generation started before it and is served (and its key stores) the user's pre-erasure answer.
func TestAdversaryJoinerAfterErasureSharesOldGeneration(t *testing.T) {
	m := newModel()
	m.hold = func(n int64) bool { return n == 1 }
	ts := startServer(t, testOptions{first: m, idempotent: true})
	first := make(chan *result, 1)
	go func() { first <- ts.do("POST", "/v1/bios", keyFull, validReq) }()
	<-m.started
	if r := ts.do("DELETE", "/v1/users/w-10423", keyErase, ""); r.status != 200 {
		t.Fatalf("erase: %d %s", r.status, r.body)
	}
	after := make(chan *result, 1)
	go func() { after <- ts.idem(keyFull, "after-erasure") }()
	select {
	case r := <-after:
		if r.status != 200 {
			t.Fatalf("after the erasure: %d %s", r.status, r.body)
		}
		close(m.release)
		<-first
	case <-time.After(500 * time.Millisecond):
		close(m.release)
		<-first
		<-after
		t.Fatalf("a request sent after the erasure was answered with the generation begun before it (%d model call), and its key keeps it (replayed: %q)",
			m.calls.Load(), ts.idem(keyFull, "after-erasure").header.Get("Idempotent-Replayed"))
	}
}
