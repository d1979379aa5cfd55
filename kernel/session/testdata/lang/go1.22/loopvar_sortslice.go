package main

import (
	"fmt"
	"sort"
)

func main() {
	data := [][]int{{3, 1, 2}, {9, 7, 8}}
	var sorters []func()
	for _, xs := range data {
		sorters = append(sorters, func() {
			sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
		})
	}
	for _, s := range sorters {
		s()
	}
	fmt.Println(data)
}
