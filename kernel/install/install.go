package install

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
)

// Options configures [Install].
type Options struct {
	// Root is the project root; empty means [FindRoot]. It is made absolute.
	Root string
	// Prefix, when set, installs into Prefix/share/jupyter/kernels/deepnb, as
	// `jupyter kernelspec install --prefix` does. Clients find it with JUPYTER_PATH=Prefix/share/jupyter.
	Prefix string
	// SysPrefix installs into sys.prefix/share/jupyter/kernels/deepnb of Jupyter's Python
	// (see [SysPrefix]). Ignored when Prefix is set.
	SysPrefix bool
	// Force rebuilds the tools even when they are up to date.
	Force bool
	// NoPrewarm skips [Probe] and [Prewarm] (the modules are still downloaded).
	NoPrewarm bool
	// Out receives one line per step; nil discards.
	Out io.Writer
}

// JupyterPath returns the directory to put on JUPYTER_PATH so that clients find a kernelspec
// installed with these options and Prefix set: Prefix/share/jupyter.
func (o Options) JupyterPath() string { return filepath.Join(o.Prefix, "share", "jupyter") }

// SpecDir returns the kernelspec directory these options install into:
// Prefix/share/jupyter/kernels/deepnb, sys.prefix/share/jupyter/kernels/deepnb or
// <user data dir>/kernels/deepnb (see [UserDataDir]).
func (o Options) SpecDir(ctx context.Context) (string, error) {
	switch {
	case o.Prefix != "":
		p, err := filepath.Abs(o.Prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(p, "share", "jupyter", "kernels", KernelName), nil
	case o.SysPrefix:
		return filepath.Join(SysPrefix(ctx), "share", "jupyter", "kernels", KernelName), nil
	}
	d, err := UserDataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "kernels", KernelName), nil
}

// Install makes the machine ready to run cells offline: it downloads every module a cell build,
// the kernel's tools and the datasets can need ([DownloadModules]; nothing when the module cache is
// complete), builds the pinned kernel programs and the go wrapper into <root>/.bin ([BuildTools],
// [BuildGoWrapper]), writes the deepnb kernelspec ([NewKernelSpec], [WriteKernelSpec]) into the
// directory chosen by opts ([Options.SpecDir]), proves that a cell builds offline with the kernel's
// environment ([Probe]) and pre-warms the Go build cache ([Prewarm]). It is idempotent, prints what
// it did to opts.Out and returns the kernelspec directory. A probe that fails because modules are
// missing is an error; one that fails otherwise (a project package that does not compile) is
// reported as a warning.
//
// A test that needs the kernel installs it into a temporary prefix:
//
//	prefix := t.TempDir()
//	if _, err := install.Install(ctx, install.Options{Prefix: prefix}); err != nil { t.Fatal(err) }
//	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"))
func Install(ctx context.Context, opts Options) (specDir string, err error) {
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	root := opts.Root
	if root == "" {
		if root, err = FindRoot(); err != nil {
			return "", err
		}
	}
	if root, err = filepath.Abs(root); err != nil {
		return "", err
	}
	if !IsRoot(root) {
		return "", fmt.Errorf("%w: %s/go.mod is not module %s", ErrNoRoot, root, ModulePath)
	}
	goPath, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("install: the go command is not on PATH (install Go ≥ 1.26 from https://go.dev/dl)")
	}
	if goPath, err = filepath.Abs(goPath); err != nil {
		return "", err
	}
	if filepath.Dir(goPath) == BinDir(root) { // <root>/.bin on PATH: that go is the wrapper
		goroot, err := exec.CommandContext(ctx, goPath, "env", "GOROOT").Output()
		if err != nil {
			return "", fmt.Errorf("install: go env GOROOT: %w", err)
		}
		goPath = filepath.Join(strings.TrimSpace(string(goroot)), "bin", "go")
	}
	if _, err := DownloadModules(ctx, root, out); err != nil {
		return "", err
	}
	if _, err := BuildTools(ctx, root, opts.Force, out); err != nil {
		return "", err
	}
	if err := BuildGoWrapper(ctx, root, out); err != nil {
		return "", err
	}
	specDir, err = opts.SpecDir(ctx)
	if err != nil {
		return "", err
	}
	spec := NewKernelSpec(root, filepath.Dir(goPath))
	changed, err := WriteKernelSpec(specDir, spec)
	if err != nil {
		return "", err
	}
	if changed {
		fmt.Fprintf(out, "kernelspec: written at %s\n", specDir)
	} else {
		fmt.Fprintf(out, "kernelspec: up to date at %s\n", specDir)
	}
	if !opts.NoPrewarm {
		res, err := Probe(ctx, root, spec, nil)
		var pe *ProbeError
		switch {
		case errors.As(err, &pe) && pe.Missing == nil:
			fmt.Fprintf(out, "probe: warning: the probe cell does not build, for a reason other than a missing module:\n%v\n", err)
		case err != nil:
			return specDir, err
		default:
			reportProbe(out, res)
		}
		if _, err := Prewarm(ctx, root, spec, out); err != nil {
			return specDir, err
		}
	}
	if opts.Prefix != "" {
		fmt.Fprintf(out, "use it with: JUPYTER_PATH=%s jupyter notebook\n", filepath.Dir(filepath.Dir(specDir)))
	}
	return specDir, nil
}
