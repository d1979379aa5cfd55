package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// Where a panic happened.
//
// For each interpreted function that a panic unwinds, yaegi reports the
// position of the first statement the function ran, not of the statement
// that was running (traefik/yaegi#1266): a panic on line 31 of a function
// whose body starts on line 11 is reported on line 11. Only top-level
// statements, which yaegi runs one at a time, are reported on their own
// line. Tracking the running statement would slow every interpreted loop,
// so the session keeps the source of each function it declares and, after
// a panic, finds the statement in it that can have raised the panic: for
// the innermost frame a call of panic, an operation that can fail the way
// the panic says (an index for "index out of range", a division for
// "divide by zero", ...) or a call of compiled code; for each frame
// further out, the call of the function one frame in. When the function
// holds exactly one such statement its line is reported; when it holds a
// few, all their lines; otherwise the lines the function spans.

// panicFrame is one interpreted frame of a panic, as yaegi reports it.
type panicFrame struct {
	line int    // the position yaegi gives (see above)
	fn   string // "main" (top level), "main.g", "main.g.func" (a literal in g)
}

// panicOrigin says what raised a panic.
type panicOrigin int

const (
	fromPanicCall panicOrigin = iota // a call of the built-in panic
	fromOperation                    // an operation of the interpreted code (index, division, ...)
	fromCompiled                     // compiled code that the interpreted code called
	fromExit                         // os.Exit or log.Fatal*, which end a cell with an Exit error
)

// originOf classifies a panic by the frame that raised it in the Go stack
// that yaegi recorded: the frame below the deepest "panic(" line.
func originOf(stack []byte) panicOrigin {
	lines := strings.Split(string(stack), "\n")
	last := -1
	for k, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			last = k
		}
	}
	if last < 0 || last+2 >= len(lines) {
		return fromOperation
	}
	fn := lines[last+2]
	switch {
	case strings.HasPrefix(fn, "github.com/traefik/yaegi/interp._panic"):
		return fromPanicCall
	case strings.HasPrefix(fn, "github.com/traefik/yaegi/"), strings.HasPrefix(fn, "reflect."),
		strings.HasPrefix(fn, "runtime."):
		return fromOperation
	}
	return fromCompiled
}

// funcSource is a function declared in the session, with the file set its
// positions refer to (lines are the lines of its cell or file).
type funcSource struct {
	fset *token.FileSet
	decl *ast.FuncDecl
}

// maxFuncVersions bounds the declarations of one name that are kept.
const maxFuncVersions = 8

// noteFuncs records the functions that src (declarations, padded to their
// cell lines, or a whole program) declares, for locating panics. A cell's
// func main is not recorded: "main" names the top level of a cell.
func (s *Session) noteFuncs(src string, program bool) {
	text := src
	if !program {
		text = "package p;" + src
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", text, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil || (fd.Name.Name == "main" && !program) {
			continue
		}
		if s.funcs == nil {
			s.funcs = map[string][]funcSource{}
		}
		// Newest first: a later declaration of the name wins.
		fs := append([]funcSource{{fset, fd}}, s.funcs[fd.Name.Name]...)
		if len(fs) > maxFuncVersions {
			fs = fs[:maxFuncVersions]
		}
		s.funcs[fd.Name.Name] = fs
	}
}

// frameFunc returns the function node (a declaration or a literal in one)
// that frame fr ran in, or nil when the session does not know it.
func (s *Session) frameFunc(fr panicFrame) (fset *token.FileSet, fn ast.Node, body *ast.BlockStmt) {
	if fr.fn == "main" {
		return nil, nil, nil // the top level of a cell
	}
	name := strings.TrimPrefix(fr.fn, "main.")
	base, lits := name, 0
	if k := strings.Index(name, ".func"); k >= 0 {
		base, lits = name[:k], strings.Count(name[k:], ".func")
	}
	for _, fs := range s.funcs[base] {
		if !spans(fs.fset, fs.decl.Body, fr.line) {
			continue
		}
		if lits == 0 {
			return fs.fset, fs.decl, fs.decl.Body
		}
		// The innermost literal that holds the reported line.
		var lit *ast.FuncLit
		ast.Inspect(fs.decl.Body, func(n ast.Node) bool {
			if l, ok := n.(*ast.FuncLit); ok && spans(fs.fset, l.Body, fr.line) {
				lit = l
			}
			return true
		})
		if lit == nil {
			return nil, nil, nil
		}
		return fs.fset, lit, lit.Body
	}
	return nil, nil, nil
}

// spans reports whether line lies within n's lines.
func spans(fset *token.FileSet, n ast.Node, line int) bool {
	return fset.Position(n.Pos()).Line <= line && line <= fset.Position(n.End()).Line
}

// predeclared holds Go's predeclared names (see builtins): a call of one
// (len, a conversion) is not a call of compiled code.
var predeclared = func() map[string]bool {
	m := map[string]bool{}
	for _, b := range builtins {
		m[b] = true
	}
	return m
}()

// candidates returns the sorted lines of body (not counting function
// literals in it) where a node for which match is true starts.
func candidates(fset *token.FileSet, body *ast.BlockStmt, match func(n, parent ast.Node) bool) []int {
	seen := map[int]bool{}
	var stack []ast.Node
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		var parent ast.Node
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		if match(n, parent) {
			seen[fset.Position(n.Pos()).Line] = true
		}
		stack = append(stack, n)
		return true
	})
	lines := make([]int, 0, len(seen))
	for l := range seen {
		lines = append(lines, l)
	}
	sort.Ints(lines)
	return lines
}

// callee returns the name of the function that call calls ("" for other
// callees): f in f(x), M in x.M(y) and pkg.M(y).
func callee(call *ast.CallExpr) string {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// raisers returns a matcher for the nodes that can raise a panic with
// message msg from origin o.
func (s *Session) raisers(msg string, o panicOrigin) func(n, parent ast.Node) bool {
	switch o {
	case fromPanicCall:
		return func(n, _ ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			return ok && callee(c) == "panic"
		}
	case fromExit:
		exits := map[string]bool{"Exit": true, "Fatal": true, "Fatalf": true, "Fatalln": true}
		return func(n, _ ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			return ok && exits[callee(c)]
		}
	case fromCompiled:
		return func(n, _ ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return false
			}
			name := callee(c)
			if _, isIdent := ast.Unparen(c.Fun).(*ast.Ident); isIdent && (predeclared[name] || s.funcs[name] != nil) {
				return false
			}
			return name != ""
		}
	}
	switch {
	case strings.Contains(msg, "index out of range"), strings.Contains(msg, "slice bounds"):
		return func(n, _ ast.Node) bool {
			switch n.(type) {
			case *ast.IndexExpr, *ast.SliceExpr:
				return true
			}
			return false
		}
	case strings.Contains(msg, "nil map"):
		return func(n, parent ast.Node) bool {
			if _, ok := n.(*ast.IndexExpr); !ok {
				return false
			}
			switch p := parent.(type) {
			case *ast.AssignStmt:
				for _, l := range p.Lhs {
					if l == n {
						return true
					}
				}
			case *ast.IncDecStmt:
				return p.X == n
			}
			return false
		}
	case strings.Contains(msg, "divide by zero"):
		return func(n, _ ast.Node) bool {
			switch n := n.(type) {
			case *ast.BinaryExpr:
				return n.Op == token.QUO || n.Op == token.REM
			case *ast.AssignStmt:
				return n.Tok == token.QUO_ASSIGN || n.Tok == token.REM_ASSIGN
			}
			return false
		}
	case strings.Contains(msg, "interface conversion"):
		return func(n, _ ast.Node) bool {
			ta, ok := n.(*ast.TypeAssertExpr)
			return ok && ta.Type != nil
		}
	case strings.Contains(msg, "close of"):
		return func(n, _ ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			return ok && callee(c) == "close"
		}
	}
	return nil
}

// locate returns, for each frame of a panic (innermost first), where in
// the user's source it was: "cell line N", "cell line N or M" or "cell
// lines N–M" (see the comment at the top of this file).
func (s *Session) locate(frames []panicFrame, msg string, o panicOrigin) []string {
	out := make([]string, len(frames))
	for i, fr := range frames {
		out[i] = "cell line " + strconv.Itoa(fr.line)
		fset, fn, body := s.frameFunc(fr)
		if fn == nil {
			continue // top level: yaegi's line is the statement's
		}
		var match func(n, parent ast.Node) bool
		if i == 0 {
			match = s.raisers(msg, o)
		} else if in := frames[i-1]; !strings.Contains(in.fn, ".func") {
			name := strings.TrimPrefix(in.fn, "main.")
			match = func(n, _ ast.Node) bool {
				c, ok := n.(*ast.CallExpr)
				return ok && callee(c) == name
			}
		}
		var lines []int
		if match != nil {
			lines = candidates(fset, body, match)
		}
		switch {
		case len(lines) == 1:
			out[i] = fmt.Sprintf("cell line %d", lines[0])
		case len(lines) > 1 && len(lines) <= 3:
			parts := make([]string, len(lines))
			for k, l := range lines {
				parts[k] = strconv.Itoa(l)
			}
			out[i] = "cell line " + strings.Join(parts, " or ")
		default:
			out[i] = fmt.Sprintf("cell lines %d–%d", fset.Position(fn.Pos()).Line, fset.Position(fn.End()).Line)
		}
	}
	return out
}
