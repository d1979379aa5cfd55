package latent_test

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/exp/latent"
	"github.com/dcem-go/dcem/dcemlib/rssm"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// The latent DCEM controller of the paper's phase 2 over a small world
// model (untrained here; RunPhase2 trains both): it plans with DCEM in a
// 2-d latent space decoded into 4 actions, and its plan is differentiable
// with respect to the decoder and the model through the solve. As a
// Gaussian policy (phase 3), its mean is the plan's first action, which
// PPO trains through the solve.
func ExampleController() {
	cfg := rssm.Config{ObsSize: 3, ActionSize: 2, StateSize: 2, BeliefSize: 4, HiddenSize: 8, EmbedSize: 4,
		MinStd: 0.1, FreeNats: 3, RewardScale: 10}
	m, err := rssm.New(cfg, tensor.Float64, tensor.NewRNG(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	solver := cem.Config{Samples: 16, Elites: 4, Iters: 3, Temp: 1}
	c, err := latent.NewController(m, 2, 4, []int{16}, solver, tensor.NewRNG(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// Plans from a batch of 3 beliefs, and the gradient of their mean
	// first action with respect to the decoder.
	h := tensor.RandN(tensor.NewRNG(3), 3, cfg.BeliefSize)
	s := tensor.RandN(tensor.NewRNG(4), 3, cfg.StateSize)
	plan, err := c.Plan(ctx, h, s, 7)
	if err != nil {
		fmt.Println(err)
		return
	}
	plan.Actions.Slice(1, 0, cfg.ActionSize).Mean().Backward()
	fmt.Println("plans:", plan.Actions.Shape(), "latent solutions:", plan.Z.Shape())
	fmt.Println("decoder gradient:", c.Decoder.Params()[0].Grad() != nil)

	// The controller as a policy with σ = 0.1.
	p, err := latent.NewPolicy(c, 0.1, false, 5)
	if err != nil {
		fmt.Println(err)
		return
	}
	mean, logStd, err := p.Distribution(ctx, tensor.Concat(1, h, s))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("policy mean:", mean.Shape(), "log σ:", logStd.Shape())
	// Output:
	// plans: [3 8] latent solutions: [3 2]
	// decoder gradient: true
	// policy mean: [3 2] log σ: [2]
}
