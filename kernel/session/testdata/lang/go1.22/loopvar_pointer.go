package main

import "fmt"

func main() {
	var ps []*int
	for i := 0; i < 3; i++ {
		ps = append(ps, &i)
	}
	fmt.Println(*ps[0], *ps[1], *ps[2])
	var vs []*string
	for _, v := range []string{"x", "y"} {
		vs = append(vs, &v)
	}
	fmt.Println(*vs[0], *vs[1])
}
