package seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// OpticksPath returns the path of Newton's Opticks as every Go installation ships it,
// $GOROOT/src/testdata/Isaac.Newton-Opticks.txt (Project Gutenberg, public domain).
func OpticksPath() string {
	root := os.Getenv("GOROOT")
	if root == "" {
		if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
			root = strings.TrimSpace(string(out))
		}
	}
	if root == "" {
		root = runtime.GOROOT() //nolint:staticcheck // last resort when go is not on PATH
	}
	return filepath.Join(root, "src", "testdata", "Isaac.Newton-Opticks.txt")
}

// Corpus is a text as character ids: the distinct bytes of the text form the alphabet, and the
// last part of the text is held out for validation.
type Corpus struct {
	Alphabet   []byte // id → byte
	Train, Val []int  // the text's ids, split
	index      [256]int
}

// LoadOpticks reads Newton's Opticks (see OpticksPath) and holds out its last valFrac.
func LoadOpticks(valFrac float64) (*Corpus, error) {
	text, err := os.ReadFile(OpticksPath())
	if err != nil {
		return nil, fmt.Errorf("seq: reading Newton's Opticks from the Go installation: %w", err)
	}
	return NewCorpus(text, valFrac), nil
}

// NewCorpus returns the corpus of text with its last valFrac (0…1) held out.
// It panics if valFrac is outside [0, 1).
func NewCorpus(text []byte, valFrac float64) *Corpus {
	if valFrac < 0 || valFrac >= 1 {
		panic(fmt.Sprintf("seq: NewCorpus: valFrac %v outside [0, 1)", valFrac))
	}
	c := &Corpus{}
	var seen [256]bool
	for _, b := range text {
		seen[b] = true
	}
	for b := range 256 {
		c.index[b] = -1
		if seen[b] {
			c.index[b] = len(c.Alphabet)
			c.Alphabet = append(c.Alphabet, byte(b))
		}
	}
	ids := c.Encode(string(text))
	n := len(ids) - int(valFrac*float64(len(ids)))
	c.Train, c.Val = ids[:n], ids[n:]
	return c
}

// Len returns the size of the alphabet.
func (c *Corpus) Len() int { return len(c.Alphabet) }

// Encode returns the ids of s's bytes, skipping bytes not in the alphabet.
func (c *Corpus) Encode(s string) []int {
	ids := make([]int, 0, len(s))
	for i := 0; i < len(s); i++ {
		if id := c.index[s[i]]; id >= 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// Decode returns the text of ids.
func (c *Corpus) Decode(ids []int) string {
	b := make([]byte, len(ids))
	for i, id := range ids {
		b[i] = c.Alphabet[id]
	}
	return string(b)
}

// CharLM is a character-level language model: an embedding of each character, one recurrent
// layer (a tanh RNN or an LSTM) and a linear read-out of the next character's logits.
type CharLM struct {
	Kind  string // "RNN" or "LSTM"
	Embed *nn.Embedding
	RNN   *nn.RNN  // when Kind is "RNN"
	LSTM  *nn.LSTM // when Kind is "LSTM"
	Out   *nn.Linear
}

// NewCharLM returns a model of kind "RNN" or "LSTM" over an alphabet of vocab characters,
// embedded in embed dimensions, with hidden units, initialized from seed. The LSTM's forget
// gates start with bias 1 (see ForgetBias). It panics on another kind.
func NewCharLM(kind string, seed uint64, vocab, embed, hidden int) *CharLM {
	rng := rand.New(rand.NewPCG(seed, 6))
	m := &CharLM{Kind: kind, Embed: nn.NewEmbedding(rng, vocab, embed)}
	switch kind {
	case "RNN":
		m.RNN = nn.NewRNN(rng, embed, hidden)
	case "LSTM":
		m.LSTM = nn.NewLSTM(rng, embed, hidden)
		ForgetBias(&m.LSTM.RecurrentWeights, 1)
	default:
		panic(fmt.Sprintf("seq: NewCharLM: kind %q, want RNN or LSTM", kind))
	}
	m.Out = nn.NewLinear(rng, hidden, vocab)
	return m
}

// ForgetBias sets the forget-gate block of an LSTM's biases so that their sum is v (bias_ih to
// v, bias_hh to 0): with v = 1 the forget gates start mostly open, σ(1) ≈ 0.73 (Gers et al.
// 2000; Jozefowicz et al. 2015), and the cell keeps its content longer from the start.
func ForgetBias(w *nn.RecurrentWeights, v float32) {
	H := w.HiddenSize()
	for j := H; j < 2*H; j++ {
		w.BiasIH.Data()[j], w.BiasHH.Data()[j] = v, 0
	}
}

// Weights returns the recurrent layer's weights.
func (m *CharLM) Weights() *nn.RecurrentWeights {
	if m.LSTM != nil {
		return &m.LSTM.RecurrentWeights
	}
	return &m.RNN.RecurrentWeights
}

// Parameters returns the embedding's, the recurrent layer's and the read-out's parameters.
func (m *CharLM) Parameters() []*dl.Tensor { return nn.Group(m.group()).Parameters() }

// NamedParameters names them embed.weight, rnn.weight_ih_l0 (or lstm.…), out.weight, out.bias.
func (m *CharLM) NamedParameters() []nn.Named { return nn.Group(m.group()).NamedParameters() }

func (m *CharLM) group() nn.Group {
	var rec nn.Params = m.RNN
	if m.LSTM != nil {
		rec = m.LSTM
	}
	return nn.Group{{Name: "embed", M: m.Embed}, {Name: strings.ToLower(m.Kind), M: rec}, {Name: "out", M: m.Out}}
}

// State is a recurrent state between calls of Forward: H, and C for an LSTM (nil means zeros).
type State struct{ H, C *dl.Tensor }

// Detach returns the state cut from the graph, for truncated backpropagation through time.
func (s State) Detach() State {
	if s.H != nil {
		s.H = s.H.Detach()
	}
	if s.C != nil {
		s.C = s.C.Detach()
	}
	return s
}

// NoGrad returns the state marked no-grad (dl.Tensor.NoGrad): steps from it record no graph.
func (s State) NoGrad() State {
	if s.H != nil {
		s.H = s.H.NoGrad()
	}
	if s.C != nil {
		s.C = s.C.NoGrad()
	}
	return s
}

// Forward returns the logits [B·T, vocab] of the character after each of ids (B sequences of T,
// row-major) and the state after the last step, starting from s.
func (m *CharLM) Forward(ids []int, B, T int, s State) (*dl.Tensor, State) {
	return m.forward(ids, B, T, s, false)
}

// forward is Forward that, for eval, marks the looked-up character vectors no-grad, so that
// nothing records a graph: the embedding table is a parameter, and without the mark every
// evaluation window or sampled character would record one from it, marked state or not.
func (m *CharLM) forward(ids []int, B, T int, s State, eval bool) (*dl.Tensor, State) {
	x := m.Embed.Lookup(ids, B, T)
	if eval {
		x = x.NoGrad()
	}
	var out *dl.Tensor
	var next State
	if m.LSTM != nil {
		out, next.H, next.C = m.LSTM.ForwardState(x, s.H, s.C)
	} else {
		out, next.H = m.RNN.ForwardState(x, s.H)
	}
	return m.Out.Forward(out.Reshape(B*T, -1)), next
}

// LMConfig sets up TrainLM. Zero fields take the defaults in brackets.
type LMConfig struct {
	Steps     int     // optimizer steps [1000]
	Batch     int     // sequences per step [32]
	SeqLen    int     // characters per sequence (backpropagation through time) [64]
	LR        float32 // Adam's learning rate [3e-3]
	Clip      float32 // gradient-norm clipping [1]
	EvalEvery int     // steps between evaluations [Steps/10]
	EvalChars int     // held-out characters per evaluation [20000]
	Seed      uint64  // draws the training windows [1]
}

func (c LMConfig) withDefaults() LMConfig {
	if c.Steps <= 0 {
		c.Steps = 1000
	}
	if c.Batch <= 0 {
		c.Batch = 32
	}
	if c.SeqLen <= 0 {
		c.SeqLen = 64
	}
	if c.LR <= 0 {
		c.LR = 3e-3
	}
	if c.Clip <= 0 {
		c.Clip = 1
	}
	if c.EvalEvery <= 0 {
		c.EvalEvery = max(1, c.Steps/10)
	}
	if c.EvalChars <= 0 {
		c.EvalChars = 20000
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

// LMPoint is one evaluation during training: the training loss of the last steps and the
// held-out loss, in bits per character.
type LMPoint struct {
	Step               int
	TrainBits, ValBits float64
	Seconds            float64 // training time so far
}

// TrainLM trains m on c.Train with Adam on random windows, clipping the gradient norm, and
// calls onEval (if not nil) after every EvalEvery steps with the held-out bits per character of
// the first EvalChars characters of c.Val. It returns the evaluations.
func TrainLM(m *CharLM, c *Corpus, cfg LMConfig, onEval func(LMPoint)) ([]LMPoint, error) {
	cfg = cfg.withDefaults()
	if len(c.Train) < cfg.SeqLen+2 {
		return nil, fmt.Errorf("seq: TrainLM: %d training characters, want more than %d", len(c.Train), cfg.SeqLen+1)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 61))
	opt := optim.NewAdam(m.Parameters(), cfg.LR)
	var hist []LMPoint
	sum, n := 0.0, 0
	val := c.Val[:min(len(c.Val), cfg.EvalChars)]
	elapsed := 0.0
	err := dl.Try(func() {
		for step := 1; step <= cfg.Steps; step++ {
			t0 := nowSeconds()
			B, T := cfg.Batch, cfg.SeqLen
			in, target := make([]int, 0, B*T), make([]int, 0, B*T)
			for range B {
				o := rng.IntN(len(c.Train) - T - 1)
				in = append(in, c.Train[o:o+T]...)
				target = append(target, c.Train[o+1:o+T+1]...)
			}
			opt.ZeroGrad()
			logits, _ := m.Forward(in, B, T, State{})
			loss := nn.CrossEntropy(logits, target)
			loss.Backward()
			optim.ClipGradNorm(m.Parameters(), cfg.Clip)
			opt.Step()
			sum += float64(loss.Item())
			n++
			elapsed += nowSeconds() - t0
			if step%cfg.EvalEvery == 0 || step == cfg.Steps {
				p := LMPoint{Step: step, TrainBits: sum / float64(n) / math.Ln2, ValBits: BitsPerChar(m, val), Seconds: elapsed}
				sum, n = 0, 0
				hist = append(hist, p)
				if onEval != nil {
					onEval(p)
				}
			}
		}
	})
	return hist, err
}

// BitsPerChar returns the model's average −log₂ p(next character) over ids, read as 16
// contiguous streams in windows of 128 with the state carried over (no gradients).
func BitsPerChar(m *CharLM, ids []int) float64 {
	const B, T = 16, 128
	per := (len(ids) - 1) / B
	if per < 1 {
		return math.NaN()
	}
	total, count := 0.0, 0
	var s State
	for lo := 0; lo < per; lo += T {
		t := min(T, per-lo)
		in, target := make([]int, 0, B*t), make([]int, 0, B*t)
		for b := range B {
			o := b*per + lo
			in = append(in, ids[o:o+t]...)
			target = append(target, ids[o+1:o+t+1]...)
		}
		var logits *dl.Tensor
		logits, s = m.forward(in, B, t, s, true)
		total += float64(nn.CrossEntropy(logits, target).Item()) * float64(B*t)
		count += B * t
	}
	return total / float64(count) / math.Ln2
}

// Sample returns n characters generated after prime (which must not be empty), each drawn from
// softmax(logits/temperature) with a generator seeded with seed; a temperature of 0 takes the
// most likely character.
func (m *CharLM) Sample(c *Corpus, prime string, n int, temperature float64, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 62))
	ids := c.Encode(prime)
	if len(ids) == 0 {
		panic("seq: Sample: prime has no character of the alphabet")
	}
	out := make([]int, 0, n)
	logits, s := m.forward(ids, 1, len(ids), State{}, true)
	last := logits.Slice(0, len(ids)-1, len(ids)).Data()
	for range n {
		next := pick(rng, last, temperature)
		out = append(out, next)
		logits, s = m.forward([]int{next}, 1, 1, s, true)
		last = logits.Data()
	}
	return c.Decode(out)
}

// pick draws an index from softmax(logits/temperature), or the argmax for temperature 0.
func pick(rng *rand.Rand, logits []float32, temperature float64) int {
	best := 0
	for i, v := range logits {
		if v > logits[best] {
			best = i
		}
	}
	if temperature <= 0 {
		return best
	}
	p := make([]float64, len(logits))
	sum := 0.0
	for i, v := range logits {
		p[i] = math.Exp((float64(v) - float64(logits[best])) / temperature)
		sum += p[i]
	}
	u := rng.Float64() * sum
	for i, v := range p {
		if u < v {
			return i
		}
		u -= v
	}
	return best
}

// RecurrentParams returns the parameters of a one-layer model of kind ("RNN" or "LSTM") with
// vocab inputs embedded in embed dimensions, hidden units and a read-out to vocab classes.
func RecurrentParams(kind string, vocab, embed, hidden int) int {
	g := 1
	if kind == "LSTM" {
		g = 4
	}
	return vocab*embed + g*hidden*(embed+hidden+2) + (hidden+1)*vocab
}

// HiddenForParams returns the hidden size that gives a model of kind the parameter count closest
// to params (see RecurrentParams): the fair comparison of an RNN and an LSTM.
func HiddenForParams(kind string, vocab, embed, params int) int {
	best := 1
	for h := 1; h < 4096; h++ {
		if abs(RecurrentParams(kind, vocab, embed, h)-params) < abs(RecurrentParams(kind, vocab, embed, best)-params) {
			best = h
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
