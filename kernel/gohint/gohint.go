// Package gohint runs the go command for the kernel and, when a build fails because a module is
// not in the Go module cache (the kernel runs Go with GOPROXY=off), adds a line that names the
// module and the command that fixes it. kernel/cmd/gohint is the program: `deepnb install` builds it
// as <root>/.bin/go, which the kernelspec puts first on GoNB's PATH.
package gohint

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// Marker is the text the go command prints when, with GOPROXY=off, it needs a module (or a
// module's go.mod) that is not in the module cache.
const Marker = "lookup disabled by GOPROXY=off"

// Fix is the command, run in the deepnb folder while online, that downloads every module the
// kernel needs (`make install` runs it too).
const Fix = "go run ./kernel/cmd/deepnb install"

// RealGoEnv names the environment variable that holds the path of the real go command; the
// kernelspec sets it.
const RealGoEnv = "DEEPNB_GO"

// modVersion matches a module path and version as the go command prints them: "path@vX.Y.Z".
var modVersion = regexp.MustCompile(`([A-Za-z0-9._~!+\-/]+@v[0-9][A-Za-z0-9._+\-]*)`)

// downloading matches the go command's "go: downloading PATH VERSION" line.
var downloading = regexp.MustCompile(`^go: downloading (\S+) (v\S+)\s*$`)

// MissingModules returns the modules (path@version, in order of appearance, without repeats)
// that the go command's output says are missing from the module cache: those named on the lines
// that carry [Marker] ("go: M@V: module lookup disabled by GOPROXY=off"), or, when those name
// none ("main.go:2:8: module lookup disabled by GOPROXY=off"), those of its "go: downloading PATH
// VERSION" lines. It returns nil when no line carries Marker, and an empty non-nil slice when one
// does but no module is named.
func MissingModules(output []byte) []string {
	var marked, downloads []string
	found := false
	add := func(list *[]string, m string) {
		if !slices.Contains(*list, m) {
			*list = append(*list, m)
		}
	}
	for line := range bytes.Lines(output) {
		if m := downloading.FindSubmatch(line); m != nil {
			add(&downloads, string(m[1])+"@"+string(m[2]))
			continue
		}
		if !bytes.Contains(line, []byte(Marker)) {
			continue
		}
		found = true
		for _, m := range modVersion.FindAllString(string(line), -1) {
			add(&marked, m)
		}
	}
	switch {
	case !found:
		return nil
	case marked != nil:
		return marked
	case downloads != nil:
		return downloads
	}
	return []string{}
}

// Hint returns the message for the modules [MissingModules] found (nil gives ""): one line,
// starting with "deepnb: ", that names them, the module cache folder modCache (when not empty) and
// [Fix].
func Hint(mods []string, modCache string) string {
	if mods == nil {
		return ""
	}
	what := "a module this build needs is"
	switch len(mods) {
	case 0:
	case 1:
		what = "module " + mods[0] + " is"
	default:
		what = "modules " + strings.Join(mods, ", ") + " are"
	}
	where := "the Go module cache"
	if modCache != "" {
		where += " (" + modCache + ")"
	}
	return fmt.Sprintf("deepnb: %s not in %s and the kernel does not download (GOPROXY=off); "+
		"run `%s` (or `make install`) in the deepnb folder while online, then run the cell again\n", what, where, Fix)
}

// Recorder passes everything written to it on to W and keeps the first Max bytes (all when Max
// is 0) for [MissingModules].
type Recorder struct {
	W   io.Writer
	Max int
	buf bytes.Buffer
}

// Write writes p to r.W and records it.
func (r *Recorder) Write(p []byte) (int, error) {
	if room := r.Max - r.buf.Len(); r.Max == 0 || room > 0 {
		q := p
		if r.Max != 0 && len(q) > room {
			q = q[:room]
		}
		r.buf.Write(q)
	}
	return r.W.Write(p)
}

// Bytes returns what was recorded.
func (r *Recorder) Bytes() []byte { return r.buf.Bytes() }
