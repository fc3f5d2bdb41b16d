package lecturetest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/kerneltest"
)

// TestSupervisedAndUnsupervised runs notebooks/07a-supervised-and-unsupervised.ipynb headlessly
// with small sizes and a fresh cacheTag (so that every model trains) and checks each section's
// numbers against floors: regression against exact least squares, k-means NMI, t-SNE's k-NN
// accuracy and trustworthiness, the autoencoders and the few-label classifiers, the Gaussian
// mixtures and KDEs.
func TestSupervisedAndUnsupervised(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{
		"clusterSize": "500",
		"tsneSize":    "300",
		"tsneIters":   "300",
		"aeTrainSize": "2000",
		"aeEpochs":    "3",
		"testSize":    "500",
		"gmmSize":     "600",
		"cacheTag":    tag,
	}
	t.Cleanup(func() { removeCheckpoints(t, "deepnb-07", tag) })
	nb := kerneltest.Run(t, notebook(t, "07a-supervised-and-unsupervised.ipynb"), params)
	kerneltest.NoErrors(t, nb)
	out := func(cell string) string { return kerneltest.Stdout(kerneltest.Cell(t, nb, cell)) }

	reg := out("regression")
	if d := floatIn(t, reg, `max relative difference (\S+)`); d > 2e-4 {
		t.Errorf("dl linear model differs from least squares by %g, want ≤ 2e-4", d)
	}
	if r2 := floatIn(t, reg, `least squares (\d\.\d+), dl linear`); r2 < 0.4 {
		t.Errorf("least-squares held-out R² %.3f, want ≥ 0.4", r2)
	}
	if r2 := floatIn(t, reg, `MLP (-?\d\.\d+)`); r2 < 0.35 {
		t.Errorf("MLP held-out R² %.3f, want ≥ 0.35", r2)
	}
	if n := floatIn(t, out("kmeans"), `NMI (\d\.\d+)`); n < 0.35 {
		t.Errorf("k-means NMI %.3f on raw pixels, want ≥ 0.35", n)
	}
	tsne := out("pca-tsne")
	pcaAcc := floatIn(t, tsne, `PCA +2-D: 5-NN accuracy (\d\.\d+)`)
	tsneAcc := floatIn(t, tsne, `t-SNE +2-D: 5-NN accuracy (\d\.\d+)`)
	trust := floatIn(t, tsne, `t-SNE +2-D: 5-NN accuracy \d\.\d+, trustworthiness T\(5\) (\d\.\d+)`)
	if tsneAcc < 0.7 || tsneAcc <= pcaAcc || trust < 0.85 {
		t.Errorf("t-SNE 5-NN accuracy %.3f (want ≥ 0.7 and above PCA's %.3f), trustworthiness %.3f (want ≥ 0.85)", tsneAcc, pcaAcc, trust)
	}
	if n := len(kerneltest.Images(t, kerneltest.Cell(t, nb, "pca-tsne"))); n < 1 {
		t.Errorf("pca-tsne: no scatter plot")
	}
	ae := out("autoencoders")
	for _, name := range []string{"autoencoder", "denoising"} {
		if e := floatIn(t, ae, name+` +test reconstruction error \(MSE per pixel\): (\d\.\d+)`); e > 0.05 {
			t.Errorf("%s reconstruction MSE %.4f, want ≤ 0.05", name, e)
		}
	}
	if n := len(kerneltest.Images(t, kerneltest.Cell(t, nb, "reconstructions"))); n != 1 {
		t.Errorf("reconstructions: %d images, want 1", n)
	}
	few := out("few-labels")
	for _, re := range []string{`raw pixels \(784\) +(\d+\.\d)%`, `PCA \(32\) +(\d+\.\d)%`, `autoencoder code \(32\) +(\d+\.\d)%`, `denoising code \(32\) +(\d+\.\d)%`} {
		if acc := floatIn(t, few, re); acc < 45 {
			t.Errorf("%s: accuracy %.1f%% from 100 labels, want ≥ 45%%", re, acc)
		}
	}
	toy := out("gmm-toy")
	truth := floatIn(t, toy, `true mixture (-\d+\.\d+)`)
	gmm := floatIn(t, toy, `GMM by EM (-\d+\.\d+)`)
	kde := floatIn(t, toy, `KDE \(bandwidth \d\.\d\) (-\d+\.\d+)`)
	if gmm < truth-0.05 || kde < truth-0.2 {
		t.Errorf("toy held-out log-likelihood: GMM %.4f, KDE %.4f; want within 0.05 and 0.2 of the truth's %.4f", gmm, kde, truth)
	}
	if n := len(kerneltest.Images(t, kerneltest.Cell(t, nb, "gmm-toy"))); n != 2 {
		t.Errorf("gmm-toy: %d images, want 2", n)
	}
	dens := out("gmm-mnist")
	one := floatIn(t, dens, `one Gaussian +(-\d+\.\d+)`)
	if g := floatIn(t, dens, `GMM, 10 components +(-\d+\.\d+)`); g < one+0.3 {
		t.Errorf("GMM held-out %.2f nats, want 0.3 above one Gaussian's %.2f", g, one)
	}
	if k := floatIn(t, dens, `KDE, bandwidth \d\.\d\d (-\d+\.\d+)`); k < one {
		t.Errorf("KDE held-out %.2f nats, want above one Gaussian's %.2f", k, one)
	}
	t.Logf("outputs:\n%s\n%s\n%s\n%s\n%s\n%s\n%s", reg, out("kmeans"), tsne, ae, few, toy, dens)
}

// removeCheckpoints deletes the checkpoints a notebook run with cacheTag tag wrote to
// os.TempDir()/dir.
func removeCheckpoints(t *testing.T, dir, tag string) {
	files, _ := filepath.Glob(filepath.Join(os.TempDir(), dir, "*-"+tag+"*"))
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Log(err)
		}
	}
}
