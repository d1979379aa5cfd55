package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dcem-go/dcem/kernel"
)

// commRecorder records the comm messages the worker's widgets send.
type commRecorder struct {
	mu      sync.Mutex
	msgs    []recordedComm
	parents []string
}

type recordedComm struct {
	kind, id, target string
	data             map[string]any
	metadata         map[string]any
	buffers          [][]byte
}

func decodeData(data any) map[string]any {
	raw, _ := json.Marshal(data)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return out
}

func (r *commRecorder) OpenComm(id, target string, data any, md map[string]any, bufs [][]byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, recordedComm{"open", id, target, decodeData(data), md, bufs})
	return nil
}

func (r *commRecorder) SendComm(id string, data any, md map[string]any, bufs [][]byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, recordedComm{"msg", id, "", decodeData(data), md, bufs})
	return nil
}

func (r *commRecorder) CloseComm(id string, data any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, recordedComm{kind: "close", id: id, data: decodeData(data)})
	return nil
}

func (r *commRecorder) SetOutputParent(id string) {
	r.mu.Lock()
	r.parents = append(r.parents, id)
	r.mu.Unlock()
}

func (r *commRecorder) take() []recordedComm {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.msgs
	r.msgs = nil
	return out
}

func startWithComms(t *testing.T) (*Supervisor, *buffer, *buffer, *commRecorder) {
	t.Helper()
	var out, errOut buffer
	rec := &commRecorder{}
	s, err := Start(Options{
		Path:      os.Args[0],
		Env:       append(os.Environ(), workerEnv+"=1"),
		Stdout:    &out,
		Stderr:    &errOut,
		Publisher: &recorder{},
		Comms:     rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &out, &errOut, rec
}

func update(t *testing.T, s *Supervisor, id string, state map[string]any) error {
	t.Helper()
	raw, _ := json.Marshal(map[string]any{"method": "update", "state": state, "buffer_paths": []any{}})
	return s.HandleCommMsg(context.Background(), kernel.CommMessage{ID: id, Data: raw})
}

// TestWidgetComms runs a slider through the worker: its comm_open and
// view, an update from the front end that runs the interpreted observer
// (echo first), comm_info, an observer that panics (an error for the
// kernel to show; the worker lives on), bad input and close.
func TestWidgetComms(t *testing.T) {
	s, out, _, rec := startWithComms(t)
	value(t, s, `import ("fmt"; "github.com/dcem-go/dcem/widgets")`)
	b, err := s.Execute(context.Background(), `k := widgets.NewIntSlider()
k.OnChange(func(c widgets.Change) {
	if c.New.(int) == 13 {
		panic("unlucky")
	}
	fmt.Println("k =", c.New)
}, "value")
k`)
	if err != nil {
		t.Fatal(err)
	}
	view, _ := b["application/vnd.jupyter.widget-view+json"].(map[string]any)
	id, _ := view["model_id"].(string)
	if id == "" || view["version_major"] != float64(2) {
		t.Fatalf("result %v has no widget view", b)
	}
	msgs := rec.take()
	if n := len(msgs); n < 1 || msgs[n-1].kind != "open" || msgs[n-1].id != id || msgs[n-1].target != "jupyter.widget" ||
		msgs[n-1].metadata["version"] != "2.1.0" {
		t.Fatalf("comm messages %+v: want the slider's comm_open last", msgs)
	}
	if st, _ := msgs[len(msgs)-1].data["state"].(map[string]any); st["_model_name"] != "IntSliderModel" {
		t.Errorf("comm_open state %v", st)
	}

	if err := update(t, s, id, map[string]any{"value": 7}); err != nil {
		t.Fatal(err)
	}
	msgs = rec.take()
	if len(msgs) != 1 || msgs[0].data["method"] != "echo_update" {
		t.Errorf("after update: %+v, want one echo_update", msgs)
	}
	if got := out.String(); got != "k = 7\n" {
		t.Errorf("observer printed %q, want k = 7", got)
	}
	if v := value(t, s, "k.Value"); v != "7" {
		t.Errorf("k.Value = %s after the update", v)
	}

	info, err := s.CommInfo(context.Background(), "jupyter.widget")
	if err != nil || info[id] != "jupyter.widget" {
		t.Errorf("comm info %v, %v: want %s", info, err, id)
	}
	if info, _ := s.CommInfo(context.Background(), "other.target"); len(info) != 0 {
		t.Errorf("comm info of another target: %v", info)
	}

	err = update(t, s, id, map[string]any{"value": 13})
	var oe *kernel.ObserverError
	if !errors.As(err, &oe) || !strings.Contains(oe.Text, "unlucky") {
		t.Errorf("panicking observer: err = %v, want an ObserverError that names the panic", err)
	}
	if err := update(t, s, id, map[string]any{"value": "seven"}); !errors.As(err, &oe) || !strings.Contains(oe.Text, "value") {
		t.Errorf("a string for an int: err = %v, want an ObserverError (shown in the notebook) that names the attribute", err)
	}
	if err := update(t, s, id, map[string]any{"value": nil}); !errors.As(err, &oe) || !strings.Contains(oe.Text, "null") {
		t.Errorf("null for an int: err = %v, want an ObserverError that says null is refused", err)
	}
	if err := update(t, s, "no-such-comm", map[string]any{"value": 1}); err == nil || errors.As(err, &oe) {
		t.Error("an update for a comm that does not exist gave no error")
	}
	if v := value(t, s, "k.Value"); v != "13" {
		t.Errorf("k.Value = %s, want 13: the worker lost its state", v)
	}

	if err := s.HandleCommClose(context.Background(), kernel.CommMessage{ID: id, Data: json.RawMessage(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if info, _ := s.CommInfo(context.Background(), ""); info[id] != "" {
		t.Errorf("comm %s still listed after close", id)
	}
}

// TestWidgetClassicDialect opens the classic front end's version comm:
// the worker answers with the version it wants, speaks the classic
// dialect, and so does a fresh worker after a crash.
func TestWidgetClassicDialect(t *testing.T) {
	s, _, _, rec := startWithComms(t)
	ok, err := s.HandleCommOpen(context.Background(), kernel.CommMessage{ID: "v1", Target: "jupyter.widget.version", Data: json.RawMessage(`{}`)})
	if err != nil || !ok {
		t.Fatalf("version comm: %v, %v", ok, err)
	}
	msgs := rec.take()
	if len(msgs) != 1 || msgs[0].id != "v1" || msgs[0].data["version"] != "~2.1.4" {
		t.Fatalf("version reply %+v", msgs)
	}
	if ok, _ := s.HandleCommOpen(context.Background(), kernel.CommMessage{ID: "x", Target: "no.such.target", Data: json.RawMessage(`{}`)}); ok {
		t.Error("an unknown target was accepted")
	}
	check := func(when string) {
		t.Helper()
		value(t, s, `import "github.com/dcem-go/dcem/widgets"`)
		value(t, s, "widgets.NewIntSlider()")
		msgs := rec.take()
		var open *recordedComm
		for i := range msgs {
			if msgs[i].kind == "open" && msgs[i].data["_model_name"] == "IntSliderModel" {
				open = &msgs[i]
			}
		}
		if open == nil || open.data["_model_module"] != "jupyter-js-widgets" {
			t.Errorf("%s: no classic IntSliderModel comm_open in %+v", when, msgs)
		}
	}
	check("first worker")
	pid := s.Pid()
	if _, err := s.Execute(context.Background(), "go func() { panic(\"boom\") }()\nfor {}"); err == nil {
		t.Fatal("a panic in a goroutine gave no error")
	}
	if s.Pid() == pid {
		t.Fatal("the worker was not replaced")
	}
	check("after a restart")
}

// TestWidgetRedrawsTakeTurnsWithCells: an Interact's timer redraws (an
// interpreted draw function that reads the controls' fields), updates
// from the front end whose observer calls SetValue, and cells that write
// the same fields directly, one after another as fast as the kernel sends
// them. The test binary is the worker, so under -race a data race that the
// detector sees ends the worker and a cell fails (the interpreter's own
// locking hides some orderings from it: without cells taking turns with
// redraws, this test did not report one). It checks that every update,
// cell and redraw ends, that the state is the last one written, and that
// a cell waiting for a redraw (ui.Wait), though it holds the turn, gets
// it at once.
func TestWidgetRedrawsTakeTurnsWithCells(t *testing.T) {
	s, _, _, _ := startWithComms(t)
	value(t, s, `import ("fmt"; "time"; "github.com/dcem-go/dcem/widgets")`)
	b, err := s.Execute(context.Background(), `k := widgets.NewIntSlider()
shown := widgets.NewLabel("")
k.OnChange(func(c widgets.Change) { shown.SetValue(fmt.Sprint("k = ", c.New)) }, "value")
ui := widgets.Interact(func() {
	sum := 0
	for j := 0; j < 20; j++ {
		sum += k.Value + k.Max
	}
	fmt.Println("drawn", sum, shown.Value)
}, k)
ui.Delay = time.Millisecond
widgets.Model(k)`)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := b["application/vnd.jupyter.widget-view+json"].(map[string]any)["model_id"].(string)
	for i := 1; i <= 25; i++ {
		if err := update(t, s, id, map[string]any{"value": i}); err != nil {
			t.Fatalf("update %d: %v", i, err)
		}
		if _, err := s.Execute(context.Background(), fmt.Sprintf("k.Max = %d\nk.Value = %d\nk.Sync()", 100+i, i+1)); err != nil {
			t.Fatalf("cell %d: %v", i, err)
		}
	}
	if v := value(t, s, "ui.Wait()\nfmt.Sprintf(\"%d %d %s\", k.Value, k.Max, shown.Value)"); v != `"26 125 k = 26"` {
		t.Errorf("last state %s", v)
	}
}
