package cem

import (
	"fmt"
	"sync"

	"github.com/dcem-go/dcem/dcemlib/lml"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// float is the element types a solve can run in. The kernels of this
// package are generic over it; the exported API is not (the notebook
// interpreter cannot call generic functions), and dispatches once per
// operation on the dtype of its inputs.
type float interface{ float32 | float64 }

// dtypeOf returns the tensor dtype of T.
func dtypeOf[T float]() tensor.DType {
	var z T
	if _, ok := any(z).(float32); ok {
		return tensor.Float32
	}
	return tensor.Float64
}

// vals returns t's storage as []T; t must hold T.
func vals[T float](t *tensor.Tensor) []T {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(t.Data32()).([]T)
	}
	return any(t.Data()).([]T)
}

// valsAs returns t's values as []T: its storage when t holds T, else a
// converted copy.
func valsAs[T float](t *tensor.Tensor) []T {
	if t.DType() == dtypeOf[T]() {
		return vals[T](t)
	}
	v := t.Values()
	out := make([]T, len(v))
	for i, x := range v {
		out[i] = T(x)
	}
	return out
}

// newTensor returns a tensor of T with the given shape on storage v.
func newTensor[T float](v []T, shape ...int) *tensor.Tensor {
	switch v := any(v).(type) {
	case []float32:
		return tensor.New32(v, shape...)
	case []float64:
		return tensor.New(v, shape...)
	}
	panic("cem: unreachable")
}

// newOp records an operation on tensors of T (tensor.NewOp or NewOp32).
func newOp[T float](name string, v []T, shape []int, inputs []*tensor.Tensor, backward func(g []T, grads [][]T)) *tensor.Tensor {
	switch v := any(v).(type) {
	case []float32:
		return tensor.NewOp32(name, v, shape, inputs, any(backward).(func([]float32, [][]float32)))
	case []float64:
		return tensor.NewOp(name, v, shape, inputs, any(backward).(func([]float64, [][]float64)))
	}
	panic("cem: unreachable")
}

// lmlForward is lml.Forward or lml.Forward32.
func lmlForward[T float](y, x []T, rows, n, k int, tau, eps float64) error {
	var err error
	switch y := any(y).(type) {
	case []float32:
		_, err = lml.Forward32(y, any(x).([]float32), rows, n, k, tau, eps)
	case []float64:
		_, err = lml.Forward(y, any(x).([]float64), rows, n, k, tau, eps)
	}
	return err
}

// bufCache recycles large buffers of one length between solves. A graph
// solve's samples are read by the backward pass, so a sample buffer can
// only be reused after the backward pass of the operation that made it has
// run; sync.Pool lets the collector free the buffers that no solve takes
// again.
type bufCache[T float] struct {
	mu    sync.Mutex
	pools map[int]*sync.Pool
}

func (c *bufCache[T]) pool(n int) *sync.Pool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pools == nil {
		c.pools = map[int]*sync.Pool{}
	}
	p := c.pools[n]
	if p == nil {
		p = new(sync.Pool)
		c.pools[n] = p
	}
	return p
}

// get returns a buffer of length n with undefined contents.
func (c *bufCache[T]) get(n int) []T {
	if n < minCached {
		return make([]T, n)
	}
	if b, ok := c.pool(n).Get().(*[]T); ok {
		return *b
	}
	return make([]T, n)
}

// put gives b back for reuse; nothing may read or write it afterwards.
func (c *bufCache[T]) put(b []T) {
	if len(b) < minCached {
		return
	}
	c.pool(len(b)).Put(&b)
}

// minCached is the smallest buffer worth recycling.
const minCached = 1 << 14

var (
	sampleBufs64 bufCache[float64]
	sampleBufs32 bufCache[float32]
)

// sampleBufs returns the cache of sample buffers of T.
func sampleBufs[T float]() *bufCache[T] {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(&sampleBufs32).(*bufCache[T])
	}
	return any(&sampleBufs64).(*bufCache[T])
}

// dtypeError reports an input whose dtype differs from the mean's.
func dtypeError(name string, got, want tensor.DType) error {
	return fmt.Errorf("%s is %v, want the mean's dtype %v", name, got, want)
}
