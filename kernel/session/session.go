// Package session is the language layer of the dcem kernel: a Go
// interpreter (yaegi) whose state lives across cells.
//
// Execute splits a cell into runs of imports, declarations and statements
// (see Split) and evaluates them in order, so a cell may mix them as a user
// writes them. The whole cell is compiled before any of it runs: a cell
// with an error anywhere runs no part of itself. Values, types and
// functions persist; a later cell may redefine them. When the cell ends in an expression, its value is the
// result, rendered as a MIME bundle by package display (interpreted types
// with HTML, Markdown, SVG, PNG, JPEG, Latex, MIMEBundle or String methods
// are honoured too).
//
// Panics in interpreted code, in compiled code it calls and in the
// interpreter itself become an *Error naming the cell lines; os.Exit and
// log.Fatal in a cell become errors too. Misleading yaegi messages are
// rewritten (see explain.go). The context given to Execute stops
// interpreted code when cancelled and is handed to compiled code through
// notebook.Context; no statement of an interrupted cell runs afterwards
// (see Execute). Imports of third-party packages can be fetched (see
// Options.Fetch).
//
// The files hold one job each: session.go the Session and Execute,
// plan.go planning and checking a cell, eval.go evaluation and errors,
// explain.go the rewritten messages, result.go the final value,
// interrupt.go and goroutines.go interrupts, names.go imports and
// declarations, complete.go completion and inspection, split.go Split.
package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/notebook"
	"github.com/dcem-go/dcem/kernel/session/gostd"
	"github.com/dcem-go/dcem/kernel/symbols/std"
)

// Options configure a Session.
type Options struct {
	// Stdout and Stderr receive what interpreted code prints with fmt.Print*,
	// println and log. Nil discards.
	Stdout, Stderr io.Writer
	// Symbols are compiled packages to offer for import, in addition to the
	// standard library (usually symbols.Symbols).
	Symbols []interp.Exports
	// Env is the environment that os.Getenv and friends see in
	// interpreted code; nil means the process's environment.
	Env []string
	// Docs holds doc comments by import path and name ("Func",
	// "Type.Method", "" for the package), for Inspect (usually
	// symbols.Docs). Standard library docs are read from GOROOT.
	Docs map[string]map[string]string
	// OnFrame, if set, receives each interpreted frame that a panic
	// unwinds ("  at cell line 3, in worker") as it happens, also for
	// panics in goroutines, which end the process: a supervisor can then
	// name the user's frames in its crash report.
	OnFrame func(line string)
	// InterruptWait bounds how long a cell waits for compiled code of an
	// interrupted cell to return before it gives up with a "Busy" error;
	// zero means 30 seconds.
	InterruptWait time.Duration
	// OnInterrupt, if set, is called when an interrupt has stopped the
	// interpreted code of a cell, before the cell's Execute returns: a
	// kernel can end reads of input that wait, so that the compiled code
	// blocked in them returns.
	OnInterrupt func()
	// GoPath is a directory laid out as a GOPATH (src/<import path>) from
	// which the interpreter loads the source of packages that are not
	// compiled in; empty means none.
	GoPath string
	// Fetch, if set, is called before a cell that imports a third-party
	// package (example.com/...) that is neither compiled in nor under
	// GoPath yet; it should place the package's source under GoPath (see
	// package kernel/fetch).
	Fetch func(ctx context.Context, importPath string) error
}

// Session is one interpreter and its state. Its methods are safe for
// concurrent use; cells run one at a time.
type Session struct {
	mu     sync.Mutex // one cell at a time
	i      *interp.Interpreter
	stderr *panicFilter

	resMu      sync.Mutex
	result     display.Bundle
	resWrapped bool

	// packages maps an import path to its exported symbols, for completion
	// and inspection.
	packages map[string]map[string]reflect.Value
	// pkgNames maps an import path to its package name.
	pkgNames map[string]string
	// imported maps the names imported in cells to their paths.
	imported map[string]string
	// vars holds the names that cells defined with := at top level.
	vars map[string]bool
	// blocks counts the functions made for compound statements.
	blocks int
	// docs caches doc comments by import path and name.
	docs map[string]map[string]string
	// decls keeps the latest source of each declared name, for inspection.
	decls map[string]string
	// funcs keeps the functions declared, newest first by name, and
	// program is set while a program runs: both to locate panics (see
	// locate).
	funcs   map[string][]funcSource
	program bool

	// onInterrupt, goPath and fetch: see Options.
	onInterrupt func()
	goPath      string
	fetch       func(ctx context.Context, importPath string) error

	// ifaces and types hold the interface types and all types that cells
	// declared, and lowered numbers the names that rewrites introduce (see
	// lower.go).
	ifaces, types map[string]bool
	// cells is what the kernel's fmt printer knows of the cells' types
	// (see fmtvalue.go).
	cells *cellTypes
	// varTypes holds the static type of the variables that cells' top
	// levels defined, where the source tells it.
	varTypes map[string]string
	lowered  int
	// funcSrc holds the source of each top-level function that cells
	// declared (see redefine.go).
	funcSrc map[string]string
	// methodSrc holds the source of the first declaration of each method
	// ("T.M"), and funcValues, for a top-level function, the top-level
	// variables that hold it (see redefine.go).
	methodSrc  map[string]string
	funcValues map[string]map[string]bool
	// pendingDecls holds the declarations of the cell being compiled, by
	// name, for the rewrites of its other steps.
	pendingDecls map[string]string
	// pendingImports maps the import names in effect once the cell being
	// compiled has run to their paths.
	pendingImports map[string]string

	// ctl runs compiled programs (see runControl).
	ctl *runControl

	// interruptWait bounds the wait for an interrupted cell's compiled code.
	interruptWait time.Duration
	// pending is set when an interrupted chunk may still be running in
	// compiled code.
	pending bool
	// others counts, at the last interrupt, the goroutines that run
	// interpreted code (the interrupt stops them too).
	others atomic.Int64
}

// Error is a failed cell: a compile error, a panic, an interrupt or a call
// of os.Exit.
type Error struct {
	// Name is the kind of failure: "CompileError", "Panic", "Interrupted",
	// "Exit", "Busy" (the cell did not run: compiled code of an interrupted
	// cell was still running) or "Error".
	Name string
	// Value is the message.
	Value string
	// Traceback is the lines to show, first the message, then where it
	// happened, innermost first.
	Traceback []string
	// Code is the exit code of an "Exit" error.
	Code int
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// exitCode is the panic value of os.Exit in interpreted code.
type exitCode int

// hookPath is the import path of the package that connects the interpreter
// to its session (result rendering).
const hookPath = "dcem.kernel/session"

// prelude is evaluated in each new interpreter: it imports the package
// through which a cell hands its final value to the session.
// The relay through an interpreted function keeps the interpreted type of a
// value with methods, which a direct call into compiled code would drop.
const prelude = `import __dcemk "dcem.kernel/session"

func __dcemShow(v interface{}) { __dcemk.Result(v) }

func __dcemMany(v ...interface{}) {}
` + lowerPrelude

// lastVar holds a cell's final value inside the interpreter.
const lastVar = "__dcemLast"

// New starts an interpreter with the standard library and opts.Symbols.
func New(opts Options) (*Session, error) {
	stdout, stderr := opts.Stdout, opts.Stderr
	if stdout == nil {
		stdout = io.Discard
	}
	if stderr == nil {
		stderr = io.Discard
	}
	s := &Session{
		stderr:   &panicFilter{w: stderr, onFrame: opts.OnFrame},
		packages: map[string]map[string]reflect.Value{},
		pkgNames: map[string]string{},
		imported: map[string]string{},
		decls:    map[string]string{},
		vars:     map[string]bool{},
		docs:     map[string]map[string]string{},
		ifaces:   map[string]bool{},
		types:    map[string]bool{},
		cells:    newCellTypes(),
		varTypes: map[string]string{},

		interruptWait: opts.InterruptWait,
		goPath:        opts.GoPath,
		onInterrupt:   opts.OnInterrupt,
		fetch:         opts.Fetch,
	}
	if s.interruptWait <= 0 {
		s.interruptWait = 30 * time.Second
	}
	for path, d := range opts.Docs {
		s.docs[path] = d
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	s.i = interp.New(interp.Options{Stdin: globalStdin{}, Stdout: stdout, Stderr: s.stderr, Env: env, GoPath: opts.GoPath})
	ctl, err := newRunControl(s.i)
	if err != nil {
		return nil, err
	}
	s.ctl = ctl
	all := []interp.Exports{stdlib.Symbols, newerStd()}
	all = append(all, opts.Symbols...)
	for _, ex := range all {
		if err := s.i.Use(ex); err != nil {
			return nil, err
		}
		for k, v := range ex {
			slash := strings.LastIndexByte(k, '/')
			if slash < 0 {
				continue
			}
			if have, ok := s.packages[k[:slash]]; ok {
				merged := make(map[string]reflect.Value, len(have)+len(v))
				for name, sym := range have {
					merged[name] = sym
				}
				for name, sym := range v {
					merged[name] = sym
				}
				v = merged
			}
			s.packages[k[:slash]] = v
			s.pkgNames[k[:slash]] = k[slash+1:]
		}
	}
	// The generic standard packages, interpreted from the installed Go's
	// sources (see package gostd); they replace yaegi's Go 1.22 ones.
	for k, src := range gostd.Sources {
		if err := s.compilePackage(src); err != nil {
			return nil, fmt.Errorf("session: package %s: %w", gostd.Packages[k], err)
		}
	}
	osExit := func(code int) { panic(exitCode(code)) }
	// log.Fatal in a cell prints its message and ends the cell as
	// os.Exit(1) does (yaegi's own version panics instead).
	lg := log.New(s.stderr, "", log.LstdFlags)
	hook := interp.Exports{
		"os/os": {"Exit": reflect.ValueOf(osExit)},
		"log/log": {
			"Fatal":   reflect.ValueOf(func(v ...any) { lg.Output(2, fmt.Sprint(v...)); panic(exitCode(1)) }),
			"Fatalln": reflect.ValueOf(func(v ...any) { lg.Output(2, fmt.Sprintln(v...)); panic(exitCode(1)) }),
			"Fatalf": reflect.ValueOf(func(format string, v ...any) {
				lg.Output(2, fmt.Sprintf(format, v...))
				panic(exitCode(1))
			}),
		},
		hookPath + "/dcemk": {
			"Result":        reflect.ValueOf(s.setResult),
			"Id":            reflect.ValueOf(identity),
			"Clear":         reflect.ValueOf(clearValue),
			"ErrorTree":     reflect.ValueOf(s.cells.errorTree),
			"ErrorsIs":      reflect.ValueOf(s.cells.errorsIs),
			"ErrorsUnwrap":  reflect.ValueOf(s.cells.errorsUnwrap),
			"NoteErrMethod": reflect.ValueOf(s.cells.noteErrMethod),
			"Fmt":           reflect.ValueOf(s.cells.value),
			"TypeName":      reflect.ValueOf(s.cells.typeName),
			"NoteType":      reflect.ValueOf(s.cells.noteType),
			"NoteMethod":    reflect.ValueOf(s.cells.noteMethod),
			"NoteFormat":    reflect.ValueOf(s.cells.noteFormat),
			"NoteGeneric":   reflect.ValueOf(s.cells.noteGeneric),
			"Operands":      reflect.ValueOf(operands),
			"Recovered":     reflect.ValueOf(recoveredValue),
		},
	}
	if err := s.i.Use(hook); err != nil {
		return nil, err
	}
	s.packages["os"]["Exit"] = reflect.ValueOf(osExit)
	for name, v := range hook["log/log"] {
		s.packages["log"][name] = v
	}
	if _, err := s.i.Eval(prelude); err != nil {
		return nil, fmt.Errorf("session prelude: %w", err)
	}
	return s, nil
}

// globalStdin reads whatever os.Stdin is when the read happens, so that
// fmt.Scan in a cell reads the same input as os.Stdin does (the kernel's
// worker points os.Stdin at the front end's input for each cell).
type globalStdin struct{}

func (globalStdin) Read(p []byte) (int, error) { return os.Stdin.Read(p) }

// Execute runs one cell. It returns the rendered final value (nil when the
// cell does not end in an expression with a value) or an *Error. When ctx is
// cancelled, interpreted code stops and Execute returns an Error named
// "Interrupted"; compiled code sees the cancellation through
// notebook.Context.
//
// No statement of an interrupted cell runs after the interrupt: when
// compiled code that the cell called ignores the cancellation, the next
// Execute waits until it returns (the interpreter then stops the cell at
// its next step), at most Options.InterruptWait; it fails with a "Busy"
// error, running nothing, when the wait runs out or ctx is cancelled first.
func (s *Session) Execute(ctx context.Context, cell string) (display.Bundle, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.awaitInterrupted(ctx); err != nil {
		return nil, err
	}
	inner, done := s.watch(ctx)
	defer done()
	notebook.SetContext(inner)
	defer notebook.SetContext(nil)
	b, err := s.execute(inner, cell)
	if inner.Err() != nil && s.onInterrupt != nil {
		s.onInterrupt()
	}
	return b, s.noteInterrupt(err)
}

func (s *Session) execute(ctx context.Context, cell string) (display.Bundle, error) {
	chunks, err := Split(cell)
	if err != nil {
		return nil, s.compileError(err)
	}
	assigned := assignedNames(chunks)
	for _, c := range chunks {
		if c.Kind == Decls {
			if err := s.refuseRedefinitions(strings.Repeat("\n", max(c.Line-1, 0))+c.Src, assigned); err != nil {
				return nil, s.compileError(err)
			}
		}
	}
	steps := s.plan(chunks)
	if src, ok := s.recompileStep(chunks); ok {
		// After the cell's last declarations: the earlier callers of
		// the functions it redeclares (see redefine.go).
		at := 0
		for i, st := range steps {
			if st.kind == declStep {
				at = i + 1
			}
		}
		steps = append(steps[:at], append([]step{{kind: evalStep, src: src}}, steps[at:]...)...)
	}
	s.notePending(chunks)
	defer func() { s.pendingDecls, s.pendingImports = nil, nil }()
	// Compile the whole cell before any of it runs: a cell with an error
	// anywhere runs no part of itself. (Compiling brings a cell's imports
	// into effect; they are not evaluated again.)
	for i := range steps {
		if err := s.check(ctx, &steps[i]); err != nil {
			s.settle(steps[:i])
			return nil, noteUnset(err, steps[:i])
		}
	}
	for _, st := range steps {
		var err error
		switch st.kind {
		case importStep:
		case finalStep:
			return s.evalFinal(ctx, st)
		default:
			s.noteFuncs(st.src, false)
			err = s.exec(ctx, st.prog)
		}
		if err != nil {
			return nil, err
		}
		if st.chunk != nil {
			switch st.chunk.Kind {
			case Imports:
				s.noteImports(st.chunk.Src)
			case Decls:
				s.noteDecls(st.chunk.Src)
				s.noteFuncSources(st.chunk.Src)
				s.noteFuncValues(st.chunk.Src, false)
			case Stmts:
				s.noteVars(st.chunk.Src)
				s.noteFuncValues(st.chunk.Src, true)
			}
		}
	}
	return nil, nil
}

// RunProgram runs a complete Go program (package main with func main), as
// "dcem run file.go" does. Errors are *Error, with positions as "cell line
// N" meaning line N of the file.
func (s *Session) RunProgram(ctx context.Context, src string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.awaitInterrupted(ctx); err != nil {
		return err
	}
	inner, done := s.watch(ctx)
	defer done()
	notebook.SetContext(inner)
	defer notebook.SetContext(nil)
	s.noteFuncs(src, true)
	s.program = true
	defer func() { s.program = false }()
	return s.noteInterrupt(s.eval(inner, src))
}

// redeclaredImport matches yaegi's error for an import that a package's
// earlier source (yaegi's own) has made already.
var redeclaredImport = regexp.MustCompile(`(\S+)/_\.go redeclared in this block`)

// compilePackage compiles the source of a package, leaving out the
// imports that are in effect already.
func (s *Session) compilePackage(src string) error {
	for range 20 {
		_, err := s.i.Compile(src)
		if err == nil {
			return nil
		}
		m := redeclaredImport.FindStringSubmatch(err.Error())
		if m == nil {
			return err
		}
		line := "\t" + strconv.Quote(m[1]) + "\n"
		if !strings.Contains(src, line) {
			return err
		}
		src = strings.Replace(src, line, "\n", 1)
	}
	return errors.New("too many redeclared imports")
}

// newerStd returns the symbols of the installed Go's standard library
// (package kernel/symbols/std) that yaegi's Go 1.22 tables lack. Symbols
// that yaegi has are kept: it rewires some of them (os.Stdout, log) to the
// interpreter's output.
func newerStd() interp.Exports {
	out := interp.Exports{}
	for pkg, syms := range std.Symbols {
		have := stdlib.Symbols[pkg]
		add := map[string]reflect.Value{}
		for name, v := range syms {
			if _, ok := have[name]; !ok {
				add[name] = v
			}
		}
		if len(add) > 0 {
			out[pkg] = add
		}
	}
	return out
}
