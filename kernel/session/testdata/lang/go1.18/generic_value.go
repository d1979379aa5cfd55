package main

import (
	"fmt"
	"strconv"
)

func Max[T int | float64](a, b T) T {
	if a > b {
		return a
	}
	return b
}

func Apply[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func main() {
	f := Max[int]
	g := Max[float64]
	fmt.Println(f(2, 5), g(2.5, 1))
	ops := []func(int, int) int{Max[int], func(a, b int) int { return a + b }}
	for _, op := range ops {
		fmt.Print(op(3, 4), " ")
	}
	fmt.Println()
	fmt.Println(Apply([]int{1, 22}, strconv.Itoa), Apply([]string{"a"}, func(s string) int { return len(s) }))
}
