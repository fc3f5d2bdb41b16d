package widgets

import (
	"bytes"
	"image"
	"image/png"
	"sync"
)

// pngEncoder is reused so that its internal buffers are reused across frames; BestSpeed
// keeps live views cheap (a 640×480 frame encodes in a few milliseconds).
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngPool{}}

type pngPool struct{ p sync.Pool }

func (p *pngPool) Get() *png.EncoderBuffer {
	b, _ := p.p.Get().(*png.EncoderBuffer)
	return b
}
func (p *pngPool) Put(b *png.EncoderBuffer) { p.p.Put(b) }

// PNG encodes img as PNG with the package's reused BestSpeed encoder.
func PNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := pngEncoder.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
