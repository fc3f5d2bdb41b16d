package docker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

const (
	// OfficialBase is the base image the Dockerfile is meant for (its BASE build argument's default).
	OfficialBase = "golang:1.26-bookworm"
	// LocalBase is the tag docker/base/build.sh gives its local equivalent of OfficialBase.
	LocalBase = "deepnb/base:bookworm-go1.26"
	// BaseEnv names an environment variable that chooses the base image of [EnsureImage].
	BaseEnv = "DEEPNB_DOCKER_BASE"
)

// Available reports whether a Docker engine answers the docker command; the error says why not.
func Available(ctx context.Context) error {
	if _, err := exec.LookPath("docker"); err != nil {
		return errors.New("docker: the docker command is not installed (apt-get install docker.io)")
	}
	out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput()
	if err != nil {
		return fmt.Errorf("docker: no Docker engine answers (start dockerd): %s", strings.TrimSpace(string(out)))
	}
	return nil
}

// Docker runs the docker command with args and returns its standard output, trimmed; the error
// carries its standard error.
func Docker(ctx context.Context, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return strings.TrimSpace(stdout.String()), fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

// HasImage reports whether the engine holds the image tag.
func HasImage(ctx context.Context, tag string) bool {
	_, err := Docker(ctx, "image", "inspect", "--format", "{{.Id}}", tag)
	return err == nil
}

// Base returns the base image to build on: $DEEPNB_DOCKER_BASE if set, else [OfficialBase] if the
// engine holds it, else [LocalBase], built by docker/base/build.sh (root and debootstrap needed)
// unless present.
func Base(ctx context.Context, root string, log io.Writer) (string, error) {
	if b := os.Getenv(BaseEnv); b != "" {
		return b, nil
	}
	if HasImage(ctx, OfficialBase) {
		return OfficialBase, nil
	}
	if HasImage(ctx, LocalBase) {
		return LocalBase, nil
	}
	if os.Geteuid() != 0 {
		return "", fmt.Errorf("docker: neither %s nor %s is present, and building %s needs root (debootstrap); set $%s to a Debian bookworm image with Go 1.26",
			OfficialBase, LocalBase, LocalBase, BaseEnv)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(root, "docker", "base", "build.sh"), LocalBase)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker: docker/base/build.sh: %w", err)
	}
	return LocalBase, nil
}

// BuildImage builds docker/Dockerfile of the project at root on base, tagged tag, writing the
// build's log to log.
func BuildImage(ctx context.Context, root, base, tag string, log io.Writer) error {
	cmd := exec.CommandContext(ctx, "docker", "build", "--build-arg", "BASE="+base, "-t", tag,
		"-f", filepath.Join(root, "docker", "Dockerfile"), root)
	var tail tailBuffer
	cmd.Stdout = io.MultiWriter(log, &tail)
	cmd.Stderr = cmd.Stdout
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("docker: build %s on %s: %w\n%s", tag, base, err, tail.String())
	}
	return nil
}

// tailBuffer keeps the last 4 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 4096 {
		t.b = t.b[len(t.b)-4096:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }
