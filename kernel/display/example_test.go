package display_test

import (
	"fmt"
	"sort"

	"github.com/dcem-go/dcem/kernel/display"
)

// The MIME bundle a value shows as: its rich form and always text/plain.
func ExampleMIME() {
	b := display.MIME(display.HTML("<b>bold</b>"))
	var types []string
	for t := range b {
		types = append(types, t)
	}
	sort.Strings(types)
	fmt.Println(types)
	fmt.Println(b["text/html"])
	// Output:
	// [text/html text/plain]
	// <b>bold</b>
}

// recorder is a Publisher that prints what it is given, as the kernel
// sends it to the front end.
type recorder struct{}

func (recorder) Display(data display.Bundle, _ map[string]any, id string, update bool) {
	fmt.Printf("display (update %v): %v\n", update, data["text/markdown"])
}

func (recorder) Clear(wait bool) { fmt.Println("clear, wait", wait) }

// A progress display shown once and updated in place, through the
// publisher the kernel sets for the running cell. Without a publisher
// (under "dcem run" without a runner), Show prints the value's text.
func ExampleShow() {
	display.SetPublisher(recorder{})
	h := display.Show(display.Markdown("**0%** done"))
	h.Update(display.Markdown("**100%** done"))
	display.Clear(true)

	display.SetPublisher(nil)
	display.Show(42)
	// Output:
	// display (update false): **0%** done
	// display (update true): **100%** done
	// clear, wait true
	// 42
}
