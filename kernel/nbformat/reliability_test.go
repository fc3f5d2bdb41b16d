package nbformat

import (
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
