package ppo

import (
	"context"
	"errors"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// Evaluate runs episodes episodes of env with the policy's mean action
// (clipped to the bounds), the i-th started with the i-th draw of an RNG
// seeded with seed, and returns their undiscounted returns. It stops with
// ctx's error when ctx is done.
func Evaluate(ctx context.Context, env envs.Env, policy Policy, episodes int, seed uint64) ([]float64, error) {
	if episodes < 1 {
		return nil, fmt.Errorf("ppo: Evaluate: episodes = %d, want ≥ 1", episodes)
	}
	if env == nil || policy == nil {
		return nil, errors.New("ppo: Evaluate: env and policy must not be nil")
	}
	lo, hi := env.ActionBounds()
	obsSize, act := env.ObservationSize(), env.ActionSize()
	dt := dtypeOf(policy.Params())
	a := tensor.NewNoGradArena()
	rng := tensor.NewRNG(seed)
	returns := make([]float64, episodes)
	u := make([]float64, act)
	for e := range returns {
		obs, err := env.Reset(rng.Uint64())
		if err != nil {
			return returns[:e], err
		}
		for done := false; !done; {
			if err := ctx.Err(); err != nil {
				return returns[:e], err
			}
			mu, _, err := distributionValues(ctx, policy, a, dt, [][]float64{obs}, obsSize, act)
			if err != nil {
				return returns[:e], err
			}
			var r float64
			obs, r, done, err = env.Step(envs.Clamp(u, mu, lo, hi))
			if err != nil {
				return returns[:e], err
			}
			returns[e] += r
		}
	}
	return returns, nil
}

// distributionValues evaluates the policy on the observation rows in a
// no-grad arena and returns the means (B·A values) and the log standard
// deviations (A or B·A values).
func distributionValues(ctx context.Context, p Policy, a *tensor.Arena, dt tensor.DType, obs [][]float64, obsSize, act int) (mu, ls []float64, err error) {
	b := len(obs)
	flat := make([]float64, 0, b*obsSize)
	for i, o := range obs {
		if len(o) != obsSize {
			return nil, nil, fmt.Errorf("ppo: observation %d has %d entries, want ObservationSize() = %d", i, len(o), obsSize)
		}
		flat = append(flat, o...)
	}
	defer a.Reset()
	mean, logStd, err := p.Distribution(ctx, a.Use(fromValues(dt, flat, b, obsSize)))
	if err != nil {
		return nil, nil, fmt.Errorf("ppo: the policy: %w", err)
	}
	if mean.Dims() != 2 || mean.Dim(0) != b || mean.Dim(1) != act {
		return nil, nil, fmt.Errorf("ppo: the policy's mean has shape %v, want (%d, %d)", mean.Shape(), b, act)
	}
	lsh := logStd.Shape()
	if !(len(lsh) == 1 && lsh[0] == act) && !(len(lsh) == 2 && lsh[0] == b && lsh[1] == act) {
		return nil, nil, fmt.Errorf("ppo: the policy's logStd has shape %v, want (%d) or (%d, %d)", lsh, act, b, act)
	}
	return mean.Values(), logStd.Values(), nil
}
