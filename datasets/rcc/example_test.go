package rcc_test

import (
	"fmt"
	"os"

	"github.com/deepnb/deepnb/datasets/rcc"
)

func ExampleParse() {
	data, err := os.ReadFile("testdata/v3-zlib.rcc") // written by Qt's rcc
	if err != nil {
		panic(err)
	}
	a, err := rcc.Parse("v3-zlib.rcc", data)
	if err != nil {
		panic(err)
	}
	for _, f := range a.Files {
		b, err := f.Data()
		fmt.Printf("%s %q %d bytes %v\n", f.Path, f.Compressed, len(b), err)
	}
	// Output:
	// src/hello.txt "zlib" 2630 bytes <nil>
	// src/sub/dir/note.txt "" 6 bytes <nil>
	// src/sub/ünï.txt "" 15 bytes <nil>
}
