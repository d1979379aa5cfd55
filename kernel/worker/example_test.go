package worker_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/kernel/symbols"
	"github.com/dcem-go/dcem/kernel/worker"
	"github.com/traefik/yaegi/interp"
)

// ExampleServe is the worker's side, what a binary's hidden worker command
// does: serve the supervisor's requests on descriptors 3 and 4 until they
// close. (Compiled only: it waits for a supervisor.)
func ExampleServe() {
	in, out := os.NewFile(3, "requests"), os.NewFile(4, "replies")
	opts := session.Options{Symbols: []interp.Exports{symbols.Symbols}, Docs: symbols.Docs}
	if err := worker.Serve(in, out, opts); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

// ExampleStart is the kernel's side: start a worker process (here dcem's
// hidden worker subcommand), run a cell in it, and survive a cell that
// crashes the process. (Compiled only: it needs the dcem binary.)
func ExampleStart() {
	sup, err := worker.Start(worker.Options{Path: "dcem", Args: []string{"kernel-worker"}, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		panic(err)
	}
	defer sup.Close()
	ctx := context.Background()
	if _, err := sup.Execute(ctx, `go func() { panic("in a goroutine") }()`); err != nil {
		fmt.Println(err) // the crash report; a fresh worker is started
	}
	if _, err := sup.Execute(ctx, `println("the session goes on")`); err != nil {
		panic(err)
	}
}
