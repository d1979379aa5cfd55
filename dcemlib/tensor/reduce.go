package tensor

import (
	"fmt"
	"math"
)

// split returns the sizes (outer, n, inner) of t's layout around axis.
func (t *Tensor) split(axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range t.shape[:axis] {
		outer *= d
	}
	for _, d := range t.shape[axis+1:] {
		inner *= d
	}
	return outer, t.shape[axis], inner
}

// reducedShape is t's shape with axis removed, or set to 1 with keepDim.
func (t *Tensor) reducedShape(axis int, keepDim bool) []int {
	s := cloneInts(t.shape)
	if keepDim {
		s[axis] = 1
		return s
	}
	return append(s[:axis], s[axis+1:]...)
}

// Sum returns the sum of all elements as a scalar. Float32 tensors are
// summed in float64 and the result rounded once.
func (t *Tensor) Sum() *Tensor {
	if t.dev != nil {
		return devSum(t)
	}
	if t.dtype == Float32 {
		return sumT[float32](t)
	}
	return sumT[float64](t)
}

func sumT[T float](t *Tensor) *Tensor {
	s := 0.0
	for _, v := range vals[T](t) {
		s += float64(v)
	}
	out := allocDirty[T](1, t)
	out[0] = T(s)
	r := wrapIn(out, nil, t)
	record(r, "Sum", []*Tensor{t}, func(g []T, grads [][]T) {
		gt, v := grads[0], g[0]
		for i := range gt {
			gt[i] += v
		}
	})
	return r
}

// Mean returns the mean of all elements as a scalar.
func (t *Tensor) Mean() *Tensor {
	n := t.Size()
	if n == 0 {
		panic("tensor.Mean: empty tensor")
	}
	return t.Sum().MulScalar(1 / float64(n))
}

// SumAxis sums over one axis (negative counts from the end); with keepDim
// the axis stays with length 1.
func (t *Tensor) SumAxis(axis int, keepDim bool) *Tensor {
	axis = t.axis("SumAxis", axis)
	if t.dev != nil {
		return devSumAxis(t, axis, keepDim)
	}
	if t.dtype == Float32 {
		return sumAxisT[float32](t, axis, keepDim)
	}
	return sumAxisT[float64](t, axis, keepDim)
}

func sumAxisT[T float](t *Tensor, axis int, keepDim bool) *Tensor {
	outer, n, inner := t.split(axis)
	x := vals[T](t)
	out := alloc[T](outer*inner, t)
	for o := 0; o < outer; o++ {
		dst := out[o*inner : (o+1)*inner]
		base := o * n * inner
		if inner == 1 {
			var s T
			for _, v := range x[base : base+n] {
				s += v
			}
			dst[0] = s
			continue
		}
		for j := 0; j < n; j++ {
			src := x[base+j*inner : base+(j+1)*inner]
			for i, v := range src {
				dst[i] += v
			}
		}
	}
	r := wrapIn(out, t.reducedShape(axis, keepDim), t)
	record(r, "SumAxis", []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		if inner == 1 { // the last axis: broadcast one value per row
			for o, v := range g[:outer] {
				dst := gt[o*n : (o+1)*n]
				for j := range dst {
					dst[j] += v
				}
			}
			return
		}
		for o := 0; o < outer; o++ {
			src := g[o*inner : (o+1)*inner]
			base := o * n * inner
			for j := 0; j < n; j++ {
				dst := gt[base+j*inner : base+(j+1)*inner]
				for i, v := range src {
					dst[i] += v
				}
			}
		}
	})
	return r
}

// MeanAxis averages over one axis; see SumAxis.
func (t *Tensor) MeanAxis(axis int, keepDim bool) *Tensor {
	n := t.shape[t.axis("MeanAxis", axis)]
	if n == 0 {
		panic(fmt.Sprintf("tensor.MeanAxis: axis %d of shape %v is empty", axis, t.shape))
	}
	return t.SumAxis(axis, keepDim).MulScalar(1 / float64(n))
}

// MaxAxis returns the maximum over one axis; the gradient goes to the first
// maximal element.
func (t *Tensor) MaxAxis(axis int, keepDim bool) *Tensor {
	return t.extremeAxis("MaxAxis", axis, keepDim, true)
}

// MinAxis returns the minimum over one axis; the gradient goes to the first
// minimal element.
func (t *Tensor) MinAxis(axis int, keepDim bool) *Tensor {
	return t.extremeAxis("MinAxis", axis, keepDim, false)
}

func (t *Tensor) extremeAxis(name string, axis int, keepDim, isMax bool) *Tensor {
	axis = t.axis(name, axis)
	if t.shape[axis] == 0 {
		panic(fmt.Sprintf("tensor.%s: axis %d of shape %v is empty", name, axis, t.shape))
	}
	t.checkLive()
	if t.dev != nil {
		return devExtremeAxis(t, name, axis, keepDim, isMax)
	}
	if t.dtype == Float32 {
		return extremeAxisT[float32](t, name, axis, keepDim, isMax)
	}
	return extremeAxisT[float64](t, name, axis, keepDim, isMax)
}

func extremeAxisT[T float](t *Tensor, name string, axis int, keepDim, isMax bool) *Tensor {
	outer, n, inner := t.split(axis)
	x := vals[T](t)
	out := alloc[T](outer*inner, t)
	arg := make([]int32, outer*inner)
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			base := o*n*inner + i
			best, bj := x[base], 0
			for j := 1; j < n; j++ {
				v := x[base+j*inner]
				if (isMax && v > best) || (!isMax && v < best) || (v != v && best == best) {
					best, bj = v, j
				}
			}
			out[o*inner+i], arg[o*inner+i] = best, int32(bj)
		}
	}
	r := wrapIn(out, t.reducedShape(axis, keepDim), t)
	record(r, name, []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		for o := 0; o < outer; o++ {
			for i := 0; i < inner; i++ {
				k := o*inner + i
				gt[o*n*inner+int(arg[k])*inner+i] += g[k]
			}
		}
	})
	return r
}

// LogSumExp returns log Σ exp(t) over one axis, computed stably (in
// float64 for float32 tensors).
func (t *Tensor) LogSumExp(axis int, keepDim bool) *Tensor {
	axis = t.axis("LogSumExp", axis)
	t.checkLive()
	if t.dev != nil {
		return devLogSumExp(t, axis, keepDim)
	}
	if t.dtype == Float32 {
		return logSumExpT[float32](t, axis, keepDim)
	}
	return logSumExpT[float64](t, axis, keepDim)
}

func logSumExpT[T float](t *Tensor, axis int, keepDim bool) *Tensor {
	outer, n, inner := t.split(axis)
	x := vals[T](t)
	out := alloc[T](outer*inner, t)
	for o := 0; o < outer; o++ {
		for i := 0; i < inner; i++ {
			base := o*n*inner + i
			m := math.Inf(-1)
			for j := 0; j < n; j++ {
				m = math.Max(m, float64(x[base+j*inner]))
			}
			if math.IsInf(m, -1) {
				out[o*inner+i] = T(m)
				continue
			}
			s := 0.0
			for j := 0; j < n; j++ {
				s += math.Exp(float64(x[base+j*inner]) - m)
			}
			out[o*inner+i] = T(m + math.Log(s))
		}
	}
	r := wrapIn(out, t.reducedShape(axis, keepDim), t)
	record(r, "LogSumExp", []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		for o := 0; o < outer; o++ {
			for i := 0; i < inner; i++ {
				k := o*inner + i
				if math.IsInf(float64(out[k]), -1) {
					continue
				}
				base := o*n*inner + i
				for j := 0; j < n; j++ {
					gt[base+j*inner] += g[k] * T(math.Exp(float64(x[base+j*inner]-out[k])))
				}
			}
		}
	})
	return r
}

// Softmax returns exp(t) / Σ exp(t) over one axis.
func (t *Tensor) Softmax(axis int) *Tensor {
	return t.Sub(t.LogSumExp(axis, true)).Exp()
}

// LogSoftmax returns t − log Σ exp(t) over one axis.
func (t *Tensor) LogSoftmax(axis int) *Tensor {
	return t.Sub(t.LogSumExp(axis, true))
}

// StandardizeRow writes (x − x̄)/(s + eps) into dst, with s the unbiased
// standard deviation of x (len(x) ≥ 2), and returns s: the row kernel of
// Standardize, for fused operations that need it on plain slices.
func StandardizeRow(dst, x []float64, eps float64) float64 { return standardizeRow(dst, x, eps) }

// StandardizeRow32 is StandardizeRow for float32 rows; the moments are
// accumulated in float64.
func StandardizeRow32(dst, x []float32, eps float64) float64 { return standardizeRow(dst, x, eps) }

func standardizeRow[T float](dst, x []T, eps float64) float64 {
	n := float64(len(x))
	m := 0.0
	for _, v := range x {
		m += float64(v)
	}
	m /= n
	ss := 0.0
	for _, v := range x {
		d := float64(v) - m
		ss += d * d
	}
	s := math.Sqrt(ss / (n - 1))
	inv := 1 / (s + eps)
	for i, v := range x {
		dst[i] = T((float64(v) - m) * inv)
	}
	return s
}

// Standardize returns (t − mean)/std over the last axis, with the unbiased
// standard deviation (divisor n−1) plus eps in the denominator:
// (x − x̄) / (s + eps). It is one fused operation with a closed-form gradient,
// the per-row normalization DCEM applies to objective values. It panics if
// the last axis has fewer than 2 elements.
func (t *Tensor) Standardize(eps float64) *Tensor {
	if len(t.shape) == 0 || t.shape[len(t.shape)-1] < 2 {
		panic(fmt.Sprintf("tensor.Standardize: last axis of shape %v needs at least 2 elements", t.shape))
	}
	t.checkLive()
	if t.dev != nil {
		return devStandardize(t, eps)
	}
	if t.dtype == Float32 {
		return standardizeT[float32](t, eps)
	}
	return standardizeT[float64](t, eps)
}

func standardizeT[T float](t *Tensor, eps float64) *Tensor {
	n := t.shape[len(t.shape)-1]
	x := vals[T](t)
	rows := len(x) / n
	out := allocDirty[T](len(x), t)
	inv := make([]float64, rows) // 1/(s+eps) per row
	sd := make([]float64, rows)
	for r := 0; r < rows; r++ {
		sd[r] = standardizeRow(out[r*n:(r+1)*n], x[r*n:(r+1)*n], eps)
		inv[r] = 1 / (sd[r] + eps)
	}
	res := wrapIn(out, t.shape, t)
	record(res, "Standardize", []*Tensor{t}, func(g []T, grads [][]T) {
		// With y = u/(s+eps), u = x − x̄ and s² = Σu²/(n−1):
		// dx = (g − ḡ)/(s+eps) − y·(gᵀy)/(s·(n−1)).
		gt := grads[0]
		for r := 0; r < rows; r++ {
			gr := g[r*n : (r+1)*n]
			y := out[r*n : (r+1)*n]
			gm, gy := 0.0, 0.0
			for i, v := range gr {
				gm += float64(v)
				gy += float64(v) * float64(y[i])
			}
			gm /= float64(n)
			c := 0.0
			if sd[r] > 0 {
				c = gy / (sd[r] * float64(n-1))
			}
			dst := gt[r*n : (r+1)*n]
			for i, v := range gr {
				dst[i] += T((float64(v)-gm)*inv[r] - c*float64(y[i]))
			}
		}
	})
	return res
}
