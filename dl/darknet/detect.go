package darknet

import (
	"fmt"
	"image"
	"math"
	"sort"

	"github.com/deepnb/deepnb/dl"
)

// Box is a box relative to the photo: centre (X, Y) and size (W, H) as fractions of the
// photo's width and height, as Darknet reports boxes.
type Box struct{ X, Y, W, H float32 }

// IoU returns the intersection over union of a and b (0 when either is empty).
func (a Box) IoU(b Box) float32 {
	overlap := func(c1, w1, c2, w2 float32) float32 {
		l := max(c1-w1/2, c2-w2/2)
		r := min(c1+w1/2, c2+w2/2)
		return r - l
	}
	w, h := overlap(a.X, a.W, b.X, b.W), overlap(a.Y, a.H, b.Y, b.H)
	if w <= 0 || h <= 0 {
		return 0
	}
	inter := w * h
	union := a.W*a.H + b.W*b.H - inter
	if union <= 0 {
		return 0
	}
	return inter / union
}

// Rect returns the box in the pixel coordinates of a photo with the given bounds, clipped to
// them.
func (a Box) Rect(bounds image.Rectangle) image.Rectangle {
	w, h := float32(bounds.Dx()), float32(bounds.Dy())
	r := image.Rect(
		bounds.Min.X+int((a.X-a.W/2)*w), bounds.Min.Y+int((a.Y-a.H/2)*h),
		bounds.Min.X+int((a.X+a.W/2)*w), bounds.Min.Y+int((a.Y+a.H/2)*h))
	return r.Intersect(bounds)
}

// Detection is an object found in a photo: its box, class and score (objectness × the class's
// probability).
type Detection struct {
	Box
	Class      int
	Name       string // the class's name, e.g. "dog"
	Score      float32
	Objectness float32
}

// Label returns "name 87%", the label Darknet prints.
func (d Detection) Label() string { return fmt.Sprintf("%s %.0f%%", d.Name, 100*d.Score) }

// DetectOpts configures Detect. The zero value uses Darknet's `detector test` defaults.
type DetectOpts struct {
	Thresh float32  // minimum score (objectness × class probability); 0 means 0.5
	NMS    float32  // IoU above which a lower-scoring box of the same class is dropped; 0 means 0.45
	Names  []string // class names; nil means COCO's 80
}

// Detect finds objects in img as Darknet's `detector test` does: img is letterboxed to the
// network's input size, run through it, the detection heads' predictions are decoded into
// boxes relative to img and pruned with non-maximum suppression per class. It returns one
// Detection per box and class scoring above the threshold, sorted by score, highest first.
// Detect fails if the network has no region or yolo layer.
func (n *Net) Detect(img image.Image, o DetectOpts) ([]Detection, error) {
	acts := n.Activations(Letterbox(img, n.Width, n.Height).NoGrad())
	b := img.Bounds()
	return n.Decode(acts, b.Dx(), b.Dy(), o)
}

// Decode turns the outputs of a forward pass on one letterboxed image (acts, from Activations)
// into detections for a photo of imgW×imgH pixels: the steps of Detect after the network.
func (n *Net) Decode(acts []*dl.Tensor, imgW, imgH int, o DetectOpts) ([]Detection, error) {
	if o.Thresh == 0 {
		o.Thresh = 0.5
	}
	if o.NMS == 0 {
		o.NMS = 0.45
	}
	if o.Names == nil {
		o.Names = COCONames
	}
	var cands []candidate
	heads := 0
	for i, l := range n.Layers {
		if l.Kind != Region && l.Kind != YOLO {
			continue
		}
		heads++
		if len(o.Names) != l.Classes {
			return nil, fmt.Errorf("darknet: Detect: %d class names for %s's %d classes", len(o.Names), l.Name, l.Classes)
		}
		cands = append(cands, l.candidates(acts[i].Data(), n.Width, n.Height, o.Thresh)...)
	}
	if heads == 0 {
		return nil, fmt.Errorf("darknet: Detect: %s has no region or yolo layer", n.Name)
	}
	nw, nh := fitted(imgW, imgH, n.Width, n.Height)
	for i := range cands {
		b := &cands[i].box
		b.X = (b.X - float32(n.Width-nw)/2/float32(n.Width)) / (float32(nw) / float32(n.Width))
		b.Y = (b.Y - float32(n.Height-nh)/2/float32(n.Height)) / (float32(nh) / float32(n.Height))
		b.W *= float32(n.Width) / float32(nw)
		b.H *= float32(n.Height) / float32(nh)
	}
	cands = nmsSort(cands, len(o.Names), o.NMS)
	var dets []Detection
	for _, c := range cands {
		for k, p := range c.prob {
			if p > o.Thresh {
				dets = append(dets, Detection{Box: c.box, Class: k, Name: o.Names[k], Score: p, Objectness: c.objectness})
			}
		}
	}
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].Score > dets[j].Score })
	return dets, nil
}

// candidate is one predicted box with its class scores (zero where at most the threshold).
type candidate struct {
	box        Box
	objectness float32
	prob       []float32
}

// candidates decodes a head's squashed output for one image (data [per·(5+classes), H, W]) as
// Darknet's get_region_detections / get_yolo_detections do, boxes relative to the network
// input.
func (l *Layer) candidates(data []float32, netW, netH int, thresh float32) []candidate {
	H, W := l.Out[1], l.Out[2]
	HW := H * W
	per := l.Out[0] / (l.Classes + 5)
	var out []candidate
	for loc := range HW {
		row, col := loc/W, loc%W
		for a := range per {
			base := a * (l.Classes + 5) * HW
			at := func(entry int) float32 { return data[base+entry*HW+loc] }
			obj := at(4)
			if l.Kind == YOLO && obj <= thresh {
				continue
			}
			anchor := a
			var b Box
			b.X = (float32(col) + at(0)) / float32(W)
			b.Y = (float32(row) + at(1)) / float32(H)
			if l.Kind == YOLO {
				anchor = l.Mask[a]
				b.W = float32(math.Exp(float64(at(2)))) * l.Anchors[2*anchor] / float32(netW)
				b.H = float32(math.Exp(float64(at(3)))) * l.Anchors[2*anchor+1] / float32(netH)
			} else {
				b.W = float32(math.Exp(float64(at(2)))) * l.Anchors[2*anchor] / float32(W)
				b.H = float32(math.Exp(float64(at(3)))) * l.Anchors[2*anchor+1] / float32(H)
			}
			c := candidate{box: b, objectness: obj, prob: make([]float32, l.Classes)}
			for k := range l.Classes {
				if p := obj * at(5+k); p > thresh {
					c.prob[k] = p
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// nmsSort is Darknet's do_nms_sort: boxes of zero objectness are dropped; then for each class,
// boxes sorted by that class's score (highest first) suppress the class in every later box
// that overlaps them with IoU above thresh.
func nmsSort(cs []candidate, classes int, thresh float32) []candidate {
	kept := cs[:0]
	for _, c := range cs {
		if c.objectness != 0 {
			kept = append(kept, c)
		}
	}
	idx := make([]int, len(kept))
	for k := range classes {
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return kept[idx[i]].prob[k] > kept[idx[j]].prob[k] })
		for i, a := range idx {
			if kept[a].prob[k] == 0 {
				continue
			}
			for _, b := range idx[i+1:] {
				if kept[a].box.IoU(kept[b].box) > thresh {
					kept[b].prob[k] = 0
				}
			}
		}
	}
	return kept
}
