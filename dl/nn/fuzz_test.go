package nn_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl/nn"
)

// f16File is a safetensors file holding the tensors of a Linear(2, 3) (weight [3 2], bias [3])
// in the given dtype, with element size size.
func f16File(dtype string, size int) []byte {
	header := fmt.Sprintf(`{"weight":{"dtype":%q,"shape":[3,2],"data_offsets":[0,%d]},"bias":{"dtype":%q,"shape":[3],"data_offsets":[%d,%d]}}`, dtype, 6*size, dtype, 6*size, 9*size)
	data := make([]byte, 9*size)
	for i := range 9 {
		if size == 2 {
			binary.LittleEndian.PutUint16(data[2*i:], 0x3c00+uint16(i)) // 1, 1.0009…, …
		} else {
			binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(float32(i)))
		}
	}
	return stFile(header, data)
}

// FuzzLoadSafetensors: Load (the path that meets F16, BF16 and F64 files from PyTorch) never
// panics; it either fills the model with the file's values or returns an error and changes
// nothing in the model.
func FuzzLoadSafetensors(f *testing.F) {
	f.Add(f16File("F16", 2))
	f.Add(f16File("BF16", 2))
	f.Add(f16File("F32", 4))
	var saved bytes.Buffer
	nn.Save(&saved, nn.NewLinear(rand.New(rand.NewPCG(1, 2)), 2, 3))
	f.Add(saved.Bytes())
	f.Add(stFile(`{"weight":{"dtype":"F16","shape":[3,2],"data_offsets":[0,12]}}`, make([]byte, 12)))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := nn.NewLinear(rand.New(rand.NewPCG(3, 4)), 2, 3)
		var before [][]float32
		for _, n := range nn.State(m) {
			before = append(before, slices.Clone(n.T.Data()))
		}
		err := nn.Load(bytes.NewReader(b), m)
		if err == nil {
			// Saved again, the model reads back the same.
			var out bytes.Buffer
			if err := nn.Save(&out, m); err != nil {
				t.Fatal(err)
			}
			m2 := nn.NewLinear(rand.New(rand.NewPCG(5, 6)), 2, 3)
			if err := nn.Load(&out, m2); err != nil {
				t.Fatalf("reload: %v", err)
			}
			return
		}
		if !strings.HasPrefix(err.Error(), "safetensors: ") && !strings.HasPrefix(err.Error(), "nn.Load: ") {
			t.Errorf("error does not say where it comes from: %v", err)
		}
		for i, n := range nn.State(m) {
			if !slices.Equal(n.T.Data(), before[i]) && !hasNaN(before[i]) {
				t.Fatalf("a failed Load changed %s: %v → %v (%v)", n.Name, before[i], n.T.Data(), err)
			}
		}
	})
}

func hasNaN(xs []float32) bool {
	return slices.ContainsFunc(xs, func(v float32) bool { return v != v })
}
