package regress_test

import (
	"fmt"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/lessons/regress"
)

func ExampleLeastSquares() {
	tab, err := datasets.Diabetes()
	if err != nil {
		panic(err)
	}
	trainSet, test := regress.Split(tab, 0.2, 1)
	exact, err := regress.LeastSquares(trainSet)
	if err != nil {
		panic(err)
	}
	dl := regress.FitLinear(trainSet, regress.FitScaler(trainSet), 5, 1)
	fmt.Printf("held-out R²: least squares %.3f, dl %.3f\n", regress.R2(exact.Predict(test), test.Y), regress.R2(dl.Predict(test), test.Y))
	// Output: held-out R²: least squares 0.460, dl 0.460
}

func ExampleR2() {
	fmt.Println(regress.R2([]float64{2, 2, 2}, []float64{1, 2, 3}))
	// Output: 0
}
