package darknet_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl/darknet"
)

// The fixtures under testdata/darknet come from Debian's darknet (scripts/darknet-oracle): for
// each photo, the sums of the input and of every layer's output, and the detections above 0.25
// with their boxes.

const oracleThresh = 0.25

type reference struct {
	input  [2]float64 // sum, sum of squares
	layers [][3]float64
	dets   []darknet.Detection
}

func readReference(t testing.TB, path string) reference {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r reference
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		num := func(i int) float64 {
			v, err := strconv.ParseFloat(fs[i], 64)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, sc.Text(), err)
			}
			return v
		}
		switch fs[0] {
		case "input":
			r.input = [2]float64{num(4), num(5)}
		case "layer":
			r.layers = append(r.layers, [3]float64{num(6), num(7), num(8)})
		case "det":
			k := int(num(1))
			r.dets = append(r.dets, darknet.Detection{Class: k, Name: darknet.COCONames[k], Score: float32(num(2)),
				Box: darknet.Box{X: float32(num(3)), Y: float32(num(4)), W: float32(num(5)), H: float32(num(6))}, Objectness: float32(num(7))})
		}
	}
	if len(r.layers) == 0 || len(r.dets) == 0 {
		t.Fatalf("%s: no layers or no detections", path)
	}
	return r
}

var nets = map[int]*darknet.Net{}
var netsMu sync.Mutex

func tinyYOLO(t testing.TB, version int) *darknet.Net {
	t.Helper()
	netsMu.Lock()
	defer netsMu.Unlock()
	if n := nets[version]; n != nil {
		return n
	}
	n, err := datasets.TinyYOLO(version)
	if err != nil {
		t.Fatal(err)
	}
	nets[version] = n
	return n
}

func photo(t testing.TB, name string) image.Image {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func stats(x []float32) [3]float64 {
	var s [3]float64
	for _, v := range x {
		s[0] += float64(v)
		s[1] += float64(v) * float64(v)
		s[2] = math.Max(s[2], math.Abs(float64(v)))
	}
	return s
}

// TestOracle runs Tiny YOLOv2 and v3 on three photos and compares with Darknet: the letterboxed
// input and every layer's output (sum, sum of squares, max |x|) and the detections, each
// reference box above the threshold found with the same class and IoU ≥ 0.9, and nothing more.
func TestOracle(t *testing.T) {
	if testing.Short() {
		t.Skip("full forward passes of Tiny YOLO; skipped with -short")
	}
	for _, version := range []int{2, 3} {
		for _, name := range []string{"dog", "horses", "person"} {
			t.Run(fmt.Sprintf("v%d/%s", version, name), func(t *testing.T) {
				net := tinyYOLO(t, version)
				ref := readReference(t, fmt.Sprintf("testdata/darknet/v%d_%s.txt", version, name))
				img := photo(t, name)
				x := darknet.Letterbox(img, net.Width, net.Height)
				if s := stats(x.Data()); s[0] != ref.input[0] && math.Abs(s[0]-ref.input[0]) > 1e-6*ref.input[0] || math.Abs(s[1]-ref.input[1]) > 1e-6*ref.input[1] {
					t.Errorf("letterboxed input: sum %.9g, sum of squares %.9g; Darknet %.9g, %.9g", s[0], s[1], ref.input[0], ref.input[1])
				}
				acts := net.Activations(x.NoGrad())
				if len(acts) != len(ref.layers) {
					t.Fatalf("%d layers, Darknet %d", len(acts), len(ref.layers))
				}
				worst := 0.0
				for i, a := range acts {
					s, r := stats(a.Data()), ref.layers[i]
					// The sum is compared on the scale of the values: √(n·Σx²) bounds |Σx|.
					scale := math.Sqrt(float64(a.Len()) * r[1])
					e := max(math.Abs(s[0]-r[0])/scale, math.Abs(s[1]-r[1])/r[1], math.Abs(s[2]-r[2])/r[2])
					worst = max(worst, e)
					if e > 1e-4 {
						t.Errorf("layer %d (%s): sum %.7g, Σx² %.7g, max|x| %.7g; Darknet %.7g, %.7g, %.7g (relative error %.2g)",
							i, net.Layers[i].Name, s[0], s[1], s[2], r[0], r[1], r[2], e)
					}
				}
				b := img.Bounds()
				dets, err := net.Decode(acts, b.Dx(), b.Dy(), darknet.DetectOpts{Thresh: oracleThresh})
				if err != nil {
					t.Fatal(err)
				}
				minIoU := compareDetections(t, dets, ref.dets)
				t.Logf("%d detections; worst layer relative error %.2g; smallest IoU with Darknet %.7f", len(ref.dets), worst, minIoU)
			})
		}
	}
}

// compareDetections checks that every reference detection is found (same class, IoU ≥ 0.9) and
// that there is no other detection, leaving out scores within 0.002 of the threshold, where
// rounding may put a box on either side. It returns the smallest IoU of a matched pair.
func compareDetections(t *testing.T, got, want []darknet.Detection) float32 {
	t.Helper()
	const margin = 0.002
	minIoU := float32(1)
	used := make([]bool, len(got))
	for _, w := range want {
		best, bi := float32(0), -1
		for i, g := range got {
			if g.Class == w.Class && !used[i] {
				if iou := g.IoU(w.Box); iou > best {
					best, bi = iou, i
				}
			}
		}
		if bi < 0 || best < 0.9 {
			if w.Score > oracleThresh+margin {
				t.Errorf("Darknet's %s %.4f at %+v not found (best IoU %.3f)", w.Name, w.Score, w.Box, best)
			}
			continue
		}
		used[bi] = true
		minIoU = min(minIoU, best)
		if d := math.Abs(float64(got[bi].Score - w.Score)); d > 1e-3 {
			t.Errorf("%s at %+v: score %.5f, Darknet %.5f", w.Name, w.Box, got[bi].Score, w.Score)
		}
	}
	for i, g := range got {
		if !used[i] && g.Score > oracleThresh+margin {
			t.Errorf("extra detection %s %.4f at %+v, not in Darknet's", g.Name, g.Score, g.Box)
		}
	}
	return minIoU
}

func readF32(t testing.TB, path string) []float32 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float32, len(b)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// TestOracleActivations compares two feature maps of Tiny YOLOv2 on dog.png value by value with
// Darknet's: a middle layer (maxpool_9, 256×13×13) and the head's raw input (conv_14, 425×13×13).
func TestOracleActivations(t *testing.T) {
	if testing.Short() {
		t.Skip("full forward pass of Tiny YOLOv2; skipped with -short")
	}
	net := tinyYOLO(t, 2)
	x := darknet.Letterbox(photo(t, "dog"), net.Width, net.Height)
	acts := net.Activations(x.NoGrad())
	for _, layer := range []int{9, 14} {
		ref := readF32(t, fmt.Sprintf("testdata/darknet/v2_dog_layer%d.f32", layer))
		got := acts[layer].Data()
		if len(got) != len(ref) {
			t.Fatalf("layer %d: %d values, Darknet %d", layer, len(got), len(ref))
		}
		maxDiff, maxRef := 0.0, 0.0
		for i := range got {
			maxDiff = max(maxDiff, math.Abs(float64(got[i]-ref[i])))
			maxRef = max(maxRef, math.Abs(float64(ref[i])))
		}
		t.Logf("layer %d (%s, %v): max |Go − Darknet| = %.2g (max |x| %.3g)", layer, net.Layers[layer].Name, acts[layer].Shape(), maxDiff, maxRef)
		if maxDiff > 1e-4*maxRef {
			t.Errorf("layer %d: max |Go − Darknet| = %.3g, more than 1e-4 × max |x| = %.3g", layer, maxDiff, 1e-4*maxRef)
		}
	}
}
