package widgets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Model is a widget model: a value whose exported, tagged fields are the
// state synchronized with the front end. Every type of this package that
// embeds Widget is a Model.
type Model interface {
	// ModelID returns the model's id, which is also the id of its comm.
	ModelID() string
	core() *Widget
}

// spec names a model's JavaScript classes in DialectModern.
type spec struct {
	model, modelModule, modelVersion string
	view, viewModule, viewVersion    string // view "" means null
}

const (
	controls   = "@jupyter-widgets/controls"
	base       = "@jupyter-widgets/base"
	output     = "@jupyter-widgets/output"
	modVersion = "2.0.0"
	outVersion = "1.0.0"
	refPrefix  = "IPY_MODEL_"
	styleView  = "StyleView"
)

func controlSpec(name, view string) spec {
	return spec{name, controls, modVersion, view, controls, modVersion}
}

func styleSpec(name string) spec {
	return spec{name, controls, modVersion, styleView, base, modVersion}
}

// Change describes one change of a model's state, from the front end or
// from Go.
type Change struct {
	// Widget is the model that changed.
	Widget Model
	// Name is the state attribute that changed, as the protocol names it
	// ("value", "index", "playing").
	Name string
	// Old and New are the field's values before and after, of the field's
	// Go type (int, float64, string, bool, [2]int, *Layout, ...).
	Old, New any
	// FromFrontend is true when the change came from the front end.
	FromFrontend bool
}

type observer struct {
	names []string
	f     func(Change)
}

func (o observer) wants(name string) bool {
	if len(o.names) == 0 {
		return true
	}
	for _, n := range o.names {
		if n == name {
			return true
		}
	}
	return false
}

// Widget is the core that every model embeds: its id, its manager and
// observers, and the state last sent to the front end. Create models with
// the New functions of this package, never as bare struct literals.
type Widget struct {
	self    Model
	spec    spec
	id      string
	mgr     *Manager
	opened  bool
	closed  bool
	live    bool              // comm_open was sent (or, without a transport, would have been)
	noComm  bool              // opened in a dialect that has no such model: no comm exists
	sent    map[string]string // attribute → JSON the front end has
	obs     []observer
	customs []func(content json.RawMessage, buffers [][]byte)
	mu      sync.Mutex // serializes the observer and custom handler lists
}

func (w *Widget) core() *Widget { return w }

// init binds the core to the model that embeds it.
func (w *Widget) init(self Model, s spec) {
	w.self = self
	w.spec = s
	w.id = newID()
	w.mgr = Default()
}

func (w *Widget) must() {
	if w.self == nil {
		panic("widgets: a model was made as a struct literal; create it with its New function")
	}
}

// ModelID returns the model's id (the id of its comm).
func (w *Widget) ModelID() string { w.must(); return w.id }

// Manager returns the manager the model belongs to.
func (w *Widget) Manager() *Manager { w.must(); return w.mgr }

// OnChange registers f to be called after each change of the named state
// attributes ("value", "index", ...), or of any attribute when no name is
// given. Changes from the front end and from Set, Sync and the Set methods
// all call observers, on the goroutine that made the change.
func (w *Widget) OnChange(f func(Change), names ...string) {
	w.must()
	w.mu.Lock()
	w.obs = append(w.obs, observer{names: names, f: f})
	w.mu.Unlock()
}

// OnCustom registers f to be called with each custom message the front
// end sends to this model (content and binary buffers).
func (w *Widget) OnCustom(f func(content json.RawMessage, buffers [][]byte)) {
	w.must()
	w.mu.Lock()
	w.customs = append(w.customs, f)
	w.mu.Unlock()
}

// SendCustom sends a custom message with content (JSON-encodable) and
// buffers to the model's front-end views.
func (w *Widget) SendCustom(content any, buffers [][]byte) error {
	w.must()
	if err := w.mgr.open(w.self); err != nil {
		return err
	}
	return w.mgr.send(w.id, map[string]any{"method": "custom", "content": content}, buffers)
}

// Sync sends the fields changed since the last synchronization to the
// front end in one update, and calls the observers of the changed
// attributes. Use it after assigning fields directly:
//
//	s.Max = 10
//	s.Description = "k"
//	s.Sync()
//
// A model not yet shown is only recorded: its first display sends its
// whole state.
func (w *Widget) Sync() error {
	w.must()
	return w.mgr.sync(w.self, false)
}

// Set assigns value to the state attribute name (as the protocol names it,
// for example "value" or "description"), sends the change and calls the
// observers. value must be assignable or convertible to the field's type,
// or to the type a pointer field points to (nil sets a pointer field to
// null). A value out of its bounds is clamped, as ipywidgets clamps it;
// bounds that cross are an error, and the field keeps its value.
func (w *Widget) Set(name string, value any) error {
	w.must()
	if err := w.mgr.setField(w.self, name, value); err != nil {
		return err
	}
	return w.Sync()
}

// setField assigns value to the attribute name of m, as Set describes.
func (mg *Manager) setField(m Model, name string, value any) error {
	mg.mu.Lock()
	defer mg.mu.Unlock()
	s := m.core().spec
	f, ok := fieldByName(m, name)
	if !ok {
		return fmt.Errorf("widgets: %s has no attribute %q", s.model, name)
	}
	old := reflect.New(f.Type()).Elem()
	old.Set(f)
	v := reflect.ValueOf(value)
	switch {
	case value == nil:
		f.Set(reflect.Zero(f.Type()))
	case v.Type().AssignableTo(f.Type()):
		f.Set(v)
	case f.Kind() == reflect.Pointer && v.Type().AssignableTo(f.Type().Elem()):
		p := reflect.New(f.Type().Elem())
		p.Elem().Set(v)
		f.Set(p)
	case v.Type().ConvertibleTo(f.Type()) && v.Kind() != reflect.String && f.Kind() != reflect.String:
		f.Set(v.Convert(f.Type()))
	default:
		return fmt.Errorf("widgets: %s.%s is %s, not %T", s.model, name, f.Type(), value)
	}
	if err := validateModel(m); err != nil {
		f.Set(old)
		return fmt.Errorf("widgets: %s.%s: %v", s.model, name, err)
	}
	return nil
}

// validator is a model whose attributes constrain each other: validate
// clamps values into their bounds and refuses bounds that cross, as the
// validators of ipywidgets do.
type validator interface {
	validate() error
}

func validateModel(m Model) error {
	if v, ok := m.(validator); ok {
		return v.validate()
	}
	return nil
}

// Close closes the model's comm; the front end removes its views. A
// closed model no longer sends or receives updates.
func (w *Widget) Close() error {
	w.must()
	return w.mgr.closeModel(w.self, true)
}

// MIMEBundle returns the display data that shows the model in a notebook:
// the widget-view MIME type and a text form. It opens the model's comm
// first, and sends fields changed since then. The dcem kernel's display
// functions call it.
func (w *Widget) MIMEBundle() map[string]any {
	w.must()
	return w.mgr.bundle(w.self)
}

// String returns the model's name and id, the text form of a displayed
// widget.
func (w *Widget) String() string {
	if w.self == nil {
		return "Widget(uninitialized)"
	}
	return fmt.Sprintf("%s(%s)", strings.TrimSuffix(w.spec.model, "Model"), w.id)
}

// ---- reflection over the synchronized fields ----

// field is one synchronized attribute of a model type.
type field struct {
	name  string
	index []int
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf lists the synchronized fields of the struct type t, from the
// `widget:"name"` tags of its fields and of its embedded structs.
func fieldsOf(t reflect.Type) []field {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]field)
	}
	var fs []field
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := 0; i < t.NumField(); i++ {
			sf := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			if tag := sf.Tag.Get("widget"); tag != "" {
				fs = append(fs, field{name: tag, index: idx})
				continue
			}
			if sf.Anonymous && sf.Type.Kind() == reflect.Struct && sf.Type != reflect.TypeOf(Widget{}) {
				walk(sf.Type, idx)
			}
		}
	}
	walk(t, nil)
	fieldCache.Store(t, fs)
	return fs
}

func fieldByName(m Model, name string) (reflect.Value, bool) {
	v := reflect.ValueOf(m).Elem()
	for _, f := range fieldsOf(v.Type()) {
		if f.name == name {
			return v.FieldByIndex(f.index), true
		}
	}
	return reflect.Value{}, false
}

var (
	modelType  = reflect.TypeOf((*Model)(nil)).Elem()
	bytesType  = reflect.TypeOf([]byte(nil))
	endptType  = reflect.TypeOf(Endpoint{})
	rawMsgType = reflect.TypeOf(json.RawMessage(nil))
)

// encoded is a model's state in wire form.
type encoded struct {
	names  []string                   // attribute order
	values map[string]json.RawMessage // attribute → JSON (buffers as JSON null)
	bufs   map[string][]byte          // attribute → binary value
}

// encodeModel encodes the synchronized fields of m. References to other
// models become "IPY_MODEL_<id>" strings and []byte fields binary buffers.
// A field that does not encode (a NaN) is left out, and the first such
// field is the error.
func encodeModel(m Model) (*encoded, error) {
	v := reflect.ValueOf(m).Elem()
	e := &encoded{values: map[string]json.RawMessage{}, bufs: map[string][]byte{}}
	s := m.core().spec
	q := func(s string) json.RawMessage {
		if s == "" {
			return json.RawMessage("null")
		}
		b, _ := json.Marshal(s)
		return b
	}
	for _, kv := range [][2]string{
		{"_model_module", s.modelModule}, {"_model_module_version", s.modelVersion}, {"_model_name", s.model},
		{"_view_module", s.viewModule}, {"_view_module_version", s.viewVersion}, {"_view_name", s.view},
	} {
		e.names = append(e.names, kv[0])
		e.values[kv[0]] = q(kv[1])
	}
	var first error
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		e.names = append(e.names, f.name)
		if fv.Type() == bytesType {
			b := fv.Bytes()
			if b == nil {
				b = []byte{}
			}
			e.bufs[f.name] = b
			e.values[f.name] = json.RawMessage("null")
			continue
		}
		raw, err := json.Marshal(wireValue(fv))
		if err != nil {
			if first == nil {
				first = fmt.Errorf("widgets: %s.%s: %v", m.core().spec.model, f.name, err)
			}
			continue
		}
		e.values[f.name] = raw
	}
	return e, first
}

// fieldKey is the key (see encoded.key) of the field value fv.
func fieldKey(fv reflect.Value) (string, error) {
	if fv.Type() == bytesType {
		return "bytes:" + string(fv.Bytes()), nil
	}
	raw, err := json.Marshal(wireValue(fv))
	return string(raw), err
}

// key returns the text that stands for an attribute's value when changes
// are detected.
func (e *encoded) key(name string) string {
	if b, ok := e.bufs[name]; ok {
		return "bytes:" + string(b)
	}
	return string(e.values[name])
}

// wireValue returns the JSON-encodable form of a field value.
func wireValue(fv reflect.Value) any {
	t := fv.Type()
	switch {
	case t == endptType:
		ep := fv.Interface().(Endpoint)
		if ep.Widget == nil || reflect.ValueOf(ep.Widget).IsNil() {
			return []any{}
		}
		return []any{refPrefix + ep.Widget.ModelID(), ep.Name}
	case t.Implements(modelType):
		if fv.IsNil() {
			return nil
		}
		return refPrefix + fv.Interface().(Model).ModelID()
	case t.Kind() == reflect.Slice && t.Elem().Implements(modelType):
		refs := make([]string, 0, fv.Len())
		for i := 0; i < fv.Len(); i++ {
			if el := fv.Index(i); !el.IsNil() {
				refs = append(refs, refPrefix+el.Interface().(Model).ModelID())
			}
		}
		return refs
	case t.Kind() == reflect.Slice && fv.IsNil():
		return []any{}
	}
	return fv.Interface()
}

// references lists the models that m's state refers to.
func references(m Model) []Model {
	v := reflect.ValueOf(m).Elem()
	var refs []Model
	add := func(x reflect.Value) {
		if x.IsValid() && !x.IsNil() {
			refs = append(refs, x.Interface().(Model))
		}
	}
	for _, f := range fieldsOf(v.Type()) {
		fv := v.FieldByIndex(f.index)
		t := fv.Type()
		switch {
		case t == endptType:
			if ep := fv.Interface().(Endpoint); ep.Widget != nil {
				add(reflect.ValueOf(ep.Widget))
			}
		case t.Implements(modelType):
			add(fv)
		case t.Kind() == reflect.Slice && t.Elem().Implements(modelType):
			for i := 0; i < fv.Len(); i++ {
				add(fv.Index(i))
			}
		}
	}
	return refs
}

// decodeValue decodes raw (or buf, for a binary field) into a new value of
// type t, resolving model references through lookup.
func decodeValue(t reflect.Type, raw json.RawMessage, buf []byte, hasBuf bool, lookup func(string) Model) (reflect.Value, error) {
	switch {
	case t == bytesType:
		if hasBuf {
			return reflect.ValueOf(append([]byte{}, buf...)), nil
		}
		var b []byte
		err := json.Unmarshal(raw, &b)
		return reflect.ValueOf(b), err
	case t == endptType:
		var pair []string
		if err := json.Unmarshal(raw, &pair); err != nil {
			return reflect.Value{}, err
		}
		if len(pair) != 2 {
			return reflect.ValueOf(Endpoint{}), nil
		}
		return reflect.ValueOf(Endpoint{Widget: lookup(pair[0]), Name: pair[1]}), nil
	case t.Implements(modelType):
		var ref *string
		if err := json.Unmarshal(raw, &ref); err != nil {
			return reflect.Value{}, err
		}
		out := reflect.New(t).Elem()
		if ref != nil {
			if m := lookup(*ref); m != nil && reflect.TypeOf(m).AssignableTo(t) {
				out.Set(reflect.ValueOf(m))
			} else {
				return reflect.Value{}, fmt.Errorf("unknown reference %q", *ref)
			}
		}
		return out, nil
	case t.Kind() == reflect.Slice && t.Elem().Implements(modelType):
		var refs []string
		if err := json.Unmarshal(raw, &refs); err != nil {
			return reflect.Value{}, err
		}
		out := reflect.MakeSlice(t, 0, len(refs))
		for _, r := range refs {
			m := lookup(r)
			if m == nil || !reflect.TypeOf(m).AssignableTo(t.Elem()) {
				return reflect.Value{}, fmt.Errorf("unknown reference %q", r)
			}
			out = reflect.Append(out, reflect.ValueOf(m))
		}
		return out, nil
	}
	p := reflect.New(t)
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(p.Interface()); err != nil {
		return reflect.Value{}, err
	}
	return p.Elem(), nil
}

// Endpoint names one attribute of one model, as a Link's source or target.
type Endpoint struct {
	// Widget is the model.
	Widget Model
	// Name is the attribute, such as "value".
	Name string
}
