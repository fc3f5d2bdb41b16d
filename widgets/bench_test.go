package widgets_test

import (
	"testing"

	"github.com/deepnb/deepnb/widgets"
)

// BenchmarkRender reports the cost of rendering each widget of the golden tests to an image.
func BenchmarkRender(b *testing.B) {
	for _, tc := range goldenCases() {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tc.render(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkShowPNG reports render + PNG encoding (what Show sends to the notebook) per widget.
func BenchmarkShowPNG(b *testing.B) {
	for _, tc := range goldenCases() {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				img, err := tc.render()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := widgets.PNG(img); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
