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
