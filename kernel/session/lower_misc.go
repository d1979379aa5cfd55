package session

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// builtinFuncs are the builtins that cannot be used as values.
var builtinFuncs = map[string]bool{"append": true, "cap": true, "clear": true, "close": true, "complex": true,
	"copy": true, "delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true}

// lowerDefers evaluates a deferred call's arguments when the defer
// statement runs, as Go does (the interpreter evaluates them at return):
//
//	defer f(a, b)
//
// becomes
//
//	__dcemD1 := func() func() { __dcemA1_0, __dcemA1_1 := a, b; return func() { f(__dcemA1_0, __dcemA1_1) } }(); defer __dcemD1()
//
// (the function value of a deferred call is evaluated when the statement
// runs, and each call of the outer literal has a frame of its own).
//
// A go statement is lowered the same way: the interpreter evaluates its
// function value and arguments in the new goroutine, when the variables
// they read may have changed.
func lowerDefers(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	ast.Inspect(p.file, func(n ast.Node) bool {
		var call *ast.CallExpr
		kw := "defer"
		switch d := n.(type) {
		case *ast.DeferStmt:
			call = d.Call
		case *ast.GoStmt:
			call, kw = d.Call, "go"
		default:
			return true
		}
		fl, lit := call.Fun.(*ast.FuncLit)
		if lit && callsRecover(fl) {
			// recover works only in the deferred function itself: left
			// as written (refuse rejects one with arguments that could
			// change before the return).
			return true
		}
		named := false
		switch call.Fun.(type) {
		case *ast.Ident, *ast.SelectorExpr:
			named = true
		}
		if len(call.Args) == 0 && (named || lit && kw == "defer") {
			return true
		}
		// A go statement's function value that is not a name, and a
		// deferred one that is computed (defer f()() and the frames that
		// snapshotClosures makes), are evaluated when the statement runs.
		lit = lit || kw == "go" || !named
		d := struct {
			ast.Node
			Call *ast.CallExpr
		}{n, call}
		id := env.next()
		var names []string
		for k := range d.Call.Args {
			names = append(names, fmt.Sprintf("__dcemA%d_%d", id, k))
		}
		args := make([]string, len(d.Call.Args))
		for k, a := range d.Call.Args {
			args[k] = p.text(a)
		}
		argList := strings.Join(names, ", ")
		if d.Call.Ellipsis.IsValid() {
			argList += "..."
		}
		capture := ""
		if len(names) > 0 {
			capture = fmt.Sprintf("%s := %s; ", strings.Join(names, ", "), strings.Join(args, ", "))
		}
		fn := p.text(d.Call.Fun)
		if lit {
			// go func() { ... }(): the literal is created when the
			// statement runs.
			capture += fmt.Sprintf("__dcemF%d := %s; ", id, fn)
			fn = fmt.Sprintf("__dcemF%d", id)
		}
		text := fmt.Sprintf("__dcemD%d := func() func() { %sreturn func() { %s(%s) } }(); %s __dcemD%d()",
			id, capture, fn, argList, kw, id)
		e.replace(p.off(d.Pos()), p.off(d.End()), text)
		return false
	})
	return e.apply()
}

// lowerTypeSwitches lowers each type switch into a switch over single
// type assertions:
//
//	switch x := v.(type) { case error: ...; case int, string: ...; case nil: ... }
//
// becomes
//
//	switch __dcemT1 := v; { case func() bool { _, ok := __dcemT1.(error); return ok }(): x := __dcemT1.(error); _ = x; ...
//
// The interpreter's type switch does not match compiled interfaces (a
// case error never matches an error) and matches some concrete types
// wrongly; its comma-ok assertion gets them right. A value asserted to an
// interface declared in a cell goes through the compiled identity
// __dcemk.Id (asserting an interpreted value held in an interface{} to
// such an interface panics inside the interpreter otherwise).
func lowerTypeSwitches(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	iface := func(t ast.Expr) bool { return iface(t, env) }
	ty := &typer{p: p, env: env}
	// idOf is how to assert x to an interface declared in a cell: through
	// the identity when x is an interface{} (or another compiled
	// interface), directly when x's type is itself such an interface
	// (the identity then loses the value).
	idOf := func(x ast.Expr, text string) string {
		if t, _ := ty.exprType(x); t != nil && iface(t) {
			return text
		}
		return "__dcemk.Id(" + text + ")"
	}
	inSwitch := map[*ast.TypeAssertExpr]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSwitchStmt)
		if !ok {
			return true
		}
		var ta *ast.TypeAssertExpr
		var bound string
		switch a := ts.Assign.(type) {
		case *ast.ExprStmt:
			ta, _ = a.X.(*ast.TypeAssertExpr)
		case *ast.AssignStmt:
			if len(a.Rhs) == 1 && len(a.Lhs) == 1 {
				ta, _ = a.Rhs[0].(*ast.TypeAssertExpr)
				bound = a.Lhs[0].(*ast.Ident).Name
			}
		}
		if ta == nil {
			return true
		}
		inSwitch[ta] = true
		if ts.Init != nil {
			return true
		}
		id := env.next()
		tv := fmt.Sprintf("__dcemT%d", id)
		e.replace(p.off(ts.Switch), p.off(ts.Body.Lbrace)+1, fmt.Sprintf("switch %s := %s; {", tv, p.text(ta.X)))
		for _, st := range ts.Body.List {
			cc := st.(*ast.CaseClause)
			if cc.List == nil {
				if bound != "" {
					e.insert(p.off(cc.Colon)+1, fmt.Sprintf(" %s := %s; _ = %s;", bound, tv, bound))
				}
				continue
			}
			var preds []string
			for _, t := range cc.List {
				if id, ok := t.(*ast.Ident); ok && id.Name == "nil" {
					preds = append(preds, tv+" == nil")
					continue
				}
				ptrs := ""
				if id, ok := t.(*ast.Ident); ok && iface(t) {
					if ts := ptrImplementers(id.Name, p, env); len(ts) > 0 {
						// See lower_ptriface.go.
						ptrs = fmt.Sprintf("var r %s; _ = r; %s", id.Name, ptrChecks(tv, ts, "return true"))
					}
				}
				preds = append(preds, fmt.Sprintf("func() bool { %s_, ok := %s.(%s); return ok }()", ptrs, tv, p.text(t)))
			}
			e.replace(p.off(cc.Case), p.off(cc.Colon)+1, "case "+strings.Join(preds, " || ")+":")
			if bound == "" {
				continue
			}
			val := tv
			if len(cc.List) == 1 {
				if id, ok := cc.List[0].(*ast.Ident); !ok || id.Name != "nil" {
					src := tv
					if iface(cc.List[0]) {
						src = idOf(ta.X, tv)
					}
					val = src + ".(" + p.text(cc.List[0]) + ")"
					if id, ok := cc.List[0].(*ast.Ident); ok && iface(id) {
						if ts := ptrImplementers(id.Name, p, env); len(ts) > 0 {
							val = fmt.Sprintf("func() %s { var r %s; %sr = %s; return r }()", id.Name, id.Name, ptrChecks(tv, ts, "return r"), val)
						}
					}
				}
			}
			e.insert(p.off(cc.Colon)+1, fmt.Sprintf(" %s := %s; _ = %s;", bound, val, bound))
		}
		return true
	})
	// v, ok := x.(I) with I declared in a cell: the comma-ok assertion
	// tells right, the identity gives the value (asserting it directly
	// panics inside the interpreter for some values).
	commaOK := map[*ast.TypeAssertExpr]bool{}
	top := map[ast.Stmt]bool{}
	for _, st := range topStmts(p) {
		top[st] = true
	}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if a, ok := n.(*ast.AssignStmt); ok && len(a.Lhs) == 2 && len(a.Rhs) == 1 {
			if ta, ok := ast.Unparen(a.Rhs[0]).(*ast.TypeAssertExpr); ok && ta.Type != nil && iface(ta.Type) {
				commaOK[ta] = true
				if top[a] {
					return true // see lowerTopLevel
				}
				t := p.text(ta.Type)
				e.replace(p.off(a.Rhs[0].Pos()), p.off(a.Rhs[0].End()), fmt.Sprintf(
					"func() (%s, bool) { __dcemX := %s; var __dcemV %s; _, ok := __dcemX.(%s); if ok { __dcemV = %s.(%s) }; return __dcemV, ok }()",
					t, p.text(ta.X), t, t, idOf(ta.X, "__dcemX"), t))
			}
		}
		return true
	})
	ast.Inspect(p.file, func(n ast.Node) bool {
		ta, ok := n.(*ast.TypeAssertExpr)
		if !ok || ta.Type == nil || inSwitch[ta] || commaOK[ta] || !iface(ta.Type) {
			return true
		}
		if idOf(ta.X, "") != "" {
			e.insert(p.off(ta.X.Pos()), "__dcemk.Id(")
			e.insert(p.off(ta.X.End()), ")")
		}
		return true
	})
	return e.apply()
}

// lowerBuiltins rewrites the builtins that the interpreter lacks: min and
// max (Go 1.21) as calls of __dcemMin/__dcemMax (generic, in the prelude)
// or, when every argument is a numeric literal, as the constant; clear
// (Go 1.21) as a call of the compiled __dcemk.Clear; new(expr) (Go 1.26)
// as __dcemNew(expr). A name that the cell declares itself is left alone.
func lowerBuiltins(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	declared := map[string]bool{}
	for _, d := range p.file.Decls {
		if f, ok := d.(*ast.FuncDecl); ok && f.Recv == nil {
			declared[f.Name.Name] = true
		}
	}
	// Top-level definitions: the interpreter cannot give a top-level
	// variable the type of a generic call's result, so x := min(a, b)
	// and p := new(v) at a cell's top level are lowered without the
	// generic helpers.
	top := map[*ast.CallExpr]*ast.AssignStmt{}
	for _, st := range topStmts(p) {
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
			if c, ok := ast.Unparen(a.Rhs[0]).(*ast.CallExpr); ok {
				top[c] = a
			}
		}
	}
	ast.Inspect(p.file, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn, ok := c.Fun.(*ast.Ident)
		if !ok || fn.Obj != nil || declared[fn.Name] {
			return true
		}
		if a := top[c]; a != nil && (fn.Name == "min" || fn.Name == "max" || fn.Name == "new") {
			if _, user := env.decl(fn.Name); !user {
				if text, ok := topBuiltin(p, a, c, fn.Name, env); ok {
					e.replace(p.off(a.Pos()), p.off(a.End()), text)
					return false
				}
			}
		}
		if _, user := env.decl(fn.Name); user && (fn.Name == "min" || fn.Name == "max" || fn.Name == "clear") {
			return true
		}
		switch fn.Name {
		case "min", "max":
			if len(c.Args) == 0 || c.Ellipsis.IsValid() {
				return true
			}
			if v, ok := foldMinMax(fn.Name, c.Args); ok {
				e.replace(p.off(c.Pos()), p.off(c.End()), v)
				return false
			}
			helper := "__dcemMin"
			if fn.Name == "max" {
				helper = "__dcemMax"
			}
			if len(c.Args) == 1 {
				e.replace(p.off(c.Pos()), p.off(c.Args[0].Pos()), "(")
				return true
			}
			// min(a, b, c) -> __dcemMin(__dcemMin(a, b), c)
			e.replace(p.off(c.Pos()), p.off(c.Lparen)+1, strings.Repeat(helper+"(", len(c.Args)-1))
			for k := 1; k < len(c.Args); k++ {
				if k > 1 {
					e.insert(p.off(c.Args[k-1].End()), ")")
				}
			}
		case "clear":
			if env.pkg {
				// The standard packages clear slices only.
				e.replace(p.off(fn.Pos()), p.off(fn.End()), "__dcemClearSlice")
			} else {
				e.replace(p.off(fn.Pos()), p.off(fn.End()), "__dcemk.Clear")
			}
		case "new":
			if len(c.Args) == 1 && isValueExpr(c.Args[0], env) {
				e.replace(p.off(fn.Pos()), p.off(fn.End()), "__dcemNew")
			}
		}
		return true
	})
	return e.apply()
}

// foldMinMax computes min or max of numeric literals, as the constant
// text.
func foldMinMax(name string, args []ast.Expr) (string, bool) {
	var best constant.Value
	for _, a := range args {
		v, ok := foldExpr(a, 0)
		if !ok {
			return "", false
		}
		if best == nil || (name == "min" && constant.Compare(v, token.LSS, best)) || (name == "max" && constant.Compare(v, token.GTR, best)) {
			best = v
		}
	}
	s := best.ExactString()
	for _, a := range args {
		if v, _ := foldExpr(a, 0); v.Kind() == constant.Float {
			// The result is an untyped float constant.
			if best.Kind() == constant.Int {
				s += ".0"
			} else if strings.Contains(s, "/") {
				f, _ := constant.Float64Val(best)
				s = strconv.FormatFloat(f, 'g', -1, 64)
			}
			break
		}
	}
	return "(" + s + ")", true
}

// isValueExpr reports whether the argument of new is an expression rather
// than a type (Go 1.26's new(expr)).
func isValueExpr(x ast.Expr, env *lowerEnv) bool {
	switch x := x.(type) {
	case *ast.BasicLit, *ast.CompositeLit, *ast.CallExpr, *ast.BinaryExpr, *ast.FuncLit:
		return true
	case *ast.UnaryExpr:
		return true
	case *ast.ParenExpr:
		return isValueExpr(x.X, env)
	case *ast.Ident:
		if x.Obj != nil {
			return x.Obj.Kind == ast.Var || x.Obj.Kind == ast.Con
		}
		if builtinTypes[x.Name] || env.types[x.Name] {
			return false
		}
		if x.Name == "true" || x.Name == "false" {
			return true
		}
		if _, ok := env.global(x.Name); ok {
			return true
		}
	case *ast.SelectorExpr:
		if pk, ok := x.X.(*ast.Ident); ok && pk.Obj == nil {
			if path, ok := env.imports[pk.Name]; ok {
				v, ok := env.symbol(path, x.Sel.Name)
				// Types are nil pointers; variables non-nil ones.
				return ok && !(v.Kind() == reflect.Pointer && v.IsNil())
			}
			if _, ok := env.global(pk.Name); ok {
				return true
			}
			return false
		}
		return true
	case *ast.IndexExpr:
		return isValueExpr(x.X, env)
	}
	return false
}

// tagUnexported marks the unexported fields of struct types `json:"-"`:
// the interpreter gives them exported names (X<name>) in the types it
// makes, which encoding/json would otherwise write.
func tagUnexported(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	ast.Inspect(p.file, func(n ast.Node) bool {
		st, ok := n.(*ast.StructType)
		if !ok {
			return true
		}
		for _, f := range st.Fields.List {
			if len(f.Names) == 0 || ast.IsExported(f.Names[0].Name) || f.Names[0].Name == "_" {
				continue
			}
			if f.Tag == nil {
				e.insert(p.off(f.Type.End()), " `json:\"-\"`")
				continue
			}
			tag, err := strconv.Unquote(f.Tag.Value)
			if err != nil {
				continue
			}
			if _, has := reflect.StructTag(tag).Lookup("json"); has {
				// Go never writes an unexported field, whatever its tag.
				tag = jsonKey.ReplaceAllString(tag, `json:"-"`)
			} else {
				tag = strings.TrimSpace(tag + ` json:"-"`)
			}
			if !strings.Contains(tag, "`") {
				e.replace(p.off(f.Tag.Pos()), p.off(f.Tag.End()), "`"+tag+"`")
			}
		}
		return true
	})
	return e.apply()
}

var jsonKey = regexp.MustCompile(`json:"(?:[^"\\]|\\.)*"`)

// refuse reports the first construct of src that the interpreter would
// compute wrongly or fail on with a misleading message, and that no pass
// lowers.
func refuse(p *parsed, env *lowerEnv) error {
	var err error
	fail := func(n ast.Node, format string, args ...any) {
		if err == nil {
			err = &lowerError{line: p.line(n.Pos()), msg: fmt.Sprintf(format, args...)}
		}
	}
	typeName := func(x ast.Expr) (string, bool) {
		switch x := ast.Unparen(x).(type) {
		case *ast.StarExpr:
			if id, ok := x.X.(*ast.Ident); ok && (id.Obj != nil && id.Obj.Kind == ast.Typ || id.Obj == nil && env.types[id.Name]) {
				return "(*" + id.Name + ")", true
			}
		case *ast.Ident:
			if x.Obj != nil && x.Obj.Kind == ast.Typ || x.Obj == nil && env.types[x.Name] {
				return x.Name, true
			}
		}
		return "", false
	}
	// A deferred literal that calls recover in a loop, reading a variable
	// of the loop: it cannot get a copy of its own (recover works only in
	// the deferred literal itself, and the interpreter reads a deferred
	// call's arguments at return).
	var loops []ast.Node
	var walkLoops func(n ast.Node)
	walkLoops = func(n ast.Node) {
		ast.Inspect(n, func(m ast.Node) bool {
			if m == n || err != nil {
				return err == nil
			}
			switch m := m.(type) {
			case *ast.FuncLit:
				saved := loops
				loops = nil
				walkLoops(m.Body)
				loops = saved
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				loops = append(loops, m)
				walkLoops(m)
				loops = loops[:len(loops)-1]
				return false
			case *ast.DeferStmt:
				fl, ok := m.Call.Fun.(*ast.FuncLit)
				if !ok || !callsRecover(fl) || len(loops) == 0 {
					return true
				}
				ast.Inspect(fl.Body, func(k ast.Node) bool {
					id, ok := k.(*ast.Ident)
					if !ok || id.Obj == nil || id.Obj.Kind != ast.Var || err != nil {
						return err == nil
					}
					pos := declPos(id.Obj)
					for _, l := range loops {
						if within(pos, l) && !within(pos, fl) {
							fail(m, "defer func() { ... recover() ... }() in a loop reads %s, a variable of the loop: the interpreter runs the deferred literal with the last iteration's %s, and recover works only in the deferred literal itself, so it cannot be given a copy; recover in one deferred literal before the loop (defer func() { if r := recover(); r != nil { ... } }()) and leave recover out of the loop's deferred literals (those see their own iteration's %s), or move the loop body into a function of its own if each iteration should recover by itself",
								id.Name, id.Name, id.Name)
							return false
						}
					}
					return true
				})
			}
			return true
		})
	}
	walkLoops(p.file)
	ast.Inspect(p.file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.DeferStmt:
			if id, ok := n.Call.Fun.(*ast.Ident); ok && id.Obj != nil {
				// d := func() { recover() }; defer d(): the interpreter
				// does not recover there and can hang.
				var value ast.Expr
				switch d := id.Obj.Decl.(type) {
				case *ast.AssignStmt:
					if len(d.Lhs) == 1 && len(d.Rhs) == 1 {
						value = d.Rhs[0]
					}
				case *ast.ValueSpec:
					if len(d.Names) == 1 && len(d.Values) == 1 {
						value = d.Values[0]
					}
				}
				if fl, ok := value.(*ast.FuncLit); ok && callsRecover(fl) {
					fail(n, "defer %s(): %s is a func literal that calls recover; the interpreter recovers only in a deferred literal itself: write defer func() { ... }()", id.Name, id.Name)
				}
			}
			if fl, ok := n.Call.Fun.(*ast.FuncLit); ok && callsRecover(fl) {
				for _, a := range n.Call.Args {
					if _, lit := a.(*ast.BasicLit); !lit {
						fail(n, "defer func(...) { ... recover() ... }(%s): the interpreter evaluates a deferred call's arguments when the function returns, and recover works only in the deferred literal itself; copy the arguments into variables before the defer and defer func() { ... }() without arguments",
							p.text(a))
						break
					}
				}
			}
		case *ast.SelectorExpr:
			if t, ok := typeName(n.X); ok {
				fail(n, "method expression %s.%s is not supported in the kernel; write a func literal instead: func(r %s, args...) { return r.%s(args...) }",
					t, n.Sel.Name, strings.Trim(t, "()"), n.Sel.Name)
			}
		}
		return true
	})
	return err
}

func isTypeParam(l *ast.FieldList, name string) bool {
	for _, f := range l.List {
		for _, n := range f.Names {
			if n.Name == name {
				return true
			}
		}
	}
	return false
}

// topStmts returns the statements of src when it is a run of top-level
// statements of a cell.
func topStmts(p *parsed) []ast.Stmt {
	if p.prefix != len("package p\nfunc _() {\n") || len(p.file.Decls) != 1 {
		return nil
	}
	if f, ok := p.file.Decls[0].(*ast.FuncDecl); ok && f.Body != nil {
		return f.Body.List
	}
	return nil
}

// topBuiltin lowers x := min(...), x := max(...) and x := new(expr) at a
// cell's top level: x is defined by a plain value first, then assigned.
func topBuiltin(p *parsed, a *ast.AssignStmt, c *ast.CallExpr, name string, env *lowerEnv) (string, bool) {
	x := p.text(a.Lhs[0])
	switch name {
	case "new":
		if len(c.Args) != 1 || !isValueExpr(c.Args[0], env) {
			return "", false
		}
		tmp := fmt.Sprintf("__dcemNew%d", env.next())
		return fmt.Sprintf("%s := %s; %s := &%s", tmp, p.text(c.Args[0]), x, tmp), true
	}
	if len(c.Args) < 2 || c.Ellipsis.IsValid() {
		return "", false
	}
	if _, ok := foldMinMax(name, c.Args); ok {
		return "", false
	}
	def := -1
	for k, arg := range c.Args {
		if _, lit := foldExpr(arg, 0); !lit {
			def = k
			break
		}
	}
	if def < 0 {
		return "", false
	}
	helper := "__dcemMin"
	if name == "max" {
		helper = "__dcemMax"
	}
	args := make([]string, len(c.Args))
	for k, arg := range c.Args {
		args[k] = p.text(arg)
	}
	args[def] = x
	call := args[0]
	for _, arg := range args[1:] {
		call = helper + "(" + call + ", " + arg + ")"
	}
	return fmt.Sprintf("%s := %s; %s = %s", x, p.text(c.Args[def]), x, call), true
}

// refuseGeneric refuses, after the rewrites, a variable that a cell's top
// level defines from a generic call whose type arguments and result type
// the rewrites could not tell (the interpreter fails on it, or for a typed
// var silently keeps the zero value).
func refuseGeneric(p *parsed, env *lowerEnv) error {
	var err error
	fail := func(n ast.Node, format string, args ...any) {
		if err == nil {
			err = &lowerError{line: p.line(n.Pos()), msg: fmt.Sprintf(format, args...)}
		}
	}
	t := &typer{p: p, env: env}
	generic := func(c *ast.CallExpr) (string, bool) {
		fn := c.Fun
		if ix, ok := fn.(*ast.IndexExpr); ok {
			fn = ix.X
		} else if ix, ok := fn.(*ast.IndexListExpr); ok {
			fn = ix.X
		}
		if id, ok := fn.(*ast.Ident); ok && strings.HasPrefix(id.Name, "__dcem") {
			return "", false
		}
		ft, _ := t.signature(fn)
		return types.ExprString(fn), ft != nil && ft.TypeParams != nil
	}
	genericIn := func(x ast.Expr) (string, bool) {
		name, found := "", false
		ast.Inspect(x, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if g, ok := generic(n); ok && !found {
					name, found = g, true
				}
			}
			return !found
		})
		return name, found
	}
	for _, st := range topStmts(p) {
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE && len(a.Rhs) == 1 {
			if c, ok := ast.Unparen(a.Rhs[0]).(*ast.CallExpr); ok {
				if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
					rt, _ := t.exprType(sel.X)
					if s, ok := rt.(*ast.StarExpr); ok {
						rt = s.X
					}
					switch rt.(type) {
					case *ast.IndexListExpr: // several type parameters
						fail(a, "%s := %s(...) at a cell's top level, a method of the generic type %s: the interpreter cannot define a top-level variable from its result; declare the variable with its type and assign it (var %s T; %s = %s(...)), or call the method inside a function",
							p.text(a.Lhs[0]), p.text(sel), types.ExprString(rt), p.text(a.Lhs[0]), p.text(a.Lhs[0]), p.text(sel))
					}
				}
			}
		}
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
			for _, r := range a.Rhs {
				if g, ok := genericIn(r); ok {
					fail(a, "%s := %s(...) at a cell's top level: the interpreter cannot define a top-level variable from a generic call's result; declare it with its type and assign it (var %s T; %s = %s(...)), or call %s inside a function",
						p.text(a.Lhs[0]), g, p.text(a.Lhs[0]), p.text(a.Lhs[0]), g, g)
				}
			}
		}
	}
	if p.prefix == len("package p\n") {
		for _, d := range p.file.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.VAR {
				continue
			}
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for _, v := range vs.Values {
					if name, ok := genericIn(v); ok {
						fail(vs, "var %s = %s(...): the interpreter cannot initialize a top-level variable from a generic call's result; declare it with its type and assign it in a statement (var %s T; %s = %s(...))",
							vs.Names[0].Name, name, vs.Names[0].Name, vs.Names[0].Name, name)
					}
					ast.Inspect(v, func(n ast.Node) bool {
						if c, ok := n.(*ast.CallExpr); ok {
							if fn, ok := c.Fun.(*ast.Ident); ok && fn.Obj == nil && (fn.Name == "min" || fn.Name == "max" || fn.Name == "new" && len(c.Args) == 1 && isValueExpr(c.Args[0], env)) {
								if _, folds := foldMinMax(fn.Name, c.Args); !folds || fn.Name == "new" {
									fail(vs, "var %s = %s(...) at a cell's top level is not supported by the interpreter; write %s := %s(...)",
										vs.Names[0].Name, fn.Name, vs.Names[0].Name, fn.Name)
								}
							}
						}
						return true
					})
				}
			}
		}
	}
	return err
}

// callsRecover reports whether the body of fl calls recover (not in a
// nested func literal).
func callsRecover(fl *ast.FuncLit) bool {
	found := false
	ast.Inspect(fl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && id.Obj == nil {
				found = true
			}
		}
		return !found
	})
	return found
}
