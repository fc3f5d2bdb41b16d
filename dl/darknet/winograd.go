package darknet

import (
	"sync"
	"unsafe"

	"github.com/deepnb/deepnb/dl/internal/gemm"
	"github.com/deepnb/deepnb/dl/internal/par"
)

// Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for Convolutional
// Neural Networks", 2016) computes each 2×2 block of a 3×3, stride-1 convolution's output from a
// 4×4 patch of the input with 16 multiplications per channel instead of 36:
//
//	Y = Aᵀ [ Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B) ] A
//
// with d_c the patch of channel c, g_c the filter's 3×3 kernel for channel c, ⊙ the elementwise
// product, and the constant matrices
//
//	Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]
//	G  = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
//	Aᵀ = [1 1 1 0; 0 1 −1 −1]
//
// The sum over channels, for each of the 16 positions ξ of the 4×4 products, is a matrix
// product: Mξ [T, F] = Vξ [T, C] · Uξ [C, F] over the T tiles, which is where the time goes
// (2.25 times fewer multiply-adds than the direct convolution, less the tiles' overhang at odd
// sizes). The transformed filters U (16·C·F floats) are kept with the layer and rebuilt when
// the weights change (a checksum of the weights is compared at each call).

// winoCache is a layer's transformed filters for weights whose checksum is sum: for each ξ,
// Uξ [C, F] in column panels nr wide (gemm.PanelWidth), each panel C×nr row-major, the last
// one C×(F mod nr) if F is not a multiple of nr.
type winoCache struct {
	sum   uint64
	n, nr int
	u     []float32
}

// winoMu guards Layer.wino (the pointer; a cache is never changed once built).
var winoMu sync.Mutex

// winogradOK reports whether convInfer computes layer l with Winograd's F(2×2, 3×3): 3×3
// kernels, stride 1, padding 1, and enough channels and filters for the 16 GEMMs to be worth
// their transforms.
func winogradOK(l *Layer) bool {
	return l.Size == 3 && l.Stride == 1 && l.Padding == 1 && l.In[0] >= winoMinC && l.Filters >= 32
}

// winoPanel is the width of the panels Uξ is stored in: the GEMM kernel's tile width, which
// tests change to check the layout for the other kernels' widths.
var winoPanel = gemm.PanelWidth

// winoMinC is the fewest input channels for which convInfer uses Winograd (a variable so that
// tests can also run it on small layers).
var winoMinC = 128

// winoFilters returns U for l's current weights, transforming them again if they changed.
func winoFilters(l *Layer) []float32 {
	wd := l.Weight.Data()
	sum := checksum(wd)
	winoMu.Lock()
	c := l.wino
	winoMu.Unlock()
	nr := winoPanel()
	if c != nil && c.sum == sum && c.n == len(wd) && c.nr == nr {
		return c.u
	}
	F, C := l.Filters, l.In[0]
	u := make([]float32, 16*C*F)
	par.For(C, max(1, 4096/F), func(c0, c1 int) {
		for ch := c0; ch < c1; ch++ {
			for f := range F {
				f0 := f / nr * nr // the panel's first filter
				pw := min(nr, F-f0)
				winoFilter(wd[(f*C+ch)*9:(f*C+ch)*9+9], u[f0*C+ch*pw+f-f0:], C*F)
			}
		}
	})
	winoMu.Lock()
	l.wino = &winoCache{sum: sum, n: len(wd), nr: nr, u: u}
	winoMu.Unlock()
	return u
}

// winoFilter writes U = G g Gᵀ for the 3×3 kernel g into u[ξ·stride], ξ = 0…15.
func winoFilter(g []float32, u []float32, stride int) {
	var q [4][3]float32 // G g
	for j := range 3 {
		g0, g1, g2 := g[j], g[3+j], g[6+j]
		q[0][j] = g0
		q[1][j] = 0.5 * (g0 + g1 + g2)
		q[2][j] = 0.5 * (g0 - g1 + g2)
		q[3][j] = g2
	}
	for i := range 4 {
		r := q[i]
		u[(4*i+0)*stride] = r[0]
		u[(4*i+1)*stride] = 0.5 * (r[0] + r[1] + r[2])
		u[(4*i+2)*stride] = 0.5 * (r[0] - r[1] + r[2])
		u[(4*i+3)*stride] = r[2]
	}
}

// checksum is a 64-bit hash of the bits of x, eight independent lanes of multiply-xor so that
// it runs at memory speed.
func checksum(x []float32) uint64 {
	const k = 0x9E3779B97F4A7C15
	n := len(x) / 2
	var w []uint64
	if n > 0 {
		w = unsafe.Slice((*uint64)(unsafe.Pointer(&x[0])), n)
	}
	var h [8]uint64
	for i := range h {
		h[i] = uint64(i+1) * k
	}
	i := 0
	for ; i+8 <= len(w); i += 8 {
		v := (*[8]uint64)(w[i : i+8])
		h[0] = (h[0] ^ v[0]) * k
		h[1] = (h[1] ^ v[1]) * k
		h[2] = (h[2] ^ v[2]) * k
		h[3] = (h[3] ^ v[3]) * k
		h[4] = (h[4] ^ v[4]) * k
		h[5] = (h[5] ^ v[5]) * k
		h[6] = (h[6] ^ v[6]) * k
		h[7] = (h[7] ^ v[7]) * k
	}
	s := uint64(len(x))
	for ; i < len(w); i++ {
		s = (s ^ w[i]) * k
	}
	if len(x)%2 == 1 {
		s = (s ^ uint64(*(*uint32)(unsafe.Pointer(&x[len(x)-1])))) * k
	}
	for _, v := range h {
		s = (s ^ v ^ v>>29) * k
	}
	return s
}

// convWinograd computes the 3×3, stride-1, padding-1 layer l on one image img [C, H, W] into
// o [F, H, W] with Winograd's F(2×2, 3×3), adding the bias and applying the activation.
func convWinograd(l *Layer, img, o []float32, C, H, W int) {
	F := l.Filters
	u := winoFilters(l)
	th, tw := (H+1)/2, (W+1)/2
	T := th * tw
	vb := par.GetScratch(16 * T * C)
	mb := par.GetScratch(16 * T * F)
	defer par.PutScratch(vb)
	defer par.PutScratch(mb)
	v, m := *vb, *mb
	// Input transform: V[ξ][t][c] = (Bᵀ d B)[ξ] for tile t of channel c, sixteen channels at a
	// time so that each cache line of V is filled at once.
	par.For((C+winoBlock-1)/winoBlock, max(1, 128/(T*winoBlock)), func(b0, b1 int) {
		for c0 := b0 * winoBlock; c0 < min(C, b1*winoBlock); c0 += winoBlock {
			winoInput(img, v, c0, min(C, c0+winoBlock), H, W, th, tw, T*C, C)
		}
	})
	// The 16 products Mξ = Vξ·Uξ, one panel of Uξ at a time (read contiguously, in place),
	// eight ξ per worker on two cores.
	nr := winoPanel()
	par.For(16, 1, func(x0, x1 int) {
		for x := x0; x < x1; x++ {
			for f0 := 0; f0 < F; f0 += nr {
				pw := min(nr, F-f0)
				gemm.SgemmSerial(false, false, T, pw, C, 1, v[x*T*C:], C, u[x*C*F+f0*C:], pw, 0, m[x*T*F+f0:], F)
			}
		}
	})
	// Output transform, bias and activation: Y = Aᵀ M A for each tile and filter.
	bd := l.Bias.Data()
	leaky := l.Activation == "leaky"
	par.For((F+winoBlock-1)/winoBlock, max(1, 64/(T*winoBlock)), func(b0, b1 int) {
		for f0 := b0 * winoBlock; f0 < min(F, b1*winoBlock); f0 += winoBlock {
			winoOutput(m, o, bd, f0, min(F, f0+winoBlock), H, W, th, tw, T*F, F, leaky)
		}
	})
	if a := l.Activation; a != "leaky" && a != "linear" {
		epilogue(o, make([]float32, F), a, H*W, 0, F, 0, H*W)
	}
}

// winoBlock is the number of channels (filters) whose transforms winoInput (winoOutput)
// computes together: one cache line of V (M) per tile and ξ.
const winoBlock = 16

// winoInput writes the transformed 4×4 input patches of channels [c0, c1) of img [C, H, W]
// (padding 1) into v[ξ·vs + t·ts + c], t = i·tw + j the tile whose output block starts at
// (2i, 2j).
func winoInput(img, v []float32, c0, c1, H, W, th, tw, vs, ts int) {
	var d [4][4]float32
	var vx [16][]float32 // the 16 destinations of this tile, indexed by c − c0
	nc := c1 - c0
	for i := range th {
		for j := range tw {
			y0, x0 := 2*i-1, 2*j-1
			inside := y0 >= 0 && y0+4 <= H && x0 >= 0 && x0+4 <= W
			off := (i*tw+j)*ts + c0
			for x := range vx {
				vx[x] = v[x*vs+off : x*vs+off+nc]
			}
			for k := range nc {
				plane := img[(c0+k)*H*W : (c0+k+1)*H*W]
				if inside {
					for r := range 4 {
						d[r] = *(*[4]float32)(plane[(y0+r)*W+x0:])
					}
				} else {
					for r := range 4 {
						y := y0 + r
						for s := range 4 {
							x := x0 + s
							if y >= 0 && y < H && x >= 0 && x < W {
								d[r][s] = plane[y*W+x]
							} else {
								d[r][s] = 0
							}
						}
					}
				}
				var t [4][4]float32 // Bᵀ d
				for s := range 4 {
					t[0][s] = d[0][s] - d[2][s]
					t[1][s] = d[1][s] + d[2][s]
					t[2][s] = d[2][s] - d[1][s]
					t[3][s] = d[1][s] - d[3][s]
				}
				for r := range 4 {
					q := &t[r]
					vx[4*r+0][k] = q[0] - q[2]
					vx[4*r+1][k] = q[1] + q[2]
					vx[4*r+2][k] = q[2] - q[1]
					vx[4*r+3][k] = q[1] - q[3]
				}
			}
		}
	}
}

// winoOutput reads the 16 products m[ξ·ms + t·ts + f] of filters [f0, f1) for every tile t and
// writes their output planes o[f·H·W…]: Aᵀ M A plus the bias bd[f], leaky (slope 0.1) if asked.
func winoOutput(m, o, bd []float32, f0, f1, H, W, th, tw, ms, ts int, leaky bool) {
	var mx [16][]float32 // this tile's 16 products, indexed by f − f0
	nf := f1 - f0
	bd = bd[f0:f1]
	for i := range th {
		for j := range tw {
			off := (i*tw+j)*ts + f0
			for x := range mx {
				mx[x] = m[x*ms+off : x*ms+off+nf]
			}
			two := 2*j+1 < W
			for k := range nf {
				plane := o[(f0+k)*H*W : (f0+k+1)*H*W]
				b := bd[k]
				var s [2][4]float32 // Aᵀ M
				for c := range 4 {
					m0, m1, m2, m3 := mx[c][k], mx[4+c][k], mx[8+c][k], mx[12+c][k]
					s[0][c] = m0 + m1 + m2
					s[1][c] = m1 - m2 - m3
				}
				for r := range 2 {
					y := 2*i + r
					if y >= H {
						break
					}
					q := &s[r]
					y0 := q[0] + q[1] + q[2] + b
					y1 := q[1] - q[2] - q[3] + b
					if leaky {
						y0, y1 = max(y0, 0.1*y0), max(y1, 0.1*y1)
					}
					plane[y*W+2*j] = y0
					if two {
						plane[y*W+2*j+1] = y1
					}
				}
			}
		}
	}
}
