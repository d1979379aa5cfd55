package cem

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// The slice-level update math shared by Solve (on tensors, with gradients)
// and SolveFunc (plain Go), generic over the element type. Layouts are
// row-major: samples and noise (B, S, n), values and weights (B, S), means
// and deviations (B, n). Sums over samples are accumulated in float64.

// sample writes X = clamp(μ + σ ⊙ ε) (paper alg. 1, line 3, by
// reparameterization).
func sample[T float](x, mu, sigma, eps []T, b, s, n int, lo, hi float64, bounded bool) {
	tlo, thi := T(lo), T(hi)
	for i := 0; i < b; i++ {
		m, sd := mu[i*n:(i+1)*n], sigma[i*n:(i+1)*n]
		for j := 0; j < s; j++ {
			off := (i*s + j) * n
			xr, er := x[off:off+n], eps[off:off+n]
			xr, er = xr[:len(m)], er[:len(m)]
			sd = sd[:len(m)]
			for d := range xr {
				xr[d] = m[d] + sd[d]*er[d]
			}
			if bounded {
				for d, v := range xr {
					if v < tlo {
						xr[d] = tlo
					} else if v > thi {
						xr[d] = thi
					}
				}
			}
		}
	}
}

// checkValues returns an error naming the first NaN objective value.
func checkValues[T float](v []T, s int) error {
	for i, x := range v {
		if x != x {
			return fmt.Errorf("objective value of problem %d, sample %d is NaN", i/s, i%s)
		}
	}
	return nil
}

// rowScale describes how scoreRows scored one row, for the gradient.
type rowScale struct {
	sd, inv float64 // unbiased std s of the finite values and 1/(s + normEps)
	finite  int     // number of finite values
	lo, hi  int     // indices of the lowest and highest finite score; −1 if none
	inf     bool    // the row holds ±Inf
}

// scoreRows writes the elite scores of each of the b rows of s objective
// values: the values normalized to mean 0 and (unbiased) standard deviation
// 1 and negated, −(v − v̄)/(s + ε), so that the soft top-k of the scores
// favours low values (paper alg. 1, line 5). A value of +Inf (an infeasible
// sample, say) ranks as the worst, as it does in hard CEM: the moments are
// taken over the finite values of the row, and +Inf scores one below the
// lowest finite score; −Inf scores one above the highest (a row without
// finite values scores −1 for +Inf and 1 for −Inf). v must hold no NaN.
func scoreRows[T float](dst, v []T, scale []rowScale, b, s int) {
	for i := 0; i < b; i++ {
		scale[i] = scoreRow(dst[i*s:(i+1)*s], v[i*s:(i+1)*s])
	}
}

func scoreRow[T float](dst, v []T) rowScale {
	inf := false
	for _, x := range v {
		if math.IsInf(float64(x), 0) {
			inf = true
			break
		}
	}
	if !inf {
		sd := standardizeRow(dst, v)
		for j := range dst {
			dst[j] = -dst[j]
		}
		return rowScale{sd: sd, inv: 1 / (sd + normEps), finite: len(v), lo: -1, hi: -1}
	}
	// Moments of the finite values.
	nf, m := 0, 0.0
	for _, x := range v {
		if !math.IsInf(float64(x), 0) {
			nf++
			m += float64(x)
		}
	}
	r := rowScale{finite: nf, lo: -1, hi: -1, inf: true}
	if nf >= 2 {
		m /= float64(nf)
		ss := 0.0
		for _, x := range v {
			if !math.IsInf(float64(x), 0) {
				d := float64(x) - m
				ss += d * d
			}
		}
		r.sd = math.Sqrt(ss / float64(nf-1))
	}
	r.inv = 1 / (r.sd + normEps)
	lo, hi := 0.0, 0.0
	for j, x := range v {
		if math.IsInf(float64(x), 0) {
			continue
		}
		sc := T(0)
		if nf >= 2 {
			sc = -T((float64(x) - m) * r.inv)
		}
		dst[j] = sc
		if r.lo < 0 || float64(sc) < lo {
			r.lo, lo = j, float64(sc)
		}
		if r.hi < 0 || float64(sc) > hi {
			r.hi, hi = j, float64(sc)
		}
	}
	for j, x := range v {
		switch {
		case math.IsInf(float64(x), 1):
			dst[j] = T(lo - 1)
		case math.IsInf(float64(x), -1):
			dst[j] = T(hi + 1)
		}
	}
	return r
}

// standardizeRow is tensor.StandardizeRow for rows of T, with normEps.
func standardizeRow[T float](dst, v []T) float64 {
	switch dst := any(dst).(type) {
	case []float32:
		return tensor.StandardizeRow32(dst, any(v).([]float32), normEps)
	case []float64:
		return tensor.StandardizeRow(dst, any(v).([]float64), normEps)
	}
	panic("cem: unreachable")
}

// scoreBackward adds to dv the gradient of the scores with respect to the
// values, given g, the gradient with respect to the scores. Scores of
// infinite values pass their gradient to the finite score they were set
// from; infinite values get none. It overwrites g.
func scoreBackward[T float](dv, g, score, v []T, scale []rowScale, b, s int) {
	for i, r := range scale {
		gr, sr, vr, dr := g[i*s:(i+1)*s], score[i*s:(i+1)*s], v[i*s:(i+1)*s], dv[i*s:(i+1)*s]
		if r.inf && r.lo >= 0 {
			for j, x := range vr {
				switch {
				case math.IsInf(float64(x), 1):
					gr[r.lo] += gr[j]
					gr[j] = 0
				case math.IsInf(float64(x), -1):
					gr[r.hi] += gr[j]
					gr[j] = 0
				}
			}
		}
		if r.finite < 2 {
			continue
		}
		// With y = −score = (v − v̄)/(s + ε) over the finite entries and
		// the gradient −g with respect to y:
		// dv = (−g − mean(−g))/(s + ε) − y·((−g)ᵀy)/(s·(n−1)).
		gm, gy := 0.0, 0.0
		for j, x := range gr {
			if r.inf && math.IsInf(float64(vr[j]), 0) {
				continue
			}
			gv := -float64(x)
			gm += gv
			gy += gv * -float64(sr[j])
		}
		nf := float64(r.finite)
		gm /= nf
		c := 0.0
		if r.sd > 0 {
			c = gy / (r.sd * (nf - 1))
		}
		for j, x := range gr {
			if r.inf && math.IsInf(float64(vr[j]), 0) {
				continue
			}
			dr[j] += T((-float64(x)-gm)*r.inv - c*-float64(sr[j]))
		}
	}
}

// softWeights writes I = Π_k(score(v)/τ), the soft top-k of the elite
// scores of scoreRows (paper alg. 1, lines 5–6).
func softWeights[T float](w, v []T, b, s, k int, tau, eps float64) error {
	sc := make([]T, len(v))
	scoreRows(sc, v, make([]rowScale, b), b, s)
	return lmlForward(w, sc, b, s, k, tau, eps)
}

// hardWeights writes the indicator of the k smallest values of each row,
// breaking ties by sample order.
func hardWeights[T float](w, v []T, b, s, k int) {
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
func selectSmallest[T float](idx []int, v []T, k int) {
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

// moments writes, for problems lo ≤ i < hi, μ' = Σₛ Iₛ Xₛ / k and
// σ' = max(sqrt(Σₛ Iₛ (Xₛ − μ')² / k), minStd) (paper alg. 1, lines 6–7,
// with a floor). Each problem's samples are read twice in a row, the second
// time from cache. acc and m are scratch of length n.
func moments[T float](mu, sd, x, w []T, lo, hi, s, n, k int, minStd float64, acc, m []float64) {
	inv := 1 / float64(k)
	acc, m = acc[:n], m[:n]
	for i := lo; i < hi; i++ {
		wi := w[i*s : (i+1)*s]
		clear(acc)
		for j, wv := range wi {
			wj := float64(wv)
			if wj == 0 {
				continue
			}
			off := (i*s + j) * n
			xr := x[off : off+n]
			xr = xr[:len(acc)]
			for d, v := range xr {
				acc[d] += wj * float64(v)
			}
		}
		mr := mu[i*n : (i+1)*n]
		mr = mr[:len(acc)]
		for d, a := range acc {
			mr[d] = T(a * inv)
			m[d] = float64(mr[d])
		}
		clear(acc)
		for j, wv := range wi {
			wj := float64(wv)
			if wj == 0 {
				continue
			}
			off := (i*s + j) * n
			xr := x[off : off+n]
			xr = xr[:len(acc)]
			for d, xv := range xr {
				dv := float64(xv) - m[d]
				acc[d] += wj * dv * dv
			}
		}
		sr := sd[i*n : (i+1)*n]
		sr = sr[:len(acc)]
		for d, a := range acc {
			sr[d] = T(math.Max(math.Sqrt(a*inv), minStd))
		}
	}
}

// weightedMoments is moments over all b problems, split over goroutines
// when large.
func weightedMoments[T float](mu, sd, x, w []T, b, s, n, k int, minStd float64) {
	forEach(b, b*s*n, func(lo, hi int) {
		moments(mu, sd, x, w, lo, hi, s, n, k, minStd, make([]float64, n), make([]float64, n))
	})
}
