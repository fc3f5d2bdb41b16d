package nn_test

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
	"github.com/deepnb/deepnb/dl/nn"
)

// stFile builds a safetensors file from a header and data.
func stFile(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestSafetensorsKnownBytes(t *testing.T) {
	// Written by hand: a = [1 2] (F32), b = 3.5 (scalar), with metadata.
	header := `{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}`
	for len(header)%8 != 0 {
		header += " "
	}
	data := []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x60, 0x40}
	want := stFile(header, data)

	var buf bytes.Buffer
	err := nn.WriteSafetensors(&buf, []nn.Named{
		{Name: "a", T: dl.New([]float32{1, 2}, 2)},
		{Name: "b", T: dl.Scalar(3.5)},
	}, map[string]string{"format": "pt"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("WriteSafetensors:\ngot  %q\nwant %q", buf.Bytes(), want)
	}

	ts, meta, err := nn.ReadSafetensors(bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "pt" || len(ts) != 2 || ts[0].Name != "a" || ts[1].Name != "b" {
		t.Fatalf("ReadSafetensors: got %v %v", ts, meta)
	}
	numtest.Close(t, "a", ts[0].T.Data(), []float32{1, 2}, numtest.Exact, 0)
	if ts[1].T.Dims() != 0 || ts[1].T.Item() != 3.5 {
		t.Errorf("b: got %v, want scalar 3.5", ts[1].T)
	}
}

func TestReadSafetensorsErrors(t *testing.T) {
	f32 := func(n int) []byte { return make([]byte, 4*n) }
	for i, tc := range []struct {
		file []byte
		want string
	}{
		{[]byte{1, 2, 3}, "reading header length"},
		{stFile("", nil), "too short"},
		{binary.LittleEndian.AppendUint64(nil, 1<<40), "exceeds"},
		{stFile(`{"a":1`, nil)[:10], "reading 6-byte header"},
		{stFile(`[1,2]`, nil), "does not start with '{'"},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}`, f32(2)), "bad header JSON"},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}x`, f32(2)), "trailing bytes"},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}`, f32(4)), `duplicate entry "a"`},
		{stFile(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, f32(2)), `tensor "a": data_offsets [0 8] span 8 bytes, but shape [3] of F32 needs 12`},
		{stFile(`{"a":{"dtype":"X9","shape":[2],"data_offsets":[0,8]}}`, f32(2)), `unknown dtype "X9"`},
		{stFile(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, f32(2)), "negative dimension"},
		{stFile(`{"a":{"dtype":"F32","shape":[2]}}`, f32(2)), `missing "data_offsets"`},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}`, f32(2)), "invalid data_offsets"},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, f32(3)), "leave a hole at byte 0"},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, f32(2)), "overlap"},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32(1)), "truncated: header describes 8 bytes, file has 4"},
		{stFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, f32(3)), "longer than"},
		{stFile(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, f32(1)), `tensor "a": dtype F16: unsupported dtype`},
		{stFile(`{"__metadata__":{"a":1}}`, nil), "__metadata__ is not a map of strings"},
		{stFile(`{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}`, nil), "too large"},
	} {
		_, _, err := nn.ReadSafetensors(bytes.NewReader(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: got error %v, want one containing %q", i, err, tc.want)
		}
	}
}

func FuzzReadSafetensors(f *testing.F) {
	var buf bytes.Buffer
	nn.WriteSafetensors(&buf, []nn.Named{{Name: "w", T: dl.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3)}, {Name: "b", T: dl.Scalar(1)}}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	f.Add(stFile(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add(stFile(`{}`, nil))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, _, err := nn.ReadSafetensors(bytes.NewReader(b))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "safetensors: ") {
				t.Errorf("error %q does not say where it comes from", err)
			}
			return
		}
		// Whatever reads must write back and read again to the same tensors.
		var out bytes.Buffer
		if err := nn.WriteSafetensors(&out, ts, nil); err != nil {
			t.Fatalf("rewrite: %v", err)
		}
		ts2, _, err := nn.ReadSafetensors(&out)
		if err != nil || len(ts2) != len(ts) {
			t.Fatalf("reread: %v, %d tensors, want %d", err, len(ts2), len(ts))
		}
	})
}

// mlp returns a seeded 2-layer model for save/load tests.
func mlp(seed uint64, hidden int) *nn.Sequential {
	rng := rand.New(rand.NewPCG(seed, seed))
	return nn.NewSequential(nn.NewLinear(rng, 3, hidden), nn.NewLinear(rng, hidden, 2))
}

func TestSaveLoadRoundTrip(t *testing.T) {
	src, dst := mlp(1, 4), mlp(2, 4)
	var buf bytes.Buffer
	if err := nn.Save(&buf, src); err != nil {
		t.Fatal(err)
	}
	ts, _, err := nn.ReadSafetensors(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, n := range ts {
		names = append(names, n.Name)
	}
	if got := strings.Join(names, " "); got != "0.weight 0.bias 1.weight 1.bias" {
		t.Errorf("saved names %q", got)
	}
	w := dst.Parameters()[0]
	if err := nn.Load(&buf, dst); err != nil {
		t.Fatal(err)
	}
	if dst.Parameters()[0] != w {
		t.Errorf("Load replaced a parameter tensor instead of copying into it")
	}
	for i, p := range src.Parameters() {
		numtest.Close(t, "param", dst.Parameters()[i].Data(), p.Data(), numtest.Exact, 0)
	}
}

func TestLoadMismatch(t *testing.T) {
	var buf bytes.Buffer
	if err := nn.Save(&buf, mlp(1, 4)); err != nil {
		t.Fatal(err)
	}
	saved := buf.Bytes()

	// Other hidden size: four shape mismatches... only in the hidden dimension.
	other := mlp(2, 5)
	before := other.Parameters()[0].Clone()
	err := nn.Load(bytes.NewReader(saved), other)
	var me *nn.MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("Load into other shape: got %v, want *MismatchError", err)
	}
	for _, want := range []string{`"0.weight": shape [4 3] in file, [5 3] in model`, `"1.weight": shape [2 4] in file, [2 5] in model`, `"0.bias": shape [4] in file, [5] in model`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Load error %q lacks %q", err, want)
		}
	}
	numtest.Close(t, "unchanged after failed Load", other.Parameters()[0].Data(), before.Data(), numtest.Exact, 0)

	// Missing and unexpected names.
	rng := rand.New(rand.NewPCG(1, 1))
	three := nn.NewSequential(nn.NewLinear(rng, 3, 4), nn.NewLinear(rng, 4, 2), nn.NewLinear(rng, 2, 2))
	err = nn.Load(bytes.NewReader(saved), three)
	for _, want := range []string{`missing "2.weight"`, `missing "2.bias"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load into bigger model: error %v lacks %q", err, want)
		}
	}
	one := nn.NewSequential(nn.NewLinear(rng, 3, 4))
	err = nn.Load(bytes.NewReader(saved), one)
	if err == nil || !strings.Contains(err.Error(), `unexpected "1.bias"`) {
		t.Errorf("Load into smaller model: error %v lacks unexpected 1.bias", err)
	}

	// A file with an F16 tensor and PyTorch's num_batches_tracked (I64), which is ignored.
	header := `{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"x.num_batches_tracked":{"dtype":"I64","shape":[],"data_offsets":[4,12]}}`
	lin := &nn.Linear{Weight: dl.Zeros(1, 2)}
	err = nn.Load(bytes.NewReader(stFile(header, make([]byte, 12))), nn.Group{{Name: "l", M: lin}})
	for _, want := range []string{`missing "l.weight"`, `unexpected "w"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load F16: error %v lacks %q", err, want)
		}
	}
	header = `{"weight":{"dtype":"F16","shape":[1,2],"data_offsets":[0,4]}}`
	err = nn.Load(bytes.NewReader(stFile(header, make([]byte, 4))), lin)
	if err == nil || !strings.Contains(err.Error(), `"weight": dtype F16 unsupported`) {
		t.Errorf("Load F16: error %v lacks the dtype", err)
	}
}

func TestSaveLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := nn.SaveFile(path, mlp(1, 3)); err != nil {
		t.Fatal(err)
	}
	err := nn.LoadFile(path, mlp(1, 4))
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadFile mismatch: error %v does not name the file", err)
	}
	if err := nn.LoadFile(filepath.Join(dir, "nope"), mlp(1, 3)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile missing: got %v", err)
	}
}

func TestTrainOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "ckpt.safetensors")
	calls := 0
	train := func(m nn.Module) func() error {
		return func() error {
			calls++
			for _, p := range m.Parameters() {
				for i := range p.Data() {
					p.Data()[i] += 1
				}
			}
			return nil
		}
	}
	m1 := mlp(1, 4)
	if loaded, err := nn.TrainOnce(path, m1, train(m1)); loaded || err != nil {
		t.Fatalf("TrainOnce, first call: loaded %v, err %v; want false, nil", loaded, err)
	}
	m2 := mlp(1, 4) // a fresh run of the cell: same seed, untrained
	if loaded, err := nn.TrainOnce(path, m2, train(m2)); !loaded || err != nil {
		t.Fatalf("TrainOnce, second call: loaded %v, err %v; want true, nil", loaded, err)
	}
	if calls != 1 {
		t.Errorf("train called %d times, want 1", calls)
	}
	for i, p := range m1.Parameters() {
		numtest.Close(t, "reloaded", m2.Parameters()[i].Data(), p.Data(), numtest.Exact, 0)
	}
	// A failing train saves nothing and returns the error.
	bad := filepath.Join(t.TempDir(), "bad.safetensors")
	wantErr := errors.New("diverged")
	if loaded, err := nn.TrainOnce(bad, m1, func() error { return wantErr }); loaded || err != wantErr {
		t.Errorf("TrainOnce: got %v, %v, want false and train's error", loaded, err)
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("TrainOnce saved a checkpoint after a failed train")
	}
	// A changed architecture reports the mismatch and the file.
	if loaded, err := nn.TrainOnce(path, mlp(1, 5), func() error { calls++; return nil }); loaded || calls != 1 || err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("TrainOnce with changed model: got %v, %v (train called %d times), want false, a shape error, 1 call", loaded, err, calls)
	}
}

// TestTrainOnceRecord checks the training record a checkpoint keeps: the first call trains and
// returns the note, the time train took and when it returned; a later call loads the model and
// the same record; a checkpoint without a record (SaveFile's, or one from before records were
// kept) loads with the zero record; an unreadable record is an error naming the file.
func TestTrainOnceRecord(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	m1 := mlp(1, 4)
	before := time.Now().UTC().Truncate(time.Second)
	rec, loaded, err := nn.TrainOnceRecord(path, m1, func() (string, error) {
		time.Sleep(20 * time.Millisecond)
		m1.Parameters()[0].Data()[0] = 7
		return "3 epochs, loss 0.125", nil
	})
	after := time.Now().UTC()
	if err != nil || loaded {
		t.Fatalf("first call: loaded %v, err %v; want false, nil", loaded, err)
	}
	if rec.Note != "3 epochs, loss 0.125" || rec.Seconds < 0.02 || rec.At.Before(before) || rec.At.After(after) {
		t.Errorf("first call: record %+v; want the note, ≥ 0.02 s, a time between %v and %v", rec, before, after)
	}
	m2 := mlp(1, 4)
	rec2, loaded, err := nn.TrainOnceRecord(path, m2, func() (string, error) {
		t.Error("train called although the checkpoint exists")
		return "", nil
	})
	if err != nil || !loaded || rec2 != rec {
		t.Errorf("second call: record %+v, loaded %v, err %v; want %+v, true, nil", rec2, loaded, err, rec)
	}
	if m2.Parameters()[0].Data()[0] != 7 {
		t.Errorf("second call did not load the model")
	}
	want := fmt.Sprintf("3 epochs, loss 0.125; trained in 0 s on %s", rec.At.Format("2006-01-02 15:04 UTC"))
	if got := rec.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	// TrainOnce keeps a record too, with no note.
	plain := filepath.Join(dir, "plain.safetensors")
	if _, err := nn.TrainOnce(plain, m1, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if rec, loaded, err := nn.TrainOnceRecord(plain, m2, nil); err != nil || !loaded || rec.At.IsZero() || rec.Note != "" {
		t.Errorf("TrainOnce's checkpoint: record %+v, loaded %v, err %v; want a time, no note", rec, loaded, err)
	}
	// A checkpoint without a record loads, with the zero record.
	old := filepath.Join(dir, "old.safetensors")
	if err := nn.SaveFile(old, m1); err != nil {
		t.Fatal(err)
	}
	if rec, loaded, err := nn.TrainOnceRecord(old, m2, nil); err != nil || !loaded || rec != (nn.TrainRecord{}) || rec.String() != "no training record" {
		t.Errorf("checkpoint without a record: %+v (%q), loaded %v, err %v; want the zero record, true, nil", rec, rec, loaded, err)
	}
	// An unreadable record names the file.
	bad := filepath.Join(dir, "bad.safetensors")
	f, err := os.Create(bad)
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.WriteSafetensors(f, nn.State(m1), map[string]string{"deepnb.trained_at": "yesterday", "deepnb.train_seconds": "1"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, loaded, err := nn.TrainOnceRecord(bad, m2, nil); loaded || err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "yesterday") {
		t.Errorf("unreadable record: loaded %v, err %v; want false and an error naming the file and the value", loaded, err)
	}
}

func TestTensorGob(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	in := []*dl.Tensor{dl.RandN(rng, 2, 3).SetRequiresGrad(true), dl.Scalar(-1.5), dl.Zeros(0, 4)}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	var out []*dl.Tensor
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("gob: got %d tensors, want %d", len(out), len(in))
	}
	for i := range in {
		if !slices.Equal(out[i].Shape(), in[i].Shape()) || out[i].RequiresGrad() != in[i].RequiresGrad() {
			t.Errorf("case %d: gob: got %v (grad %v), want %v (grad %v)", i, out[i].Shape(), out[i].RequiresGrad(), in[i].Shape(), in[i].RequiresGrad())
		}
		numtest.Close(t, "gob values", out[i].Data(), in[i].Data(), numtest.Exact, 0)
	}
	b, _ := in[0].MarshalBinary()
	for i, tc := range []struct {
		data []byte
		want string
	}{
		{nil, "truncated"},
		{[]byte{9, 0}, "unknown encoding version 9"},
		{b[:len(b)-1], "needs 24 bytes of values, have 23"},
		{[]byte{1, 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, "bad dimension 0"},
		{[]byte{1, 0, 2, 0x80, 0x80, 0x80, 0x80, 0x07, 0x80, 0x80, 0x80, 0x80, 0x07}, "too large"},
	} {
		var x dl.Tensor
		if err := x.UnmarshalBinary(tc.data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: UnmarshalBinary: got %v, want error containing %q", i, err, tc.want)
		}
	}
}

func TestSaveLoadBuffers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	src := nn.NewSequential(nn.NewLinear(rng, 3, 4), nn.NewBatchNorm1D(4))
	src.Forward(dl.RandN(rng, 8, 3)) // moves the running statistics
	var buf bytes.Buffer
	if err := nn.Save(&buf, src); err != nil {
		t.Fatal(err)
	}
	dst := nn.NewSequential(nn.NewLinear(rng, 3, 4), nn.NewBatchNorm1D(4))
	if err := nn.Load(&buf, dst); err != nil {
		t.Fatal(err)
	}
	sb, db := src.Layers[1].(*nn.BatchNorm), dst.Layers[1].(*nn.BatchNorm)
	numtest.Close(t, "running_mean", db.RunningMean.Data(), sb.RunningMean.Data(), numtest.Exact, 0)
	numtest.Close(t, "running_var", db.RunningVar.Data(), sb.RunningVar.Data(), numtest.Exact, 0)
}
