package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	var lesses []func(i, j int) bool
	xs := []int{3, 1, 2}
	for k := 0; k < 2; k++ {
		desc := k == 1
		lesses = append(lesses, func(i, j int) bool {
			if desc {
				return xs[i] > xs[j]
			}
			return xs[i] < xs[j]
		})
	}
	sort.Slice(xs, lesses[0])
	fmt.Println(xs)
	sort.Slice(xs, lesses[1])
	fmt.Println(xs)
	var mappers []func(rune) rune
	for _, shift := range []rune{1, 2} {
		s := shift
		mappers = append(mappers, func(r rune) rune { return r + s })
	}
	fmt.Println(strings.Map(mappers[0], "abc"), strings.Map(mappers[1], "abc"))
}
