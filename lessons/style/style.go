package style

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/lessons/backbone"
)

// matrix reshapes feature maps [1, N, H, W] (or a matrix [N, M]) into F [N, M].
func matrix(op string, f *dl.Tensor) *dl.Tensor {
	s := f.Shape()
	switch {
	case len(s) == 2:
		return f
	case len(s) == 4 && s[0] == 1:
		return f.Reshape(s[1], s[2]*s[3])
	}
	panic(&dl.ShapeError{Op: op, A: s, Msg: "want feature maps [1 N H W] or a matrix [N M]"})
}

// Gram returns the Gram matrix G = F Fᵀ [N, N] of the feature maps f [1, N, H, W] (or of a
// feature matrix [N, M]): G_ij is the inner product of channels i and j over all positions.
// It is nn.Gram (one GEMM) without nn's 1/(N·M) normalisation.
func Gram(f *dl.Tensor) *dl.Tensor {
	F := matrix("style.Gram", f)
	n, m := F.Dim(0), F.Dim(1)
	return nn.Gram(F.Reshape(n, m, 1)).MulScalar(float32(n * m))
}

// ContentLoss returns the deck's content loss ½ Σ (F − P)² between the feature maps f of the
// generated image and p of the photo (same shape): a sum, not nn.MSE's mean. It panics on
// different shapes.
func ContentLoss(f, p *dl.Tensor) *dl.Tensor {
	if !slices.Equal(f.Shape(), p.Shape()) {
		panic(&dl.ShapeError{Op: "style.ContentLoss", A: f.Shape(), B: p.Shape(), Msg: "feature maps differ"})
	}
	d := f.Sub(p)
	return d.Mul(d).Sum().MulScalar(0.5)
}

// StyleLayerLoss returns E_l = 1/(4 N² M²) Σ (G − A)² between the Gram matrix of the feature
// maps f [1, N, H, W] (N channels, M = H·W positions) and the painting's Gram matrix a [N, N].
func StyleLayerLoss(f, a *dl.Tensor) *dl.Tensor {
	F := matrix("style.StyleLayerLoss", f)
	n, m := F.Dim(0), F.Dim(1)
	if s := a.Shape(); len(s) != 2 || s[0] != n || s[1] != n {
		panic(&dl.ShapeError{Op: "style.StyleLayerLoss", A: f.Shape(), B: s, Msg: "the target Gram matrix must be [N N] for N channels"})
	}
	d := Gram(F).Sub(a)
	return d.Mul(d).Sum().MulScalar(float32(1 / (4 * float64(n) * float64(n) * float64(m) * float64(m))))
}

// Optimizer names the method Transfer uses.
type Optimizer string

const (
	LBFGS Optimizer = "L-BFGS"
	Adam  Optimizer = "Adam"
)

// Config is one neural-style problem.
type Config struct {
	Content     int     // trunk layer whose features the content loss compares; -1: none
	Style       []int   // trunk layers whose Gram matrices the style loss compares
	Alpha, Beta float64 // weights of the content and style losses
	Iters       int     // loss evaluations (one per iteration for both optimizers)
	Optimizer   Optimizer
	LR          float32 // Adam's step (default 0.02); L-BFGS uses step 1
	Noise       bool    // start from seeded uniform noise instead of the content photo
	Seed        uint64
}

// Lecture is the lecture's stylization: content at conv_6, style at conv_0 … conv_8 (Tiny
// YOLOv2's five stages before the last pooling, like Gatys' conv1_1 … conv5_1), α/β = 10⁻⁵,
// L-BFGS from seeded noise (as Gatys et al.); set Iters.
var Lecture = Config{Content: 6, Style: []int{0, 2, 4, 6, 8}, Alpha: 1, Beta: 1e5, Optimizer: LBFGS, Noise: true, Seed: 1}

// Step is the state after one iteration.
type Step struct {
	Iter                  int
	Elapsed               time.Duration
	Total, Content, Style float64 // L_total, L_content, L_style (unweighted)
}

// Result is a finished run: the image [1, 3, H, W] (clipped to [0, 1]) and the trace.
type Result struct {
	Image *dl.Tensor
	Trace []Step
}

// Targets holds what the loss compares with: the content photo's features P at Config.Content
// and the painting's Gram matrices A at the style layers, computed once.
type Targets struct {
	P *dl.Tensor
	A map[int]*dl.Tensor
}

// NewTargets computes the targets of cfg from the photo content and the painting art (each
// [1, 3, H, W] in [0, 1], any sizes that are multiples of 32; either may be nil when its loss
// is unused).
func NewTargets(net *backbone.Net, content, art *dl.Tensor, cfg Config) Targets {
	t := Targets{A: map[int]*dl.Tensor{}}
	if cfg.Content >= 0 && content != nil {
		t.P = net.Forward(content.NoGrad(), 0, cfg.Content).Clone()
	}
	if len(cfg.Style) > 0 && art != nil {
		net.Run(art.NoGrad(), 0, slices.Max(cfg.Style), func(i int, y *dl.Tensor) {
			if slices.Contains(cfg.Style, i) {
				t.A[i] = Gram(y)
			}
		})
	}
	return t
}

// Losses returns L_total, L_content and L_style of the image x for cfg and t, as tensors that
// gradients flow through.
func Losses(net *backbone.Net, x *dl.Tensor, cfg Config, t Targets) (total, content, style *dl.Tensor) {
	last := -1
	if t.P != nil {
		last = cfg.Content
	}
	for _, l := range cfg.Style {
		last = max(last, l)
	}
	content, style = dl.Scalar(0), dl.Scalar(0)
	w := float32(1) / float32(max(1, len(cfg.Style)))
	net.Run(x, 0, last, func(i int, y *dl.Tensor) {
		if t.P != nil && i == cfg.Content {
			content = ContentLoss(y, t.P)
		}
		if a, ok := t.A[i]; ok {
			style = style.Add(StyleLayerLoss(y, a).MulScalar(w))
		}
	})
	total = content.MulScalar(float32(cfg.Alpha)).Add(style.MulScalar(float32(cfg.Beta)))
	return total, content, style
}

// Transfer runs cfg: it starts from the photo content (or from noise of its size) and
// minimises L_total over the pixels, calling watch (if not nil) after every iteration with the
// step and the current image. content is [1, 3, H, W]; art may have another size.
func Transfer(net *backbone.Net, content, art *dl.Tensor, cfg Config, watch func(Step, *dl.Tensor)) Result {
	if cfg.Iters < 1 {
		panic(fmt.Sprintf("style.Transfer: Iters = %d, want at least 1", cfg.Iters))
	}
	t := NewTargets(net, content, art, cfg)
	x := content.Clone().Detach()
	if cfg.Noise {
		rng := rand.New(rand.NewPCG(cfg.Seed, 7))
		x = dl.RandU(rng, 0, 1, content.Shape()...)
	}
	x.SetRequiresGrad(true)
	start := time.Now()
	var trace []Step
	var last Step
	eval := func() float32 {
		x.ZeroGrad()
		total, c, s := Losses(net, x, cfg, t)
		total.Backward()
		last = Step{Iter: len(trace), Total: float64(total.Item()), Content: float64(c.Item()), Style: float64(s.Item())}
		return total.Item()
	}
	record := func() {
		last.Elapsed = time.Since(start)
		trace = append(trace, last)
		if watch != nil {
			watch(last, x)
		}
	}
	switch cfg.Optimizer {
	case LBFGS, "":
		o := optim.NewLBFGS([]*dl.Tensor{x})
		o.MaxIter, o.HistorySize = 1, 20 // 20 pairs of a 256-px image: 63 MB of history
		for range cfg.Iters {
			o.Step(eval)
			record()
		}
	case Adam:
		lr := cfg.LR
		if lr == 0 {
			lr = 0.02
		}
		o := optim.NewAdam([]*dl.Tensor{x}, lr)
		for range cfg.Iters {
			eval()
			o.Step()
			record()
		}
	default:
		panic(fmt.Sprintf("style.Transfer: unknown optimizer %q", cfg.Optimizer))
	}
	return Result{Image: x.Detach().Clamp(0, 1), Trace: trace}
}

// GramDistance returns Σ_l (1/|layers|) E_l between the image x and the painting's Grams in t
// (the unweighted style loss), and ContentDistance ½Σ(F − P)² at the content layer.
func Distances(net *backbone.Net, x *dl.Tensor, cfg Config, t Targets) (content, style float64) {
	_, c, s := Losses(net, x.NoGrad(), cfg, t)
	content, style = float64(c.Item()), float64(s.Item())
	return content, style
}
