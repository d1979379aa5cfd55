package tensor

import (
	"fmt"
	"math"
)

// mapT makes the result of an elementwise function: fwd writes f(x) into
// dst, and bwd adds the input gradient for the output gradient g into dst,
// given the input x and the output y, in one tight loop per slice (no call
// per element).
func mapT[T float](name string, t *Tensor, fwd func(dst, x []T), bwd func(g, x, y, dst []T)) *Tensor {
	x := vals[T](t)
	out := allocDirty[T](len(x), t)
	parallelSlices(len(x), func(lo, hi int) { fwd(out[lo:hi], x[lo:hi]) })
	r := wrapIn(out, t.shape, t)
	record(r, name, []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		parallelSlices(len(g), func(lo, hi int) { bwd(g[lo:hi], x[lo:hi], out[lo:hi], gt[lo:hi]) })
	})
	return r
}

// mapOf dispatches an elementwise function on t's dtype.
func mapOf(name string, t *Tensor,
	f64 func(dst, x []float64), b64 func(g, x, y, dst []float64),
	f32 func(dst, x []float32), b32 func(g, x, y, dst []float32)) *Tensor {
	if t.dtype == Float32 {
		return mapT(name, t, f32, b32)
	}
	return mapT(name, t, f64, b64)
}

// each64 lifts a float64 function to a slice kernel; with32 to a float32
// one that computes in float64.
func each64(f func(float64) float64) func(dst, x []float64) {
	return func(dst, x []float64) {
		for i, v := range x {
			dst[i] = f(v)
		}
	}
}

func each32(f func(float64) float64) func(dst, x []float32) {
	return func(dst, x []float32) {
		for i, v := range x {
			dst[i] = float32(f(float64(v)))
		}
	}
}

// Neg returns −t.
func (t *Tensor) Neg() *Tensor { return t.MulScalar(-1) }

// AddScalar returns t + c.
func (t *Tensor) AddScalar(c float64) *Tensor {
	if t.dev != nil {
		return devUnary(unAddScalar, t, c, 0)
	}
	if t.dtype == Float32 {
		return addScalarT(t, float32(c))
	}
	return addScalarT(t, c)
}

func addScalarT[T float](t *Tensor, c T) *Tensor {
	x := vals[T](t)
	out := allocDirty[T](len(x), t)
	for i, v := range x {
		out[i] = v + c
	}
	r := wrapIn(out, t.shape, t)
	record(r, "AddScalar", []*Tensor{t}, func(g []T, grads [][]T) { addInto(grads[0], g) })
	return r
}

// MulScalar returns c·t.
func (t *Tensor) MulScalar(c float64) *Tensor {
	if t.dev != nil {
		return devUnary(unMulScalar, t, c, 0)
	}
	if t.dtype == Float32 {
		return mulScalarT(t, float32(c))
	}
	return mulScalarT(t, c)
}

func mulScalarT[T float](t *Tensor, c T) *Tensor {
	x := vals[T](t)
	out := allocDirty[T](len(x), t)
	for i, v := range x {
		out[i] = v * c
	}
	r := wrapIn(out, t.shape, t)
	record(r, "MulScalar", []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		for i, v := range g {
			gt[i] += v * c
		}
	})
	return r
}

func squareF[T float](dst, x []T) {
	for i, v := range x {
		dst[i] = v * v
	}
}

func squareB[T float](g, x, y, dst []T) {
	for i, v := range g {
		dst[i] += 2 * v * x[i]
	}
}

// Square returns t² elementwise.
func (t *Tensor) Square() *Tensor {
	if t.dev != nil {
		return devUnary(unSquare, t, 0, 0)
	}
	return mapOf("Square", t, squareF[float64], squareB[float64], squareF[float32], squareB[float32])
}

// Pow returns t^p elementwise.
func (t *Tensor) Pow(p float64) *Tensor {
	if t.dev != nil {
		return devUnary(unPow, t, p, 0)
	}
	f := func(x float64) float64 { return math.Pow(x, p) }
	df := func(x float64) float64 {
		if p == 0 {
			return 0
		}
		return p * math.Pow(x, p-1)
	}
	return mapOf("Pow", t, each64(f), chain64(df), each32(f), chain32(df))
}

// chain64 and chain32 make the backward kernel g·f'(x) from the derivative.
func chain64(df func(x float64) float64) func(g, x, y, dst []float64) {
	return func(g, x, y, dst []float64) {
		for i, v := range g {
			dst[i] += v * df(x[i])
		}
	}
}

func chain32(df func(x float64) float64) func(g, x, y, dst []float32) {
	return func(g, x, y, dst []float32) {
		for i, v := range g {
			dst[i] += v * float32(df(float64(x[i])))
		}
	}
}

func sqrtF[T float](dst, x []T) {
	for i, v := range x {
		dst[i] = T(math.Sqrt(float64(v)))
	}
}

func sqrtB[T float](g, x, y, dst []T) {
	for i, v := range g {
		dst[i] += v * 0.5 / y[i]
	}
}

// Sqrt returns √t elementwise.
func (t *Tensor) Sqrt() *Tensor {
	if t.dev != nil {
		return devUnary(unSqrt, t, 0, 0)
	}
	return mapOf("Sqrt", t, sqrtF[float64], sqrtB[float64], sqrtF[float32], sqrtB[float32])
}

// byOutput is the backward kernel g·y: the derivative of exp.
func byOutput[T float](g, x, y, dst []T) {
	for i, v := range g {
		dst[i] += v * y[i]
	}
}

// Exp returns eᵗ elementwise.
func (t *Tensor) Exp() *Tensor {
	if t.dev != nil {
		return devUnary(unExp, t, 0, 0)
	}
	return mapOf("Exp", t, each64(math.Exp), byOutput[float64], exp32, byOutput[float32])
}

func invB[T float](g, x, y, dst []T) {
	for i, v := range g {
		dst[i] += v / x[i]
	}
}

// Log returns the natural logarithm elementwise.
func (t *Tensor) Log() *Tensor {
	if t.dev != nil {
		return devUnary(unLog, t, 0, 0)
	}
	return mapOf("Log", t, each64(math.Log), invB[float64], each32(math.Log), invB[float32])
}

func absF[T float](dst, x []T) {
	for i, v := range x {
		if v < 0 {
			v = -v
		}
		dst[i] = v
	}
}

func absB[T float](g, x, y, dst []T) {
	for i, v := range g {
		switch {
		case x[i] > 0:
			dst[i] += v
		case x[i] < 0:
			dst[i] -= v
		}
	}
}

// Abs returns |t| elementwise (gradient 0 at 0).
func (t *Tensor) Abs() *Tensor {
	if t.dev != nil {
		return devUnary(unAbs, t, 0, 0)
	}
	return mapOf("Abs", t, absF[float64], absB[float64], absF[float32], absB[float32])
}

// Sin returns sin(t) elementwise.
func (t *Tensor) Sin() *Tensor {
	if t.dev != nil {
		return devUnary(unSin, t, 0, 0)
	}
	return mapOf("Sin", t, each64(math.Sin), chain64(math.Cos), each32(math.Sin), chain32(math.Cos))
}

// Cos returns cos(t) elementwise.
func (t *Tensor) Cos() *Tensor {
	if t.dev != nil {
		return devUnary(unCos, t, 0, 0)
	}
	negSin := func(x float64) float64 { return -math.Sin(x) }
	return mapOf("Cos", t, each64(math.Cos), chain64(negSin), each32(math.Cos), chain32(negSin))
}

func sigmoidB[T float](g, x, y, dst []T) {
	for i, v := range g {
		s := y[i]
		dst[i] += v * s * (1 - s)
	}
}

// Sigmoid returns 1/(1+e⁻ᵗ) elementwise, computed without overflow.
func (t *Tensor) Sigmoid() *Tensor {
	if t.dev != nil {
		return devUnary(unSigmoid, t, 0, 0)
	}
	return mapOf("Sigmoid", t, each64(sigmoid), sigmoidB[float64], sigmoid32, sigmoidB[float32])
}

func tanhB[T float](g, x, y, dst []T) {
	for i, v := range g {
		s := y[i]
		dst[i] += v * (1 - s*s)
	}
}

// Tanh returns tanh(t) elementwise.
func (t *Tensor) Tanh() *Tensor {
	if t.dev != nil {
		return devUnary(unTanh, t, 0, 0)
	}
	return mapOf("Tanh", t, each64(math.Tanh), tanhB[float64], tanh32, tanhB[float32])
}

// Softplus returns log(1+eᵗ) elementwise, computed without overflow. The
// logistic σ(t), its derivative, is kept from the forward pass when a
// gradient is needed.
func (t *Tensor) Softplus() *Tensor {
	if t.dev != nil {
		return devUnary(unSoftplus, t, 0, 0)
	}
	if t.dtype == Float32 {
		return softplusT(t, softplus32)
	}
	return softplusT(t, softplus64)
}

func softplusT[T float](t *Tensor, k func(dst, x, sig []T)) *Tensor {
	x := vals[T](t)
	out := allocDirty[T](len(x), t)
	var sig []T
	if t.node != nil && (t.arena == nil || !t.arena.noGrad) {
		sig = allocDirty[T](len(x), t)
	}
	parallelSlices(len(x), func(lo, hi int) {
		var s []T
		if sig != nil {
			s = sig[lo:hi]
		}
		k(out[lo:hi], x[lo:hi], s)
	})
	r := wrapIn(out, t.shape, t)
	record(r, "Softplus", []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		for i, v := range g {
			gt[i] += v * sig[i]
		}
	})
	return r
}

func softplus64(dst, x, sig []float64) {
	for i, v := range x {
		e := math.Exp(-math.Abs(v))
		dst[i] = max(v, 0) + log1pUnit(e)
		if sig != nil {
			if v >= 0 {
				sig[i] = 1 / (1 + e)
			} else {
				sig[i] = e / (1 + e)
			}
		}
	}
}

func reluF[T float](dst, x []T) {
	for i, v := range x {
		dst[i] = max(v, 0)
	}
}

func reluB[T float](g, x, y, dst []T) {
	for i, v := range g {
		if x[i] > 0 {
			dst[i] += v
		}
	}
}

// ReLU returns max(t, 0) elementwise (gradient 0 at 0).
func (t *Tensor) ReLU() *Tensor {
	if t.dev != nil {
		return devUnary(unReLU, t, 0, 0)
	}
	return mapOf("ReLU", t, reluF[float64], reluB[float64], relu32, reluB[float32])
}

// ELU returns t for t > 0 and α(eᵗ − 1) otherwise, elementwise.
func (t *Tensor) ELU(alpha float64) *Tensor {
	if t.dev != nil {
		return devUnary(unELU, t, alpha, 0)
	}
	f64 := func(dst, x []float64) {
		for i, v := range x {
			if v > 0 {
				dst[i] = v
			} else {
				dst[i] = alpha * math.Expm1(v)
			}
		}
	}
	f32 := func(dst, x []float32) { elu32(dst, x, alpha) }
	return mapOf("ELU", t, f64, eluB[float64](alpha), f32, eluB[float32](alpha))
}

func eluB[T float](alpha float64) func(g, x, y, dst []T) {
	a := T(alpha)
	return func(g, x, y, dst []T) {
		for i, v := range g {
			if yi := y[i]; x[i] > 0 {
				dst[i] += v
			} else {
				dst[i] += v * (yi + a)
			}
		}
	}
}

// Clamp limits t to [lo, hi] elementwise. The gradient passes where
// lo ≤ t ≤ hi and is zero outside. It panics if lo > hi.
func (t *Tensor) Clamp(lo, hi float64) *Tensor {
	if lo > hi {
		panic(fmt.Sprintf("tensor.Clamp: lo = %g > hi = %g", lo, hi))
	}
	if t.dev != nil {
		return devUnary(unClamp, t, lo, hi)
	}
	if t.dtype == Float32 {
		return mapT("Clamp", t, clampF(float32(lo), float32(hi)), clampB(float32(lo), float32(hi)))
	}
	return mapT("Clamp", t, clampF(lo, hi), clampB(lo, hi))
}

func clampF[T float](lo, hi T) func(dst, x []T) {
	return func(dst, x []T) {
		for i, v := range x {
			dst[i] = minT(maxT(v, lo), hi)
		}
	}
}

func clampB[T float](lo, hi T) func(g, x, y, dst []T) {
	return func(g, x, y, dst []T) {
		for i, v := range g {
			if x[i] >= lo && x[i] <= hi {
				dst[i] += v
			}
		}
	}
}

// Where returns an elementwise choice: a where cond is nonzero, b elsewhere.
// cond, a and b must have the same shape, a and b the same dtype; cond gets
// no gradient and may have either dtype.
func Where(cond, a, b *Tensor) *Tensor {
	if !sameShape(cond.shape, a.shape) || !sameShape(a.shape, b.shape) {
		panic(fmt.Sprintf("tensor.Where: shapes differ: cond %v, a %v, b %v", cond.shape, a.shape, b.shape))
	}
	sameDType("Where", a, b)
	pick := make([]bool, cond.Size())
	if cond.dev != nil { // one read of the device's values
		for i, v := range cond.devRead() {
			pick[i] = v != 0
		}
	} else {
		for i := range pick {
			pick[i] = cond.at(i) != 0
		}
	}
	if onDevice(a, b) {
		return devWhere(pick, a, b)
	}
	if a.dtype == Float32 {
		return whereT[float32](pick, a, b)
	}
	return whereT[float64](pick, a, b)
}

func whereT[T float](pick []bool, a, b *Tensor) *Tensor {
	ad, bd := vals[T](a), vals[T](b)
	out := allocDirty[T](len(ad), a, b)
	for i, c := range pick {
		if c {
			out[i] = ad[i]
		} else {
			out[i] = bd[i]
		}
	}
	r := wrapIn(out, a.shape, a, b)
	record(r, "Where", []*Tensor{a, b}, func(g []T, grads [][]T) {
		ga, gb := grads[0], grads[1]
		for i, v := range g {
			if pick[i] {
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
