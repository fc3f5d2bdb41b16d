package widgets

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeFrontend records what the display functions send, standing in for a notebook.
type fakeFrontend struct {
	mu       sync.Mutex
	inNB     bool
	outputs  []output // every display call in order
	scripts  []string
	listened []string
	values   chan string
	ids      int
}

type output struct {
	id string
	b  bundle
}

func (f *fakeFrontend) notebook() bool { return f.inNB }
func (f *fakeFrontend) display(id string, b bundle) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.outputs = append(f.outputs, output{id, b})
}
func (f *fakeFrontend) listen(address string) (<-chan string, func()) {
	f.listened = append(f.listened, address)
	if f.values == nil {
		f.values = make(chan string)
	}
	return f.values, func() {}
}
func (f *fakeFrontend) script(js string) { f.scripts = append(f.scripts, js) }
func (f *fakeFrontend) sync()            {}
func (f *fakeFrontend) uniqueID() string { f.ids++; return fmt.Sprint(f.ids) }

// final returns the notebook as Jupyter keeps it: one entry per display id (its last content)
// or per anonymous display, in order of first appearance.
func (f *fakeFrontend) final() []output {
	var out []output
	pos := map[string]int{}
	for _, o := range f.outputs {
		if o.id != "" {
			if i, ok := pos[o.id]; ok {
				out[i] = o
				continue
			}
			pos[o.id] = len(out)
		}
		out = append(out, o)
	}
	return out
}

// useFake installs a fake front end (and a buffer as Out) for the duration of the test.
func useFake(t *testing.T, inNotebook bool) (*fakeFrontend, *bytes.Buffer) {
	f := &fakeFrontend{inNB: inNotebook}
	var buf bytes.Buffer
	oldFE, oldOut := fe, Out
	fe, Out = f, &buf
	t.Cleanup(func() { fe, Out = oldFE, oldOut })
	return f, &buf
}

func decodePNG(t *testing.T, b bundle) image.Image {
	t.Helper()
	data, ok := b["image/png"].([]byte)
	if !ok {
		t.Fatalf("bundle has no image/png: keys %v", keys(b))
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("image/png does not decode: %v", err)
	}
	return img
}

func keys(b bundle) []string {
	var ks []string
	for k := range b {
		ks = append(ks, k)
	}
	return ks
}

type stringer struct{}

func (stringer) String() string { return "a stringer" }

func TestShowDispatch(t *testing.T) {
	f, _ := useFake(t, true)
	line, err := Line(PlotOpts{Title: "t"}, Series{Y: []float64{1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	svgFig, _ := Line(PlotOpts{}, Series{Y: []float64{1, 2}})
	svgFig.Format = "svg"
	for i, tc := range []struct {
		v        any
		mime     string
		contains string
	}{
		{image.NewRGBA(image.Rect(0, 0, 5, 7)), "image/png", ""},
		{line, "image/png", ""},
		{line.Plot, "image/png", ""},
		{svgFig, "image/svg+xml", "<svg"},
		{HTML("<b>hi</b>"), "text/html", "<b>hi</b>"},
		{"plain", "text/plain", "plain"},
		{stringer{}, "text/plain", "a stringer"},
	} {
		f.outputs = nil
		if err := Show(tc.v); err != nil {
			t.Fatalf("case %d: Show(%T): %v", i, tc.v, err)
		}
		if len(f.outputs) != 1 || f.outputs[0].id != "" {
			t.Fatalf("case %d: Show(%T): got outputs %v, want one anonymous display", i, tc.v, f.outputs)
		}
		b := f.outputs[0].b
		if _, ok := b[tc.mime]; !ok {
			t.Errorf("case %d: Show(%T): MIME types %v, want %s", i, tc.v, keys(b), tc.mime)
		}
		if tc.mime == "image/png" {
			decodePNG(t, b)
		}
		if s, _ := b[tc.mime].(string); tc.contains != "" && !strings.Contains(s, tc.contains) {
			t.Errorf("case %d: Show(%T): %s content %.40q lacks %q", i, tc.v, tc.mime, s, tc.contains)
		}
	}
	for i, v := range []any{nil, 42, (*Figure)(nil)} {
		if err := Show(v); err == nil {
			t.Errorf("case %d: Show(%#v): no error", i, v)
		}
	}
}

func TestShowOutsideNotebook(t *testing.T) {
	f, out := useFake(t, false)
	if err := Show(image.NewRGBA(image.Rect(0, 0, 64, 32))); err != nil {
		t.Fatal(err)
	}
	if len(f.outputs) != 0 {
		t.Errorf("outside a notebook: %d outputs sent, want 0", len(f.outputs))
	}
	if got, want := out.String(), "[image 64×32]\n"; got != want {
		t.Errorf("outside a notebook: wrote %q, want %q", got, want)
	}
}

func TestMonitor(t *testing.T) {
	f, _ := useFake(t, true)
	m := NewMonitor(PlotOpts{Title: "loss"})
	for i := range 5 {
		if err := m.Add(float64(i), Values{"train": 1 / float64(i+1), "test": 2 / float64(i+1)}); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	if len(f.outputs) != 5 {
		t.Fatalf("got %d displays for 5 Adds, want 5", len(f.outputs))
	}
	id := f.outputs[0].id
	for i, o := range f.outputs {
		if o.id == "" || o.id != id {
			t.Fatalf("display %d has id %q, want every redraw on the first display's id %q", i, o.id, id)
		}
	}
	if n := len(f.final()); n != 1 {
		t.Errorf("the saved notebook would hold %d outputs, want 1 (the final chart)", n)
	}
	decodePNG(t, f.outputs[4].b)
	s := m.Series()
	if len(s) != 2 || s[0].Name != "test" || s[1].Name != "train" || len(s[1].Y) != 5 || s[1].Y[4] != 0.2 {
		t.Errorf("Series: got %+v", s)
	}
	// A NaN is reported, not recorded; the rest of the step is.
	err := m.Add(5, Values{"train": math.NaN(), "test": 0.3})
	if !errors.Is(err, ErrNaN) {
		t.Errorf("Add with NaN: got %v, want ErrNaN", err)
	}
	s = m.Series()
	if len(s[1].Y) != 5 || len(s[0].Y) != 6 {
		t.Errorf("after NaN: train has %d points (want 5), test %d (want 6)", len(s[1].Y), len(s[0].Y))
	}
}

func TestMonitorEvery(t *testing.T) {
	f, _ := useFake(t, true)
	m := NewMonitor(PlotOpts{})
	m.Every = 3
	for i := range 7 {
		_ = m.Add(float64(i), Values{"loss": float64(7 - i)})
	}
	if len(f.outputs) != 2 {
		t.Errorf("Every=3, 7 Adds: got %d redraws, want 2", len(f.outputs))
	}
	if err := m.Flush(); err != nil || len(f.outputs) != 3 {
		t.Errorf("Flush: err %v, %d redraws, want 3", err, len(f.outputs))
	}
	if err := m.Flush(); err != nil || len(f.outputs) != 3 {
		t.Errorf("second Flush redrew: %d redraws, want 3", len(f.outputs))
	}
}

func TestMonitorOutsideNotebook(t *testing.T) {
	_, out := useFake(t, false)
	m := NewMonitor(PlotOpts{})
	_ = m.Add(1, Values{"loss": 0.5, "acc": 0.25})
	if got, want := out.String(), "epoch 1: acc=0.25 loss=0.5\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestProgress(t *testing.T) {
	f, _ := useFake(t, true)
	now := time.Unix(1000, 0)
	p := NewProgress(100, "train")
	p.now = func() time.Time { return now }
	p.start = now
	for i := 1; i <= 50; i++ {
		now = now.Add(50 * time.Millisecond) // 20 it/s; a redraw every 4th step at most
		p.Set(i, Values{"loss": 1 / float64(i)})
	}
	if n := len(f.outputs); n < 10 || n > 14 {
		t.Errorf("50 steps 50ms apart, MinInterval 200ms: %d redraws, want about 13", n)
	}
	if got, want := p.String(), "train  50/100 [00:03<00:03, 20.00 it/s] loss=0.02"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}
	p.Done()
	last := f.outputs[len(f.outputs)-1]
	if h, _ := last.b["text/html"].(string); !strings.Contains(h, `<progress value="50" max="100"`) || !strings.Contains(h, "loss=0.02") {
		t.Errorf("final HTML %q lacks the bar or the loss", h)
	}
	if n := len(f.final()); n != 1 {
		t.Errorf("saved notebook would hold %d outputs, want 1", n)
	}
}

func TestProgressOutsideNotebook(t *testing.T) {
	_, out := useFake(t, false)
	now := time.Unix(0, 0)
	p := NewProgress(4, "")
	p.now = func() time.Time { return now }
	p.start = now
	for i := 1; i <= 4; i++ {
		now = now.Add(time.Second)
		p.Set(i, nil)
	}
	p.Done()
	got := out.String()
	if !strings.HasPrefix(got, "\r1/4 [00:01<00:03, 1.00 it/s]") || !strings.HasSuffix(got, "\r4/4 [00:04, 1.00 it/s]\n") {
		t.Errorf("text progress: got %q", got)
	}
}

func TestSliderHeadless(t *testing.T) {
	f, _ := useFake(t, true)
	var rendered []int
	err := Slider(SliderOpts{Label: "sweep", Max: 9, Value: 9, ConnectTimeout: 20 * time.Millisecond}, func(v int) (any, error) {
		rendered = append(rendered, v)
		return image.NewRGBA(image.Rect(0, 0, 8, 8)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rendered) != 1 || rendered[0] != 9 {
		t.Errorf("rendered %v, want [9]", rendered)
	}
	final := f.final()
	if len(final) != 2 {
		t.Fatalf("saved outputs: %d, want 2 (picture, closed-slider note)", len(final))
	}
	decodePNG(t, final[0].b)
	if h, _ := final[1].b["text/html"].(string); strings.Contains(h, "<input") || !strings.Contains(h, "no browser answered") {
		t.Errorf("controls left as %q, want the slider replaced by a note", h)
	}
	if len(f.scripts) != 1 || !strings.Contains(f.scripts[0], f.listened[0]) {
		t.Errorf("script %v does not bind the listened address %v", f.scripts, f.listened)
	}
}

func TestSliderEvents(t *testing.T) {
	f, _ := useFake(t, true)
	f.values = make(chan string, 8)
	for _, m := range []string{"v:0", "v:3", "garbage", "v:99", "done"} {
		f.values <- m
	}
	var rendered []int
	err := Slider(SliderOpts{Label: "w", Max: 5, ConnectTimeout: time.Minute}, func(v int) (any, error) {
		rendered = append(rendered, v)
		return image.NewRGBA(image.Rect(0, 0, 4+v, 4)), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{0, 3, 5}; fmt.Sprint(rendered) != fmt.Sprint(want) {
		t.Errorf("rendered %v, want %v (initial, moved to 3, 99 clamped to 5)", rendered, want)
	}
	final := f.final()
	if img := decodePNG(t, final[0].b); img.Bounds().Dx() != 9 {
		t.Errorf("kept picture is %d wide, want the last frame (9)", img.Bounds().Dx())
	}
	if h, _ := final[1].b["text/html"].(string); !strings.Contains(h, "w = 5 (slider closed: done)") {
		t.Errorf("controls left as %q", h)
	}
}

func TestSliderRenderError(t *testing.T) {
	useFake(t, true)
	boom := errors.New("boom")
	err := Slider(SliderOpts{}, func(int) (any, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Errorf("got %v, want the render error", err)
	}
}
