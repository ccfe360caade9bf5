//go:build tools

// Package ollama pins the Ollama server that biogen's integration tests
// build and run on loopback (see ../../../shared/REAL-OLLAMA.md and .ci/run).
// It is a separate module so that the service's own go.mod keeps only the
// API client.
package ollama

import (
	_ "github.com/ollama/ollama"
	_ "github.com/ollama/ollama/fs/ggml"
)
