package tensor

import (
	"fmt"
	"math"
)

// GradCheck compares the gradients that Backward computes for f with
// central finite differences, for every element of every input. The inputs
// must be leaves marked RequiresGrad that f reads; f builds the graph anew
// on each call. A non-scalar result is reduced with fixed, distinct weights
// (Σ wᵢ fᵢ) so that every output element is checked. An element passes when
// |analytic − numeric| ≤ tol·max(|analytic|, |numeric|): the tolerance is
// relative, so small gradients are checked as strictly as large ones, down
// to the rounding noise of the differences, 64·ε·max(1, |f|)/eps (ε the
// float64 machine epsilon), below which two gradients cannot be told apart.
// GradCheck returns an error naming the first element that fails. Gradients are
// checked in float64: the inputs must be Float64 tensors (check a float32
// computation by running it on Float64 inputs, and compare the float32
// result with the float64 one).
func GradCheck(f func() *Tensor, inputs []*Tensor, eps, tol float64) error {
	loss := func() *Tensor {
		y := f().Float64()
		w := make([]float64, len(y.data))
		for i := range w {
			w[i] = 0.5 + 0.5*math.Sin(1.3*float64(i)+0.7)
		}
		return y.Mul(New(w, y.shape...)).Sum()
	}
	for k, x := range inputs {
		if x.dtype != Float64 {
			return fmt.Errorf("tensor.GradCheck: input %d (shape %v) is %v; gradient checks run in float64", k, x.shape, x.dtype)
		}
		if !x.NeedsGrad() || !x.IsLeaf() {
			return fmt.Errorf("tensor.GradCheck: inputs must be leaves marked RequiresGrad")
		}
		x.ZeroGrad()
	}
	loss().Backward()
	for k, x := range inputs {
		ana := make([]float64, len(x.data))
		if gr := x.Grad(); gr != nil {
			copy(ana, gr.data)
		}
		for i := range x.data {
			old := x.data[i]
			x.data[i] = old + eps
			up := loss().Item()
			x.data[i] = old - eps
			down := loss().Item()
			x.data[i] = old
			num := (up - down) / (2 * eps)
			noise := 64 * 0x1p-52 * math.Max(1, math.Max(math.Abs(up), math.Abs(down))) / eps
			scale := math.Max(math.Abs(ana[i]), math.Abs(num))
			if d := math.Abs(ana[i] - num); !(d <= tol*scale || d <= noise) {
				return fmt.Errorf("tensor.GradCheck: input %d (shape %v) element %d: analytic %.8g, numeric %.8g", k, x.shape, i, ana[i], num)
			}
		}
	}
	return nil
}
