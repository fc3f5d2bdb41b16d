package kerneltest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/install"
	"github.com/deepnb/deepnb/kernel/jupyter"
	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

// Timeout is the per-cell timeout of Run (overridden by a notebook's
// metadata.deepnb.timeout_seconds only if that is larger).
var Timeout = 10 * time.Minute

var (
	specOnce sync.Once
	spec     *jupyter.KernelSpec
	specErr  error
)

// Spec returns the deepnb kernelspec, installing it into a temporary prefix
// the first time it is called in a test binary. It skips the test under
// -short and fails it if the installation fails.
func Spec(t testing.TB) *jupyter.KernelSpec {
	t.Helper()
	if testing.Short() {
		t.Skip("kerneltest: runs the GoNB kernel; skipped under -short")
	}
	specOnce.Do(func() {
		prefix, err := os.MkdirTemp("", "deepnb-kerneltest-")
		if err != nil {
			specErr = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var log bytes.Buffer
		dir, err := install.Install(ctx, install.Options{Prefix: prefix, NoPrewarm: true, Out: &log})
		if err != nil {
			specErr = fmt.Errorf("install the deepnb kernel: %w\n%s", err, log.String())
			return
		}
		spec, specErr = jupyter.ReadKernelSpec(dir)
	})
	if specErr != nil {
		t.Fatalf("kerneltest: %v", specErr)
	}
	return spec
}

// Run executes the notebook at path (relative to the test's package
// directory) in a fresh deepnb kernel, with params injected after its
// "parameters" cell, and returns the executed notebook. It fails the test
// with the runner's report if a cell fails or times out or the kernel dies,
// and skips it under -short. The notebook file is not modified.
func Run(t testing.TB, path string, params map[string]string) *nbformat.Notebook {
	t.Helper()
	s := Spec(t)
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	var ps []runner.Param
	for _, k := range names {
		ps = append(ps, runner.Param{Name: k, Value: params[k]})
	}
	nb, err := nbformat.ReadFile(path)
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	if err := runner.InjectParams(nb, ps); err != nil {
		t.Fatalf("kerneltest: %s: %v", path, err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	opts := runner.Options{Spec: s, Name: path, Dir: dir}
	if tm, ok := metaTimeout(nb); !ok || tm < Timeout {
		opts.Timeout = Timeout
	}
	res, err := runner.Run(context.Background(), nb, opts)
	if err != nil {
		t.Fatalf("kerneltest: %v", err)
	}
	t.Logf("kerneltest: %s: %d cells in %.1fs", path, res.Cells, res.Duration.Seconds())
	return nb
}

func metaTimeout(nb *nbformat.Notebook) (time.Duration, bool) {
	dm, _ := nb.Metadata["deepnb"].(map[string]any)
	if dm == nil {
		return 0, false
	}
	v, ok := dm["timeout_seconds"]
	if !ok {
		return 0, false
	}
	var f float64
	if _, err := fmt.Sscan(fmt.Sprint(v), &f); err != nil {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

// Cell returns the cell with the given id, failing the test if there is none.
func Cell(t testing.TB, nb *nbformat.Notebook, id string) *nbformat.Cell {
	t.Helper()
	for _, c := range nb.Cells {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("kerneltest: no cell with id %q", id)
	return nil
}

// Stdout returns the concatenated stdout stream text of a cell.
func Stdout(c *nbformat.Cell) string { return stream(c, "stdout") }

// Stderr returns the concatenated stderr stream text of a cell.
func Stderr(c *nbformat.Cell) string { return stream(c, "stderr") }

func stream(c *nbformat.Cell, name string) string {
	var sb strings.Builder
	for _, o := range c.Outputs {
		if o.OutputType == "stream" && o.Name == name {
			sb.WriteString(o.Text)
		}
	}
	return sb.String()
}

// AllStdout returns the stdout text of every cell of nb, in order.
func AllStdout(nb *nbformat.Notebook) string {
	var sb strings.Builder
	for _, c := range nb.Cells {
		sb.WriteString(Stdout(c))
	}
	return sb.String()
}

// Outputs returns the data of the display_data and execute_result outputs
// of c that have MIME type mime (text as a string, JSON types decoded).
func Outputs(c *nbformat.Cell, mime string) []any {
	var out []any
	for _, o := range c.Outputs {
		if o.OutputType != "display_data" && o.OutputType != "execute_result" {
			continue
		}
		if v, ok := o.Data[mime]; ok {
			out = append(out, v)
		}
	}
	return out
}

// NotebookOutputs returns [Outputs] of mime over all cells of nb.
func NotebookOutputs(nb *nbformat.Notebook, mime string) []any {
	var out []any
	for _, c := range nb.Cells {
		out = append(out, Outputs(c, mime)...)
	}
	return out
}

// Images decodes the image/png outputs of c, failing the test if one does
// not decode.
func Images(t testing.TB, c *nbformat.Cell) []image.Image {
	t.Helper()
	var imgs []image.Image
	for i, v := range Outputs(c, "image/png") {
		s, _ := v.(string)
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			t.Fatalf("kerneltest: cell %q: image/png output %d: bad base64: %v", c.ID, i, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("kerneltest: cell %q: image/png output %d: %v", c.ID, i, err)
		}
		imgs = append(imgs, img)
	}
	return imgs
}

// Errors returns a description of every error output in nb ("cell ID:
// ename: evalue"); with the runner's default stop-on-error a successful Run
// has none, unless a cell is tagged "raises-exception".
func Errors(nb *nbformat.Notebook) []string {
	var errs []string
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.OutputType == "error" {
				errs = append(errs, fmt.Sprintf("cell %q: %s: %s", c.ID, o.EName, o.EValue))
			}
		}
	}
	return errs
}

// NoErrors fails the test if nb has error outputs or stderr text.
func NoErrors(t testing.TB, nb *nbformat.Notebook) {
	t.Helper()
	for _, e := range Errors(nb) {
		t.Errorf("kerneltest: error output: %s", e)
	}
	for _, c := range nb.Cells {
		if s := Stderr(c); s != "" {
			t.Errorf("kerneltest: cell %q wrote to stderr: %s", c.ID, s)
		}
	}
}
