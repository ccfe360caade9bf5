// Command tinymodel writes a tiny llama-architecture GGUF model with random
// weights: it loads in a real Ollama server in a fraction of a second and
// generates noise, which is all biogen's integration tests need to exercise
// the real protocol (streaming, cancellation, queueing, output checks).
//
//	go run ./tinymodel -o tiny.gguf
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"

	"github.com/ollama/ollama/fs/ggml"
)

const (
	nEmbd  = 64
	nFF    = 128
	nLayer = 2
	nHead  = 4
	nCtx   = 8192
)

// words become "▁word" pieces, so the noise is made of words.
var words = []string{"the", "a", "and", "of", "to", "in", "is", "at", "with", "for", "engineer", "team", "data",
	"platform", "lead", "built", "years", "experience", "skills", "company", "role", "manager", "design", "systems"}

// randomTensor writes n little-endian float32s uniform in ±0.2, or all
// equal to fill when fill is not NaN.
type randomTensor struct {
	n    uint64
	fill float32
	seed uint64
}

func (t randomTensor) WriteTo(w io.Writer) (int64, error) {
	r := rand.New(rand.NewPCG(t.seed, 7))
	buf := make([]byte, 4*t.n)
	for i := uint64(0); i < t.n; i++ {
		v := t.fill
		if math.IsNaN(float64(t.fill)) {
			v = float32(r.Float64()*0.4 - 0.2)
		}
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
	}
	n, err := w.Write(buf)
	return int64(n), err
}

func tensor(name string, seed uint64, fill float32, shape ...uint64) ggml.Tensor {
	n := uint64(1)
	for _, s := range shape {
		n *= s
	}
	return ggml.Tensor{Name: name, Kind: 0, Shape: shape, WriterTo: randomTensor{n: n, fill: fill, seed: seed}}
}

func main() {
	out := flag.String("o", "tiny.gguf", "output `file`")
	flag.Parse()

	tokens := []string{"<unk>", "<s>", "</s>"}
	types := []int32{2, 3, 3}
	for b := 0; b < 256; b++ {
		tokens = append(tokens, fmt.Sprintf("<0x%02X>", b))
		types = append(types, 6)
	}
	for _, w := range words {
		tokens = append(tokens, "▁"+w)
		types = append(types, 1)
	}
	scores := make([]float32, len(tokens))
	for i := range scores {
		scores[i] = -float32(i)
	}
	nVocab := uint64(len(tokens))
	kv := ggml.KV{
		"general.architecture":                   "llama",
		"general.name":                           "biogen-tiny",
		"general.file_type":                      uint32(0),
		"llama.context_length":                   uint32(nCtx),
		"llama.embedding_length":                 uint32(nEmbd),
		"llama.block_count":                      uint32(nLayer),
		"llama.feed_forward_length":              uint32(nFF),
		"llama.attention.head_count":             uint32(nHead),
		"llama.attention.head_count_kv":          uint32(nHead),
		"llama.attention.layer_norm_rms_epsilon": float32(1e-5),
		"llama.rope.dimension_count":             uint32(nEmbd / nHead),
		"llama.vocab_size":                       uint32(nVocab),
		"tokenizer.ggml.model":                   "llama",
		"tokenizer.ggml.tokens":                  tokens,
		"tokenizer.ggml.scores":                  scores,
		"tokenizer.ggml.token_type":              types,
		"tokenizer.ggml.bos_token_id":            uint32(1),
		"tokenizer.ggml.eos_token_id":            uint32(2),
		"tokenizer.ggml.unknown_token_id":        uint32(0),
	}
	nan := float32(math.NaN())
	// Shapes are given [rows, cols]; WriteGGUF reverses them.
	ts := []ggml.Tensor{
		tensor("token_embd.weight", 1, nan, nVocab, nEmbd),
		tensor("output_norm.weight", 2, 1, nEmbd),
		tensor("output.weight", 3, nan, nVocab, nEmbd),
	}
	for l := 0; l < nLayer; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		s := uint64(10 * (l + 1))
		ts = append(ts,
			tensor(p+"attn_norm.weight", s, 1, nEmbd),
			tensor(p+"attn_q.weight", s+1, nan, nEmbd, nEmbd),
			tensor(p+"attn_k.weight", s+2, nan, nEmbd, nEmbd),
			tensor(p+"attn_v.weight", s+3, nan, nEmbd, nEmbd),
			tensor(p+"attn_output.weight", s+4, nan, nEmbd, nEmbd),
			tensor(p+"ffn_norm.weight", s+5, 1, nEmbd),
			tensor(p+"ffn_gate.weight", s+6, nan, nFF, nEmbd),
			tensor(p+"ffn_up.weight", s+7, nan, nFF, nEmbd),
			tensor(p+"ffn_down.weight", s+8, nan, nEmbd, nFF),
		)
	}
	f, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tinymodel:", err)
		os.Exit(1)
	}
	if err := ggml.WriteGGUF(f, kv, ts); err != nil {
		fmt.Fprintln(os.Stderr, "tinymodel:", err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "tinymodel:", err)
		os.Exit(1)
	}
}
