package unsup

import (
	"fmt"

	"github.com/deepnb/deepnb/widgets"
)

// ScatterByLabel plots a 2-D embedding as one point series per label ("0", "1", …), so that
// each digit gets its own colour and glyph.
func ScatterByLabel(title string, emb [][]float64, labels []int) (*widgets.Figure, error) {
	classes := 0
	for _, c := range labels {
		classes = max(classes, c+1)
	}
	series := make([]widgets.Series, classes)
	for c := range series {
		series[c].Name = fmt.Sprint(c)
	}
	for i, p := range emb {
		s := &series[labels[i]]
		s.X = append(s.X, p[0])
		s.Y = append(s.Y, p[1])
	}
	return widgets.Scatter(widgets.PlotOpts{Title: title, Width: 420, Height: 380}, series...)
}
