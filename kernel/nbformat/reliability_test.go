package nbformat

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseRejectsMalformed: a malformed notebook is an error naming the cell and the field,
// never a notebook with parts silently dropped (issue 16, cases 4 and 9).
func TestParseRejectsMalformed(t *testing.T) {
	cell := func(src string) string {
		return `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [` +
			`{"cell_type": "markdown", "metadata": {}, "source": "# ok"}, ` + src + `]}`
	}
	for _, c := range []struct {
		name, json string
		want       []string // substrings of the error
	}{
		{"non-string source items", cell(`{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": [1, {"a": 2}, "%%\nfmt.Println(1)"]}`),
			[]string{"cell 2", "source[0]", "json.Number"}},
		{"numbers only", cell(`{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": null, "source": [1, 2, 3]}`),
			[]string{"cell 2", "source[0]"}},
		{"null in the list", cell(`{"cell_type": "markdown", "metadata": {}, "source": ["a", null]}`),
			[]string{"cell 2", "source[1]"}},
		{"stream text item", cell(`{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x", "outputs": [{"output_type": "stream", "name": "stdout", "text": ["a", true]}]}`),
			[]string{"cell 2", "text[1]"}},
		{"display data item", cell(`{"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"text/plain": ["a", 7]}}]}`),
			[]string{"cell 2", "text/plain[1]"}},
		{"trailing junk", cell(`{"cell_type": "markdown", "metadata": {}, "source": "b"}`) + "\n}junk",
			[]string{"notebook", "trailing data"}},
		{"two objects", cell(`{"cell_type": "markdown", "metadata": {}, "source": "b"}`) + `{"nbformat": 4}`,
			[]string{"notebook", "trailing data"}},
	} {
		nb, err := Parse([]byte(c.json))
		if err == nil {
			t.Errorf("%s: Parse succeeded (%d cells), want an error", c.name, len(nb.Cells))
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, w)
			}
		}
	}
	// Trailing white space is fine (editors add a newline).
	if _, err := Parse([]byte(cell(`{"cell_type": "markdown", "metadata": {}, "source": ["a\n", "b"]}`) + "\n \t\n")); err != nil {
		t.Errorf("trailing white space: %v", err)
	}
}

// TestRecorderRejectsNonStringLines: a kernel message whose MIME data is a list with a
// non-string item is an error, not silently shortened text.
func TestRecorderRejectsNonStringLines(t *testing.T) {
	var r Recorder
	c := NewCodeCell("x")
	err := r.Apply(c, "display_data", []byte(`{"data": {"text/plain": ["a", 1]}, "metadata": {}}`))
	if err == nil || !strings.Contains(err.Error(), "text/plain[1]") {
		t.Errorf("Apply = %v, want an error naming text/plain[1]", err)
	}
}

// TestWriteFileThroughSymlink: writing a notebook over a symbolic link replaces the link's
// target (atomically) and keeps the link (issue 16, case 8).
func TestWriteFileThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real", "lecture.ipynb")
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.ipynb")
	if err := os.Symlink(filepath.Join("real", "lecture.ipynb"), link); err != nil {
		t.Fatal(err)
	}
	nb := New()
	nb.Cells = append(nb.Cells, NewCodeCell("x := 1"))
	if err := WriteFile(link, nb); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced (%v, %v)", fi.Mode(), err)
	}
	got, err := ReadFile(target)
	if err != nil || len(got.Cells) != 1 || got.Cells[0].Source != "x := 1" {
		t.Fatalf("target not updated: %v %v", got, err)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
		t.Errorf("target's permissions %v, want 0600 kept", fi.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*", ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCheckWritable: CheckWritable accepts a path a notebook can be written to and names the
// path (not a temporary file) in its errors; it leaves nothing behind.
func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "new.ipynb")
	if err := CheckWritable(ok); err != nil {
		t.Errorf("CheckWritable(%s) = %v", ok, err)
	}
	if _, err := os.Stat(ok); !os.IsNotExist(err) {
		t.Errorf("CheckWritable created %s", ok)
	}
	for _, bad := range []string{filepath.Join(dir, "missing", "x.ipynb"), dir} {
		err := CheckWritable(bad)
		if err == nil || !strings.Contains(err.Error(), bad) || strings.Contains(err.Error(), ".tmp") {
			t.Errorf("CheckWritable(%s) = %v, want an error naming it", bad, err)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// TestRecorderMaxOutput: with MaxOutput, a runaway stream keeps its head and tail, cut at
// line ends, with a line saying how much was left out, and Omitted counts it; without it,
// every byte is kept.
func TestRecorderMaxOutput(t *testing.T) {
	var all strings.Builder
	lines := 0
	send := func(r *Recorder, c *Cell) {
		all.Reset()
		lines = 0
		for m := range 200 {
			var b strings.Builder
			for range 50 {
				fmt.Fprintf(&b, "line %06d %s\n", lines, strings.Repeat("x", 20))
				lines++
			}
			if m%7 == 3 {
				b.WriteString("progress 10%\rprogress 100%\n")
			}
			all.WriteString(strings.ReplaceAll(b.String(), "progress 10%\r", ""))
			if err := r.Apply(c, "stream", mustJSON(t, map[string]string{"name": "stdout", "text": b.String()})); err != nil {
				t.Fatal(err)
			}
		}
		r.Flush()
	}
	var full Recorder
	c := NewCodeCell("x")
	send(&full, c)
	if len(c.Outputs) != 1 || c.Outputs[0].Text != all.String() || full.Omitted(c) != 0 {
		t.Fatalf("no limit: got %d outputs, %d bytes (want %d), omitted %d", len(c.Outputs), len(c.Outputs[0].Text), all.Len(), full.Omitted(c))
	}

	const limit = 10000
	capped := Recorder{MaxOutput: limit}
	c = NewCodeCell("x")
	send(&capped, c)
	text := c.Outputs[0].Text
	omitted := capped.Omitted(c)
	marker := fmt.Sprintf(TruncatedFormat, omitted)
	head, tail, ok := strings.Cut(text, marker)
	if !ok || omitted <= 0 {
		t.Fatalf("capped: no truncation line for %d omitted bytes in %q…", omitted, text[:200])
	}
	if len(head)+len(tail) > limit || len(head)+len(tail) < limit/2 {
		t.Errorf("capped: kept %d+%d bytes for MaxOutput %d", len(head), len(tail), limit)
	}
	if !strings.HasPrefix(all.String(), head) || !strings.HasSuffix(all.String(), tail) {
		t.Errorf("capped: head or tail is not the stream's own")
	}
	if int64(len(head))+omitted+int64(len(tail)) != int64(all.Len()) {
		t.Errorf("capped: %d + %d + %d bytes ≠ %d sent", len(head), omitted, len(tail), all.Len())
	}
	if !strings.HasSuffix(head, "\n") || !strings.HasPrefix(tail, "line ") {
		t.Errorf("capped: not cut at line ends: head ends %q, tail starts %q", head[len(head)-10:], tail[:10])
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestWriteStreamsSameBytes: the piecewise writer gives exactly what encoding/json's indenting
// Encoder gives for the whole notebook, for every notebook in the repository and for values
// of other types in metadata.
func TestWriteStreamsSameBytes(t *testing.T) {
	paths, _ := filepath.Glob("../../notebooks/*.ipynb")
	more, _ := filepath.Glob("../../kernel/*/testdata/*.ipynb")
	paths = append(paths, more...)
	if len(paths) == 0 {
		t.Fatal("no notebooks found")
	}
	odd := New()
	odd.Metadata["x"] = map[string]any{"s": struct {
		A []int
		B map[string]string
	}{[]int{1, 2}, map[string]string{"<&>": "é\u2028"}}, "e": []any{}, "m": map[string]any{}, "n": json.Number("1.50"), "f": 2.5, "nil": nil}
	odd.Cells = append(odd.Cells, NewCodeCell("a <b> & \"c\"\n\tx\n"))
	nbs := []*Notebook{odd}
	for _, p := range paths {
		nb, err := ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		nbs = append(nbs, nb)
	}
	for i, nb := range nbs {
		got, err := nb.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var want strings.Builder
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		if err := enc.Encode(nb.top()); err != nil {
			t.Fatal(err)
		}
		if string(got) != want.String() {
			name := "metadata of other types"
			if i > 0 {
				name = paths[i-1]
			}
			n := 0
			for n < min(len(got), want.Len()) && got[n] == want.String()[n] {
				n++
			}
			t.Errorf("%s: differs from encoding/json at byte %d: %q vs %q", name, n, got[n:min(n+40, len(got))], want.String()[n:min(n+40, want.Len())])
		}
	}
}
