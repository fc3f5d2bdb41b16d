package grade_test

import (
	"fmt"

	"github.com/deepnb/deepnb/kernel/grade"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

// The student version of an exercise cell: the solution becomes a stub that compiles and says
// what to do; the hidden test is gone.
func ExampleStudent() {
	key := nbformat.New()
	key.Cells = []*nbformat.Cell{
		{CellType: "code", Metadata: map[string]any{"tags": []any{"exercise"}, "deepnb": map[string]any{"exercise": "double"}},
			Source: "func double(x int) int {\n\t// BEGIN SOLUTION return twice x\n\treturn 2 * x\n\t// END SOLUTION\n}"},
		{CellType: "code", Metadata: map[string]any{"tags": []any{"hidden-test"}, "deepnb": map[string]any{"exercise": "double", "name": "double(21)", "points": 1.0}},
			Source: "%%\nif double(21) != 42 {\n\treturn\n}"},
	}
	k, err := grade.ParseKey("double.ipynb", key)
	if err != nil {
		fmt.Println(err)
		return
	}
	nb, err := grade.Student(k)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(nb.Cells), "cell; leaks:", grade.Leaks(k, nb))
	fmt.Println(nb.Cells[0].Source)
	// Output:
	// 1 cell; leaks: []
	// func double(x int) int {
	// 	// TODO(exercise double): return twice x
	// 	panic("exercise double is not done yet: replace this panic with your code")
	// }
}
