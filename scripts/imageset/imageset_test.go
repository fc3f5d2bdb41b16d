package main

import (
	"errors"
	"image"
	"image/color"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCommittedSetIsReproducible regenerates datasets/images from the Debian packages and
// requires byte-identical files and manifest. It downloads 164 MB (set IMAGESET_DEBS to a
// folder of the .deb files to reuse them), so it is skipped under -short, and skipped with a
// message when apt-get cannot download the pinned versions.
func TestCommittedSetIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 164 MB of Debian packages; run without -short")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skip("apt-get is not installed: cannot fetch the Debian packages the set is made from")
	}
	files, err := generate(os.Getenv("IMAGESET_DEBS"))
	if fe := (*fetchError)(nil); errors.As(err, &fe) {
		t.Skipf("cannot download the packages: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := compare("../../datasets", files); err != nil {
		t.Fatal(err)
	}
}

func TestParseCredits(t *testing.T) {
	t.Parallel()
	got, err := parseCredits("Copyright: Ann\nSource: https://x/a.jpg\nLicense: Public Domain\nFiles:\na.webp\nb.webp\n\nCopyright: Bo\nLicense: GPLv2+\nFiles:\nc.webp\n")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]credit{
		"a.webp": {author: "Ann", url: "https://x/a.jpg", licence: "public-domain"},
		"b.webp": {author: "Ann", url: "https://x/a.jpg", licence: "public-domain"},
		"c.webp": {author: "Bo", licence: "GPL-2.0-or-later"},
	}
	if len(got) != len(want) {
		t.Fatalf("parseCredits: %v", got)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("parseCredits: %s = %+v, want %+v", k, got[k], v)
		}
	}
	for i, bad := range []string{"Files:\na.webp\n", "Copyright: A\nWhat is this\n"} {
		if _, err := parseCredits(bad); err == nil || !strings.Contains(err.Error(), "line ") {
			t.Errorf("case %d: parseCredits(%q) error %v, want one naming the line", i, bad, err)
		}
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct{ in, want string }{
		{"The Great Wave off Kanagawa", "great-wave-off-kanagawa"},
		{"Composition VIII", "composition-viii"},
		{"Horse-mackerel and Prawn", "horse-mackerel-and-prawn"},
		{"Girls At The Piano", "girls-at-the-piano"},
	} {
		if got := slug(tc.in); got != tc.want {
			t.Errorf("case %d: slug(%q) = %q, want %q", i, tc.in, got, tc.want)
		}
	}
}

// A painting cut into four rectangular pieces comes back whole; a one-pixel gap between
// pieces is filled; pieces that leave a wide hole are an error.
func TestAssemble(t *testing.T) {
	t.Parallel()
	const w, h = 40, 30
	painting := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			painting.Set(x, y, color.RGBA{uint8(6 * x), uint8(8 * y), 100, 255})
		}
	}
	cut := func(gap int) *jigsaw {
		j := &jigsaw{width: 50, height: 40}
		for _, r := range []image.Rectangle{{Max: image.Pt(20, 16)}, image.Rect(20, 0, w, 16), image.Rect(0, 16, 20, h), image.Rect(20, 16, w, h)} {
			if r.Min.X > 0 {
				r.Min.X += gap // leave gap columns uncovered
			}
			p := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
			for y := range r.Dy() {
				for x := range r.Dx() {
					p.Set(x, y, painting.At(r.Min.X+x, r.Min.Y+y))
				}
			}
			// Centres on the 50×40 canvas with the painting at (5, 5).
			j.pieces = append(j.pieces, piece{img: p,
				x: (5 + float64(r.Min.X) + float64(r.Dx())/2) / 50, y: (5 + float64(r.Min.Y) + float64(r.Dy())/2) / 40})
		}
		return j
	}
	m, err := cut(0).assemble()
	if err != nil {
		t.Fatal(err)
	}
	if m.Bounds() != painting.Bounds() {
		t.Fatalf("assembled bounds %v, want %v", m.Bounds(), painting.Bounds())
	}
	for y := range h {
		for x := range w {
			if m.At(x, y) != painting.At(x, y) {
				t.Fatalf("assembled pixel (%d, %d) = %v, want %v", x, y, m.At(x, y), painting.At(x, y))
			}
		}
	}
	j := cut(1)
	m, err = j.assemble()
	if err != nil || m.Bounds() != painting.Bounds() || j.seams != h {
		t.Fatalf("1-pixel gap: %v, bounds %v, %d seam pixels filled (want %d)", err, m.Bounds(), j.seams, h)
	}
	r, _, _, _ := m.At(20, 10).RGBA() // filled from columns 18, 19, 21, 22
	if got, want := r>>8, uint32(6*20); got < want-6 || got > want+6 {
		t.Errorf("1-pixel gap filled with red %d, want about %d", got, want)
	}
	if _, err := cut(6).assemble(); err == nil || !strings.Contains(err.Error(), "do not fit") {
		t.Errorf("6-pixel gap: error %v, want \"the pieces do not fit\"", err)
	}
}
