package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestMaxPairs(t *testing.T) { eachKernelSet(t, checkMaxPairs) }

func checkMaxPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 31, 104, 208} {
		r0, r1 := make([]float32, 2*n+3), make([]float32, 2*n+3)
		for i := range r0 {
			r0[i], r1[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		dst := make([]float32, n+1)
		dst[n] = 42 // past the row: untouched
		MaxPairs(dst[:n], r0, r1)
		for j := range n {
			if want := max(r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]); dst[j] != want {
				t.Fatalf("n=%d: dst[%d] = %v, want %v", n, j, dst[j], want)
			}
		}
		if dst[n] != 42 {
			t.Fatalf("n=%d: wrote past dst", n)
		}
	}
}

func TestBiasLeaky(t *testing.T) { eachKernelSet(t, checkBiasLeaky) }

func checkBiasLeaky(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, slope := range []float32{0, 0.1, 1} {
		for _, n := range []int{0, 1, 7, 8, 9, 33, 169} {
			x := make([]float32, n+1)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			orig := append([]float32(nil), x...)
			BiasLeaky(x[:n], 0.25, slope)
			for i := range n {
				v := orig[i] + 0.25
				want := v
				if v < 0 {
					want = slope * v
				}
				if x[i] != want {
					t.Fatalf("slope %v n=%d: x[%d] = %v, want %v", slope, n, i, x[i], want)
				}
			}
			if x[n] != orig[n] {
				t.Fatalf("slope %v n=%d: wrote past x", slope, n)
			}
		}
	}
}

// poolInput fills x by kind: 0 normal values, 1 small integers (ties), 2 halves with NaNs,
// 3 signed zeros and infinities.
func poolInput(rng *rand.Rand, x []float32, kind int) {
	for i := range x {
		switch kind {
		case 0:
			x[i] = float32(rng.NormFloat64())
		case 1:
			x[i] = float32(rng.IntN(3))
		case 2:
			x[i] = float32(rng.IntN(2)) - 0.5
			if rng.IntN(6) == 0 {
				x[i] = float32(math.NaN())
			}
		case 3:
			x[i] = []float32{0, float32(math.Copysign(0, -1)), 1, float32(math.Inf(1)), float32(math.Inf(-1))}[rng.IntN(5)]
		}
	}
}

// poolShapes are the plane shapes the 2×2 pooling tests run: ragged (odd H or W), narrow rows
// (OW 1 to 7, which the AVX2 kernel runs past the row end) and rows of one or more blocks.
var poolShapes = func() (s [][2]int) {
	for _, h := range []int{2, 3, 4, 5, 7, 14, 15, 28} {
		for _, w := range []int{2, 3, 4, 6, 7, 8, 9, 10, 14, 15, 16, 17, 24, 28, 30, 31, 33, 48} {
			s = append(s, [2]int{h, w})
		}
	}
	return s
}()

const sentinel = 42

// padded returns a slice of n elements inside a buffer with sentinels on either side.
func padded[T float32 | int32 | uint8](n int) (buf, s []T) {
	buf = make([]T, n+32)
	for i := range buf {
		buf[i] = sentinel
	}
	return buf, buf[16 : 16+n]
}

func untouched[T float32 | int32 | uint8](t *testing.T, what string, buf []T) {
	t.Helper()
	n := len(buf) - 32
	for i, v := range append(buf[:16:16], buf[16+n:]...) {
		if v != sentinel {
			t.Fatalf("%s: wrote outside the slice (%d: %v)", what, i, v)
		}
	}
}

func TestMaxPool2x2Arg(t *testing.T) { eachKernelSet(t, checkMaxPool2x2Arg) }

// checkMaxPool2x2Arg compares MaxPool2x2Arg, without NaNs, with MaxPairs a row at a time
// (values; the two may differ in the sign of a zero), with maxPairsCodeGeneric (the portable path's window
// positions) and with a plain scan for the first maximum in row-major order (by value: the
// portable path may return +0 for a window whose first maximum is −0); with NaNs, each output is
// one of its window's values.
func checkMaxPool2x2Arg(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, hw := range poolShapes {
		H, W := hw[0], hw[1]
		OH, OW := H/2, W/2
		for _, planes := range []int{1, 2, 5} {
			for kind := range 4 {
				in := make([]float32, planes*H*W)
				poolInput(rng, in, kind)
				ob, out := padded[float32](planes * OH * OW)
				ab, code := padded[uint8](planes * OH * OW)
				MaxPool2x2Arg(out, code, in, H, W, OH, OW)
				name := fmt.Sprintf("%d×%d×%d kind %d", planes, H, W, kind)
				untouched(t, name+" out", ob)
				untouched(t, name+" code", ab)
				wantO, gotO, wantC := make([]float32, OW), make([]float32, OW), make([]uint8, OW)
				for p := range planes {
					x := in[p*H*W : (p+1)*H*W]
					for i := range OH {
						r0, r1 := x[2*i*W:2*i*W+2*OW], x[(2*i+1)*W:(2*i+1)*W+2*OW]
						MaxPairs(wantO, r0, r1)
						maxPairsCodeGeneric(gotO, wantC, r0, r1)
						for j := range OW {
							o := p*OH*OW + i*OW + j
							c := int32(code[o])
							if code[o] > 3 {
								t.Fatalf("%s: output (%d,%d,%d): position %d", name, p, i, j, c)
							}
							at := int32(2*i*W+2*j) + c&1 + c>>1*int32(W)
							if kind == 2 {
								// With NaNs: one of the window's four values (as MaxPairs).
								win := []float32{r0[2*j], r0[2*j+1], r1[2*j], r1[2*j+1]}
								if !slices.ContainsFunc(win, func(v float32) bool { return math.Float32bits(v) == math.Float32bits(out[o]) }) {
									t.Fatalf("%s: output (%d,%d,%d) = %v, not in its window %v", name, p, i, j, out[o], win)
								}
								continue
							}
							if out[o] != wantO[j] {
								t.Fatalf("%s: output (%d,%d,%d) = %v, MaxPairs %v", name, p, i, j, out[o], wantO[j])
							}
							if code[o] != wantC[j] {
								t.Fatalf("%s: output (%d,%d,%d): position %d, portable path %d", name, p, i, j, code[o], wantC[j])
							}
							best := 2*i*W + 2*j
							for _, e := range []int{best + 1, best + W, best + W + 1} {
								if x[e] > x[best] {
									best = e
								}
							}
							if at != int32(best) || out[o] != x[best] {
								t.Fatalf("%s: output (%d,%d,%d) = (%v, %d), want (%v, %d)", name, p, i, j, out[o], at, x[best], best)
							}
						}
					}
				}
			}
		}
	}
}

func TestMaxPool2x2Back(t *testing.T) { eachKernelSet(t, checkMaxPool2x2Back) }

// checkMaxPool2x2Back compares MaxPool2x2Back with the scatter of d into each window's element
// at its position code, bit for bit, on gradients that hold −0 (which must stay −0 where nothing
// is added), NaN and ±∞.
func checkMaxPool2x2Back(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, hw := range poolShapes {
		H, W := hw[0], hw[1]
		OH, OW := H/2, W/2
		for _, planes := range []int{1, 3} {
			for kind := range 4 {
				in := make([]float32, planes*H*W)
				poolInput(rng, in, kind)
				out, code := make([]float32, planes*OH*OW), make([]uint8, planes*OH*OW)
				MaxPool2x2Arg(out, code, in, H, W, OH, OW)
				d := make([]float32, len(out))
				poolInput(rng, d, []int{0, 3, 2, 0}[kind])
				gb, g := padded[float32](len(in))
				poolInput(rng, g, []int{3, 0, 3, 2}[kind])
				want := append([]float32(nil), g...)
				for p := range planes {
					wp := want[p*H*W : (p+1)*H*W]
					for o, c := range code[p*OH*OW : (p+1)*OH*OW] {
						i, j := o/OW, o%OW
						wp[(2*i+int(c>>1))*W+2*j+int(c&1)] += d[p*OH*OW+o]
					}
				}
				MaxPool2x2Back(g, d, code, H, W, OH, OW)
				name := fmt.Sprintf("%d×%d×%d kind %d", planes, H, W, kind)
				untouched(t, name+" g", gb)
				for i := range g {
					if math.Float32bits(g[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s: g[%d] = %v (%#x), want %v (%#x)", name, i, g[i], math.Float32bits(g[i]), want[i], math.Float32bits(want[i]))
					}
				}
			}
		}
	}
}

func TestMaxPool2x2Panics(t *testing.T) {
	for i, f := range []func(){
		func() { MaxPool2x2Arg(make([]float32, 4), make([]uint8, 4), make([]float32, 16), 4, 4, 2, 3) },
		func() { MaxPool2x2Arg(make([]float32, 4), make([]uint8, 3), make([]float32, 16), 4, 4, 2, 2) },
		func() { MaxPool2x2Back(make([]float32, 15), make([]float32, 4), make([]uint8, 4), 4, 4, 2, 2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("case %d: no panic", i)
				}
			}()
			f()
		}()
	}
}

func TestMaxPool2x2(t *testing.T) { eachKernelSet(t, checkMaxPool2x2) }

// checkMaxPool2x2 compares MaxPool2x2 with MaxPairs a row at a time, bit for bit.
func checkMaxPool2x2(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for _, hw := range poolShapes {
		H, W := hw[0], hw[1]
		OH, OW := H/2, W/2
		for _, planes := range []int{1, 2, 5} {
			for kind := range 4 {
				in := make([]float32, planes*H*W)
				poolInput(rng, in, kind)
				ob, out := padded[float32](planes * OH * OW)
				MaxPool2x2(out, in, H, W, OH, OW)
				name := fmt.Sprintf("%d×%d×%d kind %d", planes, H, W, kind)
				untouched(t, name+" out", ob)
				want := make([]float32, OW)
				for p := range planes {
					x := in[p*H*W : (p+1)*H*W]
					for i := range OH {
						MaxPairs(want, x[2*i*W:], x[(2*i+1)*W:])
						for j := range OW {
							if o := p*OH*OW + i*OW + j; math.Float32bits(out[o]) != math.Float32bits(want[j]) {
								t.Fatalf("%s: output (%d,%d,%d) = %v, MaxPairs %v", name, p, i, j, out[o], want[j])
							}
						}
					}
				}
			}
		}
	}
}
