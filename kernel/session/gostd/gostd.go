// Package gostd holds the sources of the generic standard packages (iter,
// cmp, slices, maps) that the kernel interprets: yaegi's compiled symbol
// tables cannot hold generic functions, and the sources yaegi itself
// embeds are of Go 1.22 and partly do not compile.
//
// The sources are generated from the installed Go's GOROOT by gen (run
// "go generate ./kernel/session/gostd"): each package's files are joined,
// slice and map type parameters (S ~[]E) are replaced by their core types
// (yaegi infers one type parameter from another badly), the functions
// that need the runtime or unsafe are rewritten, and the result is
// lowered by the kernel's rewrites (range over functions, min and max).
// iter is the kernel's own: Pull runs the iterator in a goroutine.
package gostd

import _ "embed"

//go:generate go run ./gen

//go:embed iter.go.txt
var iterSource string

//go:embed cmp.go.txt
var cmpSource string

//go:embed slices.go.txt
var slicesSource string

//go:embed maps.go.txt
var mapsSource string

// Sources are the package sources, in the order they must be compiled.
var Sources = []string{iterSource, cmpSource, slicesSource, mapsSource}

// Packages are the import paths of Sources, in the same order.
var Packages = []string{"iter", "cmp", "slices", "maps"}
