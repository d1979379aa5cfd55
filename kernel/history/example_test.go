package history_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dcem-go/dcem/kernel/history"
)

// Two kernel sessions in one history file: the second one's Tail sees the
// first one's cells too, and Search finds cells by a glob pattern.
func Example() {
	dir, err := os.MkdirTemp("", "history-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "history.sqlite")

	first, err := history.Open(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	first.Append(1, "x := 2", "")
	first.Append(2, "x * x", "4")
	first.Close()

	second, err := history.Open(path) // a kernel restart
	if err != nil {
		fmt.Println(err)
		return
	}
	defer second.Close()
	second.Append(1, "x := 3", "")
	tail, err := second.Tail(3)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range tail {
		fmt.Printf("session %d line %d: %s\n", e.Session-first.Session()+1, e.Line, e.Input)
	}
	found, err := second.Search("x :=*", 0, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(found), "assignments")
	// Output:
	// session 1 line 1: x := 2
	// session 1 line 2: x * x
	// session 2 line 1: x := 3
	// 2 assignments
}
