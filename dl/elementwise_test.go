package dl_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// opsRNG returns the seeded generator the op tests share.
func opsRNG() *rand.Rand { return rand.New(rand.NewPCG(1, 1)) }

// awayFrom returns a random tensor whose elements are at least gap away from every kink
// (so central differences of ReLU, Abs, Clamp… do not straddle one).
func awayFrom(rng *rand.Rand, kinks []float32, gap float32, shape ...int) *dl.Tensor {
	t := dl.RandN(rng, shape...)
	d := t.Data()
	for i := range d {
		for again := true; again; {
			again = false
			for _, k := range kinks {
				if math.Abs(float64(d[i]-k)) < float64(gap) {
					d[i] = float32(rng.NormFloat64())
					again = true
				}
			}
		}
	}
	return t
}

func f32s(v ...float32) []float32 { return v }

func TestBinaryGolden(t *testing.T) {
	t.Parallel()
	type bin = func(a, b *dl.Tensor) *dl.Tensor
	add := func(a, b *dl.Tensor) *dl.Tensor { return a.Add(b) }
	sub := func(a, b *dl.Tensor) *dl.Tensor { return a.Sub(b) }
	mul := func(a, b *dl.Tensor) *dl.Tensor { return a.Mul(b) }
	div := func(a, b *dl.Tensor) *dl.Tensor { return a.Div(b) }
	maxi := func(a, b *dl.Tensor) *dl.Tensor { return a.Maximum(b) }
	mini := func(a, b *dl.Tensor) *dl.Tensor { return a.Minimum(b) }
	m23 := func() *dl.Tensor { return dl.New(f32s(1, 2, 3, 4, 5, 6), 2, 3) }
	for i, tc := range []struct {
		name  string
		op    bin
		a, b  *dl.Tensor
		shape []int
		want  []float32
	}{
		{"Add same", add, m23(), dl.New(f32s(10, 20, 30, 40, 50, 60), 2, 3), []int{2, 3}, f32s(11, 22, 33, 44, 55, 66)},
		{"Add bias", add, m23(), dl.New(f32s(10, 20, 30), 3), []int{2, 3}, f32s(11, 22, 33, 14, 25, 36)},
		{"Add column", add, m23(), dl.New(f32s(10, 20), 2, 1), []int{2, 3}, f32s(11, 12, 13, 24, 25, 26)},
		{"Add scalar", add, m23(), dl.Scalar(1), []int{2, 3}, f32s(2, 3, 4, 5, 6, 7)},
		{"Add scalar left", add, dl.Scalar(1), m23(), []int{2, 3}, f32s(2, 3, 4, 5, 6, 7)},
		{"Add outer", add, dl.New(f32s(1, 2), 2, 1), dl.New(f32s(10, 20, 30), 1, 3), []int{2, 3}, f32s(11, 21, 31, 12, 22, 32)},
		{"Add rank", add, dl.New(f32s(1, 2), 2, 1, 1), dl.New(f32s(10, 20, 30), 3), []int{2, 1, 3}, f32s(11, 21, 31, 12, 22, 32)},
		{"Sub bias", sub, m23(), dl.New(f32s(1, 1, 1), 3), []int{2, 3}, f32s(0, 1, 2, 3, 4, 5)},
		{"Sub left", sub, dl.New(f32s(10), 1), m23(), []int{2, 3}, f32s(9, 8, 7, 6, 5, 4)},
		{"Mul column", mul, m23(), dl.New(f32s(2, 3), 2, 1), []int{2, 3}, f32s(2, 4, 6, 12, 15, 18)},
		{"Mul middle", mul, dl.New(f32s(1, 2, 3, 4), 2, 1, 2), dl.New(f32s(1, 10, 100), 1, 3, 1), []int{2, 3, 2}, f32s(1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400)},
		{"Div", div, m23(), dl.New(f32s(1, 2, 4), 3), []int{2, 3}, f32s(1, 1, 0.75, 4, 2.5, 1.5)},
		{"Maximum", maxi, m23(), dl.New(f32s(2, 5), 2, 1), []int{2, 3}, f32s(2, 2, 3, 5, 5, 6)},
		{"Minimum", mini, m23(), dl.Scalar(3), []int{2, 3}, f32s(1, 2, 3, 3, 3, 3)},
		{"Add empty", add, dl.Zeros(0, 3), dl.New(f32s(1, 2, 3), 3), []int{0, 3}, f32s()},
	} {
		got := tc.op(tc.a, tc.b)
		if !slices.Equal(got.Shape(), tc.shape) {
			t.Errorf("case %d: %s: shape got %v, want %v", i, tc.name, got.Shape(), tc.shape)
		}
		numtest.Close(t, tc.name, got.Data(), tc.want, numtest.Exact, numtest.Exact)
	}
}

func TestBinaryBroadcastLarge(t *testing.T) {
	t.Parallel()
	// Large enough for par.For to split, against a scalar reference.
	rng := opsRNG()
	a := dl.RandN(rng, 64, 33, 40)
	for i, bs := range [][]int{{64, 33, 40}, {40}, {33, 1}, {64, 1, 40}, {1, 33, 1}, {}} {
		b := dl.RandN(rng, bs...)
		got := a.Mul(b).Add(b)
		want := make([]float32, a.Len())
		for j := range want {
			x, y, z := j/(33*40), j/40%33, j%40
			idx := make([]int, len(bs))
			full := []int{x, y, z}[3-len(bs):]
			for k := range bs {
				if bs[k] != 1 {
					idx[k] = full[k]
				}
			}
			bv := b.At(idx...)
			want[j] = a.Data()[j]*bv + bv
		}
		numtest.Close(t, "MulAdd "+string(rune('0'+i)), got.Data(), want, numtest.Exact, numtest.Exact)
	}
}

func TestUnaryGolden(t *testing.T) {
	t.Parallel()
	x := func() *dl.Tensor { return dl.New(f32s(-2, -0.5, 0, 0.5, 4), 5) }
	for i, tc := range []struct {
		name string
		f    func(*dl.Tensor) *dl.Tensor
		want []float32
		tol  float64
	}{
		{"Neg", (*dl.Tensor).Neg, f32s(2, 0.5, 0, -0.5, -4), numtest.Exact},
		{"AddScalar", func(t *dl.Tensor) *dl.Tensor { return t.AddScalar(1) }, f32s(-1, 0.5, 1, 1.5, 5), numtest.Exact},
		{"MulScalar", func(t *dl.Tensor) *dl.Tensor { return t.MulScalar(3) }, f32s(-6, -1.5, 0, 1.5, 12), numtest.Exact},
		{"Pow2", func(t *dl.Tensor) *dl.Tensor { return t.Pow(2) }, f32s(4, 0.25, 0, 0.25, 16), numtest.Exact},
		{"Pow3", func(t *dl.Tensor) *dl.Tensor { return t.Pow(3) }, f32s(-8, -0.125, 0, 0.125, 64), numtest.Exact},
		{"Abs", (*dl.Tensor).Abs, f32s(2, 0.5, 0, 0.5, 4), numtest.Exact},
		{"ReLU", (*dl.Tensor).ReLU, f32s(0, 0, 0, 0.5, 4), numtest.Exact},
		{"LeakyReLU", func(t *dl.Tensor) *dl.Tensor { return t.LeakyReLU(0.25) }, f32s(-0.5, -0.125, 0, 0.5, 4), numtest.Exact},
		{"Clamp", func(t *dl.Tensor) *dl.Tensor { return t.Clamp(-1, 1) }, f32s(-1, -0.5, 0, 0.5, 1), numtest.Exact},
		{"Exp", (*dl.Tensor).Exp, f32s(0.13533528, 0.60653066, 1, 1.6487213, 54.59815), numtest.Float32Tol},
		{"Tanh", (*dl.Tensor).Tanh, f32s(-0.96402758, -0.46211716, 0, 0.46211716, 0.99932930), numtest.Float32Tol},
		{"Sigmoid", (*dl.Tensor).Sigmoid, f32s(0.11920292, 0.37754067, 0.5, 0.62245933, 0.98201379), numtest.Float32Tol},
	} {
		numtest.Close(t, tc.name, tc.f(x()).Data(), tc.want, tc.tol, tc.tol)
		_ = i
	}
	pos := dl.New(f32s(0.25, 1, 4, 9), 4)
	numtest.Close(t, "Sqrt", pos.Sqrt().Data(), f32s(0.5, 1, 2, 3), numtest.Exact, numtest.Exact)
	numtest.Close(t, "Log", pos.Log().Data(), f32s(-1.3862944, 0, 1.3862944, 2.1972246), numtest.Float32Tol, numtest.Float32Tol)
	numtest.Close(t, "Pow0.5", pos.Pow(0.5).Data(), f32s(0.5, 1, 2, 3), numtest.Exact, numtest.Exact)
}

// TestUnaryExtremes checks the ops at {1e6, 1e-6, 0, −1e-8, −1e6}: overflow goes to the IEEE
// limits and Sigmoid and Tanh saturate without NaN.
func TestUnaryExtremes(t *testing.T) {
	t.Parallel()
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	x := func() *dl.Tensor { return dl.New(f32s(1e6, 1e-6, 0, -1e-8, -1e6), 5) }
	for _, tc := range []struct {
		name string
		f    func(*dl.Tensor) *dl.Tensor
		want []float32
	}{
		{"Exp", (*dl.Tensor).Exp, f32s(inf, 1.000001, 1, 1, 0)},
		{"Log", (*dl.Tensor).Log, f32s(13.815511, -13.815511, -inf, nan, nan)},
		{"Sqrt", (*dl.Tensor).Sqrt, f32s(1000, 0.001, 0, nan, nan)},
		{"Sigmoid", (*dl.Tensor).Sigmoid, f32s(1, 0.50000025, 0.5, 0.5, 0)},
		{"Tanh", (*dl.Tensor).Tanh, f32s(1, 1e-6, 0, -1e-8, -1)},
		{"ReLU", (*dl.Tensor).ReLU, f32s(1e6, 1e-6, 0, 0, 0)},
		{"Abs", (*dl.Tensor).Abs, f32s(1e6, 1e-6, 0, 1e-8, 1e6)},
	} {
		numtest.Close(t, tc.name, tc.f(x()).Data(), tc.want, numtest.Float32Tol, numtest.Float32Tol)
	}
	// Gradients of the saturating functions stay finite (0) at the extremes.
	for _, f := range []func(*dl.Tensor) *dl.Tensor{(*dl.Tensor).Sigmoid, (*dl.Tensor).Tanh} {
		xs := x().SetRequiresGrad(true)
		f(xs).Sum().Backward()
		g := xs.Grad().Data()
		if g[0] != 0 || g[4] != 0 || g[2] <= 0 {
			t.Errorf("saturated gradient %v", g)
		}
	}
}

// TestSubgradients pins the documented choices at kinks.
func TestSubgradients(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		f    func(*dl.Tensor) *dl.Tensor
		want float32
	}{
		{"ReLU'(0)", (*dl.Tensor).ReLU, 0},
		{"Abs'(0)", (*dl.Tensor).Abs, 0},
		{"LeakyReLU'(0)", func(t *dl.Tensor) *dl.Tensor { return t.LeakyReLU(0.1) }, 0.1},
		{"Clamp'(lo)", func(t *dl.Tensor) *dl.Tensor { return t.Clamp(0, 1) }, 1},
		{"Maximum tie", func(t *dl.Tensor) *dl.Tensor { return t.Maximum(dl.Scalar(0)) }, 1},
	} {
		x := dl.Scalar(0).SetRequiresGrad(true)
		tc.f(x).Backward()
		if got := x.Grad().Item(); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestElementwiseGrad(t *testing.T) {
	t.Parallel()
	rng := opsRNG()
	type f1 = func(xs ...*dl.Tensor) *dl.Tensor
	kinks := []float32{0, -0.5, 0.5}
	pos := func(shape ...int) *dl.Tensor { return dl.RandU(rng, 0.5, 2, shape...) }
	for i, tc := range []struct {
		name string
		f    f1
		xs   []*dl.Tensor
	}{
		{"Add", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Add(x[1]) }, []*dl.Tensor{dl.RandN(rng, 3, 4), dl.RandN(rng, 3, 4)}},
		{"Add bias", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Add(x[1]) }, []*dl.Tensor{dl.RandN(rng, 3, 4), dl.RandN(rng, 4)}},
		{"Add outer", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Add(x[1]) }, []*dl.Tensor{dl.RandN(rng, 3, 1), dl.RandN(rng, 1, 4)}},
		{"Sub col", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sub(x[1]) }, []*dl.Tensor{dl.RandN(rng, 2, 3, 4), dl.RandN(rng, 3, 1)}},
		{"Sub scalar", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sub(x[1]) }, []*dl.Tensor{dl.RandN(rng), dl.RandN(rng, 2, 3)}},
		{"Mul", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Mul(x[1]) }, []*dl.Tensor{dl.RandN(rng, 3, 4), dl.RandN(rng, 3, 4)}},
		{"Mul bcast", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Mul(x[1]) }, []*dl.Tensor{dl.RandN(rng, 2, 1, 4), dl.RandN(rng, 3, 1)}},
		{"Mul fan-out", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Mul(x[0]).Add(x[0]) }, []*dl.Tensor{dl.RandN(rng, 5)}},
		{"Div", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Div(x[1]) }, []*dl.Tensor{dl.RandN(rng, 3, 4), pos(3, 4)}},
		{"Div bcast", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Div(x[1]) }, []*dl.Tensor{dl.RandN(rng, 3, 4), pos(3, 1)}},
		{"Div bcast left", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Div(x[1]) }, []*dl.Tensor{dl.RandN(rng, 4), pos(3, 4)}},
		{"Maximum", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Maximum(x[1]) }, []*dl.Tensor{dl.New(f32s(1, -2, 3, 0.5), 2, 2), dl.New(f32s(0, 1), 2)}},
		{"Minimum", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Minimum(x[1]) }, []*dl.Tensor{dl.New(f32s(1, -2, 3, 0.5), 2, 2), dl.New(f32s(0, 1), 2, 1)}},
		{"Neg", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Neg() }, []*dl.Tensor{dl.RandN(rng, 3)}},
		{"AddScalar", func(x ...*dl.Tensor) *dl.Tensor { return x[0].AddScalar(2) }, []*dl.Tensor{dl.RandN(rng, 3)}},
		{"MulScalar", func(x ...*dl.Tensor) *dl.Tensor { return x[0].MulScalar(-3) }, []*dl.Tensor{dl.RandN(rng, 3)}},
		{"Pow2", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Pow(2) }, []*dl.Tensor{dl.RandN(rng, 3, 2)}},
		{"Pow3", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Pow(3) }, []*dl.Tensor{dl.RandN(rng, 3, 2)}},
		{"Pow-1.5", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Pow(-1.5) }, []*dl.Tensor{pos(3, 2)}},
		{"Exp", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Exp() }, []*dl.Tensor{dl.RandN(rng, 3, 2)}},
		{"Log", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Log() }, []*dl.Tensor{pos(3, 2)}},
		{"Sqrt", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sqrt() }, []*dl.Tensor{pos(3, 2)}},
		{"Abs", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Abs() }, []*dl.Tensor{awayFrom(rng, kinks, 0.05, 3, 2)}},
		{"Tanh", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Tanh() }, []*dl.Tensor{dl.RandN(rng, 3, 2)}},
		{"Sigmoid", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Sigmoid() }, []*dl.Tensor{dl.RandN(rng, 3, 2).MulScalar(3)}},
		{"ReLU", func(x ...*dl.Tensor) *dl.Tensor { return x[0].ReLU() }, []*dl.Tensor{awayFrom(rng, kinks, 0.05, 3, 2)}},
		{"LeakyReLU", func(x ...*dl.Tensor) *dl.Tensor { return x[0].LeakyReLU(0.1) }, []*dl.Tensor{awayFrom(rng, kinks, 0.05, 3, 2)}},
		{"Clamp", func(x ...*dl.Tensor) *dl.Tensor { return x[0].Clamp(-0.5, 0.5) }, []*dl.Tensor{awayFrom(rng, kinks, 0.05, 3, 2)}},
		{"chain", func(x ...*dl.Tensor) *dl.Tensor {
			return x[0].Mul(x[1]).Tanh().Add(x[1].Exp()).Div(x[0].Pow(2).AddScalar(1)).Sigmoid()
		}, []*dl.Tensor{dl.RandN(rng, 2, 3), dl.RandN(rng, 3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			numtest.GradCheck(t, tc.f, tc.xs...)
		})
		_ = i
	}
}

func TestBinaryShapeErrors(t *testing.T) {
	t.Parallel()
	a, b := dl.Zeros(2, 3), dl.Zeros(2, 4)
	for i, tc := range []struct {
		fn   func()
		want string
	}{
		{func() { a.Add(b) }, "dl: Add: shapes do not broadcast [2 3] × [2 4]"},
		{func() { a.Sub(dl.Zeros(3, 3)) }, "dl: Sub: shapes do not broadcast [2 3] × [3 3]"},
		{func() { a.Mul(dl.Zeros(2)) }, "dl: Mul: shapes do not broadcast [2 3] × [2]"},
		{func() { a.Div(dl.Zeros(4, 2, 3, 1)) }, "dl: Div: shapes do not broadcast [2 3] × [4 2 3 1]"},
		{func() { a.Maximum(b) }, "dl: Maximum: shapes do not broadcast [2 3] × [2 4]"},
	} {
		p, msg := numtest.Panics(tc.fn)
		if !p || msg != tc.want {
			t.Errorf("case %d: got panic %v %q, want %q", i, p, msg, tc.want)
		}
		if err := numtest.PanicsWith(tc.fn); !errors.Is(err, dl.ErrShape) {
			t.Errorf("case %d: %v does not match ErrShape", i, err)
		}
	}
	// Bounds in the wrong order are an argument error, not a shape error.
	err := numtest.PanicsWith(func() { a.Clamp(1, 0) })
	var ae *dl.ArgError
	if !errors.As(err, &ae) || !errors.Is(err, dl.ErrArg) || errors.Is(err, dl.ErrShape) || err.Error() != "dl: Clamp: lo 1 > hi 0" {
		t.Errorf("Clamp(1, 0): got panic %v, want *dl.ArgError \"dl: Clamp: lo 1 > hi 0\"", err)
	}
}

func BenchmarkAddBias(b *testing.B) {
	rng := opsRNG()
	x, bias := dl.RandN(rng, 256, 1024), dl.RandN(rng, 1024)
	b.ReportAllocs()
	for b.Loop() {
		x.Add(bias)
	}
}

func BenchmarkAddBiasBackward(b *testing.B) {
	rng := opsRNG()
	x, bias := dl.RandN(rng, 256, 1024).SetRequiresGrad(true), dl.RandN(rng, 1024).SetRequiresGrad(true)
	b.ReportAllocs()
	for b.Loop() {
		x.Add(bias).Sum().Backward()
	}
}

func BenchmarkReLU(b *testing.B) {
	x := dl.RandN(opsRNG(), 256, 1024)
	b.ReportAllocs()
	for b.Loop() {
		x.ReLU()
	}
}
