package grade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/deepnb/deepnb/docker"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// Paths inside a grading container.
const (
	containerKey = "/grade/key.ipynb"
	containerSub = "/grade/submission.ipynb"
	containerOut = "/grade/out"
)

// DockerArgs returns the arguments of the `docker run` that grades one submission in a
// container of image (the students' image, docker/Dockerfile): no network, no capabilities, the
// key and the submission (host files key and sub) mounted read-only, the folder out mounted for
// the gradebook, and the image's `deepnb grade` run with opts' limits and parameters. name is
// the container's name.
func DockerArgs(image, name, key, sub, out string, opts Options) []string {
	args := []string{"run", "--rm", "--name", name,
		"--network", "none", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"-v", key + ":" + containerKey + ":ro",
		"-v", sub + ":" + containerSub + ":ro",
		"-v", out + ":" + containerOut,
		image,
		"deepnb", "grade", "--key", containerKey, "--out-dir", containerOut}
	if opts.CellTimeout > 0 {
		args = append(args, "--timeout", opts.CellTimeout.String())
	}
	if opts.SubmissionTimeout > 0 {
		args = append(args, "--submission-timeout", opts.SubmissionTimeout.String())
	}
	if opts.MaxOutput > 0 {
		args = append(args, "--max-output", strconv.Itoa(opts.MaxOutput))
	}
	for _, p := range opts.Params {
		args = append(args, "-p", p.Name+"="+p.Value)
	}
	return append(args, containerSub)
}

// gradeInDocker grades the submission at path in a container of opts.Docker (see [DockerArgs]),
// in the working folder work, and fills rep from the gradebook the container writes. The error
// is for the grader's own failures (no engine, no image, a container that wrote no gradebook).
func gradeInDocker(ctx context.Context, k *Key, path, work string, rep *Report, opts Options) error {
	// The container's user (the image's jovyan) reads copies of the key and the submission and
	// writes into out: they are made readable and writable for it.
	key, sub, out := filepath.Join(work, "key.ipynb"), filepath.Join(work, "submission.ipynb"), filepath.Join(work, "out")
	if err := nbformat.WriteFile(key, k.Notebook); err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := os.WriteFile(sub, b, 0o644); err != nil {
		return err
	}
	if err := os.Mkdir(out, 0o777); err != nil {
		return err
	}
	if err := os.Chmod(out, 0o777); err != nil { // the umask took some bits away
		return err
	}
	var r [8]byte
	if _, err := rand.Read(r[:]); err != nil {
		return err
	}
	name := "deepnb-grade-" + hex.EncodeToString(r[:])
	// The container gets the submission's time and a minute to start and stop; the docker
	// client killed on a timeout leaves its container running, so it is removed explicitly.
	limit := opts.SubmissionTimeout
	if limit <= 0 {
		limit = DefaultSubmissionTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, limit+time.Minute)
	defer cancel()
	_, runErr := docker.Docker(cctx, DockerArgs(opts.Docker, name, key, sub, out, opts)...)
	if cctx.Err() != nil {
		rm, stop := context.WithTimeout(context.Background(), 30*time.Second)
		docker.Docker(rm, "rm", "-f", name)
		stop()
	}
	g, err := readGradebook(filepath.Join(out, "gradebook.json"))
	switch {
	case err != nil && runErr != nil:
		return fmt.Errorf("in a container of %s: %w", opts.Docker, runErr)
	case err != nil:
		return fmt.Errorf("in a container of %s: %w", opts.Docker, err)
	case len(g.Reports) != 1:
		return fmt.Errorf("in a container of %s: the gradebook holds %d reports, want 1", opts.Docker, len(g.Reports))
	}
	got := g.Reports[0]
	if got.Max != rep.Max || len(got.Exercises) != len(rep.Exercises) {
		return fmt.Errorf("in a container of %s: the gradebook is worth %g in %d exercises, the key %g in %d", opts.Docker, got.Max, len(got.Exercises), rep.Max, len(rep.Exercises))
	}
	rep.Score, rep.Exercises, rep.Problems = got.Score, got.Exercises, got.Problems
	// The executed notebook is named after the submission's file.
	if nb, err := nbformat.ReadFile(filepath.Join(out, "executed", "submission.ipynb")); err == nil {
		rep.Executed = nb
	}
	return nil
}

func readGradebook(path string) (*Gradebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, errors.New("the container wrote no gradebook")
		}
		return nil, err
	}
	var g Gradebook
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, fmt.Errorf("the container's gradebook: %w", err)
	}
	return &g, nil
}

// CheckDocker reports whether a Docker engine answers and holds image, in words that say what
// to do if not.
func CheckDocker(ctx context.Context, image string) error {
	if err := docker.Available(ctx); err != nil {
		return err
	}
	if !docker.HasImage(ctx, image) {
		return fmt.Errorf("docker: the engine has no image %s: build the students' image (docker build -t %s -f docker/Dockerfile .)", image, image)
	}
	return nil
}

// dockerSafe reports whether s can be passed to docker as a mount path (no ':' or ',').
func dockerSafe(s string) bool { return !strings.ContainsAny(s, ":,") }
