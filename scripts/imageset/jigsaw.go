package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"path"
	"regexp"
	"strings"

	"golang.org/x/image/draw"

	"github.com/deepnb/deepnb/datasets/rcc"
)

// A jigsaw is one painting of GCompris's paintings activity: a board file names the painting
// ("Artist, Title - Year") and lists its pieces, each a WebP with transparent tabs, with the
// centre of the piece as fractions (x, y) of a width×height canvas (702×515).
type jigsaw struct {
	author, title, year string
	width, height       int
	pieces              []piece
	seams               int // pixels assemble filled in
}

type piece struct {
	file string
	x, y float64
	img  image.Image
}

var (
	objectRE      = regexp.MustCompile(`\{([^{}]*)\}`)
	fieldRE       = regexp.MustCompile(`"(\w+)"\s*:\s*("[^"]*"|[0-9.]+)`)
	instructionRE = regexp.MustCompile(`instruction:\s*qsTr\("([^"]+)"\)`)
)

// Corrections of artists' names as GCompris spells them.
var authorFix = map[string]string{
	"Katsushika Hokusa": "Katsushika Hokusai",
	"Pieter Brugel":     "Pieter Bruegel the Elder",
	"Bazille":           "Frédéric Bazille",
}

// readBoard parses board file b of archive a and decodes its pieces (paths relative to dir).
func readBoard(a *rcc.Archive, b *rcc.File, dir string) (*jigsaw, error) {
	data, err := b.Data()
	if err != nil {
		return nil, err
	}
	text := string(data)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s: %s", a.Name, b.Path, fmt.Sprintf(format, args...))
	}
	m := instructionRE.FindStringSubmatch(text)
	if m == nil {
		return nil, bad("no instruction: qsTr(\"Artist, Title - Year\")")
	}
	author, rest, ok := strings.Cut(m[1], ", ")
	if !ok {
		return nil, bad("instruction %q is not \"Artist, Title - Year\"", m[1])
	}
	j := &jigsaw{author: author, title: rest}
	if fix, ok := authorFix[author]; ok {
		j.author = fix
	}
	if i := strings.LastIndex(rest, " - "); i >= 0 {
		j.title, j.year = rest[:i], strings.TrimSuffix(rest[i+3:], ".")
	}
	for _, obj := range objectRE.FindAllStringSubmatch(text, -1) {
		f := map[string]string{}
		for _, kv := range fieldRE.FindAllStringSubmatch(obj[1], -1) {
			f[kv[1]] = strings.Trim(kv[2], `"`)
		}
		if f["type"] == "SHAPE_BACKGROUND_IMAGE" {
			if _, err := fmt.Sscan(f["width"]+" "+f["height"], &j.width, &j.height); err != nil {
				return nil, bad("background size %q×%q: %v", f["width"], f["height"], err)
			}
			continue
		}
		p := piece{file: path.Join(dir, f["pixmapfile"])}
		var ex, ey error
		p.x, ex = atof(f["x"])
		p.y, ey = atof(f["y"])
		if f["pixmapfile"] == "" || ex != nil || ey != nil {
			return nil, bad("piece %v lacks pixmapfile, x or y", f)
		}
		pf := a.Open(p.file)
		if pf == nil {
			return nil, bad("piece %s is not in the archive", p.file)
		}
		raw, err := pf.Data()
		if err != nil {
			return nil, err
		}
		if p.img, _, err = image.Decode(bytes.NewReader(raw)); err != nil {
			return nil, bad("piece %s: %v", p.file, err)
		}
		j.pieces = append(j.pieces, p)
	}
	if j.width <= 0 || j.height <= 0 || len(j.pieces) < 2 {
		return nil, bad("background %d×%d with %d pieces", j.width, j.height, len(j.pieces))
	}
	return j, nil
}

// assemble draws every piece with its centre at (x·width, y·height), as GCompris's babymatch
// places them, and crops the canvas to the painting: the bounding box of the covered pixels.
// Seams where the pieces leave a pixel not quite opaque (antialiased edges, or a 1-pixel gap
// from the board's 3-decimal positions) are composed over the mean colour of the opaque pixels
// within 2 pixels; assemble fails if a pixel has none (the pieces do not fit).
func (j *jigsaw) assemble() (image.Image, error) {
	canvas := image.NewNRGBA(image.Rect(0, 0, j.width, j.height))
	for _, p := range j.pieces {
		b := p.img.Bounds()
		x0 := int(math.Round(p.x*float64(j.width) - float64(b.Dx())/2))
		y0 := int(math.Round(p.y*float64(j.height) - float64(b.Dy())/2))
		draw.Draw(canvas, image.Rect(x0, y0, x0+b.Dx(), y0+b.Dy()), p.img, b.Min, draw.Over)
	}
	box := image.Rectangle{}
	for y := range j.height {
		for x := range j.width {
			if canvas.NRGBAAt(x, y).A > 0 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	inner := trimRagged(canvas, box)
	if inner.Dx()*inner.Dy() < box.Dx()*box.Dy()*9/10 {
		return nil, fmt.Errorf("the covered pixels hold no full rectangle of 90%% of their bounds %v (got %v): the pieces do not fit", box, inner)
	}
	box = inner
	out := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	for y := box.Min.Y; y < box.Max.Y; y++ {
		for x := box.Min.X; x < box.Max.X; x++ {
			c := canvas.NRGBAAt(x, y)
			if c.A < 255 {
				bg, ok := neighbourMean(canvas, x, y)
				if !ok {
					return nil, fmt.Errorf("no piece covers (%d, %d) nor any pixel within 2 of it: the pieces do not fit", x, y)
				}
				j.seams++
				c = over(c, bg)
			}
			out.SetRGBA(x-box.Min.X, y-box.Min.Y, color.RGBA{c.R, c.G, c.B, 255})
		}
	}
	return out, nil
}

// trimRagged shrinks box while one of its edge rows or columns has 3 or more pixels in a row
// that are not opaque: the outer pieces do not all end on the same line. (A seam between two
// pieces crosses an edge in 1 or 2 pixels.)
func trimRagged(m *image.NRGBA, box image.Rectangle) image.Rectangle {
	ragged := func(r image.Rectangle) bool {
		run := 0
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if m.NRGBAAt(x, y).A < 255 {
					if run++; run >= 3 {
						return true
					}
				} else {
					run = 0
				}
			}
		}
		return false
	}
	for changed := true; changed && !box.Empty(); {
		changed = false
		b := box
		for _, e := range []struct {
			edge   image.Rectangle
			shrink *int
			by     int
		}{
			{image.Rect(b.Min.X, b.Min.Y, b.Max.X, b.Min.Y+1), &box.Min.Y, 1},
			{image.Rect(b.Min.X, b.Max.Y-1, b.Max.X, b.Max.Y), &box.Max.Y, -1},
			{image.Rect(b.Min.X, b.Min.Y, b.Min.X+1, b.Max.Y), &box.Min.X, 1},
			{image.Rect(b.Max.X-1, b.Min.Y, b.Max.X, b.Max.Y), &box.Max.X, -1},
		} {
			if ragged(e.edge) {
				*e.shrink += e.by
				changed = true
			}
		}
	}
	return box
}

// neighbourMean is the mean colour of the opaque pixels in the 5×5 neighbourhood of (x, y);
// ok is false if there are none.
func neighbourMean(m *image.NRGBA, x, y int) (c color.NRGBA, ok bool) {
	var r, g, b, n int
	for dy := -2; dy <= 2; dy++ {
		for dx := -2; dx <= 2; dx++ {
			if c := m.NRGBAAt(x+dx, y+dy); c.A == 255 {
				r, g, b, n = r+int(c.R), g+int(c.G), b+int(c.B), n+1
			}
		}
	}
	if n == 0 {
		return color.NRGBA{}, false
	}
	return color.NRGBA{uint8((r + n/2) / n), uint8((g + n/2) / n), uint8((b + n/2) / n), 255}, true
}

// over composes c over the opaque colour bg (non-premultiplied, rounded).
func over(c, bg color.NRGBA) color.NRGBA {
	a := int(c.A)
	mix := func(f, g uint8) uint8 { return uint8((int(f)*a + int(g)*(255-a) + 127) / 255) }
	return color.NRGBA{mix(c.R, bg.R), mix(c.G, bg.G), mix(c.B, bg.B), 255}
}
