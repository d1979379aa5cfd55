package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// noteCellTypes registers the types and the String, Error, Format and
// GoString methods that the declarations of src declare with the kernel's
// fmt printer (see fmtvalue.go): it appends, after the last line,
//
//	var __dcemTypes1 = func() bool {
//	__dcemk.NoteType("Point", "struct{X, Y int}", new(Point))
//	__dcemk.NoteMethod("Point", "String", false, func(__dcemV any) string { return __dcemV.(Point).String() })
//	__dcemk.NoteFormat("Money", false, func(__dcemV any, __dcemS fmt.State, __dcemC rune) { __dcemV.(Money).Format(__dcemS, __dcemC) })
//	return true
//	}()
//
// Generic types are not registered (their values print as the interpreter
// prints them).
func noteCellTypes(p *parsed, env *lowerEnv) string {
	if env.pkg {
		return p.src
	}
	e := &editor{src: p.src}
	note := func(ts *ast.TypeSpec) string {
		if ts.Assign.IsValid() || ts.Name.Name == "_" {
			return ""
		}
		if ts.TypeParams != nil {
			var params []string
			for _, f := range ts.TypeParams.List {
				for _, n := range f.Names {
					params = append(params, n.Name)
				}
			}
			return fmt.Sprintf("__dcemk.NoteGeneric(%q, %q, %q)", ts.Name.Name, strings.Join(params, ","), typeText(ts.Type, p, env))
		}
		ptr := "new(" + ts.Name.Name + ")"
		if _, ok := ts.Type.(*ast.InterfaceType); ok {
			ptr = "nil"
		}
		return fmt.Sprintf("__dcemk.NoteType(%q, %q, %s)", ts.Name.Name, typeText(ts.Type, p, env), ptr)
	}
	// Types declared in a function, registered where they are declared.
	ast.Inspect(p.file, func(n ast.Node) bool {
		ds, ok := n.(*ast.DeclStmt)
		if !ok {
			return true
		}
		if g, ok := ds.Decl.(*ast.GenDecl); ok && g.Tok == token.TYPE {
			for _, sp := range g.Specs {
				if call := note(sp.(*ast.TypeSpec)); call != "" {
					e.insert(p.off(ds.End()), "; "+call)
				}
			}
		}
		return true
	})
	var types, methods []string
	for _, d := range p.file.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, sp := range d.Specs {
				if call := note(sp.(*ast.TypeSpec)); call != "" {
					types = append(types, call)
				}
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) != 1 {
				continue
			}
			recv := d.Recv.List[0].Type
			star, ptr := recv.(*ast.StarExpr)
			if ptr {
				recv = star.X
			}
			name := d.Name.Name
			fmtMethod := name == "String" || name == "Error" || name == "Format" || name == "GoString"
			id, ok := recv.(*ast.Ident)
			if !ok && !fmtMethod {
				continue
			}
			if !ok {
				// A method of a generic type: its values print as
				// the interpreter prints them.
				if base := recvName(recv); base != "?" {
					methods = append(methods, fmt.Sprintf("__dcemk.NoteMethod(%q, %q, %t, nil)", base, "Format", ptr))
				}
				continue
			}
			recvText := id.Name
			if ptr {
				recvText = "*" + id.Name
			}
			res := fieldTypes(d.Type.Results)
			if params := fieldTypes(d.Type.Params); name == "Format" && len(res) == 0 && len(params) == 2 {
				// fmt.Formatter: the kernel's printer calls it with
				// fmt's state.
				methods = append(methods, fmt.Sprintf("__dcemk.NoteFormat(%q, %t, func(__dcemV any, __dcemS %s, __dcemC %s) { __dcemV.(%s).Format(__dcemS, __dcemC) })",
					id.Name, ptr, p.text(params[0]), p.text(params[1]), recvText))
				continue
			}
			if r, ok := res[0:min(1, len(res))], len(res) == 1; (name == "String" || name == "Error" || name == "GoString") && ok && len(fieldTypes(d.Type.Params)) == 0 {
				if r, ok := r[0].(*ast.Ident); ok && r.Name == "string" {
					methods = append(methods, fmt.Sprintf("__dcemk.NoteMethod(%q, %q, %t, func(__dcemV any) string { return __dcemV.(%s).%s() })",
						id.Name, name, ptr, recvText, name))
					continue
				}
			}
			if call := errMethodCall(d, recvText); call != "" {
				methods = append(methods, fmt.Sprintf("__dcemk.NoteErrMethod(%q, %q, %s)", id.Name, name, call))
			}
			if !fmtMethod {
				name = "Other"
			} else {
				name = "Format"
			}
			methods = append(methods, fmt.Sprintf("__dcemk.NoteMethod(%q, %q, %t, nil)", id.Name, name, ptr))
		}
	}
	src := e.apply()
	if len(types)+len(methods) == 0 || p.prefix == len("package p\nfunc _() {\n") {
		return src
	}
	// One initializer, so that the types are registered before their
	// methods.
	// (A variable of its own: the interpreter takes a second top-level
	// `var _` of a session for a definition loop.)
	return src + fmt.Sprintf("\nvar __dcemTypes%d = func() bool {\n", env.next()) + strings.Join(append(types, methods...), "\n") + "\nreturn true\n}()\n"
}

// typeText is the source of the type expression t with the package names
// that reflect writes (an import renamed in the cell is written with the
// package's own name).
func typeText(t ast.Expr, p *parsed, env *lowerEnv) string {
	src := types.ExprString(t)
	x, err := parser.ParseExpr(src)
	if err != nil {
		return src
	}
	ast.Inspect(x, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if pk, ok := sel.X.(*ast.Ident); ok {
				path := env.imports[pk.Name]
				if path == "" && p != nil {
					path = importedIn(p, pk.Name)
				}
				if path != "" {
					pk.Name = packageName(path)
				}
			}
		}
		return true
	})
	return types.ExprString(x)
}

// packageName is the name of the package at the import path (its last
// element, without a major version suffix).
func packageName(path string) string {
	parts := strings.Split(path, "/")
	n := parts[len(parts)-1]
	if len(parts) > 1 && len(n) > 1 && n[0] == 'v' && strings.Trim(n[1:], "0123456789") == "" {
		n = parts[len(parts)-2]
	}
	return n
}

// printFuncs are the functions of packages fmt and log whose arguments are
// printed, with the number of leading arguments that are not; spaced is
// set for those that put spaces only between operands that are not
// strings.
var printFuncs = map[string]map[string]int{
	"fmt": fmtFuncs,
	"log": {"Print": 0, "Printf": 1, "Println": 0, "Fatal": 0, "Fatalf": 1, "Fatalln": 0, "Panic": 0, "Panicf": 1, "Panicln": 0},
}

func spacedOnlyBetweenNonStrings(fn string) bool {
	switch fn {
	case "Print", "Sprint", "Fprint", "Append", "Fatal", "Panic":
		return true
	}
	return false
}

// lowerFmtArgs hands the fmt and log print functions the arguments whose
// static type involves a type that cells declared together with that type
// (see fmtvalue.go), so that they print as in compiled Go: %T names the
// type, %+v and %#v the fields, and the String and Error methods of values
// inside a slice, a map or a struct are called:
//
//	fmt.Printf("%T %+v\n", p, p)
//
// becomes
//
//	fmt.Printf("%s %+v\n", __dcemk.TypeName(p, "Point"), __dcemk.Fmt(p, "Point"))
//
// An argument of %T whose type the source does not tell is named from its
// value (an error when the interpreter stores several types alike).
func lowerFmtArgs(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	if env.pkg {
		return p.src
	}
	t := &typer{p: p, env: env}
	local := map[string]ast.Expr{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok && ts.TypeParams == nil {
			local[ts.Name.Name] = ts.Type
		}
		return true
	})
	// argType is the static type of a, nil when the source does not tell
	// it.
	var argType func(a ast.Expr) ast.Expr
	argType = func(a ast.Expr) ast.Expr {
		if sel, ok := a.(*ast.SelectorExpr); ok {
			// A field of a value of a cell's struct type.
			if xt := argType(sel.X); xt != nil {
				if st, ok := xt.(*ast.StarExpr); ok {
					xt = st.X
				}
				if id, ok := xt.(*ast.Ident); ok && env.types[id.Name] {
					under := local[id.Name]
					if under == nil {
						under = declaredType(id.Name, env)
					}
					if st, ok := under.(*ast.StructType); ok {
						for _, f := range st.Fields.List {
							for _, n := range f.Names {
								if n.Name == sel.Sel.Name {
									return f.Type
								}
							}
						}
					}
				}
			}
		}
		t.fromValue = false
		ty, _ := t.exprType(a)
		if t.fromValue {
			ty = nil
			if id, ok := a.(*ast.Ident); ok && env.cells != nil {
				if v, ok := env.global(id.Name); ok && v.IsValid() {
					ty = env.cells.typeExpr(v.Type())
					if vt, ok := env.varType(id.Name); ok {
						if x, err := parser.ParseExpr(vt); err == nil && env.cells.fits(x, v.Type()) {
							ty = x
						}
					}
				}
			}
		}
		return ty
	}
	// cellIn reports whether the type t names a type that cells declared;
	// other is set when it names a type the kernel does not know (a type
	// parameter).
	cellIn := func(ty ast.Expr) (cell, other bool) {
		ast.Inspect(ty, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				return false
			case *ast.Field:
				if n.Type != nil {
					c, o := false, false
					ast.Inspect(n.Type, func(m ast.Node) bool {
						if id, ok := m.(*ast.Ident); ok {
							c, o = c || env.types[id.Name], o || !env.types[id.Name] && !builtinTypes[id.Name]
						}
						_, sel := m.(*ast.SelectorExpr)
						return !sel
					})
					cell, other = cell || c, other || o
				}
				return false
			case *ast.Ident:
				if env.types[n.Name] {
					cell = true
				} else if !builtinTypes[n.Name] {
					other = true
				}
			}
			return true
		})
		return
	}
	stringKind := func(ty ast.Expr) bool {
		for range 10 {
			id, ok := ty.(*ast.Ident)
			if !ok {
				return false
			}
			if id.Name == "string" {
				return true
			}
			if u, ok := local[id.Name]; ok {
				ty = u
			} else if u := declaredType(id.Name, env); u != nil {
				ty = u
			} else {
				return false
			}
		}
		return false
	}
	ast.Inspect(p.file, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || c.Ellipsis.IsValid() {
			return true
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		path := ""
		if pk, ok := sel.X.(*ast.Ident); ok && pk.Obj == nil {
			if path = env.imports[pk.Name]; path == "" {
				path = importedIn(p, pk.Name)
			}
		}
		if path == "" && isLogger(sel.X, t) {
			// The methods of a *log.Logger print as log's functions.
			path = "log"
		}
		funcs, ok := printFuncs[path]
		if !ok {
			return true
		}
		skip, ok := funcs[sel.Sel.Name]
		if !ok || len(c.Args) < skip {
			return true
		}
		var verbs []fmtVerb
		var lit *ast.BasicLit
		var format string
		if strings.HasSuffix(sel.Sel.Name, "f") {
			lit, ok = c.Args[skip-1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			var err error
			if format, err = strconv.Unquote(lit.Value); err != nil {
				return true
			}
			if verbs = formatVerbSpans(format); verbs == nil {
				return true
			}
		}
		args := c.Args[skip:]
		if len(args) == 1 && verbs == nil {
			if call, ok := args[0].(*ast.CallExpr); ok {
				if ty, _ := t.exprType(call); ty == nil {
					return true // perhaps several results
				}
			}
		}
		newFormat := []byte(format)
		changed := false
		strs := make([]bool, len(args))
		var wraps []func()
		for i, a := range args {
			verb := 'v'
			if lit != nil {
				if i >= len(verbs) {
					break
				}
				verb = verbs[i].verb
			}
			ty := argType(a)
			switch verb {
			case 'p', 'w':
				continue
			case 'T':
				desc := "any"
				if ty != nil {
					cell, other := cellIn(ty)
					if !cell && !other && !ifaceType(ty, env) {
						continue
					}
					if !other {
						desc = typeText(ty, p, env)
					}
				} else if _, ok := a.(*ast.CallExpr); ok && len(args) == 1 {
					continue
				}
				e.insert(p.off(a.Pos()), "__dcemk.TypeName(")
				e.insert(p.off(a.End()), fmt.Sprintf(", %q)", desc))
				newFormat[verbs[i].at] = 's'
				changed = true
				continue
			}
			if ty == nil {
				// A value of a type the source does not tell (taken
				// out of a compiled container, for one) may be of a
				// cell type: printed as an interface value.
				if len(env.types) == 0 {
					continue
				}
				if _, ok := a.(*ast.CallExpr); ok && len(args) == 1 && lit == nil {
					continue // perhaps several results
				}
				if !fromContainer(a, p, env) {
					continue
				}
				ty = ast.NewIdent("any")
			}
			if cell, _ := cellIn(ty); !cell && !(len(env.types) > 0 && holdsIface(ty, env, verb == 'v' && lit != nil && verbs[i].plusOrSharp)) {
				continue
			}
			wraps = append(wraps, func() {
				if _, call := a.(*ast.CallExpr); call && ifaceType(ty, env) {
					// The interpreter hands a compiled function a
					// call's result of a cell type over a basic type,
					// held in an interface, as a value of the basic
					// type; from a slice literal's element, as itself.
					e.insert(p.off(a.Pos()), "__dcemk.Fmt([]any{")
					e.insert(p.off(a.End()), fmt.Sprintf("}[0], %q)", typeText(ty, p, env)))
					return
				}
				e.insert(p.off(a.Pos()), "__dcemk.Fmt(")
				e.insert(p.off(a.End()), fmt.Sprintf(", %q)", typeText(ty, p, env)))
			})
			strs[i] = stringKind(ty)
		}
		if lit == nil && spacedOnlyBetweenNonStrings(sel.Sel.Name) && len(args) > 1 && slices.Contains(strs, true) {
			// Print puts a space between operands when neither is a
			// string: the kernel prints the operands, told which are.
			mask := make([]byte, len(args))
			for i, a := range args {
				mask[i] = '?'
				if strs[i] {
					mask[i] = 's'
				} else if ty := argType(a); ty != nil && !ifaceType(ty, env) {
					mask[i] = 'o'
					if stringKind(ty) {
						mask[i] = 's'
					}
				}
			}
			e.insert(p.off(args[0].Pos()), fmt.Sprintf("__dcemk.Operands(%q, ", mask))
			defer e.insert(p.off(args[len(args)-1].End()), ")")
		}
		for _, w := range wraps {
			w()
		}
		if changed {
			text := strconv.Quote(string(newFormat))
			if strings.HasPrefix(lit.Value, "`") {
				text = "`" + string(newFormat) + "`"
			}
			e.replace(p.off(lit.Pos()), p.off(lit.End()), text)
		}
		return true
	})
	return e.apply()
}

// fromContainer reports whether a, of a type the source does not tell, is
// a variable, a field, an element or a call's result: a value that may
// have been taken out of a compiled container, not a constant (the
// interpreter hands a constant of a cell type to compiled code as a value
// of its underlying type).
func fromContainer(a ast.Expr, p *parsed, env *lowerEnv) bool {
	switch a := ast.Unparen(a).(type) {
	case *ast.Ident:
		return a.Obj != nil && a.Obj.Kind == ast.Var
	case *ast.SelectorExpr:
		if pk, ok := a.X.(*ast.Ident); ok && pk.Obj == nil {
			if _, ok := env.imports[pk.Name]; ok || importedIn(p, pk.Name) != "" {
				return false // a package's constant or variable
			}
		}
		return true
	case *ast.CallExpr, *ast.IndexExpr:
		return true
	}
	return false
}

// fmtVerb is a verb of a format and its offset; plusOrSharp is set for
// %+v and %#v.
type fmtVerb struct {
	verb        rune
	at          int
	plusOrSharp bool
}

// holdsIface reports whether values of the type t hold interface values
// in which values of the cells' types may be: t itself (an error only with
// top set, for %+v and %#v), or inside a slice, a map, an array, a struct
// or behind a pointer. fmt prints what the interpreter puts there as it
// is.
func holdsIface(t ast.Expr, env *lowerEnv, top bool) bool {
	if ifaceType(t, env) || isEmptyIfaceLit(t) {
		// The interpreter hands fmt an error as a value with its Error
		// method; a struct value in an interface{} without its methods.
		if id, ok := t.(*ast.Ident); ok && id.Name == "error" {
			return top
		}
		return true
	}
	found := false
	ast.Inspect(t, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr, *ast.FuncType, *ast.ChanType:
			return false
		case *ast.InterfaceType:
			found = true
		case *ast.Ident:
			if n.Name == "any" || n.Name == "error" || env.ifaces[n.Name] {
				found = true
			}
		}
		return !found
	})
	return found
}

func isEmptyIfaceLit(t ast.Expr) bool {
	_, ok := t.(*ast.InterfaceType)
	return ok
}

// formatVerbSpans returns the verb of each argument that a format consumes,
// with its offset; nil when the format uses * or explicit argument
// indices.
func formatVerbSpans(format string) []fmtVerb {
	out := []fmtVerb{}
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		start := i
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
		flags := format[start:i]
		out = append(out, fmtVerb{rune(format[i]), i, strings.ContainsAny(flags, "+#")})
	}
	return out
}

// lookupOrNil is lookup on a registry that may be nil.
func (r *cellTypes) lookupOrNil(name string) *cellType {
	if r == nil {
		return nil
	}
	return r.lookup(name)
}

// typeExpr returns the type, as a cell would write it, of a value whose
// interpreter type is rt; nil when the kernel cannot tell (several types
// that cells declared are stored alike).
func (r *cellTypes) typeExpr(rt reflect.Type) ast.Expr {
	if cands := r.candidates(rt); len(cands) > 0 {
		if len(cands) == 1 && rt.Kind() == reflect.Struct {
			return ast.NewIdent(cands[0].name)
		}
		return nil
	}
	switch rt.Kind() {
	case reflect.Pointer:
		if el := r.typeExpr(rt.Elem()); el != nil {
			return &ast.StarExpr{X: el}
		}
		return nil
	case reflect.Slice:
		if el := r.typeExpr(rt.Elem()); el != nil {
			return &ast.ArrayType{Elt: el}
		}
		return nil
	case reflect.Map:
		k, v := r.typeExpr(rt.Key()), r.typeExpr(rt.Elem())
		if k != nil && v != nil {
			return &ast.MapType{Key: k, Value: v}
		}
		return nil
	case reflect.Struct:
		if rt.Name() == "" || rt.PkgPath() == "" {
			return nil // a struct type that the interpreter made
		}
	}
	return reflectTypeExpr(rt)
}

// ifaceType reports whether the type expression t is an interface type.
func ifaceType(t ast.Expr, env *lowerEnv) bool {
	switch t := ast.Unparen(t).(type) {
	case *ast.InterfaceType:
		return true
	case *ast.Ident:
		return t.Name == "any" || t.Name == "error" || env.ifaces[t.Name]
	}
	return false
}

// noteVarTypes records the static types of the variables that the
// top-level statements of src define, where the source tells them (the
// interpreter keeps a type over a basic type that cells declared as the
// basic type).
func noteVarTypes(p *parsed, env *lowerEnv) {
	if env.noteVarType == nil {
		return
	}
	t := &typer{p: p, env: env}
	for _, st := range topStmts(p) {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok != token.DEFINE {
				continue
			}
			for i, l := range st.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				text := ""
				if len(st.Lhs) == len(st.Rhs) {
					t.fromValue = false
					if ty, _ := t.exprType(st.Rhs[i]); ty != nil && !t.fromValue {
						text = typeText(ty, p, env)
					}
				}
				env.noteVarType(id.Name, text)
			}
		case *ast.DeclStmt:
			g, ok := st.Decl.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for _, n := range vs.Names {
					text := ""
					if vs.Type != nil {
						text = typeText(vs.Type, p, env)
					}
					env.noteVarType(n.Name, text)
				}
			}
		}
	}
}

// fits reports whether a value of the interpreter's type rt can be of the
// type t.
func (r *cellTypes) fits(t ast.Expr, rt reflect.Type) bool {
	switch t := ast.Unparen(t).(type) {
	case *ast.Ident:
		if builtinTypes[t.Name] {
			n := t.Name
			if b, ok := basicNames[n]; ok {
				n = b
			}
			return rt.String() == n || t.Name == "error" || t.Name == "any"
		}
		ct := r.lookup(t.Name)
		return ct != nil && ct.rtype == rt
	case *ast.StarExpr:
		return rt.Kind() == reflect.Pointer && r.fits(t.X, rt.Elem())
	case *ast.ArrayType:
		return (rt.Kind() == reflect.Slice) == (t.Len == nil) && (rt.Kind() == reflect.Slice || rt.Kind() == reflect.Array) && r.fits(t.Elt, rt.Elem())
	case *ast.MapType:
		return rt.Kind() == reflect.Map && r.fits(t.Key, rt.Key()) && r.fits(t.Value, rt.Elem())
	}
	return true
}

// declaredType returns the type that an earlier declaration (of this cell
// or an earlier one) gives the type name, nil when none does.
func declaredType(name string, env *lowerEnv) ast.Expr {
	src, ok := env.decl(name)
	if !ok || !strings.HasPrefix(src, "type ") {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, 0)
	if err != nil || len(f.Decls) != 1 {
		return nil
	}
	if g, ok := f.Decls[0].(*ast.GenDecl); ok && len(g.Specs) == 1 {
		if ts, ok := g.Specs[0].(*ast.TypeSpec); ok && ts.Name.Name == name {
			return ts.Type
		}
	}
	return nil
}

// errMethodCall is a func literal that calls the method d, an Unwrap or Is
// method of an error type, on a value held in an interface.
func errMethodCall(d *ast.FuncDecl, recv string) string {
	params, res := fieldTypes(d.Type.Params), fieldTypes(d.Type.Results)
	if len(res) != 1 {
		return ""
	}
	rt := types.ExprString(res[0])
	switch {
	case d.Name.Name == "Unwrap" && len(params) == 0 && (rt == "error" || rt == "[]error"):
		return fmt.Sprintf("func(__dcemV any) %s { return __dcemV.(%s).Unwrap() }", rt, recv)
	case d.Name.Name == "Is" && len(params) == 1 && types.ExprString(params[0]) == "error" && rt == "bool":
		return fmt.Sprintf("func(__dcemV any, __dcemT error) bool { return __dcemV.(%s).Is(__dcemT) }", recv)
	}
	return ""
}

// isLogger reports whether x is a *log.Logger (or a log.Logger, or the
// interpreter's version of it).
func isLogger(x ast.Expr, t *typer) bool {
	ty, _ := t.exprType(x)
	if st, ok := ty.(*ast.StarExpr); ok {
		ty = st.X
	}
	sel, ok := ty.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pk, ok := sel.X.(*ast.Ident)
	if !ok {
		return false
	}
	if pk.Name == "stdlib" && sel.Sel.Name == "logLogger" {
		return true // the interpreter's log.Logger, which log.New returns
	}
	path, _ := t.importPath(pk.Name)
	return sel.Sel.Name == "Logger" && (path == "log" || pk.Name == "log" && path == "")
}
