package lecturetest_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// wtTourImages lists the cells of 01-widgets-tour.ipynb that show PNGs: how many and their least
// size. The headless test and the browser test both check it.
var wtTourImages = []struct {
	cell       string
	pngs       int
	minW, minH int
}{
	{"filters", 1, 300, 60},
	{"dl-filters", 1, 300, 60},
	{"digits", 2, 100, 100},
	{"rgb", 1, 90, 60},
	{"overlay", 1, 224, 160},
	{"side-by-side", 1, 400, 128},
	{"line", 1, 480, 320},
	{"scatter", 1, 420, 360},
	{"histogram", 1, 480, 320},
	{"bar", 1, 480, 320},
	{"heatmap", 1, 480, 320},
	{"subplots", 1, 640, 480},
	{"gridworld", 1, 200, 150},
	{"strip", 1, 500, 300},
	{"monitor", 1, 560, 320},
	{"slider", 1, 200, 150},
	{"blend", 1, 400, 128},
}

// TestWidgetsTour executes notebooks/01-widgets-tour.ipynb headlessly in the deepnb kernel and
// checks what the saved notebook keeps: every widget's PNG (count per cell, decodes, size, not
// blank), the final frame of the live monitor (one output, not one per epoch), the final state of
// the progress bar, and the sliders' static fallback (picture kept, control replaced by text).
func TestWidgetsTour(t *testing.T) {
	nb := kerneltest.Run(t, notebook(t, "01-widgets-tour.ipynb"), nil) // skips under -short
	kerneltest.NoErrors(t, nb)
	{ // keep the executed notebook as a CI artifact
		path := artifactPath(root(t), "01-widgets-tour.executed.ipynb")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			if err := nbformat.WriteFile(path, nb); err != nil {
				t.Errorf("writing %s: %v", path, err)
			} else {
				t.Logf("executed notebook: %s", path)
			}
		}
	}

	for i, tc := range wtTourImages {
		c := kerneltest.Cell(t, nb, tc.cell)
		imgs := kerneltest.Images(t, c)
		if len(imgs) != tc.pngs {
			t.Errorf("case %d: cell %s: %d PNG outputs, want %d", i, tc.cell, len(imgs), tc.pngs)
			continue
		}
		for j, img := range imgs {
			b := img.Bounds()
			if b.Dx() < tc.minW || b.Dy() < tc.minH {
				t.Errorf("case %d: cell %s: PNG %d is %v, want at least %d×%d", i, tc.cell, j, b.Size(), tc.minW, tc.minH)
			}
			if f := notBlank(img); f < 0.02 {
				t.Errorf("case %d: cell %s: PNG %d looks blank (%.4f of pixels differ from the corner)", i, tc.cell, j, f)
			}
		}
		for _, o := range c.Outputs {
			if _, ok := o.Data["image/png"]; ok {
				if _, ok := o.Data["text/plain"]; !ok {
					t.Errorf("case %d: cell %s: PNG output without a text/plain fallback", i, tc.cell)
				}
			}
		}
	}

	svg := kerneltest.Outputs(kerneltest.Cell(t, nb, "svg"), "image/svg+xml")
	if len(svg) != 1 {
		t.Errorf("cell svg: %d image/svg+xml outputs, want 1", len(svg))
	} else if s, _ := svg[0].(string); !strings.Contains(s, "<svg") || !strings.Contains(s, "damped sine") {
		t.Errorf("cell svg: output is not the SVG figure: %.80q", s)
	}

	if got := kerneltest.Stdout(kerneltest.Cell(t, nb, "errors")); !strings.Contains(got, "errors.Is(err, widgets.ErrNaN): true") {
		t.Errorf("cell errors: stdout %q, want the ErrNaN check to print true", got)
	}

	progress := wtHTML(kerneltest.Cell(t, nb, "progress"))
	if len(progress) != 1 || !strings.Contains(progress[0], `<progress value="200" max="200"`) {
		t.Errorf("cell progress: HTML outputs %q, want one, the final bar at 200/200", progress)
	}

	for _, id := range []string{"slider", "blend"} {
		found := false
		for _, h := range wtHTML(kerneltest.Cell(t, nb, id)) {
			if strings.Contains(h, "<input") {
				t.Errorf("cell %s: a slider control was left in the saved notebook: %.80q", id, h)
			}
			if strings.Contains(h, "slider closed: no browser answered") {
				found = true
			}
		}
		if !found {
			t.Errorf("cell %s: no note that the slider closed for lack of a browser", id)
		}
	}
}

// wtHTML returns the text/html outputs of c that are not GoNB's own transient scripts.
func wtHTML(c *nbformat.Cell) []string {
	var out []string
	for _, v := range kerneltest.Outputs(c, "text/html") {
		if s, _ := v.(string); s != "" && !strings.HasPrefix(s, "<script") {
			out = append(out, s)
		}
	}
	return out
}
