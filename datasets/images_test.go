package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"io/fs"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/deepnb/deepnb/dl"
)

// TestImageManifest checks the committed set against its manifest: every file listed and
// every listed file there, checksums and sizes right, and the licence policy kept.
func TestImageManifest(t *testing.T) {
	t.Parallel()
	list, err := ImageManifest()
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	kinds := map[string]int{}
	for _, e := range list {
		listed[e.File] = true
		kinds[e.Kind]++
		data, err := fs.ReadFile(ImageFS(), e.File)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != e.SHA256 {
			t.Errorf("%s: %s has sha256 %x, manifest says %s", e.Name, e.File, sum, e.SHA256)
		}
		m, err := Image(e.Name)
		if err != nil {
			t.Fatal(err)
		}
		if b := m.Bounds(); b.Dx() != e.Width || b.Dy() != e.Height {
			t.Errorf("%s: decodes to %v, manifest says %d×%d", e.Name, b, e.Width, e.Height)
		}
		checkLicence(t, e)
	}
	err = fs.WalkDir(ImageFS(), "images", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && p != ImageManifestPath && !listed[p] {
			t.Errorf("%s is committed but not in the manifest", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The set the lectures rely on: the named photographs and paintings, 5 photo classes.
	for _, name := range []string{"astronaut", "chelsea", "coffee", "camera", "rocket", "starry-night", "scream", "great-wave-off-kanagawa", "composition-viii"} {
		if _, err := Info(name); err != nil {
			t.Error(err)
		}
	}
	classes, err := ImageClasses()
	if err != nil || strings.Join(classes, ",") != "fishes,monuments,others,renewable,tools" {
		t.Errorf("ImageClasses() = %q, %v", classes, err)
	}
	// The counts doc.go and the README state.
	if kinds[KindCategorization] != 139 || kinds[KindPainting] != 23 || kinds[KindPhoto] != 10 {
		t.Errorf("image counts by kind %v, want 139 categorization, 23 paintings, 10 photos (update doc.go and README)", kinds)
	}
}

// checkLicence enforces the policy of the committed set: photographs and categorization photos
// are public domain or CC0; no file is under the GPL alone, except the GCompris scans of
// paintings that are themselves in the public domain, which say so.
func checkLicence(t *testing.T, e ImageInfo) {
	t.Helper()
	switch {
	case e.Kind != KindPainting && e.Licence != "public-domain" && e.Licence != "CC0-1.0":
		t.Errorf("%s: licence %q: photographs must be public domain or CC0", e.Name, e.Licence)
	case strings.Contains(e.Licence, "GPL") && !strings.Contains(e.Licence, " OR "):
		if e.Kind != KindPainting || !strings.Contains(e.Note, "the painting is in the public domain") {
			t.Errorf("%s: GPL-only file %q that is not a public-domain painting", e.Name, e.Licence)
		}
	}
	if e.Kind != KindPainting && strings.Contains(e.Note, "GPL") {
		t.Errorf("%s: note mentions the GPL: %s", e.Name, e.Note)
	}
}

func TestImageTensor(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		name string
		size int
		grey bool
	}{
		{"chelsea", 0, false}, {"chelsea", 64, false}, {"camera", 0, true}, {"camera", 32, true},
		{"great-wave-off-kanagawa", 128, false}, {"fishes/fish1", 96, false},
	} {
		m, err := Image(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		x, err := ImageTensor(tc.name, tc.size)
		if err != nil {
			t.Fatal(err)
		}
		h, w := tc.size, tc.size
		if tc.size == 0 {
			h, w = m.Bounds().Dy(), m.Bounds().Dx()
		}
		if got := fmt.Sprint(x.Shape()); got != fmt.Sprint([]int{3, h, w}) {
			t.Fatalf("case %d: ImageTensor(%q, %d) shape %s, want [3 %d %d]", i, tc.name, tc.size, got, h, w)
		}
		d := x.Data()
		lo, hi := slices.Min(d), slices.Max(d)
		if lo < 0 || hi > 1 || hi-lo < 0.5 {
			t.Errorf("case %d: %s: values in [%v, %v], want a spread within [0, 1]", i, tc.name, lo, hi)
		}
		plane := h * w
		if tc.grey != slices.Equal(d[:plane], d[plane:2*plane]) {
			t.Errorf("case %d: %s: R and G planes equal = %v, want %v", i, tc.name, !tc.grey, tc.grey)
		}
		if tc.size == 0 { // an oracle: the decoded image's own pixels, channel-major
			for _, p := range []image.Point{{0, 0}, {w / 2, h / 3}, {w - 1, h - 1}} {
				r, g, b, _ := m.At(m.Bounds().Min.X+p.X, m.Bounds().Min.Y+p.Y).RGBA()
				for c, v := range []uint32{r, g, b} {
					if got := d[c*plane+p.Y*w+p.X]; math.Abs(float64(got)-float64(v>>8)/255) > 1e-6 {
						t.Errorf("case %d: %s: channel %d at %v = %v, want %v", i, tc.name, c, p, got, float64(v>>8)/255)
					}
				}
			}
		}
	}
	if _, err := ImageTensor("no-such-image", 0); err == nil || !strings.Contains(err.Error(), `"no-such-image"`) {
		t.Errorf("unknown name: error %v, want one naming it", err)
	}
}

// A uniform image stays uniform through the crop and scale, and a centred square crop keeps
// the centre.
func TestSquareCrop(t *testing.T) {
	t.Parallel()
	m := image.NewRGBA(image.Rect(10, 20, 310, 220)) // 300×200, left third red, rest blue
	for y := 20; y < 220; y++ {
		for x := 10; x < 310; x++ {
			p := m.PixOffset(x, y)
			if x < 110 {
				m.Pix[p] = 255
			} else {
				m.Pix[p+2] = 255
			}
			m.Pix[p+3] = 255
		}
	}
	x := ToTensor(m, 50)
	d := x.Data()
	// The crop is columns 60…259: red for its first 50 of 200 columns, i.e. 12.5 of 50.
	if d[0*2500+25*50+5] < 0.99 || d[2*2500+25*50+5] > 0.01 || d[2*2500+25*50+30] < 0.99 {
		t.Errorf("ToTensor crop: left pixel R=%v B=%v, right pixel B=%v", d[25*50+5], d[2*2500+25*50+5], d[2*2500+25*50+30])
	}
}

func TestImagesFilter(t *testing.T) {
	t.Parallel()
	fish, err := Images(KindCategorization, "fishes")
	if err != nil || len(fish) == 0 {
		t.Fatalf("Images(categorization, fishes): %d, %v", len(fish), err)
	}
	for _, e := range fish {
		if e.Class != "fishes" || !strings.HasPrefix(e.Name, "fishes/") {
			t.Errorf("Images(categorization, fishes) holds %s (%s)", e.Name, e.Class)
		}
	}
	for i, tc := range []struct{ kind, class, want string }{
		{"sculpture", "", `unknown kind "sculpture" (have categorization, painting, photo)`},
		{KindCategorization, "cats", `no class "cats"`},
		{KindPhoto, "fishes", `no class "fishes" among "photo"`},
	} {
		if _, err := Images(tc.kind, tc.class); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: Images(%q, %q) error %v, want %q", i, tc.kind, tc.class, err, tc.want)
		}
	}
}

func TestLoadCategorization(t *testing.T) {
	t.Parallel()
	s, err := LoadCategorization(24)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := Images(KindCategorization, "")
	if got := fmt.Sprint(s.X.Shape()); got != fmt.Sprint([]int{len(all), 3, 24, 24}) || len(s.Y) != len(all) {
		t.Fatalf("shape %s with %d labels, want [%d 3 24 24]", got, len(s.Y), len(all))
	}
	counts := make([]int, len(s.Classes))
	for _, y := range s.Y {
		counts[y]++
	}
	for c, name := range s.Classes {
		in, _ := Images(KindCategorization, name)
		if counts[c] != len(in) {
			t.Errorf("class %d (%s): %d labels, %d photos", c, name, counts[c], len(in))
		}
	}
	train, test := s.Split(0.2, 7)
	if train.Len()+test.Len() != s.Len() {
		t.Fatalf("Split: %d + %d ≠ %d", train.Len(), test.Len(), s.Len())
	}
	testCounts := make([]int, len(s.Classes))
	for _, y := range test.Y {
		testCounts[y]++
	}
	for c := range counts {
		if want := int(math.Round(0.2 * float64(counts[c]))); testCounts[c] != want {
			t.Errorf("Split: class %d has %d of %d in test, want %d", c, testCounts[c], counts[c], want)
		}
	}
	train2, test2 := s.Split(0.2, 7)
	_, test3 := s.Split(0.2, 8)
	if !slices.Equal(test.X.Data(), test2.X.Data()) || !slices.Equal(train.Y, train2.Y) {
		t.Error("Split with the same seed differs")
	}
	if slices.Equal(test.X.Data(), test3.X.Data()) {
		t.Error("Split with seeds 7 and 8 gives the same test set")
	}
	// The two sets are disjoint: no test image equals a training image.
	per := 3 * 24 * 24
	seen := map[string]bool{}
	for i := range train.Len() {
		seen[fmt.Sprint(train.X.Data()[i*per:(i+1)*per])] = true
	}
	for i := range test.Len() {
		if seen[fmt.Sprint(test.X.Data()[i*per:(i+1)*per])] {
			t.Fatalf("test image %d is also in the training set", i)
		}
	}
}

func TestSplitSmallClasses(t *testing.T) {
	t.Parallel()
	s := &Set{Y: []int{0, 1, 1, 2, 2, 2}, Classes: []string{"a", "b", "c"}}
	s.X = newTensor6()
	train, test := s.Split(0.1, 1)
	// A class of one stays in training; classes of two or more give at least one to test.
	if fmt.Sprint(test.Y) != "[1 2]" || train.Len() != 4 {
		t.Errorf("Split(0.1): test labels %v, train %d", test.Y, train.Len())
	}
	for _, bad := range []float64{0, 1, -0.5, math.NaN()} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "test fraction") {
					t.Errorf("Split(%v): recovered %v, want a panic about the test fraction", bad, r)
				}
			}()
			s.Split(bad, 1)
		}()
	}
}

func newTensor6() *dl.Tensor { return dl.New([]float32{0, 1, 2, 3, 4, 5}, 6, 1) }

func validManifest() []ImageInfo {
	return []ImageInfo{{Name: "a", File: "images/a.png", Kind: KindPhoto, Title: "t", Author: "x", Licence: "CC0-1.0",
		Package: "p", Version: "1", Path: "/a.png", Width: 2, Height: 2, SHA256: "00"}}
}

func twice() string {
	b, _ := json.Marshal(append(validManifest(), validManifest()...))
	return string(b)
}

func TestReadManifestErrors(t *testing.T) {
	t.Parallel()
	edit := func(f func(e *ImageInfo)) string {
		l := validManifest()
		f(&l[0])
		b, _ := json.Marshal(l)
		return string(b)
	}
	for i, tc := range []struct{ text, want string }{
		{"", "empty file"},
		{"[", "unexpected EOF"},
		{"{}", "cannot unmarshal object"},
		{"[]", "no images listed"},
		{`[{"nme":"a"}]`, `unknown field "nme"`},
		{"[] []", "data after the list"},
		{edit(func(e *ImageInfo) { e.Licence = " " }), `entry 0 ("a"): empty licence`},
		{edit(func(e *ImageInfo) { e.Kind = "sculpture" }), `kind "sculpture"`},
		{edit(func(e *ImageInfo) { e.Kind = KindCategorization }), "needs a class"},
		{edit(func(e *ImageInfo) { e.Class = "fishes" }), `a photo has no class, got "fishes"`},
		{edit(func(e *ImageInfo) { e.File = "images/b.png" }), "file images/b.png is not there"},
		{edit(func(e *ImageInfo) { e.Width = 0 }), "size 0×2"},
		{edit(func(e *ImageInfo) { e.Name = "" }), "empty name"},
		{twice(), `entry 1 ("a"): name listed twice`},
	} {
		fsys := fstest.MapFS{"m.json": {Data: []byte(tc.text)}, "images/a.png": {Data: []byte("x")}}
		_, err := ReadManifest(fsys, "m.json")
		if err == nil || !strings.Contains(err.Error(), "m.json") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: ReadManifest error %v, want one naming m.json and saying %q", i, err, tc.want)
		}
	}
	if _, err := ReadManifest(fstest.MapFS{}, "gone.json"); err == nil || !strings.Contains(err.Error(), "gone.json") {
		t.Errorf("missing manifest: error %v, want one naming gone.json", err)
	}
}

func FuzzReadManifest(f *testing.F) {
	b, _ := json.Marshal(validManifest())
	f.Add(b)
	real, _ := fs.ReadFile(ImageFS(), ImageManifestPath)
	f.Add(real[:min(len(real), 2000)])
	f.Add([]byte(`[{"name":"a","kind":"categorization"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"m.json": {Data: data}, "images/a.png": {Data: []byte("x")}}
		list, err := ReadManifest(fsys, "m.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "datasets: image manifest m.json: ") {
				t.Fatalf("error does not name the manifest: %v", err)
			}
			return
		}
		for i, e := range list {
			if e.Licence == "" || e.Name == "" || (i > 0 && list[i-1].Name >= e.Name) {
				t.Fatalf("accepted entry %d %+v", i, e)
			}
		}
	})
}

func ExampleImageTensor() {
	x, err := ImageTensor("chelsea", 128)
	if err != nil {
		panic(err)
	}
	info, _ := Info("chelsea")
	fmt.Println(x.Shape(), info.Author, info.Licence)
	// Output: [3 128 128] Stefan van der Walt CC0-1.0
}

func ExampleLoadCategorization() {
	s, err := LoadCategorization(64)
	if err != nil {
		panic(err)
	}
	train, test := s.Split(0.25, 1)
	fmt.Println(s.Classes, train.X.Shape()[1:], train.Len()+test.Len() == s.Len())
	// Output: [fishes monuments others renewable tools] [3 64 64] true
}
