package main

import "fmt"

type Point struct{ X, Y int }

func (p Point) String() string { return fmt.Sprintf("(%d,%d)", p.X, p.Y) }

type Celsius float64

func (c Celsius) String() string { return fmt.Sprintf("%.1fC", float64(c)) }

func main() {
	p := Point{1, 2}
	fmt.Println(p)
	fmt.Printf("%v %s %d\n", p, p, p.X)
	fmt.Println([]Point{{1, 1}, {2, 3}})
	fmt.Println(Celsius(36.6))
	s := fmt.Sprint(p)
	fmt.Println(len(s))
}
