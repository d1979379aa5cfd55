package main

import "fmt"

type Vec struct{ X, Y float64 }

func (v Vec) Dot(w Vec) float64 { return v.X*w.X + v.Y*w.Y }
func (v *Vec) Scale(k float64)  { v.X *= k; v.Y *= k }

func main() {
	dot := Vec.Dot
	scale := (*Vec).Scale
	v := Vec{1, 2}
	scale(&v, 3)
	fmt.Println(dot(v, Vec{1, 1}))
}
