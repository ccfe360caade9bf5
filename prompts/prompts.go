// Package prompts embeds biogen's versioned prompt templates.
//
// Each prompt lives in NAME/VERSION/ (for example bio/v1/) as system.tmpl
// and user.tmpl, Go text/template files. A new wording is a new version
// directory, never an edit of a released one: the version travels into every
// response as prompt_version, and caches key on it. Every version shipped is
// loaded at start-up, so tenants and experiment arms may use different ones
// at once (README.md says what each version changed).
package prompts

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"slices"
)

// FS holds every prompt version shipped in the binary.
//
//go:embed bio
var FS embed.FS

// Files returns the prompt files: those embedded in the binary when dir is
// empty, else those of dir, which replace them all (the configuration's
// prompts.dir).
func Files(dir string) fs.FS {
	if dir == "" {
		return FS
	}
	return os.DirFS(dir)
}

// Versions returns the versions of prompt name in fsys, sorted: the
// directories under name/.
func Versions(fsys fs.FS, name string) ([]string, error) {
	entries, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("cannot list the versions of prompt %q: %w", name, err)
	}
	var versions []string
	for _, e := range entries {
		if e.IsDir() {
			versions = append(versions, e.Name())
		}
	}
	slices.Sort(versions)
	return versions, nil
}
