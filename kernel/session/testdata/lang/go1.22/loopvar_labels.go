package main

import (
	"fmt"
	"sync"
)

// A loop body with labels, goto and labeled break and continue of its own
// loop: a closure that reads a variable which the body assigns, handed to
// compiled code (sync.OnceFunc) and run after its iteration, sees its own
// iteration's variable.
func labeled(vals []int) []func() {
	var fs []func()
outer:
	for i, v := range vals {
		n := v * 10
		n++
		for j := 0; j < 3; j++ {
			if v < 0 {
				continue outer
			}
			if v > 100 {
				break outer
			}
			if j == 1 {
				break
			}
		}
		k := 0
	again:
		k++
		if k < v {
			goto again
		}
		n += k
		label := fmt.Sprint("#", i)
		switch {
		case v == 2:
			label += "!"
			break
		}
		fs = append(fs, sync.OnceFunc(func() { fmt.Print(label, "=", n, " ") }))
	}
	return fs
}

// find returns from inside a nested loop.
func find(rows [][]int, want int) (func(), bool) {
	for r, row := range rows {
		where := fmt.Sprint("row ", r)
		for c, x := range row {
			if x == want {
				where += fmt.Sprint(" col ", c)
				return sync.OnceFunc(func() { fmt.Println(where) }), true
			}
		}
		where += " (none)"
	}
	return nil, false
}

func main() {
	for _, f := range labeled([]int{1, 2, -1, 3, 200, 4}) {
		f()
	}
	fmt.Println()
	f, ok := find([][]int{{1, 2}, {3, 4, 5}}, 4)
	f()
	fmt.Println(ok)
	_, ok = find([][]int{{1}}, 9)
	fmt.Println(ok)
	var gs []func()
	for i := range 4 {
		sq := i * i
	inner:
		for {
			switch {
			case sq > 5:
				sq--
				continue inner
			}
			break inner
		}
		gs = append(gs, sync.OnceFunc(func() { fmt.Print(sq, " ") }))
	}
	for _, g := range gs {
		g()
	}
	fmt.Println()
}
