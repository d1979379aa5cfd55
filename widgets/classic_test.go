package widgets

import (
	"encoding/base64"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// v6Attrs parses testdata/jupyterwidgetmodels.v6.md: heading → attribute
// → default as written there.
func v6Attrs(t *testing.T) map[string]map[string]string {
	t.Helper()
	raw, err := os.ReadFile("testdata/jupyterwidgetmodels.v6.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	var cur map[string]string
	for _, line := range strings.Split(string(raw), "\n") {
		if h, ok := strings.CutPrefix(line, "### "); ok {
			cur = map[string]string{}
			out[strings.TrimSpace(h)] = cur
			continue
		}
		if cur == nil || !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		name := strings.Trim(strings.TrimSpace(cells[0]), "`")
		def := ""
		if len(cells) > 2 {
			def = strings.TrimSpace(cells[2])
		}
		cur[name] = def
	}
	return out
}

// TestClassicTable checks the classic model table against the
// specification document it was made from.
func TestClassicTable(t *testing.T) {
	doc := v6Attrs(t)
	for model, cm := range classicModels {
		attrs, ok := doc[cm.heading]
		if !ok {
			t.Errorf("%s: no section %s", model, cm.heading)
			continue
		}
		if len(attrs) != len(cm.attrs) {
			t.Errorf("%s: %d attributes, the document has %d", model, len(cm.attrs), len(attrs))
		}
		for _, a := range cm.attrs {
			d, ok := attrs[a.name]
			if !ok {
				t.Errorf("%s: %s not in the document", model, a.name)
				continue
			}
			want := strings.Trim(d, "`")
			want = strings.ReplaceAll(want, "'", "\"")
			got := a.def
			if d == "reference to new instance" {
				want = ""
			}
			got = strings.ReplaceAll(got, `\u200b`, `\u200b`)
			if want == `"\u200b"` {
				got = strings.ReplaceAll(got, "\u200b", `\u200b`)
			}
			if strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(want, " ", "") {
				t.Errorf("%s.%s default %s, document %s", model, a.name, got, want)
			}
		}
	}
}

// TestClassicVersionComm: the classic front end's version check switches
// the manager to the classic dialect and gets the version range.
func TestClassicVersionComm(t *testing.T) {
	m, ft := setup(t, DialectModern)
	if !m.HandleOpen(VersionTarget, Message{CommID: "ver"}) {
		t.Fatal("version target refused")
	}
	if m.Dialect() != DialectClassic {
		t.Fatal("the version comm did not select the classic dialect")
	}
	msgs := ft.take()
	if len(msgs) != 1 || msgs[0].id != "ver" || msgs[0].data["version"] != ClassicVersion {
		t.Fatalf("sent %+v", msgs)
	}
	frontend(t, m, "ver", map[string]any{"validated": true, "frontend_version": "2.1.4"})
	if v, ok := m.Frontend(); v != "2.1.4" || !ok {
		t.Errorf("Frontend() = %q, %v", v, ok)
	}
	if m.Comms(VersionTarget)["ver"] != VersionTarget {
		t.Error("version comm not listed")
	}
}

// TestClassicModels opens every model in the classic dialect: each with a
// classic counterpart sends exactly that counterpart's attributes, with
// its module and version; the others are not sent.
func TestClassicModels(t *testing.T) {
	doc := v6Attrs(t)
	for _, mk := range everyModel {
		m, ft := setup(t, DialectClassic)
		w := mk()
		name := w.core().spec.model
		cm, hasClassic := classicModels[name]
		opens := opened(t, m, ft, w)
		msg, sentOpen := opens[w.ModelID()]
		if !hasClassic {
			if sentOpen {
				t.Errorf("%s has no classic counterpart but was sent", name)
			}
			if _, listed := m.Comms("")[w.ModelID()]; listed {
				t.Errorf("%s has no comm but is listed", name)
			}
			continue
		}
		if !sentOpen {
			t.Errorf("%s was not sent", name)
			continue
		}
		if len(msg.metadata) != 0 || len(msg.buffers) != 0 {
			t.Errorf("%s: metadata %v, %d buffers", name, msg.metadata, len(msg.buffers))
		}
		st := msg.data
		if st["_model_module"] != classicModule || st["_model_module_version"] != ClassicVersion || st["_view_module_version"] != ClassicVersion {
			t.Errorf("%s: module %v %v", name, st["_model_module"], st["_model_module_version"])
		}
		var have, want []string
		for k := range st {
			have = append(have, k)
		}
		for k := range doc[cm.heading] {
			want = append(want, k)
		}
		sort.Strings(have)
		sort.Strings(want)
		if !reflect.DeepEqual(have, want) {
			t.Errorf("%s:\n have %v\n want %v", name, have, want)
		}
		for k, v := range st {
			if ref, ok := v.(string); ok && strings.HasPrefix(ref, refPrefix) {
				if _, ok := opens[strings.TrimPrefix(ref, refPrefix)]; !ok {
					t.Errorf("%s.%s refers to a model that was not sent", name, k)
				}
			}
		}
	}
}

// TestClassicRoundTrip: backbone sync messages from the classic front end
// change Go values (with the classic names translated), and Go changes go
// out as classic updates without echo.
func TestClassicRoundTrip(t *testing.T) {
	m, ft := setup(t, DialectClassic)
	s := NewIntSlider()
	var seen []int
	s.OnChange(func(c Change) { seen = append(seen, c.New.(int)) }, "value")
	b := s.MIMEBundle()
	if view := b[ViewMIME].(map[string]any); view["model_id"] != s.ModelID() {
		t.Errorf("bundle %v", b)
	}
	msgs := ft.take()
	last := msgs[len(msgs)-1]
	if last.kind != "msg" || last.data["method"] != "display" {
		t.Errorf("no display message: %+v", last)
	}
	frontend(t, m, s.ModelID(), map[string]any{"method": "backbone", "sync_data": map[string]any{"value": 7}, "buffer_keys": []any{}})
	if s.Value != 7 || !reflect.DeepEqual(seen, []int{7}) {
		t.Errorf("Value %d, observer %v", s.Value, seen)
	}
	if msgs := ft.take(); len(msgs) != 0 {
		t.Errorf("the classic dialect answered an update with %+v", msgs)
	}
	s.SetValue(2)
	msgs = ft.take()
	if len(msgs) != 1 || !reflect.DeepEqual(msgs[0].data, map[string]any{"method": "update", "state": map[string]any{"value": 2.0}, "buffers": []any{}}) {
		t.Errorf("update %+v", msgs)
	}

	// Selections travel by label.
	d := NewDropdown("x", "y")
	d.MIMEBundle()
	opens := ft.take()
	if opens[len(opens)-2].data["value"] != "x" {
		t.Errorf("dropdown open %+v", opens[len(opens)-2].data)
	}
	frontend(t, m, d.ModelID(), map[string]any{"method": "backbone", "sync_data": map[string]any{"value": "y"}})
	if d.Selected() != "y" || *d.Index != 1 {
		t.Errorf("Selected %q", d.Selected())
	}
	d.SetIndex(0)
	if up := ft.take(); len(up) != 1 || up[0].data["state"].(map[string]any)["value"] != "x" {
		t.Errorf("dropdown update %+v", up)
	}

	// Play's playing is _playing; an Image's bytes are base64 text.
	p := NewPlay()
	p.MIMEBundle()
	ft.take()
	frontend(t, m, p.ModelID(), map[string]any{"method": "backbone", "sync_data": map[string]any{"_playing": true}})
	if !p.Playing {
		t.Error("_playing did not set Playing")
	}
	img := NewImage([]byte("abc"), "png")
	img.MIMEBundle()
	open := ft.take()
	if got := open[len(open)-2].data["_b64value"]; got != base64.StdEncoding.EncodeToString([]byte("abc")) {
		t.Errorf("_b64value %v", got)
	}

	// Output captures by msg_id in the classic dialect.
	capt := &fakeCapturer{}
	m.SetCapturer(capt)
	out := NewOutput()
	out.MIMEBundle()
	ft.take()
	var during string
	out.Capture(func() { during = out.MsgID })
	if during == "" || out.MsgID != "" || capt.calls != 0 || len(capt.parents) != 1 || capt.parents[0] != during {
		t.Errorf("msg_id during capture %q, after %q; redirections %d, parents %v", during, out.MsgID, capt.calls, capt.parents)
	}
	msgs = ft.take()
	if len(msgs) != 2 || msgs[0].data["state"].(map[string]any)["msg_id"] != during || msgs[1].data["state"].(map[string]any)["msg_id"] != "" {
		t.Errorf("msg_id updates %+v", msgs)
	}
}

// clearingCapturer is a fakeCapturer that also clears (OutputClearer),
// recording each clear with the parent it was routed to.
type clearingCapturer struct {
	fakeCapturer
	current string
	log     []string
}

func (c *clearingCapturer) CaptureParent(id string, f func()) {
	c.current = id
	defer func() { c.current = "" }()
	c.fakeCapturer.CaptureParent(id, f)
}

func (c *clearingCapturer) ClearOutput(wait bool) {
	c.log = append(c.log, fmt.Sprintf("clear(%v) under %q", wait, c.current))
}

// TestClassicInteract: in the classic dialect an Interact's Output is
// opened before its first draw (whose output the front end's model keeps
// for the view made later), and each redraw clears the Output with a
// clear_output routed to it.
func TestClassicInteract(t *testing.T) {
	m, ft := setup(t, DialectClassic)
	capt := &clearingCapturer{}
	m.SetCapturer(capt)
	s := NewIntSlider()
	var draws []int
	ui := Interact(func() { draws = append(draws, s.Value) }, s)
	opened := false
	for _, msg := range ft.take() {
		if msg.kind == "open" && msg.id == ui.Output.ModelID() {
			opened = true
		}
	}
	if !opened {
		t.Fatal("the Output was not opened before the first draw")
	}
	ui.Redraw()
	if len(draws) != 2 || len(capt.parents) != 2 {
		t.Fatalf("draws %v, captures %v", draws, capt.parents)
	}
	want := []string{fmt.Sprintf("clear(true) under %q", capt.parents[0]), fmt.Sprintf("clear(true) under %q", capt.parents[1])}
	if !reflect.DeepEqual(capt.log, want) {
		t.Errorf("clears %q, want %q", capt.log, want)
	}
	// Clear(false) clears at once, routed to the Output.
	ui.Output.Clear(false)
	if len(capt.log) != 3 || capt.log[2] != fmt.Sprintf("clear(false) under %q", capt.parents[2]) {
		t.Errorf("clears %q", capt.log)
	}
}
