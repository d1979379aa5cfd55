package symbols_test

import (
	"fmt"
	"strings"

	"github.com/dcem-go/dcem/kernel/symbols"
)

// Example looks up a library function the interpreter can call, and its doc
// comment, which the kernel shows on inspection.
func Example() {
	fn := symbols.Symbols["github.com/dcem-go/dcem/dcemlib/lml/lml"]["Project"]
	doc := symbols.Docs["github.com/dcem-go/dcem/dcemlib/lml"]["Project"]
	fmt.Println(fn.Kind(), strings.HasPrefix(doc, "Project"))
	// Output: func true
}
