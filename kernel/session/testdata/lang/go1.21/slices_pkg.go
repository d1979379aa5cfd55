package main

import (
	"fmt"
	"slices"
)

func main() {
	xs := []int{5, 2, 8, 1, 9}
	slices.Sort(xs)
	fmt.Println(xs)
	i, found := slices.BinarySearch(xs, 8)
	fmt.Println(i, found)
	fmt.Println(slices.Contains(xs, 2), slices.Index(xs, 9), slices.Max(xs), slices.Min(xs))
	ys := slices.Clone(xs)
	slices.Reverse(ys)
	fmt.Println(ys, xs)
	fmt.Println(slices.Equal(xs, ys), slices.IndexFunc(xs, func(v int) bool { return v > 4 }))
	ws := []string{"b", "c", "a"}
	slices.Sort(ws)
	fmt.Println(ws, slices.Compact([]int{1, 1, 2, 2, 2, 3}))
	fmt.Println(slices.Insert([]int{1, 4}, 1, 2, 3))
}
