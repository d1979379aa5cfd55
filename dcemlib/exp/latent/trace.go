package latent

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/control"
	"github.com/dcem-go/dcem/dcemlib/rssm"
)

// PlanFunc returns the whole plan a controller makes from a belief (h, s):
// horizon actions, time-major (horizon·ActionSize numbers), of which a
// receding-horizon controller executes the first.
type PlanFunc func(ctx context.Context, h, s []float64, seed uint64) ([]float64, error)

// CEMPlan returns the PlanFunc of full-space CEM (planner) in the model
// behind im, PlaNet's controller.
func CEMPlan(planner control.CEMPlanner, im *rssm.Imagination) PlanFunc {
	return func(ctx context.Context, h, s []float64, seed uint64) ([]float64, error) {
		if err := im.SetStart(h, s); err != nil {
			return nil, err
		}
		p, err := planner.Plan(ctx, im, seed)
		if err != nil {
			return nil, err
		}
		out := make([]float64, len(p))
		for i, v := range p {
			out[i] = float64(v)
		}
		return out, nil
	}
}

// PlanOutcome is one decision of a traced episode: what the world model
// expected of the plan the controller chose, and what the environment gave
// over the same number of steps as the controller went on replanning.
type PlanOutcome struct {
	// Step is the decision's index in the episode, from 0.
	Step int `json:"step"`
	// Predicted is the model's expected return of the whole plan (Horizon
	// steps, each with the task's action repeat), the mean over Rollouts
	// imagined rollouts with sampled states.
	Predicted float64 `json:"predicted"`
	// Realized is the sum of the environment's rewards over the next
	// Horizon steps the controller actually took (replanning every step).
	Realized float64 `json:"realized"`
	// Saturated is the share of the plan's actions within 5% of the
	// action range from a bound.
	Saturated float64 `json:"saturated"`
}

// TraceOptions sets TracePlans.
type TraceOptions struct {
	// Steps is the number of decisions traced (≥ Horizon); the episode is
	// cut there.
	Steps int
	// Horizon is the plans' length, in steps (≥ 1).
	Horizon int
	// Rollouts is the number of imagined rollouts averaged for Predicted
	// (≥ 1).
	Rollouts int
	// Seed starts the episode and seeds the controller's decisions and the
	// imagined rollouts.
	Seed uint64
	// Progress, if set, is called after every decision.
	Progress func(done, total int)
}

// TracePlans plays one episode of env with the controller plan (executing
// the first action of each plan) and returns, for every decision whose next
// Horizon steps lie within opts.Steps, the plan's predicted return under the
// model of im against the return the environment then gave. A controller
// that exploits the model's errors shows as Predicted far above Realized.
func TracePlans(ctx context.Context, env *BeliefEnv, plan PlanFunc, im *rssm.Imagination, opts TraceOptions) ([]PlanOutcome, error) {
	switch {
	case env == nil || plan == nil || im == nil:
		return nil, errors.New("latent.TracePlans: env, plan and im must be set")
	case opts.Horizon < 1:
		return nil, fmt.Errorf("latent.TracePlans: TraceOptions.Horizon = %d, want ≥ 1", opts.Horizon)
	case opts.Steps < opts.Horizon:
		return nil, fmt.Errorf("latent.TracePlans: TraceOptions.Steps = %d, want ≥ Horizon = %d", opts.Steps, opts.Horizon)
	case opts.Rollouts < 1:
		return nil, fmt.Errorf("latent.TracePlans: TraceOptions.Rollouts = %d, want ≥ 1", opts.Rollouts)
	}
	A := env.ActionSize()
	lo, hi := env.ActionBounds()
	D := env.Model.BeliefSize
	obs, err := env.Reset(opts.Seed)
	if err != nil {
		return nil, err
	}
	var out []PlanOutcome
	var rewards []float64
	// The plan repeated once per rollout: the imagination draws each
	// row's states on its own, in one call over its workers.
	n := opts.Horizon * A
	buf := make([]float32, opts.Rollouts*n)
	ret := make([]float32, opts.Rollouts)
	for step := range opts.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		h, s := obs[:D], obs[D:]
		p, err := plan(ctx, h, s, opts.Seed+uint64(step))
		if err != nil {
			return nil, err
		}
		if len(p) != n {
			return nil, fmt.Errorf("latent.TracePlans: a plan of %d numbers, want Horizon·ActionSize = %d", len(p), n)
		}
		sat := 0
		for i, v := range p {
			buf[i] = float32(v)
			if margin := 0.05 * (hi[i%A] - lo[i%A]); v <= lo[i%A]+margin || v >= hi[i%A]-margin {
				sat++
			}
		}
		for r := 1; r < opts.Rollouts; r++ {
			copy(buf[r*n:(r+1)*n], buf[:n])
		}
		if err := im.SetStart(h, s); err != nil {
			return nil, err
		}
		if err := im.PredictReturns(ctx, buf, opts.Rollouts, opts.Horizon, ret); err != nil {
			return nil, err
		}
		var pred float64
		for _, r := range ret {
			pred += float64(r)
		}
		out = append(out, PlanOutcome{Step: step, Predicted: pred / float64(opts.Rollouts), Saturated: float64(sat) / float64(len(p))})
		var r float64
		var done bool
		obs, r, done, err = env.Step(p[:A])
		if err != nil {
			return nil, err
		}
		rewards = append(rewards, r)
		if opts.Progress != nil {
			opts.Progress(step+1, opts.Steps)
		}
		if done {
			break
		}
	}
	full := len(rewards) - opts.Horizon + 1
	if full < 1 {
		return nil, fmt.Errorf("latent.TracePlans: the episode ended after %d steps, before one horizon of %d", len(rewards), opts.Horizon)
	}
	out = out[:full]
	for i := range out {
		for _, r := range rewards[i : i+opts.Horizon] {
			out[i].Realized += r
		}
	}
	return out, nil
}

// SummarizeTrace returns the means of a trace's predicted and realized
// returns and of its saturation.
func SummarizeTrace(tr []PlanOutcome) (predicted, realized, saturated float64) {
	if len(tr) == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	for _, o := range tr {
		predicted += o.Predicted
		realized += o.Realized
		saturated += o.Saturated
	}
	n := float64(len(tr))
	return predicted / n, realized / n, saturated / n
}
