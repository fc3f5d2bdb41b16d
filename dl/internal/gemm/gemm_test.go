package gemm

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// naive computes alpha·op(A)·op(B) + beta·C in float64 (beta = 0 ignores C).
func naive(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				ai, bi := i*lda+p, p*ldb+j
				if transA {
					ai = p*lda + i
				}
				if transB {
					bi = j*ldb + p
				}
				av, bv := a[ai], b[bi]
				s += float64(av) * float64(bv)
			}
			s *= float64(alpha)
			if beta != 0 {
				s += float64(beta) * float64(c[i*ldc+j])
			}
			out[i*n+j] = s
		}
	}
	return out
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.Float64()*2 - 1)
	}
	return s
}

type shape struct{ m, n, k int }

var testShapes = []shape{
	{1, 1, 1}, {1, 3, 1}, {3, 1, 1}, {1, 1, 3}, {6, 11, 7}, {17, 33, 65}, {100, 1, 100}, {1, 100, 100},
	{14, 32, 5}, {15, 33, 300}, {13, 31, 257}, {28, 64, 512}, {40, 200, 30},
	{257, 129, 511}, {3, 700, 90}, {300, 50, 70}, {16, 1000, 25}, {8, 48, 256}, {9, 49, 257},
	{4, 24, 3}, {64, 10, 256}, {40, 700, 64},
}

// testImpls lists the implementations tests compare with the naive product: the packed path
// with each micro-kernel this CPU can run and, when Sgemm has another backend (openblas), Sgemm.
func testImpls() []impl {
	var out []impl
	for _, im := range impls() {
		if im.name != "Sgemm" || Backend() == "openblas" {
			out = append(out, im)
		}
	}
	return out
}

// checkShapes runs every implementation over shapes × transposes × alpha/beta × strides and
// compares with the naive float64 product. C's padding columns must come back untouched, and
// with beta = 0 C starts out as NaN, which must not leak into the result.
func checkShapes(t *testing.T, impls []impl, shapes []shape) {
	rng := rand.New(rand.NewPCG(1, 1))
	type ab struct{ alpha, beta float32 }
	for _, sh := range shapes {
		abs, pads := []ab{{1, 0}, {0.5, 0}, {1, 1}, {-1.5, 0.25}, {0, 2}}, []int{0, 3}
		if sh.m*sh.n*sh.k > 1<<20 {
			abs, pads = []ab{{1, 0}, {-1.5, 0.25}}, []int{3} // keep the float64 oracle affordable
		}
		trs := [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}}
		if sh.m*sh.n*sh.k > 1<<27 {
			trs, abs = [][2]bool{{false, false}, {true, true}}, []ab{{-1.5, 0.25}} // 1024³: seconds per oracle
		}
		for _, tr := range trs {
			for _, s := range abs {
				for _, pad := range pads {
					m, n, k := sh.m, sh.n, sh.k
					transA, transB := tr[0], tr[1]
					ar, ac := m, k
					if transA {
						ar, ac = k, m
					}
					br, bc := k, n
					if transB {
						br, bc = n, k
					}
					lda, ldb, ldc := ac+pad, bc+2*pad, n+pad
					a := randSlice(rng, (ar-1)*lda+ac)
					b := randSlice(rng, (br-1)*ldb+bc)
					c0 := randSlice(rng, m*ldc)
					if s.beta == 0 {
						for i := range c0 {
							c0[i] = float32(math.NaN())
						}
					}
					const guard = 12345 // in C's padding, which must be left alone
					for i := range m {
						for j := n; j < ldc; j++ {
							c0[i*ldc+j] = guard
						}
					}
					want := naive(transA, transB, m, n, k, s.alpha, a, lda, b, ldb, s.beta, c0, ldc)
					// float32 rounding grows with k; |a|, |b| ≤ 1 and |C| ≤ 1.
					tol := 1e-6 * float64(k+8) * (math.Abs(float64(s.alpha)) + math.Abs(float64(s.beta)) + 1)
					c := make([]float32, len(c0))
					for _, im := range impls {
						copy(c, c0)
						im.fn(transA, transB, m, n, k, s.alpha, a, lda, b, ldb, s.beta, c, ldc)
						bad := 0
						for i := range m {
							for j := range ldc {
								got := c[i*ldc+j]
								if j >= n {
									if got != guard {
										t.Fatalf("%s %v trans=%v %+v pad=%d: padding C[%d,%d] changed to %v", im.name, sh, tr, s, pad, i, j, got)
									}
									continue
								}
								if w := want[i*n+j]; !(math.Abs(float64(got)-w) <= tol) {
									if bad < 3 {
										t.Errorf("%s %v trans=%v %+v pad=%d: C[%d,%d] = %v, want %v", im.name, sh, tr, s, pad, i, j, got, w)
									}
									bad++
								}
							}
						}
						if bad > 0 {
							t.Fatalf("%s: %d wrong entries", im.name, bad)
						}
					}
				}
			}
		}
	}
}

func TestSgemm(t *testing.T) {
	t.Parallel()
	shapes := testShapes
	if !testing.Short() {
		shapes = append(shapes, shape{1024, 1024, 1024}, shape{600, 1100, 300})
	}
	checkShapes(t, testImpls(), shapes)
}

// TestSgemmBlockEdges forces tiny cache blocks so that every loop of the blocked path wraps
// and ends in a partial block, on one goroutine and on a team of three.
func TestSgemmBlockEdges(t *testing.T) {
	t.Parallel()
	var ims []impl
	for _, ks := range kernels() {
		ks.kc, ks.mc, ks.nc = 7, 2*ks.mr, 3*ks.nr
		ims = append(ims, impl{ks.name + "/small-blocks", func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			blocked(&ks, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}})
		// Three goroutines sharing the packing of B, block after block.
		ims = append(ims, impl{ks.name + "/small-blocks/team", func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
			teamGemm(&ks, min(3, (m+ks.mr-1)/ks.mr), transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		}})
	}
	checkShapes(t, ims, []shape{{50, 130, 40}, {17, 49, 15}, {100, 20, 64}, {1, 1, 1}})
}

func TestSgemmZeroSizes(t *testing.T) {
	c := []float32{1, 2, 3, 4}
	Sgemm(false, false, 2, 2, 0, 1, nil, 1, nil, 2, 3, c, 2)
	for i, want := range []float32{3, 6, 9, 12} {
		if c[i] != want {
			t.Fatalf("k=0: C[%d] = %v, want %v", i, c[i], want)
		}
	}
	Sgemm(false, false, 0, 5, 3, 1, nil, 3, make([]float32, 15), 5, 0, nil, 5)
	Sgemm(false, false, 5, 0, 3, 1, make([]float32, 15), 3, nil, 1, 0, nil, 1)
}

func TestSgemmPanics(t *testing.T) {
	a, b, c := make([]float32, 6), make([]float32, 6), make([]float32, 4)
	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { Sgemm(false, false, -1, 2, 3, 1, a, 3, b, 2, 0, c, 2) }, "negative size"},
		{func() { Sgemm(false, false, 2, 2, 3, 1, a, 2, b, 2, 0, c, 2) }, "bad lda"},
		{func() { Sgemm(false, true, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2) }, "bad ldb"},
		{func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 1) }, "bad ldc"},
		{func() { Sgemm(false, false, 2, 2, 3, 1, a[:5], 3, b, 2, 0, c, 2) }, "short A"},
		{func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b[:5], 2, 0, c, 2) }, "short B"},
		{func() { Sgemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c[:3], 2) }, "short C"},
	} {
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			tc.f()
			return ""
		}()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("case %d: panic %q, want %q", i, msg, tc.want)
		}
	}
}

// TestSgemmBatch compares SgemmBatch with one Sgemm per item, for products small enough to
// spread over the batch and large enough to run one by one, with a shared (stride 0) B.
func TestSgemmBatch(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	for i, tc := range []struct {
		batch, m, n, k int
		transA, transB bool
		shareB         bool
		alpha, beta    float32
	}{
		{1, 3, 4, 5, false, false, false, 1, 0},
		{7, 6, 11, 7, false, true, false, 1, 0.5},
		{40, 32, 33, 40, true, false, true, -1, 0}, // spread over the batch
		{3, 130, 70, 120, false, false, true, 2, 1},
		{5, 0, 3, 3, false, false, false, 1, 0},
		{4, 3, 3, 0, false, false, false, 1, 2},
	} {
		m, n, k := tc.m, tc.n, tc.k
		lda, ldb, ldc := k+1, n+2, n+3
		if tc.transA {
			lda = m + 1
		}
		if tc.transB {
			ldb = k + 2
		}
		sa, sb, sc := 2*max(m, k)*lda+1, 2*max(n, k)*ldb, m*ldc+5
		if tc.shareB {
			sb = 0
		}
		a := randSlice(rng, tc.batch*sa+1)
		b := randSlice(rng, tc.batch*sb+max(n, k)*ldb)
		c := randSlice(rng, tc.batch*sc)
		want := append([]float32(nil), c...)
		for j := range tc.batch {
			Sgemm(tc.transA, tc.transB, m, n, k, tc.alpha, a[j*sa:], lda, b[j*sb:], ldb, tc.beta, want[j*sc:], ldc)
		}
		SgemmBatch(tc.transA, tc.transB, tc.batch, m, n, k, tc.alpha, a, lda, sa, b, ldb, sb, tc.beta, c, ldc, sc)
		for j := range c {
			if d := math.Abs(float64(c[j] - want[j])); d > 1e-6*float64(k+1) {
				t.Fatalf("case %d: SgemmBatch: c[%d] = %v, want %v", i, j, c[j], want[j])
			}
		}
	}
}

func TestSgemmBatchPanics(t *testing.T) {
	a, b, c := make([]float32, 12), make([]float32, 12), make([]float32, 8)
	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { SgemmBatch(false, false, 2, 2, 2, 3, 1, a, 3, 6, b, 2, 6, 0, c, 2, 3) }, "overlap"},
		{func() { SgemmBatch(false, false, 2, 2, 2, 3, 1, a, 3, 6, b, 2, 6, 0, c, 2, -4) }, "negative"},
		{func() { SgemmBatch(false, false, 2, 2, 2, 3, 1, a, 3, 7, b, 2, 6, 0, c, 2, 4) }, "short A"},
		{func() { SgemmBatch(false, false, 3, 2, 2, 3, 1, a, 3, 0, b, 2, 0, 0, c, 2, 4) }, "short C"},
	} {
		msg := func() (msg string) {
			defer func() { msg = fmt.Sprint(recover()) }()
			tc.f()
			return ""
		}()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("case %d: panic %q, want %q", i, msg, tc.want)
		}
	}
}

// TestGeneratedKernels checks that kernel_amd64.s is what gen_kernels.go writes now.
func TestGeneratedKernels(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the generator with the go tool")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool")
	}
	out := filepath.Join(t.TempDir(), "kernel_amd64.s")
	if msg, err := exec.Command(goTool, "run", "gen_kernels.go", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("go run gen_kernels.go: %v\n%s", err, msg)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("kernel_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("kernel_amd64.s is stale: run go generate (go run gen_kernels.go)")
	}
}

// TestKernelsRaggedShapes runs Sgemm, SgemmSerial and SgemmBatch with each micro-kernel this
// CPU can run made the active one (the AVX2 kernel on an AVX-512 CPU too, and the portable Go
// kernels), on random shapes around the tile sizes so that every kind of partial edge tile
// occurs, and compares with the naive product.
func TestKernelsRaggedShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var shapes []shape
	for range 16 {
		shapes = append(shapes, shape{1 + rng.IntN(40), 1 + rng.IntN(80), 1 + rng.IntN(300)})
	}
	// Shapes of the workloads, ones large enough to be split over goroutines, and ones whose B
	// rows (unpadded) alias in L1, so that the AVX2 kernel copies B's micro-panels (copyB).
	shapes = append(shapes, shape{16, 169, 144}, shape{27, 169, 40}, shape{64, 10, 256}, shape{10, 256, 64}, shape{70, 150, 110},
		shape{12, 512, 160}, shape{9, 2048, 50})
	batch := impl{"SgemmBatch", func(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
		SgemmBatch(transA, transB, 1, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0)
	}}
	for _, ks := range kernels() {
		t.Run(ks.name, func(t *testing.T) {
			defer useKernel(ks.name)()
			if Backend() != "openblas" && Backend() != ks.name {
				t.Fatalf("Backend() = %q after useKernel(%q)", Backend(), ks.name)
			}
			checkShapes(t, []impl{{"Sgemm", Sgemm}, {"SgemmSerial", SgemmSerial}, batch}, shapes)
		})
	}
}
