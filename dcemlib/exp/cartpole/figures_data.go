package cartpole

import (
	"context"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	cpenv "github.com/dcem-go/dcem/envs/cartpole"
)

// Trace is the data of fig. 2: from one start state, what full-space CEM
// and latent DCEM evaluate, iteration by iteration.
type Trace struct {
	Start cpenv.State `json:"start"`
	Dim   int         `json:"dim"`
	Temp  float64     `json:"temp"`
	// LatentSamples[i][s] is sample s of latent iteration i (the first two
	// coordinates when Dim > 2); LatentCosts and LatentWeights match it.
	LatentSamples [][][]float64 `json:"latent_samples"`
	LatentCosts   [][]float64   `json:"latent_costs"`
	LatentWeights [][]float64   `json:"latent_weights"`
	// ExpertCosts[i] are the costs of the samples of expert iteration i.
	ExpertCosts [][]float64 `json:"expert_costs"`
	// LatentPlan and ExpertPlan are the final plans and LatentCost and
	// ExpertCost their costs.
	LatentPlan []float64 `json:"latent_plan"`
	ExpertPlan []float64 `json:"expert_plan"`
	LatentCost float64   `json:"latent_cost"`
	ExpertCost float64   `json:"expert_cost"`
	// Surface is the latent cost surface from Start (2-d latents only).
	Surface *Surface `json:"surface,omitempty"`
}

// Surface is a latent cost surface (fig. 10): Cost[i][j] is the cost of
// the decoded plan at z = (Axis[j], Axis[i]) from Start.
type Surface struct {
	Start cpenv.State `json:"start"`
	Temp  float64     `json:"temp"`
	Seed  uint64      `json:"seed"`
	Axis  []float64   `json:"axis"`
	Cost  [][]float64 `json:"cost"`
}

// SwingUp is the closed-loop swing-up from the hanging state: at each step
// each controller plans from the current state and applies its first force.
type SwingUp struct {
	Steps         int           `json:"steps"`
	Latent        []cpenv.State `json:"latent"`
	Expert        []cpenv.State `json:"expert"`
	LatentActions []float64     `json:"latent_actions"`
	ExpertActions []float64     `json:"expert_actions"`
	LatentReturn  float64       `json:"latent_return"`
	ExpertReturn  float64       `json:"expert_return"`
}

func trace(ctx context.Context, c *Config, p cpenv.Params, run *Training, start cpenv.State) (*Trace, error) {
	tr := &Trace{Start: start, Dim: run.Dim, Temp: run.Temp}
	x0 := tensor.New(start.Vec())
	cost := func(u *tensor.Tensor) *tensor.Tensor { return p.RolloutCost(x0, u) }
	lcfg := latentCfg(c, run.Temp, 7)
	lcfg.Callback = func(it cem.Iterate) {
		s := it.Samples.Dim(1)
		zs := make([][]float64, s)
		for j := range zs {
			zs[j] = []float64{it.Samples.At(0, j, 0), 0}
			if run.Dim > 1 {
				zs[j][1] = it.Samples.At(0, j, 1)
			}
		}
		tr.LatentSamples = append(tr.LatentSamples, zs)
		tr.LatentCosts = append(tr.LatentCosts, append([]float64(nil), it.Values.Data()...))
		tr.LatentWeights = append(tr.LatentWeights, append([]float64(nil), it.Weights.Data()...))
	}
	plan, err := control.PlanLatent(ctx, run.Best.Frozen(), cost, 1, c.LatentInitStd, lcfg)
	if err != nil {
		return nil, fmt.Errorf("cartpole: trace: %w", err)
	}
	tr.LatentPlan = plan.Actions.Data()
	tr.LatentCost = p.Cost(start, tr.LatentPlan)
	ecfg := expertCfg(c, 7)
	ecfg.Callback = func(it cem.Iterate) {
		tr.ExpertCosts = append(tr.ExpertCosts, append([]float64(nil), it.Values.Data()...))
	}
	eres, err := control.PlanFull(ctx, cost, 1, c.Horizon, c.ExpertInitStd, ecfg)
	if err != nil {
		return nil, fmt.Errorf("cartpole: trace: %w", err)
	}
	tr.ExpertPlan = eres.Mean.Data()
	tr.ExpertCost = p.Cost(start, tr.ExpertPlan)
	if run.Dim == 2 {
		tr.Surface = surface(c, p, run, start)
	}
	return tr, nil
}

// surface evaluates the cost of decoded plans on a latent grid.
func surface(c *Config, p cpenv.Params, run *Training, start cpenv.State) *Surface {
	g := c.GridSize
	axis := tensor.Linspace(-c.LatentBound, c.LatentBound, g).Data()
	z := make([]float64, 0, 2*g*g)
	for i := 0; i < g; i++ {
		for j := 0; j < g; j++ {
			z = append(z, axis[j], axis[i])
		}
	}
	u := run.Best.Frozen().Decode(tensor.New(z, g*g, 2))
	costs := p.RolloutCost(tensor.New(start.Vec()), u).Data()
	s := &Surface{Start: start, Temp: run.Temp, Seed: run.Seed, Axis: axis, Cost: make([][]float64, g)}
	for i := range s.Cost {
		s.Cost[i] = costs[i*g : (i+1)*g]
	}
	return s
}

// surfaces makes fig. 10: for each temperature, the first seed's 2-d
// decoder over SurfaceStates start states.
func surfaces(ctx context.Context, c *Config, p cpenv.Params, r *Result) ([]Surface, error) {
	starts := cpenv.SampleStates(tensor.NewRNG(99), c.SurfaceStates)
	var out []Surface
	for _, t := range c.Temps {
		runs := r.RunsOf(2, t)
		if len(runs) == 0 {
			continue
		}
		for _, st := range starts {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("cartpole: surfaces: %w", err)
			}
			out = append(out, *surface(c, p, runs[0], st))
		}
	}
	return out, nil
}

// stateOf recovers the state from an observation (x, ẋ, cos θ, sin θ, θ̇).
func stateOf(obs []float64) cpenv.State {
	return cpenv.State{X: obs[0], XDot: obs[1], Theta: math.Atan2(obs[3], obs[2]), ThetaDot: obs[4]}
}

func swingUp(ctx context.Context, c *Config, p cpenv.Params, run *Training) (*SwingUp, error) {
	su := &SwingUp{Steps: c.SwingUpSteps}
	dec := run.Best.Frozen()
	latent := func(ctx context.Context, step int, obs []float64) ([]float64, error) {
		x0 := tensor.New(stateOf(obs).Vec())
		cost := func(u *tensor.Tensor) *tensor.Tensor { return p.RolloutCost(x0, u) }
		plan, err := control.PlanLatent(ctx, dec, cost, 1, c.LatentInitStd, latentCfg(c, run.Temp, uint64(1000+step)))
		if err != nil {
			return nil, err
		}
		return plan.Actions.Data()[:1], nil
	}
	expert := func(ctx context.Context, step int, obs []float64) ([]float64, error) {
		x0 := tensor.New(stateOf(obs).Vec())
		cost := func(u *tensor.Tensor) *tensor.Tensor { return p.RolloutCost(x0, u) }
		res, err := control.PlanFull(ctx, cost, 1, c.Horizon, c.ExpertInitStd, expertCfg(c, uint64(1000+step)))
		if err != nil {
			return nil, err
		}
		return res.Mean.Data()[:1], nil
	}
	for k, pol := range []control.Policy{latent, expert} {
		env := cpenv.NewEnv()
		env.Params = p
		env.MaxSteps = c.SwingUpSteps
		start := cpenv.Hanging
		env.Start = &start
		traj, err := control.Run(ctx, env, pol, 0, c.SwingUpSteps)
		if err != nil {
			return nil, fmt.Errorf("cartpole: swing-up: %w", err)
		}
		states := make([]cpenv.State, len(traj.Obs))
		for i, o := range traj.Obs {
			states[i] = stateOf(o)
		}
		acts := make([]float64, len(traj.Actions))
		for i, a := range traj.Actions {
			acts[i] = a[0]
		}
		if k == 0 {
			su.Latent, su.LatentActions, su.LatentReturn = states, acts, traj.Return
		} else {
			su.Expert, su.ExpertActions, su.ExpertReturn = states, acts, traj.Return
		}
	}
	return su, nil
}
