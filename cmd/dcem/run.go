package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/nbrun"
	"github.com/dcem-go/dcem/kernel/session"
	"github.com/dcem-go/dcem/kernel/symbols"
)

func init() {
	register(command{name: "run", summary: "run a Go script or execute a notebook (file.go, file.ipynb)", run: runRun})
}

func runRun(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	out := fs.String("o", "", "for a notebook: write the executed notebook to `FILE` instead of in place")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), `Usage: dcem run [-o OUT.ipynb] FILE.go|FILE.ipynb

A .go file is either a program (package main with func main) or a script:
imports, declarations and statements in any order, as in a notebook cell.
A notebook's code cells run in order; the outputs are written back into it
(or into -o), and the first failing cell stops the run with its number.`)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("want exactly one file")
	}
	file := fs.Arg(0)
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	switch strings.ToLower(filepath.Ext(file)) {
	case ".ipynb":
		outs := nbrun.NewOutputs()
		opts := session.Options{Stdout: outs.Stdout(), Stderr: outs.Stderr(), Symbols: []interp.Exports{symbols.Symbols}, Docs: symbols.Docs}
		modules(&opts, os.Stderr)
		sess, err := session.New(opts)
		if err != nil {
			return err
		}
		display.SetPublisher(outs)
		nb, runErr := nbrun.Run(ctx, src, sess, outs)
		if nb == nil {
			return runErr
		}
		dest := file
		if *out != "" {
			dest = *out
		}
		if err := os.WriteFile(dest, nb, 0o644); err != nil {
			return err
		}
		if runErr != nil {
			return fmt.Errorf("%s: %w (outputs written to %s)", file, runErr, dest)
		}
		return nil
	case ".go":
		if *out != "" {
			return usageErrorf("-o applies to notebooks only")
		}
		opts := session.Options{Stdout: os.Stdout, Stderr: os.Stderr, Symbols: []interp.Exports{symbols.Symbols}, Docs: symbols.Docs}
		modules(&opts, os.Stderr)
		sess, err := session.New(opts)
		if err != nil {
			return err
		}
		if isProgram(src) {
			err = sess.RunProgram(ctx, string(src))
		} else {
			var result display.Bundle
			result, err = sess.Execute(ctx, string(src))
			if t, ok := result["text/plain"].(string); ok && err == nil {
				fmt.Println(t)
			}
		}
		return scriptError(file, err)
	}
	return fmt.Errorf("%s: want a .go or .ipynb file", file)
}

// isProgram reports whether src is a Go file with a package clause.
func isProgram(src []byte) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly)
	return err == nil && f.Name != nil
}

// scriptError prints a script's traceback and returns the error for main.
func scriptError(file string, err error) error {
	if err == nil {
		return nil
	}
	var se *session.Error
	if !errors.As(err, &se) {
		return err
	}
	if se.Name == "Exit" {
		// os.Exit in a script ends dcem run with the script's code.
		os.Exit(se.Code)
	}
	for _, line := range se.Traceback {
		fmt.Fprintln(os.Stderr, strings.ReplaceAll(line, "cell line ", file+":"))
	}
	return &reportedError{errors.New(strings.ReplaceAll(se.Error(), "cell line ", file+":"))}
}
