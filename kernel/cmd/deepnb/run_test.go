package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/jupyter/fakekernel"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

func TestMain(m *testing.M) {
	fakekernel.MainIfKernel()
	if os.Getenv("DEEPNB_TEST_MAIN") == "1" {
		main() // the test binary as the deepnb command
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestRunSIGTERM: SIGTERM stops `deepnb run` as Ctrl-C does: the kernel is shut down, the
// cells run so far are written to --out and the run fails (issue 16, case 6).
func TestRunSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	if _, err := fakekernel.WriteSpec(dir, "fake", "message", nil); err != nil {
		t.Fatal(err)
	}
	nb := nbformat.New()
	nb.Cells = []*nbformat.Cell{nbformat.NewCodeCell("print before"), nbformat.NewCodeCell("hang-hard")}
	in, out := filepath.Join(dir, "in.ipynb"), filepath.Join(dir, "out.ipynb")
	if err := nbformat.WriteFile(in, nb); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "run", "-v", "--kernel", "fake", "--out", out, in)
	cmd.Env = append(os.Environ(), "DEEPNB_TEST_MAIN=1", "JUPYTER_PATH="+dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "cell 1/2 done") {
			break
		}
	}
	time.Sleep(300 * time.Millisecond) // cell 2 is running
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
		}
		done <- cmd.Wait()
	}()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("deepnb run still running 30 s after SIGTERM:\n%s", log.String())
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1 (not killed by the signal)\n%s", err, log.String())
	}
	if !strings.Contains(log.String(), "canceled") {
		t.Errorf("stderr does not say the run was canceled:\n%s", log.String())
	}
	got, err := nbformat.ReadFile(out)
	if err != nil || len(got.Cells[0].Outputs) != 1 || got.Cells[0].Outputs[0].Text != "before\n" {
		t.Errorf("--out after SIGTERM: %v, %v", got, err)
	}
}

func TestRunFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	nb := filepath.Join(dir, "a.ipynb")
	if err := os.WriteFile(nb, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	junit := filepath.Join(dir, "junit.xml")
	for i, tc := range []struct {
		args       []string
		wantErr    string
		wantStdout string
		wantStderr string
	}{
		{nil, "no notebook given", "", "usage: deepnb run"},
		{[]string{"--out", "x.ipynb", nb, nb}, "--out takes one notebook", "", ""},
		// Flags after the notebooks count as flags too.
		{[]string{nb, "--out", "x.ipynb", nb}, "--out takes one notebook", "", ""},
		{[]string{nb, "--inplace", "--out", "x.ipynb"}, "exclude one another", "", ""},
		{[]string{"--out", "x.ipynb", "--inplace", nb}, "exclude one another", "", ""},
		{[]string{"--out-dir", dir, nb, filepath.Join(dir, "sub", "a.ipynb")}, "would both be written", "", ""},
		{[]string{"-p", "noequals", nb}, "want name=value", "", ""},
		{[]string{"--max-output", "lots", nb}, "is not a size", "", ""},
		{[]string{"--inplace", nb, filepath.Join(dir, ".", "a.ipynb")}, "is given twice", "", ""},
		// A --junit or --out that cannot be written fails before any kernel starts, naming it.
		{[]string{"--kernel", "no-such-kernel-for-test", "--junit", filepath.Join(dir, "missing", "j.xml"), nb}, "cannot write " + filepath.Join(dir, "missing", "j.xml"), "", ""},
		{[]string{"--kernel", "no-such-kernel-for-test", "--out", filepath.Join(dir, "missing", "o.ipynb"), nb}, "1 of 1 notebooks failed", "", "cannot write " + filepath.Join(dir, "missing", "o.ipynb")},
		{[]string{"--kernel", "no-such-kernel-for-test", "--junit", junit, nb}, "1 of 1 notebooks failed", "a.ipynb  0/0", "no such kernelspec \"no-such-kernel-for-test\""},
	} {
		var stdout, stderr bytes.Buffer
		err := runMain(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("case %d: runMain(%q): got %v, want an error containing %q", i, tc.args, err, tc.wantErr)
		}
		if !strings.Contains(stdout.String(), tc.wantStdout) {
			t.Errorf("case %d: stdout %q lacks %q", i, stdout.String(), tc.wantStdout)
		}
		if !strings.Contains(stderr.String(), tc.wantStderr) {
			t.Errorf("case %d: stderr %q lacks %q", i, stderr.String(), tc.wantStderr)
		}
	}
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), `failures="1"`) || !strings.Contains(string(b), `type="kernel start"`) {
		t.Errorf("--junit: got %s, %v", b, err)
	}
}

// TestRunMixedBatch runs one good and one failing notebook two at a time
// through the fake kernel, with a parameter neither declares.
func TestRunMixedBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("starts kernel processes")
	}
	dir := t.TempDir()
	if _, err := fakekernel.WriteSpec(dir, "fake", "message", nil); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JUPYTER_PATH", dir)
	good := nbformat.New()
	good.Cells = []*nbformat.Cell{nbformat.NewCodeCell("var n = 1"), nbformat.NewCodeCell("print fine")}
	good.Cells[0].Metadata["tags"] = []any{"parameters"}
	bad := nbformat.New()
	bad.Cells = []*nbformat.Cell{nbformat.NewCodeCell("print before"), nbformat.NewCodeCell("error Boom it failed"), nbformat.NewCodeCell("print never")}
	goodPath, badPath := filepath.Join(dir, "good.ipynb"), filepath.Join(dir, "bad.ipynb")
	for p, nb := range map[string]*nbformat.Notebook{goodPath: good, badPath: bad} {
		if err := nbformat.WriteFile(p, nb); err != nil {
			t.Fatal(err)
		}
	}
	outDir, junit := filepath.Join(dir, "out"), filepath.Join(dir, "junit.xml")
	var stdout, stderr bytes.Buffer
	err := dispatch(context.Background(), []string{"run", "--kernel", "fake", "-j", "2", "-p", "nosuch=1", "--out-dir", outDir, "--junit", junit, badPath, goodPath}, &stdout, &stderr)
	if !errors.Is(err, errRunFailed) || !strings.Contains(err.Error(), "1 of 2 notebooks failed") {
		t.Errorf("run: got error %v, want errRunFailed: 1 of 2 notebooks failed", err)
	}
	// The table lists the notebooks in the order given, whichever finished first.
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	want := [][]string{
		{"NOTEBOOK", "CELLS", "SECONDS", "STATUS"},
		{badPath, "3/4", "FAILED: cell 3: error: Boom: it failed"},
		{goodPath, "3/3", "ok"},
		{"2 notebooks, 1 failed"},
	}
	if len(lines) != len(want) {
		t.Fatalf("summary: got %d lines, want %d:\n%s", len(lines), len(want), stdout.String())
	}
	for i, ws := range want {
		for _, w := range ws {
			if !strings.Contains(lines[i], w) {
				t.Errorf("summary line %d lacks %q: %q", i, w, lines[i])
			}
		}
	}
	for _, w := range []string{
		badPath + `: warning: no code cell tagged "parameters": parameter nosuch injected in a new cell at the top`,
		goodPath + `: warning: parameter nosuch is not declared in the cell tagged "parameters"`,
		badPath + ": cell 3 (id ",
		"): error:\n    | error Boom it failed\n  Boom: it failed\n\n",
	} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
		}
	}
	if strings.Contains(stderr.String(), goodPath+": cell") {
		t.Errorf("stderr reports a failure of the good notebook:\n%s", stderr.String())
	}
	// Both executed notebooks are written, the failed one up to its failure.
	for p, wantOut := range map[string]string{"good.ipynb": "fine\n", "bad.ipynb": "before\n"} {
		nb, err := nbformat.ReadFile(filepath.Join(outDir, p))
		if err != nil {
			t.Errorf("--out-dir: %v", err)
			continue
		}
		if got := nb.Cells[len(nb.Cells)-1].Outputs; p == "good.ipynb" && (len(got) != 1 || got[0].Text != wantOut) {
			t.Errorf("%s: last cell outputs %+v, want %q", p, got, wantOut)
		}
		if got := nb.Cells[1].Outputs; p == "bad.ipynb" && (len(got) != 1 || got[0].Text != wantOut) {
			t.Errorf("%s: cell 2 outputs %+v, want %q", p, got, wantOut)
		}
	}
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), `tests="2" failures="1"`) {
		t.Errorf("--junit: got %s, %v", b, err)
	}
}

func TestByteSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{{"0", 0}, {"100000", 100000}, {"500k", 500 << 10}, {"2M", 2 << 20}, {"2MB", 2 << 20}, {"1G", 1 << 30}, {"-1", -1}, {"2T", -1}, {"k", -1}} {
		var b byteSize
		err := b.Set(tc.in)
		if tc.want < 0 && err == nil || tc.want >= 0 && (err != nil || int64(b) != tc.want) {
			t.Errorf("Set(%q) = %d, %v; want %d", tc.in, b, err, tc.want)
		}
	}
}
