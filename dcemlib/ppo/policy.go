package ppo

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Policy is a differentiable diagonal-Gaussian policy π_θ(a | o) =
// N(mean(o), diag(exp(logStd(o)))²).
//
// Distribution maps a batch of observations of shape (B, O) to the means,
// shape (B, A), and log standard deviations, shape (B, A) or (A), built
// from tensor operations so that Backward reaches the tensors of Params.
// It returns an error when it cannot (a solver that fails, ctx done: a
// long computation of the mean should stop with ctx's error); the Trainer
// and Evaluate pass their caller's context and stop with the error.
// PPO computes log-probabilities, entropies and samples itself; it calls
// Distribution with a batch of one row per environment when acting (in a
// no-grad arena: the observations come in through tensor.Arena.Use, so the
// policy should make its tensors from operations on them) and with
// minibatches of stored observations when updating. Observations come in
// the dtype of the first tensor of Params (Float64 if there is none).
//
// The mean may be as expensive as a whole differentiable solve (a DCEM
// controller's first planned action); it should be a deterministic function
// of the observations and parameters: a mean that draws fresh noise on
// every call adds that noise to the probability ratios of the PPO paper's
// eq. 6 (draw it from a seed fixed per call instead).
//
// Params are the tensors that gradients reach; a Trainer updates all of
// them except those listed in Options.Frozen.
type Policy interface {
	Params() []*tensor.Tensor
	Distribution(ctx context.Context, obs *tensor.Tensor) (mean, logStd *tensor.Tensor, err error)
}

// ValueFunction is a differentiable state-value estimate V(o): Value maps
// observations of shape (B, O) to values of shape (B). Observations come in
// the dtype of the first tensor of Params.
type ValueFunction interface {
	Params() []*tensor.Tensor
	Value(obs *tensor.Tensor) *tensor.Tensor
}

// GaussianMLP is the Gaussian policy of the PPO paper's continuous-control
// experiments (§6.1): the mean is an MLP with tanh hidden layers and a
// linear output, and the log standard deviation is a vector independent of
// the observation, learned or fixed.
type GaussianMLP struct {
	// Mean maps observations to action means.
	Mean *nn.MLP
	// LogStd holds the log standard deviation of each action, shape (A).
	LogStd *tensor.Tensor
	// LearnStd says whether LogStd is a parameter (marked RequiresGrad and
	// listed by Params).
	LearnStd bool
}

// NewGaussianMLP returns a GaussianMLP from obs observations to act actions
// with the given hidden widths, every log standard deviation initLogStd, and
// weights drawn from rng: PyTorch's default uniform initialization, with the
// output layer's weights scaled by 0.01 so that the first policy's mean is
// near zero. It panics if a size is below one or rng is nil.
func NewGaussianMLP(obs, act int, hidden []int, initLogStd float64, learnStd bool, rng *tensor.RNG) *GaussianMLP {
	m := nn.NewMLP(sizes(obs, hidden, act), nn.Tanh, nn.InitUniform, rng)
	out := m.Layers[len(m.Layers)-1]
	for i, w := range out.W.Data() {
		out.W.Data()[i] = 0.01 * w
	}
	for i := range out.B.Data() {
		out.B.Data()[i] = 0
	}
	ls := tensor.Full(initLogStd, act)
	if learnStd {
		ls.RequiresGrad()
	}
	return &GaussianMLP{Mean: m, LogStd: ls, LearnStd: learnStd}
}

// sizes returns (in, hidden..., out) and panics on a width below one.
func sizes(in int, hidden []int, out int) []int {
	s := append([]int{in}, hidden...)
	s = append(s, out)
	for i, w := range s {
		if w < 1 {
			panic(fmt.Sprintf("ppo: layer width %d of %v is %d, want ≥ 1", i, s, w))
		}
	}
	return s
}

// Params returns the mean network's parameters, then LogStd if LearnStd.
func (p *GaussianMLP) Params() []*tensor.Tensor {
	ps := p.Mean.Params()
	if p.LearnStd {
		ps = append(ps, p.LogStd)
	}
	return ps
}

// Distribution returns the means, shape (B, A), and LogStd, shape (A), for
// observations of shape (B, O). Its error is always nil.
func (p *GaussianMLP) Distribution(_ context.Context, obs *tensor.Tensor) (mean, logStd *tensor.Tensor, err error) {
	return p.Mean.Forward(obs), p.LogStd, nil
}

// Convert returns a copy of the policy with its parameters in dtype dt
// (fresh leaves holding the same values, rounded for Float32).
func (p *GaussianMLP) Convert(dt tensor.DType) *GaussianMLP {
	ls := p.LogStd.Detach().To(dt)
	if dt == p.LogStd.DType() {
		ls = ls.Clone()
	}
	if p.LearnStd {
		ls.RequiresGrad()
	}
	return &GaussianMLP{Mean: p.Mean.Convert(dt), LogStd: ls, LearnStd: p.LearnStd}
}

// MLPValue is a value function V(o) given by an MLP with tanh hidden layers
// and one linear output, as in the PPO paper's continuous-control
// experiments (§6.1, a network separate from the policy).
type MLPValue struct {
	Net *nn.MLP
}

// NewMLPValue returns an MLPValue on obs observations with the given hidden
// widths and PyTorch's default initialization drawn from rng. It panics if a
// size is below one or rng is nil.
func NewMLPValue(obs int, hidden []int, rng *tensor.RNG) *MLPValue {
	return &MLPValue{Net: nn.NewMLP(sizes(obs, hidden, 1), nn.Tanh, nn.InitUniform, rng)}
}

// Params returns the network's parameters.
func (v *MLPValue) Params() []*tensor.Tensor { return v.Net.Params() }

// Value returns V(o), shape (B), for observations of shape (B, O).
func (v *MLPValue) Value(obs *tensor.Tensor) *tensor.Tensor {
	y := v.Net.Forward(obs)
	return y.Reshape(y.Dim(0))
}

// Convert returns a copy of the value function with its parameters in
// dtype dt.
func (v *MLPValue) Convert(dt tensor.DType) *MLPValue { return &MLPValue{Net: v.Net.Convert(dt)} }
