package ppo

import (
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// fromValues returns a tensor of dtype dt and the given shape holding vals.
func fromValues(dt tensor.DType, vals []float64, shape ...int) *tensor.Tensor {
	if dt == tensor.Float32 {
		v := make([]float32, len(vals))
		for i, x := range vals {
			v[i] = float32(x)
		}
		return tensor.New32(v, shape...)
	}
	return tensor.New(append([]float64(nil), vals...), shape...)
}

func dtypeOf(ps []*tensor.Tensor) tensor.DType {
	if len(ps) > 0 {
		return ps[0].DType()
	}
	return tensor.Float64
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func variance(x []float64) float64 {
	m, s := mean(x), 0.0
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return s / float64(len(x))
}

func stdUnbiased(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	return math.Sqrt(variance(x) * float64(len(x)) / float64(len(x)-1))
}

// explainedVariance returns 1 − Var(ret − v)/Var(ret) (NaN when the returns
// do not vary).
func explainedVariance(v, ret []float64) float64 {
	vr := variance(ret)
	if vr == 0 {
		return math.NaN()
	}
	d := make([]float64, len(v))
	for i := range v {
		d[i] = ret[i] - v[i]
	}
	return 1 - variance(d)/vr
}
