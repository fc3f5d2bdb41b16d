package style_test

import (
	"fmt"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/style"
)

// The Gram matrix of two channels over three positions, and the deck's losses.
func Example() {
	f := dl.New([]float32{1, 2, 0, 0, 1, 1}, 2, 3) // N = 2 channels, M = 3 positions
	g := style.Gram(f)
	fmt.Println("G =", g.Data())
	p := dl.Zeros(2, 3)
	fmt.Println("½Σ(F−P)² =", style.ContentLoss(f, p).Item())
	a := dl.Zeros(2, 2)
	fmt.Println("E =", style.StyleLayerLoss(f, a).Item()) // (25+4+4+4)/(4·4·9)
	// Output:
	// G = [5 2 2 2]
	// ½Σ(F−P)² = 3.5
	// E = 0.25694445
}

// Hidden tests aimed at one mistake each: FᵀF instead of F Fᵀ keeps the trace (Σ F²) right
// but has a row per position, and a style loss with N where N² belongs is right for one
// channel only.
func ExampleCheckGramCases() {
	fTf := func(f [][]float64) [][]float64 {
		g := make([][]float64, len(f[0]))
		for i := range g {
			g[i] = make([]float64, len(f[0]))
			for j := range g[i] {
				for k := range f {
					g[i][j] += f[k][i] * f[k][j]
				}
			}
		}
		return g
	}
	fmt.Println(style.CheckGramCases("trace", []style.GramCase{{N: 2, M: 5, Seed: 1, TraceOnly: true}}, fTf))
	fmt.Println(style.CheckGramCases("shape", []style.GramCase{{N: 2, M: 5, Seed: 1, ShapeOnly: true}}, fTf).Hint)
	// Output:
	// ✓ trace: 1 cases pass
	// that is FᵀF, M×M (one row per position): G = F Fᵀ pairs channels, G[i][j] = Σ_k F[i][k]·F[j][k]
}

// A content loss written as a mean (nn.ContentLoss's form) fails the check of the deck's
// ½ Σ (F − P)², with a hint that names the mistake.
func ExampleCheckContentLoss() {
	mean := func(f, p [][]float64) float64 {
		var s float64
		for i := range f {
			for j := range f[i] {
				s += (f[i][j] - p[i][j]) * (f[i][j] - p[i][j])
			}
		}
		return s / 2 / float64(len(f)*len(f[0]))
	}
	r := style.CheckContentLossCases("content loss", style.RandomContentCases(5, 3)[1:], mean)
	fmt.Println(r.Passed)
	fmt.Println(r.Hint)
	// Output:
	// false
	// a sum over all N·M entries, not a mean (the mean is nn.ContentLoss's form, N·M times smaller)
}
