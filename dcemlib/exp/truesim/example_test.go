package truesim_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/exp/truesim"
)

// Full-space CEM planning in the true simulator (the paper's expert
// baseline, app. E) at a toy budget: 5 planning steps of 30 candidates on
// cheetah.run, against one episode of random actions over as many steps.
func ExampleRunPoint() {
	cfg := truesim.Quick()
	cfg.Tasks = []string{"cheetah.run"}
	cfg.Samples, cfg.Elites, cfg.Iters, cfg.Horizon = 30, 3, 2, 4
	cfg.Steps, cfg.FrameEvery, cfg.Workers = 5, 0, 1
	if err := cfg.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	res, err := truesim.RunPoint(context.Background(), cfg, truesim.Point{Task: "cheetah.run"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, action repeat %d: %d planned and %d random episodes, %d planning steps\n",
		res.Task, res.Repeat, len(res.PlannedReturns), len(res.RandomReturns), len(res.Rewards))
	// Output:
	// cheetah.run, action repeat 4: 1 planned and 1 random episodes, 5 planning steps
}
