package runner_test

import (
	"fmt"

	"github.com/deepnb/deepnb/kernel/runner"
)

func ExampleRenderParams() {
	parameters := `var epochs = 3
var lr float64 = 0.1
var warmup = 2 * time.Second`
	src, err := runner.RenderParams(parameters, []runner.Param{
		{Name: "epochs", Value: "10"},
		{Name: "lr", Value: "3e-4"},
		{Name: "warmup", Value: "500ms"},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(src)
	// Output:
	// // Parameters injected by deepnb run.
	// var epochs int = 10
	// var lr float64 = 0.0003
	// var warmup time.Duration = time.Duration(500000000) /* 500ms */
}
