package main

import (
	"fmt"
	"math"
)

func rosenbrock(x []float64) float64 {
	s := 0.0
	for i := 0; i+1 < len(x); i++ {
		a := x[i+1] - x[i]*x[i]
		b := 1 - x[i]
		s += 100*a*a + b*b
	}
	return s
}

func main() {
	fmt.Printf("%.6f\n", rosenbrock([]float64{0.5, -0.3, 1.2, 0.9}))
	fmt.Println(math.Sqrt(2), math.Inf(1), -math.MaxFloat64 < 0, math.NaN() == math.NaN())
	x := 0.1 + 0.2
	y := 2.9
	fmt.Println(x, x == 0.3, int(y), int(-y), 7/2, -7/2, 7%3, -7%3)
	var u uint8 = 250
	u += 10
	fmt.Println(u, 1<<10, math.Floor(-1.5))
}
