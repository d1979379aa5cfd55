package tensor

import (
	"math"
	"testing"
)

// TestGemmAgainstReference checks the BLAS in use (BLASCore names its
// kernels) against plain loops in float64 for both dtypes, every
// combination of transposes, β 0 and 1, and sizes from 1 to the world
// model's (a planner worker's 150 candidates through the GRU's 200 → 600,
// an update's 2500 rows through 36 → 200), odd ones included so that the
// kernels' edge loops run. The bound on each element is the standard one
// of a sum of k products, |ĉ − c| ≤ 2k·ε·Σ|a||b| (plus ε|c| for the
// rounding of the stored result), with ε the dtype's unit roundoff.
func TestGemmAgainstReference(t *testing.T) {
	t.Logf("BLAS: %s, kernels %q", BLASBackend(), BLASCore())
	shapes := [][3]int{{1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {3, 5, 1}, {17, 13, 11}, {33, 65, 129},
		{64, 64, 64}, {150, 600, 200}, {150, 200, 236}, {300, 1, 230}, {2500, 200, 36}}
	rng := NewRNG(11)
	for _, sh := range shapes {
		m, n, k := sh[0], sh[1], sh[2]
		a := RandN(rng, m*k).data
		b := RandN(rng, k*n).data
		c0 := RandN(rng, m*n).data
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				for _, beta := range []float64{0, 1} {
					ref, bound := gemmReference(ta, tb, m, n, k, a, b, c0, beta)
					got64 := append([]float64(nil), c0...)
					gemm(ta, tb, m, n, k, a, b, got64, beta)
					checkGemm(t, "float64", sh, ta, tb, beta, got64, ref, bound, 0x1p-53)

					a32, b32, c32 := toF32(a), toF32(b), toF32(c0)
					// The reference of the float32 product uses the
					// float32-rounded inputs.
					ref32, bound32 := gemmReference(ta, tb, m, n, k, toF64(a32), toF64(b32), toF64(c32), beta)
					gemm(ta, tb, m, n, k, a32, b32, c32, float32(beta))
					checkGemm(t, "float32", sh, ta, tb, beta, toF64(c32), ref32, bound32, 0x1p-24)
				}
			}
		}
	}
}

// gemmReference returns op(A)·op(B) + β·C in float64 and, per element,
// Σ|a||b| + |β·c| for the error bound.
func gemmReference(ta, tb bool, m, n, k int, a, b, c []float64, beta float64) (ref, abs []float64) {
	ref = make([]float64, m*n)
	abs = make([]float64, m*n)
	for i := range m {
		for j := range n {
			s, sa := beta*c[i*n+j], math.Abs(beta*c[i*n+j])
			for p := range k {
				var x, y float64
				if ta {
					x = a[p*m+i]
				} else {
					x = a[i*k+p]
				}
				if tb {
					y = b[j*k+p]
				} else {
					y = b[p*n+j]
				}
				s += x * y
				sa += math.Abs(x * y)
			}
			ref[i*n+j], abs[i*n+j] = s, sa
		}
	}
	return ref, abs
}

func checkGemm(t *testing.T, dt string, sh [3]int, ta, tb bool, beta float64, got, ref, abs []float64, eps float64) {
	t.Helper()
	k := float64(sh[2] + 1)
	for i := range got {
		if d := math.Abs(got[i] - ref[i]); !(d <= 2*k*eps*abs[i]+eps*math.Abs(ref[i])) {
			t.Errorf("%s gemm m, n, k = %v, transA %v, transB %v, β %g: element %d is %g, want %g (error %.3g, bound %.3g)",
				dt, sh, ta, tb, beta, i, got[i], ref[i], d, 2*k*eps*abs[i]+eps*math.Abs(ref[i]))
			return
		}
	}
}

func toF32(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

func toF64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
