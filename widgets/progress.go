package widgets

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// Progress is a progress bar for long loops, showing the count, the rate, the time left and a
// few live numbers such as the loss. In a notebook it is an HTML bar redrawn in place (at most
// every MinInterval, and always at Done) whose final state stays in the saved notebook; outside
// one it is a single text line rewritten with '\r' on Out.
//
//	bar := widgets.NewProgress(len(batches), "epoch 3")
//	for i, b := range batches {
//		…
//		bar.Set(i+1, widgets.Values{"loss": loss})
//	}
//	bar.Done()
//
// A Progress is not safe for concurrent use.
type Progress struct {
	// Total is the number of steps (0 or less: unknown, no bar or time left).
	Total int
	// Title is written before the bar.
	Title string
	// MinInterval is the least time between two redraws (default 200ms).
	MinInterval time.Duration

	live     *Live
	n        int
	values   Values
	start    time.Time
	last     time.Time
	now      func() time.Time
	textLen  int
	finished bool
}

// NewProgress returns a bar for total steps, started now.
func NewProgress(total int, title string) *Progress {
	p := &Progress{Total: total, Title: title, live: NewLive(), now: time.Now}
	p.start = p.now()
	return p
}

// Set records that n steps are done, with the current values (nil keeps the previous ones),
// and redraws if MinInterval has passed since the last redraw.
func (p *Progress) Set(n int, values Values) {
	p.n = n
	if values != nil {
		p.values = values
	}
	interval := p.MinInterval
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	if now := p.now(); p.last.IsZero() || now.Sub(p.last) >= interval || (p.Total > 0 && n >= p.Total) {
		p.last = now
		p.draw()
	}
}

// Add advances the bar by k steps; see Set.
func (p *Progress) Add(k int, values Values) { p.Set(p.n+k, values) }

// Done draws the final state and, outside a notebook, ends the text line.
func (p *Progress) Done() {
	if p.finished {
		return
	}
	p.finished = true
	p.draw()
	if !fe.notebook() {
		fmt.Fprintln(textOut())
	}
}

// String returns the text form: "epoch 3  37/100 [00:12<00:20, 3.10 it/s] loss=0.1234".
func (p *Progress) String() string {
	var b strings.Builder
	if p.Title != "" {
		b.WriteString(p.Title)
		b.WriteString("  ")
	}
	elapsed := p.now().Sub(p.start)
	if p.Total > 0 {
		fmt.Fprintf(&b, "%d/%d", p.n, p.Total)
	} else {
		fmt.Fprintf(&b, "%d", p.n)
	}
	rate := 0.0
	if s := elapsed.Seconds(); s > 0 {
		rate = float64(p.n) / s
	}
	fmt.Fprintf(&b, " [%s", clock(elapsed))
	if p.Total > 0 && rate > 0 && p.n < p.Total {
		fmt.Fprintf(&b, "<%s", clock(time.Duration(float64(p.Total-p.n)/rate*float64(time.Second))))
	}
	switch {
	case rate >= 1 || rate == 0:
		fmt.Fprintf(&b, ", %.2f it/s]", rate)
	default:
		fmt.Fprintf(&b, ", %.2f s/it]", 1/rate)
	}
	for _, name := range p.values.sortedNames() {
		fmt.Fprintf(&b, " %s=%.4g", name, p.values[name])
	}
	return b.String()
}

// HTML returns the notebook form: a <progress> bar followed by the text form.
func (p *Progress) HTML() HTML {
	bar := ""
	if p.Total > 0 {
		bar = fmt.Sprintf(`<progress value="%d" max="%d" style="width:40%%;vertical-align:middle"></progress> `, min(p.n, p.Total), p.Total)
	}
	return HTML(fmt.Sprintf(`<div style="font-family:monospace">%s%s</div>`, bar, html.EscapeString(p.String())))
}

func (p *Progress) draw() {
	if fe.notebook() {
		h := p.HTML()
		emit(p.live.id, bundle{"text/html": string(h), "text/plain": p.String()})
		return
	}
	s := p.String()
	pad := max(0, p.textLen-len(s))
	p.textLen = len(s)
	fmt.Fprintf(textOut(), "\r%s%s", s, strings.Repeat(" ", pad))
}

// clock formats d as mm:ss, or h:mm:ss from an hour up.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
