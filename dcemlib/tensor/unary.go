package tensor

import (
	"fmt"
	"math"
)

// unary makes the result of an elementwise function with value f and
// derivative df(x, y) (y = f(x)), recording the gradient.
func unary(name string, t *Tensor, out []float64, df func(x, y float64) float64) *Tensor {
	r := New(out, t.shape...)
	record(r, name, []*Tensor{t}, func(g []float64, grads [][]float64) {
		gt := grads[0]
		for i, v := range g {
			gt[i] += v * df(t.data[i], out[i])
		}
	})
	return r
}

// scaled makes the result of an elementwise function whose gradient
// depends only on the output: backward adds the input gradient for the
// output gradient g into dst, in one tight loop (no call per element).
func scaled(name string, t *Tensor, out []float64, backward func(g, dst []float64)) *Tensor {
	r := New(out, t.shape...)
	record(r, name, []*Tensor{t}, func(g []float64, grads [][]float64) { backward(g, grads[0]) })
	return r
}

// Neg returns −t.
func (t *Tensor) Neg() *Tensor { return t.MulScalar(-1) }

// AddScalar returns t + c.
func (t *Tensor) AddScalar(c float64) *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = v + c
	}
	r := New(out, t.shape...)
	record(r, "AddScalar", []*Tensor{t}, func(g []float64, grads [][]float64) { addInto(grads[0], g) })
	return r
}

// MulScalar returns c·t.
func (t *Tensor) MulScalar(c float64) *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = v * c
	}
	r := New(out, t.shape...)
	record(r, "MulScalar", []*Tensor{t}, func(g []float64, grads [][]float64) {
		gt := grads[0]
		for i, v := range g {
			gt[i] += v * c
		}
	})
	return r
}

// Square returns t² elementwise.
func (t *Tensor) Square() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = v * v
	}
	r := New(out, t.shape...)
	record(r, "Square", []*Tensor{t}, func(g []float64, grads [][]float64) {
		gt := grads[0]
		for i, v := range g {
			gt[i] += 2 * v * t.data[i]
		}
	})
	return r
}

// Pow returns t^p elementwise.
func (t *Tensor) Pow(p float64) *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Pow(v, p)
	}
	return unary("Pow", t, out, func(x, y float64) float64 {
		if p == 0 {
			return 0
		}
		return p * math.Pow(x, p-1)
	})
}

// Sqrt returns √t elementwise.
func (t *Tensor) Sqrt() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Sqrt(v)
	}
	return unary("Sqrt", t, out, func(x, y float64) float64 { return 0.5 / y })
}

// Exp returns eᵗ elementwise.
func (t *Tensor) Exp() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Exp(v)
	}
	return scaled("Exp", t, out, func(g, dst []float64) {
		for i, v := range g {
			dst[i] += v * out[i]
		}
	})
}

// Log returns the natural logarithm elementwise.
func (t *Tensor) Log() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Log(v)
	}
	return unary("Log", t, out, func(x, y float64) float64 { return 1 / x })
}

// Abs returns |t| elementwise (gradient 0 at 0).
func (t *Tensor) Abs() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Abs(v)
	}
	return unary("Abs", t, out, func(x, y float64) float64 {
		switch {
		case x > 0:
			return 1
		case x < 0:
			return -1
		}
		return 0
	})
}

// Sin returns sin(t) elementwise.
func (t *Tensor) Sin() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Sin(v)
	}
	return unary("Sin", t, out, func(x, y float64) float64 { return math.Cos(x) })
}

// Cos returns cos(t) elementwise.
func (t *Tensor) Cos() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Cos(v)
	}
	return unary("Cos", t, out, func(x, y float64) float64 { return -math.Sin(x) })
}

// Sigmoid returns 1/(1+e⁻ᵗ) elementwise, computed without overflow.
func (t *Tensor) Sigmoid() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = sigmoid(v)
	}
	return scaled("Sigmoid", t, out, func(g, dst []float64) {
		for i, v := range g {
			y := out[i]
			dst[i] += v * y * (1 - y)
		}
	})
}

// Tanh returns tanh(t) elementwise.
func (t *Tensor) Tanh() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Tanh(v)
	}
	return scaled("Tanh", t, out, func(g, dst []float64) {
		for i, v := range g {
			y := out[i]
			dst[i] += v * (1 - y*y)
		}
	})
}

// Softplus returns log(1+eᵗ) elementwise, computed without overflow.
func (t *Tensor) Softplus() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = softplus(v)
	}
	return unary("Softplus", t, out, func(x, y float64) float64 { return sigmoid(x) })
}

// ReLU returns max(t, 0) elementwise (gradient 0 at 0).
func (t *Tensor) ReLU() *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		if v > 0 {
			out[i] = v
		}
	}
	return unary("ReLU", t, out, func(x, y float64) float64 {
		if x > 0 {
			return 1
		}
		return 0
	})
}

// ELU returns t for t > 0 and α(eᵗ − 1) otherwise, elementwise.
func (t *Tensor) ELU(alpha float64) *Tensor {
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		if v > 0 {
			out[i] = v
		} else {
			out[i] = alpha * math.Expm1(v)
		}
	}
	return scaled("ELU", t, out, func(g, dst []float64) {
		for i, v := range g {
			if y := out[i]; y > 0 {
				dst[i] += v
			} else {
				dst[i] += v * (y + alpha)
			}
		}
	})
}

// Clamp limits t to [lo, hi] elementwise. The gradient passes where
// lo ≤ t ≤ hi and is zero outside. It panics if lo > hi.
func (t *Tensor) Clamp(lo, hi float64) *Tensor {
	if lo > hi {
		panic(fmt.Sprintf("tensor.Clamp: lo = %g > hi = %g", lo, hi))
	}
	out := make([]float64, len(t.data))
	for i, v := range t.data {
		out[i] = math.Min(math.Max(v, lo), hi)
	}
	return unary("Clamp", t, out, func(x, y float64) float64 {
		if x >= lo && x <= hi {
			return 1
		}
		return 0
	})
}

// Where returns an elementwise choice: a where cond is nonzero, b elsewhere.
// cond, a and b must have the same shape; cond gets no gradient.
func Where(cond, a, b *Tensor) *Tensor {
	if !sameShape(cond.shape, a.shape) || !sameShape(a.shape, b.shape) {
		panic(fmt.Sprintf("tensor.Where: shapes differ: cond %v, a %v, b %v", cond.shape, a.shape, b.shape))
	}
	out := make([]float64, len(a.data))
	for i, c := range cond.data {
		if c != 0 {
			out[i] = a.data[i]
		} else {
			out[i] = b.data[i]
		}
	}
	r := New(out, a.shape...)
	record(r, "Where", []*Tensor{a, b}, func(g []float64, grads [][]float64) {
		ga, gb := grads[0], grads[1]
		for i, v := range g {
			if cond.data[i] != 0 {
				if ga != nil {
					ga[i] += v
				}
			} else if gb != nil {
				gb[i] += v
			}
		}
	})
	return r
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}
