package session

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
)

// Some of yaegi's messages mislead. translations lists those that the
// session rewrites; messages that depend on the cell (an undefined name
// reported as something else) are handled by explainCompile.
var translations = []struct {
	// yaegi is a regular expression for yaegi's message, or part of it.
	yaegi *regexp.Regexp
	// ours replaces the match (regexp.Expand syntax).
	ours string
}{
	// Indexing an interpreted slice out of range panics in reflect (see
	// also panicmsg.go, for recovered panics).
	{regexp.MustCompile(`reflect: (slice|array|string) index out of range`), "runtime error: index out of range (the interpreter does not report the index and the length)"},
	{regexp.MustCompile(`reflect\.Value\.Slice3?: slice index out of bounds`), "runtime error: slice bounds out of range (the interpreter does not report the bounds)"},
	{regexp.MustCompile(`reflect\.Value\.Call: call of nil function`), "runtime error: invalid memory address or nil pointer dereference"},
	// A method call on a nil interface value, through reflection.
	{regexp.MustCompile(`reflect: call of reflect\.Value\.Call on zero Value`), "call of a nil function or method value"},
	{regexp.MustCompile(`reflect: call of reflect\.Value\.(\w+) on zero Value`), "use of a nil value (reflect.Value.$1 on a zero Value)"},
	// Standard packages that need the runtime and cannot be interpreted.
	{regexp.MustCompile(`import "(unique|weak|runtime/\w+)" error: unable to find source related to: "[^"]*"\..*`), `package $1 cannot be used in the kernel: it is not in the interpreter's compiled standard library and needs the Go runtime, so it cannot be interpreted from source`},
	// Inference of a generic call that the kernel could not make explicit.
	{regexp.MustCompile(`undefined type for (\w+)$`), "cannot infer the type parameter $1 of this generic call; write the type arguments explicitly, as in F[int, string](...)"},
}

// translate rewrites the yaegi messages listed in translations.
func translate(msg string) string {
	for _, t := range translations {
		msg = t.yaegi.ReplaceAllString(msg, t.ours)
	}
	return msg
}

// misleadingCompile matches compile failures after which yaegi's message
// does not name the real problem, which is then often an undefined name:
// "y := foo.Bar()" with foo undefined says "constant definition loop", and
// "y := foo.Bar().Baz()" panics inside the compiler.
var misleadingCompile = regexp.MustCompile(`constant definition loop|invalid memory address or nil pointer dereference|index out of range`)

// explainCompile returns a better error for a compile failure of src (a
// step of a cell, padded to its cell lines) when yaegi's own is
// misleading: the first name that src uses and the interpreter does not
// know, as the Go compiler reports it ("cell line 2: undefined: foo").
func (s *Session) explainCompile(src string, err error) error {
	if !misleadingCompile.MatchString(err.Error()) {
		return err
	}
	if name, line, ok := s.firstUndefined(src); ok {
		return errors.New(itoa(line) + ":1: undefined: " + name)
	}
	return err
}

// firstUndefined finds the first identifier that src uses as a value or a
// package (foo in foo.Bar()) which is neither declared in src nor known to
// the interpreter.
func (s *Session) firstUndefined(src string) (name string, line int, ok bool) {
	const head = "package p; func _() {"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", head+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		// Declarations rather than statements.
		f, err = parser.ParseFile(fset, "", "package p;"+src, parser.SkipObjectResolution)
		if err != nil {
			return "", 0, false
		}
	}
	declared := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		case *ast.TypeSpec:
			declared[n.Name.Name] = true
		case *ast.FuncDecl:
			declared[n.Name.Name] = true
		case *ast.Field:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok {
					declared[id.Name] = true
				}
			}
		}
		return true
	})
	var found *ast.Ident
	ast.Inspect(f, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		var id *ast.Ident
		switch n := n.(type) {
		case *ast.SelectorExpr:
			id, _ = n.X.(*ast.Ident)
		case *ast.CallExpr:
			id, _ = n.Fun.(*ast.Ident)
		case *ast.AssignStmt:
			for _, r := range n.Rhs {
				if rid, ok := r.(*ast.Ident); ok && s.unknown(rid.Name, declared) {
					found = rid
					return false
				}
			}
		case *ast.ValueSpec:
			// const (B = nosuch + 1): any name of a value.
			for _, v := range n.Values {
				ast.Inspect(v, func(m ast.Node) bool {
					if found != nil {
						return false
					}
					switch m := m.(type) {
					case *ast.SelectorExpr:
						if x, ok := m.X.(*ast.Ident); ok && s.unknown(x.Name, declared) {
							found = x
						}
						return false
					case *ast.KeyValueExpr:
						return true
					case *ast.Ident:
						if m.Name != "iota" && m.Name != "true" && m.Name != "false" && m.Name != "nil" && s.unknown(m.Name, declared) {
							found = m
						}
					}
					return true
				})
				if found != nil {
					return false
				}
			}
		}
		if id != nil && s.unknown(id.Name, declared) {
			found = id
			return false
		}
		return true
	})
	if found == nil {
		return "", 0, false
	}
	pos := fset.Position(found.Pos())
	return found.Name, pos.Line, true
}

// unknown reports whether name is not declared in the step, not a
// builtin, not imported and unknown to the interpreter.
func (s *Session) unknown(name string, declared map[string]bool) bool {
	if name == "_" || declared[name] || s.imported[name] != "" || s.vars[name] {
		return false
	}
	if _, ok := s.decls[name]; ok {
		return false
	}
	for _, b := range builtins {
		if b == name {
			return false
		}
	}
	// Ask the interpreter; compiling an assignment to _ declares nothing.
	// (After the failed compile, yaegi may hold the name as an
	// "incomplete type".)
	err := s.compiles("_ = " + name)
	return err != nil && (strings.Contains(err.Error(), "undefined: "+name) || strings.Contains(err.Error(), "incomplete type "+name))
}

func itoa(n int) string {
	if n <= 0 {
		return "1"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
