package nn_test

import (
	"bytes"
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

// A GRU cell rolled over a short sequence; the gradient reaches every
// weight through all steps.
func ExampleGRUCell() {
	rng := tensor.NewRNG(1)
	cell := nn.NewGRUCell(3, 4, rng)
	h := tensor.Zeros(2, 4) // batch of 2
	for t := 0; t < 5; t++ {
		h = cell.Forward(tensor.RandN(rng, 2, 3), h)
	}
	fmt.Println(h.Shape())
	h.Sum().Backward()
	fmt.Println(cell.Input.W.Grad().Shape(), cell.Hidden.W.Grad().Shape())
	// Output:
	// [2 4]
	// [3 12] [4 12]
}

// Save a network's parameters and load them into another of the same
// shape.
func ExampleSaveParams() {
	a := nn.NewMLP([]int{2, 8, 1}, nn.Tanh, nn.InitUniform, tensor.NewRNG(1))
	b := nn.NewMLP([]int{2, 8, 1}, nn.Tanh, nn.InitUniform, tensor.NewRNG(2))
	var buf bytes.Buffer
	if err := nn.SaveParams(&buf, a.Params()); err != nil {
		fmt.Println(err)
		return
	}
	if err := nn.LoadParams(&buf, b.Params()); err != nil {
		fmt.Println(err)
		return
	}
	x := tensor.New([]float64{0.3, -0.7}, 1, 2)
	fmt.Println(a.Forward(x).Item() == b.Forward(x).Item())
	// Output: true
}

// Halve the learning rate when the loss stops improving.
func ExamplePlateau() {
	opt := nn.NewAdam([]*tensor.Tensor{tensor.Zeros(1).RequiresGrad()}, 1e-3)
	sched := nn.NewPlateau(opt, 0.5, 2)
	for _, loss := range []float64{1.0, 0.8, 0.8, 0.8, 0.8} {
		sched.Step(loss)
	}
	fmt.Println(opt.LearningRate())
	// Output: 0.0005
}
