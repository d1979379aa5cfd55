package control_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs/cartpole"
)

// Plan 20 forces for the cartpole from a tilted start with full-space CEM,
// then with DCEM in the 2-d latent space of an (untrained) decoder. Both
// solves are batched: here one problem, whose S samples the cost receives
// as rows.
func ExamplePlanLatent() {
	p := cartpole.DefaultParams()
	start := cartpole.State{Theta: 0.5}
	x0 := tensor.New(start.Vec())
	cost := func(u *tensor.Tensor) *tensor.Tensor { return p.RolloutCost(x0, u) }

	full, err := control.PlanFull(context.Background(), cost, 1, 20, 100,
		cem.Config{Samples: 1000, Elites: 100, Iters: 10, Lower: -100, Upper: 100, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	dec, err := control.NewDecoder(2, 20, 1, []int{64, 64}, -100, 100, tensor.NewRNG(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := control.PlanLatent(context.Background(), dec, cost, 1, 0.5,
		cem.Config{Samples: 100, Elites: 10, Iters: 10, Temp: 1, Lower: -1, Upper: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	idle := p.Cost(start, make([]float64, 20))
	fmt.Printf("doing nothing costs %.2f\n", idle)
	fmt.Printf("full-space CEM plan beats it: %v\n", p.Cost(start, full.Mean.Data()) < idle)
	fmt.Printf("latent plan has %d forces in [-100, 100]\n", plan.Actions.Dim(1))
	// Output:
	// doing nothing costs -1.40
	// full-space CEM plan beats it: true
	// latent plan has 20 forces in [-100, 100]
}
