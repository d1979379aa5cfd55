// Package widgets implements Jupyter interactive widgets (ipywidgets) in
// Go: sliders, buttons, text fields, progress bars, images, output areas
// and layout boxes whose state is kept in sync with the notebook's front
// end, for the dcem kernel.
//
// # Models
//
// Each widget is a Go struct whose exported fields are the synchronized
// state, with the defaults of @jupyter-widgets/schema's model
// specification. Make widgets with their New functions, set fields, and
// show them (the last value of a cell, or display.Show):
//
//	import (
//		"fmt"
//
//		"github.com/dcem-go/dcem/widgets"
//	)
//
//	k := widgets.NewIntSlider()
//	k.Description, k.Min, k.Max, k.Value = "k", 1, 10, 5
//	k.OnChange(func(c widgets.Change) { fmt.Println("k is now", c.New) }, "value")
//	k
//
// A change in the browser sets the field and calls the observers
// registered with OnChange (Button has OnClick). From Go, SetValue (or
// Set by attribute name) changes a value, sends it and calls the
// observers; after assigning fields directly, Sync sends them all in one
// update. Close closes a widget's comm.
//
// The front end's updates are applied when the kernel hands them over,
// whole or not at all: a value of the wrong type, or null for an
// attribute that does not allow None, refuses the update (an
// *UpdateError, which the kernel shows in the notebook), and values out
// of their bounds are clamped as ipywidgets clamps them. Cells, observers
// and Interact's redraws take turns (Manager.Do), so they read and write
// fields without locks; a goroutine of a cell's own that reads fields
// while the front end may change them uses Do.
//
// HBox, VBox and GridBox arrange widgets; Layout and the style models
// set CSS; JSLink ties two attributes together in the browser; Output
// shows what a callback prints or displays (Capture). Interact binds
// controls to a drawing function, redrawn (debounced) into an Output;
// Progress is a bar with elapsed time and an estimate of the time left.
//
// # Protocol
//
// A Manager speaks the widget protocol through a Transport that the kernel
// provides, and handles the comm messages the kernel passes it
// (HandleOpen, HandleMessage, HandleClose; Comms for comm_info). It speaks
// protocol 2.1.0 (ipywidgets 8: JupyterLab 4, Notebook 7, VS Code) —
// comm_open on target "jupyter.widget" with {state, buffer_paths} and
// metadata {version: "2.1.0"}, update, echo_update, request_state, custom
// messages, binary buffers, and the "jupyter.widget.control" target's
// request_states — or, once the front end opens "jupyter.widget.version"
// as the classic notebook's jupyter-js-widgets 2.1 does, that front end's
// dialect (flat state, module jupyter-js-widgets ~2.1.4, backbone sync
// messages). State returns every live widget's state for a notebook's
// application/vnd.jupyter.widget-state+json metadata.
//
// Widgets are opened lazily: a widget's comm opens when it is first shown
// (or sends a message), after the widgets it refers to. Without a
// transport (outside a kernel) widgets keep their state and observers run;
// nothing is sent.
//
// The exported API has no generic functions, so that the kernel's Go
// interpreter can call all of it.
package widgets
