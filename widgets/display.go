package widgets

// This file holds the display functions, Show and Display, and what they need from the
// notebook: the frontend interface (implemented in gonbui.go) and the text fallback Out.

import (
	"errors"
	"fmt"
	"image"
	"io"
	"os"

	"gonum.org/v1/plot"
)

// frontend is what the display functions need from the notebook front end. gonbui.go
// implements it with GoNB's gonbui (the only file that imports it); tests substitute a
// recorder.
type frontend interface {
	// notebook reports whether the program runs under the GoNB kernel.
	notebook() bool
	// display sends a MIME bundle. With id == "" it appends a new output to the cell; otherwise
	// the first call with an id creates an output and later calls replace it in place
	// (Jupyter's update_display_data), so the last content is what the notebook keeps.
	display(id string, b bundle)
	// listen subscribes to string values the browser sends to address until stop is called.
	listen(address string) (values <-chan string, stop func())
	// script runs JavaScript once in the browser without leaving it in the notebook.
	script(js string)
	// sync waits until everything sent so far has reached the kernel.
	sync()
	// uniqueID returns a fresh identifier for display ids and comm addresses.
	uniqueID() string
}

// bundle is a MIME bundle: "image/png" → []byte, "text/html", "text/plain", "image/svg+xml" →
// string.
type bundle map[string]any

// fe is the front end in use; tests replace it.
var fe frontend = gonbFrontend{}

// Out is where display functions write their text fallback when the program does not run in a
// notebook (for example under go test or go run): one summary line per Show, progress bars and
// monitor lines. nil (the default) means os.Stdout; set it to io.Discard to silence them.
var Out io.Writer

// textOut returns Out, or os.Stdout when Out is nil.
func textOut() io.Writer {
	if Out != nil {
		return Out
	}
	return os.Stdout
}

// HTML is HTML content for Show, displayed as text/html.
type HTML string

// Show displays v as the output of the current notebook cell: an image.Image or *Figure (as
// PNG, or SVG when Figure.Format is "svg"), a *plot.Plot (as a 480×320 PNG), HTML, a string or a
// fmt.Stringer (as text). Outside a notebook Show renders v the same way — so errors surface —
// and writes a one-line summary to Out instead, such as "[image 64×64]".
//
// Show returns rendering errors, and an error naming the type for values it cannot show.
func Show(v any) error {
	b, err := render(v)
	if err != nil {
		return err
	}
	emit("", b)
	return nil
}

// emit sends b to the notebook, or its text summary to Out outside one.
func emit(id string, b bundle) {
	if !fe.notebook() {
		if s, ok := b["text/plain"].(string); ok {
			fmt.Fprintln(textOut(), s)
		}
		return
	}
	fe.display(id, b)
	fe.sync()
}

// render turns a showable value into a MIME bundle.
func render(v any) (bundle, error) {
	switch v := v.(type) {
	case nil:
		return nil, errors.New("widgets: Show: nil value")
	case *Figure:
		if v == nil {
			return nil, errors.New("widgets: Show: nil *Figure")
		}
		w, h := v.size()
		summary := fmt.Sprintf("[figure %d×%d]", w, h)
		if v.Plot != nil && v.Title.Text != "" {
			summary = fmt.Sprintf("[figure %d×%d: %s]", w, h, v.Title.Text)
		}
		if v.Format == "svg" {
			svg, err := v.SVG()
			if err != nil {
				return nil, err
			}
			return bundle{"image/svg+xml": string(svg), "text/plain": summary}, nil
		}
		png, err := v.PNG()
		if err != nil {
			return nil, err
		}
		return bundle{"image/png": png, "text/plain": summary}, nil
	case *plot.Plot:
		return render(&Figure{Plot: v})
	case image.Image:
		png, err := PNG(v)
		if err != nil {
			return nil, err
		}
		b := v.Bounds()
		return bundle{"image/png": png, "text/plain": fmt.Sprintf("[image %d×%d]", b.Dx(), b.Dy())}, nil
	case HTML:
		return bundle{"text/html": string(v), "text/plain": fmt.Sprintf("[html %d bytes]", len(v))}, nil
	case string:
		return bundle{"text/plain": v}, nil
	case fmt.Stringer:
		return bundle{"text/plain": v.String()}, nil
	}
	return nil, fmt.Errorf("widgets: Show: cannot display a %T (want image.Image, *Figure, *plot.Plot, HTML, string or fmt.Stringer)", v)
}

// Display shows v, or reports err: it takes a widget constructor's two results, so that a
// notebook cell is one call — widgets.Display(widgets.Line(opts, series…)). A non-nil err is
// written to standard error (the cell shows it) and returned; otherwise Display returns
// Show(v)'s error, also written to standard error.
func Display(v any, err error) error {
	if err == nil {
		err = Show(v)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	return err
}
