// Package shareddata finds the project's shared test data
// (../shared/data beside the repository, or BIOGEN_SHARED_DATA) for tests.
package shareddata

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the shared data directory. Outside CI a missing directory
// skips the test; in CI (CI set) it fails it, so data tests cannot vanish.
func Dir(t testing.TB) string {
	t.Helper()
	d := find(t)
	if d == "" {
		t.Skip("shared data not found beside the repository; set BIOGEN_SHARED_DATA")
	}
	return d
}

// Optional returns the lines of a JSONL file in the shared data directory,
// or none when the directory is missing outside CI (in CI it fails the
// test): for tests that run on the project's own data as well.
func Optional(t testing.TB, name string) [][]byte {
	t.Helper()
	if find(t) == "" {
		return nil
	}
	return Lines(t, name)
}

// find returns the shared data directory, or "" when it is missing outside
// CI; in CI a missing directory fails the test.
func find(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("BIOGEN_SHARED_DATA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; {
		// The repository root has go.mod; shared/ is beside it.
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(filepath.Dir(d), "shared", "data")
			if _, err := os.Stat(dir); err == nil {
				return dir
			}
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared data not found: set BIOGEN_SHARED_DATA or place shared/data beside the repository")
	}
	return ""
}

// Lines returns the lines of a JSONL file in the shared data directory.
func Lines(t testing.TB, name string) [][]byte {
	t.Helper()
	f, err := os.Open(filepath.Join(Dir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		if len(sc.Bytes()) > 0 {
			lines = append(lines, append([]byte(nil), sc.Bytes()...))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(lines) == 0 {
		t.Fatalf("%s is empty", name)
	}
	return lines
}
