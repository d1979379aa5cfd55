package main

import "fmt"

type P struct {
	X    int
	Tags [2]string
}

func bump(p P) P { p.X++; return p }

func main() {
	a := [3]int{1, 2, 3}
	b := a
	b[0] = 9
	fmt.Println(a, b)
	p := P{1, [2]string{"a", "b"}}
	q := bump(p)
	q.Tags[0] = "z"
	fmt.Println(p, q)
	s := []int{1, 2, 3}
	t := s[:2]
	t = append(t, 7)
	fmt.Println(s, t, len(t), cap(t))
	u := append([]int(nil), s...)
	u[0] = 100
	fmt.Println(s[0], u[0])
}
