package widgets

// This is the only file of the package that imports GoNB: everything else renders to images,
// SVG and HTML, and reaches the notebook through the frontend interface implemented here.

import (
	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// gonbFrontend talks to the notebook through GoNB's named pipes (gonbui).
type gonbFrontend struct{}

func (gonbFrontend) notebook() bool { return gonbui.IsNotebook && gonbui.Error() == nil }

func (gonbFrontend) display(id string, b bundle) {
	data := make(map[protocol.MIMEType]any, len(b))
	for k, v := range b {
		data[protocol.MIMEType(k)] = v
	}
	// A DisplayID makes GoNB send display_data the first time and update_display_data after,
	// both with transient.display_id set.
	gonbui.SendData(&protocol.DisplayData{Data: data, DisplayID: id})
}

func (gonbFrontend) listen(address string) (<-chan string, func()) {
	c := comms.Listen[string](address).WithBuffer(16)
	return c.C, c.Close
}

func (gonbFrontend) script(js string) { dom.TransientJavascript(js) }

func (gonbFrontend) sync() { gonbui.Sync() }

func (gonbFrontend) uniqueID() string { return gonbui.UniqueId() }

// compile-time check
var _ frontend = gonbFrontend{}
