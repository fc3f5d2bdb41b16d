package kerneltest

import (
	"regexp"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

// CellCheck is what a notebook test expects of one executed cell.
type CellCheck struct {
	Cell   string   // the cell's id
	Images int      // at least this many image/png outputs, all decoding
	Want   []string // substrings of the cell's stdout
	Re     []string // regular expressions matching it
}

// CheckCells checks every cell of checks in nb and reports each unmet expectation as a test
// error naming the case, the cell and the cell's stdout.
func CheckCells(t testing.TB, nb *nbformat.Notebook, checks []CellCheck) {
	t.Helper()
	for i, tc := range checks {
		c := Cell(t, nb, tc.Cell)
		out := Stdout(c)
		if n := len(Images(t, c)); n < tc.Images {
			t.Errorf("case %d: cell %q: %d images, want at least %d", i, tc.Cell, n, tc.Images)
		}
		for _, w := range tc.Want {
			if !strings.Contains(out, w) {
				t.Errorf("case %d: cell %q: stdout lacks %q; got:\n%s", i, tc.Cell, w, out)
			}
		}
		for _, r := range tc.Re {
			if !regexp.MustCompile(r).MatchString(out) {
				t.Errorf("case %d: cell %q: stdout does not match %q; got:\n%s", i, tc.Cell, r, out)
			}
		}
	}
}
