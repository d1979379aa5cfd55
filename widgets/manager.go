package widgets

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Manager keeps the live widget models of one kernel session, speaks the
// widget protocol with the front end through a Transport, and handles the
// comm messages the kernel hands it. Its methods are safe for concurrent
// use.
//
// The kernel wires it so (with the worker split, the Manager lives in the
// process that runs cells, and comm messages are relayed to it):
//
//   - SetTransport on Default() at start: OpenComm, SendComm and CloseComm
//     publish comm_open, comm_msg and comm_close on IOPub, with the parent
//     header of the request being handled (the running execute_request, or
//     the comm_msg whose observers run), so that front ends attribute
//     output and busy/idle status to the right request;
//   - comm_open from the front end: HandleOpen(target, msg); false means
//     the target is not a widget target and the kernel does as before;
//   - comm_msg: HandleMessage; comm_close: HandleClose;
//   - comm_info_request: merge Comms(target) into the reply;
//   - a busy and an idle status around each comm_msg, as for every shell
//     request (the classic front end throttles its updates by them);
//   - SetCapturer, so that Output widgets capture what callbacks print and
//     show;
//   - widgets reach the notebook through the kernel's display path: a
//     widget's MIMEBundle gives the display_data to publish;
//   - State, when the kernel saves a notebook, for its widget metadata.
type Manager struct {
	// run is held while user code that touches widget fields runs: the
	// observers and custom handlers of a front-end message, an Interact's
	// redraw, and whatever the kernel runs with Do (its cells).
	run      sync.Mutex
	mu       sync.Mutex
	sendMu   sync.Mutex // held from encoding a state to sending it, so that messages leave in the order of the states they carry
	t        Transport
	dialect  Dialect
	models   map[string]Model  // open models by id
	comms    map[string]string // comms the front end opened: id → target
	capt     Capturer
	frontend string // the classic front end's version, as it reported it
	valid    bool   // whether the classic front end accepted ClassicVersion
}

// NewManager returns a manager that sends through t (nil: no front end;
// models still work and observers run, nothing is sent).
func NewManager(t Transport) *Manager {
	return &Manager{t: t, models: map[string]Model{}, comms: map[string]string{}}
}

var (
	defMu  sync.Mutex
	defMgr = NewManager(nil)
)

// Default returns the manager that the New functions attach models to.
// The kernel sets its transport with SetTransport.
func Default() *Manager {
	defMu.Lock()
	defer defMu.Unlock()
	return defMgr
}

// SetDefault makes m the manager that new models attach to and returns the
// previous one.
func SetDefault(m *Manager) *Manager {
	defMu.Lock()
	defer defMu.Unlock()
	old := defMgr
	defMgr = m
	return old
}

// SetTransport sets the transport that carries the manager's messages.
func (mg *Manager) SetTransport(t Transport) {
	mg.mu.Lock()
	mg.t = t
	mg.mu.Unlock()
}

// SetCapturer sets the kernel's output redirection that Output.Capture
// uses.
func (mg *Manager) SetCapturer(c Capturer) {
	mg.mu.Lock()
	mg.capt = c
	mg.mu.Unlock()
}

func (mg *Manager) capturer() Capturer {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	return mg.capt
}

// Dialect returns the protocol dialect the manager speaks.
func (mg *Manager) Dialect() Dialect {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	return mg.dialect
}

// SetDialect chooses the protocol dialect. The manager switches to
// DialectClassic by itself when the front end opens VersionTarget.
func (mg *Manager) SetDialect(d Dialect) {
	mg.mu.Lock()
	mg.dialect = d
	mg.mu.Unlock()
}

// Frontend reports what a classic front end said in the version check:
// its version and whether it accepted ClassicVersion. Both are zero when no
// check took place.
func (mg *Manager) Frontend() (version string, validated bool) {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	return mg.frontend, mg.valid
}

func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

func (mg *Manager) lookupLocked(ref string) Model {
	return mg.models[strings.TrimPrefix(ref, refPrefix)]
}

// Models returns the open models, in no particular order.
func (mg *Manager) Models() []Model {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	out := make([]Model, 0, len(mg.models))
	for _, m := range mg.models {
		out = append(out, m)
	}
	return out
}

// Comms returns the widget comms that are open, id → target name, for
// the kernel's comm_info_reply. With target non-empty, only that target's.
func (mg *Manager) Comms(target string) map[string]string {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	out := map[string]string{}
	for id, m := range mg.models {
		if m.core().noComm {
			continue
		}
		if target == "" || target == WidgetTarget {
			out[id] = WidgetTarget
		}
	}
	for id, t := range mg.comms {
		if target == "" || target == t {
			out[id] = t
		}
	}
	return out
}

// Targets lists the comm targets the manager handles.
func (mg *Manager) Targets() []string {
	return []string{WidgetTarget, ControlTarget, VersionTarget}
}

// snapshot records the state of a new model as the baseline for changes.
func (mg *Manager) snapshot(m Model) {
	e, err := encodeModel(m)
	if err != nil {
		panic(err)
	}
	w := m.core()
	w.sent = map[string]string{}
	for _, n := range e.names {
		w.sent[n] = e.key(n)
	}
}

// open opens the comm of m, and first those of the models it refers to.
func (mg *Manager) open(m Model) error {
	w := m.core()
	mg.mu.Lock()
	if w.opened || w.closed {
		mg.mu.Unlock()
		return nil
	}
	w.opened = true
	mg.models[w.id] = m
	refs := references(m)
	mg.mu.Unlock()
	for _, r := range refs {
		if r.core().mgr != mg {
			return fmt.Errorf("widgets: %v refers to %v of another manager", w, r)
		}
		if err := mg.open(r); err != nil {
			return err
		}
	}
	mg.sendMu.Lock()
	defer mg.sendMu.Unlock()
	t, data, meta, bufs, err := mg.openState(m)
	if err != nil {
		// Not opened: a later display tries again.
		mg.mu.Lock()
		w.opened = false
		delete(mg.models, w.id)
		mg.mu.Unlock()
		return err
	}
	if t == nil {
		mg.setLive(w)
		return nil
	}
	err = t.OpenComm(w.id, WidgetTarget, data, meta, bufs)
	mg.setLive(w)
	return err
}

func (mg *Manager) setLive(w *Widget) {
	mg.mu.Lock()
	w.live = !w.noComm
	mg.mu.Unlock()
}

// openState is the data of m's comm_open in the manager's dialect, and the
// transport to send it with (nil: none, or no comm in this dialect).
func (mg *Manager) openState(m Model) (t Transport, data any, meta map[string]any, bufs [][]byte, err error) {
	w := m.core()
	mg.mu.Lock()
	defer mg.mu.Unlock()
	e, err := encodeModel(m)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	for _, n := range e.names {
		w.sent[n] = e.key(n)
	}
	if mg.dialect == DialectClassic {
		if _, ok := classicModels[w.spec.model]; !ok {
			w.noComm = true
			return nil, nil, nil, nil, nil // no classic counterpart: the front end could not make it
		}
		st, _, b := classicState(m, e, nil)
		return mg.t, st, map[string]any{}, b, nil
	}
	st, paths, b := modernState(m, e, e.names)
	return mg.t, map[string]any{"state": st, "buffer_paths": paths}, map[string]any{"version": ProtocolVersion}, b, nil
}

// modernState is the protocol 2.1.0 state of the attributes names of m:
// the _model_* and _view_* attributes first, then the fields, with binary
// fields moved to buffers.
func modernState(m Model, e *encoded, names []string) (map[string]any, [][]string, [][]byte) {
	st := map[string]any{}
	paths := [][]string{}
	var bufs [][]byte
	for _, n := range names {
		if b, ok := e.bufs[n]; ok {
			paths = append(paths, []string{n})
			bufs = append(bufs, b)
			continue
		}
		st[n] = e.values[n]
	}
	return st, paths, bufs
}

// sync sends what changed in m since the front end last heard of it and
// calls the observers. Until m's comm is open, changes are only recorded:
// comm_open carries the whole state.
func (mg *Manager) sync(m Model, fromFrontend bool) error {
	w := m.core()
	mg.mu.Lock()
	opened := w.opened
	mg.mu.Unlock()
	if opened {
		// New references must exist in the front end before the update
		// that names them.
		for _, r := range references(m) {
			if err := mg.open(r); err != nil {
				return err
			}
		}
	}
	changes, err := mg.sendChanges(m, fromFrontend)
	mg.notify(changes)
	return err
}

// sendChanges records and sends what changed in m, and returns the
// changes for the observers.
func (mg *Manager) sendChanges(m Model, fromFrontend bool) ([]Change, error) {
	mg.sendMu.Lock()
	defer mg.sendMu.Unlock()
	e, changed, changes, live, err := mg.changesLocked(m, fromFrontend)
	if err != nil || !live || len(changed) == 0 {
		return changes, err
	}
	return changes, mg.sendUpdate(m, e, changed, "update")
}

func (mg *Manager) changesLocked(m Model, fromFrontend bool) (e *encoded, changed []string, changes []Change, live bool, err error) {
	w := m.core()
	mg.mu.Lock()
	defer mg.mu.Unlock()
	if w.closed {
		return nil, nil, nil, false, nil
	}
	e, err = encodeModel(m)
	if err != nil {
		return nil, nil, nil, false, err
	}
	v := reflect.ValueOf(m).Elem()
	for _, f := range fieldsOf(v.Type()) {
		k := e.key(f.name)
		if old, ok := w.sent[f.name]; ok && old == k {
			continue
		}
		fv := v.FieldByIndex(f.index)
		changes = append(changes, Change{Widget: m, Name: f.name, Old: mg.oldValueLocked(fv.Type(), w.sent[f.name]), New: fv.Interface(), FromFrontend: fromFrontend})
		changed = append(changed, f.name)
		w.sent[f.name] = k
	}
	return e, changed, changes, w.live, nil
}

// oldValueLocked decodes the value recorded under key for a field of type t.
func (mg *Manager) oldValueLocked(t reflect.Type, key string) any {
	if key == "" {
		return reflect.Zero(t).Interface()
	}
	if strings.HasPrefix(key, "bytes:") {
		return []byte(key[len("bytes:"):])
	}
	v, err := decodeValue(t, json.RawMessage(key), nil, false, mg.lookupLocked)
	if err != nil {
		return reflect.Zero(t).Interface()
	}
	return v.Interface()
}

func (mg *Manager) notify(changes []Change) {
	for _, c := range changes {
		w := c.Widget.core()
		w.mu.Lock()
		obs := append([]observer(nil), w.obs...)
		w.mu.Unlock()
		for _, o := range obs {
			if o.wants(c.Name) {
				o.f(c)
			}
		}
	}
}

// sendUpdate sends the attributes names of m in an update (method
// "update" or "echo_update").
func (mg *Manager) sendUpdate(m Model, e *encoded, names []string, method string) error {
	mg.mu.Lock()
	t, d := mg.t, mg.dialect
	mg.mu.Unlock()
	if t == nil {
		return nil
	}
	var data map[string]any
	var bufs [][]byte
	if d == DialectClassic {
		if method == "echo_update" {
			return nil
		}
		st, keys, b := classicState(m, e, names)
		if len(st) == 0 && len(keys) == 0 {
			return nil
		}
		data = map[string]any{"method": "update", "state": st, "buffers": keys}
		bufs = b
	} else {
		st, paths, b := modernState(m, e, names)
		data = map[string]any{"method": method, "state": st, "buffer_paths": paths}
		bufs = b
	}
	return t.SendComm(m.ModelID(), data, nil, bufs)
}

func (mg *Manager) send(id string, data any, bufs [][]byte) error {
	mg.mu.Lock()
	t := mg.t
	mg.mu.Unlock()
	if t == nil {
		return nil
	}
	return t.SendComm(id, data, nil, bufs)
}

// closeModel closes m's comm (sending comm_close when send is set).
func (mg *Manager) closeModel(m Model, send bool) error {
	w := m.core()
	mg.mu.Lock()
	if w.closed {
		mg.mu.Unlock()
		return nil
	}
	w.closed = true
	wasOpen := w.opened && !w.noComm
	delete(mg.models, w.id)
	t := mg.t
	mg.mu.Unlock()
	if send && wasOpen && t != nil {
		return t.CloseComm(w.id, map[string]any{})
	}
	return nil
}

// bundle opens m, sends its pending changes and returns its display data.
// A model that has no view — closed, a link, or one that the classic
// front end has no counterpart of — gives an error message instead.
func (mg *Manager) bundle(m Model) map[string]any {
	w := m.core()
	fail := func(format string, args ...any) map[string]any {
		return map[string]any{"text/plain": "widgets: cannot show " + w.String() + ": " + fmt.Sprintf(format, args...)}
	}
	mg.mu.Lock()
	closed := w.closed
	mg.mu.Unlock()
	switch {
	case closed:
		return fail("it is closed (its comm is gone, so the front end has no model to show)")
	case w.spec.view == "":
		return fail("a %s has no view; it acts in the front end from the moment it is made", strings.TrimSuffix(w.spec.model, "Model"))
	}
	if err := mg.open(m); err != nil {
		return fail("%v", err)
	}
	mg.mu.Lock()
	noComm := w.noComm
	mg.mu.Unlock()
	if noComm {
		return fail("the classic notebook's widgets (jupyter-js-widgets %s) have no %s", ClassicVersion, w.spec.model)
	}
	if err := mg.sync(m, false); err != nil {
		return fail("%v", err)
	}
	view := map[string]any{"version_major": 2, "version_minor": 0, "model_id": m.ModelID()}
	if mg.Dialect() == DialectClassic {
		// jupyter-js-widgets 2.1 shows a view when its model gets a display
		// message in the cell's context.
		// The view MIME type goes along, as ipywidgets 6 sent it, with
		// empty text so that an output area without a renderer for it
		// shows nothing beside the view.
		mg.send(m.ModelID(), map[string]any{"method": "display"}, nil)
		return map[string]any{ViewMIME: map[string]any{"model_id": m.ModelID()}, "text/plain": ""}
	}
	return map[string]any{ViewMIME: view, "text/plain": w.String()}
}

// CloseAll closes every open model's comm.
func (mg *Manager) CloseAll() {
	for _, m := range mg.Models() {
		mg.closeModel(m, true)
	}
}

// HandleOpen handles a comm_open from the front end on target with the
// given message. It returns false when target is not one of the
// manager's; the kernel then closes the comm as usual.
func (mg *Manager) HandleOpen(target string, msg Message) bool {
	switch target {
	case ControlTarget:
		mg.mu.Lock()
		mg.comms[msg.CommID] = target
		mg.mu.Unlock()
		return true
	case VersionTarget:
		mg.mu.Lock()
		mg.comms[msg.CommID] = target
		mg.dialect = DialectClassic
		mg.mu.Unlock()
		mg.send(msg.CommID, map[string]any{"version": ClassicVersion}, nil)
		return true
	case WidgetTarget:
		// Models created by the front end have no Go type here: refuse them.
		mg.mu.Lock()
		t := mg.t
		mg.mu.Unlock()
		if t != nil {
			t.CloseComm(msg.CommID, map[string]any{})
		}
		return true
	}
	return false
}

// HandleClose handles a comm_close from the front end.
func (mg *Manager) HandleClose(msg Message) {
	mg.mu.Lock()
	m := mg.models[msg.CommID]
	delete(mg.comms, msg.CommID)
	mg.mu.Unlock()
	if m != nil {
		mg.closeModel(m, false)
	}
}

// frontMsg is the data of a comm_msg from the front end.
type frontMsg struct {
	Method      string                     `json:"method"`
	State       map[string]json.RawMessage `json:"state"`
	BufferPaths [][]any                    `json:"buffer_paths"`
	SyncData    map[string]json.RawMessage `json:"sync_data"`
	BufferKeys  []string                   `json:"buffer_keys"`
	Content     json.RawMessage            `json:"content"`
	Validated   *bool                      `json:"validated"`
	Version     string                     `json:"frontend_version"`
}

// HandleMessage handles a comm_msg from the front end: state updates
// (which change the Go fields and call the observers), state requests,
// custom messages (a button's click) and the messages of the control and
// version comms. It returns an error for a message it cannot use.
func (mg *Manager) HandleMessage(msg Message) error {
	var fm frontMsg
	if err := json.Unmarshal(msg.Data, &fm); err != nil {
		return fmt.Errorf("widgets: comm %s: %v", msg.CommID, err)
	}
	mg.mu.Lock()
	m := mg.models[msg.CommID]
	target := mg.comms[msg.CommID]
	mg.mu.Unlock()
	switch {
	case target == ControlTarget:
		if fm.Method != "request_states" {
			return fmt.Errorf("widgets: control comm: unknown method %q", fm.Method)
		}
		mg.sendMu.Lock()
		defer mg.sendMu.Unlock()
		data, bufs := mg.updateStates()
		return mg.send(msg.CommID, data, bufs)
	case target == VersionTarget:
		mg.mu.Lock()
		mg.frontend = fm.Version
		mg.valid = fm.Validated != nil && *fm.Validated
		mg.mu.Unlock()
		return nil
	case m == nil:
		return fmt.Errorf("widgets: no open widget %s", msg.CommID)
	}
	switch fm.Method {
	case "update":
		mg.run.Lock()
		defer mg.run.Unlock()
		bufs := map[string][]byte{}
		for i, p := range fm.BufferPaths {
			if i < len(msg.Buffers) && len(p) == 1 {
				if name, ok := p[0].(string); ok {
					bufs[name] = msg.Buffers[i]
				}
			}
		}
		return mg.apply(m, fm.State, bufs, true)
	case "backbone":
		mg.run.Lock()
		defer mg.run.Unlock()
		bufs := map[string][]byte{}
		for i, k := range fm.BufferKeys {
			if i < len(msg.Buffers) {
				bufs[k] = msg.Buffers[i]
			}
		}
		st, b := fromClassic(m, fm.SyncData, bufs, mg)
		return mg.apply(m, st, b, false)
	case "request_state":
		mg.sendMu.Lock()
		defer mg.sendMu.Unlock()
		e, err := mg.encodeLocked(m)
		if err != nil {
			return err
		}
		names := e.names
		if mg.Dialect() == DialectClassic {
			names = nil // the whole classic state, as comm_open carries it
		}
		return mg.sendUpdate(m, e, names, "update")
	case "custom":
		mg.run.Lock()
		defer mg.run.Unlock()
		w := m.core()
		w.mu.Lock()
		hs := append([]func(json.RawMessage, [][]byte){}, w.customs...)
		w.mu.Unlock()
		for _, h := range hs {
			h(fm.Content, msg.Buffers)
		}
		return nil
	}
	return fmt.Errorf("widgets: comm %s: unknown method %q", msg.CommID, fm.Method)
}

func (mg *Manager) encodeLocked(m Model) (*encoded, error) {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	return encodeModel(m)
}

// apply sets the attributes of state (and binary bufs) that came from the
// front end, echoes them (protocol 2.1.0), calls the observers and sends
// whatever the observers changed. An update is applied whole or not at
// all: when one attribute is refused (a value of the wrong type, null
// where None is not allowed, bounds that cross), Go keeps every value, the
// front end is sent the values Go keeps, and the error is an
// *UpdateError. Values out of their bounds are clamped as ipywidgets
// clamps them.
func (mg *Manager) apply(m Model, state map[string]json.RawMessage, bufs map[string][]byte, echo bool) error {
	changes, err := mg.assign(m, state, bufs, echo)
	if err != nil {
		return err
	}
	mg.notify(changes)
	return mg.sync(m, false)
}

// assign sets and echoes the attributes of a front-end update and returns
// the changes for the observers.
func (mg *Manager) assign(m Model, state map[string]json.RawMessage, bufs map[string][]byte, echo bool) ([]Change, error) {
	mg.sendMu.Lock()
	defer mg.sendMu.Unlock()
	names, changes, e, err := mg.assignLocked(m, state, bufs, echo)
	switch {
	case err != nil:
		if e != nil && len(names) > 0 {
			mg.sendUpdate(m, e, names, "update")
		}
		return nil, err
	case echo && len(names) > 0:
		mg.sendUpdate(m, e, names, "echo_update")
	}
	return changes, nil
}

// assignLocked decodes and sets the attributes of an update. It returns
// the names set (or, on error, those to send back with Go's values).
func (mg *Manager) assignLocked(m Model, state map[string]json.RawMessage, bufs map[string][]byte, echo bool) ([]string, []Change, *encoded, error) {
	w := m.core()
	v := reflect.ValueOf(m).Elem()
	mg.mu.Lock()
	defer mg.mu.Unlock()
	type assignment struct {
		name         string
		fv, old, new reflect.Value
		frontKey     string // what the front end holds now
	}
	var todo []assignment
	var names, problems []string
	for _, f := range fieldsOf(v.Type()) {
		raw, inState := state[f.name]
		buf, inBufs := bufs[f.name]
		if !inState && !inBufs {
			continue
		}
		if strings.HasPrefix(f.name, "_") {
			continue // model and view names and CSS classes are the kernel's
		}
		names = append(names, f.name)
		fv := v.FieldByIndex(f.index)
		if !inBufs && isNull(raw) && !nullable(fv.Type()) {
			problems = append(problems, fmt.Sprintf("%s: null is not a valid value (the attribute does not allow None)", f.name))
			continue
		}
		nv, err := decodeValue(fv.Type(), raw, buf, inBufs, mg.lookupLocked)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", f.name, err))
			continue
		}
		k, _ := fieldKey(nv)
		old := reflect.New(fv.Type()).Elem()
		old.Set(fv)
		todo = append(todo, assignment{f.name, fv, old, nv, k})
	}
	refuse := func() ([]string, []Change, *encoded, error) {
		e, _ := encodeModel(m)
		return names, nil, e, &UpdateError{Widget: w.String(), Problems: problems}
	}
	if len(problems) > 0 {
		return refuse()
	}
	for _, a := range todo {
		a.fv.Set(a.new)
	}
	if err := validateModel(m); err != nil {
		for _, a := range todo {
			a.fv.Set(a.old)
		}
		problems = append(problems, err.Error())
		return refuse()
	}
	e, _ := encodeModel(m)
	var changes []Change
	for _, a := range todo {
		k := e.key(a.name)
		if w.sent[a.name] != k {
			changes = append(changes, Change{Widget: m, Name: a.name, Old: a.old.Interface(), New: a.fv.Interface(), FromFrontend: true})
		}
		if echo {
			w.sent[a.name] = k // the echo tells the front end Go's value
		} else {
			w.sent[a.name] = a.frontKey // sync sends a clamped value
		}
	}
	return names, changes, e, nil
}

func isNull(raw json.RawMessage) bool {
	return strings.TrimSpace(string(raw)) == "null"
}

// nullable reports whether null is a value of a field of type t: optional
// (pointer) fields and references to models.
func nullable(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface
}

// UpdateError is the error of an update from the front end that was
// refused: nothing of it was applied.
type UpdateError struct {
	// Widget names the model, as its String method does.
	Widget string
	// Problems says what was wrong, one entry per attribute ("value: ...")
	// or constraint.
	Problems []string
}

func (e *UpdateError) Error() string {
	return fmt.Sprintf("widgets: update of %s refused: %s", e.Widget, strings.Join(e.Problems, "; "))
}

// Do calls f while no widget callback runs: no observer or custom handler
// of a message from the front end, and no redraw of an Interact. The
// kernel runs each cell with Do, so that cells, callbacks and redraws
// take turns and the widget fields they read and write need no locks of
// their own; code on a goroutine of its own that reads fields the front
// end changes can use it too. Callbacks already run inside it: calling Do
// from a callback, or from a cell, waits forever.
func (mg *Manager) Do(f func()) {
	mg.run.Lock()
	defer mg.run.Unlock()
	f()
}

// updateStates builds the control comm's update_states reply.
func (mg *Manager) updateStates() (map[string]any, [][]byte) {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	states := map[string]any{}
	paths := [][]string{}
	var bufs [][]byte
	for _, id := range mg.sortedIDsLocked() {
		m := mg.models[id]
		e, err := encodeModel(m)
		if err != nil {
			continue
		}
		st, ps, bs := modernState(m, e, e.names)
		s := m.core().spec
		states[id] = map[string]any{"model_name": s.model, "model_module": s.modelModule, "model_module_version": s.modelVersion, "state": st}
		for _, p := range ps {
			paths = append(paths, append([]string{id, "state"}, p...))
		}
		bufs = append(bufs, bs...)
	}
	return map[string]any{"method": "update_states", "states": states, "buffer_paths": paths}, bufs
}

func (mg *Manager) sortedIDsLocked() []string {
	ids := make([]string, 0, len(mg.models))
	for id := range mg.models {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// State returns the widget state of every open model in the form that
// notebooks keep under the metadata key StateMIME
// (application/vnd.jupyter.widget-state+json, version_major 2): a front
// end that opens the saved notebook shows each widget's last state.
// Binary values are base64 buffers.
func (mg *Manager) State() map[string]any {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	states := map[string]any{}
	for _, id := range mg.sortedIDsLocked() {
		m := mg.models[id]
		e, err := encodeModel(m)
		if err != nil {
			continue
		}
		st, ps, bs := modernState(m, e, e.names)
		s := m.core().spec
		entry := map[string]any{"model_name": s.model, "model_module": s.modelModule, "model_module_version": s.modelVersion, "state": st}
		if len(ps) > 0 {
			var buffers []map[string]any
			for i, p := range ps {
				buffers = append(buffers, map[string]any{"path": p, "data": base64.StdEncoding.EncodeToString(bs[i]), "encoding": "base64"})
			}
			entry["buffers"] = buffers
		}
		states[id] = entry
	}
	return map[string]any{"version_major": 2, "version_minor": 0, "state": states}
}

// StateJSON is State encoded as JSON, ready for a notebook's
// metadata.widgets[StateMIME].
func (mg *Manager) StateJSON() ([]byte, error) {
	return json.Marshal(mg.State())
}
