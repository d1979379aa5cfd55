package main

import (
	"fmt"
	"iter"
)

type List struct {
	vals []string
}

func (l *List) All() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i, v := range l.vals {
			if !yield(i, v) {
				return
			}
		}
	}
}

func Evens(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i += 2 {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	l := &List{[]string{"a", "b", "c"}}
	for i, v := range l.All() {
		fmt.Println(i, v)
	}
	sum := 0
	for v := range Evens(10) {
		sum += v
	}
	fmt.Println(sum)
}
