package main

import (
	"fmt"
	"sort"
)

func main() {
	var counters []func() int
	for i := 0; i < 3; i++ {
		n := i * 10
		counters = append(counters, func() int { n++; return n })
		n += 5
	}
	for _, c := range counters {
		fmt.Print(c(), " ")
	}
	fmt.Println()

	words := []string{"pear", "fig", "apple"}
	var sorts []func()
	for _, w := range words {
		key := w
		if len(key) > 3 {
			key = key[:3]
		}
		sorts = append(sorts, func() {
			s := []string{key, "b", "z"}
			sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
			fmt.Print(s, " ")
		})
	}
	for _, f := range sorts {
		f()
	}
	fmt.Println()

	total := 0
	for i := range 4 {
		sq := i
		sq *= sq
		func() { total += sq }()
	}
	fmt.Println(total)
}
