package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
