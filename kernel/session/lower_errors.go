package session

import (
	"fmt"
	"go/ast"
	"go/types"
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
// errors.As visits them.
func errorTree(err error) []error {
	var out []error
	var walk func(error)
	walk = func(e error) {
		for e != nil {
			out = append(out, e)
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
