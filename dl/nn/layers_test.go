package nn_test

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
	"github.com/deepnb/deepnb/dl/nn"
)

// checkModule gradient-checks m with respect to its input and every parameter: GradCheck
// perturbs the tensors in place, so the module, which holds the same tensors, sees each change.
func checkModule(t *testing.T, m nn.Module, x *dl.Tensor) {
	t.Helper()
	xs := append([]*dl.Tensor{x}, m.Parameters()...)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return m.Forward(xs[0]) }, xs...)
}

func TestLayerGrads(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	conv := nn.NewConv2D(rng, 2, 3, 3).WithPadding(1)
	strided := nn.NewConv2D(rng, 2, 4, 3).WithStride(2)
	tconv := nn.NewConvTranspose2D(rng, 2, 3, 2)
	tconv.Stride = 2
	bn1 := nn.NewBatchNorm1D(3)
	bn2 := nn.NewBatchNorm2D(2)
	bnEval := nn.NewBatchNorm2D(2)
	bnEval.SetTrain(false)
	// Distinct values keep max pooling away from ties.
	distinct := func(shape ...int) *dl.Tensor {
		x := dl.Zeros(shape...)
		perm := rng.Perm(x.Len())
		for i, p := range perm {
			x.Data()[i] = float32(p)*0.1 - 1
		}
		return x
	}
	awayFromZero := func(shape ...int) *dl.Tensor {
		x := dl.RandN(rng, shape...)
		for i, v := range x.Data() {
			if math.Abs(float64(v)) < 0.1 {
				x.Data()[i] = 0.5
			}
		}
		return x
	}
	for _, tc := range []struct {
		name string
		m    nn.Module
		x    *dl.Tensor
	}{
		{"Linear", nn.NewLinear(rng, 3, 2), dl.RandN(rng, 4, 3)},
		{"Conv2D", conv, dl.RandN(rng, 2, 2, 4, 4)},
		{"Conv2DStride", strided, dl.RandN(rng, 1, 2, 5, 5)},
		{"ConvTranspose2D", tconv, dl.RandN(rng, 1, 2, 3, 3)},
		{"MaxPool2D", nn.NewMaxPool2D(2), distinct(1, 2, 4, 4)},
		{"AvgPool2D", nn.NewAvgPool2D(2), dl.RandN(rng, 1, 2, 4, 4)},
		{"Upsample2D", &nn.Upsample2D{Scale: 2}, dl.RandN(rng, 1, 2, 2, 3)},
		{"BatchNorm1D", bn1, dl.RandN(rng, 4, 3)},
		{"BatchNorm2D", bn2, dl.RandN(rng, 2, 2, 3, 3)},
		{"BatchNorm2DEval", bnEval, dl.RandN(rng, 2, 2, 3, 3)},
		{"LayerNorm", nn.NewLayerNorm(4), dl.RandN(rng, 3, 4)},
		{"Flatten", nn.Flatten, dl.RandN(rng, 2, 2, 2)},
		{"ReLU", nn.ReLU, awayFromZero(3, 4)},
		{"LeakyReLU", nn.LeakyReLU(0.1), awayFromZero(3, 4)},
		{"Tanh", nn.Tanh, dl.RandN(rng, 3, 4)},
		{"Sigmoid", nn.Sigmoid, dl.RandN(rng, 3, 4)},
		{"Softmax", nn.Softmax(-1), dl.RandN(rng, 3, 4)},
		{"LogSoftmax", nn.LogSoftmax(1), dl.RandN(rng, 3, 4)},
		{"Sequential", nn.NewSequential(nn.NewLinear(rng, 3, 5), nn.Tanh, nn.NewLinear(rng, 5, 2)), dl.RandN(rng, 4, 3)},
	} {
		t.Run(tc.name, func(t *testing.T) { checkModule(t, tc.m, tc.x) })
	}
	// Dropout with a mask fixed by reseeding inside f.
	x := dl.RandN(rng, 4, 5)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		return nn.NewDropout(rand.New(rand.NewPCG(3, 3)), 0.5).Forward(xs[0])
	}, x)
	// Embedding: gradient with respect to the table.
	emb := nn.NewEmbedding(rng, 5, 3)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		return emb.Lookup([]int{4, 0, 4, 2}, 2, 2)
	}, emb.Weight)
}

func TestAttentionGrads(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	att := nn.NewAdditiveAttention(rng, 3, 4, 9) // 9 units: 8 vector lanes and a scalar tail
	q, k := dl.RandN(rng, 2, 3), dl.RandN(rng, 2, 6, 4)
	xs := append([]*dl.Tensor{q, k}, att.Parameters()...)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		ctx, _ := att.Forward(xs[0], xs[1])
		return ctx
	}, xs...)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		_, w := att.Forward(xs[0], xs[1])
		return w
	}, xs...)
	qq, kk, vv := dl.RandN(rng, 2, 3, 4), dl.RandN(rng, 2, 5, 4), dl.RandN(rng, 2, 5, 2)
	numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
		out, _ := nn.ScaledDotProductAttention(xs[0], xs[1], xs[2], nil)
		return out
	}, qq, kk, vv)
}

func TestAttentionValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	att := nn.NewAdditiveAttention(rng, 3, 4, 5)
	q, k := dl.RandN(rng, 2, 3), dl.RandN(rng, 2, 6, 4)
	ctx, w := att.Forward(q, k)
	if !slices.Equal(ctx.Shape(), []int{2, 4}) || !slices.Equal(w.Shape(), []int{2, 6}) {
		t.Fatalf("AdditiveAttention: shapes %v %v, want [2 4] [2 6]", ctx.Shape(), w.Shape())
	}
	// Weights are a distribution per row, and the context is their mix of the keys.
	for b := 0; b < 2; b++ {
		var s float64
		want := make([]float32, 4)
		for j := 0; j < 6; j++ {
			a := w.At(b, j)
			s += float64(a)
			for d := 0; d < 4; d++ {
				want[d] += a * k.At(b, j, d)
			}
		}
		if math.Abs(s-1) > 1e-6 {
			t.Errorf("row %d: weights sum to %v", b, s)
		}
		numtest.Close(t, "context", ctx.Data()[b*4:(b+1)*4], want, 1e-6, 1e-5)
	}
	// Causal mask: the first query sees only the first key, whatever the scores.
	qq, kk := dl.RandN(rng, 1, 3, 2), dl.RandN(rng, 1, 3, 2)
	vv := dl.New([]float32{1, 2, 3}, 1, 3, 1)
	out, ww := nn.ScaledDotProductAttention(qq, kk, vv, nn.CausalMask(3))
	if ww.At(0, 0, 0) != 1 || ww.At(0, 0, 1) != 0 || out.At(0, 0, 0) != 1 {
		t.Errorf("causal attention: weights %v, out %v", ww, out)
	}
	// Equal scores give the mean of the values: q = 0.
	out, _ = nn.ScaledDotProductAttention(dl.Zeros(1, 1, 2), kk, vv, nil)
	if math.Abs(float64(out.Item()-2)) > 1e-6 {
		t.Errorf("uniform attention: got %v, want 2", out.Item())
	}
}

func TestNamesAndCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	bn := nn.NewBatchNorm1D(4)
	seq := nn.NewSequential(nn.NewLinear(rng, 3, 4), bn, nn.ReLU, nn.NewDropout(rng, 0.5), nn.NewLinear(rng, 4, 2))
	model := nn.Group{{Name: "body", M: seq}, {Name: "lstm", M: nn.NewLSTM(rng, 2, 3)}, {Name: "cell", M: nn.NewGRUCell(rng, 2, 3)}}
	var names []string
	for _, n := range nn.State(model) {
		names = append(names, n.Name)
	}
	want := "body.0.weight body.0.bias body.1.weight body.1.bias body.4.weight body.4.bias " +
		"lstm.weight_ih_l0 lstm.weight_hh_l0 lstm.bias_ih_l0 lstm.bias_hh_l0 " +
		"cell.weight_ih cell.weight_hh cell.bias_ih cell.bias_hh " +
		"body.1.running_mean body.1.running_var"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("State names:\ngot  %s\nwant %s", got, want)
	}
	// 3·4+4 + 4+4 + 4·2+2 + LSTM 4·3·(2+3)+2·12 + GRU 3·3·(2+3)+2·9
	if got, want := nn.Count(model), 16+8+10+(60+24)+(45+18); got != want {
		t.Errorf("Count = %d, want %d", got, want)
	}
	if got := len(model.Parameters()); got != 14 {
		t.Errorf("len(Parameters) = %d, want 14", got)
	}
	for _, p := range model.Parameters() {
		if !p.RequiresGrad() {
			t.Errorf("a parameter does not require a gradient")
		}
	}
	// Modules without NamedParameters are named by position.
	anon := anonymous{nn.NewLinear(rng, 2, 2)}
	if ns := nn.NamedParameters(anon); len(ns) != 2 || ns[0].Name != "0" || ns[1].Name != "1" {
		t.Errorf("NamedParameters of an unnamed module: %v", ns)
	}
	// SetTrain reaches nested modules.
	nn.SetTrain(model, false)
	if bn.Train || seq.Layers[3].(*nn.Dropout).Train {
		t.Errorf("SetTrain(false) did not reach BatchNorm and Dropout")
	}
	nn.SetTrain(model, true)
	if !bn.Train {
		t.Errorf("SetTrain(true) did not reach BatchNorm")
	}
}

type anonymous struct{ l *nn.Linear }

func (a anonymous) Forward(x *dl.Tensor) *dl.Tensor { return a.l.Forward(x) }
func (a anonymous) Parameters() []*dl.Tensor        { return a.l.Parameters() }

func TestTrainEvalMode(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := dl.RandN(rng, 8, 3)
	d := nn.NewDropout(rng, 0.5)
	if y := d.Forward(x); slices.Equal(y.Data(), x.Data()) {
		t.Errorf("Dropout in training mode changed nothing")
	}
	d.SetTrain(false)
	if y := d.Forward(x); !slices.Equal(y.Data(), x.Data()) {
		t.Errorf("Dropout in evaluation mode changed its input")
	}
	bn := nn.NewBatchNorm1D(3)
	bn.Forward(x)
	if bn.RunningMean.Data()[0] == 0 {
		t.Errorf("BatchNorm in training mode did not update the running mean")
	}
	mean := bn.RunningMean.Clone()
	bn.SetTrain(false)
	y := bn.Forward(x)
	numtest.Close(t, "eval leaves running mean", bn.RunningMean.Data(), mean.Data(), numtest.Exact, 0)
	// Evaluation uses the running statistics: y = (x − μ)/√(σ² + eps).
	mu, v := bn.RunningMean.Data()[0], bn.RunningVar.Data()[0]
	want := (x.At(0, 0) - mu) / float32(math.Sqrt(float64(v)+1e-5))
	if math.Abs(float64(y.At(0, 0)-want)) > 1e-5 {
		t.Errorf("BatchNorm eval: got %v, want %v", y.At(0, 0), want)
	}
	if err := numtest.PanicsWith(func() { nn.NewBatchNorm2D(3).Forward(x) }); !errors.Is(err, dl.ErrShape) {
		t.Errorf("BatchNorm2D on [N C]: got %v, want a shape error", err)
	}
}

func TestInitializers(t *testing.T) {
	type initFn func(*rand.Rand, ...int) *dl.Tensor
	for i, tc := range []struct {
		name string
		f    initFn
		std  float64 // expected standard deviation for shape [200, 100, 3, 3]
	}{
		{"KaimingNormal", nn.KaimingNormal, math.Sqrt(2.0 / 900)},
		{"KaimingUniform", nn.KaimingUniform, math.Sqrt(2.0 / 900)},
		{"XavierNormal", nn.XavierNormal, math.Sqrt(2.0 / (900 + 1800))},
		{"XavierUniform", nn.XavierUniform, math.Sqrt(2.0 / (900 + 1800))},
	} {
		a := tc.f(rand.New(rand.NewPCG(7, 7)), 200, 100, 3, 3)
		b := tc.f(rand.New(rand.NewPCG(7, 7)), 200, 100, 3, 3)
		if !slices.Equal(a.Data(), b.Data()) {
			t.Errorf("case %d: %s: same seed gave different values", i, tc.name)
		}
		c := tc.f(rand.New(rand.NewPCG(8, 8)), 200, 100, 3, 3)
		if slices.Equal(a.Data(), c.Data()) {
			t.Errorf("case %d: %s: different seeds gave the same values", i, tc.name)
		}
		var s, ss float64
		for _, v := range a.Data() {
			s += float64(v)
			ss += float64(v) * float64(v)
		}
		n := float64(a.Len())
		std := math.Sqrt(ss/n - (s/n)*(s/n))
		if math.Abs(std-tc.std) > 0.02*tc.std || math.Abs(s/n) > 0.01*tc.std {
			t.Errorf("case %d: %s: mean %.3g std %.4g, want 0 and %.4g", i, tc.name, s/n, std, tc.std)
		}
	}
	if in, out := nn.Fans(10, 4); in != 4 || out != 10 {
		t.Errorf("Fans(10, 4) = %d, %d", in, out)
	}
}

func TestSeededDeterminism(t *testing.T) {
	build := func() (*nn.Sequential, *nn.LSTM) {
		rng := rand.New(rand.NewPCG(42, 42))
		return nn.NewSequential(nn.NewLinear(rng, 3, 4), nn.NewConv2D(rng, 1, 2, 3)), nn.NewLSTM(rng, 3, 4)
	}
	s1, l1 := build()
	s2, l2 := build()
	p1 := append(s1.Parameters(), l1.Parameters()...)
	p2 := append(s2.Parameters(), l2.Parameters()...)
	for i := range p1 {
		if !slices.Equal(p1[i].Data(), p2[i].Data()) {
			t.Errorf("parameter %d differs between two builds with the same seed", i)
		}
	}
}

func TestEmbeddingForward(t *testing.T) {
	e := &nn.Embedding{Weight: dl.New([]float32{0, 0, 1, 1, 2, 2}, 3, 2)}
	y := e.Forward(dl.New([]float32{2, 0, 1, 2}, 2, 2))
	if !slices.Equal(y.Shape(), []int{2, 2, 2}) {
		t.Fatalf("Embedding.Forward: shape %v, want [2 2 2]", y.Shape())
	}
	numtest.Close(t, "Embedding.Forward", y.Data(), []float32{2, 2, 0, 0, 1, 1, 2, 2}, numtest.Exact, 0)
	for i, tc := range []struct {
		f    func()
		want string
		kind error // dl.ErrShape when nil
	}{
		{func() { e.Forward(dl.New([]float32{0.5}, 1)) }, "not a whole number", dl.ErrArg},
		{func() { e.Forward(dl.New([]float32{3}, 1)) }, "Embedding", nil},
		{func() { nn.NewLinear(rand.New(rand.NewPCG(1, 1)), 0, 2) }, "NewLinear: sizes [0 2] must be positive", dl.ErrArg},
		{func() { nn.NewLSTM(rand.New(rand.NewPCG(1, 1)), 2, 3).Forward(dl.Zeros(2, 3)) }, "LSTM", nil},
		{func() {
			nn.NewLSTM(rand.New(rand.NewPCG(1, 1)), 2, 3).ForwardState(dl.Zeros(1, 4, 2), dl.Zeros(2, 3), nil)
		}, "state shape mismatch", nil},
		{func() { nn.NewGRUCell(rand.New(rand.NewPCG(1, 1)), 2, 3).Step(dl.Zeros(1, 3), nil) }, "GRUCell", nil},
	} {
		err := numtest.PanicsWith(tc.f)
		if kind := cmp.Or(tc.kind, dl.ErrShape); !errors.Is(err, kind) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got panic %v, want %v containing %q", i, err, kind, tc.want)
		}
	}
}
