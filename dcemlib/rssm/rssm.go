// Package rssm is the recurrent state-space model of PlaNet (Hafner et al.
// 2019) for proprioceptive observations: the learned world model that the
// DCEM paper plans in for cheetah.run and walker.walk (Amos & Yarats 2020,
// §5.2.2 and app. E).
//
// The model state at step t is a deterministic belief hₜ (a GRU's hidden
// state) and a stochastic state sₜ:
//
//	hₜ = GRU(ReLU(FC([sₜ₋₁, aₜ])), hₜ₋₁)          deterministic path
//	p(sₜ | hₜ)     = N(μ, σ): ReLU(FC(hₜ)) → μ, σ = softplus(·) + MinStd   prior
//	q(sₜ | hₜ, oₜ) = N(μ, σ): ReLU(FC([hₜ, e(oₜ)])) → μ, σ                  posterior
//	p(oₜ | hₜ, sₜ), p(rₜ | hₜ, sₜ): unit-variance Gaussians whose means are
//	two FC ReLU layers and a linear output on [hₜ, sₜ]
//
// where e is an encoder of two FC ReLU layers and aₜ the action that led to
// oₜ. Training maximizes PlaNet's variational bound (its eq. 6 without latent
// overshooting, the default there): the observation and reward
// log-likelihoods minus the KL divergence from the posterior to the prior,
// the KL of each step and sequence clamped below at FreeNats (Loss).
//
// Planning imagines many action sequences at once from a filtered belief
// without recording a graph (Belief.PredictReturns), in float32, on every
// core: that is what full-space CEM spends its time on.
//
// Conventions of the data: a sequence holds T steps; step t has the
// observation oₜ, the action aₜ that led to it (zero on the first step of an
// episode) and the reward rₜ received with that transition (zero on the
// first step). Training chunks start from a zero belief, as PlaNet's do.
package rssm

import (
	"errors"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Config holds the sizes and loss settings of a model. Default returns
// PlaNet's.
type Config struct {
	// ObsSize and ActionSize are the environment's observation and action
	// lengths (17 and 6 for cheetah.run; 24 and 6 for walker.walk).
	ObsSize, ActionSize int
	// StateSize is the length of the stochastic state s (PlaNet: 30).
	StateSize int
	// BeliefSize is the GRU's hidden size, the deterministic state h
	// (PlaNet: 200).
	BeliefSize int
	// HiddenSize is the width of every hidden layer (PlaNet: 200).
	HiddenSize int
	// EmbedSize is the width of the observation encoding e(o) (200).
	EmbedSize int
	// MinStd is added to the softplus of the state distributions' standard
	// deviations (PlaNet: 0.1).
	MinStd float64
	// FreeNats is the floor of each step's KL divergence (PlaNet: 3): below
	// it the KL term has no gradient.
	FreeNats float64
	// RewardScale weighs the reward log-likelihood against the
	// observation's (PlaNet's configs: 10).
	RewardScale float64
	// KLBalance, when positive, splits the KL term's gradient: a share
	// KLBalance of it trains the prior toward the posterior and the rest
	// the posterior toward the prior (DreamerV2's KL balancing, 0.8
	// there). The loss's value is the same; 0 (PlaNet) lets one gradient
	// reach both.
	KLBalance float64 `json:",omitempty"`
}

// Default returns PlaNet's model settings for the given observation and
// action sizes.
func Default(obsSize, actionSize int) Config {
	return Config{
		ObsSize: obsSize, ActionSize: actionSize,
		StateSize: 30, BeliefSize: 200, HiddenSize: 200, EmbedSize: 200,
		MinStd: 0.1, FreeNats: 3, RewardScale: 10,
	}
}

// Validate returns an error naming the first field out of its range.
func (c Config) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{
		{"ObsSize", c.ObsSize}, {"ActionSize", c.ActionSize}, {"StateSize", c.StateSize},
		{"BeliefSize", c.BeliefSize}, {"HiddenSize", c.HiddenSize}, {"EmbedSize", c.EmbedSize},
	} {
		if f.v < 1 {
			return fmt.Errorf("rssm: Config.%s = %d, want ≥ 1", f.name, f.v)
		}
	}
	switch {
	case !(c.MinStd > 0) || math.IsInf(c.MinStd, 0):
		return fmt.Errorf("rssm: Config.MinStd = %g, want a finite value > 0", c.MinStd)
	case !(c.FreeNats >= 0) || math.IsInf(c.FreeNats, 0):
		return fmt.Errorf("rssm: Config.FreeNats = %g, want a finite value ≥ 0", c.FreeNats)
	case !(c.RewardScale >= 0) || math.IsInf(c.RewardScale, 0):
		return fmt.Errorf("rssm: Config.RewardScale = %g, want a finite value ≥ 0", c.RewardScale)
	case !(c.KLBalance >= 0 && c.KLBalance < 1):
		return fmt.Errorf("rssm: Config.KLBalance = %g, want 0 ≤ KLBalance < 1", c.KLBalance)
	}
	return nil
}

// Model is the recurrent state-space model. Its layers are exported so
// that notebooks can inspect them; Params lists every trainable tensor.
type Model struct {
	Config
	// Encoder maps an observation to its encoding e(o): two FC ReLU
	// layers.
	Encoder *nn.MLP
	// Pre maps [sₜ₋₁, aₜ] to the GRU's input (followed by ReLU).
	Pre *nn.Linear
	// Cell is the deterministic path.
	Cell *nn.GRUCell
	// PriorHidden and PriorOut make the prior's mean and raw deviation
	// from h; PostHidden and PostOut the posterior's from [h, e(o)].
	PriorHidden, PriorOut *nn.Linear
	PostHidden, PostOut   *nn.Linear
	// Decoder and Reward are the observation and reward models on [h, s].
	Decoder, Reward *nn.MLP
	// ObsScale, when not nil, holds a divisor per observation dimension:
	// the encoder reads o/ObsScale and the decoder predicts it, so that
	// the observation loss weighs each dimension in its own units (joint
	// velocities vary ten times as much as positions). It is not trained;
	// a run sets it once from its first data. PredictObs still returns
	// observations in the environment's units.
	ObsScale []float64
}

// SetObsScale sets ObsScale (nil for none); it returns an error naming the
// first entry that is not finite and positive, or a length other than
// ObsSize.
func (m *Model) SetObsScale(scale []float64) error {
	if scale == nil {
		m.ObsScale = nil
		return nil
	}
	if len(scale) != m.ObsSize {
		return fmt.Errorf("rssm: SetObsScale: %d values, want ObsSize = %d", len(scale), m.ObsSize)
	}
	for i, v := range scale {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("rssm: SetObsScale: entry %d is %g, want a finite value > 0", i, v)
		}
	}
	m.ObsScale = append([]float64(nil), scale...)
	return nil
}

// scaleObs returns obs (…, ObsSize) divided by ObsScale (by it when inv is
// false: multiplied), or obs itself without a scale.
func (m *Model) scaleObs(obs *tensor.Tensor, inv bool) *tensor.Tensor {
	if m.ObsScale == nil {
		return obs
	}
	f := make([]float64, len(m.ObsScale))
	for i, v := range m.ObsScale {
		if inv {
			f[i] = 1 / v
		} else {
			f[i] = v
		}
	}
	c := tensor.New(f, 1, len(f)).To(obs.DType())
	if a := obs.Arena(); a != nil {
		c = a.Use(c)
	}
	return obs.Mul(c)
}

// New returns a model with parameters in dtype dt (tensor.Float32 for
// training and planning, tensor.Float64 for gradient checks), every layer
// initialized as PyTorch initializes linear layers, drawn from rng.
func New(cfg Config, dt tensor.DType, rng *tensor.RNG) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if rng == nil {
		return nil, errors.New("rssm.New: rng is nil")
	}
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return nil, fmt.Errorf("rssm.New: dtype %v, want float32 or float64", dt)
	}
	S, D, H, E := cfg.StateSize, cfg.BeliefSize, cfg.HiddenSize, cfg.EmbedSize
	lin := func(in, out int) *nn.Linear { return nn.NewLinear(in, out, nn.InitUniform, rng).Convert(dt) }
	mlp := func(sizes ...int) *nn.MLP { return nn.NewMLP(sizes, nn.ReLU, nn.InitUniform, rng).Convert(dt) }
	m := &Model{
		Config:      cfg,
		Encoder:     mlp(cfg.ObsSize, H, E),
		Pre:         lin(S+cfg.ActionSize, H),
		Cell:        nn.NewGRUCell(H, D, rng).Convert(dt),
		PriorHidden: lin(D, H),
		PriorOut:    lin(H, 2*S),
		PostHidden:  lin(D+E, H),
		PostOut:     lin(H, 2*S),
		Decoder:     mlp(D+S, H, H, cfg.ObsSize),
		Reward:      mlp(D+S, H, H, 1),
	}
	m.Encoder.OutAct = nn.ReLU
	return m, nil
}

// DType returns the dtype of the model's parameters.
func (m *Model) DType() tensor.DType { return m.Pre.DType() }

// Params returns every trainable tensor, in a fixed order (checkpoints rely
// on it).
func (m *Model) Params() []*tensor.Tensor {
	var ps []*tensor.Tensor
	ps = append(ps, m.Encoder.Params()...)
	ps = append(ps, m.Pre.Params()...)
	ps = append(ps, m.Cell.Params()...)
	for _, l := range []*nn.Linear{m.PriorHidden, m.PriorOut, m.PostHidden, m.PostOut} {
		ps = append(ps, l.Params()...)
	}
	ps = append(ps, m.Decoder.Params()...)
	ps = append(ps, m.Reward.Params()...)
	return ps
}

// NumParams returns the number of trainable numbers.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += p.Size()
	}
	return n
}

// Embed returns the encodings e(o) of observations of shape (B, ObsSize).
func (m *Model) Embed(obs *tensor.Tensor) *tensor.Tensor {
	return m.Encoder.Forward(m.scaleObs(obs, true))
}

// Transition returns the next belief hₜ = GRU(ReLU(FC([sₜ₋₁, aₜ])), hₜ₋₁)
// for a batch: s (B, StateSize), a (B, ActionSize), h (B, BeliefSize).
func (m *Model) Transition(s, a, h *tensor.Tensor) *tensor.Tensor {
	x := m.Pre.ForwardConcat(nn.ReLU, s, a)
	return m.Cell.Forward(x, h)
}

// Prior returns the mean and standard deviation of p(sₜ | hₜ), each
// (B, StateSize).
func (m *Model) Prior(h *tensor.Tensor) (mean, std *tensor.Tensor) {
	return m.gaussian(m.PriorOut.Forward(m.PriorHidden.ForwardAct(h, nn.ReLU)))
}

// priorMean returns the mean of p(sₜ | hₜ) alone, (B, StateSize): what a
// rollout along the prior's means needs, without the standard deviation's
// softplus and without the standard deviation's half of the output layer.
func (m *Model) priorMean(h *tensor.Tensor) *tensor.Tensor {
	return m.PriorOut.ForwardOutputs(m.PriorHidden.ForwardAct(h, nn.ReLU), nn.Identity, 0, m.StateSize)
}

// Posterior returns the mean and standard deviation of q(sₜ | hₜ, oₜ) given
// the belief h and the observation's encoding e (from Embed).
func (m *Model) Posterior(h, e *tensor.Tensor) (mean, std *tensor.Tensor) {
	return m.gaussian(m.PostOut.Forward(m.PostHidden.ForwardConcat(nn.ReLU, h, e)))
}

// gaussian splits a (B, 2S) layer output into the mean and
// softplus(raw) + MinStd.
func (m *Model) gaussian(out *tensor.Tensor) (mean, std *tensor.Tensor) {
	S := m.StateSize
	return out.Slice(1, 0, S), out.Slice(1, S, 2*S).Softplus().AddScalar(m.MinStd)
}

// Features returns [h, s], the input of the observation and reward models.
func (m *Model) Features(h, s *tensor.Tensor) *tensor.Tensor { return tensor.Concat(1, h, s) }

// PredictObs returns the mean of p(o | h, s) for features from Features,
// shape (B, ObsSize).
func (m *Model) PredictObs(features *tensor.Tensor) *tensor.Tensor {
	return m.scaleObs(m.Decoder.Forward(features), false)
}

// PredictReward returns the mean of p(r | h, s), shape (B).
func (m *Model) PredictReward(features *tensor.Tensor) *tensor.Tensor {
	return m.Reward.Forward(features).Squeeze(1)
}

// rewardOf is PredictReward(Features(h, s)) without the features' copy.
func (m *Model) rewardOf(h, s *tensor.Tensor) *tensor.Tensor {
	return m.Reward.ForwardConcat(h, s).Squeeze(1)
}

// zeroState returns a zero belief and state for a batch of b.
func (m *Model) zeroState(b int, like *tensor.Tensor) (h, s *tensor.Tensor) {
	h = tensor.ZerosOf(m.DType(), b, m.BeliefSize).ToDevice(like.Device())
	s = tensor.ZerosOf(m.DType(), b, m.StateSize).ToDevice(like.Device())
	if a := like.Arena(); a != nil {
		h, s = a.Use(h), a.Use(s)
	}
	return h, s
}

// KL returns the KL divergence KL(N(qm, qs) ‖ N(pm, ps)) of diagonal
// Gaussians, summed over the last axis: shape (B).
func KL(qm, qs, pm, ps *tensor.Tensor) *tensor.Tensor {
	// log(ps/qs) + (qs² + (qm − pm)²) / (2 ps²) − ½
	ratio := qs.Div(ps)
	d := qm.Sub(pm).Div(ps)
	return ratio.Log().Neg().Add(ratio.Square().Add(d.Square()).MulScalar(0.5)).AddScalar(-0.5).SumAxis(1, false)
}

// ToDevice returns a copy of the model with its parameters on device d
// (see tensor.Device): fresh leaves, marked RequiresGrad as the model's
// are. The model must be float32 for a device other than the CPU.
func (m *Model) ToDevice(d tensor.Device) *Model {
	return m.mapLayers(func(l *nn.Linear) *nn.Linear { return l.ToDevice(d) })
}

// Frozen returns a view of the model whose parameters share m's values
// but record no gradient: a loss differentiated through it reaches only
// what its inputs depend on (a decoder's parameters, say), not the model's
// weights, whose gradient would cost as much again as the rest of the
// backward pass. A later change of m's values shows through the view.
func (m *Model) Frozen() *Model {
	return m.mapLayers(func(l *nn.Linear) *nn.Linear {
		c := *l
		c.W = l.W.Detach()
		if l.B != nil {
			c.B = l.B.Detach()
		}
		return &c
	})
}

// mapLayers returns a copy of the model whose every Linear layer (those of
// the perceptrons and the GRU cell's too) is f of the model's.
func (m *Model) mapLayers(f func(*nn.Linear) *nn.Linear) *Model {
	mlp := func(p *nn.MLP) *nn.MLP {
		c := &nn.MLP{Act: p.Act, OutAct: p.OutAct}
		for _, l := range p.Layers {
			c.Layers = append(c.Layers, f(l))
		}
		return c
	}
	c := *m
	c.Encoder, c.Decoder, c.Reward = mlp(m.Encoder), mlp(m.Decoder), mlp(m.Reward)
	c.Pre, c.PriorHidden, c.PriorOut, c.PostHidden, c.PostOut = f(m.Pre), f(m.PriorHidden), f(m.PriorOut), f(m.PostHidden), f(m.PostOut)
	c.Cell = &nn.GRUCell{Input: f(m.Cell.Input), Hidden: f(m.Cell.Hidden), In: m.Cell.In, Size: m.Cell.Size}
	return &c
}
