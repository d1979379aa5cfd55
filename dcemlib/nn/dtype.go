package nn

import (
	"fmt"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// float is the element types of tensors; the package's few kernels are
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
