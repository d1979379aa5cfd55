package widgets

import "encoding/json"

// Comm targets and MIME types of the Jupyter widgets protocol.
const (
	// WidgetTarget is the comm target of widget models.
	WidgetTarget = "jupyter.widget"
	// ControlTarget is the comm target on which a front end asks for the
	// state of every widget at once (request_states).
	ControlTarget = "jupyter.widget.control"
	// VersionTarget is the comm target that the classic notebook's
	// jupyter-js-widgets 2.x front end opens to check the kernel's version
	// requirement. Its arrival switches a Manager to DialectClassic.
	VersionTarget = "jupyter.widget.version"

	// ViewMIME is the MIME type of a displayed widget view.
	ViewMIME = "application/vnd.jupyter.widget-view+json"
	// StateMIME is the key of the notebook metadata that holds saved
	// widget state.
	StateMIME = "application/vnd.jupyter.widget-state+json"

	// ProtocolVersion is the widget message protocol spoken in
	// DialectModern, sent as comm_open metadata.
	ProtocolVersion = "2.1.0"
	// ClassicVersion is the jupyter-js-widgets version range that
	// DialectClassic asks the front end for.
	ClassicVersion = "~2.1.4"
)

// Transport carries comm messages from the widgets to the front end. The
// kernel implements it: each method becomes one message on the IOPub
// channel, with the parent header of the request being handled (the running
// cell's execute_request, or the comm_msg whose callbacks run).
//
// data is a JSON-encodable value (maps, slices, strings, numbers,
// json.RawMessage); buffers are the message's binary buffers, in order.
// Methods may be called from any goroutine.
type Transport interface {
	// OpenComm sends comm_open for a comm that the kernel opens, with the
	// given id, target name, data, metadata and buffers.
	OpenComm(id, target string, data any, metadata map[string]any, buffers [][]byte) error
	// SendComm sends comm_msg on comm id.
	SendComm(id string, data any, metadata map[string]any, buffers [][]byte) error
	// CloseComm sends comm_close for comm id.
	CloseComm(id string, data any) error
}

// Message is one comm message that arrived from the front end, as the
// kernel hands it to a Manager.
type Message struct {
	// CommID is the comm's id.
	CommID string
	// Data is the message's content.data.
	Data json.RawMessage
	// Metadata is the message's metadata.
	Metadata map[string]any
	// Buffers are the message's binary buffers.
	Buffers [][]byte
}

// Dialect is the version of the widget protocol a Manager speaks.
type Dialect int

const (
	// DialectModern is protocol 2.1.0 of ipywidgets 8 (JupyterLab 4,
	// Notebook 7, VS Code): comm_open data {state, buffer_paths}, metadata
	// {version: "2.1.0"}, models of @jupyter-widgets/controls 2.0.0.
	DialectModern Dialect = iota
	// DialectClassic is the protocol of jupyter-js-widgets 2.1 (ipywidgets
	// 6), the front end of Debian's classic Notebook 6.4: flat state in
	// comm_open data, empty metadata, models of module jupyter-js-widgets.
	DialectClassic
)

// String returns the dialect's name.
func (d Dialect) String() string {
	if d == DialectClassic {
		return "classic (jupyter-js-widgets " + ClassicVersion + ")"
	}
	return "modern (protocol " + ProtocolVersion + ")"
}
