package nn_test

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Fit y = 2x − 1 with a linear layer, Adam and gradient clipping.
func ExampleAdam() {
	rng := tensor.NewRNG(1)
	l := nn.NewLinear(1, 1, nn.InitUniform, rng)
	opt := nn.NewAdam(l.Params(), 0.05)
	x := tensor.Linspace(-1, 1, 20).Reshape(20, 1)
	y := x.MulScalar(2).AddScalar(-1)
	for step := 0; step < 500; step++ {
		opt.ZeroGrad()
		l.Forward(x).Sub(y).Square().Mean().Backward()
		nn.ClipGradNorm(l.Params(), 1)
		opt.Step()
	}
	fmt.Printf("w %.2f b %.2f\n", l.W.Item(), l.B.Item())
	// Output:
	// w 2.00 b -1.00
}

// The gradient of a scalar network with respect to its input, as tensor
// operations that can be differentiated again.
func ExampleMLP_InputGrad() {
	rng := tensor.NewRNG(1)
	energy := nn.NewMLP([]int{2, 16, 1}, nn.Softplus, nn.InitUniform, rng)
	z := tensor.New([]float64{0.5, -1}, 1, 2)
	_, g := energy.InputGrad(z, nil)
	fmt.Println(g.Shape())
	// A step of gradient descent on the input, differentiated with
	// respect to the network's weights.
	next := z.Sub(g.MulScalar(0.1))
	next.Sum().Backward()
	fmt.Println(energy.Layers[0].W.Grad() != nil)
	// Output:
	// [1 2]
	// true
}
