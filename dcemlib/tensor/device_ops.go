package tensor

import (
	"fmt"
	"math"
)

// The device implementations of the shape operations, the row reductions,
// Where, GRUCell and the LML projection. Each runs its kernels through
// backend.kernel and records its gradient with recordDev.

// devInts uploads int32 indices to b (at least one element of storage).
func devInts(b backend, v []int) devMem {
	m := b.alloc(max(len(v), 1), false)
	iv := make([]int32, len(v))
	for i, x := range v {
		iv[i] = int32(x)
	}
	b.writeInts(m, iv)
	return m
}

// devCopyRows copies rows of n values: dst[r·ds + dof + j] (+)= src[r·ss + sof + j].
func devCopyRows(b backend, dst, src devMem, rows, n, ds, dof, ss, sof int, acc bool) {
	b.kernel("copy_rows", rows*n, 0, []devMem{dst, src}, []int{rows, n, ds, dof, ss, sof, b2int(acc)}, nil)
}

func b2int(v bool) int {
	if v {
		return 1
	}
	return 0
}

// devSlice is Slice on the device.
func devSlice(t *Tensor, axis, start, end int) *Tensor {
	b := devOf("Slice", t)
	outer, n, inner := t.split(axis)
	m := end - start
	shape := cloneInts(t.shape)
	shape[axis] = m
	out := b.alloc(outer*m*inner, false)
	devCopyRows(b, out, t.dev, outer, m*inner, m*inner, 0, n*inner, start*inner, false)
	r := devResult(out, shape)
	recordDev(r, "Slice", []*Tensor{t}, func(g devMem, grads []devMem) {
		devCopyRows(b, grads[0], g, outer, m*inner, n*inner, start*inner, m*inner, 0, true)
	})
	return r
}

// devConcat is Concat on the device.
func devConcat(axis int, shape []int, ts []*Tensor) *Tensor {
	b := devOf("Concat", ts...)
	total := shape[axis]
	outer, _, inner := ts[0].split(axis)
	out := b.alloc(outer*total*inner, false)
	off := 0
	offs := make([]int, len(ts))
	mems := make([]devMem, len(ts))
	for i, t := range ts {
		m := t.shape[axis]
		devCopyRows(b, out, t.dev, outer, m*inner, total*inner, off*inner, m*inner, 0, false)
		offs[i], mems[i] = off, t.dev
		off += m
	}
	r := devResult(out, shape)
	recordDev(r, "Concat", ts, func(g devMem, grads []devMem) {
		for i, t := range ts {
			if grads[i] != nil {
				m := t.shape[axis]
				devCopyRows(b, grads[i], g, outer, m*inner, m*inner, 0, total*inner, offs[i]*inner, true)
			}
		}
	})
	return r
}

// maxPermAxes is the most axes a device Permute takes after merging.
const maxPermAxes = 6

// devPermute is Permute on the device: result axis i has length shape[i]
// and stride src[i] in t.
func devPermute(t *Tensor, shape, src []int) *Tensor {
	b := devOf("Permute", t)
	// Drop axes of length 1 and merge neighbours that are contiguous in t.
	var dims, st []int
	for i, d := range shape {
		if d == 1 {
			continue
		}
		if k := len(dims) - 1; k >= 0 && st[k] == src[i]*d {
			dims[k] *= d
			st[k] = src[i]
			continue
		}
		dims, st = append(dims, d), append(st, src[i])
	}
	if len(dims) > maxPermAxes {
		panic(fmt.Sprintf("tensor.Permute: shape %v permuted to %v needs %d axes on the device; it supports %d",
			t.shape, shape, len(dims), maxPermAxes))
	}
	args := make([]int, 2+2*maxPermAxes)
	pad := maxPermAxes - len(dims)
	for i := 0; i < maxPermAxes; i++ {
		args[2+i] = 1
	}
	for i := range dims {
		args[2+pad+i], args[2+maxPermAxes+pad+i] = dims[i], st[i]
	}
	n := t.Size()
	args[0] = n
	out := b.alloc(n, false)
	args[1] = 0
	b.kernel("permute", n, 0, []devMem{out, t.dev}, args, nil)
	r := devResult(out, shape)
	recordDev(r, "Permute", []*Tensor{t}, func(g devMem, grads []devMem) {
		a := append([]int(nil), args...)
		a[1] = 1
		b.kernel("permute", n, 0, []devMem{grads[0], g}, a, nil)
	})
	return r
}

// devIndexSelect is IndexSelect on the device.
func devIndexSelect(t *Tensor, axis int, idx []int) *Tensor {
	b := devOf("IndexSelect", t)
	outer, n, inner := t.split(axis)
	m := len(idx)
	shape := cloneInts(t.shape)
	shape[axis] = m
	im := devInts(b, idx)
	out := b.alloc(outer*m*inner, false)
	b.kernel("index_select", outer*m*inner, 0, []devMem{out, t.dev, im}, []int{outer, n, m, inner}, nil)
	r := devResult(out, shape)
	recordDev(r, "IndexSelect", []*Tensor{t}, func(g devMem, grads []devMem) {
		b.kernel("index_select_grad", outer*n*inner, 0, []devMem{grads[0], g, im}, []int{outer, n, m, inner}, nil)
	})
	return r
}

// devGather is Gather on the device.
func devGather(t *Tensor, axis int, idx []int, m int) *Tensor {
	b := devOf("Gather", t)
	outer, n, inner := t.split(axis)
	shape := cloneInts(t.shape)
	shape[axis] = m
	im := devInts(b, idx)
	out := b.alloc(len(idx), false)
	b.kernel("gather", len(idx), 0, []devMem{out, t.dev, im}, []int{outer, n, m, inner}, nil)
	r := devResult(out, shape)
	recordDev(r, "Gather", []*Tensor{t}, func(g devMem, grads []devMem) {
		b.kernel("gather_grad", outer*n*inner, 0, []devMem{grads[0], g, im}, []int{outer, n, m, inner}, nil)
	})
	return r
}

// devExtremeAxis is MaxAxis and MinAxis on the device.
func devExtremeAxis(t *Tensor, name string, axis int, keepDim, isMax bool) *Tensor {
	b := devOf(name, t)
	outer, n, inner := t.split(axis)
	out := b.alloc(outer*inner, false)
	arg := b.alloc(outer*inner, false)
	b.kernel("extreme", outer*inner, 0, []devMem{out, arg, t.dev}, []int{outer, n, inner, b2int(isMax)}, nil)
	r := devResult(out, t.reducedShape(axis, keepDim))
	recordDev(r, name, []*Tensor{t}, func(g devMem, grads []devMem) {
		b.kernel("extreme_grad", outer*inner, 0, []devMem{grads[0], g, arg}, []int{outer, n, inner}, nil)
	})
	return r
}

// devLogSumExp is LogSumExp on the device.
func devLogSumExp(t *Tensor, axis int, keepDim bool) *Tensor {
	b := devOf("LogSumExp", t)
	outer, n, inner := t.split(axis)
	out := b.alloc(outer*inner, false)
	b.kernel("logsumexp", outer*inner, 0, []devMem{out, t.dev}, []int{outer, n, inner}, nil)
	r := devResult(out, t.reducedShape(axis, keepDim))
	x := t.dev
	recordDev(r, "LogSumExp", []*Tensor{t}, func(g devMem, grads []devMem) {
		b.kernel("logsumexp_grad", outer*n*inner, 0, []devMem{grads[0], g, x, out}, []int{outer, n, inner}, nil)
	})
	return r
}

// devStandardize is Standardize on the device.
func devStandardize(t *Tensor, eps float64) *Tensor {
	b := devOf("Standardize", t)
	n := t.shape[len(t.shape)-1]
	rows := t.Size() / n
	out := b.alloc(rows*n, false)
	sd := b.alloc(rows, false)
	b.kernel("standardize", rows, 0, []devMem{out, sd, t.dev}, []int{rows, n}, []float32{float32(eps)})
	r := devResult(out, t.shape)
	recordDev(r, "Standardize", []*Tensor{t}, func(g devMem, grads []devMem) {
		b.kernel("standardize_grad", rows, 0, []devMem{grads[0], g, out, sd}, []int{rows, n}, []float32{float32(eps)})
	})
	return r
}

// devWhere is Where on the device, with the choice pick made on the host.
func devWhere(pick []bool, a, c *Tensor) *Tensor {
	b := devOf("Where", a, c)
	n := a.Size()
	mask := make([]float32, n)
	for i, p := range pick {
		if p {
			mask[i] = 1
		}
	}
	mm := b.alloc(n, false)
	b.write(mm, 0, mask)
	out := b.alloc(n, false)
	b.kernel("where_sel", n, 0, []devMem{out, a.dev, c.dev, mm}, []int{n}, nil)
	r := devResult(out, a.shape)
	recordDev(r, "Where", []*Tensor{a, c}, func(g devMem, grads []devMem) {
		da, db := grads[0], grads[1]
		wa, wb := da != nil, db != nil
		if !wa {
			da = db
		}
		if !wb {
			db = da
		}
		b.kernel("where_grad", n, 0, []devMem{da, db, g, mm}, []int{n, b2int(wa), b2int(wb)}, nil)
	})
	return r
}

// devGRU is GRUCell on the device: two matrix products with their biases,
// one gate kernel; backward one gate kernel and up to four products.
func devGRU(x, h, wi, bi, wh, bh *Tensor) *Tensor {
	b := devOf("GRUCell", x, h, wi, bi, wh, bh)
	bsz, in, hs := x.shape[0], x.shape[1], h.shape[1]
	h3 := 3 * hs
	xd, hd, wid, whd := x.dev, h.dev, wi.dev, wh.dev
	gi := b.alloc(bsz*h3, false) // becomes [r, z, n]
	gh := b.alloc(bsz*h3, false) // keeps cₙ for the gradient
	beta := func(dst devMem, bias *Tensor) float32 {
		if bias == nil {
			return 0
		}
		b.fillRows(dst, bias.dev, bsz, h3)
		return 1
	}
	b.gemm(false, false, bsz, h3, in, xd, 0, in, wid, 0, h3, beta(gi, bi), gi, 0, h3)
	b.gemm(false, false, bsz, h3, hs, hd, 0, hs, whd, 0, h3, beta(gh, bh), gh, 0, h3)
	out := b.alloc(bsz*hs, false)
	b.kernel("gru_gates", bsz*hs, 0, []devMem{gi, gh, hd, out}, []int{bsz, hs}, nil)
	inputs := []*Tensor{x, h, wi, wh, bi, bh}
	if bh == nil {
		inputs = inputs[:5]
	}
	if bi == nil {
		inputs[4] = wi.Detach() // no gradient: a placeholder that keeps the positions
	}
	r := devResult(out, []int{bsz, hs})
	recordDev(r, "GRUCell", inputs, func(g devMem, grads []devMem) {
		da := b.alloc(bsz*h3, false)
		dc := b.alloc(bsz*h3, false)
		defer da.free()
		defer dc.free()
		dh := grads[1]
		dhArg := dh
		if dhArg == nil {
			dhArg = da // a placeholder the kernel does not touch
		}
		b.kernel("gru_grad", bsz*hs, 0, []devMem{da, dc, dhArg, g, gi, gh, hd}, []int{bsz, hs, b2int(dh != nil)}, nil)
		if grads[0] != nil { // dx = dA·Wiᵀ
			b.gemm(false, true, bsz, in, h3, da, 0, h3, wid, 0, h3, 1, grads[0], 0, in)
		}
		if dh != nil { // dh += dC·Whᵀ
			b.gemm(false, true, bsz, hs, h3, dc, 0, h3, whd, 0, h3, 1, dh, 0, hs)
		}
		if grads[2] != nil { // dWi = xᵀ·dA
			b.gemm(true, false, in, h3, bsz, xd, 0, in, da, 0, h3, 1, grads[2], 0, h3)
		}
		if grads[3] != nil { // dWh = hᵀ·dC
			b.gemm(true, false, hs, h3, bsz, hd, 0, hs, dc, 0, h3, 1, grads[3], 0, h3)
		}
		if len(grads) > 4 && grads[4] != nil && bi != nil {
			b.sumInner(grads[4], da, 1, bsz, h3, true)
		}
		if len(grads) > 5 && grads[5] != nil {
			b.sumInner(grads[5], dc, 1, bsz, h3, true)
		}
	})
	return r
}

// LMLOnDevice is the device kernel of the LML projection (package lml's
// Project, which dispatches to it for tensors on a device): Π_k(x/τ) over
// the last axis of the float32 device tensor x, one row per work item, by
// the same safeguarded Newton search as on the host (in double precision
// where the device has it), with the implicit gradient. eps is the
// tolerance on the root (> 0). It returns an error naming the row for
// bad parameters, NaN or ±Inf entries, or a search that does not converge.
func LMLOnDevice(x *Tensor, k int, tau, eps float64) (*Tensor, error) {
	switch {
	case !x.OnDevice():
		return nil, fmt.Errorf("tensor.LMLOnDevice: x (shape %v) is on the host; use package lml", x.shape)
	case len(x.shape) == 0:
		return nil, fmt.Errorf("tensor.LMLOnDevice: x is a scalar; want at least one axis")
	case k < 1:
		return nil, fmt.Errorf("tensor.LMLOnDevice: k = %d, want k ≥ 1", k)
	case !(tau > 0) || math.IsInf(tau, 1):
		return nil, fmt.Errorf("tensor.LMLOnDevice: tau = %g, want 0 < tau < +Inf", tau)
	case !(eps > 0) || math.IsInf(eps, 1):
		return nil, fmt.Errorf("tensor.LMLOnDevice: eps = %g, want 0 < eps < +Inf", eps)
	}
	b := devOf("LMLOnDevice", x)
	n := x.shape[len(x.shape)-1]
	rows := 0
	if n > 0 {
		rows = x.Size() / n
	}
	y := b.alloc(x.Size(), false)
	status := b.alloc(rows, false)
	defer status.free()
	b.kernel("lml_forward", rows, 0, []devMem{y, status, x.dev}, []int{rows, n, k}, []float32{float32(tau), float32(eps)})
	st := make([]int32, rows)
	b.readInts(st, status)
	for r, s := range st {
		switch {
		case s > 0:
			i := int(s) - 1
			v := make([]float32, 1)
			b.read(v, x.dev, r*n+i)
			if !math.IsNaN(float64(v[0])) && !math.IsInf(float64(v[0]), 0) {
				return nil, fmt.Errorf("row %d: entry %d: x/tau = %g/%g overflows", r, i, v[0], tau)
			}
			return nil, fmt.Errorf("row %d: entry %d is %g", r, i, v[0])
		case s < 0:
			return nil, fmt.Errorf("row %d: root search did not meet eps = %g", r, eps)
		}
	}
	res := devResult(y, x.shape)
	recordDev(res, "LML", []*Tensor{x}, func(g devMem, grads []devMem) {
		b.kernel("lml_backward", rows, 0, []devMem{grads[0], y, g}, []int{rows, n}, []float32{float32(tau)})
	})
	return res, nil
}

// NewOpOn is NewOp32 for a result on device d: value, computed on the
// host, is moved to d, and backward receives host copies of the result's
// gradient and host buffers (zeros) whose contents are added to the
// inputs' gradients on d. It is for fused operations on small tensors whose
// arithmetic stays on the host (the CEM's elite scores); on the host (d is
// CPU) it is NewOp32. The inputs must be float32 tensors on d.
func NewOpOn(d Device, name string, value []float32, shape []int, inputs []*Tensor, backward BackwardFunc32) *Tensor {
	if d.IsCPU() {
		return NewOp32(name, value, shape, inputs, backward)
	}
	n := checkShape("NewOpOn", shape)
	if n != len(value) {
		panic(fmt.Sprintf("tensor.NewOpOn %s: %d values do not fill shape %v (%d elements)", name, len(value), shape, n))
	}
	checkInputs(name, Float32, inputs)
	for i, in := range inputs {
		if in.Device() != d {
			panic(fmt.Sprintf("tensor.NewOpOn %s: input %d (shape %v) is on %v, the result on %v; move it with ToDevice",
				name, i, in.shape, in.Device(), d))
		}
	}
	b := d.b
	m := b.alloc(n, false)
	b.write(m, 0, value)
	r := devResult(m, shape)
	recordDev(r, name, inputs, func(g devMem, grads []devMem) {
		gh := make([]float32, n)
		b.read(gh, g, 0)
		hg := make([][]float32, len(grads))
		for i, gd := range grads {
			if gd != nil {
				hg[i] = make([]float32, inputs[i].Size())
			}
		}
		backward(gh, hg)
		for i, gd := range grads {
			if gd != nil && len(hg[i]) > 0 {
				tmp := b.alloc(len(hg[i]), false)
				b.write(tmp, 0, hg[i])
				b.axpy(gd, tmp, len(hg[i]), 1)
				tmp.free()
			}
		}
	})
	return r
}
