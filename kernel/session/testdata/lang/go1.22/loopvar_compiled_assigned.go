package main

import (
	"fmt"
	"sync"
)

// collect stops at the first negative value and skips zeros.
func collect(vals []int) (fs []func(), stopped int, err error) {
	for i, v := range vals {
		label := fmt.Sprint("#", i)
		if v == 0 {
			continue
		}
		if v < 0 {
			return fs, i, fmt.Errorf("negative at %d", i)
		}
		if v > 100 {
			break
		}
		label += fmt.Sprint("=", v)
		fs = append(fs, sync.OnceFunc(func() { fmt.Print(label, " ") }))
	}
	return fs, -1, nil
}

func first(vals []string) string {
	for _, v := range vals {
		s := v
		s += "!"
		f := sync.OnceFunc(func() { s += "?" })
		f()
		if len(v) > 1 {
			return s
		}
	}
	return ""
}

func main() {
	var fs []func()
	for i := 0; i < 3; i++ {
		n := i * 10
		n++
		fs = append(fs, sync.OnceFunc(func() { fmt.Print(n, " ") }))
	}
	var gs []func()
	for i := 0; i < 3; i++ {
		n := i * 10
		gs = append(gs, sync.OnceFunc(func() { n++; fmt.Print(n, " ") }))
		n += 5
	}
	for _, f := range append(fs, gs...) {
		f()
	}
	fmt.Println()
	hs, at, err := collect([]int{3, 0, 5, 200, 7})
	for _, h := range hs {
		h()
	}
	fmt.Println(at, err)
	hs, at, err = collect([]int{1, -2, 4})
	fmt.Println(len(hs), at, err)
	fmt.Println(first([]string{"a", "bc", "d"}))
}
