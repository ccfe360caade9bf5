package docs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// sourceFiles parses every non-test Go file of the repository, by
// directory relative to the root.
func sourceFiles(t *testing.T) (map[string][]*ast.File, *token.FileSet) {
	t.Helper()
	fset := token.NewFileSet()
	dirs := map[string][]*ast.File{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != ".." || d.Name() == "testdata" || d.Name() == "tools") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
		if err != nil {
			return err
		}
		dir, _ := filepath.Rel("..", filepath.Dir(path))
		dirs[filepath.ToSlash(dir)] = append(dirs[filepath.ToSlash(dir)], f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs, fset
}

// TestStatefulTypesSayZeroValueAndConcurrency checks the style rule that
// every exported stateful type (a struct with methods and a field of its
// own the caller cannot see) says in its doc comment whether its zero
// value works and whether it is safe for concurrent use. A struct of
// exported fields only is a plain value.
func TestStatefulTypesSayZeroValueAndConcurrency(t *testing.T) {
	dirs, _ := sourceFiles(t)
	for dir, files := range dirs {
		methods := map[string]bool{}
		for _, f := range files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 {
					methods[receiverName(fd.Recv.List[0].Type)] = true
				}
			}
		}
		for _, f := range files {
			for _, d := range f.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok || gd.Tok != token.TYPE {
					continue
				}
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					st, isStruct := ts.Type.(*ast.StructType)
					if !isStruct || !ts.Name.IsExported() || !methods[ts.Name.Name] || !hidesState(st) {
						continue
					}
					doc := ts.Doc
					if doc == nil {
						doc = gd.Doc
					}
					text := strings.Join(strings.Fields(strings.ToLower(doc.Text())), " ")
					if !strings.Contains(text, "zero value") || !(strings.Contains(text, "concurren") || strings.Contains(text, "goroutine")) {
						t.Errorf("%s: type %s: the doc comment must say whether its zero value works and whether it is safe for concurrent use", dir, ts.Name.Name)
					}
				}
			}
		}
	}
}

// hidesState reports whether st has an unexported field.
func hidesState(st *ast.StructType) bool {
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if !n.IsExported() {
				return true
			}
		}
		if len(f.Names) == 0 {
			if id, ok := f.Type.(*ast.Ident); ok && !id.IsExported() {
				return true // an embedded unexported type
			}
		}
	}
	return false
}

func receiverName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return receiverName(x.X)
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return receiverName(x.X)
	case *ast.IndexListExpr:
		return receiverName(x.X)
	}
	return ""
}

// TestFunctionsStayShort checks the style rule that no function runs over
// about 100 lines. Tables of rules written as code count too.
func TestFunctionsStayShort(t *testing.T) {
	dirs, fset := sourceFiles(t)
	for dir, files := range dirs {
		for _, f := range files {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Body == nil {
					continue
				}
				if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line; n > 100 {
					t.Errorf("%s: %s is %d lines long", dir, fd.Name.Name, n)
				}
			}
		}
	}
}
