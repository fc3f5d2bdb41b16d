package shapes_test

import (
	"fmt"
	"image"
	"reflect"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/datasets/shapes"
)

// TestScenesAreTrue checks every generated scene against its own description: boxes inside the
// image and apart, the mask's pixels inside the boxes and of the object's colour, captions that
// parse with the grammar, name the objects left to right, and whose colour and shape words point
// at the object they name.
func TestScenesAreTrue(t *testing.T) {
	t.Parallel()
	v := shapes.NewVocab()
	counts := map[int]int{}
	for i, s := range shapes.Generate(shapes.Config{}, 7, 300) {
		counts[len(s.Objects)]++
		S := s.Image.Rect.Dx()
		if S != 64 || len(s.Mask) != S*S {
			t.Fatalf("case %d: image %v, mask %d", i, s.Image.Rect, len(s.Mask))
		}
		for j, o := range s.Objects {
			if !o.Box.In(s.Image.Rect) || o.Box.Dx() < 12 || o.Box.Dx() > 20 {
				t.Errorf("case %d: object %d box %v", i, j, o.Box)
			}
			for k := j + 1; k < len(s.Objects); k++ {
				if o.Box.Overlaps(s.Objects[k].Box) {
					t.Errorf("case %d: boxes %v and %v overlap", i, o.Box, s.Objects[k].Box)
				}
				if o.Shape == s.Objects[k].Shape && o.Colour == s.Objects[k].Colour {
					t.Errorf("case %d: two %s", i, o.Name())
				}
			}
			n := 0
			for p, m := range s.Mask {
				if int(m) != j+1 {
					continue
				}
				n++
				x, y := p%S, p/S
				if !image.Pt(x, y).In(o.Box) || s.Image.RGBAAt(x, y) != shapes.Palette[o.Colour] {
					t.Fatalf("case %d: mask pixel (%d,%d) of object %d outside its box or off colour", i, x, y, j)
				}
			}
			if frac := float64(n) / float64(o.Box.Dx()*o.Box.Dy()); frac < 0.4 {
				t.Errorf("case %d: object %d (%s) fills %.2f of its box", i, j, o.Name(), frac)
			}
		}
		if len(s.Caption) != len(s.WordObject) {
			t.Fatalf("case %d: %d words, %d word objects", i, len(s.Caption), len(s.WordObject))
		}
		for w, obj := range s.WordObject {
			if obj < 0 {
				continue
			}
			o := s.Objects[obj]
			if s.Caption[w] != shapes.Colours[o.Colour] && s.Caption[w] != shapes.Shapes[o.Shape] {
				t.Errorf("case %d: word %q points at %s", i, s.Caption[w], o.Name())
			}
		}
		if got := v.Decode(v.Encode(s.Caption)); !reflect.DeepEqual(got, s.Caption) {
			t.Errorf("case %d: round trip %q → %q", i, s.Caption, got)
		}
		want := "a " + s.Objects[0].Name()
		if !strings.HasPrefix(s.String(), want) {
			t.Errorf("case %d: caption %q does not start with %q", i, s, want)
		}
		for j := 1; j < len(s.Objects); j++ {
			if s.Objects[j].Box.Min.X+s.Objects[j].Box.Max.X < s.Objects[j-1].Box.Min.X+s.Objects[j-1].Box.Max.X {
				t.Errorf("case %d: objects not left to right", i)
			}
		}
	}
	for k := 1; k <= 3; k++ {
		if counts[k] < 60 {
			t.Errorf("scenes with %d objects: %d of 300", k, counts[k])
		}
	}
}

func TestCaptionGrammar(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		objs []shapes.Object
		want string
	}{
		{[]shapes.Object{{Shape: 0, Colour: 0, Box: image.Rect(10, 10, 20, 20)}}, "a red circle"},
		{[]shapes.Object{{Shape: 0, Colour: 0, Box: image.Rect(0, 10, 10, 20)}, {Shape: 1, Colour: 2, Box: image.Rect(30, 12, 40, 22)}}, "a red circle left of a blue square"},
		{[]shapes.Object{{Shape: 2, Colour: 1, Box: image.Rect(10, 0, 20, 10)}, {Shape: 0, Colour: 3, Box: image.Rect(12, 30, 22, 40)}}, "a green triangle above a yellow circle"},
		{[]shapes.Object{{Shape: 2, Colour: 1, Box: image.Rect(10, 40, 20, 50)}, {Shape: 0, Colour: 3, Box: image.Rect(12, 0, 22, 10)}}, "a green triangle below a yellow circle"},
	} {
		got := strings.Join(shapes.CaptionOf(tc.objs), " ")
		if got != tc.want {
			t.Errorf("case %d: got %q, want %q", i, got, tc.want)
		}
	}
}

func TestDeterministicSplits(t *testing.T) {
	t.Parallel()
	a := shapes.NewSplits(shapes.Config{}, 1, 20, 5, 5)
	b := shapes.NewSplits(shapes.Config{}, 1, 20, 5, 5)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, different scenes")
	}
	if reflect.DeepEqual(a.Train[0].Caption, a.Test[0].Caption) && reflect.DeepEqual(a.Train[0].Objects, a.Test[0].Objects) {
		t.Error("train and test splits start with the same scene")
	}
	x := shapes.Images(a.Val)
	if got := fmt.Sprint(x.Shape()); got != "[5 3 64 64]" {
		t.Errorf("Images shape %s", got)
	}
	if err := (shapes.Config{MaxObjects: 4}).Validate(); err == nil || !strings.Contains(err.Error(), "MaxObjects") {
		t.Errorf("Validate(MaxObjects 4) = %v", err)
	}
}

func ExampleGenerate() {
	s := shapes.Generate(shapes.Config{}, 1, 3)
	for _, sc := range s {
		fmt.Println(len(sc.Objects), "objects:", sc.String())
	}
	v := shapes.NewVocab()
	fmt.Println(v.Len(), "words;", v.Encode([]string{"a", "red", "circle"}))
	// Output:
	// 1 objects: a yellow square
	// 2 objects: a yellow circle left of a green circle
	// 2 objects: a blue circle above a green triangle
	// 17 words; [1 3 10 14 2]
}
