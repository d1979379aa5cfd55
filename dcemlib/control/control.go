// Package control holds the pieces of model-based control that the DCEM
// paper builds (Amos & Yarats 2020, §4.2 and alg. 2): a decoder from a small
// latent space to action sequences, planning by (differentiable) CEM in that
// latent space or in the full action space, and receding-horizon control of
// an environment with any planner.
package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
	"github.com/dcem-go/dcem/envs"
)

// Decoder is the paper's action-sequence decoder g_φ: a latent z of
// dimension Latent maps to a sequence of Horizon actions of dimension
// ActionDim, each in [Lower, Upper]:
//
//	g_φ(z) = Lower + (Upper − Lower)·σ(MLP_φ(z)).
//
// For the cartpole (paper §5.2.1, app. D) the MLP is z → 256 → 256 → 256 →
// 20 with ELU activations and N(0, 2/√(fan_in + fan_out)) weights, and the
// output is 200·σ(·) − 100.
type Decoder struct {
	Net                        *nn.MLP
	Latent, Horizon, ActionDim int
	Lower, Upper               float64
}

// NewDecoder returns a decoder with the given hidden widths, ELU
// activations and the paper's normal initialization drawn from rng.
func NewDecoder(latent, horizon, actionDim int, hidden []int, lower, upper float64, rng *tensor.RNG) (*Decoder, error) {
	switch {
	case latent < 1:
		return nil, fmt.Errorf("control.NewDecoder: latent = %d, want ≥ 1", latent)
	case horizon < 1:
		return nil, fmt.Errorf("control.NewDecoder: horizon = %d, want ≥ 1", horizon)
	case actionDim < 1:
		return nil, fmt.Errorf("control.NewDecoder: actionDim = %d, want ≥ 1", actionDim)
	case !(lower < upper):
		return nil, fmt.Errorf("control.NewDecoder: lower = %g, upper = %g, want lower < upper", lower, upper)
	case rng == nil:
		return nil, errors.New("control.NewDecoder: rng is nil")
	}
	sizes := append([]int{latent}, hidden...)
	for i, h := range hidden {
		if h < 1 {
			return nil, fmt.Errorf("control.NewDecoder: hidden[%d] = %d, want ≥ 1", i, h)
		}
	}
	sizes = append(sizes, horizon*actionDim)
	return &Decoder{
		Net:    nn.NewMLP(sizes, nn.ELU, nn.InitNormal, rng),
		Latent: latent, Horizon: horizon, ActionDim: actionDim,
		Lower: lower, Upper: upper,
	}, nil
}

// Decode maps latents of shape (..., Latent) to action sequences of shape
// (..., Horizon·ActionDim).
func (d *Decoder) Decode(z *tensor.Tensor) *tensor.Tensor {
	return d.Net.Forward(z).Sigmoid().MulScalar(d.Upper - d.Lower).AddScalar(d.Lower)
}

// Params returns the decoder's trainable tensors.
func (d *Decoder) Params() []*tensor.Tensor { return d.Net.Params() }

// Frozen returns a decoder sharing d's parameter values that records no
// gradient, for planning without a graph.
func (d *Decoder) Frozen() *Decoder {
	f := *d
	f.Net = d.Net.Frozen()
	return &f
}

// SequenceCost evaluates N action sequences, shape (N, H·m) with actions
// time-major, to N costs (lower is better), with tensor operations so that
// gradients flow.
type SequenceCost func(u *tensor.Tensor) *tensor.Tensor

// LatentPlan is the result of planning in the latent space.
type LatentPlan struct {
	Z       *tensor.Tensor // (B, Latent) the solution ẑ
	Actions *tensor.Tensor // (B, H·m) g_φ(ẑ)
	Solve   *cem.Result
}

// PlanLatent solves B planning problems min_z C_b(g_φ(z)) with (D)CEM in
// the decoder's latent space (paper eq. 9), in the decoder's dtype. cost receives the B·S decoded
// sequences of an iteration problem-major (all samples of problem 0 first)
// and returns their costs. The latent search starts at 0 with standard
// deviation initStd. When d and cost record gradients, LatentPlan.Actions
// is differentiable with respect to them through the whole solve (paper
// alg. 2); with cfg.Temp = 0 (hard CEM) the gradient flows only through the
// final decoding.
func PlanLatent(ctx context.Context, d *Decoder, cost SequenceCost, b int, initStd float64, cfg cem.Config) (*LatentPlan, error) {
	if b < 1 {
		return nil, fmt.Errorf("control.PlanLatent: b = %d, want ≥ 1", b)
	}
	if cost == nil {
		return nil, errors.New("control.PlanLatent: cost is nil")
	}
	s := cfg.Samples
	f := func(z *tensor.Tensor) *tensor.Tensor {
		u := d.Decode(z.Reshape(b*s, d.Latent))
		return cost(u).Reshape(b, s)
	}
	dt := d.Net.DType()
	res, err := cem.Solve(ctx, f, tensor.ZerosOf(dt, b, d.Latent), tensor.Scalar(initStd).To(dt), cfg)
	if err != nil {
		return nil, fmt.Errorf("control.PlanLatent: %w", err)
	}
	return &LatentPlan{Z: res.Mean, Actions: d.Decode(res.Mean), Solve: res}, nil
}

// PlanFull solves B planning problems over the full action space of
// dimension n = H·m with (D)CEM from mean 0 and standard deviation initStd
// (the paper's expert: vanilla CEM with 1000 samples, 100 elites, 10
// iterations, σ₀ = 100). cost receives (B·S, n) sequences problem-major.
func PlanFull(ctx context.Context, cost SequenceCost, b, n int, initStd float64, cfg cem.Config) (*cem.Result, error) {
	if b < 1 || n < 1 {
		return nil, fmt.Errorf("control.PlanFull: b = %d, n = %d, want both ≥ 1", b, n)
	}
	if cost == nil {
		return nil, errors.New("control.PlanFull: cost is nil")
	}
	s := cfg.Samples
	f := func(x *tensor.Tensor) *tensor.Tensor {
		return cost(x.Reshape(b*s, n)).Reshape(b, s)
	}
	res, err := cem.Solve(ctx, f, tensor.Zeros(b, n), tensor.Scalar(initStd), cfg)
	if err != nil {
		return nil, fmt.Errorf("control.PlanFull: %w", err)
	}
	return res, nil
}

// Policy chooses an action from an observation; step counts from 0.
type Policy func(ctx context.Context, step int, obs []float64) ([]float64, error)

// Trajectory records an episode of receding-horizon control.
type Trajectory struct {
	Obs     [][]float64 // observations, the first from Reset
	Actions [][]float64
	Rewards []float64
	Return  float64
}

// Run controls env for up to steps steps from Reset(seed), asking policy
// for each action (receding-horizon control when the policy plans a
// sequence and returns its first action). It stops early when the episode
// ends, and returns what it has with the error when ctx is cancelled or
// the policy or env fails.
func Run(ctx context.Context, env envs.Env, policy Policy, seed uint64, steps int) (*Trajectory, error) {
	if env == nil || policy == nil {
		return nil, errors.New("control.Run: env and policy must be set")
	}
	obs, err := env.Reset(seed)
	if err != nil {
		return nil, fmt.Errorf("control.Run: %w", err)
	}
	tr := &Trajectory{Obs: [][]float64{obs}}
	for t := 0; t < steps; t++ {
		if err := ctx.Err(); err != nil {
			return tr, fmt.Errorf("control.Run: stopped at step %d: %w", t, err)
		}
		a, err := policy(ctx, t, obs)
		if err != nil {
			return tr, fmt.Errorf("control.Run: step %d: %w", t, err)
		}
		next, r, done, err := env.Step(a)
		if err != nil {
			return tr, fmt.Errorf("control.Run: step %d: %w", t, err)
		}
		tr.Actions = append(tr.Actions, append([]float64(nil), a...))
		tr.Rewards = append(tr.Rewards, r)
		tr.Obs = append(tr.Obs, next)
		tr.Return += r
		obs = next
		if done {
			break
		}
	}
	return tr, nil
}
