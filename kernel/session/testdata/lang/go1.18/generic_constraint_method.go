package main

import (
	"fmt"
	"strings"
)

type Stringer interface{ String() string }

type ID int

func (i ID) String() string { return fmt.Sprintf("id-%d", int(i)) }

func Join[T Stringer](xs []T, sep string) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = x.String()
	}
	return strings.Join(parts, sep)
}

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func main() {
	fmt.Println(Join([]ID{1, 2, 3}, ","))
	p := Pair[string, int]{"a", 1}
	fmt.Println(p.Key, p.Val)
}
