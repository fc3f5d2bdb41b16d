// Command deepnb sets up and runs the deepnb Go Jupyter kernel.
//
// Usage:
//
//	go run ./kernel/cmd/deepnb install [--prefix DIR | --sys-prefix] [--force] [--no-prewarm]
//	go run ./kernel/cmd/deepnb doctor  [--prefix DIR | --sys-prefix]
//	go run ./kernel/cmd/deepnb run     [flags] NOTEBOOK...
//	go run ./kernel/cmd/deepnb student --out-dir DIR NOTEBOOK...
//	go run ./kernel/cmd/deepnb grade   --key INSTRUCTOR.ipynb [flags] SUBMISSION...
//	go run ./kernel/cmd/deepnb help
//
// install makes the machine ready for offline cells while it is online: it downloads, through the Go
// module proxy, every module a cell build can need (the project's and kernel/tools' full module graphs
// and the data modules of package datasets; nothing when the module cache is complete), builds the
// pinned GoNB, goimports and gopls (kernel/tools/go.mod) and the go wrapper that names missing modules
// into <root>/.bin, writes the Jupyter kernelspec "deepnb" (display name "Go (deepnb)") into the user's
// Jupyter data directory (or DIR/share/jupyter with --prefix, or Jupyter's sys.prefix with
// --sys-prefix), proves that a probe cell importing what the notebooks import builds offline with the
// kernel's environment, and pre-warms the Go build cache. It is idempotent.
//
// doctor checks the Go version, the tools, the kernelspec, Jupyter, the module cache and the probe cell,
// offline, and prints the command that fixes each problem; it exits with status 1 when it finds one.
//
// run executes notebooks headlessly through the kernel.
//
// student writes the student versions of instructor notebooks and grade grades students' submissions
// against an instructor's notebook (the conventions are in package kernel/grade).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/deepnb/deepnb/kernel/install"
)

const usage = `deepnb: the deepnb Go Jupyter kernel.

Usage:
  go run ./kernel/cmd/deepnb <command> [flags]

Commands:
  install   while online: download every module cells can need, build the pinned
            GoNB, goimports and gopls into <root>/.bin, write the Jupyter kernelspec
            "deepnb", prove a probe cell builds offline, pre-warm the Go build cache
            (idempotent)
  doctor    check Go, the tools, the kernelspec, Jupyter, the module cache and the
            probe cell, offline; print the fix for each problem (exit status 1 if any)
  run       execute notebooks headlessly through the kernel
  student   write student versions of instructor notebooks (solutions stubbed, hidden tests removed)
  grade     grade submissions against an instructor notebook: gradebook CSV/JSON and feedback
  help      show this help, or "help <command>" for a command's flags
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp): // -h: the flag set printed its usage
	case errors.Is(err, errSilent):
		os.Exit(1)
	default:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// errSilent marks a failure already reported to the user.
var errSilent = errors.New("deepnb: failed")

// dispatch runs the subcommand named by args[0].
func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("deepnb: no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "install":
		return installCmd(ctx, rest, stdout, stderr)
	case "doctor":
		return doctorCmd(ctx, rest, stdout, stderr)
	case "run":
		return runMain(ctx, rest, stdout, stderr)
	case "student":
		return studentMain(rest, stdout, stderr)
	case "grade":
		return gradeMain(ctx, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && rest[0] != "help" {
			return dispatch(ctx, []string{rest[0], "-h"}, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("deepnb: unknown command %q", cmd)
	}
}

// prefixFlags registers --prefix and --sys-prefix on fs.
func prefixFlags(fs *flag.FlagSet, o *install.Options) {
	fs.StringVar(&o.Prefix, "prefix", "", "use the kernelspec in `DIR`/share/jupyter/kernels/deepnb (then set JUPYTER_PATH=DIR/share/jupyter)")
	fs.BoolVar(&o.SysPrefix, "sys-prefix", false, "use the kernelspec in Jupyter's Python sys.prefix/share/jupyter")
	fs.StringVar(&o.Root, "root", "", "project root (default: the directory above holding deepnb's go.mod)")
}

func installCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o install.Options
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	prefixFlags(fs, &o)
	fs.BoolVar(&o.Force, "force", false, "rebuild the tools even if they are up to date")
	fs.BoolVar(&o.NoPrewarm, "no-prewarm", false, "do not build the probe cell nor pre-warm the Go build cache")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("deepnb install: unexpected arguments %q", fs.Args())
	}
	o.Out = stdout
	start := time.Now()
	dir, err := install.Install(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deepnb kernel installed at %s (%.1fs); check it with: go run ./kernel/cmd/deepnb doctor\n",
		dir, time.Since(start).Seconds())
	return nil
}

func doctorCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o install.Options
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	prefixFlags(fs, &o)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("deepnb doctor: unexpected arguments %q", fs.Args())
	}
	results := install.Doctor(ctx, o)
	install.PrintReport(stdout, results)
	if install.Failed(results) {
		return errSilent
	}
	return nil
}
