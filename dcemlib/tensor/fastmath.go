package tensor

import "math"

// The float32 elementwise kernels. They are variables so that a vectorized
// implementation (fastmath_simd.go, built with GOEXPERIMENT=simd on amd64
// machines with AVX2 and FMA) can replace the portable ones at start-up;
// both pass the same accuracy tests.
var (
	exp32      = exp32Scalar
	sigmoid32  = sigmoid32Scalar
	tanh32     = tanh32Scalar
	softplus32 = softplus32Scalar
	elu32      = elu32Scalar
	reluGrad32 = reluGrad32Scalar
	relu32     = reluF[float32]
	// add32 adds its second argument into its first, elementwise.
	add32 = addInto[float32]
	// gruGateGrad32 is GRUCell's backward gate arithmetic (gruGateGradT).
	gruGateGrad32 = gruGateGradT[float32]
	// gruGates32 is GRUCell's forward gate arithmetic (gruGatesT).
	gruGates32 = gruGatesT[float32]
)

// reluGrad32Scalar writes g where y > 0 and 0 elsewhere.
func reluGrad32Scalar(dst, g, y []float32) { reluGradT(dst, g, y) }

func reluGradT[T float](dst, g, y []T) {
	y = y[:len(g)]
	dst = dst[:len(g)]
	for i, v := range g {
		if y[i] > 0 {
			dst[i] = v
		} else {
			dst[i] = 0
		}
	}
}

// SIMD names the vector instructions the float32 elementwise kernels use:
// "avx512" (sixteen lanes for exp, sigmoid, tanh, softplus, ReLU and its
// gradient, the bias add and the GRU gates, eight for the rest),
// "avx2+fma", or "none" for the portable scalar code.
func SIMD() string { return simdName }

var simdName = "none"

// Elementwise kernels for float32 tensors. They compute in float64 with
// short polynomials whose error (below 1e-8 relative) is far under float32's
// rounding, so results are as accurate as rounding the float64 function,
// at a fraction of the cost of the math package's correctly-rounded
// float64 routines. The float64 kernels use the math package.

// expApprox returns eˣ for x in [−745, 709] to about 5e-9 relative error:
// x = k·ln2 + r with |r| ≤ ln2/2, eʳ by its Taylor polynomial of degree 7
// in Estrin's form, and 2ᵏ put into the exponent bits.
func expApprox(x float64) float64 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 6.93147180369123816490e-01
		ln2lo = 1.90821492927058770002e-10
		shift = 0x1.8p52 // adding it rounds to an integer in the low bits
	)
	if !(x > -708) { // also NaN
		if x != x {
			return x
		}
		return 0
	}
	if x > 709 {
		return math.Inf(1)
	}
	t := x*log2e + shift
	k := t - shift
	r := (x - k*ln2hi) - k*ln2lo
	r2 := r * r
	r4 := r2 * r2
	p := (1 + r) + r2*(0.5+r*(1.0/6)) + r4*((1.0/24+r*(1.0/120))+r2*(1.0/720+r*(1.0/5040)))
	e := int64(int32(uint32(math.Float64bits(t)))) // k, from the low bits of t
	return p * math.Float64frombits(uint64(e+1023)<<52)
}

func exp32Scalar(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = float32(expApprox(float64(v)))
	}
}

func sigmoid32Scalar(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] = float32(1 / (1 + expApprox(-float64(v))))
	}
}

func tanh32Scalar(dst, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		a := math.Abs(float64(v))
		var y float64
		switch {
		case a < 1e-4: // tanh x = x − x³/3 + …, the cubic term below float32's ulp
			y = a - a*a*a/3
		case a > 10:
			y = 1
		default:
			e := expApprox(2 * a)
			y = (e - 1) / (e + 1)
		}
		if v < 0 {
			y = -y
		}
		dst[i] = float32(y)
	}
}

// softplus32 writes log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|) and, when sig
// is not nil, the logistic σ(x) that its gradient needs.
func softplus32Scalar(dst, x, sig []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		xv := float64(v)
		e := expApprox(-math.Abs(xv))
		dst[i] = float32(max(xv, 0) + log1pUnit(e))
		if sig != nil {
			if xv >= 0 {
				sig[i] = float32(1 / (1 + e))
			} else {
				sig[i] = float32(e / (1 + e))
			}
		}
	}
}

func elu32Scalar(dst, x []float32, alpha float64) {
	x = x[:len(dst)]
	for i, v := range x {
		if v > 0 {
			dst[i] = v
			continue
		}
		xv := float64(v)
		var em1 float64
		if xv > -1e-5 { // eˣ − 1 = x + x²/2 + …: avoid the cancellation
			em1 = xv + xv*xv/2
		} else {
			em1 = expApprox(xv) - 1
		}
		dst[i] = float32(alpha * em1)
	}
}

// log1pUnit returns log(1 + e) for e in [0, 1] to within a few ulps,
// faster than math.Log1p: with 1 + e = 2ᵏ(1 + f), k ∈ {0, 1} and
// |f| ≤ √2 − 1, log(1 + f) = 2 atanh(s), s = f/(2 + f), |s| ≤ 0.1716,
// summed as the odd series 2s(1 + s²/3 + s⁴/5 + …) to 12 terms
// (s²⁴/25 < 10⁻¹⁸). The polynomial in z = s² is evaluated by Estrin's
// scheme, whose short dependency chains keep the processor's pipelines
// full.
func log1pUnit(e float64) float64 {
	k := 0.0
	f := e
	if e > math.Sqrt2-1 {
		k = 1
		f = (e - 1) / 2
	}
	s := f / (2 + f)
	z := s * s
	z2 := z * z
	z4 := z2 * z2
	z8 := z4 * z4
	a0 := 1 + z*(1.0/3)
	a1 := 1.0/5 + z*(1.0/7)
	a2 := 1.0/9 + z*(1.0/11)
	a3 := 1.0/13 + z*(1.0/15)
	a4 := 1.0/17 + z*(1.0/19)
	a5 := 1.0/21 + z*(1.0/23)
	b0 := a0 + z2*a1
	b1 := a2 + z2*a3
	b2 := a4 + z2*a5
	p := b0 + z4*b1 + z8*b2
	return k*math.Ln2 + 2*s*p
}
