package main

import (
	"fmt"
	"sort"
)

func main() {
	counts := map[string]int{}
	for _, w := range []string{"a", "b", "a", "c", "a", "b"} {
		counts[w]++
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, counts[k])
	}
	v, ok := counts["z"]
	fmt.Println(v, ok, len(counts))
	delete(counts, "a")
	fmt.Println(len(counts))
	type point struct{ X, Y int }
	grid := map[point]string{{1, 2}: "p"}
	fmt.Println(grid[point{1, 2}])
}
