package main

import (
	"cmp"
	"fmt"
)

func main() {
	fmt.Println(cmp.Compare(1.5, 2), cmp.Compare("b", "a"), cmp.Compare(3, 3))
	fmt.Println(cmp.Less(1, 2), cmp.Or(0, 0, 5, 7), cmp.Or("", "x"))
}
