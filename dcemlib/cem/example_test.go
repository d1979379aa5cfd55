package cem_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Differentiable CEM on a quadratic whose centre is a parameter: the
// solution follows the centre, and the gradient of the solution with
// respect to the centre flows through every iteration of the solve.
func ExampleSolve() {
	centre := tensor.New([]float64{1, -2}, 1, 1, 2).RequiresGrad()
	f := func(x *tensor.Tensor) *tensor.Tensor { // x: (B, S, n) → (B, S)
		return x.Sub(centre).Square().SumAxis(-1, false)
	}
	res, err := cem.Solve(context.Background(), f, tensor.Zeros(1, 2), tensor.Scalar(3),
		cem.Config{Samples: 200, Elites: 20, Iters: 20, Temp: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("solution %.2f\n", res.Mean.Data())
	res.Mean.Sum().Backward()
	fmt.Printf("d(Σ solution)/d centre %.2f\n", centre.Grad().Data())
	// Output:
	// solution [1.00 -2.00]
	// d(Σ solution)/d centre [1.00 1.00]
}

// The same solve in float32: the mean's dtype sets the solve's, and the
// objective's parameters must have it too.
func ExampleSolve_float32() {
	centre := tensor.New([]float64{1, -2}, 1, 1, 2).Float32().RequiresGrad()
	f := func(x *tensor.Tensor) *tensor.Tensor { // x: (B, S, n) float32
		return x.Sub(centre).Square().SumAxis(-1, false)
	}
	res, err := cem.Solve(context.Background(), f, tensor.ZerosOf(tensor.Float32, 1, 2),
		tensor.FullOf(tensor.Float32, 3), cem.Config{Samples: 200, Elites: 20, Iters: 20, Temp: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v solution %.2f\n", res.Mean.DType(), res.Mean.Data32())
	res.Mean.Sum().Backward()
	fmt.Printf("d(Σ solution)/d centre %.2f\n", centre.Grad().Data32())
	// Output:
	// float32 solution [1.00 -2.00]
	// d(Σ solution)/d centre [1.00 1.00]
}

// Vanilla CEM (Temp 0) on a black-box function of plain Go slices.
func ExampleSolveFunc() {
	f := func(x [][]float64) []float64 {
		v := make([]float64, len(x))
		for i, r := range x {
			v[i] = (r[0]-3)*(r[0]-3) + (r[1]+1)*(r[1]+1)
		}
		return v
	}
	res, err := cem.SolveFunc(context.Background(), f, []float64{0, 0}, []float64{2},
		cem.Config{Samples: 100, Elites: 10, Iters: 15, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("solution %.2f after %d iterations\n", res.Mean, res.Iters)
	// Output:
	// solution [3.00 -1.00] after 15 iterations
}
