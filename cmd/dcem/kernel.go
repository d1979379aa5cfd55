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
	"github.com/dcem-go/dcem/kernel/fetch"
	"github.com/dcem-go/dcem/kernel/history"
	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/kernel/symbols"
	"github.com/dcem-go/dcem/kernel/wire"
	"github.com/dcem-go/dcem/kernel/worker"
)

func init() {
	register(command{name: "kernel", summary: "run the Jupyter kernel (started by Jupyter)", run: runKernel})
}

func runKernel(args []string) error {
	fs := flag.NewFlagSet("kernel", flag.ContinueOnError)
	connFile := fs.String("f", "", "path of the Jupyter connection `file` (required)")
	histFile := fs.String("history", "", "SQLite history `file` (default: history.sqlite in the dcem data directory; \"none\" keeps no history)")
	fs.Bool("v", false, "accepted for older kernelspecs; has no effect")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: dcem kernel -f CONNECTION_FILE [-history FILE] [-v]")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *connFile == "" {
		return usageErrorf("-f CONNECTION_FILE is required")
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected arguments %q", fs.Args())
	}
	conn, err := wire.ReadConnectionFile(*connFile)
	if err != nil {
		return err
	}

	logger := log.New(os.Stderr, "dcem kernel: ", log.LstdFlags)

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

	// This process holds the notebook's connection and never runs a cell:
	// the interpreter runs in a worker process (this binary again), which
	// the supervisor replaces when a cell crashes it.
	self, err := os.Executable()
	if err != nil {
		return err
	}
	workerArgs := []string{workerCommand}
	var k *kernel.Kernel
	sup, err := worker.Start(worker.Options{
		Path:      self,
		Args:      workerArgs,
		Stdout:    &lazyWriter{get: func() *kernel.Stream { return k.Stdout() }},
		Stderr:    &lazyWriter{get: func() *kernel.Stream { return k.Stderr() }},
		Publisher: &lazyPublisher{get: func() display.Publisher { return k }},
		Comms:     &lazyComms{get: func() *kernel.Kernel { return k }},
		Log:       logger,
	})
	if err != nil {
		return err
	}
	defer sup.Close()
	k, err = kernel.New(conn, kernel.Options{
		Interpreter: sup,
		History:     hist,
		Log:         logger,
		Banner:      "Go (dcem " + version + "), interpreted by yaegi, with dcemlib, gonum and gonum/plot compiled in",
		Version:     version,
	})
	if err != nil {
		return err
	}

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

// modules lets cells import third-party pure-Go packages: they are
// fetched with the go command into the user's cache (see kernel/fetch),
// with a line on log.
func modules(opts *session.Options, log io.Writer) {
	dir, err := fetch.DefaultDir()
	if err != nil {
		return
	}
	c := &fetch.Cache{Dir: dir, Log: log}
	opts.GoPath = dir
	opts.Fetch = c.Fetch
}

// lazyWriter writes to a stream that exists once the kernel does.
type lazyWriter struct{ get func() *kernel.Stream }

func (w *lazyWriter) Write(p []byte) (int, error) { return w.get().Write(p) }

// lazyPublisher shows output through the kernel, once it exists.
type lazyPublisher struct{ get func() display.Publisher }

func (p *lazyPublisher) Display(data display.Bundle, metadata map[string]any, id string, update bool) {
	p.get().Display(data, metadata, id, update)
}

func (p *lazyPublisher) Clear(wait bool) { p.get().Clear(wait) }

// lazyComms publishes the widgets' comm messages through the kernel, once
// it exists.
type lazyComms struct{ get func() *kernel.Kernel }

func (c *lazyComms) OpenComm(id, target string, data any, metadata map[string]any, buffers [][]byte) error {
	return c.get().OpenComm(id, target, data, metadata, buffers)
}

func (c *lazyComms) SendComm(id string, data any, metadata map[string]any, buffers [][]byte) error {
	return c.get().SendComm(id, data, metadata, buffers)
}

func (c *lazyComms) CloseComm(id string, data any) error { return c.get().CloseComm(id, data) }

func (c *lazyComms) SetOutputParent(msgID string) { c.get().SetOutputParent(msgID) }

// workerCommand is the hidden subcommand that runs the interpreter for
// "dcem kernel".
const workerCommand = "kernel-worker"

func init() {
	register(command{name: workerCommand, hidden: true, summary: "run the kernel's interpreter (started by dcem kernel)", run: runWorker})
}

// runWorker serves the kernel process over descriptors 3 (requests) and
// 4 (replies and events); it ends when the requests end.
func runWorker(args []string) error {
	if len(args) > 0 {
		return usageErrorf("%s takes no arguments", workerCommand)
	}
	// The kernel process decides about interrupts (Jupyter may signal the
	// whole process group).
	signal.Ignore(os.Interrupt)
	// What cells log goes to the cell's standard error.
	log.SetOutput(os.Stderr)
	in := os.NewFile(3, "requests")
	out := os.NewFile(4, "events")
	if in == nil || out == nil {
		return errors.New("descriptors 3 and 4 must be the kernel's pipes")
	}
	opts := session.Options{
		Symbols: []interp.Exports{symbols.Symbols},
		Docs:    symbols.Docs,
	}
	modules(&opts, os.Stderr)
	return worker.Serve(in, out, opts)
}

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
