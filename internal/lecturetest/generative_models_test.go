package lecturetest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/kerneltest"
)

// TestGenerativeModels runs notebooks/07b-generative-models.ipynb headlessly with small sizes and
// fresh tags (so that the VAEs, the GAN and the judge CNN all train) and checks the VAE's held-out
// ELBO and the digit-FID table against floors: real digits nearest, noise farthest, each model in
// between; lecture 02's CNN's accuracy, the segmentation IoU and the recalled detections.
func TestGenerativeModels(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{
		"vaeTrainSize": "2000",
		"vaeEpochs":    "2",
		"ganSteps":     "100",
		"judgeSize":    "300",
		"cnnCacheTag":  tag,
		"cnnTrainSize": "2000",
		"segTrain":     "400",
		"segEpochs":    "4",
		"cacheTag":     tag,
	}
	t.Cleanup(func() {
		removeCheckpoints(t, "deepnb-07", tag)
		os.Remove(filepath.Join(os.TempDir(), "deepnb-02", "cnn-"+tag+"-2000.safetensors"))
	})
	nb := kerneltest.Run(t, notebook(t, "07b-generative-models.ipynb"), params)
	kerneltest.NoErrors(t, nb)
	out := func(cell string) string { return kerneltest.Stdout(kerneltest.Cell(t, nb, cell)) }

	vae := out("vae")
	if e := floatIn(t, vae, `VAE z = 20: held-out ELBO (-\d+\.\d) nats`); e < -230 {
		t.Errorf("20-D VAE held-out ELBO %.1f nats, want ≥ −230", e)
	}
	if e := floatIn(t, vae, `VAE z =  2: held-out ELBO (-\d+\.\d) nats`); e < -250 {
		t.Errorf("2-D VAE held-out ELBO %.1f nats, want ≥ −250", e)
	}
	if n := len(kerneltest.Images(t, kerneltest.Cell(t, nb, "vae-samples"))); n != 3 {
		t.Errorf("vae-samples: %d images, want 3", n)
	}
	if n := len(kerneltest.Images(t, kerneltest.Cell(t, nb, "gan"))); n < 1 {
		t.Errorf("gan: no samples shown")
	}
	judge := out("judge")
	checkStdout(t, "judge", judge, []string{"trained its CNN once with lecture 02's recipe"}, nil)
	fid := map[string]float64{}
	for _, name := range []string{"real training digits", "VAE, z = 20", "VAE, z = 2", "GAN", "uniform noise"} {
		fid[name] = floatIn(t, judge, regexp.QuoteMeta(name)+` +(\d+\.\d)`)
	}
	for _, name := range []string{"VAE, z = 20", "VAE, z = 2", "GAN"} {
		if !(fid["real training digits"] < fid[name] && fid[name] < fid["uniform noise"]) {
			t.Errorf("digit-FID of %s %.1f, want between real digits' %.1f and noise's %.1f", name, fid[name], fid["real training digits"], fid["uniform noise"])
		}
	}
	if h := floatIn(t, judge, `real training digits +\d+\.\d +(\d\.\d\d) bits`); h < 2.8 {
		t.Errorf("label entropy of real digits %.2f bits, want ≥ 2.8", h)
	}
	checkStdout(t, "neighbours", out("neighbours"), nil, []string{`GAN +mean distance to the nearest training digit: \d+\.\d\d`})
	if acc := floatIn(t, out("recall-classification"), `lecture 02's CNN: (\d+\.\d+)% of`); acc < 70 {
		t.Errorf("lecture 02's CNN: %.2f%% test accuracy, want ≥ 70%% (trained on 2000 digits here)", acc)
	}
	segOut := out("segmentation")
	if m := floatIn(t, segOut, `mean IoU (\d\.\d+)`); m < 0.45 {
		t.Errorf("segmentation mean IoU %.3f on held-out scenes, want ≥ 0.45", m)
	}
	if bg := floatIn(t, segOut, `background (\d\.\d+)`); bg < 0.9 {
		t.Errorf("background IoU %.3f, want ≥ 0.9", bg)
	}
	if n := len(kerneltest.Images(t, kerneltest.Cell(t, nb, "segmentation"))); n < 1 {
		t.Errorf("segmentation: no overlays shown")
	}
	checkStdout(t, "recall-detection", out("recall-detection"), []string{"chelsea: cat", "coffee: cup"}, nil)
	if n := len(kerneltest.Images(t, kerneltest.Cell(t, nb, "recall-detection"))); n != 2 {
		t.Errorf("recall-detection: %d images, want 2", n)
	}
	checkStdout(t, "recall-captioning", out("recall-captioning"), nil, []string{`#1 \w+`})
	t.Logf("outputs:\n%s\n%s\n%s\n%s\n%s\n%s", vae, out("gan"), judge, out("neighbours"), out("recall-classification"), segOut)
}
