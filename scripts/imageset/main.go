// Command imageset regenerates the committed image set datasets/images/ (the files and
// manifest.json) from the Debian packages it comes from, so that its provenance is reproducible:
//
//	go run ./scripts/imageset          # rewrite datasets/images from the packages
//	go run ./scripts/imageset -check   # regenerate into memory and compare, byte for byte
//
// It downloads the pinned package versions with `apt-get download` (no root needed) into a
// temporary folder, unpacks the files it needs (dpkg-deb --fsys-tarfile, as `dpkg -x` does), reads GCompris's Qt resource files with
// datasets/rcc, reassembles the paintings from their jigsaw pieces, scales the images with
// golang.org/x/image/draw and encodes them with fixed settings (PNG at best compression for
// lossless originals, JPEG quality 90 for lossy ones). -debs DIR uses .deb files already there
// (and downloads only the missing ones into DIR).
//
// The output is deterministic for a given Go version and CPU architecture (the scaler's float
// arithmetic can differ where the compiler fuses multiply-adds, e.g. on arm64). -check exits 1
// and lists every difference when the committed set is not what the packages give.
package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/deepnb/deepnb/datasets"
)

// pkg is a pinned Debian package and the files the set is made from.
type pkg struct {
	name, version string
	files         []string
}

var (
	skimage  = &pkg{name: "python3-skimage", version: "0.19.3-8"}
	opencv   = &pkg{name: "opencv-doc", version: "4.6.0+dfsg-12", files: []string{starryNight}}
	darknet  = &pkg{name: "darknet", version: "0.0.0+git20180914.61c9d02e-2+b4", files: []string{scream}}
	gcompris = &pkg{name: "gcompris-qt-data", version: "3.1-2", files: []string{gcomprisRCC + "paintings.rcc", gcomprisRCC + "categorization.rcc"}}
	packages = []*pkg{skimage, opencv, darknet, gcompris}
)

const (
	starryNight = "/usr/share/doc/opencv-doc/examples/data/starry_night.jpg"
	scream      = "/usr/share/darknet/data/scream.jpg"
)

func init() {
	for _, p := range skimagePhotos {
		skimage.files = append(skimage.files, skimageDir+p.file)
	}
}

// output is one generated file: its manifest entry (File relative to datasets/) and bytes.
type output struct {
	info datasets.ImageInfo
	data []byte
}

func main() {
	out := flag.String("out", "datasets", "folder holding images/ (the repository's datasets/)")
	check := flag.Bool("check", false, "compare the regenerated set with the one in -out instead of writing it")
	debs := flag.String("debs", "", "folder of .deb files to use (missing ones are downloaded there); default: a temporary folder")
	flag.Parse()
	if err := run(*out, *debs, *check); err != nil {
		fmt.Fprintln(os.Stderr, "imageset:", err)
		os.Exit(1)
	}
}

func run(out, debs string, check bool) error {
	files, err := generate(debs)
	if err != nil {
		return err
	}
	if check {
		return compare(out, files)
	}
	return write(out, files)
}

// generate builds the image set from the pinned packages (their .deb files in debs, or
// downloaded there; a temporary folder if debs is ""): the files by their path relative to
// datasets/, manifest included.
func generate(debs string) (map[string][]byte, error) {
	tmp, err := os.MkdirTemp("", "imageset-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if debs == "" {
		debs = filepath.Join(tmp, "debs")
	}
	root := filepath.Join(tmp, "root")
	for _, p := range packages {
		if err := unpack(p, debs, root); err != nil {
			return nil, err
		}
	}
	var outs []output
	for _, build := range []func(string) ([]output, error){photos, paintings, categorization} {
		o, err := build(root)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o...)
	}
	manifest, err := manifestJSON(outs)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{datasets.ImageManifestPath: manifest}
	for _, o := range outs {
		files[o.info.File] = o.data
	}
	return files, nil
}

// fetchError is a failure to download a package: the archive is unreachable, not a problem
// with the image set.
type fetchError struct{ err error }

func (e *fetchError) Error() string { return e.err.Error() }

// unpack extracts the files of package p that the set is made from (p.files; the .deb found
// in, or downloaded to, debs) under root, as `dpkg -x` would.
func unpack(p *pkg, debs, root string) error {
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return err
	}
	// apt names the file name_version_arch.deb, with ':' in the version escaped as %3a.
	pattern := filepath.Join(debs, p.name+"_"+strings.ReplaceAll(p.version, ":", "%3a")+"_*.deb")
	found, _ := filepath.Glob(pattern)
	if len(found) == 0 {
		cmd := exec.Command("apt-get", "download", p.name+"="+p.version)
		cmd.Dir = debs
		if msg, err := cmd.CombinedOutput(); err != nil {
			return &fetchError{fmt.Errorf("apt-get download %s=%s: %v\n%s(is Debian bookworm in the apt sources, and `apt-get update` done?)",
				p.name, p.version, err, msg)}
		}
		if found, _ = filepath.Glob(pattern); len(found) == 0 {
			return &fetchError{fmt.Errorf("apt-get download %s=%s left no file matching %s", p.name, p.version, pattern)}
		}
	}
	cmd := exec.Command("dpkg-deb", "--fsys-tarfile", found[0])
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dpkg-deb --fsys-tarfile %s: %w", found[0], err)
	}
	missing := map[string]bool{}
	for _, f := range p.files {
		missing[f] = true
	}
	tr := tar.NewReader(pipe)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", found[0], err)
		}
		name := strings.TrimPrefix(h.Name, ".")
		if !missing[name] || h.Typeflag != tar.TypeReg {
			continue
		}
		delete(missing, name)
		dst := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", found[0], name, err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("dpkg-deb --fsys-tarfile %s: %v %s", found[0], err, stderr.String())
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s: files not in the package: %v", found[0], slices.Sorted(maps.Keys(missing)))
	}
	return nil
}

// manifestJSON encodes the manifest entries sorted by name, one field per line.
func manifestJSON(outs []output) ([]byte, error) {
	list := make([]datasets.ImageInfo, len(outs))
	for i, o := range outs {
		sum := sha256.Sum256(o.data)
		o.info.SHA256 = hex.EncodeToString(sum[:])
		list[i] = o.info
	}
	slices.SortFunc(list, func(a, b datasets.ImageInfo) int { return strings.Compare(a.Name, b.Name) })
	for i := 1; i < len(list); i++ {
		if list[i].Name == list[i-1].Name {
			return nil, fmt.Errorf("two images called %q", list[i].Name)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(list); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// write replaces out/images with files (paths relative to out).
func write(out string, files map[string][]byte) error {
	dir := filepath.Join(out, "images")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	total := 0
	for name, data := range files {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
		total += len(data)
	}
	fmt.Printf("wrote %d files, %.2f MB, to %s\n", len(files), float64(total)/1e6, dir)
	return nil
}

// compare reports every file of out/images that differs from files, is missing or is extra.
func compare(out string, files map[string][]byte) error {
	var diffs []string
	have := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(out, "images"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(out, p)
		rel = filepath.ToSlash(rel)
		have[rel] = true
		want, ok := files[rel]
		if !ok {
			diffs = append(diffs, "extra file (not generated): "+rel)
			return nil
		}
		got, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			diffs = append(diffs, fmt.Sprintf("differs: %s (committed %d bytes, regenerated %d)", rel, len(got), len(want)))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for name := range files {
		if !have[name] {
			diffs = append(diffs, "missing (generated, not committed): "+name)
		}
	}
	slices.Sort(diffs)
	if len(diffs) > 0 {
		return errors.New("the committed set is not what the packages give:\n  " + strings.Join(diffs, "\n  "))
	}
	fmt.Printf("check: ok, %d files byte-identical (%s)\n", len(files), pkgList())
	return nil
}

func pkgList() string {
	var s []string
	for _, p := range packages {
		s = append(s, p.name+" "+p.version)
	}
	return strings.Join(s, ", ")
}
