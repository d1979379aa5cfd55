package tensor

import (
	"fmt"
)

// BackwardFunc propagates a gradient through one operation on float64
// tensors. grad is the gradient of the result (same layout as the result's
// data). inputGrads has one slice per input, with that input's layout, into
// which the function must add (+=) the input's gradient; an entry is nil
// when that input needs no gradient, and the function must skip it.
type BackwardFunc func(grad []float64, inputGrads [][]float64)

// BackwardFunc32 is BackwardFunc for an operation on float32 tensors.
type BackwardFunc32 func(grad []float32, inputGrads [][]float32)

// node is a tensor's place in the graph. It is separate from the tensor so
// that the graph keeps alive only the values that backward functions
// capture, not every intermediate result (PyTorch's saved tensors).
type node struct {
	size     int    // number of elements of the tensor
	dtype    DType  // element type of the tensor and of its gradient
	result   bool   // made by an operation (not a leaf)
	released bool   // a result whose operation an earlier Backward released
	name     string // the operation's name, for messages
	op       *op    // how it was made; nil for leaves and after Backward
	// The accumulated gradient of a leaf, and the gradient flowing into a
	// result during Backward: the slice of the node's dtype is used.
	grad   []float64
	gbuf   []float64
	grad32 []float32
	gbuf32 []float32
	// dgrad and dgbuf are grad and gbuf of a node whose tensor lives on a
	// device.
	dgrad devMem
	dgbuf devMem
	// hasGrad tells whether grad or grad32 of a leaf holds a gradient (the
	// storage stays allocated across ZeroGrad).
	hasGrad bool
}

// op records how a tensor was made: run propagates the gradient collected
// in out into the inputs' slots.
type op struct {
	inputs []*node // nil entries for inputs that need no gradient
	run    func(out *node)
}

// NewOp returns a float64 tensor holding value with the given shape,
// recorded as the result of an operation named name on inputs whose
// gradient is given by backward. It is the extension point for fused
// operations whose gradient is known in closed form (the LML projection,
// the CEM update). If no input needs a gradient the result is a plain
// constant and backward is dropped. value is used as storage, not copied;
// backward must capture what it needs. The inputs must be float64 tensors.
func NewOp(name string, value []float64, shape []int, inputs []*Tensor, backward BackwardFunc) *Tensor {
	t := New(value, shape...)
	checkInputs(name, Float64, inputs)
	record(t, name, inputs, backward)
	return t
}

// NewOp32 is NewOp for float32 tensors.
func NewOp32(name string, value []float32, shape []int, inputs []*Tensor, backward BackwardFunc32) *Tensor {
	t := New32(value, shape...)
	checkInputs(name, Float32, inputs)
	record(t, name, inputs, backward)
	return t
}

func checkInputs(name string, dt DType, inputs []*Tensor) {
	for i, in := range inputs {
		if in.dtype != dt {
			panic(fmt.Sprintf("tensor.NewOp %s: input %d (shape %v) is %v, the result is %v", name, i, in.shape, in.dtype, dt))
		}
	}
}

// record attaches an operation to t when an input needs a gradient; the
// inputs and the result all hold T. backward is a func([]T, [][]T) or the
// named BackwardFunc types.
func record[T float, F ~func([]T, [][]T)](t *Tensor, name string, inputs []*Tensor, backward F) {
	if t.arena != nil && t.arena.noGrad {
		return
	}
	ins := gradInputs(inputs)
	if ins == nil {
		return
	}
	t.node = &node{size: t.Size(), dtype: t.dtype, result: true, name: name, op: &op{inputs: ins, run: func(out *node) {
		grads := make([][]T, len(ins))
		for i, in := range ins {
			if in != nil {
				grads[i] = slot[T](in)
			}
		}
		backward(gradBuf[T](out), grads)
	}}}
}

// gradInputs returns the graph nodes of inputs (nil where an input needs no
// gradient), or nil if none needs one.
func gradInputs(inputs []*Tensor) []*node {
	var ins []*node
	for i, in := range inputs {
		if in.node != nil {
			if ins == nil {
				ins = make([]*node, len(inputs))
			}
			ins[i] = in.node
		}
	}
	return ins
}

// Backward computes the gradient of t with respect to every leaf it depends
// on and adds it to the leaves' Grad. t must have one element (a loss); use
// BackwardWith for others. The graph is released afterwards: a second
// Backward through any part of it panics; build the graph again for another
// gradient.
func (t *Tensor) Backward() {
	if t.Size() != 1 {
		panic(fmt.Sprintf("tensor.Backward: tensor of shape %v is not a scalar; use BackwardWith", t.shape))
	}
	t.BackwardWith(FullOf(t.dtype, 1, t.shape...).ToDevice(t.Device()))
}

// BackwardWith is Backward with the gradient of t given as seed (the vector
// in a vector-Jacobian product); seed must have t's shape and dtype.
func (t *Tensor) BackwardWith(seed *Tensor) {
	if !sameShape(seed.shape, t.shape) {
		panic(fmt.Sprintf("tensor.BackwardWith: seed shape %v differs from tensor shape %v", seed.shape, t.shape))
	}
	sameDType("BackwardWith", t, seed)
	if t.Device() != seed.Device() {
		panic(fmt.Sprintf("tensor.BackwardWith: seed on %v, tensor on %v", seed.Device(), t.Device()))
	}
	if t.node == nil {
		return
	}
	order := topoOrder(t.node)
	for _, n := range order {
		if n.released {
			panic(fmt.Sprintf("tensor.Backward: the graph through %s was released by an earlier Backward; "+
				"compute the result again for another gradient", n.name))
		}
	}
	if t.dev != nil {
		b := t.dev.back()
		b.axpy(devSlot(t.node, b), seed.dev, t.Size(), 1)
	} else if t.dtype == Float32 {
		addInto(slot[float32](t.node), seed.data32)
	} else {
		addInto(slot[float64](t.node), seed.data)
	}
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.op == nil {
			continue
		}
		if n.gbuf != nil || n.gbuf32 != nil || n.dgbuf != nil {
			n.op.run(n)
			putBuf(n.gbuf)
			putBuf(n.gbuf32)
			n.gbuf, n.gbuf32 = nil, nil
			if n.dgbuf != nil {
				n.dgbuf.free()
				n.dgbuf = nil
			}
		}
		n.op = nil // release the graph
		n.released = true
	}
}

// slot returns the buffer that collects the node's gradient, allocating
// zeros on first use: Grad's storage for leaves, a temporary for results.
func slot[T float](n *node) []T {
	var z T
	if _, ok := any(z).(float32); ok {
		if !n.result {
			if n.grad32 == nil {
				n.grad32 = make([]float32, n.size)
			} else if !n.hasGrad {
				clear(n.grad32)
			}
			n.hasGrad = true
			return *any(&n.grad32).(*[]T)
		}
		if n.gbuf32 == nil {
			n.gbuf32 = getBuf[float32](n.size)
		}
		return *any(&n.gbuf32).(*[]T)
	}
	if !n.result {
		if n.grad == nil {
			n.grad = make([]float64, n.size)
		} else if !n.hasGrad {
			clear(n.grad)
		}
		n.hasGrad = true
		return *any(&n.grad).(*[]T)
	}
	if n.gbuf == nil {
		n.gbuf = getBuf[float64](n.size)
	}
	return *any(&n.gbuf).(*[]T)
}

// gradBuf returns the gradient collected in a result node during Backward.
func gradBuf[T float](n *node) []T {
	var z T
	if _, ok := any(z).(float32); ok {
		return *any(&n.gbuf32).(*[]T)
	}
	return *any(&n.gbuf).(*[]T)
}

// topoOrder lists the nodes that root depends on, inputs before results,
// without recursion (graphs of long rollouts are deep).
func topoOrder(root *node) []*node {
	var order []*node
	seen := map[*node]bool{root: true}
	type frame struct {
		n    *node
		next int
	}
	stack := []frame{{n: root}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.n.op != nil && f.next < len(f.n.op.inputs) {
			in := f.n.op.inputs[f.next]
			f.next++
			if in != nil && !seen[in] {
				seen[in] = true
				stack = append(stack, frame{n: in})
			}
			continue
		}
		order = append(order, f.n)
		stack = stack[:len(stack)-1]
	}
	return order
}

func addInto[T float](dst, src []T) {
	if len(src) == 0 {
		return
	}
	_ = dst[len(src)-1]
	for i, v := range src {
		dst[i] += v
	}
}
