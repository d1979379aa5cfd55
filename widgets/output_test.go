package widgets

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCapturer stands in for the kernel's output redirection: print
// writes to the sink of the running capture, or to the cell.
type fakeCapturer struct {
	mu      sync.Mutex
	parents []string
	sink    OutputSink
	cell    []string
	calls   int
}

func (c *fakeCapturer) Capture(sink OutputSink, f func()) {
	c.mu.Lock()
	c.calls++
	prev := c.sink
	c.sink = sink
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.sink = prev
		c.mu.Unlock()
	}()
	f()
}

func (c *fakeCapturer) CaptureParent(id string, f func()) {
	c.mu.Lock()
	c.parents = append(c.parents, id)
	c.mu.Unlock()
	f()
}

func (c *fakeCapturer) print(s string) {
	c.mu.Lock()
	sink := c.sink
	if sink == nil {
		c.cell = append(c.cell, s)
	}
	c.mu.Unlock()
	if sink != nil {
		sink.Stream("stdout", s)
	}
}

func (c *fakeCapturer) show(data map[string]any) {
	c.mu.Lock()
	sink := c.sink
	c.mu.Unlock()
	sink.Display(data, nil)
}

func TestOutputCapture(t *testing.T) {
	m, ft := setup(t, DialectModern)
	capt := &fakeCapturer{}
	m.SetCapturer(capt)
	out := NewOutput()
	out.MIMEBundle()
	ft.take()
	out.Capture(func() {
		capt.print("a")
		capt.print("b\n")
		capt.show(map[string]any{"text/html": "<b>x</b>", "text/plain": "x"})
	})
	capt.print("after")
	want := []map[string]any{
		{"output_type": "stream", "name": "stdout", "text": "ab\n"},
		{"output_type": "display_data", "data": map[string]any{"text/html": "<b>x</b>", "text/plain": "x"}, "metadata": map[string]any{}},
	}
	if !reflect.DeepEqual(out.Outputs, want) {
		t.Errorf("Outputs = %v", out.Outputs)
	}
	if !reflect.DeepEqual(capt.cell, []string{"after"}) {
		t.Errorf("the cell got %v", capt.cell)
	}
	msgs := ft.take()
	if len(msgs) != 3 {
		t.Fatalf("%d updates, want 3", len(msgs))
	}
	last := msgs[2].data["state"].(map[string]any)["outputs"].([]any)
	if len(last) != 2 || last[1].(map[string]any)["output_type"] != "display_data" {
		t.Errorf("last update %v", last)
	}
	out.Clear(true)
	if len(out.Outputs) != 2 {
		t.Error("Clear(true) cleared before the next output")
	}
	out.AppendStderr("oops")
	if len(out.Outputs) != 1 || out.Outputs[0]["name"] != "stderr" {
		t.Errorf("after Clear(true) and output: %v", out.Outputs)
	}
	out.Clear(false)
	if len(out.Outputs) != 0 {
		t.Error("Clear(false) left outputs")
	}
	// Without a capturer, f runs and output goes to the cell.
	m.SetCapturer(nil)
	ran := false
	out.Capture(func() { ran = true })
	if !ran {
		t.Error("Capture without a capturer did not run f")
	}
}

func TestInteract(t *testing.T) {
	m, ft := setup(t, DialectModern)
	capt := &fakeCapturer{}
	m.SetCapturer(capt)
	k := NewIntSlider()
	mode := NewDropdown("sum", "product")
	var mu sync.Mutex
	draws := 0
	ui := Interact(func() {
		mu.Lock()
		draws++
		mu.Unlock()
		if mode.Selected() == "product" && k.Value == 13 {
			panic("unlucky")
		}
		capt.print(mode.Selected() + " " + strings.Repeat("*", k.Value))
	}, k, mode)
	ui.Delay = time.Hour // Wait draws what is due: the burst redraws once however long it takes
	ui.MIMEBundle()
	if draws != 1 || out(ui) != "sum " {
		t.Fatalf("first draw: %d draws, output %q", draws, out(ui))
	}
	ft.take()
	// A burst of changes redraws once, with the last values.
	for v := 1; v <= 5; v++ {
		frontend(t, m, k.ModelID(), map[string]any{"method": "update", "state": map[string]any{"value": v}, "buffer_paths": []any{}})
	}
	ui.Wait()
	if draws != 2 || out(ui) != "sum *****" {
		t.Errorf("after a burst: %d draws, output %q", draws, out(ui))
	}
	frontend(t, m, mode.ModelID(), map[string]any{"method": "update", "state": map[string]any{"index": 1}, "buffer_paths": []any{}})
	ui.Wait()
	if out(ui) != "product *****" {
		t.Errorf("after a selection: %q", out(ui))
	}
	// A panic in draw is shown, not fatal.
	k.SetValue(13)
	ui.Wait()
	if len(ui.Output.Outputs) != 1 || ui.Output.Outputs[0]["name"] != "stderr" || !strings.HasPrefix(ui.Output.Outputs[0]["text"].(string), "panic: unlucky") {
		t.Errorf("after a panic: %v", ui.Output.Outputs)
	}
}

func out(ui *Interactive) string {
	var b strings.Builder
	for _, o := range ui.Output.Outputs {
		if s, ok := o["text"].(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

func TestProgress(t *testing.T) {
	_, ft := setup(t, DialectModern)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewProgress("train", 10)
	p.now = func() time.Time { return clock }
	p.start = clock
	p.MIMEBundle()
	if got := p.Label.Value; got != "0/10 · 0:00 · estimating time left" {
		t.Errorf("initial label %q", got)
	}
	ft.take()
	clock = clock.Add(4 * time.Second)
	p.Update(2, 0)
	if p.Bar.Value != 2 || p.Label.Value != "2/10 · 0:04 · 0:16 left" {
		t.Errorf("after 2 steps in 4 s: %d, %q", p.Bar.Value, p.Label.Value)
	}
	if n := len(ft.take()); n != 2 {
		t.Errorf("%d messages, want the bar's and the label's", n)
	}
	clock = clock.Add(10 * time.Millisecond)
	p.Update(3, 0) // folded: too soon after the last
	if len(ft.take()) != 0 || p.Bar.Value != 2 {
		t.Error("an update within MinInterval was sent")
	}
	clock = clock.Add(2 * time.Second)
	p.Add(7)
	if p.Bar.Value != 10 || p.Label.Value != "10/10 · 0:06" {
		t.Errorf("at the end: %d %q", p.Bar.Value, p.Label.Value)
	}
	p.Finish(nil)
	if p.Bar.BarStyle != "success" {
		t.Errorf("bar style %q", p.Bar.BarStyle)
	}
	q := NewProgress("x", 0)
	q.Finish(errTest("diverged"))
	if q.Bar.BarStyle != "danger" || !strings.HasSuffix(q.Label.Value, "diverged") {
		t.Errorf("failed: %q %q", q.Bar.BarStyle, q.Label.Value)
	}
}

// TestProgressClockStartsWithWork: a first Update of 0 steps restarts
// the clock, so the time before the work began counts neither in the
// elapsed time nor in the estimate.
func TestProgressClockStartsWithWork(t *testing.T) {
	setup(t, DialectModern)
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := NewProgress("train", 10)
	p.now = func() time.Time { return clock }
	p.start = clock
	clock = clock.Add(time.Hour) // the user waited before running the work
	p.Update(0, 0)
	clock = clock.Add(5 * time.Second)
	p.Update(5, 0)
	if got := p.Label.Value; got != "5/10 · 0:05 · 0:05 left" {
		t.Errorf("label %q, want 5 s elapsed and 5 s left", got)
	}
	// Without the 0 report, the clock runs from the bar's creation.
	q := NewProgress("train", 10)
	q.now = func() time.Time { return clock }
	q.start = clock
	clock = clock.Add(10 * time.Second)
	q.Update(5, 0)
	if got := q.Label.Value; got != "5/10 · 0:10 · 0:10 left" {
		t.Errorf("label %q", got)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }
