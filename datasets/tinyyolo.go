package datasets

import (
	"fmt"
	"path/filepath"

	"github.com/deepnb/deepnb/dl/darknet"
)

// GorgoniaModule is the pinned Go module whose examples hold Tiny YOLOv2 and v3 trained on COCO
// in Darknet's format (.cfg and .weights, from pjreddie.com's Darknet releases). It is used as
// data only: no code of it is imported.
const GorgoniaModule = "gorgonia.org/gorgonia@v0.9.18"

// TinyYOLOFiles returns the paths of the .cfg and .weights files of Tiny YOLO version 2 or 3
// (COCO, 80 classes, 416×416 input) in GorgoniaModule, downloading the module through the Go
// module proxy if it is not in the module cache yet.
func TinyYOLOFiles(version int) (cfg, weights string, err error) {
	var sub, name string
	switch version {
	case 2:
		sub, name = "examples/tiny-yolo-v2-coco/model", "yolov2-tiny"
	case 3:
		sub, name = "examples/tiny-yolo-v3-coco/data", "yolov3-tiny"
	default:
		return "", "", fmt.Errorf("datasets: TinyYOLOFiles: no Tiny YOLO version %d (2 or 3)", version)
	}
	dir, err := moduleDir(GorgoniaModule)
	if err != nil {
		return "", "", fmt.Errorf("datasets: Tiny YOLO: %w", err)
	}
	dir = filepath.Join(dir, filepath.FromSlash(sub))
	return filepath.Join(dir, name+".cfg"), filepath.Join(dir, name+".weights"), nil
}

// TinyYOLO returns Tiny YOLO version 2 or 3 trained on COCO, built and loaded by dl/darknet
// (about 0.3 s). Errors name the file and what is wrong with it.
func TinyYOLO(version int) (*darknet.Net, error) {
	cfg, weights, err := TinyYOLOFiles(version)
	if err != nil {
		return nil, err
	}
	return darknet.Load(cfg, weights)
}
