package widgets

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"
)

// SliderOpts configures Slider.
type SliderOpts struct {
	// Label is written before the slider.
	Label string
	// Min and Max bound the slider; Value is where it starts (clamped into [Min, Max]).
	Min, Max, Value int
	// ConnectTimeout is how long to wait for the browser to answer before concluding that
	// nobody is watching (a headless run) and returning (default 10s: a loaded machine can take
	// seconds to open GoNB's comms channel).
	ConnectTimeout time.Duration
	// IdleTimeout ends the interaction when the slider has not moved for this long (default 2m).
	IdleTimeout time.Duration
}

// Slider shows render(opts.Value) and, under it, a slider bound to Go: moving it calls render
// with the new value and redraws the picture in place. render returns anything Show accepts
// (an image, a *Figure, HTML…). Typical uses: stepping through value-iteration sweeps, or
// changing a style weight.
//
// The cell keeps running while the slider is live, since the Go program must be alive to
// receive the browser's events. Slider returns when the "done" button is pressed, when the
// slider has been idle for IdleTimeout, when the cell is interrupted (Kernel → Interrupt),
// or after ConnectTimeout if no browser answers — a headless run (nbconvert, CI). In every case
// the picture for the last value stays in the notebook as a static image and the slider is
// replaced by a line of text, so saved notebooks show a picture, not a dead control.
//
// Outside a notebook, Slider renders opts.Value once, writes its summary to Out and returns.
// Errors from render are returned.
func Slider(opts SliderOpts, render func(v int) (any, error)) error {
	if opts.Max < opts.Min {
		return fmt.Errorf("widgets: Slider: Max %d < Min %d", opts.Max, opts.Min)
	}
	value := min(max(opts.Value, opts.Min), opts.Max)
	live := NewLive()
	show := func(v int) error {
		x, err := render(v)
		if err != nil {
			return fmt.Errorf("widgets: Slider: render(%d): %w", v, err)
		}
		return live.Show(x)
	}
	// The static picture comes first, so that a run without a browser records it.
	if err := show(value); err != nil {
		return err
	}
	if !fe.notebook() {
		return nil
	}
	connect, idle := opts.ConnectTimeout, opts.IdleTimeout
	if connect <= 0 {
		connect = 10 * time.Second
	}
	if idle <= 0 {
		idle = 2 * time.Minute
	}
	uid := fe.uniqueID()
	address := "/deepnb/slider/" + uid
	inputID, doneID := "deepnb_slider_"+uid, "deepnb_slider_done_"+uid
	controls := NewLive()
	label := html.EscapeString(opts.Label)
	controls.showHTML(fmt.Sprintf(
		`<div style="font-family:monospace">%s <input type="range" id="%s" min="%d" max="%d" value="%d" style="width:50%%;vertical-align:middle"/> <span id="%s_v">%d</span> <button id="%s">done</button></div>`,
		label, inputID, opts.Min, opts.Max, value, inputID, value, doneID), fmt.Sprintf("[slider %s %d]", opts.Label, value))

	// Subscribing makes GoNB install its WebSocket bridge in the browser (it gives up after a
	// few seconds when there is no browser). Then the script below binds the controls: it sends
	// "v:<value>" at once (the hello that proves a browser is there) and on every move, and
	// "done" from the button.
	values, stop := fe.listen(address)
	defer stop()
	fe.script(sliderJS(address, inputID, doneID))

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	timer := time.NewTimer(connect)
	defer timer.Stop()
	connected := false
	reason := "no browser answered"
loop:
	for {
		select {
		case msg, ok := <-values:
			if !ok {
				reason = "the connection closed"
				break loop
			}
			if msg == "done" {
				reason = "done"
				break loop
			}
			v, err := strconv.Atoi(strings.TrimPrefix(msg, "v:"))
			if err != nil {
				continue
			}
			connected = true
			timer.Reset(idle)
			if v = min(max(v, opts.Min), opts.Max); v != value {
				value = v
				if err := show(v); err != nil {
					controls.showHTML("", "")
					return err
				}
			}
		case <-timer.C:
			if connected {
				reason = "idle"
			}
			break loop
		case <-ctx.Done():
			reason = "interrupted"
			break loop
		}
	}
	text := fmt.Sprintf("%s = %d (slider closed: %s)", opts.Label, value, reason)
	controls.showHTML(fmt.Sprintf(`<div style="font-family:monospace;color:#666">%s</div>`, html.EscapeString(text)), text)
	return nil
}

// showHTML puts HTML (with a text fallback) in the area.
func (l *Live) showHTML(h, text string) {
	emit(l.id, bundle{"text/html": h, "text/plain": text})
}

// sliderJS binds the slider and button with the given ids to address through GoNB's gonb_comm.
func sliderJS(address, inputID, doneID string) string {
	return fmt.Sprintf(`(() => {
  const comm = globalThis.gonb_comm;
  const slider = document.getElementById(%[2]q);
  const done = document.getElementById(%[3]q);
  const shown = document.getElementById(%[2]q + "_v");
  if (!comm || !slider) { console.error("deepnb slider: GoNB comms not available"); return; }
  const send = () => { shown.textContent = slider.value; comm.send(%[1]q, "v:" + slider.value); };
  slider.addEventListener("input", send);
  done.addEventListener("click", () => { slider.disabled = true; done.disabled = true; comm.send(%[1]q, "done"); });
  send();
})();`, address, inputID, doneID)
}
