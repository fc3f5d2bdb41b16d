package lecturetest_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/install"
)

// nbcAptHint says how to get what the nbconvert tests need.
const nbcAptHint = "sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client (CI installs them)"

// nbcFind returns a jupyter command whose `jupyter nbconvert --version` works: the one on PATH,
// else Debian's /usr/bin/jupyter (a pyenv shim on PATH may lack Jupyter). If there is none it fails
// the test when $CI is true and skips it otherwise.
func nbcFind(t *testing.T) string {
	t.Helper()
	var candidates []string
	if j, err := exec.LookPath("jupyter"); err == nil {
		candidates = append(candidates, j)
	}
	if _, err := os.Stat("/usr/bin/jupyter"); err == nil && !slices.Contains(candidates, "/usr/bin/jupyter") {
		candidates = append(candidates, "/usr/bin/jupyter")
	}
	msg := "jupyter not found: " + nbcAptHint
	for _, j := range candidates {
		out, err := exec.Command(j, "nbconvert", "--version").CombinedOutput()
		if err == nil {
			return j
		}
		msg = fmt.Sprintf("%s nbconvert --version: %v: %s\n%s", j, err, lastLines(string(out), 3), nbcAptHint)
	}
	needTool(t, msg)
	return ""
}

// nbcNotebook is the part of an .ipynb file (nbformat 4) the tests read.
type nbcNotebook struct {
	Cells []struct {
		ID       string `json:"id"`
		CellType string `json:"cell_type"`
		Outputs  []struct {
			OutputType string                     `json:"output_type"`
			Name       string                     `json:"name"`
			Text       nbcText                    `json:"text"`
			Data       map[string]json.RawMessage `json:"data"`
			EName      string                     `json:"ename"`
			EValue     string                     `json:"evalue"`
		} `json:"outputs"`
	} `json:"cells"`
}

// nbcText is nbformat's multi-line string: a string or a list of strings.
type nbcText string

func (m *nbcText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*m = nbcText(s)
		return nil
	}
	var l []string
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*m = nbcText(strings.Join(l, ""))
	return nil
}

// TestWelcomeNbconvert installs the deepnb kernelspec into a temporary prefix, executes
// notebooks/00-welcome.ipynb with Jupyter's own client (jupyter nbconvert --execute) and checks every
// code cell's output: no errors, the printed values, and the two inline PNG figures.
func TestWelcomeNbconvert(t *testing.T) {
	if testing.Short() {
		t.Skip("executes a notebook through Jupyter (tens of seconds): skipped with -short")
	}
	jupyter := nbcFind(t)
	ctx := t.Context()
	_, jupyterPath := installKernel(t)
	work := freshCopy(t, "00-welcome.ipynb", "00-welcome.ipynb") // the cache cells start empty
	in := filepath.Join(work, "00-welcome.ipynb")
	cmd := exec.CommandContext(ctx, jupyter, "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.kernel_name="+install.KernelName, "--ExecutePreprocessor.timeout=600",
		"--output", "executed.ipynb", "--output-dir", work, in)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+jupyterPath, "JUPYTER_RUNTIME_DIR="+filepath.Join(work, "runtime"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, lastLines(nbcStripKernelLog(string(out)), 60))
	}
	b, err := os.ReadFile(filepath.Join(work, "executed.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	var nb nbcNotebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("executed.ipynb: %v", err)
	}

	stdout, pngs := map[string]string{}, map[string][]image.Image{}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				t.Errorf("cell %s: error output %s: %s", c.ID, o.EName, o.EValue)
			case "stream":
				if o.Name == "stdout" {
					stdout[c.ID] += string(o.Text)
				} else {
					t.Errorf("cell %s: unexpected %s output %q", c.ID, o.Name, o.Text)
				}
			case "display_data", "execute_result":
				raw, ok := o.Data["image/png"]
				if !ok {
					continue
				}
				var s nbcText
				if err := json.Unmarshal(raw, &s); err != nil {
					t.Fatalf("cell %s: image/png: %v", c.ID, err)
				}
				data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(s), "\n", ""))
				if err != nil {
					t.Fatalf("cell %s: image/png: %v", c.ID, err)
				}
				img, err := png.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatalf("cell %s: image/png does not decode: %v", c.ID, err)
				}
				pngs[c.ID] = append(pngs[c.ID], img)
			}
		}
	}

	for i, tc := range welcomeStdout {
		if got := stdout[tc.cell]; got != tc.want {
			t.Errorf("case %d: cell %s: stdout %q, want %q", i, tc.cell, got, tc.want)
		}
	}
	m := welcomeMandelbrot.FindStringSubmatch(stdout["mandelbrot"])
	if m == nil {
		t.Errorf("cell mandelbrot: stdout %q, want \"480×384 pixels, N%% inside the set\\n\"", stdout["mandelbrot"])
	} else if pct, _ := strconv.Atoi(m[1]); pct < 15 || pct > 30 {
		t.Errorf("cell mandelbrot: %d%% of the pixels inside the set, want 15…30%%", pct)
	}

	if got := len(pngs["plot"]); got != 1 {
		t.Fatalf("cell plot: %d PNG outputs, want 1", got)
	}
	if b := pngs["plot"][0].Bounds(); b.Dx() < 300 || b.Dy() < 150 {
		t.Errorf("cell plot: PNG is %v, want at least 300×150", b.Size())
	}
	if got := len(pngs["mandelbrot"]); got != 1 {
		t.Fatalf("cell mandelbrot: %d PNG outputs, want 1", got)
	}
	mb := pngs["mandelbrot"][0]
	if mb.Bounds().Dx() != 480 || mb.Bounds().Dy() != 384 {
		t.Errorf("cell mandelbrot: PNG is %v, want 480×384", mb.Bounds().Size())
	}
	for i, tc := range []struct {
		x, y  int
		black bool
	}{
		{312, 192, true},  // c = -0.25: inside the main cardioid
		{136, 192, true},  // c = -1.0: inside the period-2 bulb
		{0, 0, false},     // c = -2.2-1.2i: escapes at once
		{479, 192, false}, // c = 0.8: escapes
	} {
		r, g, b, _ := mb.At(tc.x, tc.y).RGBA()
		if black := r == 0 && g == 0 && b == 0; black != tc.black {
			t.Errorf("case %d: mandelbrot pixel (%d,%d) = %v, black=%v want %v", i, tc.x, tc.y, mb.At(tc.x, tc.y), black, tc.black)
		}
	}
	for _, id := range []string{"hello", "bump", "cache-compute", "dl"} {
		if len(pngs[id]) != 0 {
			t.Errorf("cell %s: unexpected PNG output", id)
		}
	}
}

// nbcStripKernelLog drops GoNB's klog lines (I1128 12:00:00.000000 …) from the output.
func nbcStripKernelLog(s string) string {
	re := regexp.MustCompile(`^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ `)
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !re.MatchString(l) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
