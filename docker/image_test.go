package docker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepnb/deepnb/docker"
	"github.com/deepnb/deepnb/docker/jupyterhttp"
	"github.com/deepnb/deepnb/kernel/install"
)

// testTag is the tag the tests build the students' image under.
var testTag = "deepnb/notebook:test"

// imageEnv names an environment variable that, when set, names an image the tests use as it is
// instead of building docker/Dockerfile (to test an image built before, or elsewhere).
const imageEnv = "DEEPNB_DOCKER_IMAGE"

var (
	buildOnce sync.Once
	buildErr  error
	buildSkip string
)

// testImage builds the base image (unless present) and the students' image once per test binary
// and returns the image's tag. It skips the test under -short and where no Docker engine answers.
func testImage(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the Docker image: skipped under -short")
	}
	buildOnce.Do(func() {
		ctx := context.Background()
		if err := docker.Available(ctx); err != nil {
			buildSkip = fmt.Sprintf("no Docker engine: %v", err)
			return
		}
		if img := os.Getenv(imageEnv); img != "" {
			if !docker.HasImage(ctx, img) {
				buildErr = fmt.Errorf("$%s=%s: no such image", imageEnv, img)
			}
			testTag = img
			return
		}
		root, err := install.FindRoot()
		if err != nil {
			buildErr = err
			return
		}
		start := time.Now()
		base, err := docker.Base(ctx, root, testLog{t})
		if err != nil {
			buildErr = err
			return
		}
		t.Logf("base image %s ready in %.0fs", base, time.Since(start).Seconds())
		start = time.Now()
		if buildErr = docker.BuildImage(ctx, root, base, testTag, testLog{t}); buildErr == nil {
			size, _ := docker.Docker(ctx, "image", "inspect", "--format", "{{.Size}}", testTag)
			n, _ := strconv.ParseInt(size, 10, 64)
			t.Logf("image %s built in %.0fs; size %.2f GB (%d bytes)", testTag, time.Since(start).Seconds(), float64(n)/1e9, n)
		}
	})
	if buildSkip != "" {
		t.Skip(buildSkip)
	}
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return testTag
}

// testLog writes each line of a build's log to the test's log when -v is given.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	if testing.Verbose() {
		os.Stderr.Write(p)
	}
	return len(p), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// run starts a container of image with args (docker run -d ARGS IMAGE CMD...), removed when the
// test ends, and returns its name.
func run(t *testing.T, image string, args []string, cmd ...string) string {
	t.Helper()
	name := "deepnb-test-" + randomHex(4)
	all := append([]string{"run", "-d", "--name", name, "--label", "deepnb-test=1"}, args...)
	all = append(append(all, image), cmd...)
	if _, err := docker.Docker(context.Background(), all...); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeContainer(t, name) })
	return name
}

func removeContainer(t *testing.T, name string) {
	if _, err := docker.Docker(context.Background(), "rm", "-f", "-v", name); err != nil && !strings.Contains(err.Error(), "No such container") {
		t.Log(err)
	}
}

// serve starts the image's notebook server on a port published on 127.0.0.1 with the home's work/
// folder in the volume vol, waits until it answers, and returns the container's name and a client.
func serve(t *testing.T, image, vol, token string) (string, *jupyterhttp.Server) {
	t.Helper()
	name := run(t, image, []string{"-p", "127.0.0.1::8888", "-e", "JUPYTER_TOKEN=" + token, "-v", vol + ":/home/jovyan/work"})
	addr, err := docker.Docker(context.Background(), "port", name, "8888/tcp")
	if err != nil {
		t.Fatal(err)
	}
	addr, _, _ = strings.Cut(addr, "\n")
	srv := &jupyterhttp.Server{URL: "http://" + addr + "/", Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
	waitServer(t, name, srv)
	return name, srv
}

// waitServer polls the server's api endpoint (it needs no token) until it answers 200.
func waitServer(t *testing.T, name string, srv *jupyterhttp.Server) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		resp, err := srv.Do(context.Background(), http.MethodGet, "api", nil)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			logs, _ := docker.Docker(context.Background(), "logs", name)
			t.Fatalf("the server in %s did not answer at %s within 2 minutes (last: %v)\n%s", name, srv.URL, err, logs)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestImage runs the students' image as a student does (docker run with a named volume and a port
// on 127.0.0.1) and checks: requests without the token, or with a wrong one, are refused; the
// course's notebooks are in ~/work; the Go (deepnb) kernel is offered and executes the welcome
// lecture through the server's kernels API and WebSocket, as the browser does; no process in the
// container runs as root; and a notebook the student edited and saved survives a new container.
// It reports the time from docker run to the first executed cell.
func TestImage(t *testing.T) {
	image := testImage(t)
	ctx := context.Background()
	vol := "deepnb-test-work-" + randomHex(4)
	t.Cleanup(func() { docker.Docker(context.Background(), "volume", "rm", "-f", vol) })
	token := randomHex(16)

	start := time.Now()
	name, srv := serve(t, image, vol, token)
	t.Logf("docker run → server answering: %.1fs", time.Since(start).Seconds())

	for _, bad := range []*jupyterhttp.Server{{URL: srv.URL}, {URL: srv.URL, Token: "0123456789abcdef"}} {
		_, err := bad.List(ctx, "work")
		var se *jupyterhttp.StatusError
		if !errors.As(err, &se) || se.Code != http.StatusForbidden {
			t.Errorf("listing work/ with token %q: got %v, want HTTP 403", bad.Token, err)
		}
	}

	names, err := srv.List(ctx, "work")
	if err != nil {
		t.Fatal(err)
	}
	root, _ := install.FindRoot()
	course, _ := filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
	for _, c := range course {
		if !contains(names, filepath.Base(c)) {
			t.Errorf("work/ lacks the course notebook %s; it holds %v", filepath.Base(c), names)
		}
	}
	// The students' copies of lectures with exercises are the student versions: no hidden test
	// and no solution marker survives in them.
	for _, c := range course {
		src, err := os.ReadFile(c)
		if err != nil || !strings.Contains(string(src), `"hidden-test"`) {
			continue
		}
		nb, err := srv.Notebook(ctx, "work/"+filepath.Base(c))
		if err != nil {
			t.Fatal(err)
		}
		for _, cell := range nb.Cells {
			if slices.Contains(cell.Tags(), "hidden-test") || strings.Contains(cell.Source, "BEGIN SOLUTION") {
				t.Errorf("work/%s holds an instructor cell:\n%s", filepath.Base(c), cell.Source)
			}
		}
	}
	specs, def, err := srv.KernelSpecs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !contains(specs, install.KernelName) {
		t.Fatalf("kernelspecs %v (default %s) lack %q", specs, def, install.KernelName)
	}

	nb, err := srv.Notebook(ctx, "work/00-welcome.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	k, err := srv.StartKernel(ctx, install.KernelName)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := k.RunNotebook(ctx, nb, 3*time.Minute)
	if err != nil {
		t.Fatalf("00-welcome.ipynb through the server: %v", err)
	}
	t.Logf("docker run → first executed cell: %.1fs; all %d cells: %.1fs", outs[0].Done.Sub(start).Seconds(), len(outs), time.Since(start).Seconds())
	if !strings.Contains(outs[0].Text, "Hello, deepnb!") {
		t.Errorf("first cell of 00-welcome printed %q, want Hello, deepnb!", outs[0].Text)
	}

	// Every process (the server, GoNB, gopls, the compiled cells) runs as the student.
	top, err := docker.Docker(ctx, "top", name, "-eo", "uid,user,pid,args")
	if err != nil {
		t.Fatal(err)
	}
	sawKernel := false
	for _, line := range strings.Split(top, "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		if f[0] == "0" {
			t.Errorf("a process runs as root in the container: %s", line)
		}
		sawKernel = sawKernel || strings.Contains(line, "gonb")
	}
	if !sawKernel {
		t.Errorf("no GoNB kernel among the container's processes:\n%s", top)
	}
	if err := k.Shutdown(ctx); err != nil {
		t.Error(err)
	}

	// The student edits and saves a notebook; a new container on the same volume keeps it.
	note := "My notes " + randomHex(4)
	nb.Cells[0].Source += "\n\n" + note
	if err := srv.SaveNotebook(ctx, "work/00-welcome.ipynb", nb); err != nil {
		t.Fatal(err)
	}
	removeContainer(t, name)
	_, srv2 := serve(t, image, vol, token)
	again, err := srv2.Notebook(ctx, "work/00-welcome.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(again.Cells[0].Source, note) {
		t.Errorf("the student's edit %q was lost after a restart; the first cell reads:\n%s", note, again.Cells[0].Source)
	}
}

// TestOffline runs lectures headlessly (deepnb run) in a container without a network: the welcome
// lecture, and the deep-learning lecture with short training, which reads MNIST from the module
// cache. It also checks the container has no network interface but loopback and runs as jovyan.
func TestOffline(t *testing.T) {
	image := testImage(t)
	script := `set -e; ls /sys/class/net; id -un; id -u; cd /tmp;
deepnb run --out-dir /tmp/out /opt/deepnb/notebooks/00-welcome.ipynb
deepnb run --out-dir /tmp/out -p epochs=1 -p trainSize=2000 -p cnnTrainSize=500 -p testSize=500 -p cacheTag=offline /opt/deepnb/notebooks/02-deep-learning-in-go.ipynb`
	start := time.Now()
	out, err := docker.Docker(context.Background(), "run", "--rm", "--network", "none", "--label", "deepnb-test=1", image, "bash", "-c", script)
	t.Logf("offline run (%.0fs):\n%s", time.Since(start).Seconds(), out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(out)
	if len(lines) < 3 || lines[0] != "lo" || lines[1] != "jovyan" || lines[2] != "1000" {
		t.Errorf("want only the loopback interface and user jovyan (1000); got %q", lines[:min(3, len(lines))])
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
