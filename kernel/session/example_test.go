package session_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dcem-go/dcem/kernel/session"
)

// Example runs two cells in one session: the second sees what the first
// declared, and modern Go (range over an integer, min) runs as Go runs it.
func Example() {
	s, err := session.New(session.Options{Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	if _, err := s.Execute(ctx, "func square(x int) int { return x * x }"); err != nil {
		panic(err)
	}
	cell := `import "fmt"

for i := range 3 {
	fmt.Println(i, square(i), min(i, 1))
}`
	if _, err := s.Execute(ctx, cell); err != nil {
		fmt.Println("error:", err)
	}
	// Output:
	// 0 0 0
	// 1 1 1
	// 2 4 1
}
