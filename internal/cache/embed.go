package cache

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ollama/ollama/api"
	"github.com/sony/gobreaker/v2"
)

// Embedder turns a text into a vector. Implementations are safe for
// concurrent use.
type Embedder interface {
	Embed(ctx context.Context, text string) ([]float32, error)
	// Name identifies the embedder and its settings; vectors of two
	// embedders are never compared.
	Name() string
}

// HashEmbedder embeds text with hashed word unigrams and bigrams and
// character trigrams: no model, no network, deterministic. It makes the
// semantic cache work on any machine; the fact check decides what is served.
//
// The zero value is usable (128 dimensions) and safe for concurrent use.
type HashEmbedder struct {
	// Dims is the vector size. Default 128.
	Dims int
}

// Name returns "hash-<dims>".
func (h HashEmbedder) Name() string { return fmt.Sprintf("hash-%d", h.dims()) }

func (h HashEmbedder) dims() int {
	if h.Dims <= 0 {
		return 128
	}
	return h.Dims
}

// Embed returns the normalised vector of text.
func (h HashEmbedder) Embed(_ context.Context, text string) ([]float32, error) {
	v := make([]float32, h.dims())
	add := func(feature string, w float32) {
		f := fnv.New64a()
		f.Write([]byte(feature))
		x := f.Sum64()
		i := int(x % uint64(len(v)))
		if x>>63 == 1 {
			w = -w
		}
		v[i] += w
	}
	words := strings.Fields(text)
	for i, w := range words {
		add("w:"+w, 1)
		if i > 0 {
			add("b:"+words[i-1]+" "+w, 1)
		}
		r := []rune(" " + w + " ")
		for j := 0; j+3 <= len(r); j++ {
			add("c:"+string(r[j:j+3]), 0.5)
		}
	}
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum > 0 {
		n := float32(1 / math.Sqrt(sum))
		for i := range v {
			v[i] *= n
		}
	}
	return v, nil
}

// OllamaEmbedder embeds with an embedding model on an Ollama server
// (/api/embed), for production.
//
// The zero value is not usable: create it with NewOllamaEmbedder. It is
// safe for concurrent use and holds nothing to stop.
type OllamaEmbedder struct {
	client *api.Client
	model  string
}

// NewOllamaEmbedder returns an embedder using model on host.
func NewOllamaEmbedder(host, model string) (*OllamaEmbedder, error) {
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("invalid Ollama host %q", host)
	}
	if model == "" {
		return nil, errors.New("the ollama embedder needs a model")
	}
	return &OllamaEmbedder{client: api.NewClient(u, http.DefaultClient), model: model}, nil
}

// Name returns "ollama:<model>".
func (o *OllamaEmbedder) Name() string { return "ollama:" + o.model }

// Embed asks the server for the vector of text.
func (o *OllamaEmbedder) Embed(ctx context.Context, text string) ([]float32, error) {
	resp, err := o.client.Embed(ctx, &api.EmbedRequest{Model: o.model, Input: text})
	if err != nil {
		return nil, fmt.Errorf("cannot embed with %s: %w", o.model, err)
	}
	if len(resp.Embeddings) != 1 || len(resp.Embeddings[0]) == 0 {
		return nil, fmt.Errorf("embedding model %s returned no vector", o.model)
	}
	return resp.Embeddings[0], nil
}

// boundedEmbedder bounds an embedder's calls: each one by a timeout within
// the caller's deadline, and all of them by a circuit breaker that, after
// consecutive failures, fails calls at once for a while instead of letting
// every store wait for a server that does not answer.
//
// It is safe for concurrent use; create it with newBoundedEmbedder.
type boundedEmbedder struct {
	emb     Embedder
	timeout time.Duration
	cb      *gobreaker.CircuitBreaker[[]float32]
}

// The breaker of boundedEmbedder.
const (
	embedFailures = 3                // consecutive failures that open the breaker
	embedOpen     = 30 * time.Second // how long it stays open
)

// newBoundedEmbedder bounds emb's calls by timeout, which the caller has
// checked is positive.
func newBoundedEmbedder(emb Embedder, timeout time.Duration) *boundedEmbedder {
	cb := gobreaker.NewCircuitBreaker[[]float32](gobreaker.Settings{
		Name:        "embedder:" + emb.Name(),
		MaxRequests: 1,
		Timeout:     embedOpen,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= embedFailures },
		// A caller that went away says nothing about the embedder.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
	})
	return &boundedEmbedder{emb: emb, timeout: timeout, cb: cb}
}

// Embed returns the vector of text, or an error when the embedder fails,
// does not answer within the timeout, or its breaker is open.
func (b *boundedEmbedder) Embed(ctx context.Context, text string) ([]float32, error) {
	return b.cb.Execute(func() ([]float32, error) {
		ctx, cancel := context.WithTimeout(ctx, b.timeout)
		defer cancel()
		v, err := b.emb.Embed(ctx, text)
		if err == nil && len(v) == 0 {
			err = errors.New("the embedder returned an empty vector")
		}
		return v, err
	})
}
