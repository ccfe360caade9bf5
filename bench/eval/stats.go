package main

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/biogen/biogen/internal/bio"
)

// Summary is the evaluation of one prompt version with one arm.
type Summary struct {
	Prompt string `json:"prompt"`
	Model  string `json:"model"`
	Note   string `json:"note,omitempty"`
	// N is the number of bios asked for.
	N int `json:"n"`
	// FirstPass counts first answers that passed the output checks.
	FirstPass int `json:"first_pass"`
	// Rejected counts first answers the checks rejected (each gets a
	// corrective retry), Corrected those whose retry passed.
	Rejected  int `json:"rejected"`
	Corrected int `json:"corrected"`
	// Failed counts first calls that failed (timeout, num_predict, ...).
	Failed int `json:"failed"`
	// ModelBios counts bios the model wrote in the end, first or
	// corrected; the others came from the template writer.
	ModelBios int `json:"model_bios"`
	// Answered counts first calls that gave a text, InRange those whose
	// text's word count is within the length's range.
	Answered int `json:"answered"`
	InRange  int `json:"in_range"`
	// Flags counts the served model bios with each flag, FlagReasons with
	// each "<flag>:<reason>".
	Flags       map[string]int `json:"flags"`
	FlagReasons map[string]int `json:"flag_reasons"`
	// Unverified adds up Record.Unverified over the model bios.
	Unverified int `json:"unverified"`
	// FirstOutcomes and CorrectedOutcomes count Record.First and
	// Record.Corrected by value ("pass" included).
	FirstOutcomes     map[string]int `json:"first_outcomes"`
	CorrectedOutcomes map[string]int `json:"corrected_outcomes"`
	// FirstToken and Total are percentiles, in ms, over the bios whose
	// first call sent text (FirstToken) and over every bio (Total).
	FirstToken Percentiles `json:"first_token_ms"`
	Total      Percentiles `json:"total_ms"`
	// TokensIn and TokensOut are means per bio.
	TokensIn  float64 `json:"tokens_in_mean"`
	TokensOut float64 `json:"tokens_out_mean"`
	// ByLength is the same summary's first answers by length.
	ByLength []LengthRow `json:"by_length"`
	Records  []Record    `json:"records"`
}

// Percentiles of a latency, in milliseconds.
type Percentiles struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	Max float64 `json:"max"`
}

// LengthRow is the first answers of one length.
type LengthRow struct {
	Length    bio.Length `json:"length"`
	Min       int        `json:"min"`
	Max       int        `json:"max"`
	N         int        `json:"n"`
	FirstPass int        `json:"first_pass"`
	Answered  int        `json:"answered"`
	InRange   int        `json:"in_range"`
	// Words are the first answers' word counts: mean, least and most.
	WordsMean float64 `json:"words_mean"`
	WordsMin  int     `json:"words_min"`
	WordsMax  int     `json:"words_max"`
}

// summarise counts recs, the records of prompt version v and arm a.
func summarise(v string, a Arm, recs []Record) *Summary {
	s := &Summary{Prompt: v, Model: a.Name, Note: a.Note, N: len(recs), Records: recs,
		Flags: map[string]int{}, FlagReasons: map[string]int{}, FirstOutcomes: map[string]int{}, CorrectedOutcomes: map[string]int{}}
	var firstToken, total []time.Duration
	var in, out int
	for _, r := range recs {
		s.FirstOutcomes[r.First]++
		switch {
		case r.First == outcomePass:
			s.FirstPass++
		case strings.HasPrefix(r.First, providerPrefix):
			s.Failed++
		default:
			s.Rejected++
			if r.Corrected == outcomePass {
				s.Corrected++
			}
		}
		if r.Corrected != "" {
			s.CorrectedOutcomes[r.Corrected]++
		}
		if !strings.HasPrefix(r.First, providerPrefix) {
			s.Answered++
			if r.FirstInRange {
				s.InRange++
			}
		}
		if r.Model {
			s.ModelBios++
			for _, f := range r.Flags {
				s.Flags[f]++
			}
			for _, f := range r.FlagReasons {
				s.FlagReasons[f]++
			}
			s.Unverified += r.Unverified
		}
		if r.FirstToken > 0 {
			firstToken = append(firstToken, r.FirstToken)
		}
		total = append(total, r.Total)
		in += r.TokensIn
		out += r.TokensOut
	}
	s.FirstToken, s.Total = percentiles(firstToken), percentiles(total)
	if len(recs) > 0 {
		s.TokensIn, s.TokensOut = float64(in)/float64(len(recs)), float64(out)/float64(len(recs))
	}
	s.ByLength = byLength(recs)
	return s
}

func byLength(recs []Record) []LengthRow {
	var rows []LengthRow
	for _, l := range []bio.Length{bio.LengthShort, bio.LengthMedium, bio.LengthLong} {
		row := LengthRow{Length: l}
		row.Min, row.Max = l.Range()
		sum := 0
		for _, r := range recs {
			if r.Options.Length != l {
				continue
			}
			row.N++
			if r.First == outcomePass {
				row.FirstPass++
			}
			if strings.HasPrefix(r.First, providerPrefix) {
				continue
			}
			if row.Answered == 0 || r.FirstWords < row.WordsMin {
				row.WordsMin = r.FirstWords
			}
			row.WordsMax = max(row.WordsMax, r.FirstWords)
			row.Answered++
			sum += r.FirstWords
			if r.FirstInRange {
				row.InRange++
			}
		}
		if row.Answered > 0 {
			row.WordsMean = float64(sum) / float64(row.Answered)
		}
		if row.N > 0 {
			rows = append(rows, row)
		}
	}
	return rows
}

// percentiles returns the nearest-rank p50 and p95 and the maximum of ds,
// in milliseconds.
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		i := int(math.Ceil(p*float64(len(s)))) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	return Percentiles{N: len(s), P50: ms(rank(0.50)), P95: ms(rank(0.95)), Max: ms(s[len(s)-1])}
}

// counted is a map's entries by count, most first, then by key.
type counted struct {
	Key   string
	Count int
}

func byCount(m map[string]int) []counted {
	out := make([]counted, 0, len(m))
	for k, n := range m {
		out = append(out, counted{k, n})
	}
	slices.SortFunc(out, func(a, b counted) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Key, b.Key))
	})
	return out
}
