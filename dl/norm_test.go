package dl_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// naiveBatchNorm normalises channel c of x [N, C, L] with the given mean and variance (nil: the
// batch's, biased) and returns y and the batch mean and unbiased variance.
func naiveBatchNorm(x, gamma, beta []float32, N, C, L int, mean, variance []float64, eps float64) (y []float32, bm, bv []float64) {
	y = make([]float32, len(x))
	bm, bv = make([]float64, C), make([]float64, C)
	m := float64(N * L)
	for c := range C {
		var s, q float64
		for n := range N {
			for l := range L {
				s += float64(x[(n*C+c)*L+l])
			}
		}
		mu := s / m
		for n := range N {
			for l := range L {
				d := float64(x[(n*C+c)*L+l]) - mu
				q += d * d
			}
		}
		bm[c], bv[c] = mu, q/(m-1)
		useMu, useVar := mu, q/m
		if mean != nil {
			useMu, useVar = mean[c], variance[c]
		}
		for n := range N {
			for l := range L {
				i := (n*C+c)*L + l
				y[i] = float32((float64(x[i])-useMu)/math.Sqrt(useVar+eps)*float64(gamma[c]) + float64(beta[c]))
			}
		}
	}
	return y, bm, bv
}

func TestBatchNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	const eps, mom = 1e-5, 0.1
	for i, shape := range [][]int{{8, 3}, {4, 3, 5, 6}, {2, 4, 7}} {
		N, C := shape[0], shape[1]
		L := 1
		for _, d := range shape[2:] {
			L *= d
		}
		x := dl.RandN(rng, shape...)
		for j := range x.Data() { // offset and scale so the statistics are not trivial
			x.Data()[j] = 3*x.Data()[j] + 2
		}
		gamma, beta := dl.RandN(rng, C), dl.RandN(rng, C)
		rm, rv := dl.Zeros(C), dl.Ones(C)

		// Training: batch statistics, running statistics updated with momentum.
		y := dl.BatchNorm(x, gamma, beta, rm, rv, true, mom, eps)
		want, bm, bv := naiveBatchNorm(x.Data(), gamma.Data(), beta.Data(), N, C, L, nil, nil, eps)
		numtest.Close(t, fmt.Sprintf("case %d: BatchNorm train", i), y.Data(), want, 1e-5, 1e-5)
		wantRM, wantRV := make([]float32, C), make([]float32, C)
		for c := range C {
			wantRM[c] = float32(mom * bm[c])
			wantRV[c] = float32((1 - mom) + mom*bv[c])
		}
		numtest.Close(t, fmt.Sprintf("case %d: BatchNorm running mean", i), rm.Data(), wantRM, 1e-6, 1e-5)
		numtest.Close(t, fmt.Sprintf("case %d: BatchNorm running var", i), rv.Data(), wantRV, 1e-6, 1e-5)

		// Evaluation: the running statistics, left unchanged.
		rmv, rvv := make([]float64, C), make([]float64, C)
		for c := range C {
			rmv[c], rvv[c] = float64(rm.Data()[c]), float64(rv.Data()[c])
		}
		before := slices.Clone(rm.Data())
		y = dl.BatchNorm(x, gamma, beta, rm, rv, false, mom, eps)
		want, _, _ = naiveBatchNorm(x.Data(), gamma.Data(), beta.Data(), N, C, L, rmv, rvv, eps)
		numtest.Close(t, fmt.Sprintf("case %d: BatchNorm eval", i), y.Data(), want, 1e-5, 1e-5)
		numtest.Close(t, fmt.Sprintf("case %d: BatchNorm eval keeps running mean", i), rm.Data(), before, numtest.Exact, 0)
	}
}

func TestBatchNormGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 2))
	for _, shape := range [][]int{{5, 3}, {2, 3, 2, 3}} {
		C := shape[1]
		rm, rv := dl.RandU(rng, -1, 1, C), dl.RandU(rng, 0.5, 2, C)
		for _, train := range []bool{true, false} {
			numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
				return dl.BatchNorm(xs[0], xs[1], xs[2], rm, rv, train, 0, 1e-5) // momentum 0: stats fixed
			}, dl.RandN(rng, shape...), dl.RandN(rng, C), dl.RandN(rng, C))
		}
		// No affine parameters, no running statistics.
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor {
			return dl.BatchNorm(xs[0], nil, nil, nil, nil, true, 0.1, 1e-5)
		}, dl.RandN(rng, shape...))
	}
}

func TestLayerNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	const eps = 1e-5
	for i, tc := range []struct {
		shape []int
		dims  int
	}{
		{[]int{4, 6}, 1},
		{[]int{2, 3, 4}, 2},
		{[]int{3, 5}, 2},
	} {
		x := dl.RandN(rng, tc.shape...)
		ns := tc.shape[len(tc.shape)-tc.dims:]
		gamma, beta := dl.RandN(rng, ns...), dl.RandN(rng, ns...)
		D := gamma.Len()
		want := make([]float32, x.Len())
		for r := range x.Len() / D {
			row := x.Data()[r*D : (r+1)*D]
			var s, q float64
			for _, v := range row {
				s += float64(v)
			}
			mu := s / float64(D)
			for _, v := range row {
				q += (float64(v) - mu) * (float64(v) - mu)
			}
			for j, v := range row {
				want[r*D+j] = float32((float64(v)-mu)/math.Sqrt(q/float64(D)+eps)*float64(gamma.Data()[j]) + float64(beta.Data()[j]))
			}
		}
		numtest.Close(t, fmt.Sprintf("case %d: LayerNorm", i), dl.LayerNorm(x, tc.dims, gamma, beta, eps).Data(), want, 1e-5, 1e-5)
		dims := tc.dims
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.LayerNorm(xs[0], dims, xs[1], xs[2], eps) }, x, gamma, beta)
		numtest.GradCheck(t, func(xs ...*dl.Tensor) *dl.Tensor { return dl.LayerNorm(xs[0], dims, nil, nil, eps) }, x)
	}
}

func TestNormShapeErrors(t *testing.T) {
	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { dl.BatchNorm(dl.Zeros(4), nil, nil, nil, nil, true, 0.1, 1e-5) }, "BatchNorm: want x [N C …] [4]"},
		{func() { dl.BatchNorm(dl.Zeros(4, 3), dl.Zeros(2), nil, nil, nil, true, 0.1, 1e-5) }, "BatchNorm: per-channel tensor must be [3] [4 3] × [2]"},
		{func() { dl.BatchNorm(dl.Zeros(1, 3), nil, nil, nil, nil, true, 0.1, 1e-5) }, "BatchNorm: batch statistics need more than 1 value per channel [1 3]"},
		{func() { dl.LayerNorm(dl.Zeros(4, 3), 3, nil, nil, 1e-5) }, "LayerNorm: cannot normalise over the last 3 dimensions [4 3]"},
		{func() { dl.LayerNorm(dl.Zeros(4, 3), 1, dl.Zeros(4), nil, 1e-5) }, "LayerNorm: gamma and beta must be [3] [4 3] × [4]"},
	} {
		err := numtest.PanicsWith(tc.f)
		if !errors.Is(err, dl.ErrShape) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got panic %v, want a ShapeError containing %q", i, err, tc.want)
		}
	}
}
