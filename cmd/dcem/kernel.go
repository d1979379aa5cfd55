package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/dcem-go/dcem/kernel"
	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/history"
	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/kernel/symbols"
	"github.com/dcem-go/dcem/kernel/wire"
)

func init() {
	register(command{name: "kernel", summary: "run the Jupyter kernel (started by Jupyter)", run: runKernel})
}

func runKernel(args []string) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	connFile := fs.String("f", "", "path of the Jupyter connection `file` (required)")
	histFile := fs.String("history", "", "SQLite history `file` (default: history.sqlite in the dcem data directory; \"none\" keeps no history)")
	verbose := fs.Bool("v", false, "also log the interpreter's internal messages to stderr")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: dcem kernel -f CONNECTION_FILE [-history FILE] [-v]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *connFile == "" {
		fs.Usage()
		return errors.New("-f CONNECTION_FILE is required")
	}
	conn, err := wire.ReadConnectionFile(*connFile)
	if err != nil {
		return err
	}

	// The kernel's own log goes to the real stderr, kept before the
	// cells' output is captured.
	capture, logOut, err := kernel.CaptureFDs()
	if err != nil {
		return err
	}
	logger := log.New(logOut, "dcem kernel: ", log.LstdFlags)
	// The interpreter logs some internal problems with the standard
	// logger; they belong in the kernel's log, not in a cell's output.
	if *verbose {
		log.SetOutput(logOut)
	} else {
		log.SetOutput(io.Discard)
	}

	var hist kernel.History
	if *histFile != "none" {
		path := *histFile
		if path == "" {
			path, err = history.DefaultPath()
		}
		if err == nil {
			var h *history.Store
			h, err = history.Open(path)
			if err == nil {
				defer h.Close()
				hist = h
			}
		}
		if err != nil {
			logger.Printf("history is off: %v", err)
		}
	}

	var k *kernel.Kernel
	stdout := &lazyWriter{get: func() *kernel.Stream { return k.Stdout() }}
	stderr := &lazyWriter{get: func() *kernel.Stream { return k.Stderr() }}
	sess, err := session.New(session.Options{
		Stdout:  stdout,
		Stderr:  stderr,
		Symbols: []interp.Exports{symbols.Symbols},
		Docs:    symbols.Docs,
	})
	if err != nil {
		return err
	}
	k, err = kernel.New(conn, kernel.Options{
		Interpreter: sess,
		History:     hist,
		Log:         logger,
		Banner:      "Go (dcem " + version + "), interpreted by yaegi, with dcemlib, gonum and gonum/plot compiled in",
		Version:     version,
	})
	if err != nil {
		return err
	}
	display.SetPublisher(k)
	capture.Start(k)

	ints := make(chan os.Signal, 1)
	signal.Notify(ints, syscall.SIGINT)
	go func() {
		for range ints {
			k.Interrupt()
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	go watchParent(ctx, stop, logger)
	_, err = k.Run(ctx)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// lazyWriter writes to a stream that exists once the kernel does.
type lazyWriter struct{ get func() *kernel.Stream }

func (w *lazyWriter) Write(p []byte) (int, error) { return w.get().Write(p) }

// watchParent ends the kernel when the process that started it (Jupyter)
// is gone, so that no kernel outlives its server.
func watchParent(ctx context.Context, stop func(), logger *log.Logger) {
	parent := os.Getppid()
	if parent == 1 {
		return
	}
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != parent {
				logger.Printf("parent process %d is gone; shutting down", parent)
				stop()
				return
			}
		}
	}
}
