package wiring

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/biogen/biogen/internal/fakellm"
	"github.com/biogen/biogen/internal/store"
)

// TestAdversaryIdemKeyInClearAfterErasure: the Idempotency-Key is the bbolt key in clear, so a client key naming the person (user id, name) sits unencrypted in data_dir, and is still in the file after the user's erasure.
func TestAdversaryIdemKeyInClearAfterErasure(t *testing.T) {
	_, url := fakeServer(t, fakellm.Config{})
	dataDir := t.TempDir()
	r := startApp(t, ollamaProviderTimeout("big", url, "5s"), "big", "data_dir: "+dataDir+"\n")
	const key = "onboarding-w-1-ada-okafor"
	if status, _, b := r.postKey(t, key); status != 200 {
		t.Fatalf("first: %d %s", status, b)
	}
	req, _ := http.NewRequest("DELETE", r.base+"/v1/users/w-1", nil)
	resp, err := r.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("erase: %d", resp.StatusCode)
	}
	if err := r.stop(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dataDir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("w-1-ada-okafor")) {
		t.Fatalf("data_dir/%s holds the key %q (user id and name) in clear after the user's erasure", store.FileName, key)
	}
}
