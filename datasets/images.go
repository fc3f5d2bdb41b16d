package datasets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"image"
	"image/draw"
	_ "image/jpeg" // the committed paintings and categorization photos are JPEG
	_ "image/png"  // the committed photographs are PNG
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"

	xdraw "golang.org/x/image/draw"

	"github.com/deepnb/deepnb/dl"
)

// imageFS holds the committed image set and its manifest: it is compiled into every program
// that imports datasets, so nothing is read from disk or network at run time.
//
//go:embed images
var imageFS embed.FS

// ImageManifestPath is the manifest's path inside ImageFS (and, from the repository root,
// under datasets/).
const ImageManifestPath = "images/manifest.json"

// The kinds of image in the committed set.
const (
	KindPhoto          = "photo"          // natural photographs (scikit-image's data)
	KindPainting       = "painting"       // paintings, for neural style
	KindCategorization = "categorization" // GCompris's labelled photos, for transfer learning
)

// ImageInfo describes one committed image and where it comes from. It is one entry of
// datasets/images/manifest.json, which scripts/imageset regenerates from the Debian packages.
type ImageInfo struct {
	Name    string `json:"name"`            // unique name used by Image and ImageTensor, e.g. "chelsea", "fishes/fish1"
	File    string `json:"file"`            // path inside ImageFS, e.g. "images/photo/chelsea.png"
	Kind    string `json:"kind"`            // KindPhoto, KindPainting or KindCategorization
	Class   string `json:"class,omitempty"` // the label of a categorization photo ("fishes", …); empty otherwise
	Title   string `json:"title"`           // what the image shows, e.g. "The Great Wave off Kanagawa"
	Author  string `json:"author"`          // photographer or painter (as credited by the source)
	Year    string `json:"year,omitempty"`  // year of a painting, as the source gives it
	Licence string `json:"licence"`         // licence of the file as its source states it (SPDX identifiers, "public-domain")
	Note    string `json:"note,omitempty"`  // licence remarks and what was done to the original
	URL     string `json:"url,omitempty"`   // where the source says the original came from
	Package string `json:"package"`         // Debian package the original is taken from
	Version string `json:"version"`         // that package's exact version
	Path    string `json:"path"`            // the original's path in the package; "file.rcc:inner/path" inside a Qt resource file
	Width   int    `json:"width"`           // committed image width in pixels
	Height  int    `json:"height"`          // committed image height in pixels
	SHA256  string `json:"sha256"`          // of the committed file
}

// ImageFS returns the committed image files and their manifest (ImageManifestPath) as a
// read-only file system.
func ImageFS() fs.FS { return imageFS }

var manifestOnce = sync.OnceValues(func() ([]ImageInfo, error) { return ReadManifest(imageFS, ImageManifestPath) })

// ImageManifest returns the manifest of the committed image set, sorted by name. The slice is
// shared: do not modify it.
func ImageManifest() ([]ImageInfo, error) { return manifestOnce() }

// ReadManifest reads and checks an image manifest (JSON, a list of ImageInfo) at path name in
// fsys, and returns its entries sorted by name. Every entry needs a unique name, a known kind
// (a class exactly for categorization photos), a title, an author, a licence, a package and
// version, the original path and a positive size; every listed file must exist in fsys.
// Errors name the manifest, the entry and what is wrong.
func ReadManifest(fsys fs.FS, name string) ([]ImageInfo, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("datasets: image manifest: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("datasets: image manifest %s: empty file", name)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var list []ImageInfo
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("datasets: image manifest %s: %v", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("datasets: image manifest %s: data after the list", name)
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("datasets: image manifest %s: no images listed", name)
	}
	seen := map[string]bool{}
	for i, e := range list {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("datasets: image manifest %s: entry %d (%q): %s", name, i, e.Name, fmt.Sprintf(format, args...))
		}
		if e.Name == "" {
			return nil, bad("empty name")
		}
		if seen[e.Name] {
			return nil, bad("name listed twice")
		}
		seen[e.Name] = true
		switch e.Kind {
		case KindPhoto, KindPainting:
			if e.Class != "" {
				return nil, bad("a %s has no class, got %q", e.Kind, e.Class)
			}
		case KindCategorization:
			if e.Class == "" {
				return nil, bad("a categorization photo needs a class")
			}
		default:
			return nil, bad("kind %q, want %q, %q or %q", e.Kind, KindPhoto, KindPainting, KindCategorization)
		}
		for _, f := range []struct{ field, v string }{
			{"file", e.File}, {"title", e.Title}, {"author", e.Author}, {"licence", e.Licence},
			{"package", e.Package}, {"version", e.Version}, {"path", e.Path}, {"sha256", e.SHA256},
		} {
			if strings.TrimSpace(f.v) == "" {
				return nil, bad("empty %s", f.field)
			}
		}
		if e.Width <= 0 || e.Height <= 0 {
			return nil, bad("size %d×%d", e.Width, e.Height)
		}
		if st, err := fs.Stat(fsys, e.File); err != nil || st.IsDir() {
			return nil, bad("file %s is not there", e.File)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return list, nil
}

// Images returns the manifest entries of the given kind ("" for all) and class ("" for all),
// sorted by name, e.g. Images(KindCategorization, "fishes"). An unknown kind or class is an
// error that lists the known ones.
func Images(kind, class string) ([]ImageInfo, error) {
	all, err := ImageManifest()
	if err != nil {
		return nil, err
	}
	kinds := map[string]bool{}
	classes := map[string]bool{}
	var out []ImageInfo
	for _, e := range all {
		kinds[e.Kind] = true
		if e.Kind == kind || kind == "" {
			if e.Class != "" {
				classes[e.Class] = true
			}
			if class == "" || e.Class == class {
				out = append(out, e)
			}
		}
	}
	if kind != "" && !kinds[kind] {
		return nil, fmt.Errorf("datasets: Images: unknown kind %q (have %s)", kind, strings.Join(sortedKeys(kinds), ", "))
	}
	if class != "" && !classes[class] {
		return nil, fmt.Errorf("datasets: Images: no class %q among %q images (have %s)", class, kind, strings.Join(sortedKeys(classes), ", "))
	}
	return out, nil
}

// ImageClasses returns the class names of the categorization photos, sorted; a class's index
// in this list is its label in LoadCategorization.
func ImageClasses() ([]string, error) {
	all, err := Images(KindCategorization, "")
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, e := range all {
		set[e.Class] = true
	}
	return sortedKeys(set), nil
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Info returns the manifest entry of the image called name, or an error that says the name is
// unknown.
func Info(name string) (ImageInfo, error) {
	all, err := ImageManifest()
	if err != nil {
		return ImageInfo{}, err
	}
	i, ok := slices.BinarySearchFunc(all, name, func(e ImageInfo, n string) int { return strings.Compare(e.Name, n) })
	if !ok {
		return ImageInfo{}, fmt.Errorf("datasets: no image called %q (see datasets.Images(\"\", \"\") for the %d names)", name, len(all))
	}
	return all[i], nil
}

// Image decodes the committed image called name (see Images for the names), at its committed
// size: photographs and paintings at most 512 pixels on a side, categorization photos 128
// pixels on the shorter side.
func Image(name string) (image.Image, error) {
	e, err := Info(name)
	if err != nil {
		return nil, err
	}
	f, err := imageFS.Open(e.File)
	if err != nil {
		return nil, fmt.Errorf("datasets: image %q: %w", name, err)
	}
	defer f.Close()
	m, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("datasets: image %q: %s: %w", name, e.File, err)
	}
	return m, nil
}

// ImageTensor returns the image called name as a tensor of shape [3, H, W] (channels R, G, B;
// row-major) with values in [0, 1]; grey images are repeated in the three channels. With
// size > 0 the image is scaled (Catmull–Rom) so that its shorter side is size and then
// centre-cropped to [3, size, size]; size 0 keeps the committed size. ImageTensor panics if
// size < 0.
func ImageTensor(name string, size int) (*dl.Tensor, error) {
	m, err := Image(name)
	if err != nil {
		return nil, err
	}
	return ToTensor(m, size), nil
}

// ToTensor converts m to a [3, H, W] tensor in [0, 1] as ImageTensor does: with size > 0,
// scaled so that the shorter side is size and centre-cropped to size×size. Alpha is ignored
// (pixels are taken as if composed over black). ToTensor panics if size < 0.
func ToTensor(m image.Image, size int) *dl.Tensor {
	if size < 0 {
		panic(fmt.Sprintf("datasets: ToTensor: negative size %d", size))
	}
	rgba := SquareCrop(m, size)
	b := rgba.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]float32, 3*w*h)
	for y := range h {
		row := rgba.Pix[y*rgba.Stride:]
		for x := range w {
			p := row[4*x:]
			for c := range 3 {
				out[c*w*h+y*w+x] = float32(p[c]) / 255
			}
		}
	}
	return dl.New(out, 3, h, w)
}

// SquareCrop returns m as a new RGBA image; with size > 0, scaled (Catmull–Rom, antialiased
// when shrinking) so that its shorter side is size and centre-cropped to size×size.
func SquareCrop(m image.Image, size int) *image.RGBA {
	b := m.Bounds()
	if size <= 0 {
		out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(out, out.Bounds(), m, b.Min, draw.Src)
		return out
	}
	// The source square: the centred crop of the shorter side, scaled to size×size.
	side := min(b.Dx(), b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-side)/2, b.Min.Y+(b.Dy()-side)/2
	out := image.NewRGBA(image.Rect(0, 0, size, size))
	xdraw.CatmullRom.Scale(out, out.Bounds(), m, image.Rect(x0, y0, x0+side, y0+side), xdraw.Src, nil)
	return out
}

// LoadCategorization loads the GCompris categorization photos as a Set for transfer learning:
// X has shape [N, 3, size, size] in [0, 1] (each photo scaled and centre-cropped as
// ImageTensor does), Y the labels and Classes the class names (ImageClasses). Photos come in
// name order; use Set.Split for a seeded train/test split. LoadCategorization panics if
// size < 1.
func LoadCategorization(size int) (*Set, error) {
	if size < 1 {
		panic(fmt.Sprintf("datasets: LoadCategorization: size %d < 1", size))
	}
	classes, err := ImageClasses()
	if err != nil {
		return nil, err
	}
	list, err := Images(KindCategorization, "")
	if err != nil {
		return nil, err
	}
	per := 3 * size * size
	x := make([]float32, 0, len(list)*per)
	y := make([]int, 0, len(list))
	for _, e := range list {
		t, err := ImageTensor(e.Name, size)
		if err != nil {
			return nil, err
		}
		x = append(x, t.Data()...)
		y = append(y, slices.Index(classes, e.Class))
	}
	return &Set{X: dl.New(x, len(list), 3, size, size), Y: y, Classes: classes}, nil
}
