// Package install sets up the deepnb Jupyter kernel: while online it downloads every module a cell
// can need ([DownloadModules]), builds the pinned GoNB, goimports and gopls and the go wrapper into the
// project's bin folder, writes a Jupyter kernelspec named "deepnb", proves that a cell builds offline
// ([Probe]) and pre-warms the Go build cache so that the first cell of a lecture does not compile the
// world. It also checks an installation (see [Doctor]).
//
// # Overview
//
// The command line front end is `go run ./kernel/cmd/deepnb install` (and `doctor`). Programs and tests
// call the same logic:
//
//	root, err := install.FindRoot()                 // the directory holding deepnb's go.mod
//	spec, err := install.Install(ctx, install.Options{Root: root, Prefix: tmp, Out: os.Stderr})
//	// spec == tmp/share/jupyter/kernels/deepnb; let Jupyter clients find it with
//	// JUPYTER_PATH=tmp/share/jupyter (see [Options.JupyterPath]).
//
// Install is idempotent: programs whose build info already matches the pins in kernel/tools/go.mod and
// the local Go toolchain are not rebuilt, and an unchanged kernel.json is not rewritten.
//
// # The kernel
//
// The kernelspec runs `<root>/.bin/gonb --kernel {connection_file} -go_work=<root>`. With -go_work, GoNB
// compiles each cell in a temporary module (/tmp/gonb_XXXXXXXX) whose go.work uses the project root, so
// cells import github.com/deepnb/deepnb/... and the project's pinned dependencies (gonum, gonum/plot,
// GoNB's gonbui and cache) at the versions in the project's go.mod. The kernel's environment puts
// <root>/.bin first on PATH (GoNB runs goimports and gopls from PATH) and sets GOPROXY=off, GOFLAGS=""
// and GOTOOLCHAIN=local (see [KernelEnv]), so cells never reach the network.
//
// # A fresh machine
//
// The kernel runs Go with GOPROXY=off, so every module a cell build loads must be in the module cache
// beforehand — not only the modules whose packages compile: in workspace mode the go command also
// reads the go.mod of every module in the graph (goczmq, an indirect requirement of zmq4, is one).
// [DownloadModules] fetches the full module graphs of the project and of kernel/tools (`go mod
// download all`, on a copy of go.mod so go.sum is untouched) and datasets.Modules, after checking
// with GOPROXY=off whether anything is missing at all. [Probe] then builds a probe cell importing
// [ProbePackages] (what the notebooks import, and [PrewarmPackages]) exactly as GoNB does — the
// temporary module, `go get`, `go build -o`, the kernelspec's environment — and a failure names the
// missing modules. The kernelspec's PATH starts with <root>/.bin, where <root>/.bin/go is the
// wrapper of package gohint: a cell that meets a missing module is told which one and the fix.
//
// # Pre-warming
//
// GoNB compiles a cell with a plain `go build -o <tmp>/gonb_XXXXXXXX` inside that temporary module,
// with no extra build flags. [Prewarm] creates the same layout (go.mod + go.work + replace rule, as
// GoNB's InitializeGoWork and GoWorkFix do) and builds a program importing the lecture packages with
// the kernel's environment, so the compiled packages land in the Go build cache under the same keys a
// cell uses.
//
// # Errors
//
// All functions return errors naming the file or command that failed and what to run to fix it.
package install
