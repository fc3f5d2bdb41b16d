package lecturetest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// wtAptHint says how to get what the browser test needs.
const wtAptHint = "apt-get install -y chromium jupyter-notebook (CI installs them)"

// wtBrowserTools returns the paths of chromium and jupyter-notebook, skipping the test when they
// are missing — or failing it when $CI is true, so CI never skips it silently.
func wtBrowserTools(t *testing.T) (chromium, jupyter string) {
	t.Helper()
	var missing []string
	chromium = "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		missing = append(missing, chromium)
	}
	jupyter = "/usr/bin/jupyter-notebook"
	if _, err := os.Stat(jupyter); err != nil {
		missing = append(missing, jupyter)
	}
	if missing != nil {
		msg := fmt.Sprintf("browser test needs %s: %s", strings.Join(missing, " and "), wtAptHint)
		needTool(t, msg)
	}
	return chromium, jupyter
}

// wtFreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func wtFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// wtStartJupyter runs the classic Jupyter Notebook server on 127.0.0.1:port with a token, serving
// dir, and stops it (its whole process group) when the test ends.
func wtStartJupyter(t *testing.T, jupyter, dir, jupyterPath string, port int, token string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(t.TempDir(), "jupyter.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(jupyter, "--no-browser", "--ip=127.0.0.1", fmt.Sprintf("--port=%d", port),
		"--port-retries=0", "--NotebookApp.token="+token, "--notebook-dir="+dir)
	if os.Geteuid() == 0 { // CI containers run as root, which Jupyter refuses without this
		cmd.Args = append(cmd.Args, "--allow-root")
	}
	cmd.Dir = dir
	cfg := t.TempDir()
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+jupyterPath, "JUPYTER_CONFIG_DIR="+cfg,
		"JUPYTER_DATA_DIR="+filepath.Join(cfg, "data"), "JUPYTER_RUNTIME_DIR="+filepath.Join(cfg, "runtime"))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", jupyter, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("jupyter log (last lines):\n%s", lastLines(string(b), 40))
		}
	})
	url := fmt.Sprintf("http://127.0.0.1:%d/api/status?token=%s", port, token)
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-done:
			t.Fatalf("%s exited before answering on port %d (log below)", jupyter, port)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("jupyter did not answer on port %d within 60s (%v)", port, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// wtDriveSliders is evaluated repeatedly while the notebook runs. For each live deepnb slider it
// moves the slider to its minimum, waits for the picture above it to change (proof that the
// browser → Go → browser round trip works) and then presses "done"; a slider whose picture does
// not change within 60s is closed anyway and reported. It returns a summary object.
const wtDriveSliders = `(() => {
  const st = (window.__deepnb = window.__deepnb || {moved: 0, changed: 0, stuck: 0});
  for (const s of document.querySelectorAll('input[type=range][id^="deepnb_slider_"]')) {
    if (s.disabled) continue;
    const cell = s.closest('.cell');
    const img = cell && cell.querySelector('.output_area img');
    const done = document.getElementById(s.id.replace('deepnb_slider_', 'deepnb_slider_done_'));
    if (!img || !done) continue;
    if (!s.dataset.t0) {
      s.dataset.src = img.src;
      s.dataset.t0 = String(Date.now());
      s.value = s.min;
      s.dispatchEvent(new Event('input'));
      st.moved++;
    } else if (img.src !== s.dataset.src) {
      st.changed++;
      done.click();
    } else if (Date.now() - Number(s.dataset.t1 || s.dataset.t0) > 3000 && Date.now() - Number(s.dataset.t0) < 60000) {
      // No redraw yet: the move may have come before the kernel side listened. Move it again.
      s.dataset.t1 = String(Date.now());
      s.value = String(Number(s.min) + (Number(s.value) === Number(s.min) ? 1 : 0));
      s.dispatchEvent(new Event('input'));
    } else if (Date.now() - Number(s.dataset.t0) > 60000) {
      st.stuck++;
      done.click();
    }
  }
  const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code');
  st.total = cells.length;
  st.finished = cells.filter(c => typeof c.input_prompt_number === 'number').length;
  st.running = cells.filter(c => c.input_prompt_number === '*').length;
  return st;
})()`

// wtInspectImages reports every <img> in the code cells' outputs: its cell's id, its natural
// size and the fraction of its pixels that differ clearly from its top-left pixel (0: blank).
const wtInspectImages = `Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code').flatMap(cell =>
  Array.from(cell.output_area.element[0].querySelectorAll('img')).map(img => {
    const c = document.createElement('canvas');
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    let frac = 0;
    if (c.width > 0 && c.height > 0) {
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i] - d[0]) + Math.abs(d[i+1] - d[1]) + Math.abs(d[i+2] - d[2]) > 48) n++;
      }
      frac = n / (d.length / 4);
    }
    return {cell: String(cell.id), w: img.naturalWidth, h: img.naturalHeight, frac: frac};
  }))`

type wtImgInfo struct {
	W    int     `json:"w"`
	H    int     `json:"h"`
	Frac float64 `json:"frac"`
	Cell string  `json:"cell"`
}

type wtDriveState struct {
	Moved    int `json:"moved"`
	Changed  int `json:"changed"`
	Stuck    int `json:"stuck"`
	Total    int `json:"total"`
	Finished int `json:"finished"`
	Running  int `json:"running"`
}

// TestWidgetsTourBrowser opens notebooks/01-widgets-tour.ipynb (a copy) in the classic Jupyter
// Notebook UI in headless Chromium, runs all cells with the deepnb kernel, moves each slider and
// checks that its picture is redrawn, then checks that every figure is rendered and not blank,
// and keeps a full-page screenshot in artifacts/widgets-tour.png ($ARTIFACTS_DIR if set).
func TestWidgetsTourBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Jupyter and Chromium and runs the tour (minutes): skipped with -short")
	}
	chromium, jupyter := wtBrowserTools(t)
	ctx, cancel := context.WithTimeout(t.Context(), 12*time.Minute)
	defer cancel()

	_, jupyterPath := installKernel(t)
	work := freshCopy(t, "01-widgets-tour.ipynb", "tour.ipynb")

	port := wtFreePort(t)
	var tok [16]byte
	_, _ = rand.Read(tok[:])
	token := hex.EncodeToString(tok[:])
	wtStartJupyter(t, jupyter, work, jupyterPath, port, token)

	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1024),
	}
	actx, acancel := chromedp.NewExecAllocator(ctx, allocOpts...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	url := fmt.Sprintf("http://127.0.0.1:%d/notebooks/tour.ipynb?token=%s", port, token)
	if err := chromedp.Do(bctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("opening %s: %v", url, err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Poll[bool](
		`!!(window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected())`,
		chromedp.WithPollingTimeout(90*time.Second), chromedp.WithPollingInterval(500*time.Millisecond))); err != nil {
		t.Fatalf("waiting for the notebook's kernel to connect: %v", err)
	}
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells(); true`)); err != nil {
		t.Fatalf("running all cells: %v", err)
	}

	var st wtDriveState
	started := time.Now()
	for {
		var err error
		if st, err = chromedp.Run(bctx, chromedp.Evaluate[wtDriveState](wtDriveSliders)); err != nil {
			t.Fatalf("driving the notebook: %v", err)
		}
		if st.Total > 0 && st.Finished == st.Total && st.Running == 0 {
			break
		}
		if time.Since(started) > 10*time.Minute {
			t.Fatalf("notebook did not finish in 10 minutes: %+v", st)
		}
		time.Sleep(time.Second)
	}
	t.Logf("all %d code cells ran in %v; sliders: %+v", st.Total, time.Since(started).Round(time.Second), st)

	errs, _ := chromedp.Run(bctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('.output_error, .output_stderr')).map(e => e.innerText.slice(0, 300))`))
	for _, e := range errs {
		t.Errorf("error output in the notebook: %s", e)
	}

	imgs, err := chromedp.Run(bctx, chromedp.Evaluate[[]wtImgInfo](wtInspectImages))
	if err != nil {
		t.Fatal(err)
	}
	perCell := map[string][]wtImgInfo{}
	for _, im := range imgs {
		perCell[im.Cell] = append(perCell[im.Cell], im)
	}
	want := map[string]bool{}
	for i, tc := range wtTourImages {
		want[tc.cell] = true
		got := perCell[tc.cell]
		if len(got) != tc.pngs {
			t.Errorf("case %d: cell %s: %d images in the page, want %d", i, tc.cell, len(got), tc.pngs)
		}
		for j, im := range got {
			switch {
			case im.W == 0 || im.H == 0:
				t.Errorf("case %d: cell %s: image %d did not load (naturalWidth %d)", i, tc.cell, j, im.W)
			case im.W < tc.minW || im.H < tc.minH:
				t.Errorf("case %d: cell %s: image %d is %d×%d, want at least %d×%d", i, tc.cell, j, im.W, im.H, tc.minW, tc.minH)
			case im.Frac < 0.02:
				t.Errorf("case %d: cell %s: image %d looks blank (%.4f of pixels differ from its corner)", i, tc.cell, j, im.Frac)
			}
		}
	}
	for id, got := range perCell {
		if !want[id] {
			t.Errorf("cell %s: %d unexpected images", id, len(got))
		}
	}
	svgs, err := chromedp.Run(bctx, chromedp.Evaluate[int](`Jupyter.notebook.get_cells().filter(c => c.id === 'svg').map(c => c.output_area.element[0].querySelectorAll('svg').length).reduce((a, b) => a + b, 0)`))
	if err != nil || svgs != 1 {
		t.Errorf("cell svg: %d inline <svg> figures (err %v), want 1", svgs, err)
	}
	if st.Moved != 2 || st.Changed != 2 || st.Stuck != 0 {
		t.Errorf("sliders: %+v, want 2 moved and 2 redrawn (the browser → Go → browser round trip)", st)
	}

	// The classic UI scrolls inside #site; let the page grow so a full screenshot shows every cell.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => { const s = document.createElement('style');
		  s.textContent = 'html, body {height:auto !important; overflow:visible !important; position:static !important} #site {height:auto !important; overflow:visible !important; display:block !important}';
		  document.head.appendChild(s); return true; })()`)); err != nil {
		t.Fatalf("unfolding the page: %v", err)
	}
	_ = chromedp.Do(bctx, chromedp.Sleep(500*time.Millisecond))
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := artifactPath(root(t), "widgets-tour.png")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
		if err := os.WriteFile(path, shot, 0o644); err != nil {
			t.Errorf("writing the screenshot: %v", err)
		} else {
			t.Logf("screenshot: %s", path)
		}
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 3000 {
		t.Errorf("screenshot is %v, want the whole notebook (at least 800×3000)", b.Size())
	}
	if wtColourful(img) < 0.05 {
		t.Errorf("screenshot has almost no coloured pixels: the figures are not visible")
	}
}

// wtColourful returns the fraction of (sampled) pixels that are clearly not gray: the figures'
// colours, since the notebook chrome is black, white and gray.
func wtColourful(img image.Image) float64 {
	b := img.Bounds()
	n, c := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 4 {
		for x := b.Min.X; x < b.Max.X; x += 4 {
			r, g, bb, _ := img.At(x, y).RGBA()
			mx, mn := max(r, g, bb)>>8, min(r, g, bb)>>8
			if mx-mn > 40 {
				c++
			}
			n++
		}
	}
	return float64(c) / float64(n)
}
