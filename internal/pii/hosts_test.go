package pii

import (
	"fmt"
	"testing"

	"github.com/biogen/biogen/internal/bio"
)

// FuzzEachURL checks that looking for URLs word by word, in the words
// mayBeHost lets through, finds exactly what xurls finds in the whole text:
// the shortcut never hides a URL.
func FuzzEachURL(f *testing.F) {
	for _, s := range []string{"see linkedin.com/in/ada and github.com/ada.", "ASP.NET Node.js e.g. 3.5", "(www.ada.dev)", "ftp://x",
		"10.0.0.1:80/x", "例え.テスト", "xn--bcher-kva.example", "a.io b.co", "Ada.Okafor@Contoso.COM", "mailto:a@b.c", "http://[::1]/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = bio.Fold(s)
		var want, got []string
		for _, loc := range hostRE().FindAllStringIndex(s, -1) {
			want = append(want, fmt.Sprint(loc))
		}
		eachURL(s, func(start, end int) { got = append(got, fmt.Sprint([]int{start, end})) })
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("in %q: word by word found %v; xurls finds %v", s, got, want)
		}
	})
}
