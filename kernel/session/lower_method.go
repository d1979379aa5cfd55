package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

// lowerMethodExprs rewrites method expressions of types declared in cells
// (T.M, (*T).M), which the interpreter calls with the wrong arguments
// ("reflect: Call with too many input arguments"), into func literals:
//
//	(*Vec).Scale
//
// becomes
//
//	func(__dcemR *Vec, __dcemA0 float64) { __dcemR.Scale(__dcemA0) }
//
// The method's signature comes from its declaration, in the cell or an
// earlier one; without it the expression is refused (see refuse).
func lowerMethodExprs(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	ast.Inspect(p.file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		recv, name, ok := methodExprType(sel.X, env)
		if !ok {
			return true
		}
		ft := methodSignature(p, env, name, sel.Sel.Name)
		if ft == nil {
			return true
		}
		var params, args []string
		params = append(params, "__dcemR "+recv)
		variadic := false
		k := 0
		for _, f := range fieldList(ft.Params) {
			t := types.ExprString(f)
			if el, ok := f.(*ast.Ellipsis); ok {
				t = "..." + types.ExprString(el.Elt)
				variadic = true
			}
			params = append(params, fmt.Sprintf("__dcemA%d %s", k, t))
			args = append(args, fmt.Sprintf("__dcemA%d", k))
			k++
		}
		call := "__dcemR." + sel.Sel.Name + "(" + strings.Join(args, ", ")
		if variadic {
			call += "..."
		}
		call += ")"
		var results []string
		for _, r := range fieldList(ft.Results) {
			results = append(results, types.ExprString(r))
		}
		res := ""
		switch len(results) {
		case 0:
		case 1:
			res = " " + results[0]
			call = "return " + call
		default:
			res = " (" + strings.Join(results, ", ") + ")"
			call = "return " + call
		}
		e.replace(p.off(sel.Pos()), p.off(sel.End()), fmt.Sprintf("func(%s)%s { %s }", strings.Join(params, ", "), res, call))
		return false
	})
	return e.apply()
}

// fieldList lists the types of l, one per parameter.
func fieldList(l *ast.FieldList) []ast.Expr { return fieldTypes(l) }

// methodExprType tells whether x, the operand of a selector, names a type
// that cells declared (T or (*T)): recv is the receiver type's text, name
// the type's name.
func methodExprType(x ast.Expr, env *lowerEnv) (recv, name string, ok bool) {
	isType := func(id *ast.Ident) bool {
		return id.Obj != nil && id.Obj.Kind == ast.Typ || id.Obj == nil && env.types[id.Name]
	}
	switch x := ast.Unparen(x).(type) {
	case *ast.StarExpr:
		if id, ok := x.X.(*ast.Ident); ok && isType(id) {
			if _, paren := x.X.(*ast.Ident); paren {
				return "*" + id.Name, id.Name, true
			}
		}
	case *ast.Ident:
		if isType(x) {
			return x.Name, x.Name, true
		}
	}
	return "", "", false
}

// methodSignature finds the declaration of method m of type t.
func methodSignature(p *parsed, env *lowerEnv, t, m string) *ast.FuncType {
	for _, d := range p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 && fd.Name.Name == m && recvName(fd.Recv.List[0].Type) == t {
			if isGenericRecv(fd.Recv.List[0].Type) {
				return nil
			}
			return fd.Type
		}
	}
	if src, ok := env.decl(t + "." + m); ok {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src+"{}", parser.SkipObjectResolution)
		if err == nil && len(f.Decls) == 1 {
			if fd, ok := f.Decls[0].(*ast.FuncDecl); ok && fd.Recv != nil && !isGenericRecv(fd.Recv.List[0].Type) {
				return fd.Type
			}
		}
	}
	return nil
}

func isGenericRecv(x ast.Expr) bool {
	if s, ok := x.(*ast.StarExpr); ok {
		x = s.X
	}
	switch x.(type) {
	case *ast.IndexExpr, *ast.IndexListExpr:
		return true
	}
	return false
}
