package main

import (
	"fmt"
	"strings"
)

func main() {
	for line := range strings.Lines("a\nb\nc") {
		fmt.Printf("%q ", line)
	}
	fmt.Println()
	for part := range strings.SplitSeq("x,y,z", ",") {
		fmt.Print(part, ";")
	}
	fmt.Println()
	for f := range strings.FieldsSeq("  p  q ") {
		fmt.Print("[", f, "]")
	}
	fmt.Println()
}
