// Package symbols holds the compiled packages that Go code in the dcem kernel
// (and in "dcem run") can import: yaegi extracts of gonum, gonum/plot, the
// dcemlib and envs packages, the notebook helpers in kernel/display and
// kernel/notebook, and the interactive widgets of package widgets. The Go
// standard library comes from yaegi's own stdlib package.
//
// The x_*.go files are generated; do not edit them. After a library change,
// regenerate them from the repository root with
//
//	go generate ./kernel/symbols
//
// The generator (kernel/symbols/gen) extracts a fixed list of third-party
// packages and every package under dcemlib/ and envs/ that builds at that
// moment; a package that does not build is left out with a warning, and
// extracts of packages that are gone are removed.
package symbols

//go:generate go run ./gen

import "reflect"

// Symbols maps "import/path/name" to the exported symbols of that package, in
// the form yaegi's Interpreter.Use expects.
var Symbols = map[string]map[string]reflect.Value{}

// Docs maps an import path to the doc comments of the package's exported
// names ("Func", "Type", "Type.Method"; "" is the package comment), for
// inspection in notebooks. Generated for the extracted packages outside the
// standard library.
var Docs = map[string]map[string]string{}
