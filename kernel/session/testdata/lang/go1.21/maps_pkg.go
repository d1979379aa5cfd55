package main

import (
	"fmt"
	"maps"
)

func main() {
	m := map[string]int{"a": 1, "b": 2}
	c := maps.Clone(m)
	c["z"] = 26
	fmt.Println(len(m), len(c), maps.Equal(m, c))
	maps.DeleteFunc(c, func(k string, v int) bool { return v > 1 })
	fmt.Println(c)
	dst := map[string]int{"q": 0}
	maps.Copy(dst, m)
	fmt.Println(dst)
}
