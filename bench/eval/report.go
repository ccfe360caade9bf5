package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/biogen/biogen/internal/bio"
)

// Meta says how a report was made.
type Meta struct {
	Command  string `json:"command"`
	Date     string `json:"date"`
	Machine  string `json:"machine"`
	Profiles string `json:"profiles"`
	Parallel int    `json:"parallel"`
	Timeout  string `json:"timeout"`
}

// Report is what the command writes: how it ran, and each prompt version ×
// model's summary.
type Report struct {
	Meta      Meta       `json:"meta"`
	Summaries []*Summary `json:"summaries"`
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// alwaysFlags are the flags the comparison has a column for even when no
// bio has them.
var alwaysFlags = []string{bio.FlagNeedsReview, bio.FlagSparseProfile, bio.FlagUnverifiedFacts}

// WriteMarkdown writes the report's tables: the comparison, the first
// answers' outcomes, then one section per prompt version × model.
func (r *Report) WriteMarkdown(w io.Writer) {
	m := r.Meta
	fmt.Fprintf(w, "## Results\n\n```\n%s\n```\n\n", m.Command)
	fmt.Fprintf(w, "%s, %s; %s; %d bios at a time, %s per call.\n\n", m.Date, m.Machine, m.Profiles, m.Parallel, m.Timeout)
	r.writeComparison(w)
	r.writeOutcomes(w)
	for _, s := range r.Summaries {
		writeSection(w, s)
	}
}

func (r *Report) flagColumns() []string {
	cols := slices.Clone(alwaysFlags)
	for _, s := range r.Summaries {
		for f := range s.Flags {
			if !slices.Contains(cols, f) {
				cols = append(cols, f)
			}
		}
	}
	slices.Sort(cols)
	return cols
}

func (r *Report) writeComparison(w io.Writer) {
	flags := r.flagColumns()
	fmt.Fprintf(w, "### Comparison\n\n")
	head := []string{"prompt", "model", "n", "first pass", "corrected", "model bios", "words in range"}
	head = append(head, flags...)
	head = append(head, "unverified facts / bio", "first token p50 / p95 ms", "total p50 / p95 ms", "tokens in / out")
	row(w, head...)
	row(w, slices.Repeat([]string{"---"}, len(head))...)
	for _, s := range r.Summaries {
		cells := []string{s.Prompt, s.Model, fmt.Sprint(s.N), share(s.FirstPass, s.N), ratio(s.Corrected, s.Rejected),
			share(s.ModelBios, s.N), share(s.InRange, s.Answered)}
		for _, f := range flags {
			cells = append(cells, share(s.Flags[f], s.ModelBios))
		}
		unverified := "–"
		if s.ModelBios > 0 {
			unverified = fmt.Sprintf("%.2f", float64(s.Unverified)/float64(s.ModelBios))
		}
		cells = append(cells, unverified, latency(s.FirstToken), latency(s.Total), fmt.Sprintf("%.0f / %.0f", s.TokensIn, s.TokensOut))
		row(w, cells...)
	}
	for _, s := range r.Summaries {
		if s.Note != "" && s.Prompt == r.Summaries[0].Prompt {
			fmt.Fprintf(w, "\n%s: %s", s.Model, s.Note)
		}
	}
	fmt.Fprintln(w)
}

func (r *Report) writeOutcomes(w io.Writer) {
	fmt.Fprintf(w, "\n### First answers not passed, by reason\n\n")
	row(w, "prompt", "model", "reason", "first answers", "then passed on correction")
	row(w, "---", "---", "---", "---", "---")
	any := false
	for _, s := range r.Summaries {
		corrected := map[string]int{}
		for _, rec := range s.Records {
			if rec.Corrected == outcomePass {
				corrected[rec.First]++
			}
		}
		for _, c := range byCount(s.FirstOutcomes) {
			if c.Key == outcomePass {
				continue
			}
			any = true
			row(w, s.Prompt, s.Model, c.Key, fmt.Sprint(c.Count), fmt.Sprint(corrected[c.Key]))
		}
	}
	if !any {
		row(w, "–", "–", "none", "0", "0")
	}
}

func writeSection(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "\n### %s × %s\n\n", s.Prompt, s.Model)
	if s.Note != "" {
		fmt.Fprintf(w, "%s\n\n", s.Note)
	}
	row(w, "length", "words asked", "n", "first pass", "with text", "words in range", "words mean (least–most)")
	row(w, "---", "---", "---", "---", "---", "---", "---")
	for _, l := range s.ByLength {
		words := "–"
		if l.Answered > 0 {
			words = fmt.Sprintf("%.0f (%d–%d)", l.WordsMean, l.WordsMin, l.WordsMax)
		}
		row(w, string(l.Length), fmt.Sprintf("%d–%d", l.Min, l.Max), fmt.Sprint(l.N), share(l.FirstPass, l.N), fmt.Sprint(l.Answered),
			share(l.InRange, l.Answered), words)
	}
	fmt.Fprintln(w)
	row(w, "outcome", "first answers", "corrective retries")
	row(w, "---", "---", "---")
	keys := map[string]bool{}
	for k := range s.FirstOutcomes {
		keys[k] = true
	}
	for k := range s.CorrectedOutcomes {
		keys[k] = true
	}
	all := map[string]int{}
	for k := range keys {
		all[k] = s.FirstOutcomes[k] + s.CorrectedOutcomes[k]
	}
	for _, c := range byCount(all) {
		row(w, c.Key, fmt.Sprint(s.FirstOutcomes[c.Key]), fmt.Sprint(s.CorrectedOutcomes[c.Key]))
	}
	if len(s.FlagReasons) > 0 {
		fmt.Fprintln(w)
		row(w, "flag reason", "model bios")
		row(w, "---", "---")
		for _, c := range byCount(s.FlagReasons) {
			row(w, c.Key, share(c.Count, s.ModelBios))
		}
	}
	if fb := fallbacks(s); len(fb) > 0 {
		fmt.Fprintf(w, "\nTemplate answers (the chain's fallback reasons): %s.\n", strings.Join(fb, ", "))
	}
}

// fallbacks lists the chain's fallback reasons with their counts.
func fallbacks(s *Summary) []string {
	m := map[string]int{}
	for _, r := range s.Records {
		if !r.Model {
			m[r.Fallback]++
		}
	}
	var out []string
	for _, c := range byCount(m) {
		out = append(out, fmt.Sprintf("`%s` %d", c.Key, c.Count))
	}
	return out
}

func row(w io.Writer, cells ...string) {
	fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
}

// share is "83% (5/6)", "<1% (1/308)", or "–" of nothing.
func share(k, n int) string {
	if n == 0 {
		return "–"
	}
	if pct := 100 * float64(k) / float64(n); k == 0 || pct >= 1 {
		return fmt.Sprintf("%.0f%% (%d/%d)", pct, k, n)
	}
	return fmt.Sprintf("<1%% (%d/%d)", k, n)
}

// ratio is "5/6", or "–" of nothing.
func ratio(k, n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d", k, n)
}

func latency(p Percentiles) string {
	if p.N == 0 {
		return "–"
	}
	return ms(p.P50) + " / " + ms(p.P95)
}

func ms(v float64) string {
	if v < 10 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}
