// Command gen writes the symbol tables of package std for the installed
// Go. It runs in the directory of package std.
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/traefik/yaegi/extract"
)

// packages are the standard packages whose tables are regenerated: those
// that notebooks use most and that changed after Go 1.22. fmt is left to
// yaegi's table, which the interpreter rewires to a cell's output.
var packages = []string{
	"bufio", "bytes", "context", "encoding/json", "errors", "io", "math", "math/bits",
	"math/rand/v2", "path/filepath", "reflect", "sort", "strconv", "strings", "sync",
	"sync/atomic", "time", "unicode", "unicode/utf8",
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("symbols/std/gen: ")
	old, _ := filepath.Glob("x_*.go")
	for _, f := range old {
		os.Remove(f)
	}
	r := strings.NewReplacer("/", "_", ".", "_")
	for _, p := range packages {
		var buf bytes.Buffer
		ext := extract.Extractor{Dest: "std"}
		if _, err := ext.Extract(p, "", &buf); err != nil {
			log.Fatalf("%s: %v", p, err)
		}
		src, err := format.Source(buf.Bytes())
		if err != nil {
			log.Fatalf("%s: %v", p, err)
		}
		name := "x_" + r.Replace(p) + ".go"
		if err := os.WriteFile(name, src, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Fprintf(os.Stderr, "symbols/std/gen: wrote %d tables\n", len(packages))
}
