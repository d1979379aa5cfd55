package widgets

import (
	"encoding/json"
	"fmt"
	"strings"
)

// OutputSink receives output that is being captured. Output implements it.
type OutputSink interface {
	// Stream receives text written to "stdout" or "stderr".
	Stream(name, text string)
	// Display receives display data (MIME type → data) and its metadata.
	Display(data map[string]any, metadata map[string]any)
	// Clear clears what was received; with wait set, when the next output
	// arrives.
	Clear(wait bool)
}

// Capturer is the kernel's output redirection, which Output.Capture uses.
// The kernel sets it with Manager.SetCapturer.
type Capturer interface {
	// Capture calls f and sends what it writes to standard output and
	// error and what it shows with the kernel's display functions to sink
	// instead of the cell's output, until f returns. The kernel flushes
	// f's output into sink before Capture returns.
	Capture(sink OutputSink, f func())
	// CaptureParent calls f and publishes what it writes and shows as
	// usual, but with parentID as the msg_id of the parent header of each
	// of those messages (stream, display_data, clear_output), and flushes
	// f's output before it returns. The classic front end's Output widget
	// shows the messages whose parent is its msg_id; DialectClassic uses
	// this.
	CaptureParent(parentID string, f func())
}

// OutputClearer is a Capturer that can also clear a cell's output: inside
// CaptureParent, ClearOutput publishes a clear_output message with the
// parent given there (wait as in Output.Clear). The classic front end's
// Output widget clears on it; without it, redraws in the classic dialect
// add to what the widget shows.
type OutputClearer interface {
	ClearOutput(wait bool)
}

// Output shows captured output: text streams and display data, as a
// notebook cell's output area does.
type Output struct {
	Widget
	DOM
	// MsgID, when set, makes the front end route output of the request
	// with that msg_id into this widget.
	MsgID string `widget:"msg_id"`
	// Outputs are the outputs shown, in the notebook format (each a map
	// with "output_type" "stream", "display_data", ...).
	Outputs []map[string]any `widget:"outputs"`

	clearNext bool
}

// NewOutput returns an empty Output.
func NewOutput() *Output {
	w := &Output{DOM: newDOM(), Outputs: []map[string]any{}}
	create(w, spec{"OutputModel", output, outVersion, "OutputView", output, outVersion})
	return w
}

func (w *Output) add(o map[string]any) {
	w.mgr.mu.Lock()
	if w.clearNext {
		w.Outputs = []map[string]any{}
		w.clearNext = false
	}
	// Consecutive text on one stream joins, as a notebook shows it.
	if n := len(w.Outputs); n > 0 && o["output_type"] == "stream" {
		last := w.Outputs[n-1]
		if last["output_type"] == "stream" && last["name"] == o["name"] {
			joined := map[string]any{"output_type": "stream", "name": o["name"], "text": last["text"].(string) + o["text"].(string)}
			w.Outputs = append(append([]map[string]any{}, w.Outputs[:n-1]...), joined)
			w.mgr.mu.Unlock()
			w.Sync()
			return
		}
	}
	w.Outputs = append(append([]map[string]any{}, w.Outputs...), o)
	w.mgr.mu.Unlock()
	w.Sync()
}

// Stream appends text to the stream name ("stdout" or "stderr") and sends
// the change.
func (w *Output) Stream(name, text string) {
	w.must()
	if name != "stderr" {
		name = "stdout"
	}
	w.add(map[string]any{"output_type": "stream", "name": name, "text": text})
}

// AppendStdout appends text to the standard output shown.
func (w *Output) AppendStdout(text string) { w.Stream("stdout", text) }

// AppendStderr appends text to the standard error shown.
func (w *Output) AppendStderr(text string) { w.Stream("stderr", text) }

// Display appends display data (MIME type → data, as a display_data
// message carries it) and sends the change. Byte slices are sent as
// base64 text, as notebooks store images.
func (w *Output) Display(data map[string]any, metadata map[string]any) {
	w.must()
	if metadata == nil {
		metadata = map[string]any{}
	}
	// Keep what JSON makes of the data, so that the Go state equals what
	// the front end holds.
	var norm map[string]any
	if raw, err := json.Marshal(data); err == nil && json.Unmarshal(raw, &norm) == nil {
		data = norm
	}
	w.add(map[string]any{"output_type": "display_data", "data": data, "metadata": metadata})
}

// Show appends v's display data: v is a widget (shown as its view), a
// value with a MIMEBundle() map[string]any method, or anything else as
// text.
func (w *Output) Show(v any) {
	switch x := v.(type) {
	case interface{ MIMEBundle() map[string]any }:
		w.Display(x.MIMEBundle(), nil)
	case string:
		w.Display(map[string]any{"text/plain": x}, nil)
	default:
		w.Display(map[string]any{"text/plain": strings.TrimSpace(fmt.Sprint(v))}, nil)
	}
}

// Clear clears the outputs shown; with wait set, when the next output
// arrives (for redraws without flicker).
func (w *Output) Clear(wait bool) {
	w.must()
	w.mgr.mu.Lock()
	if wait {
		w.clearNext = true
		w.mgr.mu.Unlock()
		return
	}
	w.clearNext = false
	w.Outputs = []map[string]any{}
	w.mgr.mu.Unlock()
	w.Sync()
	if w.mgr.Dialect() == DialectClassic {
		// The classic widget shows messages, not the outputs attribute:
		// clear them with a clear_output routed to it.
		if c, ok := w.mgr.capturer().(OutputClearer); ok {
			w.captureParent(func() { c.ClearOutput(false) })
		}
	}
}

// Capture calls f with its output going into the widget: what it prints
// and what it shows with the kernel's display functions. Without a
// kernel (no Capturer set on the manager) f's output goes where it would
// have gone.
func (w *Output) Capture(f func()) {
	w.must()
	c := w.mgr.capturer()
	if c == nil {
		f()
		return
	}
	if w.mgr.Dialect() == DialectClassic {
		// A Clear(true) before the capture: the widget clears when the
		// first output of f arrives.
		w.mgr.mu.Lock()
		clear := w.clearNext
		w.clearNext = false
		w.mgr.mu.Unlock()
		if cl, ok := c.(OutputClearer); ok && clear {
			g := f
			f = func() {
				cl.ClearOutput(true)
				g()
			}
		}
		w.captureParent(f)
		return
	}
	c.Capture(w, f)
}

// captureParent runs f with its output routed to the classic front end's
// Output widget: jupyter-js-widgets 2.1 knows no outputs attribute, it
// shows the messages whose parent is named by msg_id. Its model keeps
// them and shows them in views made later, so the model is opened first:
// a capture before the widget is displayed (an Interact's first draw) is
// not lost.
func (w *Output) captureParent(f func()) {
	if err := w.mgr.open(w); err != nil {
		f()
		return
	}
	id := newID()
	w.Set("msg_id", id)
	defer w.Set("msg_id", "")
	w.mgr.capturer().CaptureParent(id, f)
}
