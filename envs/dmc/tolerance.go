package dmc

import (
	"fmt"
	"math"
)

// Sigmoid selects the shape of Tolerance outside its bounds.
type Sigmoid int

// The sigmoids of the DeepMind control suite's rewards.tolerance. Each maps
// the distance d from the bounds, in units of the margin, to a value in
// (0, 1] that equals 1 at d = 0 and valueAtMargin at d = 1.
const (
	Gaussian    Sigmoid = iota // exp(-(d·s)²/2)
	Linear                     // 1 - d·s, clipped at 0
	Hyperbolic                 // 1 / cosh(d·s)
	LongTail                   // 1 / ((d·s)² + 1)
	Reciprocal                 // 1 / (|d|·s + 1)
	Cosine                     // (1 + cos(π·d·s))/2, 0 beyond
	Quadratic                  // 1 - (d·s)², 0 beyond
	TanhSquared                // 1 - tanh(d·s)²
)

var sigmoidNames = [...]string{"gaussian", "linear", "hyperbolic", "long_tail", "reciprocal", "cosine", "quadratic", "tanh_squared"}

func (s Sigmoid) String() string {
	if s >= 0 && int(s) < len(sigmoidNames) {
		return sigmoidNames[s]
	}
	return fmt.Sprintf("Sigmoid(%d)", int(s))
}

// Tolerance returns 1 when lower ≤ x ≤ upper and otherwise decays with the
// distance from the nearest bound, reaching valueAtMargin at distance margin
// (the DeepMind control suite's rewards.tolerance, Tassa et al. 2018). With
// margin 0 it is the indicator of [lower, upper]. It panics if lower > upper,
// margin < 0, or valueAtMargin is outside (0, 1) (or [0, 1) for Linear,
// Cosine and Quadratic, which reach 0), as dm_control raises.
func Tolerance(x, lower, upper, margin float64, sigmoid Sigmoid, valueAtMargin float64) float64 {
	if lower > upper {
		panic(fmt.Sprintf("dmc: Tolerance: lower=%v > upper=%v", lower, upper))
	}
	if margin < 0 {
		panic(fmt.Sprintf("dmc: Tolerance: margin=%v, want margin ≥ 0", margin))
	}
	if lower <= x && x <= upper {
		return 1
	}
	if margin == 0 {
		return 0
	}
	d := x - upper
	if x < lower {
		d = lower - x
	}
	return sigmoidValue(d/margin, valueAtMargin, sigmoid)
}

func sigmoidValue(x, v float64, s Sigmoid) float64 {
	switch s {
	case Linear, Cosine, Quadratic:
		if v < 0 || v >= 1 {
			panic(fmt.Sprintf("dmc: Tolerance: valueAtMargin=%v, want it in [0, 1) for %v", v, s))
		}
	default:
		if v <= 0 || v >= 1 {
			panic(fmt.Sprintf("dmc: Tolerance: valueAtMargin=%v, want it in (0, 1) for %v", v, s))
		}
	}
	switch s {
	case Gaussian:
		scale := math.Sqrt(-2 * math.Log(v))
		return math.Exp(-0.5 * (x * scale) * (x * scale))
	case Hyperbolic:
		scale := math.Acosh(1 / v)
		return 1 / math.Cosh(x*scale)
	case LongTail:
		scale := math.Sqrt(1/v - 1)
		return 1 / ((x*scale)*(x*scale) + 1)
	case Reciprocal:
		scale := 1/v - 1
		return 1 / (math.Abs(x)*scale + 1)
	case Cosine:
		scale := math.Acos(2*v-1) / math.Pi
		sx := x * scale
		if math.Abs(sx) < 1 {
			return (1 + math.Cos(math.Pi*sx)) / 2
		}
		return 0
	case Linear:
		sx := x * (1 - v)
		if math.Abs(sx) < 1 {
			return 1 - sx
		}
		return 0
	case Quadratic:
		sx := x * math.Sqrt(1-v)
		if math.Abs(sx) < 1 {
			return 1 - sx*sx
		}
		return 0
	case TanhSquared:
		scale := math.Atanh(math.Sqrt(1 - v))
		t := math.Tanh(x * scale)
		return 1 - t*t
	}
	panic(fmt.Sprintf("dmc: Tolerance: unknown sigmoid %v", s))
}
