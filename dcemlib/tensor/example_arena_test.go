package tensor_test

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// A training loop in float32 whose steps reuse the same storage: the input
// enters the arena, every result of the step is made there, and Reset
// recycles it all after the parameter update.
func ExampleArena() {
	rng := tensor.NewRNG(1)
	x := tensor.RandNOf(tensor.Float32, rng, 256, 4)
	y := x.SumAxis(1, true) // the target: the sum of the inputs
	w := tensor.ZerosOf(tensor.Float32, 4, 1).RequiresGrad()
	a := tensor.NewArena()
	for step := 0; step < 200; step++ {
		loss := tensor.Affine(a.Use(x), w, nil, tensor.ActIdentity).Sub(y).Square().Mean()
		loss.Backward()
		a.Reset() // loss and every intermediate are invalid from here on
		for i, g := range w.Grad().Data32() {
			w.Data32()[i] -= 0.1 * g
		}
		w.ZeroGrad()
	}
	fmt.Printf("%.3f\n", w.Values())
	// Output: [1.000 1.000 1.000 1.000]
}

// Inference without a graph: a no-grad arena records nothing even though w
// requires a gradient.
func ExampleNewNoGradArena() {
	w := tensor.New32([]float32{1, 2, 3, 4}, 2, 2).RequiresGrad()
	a := tensor.NewNoGradArena()
	defer a.Reset()
	y := a.Use(tensor.Ones(1, 2).Float32()).MatMul(w).Tanh()
	fmt.Println(y.NeedsGrad(), y.DType())
	// Output: false float32
}
