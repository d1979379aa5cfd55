package cem

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/lml"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// The slice-level update math shared by Solve (on tensors, with gradients)
// and SolveFunc (plain Go). Layouts are row-major: samples and noise
// (B, S, n), values and weights (B, S), means and deviations (B, n).

// sample writes X = clamp(μ + σ ⊙ ε) (paper alg. 1, line 3, by
// reparameterization).
func sample(x, mu, sigma, eps []float64, b, s, n int, lo, hi float64, bounded bool) {
	for i := 0; i < b; i++ {
		m, sd := mu[i*n:(i+1)*n], sigma[i*n:(i+1)*n]
		for j := 0; j < s; j++ {
			off := (i*s + j) * n
			xr, er := x[off:off+n], eps[off:off+n]
			for d := range xr {
				xr[d] = m[d] + sd[d]*er[d]
			}
			if bounded {
				for d, v := range xr {
					if v < lo {
						xr[d] = lo
					} else if v > hi {
						xr[d] = hi
					}
				}
			}
		}
	}
}

// checkValues returns an error naming the first NaN objective value.
func checkValues(v []float64, s int) error {
	for i, x := range v {
		if math.IsNaN(x) {
			return fmt.Errorf("objective value of problem %d, sample %d is NaN", i/s, i%s)
		}
	}
	return nil
}

// softWeights writes I = Π_k(−v̂/τ) with v̂ the values normalized per row to
// mean 0 and (unbiased) standard deviation 1 (paper alg. 1, line 5).
func softWeights(w, v []float64, b, s, k int, tau, eps float64) error {
	vn := make([]float64, len(v))
	for i := 0; i < b; i++ {
		out := vn[i*s : (i+1)*s]
		tensor.StandardizeRow(out, v[i*s:(i+1)*s], normEps)
		for j := range out {
			out[j] = -out[j]
		}
	}
	_, err := lml.Forward(w, vn, b, s, k, tau, eps)
	return err
}

// hardWeights writes the indicator of the k smallest values of each row,
// breaking ties by sample order.
func hardWeights(w, v []float64, b, s, k int) {
	idx := make([]int, s)
	for i := 0; i < b; i++ {
		row := v[i*s : (i+1)*s]
		for j := range idx {
			idx[j] = j
		}
		selectSmallest(idx, row, k)
		out := w[i*s : (i+1)*s]
		clear(out)
		for _, j := range idx[:k] {
			out[j] = 1
		}
	}
}

// selectSmallest reorders idx so that its first k entries index the k
// smallest values (ordered by value, then index), by quickselect.
func selectSmallest(idx []int, v []float64, k int) {
	less := func(a, b int) bool { return v[a] < v[b] || (v[a] == v[b] && a < b) }
	lo, hi := 0, len(idx)-1
	for lo < hi {
		// Median of three as the pivot.
		mid := lo + (hi-lo)/2
		if less(idx[mid], idx[lo]) {
			idx[mid], idx[lo] = idx[lo], idx[mid]
		}
		if less(idx[hi], idx[lo]) {
			idx[hi], idx[lo] = idx[lo], idx[hi]
		}
		if less(idx[hi], idx[mid]) {
			idx[hi], idx[mid] = idx[mid], idx[hi]
		}
		p := idx[mid]
		i, j := lo, hi
		for i <= j {
			for less(idx[i], p) {
				i++
			}
			for less(p, idx[j]) {
				j--
			}
			if i <= j {
				idx[i], idx[j] = idx[j], idx[i]
				i++
				j--
			}
		}
		switch {
		case k-1 <= j:
			hi = j
		case k-1 >= i:
			lo = i
		default:
			return
		}
	}
}

// weightedMean writes μ' = Σₛ Iₛ Xₛ / k (paper alg. 1, line 6).
func weightedMean(mu, x, w []float64, b, s, n, k int) {
	inv := 1 / float64(k)
	clear(mu[:b*n])
	for i := 0; i < b; i++ {
		m := mu[i*n : (i+1)*n]
		for j := 0; j < s; j++ {
			wj := w[i*s+j]
			if wj == 0 {
				continue
			}
			off := (i*s + j) * n
			for d, v := range x[off : off+n] {
				m[d] += wj * v
			}
		}
		for d := range m {
			m[d] *= inv
		}
	}
}

// weightedStd writes σ' = max(sqrt(Σₛ Iₛ (Xₛ − μ')² / k), minStd) (paper
// alg. 1, line 7, with a floor).
func weightedStd(sd, x, w, mu []float64, b, s, n, k int, minStd float64) {
	inv := 1 / float64(k)
	clear(sd[:b*n])
	for i := 0; i < b; i++ {
		m, v := mu[i*n:(i+1)*n], sd[i*n:(i+1)*n]
		for j := 0; j < s; j++ {
			wj := w[i*s+j]
			if wj == 0 {
				continue
			}
			off := (i*s + j) * n
			for d, xv := range x[off : off+n] {
				dv := xv - m[d]
				v[d] += wj * dv * dv
			}
		}
		for d := range v {
			v[d] = math.Max(math.Sqrt(v[d]*inv), minStd)
		}
	}
}
