package regression

import (
	"context"
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/cem"
	"github.com/dcem-go/dcem/dcemlib/nn"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Model is the energy network E_θ(x, y) of paper §5.1 with its inner
// optimizers.
type Model struct {
	// Net maps (x, y) pairs, shape (..., 2), to energies, shape (..., 1).
	Net *nn.MLP
}

// NewModel returns an energy MLP 2 → hidden (× layers) → 1 with softplus
// activations and PyTorch's default uniform initialization, drawn from rng.
func NewModel(hidden, layers int, rng *tensor.RNG) *Model {
	sizes := []int{2}
	for i := 0; i < layers; i++ {
		sizes = append(sizes, hidden)
	}
	sizes = append(sizes, 1)
	return &Model{Net: nn.NewMLP(sizes, nn.Softplus, nn.InitUniform, rng)}
}

// Params returns the trainable parameters θ.
func (m *Model) Params() []*tensor.Tensor { return m.Net.Params() }

// Frozen returns a model that shares m's parameters without recording
// gradients, for evaluation.
func (m *Model) Frozen() *Model { return &Model{Net: m.Net.Frozen()} }

// Convert returns a copy of the model with its parameters in dtype dt (see
// nn.MLP.Convert); inputs must then have that dtype.
func (m *Model) Convert(dt tensor.DType) *Model { return &Model{Net: m.Net.Convert(dt)} }

// Energy returns E_θ(x, y) for x and y of the same shape; the result has
// that shape.
func (m *Model) Energy(x, y *tensor.Tensor) *tensor.Tensor {
	shape := x.Shape()
	z := tensor.Stack(-1, x, y)
	return m.Net.Forward(z).Reshape(shape...)
}

// GD returns the predictions after steps of unrolled gradient descent on the
// energy, yₜ₊₁ = yₜ − η ∂E/∂y(x, yₜ) from y₀ = 0 (paper §5.1), for x of
// shape (N). The result, shape (N), is differentiable with respect to θ: the
// inner gradient is computed by nn.MLP.InputGrad as tensor operations.
// If trace is not nil it is called with each iterate yₜ, t = 1 … steps.
func (m *Model) GD(x *tensor.Tensor, steps int, eta float64, trace func(t int, y *tensor.Tensor)) *tensor.Tensor {
	n := x.Size()
	xc := x.Reshape(n, 1)
	y := tensor.ZerosOf(x.DType(), n, 1)
	for t := 1; t <= steps; t++ {
		z := tensor.Concat(1, xc, y)
		_, g := m.Net.InputGrad(z, nil)
		y = y.Sub(g.Slice(1, 1, 2).MulScalar(eta))
		if trace != nil {
			trace(t, y.Reshape(n))
		}
	}
	return y.Reshape(n)
}

// DCEMOptions are the settings of the DCEM inner optimizer.
type DCEMOptions struct {
	// Iters, Samples and Elites are T, S and k of paper alg. 1.
	Iters, Samples, Elites int
	// Temp is the temperature τ of the soft top-k (paper eq. 4).
	Temp float64
	// InitMean and InitStd define the initial distribution N(μ₀, σ₀²).
	InitMean, InitStd float64
	// Tol stops the solve early once no prediction moves by more than Tol
	// in an iteration (0: never).
	Tol float64
	// Seed seeds the solve's samples.
	Seed uint64
}

// DCEM returns the predictions ŷ = μ_T of a DCEM solve of
// min_y E_θ(x, y) for every point of x, shape (N) → (N), differentiable with
// respect to θ (paper §5.1, alg. 1). If trace is not nil it is called with
// the mean after each iteration t = 1 … Iters (detached); after an early
// stop (Tol) it is called with the final mean for the remaining t.
func (m *Model) DCEM(ctx context.Context, x *tensor.Tensor, o DCEMOptions, trace func(t int, y *tensor.Tensor)) (*tensor.Tensor, error) {
	n := x.Size()
	xs := x.Reshape(n, 1, 1)
	f := func(y *tensor.Tensor) *tensor.Tensor { // (N, S, 1) → (N, S)
		s := y.Dim(1)
		z := tensor.Concat(2, xs.Expand(n, s, 1), y)
		return m.Net.Forward(z).Reshape(n, s)
	}
	cfg := cem.Config{Samples: o.Samples, Elites: o.Elites, Iters: o.Iters, Temp: o.Temp, Tol: o.Tol, Seed: o.Seed}
	last := 0
	if trace != nil {
		cfg.Callback = func(it cem.Iterate) {
			last = it.Iter + 1
			trace(last, it.Mean.Reshape(n))
		}
	}
	dt := x.DType()
	mean, std := tensor.FullOf(dt, o.InitMean, n, 1), tensor.FullOf(dt, o.InitStd)
	if a := x.Arena(); a != nil { // the solve's tensors join x's arena
		mean, std = a.Use(mean), a.Use(std)
	}
	res, err := cem.Solve(ctx, f, mean, std, cfg)
	if err != nil {
		return nil, fmt.Errorf("regression: DCEM: %w", err)
	}
	y := res.Mean.Reshape(n)
	if trace != nil {
		for t := last + 1; t <= o.Iters; t++ {
			trace(t, y.Detach())
		}
	}
	return y, nil
}
