// Package session is the language layer of the dcem kernel: a Go
// interpreter (yaegi) whose state lives across cells.
//
// Execute splits a cell into runs of imports, declarations and statements
// (see Split) and evaluates them in order, so a cell may mix them as a user
// writes them. Values, types and functions persist; a later cell may
// redefine them. When the cell ends in an expression, its value is the
// result, rendered as a MIME bundle by package display (interpreted types
// with HTML, Markdown, SVG, PNG, JPEG, Latex, MIMEBundle or String methods
// are honoured too).
//
// Panics in interpreted code, in compiled code it calls and in the
// interpreter itself become an *Error naming the cell lines; os.Exit in a
// cell becomes an error too. The context given to Execute stops interpreted
// loops when cancelled and is handed to compiled code through
// notebook.Context.
package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	"os"
	"reflect"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/notebook"
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

func __dcemMany(v ...interface{}) {}`

// lastVar holds a cell's final value inside the interpreter.
const lastVar = "__dcemLast"

// richMethods are the display methods tried on a final value of an
// interpreted type, in order of preference, with the MIME type each gives.
var richMethods = []struct{ name, mime string }{
	{"MIMEBundle", ""},
	{"HTML", "text/html"},
	{"Markdown", "text/markdown"},
	{"SVG", "image/svg+xml"},
	{"PNG", "image/png"},
	{"JPEG", "image/jpeg"},
	{"Latex", "text/latex"},
}

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

		interruptWait: opts.InterruptWait,
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
	s.i = interp.New(interp.Options{Stdin: globalStdin{}, Stdout: stdout, Stderr: s.stderr, Env: env})
	all := []interp.Exports{stdlib.Symbols}
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
			s.packages[k[:slash]] = v
			s.pkgNames[k[:slash]] = k[slash+1:]
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
		hookPath + "/dcemk": {"Result": reflect.ValueOf(s.setResult)},
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

// setResult receives a cell's final value. A value of an interpreted type
// with methods arrives wrapped by the interpreter; it is unwrapped, and its
// display methods are called later by renderMethods.
func (s *Session) setResult(v any) {
	inner, wrapped := unwrapInterpreted(v)
	if _, ok := inner.(*display.Handle); ok {
		// display.Show(x) as the last line shows x once, not its handle.
		return
	}
	b := display.MIME(inner)
	s.resMu.Lock()
	s.result = b
	s.resWrapped = wrapped
	s.resMu.Unlock()
}

// unwrapInterpreted returns the Go value inside yaegi's wrapper of an
// interpreted value with methods, and whether v was so wrapped.
func unwrapInterpreted(v any) (inner any, wrapped bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Struct || rv.Type().String() != "interp.valueInterface" {
		return v, false
	}
	f, ok := rv.Type().FieldByName("value")
	if !ok || f.Type != reflect.TypeOf(reflect.Value{}) {
		return v, false
	}
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	iv := *(*reflect.Value)(unsafe.Pointer(cp.Field(f.Index[0]).UnsafeAddr()))
	if !iv.IsValid() || !iv.CanInterface() {
		return nil, true
	}
	return iv.Interface(), true
}

// renderMethods adds to b what the display methods of the interpreted value
// in lastVar give: the first rich form, and String for text/plain.
func (s *Session) renderMethods(ctx context.Context, b display.Bundle) {
	for _, m := range richMethods {
		v, err := s.evalValue(ctx, lastVar+"."+m.name+"()")
		if err != nil || !v.IsValid() || !v.CanInterface() {
			continue
		}
		if m.mime == "" {
			if mb, ok := v.Interface().(map[string]any); ok {
				for k, d := range mb {
					b[k] = d
				}
				break
			}
			continue
		}
		b[m.mime] = v.Interface()
		break
	}
	if v, err := s.evalValue(ctx, lastVar+".String()"); err == nil && v.IsValid() && v.Kind() == reflect.String {
		b["text/plain"] = v.String()
	}
}

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
	return b, s.noteInterrupt(err)
}

func (s *Session) execute(ctx context.Context, cell string) (display.Bundle, error) {
	chunks, err := Split(cell)
	if err != nil {
		return nil, s.compileError(err)
	}
	steps := s.plan(chunks)
	// Compile the whole cell before any of it runs: a cell with an error
	// anywhere runs no part of itself. (Compiling brings a cell's imports
	// into effect; they are not evaluated again.)
	for i := range steps {
		if err := s.check(&steps[i]); err != nil {
			s.settle(steps[:i])
			return nil, err
		}
	}
	for _, st := range steps {
		var err error
		switch st.kind {
		case importStep:
		case finalStep:
			return s.evalFinal(ctx, st)
		case declStep:
			err = s.run(st.prog)
		default:
			err = s.eval(ctx, st.src)
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
			case Stmts:
				s.noteVars(st.chunk.Src)
			}
		}
	}
	return nil, nil
}

// stepKind says how a step of a cell's plan runs.
type stepKind int

const (
	evalStep   stepKind = iota // evaluate src
	importStep                 // imports: in effect once compiled
	declStep                   // declarations: run the program compiled by check
	finalStep                  // the cell's final expression, whose value is the result
)

// step is one evaluation in the plan of a cell.
type step struct {
	kind stepKind
	src  string          // padded to its cell lines
	prog *interp.Program // a declStep's compiled program
	// chunk, when set, is the chunk that this step completes: its names
	// are noted once the step has run.
	chunk *Chunk
	// For a final step: the expression, its cell line, and whether it
	// has exactly one value to show (else it runs as a plain statement).
	expr   string
	line   int
	single bool
}

// plan turns a cell's chunks into the steps that evaluate them: imports
// not in effect yet, declarations, runs of simple statements, compound
// statements as a function declared and called (see stmtSteps), and the
// final expression.
func (s *Session) plan(chunks []Chunk) []step {
	var steps []step
	for n := range chunks {
		c := &chunks[n]
		src := strings.Repeat("\n", c.Line-1) + c.Src
		switch c.Kind {
		case Imports:
			if src, some := s.newImports(*c); some {
				steps = append(steps, step{kind: importStep, src: src, chunk: c})
			}
			continue
		case Decls:
			steps = append(steps, step{kind: declStep, src: src, chunk: c})
			continue
		}
		if n == len(chunks)-1 {
			if prefix, final, line, ok := splitFinal(src); ok {
				if strings.TrimSpace(prefix) != "" {
					steps = append(steps, s.stmtSteps(prefix)...)
				}
				s.noteVars(c.Src)
				steps = append(steps, step{kind: finalStep, expr: final, line: line})
				continue
			}
		}
		st := s.stmtSteps(src)
		if len(st) > 0 {
			st[len(st)-1].chunk = c
		}
		steps = append(steps, st...)
	}
	return steps
}

// check compiles a step without running it; for a final step it also
// finds whether the expression has a single value.
func (s *Session) check(st *step) error {
	if st.kind == declStep {
		// Compiling a method twice leaves the type with the copy that
		// never ran: run the program compiled here.
		prog, err := s.compile(st.src)
		if err != nil {
			return s.describe(s.explainCompile(st.src, err), nil)
		}
		st.prog = prog
		return nil
	}
	if st.kind != finalStep {
		if err := s.compiles(st.src); err != nil {
			return s.describe(s.explainCompile(st.src, err), nil)
		}
		return nil
	}
	pad := strings.Repeat("\n", st.line-1)
	if s.compiles(pad+"__dcemShow("+st.expr+")") == nil {
		st.single = true
		return nil
	}
	err := s.compiles(pad + "__dcemMany(" + st.expr + ")")
	if err != nil && !(strings.Contains(err.Error(), "cannot use ") && strings.Contains(err.Error(), "as type (...interface{})")) {
		// Not a call without results: a real error in the expression.
		return s.describe(s.explainCompile(pad+st.expr, err), nil)
	}
	return nil
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
	return s.noteInterrupt(s.eval(inner, src))
}

// watch returns a context that is cancelled when ctx is, just after the
// goroutines that run interpreted code were counted (the interrupt stops
// them all). Call done when the cell ends.
func (s *Session) watch(ctx context.Context) (inner context.Context, done func()) {
	inner, cancel := context.WithCancel(context.WithoutCancel(ctx))
	end := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			s.others.Store(int64(interpretedGoroutines()))
			cancel()
		case <-end:
		}
	}()
	return inner, func() { close(end); cancel() }
}

// noteInterrupt completes the message of an interrupted cell: whether
// compiled code it called still runs, and which other goroutines the
// interrupt stopped.
func (s *Session) noteInterrupt(err error) error {
	var e *Error
	if !errors.As(err, &e) || e.Name != "Interrupted" {
		return err
	}
	// Give the chunk's goroutine a moment to see the interrupt.
	deadline := time.Now().Add(100 * time.Millisecond)
	for runningEvals() > 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var notes []string
	if runningEvals() > 0 {
		s.pending = true
		notes = append(notes, fmt.Sprintf("Compiled code that the cell called is still running: it does not watch the cell's context "+
			"(pass notebook.Context() to long calls). No statement of this cell will run after it returns; the next cell waits for it "+
			"(at most %v), and an interrupt while it waits restarts the interpreter.", s.interruptWait))
	}
	if n := s.others.Swap(0); n > 0 {
		notes = append(notes, fmt.Sprintf("The interrupt also stopped %d goroutine(s) running interpreted code, "+
			"started by this cell or earlier ones: the interpreter stops all interpreted code at once.", n))
	}
	if len(notes) > 0 {
		e.Value += "\n" + strings.Join(notes, "\n")
		e.Traceback = append(e.Traceback, notes...)
	}
	return e
}

// awaitInterrupted waits until compiled code of an interrupted cell has
// returned, so that the interpreter stops what is left of that cell before
// a new one runs.
func (s *Session) awaitInterrupted(ctx context.Context) error {
	if !s.pending {
		return nil
	}
	if runningEvals() == 0 {
		s.pending = false
		return nil
	}
	fmt.Fprintf(s.stderr.w, "Waiting for compiled code of the interrupted cell to return (at most %v; interrupt to give up)...\n", s.interruptWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	limit := time.NewTimer(s.interruptWait)
	defer limit.Stop()
	for {
		select {
		case <-tick.C:
			if runningEvals() == 0 {
				s.pending = false
				return nil
			}
		case <-ctx.Done():
			msg := "compiled code of an interrupted cell is still running; this cell did not run"
			return &Error{Name: "Busy", Value: msg, Traceback: []string{"Busy: " + msg}}
		case <-limit.C:
			msg := fmt.Sprintf("compiled code of an interrupted cell is still running after %v; this cell did not run", s.interruptWait)
			return &Error{Name: "Busy", Value: msg, Traceback: []string{"Busy: " + msg}}
		}
	}
}

// evalFinal evaluates a cell's final expression, checked before, and
// returns the rendered value when it has exactly one; the expression runs
// once.
func (s *Session) evalFinal(ctx context.Context, st step) (display.Bundle, error) {
	pad := strings.Repeat("\n", st.line-1)
	if !st.single {
		// Several results (fmt.Println) or none: run it, show nothing.
		return nil, s.eval(ctx, pad+st.expr)
	}
	s.resMu.Lock()
	s.result, s.resWrapped = nil, false
	s.resMu.Unlock()
	if err := s.eval(ctx, pad+lastVar+" := ("+st.expr+"); __dcemShow("+lastVar+")"); err != nil {
		return nil, err
	}
	s.resMu.Lock()
	result, wrapped := s.result, s.resWrapped
	s.resMu.Unlock()
	if wrapped && result != nil {
		s.renderMethods(ctx, result)
	}
	return result, nil
}

// compiles reports whether src compiles, without running it.
func (s *Session) compiles(src string) error {
	_, err := s.compile(src)
	return err
}

// compile compiles src without running it.
func (s *Session) compile(src string) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	s.stderr.start()
	defer s.stderr.stop()
	return s.i.Compile(src)
}

// run runs a compiled program of declarations (no interrupt: a
// declaration runs no loop, and a var initializer rarely one).
func (s *Session) run(prog *interp.Program) (err error) {
	s.stderr.start()
	defer func() {
		frames := s.stderr.stop()
		if r := recover(); r != nil {
			err = &Error{Name: "Panic", Value: fmt.Sprint(r), Traceback: []string{
				fmt.Sprintf("panic: %v (inside the interpreter)", r), string(debug.Stack())}}
			return
		}
		if err != nil {
			err = s.describe(err, frames)
		}
	}()
	_, err = s.i.Execute(prog)
	return err
}

// settle completes what compiling the first steps of a cell that failed
// to compile left behind: the imports are in effect, and declarations of
// functions, types and constants are run so that the names compiling
// registered work (variables stay unset: their initializers would run
// code).
func (s *Session) settle(steps []step) {
	for _, st := range steps {
		switch {
		case st.kind == importStep:
			s.noteImports(st.chunk.Src)
		case st.kind == declStep && !declaresVars(st.chunk.Src):
			if s.run(st.prog) == nil {
				s.noteDecls(st.chunk.Src)
			}
		}
	}
}

// declaresVars reports whether the declarations src hold a var.
func declaresVars(src string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil {
		return true
	}
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
			return true
		}
	}
	return false
}

// eval evaluates one chunk, turning every failure into an *Error.
func (s *Session) eval(ctx context.Context, src string) (err error) {
	s.stderr.start()
	defer func() {
		frames := s.stderr.stop()
		if r := recover(); r != nil {
			// A panic that escaped yaegi's own recovery (a bug in the
			// interpreter): keep the kernel alive and report it.
			err = &Error{Name: "Panic", Value: fmt.Sprint(r), Traceback: []string{
				fmt.Sprintf("panic: %v (inside the interpreter)", r), string(debug.Stack())}}
			return
		}
		if err != nil {
			err = s.describe(err, frames)
		}
	}()
	_, err = s.i.EvalWithContext(ctx, src)
	return err
}

func contextBackground() context.Context { return context.Background() }

// evalValue evaluates src quietly and returns its value; failures are
// errors, never panics.
func (s *Session) evalValue(ctx context.Context, src string) (v reflect.Value, err error) {
	s.stderr.start()
	defer func() {
		s.stderr.stop()
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return s.i.EvalWithContext(ctx, src)
}

// describe turns an error from yaegi into an *Error.
func (s *Session) describe(err error, frames []string) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Name: "Interrupted", Value: "the cell was interrupted",
			Traceback: []string{"Interrupted: the cell was interrupted"}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		if code, ok := p.Value.(exitCode); ok {
			msg := fmt.Sprintf("os.Exit(%d) was called; the kernel keeps running", int(code))
			return &Error{Name: "Exit", Value: msg, Code: int(code), Traceback: append([]string{"Exit: " + msg}, frames...)}
		}
		msg := fmt.Sprint(p.Value)
		if e, ok := p.Value.(error); ok {
			msg = e.Error()
		}
		msg = translate(msg)
		tb := append([]string{"panic: " + msg}, frames...)
		if len(frames) == 0 {
			// The panic came from the interpreter itself or compiled code.
			tb = append(tb, compiledFrames(p.Stack)...)
		}
		return &Error{Name: "Panic", Value: msg, Traceback: tb}
	}
	if isCompileError(err) {
		return s.compileError(err)
	}
	msg := cellPositions(err.Error())
	return &Error{Name: "Error", Value: msg, Traceback: []string{"Error: " + msg}}
}

func (s *Session) compileError(err error) *Error {
	msg := translate(cellPositions(err.Error()))
	tb := []string{"CompileError:"}
	tb = append(tb, strings.Split(msg, "\n")...)
	return &Error{Name: "CompileError", Value: msg, Traceback: tb}
}

// isCompileError reports whether err comes from parsing or type checking, so
// that nothing of the chunk ran.
func isCompileError(err error) bool {
	var p interp.Panic
	if errors.As(err, &p) {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return true
}

// compiledFrames keeps the lines of a Go stack that name compiled code
// outside the interpreter and the runtime.
func compiledFrames(stack []byte) []string {
	var out []string
	lines := strings.Split(string(stack), "\n")
	for k := 0; k+1 < len(lines); k++ {
		fn := lines[k]
		if strings.HasPrefix(fn, "\t") || strings.HasPrefix(fn, "goroutine ") {
			continue
		}
		if strings.Contains(fn, "traefik/yaegi") || strings.HasPrefix(fn, "runtime") ||
			strings.HasPrefix(fn, "reflect.") || strings.HasPrefix(fn, "panic(") || strings.Contains(fn, "runtime/debug") {
			continue
		}
		out = append(out, "in compiled "+strings.TrimSpace(fn)+" at "+strings.TrimSpace(lines[k+1]))
		if len(out) == 8 {
			break
		}
	}
	return out
}

var posRE = regexp.MustCompile(`(?m)(?:^|\b)(?:_\.go:)?(\d+):(\d+): `)

// cellPositions rewrites yaegi's "L:C: " positions into "cell line L: ".
func cellPositions(msg string) string {
	return posRE.ReplaceAllStringFunc(msg, func(m string) string {
		sub := posRE.FindStringSubmatch(m)
		return "cell line " + sub[1] + ": "
	})
}

// segment is a piece of a statement chunk: a run of simple statements, or
// one compound statement.
type segment struct {
	compound bool
	line     int // cell line where the segment starts
	src      string
}

// segments cuts the statements src (padded to its cell lines) into runs of
// simple statements and single compound statements (for, if, switch,
// select, a block, and labeled ones). ok is false when src does not parse;
// the caller then evaluates it whole, for the interpreter's error.
func segments(src string) (segs []segment, ok bool) {
	const head = "package p; func _() {"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", head+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	last := 0 // end offset of the previous compound statement
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt,
			*ast.SelectStmt, *ast.BlockStmt, *ast.LabeledStmt:
		default:
			continue
		}
		start := fset.Position(st.Pos()).Offset - len(head)
		end := fset.Position(st.End()).Offset - len(head)
		if start < last || end > len(src) {
			return nil, false
		}
		if strings.TrimSpace(src[last:start]) != "" {
			segs = append(segs, segment{false, 1 + strings.Count(src[:last], "\n"), src[last:start]})
		}
		segs = append(segs, segment{true, 1 + strings.Count(src[:start], "\n"), src[start:end]})
		last = end
	}
	if strings.TrimSpace(src[last:]) != "" {
		segs = append(segs, segment{false, 1 + strings.Count(src[:last], "\n"), src[last:]})
	}
	return segs, true
}

// stmtSteps returns the steps that evaluate a statement chunk (padded to
// its cell lines). Each top-level compound statement runs as the body of a
// named function that is declared and called at once: yaegi fails to
// resolve names that a multi-value := defines inside such a statement at
// top level ("undefined: err"), and a loop in a function literal would not
// stop on interrupt; a named function has neither problem. Names declared
// in a compound statement are local to it in Go, so the meaning is the
// same.
func (s *Session) stmtSteps(src string) []step {
	segs, ok := segments(src)
	if !ok {
		return []step{{src: src}}
	}
	var steps []step
	for _, sg := range segs {
		pad := strings.Repeat("\n", sg.line-1)
		if !sg.compound {
			// Keep the text's own leading newlines: pad to the segment's
			// first line only what precedes it.
			steps = append(steps, step{src: pad + sg.src})
			continue
		}
		s.blocks++
		name := fmt.Sprintf("%s%d", blockPrefix, s.blocks)
		steps = append(steps, step{src: pad + "func " + name + "() { " + sg.src + " }"}, step{src: pad + name + "()"})
	}
	return steps
}

// blockPrefix names the functions that run compound statements.
const blockPrefix = "__dcemBlock"

// splitFinal splits the statements src into what comes before its last
// statement and that statement, when it is an expression; line is the line
// of src where the expression starts.
func splitFinal(src string) (prefix, final string, line int, ok bool) {
	const head = "package p; func _() {"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", head+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return "", "", 0, false
	}
	body := f.Decls[0].(*ast.FuncDecl).Body.List
	if len(body) == 0 {
		return "", "", 0, false
	}
	es, isExpr := body[len(body)-1].(*ast.ExprStmt)
	if !isExpr {
		return "", "", 0, false
	}
	start := fset.Position(es.X.Pos()).Offset - len(head)
	end := fset.Position(es.X.End()).Offset - len(head)
	if start < 0 || end > len(src) {
		return "", "", 0, false
	}
	return src[:start], src[start:end], fset.Position(es.X.Pos()).Line, true
}

// panicFilter passes writes through, except yaegi's report of each
// interpreted frame a panic unwinds ("L:C: panic: f(...)"), which it keeps
// for the traceback.
type panicFilter struct {
	mu      sync.Mutex
	w       io.Writer
	frames  []string
	onFrame func(string)
}

var panicLineRE = regexp.MustCompile(`^(?:_\.go:)?(\d+):\d+: panic: (.*)\(\.\.\.\)\n?$`)

func (p *panicFilter) Write(b []byte) (int, error) {
	if m := panicLineRE.FindSubmatch(b); m != nil {
		p.mu.Lock()
		fn := string(m[2])
		fn = strings.TrimPrefix(fn, "main.")
		if fn == "main" || strings.HasPrefix(fn, blockPrefix) {
			fn = "cell"
		}
		line := "  at cell line " + string(m[1]) + ", in " + fn
		p.frames = append(p.frames, line)
		p.mu.Unlock()
		if p.onFrame != nil {
			p.onFrame(line)
		}
		return len(b), nil
	}
	return p.w.Write(b)
}

func (p *panicFilter) start() {
	p.mu.Lock()
	p.frames = nil
	p.mu.Unlock()
}

func (p *panicFilter) stop() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.frames
	p.frames = nil
	return f
}

// newImports returns the source of the imports of chunk c that are not in
// effect yet, at their cell lines (importing a package again under the same
// name is an error in yaegi, and notebooks re-run cells all the time). some
// is false when every import is in effect already.
func (s *Session) newImports(c Chunk) (src string, some bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\n"+c.Src, parser.ImportsOnly)
	if err != nil {
		// Let the interpreter report the syntax error.
		return strings.Repeat("\n", c.Line-1) + c.Src, true
	}
	var b strings.Builder
	line := 1
	for _, im := range f.Imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			return strings.Repeat("\n", c.Line-1) + c.Src, true
		}
		name := s.importName(path, im.Name)
		if s.imported[name] == path {
			continue
		}
		at := c.Line + fset.Position(im.Pos()).Line - 2
		for line < at {
			b.WriteByte('\n')
			line++
		}
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("; ")
		}
		if im.Name != nil {
			b.WriteString(im.Name.Name + " ")
		}
		b.WriteString(im.Path.Value)
		some = true
	}
	if !some {
		return "", false
	}
	return importPrefix(b.String()), true
}

// importPrefix turns "\n\nfmt-path; other" lines of import specs into import
// declarations, keeping the line breaks.
func importPrefix(specs string) string {
	lines := strings.Split(specs, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		parts := strings.Split(l, "; ")
		for j, p := range parts {
			parts[j] = "import " + p
		}
		lines[i] = strings.Join(parts, "; ")
	}
	return strings.Join(lines, "\n")
}

// importName is the name an import binds: its alias, or the package name.
func (s *Session) importName(path string, alias *ast.Ident) string {
	if alias != nil {
		if alias.Name == "_" || alias.Name == "." {
			return alias.Name + path
		}
		return alias.Name
	}
	if n, ok := s.pkgNames[path]; ok {
		return n
	}
	return path[strings.LastIndexByte(path, '/')+1:]
}

// noteImports records the names that an import chunk brings into scope.
func (s *Session) noteImports(src string) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.ImportsOnly)
	if err != nil {
		return
	}
	for _, im := range f.Imports {
		path, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		s.imported[s.importName(path, im.Name)] = path
	}
}

// noteDecls records the source of each declared name, for inspection.
func (s *Session) noteDecls(src string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\n"+src, parser.ParseComments)
	if err != nil {
		return
	}
	text := func(n ast.Node) string {
		var buf bytes.Buffer
		start := fset.Position(n.Pos()).Offset
		end := fset.Position(n.End()).Offset
		full := "package p\n" + src
		buf.WriteString(full[start:end])
		return buf.String()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			sig := *d
			sig.Body = nil
			doc := ""
			if d.Doc != nil {
				doc = d.Doc.Text()
			}
			name := d.Name.Name
			if d.Recv != nil && len(d.Recv.List) > 0 {
				name = recvName(d.Recv.List[0].Type) + "." + name
			}
			s.decls[name] = strings.TrimSpace(doc + signature(fset, "package p\n"+src, d))
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					s.decls[sp.Name.Name] = "type " + text(sp)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						s.decls[n.Name] = d.Tok.String() + " " + text(sp)
					}
				}
			}
		}
	}
}

func recvName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return recvName(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recvName(t.X)
	}
	return "?"
}

// signature is the text of a func declaration up to its body.
func signature(fset *token.FileSet, full string, d *ast.FuncDecl) string {
	start := fset.Position(d.Pos()).Offset
	end := fset.Position(d.Type.End()).Offset
	return full[start:end]
}
