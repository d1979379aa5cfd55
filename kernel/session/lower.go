package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strings"
)

// The interpreter (yaegi v0.16.1) lacks the Go of the releases after 1.21
// and computes some constructs of every release wrongly. Before a cell's
// code is compiled, the session rewrites those constructs into Go that the
// interpreter runs as the Go toolchain would (lowering), or refuses them
// with a message that names the construct, its cell line and what to write
// instead. The passes, in order:
//
//   - generic type aliases (Go 1.24) are expanded where they are used.
//   - method expressions (T.M, (*T).M) of cell types become func literals.
//   - consts: iota in a const group is replaced by its value and constant
//     shift counts are folded (the interpreter reports a "constant
//     definition loop" for `K T = 1 << (10 * iota)` and keeps counting iota
//     after a group that failed to compile).
//   - range over an integer and over a function iterator (Go 1.22, 1.23):
//     lowered to a counting loop, and to a loop over a pull iterator
//     (__dcemPull*, in the prelude) whose exits stop the iterator.
//   - per-iteration loop variables (Go 1.22): a loop variable that a
//     closure, a go or defer statement or & captures gets a copy per
//     iteration; a func literal created in a loop gets its own frame that
//     holds copies of the loop-body variables it reads (the interpreter's
//     closures read the enclosing frame when they run, so all of them would
//     see the last iteration's values); a loop body that declares a
//     variable which it assigns and a func literal reads runs in a func
//     literal of its own per iteration (loopFrames; where the body cannot,
//     a literal that may run after its iteration is refused). In a
//     function with defer statements, func literals held as values get a
//     frame of their own (unlockClosures: a deferred call of one waited
//     forever).
//   - defer: a deferred call's arguments are evaluated when the defer
//     statement runs (the interpreter evaluates them at return).
//   - type switches: lowered to a switch over single type assertions, which
//     the interpreter gets right where its type switch does not (a compiled
//     interface such as error never matched); assertions to interfaces
//     declared in cells go through a compiled identity function, after a
//     test for pointers that implement them through their elements'
//     methods (lower_ptriface.go).
//   - builtins: min and max (Go 1.21), clear (Go 1.21), new(expr) (Go 1.26).
//   - any(x) and a return of x as a result of type any put x into the
//     interface through a slice literal (the interpreter lost the type of
//     a value of a cell type over a basic type there; lower_iface.go); a
//     variable of a cell type with methods that goes into an interface
//     goes as a copy (the interpreter's interface referred to the
//     variable: copyIfaceValues).
//   - errors.As with a target of a type that cells declared, and
//     errors.AsType (Go 1.26), walk the error tree with type assertions;
//     errors.Is and errors.Unwrap go through the kernel, which knows the
//     Unwrap and Is methods of the cells' types (errtree.go).
//   - fmt and log print functions get the arguments whose type involves a
//     type that cells declared with that static type, and the kernel
//     prints them as compiled Go would (see fmtvalue.go); the types and
//     their String and Error methods are registered when declared.
//   - generic calls: type arguments the interpreter would infer wrongly are
//     written out (see lower_generic.go).
//   - top-level statements that the interpreter compiles only inside a
//     function (see lowerTopLevel).
//   - struct tags: unexported fields are marked `json:"-"` (the interpreter
//     exports them as X<name>, which encoding/json would write).
//   - declarations register the cells' types and their String, Error,
//     Unwrap and Is methods with the kernel (noteCellTypes).
//   - recover() hands its value to the kernel, which gives a run-time panic
//     of interpreted code Go's wording (panicmsg.go).
//   - refusals: constructs that would compute a wrong value or fail with a
//     misleading message (see refuse, refuseAlikeTypes, and
//     refuseRedefinitions in redefine.go).
//
// Every rewrite keeps the line of each piece of code: text is inserted or
// replaced within a line, so that errors and panics name the cell's lines.

// edit replaces src[off:end] with text (an insertion when off == end).
type edit struct {
	off, end int
	text     string
	seq      int
}

// editor collects the edits of one pass over src.
type editor struct {
	src   string
	edits []edit
}

func (e *editor) insert(off int, text string) { e.replace(off, off, text) }

func (e *editor) replace(off, end int, text string) {
	e.edits = append(e.edits, edit{off, end, text, len(e.edits)})
}

// apply returns src with the edits made; edits must not overlap, except
// insertions at one offset, which appear in the order they were made.
func (e *editor) apply() string {
	if len(e.edits) == 0 {
		return e.src
	}
	ed := append([]edit(nil), e.edits...)
	sort.SliceStable(ed, func(i, j int) bool {
		if ed[i].off != ed[j].off {
			return ed[i].off > ed[j].off
		}
		// At one offset: a replacement after the insertions made before
		// it; later insertions first, so that earlier ones end up first.
		return ed[i].seq > ed[j].seq
	})
	out := e.src
	for _, x := range ed {
		if x.off < 0 || x.end > len(out) || x.off > x.end {
			return e.src
		}
		out = out[:x.off] + x.text + out[x.end:]
	}
	return out
}

// parsed is src parsed as a file, a run of declarations or a run of
// statements (inside a function), with identifiers resolved.
type parsed struct {
	fset   *token.FileSet
	file   *ast.File
	prefix int
	src    string
}

func parseAny(src string) *parsed {
	fset := token.NewFileSet()
	for _, wrap := range [][2]string{{"", ""}, {"package p\n", ""}, {"package p\nfunc _() {\n", "\n}"}} {
		f, err := parser.ParseFile(fset, "", wrap[0]+src+wrap[1], 0)
		if err == nil {
			return &parsed{fset: fset, file: f, prefix: len(wrap[0]), src: src}
		}
	}
	return nil
}

func (p *parsed) off(pos token.Pos) int { return p.fset.Position(pos).Offset - p.prefix }
func (p *parsed) text(n ast.Node) string {
	a, b := p.off(n.Pos()), p.off(n.End())
	if a < 0 || b > len(p.src) || a > b {
		return ""
	}
	return p.src[a:b]
}
func (p *parsed) line(pos token.Pos) int {
	return p.fset.Position(pos).Line - strings.Count(p.fset.File(p.file.Pos()).Name()+p.wrapText(), "\n")
}

// wrapText is what parseAny put before src.
func (p *parsed) wrapText() string {
	switch p.prefix {
	case len("package p\n"):
		return "package p\n"
	case len("package p\nfunc _() {\n"):
		return "package p\nfunc _() {\n"
	}
	return ""
}

// lowerEnv is what the passes know about the session.
type lowerEnv struct {
	// ifaces and types are the interface types and all types that cells
	// declared.
	ifaces, types map[string]bool
	// imports maps an import name to its path.
	imports map[string]string
	// symbol returns the compiled symbol path.name.
	symbol func(path, name string) (reflect.Value, bool)
	// global returns the value of a top-level variable of the cells.
	global func(name string) (reflect.Value, bool)
	// decl returns the source of a declaration of an earlier cell.
	decl func(name string) (string, bool)
	// next numbers the names that rewrites introduce.
	next func() int
	// funcSources returns the sources of the top-level functions of
	// earlier cells (nil for a package).
	funcSources func() map[string]string
	// methodDecls returns the declarations (up to the body) of the
	// methods of the type name that cells declared (nil for a package).
	methodDecls func(name string) []string
	// methods reports whether an earlier cell declared methods of the
	// type name (nil for a package).
	methods func(name string) bool
	// varType and noteVarType read and record the static type of a
	// variable that a cell's top level defines (nil for a package).
	varType     func(name string) (string, bool)
	noteVarType func(name, typ string)
	// cells is the registry of the cells' types that the kernel's fmt
	// printer uses (nil for a package).
	cells *cellTypes
	// pkg is set for the source of a package (see LowerPackage), which
	// cannot call the session's compiled helpers.
	pkg bool
	// refused is a construct that a pass found it cannot rewrite and
	// refuses (see loopFrames).
	refused *lowerError
}

// lowerError is a construct that the session refuses, at a line of src.
type lowerError struct {
	line int
	msg  string
}

func (e *lowerError) Error() string { return fmt.Sprintf("%d:1: %s", e.line, e.msg) }

// lowering turns the passes on; tests turn it off to measure what the
// interpreter does alone.
var lowering = true

// lower applies the passes to src. An error is a refused construct.
func lower(src string, env *lowerEnv) (string, error) {
	if !lowering || strings.TrimSpace(src) == "" {
		return src, nil
	}
	if p := parseAny(src); p != nil {
		noteTypes(p, env)
		noteVarTypes(p, env)
		src = lowerGenericAliases(p, env)
	}
	if p := parseAny(src); p != nil {
		src = lowerMethodExprs(p, env)
	}
	if p := parseAny(src); p != nil {
		if err := refuse(p, env); err != nil {
			return src, err
		}
		if !env.pkg {
			if err := refuseAlikeTypes(p, env); err != nil {
				return src, err
			}
		}
	}
	for _, pass := range []func(*parsed, *lowerEnv) string{
		foldConsts, lowerRanges, loopVars, unlockClosures, snapshotClosures, loopFrames, lowerDefers, lowerPtrIfaces, lowerTypeSwitches, lowerBuiltins, lowerIfaceValues, copyIfaceValues, lowerErrors, lowerFmtArgs, lowerGenericCalls, lowerTopLevel, tagUnexported, noteCellTypes, lowerRecover,
	} {
		p := parseAny(src)
		if p == nil {
			return src, nil
		}
		src = pass(p, env)
		if env.refused != nil {
			return src, env.refused
		}
	}
	if p := parseAny(src); p != nil {
		if err := refuseGeneric(p, env); err != nil {
			return src, err
		}
	}
	return src, nil
}

// noteTypes records the types that src declares.
func noteTypes(p *parsed, env *lowerEnv) {
	ast.Inspect(p.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			env.types[ts.Name.Name] = true
			if _, ok := ts.Type.(*ast.InterfaceType); ok {
				env.ifaces[ts.Name.Name] = true
			} else {
				delete(env.ifaces, ts.Name.Name)
			}
		}
		return true
	})
}

// --- helpers over the syntax tree ---

// declPos is the position of the identifier that declares obj.
func declPos(obj *ast.Object) token.Pos {
	var pos token.Pos = token.NoPos
	if n, ok := obj.Decl.(ast.Node); ok {
		pos = n.Pos()
		ast.Inspect(n, func(m ast.Node) bool {
			if id, ok := m.(*ast.Ident); ok && id.Name == obj.Name && id.Obj == obj && pos == n.Pos() {
				pos = id.Pos()
				return false
			}
			if _, ok := m.(*ast.FuncLit); ok && m != n {
				return false
			}
			if b, ok := m.(*ast.BlockStmt); ok && b != nil && m != n {
				return false
			}
			return true
		})
	}
	return pos
}

// assigned reports whether the variable obj is assigned (whole or in a
// field or element), incremented, has its address taken or a method called
// within n (its own declaration aside): whether a copy of it could be told
// from it.
func assigned(n ast.Node, obj *ast.Object) bool {
	found := false
	isObj := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && id.Obj == obj
	}
	ast.Inspect(n, func(m ast.Node) bool {
		switch m := m.(type) {
		case *ast.AssignStmt:
			if m.Tok == token.DEFINE && m == obj.Decl {
				break
			}
			for _, l := range m.Lhs {
				// v = x, and v.f = x or v[i] = x, which change a
				// struct or array value too.
				if isObj(l) || m.Tok != token.DEFINE && rootIs(l, obj) {
					found = true
				}
			}
		case *ast.IncDecStmt:
			if rootIs(m.X, obj) {
				found = true
			}
		case *ast.CallExpr:
			// v.M(): a method with a pointer receiver may change v.
			if sel, ok := m.Fun.(*ast.SelectorExpr); ok && rootIs(sel.X, obj) {
				found = true
			}
		case *ast.RangeStmt:
			if m.Tok == token.ASSIGN && ((m.Key != nil && isObj(m.Key)) || (m.Value != nil && isObj(m.Value))) {
				found = true
			}
		case *ast.UnaryExpr:
			if m.Op == token.AND && rootIs(m.X, obj) {
				found = true
			}
		}
		return !found
	})
	return found
}

// rootIs reports whether e is obj or a field, index or slice of it.
func rootIs(e ast.Expr, obj *ast.Object) bool {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x.Obj == obj
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		default:
			return false
		}
	}
}

// uses reports whether obj is referred to within n.
func uses(n ast.Node, obj *ast.Object) bool {
	found := false
	ast.Inspect(n, func(m ast.Node) bool {
		if id, ok := m.(*ast.Ident); ok && id.Obj == obj {
			found = true
		}
		return !found
	})
	return found
}

func within(pos token.Pos, n ast.Node) bool { return n != nil && pos >= n.Pos() && pos < n.End() }

var intTypes = map[string]bool{"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true, "byte": true, "rune": true}

var builtinTypes = map[string]bool{"bool": true, "string": true, "float32": true, "float64": true,
	"complex64": true, "complex128": true, "error": true, "any": true}

func init() {
	for t := range intTypes {
		builtinTypes[t] = true
	}
}

// PreludeHelpers is the source of the helpers that lowered code calls; a
// package source lowered with LowerPackage must hold them too.
const PreludeHelpers = lowerPrelude

// LowerPackage applies the kernel's rewrites to the source of a whole
// package, as the kernel compiles it (see package gostd).
func LowerPackage(src string) (string, error) {
	n := 0
	env := &lowerEnv{
		ifaces:  map[string]bool{},
		types:   map[string]bool{},
		imports: map[string]string{},
		symbol:  func(string, string) (reflect.Value, bool) { return reflect.Value{}, false },
		global:  func(string) (reflect.Value, bool) { return reflect.Value{}, false },
		decl:    func(string) (string, bool) { return "", false },
		next:    func() int { n++; return n },
		pkg:     true,
	}
	return lower(src, env)
}
