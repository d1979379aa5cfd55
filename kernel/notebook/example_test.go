package notebook_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dcem-go/dcem/kernel/notebook"
)

// A cell that waits in a loop stops when it is interrupted: Sleep returns
// the cell's context's error, and long library calls take
// notebook.Context(). Here the kernel's part (SetContext, and the
// interrupt as a cancel) is played by the example itself.
func ExampleSleep() {
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	notebook.SetContext(ctx) // the kernel, before the cell
	defer notebook.SetContext(nil)

	for i := 0; ; i++ {
		if i == 3 {
			interrupt() // the user presses the interrupt button
		}
		if err := notebook.Sleep(time.Millisecond); err != nil {
			fmt.Println("stopped after", i, "steps:", err)
			break
		}
	}
	fmt.Println(notebook.Context().Err())
	// Output:
	// stopped after 3 steps: context canceled
	// context canceled
}

// Input asks the user; the kernel answers it through the front end's
// input box, played here by SetInput.
func ExampleInput() {
	notebook.SetInput(func(prompt string, password bool) (string, error) {
		fmt.Printf("the front end shows %q (hidden: %v)\n", prompt, password)
		return "cheetah.run", nil
	})
	defer notebook.SetInput(nil)

	task, err := notebook.Input("task? ")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("task:", task)
	// Output:
	// the front end shows "task? " (hidden: false)
	// task: cheetah.run
}
