package nn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
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
// under a temporary name and renamed, so an interrupted save leaves no half-written checkpoint),
// with a TrainRecord of the training in its metadata (see TrainOnceRecord, which returns it).
// Delete the file to train again. loaded is false whenever train ran or err is not nil.
// TrainOnce returns train's error, or an error naming the file if loading or saving fails (for
// example when the architecture changed since the checkpoint was written).
//
// For values other than a model, GoNB's cache package works with tensors too: *dl.Tensor
// implements gob.GobEncoder, so cache.Cache("key", func() []*dl.Tensor {…}) keeps them.
func TrainOnce(path string, m Params, train func() error) (loaded bool, err error) {
	_, loaded, err = TrainOnceRecord(path, m, func() (string, error) { return "", train() })
	return loaded, err
}

// TrainRecord is what a checkpoint written by TrainOnce or TrainOnceRecord keeps about the
// training that produced it, so that a cell that loads the checkpoint can still say how the
// model was trained. A checkpoint written before records were kept (or by SaveFile) has none:
// its record is the zero TrainRecord.
type TrainRecord struct {
	Seconds float64   // how long train ran
	At      time.Time // when train returned, in UTC (zero if there is no record)
	Note    string    // what train returned about the run for TrainOnceRecord ("" for TrainOnce)
}

// String returns the note, if any, and when and how long: "10 epochs, training loss 0.412;
// trained in 53 s on 2026-12-07 02:41 UTC", or "no training record" for the zero record.
func (r TrainRecord) String() string {
	if r.At.IsZero() {
		return "no training record"
	}
	s := fmt.Sprintf("trained in %.0f s on %s", r.Seconds, r.At.UTC().Format("2006-01-02 15:04 MST"))
	if r.Note != "" {
		s = r.Note + "; " + s
	}
	return s
}

// The safetensors metadata keys of a TrainRecord.
const (
	recordSeconds = "deepnb.train_seconds"
	recordAt      = "deepnb.trained_at"
	recordNote    = "deepnb.train_note"
)

// TrainOnceRecord is TrainOnce for a cell that reports on its training even when it loads the
// checkpoint: train returns, besides its error, a note on the run (a line such as "10 epochs,
// training loss 0.412"), which the checkpoint keeps with the time train took and when it
// returned. TrainOnceRecord returns that record whether it trained now (loaded is false) or
// loaded the checkpoint (the zero record for a checkpoint without one). A record in the file
// that cannot be read is an error naming the file.
func TrainOnceRecord(path string, m Params, train func() (note string, err error)) (rec TrainRecord, loaded bool, err error) {
	if _, err := os.Stat(path); err == nil {
		rec, err := loadWithRecord(path, m)
		return rec, err == nil, err
	} else if !errors.Is(err, fs.ErrNotExist) {
		return TrainRecord{}, false, err
	}
	start := time.Now()
	note, err := train()
	if err != nil {
		return TrainRecord{}, false, err
	}
	rec = TrainRecord{Seconds: time.Since(start).Seconds(), At: time.Now().UTC().Truncate(time.Second), Note: note}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return rec, false, err
		}
	}
	tmp := path + ".tmp"
	meta := map[string]string{
		recordSeconds: strconv.FormatFloat(rec.Seconds, 'g', -1, 64),
		recordAt:      rec.At.Format(time.RFC3339),
		recordNote:    rec.Note,
	}
	if err := saveFile(tmp, m, meta); err != nil {
		os.Remove(tmp)
		return rec, false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return rec, false, fmt.Errorf("nn.TrainOnce: %w", err)
	}
	return rec, false, nil
}

// loadWithRecord is LoadFile that also returns the file's TrainRecord (zero if it has none).
func loadWithRecord(path string, m Params) (TrainRecord, error) {
	meta, err := loadFile(path, m)
	if err != nil {
		return TrainRecord{}, err
	}
	var rec TrainRecord
	at, ok := meta[recordAt]
	if !ok {
		return rec, nil
	}
	if rec.At, err = time.Parse(time.RFC3339, at); err != nil {
		return TrainRecord{}, fmt.Errorf("%s: training record: %s %q is not a time", path, recordAt, at)
	}
	sec := meta[recordSeconds]
	if rec.Seconds, err = strconv.ParseFloat(sec, 64); err != nil || rec.Seconds < 0 {
		return TrainRecord{}, fmt.Errorf("%s: training record: %s %q is not a duration in seconds", path, recordSeconds, sec)
	}
	rec.Note = meta[recordNote]
	return rec, nil
}
