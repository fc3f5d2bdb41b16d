package dl_test

import (
	"fmt"
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// TestRecordsGraph checks RecordsGraph, which the recurrent layers use to take their forward
// buffers from the scratch pool in evaluation, against what an op does: for every mix of a
// parameter, a plain tensor, a marked one and a recorded result, it must predict whether an op
// on them records a graph.
func TestRecordsGraph(t *testing.T) {
	param := func() *dl.Tensor { return dl.Ones(2).SetRequiresGrad(true) }
	kinds := map[string]func() *dl.Tensor{
		"param":    param,
		"plain":    func() *dl.Tensor { return dl.Ones(2) },
		"marked":   func() *dl.Tensor { return dl.Ones(2).NoGrad() },
		"recorded": func() *dl.Tensor { return param().MulScalar(2) },
		"from marked": func() *dl.Tensor {
			return param().Add(dl.Ones(2).NoGrad())
		},
	}
	names := []string{"param", "plain", "marked", "recorded", "from marked"}
	for _, a := range names {
		for _, b := range names {
			for _, c := range names {
				ins := []*dl.Tensor{kinds[a](), kinds[b](), kinds[c]()}
				out := dl.Custom("probe", make([]float32, 1), []int{1}, func([]float32, [][]float32) {}, ins...)
				if got, want := dl.RecordsGraph(ins...), out.RequiresGrad(); got != want {
					t.Errorf("%s: RecordsGraph = %v, dl records a graph: %v", fmt.Sprint([]string{a, b, c}), got, want)
				}
			}
		}
	}
}

// RecordsGraph tells before an op whether its backward could run.
func ExampleRecordsGraph() {
	w := dl.Ones(2).SetRequiresGrad(true)
	x := dl.Ones(2)
	fmt.Println(dl.RecordsGraph(w, x))          // training: w needs its gradient
	fmt.Println(dl.RecordsGraph(w, x.NoGrad())) // evaluation: the mark passes on
	fmt.Println(dl.RecordsGraph(x, nil))        // nothing requires a gradient
	// Output:
	// true
	// false
	// false
}
