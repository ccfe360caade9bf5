// Package models embeds biogen's writer Modelfiles (models/*.Modelfile), so
// that a biogen without a configuration can create its default writer
// model on a local Ollama that has the base model.
package models

import "embed"

// FS holds the Modelfiles by their file names ("biogen-writer-8b.Modelfile").
//
//go:embed *.Modelfile
var FS embed.FS

// Builtin is the prefix of a provider's modelfile setting that names an
// embedded Modelfile instead of a file: "builtin:biogen-writer-8b.Modelfile".
const Builtin = "builtin:"
