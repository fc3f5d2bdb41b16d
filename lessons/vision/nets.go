package vision

import (
	"fmt"
	"strconv"

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/dl/darknet"
)

// TinyYOLOAt returns Tiny YOLOv2 (COCO, datasets.TinyYOLO's files) built for a size×size
// input. The network is convolutional, so the same weights apply at any size that is a
// multiple of 32 (its total stride); a smaller input makes the measurements of a unit near
// the centre of the field, whose receptive field is small, many times cheaper. It panics if
// size is not a positive multiple of 32.
func TinyYOLOAt(size int) (*darknet.Net, error) {
	if size <= 0 || size%32 != 0 {
		panic(fmt.Sprintf("vision: TinyYOLOAt: size %d is not a positive multiple of 32", size))
	}
	cfgPath, weights, err := datasets.TinyYOLOFiles(2)
	if err != nil {
		return nil, err
	}
	cfg, err := darknet.ParseConfigFile(cfgPath)
	if err != nil {
		return nil, err
	}
	if len(cfg.Sections) == 0 || cfg.Sections[0].Type != "net" {
		return nil, fmt.Errorf("vision: TinyYOLOAt: %s does not start with a [net] section", cfgPath)
	}
	cfg.Sections[0].Options["width"] = strconv.Itoa(size)
	cfg.Sections[0].Options["height"] = strconv.Itoa(size)
	net, err := darknet.NewNet(cfg)
	if err != nil {
		return nil, err
	}
	if _, err := net.LoadWeightsFile(weights); err != nil {
		return nil, err
	}
	return net, nil
}
