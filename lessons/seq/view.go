package seq

import (
	"fmt"
	"image"
	"strings"

	"github.com/deepnb/deepnb/datasets/shapes"
	"github.com/deepnb/deepnb/widgets"
)

// SceneGrid draws scenes enlarged three times in a grid of cols columns, each captioned with its
// number ("#1", …), for a list of captions printed beside it.
func SceneGrid(scenes []shapes.Scene, cols int) (*image.RGBA, error) {
	imgs := make([]image.Image, len(scenes))
	caps := make([]string, len(scenes))
	for i, s := range scenes {
		imgs[i] = widgets.Enlarge(s.Image, 3)
		caps[i] = fmt.Sprintf("#%d", i+1)
	}
	return widgets.Mosaic(imgs, widgets.GridOpts{Cols: cols, Captions: caps, Pad: 4})
}

// AttentionStrip draws the scene once per generated word with the word's attention map
// overlaid (Turbo colours, opacity growing with the weight), captioned with the word: the deck's
// "attention at a different spatial location when generating each word".
func AttentionStrip(scene shapes.Scene, d Decoded) (*image.RGBA, error) {
	imgs := []image.Image{widgets.Enlarge(scene.Image, 3)}
	caps := []string{"image"}
	for i, w := range d.Words {
		a := d.Attention[i]
		g := 1
		for g*g < len(a) {
			g++
		}
		o, err := widgets.Overlay(scene.Image, widgets.FromSlice(a, g, g), widgets.OverlayOpts{Weighted: true, Alpha: 0.8, MinSize: 192})
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, o)
		caps = append(caps, w)
	}
	return widgets.Mosaic(imgs, widgets.GridOpts{Cols: 6, Captions: caps, Pad: 4})
}

// Samples returns one line per temperature: "T=0.5  <n characters after prime>", newlines
// shown as ⏎.
func Samples(m *CharLM, c *Corpus, prime string, n int, temperatures []float64, seed uint64) string {
	var b strings.Builder
	for _, t := range temperatures {
		s := strings.ReplaceAll(m.Sample(c, prime, n, t, seed), "\n", "⏎")
		fmt.Fprintf(&b, "T=%.1f  %s%s\n", t, prime, s)
	}
	return b.String()
}
