package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/deepnb/deepnb/kernel/grade"
	"github.com/deepnb/deepnb/kernel/nbformat"
	"github.com/deepnb/deepnb/kernel/runner"
)

const studentUsage = `usage: deepnb student --out-dir DIR NOTEBOOK...

Writes the student version of each instructor notebook into DIR under its file
name: solutions (between // BEGIN SOLUTION and // END SOLUTION in cells tagged
"exercise") replaced by stubs that compile and say what to do, cells tagged
"hidden-test" removed, outputs cleared. It refuses to write a version in which
a line of a solution or a hidden test survives, and never overwrites its input.
The conventions are in the documentation of package kernel/grade.

Flags:
`

// studentMain implements `deepnb student` (see studentUsage).
func studentMain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("student", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, studentUsage); fs.PrintDefaults() }
	outDir := fs.String("out-dir", "", "write the student versions into `DIR` (required)")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(paths) == 0:
		fs.Usage()
		return errors.New("deepnb student: no notebook given")
	case *outDir == "":
		fs.Usage()
		return errors.New("deepnb student: --out-dir is required")
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fmt.Errorf("deepnb student: %w", err)
	}
	for _, p := range paths {
		out := filepath.Join(*outDir, filepath.Base(p))
		if runner.SamePath(out, p) {
			return fmt.Errorf("deepnb student: %s: refusing to overwrite the instructor's notebook", p)
		}
		k, err := grade.ReadKey(p)
		if err != nil {
			return fmt.Errorf("deepnb student: %w", err)
		}
		nb, err := grade.Student(k)
		if err != nil {
			return fmt.Errorf("deepnb student: %w", err)
		}
		if leaks := grade.Leaks(k, nb); len(leaks) > 0 {
			return fmt.Errorf("deepnb student: %s: the student version would still contain:\n  %s", p, strings.Join(leaks, "\n  "))
		}
		if err := nbformat.WriteFile(out, nb); err != nil {
			return fmt.Errorf("deepnb student: %w", err)
		}
		fmt.Fprintf(stdout, "%s → %s: %d exercises (%s points), stubs in place, hidden tests removed\n",
			p, out, len(k.Exercises), fmt.Sprint(k.Points()))
	}
	return nil
}

const gradeUsage = `usage: deepnb grade --key INSTRUCTOR.ipynb [flags] SUBMISSION...

Grades each submission: runs it headlessly in a fresh kernel in a working folder
of its own, with the hidden tests of the instructor's notebook (--key) appended
after the student's cells, and scores each exercise by the points of the hidden
tests that pass. A submission that fails to compile, crashes, hangs or floods
its output is graded like the others (per-cell and per-submission timeouts)
and never stops the batch.

With --out-dir it writes gradebook.csv, gradebook.json, feedback/STUDENT.md for
each student (what failed and a hint, never a hidden test's source) and
executed/STUDENT.ipynb (with the hidden tests: for the instructor only). With
--docker IMAGE each submission runs in a container of the students' image
(docker/Dockerfile) with no network, the key and the submission read-only. A
student's name is the submission's file name without .ipynb, or its folder's
name when the file names are all the same (submissions/alice/05.ipynb).

Flags:
`

// gradeMain implements `deepnb grade` (see gradeUsage).
func gradeMain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("grade", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, gradeUsage); fs.PrintDefaults() }
	var params paramFlags
	var (
		key       = fs.String("key", "", "the instructor's notebook `FILE`, with solutions and hidden tests (required)")
		outDir    = fs.String("out-dir", "", "write the gradebook, feedback and executed notebooks into `DIR`")
		jobs      = fs.Int("j", 1, "grade up to `N` submissions at once, each in its own kernel")
		timeout   = fs.Duration("timeout", grade.DefaultCellTimeout, "per-cell timeout")
		subLimit  = fs.Duration("submission-timeout", grade.DefaultSubmissionTimeout, "timeout for a whole submission")
		kernel    = fs.String("kernel", runner.DefaultKernel, "kernelspec `NAME`")
		keepWork  = fs.Bool("keep-work", false, "keep each submission's working folder")
		maxOutput = byteSize(grade.DefaultMaxOutput)
		verbose   = fs.Bool("v", false, "print the kernels' logs to stderr")
		dockerImg = fs.String("docker", "", "run each submission in a container of the students' `IMAGE` (docker/Dockerfile), with no network")
	)
	fs.Var(&params, "p", "set parameter `name=value` in every submission (repeatable)")
	fs.Var(&maxOutput, "max-output", "keep at most `SIZE` bytes (e.g. 2M, 500k) of each stream output of a cell, its head and tail")
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *key == "":
		fs.Usage()
		return errors.New("deepnb grade: --key is required")
	case len(paths) == 0:
		fs.Usage()
		return errors.New("deepnb grade: no submission given")
	}
	if *dockerImg != "" {
		if err := grade.CheckDocker(ctx, *dockerImg); err != nil {
			return fmt.Errorf("deepnb grade: --docker: %w", err)
		}
	}
	k, err := grade.ReadKey(*key)
	if err != nil {
		return fmt.Errorf("deepnb grade: %w", err)
	}
	subs, err := submissions(paths)
	if err != nil {
		return fmt.Errorf("deepnb grade: %w", err)
	}
	for _, s := range subs {
		if runner.SamePath(s.Path, *key) {
			fmt.Fprintf(stderr, "deepnb grade: warning: %s is the key itself\n", s.Path)
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	stderr = &lockedWriter{w: stderr}
	opts := grade.Options{Kernel: *kernel, CellTimeout: *timeout, SubmissionTimeout: *subLimit, Params: params, KeepWork: *keepWork, Log: stderr, MaxOutput: int(maxOutput), Docker: *dockerImg}
	if !*verbose {
		opts.Log = progressOnly{stderr}
	}
	start := time.Now()
	reports, gradeErr := grade.GradeAll(ctx, k, subs, *jobs, opts)
	elapsed := time.Since(start)
	if err := grade.WriteCSV(stdout, k, reports); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "deepnb grade: %d submissions in %.1fs (%.1f per minute, -j %d)\n",
		len(reports), elapsed.Seconds(), float64(len(reports))/elapsed.Minutes(), *jobs)
	if *outDir != "" {
		if err := writeGradeDir(*outDir, k, reports); err != nil {
			return fmt.Errorf("deepnb grade: %w", err)
		}
	}
	if gradeErr != nil {
		return fmt.Errorf("deepnb grade: %w", gradeErr)
	}
	return nil
}

// progressOnly passes on the grader's "graded …" lines and drops the kernels' logs.
type progressOnly struct{ w io.Writer }

func (p progressOnly) Write(b []byte) (int, error) {
	if strings.HasPrefix(string(b), "graded ") {
		return p.w.Write(b)
	}
	return len(b), nil
}

// submissions names each submission: its file name less .ipynb, or, when
// those repeat, its folder's name.
func submissions(paths []string) ([]grade.Submission, error) {
	byBase := map[string]int{}
	for _, p := range paths {
		byBase[strings.TrimSuffix(filepath.Base(p), ".ipynb")]++
	}
	seen := map[string]string{}
	var subs []grade.Submission
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".ipynb")
		if byBase[name] > 1 {
			abs, err := filepath.Abs(p)
			if err != nil {
				return nil, err
			}
			name = filepath.Base(filepath.Dir(abs))
		}
		if q, dup := seen[name]; dup {
			return nil, fmt.Errorf("%s and %s would both be graded as %q: give each student's file or folder its own name", q, p, name)
		}
		seen[name] = p
		subs = append(subs, grade.Submission{Student: name, Path: p})
	}
	return subs, nil
}

func writeGradeDir(dir string, k *grade.Key, reports []*grade.Report) error {
	for _, sub := range []string{"feedback", "executed"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *grade.Key, []*grade.Report) error
	}{{"gradebook.csv", grade.WriteCSV}, {"gradebook.json", grade.WriteJSON}} {
		var sb strings.Builder
		if err := f.write(&sb, k, reports); err != nil {
			return err
		}
		if err := nbformat.WriteFileAtomic(filepath.Join(dir, f.name), []byte(sb.String())); err != nil {
			return err
		}
	}
	for _, r := range reports {
		if err := nbformat.WriteFileAtomic(filepath.Join(dir, "feedback", r.Student+".md"), []byte(grade.Feedback(r))); err != nil {
			return err
		}
		if r.Executed != nil {
			if err := nbformat.WriteFile(filepath.Join(dir, "executed", r.Student+".ipynb"), r.Executed); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after the
// positional arguments (a lone "--" ends the flags) and returns the
// positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
