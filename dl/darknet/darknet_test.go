package darknet_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/darknet"
)

// tinyCfg has every layer kind the reader supports, on an 8×8 input.
const tinyCfg = `[net]
width=8
height=8
channels=3

[convolutional]
batch_normalize=1
filters=4
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2

[convolutional]
filters=4
size=3
stride=1
pad=1
activation=leaky

# Tiny YOLO's size-2 stride-1 pool: keeps 4×4
[maxpool]
size=2
stride=1

[route]
layers=-1,-3

[convolutional]
filters=2
size=1
stride=1
activation=leaky

[upsample]
stride=2

[route]
layers = -1, 0

[convolutional]
size=1
stride=1
pad=1
filters=21
activation=linear

[yolo]
mask = 0,1,2
anchors = 1,1, 2,2, 3,3
classes=2
num=3
`

func tinyNet(t testing.TB) *darknet.Net {
	t.Helper()
	cfg, err := darknet.ParseConfig(strings.NewReader(tinyCfg), "tiny.cfg")
	if err != nil {
		t.Fatal(err)
	}
	n, err := darknet.NewNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// weightsFile returns a weights file for n: a version 0.2 header and count floats (the file
// n needs when count = n.Floats()), pseudo-random but with positive variances.
func weightsFile(n *darknet.Net, count int) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, []int32{0, 2, 0})
	binary.Write(&b, binary.LittleEndian, int64(12345))
	rng := rand.New(rand.NewPCG(1, 2))
	for range count {
		binary.Write(&b, binary.LittleEndian, float32(0.2+0.5*rng.Float64()))
	}
	return b.Bytes()
}

func TestShapes(t *testing.T) {
	n := tinyNet(t)
	want := []struct {
		name string
		out  [3]int
	}{
		{"conv_0", [3]int{4, 8, 8}}, {"maxpool_1", [3]int{4, 4, 4}}, {"conv_2", [3]int{4, 4, 4}},
		{"maxpool_3", [3]int{4, 4, 4}}, {"route_4", [3]int{8, 4, 4}}, {"conv_5", [3]int{2, 4, 4}},
		{"upsample_6", [3]int{2, 8, 8}}, {"route_7", [3]int{6, 8, 8}}, {"conv_8", [3]int{21, 8, 8}},
		{"yolo_9", [3]int{21, 8, 8}},
	}
	if len(n.Layers) != len(want) {
		t.Fatalf("%d layers, want %d", len(n.Layers), len(want))
	}
	for i, w := range want {
		if l := n.Layers[i]; l.Name != w.name || l.Out != w.out {
			t.Errorf("layer %d: %s %v, want %s %v", i, l.Name, l.Out, w.name, w.out)
		}
	}
	// Biases, BN (3 more per filter) and filters of each conv layer.
	if got, want := n.Floats(), 4*4+4*3*9+4+4*4*9+2+8*2+21+6*21; got != want {
		t.Errorf("Floats() = %d, want %d", got, want)
	}
}

// TestTinyYOLOFiles checks that the weights files hold exactly the floats the cfgs need after
// their 20-byte header, and the shapes of the two networks.
func TestTinyYOLOFiles(t *testing.T) {
	for _, tc := range []struct {
		version int
		layers  int
		out     [3]int
	}{{2, 16, [3]int{425, 13, 13}}, {3, 24, [3]int{255, 26, 26}}} {
		cfgPath, weightsPath, err := datasets.TinyYOLOFiles(tc.version)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := darknet.ParseConfigFile(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		n, err := darknet.NewNet(cfg)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(weightsPath)
		if err != nil {
			t.Fatal(err)
		}
		if got := 20 + 4*int64(n.Floats()); got != st.Size() {
			t.Errorf("v%d: 20 + 4·%d floats = %d bytes, file has %d", tc.version, n.Floats(), got, st.Size())
		}
		if len(n.Layers) != tc.layers || n.Layers[len(n.Layers)-1].Out != tc.out {
			t.Errorf("v%d: %d layers, last %v; want %d, %v", tc.version, len(n.Layers), n.Layers[len(n.Layers)-1].Out, tc.layers, tc.out)
		}
	}
	if _, _, err := datasets.TinyYOLOFiles(4); err == nil || !strings.Contains(err.Error(), "version 4") {
		t.Errorf("TinyYOLOFiles(4): error %v, want one naming version 4", err)
	}
}

func TestConfigErrors(t *testing.T) {
	net := "[net]\nwidth=8\nheight=8\nchannels=3\n"
	for _, tc := range []struct{ name, cfg, want string }{
		{"empty", "", "no sections"},
		{"no net", "[convolutional]\nfilters=2\n", "first section is [convolutional]"},
		{"option first", "width=3\n[net]\n", "before the first [section]"},
		{"no equals", "[net]\nwidth\n", "want key=value"},
		{"bad header", "[net\n", "malformed section header"},
		{"no layers", net, "no layers"},
		{"bad int", net + "[convolutional]\nfilters=two\n", "filters=\"two\" is not an integer"},
		{"zero size", "[net]\nwidth=0\nheight=8\nchannels=3\n[maxpool]\n", "must be positive"},
		{"unknown layer", net + "[shortcut]\nfrom=-3\n", "tiny.cfg:5: [shortcut]: layer type is not supported"},
		{"activation", net + "[convolutional]\nactivation=mish\n", "activation \"mish\""},
		{"groups", net + "[convolutional]\ngroups=2\n", "groups=2"},
		{"route ahead", net + "[maxpool]\n[route]\nlayers=3\n", "does not come before"},
		{"route sizes", net + "[convolutional]\n[maxpool]\nsize=2\nstride=2\n[route]\nlayers=-1,-2\n", "layer 1 is 4×4, layer 0 is 8×8"},
		{"route missing", net + "[route]\n", "option layers is missing"},
		{"too small", net + "[convolutional]\nsize=9\n", "output would be empty"},
		{"too big", net + "[convolutional]\nfilters=100000000\nsize=3\n", "more than"},
		{"too big to multiply", net + "[convolutional]\nfilters=200000000\nsize=200000000\npad=1\n", "more than 268435456 weights"},
		{"out of range", net + "[convolutional]\nfilters=2000000000000000000\n", "filters=2000000000000000000 is out of range"},
		{"out of range list", net + "[convolutional]\n[route]\nlayers=-1,-9000000000\n", "out of range"},
		{"huge input", "[net]\nwidth=100000000\nheight=100000000\nchannels=100000000\n[maxpool]\n", "product at most"},
		{"yolo channels", net + "[convolutional]\nfilters=20\n[yolo]\nclasses=2\nnum=3\nanchors=1,1,2,2,3,3\n", "want 3 boxes × (5 + 2 classes) = 21"},
		{"yolo anchors", net + "[convolutional]\nfilters=21\n[yolo]\nclasses=2\nnum=3\nanchors=1,1\n", "2 anchor values, want 2·num = 6"},
		{"yolo mask", net + "[convolutional]\nfilters=7\n[yolo]\nclasses=2\nnum=1\nmask=4\nanchors=1,1\n", "anchor 4 out of range"},
		{"region coords", net + "[convolutional]\nfilters=7\n[region]\ncoords=5\n", "coords=5"},
		{"bad anchors", net + "[convolutional]\nfilters=7\n[region]\nclasses=2\nanchors=1,x\n", "\"x\" is not a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := darknet.ParseConfig(strings.NewReader(tc.cfg), "tiny.cfg")
			if err == nil {
				_, err = darknet.NewNet(cfg)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "tiny.cfg") {
				t.Errorf("error %v, want one naming tiny.cfg and containing %q", err, tc.want)
			}
		})
	}
}

func TestLoadWeightsErrors(t *testing.T) {
	n := tinyNet(t)
	good := weightsFile(n, n.Floats())
	h, err := n.LoadWeights(bytes.NewReader(good), int64(len(good)), "tiny.weights")
	if err != nil || h.Major != 0 || h.Minor != 2 || h.Seen != 12345 || h.Size != 20 {
		t.Fatalf("good file: header %+v, error %v", h, err)
	}
	// The old 16-byte header (version < 0.2) has a 32-bit count of images seen.
	old := append([]byte{0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0}, good[20:]...)
	if h, err := n.LoadWeights(bytes.NewReader(old), int64(len(old)), "old.weights"); err != nil || h.Size != 16 || h.Seen != 7 {
		t.Errorf("old header: %+v, %v", h, err)
	}
	short := good[:len(good)-100]
	for _, tc := range []struct {
		name string
		data []byte
		size int64
		want []string
	}{
		{"truncated", short, int64(len(short)), []string{"tiny.weights", "truncated", "layer 8 (conv_8", "want 437"}},
		{"truncated stream", short, -1, []string{"tiny.weights", "truncated in layer 8 (conv_8", "437 floats"}},
		{"too long", append(good[:len(good):len(good)], 1, 2, 3, 4), int64(len(good) + 4), []string{"tiny.weights", "does not match the cfg"}},
		{"too long stream", append(good[:len(good):len(good)], 1, 2, 3, 4), -1, []string{"tiny.weights", "data after the 437 floats"}},
		{"header", good[:10], 10, []string{"tiny.weights", "reading the header"}},
		{"version", append([]byte{0, 0, 0, 0xff}, good[4:]...), int64(len(good)), []string{"not a Darknet weights file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := n.LoadWeights(bytes.NewReader(tc.data), tc.size, "tiny.weights")
			for _, w := range tc.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v, want one containing %q", err, w)
				}
			}
		})
	}
	nan := weightsFile(n, n.Floats())
	binary.LittleEndian.PutUint32(nan[20+4*10:], math.Float32bits(float32(math.NaN())))
	if _, err := n.LoadWeights(bytes.NewReader(nan), int64(len(nan)), "nan.weights"); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("NaN in the file: error %v", err)
	}
}

// TestBatchNormFolding checks the folded filters against Darknet's formula on the first layer.
func TestBatchNormFolding(t *testing.T) {
	n := tinyNet(t)
	file := weightsFile(n, n.Floats())
	if _, err := n.LoadWeights(bytes.NewReader(file), int64(len(file)), "tiny.weights"); err != nil {
		t.Fatal(err)
	}
	f := func(i int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(file[20+4*i:])) }
	// Layer 0: biases 0–3, scales 4–7, means 8–11, variances 12–15, then 4×27 weights.
	x := dl.RandN(rand.New(rand.NewPCG(3, 4)), 1, 3, 8, 8)
	y := n.ForwardUntil(x, 0)
	for _, at := range [][3]int{{0, 0, 0}, {1, 3, 4}, {3, 7, 7}} {
		c, i, j := at[0], at[1], at[2]
		var conv float64
		for ch := range 3 {
			for u := range 3 {
				for v := range 3 {
					yy, xx := i+u-1, j+v-1
					if yy >= 0 && yy < 8 && xx >= 0 && xx < 8 {
						conv += float64(f(16+c*27+ch*9+u*3+v)) * float64(x.At(0, ch, yy, xx))
					}
				}
			}
		}
		bn := (conv-float64(f(8+c)))/(math.Sqrt(float64(f(12+c)))+1e-6)*float64(f(4+c)) + float64(f(c))
		if bn < 0 {
			bn *= 0.1
		}
		if got := float64(y.At(0, c, i, j)); math.Abs(got-bn) > 1e-5*max(1, math.Abs(bn)) {
			t.Errorf("y%v = %v, Darknet's formula %v", at, got, bn)
		}
	}
}

// TestGradient checks the gradient of the whole tiny network (every layer kind, the yolo head
// included) with respect to the input and to a weight tensor against central differences. The
// activations are logistic rather than leaky, so that no unit sits on a kink within the
// differences' step (leaky's gradient is checked in dl).
func TestGradient(t *testing.T) {
	cfg, err := darknet.ParseConfig(strings.NewReader(strings.ReplaceAll(tinyCfg, "leaky", "logistic")), "tiny.cfg")
	if err != nil {
		t.Fatal(err)
	}
	n, err := darknet.NewNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file := weightsFile(n, n.Floats())
	if _, err := n.LoadWeights(bytes.NewReader(file), int64(len(file)), "tiny.weights"); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, p := range n.Parameters() {
		for i := range p.Data() {
			p.Data()[i] = float32(rng.NormFloat64())
		}
	}
	x := dl.RandN(rng, 1, 3, 8, 8)
	w := n.Layers[2].Weight
	errMax, report := dl.GradCheck(func(xs ...*dl.Tensor) *dl.Tensor { return n.Forward(xs[0]) }, x, w)
	if errMax > dl.GradCheckTol {
		t.Errorf("gradient error %.3g > %.3g:\n%s", errMax, dl.GradCheckTol, report)
	}
}

func TestDetectErrors(t *testing.T) {
	n := tinyNet(t)
	acts := n.Activations(dl.Zeros(1, 3, 8, 8))
	if _, err := n.Decode(acts, 8, 8, darknet.DetectOpts{}); err == nil || !strings.Contains(err.Error(), "80 class names for yolo_9's 2 classes") {
		t.Errorf("COCO names on a 2-class net: %v", err)
	}
	if _, err := n.Decode(acts, 8, 8, darknet.DetectOpts{Names: []string{"a", "b"}, Thresh: 0.01}); err != nil {
		t.Errorf("Decode: %v", err)
	}
	cfg, _ := darknet.ParseConfig(strings.NewReader("[net]\nwidth=4\nheight=4\nchannels=1\n[maxpool]\n"), "pool.cfg")
	p, err := darknet.NewNet(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Decode(p.Activations(dl.Zeros(1, 1, 4, 4)), 4, 4, darknet.DetectOpts{}); err == nil || !strings.Contains(err.Error(), "no region or yolo layer") {
		t.Errorf("no head: %v", err)
	}
}

func TestBoxIoU(t *testing.T) {
	a := darknet.Box{X: 0.5, Y: 0.5, W: 0.2, H: 0.2}
	for _, tc := range []struct {
		b    darknet.Box
		want float32
	}{
		{a, 1},
		{darknet.Box{X: 0.6, Y: 0.5, W: 0.2, H: 0.2}, 1.0 / 3},
		{darknet.Box{X: 0.9, Y: 0.9, W: 0.1, H: 0.1}, 0},
		{darknet.Box{X: 0.5, Y: 0.5, W: 0.1, H: 0.1}, 0.25},
	} {
		if got := a.IoU(tc.b); math.Abs(float64(got-tc.want)) > 1e-6 {
			t.Errorf("IoU(%+v) = %v, want %v", tc.b, got, tc.want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(tinyCfg))
	f.Add([]byte("[net]\nwidth=416\nheight=416\nchannels=3\n[convolutional]\nfilters=16\nsize=3\npad=1\n[region]\nclasses=80\nnum=5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := darknet.ParseConfig(bytes.NewReader(data), "fuzz.cfg")
		if err != nil {
			return
		}
		n, err := darknet.NewNet(cfg)
		if err != nil {
			return
		}
		if n.Floats() < 0 || len(n.Layers) == 0 {
			t.Fatalf("net without layers or with %d floats", n.Floats())
		}
		// A net that builds runs, if it is small enough to run quickly.
		size := n.Floats()
		for _, l := range n.Layers {
			size += l.Out[0] * l.Out[1] * l.Out[2]
		}
		if size < 1<<18 {
			out := n.Forward(dl.Zeros(1, n.Channels, n.Height, n.Width))
			if got, want := out.Shape(), n.Layers[len(n.Layers)-1].Out; got[1] != want[0] || got[2] != want[1] || got[3] != want[2] {
				t.Fatalf("output %v, layer says %v", got, want)
			}
		}
	})
}

func FuzzLoadWeights(f *testing.F) {
	n := tinyNet(f)
	good := weightsFile(n, n.Floats())
	f.Add(good)
	f.Add(good[:100])
	f.Add(good[:20])
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, size := range []int64{int64(len(data)), -1} {
			_, err := n.LoadWeights(bytes.NewReader(data), size, "fuzz.weights")
			if err == nil {
				for _, p := range n.Parameters() {
					for _, v := range p.Data() {
						if math.IsNaN(float64(v)) {
							t.Fatal("NaN weight loaded without error")
						}
					}
				}
			} else if !strings.Contains(err.Error(), "fuzz.weights") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
	})
}

var _ io.Reader = (*bytes.Reader)(nil)

// TestFastPath checks that inference without gradients (im2col + GEMM with a fused bias and
// activation, pooling without argmax, reused buffers) computes what the dl operations compute,
// on the tiny net and on one with strides, odd sizes and other activations.
func TestFastPath(t *testing.T) {
	odd := `[net]
width=11
height=9
channels=2
[convolutional]
filters=5
size=5
stride=2
pad=1
activation=relu
[maxpool]
size=3
stride=2
[convolutional]
filters=3
size=3
stride=1
padding=2
activation=logistic
[convolutional]
batch_normalize=1
filters=4
size=2
stride=1
activation=linear
[maxpool]
size=2
stride=1
[route]
layers=-2
`
	for _, src := range []string{tinyCfg, odd} {
		cfg, err := darknet.ParseConfig(strings.NewReader(src), "fast.cfg")
		if err != nil {
			t.Fatal(err)
		}
		n, err := darknet.NewNet(cfg)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(7, 8))
		for _, p := range n.Parameters() {
			for i := range p.Data() {
				p.Data()[i] = float32(rng.NormFloat64())
			}
		}
		x := dl.RandN(rng, 2, n.Channels, n.Height, n.Width)
		xg := dl.New(x.Data(), x.Shape()...).SetRequiresGrad(true) // the dl operations, recording the graph
		slow := n.Activations(xg)
		var fast []*dl.Tensor
		var last, again *dl.Tensor
		fast = n.Activations(x.NoGrad())
		last = n.Forward(x.NoGrad())
		again = n.ForwardUntil(x.NoGrad(), len(n.Layers)-1)
		for i := range slow {
			if slow[i].Op() == "" && i > 0 && n.Layers[i].Kind != darknet.Route {
				t.Errorf("layer %d: the graph was not recorded", i)
			}
			assertClose(t, n.Layers[i].Name, fast[i].Data(), slow[i].Data())
		}
		assertClose(t, "Forward", last.Data(), slow[len(slow)-1].Data())
		assertClose(t, "second Forward", again.Data(), slow[len(slow)-1].Data())
		if &last.Data()[0] == &again.Data()[0] {
			t.Error("two Forward calls returned the same buffer")
		}
	}
}

func assertClose(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	// The fast path sums in another order (Winograd, other GEMM blocking), so a value's rounding
	// error scales with the layer's magnitudes, not with the value itself (a small value can be
	// the difference of large terms): the tolerance is relative to the layer's largest value.
	scale := 1.0
	for _, w := range want {
		scale = max(scale, math.Abs(float64(w)))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-5*scale {
			t.Errorf("%s: value %d is %v, want %v", what, i, got[i], want[i])
			return
		}
	}
}
