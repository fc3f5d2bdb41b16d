package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

const runUsage = `usage: deepnb run [flags] NOTEBOOK...

Executes notebooks headlessly through a Jupyter kernel (default: the "deepnb"
kernelspec), cell by cell, as papermill does. The executed notebook, with its
outputs, is written atomically to --out, into --out-dir, or over the input with
--inplace; without any of them nothing is written. A summary table is printed
at the end; the exit status is 1 if any notebook failed.

Parameters (-p name=value) are injected, as Go declarations typed after those
of the cell tagged "parameters", in a new cell tagged "injected-parameters".
As papermill does, deepnb run warns (on stderr) of a parameter the parameters
cell does not declare, and of parameters given to a notebook without such a
cell (their cell is then injected at the top of the notebook).

Flags:
`

type paramFlags []runner.Param

func (p *paramFlags) String() string { return fmt.Sprint(*p) }

func (p *paramFlags) Set(s string) error {
	prm, err := runner.ParseParam(s)
	if err != nil {
		return err
	}
	*p = append(*p, prm)
	return nil
}

// runMain implements `deepnb run [flags] NOTEBOOK...` (see runUsage). It
// returns an error wrapping errRunFailed, after printing the failures and
// the summary, if any notebook failed.
func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, runUsage)
		fs.PrintDefaults()
	}
	var params paramFlags
	var (
		out          = fs.String("out", "", "write the executed notebook to `FILE` (one notebook only)")
		outDir       = fs.String("out-dir", "", "write each executed notebook into `DIR`, under its file name")
		inplace      = fs.Bool("inplace", false, "overwrite each input notebook with its executed version")
		kernel       = fs.String("kernel", runner.DefaultKernel, "kernelspec `NAME`")
		timeout      = fs.Duration("timeout", 0, "per-cell timeout (default: the notebook's metadata deepnb.timeout_seconds, or 5m)")
		startTimeout = fs.Duration("start-timeout", 60*time.Second, "how long the kernel may take to start")
		jobs         = fs.Int("j", 1, "run up to `N` notebooks at once, each in its own kernel")
		junit        = fs.String("junit", "", "write a JUnit XML report to `FILE`")
		allowErrors  = fs.Bool("allow-errors", false, "keep running cells after one raises an error (the notebook still fails)")
		maxOutput    byteSize
		verbose      = fs.Bool("v", false, "print a line per executed cell, and the kernel's log, to stderr")
	)
	fs.Var(&params, "p", "set parameter `name=value` (repeatable)")
	fs.Var(&maxOutput, "max-output", "keep at most `SIZE` bytes (e.g. 2M, 500k) of each stream output of a cell, its head and tail,\nsaying in the notebook and on stderr how much was left out (default: keep everything)")
	// Flags may come before, between or after the notebooks (`run a.ipynb --out b.ipynb`);
	// a lone "--" ends the flags.
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		fs.Usage()
		return errors.New("deepnb run: no notebook given")
	}
	switch {
	case *out != "" && (*outDir != "" || *inplace), *outDir != "" && *inplace:
		return errors.New("deepnb run: --out, --out-dir and --inplace exclude one another")
	case *out != "" && len(paths) > 1:
		return errors.New("deepnb run: --out takes one notebook; use --out-dir for several")
	}
	if *inplace {
		seen := map[string]bool{}
		for _, p := range paths {
			a, err := filepath.Abs(p)
			if err != nil {
				return fmt.Errorf("deepnb run: %w", err)
			}
			if seen[a] {
				return fmt.Errorf("deepnb run: --inplace: %s is given twice", p)
			}
			seen[a] = true
		}
	}
	if *outDir != "" {
		if err := os.MkdirAll(*outDir, 0o755); err != nil {
			return fmt.Errorf("deepnb run: %w", err)
		}
		seen := map[string]string{}
		for _, p := range paths {
			b := filepath.Base(p)
			if q, dup := seen[b]; dup {
				return fmt.Errorf("deepnb run: %s and %s would both be written to %s", q, p, filepath.Join(*outDir, b))
			}
			seen[b] = p
		}
	}

	if *junit != "" {
		// Fail now, not after the whole run.
		if err := nbformat.CheckWritable(*junit); err != nil {
			return fmt.Errorf("deepnb run: --junit: %w", err)
		}
	}

	// SIGTERM (kill, a CI job's cancel, docker stop) stops the run as Ctrl-C does: the
	// kernel is shut down and what has run is written.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Notebooks run with -j write warnings, progress and kernel logs at once.
	stderr = &lockedWriter{w: stderr}
	base := runner.Options{
		Kernel:       *kernel,
		Timeout:      *timeout,
		StartTimeout: *startTimeout,
		Params:       params,
		AllowErrors:  *allowErrors,
		InPlace:      *inplace,
		Warnings:     stderr,
		MaxOutput:    int(maxOutput),
	}
	if *verbose {
		base.Progress = stderr
		base.Log = stderr
	}
	jobList := make([]runner.Job, len(paths))
	for i, p := range paths {
		o := base
		switch {
		case *out != "":
			o.Out = *out
		case *outDir != "":
			o.Out = filepath.Join(*outDir, filepath.Base(p))
		}
		jobList[i] = runner.Job{Path: p, Opts: o}
	}
	started := time.Now()
	results := runner.RunAll(ctx, jobList, *jobs)

	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
			fmt.Fprintf(stderr, "\n%v\n", r.Err)
		}
	}
	if failed > 0 {
		fmt.Fprintln(stderr)
	}
	if err := runner.WriteSummary(stdout, results); err != nil {
		return err
	}
	if *junit != "" {
		if err := runner.WriteJUnit(*junit, results, started); err != nil {
			return fmt.Errorf("deepnb run: %w", err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%w: %d of %d notebooks failed", errRunFailed, failed, len(results))
	}
	return nil
}

// byteSize is a flag value of bytes: a number, maybe followed by k, M or G
// (powers of 1024) and an optional B.
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	num := strings.TrimSuffix(strings.TrimSuffix(s, "B"), "b")
	mult := int64(1)
	if n := len(num); n > 0 {
		switch num[n-1] {
		case 'k', 'K':
			mult = 1 << 10
		case 'm', 'M':
			mult = 1 << 20
		case 'g', 'G':
			mult = 1 << 30
		}
		if mult > 1 {
			num = num[:n-1]
		}
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v < 0 || v > math.MaxInt32/mult {
		return fmt.Errorf("%q is not a size (want e.g. 2M, 500k or 100000)", s)
	}
	*b = byteSize(v * mult)
	return nil
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// errRunFailed marks a run whose failures have been reported already.
var errRunFailed = errors.New("deepnb run")
