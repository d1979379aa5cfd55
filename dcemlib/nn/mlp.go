package nn

import (
	"fmt"
	"slices"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// MLP is a multilayer perceptron: linear layers with an activation between
// them and an optional activation on the output.
type MLP struct {
	// Layers are the linear layers, input first.
	Layers []*Linear
	// Act follows every layer but the last.
	Act Activation
	// OutAct follows the last layer (Identity by default).
	OutAct Activation
}

// NewMLP returns an MLP with layer widths sizes (input, hidden..., output;
// at least two entries), activation act between layers, no output
// activation, and weights initialized by init from rng. The regression
// energy network of paper §5.1 is NewMLP([]int{2, 128, 128, 128, 1},
// Softplus, InitUniform, rng). It panics if a width is below one or there
// are fewer than two sizes.
func NewMLP(sizes []int, act Activation, init Init, rng *tensor.RNG) *MLP {
	if len(sizes) < 2 {
		panic(fmt.Sprintf("nn.NewMLP: %d sizes %v, want at least 2 (input and output)", len(sizes), sizes))
	}
	m := &MLP{Act: act}
	for i := 0; i+1 < len(sizes); i++ {
		m.Layers = append(m.Layers, NewLinear(sizes[i], sizes[i+1], init, rng))
	}
	return m
}

// In returns the input width.
func (m *MLP) In() int { return m.Layers[0].In }

// Out returns the output width.
func (m *MLP) Out() int { return m.Layers[len(m.Layers)-1].Out }

func (m *MLP) actOf(i int) Activation {
	if i == len(m.Layers)-1 {
		return m.OutAct
	}
	return m.Act
}

// Forward returns the network's output for x of shape (..., In); the result
// has shape (..., Out).
func (m *MLP) Forward(x *tensor.Tensor) *tensor.Tensor {
	h := x
	for i, l := range m.Layers {
		h = l.ForwardAct(h, m.actOf(i)) // one fused operation per layer
	}
	return h
}

// ForwardConcat returns Forward of the parts' concatenation along their
// last axis without making it: the first layer multiplies each part by its
// own block of weights (Linear.ForwardConcat).
func (m *MLP) ForwardConcat(xs ...*tensor.Tensor) *tensor.Tensor {
	h := m.Layers[0].ForwardConcat(m.actOf(0), xs...)
	for i, l := range m.Layers[1:] {
		h = l.ForwardAct(h, m.actOf(i+1))
	}
	return h
}

// InputGrad returns the output y = f(x) and the gradient of Σ seed ⊙ f(x)
// with respect to x, shape of x, computed as a backward pass written in
// forward tensor operations: gₗ = (gₗ₊₁ ⊙ σ'(aₗ))·Wₗᵀ. Because it is made of
// ordinary operations, the returned gradient is itself differentiable with
// respect to the parameters and to x — a gradient of a gradient, as
// unrolled gradient descent on an energy needs (paper §5.1, app. B). seed
// has the output's shape; nil means ones (for a scalar energy, the plain
// gradient ∂E/∂x). ReLU's second derivative is taken as zero.
func (m *MLP) InputGrad(x, seed *tensor.Tensor) (y, grad *tensor.Tensor) {
	n := len(m.Layers)
	pre := make([]*tensor.Tensor, n)
	post := make([]*tensor.Tensor, n)
	h := x
	for i, l := range m.Layers {
		pre[i] = l.Forward(h)
		post[i] = m.actOf(i).Apply(pre[i])
		h = post[i]
	}
	y = h
	g := seed
	if g == nil {
		g = tensor.FullOf(y.DType(), 1, y.Shape()...).ToDevice(y.Device())
	} else if !equalInts(g.Shape(), y.Shape()) {
		panic(fmt.Sprintf("nn.MLP.InputGrad: seed shape %v, want the output's %v", g.Shape(), y.Shape()))
	}
	oneD := y.Dims() == 1
	if oneD {
		g = g.Reshape(1, y.Dim(0))
	}
	for i := n - 1; i >= 0; i-- {
		p, q := pre[i], post[i]
		if oneD {
			p, q = p.Reshape(g.Shape()...), q.Reshape(g.Shape()...)
		}
		if d := m.actOf(i).Deriv(p, q); d != nil {
			g = g.Mul(d)
		}
		g = matMulT(g, m.Layers[i].W)
	}
	if oneD {
		g = g.Reshape(x.Dim(0))
	}
	return y, g
}

// Params returns the trainable tensors of every layer, in order.
func (m *MLP) Params() []*tensor.Tensor {
	var ps []*tensor.Tensor
	for _, l := range m.Layers {
		ps = append(ps, l.Params()...)
	}
	return ps
}

func equalInts(a, b []int) bool { return slices.Equal(a, b) }

// Convert returns a copy of the network with its parameters in dtype dt
// (see Linear.Convert).
func (m *MLP) Convert(dt tensor.DType) *MLP {
	c := &MLP{Act: m.Act, OutAct: m.OutAct}
	for _, l := range m.Layers {
		c.Layers = append(c.Layers, l.Convert(dt))
	}
	return c
}

// DType returns the dtype of the network's parameters.
func (m *MLP) DType() tensor.DType { return m.Layers[0].DType() }

// Frozen returns an MLP that shares m's parameter values but records no
// gradient, for evaluation without building a graph. Later updates of m's
// parameters show in the frozen copy.
func (m *MLP) Frozen() *MLP {
	f := &MLP{Act: m.Act, OutAct: m.OutAct}
	for _, l := range m.Layers {
		fl := &Linear{W: l.W.Detach(), In: l.In, Out: l.Out}
		if l.B != nil {
			fl.B = l.B.Detach()
		}
		f.Layers = append(f.Layers, fl)
	}
	return f
}
