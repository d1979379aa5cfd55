// Package std holds yaegi symbol tables of standard library packages,
// generated from the installed Go (run "go generate ./kernel/symbols/std").
// yaegi's own tables (package stdlib) are of Go 1.22; the session loads
// these after them, so that the functions, types and constants that later
// releases added (strings.Lines, strings.SplitSeq, sync.WaitGroup.Go, ...)
// can be used in cells. Generic functions are not in symbol tables: the
// generic packages are interpreted from source (see kernel/session/gostd).
package std

//go:generate go run ./gen

import "reflect"

// Symbols maps "import/path/name" to the exported symbols of that package,
// in the form yaegi's Interpreter.Use expects.
var Symbols = map[string]map[string]reflect.Value{}
