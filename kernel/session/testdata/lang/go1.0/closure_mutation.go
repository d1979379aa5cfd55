package main

import (
	"fmt"
	"strings"
)

type counter struct{ n int }

func (c *counter) inc() { c.n++ }

func main() {
	for i := 0; i < 2; i++ {
		var sb strings.Builder
		write := func(s string) { sb.WriteString(s) }
		write("a")
		write("b")
		fmt.Println(i, sb.String())
	}
	for _, k := range []int{1, 2} {
		c := counter{}
		bump := func() { c.inc() }
		for range k {
			bump()
		}
		arr := [2]int{}
		set := func() { arr[0] = k }
		set()
		fmt.Println(c.n, arr)
	}
}
