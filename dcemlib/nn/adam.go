package nn

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Optimizer is what a learning-rate schedule adjusts.
type Optimizer interface {
	// LearningRate returns the current step size.
	LearningRate() float64
	// SetLearningRate changes the step size.
	SetLearningRate(lr float64)
}

// Adam is the Adam optimizer (Kingma & Ba 2015) with bias correction, the
// optimizer of every experiment in the DCEM paper (app. B: learning rate
// 10⁻³). Each Step updates the parameters in place from their accumulated
// gradients:
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	p ← p − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
type Adam struct {
	// Params are the tensors the optimizer updates: leaves that require a
	// gradient.
	Params []*tensor.Tensor
	// LR is the learning rate.
	LR float64
	// Beta1 and Beta2 are the decay rates of the moment estimates.
	Beta1, Beta2 float64
	// Eps is added to the denominator for stability.
	Eps float64
	// WeightDecay adds WeightDecay·p to each gradient (L2 penalty; 0 off).
	WeightDecay float64

	t    int
	m, v []*tensor.Tensor
}

// NewAdam returns an Adam optimizer over params with learning rate lr and
// the usual β₁ = 0.9, β₂ = 0.999, ε = 10⁻⁸. It panics if lr is not
// positive or a parameter is not a leaf that requires a gradient.
func NewAdam(params []*tensor.Tensor, lr float64) *Adam {
	if !(lr > 0) {
		panic(fmt.Sprintf("nn.NewAdam: lr = %g, want lr > 0", lr))
	}
	for i, p := range params {
		if !p.NeedsGrad() || !p.IsLeaf() {
			panic(fmt.Sprintf("nn.NewAdam: parameter %d (shape %v) is not a leaf marked RequiresGrad", i, p.Shape()))
		}
	}
	a := &Adam{Params: params, LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	a.m = make([]*tensor.Tensor, len(params))
	a.v = make([]*tensor.Tensor, len(params))
	for i, p := range params {
		a.m[i], a.v[i] = moments(p), moments(p)
	}
	return a
}

// LearningRate returns LR.
func (a *Adam) LearningRate() float64 { return a.LR }

// SetLearningRate sets LR.
func (a *Adam) SetLearningRate(lr float64) { a.LR = lr }

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.t }

// Step applies one update from the parameters' gradients, one fused pass
// over each parameter (the moments are kept in the parameter's dtype).
// Parameters without a gradient are left alone (their moments do not
// decay).
func (a *Adam) Step() {
	a.t++
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	for i, p := range a.Params {
		if g := p.Grad(); g != nil {
			stepParam(p, g, a.m[i], a.v[i], a.Beta1, a.Beta2, a.LR/c1, 1/c2, a.Eps, a.WeightDecay)
		}
	}
}

// ZeroGrad clears the gradients of all parameters.
func (a *Adam) ZeroGrad() { ZeroGrad(a.Params) }

// ZeroGrad clears the gradients of params.
func ZeroGrad(params []*tensor.Tensor) {
	for _, p := range params {
		p.ZeroGrad()
	}
}

// GradNorm returns the Euclidean norm of all the gradients of params
// together (parameters without a gradient count as zero).
func GradNorm(params []*tensor.Tensor) float64 {
	s := 0.0
	for _, p := range params {
		if g := p.Grad(); g != nil {
			s += sumSquares(g)
		}
	}
	return math.Sqrt(s)
}

// ClipGradNorm scales the gradients of params in place so that their joint
// Euclidean norm is at most maxNorm, and returns the norm before clipping.
// The paper clips every experiment's gradient to norm 1 (app. B). It panics
// if maxNorm is not positive.
func ClipGradNorm(params []*tensor.Tensor, maxNorm float64) float64 {
	if !(maxNorm > 0) {
		panic(fmt.Sprintf("nn.ClipGradNorm: maxNorm = %g, want > 0", maxNorm))
	}
	norm := GradNorm(params)
	if norm > maxNorm {
		c := maxNorm / (norm + 1e-6)
		for _, p := range params {
			if g := p.Grad(); g != nil {
				scaleInPlace(g, c)
			}
		}
	}
	return norm
}

// sumSquares returns Σ t², accumulated in float64.
func sumSquares(t *tensor.Tensor) float64 {
	s := 0.0
	if t.DType() == tensor.Float32 {
		for _, v := range t.Data32() {
			s += float64(v) * float64(v)
		}
		return s
	}
	for _, v := range t.Data() {
		s += v * v
	}
	return s
}

// scaleInPlace multiplies t's values by c.
func scaleInPlace(t *tensor.Tensor, c float64) {
	if t.DType() == tensor.Float32 {
		d, c32 := t.Data32(), float32(c)
		for j := range d {
			d[j] *= c32
		}
		return
	}
	d := t.Data()
	for j := range d {
		d[j] *= c
	}
}

// adamState32 starts the state of an optimizer whose moments are all
// float32: they are written as float32, half the bytes of the float64 form
// and the same values. As a step count it would be about 4·10¹⁸.
const adamState32 = "nnAdam32"

// MarshalBinary returns the optimizer's state — the step count and both
// moments of every parameter — so that a checkpoint can resume training
// with the same next update. The settings (LR, betas, ε) are not included.
// Moments are written in their dtype: float32 moments (those of float32
// parameters) take four bytes each.
func (a *Adam) MarshalBinary() ([]byte, error) {
	all32 := len(a.Params) > 0
	for i := range a.Params {
		all32 = all32 && a.m[i].DType() == tensor.Float32 && a.v[i].DType() == tensor.Float32
	}
	var b []byte
	if all32 {
		b = append(b, adamState32...)
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(a.t))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(a.Params)))
	for i := range a.Params {
		for _, mom := range []*tensor.Tensor{a.m[i], a.v[i]} {
			b = binary.LittleEndian.AppendUint32(b, uint32(mom.Size()))
			if all32 {
				for _, v := range mom.Data32() {
					b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
				}
				continue
			}
			for _, v := range mom.Values() {
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
			}
		}
	}
	return b, nil
}

// UnmarshalBinary restores a state written by MarshalBinary for an
// optimizer over parameters of the same sizes; it returns an error, and
// changes nothing, when the data does not fit.
func (a *Adam) UnmarshalBinary(b []byte) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("nn.Adam.UnmarshalBinary: "+format, args...)
	}
	width := 8
	if len(b) >= len(adamState32) && string(b[:len(adamState32)]) == adamState32 {
		width = 4
		b = b[len(adamState32):]
	}
	if len(b) < 12 {
		return bad("%d bytes, too short", len(b))
	}
	t := binary.LittleEndian.Uint64(b)
	n := int(binary.LittleEndian.Uint32(b[8:]))
	if n != len(a.Params) {
		return bad("state of %d parameters, the optimizer has %d", n, len(a.Params))
	}
	b = b[12:]
	moments := make([][]float64, 0, 2*n)
	for i := range 2 * n {
		if len(b) < 4 {
			return bad("truncated at moment %d", i)
		}
		size := int(binary.LittleEndian.Uint32(b))
		b = b[4:]
		if want := a.Params[i/2].Size(); size != want {
			return bad("moment %d has %d values, parameter %d has %d", i, size, i/2, want)
		}
		if len(b) < width*size {
			return bad("truncated in moment %d", i)
		}
		vs := make([]float64, size)
		for j := range vs {
			if width == 4 {
				vs[j] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:])))
			} else {
				vs[j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*j:]))
			}
		}
		moments = append(moments, vs)
		b = b[width*size:]
	}
	if len(b) != 0 {
		return bad("%d bytes left over", len(b))
	}
	for i := range n {
		a.m[i].SetValues(moments[2*i])
		a.v[i].SetValues(moments[2*i+1])
	}
	a.t = int(t)
	return nil
}
