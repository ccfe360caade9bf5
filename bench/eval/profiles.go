package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/corpus"
)

// spread returns the options of case i: the 24 combinations of length,
// format, perspective and tone, taken 7 apart, so that every three cases
// hold each length, the first six hold both of each other option, and
// every 24 hold each combination once.
func spread(i int) bio.Options {
	k := i * 7 % 24
	return bio.Options{
		Length:      []bio.Length{bio.LengthShort, bio.LengthMedium, bio.LengthLong}[k%3],
		Format:      []bio.Format{bio.FormatParagraph, bio.FormatBullets}[k/3%2],
		Perspective: []bio.Perspective{bio.PerspectiveThird, bio.PerspectiveFirst}[k/6%2],
		Tone:        []bio.Tone{bio.ToneFormal, bio.ToneCasual}[k/12%2],
		Language:    "en",
	}
}

// thinEvery is the stride of thin profiles among the generated ones.
const thinEvery = 5

// generated returns n cases made by internal/corpus with seed, each
// decoded as the service decodes a body, with the spread of options.
// Every fifth (the 5th, 10th...) is cut to its name, pronouns, role and
// company, so that the sparse-profile path is measured too.
func generated(seed uint64, n int) ([]Case, error) {
	out := make([]Case, 0, n)
	for i := range n {
		r := corpus.Request(seed, i)
		r.Options = spread(i)
		thin := i%thinEvery == thinEvery-1
		if thin {
			p := r.Profile
			r.Profile = bio.Profile{Name: p.Name, Pronouns: p.Pronouns, CurrentRole: p.CurrentRole, Company: p.Company}
		}
		req, err := bio.Decode(corpus.Body(&r))
		if err != nil {
			return nil, fmt.Errorf("generated profile %d: %w", i, err)
		}
		out = append(out, Case{Index: i, Thin: thin, Req: req})
	}
	return out, nil
}

// fromFile returns the first n cases (all for 0) of a JSONL file of
// request bodies (such as ../shared/data/profiles.jsonl), decoded as the
// service decodes them, each with its own options.
func fromFile(path string, n int) ([]Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read profiles: %w", err)
	}
	defer f.Close()
	var out []Case
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for line := 1; sc.Scan() && (n == 0 || len(out) < n); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		req, err := bio.Decode(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		out = append(out, Case{Index: len(out), Req: req})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no request bodies", path)
	}
	return out, nil
}
