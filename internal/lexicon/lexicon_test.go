package lexicon

import (
	"sync"
	"testing"
)

func TestGiven(t *testing.T) {
	for _, c := range []struct {
		word string
		want Class
	}{
		{"Kevin", OnlyName}, {"KEVIN", OnlyName}, {"kevin", OnlyName}, {"Priya", OnlyName},
		{"Will", CommonWord}, {"Grant", CommonWord}, {"Rose", CommonWord},
		{"Baker", RareWord}, {"Shell", Term}, {"June", Term}, {"Azure", Term}, {"Austin", Place}, {"Victoria", Place},
		{"Zoë", OnlyName}, {"José", OnlyName},
		{"Kubernetes", NotAName}, {"", NotAName}, {"Jean-Luc", NotAName}, {"writing", NotAName},
	} {
		if got := Given(c.word); got != c.want {
			t.Errorf("Given(%q) = %d, want %d", c.word, got, c.want)
		}
		if IsGivenName(c.word) != (c.want != NotAName) || c.want.IsName() != (c.want != NotAName) {
			t.Errorf("IsGivenName(%q) disagrees with Given", c.word)
		}
	}
}

func TestIsWord(t *testing.T) {
	for _, w := range []string{"grant", "writing", "yards", "planned", "running", "studies", "carried", "nevada", "austin", "curacao", "cote"} {
		if !IsWord(w) {
			t.Errorf("IsWord(%q) = false", w)
		}
	}
	for _, w := range []string{"okafor", "kubernetes", "Writing", "", "xq", "plannned"} {
		if IsWord(w) {
			t.Errorf("IsWord(%q) = true", w)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	Given("x")
	IsWord("x")
	if n := testing.AllocsPerRun(100, func() {
		Given("Kevin")
		Given("Okafor")
		IsWord("writing")
		IsWord("studies")
	}); n != 0 {
		t.Errorf("%v allocations, want 0", n)
	}
}

// TestConcurrent reads the lists from many goroutines at once (the first
// read among them when run alone: go test -race -run Concurrent).
func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if !IsGivenName("Kevin") || !IsWord("writing") || FoldAccents("Zoë") != "Zoe" {
				t.Error("wrong answer under concurrency")
			}
		})
	}
	wg.Wait()
}
