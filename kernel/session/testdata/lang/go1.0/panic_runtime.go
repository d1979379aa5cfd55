package main

import "fmt"

func try(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return "ok"
}

func main() {
	fmt.Println(try(func() {
		var xs []int
		_ = xs[3]
	}))
	fmt.Println(try(func() {
		var m map[string]int
		m["a"] = 1
	}))
	fmt.Println(try(func() { panic("custom") }))
	fmt.Println(try(func() { panic(fmt.Errorf("err %d", 7)) }))
	fmt.Println(try(func() {}))
}
