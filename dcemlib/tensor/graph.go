package tensor

import "fmt"

// BackwardFunc propagates a gradient through one operation. grad is the
// gradient of the result (same layout as the result's data). inputGrads has
// one slice per input, with that input's layout, into which the function
// must add (+=) the input's gradient; an entry is nil when that input needs
// no gradient, and the function must skip it.
type BackwardFunc func(grad []float64, inputGrads [][]float64)

// op records how a tensor was made.
type op struct {
	name     string
	inputs   []*Tensor
	backward BackwardFunc
}

// NewOp returns a tensor holding value with the given shape, recorded as the
// result of an operation named name on inputs whose gradient is given by
// backward. It is the extension point for fused operations whose gradient is
// known in closed form (the LML projection, the CEM update). If no input
// needs a gradient the result is a plain constant and backward is dropped.
// value is used as storage, not copied.
func NewOp(name string, value []float64, shape []int, inputs []*Tensor, backward BackwardFunc) *Tensor {
	t := New(value, shape...)
	record(t, name, inputs, backward)
	return t
}

// record attaches op to t when an input needs a gradient.
func record(t *Tensor, name string, inputs []*Tensor, backward BackwardFunc) {
	for _, in := range inputs {
		if in.requiresGrad {
			t.requiresGrad = true
			t.op = &op{name: name, inputs: inputs, backward: backward}
			return
		}
	}
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
	if !t.requiresGrad {
		return
	}
	order := topoOrder(t)
	addInto(t.gradSlot(), seed.data)
	for i := len(order) - 1; i >= 0; i-- {
		n := order[i]
		if n.op == nil {
			continue
		}
		g := n.gbuf
		n.gbuf = nil
		if g != nil {
			grads := make([][]float64, len(n.op.inputs))
			for j, in := range n.op.inputs {
				if in.requiresGrad {
					grads[j] = in.gradSlot()
				}
			}
			n.op.backward(g, grads)
		}
		n.op = nil // release the graph
	}
}

// gradSlot returns the buffer that collects t's gradient, allocating zeros on
// first use: Grad's storage for leaves, a temporary for results.
func (t *Tensor) gradSlot() []float64 {
	if t.op == nil {
		if t.grad == nil {
			t.grad = make([]float64, len(t.data))
		}
		return t.grad
	}
	if t.gbuf == nil {
		t.gbuf = make([]float64, len(t.data))
	}
	return t.gbuf
}

// topoOrder lists the tensors that need a gradient and that t depends on,
// inputs before results, without recursion (graphs of long rollouts are
// deep).
func topoOrder(t *Tensor) []*Tensor {
	var order []*Tensor
	seen := map[*Tensor]bool{t: true}
	type frame struct {
		t    *Tensor
		next int
	}
	stack := []frame{{t: t}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.t.op != nil && f.next < len(f.t.op.inputs) {
			in := f.t.op.inputs[f.next]
			f.next++
			if in.requiresGrad && !seen[in] {
				seen[in] = true
				stack = append(stack, frame{t: in})
			}
			continue
		}
		order = append(order, f.t)
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
