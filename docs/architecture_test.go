package docs

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/biogen/biogen/"

// TestArchitectureTable checks that docs/architecture.md's table lists
// every package of biogen's own with exactly the packages of ours it
// imports, so that the documented graph is the code's.
func TestArchitectureTable(t *testing.T) {
	documented := readTable(t)
	dirs, _ := sourceFiles(t)
	for dir, files := range dirs {
		if strings.HasPrefix(dir, "bench") || dir == "docs" {
			continue // the load harness and this test are not biogen
		}
		got := map[string]bool{}
		for _, f := range files {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if strings.HasPrefix(path, module) {
					got[short(strings.TrimPrefix(path, module))] = true
				}
			}
		}
		var imports []string
		for p := range got {
			imports = append(imports, p)
		}
		slices.Sort(imports)
		want, ok := documented[dir]
		if !ok {
			t.Errorf("%s is not in docs/architecture.md", dir)
			continue
		}
		if !slices.Equal(imports, want) {
			t.Errorf("%s imports %v; docs/architecture.md says %v", dir, imports, want)
		}
		delete(documented, dir)
	}
	for dir := range documented {
		t.Errorf("docs/architecture.md lists %s, which has no code", dir)
	}
}

// short names a package as the table does: "cache" for internal/cache,
// "corpus/corpustest"'s last element for a nested one.
func short(path string) string {
	path = strings.TrimPrefix(path, "internal/")
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

// readTable reads the rows "| `dir` | what | `imp` `imp` |" of the table.
func readTable(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		dir := strings.Trim(strings.TrimSpace(cells[1]), "`")
		imports := []string{}
		for _, w := range strings.Fields(cells[3]) {
			if strings.HasPrefix(w, "`") {
				imports = append(imports, strings.Trim(w, "`"))
			}
		}
		slices.Sort(imports)
		out[dir] = imports
	}
	if len(out) < 10 {
		t.Fatalf("read %d rows from docs/architecture.md", len(out))
	}
	return out
}
