package wiring

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/store"
)

// postKey posts the standard request with an Idempotency-Key and returns
// the status, the replay header and the body.
func (r *running) postKey(t *testing.T, key string) (int, string, []byte) {
	t.Helper()
	resp := r.post(t, bioRequest, "Idempotency-Key", key)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Idempotent-Replayed"), b
}

// TestIdempotencyAcrossRestarts: through the whole service, a key's answer
// is replayed byte for byte without a model call, sealed on disk in
// data_dir, still there after a restart, and gone with its user's
// erasure.
func TestIdempotencyAcrossRestarts(t *testing.T) {
	fake, url := fakeServer(t, fakellm.Config{})
	dataDir := t.TempDir()
	start := func() *running {
		return startApp(t, ollamaProviderTimeout("big", url, "5s"), "big", "data_dir: "+dataDir+"\n")
	}
	r := start()
	status, replayed, first := r.postKey(t, "order-1")
	if status != 200 || replayed != "" {
		t.Fatalf("first: %d %q %s", status, replayed, first)
	}
	calls := fake.Requests()
	if status, replayed, b := r.postKey(t, "order-1"); status != 200 || replayed != "true" || !bytes.Equal(b, first) {
		t.Fatalf("replay: %d %q\n%s\nfirst:\n%s", status, replayed, b, first)
	}
	if fake.Requests() != calls {
		t.Fatalf("the replay called the model: %d requests, %d before", fake.Requests(), calls)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, store.FileName))
	if err != nil || bytes.Contains(raw, []byte("Okafor")) || bytes.Contains(raw, []byte("w-1")) {
		t.Fatalf("data_dir/%s: %d bytes, %v; the bio or the user in clear", store.FileName, len(raw), err)
	}

	r = start() // a new process on the same data_dir
	if status, replayed, b := r.postKey(t, "order-1"); status != 200 || replayed != "true" || !bytes.Equal(b, first) {
		t.Fatalf("after a restart: %d %q %s", status, replayed, b)
	}
	req, _ := http.NewRequest("DELETE", r.base+"/v1/users/w-1", nil)
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Erased struct{ Idempotency int }
	}
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 200 || out.Erased.Idempotency != 1 {
		t.Fatalf("erase: %d, %d idempotency records", resp.StatusCode, out.Erased.Idempotency)
	}
	if _, replayed, b := r.postKey(t, "order-1"); replayed != "" || bytes.Equal(b, first) {
		t.Fatal("replayed after the user's erasure")
	}
}
