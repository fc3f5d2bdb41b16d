package vec

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestIm2colS1(t *testing.T) { eachKernelSet(t, checkIm2colS1) }

// naiveIm2colS1 is the definition of Im2colS1's matrix, a pixel at a time.
func naiveIm2colS1(col, img []float32, c, h, w, kh, kw, d, p, ow, oy0, nr int) {
	cols := nr * ow
	for ch := range c {
		for u := range kh {
			for v := range kw {
				row := col[((ch*kh+u)*kw+v)*cols:][:cols]
				for i := range nr {
					for j := range ow {
						y, x := oy0+i+u*d-p, j+v*d-p
						row[i*ow+j] = 0
						if y >= 0 && y < h && x >= 0 && x < w {
							row[i*ow+j] = img[(ch*h+y)*w+x]
						}
					}
				}
			}
		}
	}
}

// checkIm2colS1 compares Im2colS1 with the naive matrix on the cnn workload's shapes and on
// random ones: widths around the 8- and 16-float blocks, padding from none to beyond the
// kernel's reach, dilation, bands of rows from anywhere in the output. The image sits
// inside a larger buffer whose other values must not leak in, and nothing past the matrix may
// be written; col starts anywhere (each shape is run four times, at random alignments). Where
// the kernel set has no kernel for the shape, nothing may be written.
func checkIm2colS1(t *testing.T) {
	type shape struct{ c, h, w, kh, kw, d, p, oy0, nr int }
	shapes := []shape{
		{1, 28, 28, 5, 5, 1, 2, 0, 28},
		{16, 14, 14, 5, 5, 1, 2, 0, 14},
		{32, 14, 14, 5, 5, 1, 2, 0, 14},
		{3, 70, 64, 3, 3, 1, 1, 20, 9},
		{2, 3, 3, 3, 3, 1, 1, 0, 3},
		{2, 9, 50, 3, 3, 1, 1, 2, 6}, // 4 blocks of 16 a row
		{1, 6, 20, 3, 7, 2, 9, 1, 4}, // padding beyond the kernel's reach
		// "Same" convolutions 14 and 28 wide with long taps (AVX-512's stream copies).
		{2, 30, 28, 3, 3, 1, 1, 3, 20},
		{1, 28, 28, 5, 5, 2, 4, 0, 28},
		{3, 40, 14, 5, 5, 1, 2, 0, 40},
		{2, 50, 14, 4, 3, 2, 2, 7, 38},
		{1, 20, 28, 7, 7, 1, 3, 0, 20},
		{1, 19, 28, 3, 1, 1, 0, 0, 19},
	}
	rng := rand.New(rand.NewPCG(3, 3))
	for range 300 {
		kh, kw, d := 1+rng.IntN(6), 1+rng.IntN(6), 1+rng.IntN(3)
		s := shape{c: 1 + rng.IntN(4), h: 1 + rng.IntN(24), w: 1 + rng.IntN(40), kh: kh, kw: kw, d: d}
		s.p = rng.IntN(d*(max(kh, kw)-1) + 2)
		oh := s.h + 2*s.p - d*(kh-1)
		if ow := s.w + 2*s.p - d*(kw-1); oh <= 0 || ow <= 0 {
			continue
		}
		s.oy0 = rng.IntN(oh)
		s.nr = 1 + rng.IntN(oh-s.oy0)
		shapes = append(shapes, s)
	}
	for i := range 4 * len(shapes) {
		s := shapes[i%len(shapes)]
		ow := s.w + 2*s.p - s.d*(s.kw-1)
		name := fmt.Sprintf("%+v ow=%d", s, ow)
		n := s.c * s.h * s.w
		buf := make([]float32, n+64)
		for i := range buf {
			buf[i] = float32(rng.NormFloat64())
		}
		img := buf[32 : 32+n]
		size := s.c * s.kh * s.kw * s.nr * ow
		want := make([]float32, size+20)
		got := make([]float32, size+36)[rng.IntN(16):][:size+20] // any alignment
		for i := range got {
			got[i], want[i] = -7, -7
		}
		naiveIm2colS1(want, img, s.c, s.h, s.w, s.kh, s.kw, s.d, s.p, ow, s.oy0, s.nr)
		if !Im2colS1(got, img, s.c, s.h, s.w, s.kh, s.kw, s.d, s.p, ow, s.oy0, s.nr) {
			for i, v := range got {
				if v != -7 {
					t.Fatalf("%s: declined but wrote col[%d] = %v", name, i, v)
				}
			}
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: col[%d] = %v, want %v", name, i, got[i], want[i])
			}
		}
	}
}

// TestIm2colS1Declines checks the shapes that Im2colS1 leaves to the caller: all on the
// portable set, and with AVX2 rows under 8 floats (in the image or the output) or over 16.
func TestIm2colS1Declines(t *testing.T) {
	col, img := make([]float32, 10000), make([]float32, 1000)
	for _, tc := range []struct {
		set   string
		w, ow int
		want  bool
	}{
		{"portable", 10, 10, false},
		{"avx2", 7, 7, false},
		{"avx2", 8, 8, true},
		{"avx2", 16, 16, true},
		{"avx2", 17, 17, false},
		{"avx512", 7, 7, true},
		{"avx512", 17, 17, true},
	} {
		restore, err := SetKernels(tc.set)
		if err != nil {
			continue // not on this CPU
		}
		if got := Im2colS1(col, img, 1, 10, tc.w, 3, 3, 1, 1, tc.ow, 0, 10); got != tc.want {
			t.Errorf("%s, w = ow = %d: Im2colS1 = %v, want %v", tc.set, tc.w, got, tc.want)
		}
		restore()
	}
}
