package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	keys := slices.Sorted(maps.Keys(m))
	fmt.Println(keys)
	for i, v := range slices.All([]string{"x", "y"}) {
		fmt.Println(i, v)
	}
	for _, v := range slices.Backward([]int{1, 2, 3}) {
		fmt.Print(v)
	}
	fmt.Println()
	fmt.Println(slices.Collect(slices.Values([]int{4, 5})))
}
