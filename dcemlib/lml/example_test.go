package lml_test

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/lml"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// The soft top-3 of ten evenly spaced values: larger entries get more
// weight and the weights sum to 3. A smaller temperature sharpens it toward
// the hard top-3.
func ExampleProject() {
	x := tensor.Linspace(-1, 1, 10)
	for _, tau := range []float64{1, 0.1} {
		y, err := lml.Project(x, 3, tau, 1e-6)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("τ = %-4g %.3f  sum %.3f\n", tau, y.Data(), y.Sum().Item())
	}
	// Output:
	// τ = 1    [0.127 0.154 0.185 0.221 0.262 0.307 0.356 0.408 0.463 0.518]  sum 3.000
	// τ = 0.1  [0.000 0.000 0.000 0.000 0.004 0.034 0.247 0.752 0.966 0.996]  sum 3.000
}
