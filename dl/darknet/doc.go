// Package darknet reads networks in Darknet's format — a .cfg file describing the layers and a
// .weights file of float32 values — and runs them with dl, so that pretrained detectors such as
// Tiny YOLOv2 and v3 trained on COCO can be looked into, fine-tuned and used to detect objects.
//
//	net, err := darknet.Load("yolov2-tiny.cfg", "yolov2-tiny.weights")
//	dets, err := net.Detect(photo, darknet.DetectOpts{})
//	for _, d := range dets {
//		fmt.Println(d.Name, d.Score, d.Rect(photo.Bounds()))
//	}
//
// # Layers
//
// The reader supports what the Tiny YOLO networks use: [convolutional] (batch_normalize,
// activation leaky/linear/logistic/relu, size, stride, pad), [maxpool] (including the
// size-2 stride-1 pool that keeps 13×13 maps, with Darknet's −∞ padding at the bottom and
// right), [route], [upsample], [region] (YOLOv2's head) and [yolo] (YOLOv3's). Batch
// normalisation is folded into the filters and biases when the weights are loaded, so a
// convolutional layer is one Conv2D and its activation.
//
// Layers are named "conv_0", "maxpool_1", …, "region_15" and indexed as Darknet indexes them.
// Net.ForwardUntil returns the feature maps of any layer, Net.Activations all of them, and
// Net.Filters the filters of a convolutional layer; gradients flow through all of it (to the
// input for activation maximisation, to the weights for fine-tuning).
//
// # Detection
//
// Detect follows Darknet's `detector test`: the photo is letterboxed into the input (resized
// with Darknet's bilinear interpolation, keeping its aspect ratio, grey bars), the head's
// predictions are decoded into boxes relative to the photo, scored (objectness × class
// probability) and pruned by per-class non-maximum suppression. The tests compare boxes and
// feature maps with Debian's darknet on the same weights and photos (see testdata/README.md).
package darknet
