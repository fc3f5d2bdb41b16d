package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderParamsNonFinite: NaN and ±Inf render as math calls, which compile, instead of
// the undefined identifiers NaN and Inf (issue 16, case 7).
func TestRenderParamsNonFinite(t *testing.T) {
	const cell = "var lr float64 = 0.1\nvar eps float32 = 1\nconst c = 1.5\n"
	for _, tc := range []struct {
		name, value, want, wantErr string
	}{
		{"lr", "NaN", "var lr float64 = math.NaN()", ""},
		{"lr", "nan", "var lr float64 = math.NaN()", ""},
		{"lr", "Inf", "var lr float64 = math.Inf(1)", ""},
		{"lr", "+Inf", "var lr float64 = math.Inf(1)", ""},
		{"lr", "-inf", "var lr float64 = math.Inf(-1)", ""},
		{"eps", "NaN", "var eps float32 = float32(math.NaN())", ""},
		{"eps", "-Inf", "var eps float32 = float32(math.Inf(-1))", ""},
		{"undeclared", "NaN", "var undeclared float64 = math.NaN()", ""},
		{"c", "NaN", "", "a constant cannot be NaN"},
	} {
		got, err := RenderParams(cell, []Param{{tc.name, tc.value}})
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s=%s: err = %v, want %q", tc.name, tc.value, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s=%s: %v", tc.name, tc.value, err)
			continue
		}
		if lines := strings.Split(got, "\n"); lines[len(lines)-1] != tc.want {
			t.Errorf("%s=%s: rendered %q, want %q", tc.name, tc.value, lines[len(lines)-1], tc.want)
		}
	}
}

// TestRunFileChecksOutFirst: an --out the runner cannot write is reported before any kernel
// starts, naming the path the user gave, not a temporary file (issue 16, cases 5 and 12).
// The kernel named does not exist: reaching it would give a "kernel start" error instead.
func TestRunFileChecksOutFirst(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ipynb")
	if err := os.WriteFile(in, []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": "x := 1"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{
		filepath.Join(dir, "missing", "out.ipynb"), // a folder that does not exist
		dir, // a folder, not a file
	} {
		res, err := RunFile(context.Background(), in, Options{Kernel: "deepnb-no-such-kernel", Out: out})
		if err == nil {
			t.Fatalf("RunFile with --out %s succeeded", out)
		}
		msg := err.Error()
		if !strings.Contains(msg, out) || strings.Contains(msg, ".tmp") || strings.Contains(msg, "kernel") {
			t.Errorf("--out %s: error %q should name the path, no temporary file, and come before the kernel starts", out, msg)
		}
		if res == nil || res.Err != err {
			t.Errorf("--out %s: Result.Err = %v, want the error returned", out, res)
		}
	}
	// A run that fails (here: no such kernel) still writes what it has, and a write error
	// is not lost even though the run failed.
	out := filepath.Join(dir, "out.ipynb")
	_, err := RunFile(context.Background(), in, Options{Kernel: "deepnb-no-such-kernel", Out: out})
	if err == nil || !strings.Contains(err.Error(), "deepnb-no-such-kernel") {
		t.Errorf("RunFile with a missing kernel: err = %v", err)
	}
	if _, serr := os.Stat(out); serr != nil {
		t.Errorf("the failed run's notebook was not written: %v", serr)
	}
}
