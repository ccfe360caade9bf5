package bio

import "testing"

func TestLanguageLabel(t *testing.T) {
	f := func(tag, want string) {
		t.Helper()
		if got := LanguageLabel(tag); got != want {
			t.Errorf("LanguageLabel(%q) = %q; want %q", tag, got, want)
		}
	}
	f("en", "en")
	f("en-GB", "en")
	f("pt-BR", "pt")
	f("zh-Hant-TW", "zh")
	f("DE", "de")
	f("no", "nb") // Norwegian, written as Bokmål
	f("de-x-jsmith", "de")
	f("sw", "other") // a tag, but no checked language
	f("yue", "other")
	f("", "other")
}

// TestBodyLanguage reads the label from bodies as Decode reads them: the
// default when absent or null, the canonical tag's base otherwise, and
// "other" for anything that is not a tag. The label never quotes the tag.
func TestBodyLanguage(t *testing.T) {
	f := func(body, want string) {
		t.Helper()
		if got := BodyLanguage([]byte(body)); got != want {
			t.Errorf("BodyLanguage(%s) = %q; want %q", body, got, want)
		}
	}
	f(`{"user_id":"u","profile":{"name":"A","current_role":"B","languages":["German"]}}`, "en")
	f(`{"user_id":"u","options":{"language":null}}`, "en")
	f(`{"user_id":"u","options":null,"profile":{"languages":["x"]},"language":"de"}`, "en")
	f(`{"user_id":"u","options":{"tone":"casual","language":"pt-br"}}`, "pt")
	f(`{"user_id":"u","options":{"language":"iw"}}`, "he") // canonical: Hebrew
	f(`{"user_id":"u","options":{"language":"de-x-jsmith"}}`, "de")
	f(`{"user_id":"u","options":{"language":"not a tag"}}`, "other")
	f(`{"user_id":"u","options":{"language":42}}`, "other")
	f(`{"user_id":"u","options":{"language":"sw"}}`, "other")
	f(`{"user_id":"u","options":{"language":"de"`, "other") // not JSON
}
