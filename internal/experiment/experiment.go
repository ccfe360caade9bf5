// Package experiment assigns users to the arms of an experiment: in
// proportion to the arms' weights, and always the same arm to the same
// user, by a stable hash of the experiment's ID and the user's ID (contract
// 1.1, "Experiments"). Nothing random, and nothing kept: a restart, another
// replica or another version of biogen assigns every user as before, as
// long as the experiment's ID, its arms' order and their weights stay.
package experiment

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// MaxWeight bounds an arm's weight, so that the weights' sum cannot
// overflow.
const MaxWeight = 1_000_000

// Split is an experiment's division of users between its arms.
//
// The zero value is not usable: call New. A Split is immutable and safe
// for concurrent use.
type Split struct {
	id string
	// ends are the cumulative weights: arm i takes the points in
	// [ends[i-1], ends[i]) of [0, total).
	ends  []uint64
	total uint64
}

// New returns the split of experiment id between arms of the given
// weights, in order: at least one arm, weights from 0 (an arm no one is
// assigned to) to MaxWeight, adding up to more than 0.
func New(id string, weights []int) (*Split, error) {
	if id == "" {
		return nil, errors.New("experiment: the ID is required")
	}
	if len(weights) == 0 {
		return nil, fmt.Errorf("experiment %q: no arms", id)
	}
	s := &Split{id: id, ends: make([]uint64, len(weights))}
	for i, w := range weights {
		if w < 0 || w > MaxWeight {
			return nil, fmt.Errorf("experiment %q: weight %d of arm %d must be between 0 and %d", id, w, i, MaxWeight)
		}
		s.total += uint64(w)
		s.ends[i] = s.total
	}
	if s.total == 0 {
		return nil, fmt.Errorf("experiment %q: the weights add up to 0", id)
	}
	return s, nil
}

// Arm returns the index of user's arm. The first 64 bits of
// SHA-256(id, 0, user) are a point spread evenly over 2^64, scaled onto
// [0, total weight) (the high word of the product: no modulo bias beyond
// one part in 2^44); the arm whose share of the weights holds the point is
// the user's. An arm of weight 0 holds no point.
func (s *Split) Arm(user string) int {
	// A user ID is at most 128 bytes and an experiment ID 64: the key is
	// built on the stack.
	var buf [256]byte
	key := append(append(append(buf[:0], s.id...), 0), user...)
	sum := sha256.Sum256(key)
	point, _ := bits.Mul64(binary.BigEndian.Uint64(sum[:8]), s.total)
	for i, end := range s.ends {
		if point < end {
			return i
		}
	}
	return len(s.ends) - 1 // unreachable: point < total = the last end
}

// ID returns the experiment's ID.
func (s *Split) ID() string { return s.id }
