package kernel_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"

	"github.com/dcem-go/dcem/kernel"
	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/wire"
)

// echo is an Interpreter whose cells' value is their code: the language
// layer that "dcem kernel" fills with a Go session.
type echo struct{}

func (echo) Execute(_ context.Context, code string) (display.Bundle, error) {
	return display.MIME(code), nil
}
func (echo) Complete(code string, cursor int) ([]string, int, int) { return nil, cursor, cursor }
func (echo) Inspect(string, int) (string, bool)                    { return "", false }
func (echo) IsComplete(code string) (string, string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "\t"
	}
	return "complete", ""
}

// A kernel of a toy language, as a front end starts it: New binds the
// sockets the connection file names, Run serves requests until a shutdown
// request or ctx is done (here, Ctrl-C). It is not run here: it waits for a
// front end.
func ExampleNew() {
	conn, err := wire.ReadConnectionFile(os.Args[len(os.Args)-1])
	if err != nil {
		log.Fatal(err)
	}
	k, err := kernel.New(conn, kernel.Options{Interpreter: echo{}, Banner: "echo kernel", Version: "0.1"})
	if err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	restart, err := k.Run(ctx)
	fmt.Println("restart requested:", restart, "error:", err)
}

// The kernel hands a running cell a context through which it asks the front
// end for input; InputFrom is nil when the front end accepts none.
func ExampleInputFrom() {
	ask := func(ctx context.Context) {
		in := kernel.InputFrom(ctx)
		if in == nil {
			fmt.Println("no input here")
			return
		}
		answer, err := in("name? ", false)
		fmt.Println(answer, err)
	}
	ask(context.Background())
	ask(kernel.WithInput(context.Background(), func(prompt string, password bool) (string, error) {
		return "gopher", nil
	}))
	// Output:
	// no input here
	// gopher <nil>
}
