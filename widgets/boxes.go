package widgets

import (
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"strings"
)

// Labeled is a box to draw on a photo with its label: darknet.Detection satisfies it (its box,
// and a label such as "dog 87%").
type Labeled interface {
	// Rect returns the box in the pixel coordinates of a photo with the given bounds.
	Rect(bounds image.Rectangle) image.Rectangle
	// Label returns the text drawn on the box, e.g. "dog 87%".
	Label() string
}

// BoxOpts configures Boxes. The zero value draws 2-pixel boxes on photos shrunk to at most 800
// pixels on the longer side.
type BoxOpts struct {
	Thickness int // line width in pixels (default 2)
	MaxSize   int // the result's longer side is at most this (default 800; the boxes are drawn after shrinking)
}

// boxColors are ten distinct colours (Tableau 10); a label's name (its text up to the last
// space, "dog" in "dog 87%") picks one, so that a class keeps its colour across photos.
var boxColors = []color.RGBA{
	rgb(0x4e79a7), rgb(0xf28e2b), rgb(0xe15759), rgb(0x76b7b2), rgb(0x59a14f),
	rgb(0xedc948), rgb(0xb07aa1), rgb(0xff9da7), rgb(0x9c755f), rgb(0xbab0ac),
}

// Boxes returns a copy of photo with each box outlined and its label written on a filled tab
// at its top-left corner (inside the box when the box touches the photo's top), the way
// object detectors show their output:
//
//	dets, _ := net.Detect(photo, darknet.DetectOpts{})
//	widgets.Display(widgets.Boxes(photo, dets, widgets.BoxOpts{}))
//
// Boxes are clipped to the photo; empty ones are skipped. Boxes returns an error wrapping
// ErrShape for an empty photo.
func Boxes[B Labeled](photo image.Image, boxes []B, opts BoxOpts) (*image.RGBA, error) {
	pb := photo.Bounds()
	if pb.Empty() {
		return nil, fmt.Errorf("widgets: Boxes: empty photo: %w", ErrShape)
	}
	if opts.Thickness <= 0 {
		opts.Thickness = 2
	}
	if opts.MaxSize <= 0 {
		opts.MaxSize = 800
	}
	img := fit(cloneRGBA(photo), opts.MaxSize) // never draw on the caller's photo
	ib := img.Bounds()
	for _, b := range boxes {
		r := b.Rect(pb)
		// From the photo's coordinates to the (possibly shrunk) image's.
		r = image.Rect(
			(r.Min.X-pb.Min.X)*ib.Dx()/pb.Dx(), (r.Min.Y-pb.Min.Y)*ib.Dy()/pb.Dy(),
			(r.Max.X-pb.Min.X)*ib.Dx()/pb.Dx(), (r.Max.Y-pb.Min.Y)*ib.Dy()/pb.Dy()).Intersect(ib)
		if r.Empty() {
			continue
		}
		label := b.Label()
		name := label
		if i := strings.LastIndexByte(label, ' '); i > 0 {
			name = label[:i]
		}
		h := fnv.New32a()
		h.Write([]byte(name))
		c := boxColors[h.Sum32()%uint32(len(boxColors))]
		outline(img, r, c, min(opts.Thickness, r.Dx()/2+1, r.Dy()/2+1))
		if label == "" {
			continue
		}
		label = fitText(label, max(r.Dx(), 4*charW))
		tab := image.Rect(r.Min.X, r.Min.Y-lineH, r.Min.X+textWidth(label)+4, r.Min.Y)
		if tab.Min.Y < ib.Min.Y {
			tab = tab.Add(image.Pt(0, lineH))
		}
		if tab.Max.X > ib.Max.X {
			tab = tab.Sub(image.Pt(tab.Max.X-ib.Max.X, 0))
		}
		fill(img, tab, c)
		drawText(img, tab.Min.X+2, tab.Min.Y+1, label, textOn(c))
	}
	return img, nil
}
