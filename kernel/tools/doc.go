// Package tools pins the programs the deepnb Jupyter kernel runs: GoNB, goimports and gopls.
//
// It is a module of its own so that gopls' dependencies stay out of the main module's graph.
// `go run ./kernel/cmd/deepnb install` builds them from here with `go build -o`.
package tools
