package dl_test

import (
	"bytes"
	"encoding/gob"
	"math"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl"
)

// FuzzUnmarshalBinary: any bytes decode to a tensor or an error saying what is wrong, never a
// panic or a tensor whose shape ops reject; a decoded tensor encodes back to bytes that
// decode to the same tensor, and GobDecode agrees with UnmarshalBinary.
func FuzzUnmarshalBinary(f *testing.F) {
	for _, t := range []*dl.Tensor{dl.New([]float32{1, 2, 3, 4, 5, 6}, 2, 3), dl.Scalar(7).SetRequiresGrad(true), dl.Zeros(0, 5), dl.New([]float32{float32(math.NaN())}, 1, 1, 1)} {
		b, _ := t.MarshalBinary()
		f.Add(b)
	}
	f.Add([]byte{1, 0, 3, 0, 0x80, 0x80, 0x80, 0x80, 0x08, 0x80, 0x80, 0x80, 0x80, 0x08})
	f.Add([]byte{2, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var x dl.Tensor
		err := x.UnmarshalBinary(b)
		var g dl.Tensor
		gerr := g.GobDecode(b)
		if (err == nil) != (gerr == nil) {
			t.Fatalf("UnmarshalBinary: %v, GobDecode: %v", err, gerr)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "dl: Tensor.UnmarshalBinary: ") {
				t.Fatalf("error does not say where it comes from: %v", err)
			}
			return
		}
		if err := dl.Try(func() { x.Reshape(x.Shape()...) }); err != nil {
			t.Fatalf("decoded shape %v is rejected by ops: %v", x.Shape(), err)
		}
		again, err := x.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var y dl.Tensor
		if err := y.UnmarshalBinary(again); err != nil || !sameTensor(&x, &y) {
			t.Fatalf("round trip: %v; %v %v → %v %v", err, x.Shape(), x.Data(), y.Shape(), y.Data())
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&x); err != nil {
			t.Fatal(err)
		}
		var z dl.Tensor
		if err := gob.NewDecoder(&buf).Decode(&z); err != nil || !sameTensor(&x, &z) {
			t.Fatalf("gob round trip: %v", err)
		}
	})
}

func sameTensor(a, b *dl.Tensor) bool {
	if a.RequiresGrad() != b.RequiresGrad() || len(a.Shape()) != len(b.Shape()) || a.Len() != b.Len() {
		return false
	}
	for i, d := range a.Shape() {
		if b.Shape()[i] != d {
			return false
		}
	}
	for i, v := range a.Data() {
		if math.Float32bits(v) != math.Float32bits(b.Data()[i]) {
			return false
		}
	}
	return true
}
