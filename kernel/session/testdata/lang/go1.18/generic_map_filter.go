package main

import (
	"fmt"
	"strconv"
)

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func main() {
	xs := []int{1, 2, 3, 4}
	fmt.Println(Filter(xs, func(x int) bool { return x%2 == 0 }))
	fmt.Println(Map(xs, strconv.Itoa))
	fmt.Println(Map(xs, func(x int) float64 { return float64(x) / 2 }))
}
