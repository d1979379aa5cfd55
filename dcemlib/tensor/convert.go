package tensor

// To returns t converted to dtype dt (t itself if it has that dtype
// already). The conversion is recorded: the gradient flows back converted
// to t's dtype.
func (t *Tensor) To(dt DType) *Tensor {
	switch {
	case t.dtype == dt:
		return t
	case dt == Float32:
		return convert[float64, float32](t)
	case dt == Float64:
		return convert[float32, float64](t)
	}
	panic("tensor.To: unknown dtype " + dt.String())
}

// Float32 returns t converted to float32 (see To).
func (t *Tensor) Float32() *Tensor { return t.To(Float32) }

// Float64 returns t converted to float64 (see To).
func (t *Tensor) Float64() *Tensor { return t.To(Float64) }

func convert[S, D float](t *Tensor) *Tensor {
	x := vals[S](t)
	out := allocDirty[D](len(x), t)
	for i, v := range x {
		out[i] = D(v)
	}
	r := wrapIn(out, t.shape, t)
	if t.node == nil || (t.arena != nil && t.arena.noGrad) {
		return r
	}
	in := t.node
	r.node = &node{size: len(out), dtype: r.dtype, result: true, name: "To" + r.dtype.String(),
		op: &op{inputs: []*node{in}, run: func(n *node) {
			g, dst := gradBuf[D](n), slot[S](in)
			for i, v := range g {
				dst[i] += S(v)
			}
		}}}
	return r
}
