package dl

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/dl/internal/vec"
)

// naiveIm2col is the definition of convGeom.im2col's matrix for output rows [oy0, oy1), a
// pixel at a time.
func naiveIm2col(g *convGeom, img, col []float32, oy0, oy1 int) {
	cols := (oy1 - oy0) * g.ow
	for c := range g.c {
		for u := range g.kh {
			for v := range g.kw {
				row := col[((c*g.kh+u)*g.kw+v)*cols:][:cols]
				for oy := oy0; oy < oy1; oy++ {
					for ox := range g.ow {
						y, x := oy*g.s-g.p+u*g.d, ox*g.s-g.p+v*g.d
						val := float32(0)
						if y >= 0 && y < g.h && x >= 0 && x < g.w {
							val = img[(c*g.h+y)*g.w+x]
						}
						row[(oy-oy0)*g.ow+ox] = val
					}
				}
			}
		}
	}
}

// TestIm2colMatchesNaive compares convGeom.im2col, band by band as Conv2D splits the output
// rows, with the naive matrix on the benchmarks' shapes and on random geometries (stride,
// dilation, padding from none to half the kernel and beyond, odd sizes, the second group of
// a grouped convolution), with each of vec's kernel sets: the bits must be the same.
func TestIm2colMatchesNaive(t *testing.T) {
	geoms := []convGeom{{c: 3, h: 70, w: 64, kh: 3, kw: 3, s: 1, p: 1, d: 1, oh: 70, ow: 64}}
	for _, c := range im2colCases {
		geoms = append(geoms, c.g)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	for len(geoms) < 120 {
		g := convGeom{c: 1 + rng.IntN(5), h: 1 + rng.IntN(40), w: 1 + rng.IntN(40), kh: 1 + rng.IntN(6), kw: 1 + rng.IntN(6), s: 1, d: 1}
		if rng.IntN(3) == 0 {
			g.s = 2 + rng.IntN(2)
		}
		if rng.IntN(3) == 0 {
			g.d = 2
		}
		g.p = rng.IntN(g.d*(max(g.kh, g.kw)-1)/2 + 1)
		if rng.IntN(8) == 0 {
			g.p += g.d * max(g.kh, g.kw) // beyond the kernel's reach
		}
		g.oh = (g.h+2*g.p-g.d*(g.kh-1)-1)/g.s + 1
		g.ow = (g.w+2*g.p-g.d*(g.kw-1)-1)/g.s + 1
		if g.oh <= 0 || g.ow <= 0 || g.identity() {
			continue
		}
		geoms = append(geoms, g)
	}
	for _, ks := range vec.Kernels() {
		t.Run(ks, func(t *testing.T) {
			restore, err := vec.SetKernels(ks)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			for _, g := range geoms {
				groups := 1 + rng.IntN(2)
				x := make([]float32, groups*g.c*g.h*g.w)
				for i := range x {
					x[i] = float32(rng.NormFloat64())
				}
				img := x[(groups-1)*g.c*g.h*g.w:] // the last group's channels
				R, nch := g.bands(1 + rng.IntN(8))
				for ch := range nch {
					oy0, oy1 := ch*R, min(g.oh, (ch+1)*R)
					size := g.k() * (oy1 - oy0) * g.ow
					got, want := make([]float32, size+7), make([]float32, size+7)
					for i := range got {
						got[i], want[i] = 3, 3
					}
					g.im2col(img, got, oy0, oy1)
					naiveIm2col(&g, img, want, oy0, oy1)
					for i := range got {
						if got[i] != want[i] {
							t.Fatalf("%s: %+v rows [%d, %d): col[%d] = %v, want %v", ks, g, oy0, oy1, i, got[i], want[i])
						}
					}
				}
			}
		})
	}
}
