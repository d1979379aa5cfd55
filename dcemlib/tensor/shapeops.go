package tensor

import (
	"fmt"
	"slices"
)

// Reshape returns t with a new shape and the same elements in the same
// order (sharing storage). One length may be −1, inferred from the rest.
func (t *Tensor) Reshape(shape ...int) *Tensor {
	s := cloneInts(shape)
	infer, n := -1, 1
	for i, d := range s {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("tensor.Reshape: bad shape %v", shape))
		default:
			n *= d
		}
	}
	if infer >= 0 {
		if n == 0 || t.Size()%n != 0 {
			panic(fmt.Sprintf("tensor.Reshape: cannot reshape %v into %v", t.shape, shape))
		}
		s[infer] = t.Size() / n
		n *= s[infer]
	}
	if n != t.Size() {
		panic(fmt.Sprintf("tensor.Reshape: cannot reshape %v (%d elements) into %v", t.shape, t.Size(), shape))
	}
	t.checkLive()
	if t.dev != nil {
		return devReshape(t, s)
	}
	r := &Tensor{shape: s, dtype: t.dtype, data: t.data, data32: t.data32, arena: t.arena}
	if t.arena != nil {
		t.arena.mu.Lock()
		t.arena.tensors = append(t.arena.tensors, r)
		t.arena.mu.Unlock()
	}
	if t.dtype == Float32 {
		record(r, "Reshape", []*Tensor{t}, func(g []float32, grads [][]float32) { addInto(grads[0], g) })
	} else {
		record(r, "Reshape", []*Tensor{t}, func(g []float64, grads [][]float64) { addInto(grads[0], g) })
	}
	return r
}

// Flatten returns t as a 1-d tensor.
func (t *Tensor) Flatten() *Tensor { return t.Reshape(-1) }

// Unsqueeze inserts an axis of length 1 at position axis (0 ≤ axis ≤ Dims;
// negative counts from the end, −1 appends).
func (t *Tensor) Unsqueeze(axis int) *Tensor {
	nd := len(t.shape)
	if axis < 0 {
		axis += nd + 1
	}
	if axis < 0 || axis > nd {
		panic(fmt.Sprintf("tensor.Unsqueeze: axis %d out of range for shape %v", axis, t.shape))
	}
	s := slices.Insert(cloneInts(t.shape), axis, 1)
	return t.Reshape(s...)
}

// Squeeze removes an axis of length 1.
func (t *Tensor) Squeeze(axis int) *Tensor {
	axis = t.axis("Squeeze", axis)
	if t.shape[axis] != 1 {
		panic(fmt.Sprintf("tensor.Squeeze: axis %d of shape %v has length %d, not 1", axis, t.shape, t.shape[axis]))
	}
	s := slices.Delete(cloneInts(t.shape), axis, axis+1)
	return t.Reshape(s...)
}

// Permute reorders the axes: axis i of the result is axis perm[i] of t.
func (t *Tensor) Permute(perm ...int) *Tensor {
	nd := len(t.shape)
	if len(perm) != nd {
		panic(fmt.Sprintf("tensor.Permute: permutation %v for shape %v", perm, t.shape))
	}
	seen := make([]bool, nd)
	for _, p := range perm {
		if p < 0 || p >= nd || seen[p] {
			panic(fmt.Sprintf("tensor.Permute: %v is not a permutation of %d axes", perm, nd))
		}
		seen[p] = true
	}
	inStrides := stridesOf(t.shape)
	shape := make([]int, nd)
	src := make([]int, nd) // stride in t of each result axis
	for i, p := range perm {
		shape[i], src[i] = t.shape[p], inStrides[p]
	}
	t.checkLive()
	if t.dev != nil {
		return devPermute(t, shape, src)
	}
	if t.dtype == Float32 {
		return permuteT[float32](t, shape, src)
	}
	return permuteT[float64](t, shape, src)
}

func permuteT[T float](t *Tensor, shape, src []int) *Tensor {
	out := allocDirty[T](t.Size(), t)
	strideCopy(out, vals[T](t), shape, src, false)
	r := wrapIn(out, shape, t)
	record(r, "Permute", []*Tensor{t}, func(g []T, grads [][]T) {
		strideCopy(g, grads[0], shape, src, true)
	})
	return r
}

// Transpose swaps two axes.
func (t *Tensor) Transpose(a, b int) *Tensor {
	a, b = t.axis("Transpose", a), t.axis("Transpose", b)
	perm := make([]int, len(t.shape))
	for i := range perm {
		perm[i] = i
	}
	perm[a], perm[b] = b, a
	return t.Permute(perm...)
}

// T returns the transpose of a 2-d tensor.
func (t *Tensor) T() *Tensor {
	if len(t.shape) != 2 {
		panic(fmt.Sprintf("tensor.T: tensor of shape %v is not 2-d", t.shape))
	}
	return t.Permute(1, 0)
}

func stridesOf(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// strideCopy walks a contiguous array of the given shape and the strided
// view src of other: out[i] = other[view(i)], or with add, other[view(i)] +=
// out[i].
func strideCopy[T float](out, other []T, shape, src []int, add bool) {
	nd := len(shape)
	if len(out) == 0 {
		return
	}
	if nd == 0 {
		if add {
			other[0] += out[0]
		} else {
			out[0] = other[0]
		}
		return
	}
	idx := make([]int, nd)
	n, s := shape[nd-1], src[nd-1]
	off := 0
	for o := 0; o < len(out); o += n {
		run := out[o : o+n]
		if add {
			for i, v := range run {
				other[off+i*s] += v
			}
		} else {
			for i := range run {
				run[i] = other[off+i*s]
			}
		}
		for k := nd - 2; k >= 0; k-- {
			idx[k]++
			off += src[k]
			if idx[k] < shape[k] {
				break
			}
			off -= src[k] * shape[k]
			idx[k] = 0
		}
	}
}

// Slice returns the elements start ≤ i < end along axis (a copy).
func (t *Tensor) Slice(axis, start, end int) *Tensor {
	axis = t.axis("Slice", axis)
	n := t.shape[axis]
	if start < 0 || end > n || start > end {
		panic(fmt.Sprintf("tensor.Slice: range [%d, %d) out of bounds for axis %d of shape %v", start, end, axis, t.shape))
	}
	t.checkLive()
	if t.dev != nil {
		return devSlice(t, axis, start, end)
	}
	if t.dtype == Float32 {
		return sliceT[float32](t, axis, start, end)
	}
	return sliceT[float64](t, axis, start, end)
}

func sliceT[T float](t *Tensor, axis, start, end int) *Tensor {
	outer, n, inner := t.split(axis)
	m := end - start
	shape := cloneInts(t.shape)
	shape[axis] = m
	x := vals[T](t)
	out := allocDirty[T](outer*m*inner, t)
	for o := 0; o < outer; o++ {
		copy(out[o*m*inner:(o+1)*m*inner], x[(o*n+start)*inner:(o*n+end)*inner])
	}
	r := wrapIn(out, shape, t)
	record(r, "Slice", []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		for o := 0; o < outer; o++ {
			addInto(gt[(o*n+start)*inner:(o*n+end)*inner], g[o*m*inner:(o+1)*m*inner])
		}
	})
	return r
}

// Concat joins tensors along axis; all other lengths must agree.
func Concat(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("tensor.Concat: no tensors")
	}
	axis = ts[0].axis("Concat", axis)
	shape := cloneInts(ts[0].shape)
	total := 0
	for i, t := range ts {
		if len(t.shape) != len(shape) {
			panic(fmt.Sprintf("tensor.Concat: tensor %d has shape %v, tensor 0 has %v", i, t.shape, ts[0].shape))
		}
		for d := range shape {
			if d != axis && t.shape[d] != shape[d] {
				panic(fmt.Sprintf("tensor.Concat: tensor %d has shape %v, tensor 0 has %v (axis %d)", i, t.shape, ts[0].shape, axis))
			}
		}
		total += t.shape[axis]
	}
	shape[axis] = total
	sameDType("Concat", ts...)
	if onDevice(ts...) {
		return devConcat(axis, shape, ts)
	}
	if ts[0].dtype == Float32 {
		return concatT[float32](axis, shape, ts)
	}
	return concatT[float64](axis, shape, ts)
}

func concatT[T float](axis int, shape []int, ts []*Tensor) *Tensor {
	total := shape[axis]
	outer, _, inner := ts[0].split(axis)
	out := allocDirty[T](outer*total*inner, ts...)
	off := 0
	for _, t := range ts {
		m := t.shape[axis]
		x := vals[T](t)
		for o := 0; o < outer; o++ {
			copy(out[(o*total+off)*inner:], x[o*m*inner:(o+1)*m*inner])
		}
		off += m
	}
	r := wrapIn(out, shape, ts...)
	record(r, "Concat", ts, func(g []T, grads [][]T) {
		off := 0
		for i, t := range ts {
			m := t.shape[axis]
			if grads[i] != nil {
				for o := 0; o < outer; o++ {
					addInto(grads[i][o*m*inner:(o+1)*m*inner], g[(o*total+off)*inner:(o*total+off+m)*inner])
				}
			}
			off += m
		}
	})
	return r
}

// Stack joins tensors of equal shape along a new axis.
func Stack(axis int, ts ...*Tensor) *Tensor {
	if len(ts) == 0 {
		panic("tensor.Stack: no tensors")
	}
	us := make([]*Tensor, len(ts))
	for i, t := range ts {
		if !sameShape(t.shape, ts[0].shape) {
			panic(fmt.Sprintf("tensor.Stack: tensor %d has shape %v, tensor 0 has %v", i, t.shape, ts[0].shape))
		}
		us[i] = t.Unsqueeze(axis)
	}
	return Concat(axis, us...)
}

// IndexSelect picks entries along axis: result index j along axis is t's
// index[j]. Indices may repeat; their gradients add up.
func (t *Tensor) IndexSelect(axis int, index []int) *Tensor {
	axis = t.axis("IndexSelect", axis)
	n := t.shape[axis]
	for _, x := range index {
		if x < 0 || x >= n {
			panic(fmt.Sprintf("tensor.IndexSelect: index %d out of range [0, %d) for axis %d of shape %v", x, n, axis, t.shape))
		}
	}
	idx := append([]int(nil), index...)
	t.checkLive()
	if t.dev != nil {
		return devIndexSelect(t, axis, idx)
	}
	if t.dtype == Float32 {
		return indexSelectT[float32](t, axis, idx)
	}
	return indexSelectT[float64](t, axis, idx)
}

func indexSelectT[T float](t *Tensor, axis int, idx []int) *Tensor {
	outer, n, inner := t.split(axis)
	m := len(idx)
	shape := cloneInts(t.shape)
	shape[axis] = m
	td := vals[T](t)
	out := allocDirty[T](outer*m*inner, t)
	for o := 0; o < outer; o++ {
		for j, x := range idx {
			copy(out[(o*m+j)*inner:(o*m+j+1)*inner], td[(o*n+x)*inner:(o*n+x+1)*inner])
		}
	}
	r := wrapIn(out, shape, t)
	record(r, "IndexSelect", []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		for o := 0; o < outer; o++ {
			for j, x := range idx {
				addInto(gt[(o*n+x)*inner:(o*n+x+1)*inner], g[(o*m+j)*inner:(o*m+j+1)*inner])
			}
		}
	})
	return r
}

// Gather picks one entry along axis per result element, like PyTorch's
// gather: with t of shape (..., n, ...) and index of the same shape but
// length m along axis (given flat, m = len(index)/(other lengths)), the
// result has index's shape and result[..., j, ...] = t[..., index[..., j,
// ...], ...].
func (t *Tensor) Gather(axis int, index []int) *Tensor {
	axis = t.axis("Gather", axis)
	outer, n, inner := t.split(axis)
	if outer*inner == 0 || len(index)%(outer*inner) != 0 {
		panic(fmt.Sprintf("tensor.Gather: %d indices do not fit shape %v along axis %d", len(index), t.shape, axis))
	}
	m := len(index) / (outer * inner)
	idx := append([]int(nil), index...)
	for _, x := range idx {
		if x < 0 || x >= n {
			panic(fmt.Sprintf("tensor.Gather: index %d out of range [0, %d) for axis %d of shape %v", x, n, axis, t.shape))
		}
	}
	t.checkLive()
	if t.dev != nil {
		return devGather(t, axis, idx, m)
	}
	if t.dtype == Float32 {
		return gatherT[float32](t, axis, idx, m)
	}
	return gatherT[float64](t, axis, idx, m)
}

func gatherT[T float](t *Tensor, axis int, idx []int, m int) *Tensor {
	outer, n, inner := t.split(axis)
	shape := cloneInts(t.shape)
	shape[axis] = m
	td := vals[T](t)
	out := allocDirty[T](len(idx), t)
	for o := 0; o < outer; o++ {
		for j := 0; j < m; j++ {
			for i := 0; i < inner; i++ {
				k := (o*m+j)*inner + i
				out[k] = td[(o*n+idx[k])*inner+i]
			}
		}
	}
	r := wrapIn(out, shape, t)
	record(r, "Gather", []*Tensor{t}, func(g []T, grads [][]T) {
		gt := grads[0]
		for o := 0; o < outer; o++ {
			for j := 0; j < m; j++ {
				for i := 0; i < inner; i++ {
					k := (o*m+j)*inner + i
					gt[(o*n+idx[k])*inner+i] += g[k]
				}
			}
		}
	})
	return r
}

// Expand broadcasts t to shape (a copy), summing gradients back.
func (t *Tensor) Expand(shape ...int) *Tensor {
	out := broadcastShape("Expand", t.shape, shape)
	if !sameShape(out, shape) {
		panic(fmt.Sprintf("tensor.Expand: shape %v does not expand to %v", t.shape, shape))
	}
	return t.Add(ZerosOf(t.dtype, shape...).ToDevice(t.Device()))
}
