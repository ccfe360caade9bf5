module github.com/biogen/biogen/tools/ollama

go 1.26

require github.com/ollama/ollama v0.6.5
