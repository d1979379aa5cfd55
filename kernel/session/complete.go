package session

import (
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"unicode"
)

// Parts returns the error's name, message and traceback, for the kernel's
// error messages.
func (e *Error) Parts() (name, value string, traceback []string) {
	return e.Name, e.Value, e.Traceback
}

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else",
	"fallthrough", "for", "func", "go", "goto", "if", "import", "interface",
	"map", "package", "range", "return", "select", "struct", "switch", "type", "var",
}

var builtins = []string{
	"any", "append", "bool", "byte", "cap", "clear", "close", "comparable", "complex",
	"complex128", "complex64", "copy", "delete", "error", "false", "float32", "float64",
	"imag", "int", "int16", "int32", "int64", "int8", "iota", "len", "make", "max", "min",
	"new", "nil", "panic", "print", "println", "real", "recover", "rune", "string",
	"true", "uint", "uint16", "uint32", "uint64", "uint8", "uintptr",
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// nameAt returns the dotted name (like "fmt.Prin") that ends at cursor, and
// the rune offset where it starts.
func nameAt(code []rune, cursor int) (string, int) {
	start := cursor
	for start > 0 && (isIdentRune(code[start-1]) || code[start-1] == '.') {
		start--
	}
	return string(code[start:cursor]), start
}

// Complete returns the names that can replace the identifier ending at
// cursor (a rune offset into code): members of a package or value after a
// dot, otherwise keywords, builtins, imported packages and names defined in
// earlier cells. start and end are the rune range the matches replace.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	runes := []rune(code)
	if cursor < 0 || cursor > len(runes) {
		cursor = len(runes)
	}
	name, nameStart := nameAt(runes, cursor)
	s.mu.Lock()
	defer s.mu.Unlock()

	dot := strings.LastIndexByte(name, '.')
	if dot < 0 {
		var cands []string
		cands = append(cands, keywords...)
		cands = append(cands, builtins...)
		for n := range s.imported {
			cands = append(cands, n)
		}
		for n := range s.decls {
			if !strings.Contains(n, ".") {
				cands = append(cands, n)
			}
		}
		for n := range s.vars {
			cands = append(cands, n)
		}
		return filterPrefix(cands, name), nameStart, cursor
	}
	base, partial := name[:dot], name[dot+1:]
	start = cursor - len([]rune(partial))
	if syms := s.packageSymbols(base); syms != nil {
		var cands []string
		for n := range syms {
			if token.IsExported(n) {
				cands = append(cands, n)
			}
		}
		return filterPrefix(cands, partial), start, cursor
	}
	if base == "" || strings.HasPrefix(base, ".") || strings.HasSuffix(base, ".") || strings.HasPrefix(base, "__dcem") {
		return nil, start, cursor
	}
	// A value: list its fields and methods. Names are side-effect free.
	v, err := s.evalValue(contextBackground(), base)
	if err != nil || !v.IsValid() {
		return nil, start, cursor
	}
	return filterPrefix(members(v.Type()), partial), start, cursor
}

// packagePath returns the import path that name refers to (see
// packageSymbols), or "".
func (s *Session) packagePath(name string) string {
	if path, ok := s.imported[name]; ok {
		return path
	}
	found := ""
	for path, pn := range s.pkgNames {
		if pn == name && !strings.HasPrefix(path, hookPath) {
			if found != "" {
				return ""
			}
			found = path
		}
	}
	return found
}

// packageSymbols returns the exports of the package that name refers to:
// an imported name, or the name of exactly one known package.
func (s *Session) packageSymbols(name string) map[string]reflect.Value {
	if path := s.packagePath(name); path != "" {
		return s.packages[path]
	}
	return nil
}

func members(t reflect.Type) []string {
	var out []string
	for i := 0; i < t.NumMethod(); i++ {
		out = append(out, t.Method(i).Name)
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
		if pt := reflect.PointerTo(st); pt != t {
			for i := 0; i < pt.NumMethod(); i++ {
				out = append(out, pt.Method(i).Name)
			}
		}
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

func filterPrefix(cands []string, prefix string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cands {
		if strings.HasPrefix(c, prefix) && !seen[c] && !strings.HasPrefix(c, "__dcem") {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

// Inspect returns what is known about the name around cursor: the
// declaration of a name defined in a cell, or the signature (and doc, when
// known) of a package member, or the type and value of a variable.
func (s *Session) Inspect(code string, cursor int) (string, bool) {
	runes := []rune(code)
	if cursor < 0 || cursor > len(runes) {
		cursor = len(runes)
	}
	end := cursor
	for end < len(runes) && isIdentRune(runes[end]) {
		end++
	}
	name, _ := nameAt(runes, end)
	name = strings.Trim(name, ".")
	if name == "" {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.decls[name]; ok {
		return d, true
	}
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		base, member := name[:dot], name[dot+1:]
		if syms := s.packageSymbols(base); syms != nil {
			if v, ok := syms[member]; ok {
				path := s.packagePath(base)
				text := describeSymbol(base, member, v)
				if d := strings.TrimSpace(s.doc(path, member)); d != "" {
					text += "\n\n" + d
				}
				return text, true
			}
		}
	} else if path := s.packagePath(name); path != "" {
		text := fmt.Sprintf("package %s // import %q\n\n%d exported names", name, path, len(s.packages[path]))
		if d := strings.TrimSpace(s.doc(path, "")); d != "" {
			text += "\n\n" + d
		}
		return text, true
	}
	if strings.HasPrefix(name, "__dcem") {
		return "", false
	}
	v, err := s.evalValue(contextBackground(), name)
	if err != nil || !v.IsValid() {
		return "", false
	}
	if v.Kind() == reflect.Func {
		return name + " " + v.Type().String(), true
	}
	// Formatted lazily: a large value costs what the text shown costs.
	return fmt.Sprintf("var %s %s\n\n%s", name, v.Type(), boundedText(v, inspectLimit)), true
}

func describeSymbol(pkg, name string, v reflect.Value) string {
	var b strings.Builder
	switch {
	case v.Kind() == reflect.Pointer && v.Type().Elem().Kind() != reflect.Func && v.IsNil() && v.Type().Elem().Kind() != reflect.Invalid:
		// Extracted types are nil pointers to the type.
		fmt.Fprintf(&b, "type %s.%s %s", pkg, name, v.Type().Elem().Kind())
		if m := members(v.Type().Elem()); len(m) > 0 {
			fmt.Fprintf(&b, "\n\nfields and methods: %s", strings.Join(filterPrefix(m, ""), ", "))
		}
	case v.Kind() == reflect.Func:
		fmt.Fprintf(&b, "func %s.%s%s", pkg, name, strings.TrimPrefix(v.Type().String(), "func"))
	default:
		if v.CanInterface() {
			fmt.Fprintf(&b, "%s.%s %s = %v", pkg, name, v.Type(), v.Interface())
		} else {
			fmt.Fprintf(&b, "%s.%s %s", pkg, name, v.Type())
		}
	}
	return b.String()
}

// doc returns the doc comment of path.name: from Options.Docs, or for the
// standard library from the Go sources in GOROOT when they are there.
func (s *Session) doc(path, name string) string {
	if d, ok := s.docs[path]; ok {
		return d[name]
	}
	if strings.Contains(path, ".") {
		return ""
	}
	s.docs[path] = stdlibDocs(path)
	return s.docs[path][name]
}

// stdlibDocs reads the doc comments of a standard library package from
// GOROOT; it returns nil when the sources are not installed.
func stdlibDocs(path string) map[string]string {
	dir := filepath.Join(runtime.GOROOT(), "src", filepath.FromSlash(path))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, n), nil, parser.ParseComments)
		if err != nil {
			continue
		}
		files = append(files, f)
	}
	dp, err := doc.NewFromFiles(fset, files, path)
	if err != nil {
		return nil
	}
	docs := map[string]string{"": dp.Doc}
	for _, f := range dp.Funcs {
		docs[f.Name] = f.Doc
	}
	for _, t := range dp.Types {
		docs[t.Name] = t.Doc
		for _, f := range t.Funcs {
			docs[f.Name] = f.Doc
		}
		for _, m := range t.Methods {
			docs[t.Name+"."+m.Name] = m.Doc
		}
	}
	for _, vs := range [][]*doc.Value{dp.Consts, dp.Vars} {
		for _, v := range vs {
			for _, n := range v.Names {
				docs[n] = v.Doc
			}
		}
	}
	return docs
}

// IsComplete says whether code can run as it is: "complete", "incomplete"
// (an open bracket, string or comment, or a trailing operator; indent is
// the indent of the next line) or "invalid" (a syntax error).
func (s *Session) IsComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	src := []byte(code)
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(src))
	var sc scanner.Scanner
	var scanErr string
	sc.Init(file, src, func(_ token.Position, msg string) {
		if scanErr == "" {
			scanErr = msg
		}
	}, scanner.ScanComments)
	depth := 0
	last := token.ILLEGAL
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" || t == token.COMMENT {
			continue
		}
		switch t {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
			if depth < 0 {
				return "invalid", ""
			}
		}
		last = t
	}
	switch {
	case strings.Contains(scanErr, "raw string literal not terminated"),
		strings.Contains(scanErr, "comment not terminated"):
		return "incomplete", ""
	case scanErr != "":
		return "invalid", ""
	case depth > 0:
		return "incomplete", strings.Repeat("\t", depth)
	}
	switch {
	case last.IsOperator() && last != token.RPAREN && last != token.RBRACE && last != token.RBRACK &&
		last != token.INC && last != token.DEC && last != token.SEMICOLON:
		return "incomplete", ""
	}
	chunks, err := Split(code)
	if err != nil {
		return "invalid", ""
	}
	for _, c := range chunks {
		if err := parseChunk(c); err != nil {
			return "invalid", ""
		}
	}
	return "complete", ""
}

// parseChunk reports the syntax errors of one chunk.
func parseChunk(c Chunk) error {
	var src string
	switch c.Kind {
	case Stmts:
		src = "package p; func _() {" + c.Src + "\n}"
	default:
		src = "package p;" + c.Src
	}
	_, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
	return err
}

// noteVars records the names that a statement chunk defines with := or
// var at top level, for completion.
func (s *Session) noteVars(src string) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p; func _() {"+src+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
						s.vars[id.Name] = true
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok {
				for _, sp := range gd.Specs {
					if vs, ok := sp.(*ast.ValueSpec); ok {
						for _, id := range vs.Names {
							s.vars[id.Name] = true
						}
					}
				}
			}
		}
	}
}
