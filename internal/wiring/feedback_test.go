package wiring

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/store"
)

// give posts a feedback body on the bio id and returns the status and the
// feedback's id.
func (r *running) give(t *testing.T, id, body string) (int, string) {
	t.Helper()
	resp, b := r.do(t, "POST", "/v1/bios/"+id+"/feedback", body)
	var out struct {
		ID    string `json:"id"`
		BioID string `json:"bio_id"`
	}
	json.Unmarshal(b, &out)
	if resp.StatusCode == 202 && (!strings.HasPrefix(out.ID, "fb_") || out.BioID != id) {
		t.Fatalf("feedback on %s: 202 %s", id, b)
	}
	return resp.StatusCode, out.ID
}

// erase erases user and returns the erasure's counts.
func (r *running) erase(t *testing.T, user string) map[string]int {
	t.Helper()
	resp, b := r.do(t, "DELETE", "/v1/users/"+user, "")
	var out struct {
		Erased map[string]int `json:"erased"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &out) != nil {
		t.Fatalf("erase %s: %d %s", user, resp.StatusCode, b)
	}
	return out.Erased
}

// TestFeedbackAcrossRestarts: through the whole service, a bio's record
// and the feedback on it are in data_dir, sealed, after a restart (the
// record written at the latest when biogen stops); feedback on a bio
// answered before the restart works after it, on its exact hit's id too;
// erasing the user afterwards removes and counts the feedback.
func TestFeedbackAcrossRestarts(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	dataDir := t.TempDir()
	start := func() *running {
		return startApp(t, ollamaProviderTimeout("big", url, "5s"), "big", "data_dir: "+dataDir+"\n")
	}
	r := start()
	b := r.bio(t)
	if status, _ := r.give(t, b.ID, `{"rating":"down","reason":"inaccurate","comment":"Quintessa never worked there"}`); status != 202 {
		t.Fatalf("feedback: %d", status)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, store.FileName))
	if err != nil || bytes.Contains(raw, []byte("Okafor")) || bytes.Contains(raw, []byte("Quintessa")) || bytes.Contains(raw, []byte("w-1")) {
		t.Fatalf("data_dir/%s: %d bytes, %v; a bio, a comment or a user in clear", store.FileName, len(raw), err)
	}

	r = start() // a new process on the same data_dir: an empty cache, the records kept
	if status, _ := r.give(t, b.ID, `{"rating":"up"}`); status != 202 {
		t.Fatalf("feedback after a restart: %d", status)
	}
	again := r.bio(t) // a miss: the exact cache does not outlive the process
	r.app.cache.Wait()
	hit := r.bio(t)
	if again.ID == b.ID || hit.Cache != "exact" || hit.ID != again.ID {
		t.Fatalf("after the restart: a miss %s (before %s), then %s hit %s; want a new bio, then its id", again.ID, b.ID, hit.Cache, hit.ID)
	}
	if status, _ := r.give(t, hit.ID, `{"rating":"up"}`); status != 202 {
		t.Fatalf("feedback on the hit: %d", status)
	}
	if erased := r.erase(t, "w-1"); erased["feedback"] != 3 {
		t.Fatalf("erased %v; want 3 feedback", erased)
	}
	for _, id := range []string{b.ID, hit.ID} {
		if status, _ := r.give(t, id, `{"rating":"up"}`); status != 404 {
			t.Fatalf("feedback on an erased user's bio: %d", status)
		}
	}
}

// TestFeedbackOnRepersonalised: in tenant scope, another person's bio
// re-personalised from the cache is a new bio: a new id, whose feedback
// belongs to its own user (erased with that user, not with the first).
func TestFeedbackOnRepersonalised(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	r := startAppYAML(t, "server:\n  addr: 127.0.0.1:0\nproviders:\n"+ollamaProviderTimeout("big", url, "5s")+
		"tenants:\n  - id: acme\n    chain: [big]\n    cache:\n      scope: tenant\n")
	first := r.bio(t)
	r.app.cache.Wait()
	other := strings.NewReplacer(`"Ada Okafor"`, `"Bea Lindqvist"`, `"w-1"`, `"w-9"`).Replace(bioRequest)
	got, _ := r.postJSON(t, "", []byte(other))
	if got.Cache != "semantic" || got.ID == first.ID || !strings.Contains(got.Bio, "Bea Lindqvist") {
		t.Fatalf("re-personalised: cache %s, id %s (first %s), %q; want a semantic hit with a new id", got.Cache, got.ID, first.ID, got.Bio)
	}
	for _, id := range []string{first.ID, got.ID} {
		if status, _ := r.give(t, id, `{"rating":"up"}`); status != 202 {
			t.Fatalf("feedback on %s: %d", id, status)
		}
	}
	if erased := r.erase(t, "w-1"); erased["feedback"] != 1 {
		t.Fatalf("erasing w-1: %v; want its 1 feedback", erased)
	}
	if status, _ := r.give(t, got.ID, `{"rating":"down","reason":"wrong_person"}`); status != 202 {
		t.Fatalf("feedback on w-9's bio after w-1's erasure: %d", status)
	}
	if erased := r.erase(t, "w-9"); erased["feedback"] != 2 {
		t.Fatalf("erasing w-9: %v; want its 2 feedback", erased)
	}
}
