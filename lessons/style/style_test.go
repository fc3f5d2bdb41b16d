package style_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/backbone"
	"github.com/deepnb/deepnb/lessons/style"
)

func randT(seed uint64, shape ...int) *dl.Tensor {
	return dl.RandN(rand.New(rand.NewPCG(seed, 1)), shape...)
}

// TestLossesAgainstLoops compares Gram, ContentLoss and StyleLayerLoss with loops over the
// deck's formulas, and ContentLoss with nn.MSE times |F|/2.
func TestLossesAgainstLoops(t *testing.T) {
	for _, tc := range []struct{ n, h, w int }{{1, 1, 1}, {3, 2, 4}, {8, 5, 5}} {
		f, p := randT(1, 1, tc.n, tc.h, tc.w), randT(2, 1, tc.n, tc.h, tc.w)
		a := style.Gram(randT(3, 1, tc.n, tc.h, tc.w))
		m := tc.h * tc.w
		F, A := f.Data(), a.Data()
		var content, e float64
		for i := range F {
			d := float64(F[i] - p.Data()[i])
			content += d * d / 2
		}
		G := style.Gram(f)
		for i := range tc.n {
			for j := range tc.n {
				var g float64
				for k := range m {
					g += float64(F[i*m+k]) * float64(F[j*m+k])
				}
				if math.Abs(g-float64(G.At(i, j))) > 1e-4*(1+math.Abs(g)) {
					t.Errorf("%v: G[%d,%d] = %v, loops %v", tc, i, j, G.At(i, j), g)
				}
				d := g - float64(A[i*tc.n+j])
				e += d * d
			}
		}
		e /= 4 * float64(tc.n*tc.n) * float64(m*m)
		if got := float64(style.ContentLoss(f, p).Item()); math.Abs(got-content) > 1e-4*content {
			t.Errorf("%v: ContentLoss %v, loops %v", tc, got, content)
		}
		if mse := float64(nn.ContentLoss(f, p).Item()) * float64(f.Len()) / 2; math.Abs(mse-content) > 1e-4*content {
			t.Errorf("%v: ½|F|·nn.ContentLoss %v ≠ ½Σ(F−P)² %v", tc, mse, content)
		}
		ahat := a.MulScalar(1 / float32(tc.n*m))
		if nnE := float64(nn.StyleLoss(f, ahat.Reshape(1, tc.n, tc.n)).Item()) * float64(tc.n*tc.n) / 4; math.Abs(nnE-e) > 1e-4*e {
			t.Errorf("%v: (N²/4)·nn.StyleLoss %v ≠ E_l %v", tc, nnE, e)
		}
		if got := float64(style.StyleLayerLoss(f, a).Item()); math.Abs(got-e) > 1e-4*e {
			t.Errorf("%v: StyleLayerLoss %v, loops %v", tc, got, e)
		}
	}
}

// TestGradients checks the gradients of the losses with central differences.
func TestGradients(t *testing.T) {
	f, p := randT(4, 1, 3, 3, 2), randT(5, 1, 3, 3, 2)
	a := style.Gram(randT(6, 1, 3, 3, 2))
	for _, tc := range []struct {
		name string
		f    func(xs ...*dl.Tensor) *dl.Tensor
		xs   []*dl.Tensor
	}{
		{"Gram", func(xs ...*dl.Tensor) *dl.Tensor { return style.Gram(xs[0]) }, []*dl.Tensor{f}},
		{"ContentLoss", func(xs ...*dl.Tensor) *dl.Tensor { return style.ContentLoss(xs[0], xs[1]) }, []*dl.Tensor{f, p}},
		{"StyleLayerLoss", func(xs ...*dl.Tensor) *dl.Tensor { return style.StyleLayerLoss(xs[0], xs[1]) }, []*dl.Tensor{f, a}},
	} {
		if err, report := dl.GradCheck(tc.f, tc.xs...); err > dl.GradCheckTol {
			t.Errorf("%s: gradient error %.3g\n%s", tc.name, err, report)
		}
	}
}

// TestShapeErrors: mismatched shapes name the op and both shapes.
func TestShapeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func()
		want string
	}{
		{"content", func() { style.ContentLoss(dl.Zeros(1, 2, 3, 3), dl.Zeros(1, 2, 3, 4)) }, "style.ContentLoss"},
		{"gram", func() { style.StyleLayerLoss(dl.Zeros(1, 2, 3, 3), dl.Zeros(3, 3)) }, "style.StyleLayerLoss"},
		{"rank", func() { style.Gram(dl.Zeros(2, 2, 3, 3)) }, "style.Gram"},
	} {
		err := dl.Try(tc.f)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %s", tc.name, err, tc.want)
		}
	}
}

// TestChecks: the exercise checks pass the reference and catch typical mistakes.
func TestChecks(t *testing.T) {
	gram := func(f [][]float64) [][]float64 {
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
	loss := func(scale float64) func(f, a [][]float64) float64 {
		return func(f, a [][]float64) float64 {
			g := gram(f)
			var s float64
			for i := range g {
				for j := range g {
					s += (g[i][j] - a[i][j]) * (g[i][j] - a[i][j])
				}
			}
			n, m := float64(len(f)), float64(len(f[0]))
			return scale * s / (4 * n * n * m * m)
		}
	}
	if r := style.CheckGram(gram); !r.Passed {
		t.Errorf("reference Gram fails: %v", r)
	}
	if r := style.CheckStyleLoss(loss(1)); !r.Passed {
		t.Errorf("reference style loss fails: %v", r)
	}
	meanGram := func(f [][]float64) [][]float64 {
		g := gram(f)
		for i := range g {
			for j := range g[i] {
				g[i][j] /= float64(len(f[0]))
			}
		}
		return g
	}
	if r := style.CheckGram(meanGram); r.Passed || !strings.Contains(r.String(), "no mean") {
		t.Errorf("a mean over positions passes or gets the wrong hint: %v", r)
	}
	if r := style.CheckStyleLoss(func(f, a [][]float64) float64 { panic("TODO") }); r.Passed || !strings.Contains(r.String(), "panicked") {
		t.Errorf("a panicking stub: %v", r)
	}
	if r := style.CheckStyleLoss(loss(2)); r.Passed {
		t.Errorf("a loss off by 2 passes: %v", r)
	}
	// Each hidden test is aimed at one mistake: the checks' cases and hints.
	transposed := style.GramT64 // FᵀF, M×M
	// scaled is the reference loss times factor(N, M).
	scaled := func(factor func(n, m float64) float64) func(f, a [][]float64) float64 {
		return func(f, a [][]float64) float64 {
			return loss(factor(float64(len(f)), float64(len(f[0]))))(f, a)
		}
	}
	shape := []style.GramCase{{N: 2, M: 5, Seed: 1, ShapeOnly: true}, {N: 4, M: 3, Seed: 2, ShapeOnly: true}}
	trace := []style.GramCase{{N: 2, M: 5, Seed: 3, TraceOnly: true}, {N: 4, M: 3, Seed: 4, TraceOnly: true}}
	match := []style.StyleCase{{N: 3, M: 4, Seed: 1, Match: true}, {N: 1, M: 2, Seed: 2, Match: true}}
	one := style.RandomStyleCases(10, 1, 7)
	for i := range one {
		one[i].N = 1
	}
	many := style.RandomStyleCases(20, 2, 8)
	for _, tc := range []struct {
		name   string
		r      style.CheckResult
		passed bool
		hint   string
	}{
		{"FᵀF: trace", style.CheckGramCases("trace", trace, transposed), true, ""},
		{"FᵀF: shape", style.CheckGramCases("shape", shape, transposed), false, "that is FᵀF"},
		{"FᵀF: values", style.CheckGram(transposed), false, "that is FᵀF"},
		{"mean: shape", style.CheckGramCases("shape", shape, meanGram), true, ""},
		{"mean: trace", style.CheckGramCases("trace", trace, meanGram), false, "no mean"},
		{"reference: shape", style.CheckGramCases("shape", shape, gram), true, ""},
		{"reference: trace", style.CheckGramCases("trace", trace, gram), true, ""},
		{"no factor: match", style.CheckStyleLossCases("match", match, scaled(func(n, m float64) float64 { return 4 * n * n * m * m })), true, ""},
		{"no factor: one channel", style.CheckStyleLossCases("one", one, scaled(func(n, m float64) float64 { return 4 * n * n * m * m })), false, "divide Σ(G − A)² by 4 N² M²"},
		{"N for N²: one channel", style.CheckStyleLossCases("one", one, scaled(func(n, m float64) float64 { return n })), true, ""},
		{"N for N²: channels", style.CheckStyleLossCases("many", many, scaled(func(n, m float64) float64 { return n })), false, "N², not N"},
		{"mean: channels", style.CheckStyleLossCases("many", many, scaled(func(n, m float64) float64 { return 1 / (n * n) })), false, "not a mean"},
		{"M for M²: one channel", style.CheckStyleLossCases("one", one, scaled(func(n, m float64) float64 { return m })), false, "M², not M"},
		{"index out of range", style.CheckStyleLossCases("match", match, func(f, a [][]float64) float64 { return a[len(f)][0] }), false, "check the sizes it indexes"},
		{"G − G: match", style.CheckStyleLossCases("match", match, func(f, a [][]float64) float64 { return loss(1)(f, gram(f)) + 1 }), false, "loss is 0"},
		{"reference: all", style.CheckStyleLossCases("all", append(append(match, one...), many...), loss(1)), true, ""},
	} {
		if tc.r.Passed != tc.passed || !strings.Contains(tc.r.Hint, tc.hint) {
			t.Errorf("%s: passed %v, want %v with a hint containing %q: %v", tc.name, tc.r.Passed, tc.passed, tc.hint, tc.r)
		}
	}
}

// TestTransferFidelity: on a 64-px photo and painting, L-BFGS from noise lowers the total loss
// at least 10×, and the style (Gram) distance falls while the content distance stays below
// its start; Adam lowers the loss too.
func TestTransferFidelity(t *testing.T) {
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		t.Fatal(err)
	}
	b := backbone.New(net, backbone.AvgPool)
	load := func(name string) *dl.Tensor {
		x, err := datasets.ImageTensor(name, 64)
		if err != nil {
			t.Fatal(err)
		}
		return x.Reshape(1, 3, 64, 64)
	}
	photo, art := load("chelsea"), load("starry-night")
	iters := 40
	if testing.Short() {
		iters = 25
	}
	for _, opt := range []style.Optimizer{style.LBFGS, style.Adam} {
		cfg := style.Config{Content: 6, Style: []int{0, 2, 4, 6}, Alpha: 1, Beta: 1e4, Iters: iters, Optimizer: opt, LR: 0.05, Noise: true, Seed: 1}
		r := style.Transfer(b, photo, art, cfg, nil)
		first, last := r.Trace[0], r.Trace[len(r.Trace)-1]
		if len(r.Trace) != iters || r.Image.Dim(2) != 64 {
			t.Fatalf("%s: %d steps, image %v", opt, len(r.Trace), r.Image.Shape())
		}
		ratio := first.Total / last.Total
		t.Logf("%s: total %.4g → %.4g (%.1f×), content %.4g → %.4g, style %.4g → %.4g", opt, first.Total, last.Total, ratio, first.Content, last.Content, first.Style, last.Style)
		want := 10.0
		if opt == style.Adam {
			want = 2
		}
		if ratio < want {
			t.Errorf("%s: total loss fell %.1f×, want ≥ %g×", opt, ratio, want)
		}
		if last.Style >= first.Style || last.Content >= first.Content {
			t.Errorf("%s: style %.4g → %.4g, content %.4g → %.4g: both must fall from noise", opt, first.Style, last.Style, first.Content, last.Content)
		}
	}
}

// TestContentLossCheck: the content-loss check passes the deck's ½Σ(F − P)² and names each
// typical mistake: no ½, a mean (nn.ContentLoss's form), both, no square, a loss not 0 for
// matching features, the stub.
func TestContentLossCheck(t *testing.T) {
	loss := func(half, mean bool, sq func(float64) float64) func(f, p [][]float64) float64 {
		return func(f, p [][]float64) float64 {
			var s float64
			for i := range f {
				for j := range f[i] {
					s += sq(f[i][j] - p[i][j])
				}
			}
			if half {
				s /= 2
			}
			if mean {
				s /= float64(len(f) * len(f[0]))
			}
			return s
		}
	}
	square := func(d float64) float64 { return d * d }
	same := []style.ContentCase{{N: 2, M: 3, Seed: 1, Same: true}}
	for _, tc := range []struct {
		name   string
		cases  []style.ContentCase
		l      func(f, p [][]float64) float64
		passed bool
		hint   string
	}{
		{"reference", style.RandomContentCases(60, 13), loss(true, false, square), true, ""},
		{"reference, P = F", same, loss(true, false, square), true, ""},
		{"no ½", style.RandomContentCases(20, 1), loss(false, false, square), false, "has a ½"},
		{"mean", style.RandomContentCases(20, 1), loss(true, true, square), false, "not a mean (the mean is nn.ContentLoss's form"},
		{"mean, no ½", style.RandomContentCases(20, 1)[1:], loss(false, true, square), false, "not a mean, times ½"},
		{"no square", style.RandomContentCases(20, 1), loss(true, false, math.Abs), false, "squared differences"},
		{"no ½, P = F", same, loss(false, false, square), true, ""},
		{"not 0 for P = F", same, func(f, p [][]float64) float64 { return 1 + loss(true, false, square)(f, p) }, false, "the loss is 0"},
		{"stub", same, func(f, p [][]float64) float64 { panic("TODO") }, false, "replace the panic"},
	} {
		r := style.CheckContentLossCases(tc.name, tc.cases, tc.l)
		if r.Passed != tc.passed || !strings.Contains(r.Hint, tc.hint) {
			t.Errorf("%s: passed %v, want %v with a hint containing %q: %v", tc.name, r.Passed, tc.passed, tc.hint, r)
		}
	}
	if r := style.CheckContentLoss(loss(true, false, square)); !r.Passed || r.Cases != 60 {
		t.Errorf("reference: %v", r)
	}
}
