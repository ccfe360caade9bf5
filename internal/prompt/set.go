package prompt

import (
	"errors"
	"fmt"

	"github.com/biogen/biogen/prompts"
)

// Set is every loaded version of the bio prompt, found by the name
// responses give it ("bio-v2"), with the default one: several versions are
// in use at once when tenants or experiment arms choose their own.
//
// A Set is immutable after LoadAll or NewSet and safe for concurrent use
// (so are its Renderers). The zero value is not usable.
type Set struct {
	def *Renderer
	all map[string]*Renderer
}

// NewSet returns the set of renderers, def being the default; def is in it
// whether or not others repeats it. Two renderers of one version are an
// error.
func NewSet(def *Renderer, others ...*Renderer) (*Set, error) {
	if def == nil {
		return nil, errors.New("prompt: a set needs a default version")
	}
	s := &Set{def: def, all: map[string]*Renderer{def.Version(): def}}
	for _, r := range others {
		if prev := s.all[r.Version()]; prev != nil && prev != r {
			return nil, fmt.Errorf("prompt: version %q is loaded twice", r.Version())
		}
		s.all[r.Version()] = r
	}
	return s, nil
}

// LoadAll loads every version of the bio prompt (see Load for dir): those
// embedded under prompts/bio/, or those under dir/bio/. def ("v1") is the
// default, which requests that name no version render; it must be one of
// them. A version that fails to load fails it all, at start-up.
func LoadAll(dir, def string) (*Set, error) {
	versions, err := prompts.Versions(prompts.Files(dir), Name)
	if err != nil {
		return nil, err
	}
	var (
		defR   *Renderer
		others []*Renderer
	)
	for _, v := range versions {
		r, err := Load(dir, v)
		if err != nil {
			return nil, err
		}
		if v == def {
			defR = r
		}
		others = append(others, r)
	}
	if defR == nil {
		return nil, fmt.Errorf("prompt: the default version %q is not among %q", def, versions)
	}
	return NewSet(defR, others...)
}

// Default returns the default version's renderer.
func (s *Set) Default() *Renderer { return s.def }

// Get returns the renderer of version as responses name it ("bio-v2"), the
// default for "", or nil when the set lacks it.
func (s *Set) Get(version string) *Renderer {
	if version == "" {
		return s.def
	}
	return s.all[version]
}
