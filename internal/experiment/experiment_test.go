package experiment

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// TestSticky checks that a user's arm depends on the experiment's ID and
// the user alone: the same on every call and in another Split built from
// the same configuration (another process, a restart), and the assignments
// written down below, so that a change to the hash, which would move
// people between arms of a running experiment, fails here.
func TestSticky(t *testing.T) {
	a, err := New("prompt-v2", []int{50, 50})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New("prompt-v2", []int{50, 50})
	for i := range 1000 {
		u := fmt.Sprintf("w-%d", i)
		first := a.Arm(u)
		for range 3 {
			if got := a.Arm(u); got != first {
				t.Fatalf("user %s: arm %d, then %d", u, first, got)
			}
		}
		if got := b.Arm(u); got != first {
			t.Fatalf("user %s: arm %d in one split, %d in another of the same configuration", u, first, got)
		}
	}
	// The assignments of w-0 … w-19, as the documented hash gives them
	// (checked with another SHA-256: Python's hashlib). Changing them
	// changes who sees which arm in every running experiment.
	f := func(s *Split, want string) {
		t.Helper()
		var got strings.Builder
		for i := range len(want) {
			got.WriteByte(byte('A' + s.Arm(fmt.Sprintf("w-%d", i))))
		}
		if got.String() != want {
			t.Fatalf("experiment %q assigns w-0… to %s; want %s", s.id, got.String(), want)
		}
	}
	f(a, "ABABAABAABBABBBBABBB")
	three, _ := New("tone-test", []int{1, 1, 1})
	f(three, "ACAACACCBABBAAABCCAB")
	// Another experiment's ID assigns users afresh.
	other, _ := New("prompt-v3", []int{50, 50})
	same := 0
	for i := range 1000 {
		u := fmt.Sprintf("w-%d", i)
		if other.Arm(u) == a.Arm(u) {
			same++
		}
	}
	if same < 400 || same > 600 {
		t.Fatalf("%d of 1000 users in the same arm of two experiments; want about half", same)
	}
}

// TestSplit checks that over 10,000 users each arm gets its weight's share
// of them, within 3 percentage points, and an arm of weight 0 none.
func TestSplit(t *testing.T) {
	for _, weights := range [][]int{{50, 50}, {90, 10}, {10, 90}, {1, 1, 1}, {20, 30, 50}, {5, 0, 95}, {1}, {3, 1}} {
		s, err := New("exp-"+fmt.Sprint(weights), weights)
		if err != nil {
			t.Fatal(err)
		}
		const users = 10_000
		counts := make([]int, len(weights))
		for i := range users {
			counts[s.Arm(fmt.Sprintf("w-%05d", i))]++
		}
		total := 0
		for _, w := range weights {
			total += w
		}
		for i, w := range weights {
			got, want := float64(counts[i])/users, float64(w)/float64(total)
			if math.Abs(got-want) > 0.03 || w == 0 && counts[i] != 0 {
				t.Errorf("weights %v: arm %d got %.1f%% of the users; want %.1f%% ± 3", weights, i, 100*got, 100*want)
			}
		}
	}
}

func TestNewRejects(t *testing.T) {
	f := func(id string, weights []int, want string) {
		t.Helper()
		if _, err := New(id, weights); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("New(%q, %v): %v; want an error with %q", id, weights, err, want)
		}
	}
	f("", []int{1}, "ID is required")
	f("x", nil, "no arms")
	f("x", []int{0, 0}, "add up to 0")
	f("x", []int{1, -1}, "weight -1 of arm 1")
	f("x", []int{MaxWeight + 1}, "between 0 and")
}

// TestArmAllocatesNothing: Arm runs on every request of a tenant with an
// experiment.
func TestArmAllocatesNothing(t *testing.T) {
	s, _ := New("prompt-v2", []int{50, 50})
	user := strings.Repeat("u", 128)
	if n := testing.AllocsPerRun(100, func() { s.Arm(user) }); n != 0 {
		t.Fatalf("Arm allocates %v times; want 0", n)
	}
}

func BenchmarkArm(b *testing.B) {
	s, _ := New("prompt-v2", []int{50, 50})
	b.ReportAllocs()
	for b.Loop() {
		s.Arm("w-10423")
	}
}
