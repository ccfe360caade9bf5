package bio

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDeps keeps the domain free of HTTP, storage and biogen's own packages:
// it may import the standard library, golang.org/x/text and the fastjson
// parser only.
func TestDeps(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if !allowedImport(path) {
				t.Errorf("%s imports %q; the domain may import only the standard library, golang.org/x/text and fastjson", name, path)
			}
		}
	}
}

func allowedImport(path string) bool {
	if strings.HasPrefix(path, "golang.org/x/text/") || path == "github.com/valyala/fastjson" {
		return true
	}
	first, _, _ := strings.Cut(path, "/")
	if strings.Contains(first, ".") {
		return false // a module path, not the standard library
	}
	return !strings.HasPrefix(path, "net/http") && !strings.HasPrefix(path, "database/")
}

func TestAllowedImport(t *testing.T) {
	for _, p := range []string{"github.com/valyala/fasthttp", "github.com/biogen/biogen/internal/prompt", "net/http", "database/sql"} {
		if allowedImport(p) {
			t.Errorf("allowedImport(%q) = true; want false", p)
		}
	}
	for _, p := range []string{"strings", "encoding/json", "golang.org/x/text/unicode/norm"} {
		if !allowedImport(p) {
			t.Errorf("allowedImport(%q) = false; want true", p)
		}
	}
}
