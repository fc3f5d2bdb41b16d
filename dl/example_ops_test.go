package dl_test

import (
	"errors"
	"fmt"

	"github.com/deepnb/deepnb/dl"
)

// The gradient of L = Σ (w·x + b)² with respect to w and b.
func ExampleTensor_Backward() {
	x := dl.New([]float32{1, 2, 3}, 3)
	w := dl.Scalar(0.5).SetRequiresGrad(true)
	b := dl.Scalar(-1).SetRequiresGrad(true)
	y := x.Mul(w).Add(b) // [-0.5 0 0.5]
	loss := y.Pow(2).Sum()
	loss.Backward()
	fmt.Printf("loss %.4f\n", loss.Item())
	fmt.Printf("dL/dw %.4f = Σ 2·y·x\n", w.Grad().Item())
	fmt.Printf("dL/db %.4f = Σ 2·y\n", b.Grad().Item())
	// Output:
	// loss 0.5000
	// dL/dw 2.0000 = Σ 2·y·x
	// dL/db 0.0000 = Σ 2·y
}

func ExampleTensor_MatMul() {
	x := dl.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3) // two examples of three features
	w := dl.New([]float32{1, 0, 0, 1, 1, -1}, 3, 2)
	y := x.MatMul(w)
	fmt.Println(y.Shape())
	for i := range 2 {
		fmt.Printf("%.4f %.4f\n", y.At(i, 0), y.At(i, 1))
	}
	// Output:
	// [2 2]
	// 4.0000 -1.0000
	// 10.0000 -1.0000
}

// Checking the gradient of the mean softmax cross-entropy of two examples (labels 0 and 1)
// against central differences. GradCheck leaves the Backward gradient in logits.Grad().
func ExampleGradCheck() {
	logits := dl.New([]float32{2, 1, 0.1, 0.5, 2.5, -1}, 2, 3)
	loss := func(xs ...*dl.Tensor) *dl.Tensor {
		return xs[0].LogSoftmax(1).Gather(1, []int{0, 1}).Mean().Neg()
	}
	maxErr, report := dl.GradCheck(loss, logits)
	if maxErr > dl.GradCheckTol {
		fmt.Print(report)
	}
	fmt.Println("gradient agrees:", maxErr <= dl.GradCheckTol)
	g := logits.Grad()
	for i := range 2 {
		fmt.Printf("%.4f %.4f %.4f\n", g.At(i, 0), g.At(i, 1), g.At(i, 2))
	}
	// Output:
	// gradient agrees: true
	// -0.1705 0.1212 0.0493
	// 0.0581 -0.0710 0.0130
}

func ExampleTensor_Softmax() {
	x := dl.New([]float32{1, 2, 3, 1000, 1000, 1000}, 2, 3)
	p := x.Softmax(1)
	for i := range 2 {
		fmt.Printf("%.4f %.4f %.4f\n", p.At(i, 0), p.At(i, 1), p.At(i, 2))
	}
	// Output:
	// 0.0900 0.2447 0.6652
	// 0.3333 0.3333 0.3333
}

func ExampleTensor_Sum() {
	x := dl.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	fmt.Println(x.Sum(0))
	fmt.Println(x.Sum(1))
	fmt.Println(x.SumKeepDims(1).Shape())
	fmt.Println(x.Mean())
	// Output:
	// Tensor[3] [5 7 9]
	// Tensor[2] [6 15]
	// [2 1]
	// Tensor[] 3.5
}

// An argument outside its domain that is not a shape panics with an *ArgError, which dl.Try
// turns into an error matching ErrArg.
func ExampleArgError() {
	err := dl.Try(func() { dl.Ones(2, 2).Clamp(1, 0) })
	fmt.Println(errors.Is(err, dl.ErrArg), errors.Is(err, dl.ErrShape))
	fmt.Println(err)
	// Output:
	// true false
	// dl: Clamp: lo 1 > hi 0
}

// Power iteration (v ← A·v, over and over) finds a matrix's dominant eigenvalue; MatMulInto
// writes each product into one of two vectors that take turns, allocating nothing.
func ExampleMatMulInto() {
	a := dl.New([]float32{2, 1, 1, 2}, 2, 2) // eigenvalues 3 and 1
	v, next := dl.New([]float32{1, 0}, 2), dl.Zeros(2)
	for range 10 {
		dl.MatMulInto(next, a, v)
		v, next = next, v
	}
	dl.MatMulInto(next, a, v)
	fmt.Printf("v = %.4f, λ ≈ %.4f\n", v.Data(), next.Data()[0]/v.Data()[0])
	// Output: v = [29525.0000 29524.0000], λ ≈ 3.0000
}
