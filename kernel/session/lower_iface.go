package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
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
	inspectWithResults(p.file, nil, func(m ast.Node, results []ast.Expr) bool {
		switch m := m.(type) {
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
	return e.apply()
}

// inspectWithResults walks n as ast.Inspect does, calling f on every node
// below it with the result types of the innermost function declaration or
// literal that encloses the node (results for the nodes outside any); f
// returns whether to go into the node's children.
func inspectWithResults(n ast.Node, results []ast.Expr, f func(m ast.Node, results []ast.Expr) bool) {
	ast.Inspect(n, func(m ast.Node) bool {
		if m == n {
			return true
		}
		switch m := m.(type) {
		case *ast.FuncDecl:
			if m.Body != nil {
				inspectWithResults(m.Body, fieldTypes(m.Type.Results), f)
			}
			return false
		case *ast.FuncLit:
			inspectWithResults(m.Body, fieldTypes(m.Type.Results), f)
			return false
		}
		return f(m, results)
	})
}

func isNil(x ast.Expr) bool {
	id, ok := ast.Unparen(x).(*ast.Ident)
	return ok && id.Name == "nil" && id.Obj == nil
}

// copyIfaceValues gives an interface a copy of a variable (or a field or
// an element) of a cell struct or array type with methods: the interpreter's interface
// value refers to the variable itself, so that a later change of the
// variable showed through it (c := Circle{1}; shapes = append(shapes, c);
// c.R = 2 gave two circles of radius 2, and appending a range variable
// gave the last element each time). Where the value goes into an
// interface, or where the source does not tell (an argument of a function
// it cannot type), x becomes []T{x}[0], an element of a slice of its own:
//
//	shapes = append(shapes, c)   becomes   shapes = append(shapes, []Circle{c}[0])
//
// Arguments of parameters of known non-interface types, and of the fmt
// and log print functions (which print at once), are left as they are. A
// method value x.M of a method with a value receiver binds a copy, made
// by a call of a func literal (Go binds a copy of x; the interpreter's
// method value read x when called):
//
//	f := c.Area   becomes   f := func(__dcemR Circle) func() float64 { return __dcemR.Area }(c)
func copyIfaceValues(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg || len(env.types) == 0 {
		return p.src
	}
	withMethods := map[string]bool{}
	for _, d := range p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 {
			if id, ok := fd.Recv.List[0].Type.(*ast.Ident); ok {
				withMethods[id.Name] = true
			}
		}
	}
	local := map[string]ast.Expr{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.TypeParams == nil {
			local[ts.Name.Name] = ts.Type
		}
		return true
	})
	hasMethods := func(name string) bool {
		if env.ifaces[name] || !env.types[name] {
			return false
		}
		// Of a struct or array type: a value of a type over a basic
		// type is handed on as the basic value (see lowerIfaceValues).
		under := local[name]
		if under == nil {
			under = declaredType(name, env)
		}
		switch under.(type) {
		case *ast.StructType, *ast.ArrayType:
		default:
			return false
		}
		return withMethods[name] || env.methods != nil && env.methods(name)
	}
	t := &typer{p: p, env: env}
	// copied returns the type of x when x is a variable, a field or an
	// element of a cell type with methods.
	var copiedAny func(x ast.Expr, methods bool) (string, bool)
	copied := func(x ast.Expr) (string, bool) { return copiedAny(x, true) }
	copiedAny = func(x ast.Expr, methods bool) (string, bool) {
		switch y := ast.Unparen(x).(type) {
		case *ast.Ident:
			if y.Obj != nil && y.Obj.Kind != ast.Var || y.Name == "_" {
				return "", false
			}
		case *ast.SelectorExpr:
			if pk, ok := y.X.(*ast.Ident); ok && pk.Obj == nil {
				if _, ok := t.importPath(pk.Name); ok {
					return "", false
				}
			}
		case *ast.IndexExpr, *ast.StarExpr:
		default:
			return "", false
		}
		t.fromValue = false
		ty, _ := t.exprType(x)
		id, ok := ty.(*ast.Ident)
		if !ok || t.fromValue || methods && !hasMethods(id.Name) {
			return "", false
		}
		if !methods {
			// A struct type that may have promoted methods.
			under := local[id.Name]
			if under == nil {
				under = declaredType(id.Name, env)
			}
			if _, ok := under.(*ast.StructType); !ok || env.ifaces[id.Name] || !env.types[id.Name] {
				return "", false
			}
		}
		return id.Name, true
	}
	// iface reports whether values of the type ty go into an interface;
	// unknown (nil) counts as one.
	iface := func(ty ast.Expr) bool {
		return ty == nil || ifaceType(ty, env)
	}
	wrap := func(x ast.Expr, into ast.Expr) {
		if name, ok := copied(x); ok && iface(into) {
			e.insert(p.off(x.Pos()), "[]"+name+"{")
			e.insert(p.off(x.End()), "}[0]")
		}
	}
	// A method value x.M of a value-receiver method binds a copy of x
	// in Go; the interpreter's referred to x.
	called := map[*ast.SelectorExpr]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(c.Fun).(*ast.SelectorExpr); ok {
				called[sel] = true
			}
		}
		return true
	})
	valueMethod := func(typeName, method string) *ast.FuncType {
		var decls []*ast.FuncDecl
		for _, d := range p.file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				decls = append(decls, fd)
			}
		}
		if env.methodDecls != nil {
			for _, src := range env.methodDecls(typeName) {
				f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src+"{}", parser.SkipObjectResolution)
				if err == nil && len(f.Decls) == 1 {
					if fd, ok := f.Decls[0].(*ast.FuncDecl); ok {
						decls = append(decls, fd)
					}
				}
			}
		}
		for _, fd := range decls {
			if fd.Recv == nil || len(fd.Recv.List) != 1 || fd.Name.Name != method {
				continue
			}
			if id, ok := fd.Recv.List[0].Type.(*ast.Ident); ok && id.Name == typeName && fd.Type.TypeParams == nil {
				return fd.Type
			}
		}
		return nil
	}
	// promotedValueMethod finds the method of typeName, or of a field it
	// embeds by value.
	var promotedValueMethod func(typeName, method string, depth int) *ast.FuncType
	promotedValueMethod = func(typeName, method string, depth int) *ast.FuncType {
		if ft := valueMethod(typeName, method); ft != nil || depth > 3 {
			return ft
		}
		under := local[typeName]
		if under == nil {
			under = declaredType(typeName, env)
		}
		st, ok := under.(*ast.StructType)
		if !ok {
			return nil
		}
		for _, f := range st.Fields.List {
			if id, ok := f.Type.(*ast.Ident); ok && len(f.Names) == 0 && env.types[id.Name] {
				if ft := promotedValueMethod(id.Name, method, depth+1); ft != nil {
					return ft
				}
			}
		}
		return nil
	}
	inspectWithResults(p.file, nil, func(m ast.Node, results []ast.Expr) bool {
		switch m := m.(type) {
		case *ast.SelectorExpr:
			if !called[m] {
				if name, ok := copiedAny(m.X, false); ok {
					if ft := promotedValueMethod(name, m.Sel.Name, 0); ft != nil {
						e.insert(p.off(m.Pos()), fmt.Sprintf("func(__dcemR %s) %s { return __dcemR.%s }(", name, types.ExprString(ft), m.Sel.Name))
						e.replace(p.off(m.X.End()), p.off(m.End()), ")")
					}
				}
			}
		case *ast.ReturnStmt:
			if len(m.Results) == len(results) {
				for i, r := range m.Results {
					if ifaceType(results[i], env) {
						wrap(r, results[i])
					}
				}
			}
		case *ast.SendStmt:
			var elem ast.Expr
			if ct, _ := t.exprType(m.Chan); ct != nil {
				if c, ok := ct.(*ast.ChanType); ok {
					elem = c.Value
				}
			}
			wrap(m.Value, elem)
		case *ast.AssignStmt:
			if m.Tok != token.ASSIGN || len(m.Lhs) != len(m.Rhs) {
				return true
			}
			for i, r := range m.Rhs {
				lt, _ := t.exprType(m.Lhs[i])
				wrap(r, lt)
			}
		case *ast.ValueSpec:
			if m.Type != nil && ifaceType(m.Type, env) {
				for _, v := range m.Values {
					wrap(v, m.Type)
				}
			}
		case *ast.CompositeLit:
			var elem func(i int, key ast.Expr) ast.Expr
			switch ct := ast.Unparen(m.Type).(type) {
			case *ast.ArrayType:
				elem = func(int, ast.Expr) ast.Expr { return ct.Elt }
			case *ast.MapType:
				elem = func(int, ast.Expr) ast.Expr { return ct.Value }
			case *ast.Ident:
				under := declaredType(ct.Name, env)
				if st, ok := under.(*ast.StructType); ok {
					var names []string
					var types []ast.Expr
					for _, f := range st.Fields.List {
						if len(f.Names) == 0 {
							names, types = append(names, embeddedName(f.Type)), append(types, f.Type)
						}
						for _, n := range f.Names {
							names, types = append(names, n.Name), append(types, f.Type)
						}
					}
					elem = func(i int, key ast.Expr) ast.Expr {
						if k, ok := key.(*ast.Ident); ok {
							for j, n := range names {
								if n == k.Name {
									return types[j]
								}
							}
							return nil
						}
						if key == nil && i < len(types) {
							return types[i]
						}
						return nil
					}
				} else if at, ok := under.(*ast.ArrayType); ok {
					elem = func(int, ast.Expr) ast.Expr { return at.Elt }
				} else if mt, ok := under.(*ast.MapType); ok {
					elem = func(int, ast.Expr) ast.Expr { return mt.Value }
				}
			}
			for i, el := range m.Elts {
				var key ast.Expr
				if kv, ok := el.(*ast.KeyValueExpr); ok {
					key, el = kv.Key, kv.Value
				}
				var into ast.Expr
				if elem != nil {
					into = elem(i, key)
				}
				wrap(el, into)
			}
		case *ast.CallExpr:
			callArgs(t, m, env, wrap)
		}
		return true
	})
	return e.apply()
}

// callArgs calls wrap with each argument of the call c and its parameter
// type (nil where the source does not tell), leaving out the arguments
// of builtins other than append, of conversions, and of the fmt and log
// print functions.
func callArgs(t *typer, c *ast.CallExpr, env *lowerEnv, wrap func(x, into ast.Expr)) {
	if t.conversion(c.Fun) != nil {
		return
	}
	if fn, ok := c.Fun.(*ast.Ident); ok && fn.Obj == nil {
		switch fn.Name {
		case "append":
			if len(c.Args) > 1 && !c.Ellipsis.IsValid() {
				var elem ast.Expr
				if st, _ := t.exprType(c.Args[0]); st != nil {
					if at, ok := st.(*ast.ArrayType); ok {
						elem = at.Elt
					}
				}
				for _, a := range c.Args[1:] {
					wrap(a, elem)
				}
			}
			return
		case "len", "cap", "copy", "delete", "print", "println", "panic", "min", "max", "clear", "new", "make", "complex", "real", "imag", "close":
			if fn.Name != "panic" {
				return
			}
		}
	}
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if pk, ok := sel.X.(*ast.Ident); ok && pk.Obj == nil {
			if path, ok := t.importPath(pk.Name); ok {
				if _, ok := printFuncs[path][sel.Sel.Name]; ok {
					return
				}
				if v, ok := t.env.symbol(path, sel.Sel.Name); ok && v.Kind() == reflect.Func {
					ft := v.Type()
					for i, a := range c.Args {
						var in reflect.Type
						switch {
						case ft.IsVariadic() && i >= ft.NumIn()-1:
							in = ft.In(ft.NumIn() - 1).Elem()
						case i < ft.NumIn():
							in = ft.In(i)
						}
						if in != nil && in.Kind() != reflect.Interface {
							continue
						}
						wrap(a, nil)
					}
					return
				}
			}
		}
	}
	var params []ast.Expr
	variadic := false
	if ft, generic := t.signature(c.Fun); ft != nil && !generic {
		for _, f := range ft.Params.List {
			n := max(1, len(f.Names))
			for range n {
				params = append(params, f.Type)
			}
		}
	} else if ft := methodType(t, c.Fun); ft != nil {
		for _, f := range ft.Params.List {
			n := max(1, len(f.Names))
			for range n {
				params = append(params, f.Type)
			}
		}
	}
	if len(params) > 0 {
		if el, ok := params[len(params)-1].(*ast.Ellipsis); ok {
			params[len(params)-1], variadic = el.Elt, true
		}
	}
	for i, a := range c.Args {
		var into ast.Expr
		switch {
		case variadic && i >= len(params)-1 && !c.Ellipsis.IsValid():
			into = params[len(params)-1]
		case i < len(params):
			into = params[i]
			if variadic && i == len(params)-1 {
				into = nil
			}
		}
		if into != nil && !ifaceType(into, env) {
			continue
		}
		wrap(a, into)
	}
}

// methodType is the type of the method that fun selects on a value of a
// cell type, or nil.
func methodType(t *typer, fun ast.Expr) *ast.FuncType {
	if sel, ok := fun.(*ast.SelectorExpr); ok {
		return t.method(sel)
	}
	return nil
}
