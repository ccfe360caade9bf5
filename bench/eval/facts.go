package main

import (
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/check"
)

// unverifiedFacts counts the sentences of text, a served bio, that hold a
// fact the output checks cannot find in the profile (a number, a name of a
// thing, an adverse claim): the flag unverified_facts.
//
// The checks flag a bio once and stop at its first such fact, so they are
// asked sentence by sentence: each sentence (each bullet) is verified on
// its own behind an anchor that satisfies the person checks and holds no
// fact (the full name, or "I"), with no length to meet. A sentence with two
// facts counts once, so this is a floor; a bio the checks flag counts at
// least 1. It is 0 for a language the checks do not read for facts.
func unverifiedFacts(req *bio.Request, text string, now time.Time) int {
	probe := *req
	probe.Options.Format = bio.FormatParagraph
	probe.Options.Length = bio.LengthLong // no sentence is longer than the bio
	thin := func() bool { return true }   // a short text is flagged, not rejected
	anchor := req.Profile.Name + "."
	if req.Options.Perspective == bio.PerspectiveFirst {
		anchor = "I."
	}
	flagged := func(s string) bool {
		flags, err := check.Verify(&probe, s, thin, now)
		return err == nil && slices.Contains(flags, bio.FlagUnverifiedFacts)
	}
	if !req.Options.English() || !flagged(anchor+" "+strings.Join(strings.Fields(text), " ")) {
		return 0
	}
	n := 0
	for _, s := range sentences(text) {
		if flagged(anchor + " " + s) {
			n++
		}
	}
	return max(n, 1)
}

// notSentenceEnd are words that end with a full stop without ending a
// sentence, in lower case without it.
var notSentenceEnd = map[string]bool{"dr": true, "mr": true, "mrs": true, "ms": true, "sr": true, "jr": true, "st": true,
	"inc": true, "ltd": true, "co": true, "corp": true, "vs": true, "e.g": true, "i.e": true, "etc": true, "no": true, "prof": true}

// sentences splits a bio into its lines, and each line into sentences: a
// sentence ends with ".", "!" or "?" before a space and a capital letter
// or a digit, unless the word is an abbreviation or an initial ("Dr.",
// "J."). A bullet keeps its "- ".
func sentences(text string) []string {
	var out []string
	for line := range strings.Lines(text) {
		var cur []string
		words := strings.Fields(line)
		for i, w := range words {
			cur = append(cur, w)
			if i+1 < len(words) && endsSentence(w, words[i+1]) {
				out = append(out, strings.Join(cur, " "))
				cur = cur[:0]
			}
		}
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
		}
	}
	return out
}

func endsSentence(w, next string) bool {
	last := w[len(w)-1]
	if last != '.' && last != '!' && last != '?' {
		return false
	}
	r := []rune(next)[0]
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	if last != '.' {
		return true
	}
	core := strings.ToLower(strings.TrimLeft(strings.TrimSuffix(w, "."), "(\"'"))
	letters := []rune(core)
	return !notSentenceEnd[core] && !(len(letters) == 1 && unicode.IsLetter(letters[0]))
}
