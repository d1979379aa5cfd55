package nn

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// matMulT returns a·wᵀ for a of shape (..., n) and a 2-d w of shape (m, n)
// (tensor.MatMulT), with the layer's message on a mismatch.
func matMulT(a, w *tensor.Tensor) *tensor.Tensor {
	if w.Dims() != 2 || a.Dims() < 1 || a.Dim(-1) != w.Dim(1) {
		panic(fmt.Sprintf("nn: matMulT: shapes %v · %vᵀ do not match", a.Shape(), w.Shape()))
	}
	sameDType("matMulT", a, w)
	return a.MatMulT(w)
}
