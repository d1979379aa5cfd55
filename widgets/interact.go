package widgets

import (
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// DefaultDelay is how long Interact waits after the last change of a
// control before it redraws.
const DefaultDelay = 150 * time.Millisecond

// Interactive binds controls to a function that draws into an Output: a
// change of any control's value redraws, once the controls have been
// still for Delay. Make one with Interact.
type Interactive struct {
	// Box holds the controls above the output; display it.
	Box *VBox
	// Output receives what the function prints and shows.
	Output *Output
	// Delay is the debounce delay.
	Delay time.Duration

	draw    func()
	drawMu  sync.Mutex // keeps redraws from overlapping
	mu      sync.Mutex
	timer   *time.Timer
	due     bool // a redraw is scheduled and has not started
	drawing int  // redraws running
	idle    *sync.Cond
}

// Interact shows controls above an Output and calls draw at once and
// after each change of a control's value (or selection), debounced, with
// the Output cleared and capturing what draw prints and shows. draw reads
// the controls' fields:
//
//	tau := widgets.NewFloatSlider()
//	k := widgets.NewIntSlider()
//	ui := widgets.Interact(func() { display.Show(plotFor(tau.Value, k.Value)) }, tau, k)
//	ui.Box
//
// A redraw runs in turn with the controls' callbacks and the kernel's
// cells (see Manager.Do), so draw reads fields that the front end
// changes without a data race; a redraw due while a cell runs waits for
// the cell to end (or for Wait). A panic in draw is shown in the Output
// as an error; it never ends the kernel.
func Interact(draw func(), controls ...Model) *Interactive {
	ui := &Interactive{Output: NewOutput(), Delay: DefaultDelay, draw: draw}
	ui.idle = sync.NewCond(&ui.mu)
	ui.Box = NewVBox(append(append([]Model{}, controls...), ui.Output)...)
	for _, c := range controls {
		c.core().OnChange(func(Change) { ui.schedule() }, "value", "index")
	}
	ui.Redraw()
	return ui
}

// MIMEBundle shows the controls and the output.
func (ui *Interactive) MIMEBundle() map[string]any { return ui.Box.MIMEBundle() }

func (ui *Interactive) schedule() {
	ui.mu.Lock()
	defer ui.mu.Unlock()
	ui.due = true
	if ui.timer != nil {
		ui.timer.Stop()
	}
	ui.timer = time.AfterFunc(ui.Delay, ui.fire)
}

// fire runs a scheduled redraw on the timer's goroutine, in turn with the
// callbacks and cells.
func (ui *Interactive) fire() {
	ui.Box.Manager().Do(ui.drawIfDue)
}

// drawIfDue redraws when a redraw is scheduled and no other caller took
// it.
func (ui *Interactive) drawIfDue() {
	ui.mu.Lock()
	if !ui.due {
		ui.mu.Unlock()
		return
	}
	ui.due = false
	ui.drawing++
	ui.mu.Unlock()
	defer func() {
		ui.mu.Lock()
		ui.drawing--
		ui.idle.Broadcast()
		ui.mu.Unlock()
	}()
	ui.Redraw()
}

// Wait makes a scheduled redraw now, on the calling goroutine, and
// returns when no redraw is running. Call it from a cell or a callback,
// not from the draw function.
func (ui *Interactive) Wait() {
	ui.drawIfDue()
	ui.mu.Lock()
	for ui.drawing > 0 {
		ui.idle.Wait()
	}
	ui.mu.Unlock()
}

// Redraw clears the Output and calls the draw function now, on the calling
// goroutine.
func (ui *Interactive) Redraw() {
	ui.drawMu.Lock()
	defer ui.drawMu.Unlock()
	ui.Output.Clear(true)
	ui.Output.Capture(func() {
		defer func() {
			if r := recover(); r != nil {
				ui.Output.AppendStderr(fmt.Sprintf("panic: %v\n\n%s", r, debug.Stack()))
			}
		}()
		ui.draw()
	})
}
