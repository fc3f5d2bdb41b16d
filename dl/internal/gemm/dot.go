package gemm

import "github.com/deepnb/deepnb/dl/internal/par"

// dotFunc computes the first rows×cols entries (rows ≤ mr, cols ≤ nr of its dotSpec) of the
// tile C = alpha·A·Bᵀ + beta·C, A[i,p] = a[i·lda + p], B[j,p] = b[j·ldb + p], p < k, C with
// row stride ldc; it reads no row of A past rows and no row of B past cols, and C only where
// beta is not ±0.
type dotFunc func(k int, a, b, c *float32, lda, ldb, ldc int, alpha, beta float32, rows, cols int)

// dotSpec is a dot-product kernel: each entry of an mr×nr tile of C accumulates in its own
// vector register along k, reading A's and B's rows in place.
type dotSpec struct {
	name   string
	mr, nr int
	fn     dotFunc
	minK   int     // the shortest k it is used for
	minUse float64 // it is used where the packed path uses less than this fraction of its columns
	longK  int     // if not 0, it is also used where m ≤ 128 and k ≥ longK (useDot)
}

// useDot reports whether C = A·Bᵀ (A m×k, B n×k, both row-major, so both are read along k)
// runs faster with ks's dot kernel than packed. The packed path transposes B (or, swapped,
// A) into k-major panels and, when n is not a multiple of the tile widths, computes columns
// it throws away; the dot kernel packs nothing and wastes no lane, but reduces its
// accumulators at the end of each tile (some 45 shuffles and adds per 4×4 tile, against 16
// FMAs per 16 values of k) and loads both operands for every few FMAs. Measured on a Zen 4,
// one thread, per CPU-second, dot against packed: with AVX-512, 64×10×256 1.39×, 64×26×256
// 1.23×, 64×64×256 and 64×256×784 1.04×, 128×256×784 1.08×, 256×256×256 0.98×, 64×10×32
// 0.81×; with AVX2 (measured with 2×4 tiles; the 3×4 ones now used are 5–10% faster),
// 64×10×256 1.29×, 64×26×256 1.33×, 64×30×256 1.14×, but 64×40×256 (24 + 16 wide, nothing
// wasted) 0.83×, 64×256×784 0.91×, 64×10×64 0.96×; on two goroutines, where the packed path
// shares the packing of B between them at barriers (or transposes A, swapped), the AVX2 dot
// kernel was ahead: 64×256×784 1.2× per CPU-second, 32×512×512 1.1×. So: where the packed
// tiles waste a tenth of their columns (a twentieth with AVX2) and k is long enough to pay
// for the reductions, and also for products of at most 128 rows and long k (256 with
// AVX-512, 512 with AVX2). The choice depends on the shape only, never on the goroutines, so
// that Sgemm and SgemmSerial give the same bits.
func useDot(ks *kernelSpec, transA, transB bool, m, n, k int) bool {
	if ks.dot == nil || transA || !transB || k < ks.dot.minK {
		return false
	}
	if ks.dot.longK > 0 && m <= 128 && k >= ks.dot.longK {
		return true
	}
	return float64(n) < ks.dot.minUse*float64(covered(ks, n))
}

// covered is the number of columns the packed path computes for n columns of C: whole
// tiles, and the narrowest kernel that covers the rest.
func covered(ks *kernelSpec, n int) int {
	full := n / ks.nr * ks.nr
	if full == n {
		return n
	}
	e := ks
	for e.narrow != nil && n-full <= e.narrow.nr {
		e = e.narrow
	}
	return full + e.nr
}

// dotJob is one sgemmDot call split across goroutines.
type dotJob struct {
	ds            *dotSpec
	k             int
	alpha, beta   float32
	a, b, c       []float32
	lda, ldb, ldc int
}

// sgemmDot computes C = alpha·A·Bᵀ + beta·C (A m×k, B n×k row-major, k > 0) with dot kernel
// ds on up to maxw goroutines, each a band of C's rows (or columns when C has fewer rows than
// kernel tiles per goroutine). Every entry is computed the same way whatever the split.
func sgemmDot(ds *dotSpec, maxw, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	j := dotJob{ds: ds, k: k, alpha: alpha, beta: beta, a: a, b: b, c: c, lda: lda, ldb: ldb, ldc: ldc}
	w := 1
	if m*n*k >= parWork {
		w = maxw
	}
	rowTiles, colTiles := (m+ds.mr-1)/ds.mr, (n+ds.nr-1)/ds.nr
	splitM := rowTiles >= colTiles
	tiles, unit := rowTiles, ds.mr
	if !splitM {
		tiles, unit = colTiles, ds.nr
	}
	w = min(w, tiles)
	if w <= 1 {
		j.run(0, m, 0, n)
		return
	}
	par.Run(w, func(g, w int) {
		lo, hi := tiles*g/w*unit, tiles*(g+1)/w*unit
		if splitM {
			j.run(lo, min(hi, m), 0, n)
		} else {
			j.run(0, m, lo, min(hi, n))
		}
	})
}

// run computes rows [r0, r1) × columns [c0, c1) of C: for each block of B's rows that fits
// half of L2 (or 256 KiB), every tile of A's rows against it, so that B's block is read from
// L2 while a tile's rows of A stay in L1.
func (j *dotJob) run(r0, r1, c0, c1 int) {
	ds, k := j.ds, j.k
	nb := max(ds.nr, (max(cpuCaches.l2, 512<<10)/2)/(4*k)/ds.nr*ds.nr)
	for jb := c0; jb < c1; jb += nb {
		je := min(c1, jb+nb)
		for i := r0; i < r1; i += ds.mr {
			preemptible()
			rows := min(ds.mr, r1-i)
			for jj := jb; jj < je; jj += ds.nr {
				cols := min(ds.nr, je-jj)
				ds.fn(k, &j.a[i*j.lda], &j.b[jj*j.ldb], &j.c[i*j.ldc+jj], j.lda, j.ldb, j.ldc, j.alpha, j.beta, rows, cols)
			}
		}
	}
}
