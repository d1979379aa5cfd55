package nn

import (
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
	m, v [][]float64
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
	a.m = make([][]float64, len(params))
	a.v = make([][]float64, len(params))
	for i, p := range params {
		a.m[i] = make([]float64, p.Size())
		a.v[i] = make([]float64, p.Size())
	}
	return a
}

// LearningRate returns LR.
func (a *Adam) LearningRate() float64 { return a.LR }

// SetLearningRate sets LR.
func (a *Adam) SetLearningRate(lr float64) { a.LR = lr }

// Steps returns the number of steps taken.
func (a *Adam) Steps() int { return a.t }

// Step applies one update from the parameters' gradients. Parameters
// without a gradient are left alone (their moments do not decay).
func (a *Adam) Step() {
	a.t++
	c1 := 1 - math.Pow(a.Beta1, float64(a.t))
	c2 := 1 - math.Pow(a.Beta2, float64(a.t))
	for i, p := range a.Params {
		gt := p.Grad()
		if gt == nil {
			continue
		}
		g, pd, m, v := gt.Data(), p.Data(), a.m[i], a.v[i]
		for j := range pd {
			gj := g[j]
			if a.WeightDecay != 0 {
				gj += a.WeightDecay * pd[j]
			}
			m[j] = a.Beta1*m[j] + (1-a.Beta1)*gj
			v[j] = a.Beta2*v[j] + (1-a.Beta2)*gj*gj
			pd[j] -= a.LR * (m[j] / c1) / (math.Sqrt(v[j]/c2) + a.Eps)
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
			for _, v := range g.Data() {
				s += v * v
			}
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
				for j := range g.Data() {
					g.Data()[j] *= c
				}
			}
		}
	}
	return norm
}
