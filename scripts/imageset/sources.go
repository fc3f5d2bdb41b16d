package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // GCompris's images

	"github.com/deepnb/deepnb/datasets"
	"github.com/deepnb/deepnb/datasets/rcc"
)

// Committed sizes: photographs and paintings at most maxSide pixels on a side (enough for
// sparse-coding patches and neural style on a laptop), categorization photos catSide pixels on
// the shorter side (transfer learning at 128×128 crops).
const (
	maxSide     = 512
	catSide     = 128
	jpegQuality = 90
)

// The scikit-image photographs, with the licence and credit its _fetchers.py docstrings give.
// Left out: moon (no licence stated), motorcycle_* (none stated), the synthetic and the
// microscopy images.
var skimagePhotos = []struct{ name, file, title, author, licence, url, note string }{
	{"astronaut", "astronaut.png", "Eileen Collins, NASA astronaut", "NASA", "public-domain", "https://flic.kr/p/r9qvLn", "NASA Great Images database: no known copyright restrictions, released into the public domain"},
	{"camera", "camera.png", "A man with a camera (grey)", "Lav Varshney", "CC0-1.0", "", ""},
	{"chelsea", "chelsea.png", "Chelsea the cat", "Stefan van der Walt", "CC0-1.0", "", ""},
	{"coffee", "coffee.png", "A cup of coffee, courtesy of Pikolo Espresso Bar", "Rachel Michetti", "CC0-1.0", "", ""},
	{"rocket", "rocket.jpg", "Launch of DSCOVR on a Falcon 9", "SpaceX", "public-domain", "https://www.flickr.com/photos/spacexphotos/16511594820/", "released into the public domain by SpaceX"},
	{"hubble-deep-field", "hubble_deep_field.jpg", "Hubble eXtreme Deep Field", "NASA", "public-domain", "http://hubblesite.org/newscenter/archive/releases/2012/37/image/a/", ""},
	{"coins", "coins.png", "Greek coins from Pompeii (grey)", "Brooklyn Museum", "public-domain", "https://www.brooklynmuseum.org/opencollection/archives/image/51611", "no known copyright restrictions"},
	{"brick", "brick.png", "A brick wall (grey texture)", "CC0Textures (Bricks25)", "CC0-1.0", "https://cc0textures.com/view.php?tex=Bricks25", ""},
	{"grass", "grass.png", "Grass (grey texture)", "linolafett", "CC0-1.0", "https://www.deviantart.com/linolafett/art/Grass-01-434853879", ""},
	{"gravel", "gravel.png", "Gravel (grey texture)", "CC0Textures (Gravel04)", "CC0-1.0", "https://cc0textures.com/view.php?tex=Gravel04", ""},
}

const skimageDir = "/usr/lib/python3/dist-packages/skimage/data/"

func photos(root string) ([]output, error) {
	var outs []output
	for _, p := range skimagePhotos {
		orig := skimageDir + p.file
		m, err := decodeFile(root, orig)
		if err != nil {
			return nil, err
		}
		o, err := encode(fitMax(m, maxSide), !strings.HasSuffix(p.file, ".jpg"), "images/photo/"+p.name)
		if err != nil {
			return nil, err
		}
		note := "licence and credit as stated in skimage/data/_fetchers.py"
		if p.note != "" {
			note = p.note + "; " + note
		}
		o.info = fill(o.info, datasets.ImageInfo{Name: p.name, Kind: datasets.KindPhoto, Title: p.title, Author: p.author,
			Licence: p.licence, Note: note, URL: p.url, Package: skimage.name, Version: skimage.version, Path: orig})
		outs = append(outs, o)
	}
	return outs, nil
}

// fill copies the descriptive fields of d into info, keeping info's File and size.
func fill(info, d datasets.ImageInfo) datasets.ImageInfo {
	d.File, d.Width, d.Height = info.File, info.Width, info.Height
	return d
}

const gcomprisRCC = "/usr/share/gcompris-qt/rcc/"

func paintings(root string) ([]output, error) {
	var outs []output
	for _, p := range []struct {
		pkg                                            *pkg
		orig, name, title, author, year, licence, note string
	}{
		{opencv, starryNight, "starry-night", "The Starry Night", "Vincent van Gogh", "1889",
			"Apache-2.0 AND BSD-3-Clause", "the painting is in the public domain; the file is covered by opencv-doc's debian/copyright (Files: *)"},
		{darknet, scream, "scream", "The Scream", "Edvard Munch", "1893",
			"GPL-3.0-or-later OR MIT OR WTFPL", "the painting is in the public domain; the file is covered by darknet's debian/copyright (Files: *), used here under MIT or WTFPL"},
	} {
		m, err := decodeFile(root, p.orig)
		if err != nil {
			return nil, err
		}
		o, err := encode(fitMax(m, maxSide), false, "images/painting/"+p.name)
		if err != nil {
			return nil, err
		}
		o.info = fill(o.info, datasets.ImageInfo{Name: p.name, Kind: datasets.KindPainting, Title: p.title, Author: p.author,
			Year: p.year, Licence: p.licence, Note: p.note, Package: p.pkg.name, Version: p.pkg.version, Path: p.orig})
		outs = append(outs, o)
	}
	a, err := openRCC(root, "paintings.rcc")
	if err != nil {
		return nil, err
	}
	const dir = "gcompris/src/activities/paintings/resource/"
	boards := a.Glob(dir + "board/board*_0.qml")
	if len(boards) == 0 {
		return nil, fmt.Errorf("%s: no %sboard/board*_0.qml", a.Name, dir)
	}
	for _, b := range boards {
		j, err := readBoard(a, b, dir)
		if err != nil {
			return nil, err
		}
		if j.title == "Pieta" {
			continue // a photograph of a sculpture: the photographer's rights are not those of the artwork
		}
		m, err := j.assemble()
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", a.Name, b.Path, err)
		}
		o, err := encode(fitMax(m, maxSide), false, "images/painting/"+slug(j.title))
		if err != nil {
			return nil, err
		}
		o.info = fill(o.info, datasets.ImageInfo{Name: slug(j.title), Kind: datasets.KindPainting, Title: j.title, Author: j.author,
			Year: j.year, Licence: "GPL-3.0-or-later",
			Note: fmt.Sprintf("reassembled from %d jigsaw pieces placed as the board file says (%d seam pixels filled from their neighbours); "+
				"the painting is in the public domain; GCompris labels its WebMuseum scans GPL-3.0-or-later (paintings/resource/image/README)",
				len(j.pieces), j.seams),
			Package: gcompris.name, Version: gcompris.version, Path: gcomprisRCC + "paintings.rcc:" + b.Path})
		outs = append(outs, o)
	}
	return outs, nil
}

// The five photo classes of GCompris's categorization activity (the alphabets and numbers
// folders hold drawings, not photos).
var catClasses = []string{"fishes", "monuments", "others", "renewable", "tools"}

func categorization(root string) ([]output, error) {
	a, err := openRCC(root, "categorization.rcc")
	if err != nil {
		return nil, err
	}
	var outs []output
	const dir = "gcompris/src/activities/categorization/resource/images/"
	for _, class := range catClasses {
		readme := a.Open(dir + class + "/README")
		if readme == nil {
			return nil, fmt.Errorf("%s: no %s%s/README", a.Name, dir, class)
		}
		text, err := readme.Data()
		if err != nil {
			return nil, err
		}
		credits, err := parseCredits(string(text))
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", a.Name, readme.Path, err)
		}
		for typo, file := range readmeTypos {
			if c, ok := credits[typo]; ok && credits[file] == (credit{}) {
				c.typo = typo
				credits[file] = c
			}
		}
		files := a.Glob(dir + class + "/*.webp")
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no WebP files in %s%s", a.Name, dir, class)
		}
		for _, f := range files {
			base := path.Base(f.Path)
			c, ok := credits[base]
			if !ok {
				return nil, fmt.Errorf("%s: %s has no entry in %s", a.Name, f.Path, readme.Path)
			}
			if strings.Contains(c.licence, "GPL") {
				continue // a GPL photo would bind whatever embeds it: left out (renewable/windmill6)
			}
			if c.licence != "public-domain" && c.licence != "CC0-1.0" {
				return nil, fmt.Errorf("%s: %s: licence %q is neither public domain nor CC0", a.Name, f.Path, c.licence)
			}
			data, err := f.Data()
			if err != nil {
				return nil, err
			}
			m, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", a.Name, f.Path, err)
			}
			stem := strings.TrimSuffix(base, ".webp")
			note := "licence and credit from " + readme.Path
			if c.typo != "" {
				note += " (which spells the file " + c.typo + ")"
			}
			o, err := encode(fitShort(m, catSide), false, "images/categorization/"+class+"/"+stem)
			if err != nil {
				return nil, err
			}
			o.info = fill(o.info, datasets.ImageInfo{Name: class + "/" + stem, Kind: datasets.KindCategorization, Class: class,
				Title: stem, Author: c.author, Licence: c.licence, URL: c.url,
				Note:    note + "; scaled to 128 pixels on the shorter side",
				Package: gcompris.name, Version: gcompris.version, Path: gcomprisRCC + "categorization.rcc:" + f.Path})
			outs = append(outs, o)
		}
	}
	return outs, nil
}

type credit struct{ author, url, licence, typo string }

// readmeTypos maps misspelt file names in GCompris 3.1's categorization READMEs to the files
// they credit.
var readmeTypos = map[string]string{"screDriver.webp": "screwDriver.webp"}

// parseCredits reads a GCompris images README: blocks of "Copyright:", "Source:", "License:"
// and "Files:" lines followed by one file name a line, separated by blank lines.
func parseCredits(text string) (map[string]credit, error) {
	out := map[string]credit{}
	var cur credit
	inFiles := false
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		key, val, isField := strings.Cut(line, ":")
		switch {
		case line == "":
			cur, inFiles = credit{}, false
		case isField && key == "Copyright":
			cur.author = strings.TrimSpace(val)
		case isField && key == "Source":
			cur.url = strings.TrimSpace(val)
		case isField && key == "License":
			cur.licence = spdx(strings.TrimSpace(val))
		case isField && key == "Files":
			inFiles = true
		case inFiles:
			if cur.author == "" || cur.licence == "" {
				return nil, fmt.Errorf("line %d: file %s without Copyright and License lines", n, line)
			}
			out[line] = cur
		default:
			return nil, fmt.Errorf("line %d: unexpected %q", n, line)
		}
	}
	return out, sc.Err()
}

// spdx normalizes the licence names GCompris's READMEs use.
func spdx(l string) string {
	switch l {
	case "Public Domain":
		return "public-domain"
	case "GPLv2+":
		return "GPL-2.0-or-later"
	}
	return l
}

func openRCC(root, name string) (*rcc.Archive, error) {
	p := filepath.Join(root, gcomprisRCC, name)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return rcc.Parse(p, data)
}

func decodeFile(root, orig string) (image.Image, error) {
	f, err := os.Open(filepath.Join(root, orig))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name(), err)
	}
	return m, nil
}

// fitMax scales m down (never up) so that its longer side is at most side.
func fitMax(m image.Image, side int) image.Image {
	return fit(m, side, max(m.Bounds().Dx(), m.Bounds().Dy()))
}

// fitShort scales m down (never up) so that its shorter side is side.
func fitShort(m image.Image, side int) image.Image {
	return fit(m, side, min(m.Bounds().Dx(), m.Bounds().Dy()))
}

// fit scales m down, if s > side, by side/s.
func fit(m image.Image, side, s int) image.Image {
	b := m.Bounds()
	if s <= side {
		return m
	}
	return scale(m, div(b.Dx()*side, s), div(b.Dy()*side, s))
}

// div is a/b rounded to nearest, for positive a and b.
func div(a, b int) int { return (2*a + b) / (2 * b) }

// scale resamples m to w×h with the Catmull–Rom kernel (antialiased when shrinking), into a
// grey image if m is grey.
func scale(m image.Image, w, h int) image.Image {
	var dst draw.Image = image.NewRGBA(image.Rect(0, 0, w, h))
	if _, gray := m.(*image.Gray); gray {
		dst = image.NewGray(image.Rect(0, 0, w, h))
	}
	draw.CatmullRom.Scale(dst, dst.Bounds(), m, m.Bounds(), draw.Src, nil)
	return dst
}

// encode writes m as PNG (lossless originals) or JPEG (lossy ones) with fixed settings and
// returns the output with File (base plus extension) and the size filled in.
func encode(m image.Image, lossless bool, base string) (output, error) {
	var buf bytes.Buffer
	var err error
	file := base + ".jpg"
	if lossless {
		file = base + ".png"
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, m)
	} else {
		err = jpeg.Encode(&buf, m, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return output{}, fmt.Errorf("%s: %w", file, err)
	}
	b := m.Bounds()
	return output{info: datasets.ImageInfo{File: file, Width: b.Dx(), Height: b.Dy()}, data: buf.Bytes()}, nil
}

var nonAlnum = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a title into a name: "The Great Wave off Kanagawa" → "great-wave-off-kanagawa".
func slug(title string) string {
	s := strings.ToLower(title)
	s = strings.TrimPrefix(s, "the ")
	s = strings.NewReplacer("à", "a", "é", "e", "è", "e", "ü", "u").Replace(s)
	return strings.Trim(nonAlnum.ReplaceAllString(s, "-"), "-")
}

// atof parses a board coordinate such as "0.226".
func atof(s string) (float64, error) { return strconv.ParseFloat(strings.TrimSpace(s), 64) }
