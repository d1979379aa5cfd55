package nn

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// float is the element types of tensors; the fused layers' kernels are
// generic over it (the exported API is not).
type float interface{ ~float32 | ~float64 }

// data returns t's values as []T; t must hold T.
func data[T float](t *tensor.Tensor) []T {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(t.Data32()).([]T)
	}
	return any(t.Data()).([]T)
}

// newOp records a fused operation of element type T (tensor.NewOp or
// tensor.NewOp32).
func newOp[T float](name string, value []T, shape []int, inputs []*tensor.Tensor, backward func(g []T, grads [][]T)) *tensor.Tensor {
	switch v := any(value).(type) {
	case []float32:
		return tensor.NewOp32(name, v, shape, inputs, any(backward).(func([]float32, [][]float32)))
	case []float64:
		return tensor.NewOp(name, v, shape, inputs, any(backward).(func([]float64, [][]float64)))
	}
	panic("unreachable")
}

// sameDType panics unless every tensor has the dtype of the first.
func sameDType(fn string, ts ...*tensor.Tensor) {
	for _, u := range ts[1:] {
		if u != nil && u.DType() != ts[0].DType() {
			panic(fmt.Sprintf("nn.%s: dtypes differ: %v (shape %v) and %v (shape %v); convert the layer with Convert or the input with Float32/Float64",
				fn, ts[0].DType(), ts[0].Shape(), u.DType(), u.Shape()))
		}
	}
}

// gemm computes C = op(A)·op(B) + beta·C for row-major operands; r×c is the
// shape of C and k the inner length; lda, ldb, ldc are the row strides.
func gemm[T float](ta, tb blas.Transpose, r, c, k int, a []T, lda int, b []T, ldb int, cd []T, ldc int, beta T) {
	if r == 0 || c == 0 || k == 0 {
		return
	}
	ar, ac := r, k
	if ta == blas.Trans {
		ar, ac = k, r
	}
	br, bc := k, c
	if tb == blas.Trans {
		br, bc = c, k
	}
	switch cv := any(cd).(type) {
	case []float64:
		blas64.Gemm(ta, tb, 1,
			blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: any(a).([]float64)[:(ar-1)*lda+ac]},
			blas64.General{Rows: br, Cols: bc, Stride: ldb, Data: any(b).([]float64)[:(br-1)*ldb+bc]},
			float64(beta), blas64.General{Rows: r, Cols: c, Stride: ldc, Data: cv[:(r-1)*ldc+c]})
	case []float32:
		blas32.Gemm(ta, tb, 1,
			blas32.General{Rows: ar, Cols: ac, Stride: lda, Data: any(a).([]float32)[:(ar-1)*lda+ac]},
			blas32.General{Rows: br, Cols: bc, Stride: ldb, Data: any(b).([]float32)[:(br-1)*ldb+bc]},
			float32(beta), blas32.General{Rows: r, Cols: c, Stride: ldc, Data: cv[:(r-1)*ldc+c]})
	}
}

// colSumInto adds the column sums of the rows×n matrix g into dst.
func colSumInto[T float](dst, g []T, n int) {
	dst = dst[:n]
	for o := 0; o+n <= len(g); o += n {
		row := g[o : o+n]
		for j, v := range row {
			dst[j] += v
		}
	}
}

// convertParam returns a fresh leaf holding p's values in dtype dt, marked
// RequiresGrad as p is.
func convertParam(p *tensor.Tensor, dt tensor.DType) *tensor.Tensor {
	if p == nil {
		return nil
	}
	q := p.Detach().To(dt)
	if p.DType() == dt {
		q = p.Clone()
	}
	if p.NeedsGrad() {
		q.RequiresGrad()
	}
	return q
}
