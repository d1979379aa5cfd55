package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"
	"sync"

	"github.com/dcem-go/dcem/kernel/session/gostd"
)

// The interpreter infers the type arguments of a generic call badly: from
// untyped constants (cmp.Compare(1.5, 2) fails), through a variadic
// parameter (...T), with several type parameters (Map[T, U any] binds U
// to T's type), and through named generic types (slices.Sorted of an
// iter.Seq). Given explicit type arguments it compiles such calls right.
// A call at a cell's top level whose result defines a variable fails
// whatever its arguments ("nil reflect type"), while an assignment works.
//
// lowerGenericCalls infers the type arguments of each call of a generic
// function whose signature it knows (declared in a cell, or in one of the
// interpreted standard packages) from what the source says of the
// arguments' types, and writes them out: Map(xs, strconv.Itoa) becomes
// Map[int, string](xs, strconv.Itoa). At a cell's top level, x :=
// G(args) becomes var x T; x = G[...](args) when the result type follows.
// Calls whose types cannot be told are left to the interpreter; at the top
// level such a definition is refused with a message saying what to write.

// stdGenerics holds the signatures of the generic functions of the
// interpreted standard packages, by import path and name.
var stdGenerics = sync.OnceValue(func() map[string]map[string]*ast.FuncType {
	out := map[string]map[string]*ast.FuncType{}
	for k, src := range gostd.Sources {
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		m := map[string]*ast.FuncType{}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && ast.IsExported(fd.Name.Name) {
				m[fd.Name.Name] = fd.Type
			}
		}
		out[gostd.Packages[k]] = m
	}
	return out
})

// helperGenerics are the signatures of the prelude's generic helpers.
var helperGenerics = sync.OnceValue(func() map[string]*ast.FuncType {
	m := map[string]*ast.FuncType{}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+lowerPrelude, parser.SkipObjectResolution)
	if err != nil {
		return m
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Type.TypeParams != nil {
			m[fd.Name.Name] = fd.Type
		}
	}
	return m
})

// typer tells the types of expressions of one source, as far as it can.
type typer struct {
	p     *parsed
	env   *lowerEnv
	depth int
	// fromValue is set when a type came from the value of a variable of
	// an earlier cell: the interpreter's type, in which a type that cells
	// declared over a basic type is that basic type.
	fromValue bool
}

// signature returns the type of the function that call calls, and
// whether it is generic with type arguments still to infer.
func (t *typer) signature(fun ast.Expr) (*ast.FuncType, bool) {
	switch fn := fun.(type) {
	case *ast.Ident:
		if fn.Obj != nil {
			if d, ok := fn.Obj.Decl.(*ast.FuncDecl); ok && d.Recv == nil {
				return d.Type, d.Type.TypeParams != nil
			}
			return nil, false
		}
		if ft, ok := helperGenerics()[fn.Name]; ok {
			return ft, true
		}
		if src, ok := t.env.decl(fn.Name); ok && strings.HasPrefix(src, "func") {
			if ft := parseFuncType(src); ft != nil {
				return ft, ft.TypeParams != nil
			}
		}
	case *ast.SelectorExpr:
		if pk, ok := fn.X.(*ast.Ident); ok && pk.Obj == nil {
			path := t.env.imports[pk.Name]
			if path == "" {
				path = importedIn(t.p, pk.Name)
			}
			if ft, ok := stdGenerics()[path][fn.Sel.Name]; ok {
				return ft, ft.TypeParams != nil
			}
		}
	}
	return nil, false
}

// typeParams lists the names of ft's type parameters and their
// constraints.
func typeParams(ft *ast.FuncType) (names []string, constraint map[string]ast.Expr) {
	constraint = map[string]ast.Expr{}
	for _, f := range ft.TypeParams.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
			constraint[n.Name] = f.Type
		}
	}
	return names, constraint
}

// needsExplicit reports whether the interpreter's own inference of a call
// of ft is known to fail (see above): an untyped constant argument, a
// variadic type parameter, several type parameters, or a parameter of a
// generic named type. Otherwise the call is left as written: explicit type
// arguments make the interpreter fail on some calls it infers right.
func (t *typer) needsExplicit(ft *ast.FuncType, c *ast.CallExpr) bool {
	names, _ := typeParams(ft)
	if len(names) > 1 {
		return true
	}
	isParam := map[string]bool{}
	for _, n := range names {
		isParam[n] = true
	}
	for _, p := range fieldTypes(ft.Params) {
		switch p := p.(type) {
		case *ast.Ellipsis:
			if mentions(p, isParam) {
				return true
			}
		case *ast.IndexExpr, *ast.IndexListExpr:
			return true
		}
	}
	for _, a := range c.Args {
		if _, loose := t.exprType(a); loose {
			return true
		}
	}
	return false
}

// instantiate infers the type arguments of a call of the generic ft.
func (t *typer) instantiate(ft *ast.FuncType, c *ast.CallExpr) (map[string]ast.Expr, []string, bool) {
	names, constraint := typeParams(ft)
	isParam := map[string]bool{}
	for _, n := range names {
		isParam[n] = true
	}
	bound := map[string]ast.Expr{}
	untyped := map[string]bool{}
	var unify func(p, a ast.Expr, loose bool)
	unify = func(p, a ast.Expr, loose bool) {
		if a == nil {
			return
		}
		a = ast.Unparen(a)
		switch p := p.(type) {
		case *ast.Ident:
			if !isParam[p.Name] {
				return
			}
			prev, ok := bound[p.Name]
			switch {
			case !ok:
				bound[p.Name], untyped[p.Name] = a, loose
			case untyped[p.Name] && !loose:
				bound[p.Name], untyped[p.Name] = a, false
			case untyped[p.Name] && loose && rankUntyped(a) > rankUntyped(prev):
				bound[p.Name] = a
			}
			if u, ok := constraint[p.Name].(*ast.UnaryExpr); ok && u.Op == token.TILDE && !loose {
				unify(u.X, a, false)
			}
		case *ast.ArrayType:
			if q, ok := a.(*ast.ArrayType); ok {
				unify(p.Elt, q.Elt, loose)
			}
		case *ast.MapType:
			if q, ok := a.(*ast.MapType); ok {
				unify(p.Key, q.Key, loose)
				unify(p.Value, q.Value, loose)
			}
		case *ast.StarExpr:
			if q, ok := a.(*ast.StarExpr); ok {
				unify(p.X, q.X, loose)
			}
		case *ast.ChanType:
			if q, ok := a.(*ast.ChanType); ok {
				unify(p.Value, q.Value, loose)
			}
		case *ast.Ellipsis:
			unify(p.Elt, a, loose)
		case *ast.FuncType:
			q, ok := a.(*ast.FuncType)
			if !ok {
				q = seqFuncType(a)
			}
			if q == nil {
				return
			}
			pp, qp := fieldTypes(p.Params), fieldTypes(q.Params)
			pr, qr := fieldTypes(p.Results), fieldTypes(q.Results)
			if len(pp) != len(qp) || len(pr) != len(qr) {
				return
			}
			for i := range pp {
				unify(pp[i], qp[i], false)
			}
			for i := range pr {
				unify(pr[i], qr[i], false)
			}
		case *ast.IndexExpr:
			if q, ok := a.(*ast.IndexExpr); ok && sameGeneric(p.X, q.X) {
				unify(p.Index, q.Index, loose)
			} else if fp := seqFuncType(p); fp != nil {
				unify(fp, a, loose)
			}
		case *ast.IndexListExpr:
			if q, ok := a.(*ast.IndexListExpr); ok && sameGeneric(p.X, q.X) && len(p.Indices) == len(q.Indices) {
				for i := range p.Indices {
					unify(p.Indices[i], q.Indices[i], loose)
				}
			} else if fp := seqFuncType(p); fp != nil {
				unify(fp, a, loose)
			}
		}
	}
	params := fieldTypes(ft.Params)
	for i, arg := range c.Args {
		var p ast.Expr
		switch {
		case i < len(params):
			p = params[i]
		case len(params) > 0:
			p = params[len(params)-1]
		default:
			return nil, nil, false
		}
		if el, ok := p.(*ast.Ellipsis); ok && c.Ellipsis.IsValid() && i == len(c.Args)-1 {
			p = &ast.ArrayType{Elt: el.Elt}
		}
		if _, ok := ast.Unparen(arg).(*ast.FuncLit); ok {
			unify(p, arg.(*ast.FuncLit).Type, false)
			continue
		}
		at, loose := t.exprType(arg)
		if at == nil && mentions(p, isParam) {
			// An argument of unknown type could bind the parameter
			// otherwise: leave the inference to the interpreter.
			return nil, nil, false
		}
		unify(p, at, loose)
	}
	var args []string
	for _, n := range names {
		b, ok := bound[n]
		if !ok {
			return nil, nil, false
		}
		args = append(args, types.ExprString(b))
	}
	return bound, args, true
}

// rankUntyped orders the default types of untyped constants.
func rankUntyped(x ast.Expr) int {
	switch types.ExprString(x) {
	case "int":
		return 1
	case "rune":
		return 2
	case "float64":
		return 3
	case "complex128":
		return 4
	}
	return 0
}

func fieldTypes(l *ast.FieldList) []ast.Expr {
	if l == nil {
		return nil
	}
	var out []ast.Expr
	for _, f := range l.List {
		for range max(1, len(f.Names)) {
			out = append(out, f.Type)
		}
	}
	return out
}

// seqFuncType returns the function type of iter.Seq[V] or iter.Seq2[K,
// V], or nil.
func seqFuncType(x ast.Expr) *ast.FuncType {
	var args []ast.Expr
	var name string
	switch x := x.(type) {
	case *ast.IndexExpr:
		name, args = types.ExprString(x.X), []ast.Expr{x.Index}
	case *ast.IndexListExpr:
		name, args = types.ExprString(x.X), x.Indices
	default:
		return nil
	}
	name = strings.TrimPrefix(name, "iter.")
	if !(name == "Seq" && len(args) == 1 || name == "Seq2" && len(args) == 2) {
		return nil
	}
	var fields []*ast.Field
	for _, a := range args {
		fields = append(fields, &ast.Field{Type: a})
	}
	yield := &ast.FuncType{Params: &ast.FieldList{List: fields}, Results: &ast.FieldList{List: []*ast.Field{{Type: ast.NewIdent("bool")}}}}
	return &ast.FuncType{Params: &ast.FieldList{List: []*ast.Field{{Type: yield}}}}
}

// subst returns x with the type parameters replaced by their bindings.
func subst(x ast.Expr, bound map[string]ast.Expr) ast.Expr {
	s := types.ExprString(x)
	e, err := parser.ParseExpr(s)
	if err != nil {
		return nil
	}
	var bad bool
	var walk func(n ast.Expr) ast.Expr
	walk = func(n ast.Expr) ast.Expr {
		switch n := n.(type) {
		case *ast.Ident:
			if b, ok := bound[n.Name]; ok {
				return b
			}
			return n
		case *ast.ArrayType:
			return &ast.ArrayType{Len: n.Len, Elt: walk(n.Elt)}
		case *ast.MapType:
			return &ast.MapType{Key: walk(n.Key), Value: walk(n.Value)}
		case *ast.StarExpr:
			return &ast.StarExpr{X: walk(n.X)}
		case *ast.ChanType:
			return &ast.ChanType{Dir: n.Dir, Value: walk(n.Value)}
		case *ast.SelectorExpr:
			return n
		case *ast.IndexExpr:
			return &ast.IndexExpr{X: n.X, Index: walk(n.Index)}
		case *ast.IndexListExpr:
			var ix []ast.Expr
			for _, i := range n.Indices {
				ix = append(ix, walk(i))
			}
			return &ast.IndexListExpr{X: n.X, Indices: ix}
		case *ast.FuncType:
			cp := func(l *ast.FieldList) *ast.FieldList {
				if l == nil {
					return nil
				}
				out := &ast.FieldList{}
				for _, f := range l.List {
					out.List = append(out.List, &ast.Field{Names: f.Names, Type: walk(f.Type)})
				}
				return out
			}
			return &ast.FuncType{Params: cp(n.Params), Results: cp(n.Results)}
		case *ast.Ellipsis:
			return &ast.Ellipsis{Elt: walk(n.Elt)}
		case *ast.StructType, *ast.InterfaceType:
			params := map[string]bool{}
			for k := range bound {
				params[k] = true
			}
			if !mentions(n, params) {
				return n
			}
		}
		bad = true
		return n
	}
	out := walk(e)
	if bad {
		return nil
	}
	return out
}

// exprType returns the type of x as a type expression, and whether x is
// an untyped constant (its type then is the default one); nil when the
// source does not tell.
func (t *typer) exprType(x ast.Expr) (ast.Expr, bool) {
	if t.depth > 12 {
		return nil, false
	}
	t.depth++
	defer func() { t.depth-- }()
	switch x := x.(type) {
	case *ast.ParenExpr:
		return t.exprType(x.X)
	case *ast.BasicLit:
		switch x.Kind {
		case token.INT:
			return ast.NewIdent("int"), true
		case token.FLOAT:
			return ast.NewIdent("float64"), true
		case token.IMAG:
			return ast.NewIdent("complex128"), true
		case token.CHAR:
			return ast.NewIdent("rune"), true
		case token.STRING:
			return ast.NewIdent("string"), true
		}
	case *ast.CompositeLit:
		if x.Type != nil {
			return x.Type, false
		}
	case *ast.FuncLit:
		return x.Type, false
	case *ast.UnaryExpr:
		switch x.Op {
		case token.AND:
			if el, _ := t.exprType(x.X); el != nil {
				return &ast.StarExpr{X: el}, false
			}
		case token.SUB, token.ADD, token.XOR:
			return t.exprType(x.X)
		case token.NOT:
			return ast.NewIdent("bool"), false
		case token.ARROW:
			if ch, _ := t.exprType(x.X); ch != nil {
				if c, ok := ch.(*ast.ChanType); ok {
					return c.Value, false
				}
			}
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			return ast.NewIdent("bool"), false
		case token.SHL, token.SHR:
			return t.exprType(x.X)
		}
		a, la := t.exprType(x.X)
		b, lb := t.exprType(x.Y)
		switch {
		case a != nil && !la:
			return a, false
		case b != nil && !lb:
			return b, false
		case a != nil && b != nil:
			if rankUntyped(b) > rankUntyped(a) {
				return b, true
			}
			return a, true
		}
	case *ast.StarExpr:
		if pt, _ := t.exprType(x.X); pt != nil {
			if s, ok := pt.(*ast.StarExpr); ok {
				return s.X, false
			}
		}
	case *ast.IndexExpr:
		if ct, _ := t.exprType(x.X); ct != nil {
			switch ct := ct.(type) {
			case *ast.ArrayType:
				return ct.Elt, false
			case *ast.MapType:
				return ct.Value, false
			case *ast.Ident:
				if ct.Name == "string" {
					return ast.NewIdent("byte"), false
				}
			}
		}
	case *ast.SliceExpr:
		return t.exprType(x.X)
	case *ast.TypeAssertExpr:
		if x.Type != nil {
			return x.Type, false
		}
	case *ast.CallExpr:
		return t.callType(x)
	case *ast.SelectorExpr:
		if pk, ok := x.X.(*ast.Ident); ok && pk.Obj == nil {
			if path, ok := t.importPath(pk.Name); ok {
				if v, ok := t.env.symbol(path, x.Sel.Name); ok && v.Kind() == reflect.Pointer && !v.IsNil() {
					return reflectTypeExpr(v.Type().Elem()), false
				} else if ok && v.Kind() == reflect.Func {
					return reflectTypeExpr(v.Type()), false
				}
			}
		}
		// A field of a value of a compiled struct type (e.Value of a
		// *list.Element).
		if xt, _ := t.exprType(x.X); xt != nil {
			if rt := t.compiledType(xt); rt != nil {
				if rt.Kind() == reflect.Pointer {
					rt = rt.Elem()
				}
				if rt.Kind() == reflect.Struct {
					if f, ok := rt.FieldByName(x.Sel.Name); ok && f.IsExported() {
						return compiledTypeExpr(f.Type), false
					}
				}
			}
		}
	case *ast.Ident:
		return t.identType(x)
	}
	return nil, false
}

// identType is exprType for a name.
func (t *typer) identType(x *ast.Ident) (ast.Expr, bool) {
	if x.Name == "true" || x.Name == "false" {
		return ast.NewIdent("bool"), false
	}
	if x.Obj != nil {
		switch d := x.Obj.Decl.(type) {
		case *ast.Field:
			if el, ok := d.Type.(*ast.Ellipsis); ok {
				return &ast.ArrayType{Elt: el.Elt}, false
			}
			return d.Type, false
		case *ast.ValueSpec:
			if d.Type != nil {
				return d.Type, false
			}
			for i, n := range d.Names {
				if n.Obj == x.Obj && i < len(d.Values) && len(d.Values) == len(d.Names) {
					return t.exprType(d.Values[i])
				}
			}
		case *ast.AssignStmt:
			if len(d.Rhs) == 1 {
				if u, ok := d.Rhs[0].(*ast.UnaryExpr); ok && u.Op == token.RANGE {
					rt, _ := t.exprType(u.X)
					for i, l := range d.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Obj == x.Obj {
							return rangeElem(rt, i), false
						}
					}
					return nil, false
				}
			}
			if len(d.Lhs) == len(d.Rhs) {
				for i, l := range d.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Obj == x.Obj {
						ty, loose := t.exprType(d.Rhs[i])
						if loose && d.Tok == token.DEFINE {
							loose = false // a variable has the default type
						}
						return ty, loose
					}
				}
			}
		case *ast.FuncDecl:
			if d.Type.TypeParams == nil {
				return d.Type, false
			}
		}
		return nil, false
	}
	if src, ok := t.env.decl(x.Name); ok {
		switch {
		case strings.HasPrefix(src, "var ") || strings.HasPrefix(src, "const "):
			ty, v := parseVarSpec(src, x.Name)
			if ty != nil {
				return ty, false
			}
			if v != nil {
				r, loose := t.exprType(v)
				return r, loose && strings.HasPrefix(src, "const ")
			}
		case strings.HasPrefix(src, "func "):
			if ft := parseFuncType(src); ft != nil && ft.TypeParams == nil {
				return ft, false
			}
		}
	}
	if v, ok := t.env.global(x.Name); ok && v.IsValid() {
		t.fromValue = true
		return reflectTypeExpr(v.Type()), false
	}
	return nil, false
}

// rangeElem is the type of the i-th variable of a range over rt.
func rangeElem(rt ast.Expr, i int) ast.Expr {
	switch rt := rt.(type) {
	case *ast.ArrayType:
		if i == 0 {
			return ast.NewIdent("int")
		}
		return rt.Elt
	case *ast.MapType:
		if i == 0 {
			return rt.Key
		}
		return rt.Value
	case *ast.ChanType:
		return rt.Value
	case *ast.Ident:
		if rt.Name == "string" {
			if i == 0 {
				return ast.NewIdent("int")
			}
			return ast.NewIdent("rune")
		}
		if intTypes[rt.Name] {
			return rt
		}
	}
	return nil
}

// callType is exprType for a call.
func (t *typer) callType(c *ast.CallExpr) (ast.Expr, bool) {
	if conv := t.conversion(c.Fun); conv != nil && len(c.Args) == 1 {
		return conv, false
	}
	if fn, ok := c.Fun.(*ast.Ident); ok && fn.Obj == nil {
		switch fn.Name {
		case "len", "cap", "copy":
			return ast.NewIdent("int"), false
		case "append":
			if len(c.Args) > 0 {
				return t.exprType(c.Args[0])
			}
		case "make":
			if len(c.Args) > 0 {
				return c.Args[0], false
			}
		case "new":
			if len(c.Args) == 1 {
				return &ast.StarExpr{X: c.Args[0]}, false
			}
		case "min", "max":
			var best ast.Expr
			loose := true
			for _, a := range c.Args {
				ty, l := t.exprType(a)
				if ty == nil {
					return nil, false
				}
				if !l {
					return ty, false
				}
				if best == nil || rankUntyped(ty) > rankUntyped(best) {
					best = ty
				}
			}
			return best, loose
		}
	}
	ft, generic := t.signature(c.Fun)
	if ft != nil {
		res := fieldTypes(ft.Results)
		if len(res) != 1 {
			return nil, false
		}
		if !generic {
			return res[0], false
		}
		bound, _, ok := t.instantiate(ft, c)
		if !ok {
			return nil, false
		}
		return subst(res[0], bound), false
	}
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if pk, ok := sel.X.(*ast.Ident); ok && pk.Obj == nil {
			if path, ok := t.importPath(pk.Name); ok {
				if v, ok := t.env.symbol(path, sel.Sel.Name); ok && v.Kind() == reflect.Func && v.Type().NumOut() == 1 {
					return reflectTypeExpr(v.Type().Out(0)), false
				}
			}
		}
	}
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		if ft := t.method(sel); ft != nil {
			if res := fieldTypes(ft.Results); len(res) == 1 {
				return res[0], false
			}
		}
	}
	if ft, _ := t.exprType(c.Fun); ft != nil {
		if f, ok := ft.(*ast.FuncType); ok {
			if res := fieldTypes(f.Results); len(res) == 1 {
				return res[0], false
			}
		}
	}
	if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
		// A method of a compiled type (l.Front(), v.Load()).
		if xt, _ := t.exprType(sel.X); xt != nil {
			if rt := t.compiledType(xt); rt != nil {
				m, ok := rt.MethodByName(sel.Sel.Name)
				if !ok && rt.Kind() != reflect.Pointer && rt.Kind() != reflect.Interface {
					m, ok = reflect.PointerTo(rt).MethodByName(sel.Sel.Name)
				}
				if ok && m.Type.NumOut() == 1 {
					return compiledTypeExpr(m.Type.Out(0)), false
				}
			}
		}
	}
	return nil, false
}

// compiledType returns the compiled type that the type expression xt
// names (pkg.T or *pkg.T of an imported package), or nil.
func (t *typer) compiledType(xt ast.Expr) reflect.Type {
	switch x := ast.Unparen(xt).(type) {
	case *ast.StarExpr:
		if el := t.compiledType(x.X); el != nil {
			return reflect.PointerTo(el)
		}
	case *ast.SelectorExpr:
		if pk, ok := x.X.(*ast.Ident); ok && pk.Obj == nil {
			if path, ok := t.importPath(pk.Name); ok {
				if v, ok := t.env.symbol(path, x.Sel.Name); ok && v.Kind() == reflect.Pointer && v.IsNil() {
					return v.Type().Elem()
				}
			}
		}
	}
	return nil
}

// compiledTypeExpr is reflectTypeExpr that writes the empty interface as
// any and error as error.
func compiledTypeExpr(rt reflect.Type) ast.Expr {
	switch rt {
	case reflect.TypeFor[any]():
		return ast.NewIdent("any")
	case reflect.TypeFor[error]():
		return ast.NewIdent("error")
	}
	return reflectTypeExpr(rt)
}

// conversion returns the type that fun names when a call of it is a
// conversion.
func (t *typer) conversion(fun ast.Expr) ast.Expr {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		if f.Obj != nil {
			if f.Obj.Kind == ast.Typ {
				return f
			}
			return nil
		}
		if builtinTypes[f.Name] || t.env.types[f.Name] {
			return f
		}
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType:
		return f
	case *ast.StarExpr:
		if t.conversion(f.X) != nil {
			return f
		}
	case *ast.SelectorExpr:
		if pk, ok := f.X.(*ast.Ident); ok && pk.Obj == nil {
			if path, ok := t.importPath(pk.Name); ok {
				if v, ok := t.env.symbol(path, f.Sel.Name); ok && v.Kind() == reflect.Pointer && v.IsNil() {
					return f
				}
			}
		}
	}
	return nil
}

// reflectTypeExpr turns a compiled type into a type expression, or nil
// when its name would not compile in a cell (types that cells declared
// have no usable name in reflect).
func reflectTypeExpr(rt reflect.Type) ast.Expr {
	s := rt.String()
	if strings.Contains(s, "struct") || strings.Contains(s, "interface") || strings.Contains(s, "main.") || strings.Contains(s, "func(") && strings.Contains(s, "...") {
		return nil
	}
	e, err := parser.ParseExpr(s)
	if err != nil {
		return nil
	}
	return e
}

// lowerGenericCalls writes out the type arguments of generic calls (see
// above).
func lowerGenericCalls(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		// The standard packages' own calls compile as written.
		return p.src
	}
	t := &typer{p: p, env: env}
	top := map[*ast.CallExpr]*ast.AssignStmt{}
	for _, st := range topStmts(p) {
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Rhs) == 1 {
			if c, ok := ast.Unparen(a.Rhs[0]).(*ast.CallExpr); ok {
				top[c] = a
			}
		}
	}
	// f := Max[int], an instantiated generic function as a value ("constant
	// definition loop" in the interpreter), becomes a func literal that
	// calls it: func(a, b int) int { return Max[int](a, b) }.
	called := map[ast.Expr]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			called[c.Fun] = true
		}
		return true
	})
	ast.Inspect(p.file, func(n ast.Node) bool {
		var fun ast.Expr
		var explicit []ast.Expr
		switch ix := n.(type) {
		case *ast.IndexExpr:
			fun, explicit = ix.X, []ast.Expr{ix.Index}
		case *ast.IndexListExpr:
			fun, explicit = ix.X, ix.Indices
		default:
			return true
		}
		if called[n.(ast.Expr)] {
			return true
		}
		ft, generic := t.signature(fun)
		if !generic {
			return true
		}
		names, _ := typeParams(ft)
		if len(names) != len(explicit) {
			return true
		}
		bound := map[string]ast.Expr{}
		for i, name := range names {
			bound[name] = explicit[i]
		}
		var params, args []string
		variadic := false
		for i, pt := range fieldTypes(ft.Params) {
			st := subst(pt, bound)
			if st == nil {
				return true
			}
			text := types.ExprString(st)
			if _, ok := st.(*ast.Ellipsis); ok {
				variadic = true
			}
			params = append(params, fmt.Sprintf("__dcemP%d %s", i, text))
			args = append(args, fmt.Sprintf("__dcemP%d", i))
		}
		var results []string
		for _, r := range fieldTypes(ft.Results) {
			rt := subst(r, bound)
			if rt == nil {
				return true
			}
			results = append(results, types.ExprString(rt))
		}
		call := p.text(n) + "(" + strings.Join(args, ", ")
		if variadic {
			call += "..."
		}
		call += ")"
		res := ""
		switch len(results) {
		case 0:
		case 1:
			res, call = " "+results[0], "return "+call
		default:
			res, call = " ("+strings.Join(results, ", ")+")", "return "+call
		}
		e.replace(p.off(n.Pos()), p.off(n.End()), fmt.Sprintf("func(%s)%s { %s }", strings.Join(params, ", "), res, call))
		return false
	})
	ast.Inspect(p.file, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		a := top[c]
		var explicit []ast.Expr
		fun := c.Fun
		switch ix := c.Fun.(type) {
		case *ast.IndexExpr:
			fun, explicit = ix.X, []ast.Expr{ix.Index}
		case *ast.IndexListExpr:
			fun, explicit = ix.X, ix.Indices
		}
		ft, generic := t.signature(fun)
		if !generic {
			return true
		}
		var bound map[string]ast.Expr
		var args []string
		if explicit != nil {
			// F[int](x) written out: only a top-level definition needs
			// the result type.
			names, _ := typeParams(ft)
			if a == nil || len(names) != len(explicit) {
				return true
			}
			bound = map[string]ast.Expr{}
			for i, n := range names {
				bound[n] = explicit[i]
			}
		} else {
			var ok bool
			bound, args, ok = t.instantiate(ft, c)
			if !ok {
				return true
			}
		}
		if explicit == nil && !t.needsExplicit(ft, c) {
			args = nil
		}
		if a == nil {
			if args != nil {
				e.insert(p.off(c.Fun.End()), "["+strings.Join(args, ", ")+"]")
			}
			return true
		}
		res := fieldTypes(ft.Results)
		if len(res) != len(a.Lhs) {
			return true
		}
		var decls []string
		for i, r := range res {
			rt := subst(r, bound)
			if rt == nil {
				return true
			}
			if name := p.text(a.Lhs[i]); name != "_" {
				decls = append(decls, "var "+name+" "+types.ExprString(rt))
			}
		}
		// _ = 0; var x T; x = G[...](...): a run of statements must not
		// start with var (the interpreter would read declarations), and
		// x := *new(T) gets a func type wrong.
		e.insert(p.off(a.Pos()), "_ = 0; "+strings.Join(decls, "; ")+"; ")
		e.replace(p.off(a.TokPos), p.off(a.TokPos)+2, "=")
		if args != nil {
			e.insert(p.off(c.Fun.End()), "["+strings.Join(args, ", ")+"]")
		}
		return true
	})
	return e.apply()
}

// mentions reports whether the type expression x names one of params.
func mentions(x ast.Expr, params map[string]bool) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && params[id.Name] {
			found = true
		}
		return !found
	})
	return found
}

// sameGeneric reports whether two generic type names are the same,
// iter.Seq and the Seq of package iter's own source alike.
func sameGeneric(a, b ast.Expr) bool {
	x, y := types.ExprString(a), types.ExprString(b)
	return x == y || strings.TrimPrefix(x, "iter.") == strings.TrimPrefix(y, "iter.") && (strings.HasPrefix(x, "iter.") || strings.HasPrefix(y, "iter."))
}

// method returns the type of the method that sel selects, when sel.X has a
// type that a cell declared with that method.
func (t *typer) method(sel *ast.SelectorExpr) *ast.FuncType {
	xt, _ := t.exprType(sel.X)
	if s, ok := xt.(*ast.StarExpr); ok {
		xt = s.X
	}
	id, ok := xt.(*ast.Ident)
	if !ok {
		return nil
	}
	for _, d := range t.p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 && fd.Name.Name == sel.Sel.Name && recvName(fd.Recv.List[0].Type) == id.Name {
			return fd.Type
		}
	}
	if src, ok := t.env.decl(id.Name + "." + sel.Sel.Name); ok {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src+"{}", parser.SkipObjectResolution)
		if err == nil && len(f.Decls) == 1 {
			if fd, ok := f.Decls[0].(*ast.FuncDecl); ok {
				return fd.Type
			}
		}
	}
	return nil
}

// importPath returns the path imported under name, by earlier cells or
// the source itself.
func (t *typer) importPath(name string) (string, bool) {
	if path, ok := t.env.imports[name]; ok {
		return path, true
	}
	path := importedIn(t.p, name)
	return path, path != ""
}
