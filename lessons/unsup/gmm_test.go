package unsup

import (
	"math"
	"testing"
)

// TestFitGMMToy: EM on samples of a known mixture never lowers the likelihood, recovers the
// weights, and scores held-out points close to the true mixture and better than the best KDE.
func TestFitGMMToy(t *testing.T) {
	truth := ToyMixture()
	x, held := truth.Sample(1500, 1), truth.Sample(1000, 2)
	g, hist, err := FitGMM(x, 3, 60, 1e-6, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(hist); i++ {
		if hist[i] < hist[i-1]-1e-9 {
			t.Fatalf("EM lowered the log-likelihood at iteration %d: %v → %v", i, hist[i-1], hist[i])
		}
	}
	fit, best := g.MeanLogLik(held), truth.MeanLogLik(held)
	kde := FitKDE(x[:1000], x[1000:], []float64{0.1, 0.2, 0.3, 0.5, 0.8})
	kl := kde.MeanLogLik(held)
	t.Logf("held-out log-likelihood: truth %.4f, GMM %.4f, KDE (h = %.1f) %.4f nats", best, fit, kde.Bandwidth, kl)
	if fit < best-0.02 || fit <= kl {
		t.Errorf("GMM held-out %.4f nats, want within 0.02 of the truth's %.4f and above the KDE's %.4f", fit, best, kl)
	}
	ws := append([]float64(nil), g.Weights...)
	found := 0
	for _, w := range truth.Weights {
		for _, v := range ws {
			if math.Abs(v-w) < 0.03 {
				found++
				break
			}
		}
	}
	if found != 3 {
		t.Errorf("weights %v, want about %v", g.Weights, truth.Weights)
	}
}

// TestKDENormalised: the KDE's density integrates to 1 (checked on a grid in 1-D and 2-D).
func TestKDENormalised(t *testing.T) {
	k := KDE{Points: [][]float64{{0, 0}, {1, 2}, {-1, 0.5}}, Bandwidth: 0.7}
	var s float64
	step := 0.05
	for x := -6.0; x <= 6; x += step {
		for y := -6.0; y <= 8; y += step {
			s += math.Exp(k.LogPDF([]float64{x, y})) * step * step
		}
	}
	if math.Abs(s-1) > 1e-3 {
		t.Errorf("KDE integrates to %v, want 1", s)
	}
}

func TestDensityGrid(t *testing.T) {
	g := ToyMixture()
	d := DensityGrid(g.LogPDF, -1, 1, -1, 1, 5) // the centre cell is (0, 0), the first mean
	if len(d) != 25 {
		t.Fatalf("%d values, want 25", len(d))
	}
	if want := float32(g.LogPDF([]float64{-1, 1})); d[0] != want {
		t.Errorf("top-left %v, want log p(−1, 1) = %v", d[0], want)
	}
	for i, v := range d {
		if v > d[12] {
			t.Errorf("cell %d: %v above the centre's %v", i, v, d[12])
		}
	}
}

func TestGMMMNIST(t *testing.T) {
	x, _ := digits(t, 1000)
	p, err := FitPCA(x[:700], 10)
	if err != nil {
		t.Fatal(err)
	}
	z := p.Transform(x)
	g, _, err := FitGMM(z[:600], 10, 30, 1e-3, 1)
	if err != nil {
		t.Fatal(err)
	}
	one, _, err := FitGMM(z[:600], 1, 2, 1e-3, 1)
	if err != nil {
		t.Fatal(err)
	}
	kde := FitKDE(z[:600], z[600:700], []float64{0.5, 0.75, 1, 1.5, 2})
	gl, kl, ol := g.MeanLogLik(z[700:]), kde.MeanLogLik(z[700:]), one.MeanLogLik(z[700:])
	t.Logf("10-D PCA of MNIST, held-out: GMM %.2f, KDE (h = %.2f) %.2f, one Gaussian %.2f nats per digit", gl, kde.Bandwidth, kl, ol)
	if gl <= ol+0.5 || kl <= ol+0.5 {
		t.Errorf("held-out GMM %.2f, KDE %.2f nats: want both 0.5 above one Gaussian's %.2f", gl, kl, ol)
	}
}
