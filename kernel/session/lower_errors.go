package session

import (
	"fmt"
	"go/ast"
	"go/types"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// lowerErrors rewrites errors.As with a target of a type declared in a
// cell, and errors.AsType (Go 1.26, generic): compiled errors.As cannot
// tell that an interpreted type implements error ("*target must be
// interface or implement error"). The rewrite walks the error tree that
// the compiled __dcemk.ErrorTree lists, in errors.As's order, with type
// assertions:
//
//	errors.As(err, &se)
//
// becomes
//
//	func() bool { for _, e := range __dcemk.ErrorTree(err) { if t, ok := e.(*StepError); ok { se = t; return true } }; return false }()
func lowerErrors(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	t := &typer{p: p, env: env}
	ast.Inspect(p.file, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fun := c.Fun
		var targ ast.Expr
		if ix, ok := fun.(*ast.IndexExpr); ok {
			fun, targ = ix.X, ix.Index
		}
		sel, ok := fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pk, ok := sel.X.(*ast.Ident); ok && pk.Obj == nil && sel.Sel.Name == "Errorf" && targ == nil &&
			(env.imports[pk.Name] == "fmt" || importedIn(p, pk.Name) == "fmt") && len(c.Args) > 1 {
			// fmt.Errorf("...%w", err): an interpreted error reaches
			// compiled code as an error only when it is passed as one
			// (a conversion error(x) is not enough); as an interface{}
			// argument, %w loses it (Unwrap gives nil, errors.Is and
			// errors.As miss it). __dcemErr passes it on as an error.
			if lit, ok := c.Args[0].(*ast.BasicLit); ok {
				if format, err := strconv.Unquote(lit.Value); err == nil {
					for _, k := range wrapVerbs(format) {
						if k+1 < len(c.Args) {
							a := c.Args[k+1]
							e.insert(p.off(a.Pos()), "__dcemErr(")
							e.insert(p.off(a.End()), ")")
						}
					}
				}
			}
			return true
		}
		pk, ok := sel.X.(*ast.Ident)
		if !ok || pk.Obj != nil || env.imports[pk.Name] != "errors" && importedIn(p, pk.Name) != "errors" {
			return true
		}
		switch {
		case sel.Sel.Name == "As" && targ == nil && len(c.Args) == 2:
			u, ok := ast.Unparen(c.Args[1]).(*ast.UnaryExpr)
			if !ok || u.Op.String() != "&" {
				return true
			}
			ty, _ := t.exprType(u.X)
			if ty == nil || !concreteType(ty, env) {
				return true
			}
			e.replace(p.off(c.Pos()), p.off(c.End()), fmt.Sprintf(
				"func() bool { for _, __dcemE := range __dcemk.ErrorTree(%s) { if t, ok := __dcemE.(%s); ok { %s = t; return true } }; return false }()",
				p.text(c.Args[0]), types.ExprString(ty), p.text(u.X)))
			return false
		case sel.Sel.Name == "AsType" && targ != nil && len(c.Args) == 1:
			tt := p.text(targ)
			e.replace(p.off(c.Pos()), p.off(c.End()), fmt.Sprintf(
				"func() (%s, bool) { for _, __dcemE := range __dcemk.ErrorTree(%s) { if t, ok := __dcemE.(%s); ok { return t, true } }; var z %s; return z, false }()",
				tt, p.text(c.Args[0]), tt, tt))
			return false
		}
		return true
	})
	return e.apply()
}

// concreteType reports whether the type expression t names a pointer or
// a type that cells declared and that is no interface.
func concreteType(t ast.Expr, env *lowerEnv) bool {
	switch t := t.(type) {
	case *ast.StarExpr:
		return true
	case *ast.Ident:
		return env.types[t.Name] && !env.ifaces[t.Name] || t.Obj != nil && t.Obj.Kind == ast.Typ
	}
	return false
}

// errorTree lists err and the errors it wraps, depth first, in the order
// errors.As visits them. An interpreted error that compiled code holds is
// wrapped by the interpreter in a struct whose IValue field holds the
// interpreted value: the list holds that value, which interpreted code
// can assert to its type.
func errorTree(err error) []any {
	var out []any
	var walk func(error)
	walk = func(e error) {
		for e != nil {
			v := reflect.ValueOf(e)
			for v.Kind() == reflect.Pointer && !v.IsNil() {
				v = v.Elem()
			}
			if v.Kind() == reflect.Struct {
				if iv := v.FieldByName("IValue"); iv.IsValid() && iv.CanInterface() && v.FieldByName("WError").IsValid() {
					out = append(out, iv.Interface())
				} else {
					out = append(out, e)
				}
			} else {
				out = append(out, e)
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				e = u.Unwrap()
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					walk(x)
				}
				return
			default:
				return
			}
		}
	}
	walk(err)
	return out
}

// wrapVerbs returns the indices of the arguments that the %w verbs of a
// format consume; none when the format uses * or explicit indices.
func wrapVerbs(format string) []int {
	var out []int
	for k, v := range formatVerbs(format) {
		if v == 'w' {
			out = append(out, k)
		}
	}
	return out
}

// formatVerbs returns the verb of each argument that a format consumes;
// nil when the format uses * or explicit argument indices.
func formatVerbs(format string) []rune {
	out := []rune{}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i >= len(format) {
			break
		}
		switch format[i] {
		case '%':
			continue
		case '*', '[':
			return nil
		}
		out = append(out, rune(format[i]))
	}
	return out
}

// fmtSeq is a value that fmt prints as a slice whose elements at returns,
// with the text of their Error or String method when they have one:
// compiled fmt does not see the methods of interpreted values inside a
// slice, and an interpreted value that compiled code receives from an
// interpreted function loses them too, so the interpreted side calls them.
type fmtSeq struct {
	n  int
	at func(int) (any, string, bool)
}

func (s fmtSeq) Format(f fmt.State, verb rune) {
	directive := fmt.FormatString(f, verb)
	methods := strings.ContainsRune("vsqxX", verb) && !(verb == 'v' && f.Flag('#'))
	io.WriteString(f, "[")
	for i := range s.n {
		if i > 0 {
			io.WriteString(f, " ")
		}
		v, text, ok := s.at(i)
		if ok && methods {
			fmt.Fprintf(f, directive, text)
			continue
		}
		fmt.Fprintf(f, directive, v)
	}
	io.WriteString(f, "]")
}

// newFmtSeq returns a fmtSeq.
func newFmtSeq(n int, at func(int) (any, string, bool)) any { return fmtSeq{n, at} }

// fmtFuncs are the functions of package fmt whose arguments are printed,
// with the number of leading arguments that are not.
var fmtFuncs = map[string]int{"Print": 0, "Println": 0, "Sprint": 0, "Sprintln": 0, "Printf": 1, "Sprintf": 1,
	"Errorf": 1, "Fprint": 1, "Fprintln": 1, "Fprintf": 2, "Appendf": 2, "Append": 1, "Appendln": 1}

// lowerFmtSlices hands fmt a slice of values of a cell type that has a
// String or Error method element by element (see fmtSeq), so that it is
// printed as Go prints it:
//
//	fmt.Println(points)
//
// becomes
//
//	fmt.Println(func(s []Point) any { return __dcemk.FmtSeq(len(s), func(i int) (any, string, bool) { ... }) }(points))
//
// where the inner function returns an element and the text of its Error or
// String method.
func lowerFmtSlices(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		return p.src
	}
	t := &typer{p: p, env: env}
	hasString := func(name string) bool {
		for _, m := range []string{"String", "Error"} {
			if _, ok := env.decl(name + "." + m); ok {
				return true
			}
			for _, d := range p.file.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 && fd.Name.Name == m && recvName(fd.Recv.List[0].Type) == name {
					return true
				}
			}
		}
		return false
	}
	ast.Inspect(p.file, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pk, ok := sel.X.(*ast.Ident)
		if !ok || pk.Obj != nil || env.imports[pk.Name] != "fmt" && importedIn(p, pk.Name) != "fmt" {
			return true
		}
		skip, ok := fmtFuncs[sel.Sel.Name]
		if !ok || c.Ellipsis.IsValid() {
			return true
		}
		// With a format, only the arguments of verbs that print values
		// (not %T, %p): the wrapper has its own type and address.
		var verbs []rune
		if strings.HasSuffix(sel.Sel.Name, "f") {
			lit, ok := c.Args[skip-1].(*ast.BasicLit)
			if !ok {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if verbs = formatVerbs(format); verbs == nil {
				return true
			}
		}
		for i, a := range c.Args {
			if i < skip {
				continue
			}
			if verbs != nil && (i-skip >= len(verbs) || verbs[i-skip] == 'T' || verbs[i-skip] == 'p') {
				continue
			}
			at, _ := t.exprType(a)
			arr, ok := at.(*ast.ArrayType)
			if !ok {
				continue
			}
			el := arr.Elt
			if s, ok := el.(*ast.StarExpr); ok {
				el = s.X
			}
			id, ok := el.(*ast.Ident)
			if !ok || el != arr.Elt || !hasString(id.Name) {
				continue
			}
			e.insert(p.off(a.Pos()), fmt.Sprintf("func(__dcemS %s) any { return __dcemk.FmtSeq(len(__dcemS), func(i int) (any, string, bool) { e := __dcemS[i]; var v any = e; "+
				"if x, ok := v.(error); ok { return e, x.Error(), true }; if x, ok := v.(%s.Stringer); ok { return e, x.String(), true }; return e, \"\", false }) }(",
				types.ExprString(at), pk.Name))
			e.insert(p.off(a.End()), ")")
		}
		return true
	})
	return e.apply()
}
