package install

import (
	"bytes"
	"flag"
	"image/color"
	"image/png"
	"os"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite the committed logo PNGs from Logo")

// TestLogoFiles checks that the committed logo-NNxNN.png files are what Logo renders (pixel for
// pixel); -regen rewrites them.
func TestLogoFiles(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		size int
		file string
		data []byte
	}{{32, "logo-32x32.png", logo32}, {64, "logo-64x64.png", logo64}} {
		want := Logo(tc.size)
		if *regen {
			var buf bytes.Buffer
			enc := png.Encoder{CompressionLevel: png.BestCompression}
			if err := enc.Encode(&buf, want); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(tc.file, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := png.Decode(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatalf("case %d: %s: %v (regenerate with go test ./kernel/install -run Logo -regen)", i, tc.file, err)
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("case %d: %s: bounds %v, want %v", i, tc.file, got.Bounds(), want.Bounds())
		}
		for y := 0; y < tc.size; y++ {
			for x := 0; x < tc.size; x++ {
				// PNG stores non-premultiplied colour: compare in that space.
				g, w := color.NRGBAModel.Convert(got.At(x, y)), color.NRGBAModel.Convert(want.At(x, y))
				if g != w {
					t.Fatalf("case %d: %s: pixel (%d,%d) = %v, Logo renders %v (regenerate with -regen)",
						i, tc.file, x, y, got.At(x, y), want.At(x, y))
				}
			}
		}
	}
}

// TestLogoShape checks the logo's layout: transparent corners, opaque centre, a white node.
func TestLogoShape(t *testing.T) {
	t.Parallel()
	img := Logo(64)
	for i, tc := range []struct {
		x, y      int
		wantAlpha uint8
		wantWhite bool
	}{
		{0, 0, 0, false}, {63, 63, 0, false}, {32, 2, 255, false}, {32, 32, 255, true}, {15, 23, 255, true},
	} {
		c := img.RGBAAt(tc.x, tc.y)
		if c.A != tc.wantAlpha {
			t.Errorf("case %d: alpha at (%d,%d) = %d, want %d", i, tc.x, tc.y, c.A, tc.wantAlpha)
		}
		if white := c.R == 255 && c.G == 255 && c.B == 255; white != tc.wantWhite {
			t.Errorf("case %d: (%d,%d) = %v, white=%v want %v", i, tc.x, tc.y, c, white, tc.wantWhite)
		}
	}
}
