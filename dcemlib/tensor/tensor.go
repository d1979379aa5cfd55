package tensor

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Tensor is a dense N-d array of float64 or float32 values (its DType) in
// row-major order, with an optional gradient. The zero value is not usable:
// make tensors with New, New32, Zeros, ZerosOf, Full, Scalar and the other
// constructors, or as results of operations. An operation's result has the
// dtype of its operands; operands of different dtypes panic.
type Tensor struct {
	shape  []int
	dtype  DType
	data   []float64 // the values of a Float64 tensor
	data32 []float32 // the values of a Float32 tensor
	// dev holds the values of a tensor on a device (see Device); data and
	// data32 are nil then.
	dev devMem
	// node is the tensor's place in the autodiff graph, nil for tensors
	// that take no part in differentiation (constants).
	node *node
	// arena, when not nil, makes the results of operations on the tensor;
	// dead marks a tensor whose arena round has ended.
	arena *Arena
	dead  bool
}

// New returns a tensor with the given shape that uses data as its storage
// (not a copy). It panics if len(data) is not the product of shape. With no
// shape it makes a 1-d tensor of len(data).
func New(data []float64, shape ...int) *Tensor {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	n := checkShape("New", shape)
	if n != len(data) {
		panic(fmt.Sprintf("tensor.New: %d values do not fill shape %v (%d elements)", len(data), shape, n))
	}
	return &Tensor{shape: cloneInts(shape), data: data}
}

// New32 is New for float32 values: a Float32 tensor that uses data as its
// storage.
func New32(data []float32, shape ...int) *Tensor {
	if len(shape) == 0 {
		shape = []int{len(data)}
	}
	n := checkShape("New32", shape)
	if n != len(data) {
		panic(fmt.Sprintf("tensor.New32: %d values do not fill shape %v (%d elements)", len(data), shape, n))
	}
	return &Tensor{shape: cloneInts(shape), dtype: Float32, data32: data}
}

// Zeros returns a float64 tensor of zeros with the given shape.
func Zeros(shape ...int) *Tensor {
	n := checkShape("Zeros", shape)
	return &Tensor{shape: cloneInts(shape), data: make([]float64, n)}
}

// ZerosOf returns a tensor of zeros with the given dtype and shape.
func ZerosOf(dt DType, shape ...int) *Tensor {
	n := checkShape("ZerosOf", shape)
	switch dt {
	case Float64:
		return &Tensor{shape: cloneInts(shape), data: make([]float64, n)}
	case Float32:
		return &Tensor{shape: cloneInts(shape), dtype: Float32, data32: make([]float32, n)}
	}
	panic(fmt.Sprintf("tensor.ZerosOf: unknown dtype %v", dt))
}

// zerosT returns a tensor of zeros of element type T.
func zerosT[T float](shape []int) *Tensor {
	return wrap(make([]T, checkShape("Zeros", shape)), shape)
}

// FullOf returns a tensor of the given dtype with every element equal to v.
func FullOf(dt DType, v float64, shape ...int) *Tensor {
	t := ZerosOf(dt, shape...)
	if v != 0 {
		t.fill(v)
	}
	return t
}

func (t *Tensor) fill(v float64) {
	for i := range t.data {
		t.data[i] = v
	}
	for i := range t.data32 {
		t.data32[i] = float32(v)
	}
}

// Ones returns a tensor of ones with the given shape.
func Ones(shape ...int) *Tensor { return Full(1, shape...) }

// Full returns a tensor with every element equal to v.
func Full(v float64, shape ...int) *Tensor {
	t := Zeros(shape...)
	if v != 0 {
		for i := range t.data {
			t.data[i] = v
		}
	}
	return t
}

// Scalar returns a 0-d tensor holding v.
func Scalar(v float64) *Tensor { return &Tensor{shape: []int{}, data: []float64{v}} }

// FromRows returns a 2-d tensor (len(rows), len(rows[0])) holding a copy of
// rows. It panics if the rows are ragged or there are none.
func FromRows(rows [][]float64) *Tensor {
	if len(rows) == 0 {
		panic("tensor.FromRows: no rows")
	}
	m, n := len(rows), len(rows[0])
	t := Zeros(m, n)
	for i, r := range rows {
		if len(r) != n {
			panic(fmt.Sprintf("tensor.FromRows: row %d has %d values, row 0 has %d", i, len(r), n))
		}
		copy(t.data[i*n:], r)
	}
	return t
}

// Linspace returns the 1-d tensor of n evenly spaced values from start to
// stop, both included. It panics if n < 1.
func Linspace(start, stop float64, n int) *Tensor {
	if n < 1 {
		panic(fmt.Sprintf("tensor.Linspace: n = %d, want n >= 1", n))
	}
	t := Zeros(n)
	if n == 1 {
		t.data[0] = start
		return t
	}
	step := (stop - start) / float64(n-1)
	for i := range t.data {
		t.data[i] = start + float64(i)*step
	}
	t.data[n-1] = stop
	return t
}

// Arange returns the 1-d tensor [0, 1, ..., n-1].
func Arange(n int) *Tensor {
	t := Zeros(n)
	for i := range t.data {
		t.data[i] = float64(i)
	}
	return t
}

// Shape returns a copy of the tensor's shape.
func (t *Tensor) Shape() []int { return cloneInts(t.shape) }

// Dims returns the number of axes (0 for a scalar).
func (t *Tensor) Dims() int { return len(t.shape) }

// Dim returns the length of axis i; negative i counts from the end.
func (t *Tensor) Dim(i int) int { return t.shape[t.axis("Dim", i)] }

// Size returns the number of elements.
func (t *Tensor) Size() int {
	if t.dev != nil {
		return batchSize(t.shape)
	}
	if t.dtype == Float32 {
		return len(t.data32)
	}
	return len(t.data)
}

// DType returns the element type of the tensor's values.
func (t *Tensor) DType() DType { return t.dtype }

// Data returns the storage of a Float64 tensor in row-major order. Writing
// to it changes the tensor; do that only to leaves (parameters, inputs),
// never to a tensor whose value an operation recorded for its gradient. It
// panics for a Float32 tensor: use Data32, or Values for a copy.
func (t *Tensor) Data() []float64 {
	t.checkLive()
	if t.dtype != Float64 {
		panic(fmt.Sprintf("tensor.Data: tensor of shape %v is %v; use Data32, or Values for a float64 copy", t.shape, t.dtype))
	}
	return t.data
}

// Data32 returns the storage of a Float32 tensor (see Data). It panics for
// a Float64 tensor. For a tensor on a device (see Device) it returns a
// host copy of the values: writing to it does not change the tensor.
func (t *Tensor) Data32() []float32 {
	t.checkLive()
	if t.dtype != Float32 {
		panic(fmt.Sprintf("tensor.Data32: tensor of shape %v is %v; use Data, or convert with Float32", t.shape, t.dtype))
	}
	if t.dev != nil {
		return t.devRead()
	}
	return t.data32
}

// Values returns a float64 copy of the values, whatever the dtype and
// device (a tensor on a device is copied to the host).
func (t *Tensor) Values() []float64 {
	t.checkLive()
	if t.dtype == Float64 {
		return append([]float64(nil), t.data...)
	}
	src := t.data32
	if t.dev != nil {
		src = t.devRead()
	}
	out := make([]float64, len(src))
	for i, v := range src {
		out[i] = float64(v)
	}
	return out
}

// Item returns the value of a tensor with one element. It panics otherwise.
func (t *Tensor) Item() float64 {
	if n := t.Size(); n != 1 {
		panic(fmt.Sprintf("tensor.Item: tensor of shape %v has %d elements, want 1", t.shape, n))
	}
	return t.at(0)
}

// at returns element i as a float64, whatever the dtype.
func (t *Tensor) at(i int) float64 {
	t.checkLive()
	if t.dev != nil {
		var v [1]float32
		t.dev.back().read(v[:], t.dev, i)
		return float64(v[0])
	}
	if t.dtype == Float32 {
		return float64(t.data32[i])
	}
	return t.data[i]
}

// At returns the element at the given index, one coordinate per axis.
func (t *Tensor) At(index ...int) float64 { return t.at(t.offset("At", index)) }

// Set stores v at the given index (rounded to float32 in a Float32
// tensor). Like writing to Data, use it on leaves.
func (t *Tensor) Set(v float64, index ...int) {
	i := t.offset("Set", index)
	t.checkLive()
	if t.dev != nil {
		t.dev.back().write(t.dev, i, []float32{float32(v)})
		return
	}
	if t.dtype == Float32 {
		t.data32[i] = float32(v)
		return
	}
	t.data[i] = v
}

// Rows returns a copy of a 2-d tensor as a slice of rows.
func (t *Tensor) Rows() [][]float64 {
	if len(t.shape) != 2 {
		panic(fmt.Sprintf("tensor.Rows: tensor of shape %v is not 2-d", t.shape))
	}
	m, n := t.shape[0], t.shape[1]
	v := t.Values()
	rows := make([][]float64, m)
	for i := range rows {
		rows[i] = v[i*n : (i+1)*n : (i+1)*n]
	}
	return rows
}

// Clone returns a copy of the tensor's value with no graph and no gradient.
func (t *Tensor) Clone() *Tensor {
	t.checkLive()
	if t.dev != nil {
		b, n := t.dev.back(), t.Size()
		m := b.alloc(n, false)
		b.copyMem(m, t.dev, n)
		return devResult(m, t.shape)
	}
	return &Tensor{shape: cloneInts(t.shape), dtype: t.dtype,
		data: clone(t.data), data32: clone(t.data32)}
}

func clone[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// Detach returns a tensor that shares t's value but is cut from the graph:
// no gradient flows through it.
func (t *Tensor) Detach() *Tensor {
	t.checkLive()
	d := &Tensor{shape: t.shape, dtype: t.dtype, data: t.data, data32: t.data32, dev: t.dev, arena: t.arena}
	if t.arena != nil {
		t.arena.mu.Lock()
		t.arena.tensors = append(t.arena.tensors, d)
		t.arena.mu.Unlock()
	}
	return d
}

// RequiresGrad marks t as a leaf whose gradient Backward accumulates, and
// returns t. It panics if t is the result of an operation.
func (t *Tensor) RequiresGrad() *Tensor {
	if t.node != nil && t.node.result {
		panic("tensor.RequiresGrad: tensor is the result of " + t.node.name + "; only leaves can be marked (use Detach first)")
	}
	if t.node == nil {
		t.node = &node{size: t.Size(), dtype: t.dtype}
	}
	return t
}

// NeedsGrad reports whether a gradient flows to or through t.
func (t *Tensor) NeedsGrad() bool { return t.node != nil }

// IsLeaf reports whether t was made by a constructor rather than an
// operation.
func (t *Tensor) IsLeaf() bool { return t.node == nil || !t.node.result }

// Grad returns the gradient accumulated in a leaf by Backward, with t's
// shape, or nil if none has been computed. It shares storage with the leaf's
// gradient: ZeroGrad clears it.
func (t *Tensor) Grad() *Tensor {
	if t.node == nil || !t.node.hasGrad {
		return nil
	}
	if t.node.dgrad != nil {
		return &Tensor{shape: t.shape, dtype: Float32, dev: t.node.dgrad}
	}
	return &Tensor{shape: t.shape, dtype: t.dtype, data: t.node.grad, data32: t.node.grad32}
}

// ZeroGrad discards the accumulated gradient: Grad returns nil until the
// next Backward. The storage is kept and zeroed then, so a training loop
// does not allocate its gradients anew each step (a tensor that Grad
// returned earlier sees the new values: Clone it to keep old ones).
func (t *Tensor) ZeroGrad() {
	if t.node != nil {
		t.node.hasGrad = false
	}
}

// String formats the tensor like NumPy, eliding the middle of long axes.
func (t *Tensor) String() string {
	if t.dead {
		return fmt.Sprintf("tensor(released by Arena.Reset, shape=%v)", t.shape)
	}
	if t.dev != nil {
		h := &Tensor{shape: t.shape, dtype: Float32, data32: t.devRead(), node: t.node}
		s := h.String()
		return s[:len(s)-1] + ", device=" + t.Device().String() + ")"
	}
	var b strings.Builder
	b.WriteString("tensor(")
	if len(t.shape) == 0 {
		fmt.Fprintf(&b, "%.6g", t.at(0))
	} else {
		t.format(&b, 0, 0, 7)
	}
	fmt.Fprintf(&b, ", shape=%v", t.shape)
	if t.dtype != Float64 {
		b.WriteString(", dtype=" + t.dtype.String())
	}
	if t.node != nil && t.node.result {
		b.WriteString(", op=" + t.node.name)
	} else if t.node != nil {
		b.WriteString(", requires_grad")
	}
	b.WriteString(")")
	return b.String()
}

func (t *Tensor) format(b *strings.Builder, axis, off, indent int) {
	n := t.shape[axis]
	stride := 1
	for _, d := range t.shape[axis+1:] {
		stride *= d
	}
	const edge = 3
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		if n > 2*edge+1 && i == edge {
			b.WriteString("...")
			if axis == len(t.shape)-1 {
				b.WriteString(", ")
			} else {
				b.WriteString(",\n" + strings.Repeat(" ", indent+axis+1))
			}
			i = n - edge - 1
			continue
		}
		if axis == len(t.shape)-1 {
			fmt.Fprintf(b, "%.6g", t.at(off+i))
		} else {
			t.format(b, axis+1, off+i*stride, indent)
		}
		if i < n-1 {
			if axis == len(t.shape)-1 {
				b.WriteString(", ")
			} else {
				b.WriteString(",\n" + strings.Repeat(" ", indent+axis+1))
			}
		}
	}
	b.WriteByte(']')
}

// HasNaN reports whether any element is NaN or ±Inf.
func (t *Tensor) HasNaN() bool {
	if t.dev != nil {
		return New32(t.devRead(), t.shape...).HasNaN()
	}
	for _, v := range t.data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return true
		}
	}
	for _, v := range t.data32 {
		if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
			return true
		}
	}
	return false
}

// checkShape validates a shape and returns its number of elements.
func checkShape(fn string, shape []int) int {
	n := 1
	for i, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor.%s: negative length %d at axis %d of shape %v", fn, d, i, shape))
		}
		n *= d
	}
	return n
}

func cloneInts(s []int) []int { return append([]int{}, s...) }

func sameShape(a, b []int) bool { return slices.Equal(a, b) }

// axis resolves a possibly negative axis of t, panicking when out of range.
func (t *Tensor) axis(fn string, i int) int {
	n := len(t.shape)
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		panic(fmt.Sprintf("tensor.%s: axis %d out of range for shape %v", fn, i, t.shape))
	}
	return i
}

func (t *Tensor) offset(fn string, index []int) int {
	if len(index) != len(t.shape) {
		panic(fmt.Sprintf("tensor.%s: %d indices for shape %v", fn, len(index), t.shape))
	}
	off := 0
	for i, x := range index {
		if x < 0 || x >= t.shape[i] {
			panic(fmt.Sprintf("tensor.%s: index %d out of range [0, %d) at axis %d", fn, x, t.shape[i], i))
		}
		off = off*t.shape[i] + x
	}
	return off
}

// SetValues copies src into t's storage, converting to t's dtype. Like
// writing to Data, use it on leaves. It panics if len(src) is not t's size.
func (t *Tensor) SetValues(src []float64) {
	if len(src) != t.Size() {
		panic(fmt.Sprintf("tensor.SetValues: %d values for shape %v (%d elements)", len(src), t.shape, t.Size()))
	}
	if t.dev != nil {
		v := make([]float32, len(src))
		for i, x := range src {
			v[i] = float32(x)
		}
		t.dev.back().write(t.dev, 0, v)
		return
	}
	if t.dtype == Float32 {
		for i, v := range src {
			t.data32[i] = float32(v)
		}
		return
	}
	copy(t.data, src)
}
