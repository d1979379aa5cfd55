package main

import (
	"fmt"
	"math/rand"
)

func main() {
	r := rand.New(rand.NewSource(42))
	var xs []int
	for i := 0; i < 5; i++ {
		xs = append(xs, r.Intn(100))
	}
	fmt.Println(xs)
	fmt.Printf("%.4f\n", r.NormFloat64())
	perm := r.Perm(5)
	fmt.Println(perm)
}
