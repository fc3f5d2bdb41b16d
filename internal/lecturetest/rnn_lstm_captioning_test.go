package lecturetest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/kerneltest"
)

// TestRNNLSTMCaptioning runs notebooks/06-rnn-lstm-captioning.ipynb headlessly through the
// deepnb kernel with short training (skipped under -short) and checks its outputs: the exercise
// checks pass, the hand-unrolled RNN matches nn.RNN, both language models learn (held-out bits
// per character below the uniform 6.5) and sample, the gradient-flow and memory figures are
// printed from the computation, and the captioner's cells report BLEU, exact rate and attention
// alignment with their pictures. A fresh cacheTag makes the cached cells train.
func TestRNNLSTMCaptioning(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{
		"lmSteps":      "150",
		"recallSteps":  "150",
		"recallSeeds":  "1",
		"capTrain":     "400",
		"capEpochs":    "1",
		"capBoxEpochs": "1",
		"cacheTag":     tag,
	}
	t.Cleanup(func() {
		removeCache(t, "rnn06-"+tag+"-")
		files, _ := filepath.Glob(filepath.Join(os.TempDir(), "deepnb-06", "*-"+tag+".safetensors"))
		for _, f := range files {
			if err := os.Remove(f); err != nil {
				t.Log(err)
			}
		}
	})
	start := time.Now()
	nb := kerneltest.Run(t, notebook(t, "06-rnn-lstm-captioning.ipynb"), params)
	t.Logf("notebook ran in %.1f s with %v", time.Since(start).Seconds(), params)
	kerneltest.NoErrors(t, nb)

	bits := `[1-5]\.\d{3}`
	kerneltest.CheckCells(t, nb, []kerneltest.CellCheck{
		{Cell: "exercise-rnn", Want: []string{"✓ RNN step: 40 cases pass"}},
		{Cell: "rnn-unroll", Re: []string{`nn.RNN: max \|difference\| = (0\.0e\+00|\d\.\de-0[6-9])`, `y_T = W_hy·h_T = Tensor\[2 4\]`}},
		{Cell: "exercise-lstm", Want: []string{"✓ LSTM step (deck's gate order i f o g): 40 cases pass", "deck's W [8 5] (blocks i f o g)", "PyTorch's o block): true"}},
		{Cell: "corpus", Re: []string{`\d{6} characters for training, \d{5} held out, an alphabet of 93`, `RNN with \d+ hidden units: \d+ parameters; LSTM with 64: \d+ parameters`}},
		{Cell: "lm-train", Images: 1, Want: []string{"trained now; kept in GoNB's cache"}, Re: []string{`RNN  \(\d+ parameters\): ` + bits + ` bits/char held out`, `LSTM \(\d+ parameters\): ` + bits + ` bits/char held out`, `T=0\.5  Light `}},
		{Cell: "lm-sample", Re: []string{`LSTM loaded from the checkpoint: ` + bits + ` bits/char`, `T=1\.5  The Rays of `}},
		{Cell: "gradflow", Images: 1, Re: []string{`99 steps back: RNN keeps \d\.\de[-+]\d+ of ‖∂L/∂h‖, LSTM \d\.\de[-+]\d+`, `residual MLP \d\.\d\d`}},
		{Cell: "clipping", Images: 1, Re: []string{`39 steps back the gradient is \d+× the last step's`, `without clipping → loss \d+\.\d{3}`, `clipped to norm 1 +→ loss \d\.\d{3}`}},
		{Cell: "memory", Images: 1, Re: []string{`trained 10 models now`, `Adam steps taken \(mean over the seeds; at most 150\)`, `k = 48: RNN +\d+, LSTM +\d+`, `(?m)^ 48  [01]\.\d\d \([01]\.\d\d–[01]\.\d\d\) +[01]\.\d\d \([01]\.\d\d–[01]\.\d\d\)$`,
			`RNN k = \d+, LSTM k = \d+`, `verdict: `}},
		{Cell: "shapes", Images: 1, Want: []string{"400 training, 200 validation, 200 test scenes; vocabulary of 17 words"}, Re: []string{`#1  a \w+ \w+`}},
		{Cell: "cap-train", Re: []string{`1 epochs on 400 scenes, training loss \d\.\d{3} nats per word; trained in \d+ s on \d{4}-\d\d-\d\d \d\d:\d\d UTC`, `\d+ parameters; validation loss \d\.\d{3} nats per word`}},
		{Cell: "cap-test", Images: 1, Re: []string{`200 test scenes: greedy BLEU-4 \d\.\d{3}, exact captions \d+\.\d%; beam search \(width 3\) BLEU-4 \d\.\d{3}`}},
		{Cell: "cap-attention", Images: 2, Re: []string{`test #\d+: "a `}},
		{Cell: "cap-alignment", Re: []string{`\d+ colour and shape words: mean attention inside the named object's box 0\.\d\d; chance \(the box's share of the image\) 0\.0\d\d`, `goal of at least half the attention inside the named box is (reached|missed by 0\.\d\d)`}},
		{Cell: "closing", Re: []string{`RNN ` + bits + `, LSTM ` + bits + ` \(uniform guess 6\.54\), after 150 steps`,
			`60 steps back: RNN \d\.\de-\d+ of ‖∂L/∂h‖; LSTM \d\.\de-\d+ of ‖∂L/∂h‖, \d\.\de-\d+ of ‖∂L/∂c‖`, `RNN k = \d+, LSTM k = \d+`,
			`captioner \(captions alone\) +BLEU-4 \d\.\d{3}, exact \d+\.\d%, attention inside the named box 0\.\d\d \(\d+× chance\)`,
			`captioner \(captions \+ boxes\) BLEU-4 \d\.\d{3}`, `training time: language models \d+ s \+ \d+ s, memory task \d+ s, captioners \d+ s \+ \d+ s`}},
		{Cell: "cap-boxes", Images: 1, Re: []string{`with the box loss: 1 epochs on 400 scenes, training loss \d\.\d{3} nats per word; trained in \d+ s on `, `captions alone \(1 epochs\) +\d\.\d{3} +\d+\.\d% +0\.\d\d +\d+`, `captions \+ boxes \(1 epochs\) +\d\.\d{3} +\d+\.\d% +0\.\d\d +\d+`}},
	})
}
