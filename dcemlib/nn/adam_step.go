package nn

import (
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// adamStep applies one Adam update to the parameter values p from the
// gradient g with the moments m and v, in one pass: lr1 = LR/(1−β₁ᵗ) and
// inv2 = 1/(1−β₂ᵗ) fold the bias corrections into two constants.
func adamStep[T float](p, g, m, v []T, b1, b2, lr1, inv2, eps, wd float64) {
	g, m, v = g[:len(p)], m[:len(p)], v[:len(p)]
	c1, c2 := T(b1), T(b2)
	d1, d2 := T(1-b1), T(1-b2)
	for j, gj := range g {
		if wd != 0 {
			gj += T(wd) * p[j]
		}
		mj := c1*m[j] + d1*gj
		vj := c2*v[j] + d2*gj*gj
		m[j], v[j] = mj, vj
		p[j] -= T(lr1 * float64(mj) / (math.Sqrt(float64(vj)*inv2) + eps))
	}
}

// adamStep32 is adamStep for float32; built with GOEXPERIMENT=simd on a
// machine with AVX2 and FMA, a vectorized version replaces it.
var adamStep32 = adamStep[float32]

// moments returns zeroed first- and second-moment buffers for p, in p's
// dtype (as a tensor, whose storage the update uses).
func moments(p *tensor.Tensor) *tensor.Tensor { return tensor.ZerosOf(p.DType(), p.Shape()...) }

// stepParam applies adamStep to one parameter of either dtype.
func stepParam(p, g, m, v *tensor.Tensor, b1, b2, lr1, inv2, eps, wd float64) {
	if p.DType() == tensor.Float32 {
		adamStep32(p.Data32(), g.Data32(), m.Data32(), v.Data32(), b1, b2, lr1, inv2, eps, wd)
		return
	}
	adamStep(p.Data(), g.Data(), m.Data(), v.Data(), b1, b2, lr1, inv2, eps, wd)
}
