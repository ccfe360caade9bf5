package bio

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// notTexts are the profile's fields that hold no text: numbers, which
// carry no identifier. Any other field must be walked by EachText.
var notTexts = map[string]bool{
	"Profile.YearsExperience": true,
	"Education.Year":          true,
}

// fill sets every string reachable from v (structs, slices of two items,
// pointers) to a distinct marker and returns the markers by field path. It
// fails on a field of a kind it does not know, so that a new kind of field
// cannot pass unseen.
func fill(t *testing.T, v reflect.Value, path string, n *int, out map[string]string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		*n++
		s := fmt.Sprintf("marker-%d", *n)
		v.SetString(s)
		out[s] = path
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			p := v.Type().Name() + "." + f.Name
			if notTexts[p] {
				continue
			}
			fill(t, v.Field(i), p, n, out)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := 0; i < 2; i++ {
			fill(t, s.Index(i), fmt.Sprintf("%s[%d]", path, i), n, out)
		}
		v.Set(s)
	default:
		t.Fatalf("%s is a %s: add it to EachText if it can hold text, or to notTexts if it cannot", path, v.Kind())
	}
}

// TestEachTextWalksEveryField fails when a field is added to Profile (or to
// its entries) and EachText does not walk it: for pseudonymisation, a field
// not walked is a field sent off the premises as written.
func TestEachTextWalksEveryField(t *testing.T) {
	var p Profile
	markers := map[string]string{}
	n := 0
	fill(t, reflect.ValueOf(&p).Elem(), "Profile", &n, markers)
	seen := map[string]bool{}
	p.EachText(func(f TextField, s *string) {
		if seen[*s] {
			t.Errorf("%s (%s #%d) walked twice", markers[*s], f.Name, f.Index)
		}
		seen[*s] = true
	})
	var missing []string
	for m, path := range markers {
		if !seen[m] {
			missing = append(missing, path)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("EachText does not walk %v", missing)
	}
	if len(seen) != len(markers) {
		t.Fatalf("EachText walked %d values; the profile holds %d", len(seen), len(markers))
	}
}

// TestEachTextRewrites checks that the pointers EachText passes are the
// fields themselves, and that Clone's copy can be rewritten alone.
func TestEachTextRewrites(t *testing.T) {
	y := 3
	p := Profile{Name: "Ada", CurrentRole: "Engineer", YearsExperience: &y, Skills: []string{"Go"},
		Experience: []Experience{{Title: "Dev", Summary: "Built it"}}, Education: []Education{{School: "UL"}}}
	c := p.Clone()
	c.EachText(func(_ TextField, s *string) {
		if *s != "" {
			*s = "X"
		}
	})
	if c.Name != "X" || c.Skills[0] != "X" || c.Experience[0].Summary != "X" || c.Education[0].School != "X" {
		t.Fatalf("rewrite did not reach every field: %+v", c)
	}
	if p.Name != "Ada" || p.Skills[0] != "Go" || p.Experience[0].Summary != "Built it" || p.Education[0].School != "UL" {
		t.Fatalf("rewriting the clone changed the original: %+v", p)
	}
	*c.YearsExperience = 9
	if *p.YearsExperience != 3 {
		t.Fatal("the clone shares years_experience with the original")
	}
}

func TestFold(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q; want %q", in, got, want)
		}
	}
	f("ada@example.com", "ada@example.com")
	f("ada＠example．com", "ada@example.com")
	f("ａｄａ", "ada")
	f("ad\u200Ba@exa\u200Dmple.com", "ada@example.com")
	f("Kowal\u00ADczyk", "Kowalczyk")
	f("Ko\u2060walczyk\uFEFF", "Kowalczyk")
	f("ﬁnance", "finance")
	f("+４９ ３０", "+49 30")
	f("Łódź", "Łódź")
	f("Ａｎｎａ\u200E", "Anna")
}
