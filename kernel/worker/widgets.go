package worker

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/widgets"
)

// The worker's side of the widgets: the Manager of package widgets lives
// here, with the models that cells make. What it sends goes to the
// supervisor as opCommOut events, which the kernel publishes; the comm
// messages of the front end arrive as opComm requests.

// commTransport implements widgets.Transport over the event pipe.
type commTransport struct{ fw *frameWriter }

func encodeData(data any) (json.RawMessage, error) {
	if data == nil {
		return json.RawMessage("{}"), nil
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, fmt.Errorf("widgets: comm data does not encode to JSON: %w", err)
	}
	return raw, nil
}

func (t commTransport) OpenComm(id, target string, data any, metadata map[string]any, buffers [][]byte) error {
	raw, err := encodeData(data)
	if err != nil {
		return err
	}
	return t.fw.write(&message{Op: opCommOut, Kind: "open", CommID: id, Target: target, CommData: raw, CommMeta: metadata, Buffers: buffers})
}

func (t commTransport) SendComm(id string, data any, metadata map[string]any, buffers [][]byte) error {
	raw, err := encodeData(data)
	if err != nil {
		return err
	}
	return t.fw.write(&message{Op: opCommOut, Kind: "msg", CommID: id, CommData: raw, CommMeta: metadata, Buffers: buffers})
}

func (t commTransport) CloseComm(id string, data any) error {
	raw, err := encodeData(data)
	if err != nil {
		return err
	}
	return t.fw.write(&message{Op: opCommOut, Kind: "close", CommID: id, CommData: raw})
}

// switchWriter is the interpreter's standard output or error: the
// worker's descriptor, or an Output widget while it captures.
type switchWriter struct {
	mu   sync.Mutex
	def  io.Writer
	sink func(text string)
}

func (w *switchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	sink := w.sink
	w.mu.Unlock()
	if sink != nil {
		sink(string(p))
		return len(p), nil
	}
	return w.def.Write(p)
}

func (w *switchWriter) set(sink func(string)) {
	w.mu.Lock()
	w.sink = sink
	w.mu.Unlock()
}

// capturer implements widgets.Capturer for the worker.
type capturer struct {
	mu             sync.Mutex // one capture at a time
	fw             *frameWriter
	stdout, stderr *switchWriter
	pub            display.Publisher // the worker's usual publisher
}

// Capture sends what f prints (through the interpreter's standard
// output and error) and shows (package display) to sink.
func (c *capturer) Capture(sink widgets.OutputSink, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stdout.set(func(s string) { sink.Stream("stdout", s) })
	c.stderr.set(func(s string) { sink.Stream("stderr", s) })
	display.SetPublisher(sinkPublisher{sink})
	defer func() {
		c.stdout.set(nil)
		c.stderr.set(nil)
		display.SetPublisher(c.pub)
	}()
	f()
}

// CaptureParent publishes what f prints and shows with parentID as its
// parent's msg_id (the classic front end's Output widget).
//
// What f prints travels as frames (opStream) rather than through the
// worker's output pipes, so that it arrives between the two parent
// switches: text in a pipe could be published before the supervisor
// reads the first switch, under the cell's parent.
func (c *capturer) CaptureParent(parentID string, f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fw.write(&message{Op: opParent, Text: parentID})
	c.stdout.set(func(s string) { c.fw.write(&message{Op: opStream, Kind: "stdout", Text: s}) })
	c.stderr.set(func(s string) { c.fw.write(&message{Op: opStream, Kind: "stderr", Text: s}) })
	defer func() {
		c.stdout.set(nil)
		c.stderr.set(nil)
		c.fw.write(&message{Op: opParent})
	}()
	f()
}

// ClearOutput publishes a clear_output message; inside CaptureParent its
// parent is the classic Output widget's msg_id, which clears that widget.
func (c *capturer) ClearOutput(wait bool) { c.pub.Clear(wait) }

// sinkPublisher shows display output in an Output widget.
type sinkPublisher struct{ sink widgets.OutputSink }

func (p sinkPublisher) Display(data display.Bundle, metadata map[string]any, id string, update bool) {
	p.sink.Display(map[string]any(data), metadata)
}

func (p sinkPublisher) Clear(wait bool) { p.sink.Clear(wait) }

// errObserver names the cellError of a comm message whose observer
// panicked, so that the kernel shows it to the user.
const errObserver = "ObserverPanic"

// errRefused names the cellError of a widget update that the widgets
// refused (a *widgets.UpdateError), which the kernel shows to the user as
// well.
const errRefused = "WidgetUpdateRefused"

// comm hands a comm message from the front end to the widgets and
// answers with a reply: Found says whether a comm_open was for a widget
// target. A panic in an observer (user code) becomes an error reply.
func (w *server) comm(m message) {
	reply := &message{Op: opReply, ID: m.ID}
	defer func() {
		if r := recover(); r != nil {
			text := fmt.Sprintf("a widget callback panicked: %v\n%s", r, debug.Stack())
			reply.Err = &cellError{Name: errObserver, Value: text}
		}
		w.fw.write(reply)
	}()
	mg := widgets.Default()
	msg := widgets.Message{CommID: m.CommID, Data: m.CommData, Metadata: m.CommMeta, Buffers: m.Buffers}
	if len(msg.Data) == 0 {
		msg.Data = json.RawMessage("{}")
	}
	var err error
	switch m.Kind {
	case "open":
		reply.Found = mg.HandleOpen(m.Target, msg)
	case "msg":
		err = mg.HandleMessage(msg)
	case "close":
		mg.HandleClose(msg)
	default:
		err = fmt.Errorf("unknown comm message kind %q", m.Kind)
	}
	var refused *widgets.UpdateError
	switch {
	case errors.As(err, &refused):
		reply.Err = &cellError{Name: errRefused, Value: err.Error()}
	case err != nil:
		reply.Err = &cellError{Name: "CommError", Value: err.Error()}
	}
}
