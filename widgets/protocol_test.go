package widgets

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// TestRoundTrip: a front-end update changes the Go value, runs the
// observer, is echoed, and what the observer changed goes back as an
// update.
func TestRoundTrip(t *testing.T) {
	m, ft := setup(t, DialectModern)
	s := NewIntSlider()
	label := NewLabel("")
	var seen []Change
	s.OnChange(func(c Change) {
		seen = append(seen, c)
		label.SetValue("k = " + strings.Repeat("|", c.New.(int)))
	}, "value")
	s.MIMEBundle()
	label.MIMEBundle()
	ft.take()

	frontend(t, m, s.ModelID(), map[string]any{"method": "update", "state": map[string]any{"value": 3}, "buffer_paths": []any{}})
	if s.Value != 3 {
		t.Fatalf("Value = %d after the front end's update", s.Value)
	}
	if len(seen) != 1 || seen[0].Old != 0 || seen[0].New != 3 || !seen[0].FromFrontend || seen[0].Name != "value" {
		t.Fatalf("observer saw %+v", seen)
	}
	msgs := ft.take()
	if len(msgs) != 2 {
		t.Fatalf("sent %d messages, want echo_update and the label's update: %+v", len(msgs), msgs)
	}
	echo := msgs[0]
	if echo.id != s.ModelID() || echo.data["method"] != "echo_update" || !reflect.DeepEqual(echo.data["state"], map[string]any{"value": 3.0}) {
		t.Errorf("echo: %+v", echo)
	}
	up := msgs[1]
	if up.id != label.ModelID() || up.data["method"] != "update" || !reflect.DeepEqual(up.data["state"], map[string]any{"value": "k = |||"}) {
		t.Errorf("label update: %+v", up)
	}

	// An update to the value the front end already has changes nothing.
	frontend(t, m, s.ModelID(), map[string]any{"method": "update", "state": map[string]any{"value": 3}, "buffer_paths": []any{}})
	if len(seen) != 1 {
		t.Errorf("observer ran for an unchanged value")
	}
	if msgs := ft.take(); len(msgs) != 1 || msgs[0].data["method"] != "echo_update" {
		t.Errorf("an unchanged value sent %+v, want its echo only", msgs)
	}

	// Setting from Go sends one update and runs the observer.
	if err := s.SetValue(5); err != nil {
		t.Fatal(err)
	}
	msgs = ft.take()
	if len(msgs) != 2 || msgs[0].id != s.ModelID() || !reflect.DeepEqual(msgs[0].data["state"], map[string]any{"value": 5.0}) {
		t.Errorf("SetValue sent %+v", msgs)
	}
	if len(seen) != 2 || seen[1].FromFrontend {
		t.Errorf("observer after SetValue: %+v", seen)
	}

	// Fields assigned directly go out with Sync, in one update.
	s.Max, s.Description = 10, "k"
	s.Sync()
	msgs = ft.take()
	if len(msgs) != 1 || !reflect.DeepEqual(msgs[0].data["state"], map[string]any{"max": 10.0, "description": "k"}) {
		t.Errorf("Sync sent %+v", msgs)
	}
	if err := s.Set("nonsense", 1); err == nil {
		t.Error("Set of an unknown attribute succeeded")
	}
	if err := s.Set("value", "three"); err == nil {
		t.Error("Set of a string into an int succeeded")
	}
}

func TestRequestState(t *testing.T) {
	m, ft := setup(t, DialectModern)
	d := NewDropdown("a", "b", "c")
	d.MIMEBundle()
	ft.take()
	frontend(t, m, d.ModelID(), map[string]any{"method": "request_state"})
	msgs := ft.take()
	if len(msgs) != 1 || msgs[0].data["method"] != "update" {
		t.Fatalf("reply %+v", msgs)
	}
	st := msgs[0].data["state"].(map[string]any)
	if st["_model_name"] != "DropdownModel" || st["index"] != 0.0 || !reflect.DeepEqual(st["_options_labels"], []any{"a", "b", "c"}) {
		t.Errorf("state %v", st)
	}
	frontend(t, m, d.ModelID(), map[string]any{"method": "update", "state": map[string]any{"index": 2}, "buffer_paths": []any{}})
	if d.Selected() != "c" {
		t.Errorf("Selected = %q", d.Selected())
	}
}

func TestRequestStates(t *testing.T) {
	m, ft := setup(t, DialectModern)
	s := NewFloatSlider()
	img := NewImage([]byte("GIF89a"), "gif")
	NewHBox(s, img).MIMEBundle()
	if !m.HandleOpen(ControlTarget, Message{CommID: "ctl"}) {
		t.Fatal("control target refused")
	}
	ft.take()
	frontend(t, m, "ctl", map[string]any{"method": "request_states"})
	msgs := ft.take()
	if len(msgs) != 1 || msgs[0].id != "ctl" || msgs[0].data["method"] != "update_states" {
		t.Fatalf("reply %+v", msgs)
	}
	states := msgs[0].data["states"].(map[string]any)
	// HBox, its layout, the slider with layout and style, the image with layout.
	if len(states) != 7 {
		t.Errorf("%d states, want 7", len(states))
	}
	ss := states[s.ModelID()].(map[string]any)
	if ss["model_name"] != "FloatSliderModel" || ss["model_module"] != controls || ss["model_module_version"] != "2.0.0" {
		t.Errorf("slider entry %v", ss)
	}
	paths := msgs[0].data["buffer_paths"].([]any)
	if len(paths) != 1 || !reflect.DeepEqual(paths[0], []any{img.ModelID(), "state", "value"}) || string(msgs[0].buffers[0]) != "GIF89a" {
		t.Errorf("buffer paths %v buffers %q", paths, msgs[0].buffers)
	}
	comms := m.Comms("")
	if comms["ctl"] != ControlTarget || comms[s.ModelID()] != WidgetTarget || len(comms) != 8 {
		t.Errorf("Comms = %v", comms)
	}
	if got := m.Comms(ControlTarget); len(got) != 1 {
		t.Errorf("Comms(control) = %v", got)
	}
}

func TestBuffers(t *testing.T) {
	m, ft := setup(t, DialectModern)
	img := NewImage([]byte{1, 2, 3}, "png")
	var got []byte
	img.OnChange(func(c Change) { got = c.New.([]byte) }, "value")
	opens := opened(t, m, ft, img)
	o := opens[img.ModelID()]
	if !reflect.DeepEqual(o.data["buffer_paths"], []any{[]any{"value"}}) || !bytes.Equal(o.buffers[0], []byte{1, 2, 3}) {
		t.Fatalf("open: paths %v buffers %v", o.data["buffer_paths"], o.buffers)
	}
	if _, ok := o.data["state"].(map[string]any)["value"]; ok {
		t.Error("binary value also in the state")
	}
	frontend(t, m, img.ModelID(), map[string]any{"method": "update", "state": map[string]any{}, "buffer_paths": []any{[]any{"value"}}}, []byte{9, 8})
	if !bytes.Equal(img.Value, []byte{9, 8}) || !bytes.Equal(got, []byte{9, 8}) {
		t.Errorf("Value %v, observer saw %v", img.Value, got)
	}
	echo := ft.take()[0]
	if echo.data["method"] != "echo_update" || !bytes.Equal(echo.buffers[0], []byte{9, 8}) {
		t.Errorf("echo %+v", echo)
	}
	img.SetValue([]byte{7})
	up := ft.take()[0]
	if !reflect.DeepEqual(up.data["buffer_paths"], []any{[]any{"value"}}) || !bytes.Equal(up.buffers[0], []byte{7}) {
		t.Errorf("update %+v", up)
	}
}

func TestClose(t *testing.T) {
	m, ft := setup(t, DialectModern)
	b := NewButton("go")
	b.MIMEBundle()
	ft.take()
	b.Close()
	msgs := ft.take()
	if len(msgs) != 1 || msgs[0].kind != "close" || msgs[0].id != b.ModelID() {
		t.Fatalf("close sent %+v", msgs)
	}
	if _, ok := m.Comms("")[b.ModelID()]; ok {
		t.Error("closed widget still listed")
	}
	b.Description = "stop"
	b.Sync()
	if len(ft.take()) != 0 {
		t.Error("a closed widget sent an update")
	}
	if m.HandleMessage(Message{CommID: b.ModelID(), Data: json.RawMessage(`{"method":"request_state"}`)}) == nil {
		t.Error("a message to a closed widget was accepted")
	}

	// The front end closing a comm closes the model without echo.
	s := NewText()
	s.MIMEBundle()
	ft.take()
	m.HandleClose(Message{CommID: s.ModelID()})
	// Left open: the layouts and styles of both.
	if len(ft.take()) != 0 || len(m.Comms(WidgetTarget)) != 4 {
		t.Errorf("after the front end's close: comms %v", m.Comms(""))
	}
	m.CloseAll()
	if msgs := ft.take(); len(msgs) != 4 || len(m.Comms("")) != 0 {
		t.Errorf("CloseAll sent %d messages, left %v", len(msgs), m.Comms(""))
	}
}

func TestClick(t *testing.T) {
	m, ft := setup(t, DialectModern)
	b := NewButton("run")
	n := 0
	b.OnClick(func(*Button) { n++ })
	b.MIMEBundle()
	ft.take()
	frontend(t, m, b.ModelID(), map[string]any{"method": "custom", "content": map[string]any{"event": "click"}})
	frontend(t, m, b.ModelID(), map[string]any{"method": "custom", "content": map[string]any{"event": "other"}})
	b.Click()
	if n != 2 {
		t.Errorf("%d clicks seen, want 2", n)
	}
}

func TestReferencesAndBundle(t *testing.T) {
	m, ft := setup(t, DialectModern)
	a, b := NewIntSlider(), NewIntSlider()
	box := NewVBox(a)
	bundle := box.MIMEBundle()
	view := bundle[ViewMIME].(map[string]any)
	if view["model_id"] != box.ModelID() || view["version_major"] != 2 {
		t.Errorf("bundle %v", bundle)
	}
	ft.take()
	// A child added later is opened before the update that names it.
	box.Children = append(box.Children, b)
	box.Sync()
	msgs := ft.take()
	last := msgs[len(msgs)-1]
	if last.id != box.ModelID() || !reflect.DeepEqual(last.data["state"], map[string]any{"children": []any{refPrefix + a.ModelID(), refPrefix + b.ModelID()}}) {
		t.Errorf("update %+v", last)
	}
	opens := 0
	for _, s := range msgs {
		if s.kind == "open" {
			opens++
			if s.id == b.ModelID() {
				break
			}
		}
	}
	if opens != 3 { // b's layout and style, then b
		t.Errorf("opened %d models before the child", opens)
	}
	// The front end may rearrange children by reference.
	frontend(t, m, box.ModelID(), map[string]any{"method": "update", "state": map[string]any{"children": []any{refPrefix + b.ModelID()}}, "buffer_paths": []any{}})
	if len(box.Children) != 1 || box.Children[0] != Model(b) {
		t.Errorf("children %v", box.Children)
	}
	if err := m.HandleMessage(Message{CommID: box.ModelID(), Data: json.RawMessage(`{"method":"update","state":{"children":["IPY_MODEL_nope"]},"buffer_paths":[]}`)}); err == nil {
		t.Error("a reference to an unknown model was accepted")
	}
	ft.take()
	link := JSLink(a, "value", b, "value")
	o := ft.take()
	if len(o) != 1 || !reflect.DeepEqual(o[0].data["state"].(map[string]any)["source"], []any{refPrefix + a.ModelID(), "value"}) {
		t.Errorf("link open %+v", o)
	}
	_ = link
}

func TestNoTransport(t *testing.T) {
	m := NewManager(nil)
	old := SetDefault(m)
	defer SetDefault(old)
	s := NewIntSlider()
	got := 0
	s.OnChange(func(c Change) { got = c.New.(int) })
	s.SetValue(4)
	s.MIMEBundle()
	if got != 4 || len(m.Models()) != 3 {
		t.Errorf("observer saw %d; models %d", got, len(m.Models()))
	}
}

func TestFrontendOpenRefused(t *testing.T) {
	m, ft := setup(t, DialectModern)
	if m.HandleOpen("other.target", Message{CommID: "x"}) {
		t.Error("an unknown target was taken")
	}
	if !m.HandleOpen(WidgetTarget, Message{CommID: "y"}) {
		t.Error("the widget target was not handled")
	}
	if msgs := ft.take(); len(msgs) != 1 || msgs[0].kind != "close" || msgs[0].id != "y" {
		t.Errorf("a front-end model was not closed: %+v", msgs)
	}
}

// TestConcurrent: updates from other goroutines never reach the front end
// before the model's comm_open, and the last value sent is the last set.
func TestConcurrent(t *testing.T) {
	m, ft := setup(t, DialectModern)
	const n = 20
	sliders := make([]*IntSlider, n)
	for i := range sliders {
		sliders[i] = NewIntSlider()
	}
	done := make(chan bool)
	for _, s := range sliders {
		go func() {
			for v := 1; v <= 50; v++ {
				s.SetValue(v)
			}
			done <- true
		}()
		go func() {
			s.MIMEBundle()
			if err := m.HandleMessage(Message{CommID: s.ModelID(), Data: json.RawMessage(`{"method":"request_state"}`)}); err != nil {
				t.Error(err)
			}
			done <- true
		}()
	}
	for range 2 * n {
		<-done
	}
	seen := map[string]bool{}
	last := map[string]float64{}
	for _, msg := range ft.take() {
		if msg.kind == "open" {
			seen[msg.id] = true
			if v, ok := msg.data["state"].(map[string]any)["value"].(float64); ok {
				last[msg.id] = v
			}
			continue
		}
		if !seen[msg.id] {
			t.Fatalf("%s sent before comm_open: %+v", msg.kind, msg)
		}
		if v, ok := msg.data["state"].(map[string]any)["value"].(float64); ok {
			last[msg.id] = v
		}
	}
	for _, s := range sliders {
		if last[s.ModelID()] != 50 || s.Value != 50 {
			t.Errorf("front end's last value %v, Go value %d", last[s.ModelID()], s.Value)
		}
	}
}

func TestOptionalValues(t *testing.T) {
	m, ft := setup(t, DialectModern)
	s := NewIntSlider()
	s.MIMEBundle()
	ft.take()
	s.Layout.Width = CSS("50%")
	s.Layout.Sync()
	s.Tooltip, s.Tabbable = CSS("k"), Bool(false)
	s.Sync()
	msgs := ft.take()
	if len(msgs) != 2 || msgs[0].id != s.Layout.ModelID() || !reflect.DeepEqual(msgs[0].data["state"], map[string]any{"width": "50%"}) ||
		!reflect.DeepEqual(msgs[1].data["state"], map[string]any{"tooltip": "k", "tabbable": false}) {
		t.Errorf("sent %+v", msgs)
	}
	ta := NewTextarea()
	ta.Set("rows", 4)
	if ta.Rows == nil || *ta.Rows != 4 {
		t.Errorf("Rows %v", ta.Rows)
	}
	ta.Set("rows", nil)
	if ta.Rows != nil {
		t.Errorf("Rows %v after nil", ta.Rows)
	}
	_ = m
}
