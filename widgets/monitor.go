package widgets

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Values are named numbers reported at one step: {"train loss": 0.31, "test acc": 0.88}.
type Values map[string]float64

// sortedNames returns the names of v in alphabetical order.
func (v Values) sortedNames() []string {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Monitor is a live training chart, like d2l's Animator: every Add appends points and redraws
// the chart in place in the notebook (one output, replaced through update_display_data), so a
// cell shows the curves growing while it trains and the saved notebook keeps the final chart.
// Outside a notebook each Add writes one text line to Out instead.
//
//	m := widgets.NewMonitor(widgets.PlotOpts{Title: "MLP on MNIST", XLabel: "epoch", LogY: true})
//	for epoch := range 10 {
//		…
//		m.Add(float64(epoch), widgets.Values{"train loss": l, "test acc": acc})
//	}
//
// Series are drawn in the order their names first appear. A Monitor is not safe for
// concurrent use.
type Monitor struct {
	// Opts titles and sizes the chart (XLabel defaults to "epoch").
	Opts PlotOpts
	// Every redraws after every Every calls to Add (default 1: each call); Flush draws the rest.
	Every int

	live   *Live
	names  []string
	series map[string]*Series
	adds   int
	drawn  bool
}

// NewMonitor returns a Monitor drawing a chart configured by opts; nothing is displayed until
// the first Add.
func NewMonitor(opts PlotOpts) *Monitor {
	opts.XLabel = cmp.Or(opts.XLabel, "epoch")
	return &Monitor{Opts: opts, live: NewLive(), series: map[string]*Series{}}
}

// Add records values at x (an epoch or step number) and redraws. A NaN or infinite value is
// not recorded, and Add returns an error wrapping ErrNaN naming it, after recording and drawing
// the others — so a diverging run is reported, not hidden. Drawing errors are returned too.
func (m *Monitor) Add(x float64, values Values) error {
	var bad []string
	for _, name := range values.sortedNames() {
		v := values[name]
		if math.IsNaN(v) || math.IsInf(v, 0) || math.IsNaN(x) || math.IsInf(x, 0) {
			bad = append(bad, fmt.Sprintf("%s=%v", name, v))
			continue
		}
		s, ok := m.series[name]
		if !ok {
			s = &Series{Name: name}
			m.series[name] = s
			m.names = append(m.names, name)
		}
		s.X = append(s.X, x)
		s.Y = append(s.Y, v)
	}
	m.adds++
	var err error
	if !fe.notebook() {
		fmt.Fprintln(textOut(), m.line(x, values))
	} else if every := max(m.Every, 1); m.adds%every == 0 {
		err = m.draw()
	} else {
		m.drawn = false
	}
	if bad != nil {
		return fmt.Errorf("%w: Monitor.Add at %s %g: %s", ErrNaN, m.Opts.XLabel, x, strings.Join(bad, ", "))
	}
	return err
}

// line is the text form of one Add: "epoch 3: test acc=0.8800 train loss=0.3100".
func (m *Monitor) line(x float64, values Values) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %g:", m.Opts.XLabel, x)
	for _, name := range values.sortedNames() {
		fmt.Fprintf(&b, " %s=%.4g", name, values[name])
	}
	return b.String()
}

// Figure returns the chart of everything recorded so far, a Line figure that can be customised
// or shown. It returns an error wrapping ErrEmpty before the first recorded value.
func (m *Monitor) Figure() (*Figure, error) {
	series := make([]Series, 0, len(m.names))
	for _, name := range m.names {
		series = append(series, *m.series[name])
	}
	return Line(m.Opts, series...)
}

// Series returns a copy of the recorded series, in the order of first appearance.
func (m *Monitor) Series() []Series {
	out := make([]Series, 0, len(m.names))
	for _, name := range m.names {
		s := m.series[name]
		out = append(out, Series{Name: s.Name, X: slices.Clone(s.X), Y: slices.Clone(s.Y)})
	}
	return out
}

// Flush draws the chart if some Add calls have not been drawn yet (see Every).
func (m *Monitor) Flush() error {
	if m.drawn || !fe.notebook() || len(m.names) == 0 {
		return nil
	}
	return m.draw()
}

func (m *Monitor) draw() error {
	if len(m.names) == 0 {
		return nil
	}
	f, err := m.Figure()
	if err != nil {
		return err
	}
	m.drawn = true
	return m.live.Show(f)
}
