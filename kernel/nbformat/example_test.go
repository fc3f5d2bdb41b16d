package nbformat_test

import (
	"fmt"
	"testing"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

func ExampleRecorder() {
	var r nbformat.Recorder
	cell := nbformat.NewCodeCell(`fmt.Println("hi")`)
	for _, m := range []struct{ typ, content string }{
		{"stream", `{"name": "stdout", "text": "epoch 1: 10%\r"}`},
		{"stream", `{"name": "stdout", "text": "epoch 1: 100%\n"}`},
		{"display_data", `{"data": {"text/plain": "loss 0.9"}, "metadata": {}, "transient": {"display_id": "loss"}}`},
		{"update_display_data", `{"data": {"text/plain": "loss 0.1"}, "metadata": {}, "transient": {"display_id": "loss"}}`},
	} {
		if err := r.Apply(cell, m.typ, []byte(m.content)); err != nil {
			panic(err)
		}
	}
	r.Flush() // stream text is collected in buffers until then
	for _, o := range cell.Outputs {
		fmt.Printf("%s %q %v\n", o.OutputType, o.Text, o.Data["text/plain"])
	}
	// Output:
	// stream "epoch 1: 100%\n" <nil>
	// display_data "" loss 0.1
}

func ExampleParse() {
	nb, err := nbformat.Parse([]byte(`{"nbformat": 4, "nbformat_minor": 4, "metadata": {},
		"cells": [{"cell_type": "code", "metadata": {}, "source": ["x := 1\n", "fmt.Println(x)"], "outputs": [], "execution_count": null}]}`))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d cell, source %q\n", len(nb.Cells), nb.Cells[0].Source)
	// Output:
	// 1 cell, source "x := 1\nfmt.Println(x)"
}

// BenchmarkRecorderCell is the bookkeeping cost of one typical cell's
// output messages (the runner's own overhead per cell).
func BenchmarkRecorderCell(b *testing.B) {
	msgs := []struct{ typ, content string }{
		{"stream", `{"name": "stdout", "text": "step 1 loss 0.5\n"}`},
		{"stream", `{"name": "stdout", "text": "step 2 loss 0.4\n"}`},
		{"display_data", `{"data": {"text/plain": "plot", "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}, "metadata": {}, "transient": {"display_id": "d"}}`},
		{"execute_result", `{"execution_count": 1, "data": {"text/plain": "42"}, "metadata": {}}`},
	}
	b.ReportAllocs()
	for b.Loop() {
		var r nbformat.Recorder
		c := nbformat.NewCodeCell("x")
		for _, m := range msgs {
			if err := r.Apply(c, m.typ, []byte(m.content)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
