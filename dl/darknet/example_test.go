package darknet_test

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl/darknet"
)

// A network is built from its .cfg; every layer has a name and a shape.
func ExampleNewNet() {
	cfg, err := darknet.ParseConfig(strings.NewReader(`
[net]
width=32
height=32
channels=3

[convolutional]
batch_normalize=1
filters=8
size=3
stride=1
pad=1
activation=leaky

[maxpool]
size=2
stride=2
`), "small.cfg")
	if err != nil {
		fmt.Println(err)
		return
	}
	net, err := darknet.NewNet(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range net.Layers {
		fmt.Println(l.Name, l.Out)
	}
	fmt.Println("weights file floats:", net.Floats())
	// Output:
	// conv_0 [8 32 32]
	// maxpool_1 [8 16 16]
	// weights file floats: 248
}

// Tiny YOLOv2 finds the objects in a photo, as Darknet's `detector test` does.
func ExampleNet_Detect() {
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		fmt.Println(err)
		return
	}
	f, err := os.Open("testdata/dog.png")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	photo, err := png.Decode(f)
	if err != nil {
		fmt.Println(err)
		return
	}
	dets, err := net.Detect(photo, darknet.DetectOpts{Thresh: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range dets {
		fmt.Println(d.Label(), d.Rect(photo.Bounds()))
	}
	// Output:
	// car 72% (236,40)-(337,86)
	// dog 67% (54,124)-(161,271)
	// bicycle 66% (8,16)-(314,272)
	// bicycle 52% (68,72)-(309,213)
}

// The feature maps of any layer, for one letterboxed photo: here the 16 maps of the first
// convolution and the 1024 of the deepest one.
func ExampleNet_ForwardUntil() {
	net, err := datasets.TinyYOLO(2)
	if err != nil {
		fmt.Println(err)
		return
	}
	photo := image.NewRGBA(image.Rect(0, 0, 640, 480)) // a black photo, letterboxed on grey
	x := darknet.Letterbox(photo, net.Width, net.Height)
	first, deep := net.ForwardUntil(x.NoGrad(), 0), net.ForwardUntil(x.NoGrad(), 12)
	fmt.Println(x.Shape(), first.Shape(), deep.Shape(), net.Filters(0).Shape())
	// Output:
	// [1 3 416 416] [1 16 416 416] [1 1024 13 13] [16 3 3 3]
}
