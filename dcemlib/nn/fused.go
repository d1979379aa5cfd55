package nn

import (
	"fmt"

	"gonum.org/v1/gonum/blas"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// matMulT returns a·wᵀ for a of shape (..., n) and a 2-d w of shape (m, n):
// the product with a transposed weight matrix that a backward pass written
// in forward operations needs, without copying w.
func matMulT(a, w *tensor.Tensor) *tensor.Tensor {
	if w.Dims() != 2 || a.Dims() < 1 || a.Dim(-1) != w.Dim(1) {
		panic(fmt.Sprintf("nn: matMulT: shapes %v · %vᵀ do not match", a.Shape(), w.Shape()))
	}
	sameDType("matMulT", a, w)
	if a.DType() == tensor.Float32 {
		return matMulTT[float32](a, w)
	}
	return matMulTT[float64](a, w)
}

func matMulTT[T float](a, w *tensor.Tensor) *tensor.Tensor {
	m, n := w.Dim(0), w.Dim(1)
	rows := a.Size() / n
	out := make([]T, rows*m)
	ad, wd := data[T](a), data[T](w)
	gemm(blas.NoTrans, blas.Trans, rows, m, n, ad, n, wd, n, out, m, 0)
	shape := a.Shape()
	shape[len(shape)-1] = m
	return newOp("MatMulT", out, shape, []*tensor.Tensor{a, w}, func(g []T, grads [][]T) {
		if grads[0] != nil { // dA = G·W
			gemm(blas.NoTrans, blas.NoTrans, rows, n, m, g, m, wd, n, grads[0], n, 1)
		}
		if grads[1] != nil { // dW = Gᵀ·A
			gemm(blas.Trans, blas.NoTrans, m, n, rows, g, m, ad, n, grads[1], n, 1)
		}
	})
}
