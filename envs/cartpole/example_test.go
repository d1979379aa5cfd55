package cartpole_test

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/cartpole"
)

// The cost of two 3-step action sequences from a tilted pole, and its
// gradient with respect to the forces, from one fused graph operation.
func ExampleParams_RolloutCost() {
	p := cartpole.DefaultParams()
	x0 := cartpole.StatesTensor([]cartpole.State{{Theta: 2.5}})
	u := tensor.FromRows([][]float64{{0, 0, 0}, {100, -100, 100}}).RequiresGrad()
	c := p.RolloutCost(x0.Reshape(4), u)
	fmt.Printf("costs %.4f\n", c.Data())
	c.Sum().Backward()
	fmt.Printf("dC/du row 0 %.4f\n", u.Grad().Data()[:3])
	// Output:
	// costs [2.4563 3.0178]
	// dC/du row 0 [0.0048 0.0015 0.0000]
}
