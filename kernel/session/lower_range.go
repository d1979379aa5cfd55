package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"
)

// rangeKind is what a range statement ranges over, as far as the source
// tells: an integer, a function iterator with arity values, or something
// the interpreter ranges over itself (slice, map, string, channel) or that
// cannot be told.
type rangeKind struct {
	integer, function bool
	arity             int // of a function iterator; -1 when unknown
	// targs are the type arguments of the pull helper (the types of the
	// values a function iterator yields), when the source names them.
	targs string
}

// seqFuncs are the standard functions that return iterators, by package
// path, with the arity of the iterator.
var seqFuncs = map[string]map[string]int{
	"slices":  {"All": 2, "Values": 1, "Backward": 2, "Chunk": 1},
	"maps":    {"All": 2, "Keys": 1, "Values": 1},
	"strings": {"Lines": 1, "SplitSeq": 1, "SplitAfterSeq": 1, "FieldsSeq": 1, "FieldsFuncSeq": 1},
	"bytes":   {"Lines": 1, "SplitSeq": 1, "SplitAfterSeq": 1, "FieldsSeq": 1, "FieldsFuncSeq": 1},
}

// lowerRanges lowers range over integers (Go 1.22) and over function
// iterators (Go 1.23), which the interpreter cannot compile:
//
//	for i := range n { body }
//
// becomes a block that evaluates n once and counts in a variable of n's
// type, giving each iteration its own i; and
//
//	for k, v := range seq { body }
//
// becomes a loop over a pull iterator made from seq (__dcemPull2, which
// runs seq in a goroutine), stopped when the loop ends, returns, or breaks
// or continues an outer loop.
func lowerRanges(p *parsed, env *lowerEnv) string {
	e := &editor{src: p.src}
	labels := map[*ast.RangeStmt]*ast.LabeledStmt{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			if r, ok := l.Stmt.(*ast.RangeStmt); ok {
				labels[r] = l
			}
		}
		return true
	})
	ast.Inspect(p.file, func(n ast.Node) bool {
		r, ok := n.(*ast.RangeStmt)
		if !ok {
			return true
		}
		k := classifyRange(p, r.X, env)
		start := r.Pos()
		if l := labels[r]; l != nil {
			start = l.Pos()
		}
		bind := func(name ast.Expr, value string) string {
			if name == nil || isBlank(name) {
				return ""
			}
			if r.Tok == token.DEFINE {
				return fmt.Sprintf(" %s := %s; _ = %s;", p.text(name), value, p.text(name))
			}
			return fmt.Sprintf(" %s = %s;", p.text(name), value)
		}
		switch {
		case k.integer:
			id := env.next()
			nv, iv := fmt.Sprintf("__dcemN%d", id), fmt.Sprintf("__dcemI%d", id)
			e.insert(p.off(start), fmt.Sprintf("{ %s := %s; ", nv, p.text(r.X)))
			e.replace(p.off(r.For), p.off(r.Body.Lbrace)+1,
				fmt.Sprintf("for %s := %s - %s; %s < %s; %s++ {%s", iv, nv, nv, iv, nv, iv, bind(r.Key, iv)))
			e.insert(p.off(r.Body.End()), " }")
		case k.function:
			arity := k.arity
			if arity < 0 {
				arity = 1
				if r.Value != nil {
					arity = 2
				}
			}
			id := env.next()
			next, stop, ok := fmt.Sprintf("__dcemNext%d", id), fmt.Sprintf("__dcemStop%d", id), fmt.Sprintf("__dcemOk%d", id)
			inst := ""
			if k.targs != "" && arity > 0 {
				inst = "[" + k.targs + "]"
			}
			e.insert(p.off(start), fmt.Sprintf("{ %s, %s := __dcemPull%d%s(%s); ", next, stop, arity, inst, p.text(r.X)))
			var head string
			switch arity {
			case 0:
				head = fmt.Sprintf("%s := %s()", ok, next)
			case 1:
				kv := fmt.Sprintf("__dcemK%d", id)
				head = fmt.Sprintf("%s, %s := %s(); ", kv, ok, next)
				head += "if !" + ok + " { break };" + bind(r.Key, kv)
			case 2:
				kv, vv := fmt.Sprintf("__dcemK%d", id), fmt.Sprintf("__dcemV%d", id)
				head = fmt.Sprintf("%s, %s, %s := %s(); ", kv, vv, ok, next)
				head += "if !" + ok + " { break };" + bind(r.Key, kv) + bind(r.Value, vv)
			}
			if arity == 0 {
				head += "; if !" + ok + " { break };"
			}
			e.replace(p.off(r.For), p.off(r.Body.Lbrace)+1, "for { "+head)
			e.insert(p.off(r.Body.End()), fmt.Sprintf("; %s() }", stop))
			// Leaving the loop other than by its own break: stop first.
			inner := map[string]bool{}
			if l := labels[r]; l != nil {
				inner[l.Label.Name] = true
			}
			ast.Inspect(r.Body, func(m ast.Node) bool {
				if l, ok := m.(*ast.LabeledStmt); ok {
					inner[l.Label.Name] = true
				}
				return true
			})
			ast.Inspect(r.Body, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.FuncLit:
					return false
				case *ast.ReturnStmt:
					e.insert(p.off(m.Pos()), "{ "+stop+"(); ")
					e.insert(p.off(m.End()), " }")
				case *ast.BranchStmt:
					if m.Label != nil && !inner[m.Label.Name] && m.Tok != token.GOTO {
						e.insert(p.off(m.Pos()), "{ "+stop+"(); ")
						e.insert(p.off(m.End()), " }")
					}
				}
				return true
			})
		}
		return true
	})
	return e.apply()
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// classifyRange tells from the source what x is.
func classifyRange(p *parsed, x ast.Expr, env *lowerEnv) rangeKind {
	var none rangeKind
	switch x := x.(type) {
	case *ast.ParenExpr:
		return classifyRange(p, x.X, env)
	case *ast.BasicLit:
		if x.Kind == token.INT || x.Kind == token.CHAR {
			return rangeKind{integer: true}
		}
	case *ast.UnaryExpr:
		if x.Op == token.SUB || x.Op == token.ADD || x.Op == token.XOR {
			return classifyRange(p, x.X, env)
		}
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR, token.AND_NOT:
			a, b := classifyRange(p, x.X, env), classifyRange(p, x.Y, env)
			if a.integer || b.integer {
				return rangeKind{integer: true}
			}
		}
	case *ast.FuncLit:
		return typeKind(x.Type, env)
	case *ast.CallExpr:
		switch fn := x.Fun.(type) {
		case *ast.Ident:
			if fn.Name == "len" || fn.Name == "cap" || intTypes[fn.Name] && fn.Obj == nil {
				return rangeKind{integer: true}
			}
			if fn.Obj != nil {
				if d, ok := fn.Obj.Decl.(*ast.FuncDecl); ok {
					return resultKind(d.Type, env)
				}
				return none
			}
			if src, ok := env.decl(fn.Name); ok {
				if ft := parseFuncType(src); ft != nil {
					return resultKind(ft, env)
				}
			}
		case *ast.SelectorExpr:
			if pk, ok := fn.X.(*ast.Ident); ok && pk.Obj == nil {
				path, ok := env.imports[pk.Name]
				if !ok {
					path = importedIn(p, pk.Name)
				}
				if path == "" {
					break // a method call
				}
				if v, ok := env.symbol(path, fn.Sel.Name); ok && v.Kind() == reflect.Func && v.Type().NumOut() == 1 {
					return reflectKind(v.Type().Out(0))
				}
				if a, ok := seqFuncs[path][fn.Sel.Name]; ok {
					return rangeKind{function: true, arity: a}
				}
			}
		case *ast.FuncLit:
			return resultKind(fn.Type, env)
		}
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			if ft := (&typer{p: p, env: env}).method(sel); ft != nil {
				return resultKind(ft, env)
			}
		}
	case *ast.Ident:
		if x.Obj != nil {
			switch d := x.Obj.Decl.(type) {
			case *ast.Field:
				return typeKind(d.Type, env)
			case *ast.FuncDecl:
				return rangeKind{function: true, arity: yieldArity(d.Type)}
			case *ast.ValueSpec:
				if d.Type != nil {
					return typeKind(d.Type, env)
				}
				for i, n := range d.Names {
					if n.Obj == x.Obj && i < len(d.Values) {
						return classifyRange(p, d.Values[i], env)
					}
				}
			case *ast.AssignStmt:
				if len(d.Lhs) == len(d.Rhs) {
					for i, l := range d.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Obj == x.Obj {
							return classifyRange(p, d.Rhs[i], env)
						}
					}
				}
			}
			// A range variable and the like: what the source tells of
			// its type.
			if t, _ := (&typer{p: p, env: env}).exprType(x); t != nil {
				return typeKind(t, env)
			}
			return none
		}
		if v, ok := env.global(x.Name); ok && v.IsValid() {
			return reflectKind(v.Type())
		}
		if src, ok := env.decl(x.Name); ok {
			if ft := parseFuncType(src); ft != nil && strings.HasPrefix(strings.TrimSpace(src), "func") {
				return rangeKind{function: true, arity: yieldArity(ft)}
			}
			if t, v := parseVarSpec(src, x.Name); t != nil {
				return typeKind(t, env)
			} else if v != nil {
				return classifyRange(p, v, env)
			}
		}
	}
	return none
}

// importedIn returns the path that file p imports under name.
func importedIn(p *parsed, name string) string {
	for _, im := range p.file.Imports {
		path := strings.Trim(im.Path.Value, "\"`")
		n := path[strings.LastIndexByte(path, '/')+1:]
		if im.Name != nil {
			n = im.Name.Name
		}
		if n == name {
			return path
		}
	}
	return ""
}

// typeKind classifies a type expression.
func typeKind(t ast.Expr, env *lowerEnv) rangeKind {
	switch t := t.(type) {
	case *ast.Ident:
		if intTypes[t.Name] {
			return rangeKind{integer: true}
		}
		if t.Obj != nil {
			if ts, ok := t.Obj.Decl.(*ast.TypeSpec); ok {
				return typeKind(ts.Type, env)
			}
		}
		if src, ok := env.decl(t.Name); ok && strings.HasPrefix(src, "type ") {
			if f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution); err == nil && len(f.Decls) == 1 {
				if g, ok := f.Decls[0].(*ast.GenDecl); ok && len(g.Specs) == 1 {
					return typeKind(g.Specs[0].(*ast.TypeSpec).Type, env)
				}
			}
		}
	case *ast.FuncType:
		k := rangeKind{function: true, arity: yieldArity(t)}
		if k.arity > 0 {
			var args []string
			for _, f := range t.Params.List[0].Type.(*ast.FuncType).Params.List {
				for range max(1, len(f.Names)) {
					args = append(args, types.ExprString(f.Type))
				}
			}
			k.targs = strings.Join(args, ", ")
		}
		return k
	case *ast.IndexExpr:
		k := seqType(t.X)
		if k.arity == 1 {
			k.targs = types.ExprString(t.Index)
		}
		return k
	case *ast.IndexListExpr:
		k := seqType(t.X)
		if k.arity == len(t.Indices) {
			var args []string
			for _, x := range t.Indices {
				args = append(args, types.ExprString(x))
			}
			k.targs = strings.Join(args, ", ")
		}
		return k
	case *ast.ParenExpr:
		return typeKind(t.X, env)
	}
	return rangeKind{}
}

// seqType classifies iter.Seq[V] and iter.Seq2[K, V].
func seqType(x ast.Expr) rangeKind {
	name := ""
	switch x := x.(type) {
	case *ast.SelectorExpr:
		name = x.Sel.Name
	case *ast.Ident:
		name = x.Name
	}
	switch name {
	case "Seq":
		return rangeKind{function: true, arity: 1}
	case "Seq2":
		return rangeKind{function: true, arity: 2}
	}
	return rangeKind{}
}

// resultKind classifies the single result of a function type.
func resultKind(ft *ast.FuncType, env *lowerEnv) rangeKind {
	if ft.Results == nil || len(ft.Results.List) != 1 || len(ft.Results.List[0].Names) > 1 {
		return rangeKind{}
	}
	return typeKind(ft.Results.List[0].Type, env)
}

// yieldArity is the number of values a function iterator of type ft
// yields: func(yield func(K, V) bool) has 2. -1 when ft is no iterator.
func yieldArity(ft *ast.FuncType) int {
	if ft.Params == nil || len(ft.Params.List) != 1 {
		return -1
	}
	y, ok := ft.Params.List[0].Type.(*ast.FuncType)
	if !ok {
		return -1
	}
	n := 0
	if y.Params != nil {
		for _, f := range y.Params.List {
			if len(f.Names) == 0 {
				n++
			} else {
				n += len(f.Names)
			}
		}
	}
	return n
}

// reflectKind classifies a compiled type.
func reflectKind(t reflect.Type) rangeKind {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return rangeKind{integer: true}
	case reflect.Func:
		if t.NumIn() == 1 && t.In(0).Kind() == reflect.Func {
			y := t.In(0)
			k := rangeKind{function: true, arity: y.NumIn()}
			var args []string
			for i := range y.NumIn() {
				if e := reflectTypeExpr(y.In(i)); e != nil {
					args = append(args, types.ExprString(e))
				}
			}
			if len(args) == y.NumIn() {
				k.targs = strings.Join(args, ", ")
			}
			return k
		}
	}
	return rangeKind{}
}

// parseFuncType parses the signature of a func declaration's source.
func parseFuncType(src string) *ast.FuncType {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src+"{}", parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return nil
	}
	if d, ok := f.Decls[0].(*ast.FuncDecl); ok && d.Recv == nil {
		return d.Type
	}
	return nil
}

// parseVarSpec parses a var or const declaration's source and returns the
// type it gives name, or else the value it gives it.
func parseVarSpec(src, name string) (typ, value ast.Expr) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+src, parser.SkipObjectResolution)
	if err != nil || len(f.Decls) != 1 {
		return nil, nil
	}
	if g, ok := f.Decls[0].(*ast.GenDecl); ok && len(g.Specs) == 1 {
		if vs, ok := g.Specs[0].(*ast.ValueSpec); ok {
			if vs.Type != nil {
				return vs.Type, nil
			}
			for i, n := range vs.Names {
				if n.Name == name && i < len(vs.Values) && len(vs.Values) == len(vs.Names) {
					return nil, vs.Values[i]
				}
			}
		}
	}
	return nil, nil
}
