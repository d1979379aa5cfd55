package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"sort"
	"strings"
)

// The interpreter makes a type that a cell declares over another type
// (type ID int, type Names []string) out of the reflect type of the
// underlying one, and its type assertions and type switches on a value
// held in an interface compare reflect types: x.(int) holds for an ID and
// x.(ID) for an int; two struct types declared alike cannot be told
// apart either. refuseAlikeTypes refuses a type switch case or a type
// assertion that names a type which another type of the session is
// stored alike, where a value of that other type could be in the
// interface.

// alikeTypes returns, for the type t named in a case or an assertion, the
// types of the session (or predeclared ones) that the interpreter stores
// alike; withMethods restricts them to types that have methods (for an
// operand of an interface type with methods, which a type without
// methods cannot be in).
func alikeTypes(t ast.Expr, p *parsed, env *lowerEnv, withMethods bool) []string {
	local := map[string]ast.Expr{}
	methods := map[string]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeSpec:
			if n.TypeParams == nil && !n.Assign.IsValid() {
				local[n.Name.Name] = n.Type
			}
		case *ast.FuncDecl:
			if n.Recv != nil && len(n.Recv.List) == 1 {
				methods[recvName(n.Recv.List[0].Type)] = true
			}
		}
		return true
	})
	underOf := func(name string) ast.Expr {
		if u, ok := local[name]; ok {
			return u
		}
		return declaredType(name, env)
	}
	// repr is the text of the type that the interpreter stores a value
	// of type x as: declared names resolved to their underlying types.
	var repr func(x ast.Expr, depth int) string
	repr = func(x ast.Expr, depth int) string {
		if depth > 10 {
			return ""
		}
		switch x := ast.Unparen(x).(type) {
		case *ast.Ident:
			switch x.Name {
			case "byte":
				return "uint8"
			case "rune":
				return "int32"
			}
			if builtinTypes[x.Name] {
				return x.Name
			}
			if u := underOf(x.Name); u != nil {
				return repr(u, depth+1)
			}
			return ""
		case *ast.StarExpr:
			if r := repr(x.X, depth+1); r != "" {
				return "*" + r
			}
			return ""
		case *ast.ArrayType:
			if r := repr(x.Elt, depth+1); r != "" {
				if x.Len == nil {
					return "[]" + r
				}
				return "[" + types.ExprString(x.Len) + "]" + r
			}
			return ""
		case *ast.MapType:
			k, v := repr(x.Key, depth+1), repr(x.Value, depth+1)
			if k != "" && v != "" {
				return "map[" + k + "]" + v
			}
			return ""
		case *ast.StructType:
			// Fields as declared: their types resolved.
			var b strings.Builder
			b.WriteString("struct{")
			for _, f := range x.Fields.List {
				r := repr(f.Type, depth+1)
				if r == "" {
					return ""
				}
				var names []string
				for _, n := range f.Names {
					names = append(names, n.Name)
				}
				b.WriteString(strings.Join(names, ",") + " " + r + ";")
			}
			b.WriteString("}")
			return b.String()
		case *ast.SelectorExpr:
			// A compiled type; none for an interface (asserted by its
			// methods).
			if pk, ok := x.X.(*ast.Ident); ok {
				path := env.imports[pk.Name]
				if path == "" {
					path = importedIn(p, pk.Name)
				}
				if v, ok := env.symbol(path, x.Sel.Name); ok && v.Kind() == reflect.Pointer && v.IsNil() && v.Type().Elem().Kind() == reflect.Interface {
					return ""
				}
			}
			return types.ExprString(x)
		case *ast.FuncType, *ast.ChanType:
			return types.ExprString(x)
		}
		return ""
	}
	target := repr(t, 0)
	if target == "" || target == "any" || target == "error" || strings.HasPrefix(target, "interface") {
		return nil
	}
	if id, ok := ast.Unparen(t).(*ast.Ident); ok && env.ifaces[id.Name] {
		return nil
	}
	hasMethods := func(name string) bool {
		if methods[name] {
			return true
		}
		return env.methods != nil && env.methods(name)
	}
	self := types.ExprString(t)
	var out []string
	// The type written out, which a value of a declared type is stored as.
	if !withMethods && target != self && !strings.Contains(target, "struct{") {
		out = append(out, target)
	}
	names := make([]string, 0, len(env.types))
	for n := range env.types {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if n == self || env.ifaces[n] || withMethods && !hasMethods(n) {
			continue
		}
		if u := underOf(n); u != nil && repr(u, 0) == target {
			out = append(out, n)
		}
	}
	return out
}

// refuseAlikeTypes refuses the type switch cases and type assertions that
// the interpreter would match with a value of another type stored alike
// (see alikeTypes), also those of the functions of earlier cells that a
// type that src declares makes so.
func refuseAlikeTypes(p *parsed, env *lowerEnv) error {
	if err := refuseAlikeIn(p, env); err != nil {
		return err
	}
	if env.funcSources == nil {
		return nil
	}
	var decl *ast.TypeSpec
	for _, d := range p.file.Decls {
		if g, ok := d.(*ast.GenDecl); ok {
			for _, sp := range g.Specs {
				if ts, ok := sp.(*ast.TypeSpec); ok && decl == nil {
					decl = ts
				}
			}
		}
	}
	if decl == nil {
		return nil
	}
	srcs := env.funcSources()
	names := make([]string, 0, len(srcs))
	for n := range srcs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.Contains(p.src, "func "+n+"(") || strings.Contains(p.src, "func "+n+"[") {
			continue // declared again here
		}
		q := parseAny(srcs[n])
		if q == nil {
			continue
		}
		if err := refuseAlikeIn(q, env); err != nil {
			return &lowerError{line: p.line(decl.Pos()), msg: fmt.Sprintf("type %s: function %s, declared in an earlier cell, has a %s",
				decl.Name.Name, n, err.(*lowerError).msg)}
		}
	}
	return nil
}

func refuseAlikeIn(p *parsed, env *lowerEnv) error {
	var err error
	t := &typer{p: p, env: env}
	// withMethods tells whether the operand x is of an interface type
	// with methods; its dynamic values then have methods.
	withMethods := func(x ast.Expr) bool {
		ty, _ := t.exprType(x)
		switch ty := ty.(type) {
		case *ast.Ident:
			return ty.Name == "error" || env.ifaces[ty.Name]
		case *ast.SelectorExpr:
			return true // a compiled interface (fmt.Stringer, io.Reader)
		case *ast.InterfaceType:
			return ty.Methods != nil && len(ty.Methods.List) > 0
		}
		return false
	}
	check := func(n ast.Node, typ, x ast.Expr, what string) {
		if err != nil || typ == nil {
			return
		}
		if id, ok := typ.(*ast.Ident); ok && id.Name == "nil" {
			return
		}
		if name, ok := lostStruct(typ, x, p, env, t); ok {
			err = &lowerError{line: p.line(n.Pos()), msg: fmt.Sprintf(
				"%s %s: a value of the struct type %s whose methods have value receivers, held in a compiled interface such as error or fmt.Stringer, is lost by the interpreter (the assertion fails); declare the methods of %s with pointer receivers (func (e *%s) Error() string) and use *%s",
				what, types.ExprString(typ), name, name, name, name)}
			return
		}
		alike := alikeTypes(typ, p, env, withMethods(x))
		if len(alike) == 0 {
			return
		}
		name := types.ExprString(typ)
		err = &lowerError{line: p.line(n.Pos()), msg: fmt.Sprintf(
			"%s %s: the interpreter stores the values of %s and %s alike and cannot tell them apart in an interface (%s would also match a value of %s); "+
				"give %s a representation of its own (type %s struct{ V %s }), or keep such values in variables of their static types rather than in an interface",
			what, name, name, strings.Join(alike, " and "), name, alike[0],
			declaredOf(name, alike), declaredOf(name, alike), underlyingText(name, alike, p, env))}
	}
	inSwitch := map[*ast.TypeAssertExpr]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeSwitchStmt:
			var ta *ast.TypeAssertExpr
			switch a := n.Assign.(type) {
			case *ast.ExprStmt:
				ta, _ = a.X.(*ast.TypeAssertExpr)
			case *ast.AssignStmt:
				if len(a.Rhs) == 1 {
					ta, _ = a.Rhs[0].(*ast.TypeAssertExpr)
				}
			}
			if ta == nil {
				return true
			}
			inSwitch[ta] = true
			for _, st := range n.Body.List {
				for _, c := range st.(*ast.CaseClause).List {
					check(c, c, ta.X, "type switch case")
				}
			}
		case *ast.TypeAssertExpr:
			if !inSwitch[n] && n.Type != nil {
				check(n, n.Type, n.X, "type assertion to")
			}
		case *ast.CallExpr:
			// errors.As(err, &target) asserts each error of the tree.
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "As" && len(n.Args) == 2 {
				if pk, ok := sel.X.(*ast.Ident); ok && pk.Obj == nil && (env.imports[pk.Name] == "errors" || importedIn(p, pk.Name) == "errors") {
					if u, ok := ast.Unparen(n.Args[1]).(*ast.UnaryExpr); ok && u.Op == token.AND {
						if ty, _ := t.exprType(u.X); ty != nil {
							check(n, ty, ast.NewIdent("error"), "errors.As with a target of type")
						}
					}
				}
			}
		}
		return true
	})
	return err
}

// lostStruct reports whether an assertion of x to typ meets the
// interpreter's loss of a struct value with value-receiver methods held in
// a compiled interface with methods (error, fmt.Stringer): typ names such
// a struct type, and x is of such an interface type.
func lostStruct(typ, x ast.Expr, p *parsed, env *lowerEnv, t *typer) (string, bool) {
	id, ok := ast.Unparen(typ).(*ast.Ident)
	if !ok || builtinTypes[id.Name] || !env.types[id.Name] {
		return "", false
	}
	var under ast.Expr
	ast.Inspect(p.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == id.Name {
			under = ts.Type
		}
		return under == nil
	})
	if under == nil {
		under = declaredType(id.Name, env)
	}
	if _, ok := under.(*ast.StructType); !ok {
		return "", false
	}
	xt := ast.Expr(ast.NewIdent("error"))
	if xid, ok := x.(*ast.Ident); !ok || xid.Name != "error" || xid.Obj != nil || xid.Pos().IsValid() {
		xt, _ = t.exprType(x)
	}
	switch xt := xt.(type) {
	case *ast.Ident:
		if xt.Name != "error" {
			return "", false
		}
	case *ast.SelectorExpr:
	default:
		return "", false
	}
	// A method with a value receiver, in this cell or an earlier one.
	valueRecv := func(d *ast.FuncDecl) bool {
		if d.Recv == nil || len(d.Recv.List) != 1 {
			return false
		}
		r, ok := d.Recv.List[0].Type.(*ast.Ident)
		return ok && r.Name == id.Name
	}
	for _, d := range p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && valueRecv(fd) {
			return id.Name, true
		}
	}
	if env.methodDecls != nil {
		for _, src := range env.methodDecls(id.Name) {
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src+" {}", 0)
			if err != nil {
				continue
			}
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && valueRecv(fd) {
					return id.Name, true
				}
			}
		}
	}
	return "", false
}

// declaredOf is, of name and the types alike, the one that a cell
// declared (the one to give a representation of its own).
func declaredOf(name string, alike []string) string {
	if !builtinTypes[name] && !strings.ContainsAny(name, "[]*.") {
		return name
	}
	for _, a := range alike {
		if !builtinTypes[a] && !strings.ContainsAny(a, "[]*.{") {
			return a
		}
	}
	return "T"
}

// underlyingText is the underlying type of the declared type among name
// and alike, as written.
func underlyingText(name string, alike []string, p *parsed, env *lowerEnv) string {
	decl := declaredOf(name, alike)
	var found ast.Expr
	ast.Inspect(p.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.Name == decl {
			found = ts.Type
		}
		return found == nil
	})
	if found == nil {
		found = declaredType(decl, env)
	}
	if found == nil {
		return "..."
	}
	return types.ExprString(found)
}
