package regress

import (
	"testing"

	"github.com/deepnb/deepnb/datasets"
)

func diabetes(t *testing.T) (trainSet, test *datasets.Table, s Scaler) {
	t.Helper()
	tab, err := datasets.Diabetes()
	if err != nil {
		t.Fatal(err)
	}
	trainSet, test = Split(tab, 0.2, 1)
	return trainSet, test, FitScaler(trainSet)
}

// TestFitLinearMatchesLeastSquares: the dl linear model, trained by L-BFGS in float32, reaches
// gonum's float64 least-squares solution to within float32's reach: s1 and s2 (total cholesterol
// and LDL) are nearly collinear, so their weights are large and cancel, and float32's relative
// error (6e-8) grows by the condition number of XᵀX (about 590 for the standardised training
// features) to about 1e-4.
func TestFitLinearMatchesLeastSquares(t *testing.T) {
	trainSet, test, s := diabetes(t)
	exact, err := LeastSquares(trainSet)
	if err != nil {
		t.Fatal(err)
	}
	got := FitLinear(trainSet, s, 5, 1)
	if d := MaxRelDiff(got, exact); d > 2e-4 {
		t.Errorf("dl linear model differs from least squares by %.2g (relative), want ≤ 2e-4\ngot  %+v\nwant %+v", d, got, exact)
	}
	r2exact, r2 := R2(exact.Predict(test), test.Y), R2(got.Predict(test), test.Y)
	if r2exact < 0.35 || abs(r2-r2exact) > 1e-5 {
		t.Errorf("held-out R²: dl %.5f, least squares %.5f; want ≥ 0.35 and equal", r2, r2exact)
	}
	t.Logf("held-out R² %.4f (least squares %.4f), max relative weight difference %.2g", r2, r2exact, MaxRelDiff(got, exact))
}

func TestFitMLP(t *testing.T) {
	trainSet, test, s := diabetes(t)
	mlp := NewMLP(len(s.Mean), 8, 1)
	losses := FitMLP(mlp, trainSet, s, 300, 0.01, 1)
	if losses[len(losses)-1] >= losses[0] {
		t.Errorf("training loss %.3f → %.3f: did not fall", losses[0], losses[len(losses)-1])
	}
	if r2 := R2(PredictMLP(mlp, test, s), test.Y); r2 < 0.4 {
		t.Errorf("MLP held-out R² %.3f, want ≥ 0.4", r2)
	} else {
		t.Logf("MLP held-out R² %.4f", r2)
	}
}

func TestR2(t *testing.T) {
	for _, tc := range []struct {
		pred, y []float64
		want    float64
	}{
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, 1},
		{[]float64{2, 2, 2}, []float64{1, 2, 3}, 0},
		{[]float64{3, 2, 1}, []float64{1, 2, 3}, -3},
	} {
		if got := R2(tc.pred, tc.y); abs(got-tc.want) > 1e-12 {
			t.Errorf("R2(%v, %v) = %v, want %v", tc.pred, tc.y, got, tc.want)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
