// Command dcem is the one binary of dcem-go: it runs the Jupyter kernel,
// installs its kernelspec, runs Go scripts and notebooks, and re-makes the
// paper's figures.
//
// Usage:
//
//	dcem <command> [arguments]
//
// Run "dcem help" for the list of commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// command is one subcommand of dcem. Each lives in its own file and
// registers itself from an init function.
type command struct {
	name    string
	summary string
	// hidden commands are for dcem's own use and not listed.
	hidden bool
	// run runs the command. It returns flag.ErrHelp after printing help
	// that was asked for, and a *usageError for a wrong command line.
	run func(args []string) error
}

// usageError is a wrong command line: dcem exits with status 2 for it,
// and 1 for other errors.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// reportedError is an error that the command has printed already: dcem
// exits with status 1 without printing it again.
type reportedError struct{ err error }

func (e *reportedError) Error() string { return e.err.Error() }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// parseFlags parses args into fs; a wrong flag is a usage error, and -h
// gives flag.ErrHelp (fs has printed the help then).
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(os.Stderr)
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			// Help that was asked for goes to standard output.
			fs.SetOutput(os.Stdout)
			fs.Usage()
			return flag.ErrHelp
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: err.Error()}
	}
	return nil
}

// isHelp reports whether a is one of the ways to ask for help.
func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" || a == "help" }

var commands = map[string]command{}

// register adds a subcommand; it panics on a duplicate name (a programming error).
func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("dcem: command registered twice: " + c.name)
	}
	commands[c.name] = c
}

// version is the release of dcem-go this binary was built from.
const version = "0.1.0-dev"

func usage(w io.Writer) {
	fmt.Fprintln(w, "dcem: the Differentiable Cross-Entropy Method in Go")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage:")
	fmt.Fprintln(w, "  dcem <command> [arguments]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Commands:")
	names := make([]string, 0, len(commands))
	for n, c := range commands {
		if !c.hidden {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, `Run "dcem help <command>" or "dcem <command> -h" for a command's options.`)
}

func init() {
	register(command{name: "version", summary: "print the version", run: func(args []string) error {
		if len(args) > 0 {
			if isHelp(args[0]) {
				fmt.Println("Usage: dcem version")
				return flag.ErrHelp
			}
			return usageErrorf("version takes no arguments")
		}
		fmt.Println("dcem", version)
		blas := tensor.BLASBackend()
		if core := tensor.BLASCore(); core != "" {
			blas += ", " + core + " kernels"
		}
		fmt.Println("backends:", strings.Join(tensor.Backends(), ", "), "(BLAS: "+blas+")")
		return nil
	}})
	register(command{name: "help", summary: "print this help, or a command's (dcem help <command>)", run: help})
}

// gcPercent is the collector's target unless GOGC is set: the engine makes
// many large short-lived tensors, and with Go's default of 100 the
// collector runs every few megabytes, which costs more than the arithmetic
// of a DCEM solve (measured: a fresh 1.28 MB buffer cost 0.6 ms at 100 and
// 0.3 ms at 400).
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(dispatch(os.Args[1:]))
}

// dispatch runs the command line args (without the program name) and
// returns the exit status: 0 for success and for help asked for, 2 for a
// wrong command line, 1 for other errors.
func dispatch(args []string) int {
	if len(args) == 0 {
		usage(os.Stderr)
		return 2
	}
	name := args[0]
	if isHelp(name) {
		name = "help"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "dcem: unknown command %q\n\n", args[0])
		usage(os.Stderr)
		return 2
	}
	err := c.run(args[1:])
	var ue *usageError
	var re *reportedError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &re):
		return 1
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "dcem %s: %v\n", c.name, err)
		fmt.Fprintf(os.Stderr, "Run \"dcem help %s\" for usage.\n", c.name)
		return 2
	default:
		fmt.Fprintf(os.Stderr, "dcem %s: %v\n", c.name, err)
		return 1
	}
}

// help prints the list of commands, or the help of the command named.
func help(args []string) error {
	switch len(args) {
	case 0:
		usage(os.Stdout)
		return nil
	case 1:
		c, ok := commands[args[0]]
		if !ok || args[0] == "help" {
			if ok {
				usage(os.Stdout)
				return nil
			}
			return usageErrorf("unknown command %q", args[0])
		}
		return c.run([]string{"-h"})
	}
	return usageErrorf("help takes at most one command name")
}
