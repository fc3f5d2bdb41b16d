// Package kerneltest runs notebooks through the real deepnb kernel (GoNB)
// from Go tests, and inspects their outputs.
//
// # Overview
//
//	func TestWelcome(t *testing.T) {
//		nb := kerneltest.Run(t, "../notebooks/00-welcome.ipynb", nil) // skips under -short
//		kerneltest.NoErrors(t, nb)
//		c := kerneltest.Cell(t, nb, "plot")          // by cell id
//		if !strings.Contains(kerneltest.Stdout(c), "tanh(1) = 0.7616") { ... }
//		img := kerneltest.Images(t, c)[0]             // decoded image/png outputs
//	}
//
// The first call in a test binary installs the deepnb kernelspec into a
// temporary prefix with kernel/install (building the pinned GoNB, goimports
// and gopls into <root>/.bin if they are not up to date), then every Run
// starts a fresh kernel in the notebook's directory and executes it with
// kernel/runner. A failed run fails the test with the runner's report: the
// notebook, the cell, its first lines and the compiler error or panic.
//
// Kernel runs take seconds (GoNB compiles every cell), so Run and Spec skip
// the test under `go test -short`.
//
// # Errors
//
// Helpers that take a *testing.T fail the test (t.Fatalf) when what they
// look for is missing or malformed; the others return zero values.
package kerneltest
