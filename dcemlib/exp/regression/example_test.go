package regression_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/exp/regression"
)

// Train the energy network with unrolled gradient descent on a small
// configuration and compare the loss before and after.
func ExampleRun() {
	cfg := regression.Quick()
	cfg.Methods = []string{regression.GD}
	cfg.Seeds = []uint64{0}
	res, err := regression.Run(context.Background(), cfg, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	run := res.Runs[0]
	fmt.Println(run.Method, len(run.EvalMSE), "step counts evaluated")
	fmt.Println("loss fell:", run.FinalMSE < run.Curve.MSE[0])
	// Output:
	// gd 12 step counts evaluated
	// loss fell: true
}
