package nn

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Init names a scheme for the initial weights of a Linear layer.
type Init int

const (
	// InitUniform draws weights and biases from U(−1/√fan_in, 1/√fan_in),
	// PyTorch's default for linear layers, used by the regression energy
	// network (paper §5.1).
	InitUniform Init = iota
	// InitNormal draws weights from N(0, s²) with s = 2/√(fan_in + fan_out)
	// and sets biases to zero, as the cartpole action decoder of paper §5.2
	// does.
	InitNormal
)

// String returns the scheme's name.
func (i Init) String() string {
	switch i {
	case InitUniform:
		return "uniform"
	case InitNormal:
		return "normal"
	}
	return fmt.Sprintf("Init(%d)", int(i))
}

// Linear is an affine layer y = x·W + b over the last axis of x.
type Linear struct {
	// W is the weight matrix, shape (In, Out), a leaf that requires a
	// gradient.
	W *tensor.Tensor
	// B is the bias, shape (Out), a leaf that requires a gradient; nil for
	// a layer without bias.
	B *tensor.Tensor
	// In and Out are the input and output widths.
	In, Out int
}

// NewLinear returns a layer from in to out features with a bias,
// initialized by init with draws from rng. It panics if in or out is below
// one or rng is nil.
func NewLinear(in, out int, init Init, rng *tensor.RNG) *Linear {
	l := NewLinearNoBias(in, out, init, rng)
	l.B = tensor.Zeros(out)
	if init == InitUniform {
		bound := 1 / math.Sqrt(float64(in))
		rng.FillUniform(l.B.Data(), -bound, bound)
	}
	l.B.RequiresGrad()
	return l
}

// NewLinearNoBias returns a layer y = x·W without bias (see NewLinear).
func NewLinearNoBias(in, out int, init Init, rng *tensor.RNG) *Linear {
	if in < 1 || out < 1 {
		panic(fmt.Sprintf("nn.NewLinear: in = %d, out = %d, want both ≥ 1", in, out))
	}
	if rng == nil {
		panic("nn.NewLinear: rng is nil")
	}
	w := tensor.Zeros(in, out)
	switch init {
	case InitUniform:
		bound := 1 / math.Sqrt(float64(in))
		rng.FillUniform(w.Data(), -bound, bound)
	case InitNormal:
		s := 2 / math.Sqrt(float64(in+out))
		rng.FillNormal(w.Data())
		for i, v := range w.Data() {
			w.Data()[i] = v * s
		}
	default:
		panic(fmt.Sprintf("nn.NewLinear: unknown init %d", int(init)))
	}
	return &Linear{W: w.RequiresGrad(), In: in, Out: out}
}

// Forward returns x·W + b for x of shape (..., In), with at least one
// axis; the result has shape (..., Out). It panics if the last axis of x is
// not In.
func (l *Linear) Forward(x *tensor.Tensor) *tensor.Tensor { return l.ForwardAct(x, Identity) }

// ForwardAct returns act(x·W + b), the layer and its activation as one
// fused operation (tensor.Affine) for x of shape (..., In); see Forward.
// x must have the layer's dtype.
func (l *Linear) ForwardAct(x *tensor.Tensor, act Activation) *tensor.Tensor {
	if x.Dims() == 0 || x.Dim(-1) != l.In {
		panic(fmt.Sprintf("nn.Linear.Forward: input shape %v, want last axis %d", x.Shape(), l.In))
	}
	sameDType("Linear.Forward", l.W, x)
	fa, ok := act.fused()
	if !ok {
		return act.Apply(l.Forward(x))
	}
	if x.Dims() == 1 {
		return tensor.Affine(x.Reshape(1, l.In), l.W, l.B, fa).Reshape(l.Out)
	}
	return tensor.Affine(x, l.W, l.B, fa)
}

// ForwardConcat returns act([x₁, …, xₖ]·W + b): ForwardAct of the parts'
// concatenation along their last axis, without making the concatenation
// (tensor.AffineConcat). The parts have at least two axes, share the
// leading ones, and their last axes add up to In.
func (l *Linear) ForwardConcat(act Activation, xs ...*tensor.Tensor) *tensor.Tensor {
	width := 0
	for i, x := range xs {
		if x.Dims() < 2 {
			panic(fmt.Sprintf("nn.Linear.ForwardConcat: part %d has shape %v, want at least 2 axes", i, x.Shape()))
		}
		sameDType("Linear.ForwardConcat", l.W, x)
		width += x.Dim(-1)
	}
	if width != l.In {
		panic(fmt.Sprintf("nn.Linear.ForwardConcat: parts of total width %d, want In = %d", width, l.In))
	}
	fa, ok := act.fused()
	if !ok {
		return act.Apply(l.Forward(tensor.Concat(-1, xs...)))
	}
	return tensor.AffineConcat(xs, l.W, l.B, fa)
}

// ForwardOutputs returns outputs lo … hi−1 of ForwardAct(x, act) without
// computing the others (tensor.AffineColumns), for x of shape (..., In)
// with at least two axes. It panics unless 0 ≤ lo < hi ≤ Out.
func (l *Linear) ForwardOutputs(x *tensor.Tensor, act Activation, lo, hi int) *tensor.Tensor {
	if x.Dims() < 2 || x.Dim(-1) != l.In {
		panic(fmt.Sprintf("nn.Linear.ForwardOutputs: input shape %v, want (..., %d) with at least 2 axes", x.Shape(), l.In))
	}
	if lo < 0 || hi <= lo || hi > l.Out {
		panic(fmt.Sprintf("nn.Linear.ForwardOutputs: outputs %d…%d, want 0 ≤ lo < hi ≤ Out = %d", lo, hi, l.Out))
	}
	sameDType("Linear.ForwardOutputs", l.W, x)
	fa, ok := act.fused()
	if !ok {
		return act.Apply(l.Forward(x).Slice(-1, lo, hi))
	}
	return tensor.AffineColumns(x, l.W, l.B, lo, hi, fa)
}

// DType returns the dtype of the layer's parameters.
func (l *Linear) DType() tensor.DType { return l.W.DType() }

// Convert returns a copy of the layer with its parameters in dtype dt:
// fresh leaves that require a gradient, holding the same values (rounded to
// float32 when dt is Float32).
func (l *Linear) Convert(dt tensor.DType) *Linear {
	return &Linear{W: convertParam(l.W, dt), B: convertParam(l.B, dt), In: l.In, Out: l.Out}
}

// Params returns the layer's trainable tensors: W, then B if present.
func (l *Linear) Params() []*tensor.Tensor {
	if l.B == nil {
		return []*tensor.Tensor{l.W}
	}
	return []*tensor.Tensor{l.W, l.B}
}
