package bio

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/biogen/biogen/internal/shareddata"
)

const validBody = `{"user_id":"w-1","profile":{"name":"Ada Okafor","current_role":"Engineer"}}`

func TestDecodeDefaults(t *testing.T) {
	req, err := Decode([]byte(validBody))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if req.Options != DefaultOptions {
		t.Fatalf("got options %+v; want %+v", req.Options, DefaultOptions)
	}
	if req.Profile.Name != "Ada Okafor" || req.UserID != "w-1" {
		t.Fatalf("got %+v", req)
	}
}

func TestDecodeMalformed(t *testing.T) {
	f := func(body string) {
		t.Helper()
		_, err := Decode([]byte(body))
		if !errors.Is(err, ErrMalformed) {
			t.Fatalf("Decode(%q): got %v; want ErrMalformed", body, err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Fatalf("error echoes the body: %v", err)
		}
	}
	f(``)
	f(`{`)
	f(`{"user_id": secret}`)
	f(`{"a":1} {"b":2}`)
	f(`{"user_id":"w-1"} trailing`)
	f("{\"user_id\":\"\xff\xfe\"}")
	f(`[1,2,`)
}

// TestDecodeValidation checks that each bad field gives its own entry with
// its pointer.
func TestDecodeValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	list := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = `"s` + strconv.Itoa(i) + `"`
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	objs := func(n int, obj string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(obj+",", n), ",") + "]"
	}
	f := func(body string, want ...string) {
		t.Helper()
		_, err := Decode([]byte(body))
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("Decode(%.80q): got %v; want a ValidationError", body, err)
		}
		var got []string
		for _, fe := range ve.Fields {
			got = append(got, fe.Pointer)
			if fe.Detail == "" {
				t.Fatalf("empty detail for %s", fe.Pointer)
			}
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("Decode(%.120q): got pointers %q; want %q", body, got, want)
		}
	}
	p := func(fields string) string {
		return `{"user_id":"w-1","profile":{"name":"A","current_role":"B"` + fields + `}}`
	}
	f(`[]`, "")
	f(`"x"`, "")
	f(`{}`, "/profile", "/user_id")
	f(`{"user_id":"w 1","profile":{"name":"A","current_role":"B"}}`, "/user_id")
	f(`{"user_id":"`+long(129)+`","profile":{"name":"A","current_role":"B"}}`, "/user_id")
	f(`{"user_id":7,"profile":{"name":"A","current_role":"B"}}`, "/user_id")
	f(`{"user_id":"w-1","profile":{"current_role":"B"}}`, "/profile/name")
	f(`{"user_id":"w-1","profile":{"name":"   ","current_role":"B"}}`, "/profile/name")
	f(`{"user_id":"w-1","profile":{"name":"A"}}`, "/profile/current_role")
	f(`{"user_id":"w-1","profile":[]}`, "/profile")
	f(p(`,"nmae":"x"`), "/profile/nmae")
	f(p(`,"a/b~c":"x"`), "/profile/a~1b~0c")
	f(`{"user_id":"w-1","extra":1,"profile":{"name":"A","current_role":"B"}}`, "/extra")
	f(p(`,"company":"`+long(201)+`"`), "/profile/company")
	f(p(`,"location":5`), "/profile/location")
	f(p(`,"experience_summary":"`+long(2001)+`"`), "/profile/experience_summary")
	f(p(`,"skills":`+list(51)), "/profile/skills/50")
	f(p(`,"skills":["ok","`+long(201)+`"]`), "/profile/skills/1")
	f(p(`,"skills":"Go"`), "/profile/skills")
	f(p(`,"skills":[1]`), "/profile/skills/0")
	f(p(`,"achievements":`+list(21)), "/profile/achievements/20")
	f(p(`,"achievements":["`+long(501)+`"]`), "/profile/achievements/0")
	f(p(`,"certifications":`+list(21)), "/profile/certifications/20")
	f(p(`,"languages":`+list(21)), "/profile/languages/20")
	f(p(`,"experience":`+objs(31, `{"title":"T"}`)), "/profile/experience/30")
	f(p(`,"education":`+objs(11, `{"school":"S"}`)), "/profile/education/10")
	f(p(`,"experience":[{"title":"T","start":"2020-13"}]`), "/profile/experience/0/start")
	f(p(`,"experience":[{"title":"T","start":"20"}]`), "/profile/experience/0/start")
	f(p(`,"experience":[{"title":"T","start":"2020-05","end":"2019-13"}]`), "/profile/experience/0/end")
	f(p(`,"experience":[{"title":"T","summary":"`+long(501)+`"}]`), "/profile/experience/0/summary")
	f(p(`,"experience":[{"title":"T","bogus":1}]`), "/profile/experience/0/bogus")
	f(p(`,"experience":[{"start":"2020"}]`), "/profile/experience/0/title")
	f(p(`,"experience":[7]`), "/profile/experience/0")
	f(p(`,"education":[{"school":"S","year":1850}]`), "/profile/education/0/year")
	f(p(`,"education":[{"school":"S","year":2001.5}]`), "/profile/education/0/year")
	f(p(`,"education":[{}]`), "/profile/education/0/school")
	f(p(`,"years_experience":-1`), "/profile/years_experience")
	f(p(`,"years_experience":"12"`), "/profile/years_experience")
	f(`{"user_id":"w-1","profile":{"name":"A","current_role":"B"},"options":{"tone":"sarcastic"}}`, "/options/tone")
	f(`{"user_id":"w-1","profile":{"name":"A","current_role":"B"},"options":{"length":"huge","format":"table","perspective":"second"}}`,
		"/options/format", "/options/length", "/options/perspective")
	f(`{"user_id":"w-1","profile":{"name":"A","current_role":"B"},"options":{"language":"not a tag"}}`, "/options/language")
	f(`{"user_id":"w-1","profile":{"name":"A","current_role":"B"},"options":{"colour":"red"}}`, "/options/colour")
	f(`{"user_id":"w-1","profile":{"name":"A","current_role":"B"},"regenerate":"yes"}`, "/regenerate")
	// Several problems at once: one entry each.
	f(`{"user_id":"","profile":{"name":"","current_role":"`+long(300)+`","skills":`+list(60)+`}}`,
		"/profile/current_role", "/profile/name", "/profile/skills/50", "/user_id")
}

func TestDecodeNormalizes(t *testing.T) {
	body := `{"user_id":"w-1","profile":{"name":"  Zoe\u0308  \u202eNu\u00f1ez ","current_role":"Data\n\tEngineer",
		"skills":["Go","go"," Kafka ","","GO"],"languages":["English","english"]},
		"options":{"language":"pt-br"}}`
	req, err := Decode([]byte(body))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got, want := req.Profile.Name, "Zoë Nuñez"; got != want {
		t.Fatalf("name: got %q; want %q", got, want)
	}
	if got, want := req.Profile.CurrentRole, "Data Engineer"; got != want {
		t.Fatalf("role: got %q; want %q", got, want)
	}
	if got, want := strings.Join(req.Profile.Skills, "|"), "Go|Kafka"; got != want {
		t.Fatalf("skills: got %q; want %q", got, want)
	}
	if got, want := req.Options.Language, "pt-BR"; got != want {
		t.Fatalf("language: got %q; want %q", got, want)
	}
}

func TestCanonicalIgnoresLayout(t *testing.T) {
	a := `{"user_id":"w-1","profile":{"name":"Ada","current_role":"Engineer","skills":["Go","Kafka"]},"options":{"tone":"formal"}}`
	b := "{\"options\":{},\"stream\":true,\"profile\":{\"skills\":[\"Go\",\" Kafka\",\"go\"],\"current_role\":\"Engineer \",\n\"name\":\"Ada\"},\"user_id\":\"w-1\"}"
	c := `{"user_id":"w-1","profile":{"name":"Ada","current_role":"Engineer","skills":["Go","Kafka"]},"options":{"tone":"casual"}}`
	canon := func(s string) []byte {
		req, err := Decode([]byte(s))
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		return req.AppendCanonical(nil)
	}
	if !bytes.Equal(canon(a), canon(b)) {
		t.Fatalf("same request, different canonical forms:\n%s\n%s", canon(a), canon(b))
	}
	if bytes.Equal(canon(a), canon(c)) {
		t.Fatalf("different options, same canonical form: %s", canon(a))
	}
}

func TestParseYearMonth(t *testing.T) {
	f := func(s string, want YearMonth, wantOK bool) {
		t.Helper()
		got, ok := ParseYearMonth(s)
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("ParseYearMonth(%q): got %v %v; want %v %v", s, got, ok, want, wantOK)
		}
	}
	f("2016", YearMonth{2016, 0}, true)
	f("2016-03", YearMonth{2016, 3}, true)
	f("2016-3", YearMonth{}, false)
	f("2016-00", YearMonth{}, false)
	f("2016--1", YearMonth{}, false)
	f("1899", YearMonth{}, false)
	f("20a6", YearMonth{}, false)
	f("2016/03", YearMonth{}, false)
}

func TestExperienceYears(t *testing.T) {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	f := func(p Profile, want int, wantOK bool) {
		t.Helper()
		got, ok := p.ExperienceYears(now)
		if got != want || ok != wantOK {
			t.Fatalf("got %d %v; want %d %v", got, ok, want, wantOK)
		}
	}
	seven := 7
	f(Profile{YearsExperience: &seven}, 7, true)
	f(Profile{}, 0, false)
	f(Profile{Experience: []Experience{{Start: "2016-03", End: "2021-08"}}}, 5, true)
	// Overlapping entries count once; a current one runs to now.
	f(Profile{Experience: []Experience{{Start: "2016-01", End: "2020-12"}, {Start: "2019-01", End: "2020-06"}, {Start: "2022-11"}}}, 9, true)
	f(Profile{Experience: []Experience{{Start: "2026-06"}}}, 0, false)
	// An end before its start is ignored.
	f(Profile{Experience: []Experience{{Start: "2020-01", End: "2022-01"}, {Start: "2025-11", End: "2025-03"}}}, 2, true)
}

func TestParsePronouns(t *testing.T) {
	f := func(s, subj, obj, poss string, plural bool) {
		t.Helper()
		p := ParsePronouns(s)
		if p.Subject != subj || p.Object != obj || p.Possessive != poss || p.Plural != plural {
			t.Fatalf("ParsePronouns(%q): got %+v", s, p)
		}
	}
	f("she/her", "she", "her", "her", false)
	f("He/Him", "he", "him", "his", false)
	f("they/them", "they", "them", "their", true)
	f("she/they", "she", "her", "her", false)
	f("xe/xem", "xe", "xem", "", false)
	f("ze/hir/hir", "ze", "hir", "hir", false)
	f("any/all", "", "", "", false)
	f("", "", "", "", false)
	f("please ask", "", "", "", false)
	f("xe", "", "", "", false)
}

func TestWordCount(t *testing.T) {
	f := func(s string, want int) {
		t.Helper()
		if got := WordCount(s); got != want {
			t.Fatalf("WordCount(%q): got %d; want %d", s, got, want)
		}
	}
	f("", 0)
	f("Ada Okafor is an engineer.", 5)
	f("- Go, Kafka and PostgreSQL\n- Cut costs — by 40%", 8)
	f("李伟 是 工程师", 3)
}

// TestDecodeProfiles decodes every profile of the shared data set.
func TestDecodeProfiles(t *testing.T) {
	for i, line := range readProfiles(t) {
		if _, err := Decode(line); err != nil {
			t.Fatalf("profile %d: %v", i, err)
		}
	}
}

func readProfiles(t testing.TB) [][]byte {
	return shareddata.Lines(t, "profiles.jsonl")
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(validBody))
	f.Add([]byte(`{"user_id":"w-1","profile":{"name":"A","current_role":"B","experience":[{"title":"T","start":"2020-01","end":"2019-12"}]}}`))
	f.Add([]byte(`{"user_id":"w-1","profile":{"name":"\u202e\u0000","current_role":"B","education":[{"year":1e400}]}}`))
	f.Add([]byte("\xff"))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`))
	f.Add([]byte(`{"user_id":"w-1","profile":{"name":"A","current_role":"B"},"options":{"language":"x-aaaaaaaa-bbbbbbbb"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		// The fast parser must agree with encoding/json on every body it
		// takes (Decode refuses a body that is not UTF-8 before either).
		if fast, ok := parseFast(body); ok && utf8.Valid(body) {
			std, err := parseStd(body)
			if err != nil {
				t.Fatalf("fastjson took a body encoding/json refuses (%v)", err)
			}
			if !reflect.DeepEqual(fast, std) {
				t.Fatalf("trees differ:\nfast %#v\nstd  %#v", fast, std)
			}
		}
		req, err := Decode(body)
		if err != nil {
			var ve *ValidationError
			if !errors.Is(err, ErrMalformed) && !errors.As(err, &ve) {
				t.Fatalf("unexpected error kind %T: %v", err, err)
			}
			return
		}
		// A request that decodes must survive a round trip unchanged.
		b, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		again, err := Decode(b)
		if err != nil {
			t.Fatalf("round trip of %s: %v", b, err)
		}
		if !bytes.Equal(req.AppendCanonical(nil), again.AppendCanonical(nil)) {
			t.Fatalf("round trip changed the canonical form")
		}
	})
}

// TestParsersAgree checks the fast parser against encoding/json on every
// shared request and on bodies written to differ only where the parsers
// might: repeated keys, numbers, escapes, nesting.
func TestParsersAgree(t *testing.T) {
	bodies := readProfiles(t)
	for _, s := range []string{
		`{"a":1,"a":2}`, `{"n":[0,-0,1e3,1E-3,-12.5e+2,12345678901234567890]}`,
		`{"s":"tab\tquote\"slash\/back\\"}`, `{"s":"\u00e9\ud83d\ude00\ud800"}`,
		`[[[[[[[[[[]]]]]]]]]]`, `  {"x":null,"y":true,"z":false}  `, `"just a string"`,
	} {
		bodies = append(bodies, []byte(s))
	}
	fastCount := 0
	for _, b := range bodies {
		std, err := parseStd(b)
		fast, ok := parseFast(b)
		if !ok {
			continue
		}
		fastCount++
		if err != nil {
			t.Fatalf("fastjson took %q, which encoding/json refuses: %v", b, err)
		}
		if !reflect.DeepEqual(fast, std) {
			t.Fatalf("trees differ for %q", b)
		}
	}
	if fastCount < len(bodies)/2 {
		t.Fatalf("only %d of %d bodies took the fast path", fastCount, len(bodies))
	}
}

// BenchmarkDecode decodes the shared profiles in turn; -std takes
// encoding/json for every body, for comparison.
func BenchmarkDecode(b *testing.B) {
	bodies := readProfiles(b)
	b.Run("fast", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			Decode(bodies[i%len(bodies)])
		}
	})
	b.Run("std", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			v, _ := parseStd(bodies[i%len(bodies)])
			var d decoder
			if r := d.request(v); len(d.errs) == 0 {
				r.Normalize()
			}
		}
	})
}

// FuzzWordCount checks the ASCII fast path of WordCount against the plain
// rune loop it replaced.
func FuzzWordCount(f *testing.F) {
	for _, s := range []string{"Ada  led\tthe team.\n", "– — • 5 %", "Zoë\u00a0Brontë\u0085x", "日本語 テキスト", "a\v\fb", "\xff\xfe ok"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, inWord, hasAlnum := 0, false, false
		for _, r := range s {
			if unicode.IsSpace(r) {
				if inWord && hasAlnum {
					want++
				}
				inWord, hasAlnum = false, false
				continue
			}
			inWord = true
			hasAlnum = hasAlnum || unicode.IsLetter(r) || unicode.IsDigit(r)
		}
		if inWord && hasAlnum {
			want++
		}
		if got := WordCount(s); got != want {
			t.Fatalf("WordCount(%q) = %d; want %d", s, got, want)
		}
	})
}

func TestUserIDsThatAPathCannotName(t *testing.T) {
	for _, id := range []string{".", ".."} {
		if ValidUserID(id) {
			t.Errorf("%q accepted: DELETE /v1/users/%s could never erase it", id, id)
		}
	}
	for _, id := range []string{"...", "a.b", "w-1", ".a"} {
		if !ValidUserID(id) {
			t.Errorf("%q refused", id)
		}
	}
}
