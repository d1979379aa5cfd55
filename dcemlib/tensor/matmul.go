package tensor

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
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
	tb, ub := t.shape[:len(t.shape)-2], u.shape[:len(u.shape)-2]
	switch {
	case len(ub) == 0:
		// Fold t's batch into its rows: one GEMM.
		rows := batchSize(tb) * m
		out := make([]float64, rows*n)
		gemm(false, false, rows, n, k, t.data, u.data, out, 0)
		r := New(out, append(cloneInts(tb), m, n)...)
		record(r, "MatMul", []*Tensor{t, u}, func(g []float64, grads [][]float64) {
			if grads[0] != nil { // dT = G·Uᵀ
				gemm(false, true, rows, k, n, g, u.data, grads[0], 1)
			}
			if grads[1] != nil { // dU = Tᵀ·G
				gemm(true, false, k, n, rows, t.data, g, grads[1], 1)
			}
		})
		return r
	case sameShape(tb, ub):
		nb := batchSize(tb)
		out := make([]float64, nb*m*n)
		for b := 0; b < nb; b++ {
			gemm(false, false, m, n, k, t.data[b*m*k:], u.data[b*k*n:], out[b*m*n:], 0)
		}
		r := New(out, append(cloneInts(tb), m, n)...)
		record(r, "MatMul", []*Tensor{t, u}, func(g []float64, grads [][]float64) {
			for b := 0; b < nb; b++ {
				if grads[0] != nil {
					gemm(false, true, m, k, n, g[b*m*n:], u.data[b*k*n:], grads[0][b*m*k:], 1)
				}
				if grads[1] != nil {
					gemm(true, false, k, n, m, t.data[b*m*k:], g[b*m*n:], grads[1][b*k*n:], 1)
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
func gemm(transA, transB bool, m, n, k int, a, b, c []float64, beta float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		if beta == 0 {
			clear(c[:m*n])
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
	blas64.Gemm(ta, tb, 1,
		blas64.General{Rows: ar, Cols: ac, Stride: ac, Data: a[:ar*ac]},
		blas64.General{Rows: br, Cols: bc, Stride: bc, Data: b[:br*bc]},
		beta, blas64.General{Rows: m, Cols: n, Stride: n, Data: c[:m*n]})
}
