package tensor

import "fmt"

// DType names the element type of a tensor's values.
type DType int

const (
	// Float64 is double precision: the default, and what gradient checks use.
	Float64 DType = iota
	// Float32 is single precision: half the memory and twice the throughput
	// of matrix products and memory-bound loops, what neural networks train in.
	Float32
)

// String returns "float64" or "float32".
func (d DType) String() string {
	switch d {
	case Float64:
		return "float64"
	case Float32:
		return "float32"
	}
	return fmt.Sprintf("DType(%d)", int(d))
}

// Size returns the number of bytes of one element.
func (d DType) Size() int {
	if d == Float32 {
		return 4
	}
	return 8
}

// float is the element types a tensor can hold; internal kernels are
// generic over it, the exported API is not (the notebook interpreter cannot
// call generic functions).
type float interface{ ~float32 | ~float64 }

// dtypeOf returns the DType of T.
func dtypeOf[T float]() DType {
	var z T
	if _, ok := any(z).(float32); ok {
		return Float32
	}
	return Float64
}

// vals returns t's storage as []T. It panics if t does not hold T (a bug in
// the caller: operations dispatch on t's dtype before they call it).
func vals[T float](t *Tensor) []T {
	if t.dead {
		t.checkLive()
	}
	if t.dev != nil {
		t.notOnDevice()
	}
	var z T
	if _, ok := any(z).(float32); ok {
		if t.dtype != Float32 {
			panic("tensor: internal error: float32 view of a " + t.dtype.String() + " tensor")
		}
		return *any(&t.data32).(*[]T)
	}
	if t.dtype != Float64 {
		panic("tensor: internal error: float64 view of a " + t.dtype.String() + " tensor")
	}
	return *any(&t.data).(*[]T)
}

// wrap returns a tensor of the given shape (copied) that uses data as its
// storage.
func wrap[T float](data []T, shape []int) *Tensor {
	t := &Tensor{shape: cloneInts(shape)}
	switch d := any(data).(type) {
	case []float32:
		t.dtype, t.data32 = Float32, d
	case []float64:
		t.dtype, t.data = Float64, d
	}
	return t
}

// sameDType panics unless every tensor has the dtype of the first, naming
// the operation and both dtypes.
func sameDType(fn string, ts ...*Tensor) {
	for _, u := range ts[1:] {
		if u.dtype != ts[0].dtype {
			panic(fmt.Sprintf("tensor.%s: dtypes differ: %v (shape %v) and %v (shape %v); convert one with Float32 or Float64",
				fn, ts[0].dtype, ts[0].shape, u.dtype, u.shape))
		}
	}
}
