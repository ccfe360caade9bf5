// Package prompts embeds biogen's versioned prompt templates.
//
// Each prompt lives in NAME/VERSION/ (for example bio/v1/) as system.tmpl
// and user.tmpl, Go text/template files. A new wording is a new version
// directory, never an edit of a released one: the version travels into every
// response as prompt_version, and caches key on it.
package prompts

import "embed"

// FS holds every prompt version shipped in the binary.
//
//go:embed bio
var FS embed.FS
