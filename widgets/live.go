package widgets

// Live is an output area that is redrawn in place: the first Show creates it, later calls
// replace its content (Jupyter's update_display_data with a display id). The last content is
// what the saved notebook keeps, so a run without a browser records the final frame.
type Live struct {
	id string
}

// NewLive returns a new output area; nothing is displayed until Show.
func NewLive() *Live { return &Live{id: "deepnb_live_" + fe.uniqueID()} }

// Show renders v like the package-level Show and puts it in the area, replacing what was there.
// Outside a notebook it writes the text summary to Out.
func (l *Live) Show(v any) error {
	b, err := render(v)
	if err != nil {
		return err
	}
	emit(l.id, b)
	return nil
}

// ID returns the area's Jupyter display id.
func (l *Live) ID() string { return l.id }
