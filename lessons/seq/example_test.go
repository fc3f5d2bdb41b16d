package seq_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/lessons/seq"
)

// A hidden test aims at one mistake: with x = 0 and h = 0 (and In = H) only the bias and the
// tanh count, so a step with W_xh and W_hh swapped passes it, and fails the test of the input
// term with a hint that names the mistake.
func ExampleCheckRNNStepCases() {
	swapped := func(x, h, Wxh, Whh, b *dl.Tensor) *dl.Tensor {
		return h.MatMul(Wxh.Transpose(0, 1)).Add(x.MatMul(Whh.Transpose(0, 1))).Add(b).Tanh()
	}
	r := seq.CheckRNNStepCases("x = 0, h = 0", []seq.StepCase{{B: 2, In: 3, H: 3, Seed: 1, ZeroX: true, ZeroH: true}}, swapped)
	fmt.Println(r)
	r = seq.CheckRNNStepCases("h = 0", []seq.StepCase{{B: 2, In: 3, H: 3, Seed: 2, ZeroH: true}}, swapped)
	fmt.Println(r.Passed, r.Hint)
	// Output:
	// ✓ x = 0, h = 0: 1 cases pass
	// false W_hh and W_xh are swapped: W_hh multiplies the state h, W_xh the input x
}

// One sequence of the recall task with lag 2: the marked symbol (the last input feature set)
// is the answer, read from the output row two steps after the mark.
func ExampleRecallBatch() {
	x, y, at := seq.RecallBatch(rand.New(rand.NewPCG(1, 2)), 1, 2, 3, 2)
	for step := range x.Dim(1) {
		fmt.Println(x.Slice(1, step, step+1).Data())
	}
	fmt.Println("answer", y[0], "read at row", at[0])
	// Output:
	// [0 1 0 0]
	// [0 0 1 0]
	// [0 0 1 1]
	// [1 0 0 0]
	// [1 0 0 0]
	// answer 2 read at row 4
}
