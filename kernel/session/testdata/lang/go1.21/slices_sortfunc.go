package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

type Run struct {
	Name  string
	Score float64
}

func main() {
	runs := []Run{{"b", 2.5}, {"a", 9}, {"c", 2.5}}
	slices.SortFunc(runs, func(x, y Run) int {
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	fmt.Println(runs)
	slices.SortStableFunc(runs, func(x, y Run) int { return cmp.Compare(x.Name, y.Name) })
	fmt.Println(runs)
}
