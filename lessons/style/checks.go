package style

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/check"
)

// CheckResult is the outcome of an exercise check (see package check).
type CheckResult = check.Result

// randomFeatures returns seeded random feature matrices [n][m] for the checks.
func randomFeatures(rng *rand.Rand, n, m int) [][]float64 {
	f := make([][]float64, n)
	for i := range f {
		f[i] = make([]float64, m)
		for j := range f[i] {
			f[i][j] = rng.NormFloat64()
		}
	}
	return f
}

func tensorOf(f [][]float64) *dl.Tensor {
	n, m := len(f), len(f[0])
	t := dl.Zeros(n, m)
	for i := range f {
		for j := range f[i] {
			t.Set(float32(f[i][j]), i, j)
		}
	}
	return t
}

// GramCase is one case of CheckGramCases: a seeded random feature matrix F with N rows
// (channels) and M columns (positions). A case can check one property only, so that a
// hidden test is aimed at one mistake.
type GramCase struct {
	N, M      int
	Seed      uint64
	ShapeOnly bool // check only that G is N×N (one row and column per channel)
	TraceOnly bool // check only trace G = Σ_ik F_ik², whatever G's orientation
}

// RandomGramCases returns n cases of random sizes (N ≤ 6 channels, M ≤ 9 positions) from
// seed, the first with one channel and one position.
func RandomGramCases(n int, seed uint64) []GramCase {
	rng := rand.New(rand.NewPCG(seed, 4))
	cases := make([]GramCase, n)
	for c := range cases {
		cases[c] = GramCase{N: 1 + rng.IntN(6), M: 1 + rng.IntN(9), Seed: seed*1000 + uint64(c)}
		if c == 0 {
			cases[c].N, cases[c].M = 1, 1
		}
	}
	return cases
}

// CheckGram checks a student's Gram matrix gram(F) (F is N×M: N channels, M positions; the
// answer is N×N) against Gram on 60 seeded random feature matrices, including one channel and
// one position.
func CheckGram(gram func(f [][]float64) [][]float64) CheckResult {
	return CheckGramCases("Gram matrix", RandomGramCases(60, 11), gram)
}

// gram64 is G = F Fᵀ in float64, and gramT64 FᵀF, the transposed mistake.
func gram64(f [][]float64) [][]float64 {
	g := make([][]float64, len(f))
	for i := range f {
		g[i] = make([]float64, len(f))
		for j := range f {
			for k := range f[i] {
				g[i][j] += f[i][k] * f[j][k]
			}
		}
	}
	return g
}

func gramT64(f [][]float64) [][]float64 {
	m := len(f[0])
	g := make([][]float64, m)
	for i := range g {
		g[i] = make([]float64, m)
		for j := range g[i] {
			for k := range f {
				g[i][j] += f[k][i] * f[k][j]
			}
		}
	}
	return g
}

// panicHint is the hint for a student's function that panicked: the stub's panic (replace it
// with the code), or a mistake such as an index out of range.
func panicHint(err error, what string) string {
	if strings.Contains(err.Error(), "not done yet") || strings.Contains(err.Error(), "TODO") {
		return "replace the panic(\"TODO\") with " + what
	}
	return "your code panicked: check the sizes it indexes (F is N×M, A and G = F Fᵀ are N×N)"
}

// near reports whether got is within a relative 1e-4 of want.
func near(got, want float64) bool { return math.Abs(got-want) <= 1e-4*(1+math.Abs(want)) }

// sameMatrix reports whether got equals want within near.
func sameMatrix(got, want [][]float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			return false
		}
		for j := range want[i] {
			if !near(got[i][j], want[i][j]) {
				return false
			}
		}
	}
	return true
}

// CheckGramCases checks gram on the given cases against Gram (the lesson's GEMM), with a hint
// naming the likely mistake: FᵀF (positions, not channels), a mean over positions instead of a
// sum.
func CheckGramCases(name string, cases []GramCase, gram func(f [][]float64) [][]float64) CheckResult {
	res := CheckResult{Name: name}
	const transposed = "that is FᵀF, M×M (one row per position): G = F Fᵀ pairs channels, G[i][j] = Σ_k F[i][k]·F[j][k]"
	for _, c := range cases {
		f := randomFeatures(rand.New(rand.NewPCG(c.Seed, 4)), c.N, c.M)
		n, m := c.N, c.M
		want := Gram(tensorOf(f))
		res.Cases++
		desc := fmt.Sprintf("F = %.3v (%d channels × %d positions)", f, n, m)
		var got [][]float64
		if err := check.CallSafely(func() { got = gram(f) }); err != nil {
			res.Case, res.Got, res.Want, res.Hint = desc, err.Error(), fmt.Sprintf("%.4v", want), panicHint(err, "the Gram matrix")
			return res
		}
		square := len(got) > 0
		for _, row := range got {
			square = square && len(row) == len(got)
		}
		if c.TraceOnly && square {
			var tr, sq float64
			for i := range got {
				tr += got[i][i]
			}
			for i := range f {
				for _, v := range f[i] {
					sq += v * v
				}
			}
			if !near(tr, sq) {
				res.Case, res.Got, res.Want = desc, fmt.Sprintf("trace G = %.5g", tr), fmt.Sprintf("Σ F² = %.5g", sq)
				res.Hint = "the diagonal G[i][i] = Σ_k F[i][k]²: the products summed over the positions"
				if near(tr*float64(m), sq) {
					res.Hint = "a sum over the M positions, no mean: do not divide by M"
				}
				return res
			}
			continue
		}
		if len(got) != n || !square {
			res.Case, res.Got, res.Want = desc, fmt.Sprintf("%d rows", len(got)), fmt.Sprintf("%d rows of %d", n, n)
			res.Hint = "G = F Fᵀ is N×N: one row and one column per channel"
			if square {
				res.Got = fmt.Sprintf("%d×%d", len(got), len(got))
			}
			if len(got) == m && square {
				res.Hint = transposed
			}
			return res
		}
		if c.ShapeOnly {
			continue
		}
		for i := range n {
			for j := range n {
				w := float64(want.At(i, j))
				if !near(got[i][j], w) {
					res.Case, res.Got, res.Want = desc, fmt.Sprintf("G[%d][%d] = %.5g", i, j, got[i][j]), fmt.Sprintf("%.5g", w)
					switch {
					case m == n && sameMatrix(got, gramT64(f)):
						res.Hint = transposed
					case near(got[i][j]*float64(m), w):
						res.Hint = "a sum over the M positions, no mean: do not divide by M"
					default:
						res.Hint = "G_ij = Σ_k F_ik F_jk: the inner product of channels i and j over the positions (no mean)"
					}
					return res
				}
			}
		}
	}
	res.Passed = true
	return res
}

// StyleCase is one case of CheckStyleLossCases: seeded random F (N×M) and a painting's Gram
// matrix A of the same N channels (or A = F Fᵀ, where the loss is 0).
type StyleCase struct {
	N, M  int
	Seed  uint64
	Match bool // A is the Gram matrix of F itself: E = 0
}

// RandomStyleCases returns n cases of random sizes with at least minN channels (N ≤ 6, M ≤ 9)
// from seed.
func RandomStyleCases(n, minN int, seed uint64) []StyleCase {
	rng := rand.New(rand.NewPCG(seed, 5))
	cases := make([]StyleCase, n)
	for c := range cases {
		cases[c] = StyleCase{N: minN + rng.IntN(7-minN), M: 1 + rng.IntN(9), Seed: seed*1000 + uint64(c)}
	}
	return cases
}

// CheckStyleLoss checks a student's per-layer style loss e(F, A) = 1/(4N²M²) Σ (G − A)² (F is
// N×M, A the painting's N×N Gram matrix) against StyleLayerLoss on 60 seeded random cases.
func CheckStyleLoss(e func(f, a [][]float64) float64) CheckResult {
	return CheckStyleLossCases("style loss", RandomStyleCases(60, 1, 12), e)
}

// CheckStyleLossCases checks e on the given cases against StyleLayerLoss, with a hint naming
// the likely mistake (the factor 1/(4N²M²) left out, N or M where N² or M² belongs, a mean
// over the N² entries, a loss that is not 0 when the Gram matrices match).
func CheckStyleLossCases(name string, cases []StyleCase, e func(f, a [][]float64) float64) CheckResult {
	return styleLoss.check(name, len(cases), func(i int) lossCase {
		c := cases[i]
		rng := rand.New(rand.NewPCG(c.Seed, 5))
		f := randomFeatures(rng, c.N, c.M)
		aa := gram64(randomFeatures(rng, c.N, c.M))
		if c.Match {
			return lossCase{f, gram64(f), 0, true}
		}
		return lossCase{f, aa, float64(StyleLayerLoss(tensorOf(f), tensorOf(aa)).Item()), false}
	}, e)
}

// styleLoss is what lossCheck.check needs of the style loss.
var styleLoss = lossCheck{
	what: "the style loss", desc: "F = %.3v, A = %.3v",
	// In float64 the student's G matches A to rounding: E is 0 but for ~1e-30.
	zeroTol: 1e-9, zeroNote: " (A = F Fᵀ)",
	zeroHint: "when the painting's Gram matrix A equals G = F Fᵀ the loss is 0: compare myGram(f) with a, entry by entry",
	hint: func(n, m int, is func(x float64) bool) string {
		nf, mf := float64(n), float64(m)
		switch {
		case n == m && is(nf):
			return "N² and M², not N or M: the factor is 1/(4 N² M²)"
		case is(4 * nf * nf * mf * mf):
			return "divide Σ(G − A)² by 4 N² M²"
		case is(nf):
			return "N², not N: the factor is 1/(4 N² M²)"
		case is(mf):
			return "M², not M: the factor is 1/(4 N² M²)"
		case is(nf * mf):
			return "N² M², not N M: the factor is 1/(4 N² M²)"
		case is(1 / (nf * nf)):
			return "Σ runs over all N² entries: a sum, then 1/(4N²M²), not a mean"
		case is(4):
			return "the factor has a 4: 1/(4 N² M²)"
		}
		return "E = Σ_ij (G_ij − A_ij)² / (4 N² M²) with G = F Fᵀ, N channels and M positions"
	},
}

// ContentCase is one case of CheckContentLossCases: seeded random feature matrices F (the
// generated image's) and P (the photo's), both N×M, or P = F, where the loss is 0.
type ContentCase struct {
	N, M int
	Seed uint64
	Same bool // P is F itself: the loss is 0
}

// RandomContentCases returns n cases of random sizes (N ≤ 6, M ≤ 9) from seed, the first with
// one channel and one position.
func RandomContentCases(n int, seed uint64) []ContentCase {
	rng := rand.New(rand.NewPCG(seed, 6))
	cases := make([]ContentCase, n)
	for c := range cases {
		cases[c] = ContentCase{N: 1 + rng.IntN(6), M: 1 + rng.IntN(9), Seed: seed*1000 + uint64(c)}
		if c == 0 {
			cases[c].N, cases[c].M = 1, 1
		}
	}
	return cases
}

// CheckContentLoss checks a student's content loss l(F, P) = ½ Σ_ij (F_ij − P_ij)² (F and P
// are N×M) against ContentLoss on 60 seeded random cases.
func CheckContentLoss(l func(f, p [][]float64) float64) CheckResult {
	return CheckContentLossCases("content loss", RandomContentCases(60, 13), l)
}

// CheckContentLossCases checks l on the given cases against ContentLoss, with a hint naming
// the likely mistake: the ½ left out, a mean over the N·M entries (nn.ContentLoss's form)
// instead of a sum, a loss that is not 0 when the features match.
func CheckContentLossCases(name string, cases []ContentCase, l func(f, p [][]float64) float64) CheckResult {
	return contentLoss.check(name, len(cases), func(i int) lossCase {
		c := cases[i]
		rng := rand.New(rand.NewPCG(c.Seed, 6))
		f := randomFeatures(rng, c.N, c.M)
		p := randomFeatures(rng, c.N, c.M)
		if c.Same {
			p = f
		}
		return lossCase{f, p, float64(ContentLoss(tensorOf(f), tensorOf(p)).Item()), c.Same}
	}, l)
}

// contentLoss is what lossCheck.check needs of the content loss.
var contentLoss = lossCheck{
	what: "the content loss", desc: "F = %.3v, P = %.3v",
	zeroTol: 1e-12, zeroNote: " (P = F)",
	zeroHint: "when the features match (F = P) the loss is 0: square the differences F_ij − P_ij",
	hint: func(n, m int, is func(x float64) bool) string {
		nm := float64(n * m)
		switch {
		case is(2):
			return "the deck's content loss has a ½: ½ Σ (F − P)²"
		case nm > 1 && is(1/nm):
			return "a sum over all N·M entries, not a mean (the mean is nn.ContentLoss's form, N·M times smaller)"
		case nm > 2 && is(2/nm):
			return "a sum over all N·M entries, not a mean, times ½"
		}
		return "L = ½ Σ_ij (F_ij − P_ij)²: the squared differences of every entry, summed, halved"
	},
}

// lossCase is one case of lossCheck.check: the student's inputs f (N×M) and b, the reference
// loss, and whether the loss must be 0.
type lossCase struct {
	f, b [][]float64
	want float64
	zero bool
}

// lossCheck is what the checks of a scalar loss of two matrices (content, style) differ in.
type lossCheck struct {
	what     string  // the loss, as a panic's hint names it
	desc     string  // the format of a case's description, given f and b
	zeroTol  float64 // the largest |loss| that counts as 0 on a zero case
	zeroNote string  // added to the description of a zero case that failed
	zeroHint string  // the hint for a loss that is not 0 on a zero case
	// hint names the likely mistake of a wrong loss on an N×M case; is(x) reports whether
	// the loss is x times the reference (to a relative 1e-3).
	hint func(n, m int, is func(x float64) bool) string
}

// check runs loss on the n cases that mk returns, in order, and reports the first that fails:
// a panic, a loss that is not 0 on a zero case, or one more than a relative 1e-4 from the
// reference, with lc's hint.
func (lc lossCheck) check(name string, n int, mk func(i int) lossCase, loss func(f, b [][]float64) float64) CheckResult {
	res := CheckResult{Name: name}
	for i := range n {
		c := mk(i)
		res.Cases++
		desc := fmt.Sprintf(lc.desc, c.f, c.b)
		var got float64
		if err := check.CallSafely(func() { got = loss(c.f, c.b) }); err != nil {
			res.Case, res.Got, res.Want, res.Hint = desc, err.Error(), fmt.Sprint(c.want), panicHint(err, lc.what)
			return res
		}
		if c.zero {
			if math.Abs(got) > lc.zeroTol {
				res.Case, res.Got, res.Want, res.Hint = desc+lc.zeroNote, fmt.Sprintf("%.6g", got), "0", lc.zeroHint
				return res
			}
			continue
		}
		if want := c.want; math.Abs(got-want) > 1e-4*(1e-6+math.Abs(want)) {
			is := func(x float64) bool { return x != 1 && math.Abs(got-want*x) < 1e-3*math.Abs(want*x) }
			res.Case, res.Got, res.Want = desc, fmt.Sprintf("%.6g", got), fmt.Sprintf("%.6g", want)
			res.Hint = lc.hint(len(c.f), len(c.f[0]), is)
			return res
		}
	}
	res.Passed = true
	return res
}
