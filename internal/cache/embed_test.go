package cache

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sony/gobreaker/v2"
)

// hangingEmbedder never answers: each call waits for its context to end.
type hangingEmbedder struct{ calls atomic.Int64 }

func (h *hangingEmbedder) Name() string { return "hanging" }

func (h *hangingEmbedder) Embed(ctx context.Context, _ string) ([]float32, error) {
	h.calls.Add(1)
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestHangingEmbedder checks that an embedder that never answers costs a
// store at most the embed timeout, then nothing once the breaker opens;
// that lookups, purges and snapshots never call it; and that the exact
// cache keeps working.
func TestHangingEmbedder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		emb := &hangingEmbedder{}
		c, err := New(Limits{Bytes: 16 << 20}, emb, 50*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		tn := testTenant("user")
		ctx := context.Background()
		for i := 0; i < embedFailures; i++ {
			start := time.Now()
			q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, strings.Replace(base, "Mentored 6", "Mentored "+string(rune('1'+i)), 1)), PromptVersion: "bio-v1", ProvidersKey: "big=m"}
			err := c.Store(ctx, q, "Ada Okafor is an engineer.", nil, "ollama", "big", "m")
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("store %d: %v; want the embed timeout", i, err)
			}
			if d := time.Since(start); d != 50*time.Millisecond {
				t.Fatalf("store %d took %v of fake time; want the 50ms timeout", i, d)
			}
		}
		// The breaker is open: the next store does not call the embedder.
		start := time.Now()
		q := &Query{Tenant: tn.ID, Policy: tn.Policy, Req: decode(t, base), PromptVersion: "bio-v1", ProvidersKey: "big=m"}
		if err := c.Store(ctx, q, "Ada Okafor is an engineer.", nil, "ollama", "big", "m"); !errors.Is(err, gobreaker.ErrOpenState) {
			t.Fatalf("store with an open breaker: %v", err)
		}
		if d := time.Since(start); d != 0 || emb.calls.Load() != embedFailures {
			t.Fatalf("store with an open breaker took %v and made %d calls", d, emb.calls.Load())
		}
		c.Wait()
		// The exact cache stored anyway; lookups never embed.
		if _, kind := lookup(t, c, tn, base); kind != HitExact {
			t.Fatalf("exact lookup: %q", kind)
		}
		if _, kind := lookup(t, c, tn, strings.Replace(base, `"Go","Kafka"`, `"Kafka","Go"`, 1)); kind != "" {
			t.Fatalf("semantic lookup: %q", kind)
		}
		c.Maintain(ctx)
		if err := c.Semantic().Export(filepath.Join(t.TempDir(), "s"), strings.Repeat("k", 32)); err != nil {
			t.Fatal(err)
		}
		if n := emb.calls.Load(); n != embedFailures {
			t.Fatalf("the embedder was called %d times; want %d (stores only)", n, embedFailures)
		}
		// After the breaker's open time, one probe is let through.
		time.Sleep(embedOpen + time.Millisecond)
		c.Store(ctx, q, "Ada Okafor is an engineer.", nil, "ollama", "big", "m")
		if n := emb.calls.Load(); n != embedFailures+1 {
			t.Fatalf("after %v: %d calls; want one probe", embedOpen, n)
		}
	})
}

// TestOllamaEmbedderTimeout points the Ollama embedder at a server that
// accepts and never answers: the call ends at the timeout.
func TestOllamaEmbedderTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	o, err := NewOllamaEmbedder(srv.URL, "nomic-embed-text")
	if err != nil {
		t.Fatal(err)
	}
	b := newBoundedEmbedder(o, 100*time.Millisecond)
	if _, err := b.Embed(context.Background(), "facts"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("embed against a hanging server: %v; want the timeout", err)
	}
}
