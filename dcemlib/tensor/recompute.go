package tensor

import "fmt"

// Recompute returns f(inputs) as one operation that keeps only its inputs
// and its result for the backward pass: f runs without recording a graph,
// and the backward pass runs f again on the same input values, this time
// with the graph, and propagates the result's gradient through it to the
// inputs and to the leaves f closes over (parameters). It trades one more
// forward pass for the memory of every intermediate tensor of f —
// gradient checkpointing — which is what differentiating a long rollout
// through many solver iterations needs.
//
// f must compute the same values from the same inputs both times: noise it
// needs must be an input (or drawn from a seed it owns), not drawn from a
// shared generator. The inputs must be host tensors of one dtype; their
// values must stay unchanged until the backward pass, as for any operation.
// Inside f, a tensor of an arena in a no-grad mode behaves as usual.
func Recompute(f func(in []*Tensor) *Tensor, inputs ...*Tensor) *Tensor {
	if len(inputs) == 0 {
		panic("tensor.Recompute: no inputs")
	}
	dt := inputs[0].dtype
	for i, x := range inputs {
		x.checkLive()
		if x.dev != nil {
			panic(fmt.Sprintf("tensor.Recompute: input %d (shape %v) is on %v; Recompute runs on the host", i, x.shape, x.Device()))
		}
		if x.dtype != dt {
			panic(fmt.Sprintf("tensor.Recompute: input %d is %v, input 0 %v", i, x.dtype, dt))
		}
	}
	if dt == Float32 {
		return recomputeT[float32](f, inputs)
	}
	return recomputeT[float64](f, inputs)
}

func recomputeT[T float](f func(in []*Tensor) *Tensor, inputs []*Tensor) *Tensor {
	ng := NewNoGradArena()
	ins := make([]*Tensor, len(inputs))
	for i, x := range inputs {
		ins[i] = ng.Use(x)
	}
	y := f(ins)
	if y.dev != nil || y.dtype != inputs[0].dtype {
		ng.Free()
		panic(fmt.Sprintf("tensor.Recompute: f returned a %v tensor on %v, want a host %v tensor", y.dtype, y.Device(), inputs[0].dtype))
	}
	shape := cloneInts(y.shape)
	out := append([]T(nil), vals[T](y)...)
	ng.Free()
	saved := make([]*Tensor, len(inputs))
	for i, x := range inputs {
		// Plain tensors sharing the inputs' values: the backward pass
		// makes its leaves from them.
		saved[i] = &Tensor{shape: x.shape, dtype: x.dtype, data: x.data, data32: x.data32}
	}
	r := wrapIn(out, shape, inputs...)
	record(r, "Recompute", inputs, func(g []T, grads [][]T) {
		a := NewArena()
		defer a.Free()
		xs := make([]*Tensor, len(saved))
		leaves := make([]*Tensor, len(saved))
		for i, s := range saved {
			leaf := &Tensor{shape: s.shape, dtype: s.dtype, data: s.data, data32: s.data32}
			if grads[i] != nil {
				leaf.RequiresGrad()
				leaves[i] = leaf
			}
			xs[i] = a.Use(leaf)
		}
		y := f(xs)
		if !sameShape(y.shape, shape) {
			panic(fmt.Sprintf("tensor.Recompute: f gave shape %v again, %v the first time", y.shape, shape))
		}
		y.BackwardWith(a.Use(wrapIn(append([]T(nil), g...), shape)))
		for i, leaf := range leaves {
			if leaf == nil {
				continue
			}
			if gr := leaf.Grad(); gr != nil {
				addInto(grads[i], vals[T](gr))
			}
		}
	})
	return r
}
