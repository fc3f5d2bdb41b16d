package seq

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/datasets/shapes"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/dl/optim"
)

// Sizes of the captioner: the encoder's feature vectors, the word embedding, the decoder's
// hidden state and the attention's hidden units.
const (
	CapFeatures  = 32
	CapEmbed     = 16
	CapHidden    = 64
	CapAttention = 32
	capMaxWords  = 16
)

// Captioner is a small "show, attend and tell" model (Xu et al. 2015). A CNN encoder turns a
// 64×64 image, with two extra input channels holding the x and y coordinates, into a 16×16 grid
// of L = 256 feature vectors aⱼ (3×3 convolution, 2×2 max pooling, 3×3 convolution, 2×2 max
// pooling, 1×1 convolution, each with ReLU: each vector sees 10×10 pixels, less than a whole
// shape, so the decoder must look where an object is to name it). The attention scores where to
// look from sharper keys kⱼ on the same grid, computed from the first convolution alone (pooled
// twice, then a 1×1 convolution Where: 6×6 pixels each), so that a cell just outside an object
// does not look like the object; it reads the features aⱼ. An LSTM decoder then writes the
// caption word by word, each step
//
//	α_t       = softmax over j of vᵀ·tanh(W_q·h_{t−1} + W_k·kⱼ)   where it looks, [L]
//	context_t = Σⱼ α_t,ⱼ·aⱼ
//	h_t, c_t  = LSTMCell([embed(w_{t−1}); context_t], h_{t−1}, c_{t−1})
//	p(w_t)    = softmax(Out·[h_t; context_t])
//
// starting from zero states and <start>. α_t is the attention with which word t is written.
type Captioner struct {
	Conv1, Conv2, Conv3 *nn.Conv2D
	Where               *nn.Conv2D // 1×1 convolution giving the attention's keys
	Embed               *nn.Embedding
	Att                 *nn.AdditiveAttention
	Cell                *nn.LSTMCell
	Out                 *nn.Linear
}

// NewCaptioner returns a captioner for a vocabulary of vocab words, initialized from seed.
func NewCaptioner(seed uint64, vocab int) *Captioner {
	rng := rand.New(rand.NewPCG(seed, 65))
	conv := func(in, out, k int) *nn.Conv2D {
		c := nn.NewConv2D(rng, in, out, k)
		c.Padding = k / 2
		return c
	}
	m := &Captioner{
		Conv1: conv(5, 16, 3), Conv2: conv(16, 32, 3), Conv3: conv(32, CapFeatures, 1),
		Embed: nn.NewEmbedding(rng, vocab, CapEmbed),
		Att:   nn.NewAdditiveAttention(rng, CapHidden, CapFeatures, CapAttention),
		Cell:  nn.NewLSTMCell(rng, CapEmbed+CapFeatures, CapHidden),
		Out:   nn.NewLinear(rng, CapHidden+CapFeatures, vocab),
	}
	ForgetBias(&m.Cell.RecurrentWeights, 1)
	m.Where = conv(16, CapFeatures, 1) // drawn last: the other layers start as they did before it was added
	return m
}

func (m *Captioner) group() nn.Group {
	return nn.Group{{Name: "conv1", M: m.Conv1}, {Name: "conv2", M: m.Conv2}, {Name: "conv3", M: m.Conv3},
		{Name: "embed", M: m.Embed}, {Name: "att", M: m.Att}, {Name: "cell", M: m.Cell}, {Name: "out", M: m.Out}, {Name: "where", M: m.Where}}
}

// Parameters returns the encoder's and the decoder's parameters.
func (m *Captioner) Parameters() []*dl.Tensor { return m.group().Parameters() }

// NamedParameters names them conv1.weight, …, att.query.weight, cell.weight_ih, out.bias, where.weight.
func (m *Captioner) NamedParameters() []nn.Named { return m.group().NamedParameters() }

// Encode returns the feature vectors [B, L, CapFeatures] of images [B, 3, S, S] (S divisible by
// 4; L = (S/4)²), row-major over the grid.
func (m *Captioner) Encode(images *dl.Tensor) *dl.Tensor {
	features, _ := m.encode(images)
	return features
}

// encode returns the features and the attention's keys, both [B, L, CapFeatures].
func (m *Captioner) encode(images *dl.Tensor) (features, keys *dl.Tensor) {
	B, S := images.Dim(0), images.Dim(2)
	g := S / 4
	grid := func(x *dl.Tensor) *dl.Tensor { return x.Reshape(B, CapFeatures, g*g).Permute(0, 2, 1) }
	x := dl.Concat(1, images, coords(B, S))
	// Pooling before the ReLU gives the same numbers (max and ReLU commute) on a quarter of the values.
	x = dl.MaxPool2D(m.Conv1.Forward(x), 2, 2, 0).ReLU()
	keys = grid(m.Where.Forward(dl.MaxPool2D(x, 2, 2, 0)).ReLU())
	x = dl.MaxPool2D(m.Conv2.Forward(x), 2, 2, 0).ReLU()
	return grid(m.Conv3.Forward(x).ReLU()), keys
}

// coords returns [B, 2, S, S]: x and y from −1 to 1.
func coords(B, S int) *dl.Tensor {
	t := dl.Zeros(B, 2, S, S)
	d := t.Data()
	for b := range B {
		for y := range S {
			for x := range S {
				d[((b*2)*S+y)*S+x] = 2*float32(x)/float32(S-1) - 1
				d[((b*2+1)*S+y)*S+x] = 2*float32(y)/float32(S-1) - 1
			}
		}
	}
	return t
}

// decoder holds a batch's encoded features and projected keys for the decoding steps.
type decoder struct {
	m              *Captioner
	features, proj *dl.Tensor
	h, c           *dl.Tensor
}

// decoder encodes images for decoding.
func (m *Captioner) decoder(images *dl.Tensor) *decoder {
	features, keys := m.encode(images)
	B := features.Dim(0)
	return &decoder{m: m, features: features, proj: m.Att.ProjectKeys(keys), h: zeroState(B, images.IsNoGrad()), c: zeroState(B, images.IsNoGrad())}
}

// zeroState returns a zero hidden or cell state for B sequences, marked no-grad for evaluation.
// The LSTM cell alone would not need the mark (a step from a marked input and an unmarked zero
// state records nothing), but the first step's attention query is a linear layer on h alone,
// whose weights would record a graph from an unmarked state. In training the state stays
// unmarked: a marked one would be a constant that cut the query bias's gradient at that step.
func zeroState(B int, eval bool) *dl.Tensor {
	z := dl.Zeros(B, CapHidden)
	if eval {
		z = z.NoGrad()
	}
	return z
}

// step feeds the previous words and returns the logits [B, vocab] and the attention [B, L].
// When the images were marked no-grad (evaluation), so are the looked-up word vectors: the
// embedding table is a parameter, and without the mark every step would record a graph from it.
func (d *decoder) step(prev []int) (logits, alpha *dl.Tensor) {
	ctx, alpha := d.m.Att.Attend(d.h, d.features, d.proj)
	words := d.m.Embed.Lookup(prev)
	if d.features.IsNoGrad() {
		words = words.NoGrad()
	}
	d.h, d.c = d.m.Cell.Step(dl.Concat(1, words, ctx), d.h, d.c)
	return d.m.Out.Forward(dl.Concat(1, d.h, ctx)), alpha
}

// Loss returns the mean cross-entropy per word of the captions ids (each <start> … <end>, as
// Vocab.Encode gives them) under teacher forcing: every step is fed the true previous word.
func (m *Captioner) Loss(images *dl.Tensor, ids [][]int) *dl.Tensor {
	loss, _, _ := m.losses(images, ids, nil)
	return loss
}

// losses returns Loss, the mean entropy −Σⱼ αⱼ·ln αⱼ of the attention over the steps that
// write a word and, if boxes is not nil, the mean of −ln(attention mass inside the named box)
// over the words that name an object: boxes[b][w] weighs each grid cell by the share of it
// inside the box that caption word w of scene b names, or is nil for a word naming none.
func (m *Captioner) losses(images *dl.Tensor, ids [][]int, boxes [][][]float32) (loss, entropy, boxLoss *dl.Tensor) {
	d := m.decoder(images)
	B := len(ids)
	T := 0
	total, nNamed := 0, 0
	for _, c := range ids {
		T = max(T, len(c)-1)
		total += len(c) - 1
	}
	for _, ws := range boxes {
		for _, w := range ws {
			if w != nil {
				nNamed++
			}
		}
	}
	for t := range T {
		prev := make([]int, B)
		var rows, target []int
		for b, c := range ids {
			if t < len(c)-1 {
				prev[b] = c[t]
				rows = append(rows, b)
				target = append(target, c[t+1])
			}
		}
		logits, alpha := d.step(prev)
		a := alpha.IndexSelect(0, rows)
		l := nn.CrossEntropy(logits.IndexSelect(0, rows), target).MulScalar(float32(len(rows)) / float32(total))
		h := a.Mul(a.AddScalar(1e-8).Log()).Sum().MulScalar(-1 / float32(total))
		if loss == nil {
			loss, entropy = l, h
		} else {
			loss, entropy = loss.Add(l), entropy.Add(h)
		}
		if boxes != nil {
			var named []int
			var w []float32
			for b := range ids {
				if t < len(boxes[b]) && boxes[b][t] != nil {
					named = append(named, b)
					w = append(w, boxes[b][t]...)
				}
			}
			if len(named) > 0 {
				inside := alpha.IndexSelect(0, named).Mul(dl.New(w, len(named), alpha.Dim(1))).Sum(1)
				bl := inside.AddScalar(1e-6).Log().Sum().MulScalar(-1 / float32(nNamed))
				if boxLoss == nil {
					boxLoss = bl
				} else {
					boxLoss = boxLoss.Add(bl)
				}
			}
		}
	}
	return loss, entropy, boxLoss
}

// boxWeights returns, for each word of the scene's caption that names an object, the share of
// each cell of a g×g grid inside that object's box (nil for the other words).
func boxWeights(s shapes.Scene, g int) [][]float32 {
	size := s.Image.Rect.Dx()
	out := make([][]float32, len(s.Caption))
	for w, obj := range s.WordObject {
		if obj < 0 {
			continue
		}
		out[w] = boxShares(s.Objects[obj].Box, size, g)
	}
	return out
}

// boxShares returns the share of each cell of a g×g grid covering a size×size image that lies
// inside box.
func boxShares(box image.Rectangle, size, g int) []float32 {
	cell := size / g
	out := make([]float32, g*g)
	for i := range out {
		r := image.Rect(i%g*cell, i/g*cell, (i%g+1)*cell, (i/g+1)*cell).Intersect(box)
		out[i] = float32(r.Dx()*r.Dy()) / float32(cell*cell)
	}
	return out
}

// MeanLoss returns Loss averaged over scenes, in batches of 100, without gradients.
func (m *Captioner) MeanLoss(scenes []shapes.Scene) float64 {
	v := shapes.NewVocab()
	sum := 0.0
	for lo := 0; lo < len(scenes); lo += 100 {
		batch := scenes[lo:min(lo+100, len(scenes))]
		ids := make([][]int, len(batch))
		for i, s := range batch {
			ids[i] = v.Encode(s.Caption)
		}
		sum += float64(m.Loss(shapes.Images(batch).NoGrad(), ids).Item()) * float64(len(batch))
	}
	return sum / float64(max(1, len(scenes)))
}

// CaptionConfig sets up TrainCaptioner. Zero fields take the defaults in brackets.
type CaptionConfig struct {
	Epochs int     // passes over the training scenes [10]
	Batch  int     // scenes per step [16]
	LR     float32 // Adam's learning rate [3e-3]
	Seed   uint64  // shuffles the batches [1]
	// Focus weighs a penalty on the entropy of the attention, added to the loss from epoch
	// FocusFrom on: it asks each word to look at one place [0.1; negative: none]. Earlier, the
	// attention is free to find the objects first: with the penalty from the start it settles on
	// the background before the captions need the objects.
	Focus     float32
	FocusFrom int // [2]
	// Boxes weighs an auxiliary loss that uses the scenes' boxes, which a real caption data set
	// does not have: for each word that names an object, −ln of the attention mass inside that
	// object's box (supervised attention) [0: none, the attention is learnt from the captions alone].
	Boxes float32
}

// CaptionEpoch reports one epoch of TrainCaptioner.
type CaptionEpoch struct {
	Epoch    int
	Loss     float64 // mean training loss per word, nats
	ValLoss  float64 // the same on the validation scenes
	Seconds  float64 // training time so far
	Examples []string
}

// TrainCaptioner trains m on the training scenes with teacher forcing and Adam, clipping the
// gradient norm at 5, and calls onEpoch (if not nil) after each epoch with the losses. From
// epoch cfg.FocusFrom on, the loss minimized is the cross-entropy plus cfg.Focus times the mean
// entropy of the attention, plus cfg.Boxes times the box loss if cfg.Boxes > 0 (CaptionEpoch
// reports the cross-entropy alone).
func TrainCaptioner(m *Captioner, train, val []shapes.Scene, cfg CaptionConfig, onEpoch func(CaptionEpoch)) ([]CaptionEpoch, error) {
	if cfg.Epochs <= 0 {
		cfg.Epochs = 10
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 16
	}
	if cfg.LR <= 0 {
		cfg.LR = 3e-3
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.Focus == 0 {
		cfg.Focus = 0.1
	}
	if cfg.FocusFrom <= 0 {
		cfg.FocusFrom = 2
	}
	if len(train) == 0 {
		return nil, fmt.Errorf("seq: TrainCaptioner: no training scenes")
	}
	v := shapes.NewVocab()
	encode := func(ss []shapes.Scene, idx []int) (*dl.Tensor, [][]int) {
		sel := make([]shapes.Scene, len(idx))
		ids := make([][]int, len(idx))
		for i, j := range idx {
			sel[i], ids[i] = ss[j], v.Encode(ss[j].Caption)
		}
		return shapes.Images(sel), ids
	}
	var boxes [][][]float32 // boxWeights of each training scene, if cfg.Boxes > 0
	if cfg.Boxes > 0 {
		g := train[0].Image.Rect.Dx() / 4
		boxes = make([][][]float32, len(train))
		for i, s := range train {
			boxes[i] = boxWeights(s, g)
		}
	}
	opt := optim.NewAdam(m.Parameters(), cfg.LR)
	var hist []CaptionEpoch
	elapsed := 0.0
	err := dl.Try(func() {
		for e := 1; e <= cfg.Epochs; e++ {
			t0 := nowSeconds()
			sum, n := 0.0, 0
			for idx := range datasets.Batches(len(train), cfg.Batch, cfg.Seed+uint64(e)) {
				x, ids := encode(train, idx)
				opt.ZeroGrad()
				var bw [][][]float32
				if boxes != nil {
					bw = make([][][]float32, len(idx))
					for i, j := range idx {
						bw[i] = boxes[j]
					}
				}
				loss, entropy, boxLoss := m.losses(x, ids, bw)
				objective := loss
				if cfg.Focus > 0 && e >= cfg.FocusFrom {
					objective = objective.Add(entropy.MulScalar(cfg.Focus))
				}
				if boxLoss != nil {
					objective = objective.Add(boxLoss.MulScalar(cfg.Boxes))
				}
				objective.Backward()
				optim.ClipGradNorm(m.Parameters(), 5)
				opt.Step()
				sum += float64(loss.Item()) * float64(len(idx))
				n += len(idx)
			}
			elapsed += nowSeconds() - t0
			ep := CaptionEpoch{Epoch: e, Loss: sum / float64(n), Seconds: elapsed}
			if len(val) > 0 {
				vs := 0.0
				for idx := range datasets.Batches(len(val), 100, 0) {
					x, ids := encode(val, idx)
					vs += float64(m.Loss(x.NoGrad(), ids).Item()) * float64(len(idx))
				}
				ep.ValLoss = vs / float64(len(val))
			}
			hist = append(hist, ep)
			if onEpoch != nil {
				onEpoch(ep)
			}
		}
	})
	return hist, err
}

// Decoded is a generated caption with the attention behind each word.
type Decoded struct {
	Words     []string
	Attention [][]float32 // Attention[i] is α [L] with which Words[i] was written
}

// Greedy captions each scene by taking the most likely word at every step.
func (m *Captioner) Greedy(scenes []shapes.Scene) []Decoded {
	v := shapes.NewVocab()
	out := make([]Decoded, len(scenes))
	d := m.decoder(shapes.Images(scenes).NoGrad())
	B := len(scenes)
	prev := slices.Repeat([]int{shapes.Start}, B)
	done := make([]bool, B)
	for range capMaxWords {
		logits, alpha := d.step(prev)
		L := alpha.Dim(1)
		prev = logits.ArgMax(1)
		for b := range B {
			if done[b] {
				continue
			}
			if prev[b] == shapes.End {
				done[b] = true
				continue
			}
			out[b].Words = append(out[b].Words, v.Words[prev[b]])
			out[b].Attention = append(out[b].Attention, slices.Clone(alpha.Data()[b*L:(b+1)*L]))
		}
	}
	return out
}

// Beam captions a scene with beam search of the given width: it keeps the width most likely
// partial captions (by the sum of log-probabilities), extends each by every word, and returns
// the most likely finished caption.
func (m *Captioner) Beam(scene shapes.Scene, width int) []string {
	v := shapes.NewVocab()
	type beam struct {
		ids  []int
		logp float64
		h, c *dl.Tensor
	}
	var best *beam
	enc := m.decoder(shapes.Images([]shapes.Scene{scene}).NoGrad())
	beams := []beam{{ids: []int{shapes.Start}, h: zeroState(1, true), c: zeroState(1, true)}}
	for len(beams) > 0 && len(beams[0].ids) <= capMaxWords {
		K := len(beams)
		rep := make([]int, K)
		d := &decoder{m: m, features: enc.features.IndexSelect(0, rep), proj: enc.proj.IndexSelect(0, rep)}
		hs, cs := make([]*dl.Tensor, K), make([]*dl.Tensor, K)
		prev := make([]int, K)
		for i, b := range beams {
			hs[i], cs[i], prev[i] = b.h, b.c, b.ids[len(b.ids)-1]
		}
		d.h, d.c = dl.Concat(0, hs...), dl.Concat(0, cs...)
		logits, _ := d.step(prev)
		logp := logits.LogSoftmax(1)
		V := logp.Dim(1)
		var next []beam
		for i, b := range beams {
			for w := range V {
				next = append(next, beam{ids: append(slices.Clone(b.ids), w), logp: b.logp + float64(logp.At(i, w)),
					h: d.h.Slice(0, i, i+1), c: d.c.Slice(0, i, i+1)})
			}
		}
		sort.SliceStable(next, func(i, j int) bool { return next[i].logp > next[j].logp })
		beams = beams[:0]
		for i := range next {
			if len(beams) == width {
				break
			}
			nb := next[i]
			if nb.ids[len(nb.ids)-1] == shapes.End {
				if best == nil || nb.logp > best.logp {
					best = &nb
				}
				continue
			}
			if best == nil || nb.logp > best.logp {
				beams = append(beams, nb)
			}
		}
	}
	if best == nil {
		return nil
	}
	return v.Decode(best.ids)
}

// TeacherForcedAttention returns, for each word of each scene's true caption, the attention
// [L] with which the model writes that word when fed the true previous words.
func (m *Captioner) TeacherForcedAttention(scenes []shapes.Scene) [][][]float32 {
	v := shapes.NewVocab()
	out := make([][][]float32, len(scenes))
	d := m.decoder(shapes.Images(scenes).NoGrad())
	ids := make([][]int, len(scenes))
	T := 0
	for b, s := range scenes {
		ids[b] = v.Encode(s.Caption)
		T = max(T, len(s.Caption))
	}
	for t := range T {
		prev := make([]int, len(scenes))
		for b := range scenes {
			prev[b] = ids[b][min(t, len(ids[b])-1)]
		}
		_, alpha := d.step(prev)
		L := alpha.Dim(1)
		for b, s := range scenes {
			if t < len(s.Caption) {
				out[b] = append(out[b], slices.Clone(alpha.Data()[b*L:(b+1)*L]))
			}
		}
	}
	return out
}

// BoxMass returns the share of attention α (over a g×g grid covering a size×size image) that
// falls inside box, each grid cell spreading its weight evenly over its pixels.
func BoxMass(alpha []float32, box image.Rectangle, size int) float64 {
	g := int(math.Round(math.Sqrt(float64(len(alpha)))))
	mass := 0.0
	for i, share := range boxShares(box, size, g) {
		mass += float64(alpha[i]) * float64(share)
	}
	return mass
}

// Alignment measures where the model looks when it names an object: over every colour or
// shape word of the scenes' true captions (teacher forced), Mass is the mean attention inside
// the named object's box and Chance the mean share of the image the box covers (what uniform
// attention would give). Hit is the share of words with more than half their attention inside.
type Alignment struct {
	Mass, Chance, Hit float64
	Words             int
}

// MeasureAlignment returns the captioner's Alignment on scenes.
func (m *Captioner) MeasureAlignment(scenes []shapes.Scene) Alignment {
	var a Alignment
	att := m.TeacherForcedAttention(scenes)
	for b, s := range scenes {
		size := s.Image.Rect.Dx()
		for w, obj := range s.WordObject {
			if obj < 0 {
				continue
			}
			box := s.Objects[obj].Box
			mass := BoxMass(att[b][w], box, size)
			a.Mass += mass
			a.Chance += float64(box.Dx()*box.Dy()) / float64(size*size)
			if mass > 0.5 {
				a.Hit++
			}
			a.Words++
		}
	}
	if a.Words > 0 {
		n := float64(a.Words)
		a.Mass, a.Chance, a.Hit = a.Mass/n, a.Chance/n, a.Hit/n
	}
	return a
}

// BLEU returns corpus-level BLEU-4 (Papineni et al. 2002) of candidates against one reference
// each: the geometric mean of the modified 1- to 4-gram precisions, counts summed over the
// corpus, times the brevity penalty exp(1 − r/c) when the candidates are shorter (c < r). It is
// 0 if some n-gram order has no match. It panics if the slices differ in length.
func BLEU(candidates, references [][]string) float64 {
	if len(candidates) != len(references) {
		panic(fmt.Sprintf("seq: BLEU: %d candidates, %d references", len(candidates), len(references)))
	}
	var match, total [4]float64
	c, r := 0, 0
	for i, cand := range candidates {
		ref := references[i]
		c += len(cand)
		r += len(ref)
		for n := 1; n <= 4; n++ {
			refCount := map[string]int{}
			for j := 0; j+n <= len(ref); j++ {
				refCount[fmt.Sprint(ref[j:j+n])]++
			}
			for j := 0; j+n <= len(cand); j++ {
				total[n-1]++
				k := fmt.Sprint(cand[j : j+n])
				if refCount[k] > 0 {
					refCount[k]--
					match[n-1]++
				}
			}
		}
	}
	logp := 0.0
	for n := range 4 {
		if match[n] == 0 {
			return 0
		}
		logp += math.Log(match[n]/total[n]) / 4
	}
	bp := 1.0
	if c < r {
		bp = math.Exp(1 - float64(r)/float64(c))
	}
	return bp * math.Exp(logp)
}

// ExactRate returns the share of candidates equal to their reference.
func ExactRate(candidates, references [][]string) float64 {
	n := 0
	for i := range candidates {
		if slices.Equal(candidates[i], references[i]) {
			n++
		}
	}
	return float64(n) / float64(max(1, len(candidates)))
}
