// Package corpustest gives tests over many profiles their request bodies:
// the project's own (internal/corpus), so that they run in a clone with
// nothing beside it, and the shared data set's after them when it is
// there.
package corpustest

import (
	"slices"
	"testing"

	"github.com/biogen/biogen/internal/corpus"
	"github.com/biogen/biogen/internal/shareddata"
)

// Seed is the seed of the generated bodies.
const Seed = 7

// Profiles returns n generated request bodies, then the shared profiles
// (shareddata.Optional: required in CI, left out elsewhere when missing).
func Profiles(t testing.TB, n int) [][]byte {
	t.Helper()
	out := make([][]byte, 0, n+308)
	for i := range n {
		r := corpus.Request(Seed, i)
		out = append(out, corpus.Body(&r))
	}
	return slices.Clip(append(out, shareddata.Optional(t, "profiles.jsonl")...)) // no slicing past the end into nils
}
