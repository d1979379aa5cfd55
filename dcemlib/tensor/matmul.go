package tensor

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// MatMul returns the matrix product of t and u over their last two axes.
// Shapes: (m, k)·(k, n) → (m, n); (b, m, k)·(b, k, n) → (b, m, n);
// (b, m, k)·(k, n) → (b, m, n), the second operand shared by every batch
// (a linear layer over a batch of sequences); more leading axes work the
// same way. It panics when the inner lengths differ.
func (t *Tensor) MatMul(u *Tensor) *Tensor {
	if len(t.shape) < 2 || len(u.shape) < 2 {
		panic(fmt.Sprintf("tensor.MatMul: operands need at least 2 axes, got %v and %v", t.shape, u.shape))
	}
	m, k := t.shape[len(t.shape)-2], t.shape[len(t.shape)-1]
	k2, n := u.shape[len(u.shape)-2], u.shape[len(u.shape)-1]
	if k != k2 {
		panic(fmt.Sprintf("tensor.MatMul: inner lengths differ: %v · %v", t.shape, u.shape))
	}
	sameDType("MatMul", t, u)
	if t.dev != nil || u.dev != nil {
		return devMatMul(t, u, m, k, n)
	}
	if t.dtype == Float32 {
		return matMulT[float32](t, u, m, k, n)
	}
	return matMulT[float64](t, u, m, k, n)
}

func matMulT[T float](t, u *Tensor, m, k, n int) *Tensor {
	td, ud := vals[T](t), vals[T](u)
	tb, ub := t.shape[:len(t.shape)-2], u.shape[:len(u.shape)-2]
	switch {
	case len(ub) == 0:
		// Fold t's batch into its rows: one GEMM.
		rows := batchSize(tb) * m
		out := allocDirty[T](rows*n, t, u)
		gemm(false, false, rows, n, k, td, ud, out, 0)
		r := wrapIn(out, append(cloneInts(tb), m, n), t, u)
		record(r, "MatMul", []*Tensor{t, u}, func(g []T, grads [][]T) {
			if grads[0] != nil { // dT = G·Uᵀ
				gemm(false, true, rows, k, n, g, ud, grads[0], 1)
			}
			if grads[1] != nil { // dU = Tᵀ·G
				gemm(true, false, k, n, rows, td, g, grads[1], 1)
			}
		})
		return r
	case sameShape(tb, ub):
		nb := batchSize(tb)
		out := allocDirty[T](nb*m*n, t, u)
		for b := 0; b < nb; b++ {
			gemm(false, false, m, n, k, td[b*m*k:], ud[b*k*n:], out[b*m*n:], 0)
		}
		r := wrapIn(out, append(cloneInts(tb), m, n), t, u)
		record(r, "MatMul", []*Tensor{t, u}, func(g []T, grads [][]T) {
			for b := 0; b < nb; b++ {
				if grads[0] != nil {
					gemm(false, true, m, k, n, g[b*m*n:], ud[b*k*n:], grads[0][b*m*k:], 1)
				}
				if grads[1] != nil {
					gemm(true, false, k, n, m, td[b*m*k:], g[b*m*n:], grads[1][b*k*n:], 1)
				}
			}
		})
		return r
	}
	panic(fmt.Sprintf("tensor.MatMul: batch axes differ: %v · %v (want equal batch axes, or a 2-d second operand)", t.shape, u.shape))
}

func batchSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// gemm computes C = op(A)·op(B) + beta·C for row-major A (m×k after op),
// B (k×n after op) and C (m×n), through the BLAS in use.
func gemm[T float](transA, transB bool, m, n, k int, a, b, c []T, beta T) {
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	gemmStrided(transA, transB, m, n, k, a, lda, b, ldb, c, n, beta)
}

// gemmStrided computes C = op(A)·op(B) + beta·C for row-major operands with row
// strides lda, ldb, ldc, where op(A) is m×k and op(B) k×n, through the
// BLAS in use (sgemm for float32, dgemm for float64).
func gemmStrided[T float](transA, transB bool, m, n, k int, a []T, lda int, b []T, ldb int, c []T, ldc int, beta T) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if beta == 0 {
			for i := 0; i < m; i++ {
				clear(c[i*ldc : i*ldc+n])
			}
		} else if beta != 1 {
			for i := 0; i < m; i++ {
				for j := range c[i*ldc : i*ldc+n] {
					c[i*ldc+j] *= beta
				}
			}
		}
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	ar, ac := m, k
	if transA {
		ta, ar, ac = blas.Trans, k, m
	}
	br, bc := k, n
	if transB {
		tb, br, bc = blas.Trans, n, k
	}
	switch cd := any(c).(type) {
	case []float64:
		blas64.Gemm(ta, tb, 1,
			blas64.General{Rows: ar, Cols: ac, Stride: lda, Data: any(a).([]float64)[:(ar-1)*lda+ac]},
			blas64.General{Rows: br, Cols: bc, Stride: ldb, Data: any(b).([]float64)[:(br-1)*ldb+bc]},
			float64(beta), blas64.General{Rows: m, Cols: n, Stride: ldc, Data: cd[:(m-1)*ldc+n]})
	case []float32:
		blas32.Gemm(ta, tb, 1,
			blas32.General{Rows: ar, Cols: ac, Stride: lda, Data: any(a).([]float32)[:(ar-1)*lda+ac]},
			blas32.General{Rows: br, Cols: bc, Stride: ldb, Data: any(b).([]float32)[:(br-1)*ldb+bc]},
			float32(beta), blas32.General{Rows: m, Cols: n, Stride: ldc, Data: cd[:(m-1)*ldc+n]})
	}
}

// MatMulT returns t·uᵀ for t of shape (..., n) and a 2-d u of shape (m, n);
// the result has shape (..., m). It reads u transposed in place (no copy):
// the product with a weight matrix that a backward pass written in forward
// operations needs. It panics when the lengths differ.
func (t *Tensor) MatMulT(u *Tensor) *Tensor {
	if len(u.shape) != 2 || len(t.shape) < 1 || t.shape[len(t.shape)-1] != u.shape[1] {
		panic(fmt.Sprintf("tensor.MatMulT: shapes %v · %vᵀ do not match (want (..., n) and (m, n))", t.shape, u.shape))
	}
	sameDType("MatMulT", t, u)
	if t.dev != nil || u.dev != nil {
		return devMatMulT(t, u)
	}
	if t.dtype == Float32 {
		return matMulTransT[float32](t, u)
	}
	return matMulTransT[float64](t, u)
}

func matMulTransT[T float](a, w *Tensor) *Tensor {
	m, n := w.shape[0], w.shape[1]
	ad, wd := vals[T](a), vals[T](w)
	rows := len(ad) / n
	out := allocDirty[T](rows*m, a, w)
	gemmStrided(false, true, rows, m, n, ad, n, wd, n, out, m, 0)
	shape := cloneInts(a.shape)
	shape[len(shape)-1] = m
	r := wrapIn(out, shape, a, w)
	record(r, "MatMulT", []*Tensor{a, w}, func(g []T, grads [][]T) {
		if grads[0] != nil { // dA = G·W
			gemmStrided(false, false, rows, n, m, g, m, wd, n, grads[0], n, 1)
		}
		if grads[1] != nil { // dW = Gᵀ·A
			gemmStrided(true, false, m, n, rows, g, m, ad, n, grads[1], n, 1)
		}
	})
	return r
}
