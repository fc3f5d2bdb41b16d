package nbformat

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A 4.4 notebook (no cell ids) with unknown keys at every level, sources as
// both lists of lines and strings, and every output type.
const sample = `{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {"collapsed": true},
   "source": ["# Title\n", "text"],
   "attachments": {"a.png": {"image/png": "iVBO"}},
   "x_cell_unknown": [1, 2.50, {"deep": null}]
  },
  {
   "cell_type": "code",
   "execution_count": 3,
   "metadata": {"tags": ["parameters"], "scrolled": false},
   "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
    {"output_type": "execute_result", "execution_count": 3, "data": {"text/plain": ["1\n", "2"], "application/json": {"k": [1, 2]}, "image/png": "iVBORw0KGgo="}, "metadata": {"image/png": {"width": 10}}},
    {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["t1", "t2"], "x_output_unknown": "keep"}
   ],
   "source": "var epochs = 3\nvar lr = 0.1"
  },
  {"cell_type": "raw", "metadata": {}, "source": ""}
 ],
 "metadata": {"kernelspec": {"name": "deepnb", "display_name": "Go"}, "deepnb": {"timeout_seconds": 120}, "big": 12345678901234567890, "f": 1.0e-7},
 "nbformat": 4,
 "nbformat_minor": 4,
 "x_top_unknown": {"a": "<b>&</b>"}
}`

func TestParse(t *testing.T) {
	t.Parallel()
	nb, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 3 {
		t.Fatalf("Parse: got %d cells, want 3", len(nb.Cells))
	}
	md, code := nb.Cells[0], nb.Cells[1]
	for i, tc := range []struct{ got, want any }{
		{md.Source, "# Title\ntext"},
		{code.Source, "var epochs = 3\nvar lr = 0.1"},
		{*code.ExecutionCount, 3},
		{code.Tags(), []string{"parameters"}},
		{code.HasTag("parameters"), true},
		{code.Outputs[0].Text, "a\nb\n"},
		{code.Outputs[1].Data["text/plain"], "1\n2"},
		{code.Outputs[1].Data["image/png"], "iVBORw0KGgo="},
		{code.Outputs[2].Traceback, []string{"t1", "t2"}},
		{md.Attachments != nil, true},
	} {
		if !reflect.DeepEqual(tc.got, tc.want) {
			t.Errorf("case %d: Parse: got %#v, want %#v", i, tc.got, tc.want)
		}
	}
}

func TestRoundTripKeepsUnknownFields(t *testing.T) {
	t.Parallel()
	nb, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	out, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("Marshal wrote invalid JSON: %v\n%s", err, out)
	}
	json.Unmarshal([]byte(sample), &want)

	// Upgraded to 4.5 with ids; otherwise the same, with strings split into lines.
	if got["nbformat_minor"] != 5.0 {
		t.Errorf("nbformat_minor: got %v, want 5", got["nbformat_minor"])
	}
	ids := map[string]bool{}
	for i, c := range got["cells"].([]any) {
		id, _ := c.(map[string]any)["id"].(string)
		if !validID.MatchString(id) || ids[id] {
			t.Errorf("cell %d: id %q invalid or duplicate", i, id)
		}
		ids[id] = true
		delete(c.(map[string]any), "id")
	}
	want["nbformat_minor"] = 5.0
	code := want["cells"].([]any)[1].(map[string]any)
	code["source"] = []any{"var epochs = 3\n", "var lr = 0.1"}
	code["outputs"].([]any)[1].(map[string]any)["data"].(map[string]any)["image/png"] = []any{"iVBORw0KGgo="}
	want["cells"].([]any)[2].(map[string]any)["source"] = []any{}
	want["cells"].([]any)[2].(map[string]any)["source"] = []any{}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("round trip:\ngot  %s\nwant %s", g, w)
	}
	// Exact numbers and no HTML escaping.
	for _, s := range []string{"12345678901234567890", "1.0e-7", `"<b>&</b>"`, "2.50"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("Marshal: %s not kept verbatim", s)
		}
	}
	// A second round trip is byte-identical (ids are now stable).
	nb2, err := Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	out2, _ := nb2.Marshal()
	if string(out2) != string(out) {
		t.Errorf("second round trip differs:\n%s\n---\n%s", out, out2)
	}
}

func TestMarshalFormat(t *testing.T) {
	t.Parallel()
	nb := New()
	c := NewCodeCell("fmt.Println(1)\n")
	nb.Cells = append(nb.Cells, c, &Cell{ID: c.ID, CellType: "markdown", Source: "dup id"})
	out, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.HasPrefix(s, "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"execution_count\": null,") || !strings.HasSuffix(s, "\n}\n") {
		t.Errorf("Marshal: not in Jupyter's layout (sorted keys, 1-space indent):\n%s", s)
	}
	if nb.Cells[0].ID == nb.Cells[1].ID {
		t.Errorf("Marshal: duplicate id %q kept", nb.Cells[1].ID)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct{ in, want string }{
		{`{"nbformat": 3, "nbformat_minor": 0}`, "nbformat 3 not supported"},
		{`{"nbformat": 4}`, "nbformat_minor"},
		{`{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "foo"}]}`, `cell 1: unknown cell_type "foo"`},
		{`{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": 3}]}`, "cell 1: source is json.Number"},
		{`[1]`, "invalid JSON"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: Parse: got %v, want an error containing %q", i, err, tc.want)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "nb.ipynb")
	nb := New()
	nb.Cells = []*Cell{NewCodeCell("x := 1")}
	if err := WriteFile(path, nb); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if _, err := ReadFile(path); err != nil {
		t.Fatalf("ReadFile after WriteFile: %v", err)
	}
	// A notebook that cannot be encoded leaves the file untouched, and no
	// temporary file behind.
	bad := New()
	bad.Metadata["x"] = math.NaN()
	if err := WriteFile(path, bad); err == nil {
		t.Fatal("WriteFile(NaN metadata): no error")
	}
	// A write into a missing directory fails without creating anything.
	if err := WriteFile(filepath.Join(dir, "missing", "nb.ipynb"), nb); err == nil {
		t.Error("WriteFile(missing dir): no error")
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Error("WriteFile: failed write changed the file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("WriteFile: left %d entries in the directory, want 1", len(entries))
	}
}

func TestWriteFileAtomicRenameFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "nb.ipynb")
	// A non-empty directory in the way makes the final rename fail.
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, []byte("{}")); err == nil {
		t.Fatal("WriteFileAtomic over a directory: no error")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "nb.ipynb" {
		t.Errorf("WriteFileAtomic: temporary file left behind: %v", entries)
	}
}
