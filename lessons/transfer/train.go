package transfer

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
	"github.com/deepnb/deepnb/lessons/backbone"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// SplitImages draws a seeded split stratified by class: test takes testPerClass images of every
// class, train perClass of the others (all the others when perClass ≤ 0).
func SplitImages(y []int, classes, perClass, testPerClass int, seed uint64) (train, test []int) {
	rng := newRand(seed)
	for c := range classes {
		var idx []int
		for i, l := range y {
			if l == c {
				idx = append(idx, i)
			}
		}
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		nt := min(testPerClass, len(idx)-1)
		test = append(test, idx[:nt]...)
		rest := idx[nt:]
		if perClass > 0 && perClass < len(rest) {
			rest = rest[:perClass]
		}
		train = append(train, rest...)
	}
	slices.Sort(train)
	slices.Sort(test)
	return train, test
}

// rows returns the feature rows of the given images: every view (allViews) or the image itself.
func (f *Features) rows(images []int, allViews bool) []int {
	in := map[int]bool{}
	for _, i := range images {
		in[i] = true
	}
	var out []int
	for r := range f.Rows {
		if in[f.Image[r]] && (allViews || f.View[r] == 0) {
			out = append(out, r)
		}
	}
	return out
}

// groups returns, for each of the images, its rows (every view, or the image itself) and the
// images' labels.
func (f *Features) groups(images []int, allViews bool) ([][]int, []int) {
	at := map[int]int{}
	gs := make([][]int, len(images))
	for i, img := range images {
		at[img] = i
	}
	for r := range f.Rows {
		if i, ok := at[f.Image[r]]; ok && (allViews || f.View[r] == 0) {
			gs[i] = append(gs[i], r)
		}
	}
	y := make([]int, len(images))
	for i, img := range images {
		y[i] = f.Data.Y[img]
	}
	return gs, y
}

func (f *Features) labels(rows []int) []int {
	y := make([]int, len(rows))
	for i, r := range rows {
		y[i] = f.Data.Y[f.Image[r]]
	}
	return y
}

func accuracy(logits *dl.Tensor, y []int) float64 {
	pred := logits.ArgMax(1)
	ok := 0
	for i := range y {
		if pred[i] == y[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(y))
}

// Linear is a softmax-regression classifier on standardised features: the logits of rows x
// [N, D] are ((x − Mean) / Std)·W + B, with Mean and Std [D] the training features' per-column
// mean and standard deviation, W [D, classes] and B [classes].
type Linear struct {
	Mean, Std, W, B *dl.Tensor
}

// FitLinear trains a Linear on the rows xtr [N, D] with labels ytr: full-batch Adam (step
// 0.01) for steps steps on the cross-entropy plus weight decay 1e-3·ΣW², from zero weights.
// Std is each column's standard deviation plus a tenth of their mean: a feature that is nearly
// constant on the training rows is not blown up to unit variance (by 1/Std, up to 10⁶), which
// would make the classifier, and any fine-tuning under it, hang on its noise.
func FitLinear(xtr *dl.Tensor, ytr []int, classes, steps int) *Linear {
	dim := xtr.Dim(1)
	x := xtr.Detach()
	mean := x.Mean(0)
	std := x.Sub(mean).Pow(2).Mean(0).Sqrt()
	std = std.AddScalar(0.1*std.Mean().Item() + 1e-6)
	l := &Linear{Mean: mean, Std: std.Detach(),
		W: dl.Zeros(dim, classes).SetRequiresGrad(true), B: dl.Zeros(classes).SetRequiresGrad(true)}
	a := l.standardise(x).Detach()
	opt := optim.NewAdam([]*dl.Tensor{l.W, l.B}, 0.01)
	for range steps {
		opt.ZeroGrad()
		loss := nn.CrossEntropy(a.MatMul(l.W).Add(l.B), ytr).Add(l.W.Mul(l.W).Sum().MulScalar(1e-3))
		loss.Backward()
		opt.Step()
	}
	return l
}

func (l *Linear) standardise(x *dl.Tensor) *dl.Tensor { return x.Sub(l.Mean).Div(l.Std) }

// Logits returns the class scores of the rows x [N, D]: [N, classes].
func (l *Linear) Logits(x *dl.Tensor) *dl.Tensor { return l.standardise(x).MatMul(l.W).Add(l.B) }

// Accuracy returns the fraction of the rows x whose highest score is their label y.
func (l *Linear) Accuracy(x *dl.Tensor, y []int) float64 {
	return accuracy(l.Logits(x.NoGrad()), y)
}

// trainable returns a copy of l whose W and B are new tensors that require gradients (Mean and
// Std are shared constants): the head fine-tuning starts from.
func (l *Linear) trainable() *Linear {
	return &Linear{Mean: l.Mean, Std: l.Std, W: l.W.Clone().Detach().SetRequiresGrad(true), B: l.B.Clone().Detach().SetRequiresGrad(true)}
}

// LinearProbe fits a Linear on xtr (FitLinear) and returns its accuracy on xte.
func LinearProbe(xtr *dl.Tensor, ytr []int, xte *dl.Tensor, yte []int, classes, steps int) float64 {
	return FitLinear(xtr, ytr, classes, steps).Accuracy(xte, yte)
}

// net is a trunk from layer first on with a Linear head on its top features pooled as the
// linear probes' are (gridPool).
type net struct {
	trunk *backbone.Net
	first int
	head  *Linear
}

// newNet returns the trunk of b from layer first on, with copies of its weights to fine-tune
// and the head start (the top-layer linear probe: fine-tuning starts where the probe ended),
// or, with start nil, with its weights drawn afresh (seeded) and a random head on dim
// features, unstandardised: the same architecture trained from scratch.
func newNet(b *backbone.Net, first int, start *Linear, dim, classes int, seed uint64) *net {
	n := &net{trunk: b.Trainable(first, start == nil, seed), first: first}
	if start != nil {
		n.head = start.trainable()
		return n
	}
	rng := newRand(seed + 99)
	n.head = &Linear{Mean: dl.Zeros(dim), Std: dl.Full(1, dim),
		W: dl.RandN(rng, dim, classes).MulScalar(float32(1 / math.Sqrt(float64(dim)))).Detach().SetRequiresGrad(true),
		B: dl.Zeros(classes).SetRequiresGrad(true)}
	return n
}

func (n *net) forward(x *dl.Tensor) *dl.Tensor {
	return n.head.Logits(gridPool(n.trunk.Forward(x, n.first, n.trunk.Last())))
}

// fit trains n with Adam (lr for the trunk, headLR for the head) for epochs, or for minSteps
// mini-batches of at most 32 images if that is more, and returns the accuracy on the test
// rows; input builds the batch of the given rows. An epoch visits every training image once,
// in one of its views (groups[i] lists image i's rows) drawn at random: augmentation as
// training usually does it.
func (n *net) fit(input func(rows []int) *dl.Tensor, groups [][]int, ytr []int, test []int, yte []int, epochs, minSteps int, lr, headLR float32, seed uint64) float64 {
	ot := optim.NewAdam(n.trunk.Parameters(), lr)
	oh := optim.NewAdam([]*dl.Tensor{n.head.W, n.head.B}, headLR)
	rng := newRand(seed + 7)
	order := make([]int, len(groups))
	for i := range order {
		order[i] = i
	}
	perEpoch := (len(order) + 31) / 32
	steps := max(epochs*perEpoch, minSteps)
	for step := range steps {
		k := step % perEpoch
		if k == 0 {
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		gs := order[k*32 : min(k*32+32, len(order))]
		rows, y := make([]int, len(gs)), make([]int, len(gs))
		for i, g := range gs {
			rows[i], y[i] = groups[g][rng.IntN(len(groups[g]))], ytr[g]
		}
		ot.ZeroGrad()
		oh.ZeroGrad()
		nn.CrossEntropy(n.forward(input(rows)), y).Backward()
		ot.Step()
		oh.Step()
	}
	var acc float64
	ok := 0
	for lo := 0; lo < len(test); lo += 64 {
		rows := test[lo:min(lo+64, len(test))]
		pred := n.forward(input(rows).NoGrad()).ArgMax(1)
		for i := range rows {
			if pred[i] == yte[lo+i] {
				ok++
			}
		}
	}
	acc = float64(ok) / float64(len(test))
	return acc
}

// mapsOf returns the cached maps of layer cut for the given rows, [len(rows), C, H, W].
func (f *Features) mapsOf(cut int, rows []int) *dl.Tensor {
	s := f.MapSize[cut]
	dim := s[0] * s[1] * s[2]
	return rowsOf(f.Maps[cut], dim, rows).Reshape(len(rows), s[0], s[1], s[2])
}

// imagesOf rebuilds the views of the given rows as a batch of images.
func (f *Features) imagesOf(rows []int) *dl.Tensor {
	views := make([]*dl.Tensor, len(rows))
	var cache = map[int][]*dl.Tensor{}
	for i, r := range rows {
		img := f.Image[r]
		if f.View[r] == 0 {
			views[i] = f.Data.X.Slice(0, img, img+1)
			continue
		}
		if cache[img] == nil {
			cache[img] = f.Data.Views(img, true)
		}
		views[i] = cache[img][f.View[r]]
	}
	return dl.Concat(0, views...).Detach()
}
