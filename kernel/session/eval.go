package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/dcem-go/dcem/kernel/session/gostd"
)

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
	src, err = s.lower(src)
	if err != nil {
		return nil, err
	}
	return s.i.Compile(parenthesizeMultiAssign(src))
}

// globals returns the interpreter's top-level variables and constants;
// none while a variable is compiled but not yet run (the interpreter's
// Globals panics then).
func (s *Session) globals() (g map[string]reflect.Value) {
	defer func() {
		if recover() != nil {
			g = map[string]reflect.Value{}
		}
	}()
	return s.i.Globals()
}

// lower applies the session's rewrites to src (see lower.go).
func (s *Session) lower(src string) (string, error) {
	var globals map[string]reflect.Value
	imports := s.imported
	if s.pendingImports != nil {
		imports = s.pendingImports
	}
	env := &lowerEnv{
		ifaces:  s.ifaces,
		types:   s.types,
		imports: imports,
		symbol: func(path, name string) (reflect.Value, bool) {
			v, ok := s.packages[path][name]
			return v, ok
		},
		global: func(name string) (reflect.Value, bool) {
			if globals == nil {
				globals = s.globals()
			}
			v, ok := globals[name]
			return v, ok
		},
		decl: func(name string) (string, bool) {
			if d, ok := s.pendingDecls[name]; ok {
				return d, ok
			}
			d, ok := s.decls[name]
			return d, ok
		},
		next:        func() int { s.lowered++; return s.lowered },
		cells:       s.cells,
		funcSources: func() map[string]string { return s.funcSrc },
		methodDecls: func(name string) []string {
			var out []string
			for k, d := range s.pendingDecls {
				if strings.HasPrefix(k, name+".") {
					out = append(out, d)
				}
			}
			for k, d := range s.decls {
				if _, again := s.pendingDecls[k]; !again && strings.HasPrefix(k, name+".") {
					out = append(out, d)
				}
			}
			return out
		},
		methods: func(name string) bool {
			for _, m := range []map[string]string{s.pendingDecls, s.decls} {
				for k := range m {
					if strings.HasPrefix(k, name+".") {
						return true
					}
				}
			}
			return false
		},
		varType: func(name string) (string, bool) {
			t, ok := s.varTypes[name]
			return t, ok
		},
		noteVarType: func(name, typ string) {
			if typ == "" {
				delete(s.varTypes, name)
				return
			}
			s.varTypes[name] = typ
		},
	}
	return lower(src, env)
}

// exec runs a compiled program, turning every failure into an *Error.
// When ctx is cancelled, interpreted code stops at its next step and exec
// returns at once; compiled code that the program called may still be
// running then (see awaitInterrupted).
func (s *Session) exec(ctx context.Context, prog *interp.Program) (err error) {
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
	clearRecovered(s.i)
	_, _, err = s.ctl.execute(ctx, s.i, prog)
	return err
}

// eval compiles and runs src, turning every failure into an *Error.
func (s *Session) eval(ctx context.Context, src string) error {
	prog, err := s.compile(src)
	if err != nil {
		return s.describe(err, nil)
	}
	return s.exec(ctx, prog)
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
	src, err = s.lower(src)
	if err != nil {
		return reflect.Value{}, err
	}
	clearRecovered(s.i)
	return s.i.EvalWithContext(ctx, parenthesizeMultiAssign(src))
}

// describe turns an error from yaegi into an *Error.
func (s *Session) describe(err error, frames []panicFrame) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Name: "Interrupted", Value: "the cell was interrupted",
			Traceback: []string{"Interrupted: the cell was interrupted"}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		if code, ok := p.Value.(exitCode); ok {
			msg := fmt.Sprintf("os.Exit(%d) was called; the kernel keeps running", int(code))
			return &Error{Name: "Exit", Value: msg, Code: int(code), Traceback: append([]string{"Exit: " + msg}, s.traceback(frames, msg, fromExit)...)}
		}
		msg := fmt.Sprint(p.Value)
		if e, ok := p.Value.(error); ok {
			msg = e.Error()
		}
		msg = translate(msg)
		tb := append([]string{"panic: " + msg}, s.traceback(frames, msg, originOf(p.Stack))...)
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

// panicFilter passes writes through, except yaegi's report of each
// interpreted frame a panic unwinds ("L:C: panic: f(...)"), which it keeps
// for the traceback.
type panicFilter struct {
	mu      sync.Mutex
	w       io.Writer
	frames  []panicFrame
	onFrame func(string)
}

var panicLineRE = regexp.MustCompile(`^(?:_\.go:)?(\d+):\d+: panic: (.*)\(\.\.\.\)\n?$`)

func (p *panicFilter) Write(b []byte) (int, error) {
	if m := panicLineRE.FindSubmatch(b); m != nil {
		line, _ := strconv.Atoi(string(m[1]))
		fr := panicFrame{line: line, fn: string(m[2])}
		p.mu.Lock()
		p.frames = append(p.frames, fr)
		p.mu.Unlock()
		if p.onFrame != nil {
			// The process may end before the panic reaches the session
			// (a panic in a goroutine): pass the frame on as yaegi gives it.
			p.onFrame("  at cell line " + string(m[1]) + ", in " + frameName(fr.fn, false))
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

func (p *panicFilter) stop() []panicFrame {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.frames
	p.frames = nil
	return f
}

// frameName is the name a traceback gives the function yaegi calls fn:
// "cell" for the top level of a cell (and the functions that run its
// compound statements), "main" for a program's func main.
func frameName(fn string, program bool) string {
	if fn == "main.main" && program {
		return "main"
	}
	fn = strings.TrimPrefix(fn, "main.")
	if fn == "main" || strings.HasPrefix(fn, blockPrefix) {
		return "cell"
	}
	return fn
}

// traceback returns the lines of a panic's traceback that name where each
// frame was, innermost first (see locate).
func (s *Session) traceback(frames []panicFrame, msg string, o panicOrigin) []string {
	at := s.locate(frames, msg, o)
	out := make([]string, 0, len(frames))
	for i, fr := range frames {
		if fr.fn == "main" && i > 0 && strings.HasPrefix(frames[i-1].fn, "main."+blockPrefix) {
			// The call of the function that runs a compound statement:
			// the frame inside it already names the cell's line.
			continue
		}
		if pkg, _, ok := strings.Cut(fr.fn, "."); ok && gostdPackage(pkg) {
			// A frame in an interpreted standard package: its line is
			// one of the package's source, not of the cell.
			out = append(out, fmt.Sprintf("  at line %d of package %s (kernel/session/gostd/%s.go.txt), in %s", fr.line, pkg, pkg, fr.fn))
			continue
		}
		out = append(out, "  at "+at[i]+", in "+frameName(fr.fn, s.program))
	}
	return out
}

// gostdPackage reports whether pkg is one of the interpreted standard
// packages (see package gostd).
func gostdPackage(pkg string) bool {
	for _, p := range gostd.Packages {
		if p == pkg {
			return true
		}
	}
	return false
}
