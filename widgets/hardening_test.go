package widgets

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// within fails t when f does not return within d (a deadlock).
func within(t *testing.T, d time.Duration, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { recover() }()
		f()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s did not return within %v", what, d)
	}
}

func updateMsg(id string, state map[string]any) Message {
	raw, _ := json.Marshal(map[string]any{"method": "update", "state": state, "buffer_paths": []any{}})
	return Message{CommID: id, Data: raw}
}

// TestNaNDoesNotDeadlock: a field that does not encode (NaN) makes Sync
// fail; a later update from the front end is an error, and neither
// leaves the manager's locks held.
func TestNaNDoesNotDeadlock(t *testing.T) {
	m, _ := setup(t, DialectModern)
	s := NewFloatSlider()
	s.MIMEBundle()
	s.Step = math.NaN()
	if err := s.Sync(); err == nil || !strings.Contains(err.Error(), "step") {
		t.Errorf("Sync of a NaN: err = %v, want one that names the field", err)
	}
	within(t, 5*time.Second, "an update after a NaN", func() {
		m.HandleMessage(updateMsg(s.ModelID(), map[string]any{"value": 3}))
	})
	within(t, 5*time.Second, "Comms after a NaN", func() { m.Comms("") })
	within(t, 5*time.Second, "a new widget after a NaN", func() { NewIntSlider().MIMEBundle() })
	if s.Value != 3 {
		t.Errorf("Value = %v: the good update was lost", s.Value)
	}
	s.Step = 0.5
	if err := s.Sync(); err != nil {
		t.Errorf("Sync once the NaN is gone: %v", err)
	}
}

// TestUpdateNullRejected: null is no value for a field that does not allow
// None: the update is an error, Go keeps its value, no observer runs and
// nothing is echoed. Optional (pointer) fields take null.
func TestUpdateNullRejected(t *testing.T) {
	m, ft := setup(t, DialectModern)
	s := NewIntSlider()
	s.Value, s.Description, s.Tooltip = 5, "k", CSS("tip")
	calls := 0
	s.OnChange(func(Change) { calls++ })
	s.MIMEBundle()
	ft.take()
	for _, name := range []string{"value", "disabled", "description"} {
		err := m.HandleMessage(updateMsg(s.ModelID(), map[string]any{name: nil}))
		var ue *UpdateError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: null: err = %v, want an *UpdateError naming it", name, err)
		}
		for _, msg := range ft.take() {
			if msg.data["method"] == "echo_update" {
				t.Errorf("%s: null was echoed: %+v", name, msg)
			}
		}
	}
	if s.Value != 5 || s.Description != "k" || s.Disabled || calls != 0 {
		t.Errorf("after null updates: value %d, description %q, %d observer calls", s.Value, s.Description, calls)
	}
	if err := m.HandleMessage(updateMsg(s.ModelID(), map[string]any{"tooltip": nil})); err != nil || s.Tooltip != nil {
		t.Errorf("null tooltip: %v, Tooltip %v", err, s.Tooltip)
	}
}

// TestUpdateAllOrNothing: an update with a good and a bad attribute
// changes nothing, and the front end is told the values Go keeps.
func TestUpdateAllOrNothing(t *testing.T) {
	m, ft := setup(t, DialectModern)
	s := NewIntSlider()
	calls := 0
	s.OnChange(func(Change) { calls++ })
	s.MIMEBundle()
	ft.take()
	err := m.HandleMessage(updateMsg(s.ModelID(), map[string]any{"value": 7, "max": "ten"}))
	if err == nil || !strings.Contains(err.Error(), "max") {
		t.Errorf("err = %v, want one that names max", err)
	}
	if s.Value != 0 || s.Max != 100 || calls != 0 {
		t.Errorf("applied in part: value %d, max %d, %d observer calls", s.Value, s.Max, calls)
	}
	msgs := ft.take()
	if len(msgs) != 1 || msgs[0].data["method"] != "update" ||
		!reflect.DeepEqual(msgs[0].data["state"], map[string]any{"value": 0.0, "max": 100.0}) {
		t.Errorf("after a refused update the front end got %+v, want an update with Go's values", msgs)
	}
}

// TestUpdateClamps: values out of range are clamped as ipywidgets clamps
// them; bounds that cross and selections out of range are errors.
func TestUpdateClamps(t *testing.T) {
	m, ft := setup(t, DialectModern)
	s := NewIntSlider()
	s.MIMEBundle()
	ft.take()
	if err := m.HandleMessage(updateMsg(s.ModelID(), map[string]any{"value": 500})); err != nil || s.Value != 100 {
		t.Errorf("value 500 in [0, 100]: %v, Value %d, want 100", err, s.Value)
	}
	msgs := ft.take()
	if len(msgs) == 0 || !reflect.DeepEqual(msgs[0].data["state"], map[string]any{"value": 100.0}) {
		t.Errorf("the front end was not told the clamped value: %+v", msgs)
	}
	if err := m.HandleMessage(updateMsg(s.ModelID(), map[string]any{"min": 200})); err == nil || s.Min != 0 {
		t.Errorf("min 200 > max 100: err %v, Min %d", err, s.Min)
	}
	if err := m.HandleMessage(updateMsg(s.ModelID(), map[string]any{"max": 50})); err != nil || s.Max != 50 || s.Value != 50 {
		t.Errorf("max below the value: %v, max %d value %d", err, s.Max, s.Value)
	}
	f := NewFloatSlider()
	f.MIMEBundle()
	if err := m.HandleMessage(updateMsg(f.ModelID(), map[string]any{"value": -3.5})); err != nil || f.Value != 0 {
		t.Errorf("float -3.5: %v, %v", err, f.Value)
	}
	lg := NewFloatLogSlider()
	lg.MIMEBundle()
	if err := m.HandleMessage(updateMsg(lg.ModelID(), map[string]any{"value": 1e9})); err != nil || lg.Value != 1e4 {
		t.Errorf("log slider 1e9 over exponents [0, 4]: %v, %v", err, lg.Value)
	}
	r := NewIntRangeSlider()
	r.MIMEBundle()
	if err := m.HandleMessage(updateMsg(r.ModelID(), map[string]any{"value": []int{-5, 500}})); err != nil || r.Value != [2]int{0, 100} {
		t.Errorf("range [-5, 500]: %v, %v", err, r.Value)
	}
	if err := m.HandleMessage(updateMsg(r.ModelID(), map[string]any{"value": []int{7, 3}})); err == nil || r.Value != [2]int{0, 100} {
		t.Errorf("range lower > upper: %v, %v", err, r.Value)
	}
	p := NewIntProgress()
	p.MIMEBundle()
	if err := m.HandleMessage(updateMsg(p.ModelID(), map[string]any{"value": 101})); err != nil || p.Value != 100 {
		t.Errorf("progress 101: %v, %v", err, p.Value)
	}
	d := NewDropdown("a", "b")
	d.MIMEBundle()
	if err := m.HandleMessage(updateMsg(d.ModelID(), map[string]any{"index": 5})); err == nil || *d.Index != 0 {
		t.Errorf("index 5 of 2 options: %v, %v", err, *d.Index)
	}
	// From Go, Set clamps as well.
	if err := s.SetValue(-1); err != nil || s.Value != 0 {
		t.Errorf("SetValue(-1): %v, %d", err, s.Value)
	}
}

// TestClassicRequestState: in the classic dialect request_state answers
// the whole state the front end builds a model from, as comm_open does:
// an IntRangeSlider keeps _range.
func TestClassicRequestState(t *testing.T) {
	m, ft := setup(t, DialectClassic)
	r := NewIntRangeSlider()
	r.MIMEBundle()
	var open map[string]any
	for _, msg := range ft.take() {
		if msg.kind == "open" && msg.id == r.ModelID() {
			open = msg.data
		}
	}
	frontend(t, m, r.ModelID(), map[string]any{"method": "request_state"})
	msgs := ft.take()
	if len(msgs) != 1 || msgs[0].data["method"] != "update" {
		t.Fatalf("reply %+v", msgs)
	}
	st := msgs[0].data["state"].(map[string]any)
	if st["_range"] != true {
		t.Errorf("request_state reply has _range %v", st["_range"])
	}
	if !reflect.DeepEqual(st, open) {
		t.Errorf("request_state reply %v\ndiffers from comm_open's %v", st, open)
	}
}

// TestShowClosedOrLink: a closed widget and a link have no view to show:
// their bundle is an error message, and nothing is sent.
func TestShowClosedOrLink(t *testing.T) {
	_, ft := setup(t, DialectModern)
	s := NewIntSlider()
	s.MIMEBundle()
	s.Close()
	ft.take()
	b := s.MIMEBundle()
	if _, ok := b[ViewMIME]; ok || !strings.Contains(b["text/plain"].(string), "closed") {
		t.Errorf("a closed widget's bundle %v", b)
	}
	a, c := NewIntSlider(), NewIntSlider()
	link := JSLink(a, "value", c, "value")
	ft.take()
	b = link.MIMEBundle()
	if _, ok := b[ViewMIME]; ok || !strings.Contains(b["text/plain"].(string), "no view") {
		t.Errorf("a link's bundle %v", b)
	}
	if msgs := ft.take(); len(msgs) != 0 {
		t.Errorf("showing them sent %+v", msgs)
	}
	_, ft = setup(t, DialectClassic)
	dl := JSDLink(NewIntSlider(), "value", NewIntSlider(), "value")
	ft.take()
	if b := dl.MIMEBundle(); b[ViewMIME] != nil {
		t.Errorf("classic: a link's bundle %v", b)
	}
	if msgs := ft.take(); len(msgs) != 0 {
		t.Errorf("classic: showing a link sent %+v", msgs)
	}
}

// TestInteractConcurrentComms drives the paths that run at once in a
// kernel: front-end updates arriving (on their own goroutines) while an
// Interact redraws on its timer, a draw function that reads the controls'
// fields as users write it, and an observer that calls SetValue. Run it
// with -race.
func TestInteractConcurrentComms(t *testing.T) {
	m, _ := setup(t, DialectModern)
	capt := &fakeCapturer{}
	m.SetCapturer(capt)
	k := NewIntSlider()
	tau := NewFloatSlider()
	mode := NewDropdown("sum", "product")
	shown := NewLabel("")
	k.OnChange(func(c Change) { shown.SetValue(strings.Repeat("|", c.New.(int)%7)) }, "value")
	var draws sync.WaitGroup
	ui := Interact(func() {
		_ = mode.Selected()
		capt.print(strings.Repeat("*", k.Value%5) + shown.Value)
		if tau.Value > 50 {
			capt.print("big")
		}
	}, k, tau, mode)
	ui.Delay = time.Millisecond
	ui.MIMEBundle()
	for g := 0; g < 3; g++ {
		draws.Add(1)
		go func() {
			defer draws.Done()
			for v := 1; v <= 40; v++ {
				var err error
				switch g {
				case 0:
					err = m.HandleMessage(updateMsg(k.ModelID(), map[string]any{"value": v}))
				case 1:
					err = m.HandleMessage(updateMsg(tau.ModelID(), map[string]any{"value": float64(v) * 2.5}))
				default:
					err = m.HandleMessage(updateMsg(mode.ModelID(), map[string]any{"index": v % 2}))
				}
				if err != nil {
					t.Error(err)
				}
				time.Sleep(time.Duration(v%3) * time.Millisecond)
			}
		}()
	}
	draws.Wait()
	ui.Wait()
	m.Do(func() {
		if k.Value != 40 || tau.Value != 100 || mode.Selected() != "sum" {
			t.Errorf("last values %d %v %q", k.Value, tau.Value, mode.Selected())
		}
		if got := out(ui); got != "|||||big" {
			t.Errorf("last draw %q", got)
		}
	})
}

// TestClassicLogSlider: a FloatLogSlider's Value is the value shown
// (Base**exponent), and the classic front end's FloatSlider over
// [Base**Min, Base**Max] shows it and sends it back as it is.
func TestClassicLogSlider(t *testing.T) {
	m, ft := setup(t, DialectClassic)
	s := NewFloatLogSlider()
	s.Value = 100
	s.MIMEBundle()
	var open map[string]any
	for _, msg := range ft.take() {
		if msg.kind == "open" && msg.id == s.ModelID() {
			open = msg.data
		}
	}
	if open["value"] != 100.0 || open["min"] != 1.0 || open["max"] != 10000.0 {
		t.Errorf("classic log slider opened with value %v in [%v, %v], want 100 in [1, 10000]", open["value"], open["min"], open["max"])
	}
	frontend(t, m, s.ModelID(), map[string]any{"method": "backbone", "sync_data": map[string]any{"value": 1000.0}})
	if s.Value != 1000 {
		t.Errorf("Value = %v after the front end sent 1000", s.Value)
	}
}

// TestNaNBeforeFirstDisplay: a widget that cannot be encoded when first
// shown says why, and opens once its state is fixed.
func TestNaNBeforeFirstDisplay(t *testing.T) {
	_, ft := setup(t, DialectModern)
	s := NewFloatSlider()
	s.Value = math.NaN()
	b := s.MIMEBundle()
	if _, ok := b[ViewMIME]; ok || !strings.Contains(b["text/plain"].(string), "value") {
		t.Errorf("bundle of a NaN slider: %v", b)
	}
	ft.take()
	s.Value = 1
	b = s.MIMEBundle()
	if _, ok := b[ViewMIME]; !ok {
		t.Fatalf("bundle once fixed: %v", b)
	}
	opened := false
	for _, msg := range ft.take() {
		opened = opened || msg.kind == "open" && msg.id == s.ModelID()
	}
	if !opened {
		t.Error("no comm_open once the value was fixed")
	}
}
