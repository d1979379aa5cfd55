package session

import (
	"go/ast"
)

// lowerIfaceValues puts a value into an empty interface through a slice
// literal where the interpreter loses its type: a conversion any(x) or
// interface{}(x), and a return of x as a result of type any, hand on a
// value of a cell type over a basic type (type Color int) as a value of
// the basic type when x came from a constant, so that its methods are
// gone (fmt printed 0 for a Color whose String method says "red", and an
// assertion to fmt.Stringer failed). In a slice literal's element the
// interpreter keeps the type:
//
//	any(x)       becomes  []any{x}[0]
//	return x     becomes  return []any{x}[0]   (a result of type any)
func lowerIfaceValues(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg || len(env.types) == 0 {
		return p.src
	}
	empty := func(t ast.Expr) bool {
		switch t := ast.Unparen(t).(type) {
		case *ast.Ident:
			return t.Name == "any" && t.Obj == nil
		case *ast.InterfaceType:
			return t.Methods == nil || len(t.Methods.List) == 0
		}
		return false
	}
	var visit func(n ast.Node, results []ast.Expr)
	visit = func(n ast.Node, results []ast.Expr) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n {
				return true
			}
			switch m := m.(type) {
			case *ast.FuncDecl:
				if m.Body != nil {
					visit(m.Body, fieldTypes(m.Type.Results))
				}
				return false
			case *ast.FuncLit:
				visit(m.Body, fieldTypes(m.Type.Results))
				return false
			case *ast.ReturnStmt:
				if len(m.Results) != len(results) {
					return true
				}
				for i, r := range m.Results {
					if !empty(results[i]) {
						continue
					}
					if isNil(r) {
						continue
					}
					e.insert(p.off(r.Pos()), "[]"+p.text(results[i])+"{")
					e.insert(p.off(r.End()), "}[0]")
				}
			case *ast.CallExpr:
				if len(m.Args) == 1 && !m.Ellipsis.IsValid() && empty(m.Fun) && !isNil(m.Args[0]) {
					e.replace(p.off(m.Pos()), p.off(m.Lparen)+1, "[]"+p.text(ast.Unparen(m.Fun))+"{")
					e.replace(p.off(m.Rparen), p.off(m.End()), "}[0]")
				}
			}
			return true
		})
	}
	visit(p.file, nil)
	return e.apply()
}

func isNil(x ast.Expr) bool {
	id, ok := ast.Unparen(x).(*ast.Ident)
	return ok && id.Name == "nil" && id.Obj == nil
}
