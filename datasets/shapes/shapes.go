package shapes

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/deepnb/deepnb/dl"
)

// Shapes are the shape words, in class order (class i+1 in ClassMask).
var Shapes = []string{"circle", "square", "triangle"}

// Colours are the colour words; Palette holds their RGB values in the same order.
var Colours = []string{"red", "green", "blue", "yellow"}

// Palette holds the RGB value of each colour of Colours.
var Palette = []color.RGBA{{230, 40, 40, 255}, {40, 200, 60, 255}, {50, 90, 240, 255}, {240, 220, 40, 255}}

// Object is one shape in a scene: its shape and colour (indices into Shapes and Colours) and its
// bounding box in pixels.
type Object struct {
	Shape, Colour int
	Box           image.Rectangle
}

// Name returns "red circle".
func (o Object) Name() string { return Colours[o.Colour] + " " + Shapes[o.Shape] }

// Scene is one generated image with its objects, caption and mask.
type Scene struct {
	Image   *image.RGBA
	Objects []Object
	// Caption is the true caption, as words.
	Caption []string
	// WordObject[i] is the index in Objects of the object that Caption[i] names (its colour or
	// shape word), or −1 for the other words.
	WordObject []int
	// Mask holds one byte per pixel, row-major: 0 for background, i+1 for Objects[i].
	Mask []uint8
}

// ClassMask returns one byte per pixel: 0 for background, 1+shape index for the object's pixels
// (1 circle, 2 square, 3 triangle), for semantic segmentation.
func (s *Scene) ClassMask() []uint8 {
	out := make([]uint8, len(s.Mask))
	for i, m := range s.Mask {
		if m > 0 {
			out[i] = uint8(1 + s.Objects[m-1].Shape)
		}
	}
	return out
}

// Config sets the size of the images and of the shapes. The zero value means the defaults.
type Config struct {
	Size       int // image side in pixels (default 64)
	MinObjects int // fewest objects per scene (default 1)
	MaxObjects int // most objects per scene (default 3)
	MinSide    int // smallest box side in pixels (default 12)
	MaxSide    int // largest box side in pixels (default 20)
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.Size, 64)
	def(&c.MinObjects, 1)
	def(&c.MaxObjects, 3)
	def(&c.MinSide, 12)
	def(&c.MaxSide, 20)
	return c
}

// Validate returns an error naming the field if the configuration cannot produce scenes.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Size < 8:
		return fmt.Errorf("shapes: Config.Size %d: want at least 8", c.Size)
	case c.MinObjects < 1 || c.MaxObjects < c.MinObjects || c.MaxObjects > 3:
		return fmt.Errorf("shapes: Config objects %d…%d: want 1 ≤ MinObjects ≤ MaxObjects ≤ 3", c.MinObjects, c.MaxObjects)
	case c.MinSide < 4 || c.MaxSide < c.MinSide:
		return fmt.Errorf("shapes: Config sides %d…%d: want 4 ≤ MinSide ≤ MaxSide", c.MinSide, c.MaxSide)
	case c.MaxObjects*(c.MaxSide+2)*(c.MaxSide+2)*2 > c.Size*c.Size:
		return fmt.Errorf("shapes: Config: %d shapes of side %d do not fit reliably in %d×%d", c.MaxObjects, c.MaxSide, c.Size, c.Size)
	}
	return nil
}

// Generate returns n scenes drawn with a PCG generator seeded with seed: the same seed gives the
// same scenes. Generate panics if cfg is invalid (see Config.Validate).
func Generate(cfg Config, seed uint64, n int) []Scene {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	cfg = cfg.withDefaults()
	rng := rand.New(rand.NewPCG(seed, 0x5ca1ab1e))
	out := make([]Scene, n)
	for i := range out {
		out[i] = generate(cfg, rng)
	}
	return out
}

// Splits are the train, validation and test scenes.
type Splits struct{ Train, Val, Test []Scene }

// NewSplits draws the three splits from independent streams derived from seed.
func NewSplits(cfg Config, seed uint64, nTrain, nVal, nTest int) Splits {
	return Splits{
		Train: Generate(cfg, seed*3+1, nTrain),
		Val:   Generate(cfg, seed*3+2, nVal),
		Test:  Generate(cfg, seed*3+3, nTest),
	}
}

func generate(cfg Config, rng *rand.Rand) Scene {
	k := cfg.MinObjects + rng.IntN(cfg.MaxObjects-cfg.MinObjects+1)
	var objs []Object
	used := map[[2]int]bool{}
	for len(objs) < k {
		objs = objs[:0]
		clear(used)
		for tries := 0; len(objs) < k && tries < 200; tries++ {
			side := cfg.MinSide + rng.IntN(cfg.MaxSide-cfg.MinSide+1)
			x, y := rng.IntN(cfg.Size-side+1), rng.IntN(cfg.Size-side+1)
			box := image.Rect(x, y, x+side, y+side)
			ok := true
			for _, o := range objs {
				if o.Box.Inset(-2).Overlaps(box) {
					ok = false
				}
			}
			if !ok {
				continue
			}
			o := Object{Shape: rng.IntN(len(Shapes)), Colour: rng.IntN(len(Colours)), Box: box}
			if used[[2]int{o.Shape, o.Colour}] {
				continue
			}
			used[[2]int{o.Shape, o.Colour}] = true
			objs = append(objs, o)
		}
	}
	// Name them from left to right (by the centre's x, then y).
	for i := 1; i < len(objs); i++ {
		for j := i; j > 0 && less(objs[j], objs[j-1]); j-- {
			objs[j], objs[j-1] = objs[j-1], objs[j]
		}
	}
	s := Scene{Image: image.NewRGBA(image.Rect(0, 0, cfg.Size, cfg.Size)), Objects: objs, Mask: make([]uint8, cfg.Size*cfg.Size)}
	for i := range s.Image.Pix {
		if i%4 == 3 {
			s.Image.Pix[i] = 255
		}
	}
	for i, o := range objs {
		draw(&s, i, o)
	}
	s.Caption, s.WordObject = caption(objs)
	return s
}

func centre(r image.Rectangle) (x, y int) { return r.Min.X + r.Max.X, r.Min.Y + r.Max.Y }

func less(a, b Object) bool {
	ax, ay := centre(a.Box)
	bx, by := centre(b.Box)
	return ax < bx || ax == bx && ay < by
}

// inside reports whether pixel centre (px+½, py+½) lies in shape o.
func inside(o Object, px, py int) bool {
	b := o.Box
	w := float64(b.Dx())
	u := (float64(px-b.Min.X) + 0.5) / w // 0…1 across the box
	v := (float64(py-b.Min.Y) + 0.5) / w
	switch Shapes[o.Shape] {
	case "circle":
		return (u-0.5)*(u-0.5)+(v-0.5)*(v-0.5) <= 0.25
	case "triangle": // apex at the top centre, base along the bottom
		return math.Abs(u-0.5) <= v/2
	}
	return true
}

func draw(s *Scene, i int, o Object) {
	size := s.Image.Rect.Dx()
	c := Palette[o.Colour]
	for y := o.Box.Min.Y; y < o.Box.Max.Y; y++ {
		for x := o.Box.Min.X; x < o.Box.Max.X; x++ {
			if inside(o, x, y) {
				s.Image.SetRGBA(x, y, c)
				s.Mask[y*size+x] = uint8(i + 1)
			}
		}
	}
}

// CaptionOf returns the caption of objects ordered left to right (as Scene.Caption).
func CaptionOf(objs []Object) []string { w, _ := caption(objs); return w }

// caption builds the grammar's caption and the object each word names.
func caption(objs []Object) (words []string, wordObj []int) {
	add := func(obj int, ws ...string) {
		for _, w := range ws {
			words = append(words, w)
			wordObj = append(wordObj, obj)
		}
	}
	name := func(i int) {
		add(-1, "a")
		add(i, Colours[objs[i].Colour], Shapes[objs[i].Shape])
	}
	name(0)
	switch len(objs) {
	case 2:
		ax, ay := centre(objs[0].Box)
		bx, by := centre(objs[1].Box)
		switch {
		case bx-ax >= abs(by-ay):
			add(-1, "left", "of")
		case ay < by:
			add(-1, "above")
		default:
			add(-1, "below")
		}
		name(1)
	case 3:
		add(-1, ",")
		name(1)
		add(-1, "and")
		name(2)
	}
	return words, wordObj
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// Images returns the scenes' images as a tensor [N, 3, S, S] with values in [0, 1].
func Images(scenes []Scene) *dl.Tensor {
	if len(scenes) == 0 {
		return dl.Zeros(0, 3, 0, 0)
	}
	S := scenes[0].Image.Rect.Dx()
	data := make([]float32, len(scenes)*3*S*S)
	for n, s := range scenes {
		pix := s.Image.Pix
		for c := 0; c < 3; c++ {
			plane := data[(n*3+c)*S*S : (n*3+c+1)*S*S]
			for p := range plane {
				plane[p] = float32(pix[4*p+c]) / 255
			}
		}
	}
	return dl.New(data, len(scenes), 3, S, S)
}

// Vocab maps caption words to ids: <pad> 0, <start> 1, <end> 2, then the grammar's words.
type Vocab struct {
	Words []string
	ids   map[string]int
}

// Special token ids of every Vocab.
const (
	Pad   = 0
	Start = 1
	End   = 2
)

// NewVocab returns the vocabulary of the grammar: every word a caption can contain.
func NewVocab() *Vocab {
	words := []string{"<pad>", "<start>", "<end>", "a", "left", "of", "above", "below", ",", "and"}
	words = append(append(words, Colours...), Shapes...)
	v := &Vocab{Words: words, ids: map[string]int{}}
	for i, w := range words {
		v.ids[w] = i
	}
	return v
}

// Len returns the number of words, special tokens included.
func (v *Vocab) Len() int { return len(v.Words) }

// ID returns the id of word, or panics naming the word if it is not in the vocabulary.
func (v *Vocab) ID(word string) int {
	id, ok := v.ids[word]
	if !ok {
		panic(fmt.Sprintf("shapes: word %q is not in the vocabulary", word))
	}
	return id
}

// Encode returns <start>, the caption's ids and <end>.
func (v *Vocab) Encode(caption []string) []int {
	ids := []int{Start}
	for _, w := range caption {
		ids = append(ids, v.ID(w))
	}
	return append(ids, End)
}

// Decode returns the words of ids up to the first <end>, skipping <start> and <pad>.
func (v *Vocab) Decode(ids []int) []string {
	var out []string
	for _, id := range ids {
		if id == End {
			break
		}
		if id != Start && id != Pad {
			out = append(out, v.Words[id])
		}
	}
	return out
}

// String returns the caption of a scene as one line.
func (s Scene) String() string { return strings.Join(s.Caption, " ") }
