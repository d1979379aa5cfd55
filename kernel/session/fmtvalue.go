package session

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// The interpreter makes the types that cells declare out of reflect types
// without names: fmt prints a value of a cell type with the structure of
// its type for %T and %#v, names an unexported field X<name> for %+v, and
// does not see the String and Error methods of cell-type values inside a
// map or a struct. The fmt rewrite (lower_fmt.go) hands fmt such an
// argument together with its static type (a cellValue), and the kernel
// prints it here as fmt prints the value in compiled Go, from what the
// cells declared: each type's underlying type as written, and its String
// and Error methods (registered by the declarations' lowered source).

// cellType is what the kernel knows of a type that a cell declared.
type cellType struct {
	name  string
	under ast.Expr
	// rtype is the interpreter's type of its values (nil for an
	// interface type).
	rtype reflect.Type
	// methods holds String, Error, GoString and Format: a call of the
	// method on a value (of the type, or a pointer to it when ptr is set).
	methods map[string]cellMethod
	// custom is set when the type has fmt methods that the kernel does
	// not call (a generic type's, or with another signature): fmt's own
	// printing is kept for its values.
	custom bool
	// other is set when the type has other methods.
	other bool
	// errs are its Unwrap and Is methods.
	errs errMethods
	// params are the type parameters of a generic type.
	params []string
}

type cellMethod struct {
	call func(any) string
	// format calls a Format method (fmt.Formatter).
	format func(any, fmt.State, rune)
	ptr    bool
}

// cellTypes is the registry of the types that a session's cells declared.
type cellTypes struct {
	mu     sync.Mutex
	byName map[string]*cellType
	exprs  map[string]ast.Expr
}

func newCellTypes() *cellTypes {
	return &cellTypes{byName: map[string]*cellType{}, exprs: map[string]ast.Expr{}}
}

// parse returns the type expression src, parsed once.
func (r *cellTypes) parse(src string) ast.Expr {
	r.mu.Lock()
	defer r.mu.Unlock()
	if x, ok := r.exprs[src]; ok {
		return x
	}
	x, err := parser.ParseExpr(src)
	if err != nil {
		x = nil
	}
	r.exprs[src] = x
	return x
}

// noteType records the type name declared with the underlying type
// under; ptr is a pointer to a value of it (nil for an interface).
func (r *cellTypes) noteType(name, under string, ptr any) bool {
	t := &cellType{name: name, under: r.parse(under), methods: map[string]cellMethod{}}
	if rt := reflect.TypeOf(ptr); rt != nil && rt.Kind() == reflect.Pointer {
		t.rtype = rt.Elem()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byName[name] = t
	return true
}

// noteGeneric records the generic type name with the type parameters
// params (comma-separated) and the underlying type under.
func (r *cellTypes) noteGeneric(name, params, under string) bool {
	t := &cellType{name: name, under: r.parse(under), methods: map[string]cellMethod{}, params: strings.Split(params, ",")}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byName[name] = t
	return true
}

// noteMethod records a method of the type name: String, Error and
// GoString with call, another Format or GoString (fmt's own printing is
// then kept), and that it has other methods ("Other").
func (r *cellTypes) noteMethod(name, method string, ptr bool, call func(any) string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.byName[name]
	if t == nil {
		return false
	}
	switch {
	case (method == "String" || method == "Error" || method == "GoString") && call != nil:
		t.methods[method] = cellMethod{call: call, ptr: ptr}
	case method == "Other":
		t.other = true
	default:
		t.custom = true
	}
	return true
}

// noteFormat records the Format method (fmt.Formatter) of the type name,
// which call calls.
func (r *cellTypes) noteFormat(name string, ptr bool, call func(any, fmt.State, rune)) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.byName[name]
	if t == nil {
		return false
	}
	t.methods["Format"] = cellMethod{format: call, ptr: ptr}
	return true
}

func (r *cellTypes) lookup(name string) *cellType {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byName[name]
}

// candidates returns the names of the cell types whose values have the
// interpreter's type rt.
func (r *cellTypes) candidates(rt reflect.Type) []*cellType {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*cellType
	for _, t := range r.byName {
		if t.rtype == rt {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// cellValue is an argument of a fmt print function with its static type.
type cellValue struct {
	r *cellTypes
	v any
	t ast.Expr
}

// value returns v with its static type, the source text of a type
// expression, for fmt to print.
func (r *cellTypes) value(v any, typ string) any {
	t := r.parse(typ)
	if t == nil {
		return v
	}
	return cellValue{r, v, t}
}

func (c cellValue) Format(f fmt.State, verb rune) {
	p := &fmtPrinter{r: c.r, f: f, verb: verb, directive: fmt.FormatString(f, verb),
		plusV: verb == 'v' && f.Flag('+'), sharpV: verb == 'v' && f.Flag('#')}
	if verb == 'T' {
		p.str(c.r.staticName(c.t, reflect.ValueOf(c.v)))
		return
	}
	p.value(reflect.ValueOf(c.v), c.t, "", 0, true)
}

// typeName returns the name fmt's %T prints for v of the static type typ
// (the source text of a type expression).
func (r *cellTypes) typeName(v any, typ string) string {
	t := r.parse(typ)
	if t == nil {
		return fmt.Sprintf("%T", v)
	}
	return r.staticName(t, reflect.ValueOf(v))
}

// staticName is the name of the type t, as reflect writes it; the name of
// the dynamic type of v when t is an interface.
func (r *cellTypes) staticName(t ast.Expr, v reflect.Value) string {
	if isIfaceExpr(t, r) {
		return r.dynamicName(v)
	}
	return r.exprName(t)
}

func isIfaceExpr(t ast.Expr, r *cellTypes) bool {
	switch t := ast.Unparen(t).(type) {
	case *ast.InterfaceType:
		return true
	case *ast.Ident:
		if t.Name == "any" || t.Name == "error" {
			return true
		}
		if ct := r.lookup(t.Name); ct != nil {
			_, ok := ct.under.(*ast.InterfaceType)
			return ok
		}
	}
	return false
}

var basicNames = map[string]string{"byte": "uint8", "rune": "int32", "any": "interface {}"}

// exprName writes the type expression t as reflect names types: the
// types of the cells as main.<name>.
func (r *cellTypes) exprName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.ParenExpr:
		return r.exprName(t.X)
	case *ast.Ident:
		if builtinTypes[t.Name] {
			if n, ok := basicNames[t.Name]; ok {
				return n
			}
			return t.Name
		}
		return "main." + t.Name
	case *ast.SelectorExpr:
		return r.exprName(t.X)[len("main."):] + "." + t.Sel.Name
	case *ast.StarExpr:
		return "*" + r.exprName(t.X)
	case *ast.ArrayType:
		if t.Len == nil {
			return "[]" + r.exprName(t.Elt)
		}
		if lit, ok := t.Len.(*ast.BasicLit); ok {
			return "[" + lit.Value + "]" + r.exprName(t.Elt)
		}
	case *ast.MapType:
		return "map[" + r.exprName(t.Key) + "]" + r.exprName(t.Value)
	case *ast.ChanType:
		switch t.Dir {
		case ast.SEND:
			return "chan<- " + r.exprName(t.Value)
		case ast.RECV:
			return "<-chan " + r.exprName(t.Value)
		}
		return "chan " + r.exprName(t.Value)
	case *ast.Ellipsis:
		return "..." + r.exprName(t.Elt)
	case *ast.IndexExpr:
		return r.exprName(t.X) + "[" + r.exprName(t.Index) + "]"
	case *ast.IndexListExpr:
		args := make([]string, len(t.Indices))
		for i, x := range t.Indices {
			args[i] = r.exprName(x)
		}
		return r.exprName(t.X) + "[" + strings.Join(args, ",") + "]"
	case *ast.FuncType:
		var in, out []string
		for _, f := range fieldTypes(t.Params) {
			in = append(in, r.exprName(f))
		}
		for _, f := range fieldTypes(t.Results) {
			out = append(out, r.exprName(f))
		}
		s := "func(" + strings.Join(in, ", ") + ")"
		switch len(out) {
		case 0:
		case 1:
			s += " " + out[0]
		default:
			s += " (" + strings.Join(out, ", ") + ")"
		}
		return s
	case *ast.InterfaceType:
		if t.Methods == nil || len(t.Methods.List) == 0 {
			return "interface {}"
		}
	case *ast.StructType:
		if t.Fields == nil || len(t.Fields.List) == 0 {
			return "struct {}"
		}
		var fs []string
		for _, f := range t.Fields.List {
			ty := r.exprName(f.Type)
			tag := ""
			if f.Tag != nil {
				if s, err := strconv.Unquote(f.Tag.Value); err == nil {
					tag = " " + strconv.Quote(s)
				}
			}
			if len(f.Names) == 0 {
				fs = append(fs, ty+tag)
			}
			for _, n := range f.Names {
				fs = append(fs, n.Name+" "+ty+tag)
			}
		}
		return "struct { " + strings.Join(fs, "; ") + " }"
	}
	// What the kernel cannot name as reflect would.
	panic(fmt.Sprintf("the kernel cannot write the name of the type %s as fmt's %%T would", exprText(t)))
}

func exprText(t ast.Expr) string {
	var b strings.Builder
	ast.Fprint(&b, nil, t, nil)
	return b.String()
}

// unwrapInterp returns the value that the interpreter wrapped to hand an
// interpreted value with methods to compiled code, and whether it was
// wrapped.
func unwrapInterp(v reflect.Value) (reflect.Value, bool) {
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return v, false
	}
	t := v.Type()
	if t.PkgPath() != "" && strings.HasSuffix(t.PkgPath(), "yaegi/interp") && t.Name() == "valueInterface" {
		// interp.valueInterface{node, value reflect.Value}.
		c := reflect.New(t).Elem()
		c.Set(v)
		f := c.FieldByName("value")
		if f.IsValid() && f.Type() == reflect.TypeOf(reflect.Value{}) {
			inner := *(*reflect.Value)(unsafe.Pointer(f.UnsafeAddr()))
			return inner, true
		}
		return v, false
	}
	if t.NumField() > 0 && t.Field(0).Name == "IValue" {
		inner := v.Field(0)
		if inner.Kind() == reflect.Interface && !inner.IsNil() {
			u, _ := unwrapInterp(inner.Elem())
			return u, true
		}
	}
	return v, false
}

// dynamicName is the name of the dynamic type of v, held in an interface.
func (r *cellTypes) dynamicName(v reflect.Value) string {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() == reflect.Interface {
		return "<nil>"
	}
	u, wrapped := unwrapInterp(v)
	return r.rtypeName(u.Type(), wrapped)
}

// rtypeName names the interpreter's type rt of a dynamic value; withMethods
// tells that the interpreter wrapped it for its methods.
func (r *cellTypes) rtypeName(rt reflect.Type, withMethods bool) string {
	cands := r.candidates(rt)
	if withMethods {
		cands = withAnyMethod(cands)
	}
	basic := rt.Kind() != reflect.Struct
	switch {
	case len(cands) == 1 && (!basic || withMethods):
		return "main." + cands[0].name
	case len(cands) > 0:
		names := make([]string, len(cands))
		for i, c := range cands {
			names[i] = "main." + c.name
		}
		if basic && !withMethods {
			names = append(names, rt.String())
		}
		panic(fmt.Sprintf("%%T: the interpreter stores the values of %s alike (as %s), and this one is held in an interface: the kernel cannot tell its type; print a value of a static type, or use a type switch",
			strings.Join(names, ", "), rt))
	}
	switch rt.Kind() {
	case reflect.Struct:
		if rt.Name() == "" && r.unsure(rt) {
			panic(fmt.Sprintf("%%T: the value, held in an interface, is of a struct type that the interpreter made (%s) and that no type declared in a cell has: an instance of a generic type, or a struct type written in place; the kernel cannot tell its name: print a value of a static type", rt))
		}
	case reflect.Pointer:
		return "*" + r.rtypeName(rt.Elem(), false)
	case reflect.Slice:
		return "[]" + r.rtypeName(rt.Elem(), false)
	case reflect.Array:
		return "[" + strconv.Itoa(rt.Len()) + "]" + r.rtypeName(rt.Elem(), false)
	case reflect.Map:
		return "map[" + r.rtypeName(rt.Key(), false) + "]" + r.rtypeName(rt.Elem(), false)
	}
	return rt.String()
}

// fmtPrinter prints a value as fmt's printValue does, from its static
// type.
type fmtPrinter struct {
	r             *cellTypes
	f             fmt.State
	verb          rune
	directive     string
	plusV, sharpV bool
}

func (p *fmtPrinter) write(s string) { io.WriteString(p.f, s) }

// str prints s with the directive's flags, as fmt prints a string for %T
// or a method's text.
func (p *fmtPrinter) str(s string) {
	d := p.directive
	if p.verb == 'v' || p.verb == 'T' {
		d = strings.Replace(d[:len(d)-1]+"s", "#", "", 1)
	}
	fmt.Fprintf(p.f, d, s)
}

// plain prints v as fmt prints it, at depth; exported is whether fmt
// could reach its methods.
func (p *fmtPrinter) plain(v reflect.Value, depth int, exported bool) {
	if !v.IsValid() {
		p.write("<nil>")
		return
	}
	if !exported && v.Kind() != reflect.Interface && v.Kind() <= reflect.Complex128 || !exported && v.Kind() == reflect.String {
		// Behind an unexported field fmt calls no method (a
		// time.Duration prints as its integer).
		fmt.Fprintf(p.f, p.directive, basicValue(v))
		return
	}
	if depth > 0 && v.Kind() == reflect.Pointer && !v.IsNil() && !p.sharpV {
		fmt.Fprintf(p.f, p.directive, v.UnsafePointer())
		return
	}
	if !v.CanInterface() {
		fmt.Fprintf(p.f, p.directive, basicValue(v))
		return
	}
	fmt.Fprintf(p.f, p.directive, v.Interface())
}

// basicValue returns v, of a basic kind, as a value of the predeclared
// type of its kind.
func basicValue(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool()
	case reflect.Int:
		return int(v.Int())
	case reflect.Int8:
		return int8(v.Int())
	case reflect.Int16:
		return int16(v.Int())
	case reflect.Int32:
		return int32(v.Int())
	case reflect.Int64:
		return v.Int()
	case reflect.Uint:
		return uint(v.Uint())
	case reflect.Uint8:
		return uint8(v.Uint())
	case reflect.Uint16:
		return uint16(v.Uint())
	case reflect.Uint32:
		return uint32(v.Uint())
	case reflect.Uint64:
		return v.Uint()
	case reflect.Uintptr:
		return uintptr(v.Uint())
	case reflect.Float32:
		return float32(v.Float())
	case reflect.Float64:
		return v.Float()
	case reflect.Complex64:
		return complex64(v.Complex())
	case reflect.Complex128:
		return v.Complex()
	case reflect.String:
		return v.String()
	}
	return v.Interface()
}

// method prints v with its Format, GoString, Error or String method, as
// fmt's handleMethods does, and reports whether it did: Format for every
// verb, GoString for %#v, Error and String for %v, %s, %x, %X and %q.
func (p *fmtPrinter) method(v reflect.Value, ct *cellType, pointer bool) bool {
	var names []string
	switch {
	case p.sharpV:
		names = []string{"Format", "GoString"}
	case strings.ContainsRune("vsxXq", p.verb):
		names = []string{"Format", "Error", "String"}
	default:
		names = []string{"Format"}
	}
	for _, name := range names {
		m, ok := ct.methods[name]
		if !ok || m.ptr && !pointer {
			continue
		}
		arg := v
		if pointer && !m.ptr {
			if v.IsNil() {
				// fmt catches the nil dereference and prints <nil>.
				p.write("<nil>")
				return true
			}
			arg = v.Elem()
		}
		var text string
		var panicked any
		if m.format != nil {
			panicked = callFormat(m.format, arg, p.f, p.verb)
		} else {
			text, panicked = callMethod(m.call, arg)
		}
		if panicked != nil {
			if v.Kind() == reflect.Pointer && v.IsNil() {
				p.write("<nil>")
				return true
			}
			fmt.Fprintf(p.f, "%%!%c(PANIC=%s method: %v)", p.verb, name, panicked)
			return true
		}
		if m.format == nil {
			p.str(text)
		}
		return true
	}
	return false
}

func callFormat(call func(any, fmt.State, rune), v reflect.Value, f fmt.State, verb rune) (panicked any) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	call(v.Interface(), f, verb)
	return nil
}

func callMethod(call func(any) string, v reflect.Value) (text string, panicked any) {
	defer func() {
		if r := recover(); r != nil {
			panicked = r
		}
	}()
	return call(v.Interface()), nil
}

// value prints v of the static type t at depth; name is the name of the
// named type whose underlying type t is (for %#v); exported is whether fmt
// could reach v's methods (no unexported field on the way).
func (p *fmtPrinter) value(v reflect.Value, t ast.Expr, name string, depth int, exported bool) {
	t = ast.Unparen(t)
	if !v.IsValid() {
		p.write("<nil>")
		return
	}
	switch tt := t.(type) {
	case *ast.Ident:
		if builtinTypes[tt.Name] {
			if tt.Name == "any" || tt.Name == "error" {
				p.iface(v, t, depth, exported)
				return
			}
			if name != "" && badVerb(p.verb, v.Kind()) {
				// fmt names the value's type: %!d(main.Temp=1).
				fmt.Fprintf(p.f, "%%!%c(%s=%v)", p.verb, name, basicValue(v))
				return
			}
			p.plain(v, depth, exported)
			return
		}
		ct := p.r.lookup(tt.Name)
		if ct == nil || ct.custom || ct.under == nil || ct.params != nil || ct.rtype != nil && v.Type() != ct.rtype && v.Kind() != reflect.Interface {
			p.plain(v, depth, exported)
			return
		}
		if exported && v.Kind() != reflect.Interface && p.method(v, ct, false) {
			return
		}
		p.value(v, ct.under, "main."+tt.Name, depth, exported)
		return
	case *ast.StarExpr:
		if v.Kind() != reflect.Pointer {
			p.plain(v, depth, exported)
			return
		}
		if id, ok := ast.Unparen(tt.X).(*ast.Ident); ok && !builtinTypes[id.Name] {
			ct := p.r.lookup(id.Name)
			if ct == nil || ct.custom || ct.rtype != nil && v.Type().Elem() != ct.rtype {
				p.plain(v, depth, exported)
				return
			}
			if exported && p.method(v, ct, true) {
				return
			}
		}
		if v.IsNil() {
			if p.sharpV {
				p.write("(" + p.r.exprName(t) + ")(nil)")
				return
			}
			p.plain(v, depth, exported)
			return
		}
		if depth == 0 {
			switch v.Elem().Kind() {
			case reflect.Array, reflect.Slice, reflect.Struct, reflect.Map:
				p.write("&")
				p.value(v.Elem(), tt.X, "", depth+1, exported)
				return
			}
		}
		if p.sharpV {
			p.write("(" + p.r.exprName(t) + ")(" + fmt.Sprintf("%#x", v.Pointer()) + ")")
			return
		}
		fmt.Fprintf(p.f, p.directive, v.UnsafePointer())
		return
	case *ast.ArrayType:
		if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
			p.plain(v, depth, exported)
			return
		}
		if v.Type().Elem().Kind() == reflect.Uint8 && strings.ContainsRune("sqxX", p.verb) {
			p.plain(v, depth, exported)
			return
		}
		if name == "" {
			name = p.r.exprName(t)
		}
		if p.sharpV {
			if v.Kind() == reflect.Slice && v.IsNil() {
				p.write(name + "(nil)")
				return
			}
			p.write(name + "{")
		} else {
			p.write("[")
		}
		for i := range v.Len() {
			if i > 0 {
				p.sep()
			}
			p.value(v.Index(i), tt.Elt, "", depth+1, exported)
		}
		p.close()
		return
	case *ast.MapType:
		if v.Kind() != reflect.Map {
			p.plain(v, depth, exported)
			return
		}
		if name == "" {
			name = p.r.exprName(t)
		}
		if p.sharpV {
			if v.IsNil() {
				p.write(name + "(nil)")
				return
			}
			p.write(name + "{")
		} else {
			p.write("map[")
		}
		keys := v.MapKeys()
		sort.SliceStable(keys, func(i, j int) bool { return compareValues(keys[i], keys[j]) < 0 })
		for i, k := range keys {
			if i > 0 {
				p.sep()
			}
			p.value(k, tt.Key, "", depth+1, exported)
			p.write(":")
			p.value(v.MapIndex(k), tt.Value, "", depth+1, exported)
		}
		p.close()
		return
	case *ast.StructType:
		var names []string
		var types []ast.Expr
		for _, f := range tt.Fields.List {
			if len(f.Names) == 0 {
				names = append(names, embeddedName(f.Type))
				types = append(types, f.Type)
			}
			for _, n := range f.Names {
				names = append(names, n.Name)
				types = append(types, f.Type)
			}
		}
		if v.Kind() != reflect.Struct || v.NumField() != len(names) {
			p.plain(v, depth, exported)
			return
		}
		if p.sharpV {
			if name == "" {
				name = p.r.exprName(t)
			}
			p.write(name)
		}
		p.write("{")
		for i := range names {
			if i > 0 {
				p.sep()
			}
			if p.plusV || p.sharpV {
				p.write(names[i] + ":")
			}
			p.value(v.Field(i), types[i], "", depth+1, exported && ast.IsExported(names[i]))
		}
		p.write("}")
		return
	case *ast.InterfaceType:
		p.iface(v, t, depth, exported)
		return
	case *ast.IndexExpr, *ast.IndexListExpr:
		// An instance of a generic type: its underlying type with the
		// type arguments.
		var base ast.Expr
		var args []ast.Expr
		if ix, ok := tt.(*ast.IndexExpr); ok {
			base, args = ix.X, []ast.Expr{ix.Index}
		} else {
			ix := tt.(*ast.IndexListExpr)
			base, args = ix.X, ix.Indices
		}
		if id, ok := base.(*ast.Ident); ok {
			if ct := p.r.lookup(id.Name); ct != nil && !ct.custom && ct.under != nil && len(ct.params) == len(args) {
				bound := map[string]ast.Expr{}
				for i, n := range ct.params {
					bound[n] = args[i]
				}
				p.value(v, bindParams(ct.under, bound), p.r.exprName(t), depth, exported)
				return
			}
		}
	}
	p.plain(v, depth, exported)
}

func (p *fmtPrinter) sep() {
	if p.sharpV {
		p.write(", ")
	} else {
		p.write(" ")
	}
}

func (p *fmtPrinter) close() {
	if p.sharpV {
		p.write("}")
	} else {
		p.write("]")
	}
}

// iface prints v, of the interface type t.
func (p *fmtPrinter) iface(v reflect.Value, t ast.Expr, depth int, exported bool) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			if p.sharpV {
				p.write(p.r.exprName(t) + "(nil)")
			} else {
				p.write("<nil>")
			}
			return
		}
		v = v.Elem()
		depth++
	}
	// The value's type, when exactly one cell type has its interpreter
	// type (among those with methods when the interpreter wrapped it for
	// its methods): the fields' names and the methods come from its
	// declaration.
	u, wrapped := unwrapInterp(v)
	rt, ptr := u.Type(), false
	if rt.Kind() == reflect.Pointer {
		rt, ptr = rt.Elem(), true
	}
	var named []*cellType
	cands := p.r.candidates(rt)
	if wrapped {
		cands = withAnyMethod(cands)
	}
	for _, c := range cands {
		if c.under != nil && !c.custom {
			named = append(named, c)
		}
	}
	if len(named) == 1 && (wrapped || rt.Kind() == reflect.Struct) {
		var t ast.Expr = ast.NewIdent(named[0].name)
		if ptr {
			t = &ast.StarExpr{X: t}
		}
		p.value(u, t, "", depth, exported)
		return
	}
	if wrapped && !v.CanInterface() || v.Kind() == reflect.Struct && v.Type().Name() == "valueInterface" {
		v = u
	}
	p.plain(v, depth, exported)
}

// embeddedName is the field name of an embedded field of type t.
func embeddedName(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.StarExpr:
		return embeddedName(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return embeddedName(t.X)
	case *ast.IndexListExpr:
		return embeddedName(t.X)
	}
	return "?"
}

// compareValues orders map keys as fmt does (internal/fmtsort).
func compareValues(a, b reflect.Value) int {
	if a.Type() != b.Type() {
		return -1
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmpOrdered(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmpOrdered(a.Uint(), b.Uint())
	case reflect.String:
		return cmpOrdered(a.String(), b.String())
	case reflect.Float32, reflect.Float64:
		return cmpFloat(a.Float(), b.Float())
	case reflect.Complex64, reflect.Complex128:
		if c := cmpFloat(real(a.Complex()), real(b.Complex())); c != 0 {
			return c
		}
		return cmpFloat(imag(a.Complex()), imag(b.Complex()))
	case reflect.Bool:
		switch {
		case a.Bool() == b.Bool():
			return 0
		case a.Bool():
			return 1
		}
		return -1
	case reflect.Pointer, reflect.UnsafePointer, reflect.Chan:
		return cmpOrdered(a.Pointer(), b.Pointer())
	case reflect.Struct:
		for i := range a.NumField() {
			if c := compareValues(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Array:
		for i := range a.Len() {
			if c := compareValues(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface:
		switch {
		case a.IsNil() && b.IsNil():
			return 0
		case a.IsNil():
			return -1
		case b.IsNil():
			return 1
		}
		if c := compareValues(reflect.ValueOf(a.Elem().Type()), reflect.ValueOf(b.Elem().Type())); c != 0 {
			return c
		}
		return compareValues(a.Elem(), b.Elem())
	}
	return 0
}

func cmpOrdered[T int64 | uint64 | string | uintptr](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return -1
	case math.IsNaN(b):
		return 1
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// bindParams returns the type expression t with the type parameters
// replaced by their bindings; nil when that fails.
func bindParams(t ast.Expr, bound map[string]ast.Expr) ast.Expr {
	x, err := parser.ParseExpr(types.ExprString(t))
	if err != nil {
		return nil
	}
	var rename func(n ast.Node) bool
	rename = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Field:
			// Not the names of fields and parameters.
			ast.Inspect(n.Type, rename)
			return false
		case *ast.SelectorExpr:
			return false
		case *ast.Ident:
			if b, ok := bound[n.Name]; ok {
				n.Name = types.ExprString(b)
			}
		}
		return true
	}
	ast.Inspect(x, rename)
	x, err = parser.ParseExpr(types.ExprString(x))
	if err != nil {
		return nil
	}
	return x
}

// printOperands are the operands of fmt.Print and its kin: printed with a
// space between operands when neither is a string, as fmt does, from
// their static types (mask: 's' a string, 'o' another type, '?' known
// from the value); the interpreter hands fmt a value of a cell type over
// string with methods as a struct.
type printOperands struct {
	mask string
	args []any
}

// operands returns the operands of a Print call.
func operands(mask string, args ...any) any { return printOperands{mask, args} }

func (o printOperands) Format(f fmt.State, verb rune) {
	prev := false
	for i, a := range o.args {
		str := i < len(o.mask) && (o.mask[i] == 's' || o.mask[i] == '?' && a != nil && reflect.TypeOf(a).Kind() == reflect.String)
		if i > 0 && !str && !prev {
			io.WriteString(f, " ")
		}
		fmt.Fprint(f, a)
		prev = str
	}
}

// unsure reports whether the unnamed struct type rt, which no registered
// cell type has, may be an instance of a generic type of the cells or
// have fields whose names the interpreter changed.
func (r *cellTypes) unsure(rt reflect.Type) bool {
	r.mu.Lock()
	for _, t := range r.byName {
		if t.params != nil {
			r.mu.Unlock()
			return true
		}
	}
	r.mu.Unlock()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if strings.HasPrefix(f.Name, "X") && f.Tag.Get("json") == "-" {
			return true
		}
	}
	return false
}

// withAnyMethod returns the types of ts that have methods.
func withAnyMethod(ts []*cellType) []*cellType {
	var out []*cellType
	for _, t := range ts {
		if len(t.methods) > 0 || t.custom || t.other {
			out = append(out, t)
		}
	}
	return out
}

// badVerb reports whether fmt rejects verb for a value of kind k.
func badVerb(verb rune, k reflect.Kind) bool {
	var ok string
	switch k {
	case reflect.Bool:
		ok = "tv"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		ok = "bcdoOqxXUv"
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		ok = "beEfFgGxXv"
	case reflect.String:
		ok = "sqxXv"
	default:
		return false
	}
	return !strings.ContainsRune(ok, verb)
}
