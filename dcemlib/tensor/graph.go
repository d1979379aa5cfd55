package tensor

import (
	"fmt"
	"math/bits"
	"sync"
)

// BackwardFunc propagates a gradient through one operation. grad is the
// gradient of the result (same layout as the result's data). inputGrads has
// one slice per input, with that input's layout, into which the function
// must add (+=) the input's gradient; an entry is nil when that input needs
// no gradient, and the function must skip it.
type BackwardFunc func(grad []float64, inputGrads [][]float64)

// node is a tensor's place in the graph. It is separate from the tensor so
// that the graph keeps alive only the values that backward functions
// capture, not every intermediate result (PyTorch's saved tensors).
type node struct {
	size   int       // number of elements of the tensor
	result bool      // made by an operation (not a leaf)
	name   string    // the operation's name, for messages
	op     *op       // how it was made; nil for leaves and after Backward
	grad   []float64 // accumulated gradient of a leaf
	gbuf   []float64 // gradient flowing into a result during Backward
}

// op records how a tensor was made.
type op struct {
	inputs   []*node // nil entries for inputs that need no gradient
	backward BackwardFunc
}

// NewOp returns a tensor holding value with the given shape, recorded as the
// result of an operation named name on inputs whose gradient is given by
// backward. It is the extension point for fused operations whose gradient is
// known in closed form (the LML projection, the CEM update). If no input
// needs a gradient the result is a plain constant and backward is dropped.
// value is used as storage, not copied; backward must capture what it needs.
func NewOp(name string, value []float64, shape []int, inputs []*Tensor, backward BackwardFunc) *Tensor {
	t := New(value, shape...)
	record(t, name, inputs, backward)
	return t
}

// record attaches an operation to t when an input needs a gradient.
func record(t *Tensor, name string, inputs []*Tensor, backward BackwardFunc) {
	var ins []*node
	for i, in := range inputs {
		if in.node != nil {
			if ins == nil {
				ins = make([]*node, len(inputs))
			}
			ins[i] = in.node
		}
	}
	if ins == nil {
		return
	}
	t.node = &node{size: len(t.data), result: true, name: name, op: &op{inputs: ins, backward: backward}}
}

// Backward computes the gradient of t with respect to every leaf it depends
// on and adds it to the leaves' Grad. t must have one element (a loss); use
// BackwardWith for others. The graph is released afterwards, so a second
// call has no effect: build the graph again for another gradient.
func (t *Tensor) Backward() {
	if len(t.data) != 1 {
		panic(fmt.Sprintf("tensor.Backward: tensor of shape %v is not a scalar; use BackwardWith", t.shape))
	}
	t.BackwardWith(Full(1, t.shape...))
}

// BackwardWith is Backward with the gradient of t given as seed (the vector
// in a vector-Jacobian product); seed must have t's shape.
func (t *Tensor) BackwardWith(seed *Tensor) {
	if !sameShape(seed.shape, t.shape) {
		panic(fmt.Sprintf("tensor.BackwardWith: seed shape %v differs from tensor shape %v", seed.shape, t.shape))
	}
	if t.node == nil {
		return
	}
	order := topoOrder(t.node)
	addInto(t.node.slot(), seed.data)
	grads := make([][]float64, 0, 4)
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.op == nil {
			continue
		}
		g := n.gbuf
		n.gbuf = nil
		if g != nil {
			grads = grads[:0]
			for _, in := range n.op.inputs {
				var s []float64
				if in != nil {
					s = in.slot()
				}
				grads = append(grads, s)
			}
			n.op.backward(g, grads)
			putBuf(g)
		}
		n.op = nil // release the graph
	}
}

// slot returns the buffer that collects the node's gradient, allocating
// zeros on first use: Grad's storage for leaves, a temporary for results.
func (n *node) slot() []float64 {
	if !n.result {
		if n.grad == nil {
			n.grad = make([]float64, n.size)
		}
		return n.grad
	}
	if n.gbuf == nil {
		n.gbuf = getBuf(n.size)
	}
	return n.gbuf
}

// Gradient temporaries are recycled through pools by size class (powers of
// two): a Backward over a large graph otherwise asks the operating system
// for fresh pages for every intermediate gradient, and first touches of
// pages cost more than the arithmetic.
var bufPools [64]sync.Pool

// minPooled is the smallest buffer worth pooling.
const minPooled = 1024

// getBuf returns a zeroed slice of length n.
func getBuf(n int) []float64 {
	if n < minPooled {
		return make([]float64, n)
	}
	c := bits.Len(uint(n - 1))
	if p, ok := bufPools[c].Get().(*[]float64); ok {
		b := (*p)[:n]
		clear(b)
		return b
	}
	return make([]float64, n, 1<<c)
}

// putBuf gives a slice from getBuf back for reuse.
func putBuf(b []float64) {
	if cap(b) < minPooled || cap(b)&(cap(b)-1) != 0 {
		return
	}
	bufPools[bits.Len(uint(cap(b)-1))].Put(&b)
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

func addInto(dst, src []float64) {
	if len(src) == 0 {
		return
	}
	_ = dst[len(src)-1]
	for i, v := range src {
		dst[i] += v
	}
}
