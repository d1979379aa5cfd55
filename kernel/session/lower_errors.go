package session

import (
	"fmt"
	"go/ast"
	"go/types"
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
		case sel.Sel.Name == "Is" && targ == nil && len(c.Args) == 2 && !env.pkg:
			// errors.Is and errors.Unwrap of compiled code do not see
			// the Unwrap and Is methods of the cells' error types.
			e.replace(p.off(sel.Pos()), p.off(sel.End()), "__dcemk.ErrorsIs")
			return true
		case sel.Sel.Name == "Unwrap" && targ == nil && len(c.Args) == 1 && !env.pkg:
			e.replace(p.off(sel.Pos()), p.off(sel.End()), "__dcemk.ErrorsUnwrap")
			return true
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

// fmtFuncs are the functions of package fmt whose arguments are printed,
// with the number of leading arguments that are not.
var fmtFuncs = map[string]int{"Print": 0, "Println": 0, "Sprint": 0, "Sprintln": 0, "Printf": 1, "Sprintf": 1,
	"Errorf": 1, "Fprint": 1, "Fprintln": 1, "Fprintf": 2, "Appendf": 2, "Append": 1, "Appendln": 1}
