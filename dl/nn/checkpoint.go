package nn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// TrainOnce makes a training cell cheap to run again. GoNB recomputes every value each time a
// cell runs, so a model trained in one cell would be retrained by the next run; instead write
//
//	model := nn.NewSequential(…) // same seed, same architecture each run
//	loaded, err := nn.TrainOnce("mlp.safetensors", model, func() error { return fit(model) })
//
// If the checkpoint file at path exists, TrainOnce loads m's parameters and buffers from it
// (as LoadFile), does not call train, and reports loaded = true. Otherwise it calls train and, if
// train succeeds, saves m to path (as SaveFile, creating missing directories; the file is written
// under a temporary name and renamed, so an interrupted save leaves no half-written checkpoint).
// Delete the file to train again. loaded is false whenever train ran or err is not nil.
// TrainOnce returns train's error, or an error naming the file if loading or saving fails (for
// example when the architecture changed since the checkpoint was written).
//
// For values other than a model, GoNB's cache package works with tensors too: *dl.Tensor
// implements gob.GobEncoder, so cache.Cache("key", func() []*dl.Tensor {…}) keeps them.
func TrainOnce(path string, m Params, train func() error) (loaded bool, err error) {
	if _, err := os.Stat(path); err == nil {
		err = LoadFile(path, m)
		return err == nil, err
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if err := train(); err != nil {
		return false, err
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return false, err
		}
	}
	tmp := path + ".tmp"
	if err := SaveFile(tmp, m); err != nil {
		os.Remove(tmp)
		return false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, fmt.Errorf("nn.TrainOnce: %w", err)
	}
	return false, nil
}
