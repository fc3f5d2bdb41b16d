package nbformat

import (
	"bytes"
	"os"
	"testing"
)

// FuzzParse: Parse never panics; what it accepts writes back to JSON that parses to the same
// notebook (writing is idempotent after one round).
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "deepnb"}}, "cells": [{"cell_type": "code", "id": "a", "metadata": {"tags": ["parameters"]}, "source": ["x := 1\n", "fmt.Println(x)"], "outputs": [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}, {"output_type": "display_data", "data": {"text/plain": ["a\n", "b"], "application/json": {"k": [1]}}, "metadata": {}}, {"output_type": "error", "ename": "E", "evalue": "v", "traceback": ["t"]}], "execution_count": 3}, {"cell_type": "markdown", "metadata": {}, "source": "# t", "attachments": {}}]}`))
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": []}`))
	f.Add([]byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "raw", "metadata": {}, "source": [1]}]} x`))
	if b, err := os.ReadFile("../../notebooks/00-welcome.ipynb"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		nb, err := Parse(b)
		if err != nil {
			return
		}
		out1, err := nb.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed notebook: %v", err)
		}
		nb2, err := Parse(out1)
		if err != nil {
			t.Fatalf("Parse of a written notebook: %v\n%s", err, out1)
		}
		out2, err := nb2.Marshal()
		if err != nil || !bytes.Equal(out1, out2) {
			t.Fatalf("write/parse/write changes the notebook:\n%s\n---\n%s", out1, out2)
		}
		if _, err := Read(bytes.NewReader(b)); err != nil {
			t.Fatalf("Read fails where Parse succeeds: %v", err)
		}
	})
}
