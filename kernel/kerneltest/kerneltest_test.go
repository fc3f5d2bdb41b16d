package kerneltest_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"testing"

	"github.com/deepnb/deepnb/kernel/kerneltest"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

func TestHelpers(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	png.Encode(&buf, image.NewGray(image.Rect(0, 0, 3, 2)))
	c := nbformat.NewCodeCell("x")
	c.ID = "plot"
	c.Outputs = []*nbformat.Output{
		{OutputType: "stream", Name: "stdout", Text: "a\n"},
		{OutputType: "stream", Name: "stderr", Text: "warn\n"},
		{OutputType: "display_data", Data: map[string]any{"image/png": base64.StdEncoding.EncodeToString(buf.Bytes()), "text/plain": "img"}},
		{OutputType: "stream", Name: "stdout", Text: "b\n"},
		{OutputType: "execute_result", Data: map[string]any{"text/plain": "42"}},
		{OutputType: "error", EName: "E", EValue: "v"},
	}
	nb := nbformat.New()
	nb.Cells = []*nbformat.Cell{c}
	if got := kerneltest.Cell(t, nb, "plot"); got != c {
		t.Errorf("Cell: got %v", got)
	}
	if got := kerneltest.Stdout(c); got != "a\nb\n" {
		t.Errorf("Stdout: got %q", got)
	}
	if got := kerneltest.Stderr(c); got != "warn\n" {
		t.Errorf("Stderr: got %q", got)
	}
	if got := kerneltest.AllStdout(nb); got != "a\nb\n" {
		t.Errorf("AllStdout: got %q", got)
	}
	if got := kerneltest.Outputs(c, "text/plain"); len(got) != 2 || got[1] != "42" {
		t.Errorf("Outputs(text/plain): got %v", got)
	}
	if got := kerneltest.NotebookOutputs(nb, "image/svg+xml"); len(got) != 0 {
		t.Errorf("NotebookOutputs(svg): got %v", got)
	}
	imgs := kerneltest.Images(t, c)
	if len(imgs) != 1 || imgs[0].Bounds().Dx() != 3 || imgs[0].Bounds().Dy() != 2 {
		t.Errorf("Images: got %v", imgs)
	}
	if got := kerneltest.Errors(nb); len(got) != 1 || got[0] != `cell "plot": E: v` {
		t.Errorf("Errors: got %q", got)
	}
	kerneltest.CheckCells(t, nb, []kerneltest.CellCheck{{Cell: "plot", Images: 1, Want: []string{"a\nb"}, Re: []string{`^a\s+b\s*$`}}})
	rec := &recorder{TB: t}
	kerneltest.CheckCells(rec, nb, []kerneltest.CellCheck{{Cell: "plot", Images: 2, Want: []string{"c"}, Re: []string{`^b`}}})
	if len(rec.errs) != 3 {
		t.Errorf("CheckCells: %d errors for three unmet expectations: %q", len(rec.errs), rec.errs)
	}
}

// recorder keeps the errors reported to it instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Helper() {}
