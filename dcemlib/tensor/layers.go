package tensor

import (
	"fmt"
	"math"
	"slices"
)

// Act names an activation function that Affine fuses into a linear layer.
type Act int

const (
	ActIdentity Act = iota // y = x
	ActReLU                // y = max(x, 0)
	ActTanh                // y = tanh x
	ActSigmoid             // y = 1/(1 + e⁻ˣ)
	ActSoftplus            // y = log(1 + eˣ)
	ActELU                 // y = x for x > 0, eˣ − 1 otherwise (α = 1)
)

var actNames = [...]string{"identity", "relu", "tanh", "sigmoid", "softplus", "elu"}

// String returns the activation's name.
func (a Act) String() string {
	if a < 0 || int(a) >= len(actNames) {
		return fmt.Sprintf("Act(%d)", int(a))
	}
	return actNames[a]
}

// Affine returns act(x·W + b), a linear layer and its activation as one
// operation: one matrix product into a buffer that already holds the bias,
// the activation applied in place, and a backward pass of two matrix
// products and one pass over the gradient. x has shape (..., in) with at
// least two axes, W (in, out) and b (out) or nil; the result has shape
// (..., out). Operands must share a dtype. It panics on a shape mismatch.
func Affine(x, w, b *Tensor, act Act) *Tensor {
	checkAffine("Affine", x, w, b, act)
	if onDevice(x, w, b) {
		return devAffine(x, w, b, act)
	}
	if x.dtype == Float32 {
		return affineT[float32]([]*Tensor{x}, w, b, 0, w.shape[1], act)
	}
	return affineT[float64]([]*Tensor{x}, w, b, 0, w.shape[1], act)
}

// checkAffine panics unless x (..., in) with at least two axes, W
// (in, out), b (out) or nil and act fit together and share a dtype; fn
// names the operation in the message.
func checkAffine(fn string, x, w, b *Tensor, act Act) {
	if len(x.shape) < 2 || len(w.shape) != 2 || x.shape[len(x.shape)-1] != w.shape[0] {
		panic(fmt.Sprintf("tensor.%s: x %v · W %v: want x (..., in) with at least 2 axes and W (in, out)", fn, x.shape, w.shape))
	}
	checkBiasAct(fn, w, b, act)
	if b != nil {
		sameDType(fn, x, w, b)
	} else {
		sameDType(fn, x, w)
	}
}

// checkBiasAct panics unless b is nil or (out) for W (in, out), and act is
// a known activation.
func checkBiasAct(fn string, w, b *Tensor, act Act) {
	if b != nil && (len(b.shape) != 1 || b.shape[0] != w.shape[1]) {
		panic(fmt.Sprintf("tensor.%s: bias shape %v, want (%d)", fn, b.shape, w.shape[1]))
	}
	if act < 0 || int(act) >= len(actNames) {
		panic(fmt.Sprintf("tensor.%s: unknown activation %d", fn, int(act)))
	}
}

// AffineConcat returns act([x₁, …, xₖ]·W + b), Affine of the parts'
// concatenation along their last axis, without making the concatenation:
// each part multiplies its own block of W's rows, and the backward pass
// writes each part's gradient directly. The parts share their leading
// axes; their last axes add up to W's rows. A layer on a state and an
// action, or on a belief and a state, keeps no copy of its input this way.
func AffineConcat(xs []*Tensor, w, b *Tensor, act Act) *Tensor {
	if len(xs) == 0 {
		panic("tensor.AffineConcat: no inputs")
	}
	if len(w.shape) != 2 {
		panic(fmt.Sprintf("tensor.AffineConcat: W %v, want (in, out)", w.shape))
	}
	in := 0
	for i, x := range xs {
		if len(x.shape) < 2 {
			panic(fmt.Sprintf("tensor.AffineConcat: part %d has shape %v, want at least 2 axes", i, x.shape))
		}
		lead, lead0 := x.shape[:len(x.shape)-1], xs[0].shape[:len(xs[0].shape)-1]
		if !slices.Equal(lead, lead0) {
			panic(fmt.Sprintf("tensor.AffineConcat: part %d has shape %v, part 0 %v: leading axes differ", i, x.shape, xs[0].shape))
		}
		in += x.shape[len(x.shape)-1]
	}
	if in != w.shape[0] {
		panic(fmt.Sprintf("tensor.AffineConcat: parts of total width %d · W %v: want W (%d, out)", in, w.shape, in))
	}
	if len(xs) == 1 {
		return Affine(xs[0], w, b, act)
	}
	if onDevice(append(append([]*Tensor{}, xs...), w, b)...) {
		return Affine(Concat(-1, xs...), w, b, act)
	}
	checkBiasAct("AffineConcat", w, b, act)
	all := append(append([]*Tensor{}, xs...), w)
	if b != nil {
		all = append(all, b)
	}
	sameDType("AffineConcat", all...)
	if xs[0].dtype == Float32 {
		return affineT[float32](xs, w, b, 0, w.shape[1], act)
	}
	return affineT[float64](xs, w, b, 0, w.shape[1], act)
}

// AffineColumns returns act(x·W[:, lo:hi] + b[lo:hi]): outputs lo … hi−1
// of Affine(x, W, b, act) without computing the others (the mean half of a
// layer that outputs a mean and a scale, say). Its gradient reaches only
// those columns of W and b. It panics unless 0 ≤ lo < hi ≤ W's columns.
func AffineColumns(x, w, b *Tensor, lo, hi int, act Act) *Tensor {
	checkAffine("AffineColumns", x, w, b, act)
	if lo < 0 || hi <= lo || hi > w.shape[1] {
		panic(fmt.Sprintf("tensor.AffineColumns: columns %d…%d of W %v: want 0 ≤ lo < hi ≤ %d", lo, hi, w.shape, w.shape[1]))
	}
	if lo == 0 && hi == w.shape[1] {
		return Affine(x, w, b, act)
	}
	if onDevice(x, w, b) {
		return Affine(x, w, b, act).Slice(-1, lo, hi)
	}
	if x.dtype == Float32 {
		return affineT[float32]([]*Tensor{x}, w, b, lo, hi, act)
	}
	return affineT[float64]([]*Tensor{x}, w, b, lo, hi, act)
}

// affineT is Affine of the concatenation of the parts xs along their last
// axis, restricted to the output columns lo … hi−1: part i multiplies the
// block of W's rows that matches its columns.
func affineT[T float](xs []*Tensor, w, b *Tensor, lo, hi int, act Act) *Tensor {
	ldw := w.shape[1] // W's row stride
	n := hi - lo      // the result's columns
	wd := vals[T](w)
	x := xs[0]
	rows := batchSize(x.shape[:len(x.shape)-1]) // a part may have no columns
	inputs := append(append(make([]*Tensor, 0, len(xs)+2), xs...), w)
	out := allocDirty[T](rows*n, inputs...)
	var bd []T
	if b != nil {
		bd = vals[T](b)[lo:hi]
		inputs = append(inputs, b)
	}
	// Part i is columns off[i] … off[i+1] of the concatenation, and rows
	// off[i] … off[i+1] of W; its block of W starts at blk(i).
	off := make([]int, len(xs)+1)
	blk := func(i int) int { return off[i]*ldw + lo }
	needGrad := w.node != nil || (b != nil && b.node != nil)
	for i, p := range xs {
		off[i+1] = off[i] + p.shape[len(p.shape)-1]
		k := off[i+1] - off[i]
		gemmStrided(false, false, rows, n, k, vals[T](p), k, wd[blk(i):], ldw, out, n, T(min(i, 1)))
		needGrad = needGrad || p.node != nil
	}
	var sig []T // σ(pre-activation) for the softplus gradient
	if act == ActSoftplus && needGrad {
		sig = allocDirty[T](len(out), x)
	}
	// One pass over the product adds the bias and applies the activation,
	// a block of rows at a time while it is in cache (the bias is not
	// copied into every row before the product).
	parallelRows(rows, n, func(r0, r1 int) {
		const block = 16
		for b0 := r0; b0 < r1; b0 += block {
			b1 := min(b0+block, r1)
			if bd != nil {
				for o := b0 * n; o < b1*n; o += n {
					addBias(out[o:o+n], bd)
				}
			}
			var s []T
			if sig != nil {
				s = sig[b0*n : b1*n]
			}
			activate(act, out[b0*n:b1*n], s)
		}
	})
	shape := append(cloneInts(x.shape[:len(x.shape)-1]), n)
	r := wrapIn(out, shape, inputs...)
	np := len(xs)
	record(r, "Affine", inputs, func(g []T, grads [][]T) {
		gp := g // the gradient of the pre-activation: g itself for the identity
		if act != ActIdentity {
			gp = getBufDirty[T](len(g))
			parallelSlices(len(g), func(i0, i1 int) {
				var s []T
				if sig != nil {
					s = sig[i0:i1]
				}
				activationGrad(act, gp[i0:i1], g[i0:i1], out[i0:i1], s)
			})
			defer putBuf(gp)
		}
		for i, p := range xs {
			k := off[i+1] - off[i]
			if grads[i] != nil { // dXᵢ = Gp·Wᵢᵀ
				gemmStrided(false, true, rows, k, n, gp, n, wd[blk(i):], ldw, grads[i], k, 1)
			}
			if grads[np] != nil { // dWᵢ = Xᵢᵀ·Gp
				gemmStrided(true, false, k, n, rows, vals[T](p), k, gp, n, grads[np][blk(i):], ldw, 1)
			}
		}
		if len(grads) > np+1 && grads[np+1] != nil {
			colSumInto(grads[np+1][lo:hi], gp, n)
		}
	})
	return r
}

// addBias adds b to y elementwise (len(y) = len(b)).
func addBias[T float](y, b []T) {
	if v, ok := any(y).([]float32); ok {
		add32(v, any(b).([]float32))
		return
	}
	addInto(y, b)
}

// activate applies act to y in place; sig, when not nil, receives σ of the
// input for softplus.
func activate[T float](act Act, y, sig []T) {
	switch act {
	case ActReLU:
		if v, ok := any(y).([]float32); ok {
			relu32(v, v)
		} else {
			reluF(y, y)
		}
	case ActTanh:
		switch v := any(y).(type) {
		case []float32:
			tanh32(v, v)
		case []float64:
			for i, x := range v {
				v[i] = math.Tanh(x)
			}
		}
	case ActSigmoid:
		switch v := any(y).(type) {
		case []float32:
			sigmoid32(v, v)
		case []float64:
			for i, x := range v {
				v[i] = sigmoid(x)
			}
		}
	case ActSoftplus:
		switch v := any(y).(type) {
		case []float32:
			s, _ := any(sig).([]float32)
			softplus32(v, v, s)
		case []float64:
			s, _ := any(sig).([]float64)
			softplus64(v, v, s)
		}
	case ActELU:
		switch v := any(y).(type) {
		case []float32:
			elu32(v, v, 1)
		case []float64:
			for i, x := range v {
				if x <= 0 {
					v[i] = math.Expm1(x)
				}
			}
		}
	}
}

// activationGrad writes g ⊙ act'(x) into dst, from the activation's output
// y (and σ(x) for softplus).
func activationGrad[T float](act Act, dst, g, y, sig []T) {
	y = y[:len(g)]
	dst = dst[:len(g)]
	switch act {
	case ActIdentity:
		copy(dst, g)
	case ActReLU:
		if d, ok := any(dst).([]float32); ok {
			reluGrad32(d, any(g).([]float32), any(y).([]float32))
		} else {
			reluGradT(dst, g, y)
		}
	case ActTanh:
		for i, v := range g {
			dst[i] = v * (1 - y[i]*y[i])
		}
	case ActSigmoid:
		for i, v := range g {
			dst[i] = v * y[i] * (1 - y[i])
		}
	case ActSoftplus:
		sig = sig[:len(g)]
		for i, v := range g {
			dst[i] = v * sig[i]
		}
	case ActELU:
		for i, v := range g {
			if y[i] > 0 {
				dst[i] = v
			} else {
				dst[i] = v * (y[i] + 1)
			}
		}
	}
}

// colSumInto adds the column sums of the rows×n matrix g into dst.
func colSumInto[T float](dst, g []T, n int) {
	dst = dst[:n]
	if d32, ok := any(dst).([]float32); ok {
		// Row by row as below (the same sums), with the vector add.
		g32 := any(g).([]float32)
		for o := 0; o+n <= len(g32); o += n {
			add32(d32, g32[o:o+n])
		}
		return
	}
	for o := 0; o+n <= len(g); o += n {
		row := g[o : o+n]
		for j, v := range row {
			dst[j] += v
		}
	}
}

// GRUCell returns the next hidden state of a gated recurrent unit (Cho et
// al. 2014) in PyTorch's form, as one operation:
//
//	[aᵣ, a𝓏, aₙ] = x·Wi + bi,  [cᵣ, c𝓏, cₙ] = h·Wh + bh
//	r = σ(aᵣ + cᵣ),  z = σ(a𝓏 + c𝓏),  n = tanh(aₙ + r ⊙ cₙ)
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// x is (B, in), h (B, H), Wi (in, 3H), Wh (H, 3H), bi and bh (3H) or nil,
// the gates side by side in the order r, z, n. The forward pass is two
// matrix products and one pass of gate arithmetic; the backward pass one
// pass of gate arithmetic and four matrix products (two more when x and h
// need gradients). All operands must share a dtype.
func GRUCell(x, h, wi, bi, wh, bh *Tensor) *Tensor {
	if len(x.shape) != 2 || len(h.shape) != 2 || x.shape[0] != h.shape[0] {
		panic(fmt.Sprintf("tensor.GRUCell: x %v and h %v, want (B, in) and (B, H)", x.shape, h.shape))
	}
	in, hs := x.shape[1], h.shape[1]
	if !sameShape(wi.shape, []int{in, 3 * hs}) || !sameShape(wh.shape, []int{hs, 3 * hs}) {
		panic(fmt.Sprintf("tensor.GRUCell: Wi %v and Wh %v, want (%d, %d) and (%d, %d)", wi.shape, wh.shape, in, 3*hs, hs, 3*hs))
	}
	ts := []*Tensor{x, h, wi, wh}
	for _, b := range []*Tensor{bi, bh} {
		if b != nil {
			if !sameShape(b.shape, []int{3 * hs}) {
				panic(fmt.Sprintf("tensor.GRUCell: bias shape %v, want (%d)", b.shape, 3*hs))
			}
			ts = append(ts, b)
		}
	}
	sameDType("GRUCell", ts...)
	if onDevice(ts...) {
		return devGRU(x, h, wi, bi, wh, bh)
	}
	if x.dtype == Float32 {
		return gruT[float32](x, h, wi, bi, wh, bh)
	}
	return gruT[float64](x, h, wi, bi, wh, bh)
}

func gruT[T float](x, h, wi, bi, wh, bh *Tensor) *Tensor {
	bsz, in, hs := x.shape[0], x.shape[1], h.shape[1]
	h3 := 3 * hs
	xd, hd, wid, whd := vals[T](x), vals[T](h), vals[T](wi), vals[T](wh)
	inputs := []*Tensor{x, h, wi, wh, bi, bh}
	if bh == nil {
		inputs = inputs[:5]
	}
	if bi == nil {
		inputs[4] = wi.Detach() // no gradient: a placeholder that keeps the positions
	}
	a := arenaOf([]*Tensor{x, h})
	graph := !(a != nil && a.noGrad) && gradInputs(inputs) != nil
	// gi becomes [r, z, n] after the gate pass, which the gradient needs;
	// without a graph both products are scratch, reused while in cache.
	var gi []T
	if graph {
		gi = allocDirty[T](bsz*h3, x, h)
	} else {
		gi = getBufDirty[T](bsz * h3)
		defer putBuf(gi)
	}
	gh := getBufDirty[T](bsz * h3) // h·Wh, then cₙ in its n-part
	defer putBuf(gh)
	// The biases join in the gate pass (no bias rows copied before the
	// products): [bᵢᵣ + bₕᵣ, bᵢ𝓏 + bₕ𝓏, bᵢₙ, bₕₙ].
	bias := getBuf[T](4 * hs)
	defer putBuf(bias)
	if bi != nil {
		bd := vals[T](bi)
		copy(bias[:2*hs], bd[:2*hs])
		copy(bias[2*hs:3*hs], bd[2*hs:])
	}
	if bh != nil {
		bd := vals[T](bh)
		for j, v := range bd[:2*hs] {
			bias[j] += v
		}
		copy(bias[3*hs:], bd[2*hs:])
	}
	gemm(false, false, bsz, h3, in, xd, wid, gi, 0)
	gemm(false, false, bsz, h3, hs, hd, whd, gh, 0)
	out := allocDirty[T](bsz*hs, x, h)
	for b := 0; b < bsz; b++ {
		gruGates(gi[b*h3:(b+1)*h3], gh[b*h3:(b+1)*h3], hd[b*hs:(b+1)*hs], out[b*hs:(b+1)*hs], bias)
	}
	r := wrapIn(out, []int{bsz, hs}, x, h)
	if !graph {
		return r
	}
	// The gradient needs r, z, n (in gi) and cₙ = (h·Wh)ₙ + bₕₙ, kept
	// apart: a third of h·Wh.
	cnAll := allocDirty[T](bsz*hs, x, h)
	for b := 0; b < bsz; b++ {
		copy(cnAll[b*hs:(b+1)*hs], gh[b*h3+2*hs:(b+1)*h3])
	}
	record(r, "GRUCell", inputs, func(g []T, grads [][]T) {
		da := getBufDirty[T](bsz * h3) // gradient of x·Wi + bi
		dc := getBufDirty[T](bsz * h3) // gradient of h·Wh + bh
		dh := grads[1]
		for b := 0; b < bsz; b++ {
			a := gi[b*h3 : (b+1)*h3]
			r, z, n := a[:hs], a[hs:2*hs], a[2*hs:h3]
			cn := cnAll[b*hs : (b+1)*hs]
			hb := hd[b*hs : (b+1)*hs]
			gb := g[b*hs : (b+1)*hs]
			var dhb []T
			if dh != nil {
				dhb = dh[b*hs : (b+1)*hs]
			}
			gruGateGrad(gb, r, z, n, cn, hb, da[b*h3:(b+1)*h3], dc[b*h3:(b+1)*h3], dhb)
		}
		if grads[0] != nil { // dx = dA·Wiᵀ
			gemm(false, true, bsz, in, h3, da, wid, grads[0], 1)
		}
		if dh != nil { // dh += dC·Whᵀ
			gemm(false, true, bsz, hs, h3, dc, whd, dh, 1)
		}
		if grads[2] != nil { // dWi = xᵀ·dA
			gemm(true, false, in, h3, bsz, xd, da, grads[2], 1)
		}
		if grads[3] != nil { // dWh = hᵀ·dC
			gemm(true, false, hs, h3, bsz, hd, dc, grads[3], 1)
		}
		if len(grads) > 4 && grads[4] != nil && bi != nil {
			colSumInto(grads[4], da, h3)
		}
		if len(grads) > 5 && grads[5] != nil {
			colSumInto(grads[5], dc, h3)
		}
		putBuf(da)
		putBuf(dc)
	})
	return r
}

func gateSigmoid[T float](v []T) {
	switch s := any(v).(type) {
	case []float32:
		sigmoid32(s, s)
	case []float64:
		for i, x := range s {
			s[i] = sigmoid(x)
		}
	}
}

func gateTanh[T float](v []T) {
	switch s := any(v).(type) {
	case []float32:
		tanh32(s, s)
	case []float64:
		for i, x := range s {
			s[i] = math.Tanh(x)
		}
	}
}

// gruGateGrad is the gate arithmetic of GRUCell's backward pass for one
// row: from the gradient g of h' and the saved gates r, z, n, cₙ and state
// h, it writes the gradients of the pre-activations [aᵣ, a𝓏, aₙ] into da and
// of [cᵣ, c𝓏, cₙ] into dc, and adds g ⊙ z into dh when dh is not nil.
func gruGateGrad[T float](g, r, z, n, cn, h, da, dc, dh []T) {
	if g32, ok := any(g).([]float32); ok {
		var dh32 []float32
		if dh != nil {
			dh32 = any(dh).([]float32)
		}
		gruGateGrad32(g32, any(r).([]float32), any(z).([]float32), any(n).([]float32), any(cn).([]float32),
			any(h).([]float32), any(da).([]float32), any(dc).([]float32), dh32)
		return
	}
	gruGateGradT(g, r, z, n, cn, h, da, dc, dh)
}

func gruGateGradT[T float](g, r, z, n, cn, h, da, dc, dh []T) {
	gruGateGradFrom(0, g, r, z, n, cn, h, da, dc, dh)
}

// gruGateGradFrom is gruGateGradT for the elements j0.. of the row: the
// portable code, and the tail of the vectorized one.
func gruGateGradFrom[T float](j0 int, g, r, z, n, cn, h, da, dc, dh []T) {
	hs := len(g)
	r, z, n, cn, h = r[:hs], z[:hs], n[:hs], cn[:hs], h[:hs]
	for j := j0; j < hs; j++ {
		gj := g[j]
		dn := gj * (1 - z[j]) * (1 - n[j]*n[j])
		dz := gj * (h[j] - n[j]) * z[j] * (1 - z[j])
		dr := dn * cn[j] * r[j] * (1 - r[j])
		da[j], da[hs+j], da[2*hs+j] = dr, dz, dn
		dc[j], dc[hs+j], dc[2*hs+j] = dr, dz, dn*r[j]
		if dh != nil {
			dh[j] += gj * z[j]
		}
	}
}

// gruGates is the gate arithmetic of GRUCell's forward pass for one row:
// a = x·Wi and c = h·Wh are the two products, bias is
// [bᵢᵣ + bₕᵣ, bᵢ𝓏 + bₕ𝓏, bᵢₙ, bₕₙ] and h the state; it overwrites a with the
// gates [r, z, n] and the n-part of c with cₙ + bₕₙ (both kept for the
// backward pass) and writes h' into out.
func gruGates[T float](a, c, h, out, bias []T) {
	if a32, ok := any(a).([]float32); ok {
		gruGates32(a32, any(c).([]float32), any(h).([]float32), any(out).([]float32), any(bias).([]float32))
		return
	}
	gruGatesT(a, c, h, out, bias)
}

func gruGatesT[T float](a, c, h, out, bias []T) { gruGatesFrom(0, a, c, h, out, bias) }

// gruGatesFrom is gruGatesT for the elements j0.. of the row: the portable
// code, and the tail of the vectorized one.
func gruGatesFrom[T float](j0 int, a, c, h, out, bias []T) {
	hs := len(out)
	bias = bias[:4*hs]
	for j := j0; j < hs; j++ {
		a[j] += c[j] + bias[j]
		a[hs+j] += c[hs+j] + bias[hs+j]
	}
	gateSigmoid(a[j0:hs])
	gateSigmoid(a[hs+j0 : 2*hs])
	r, z, n := a[:hs], a[hs:2*hs], a[2*hs:3*hs]
	cn := c[2*hs : 3*hs]
	for j := j0; j < hs; j++ {
		cn[j] += bias[3*hs+j]
		n[j] += bias[2*hs+j] + r[j]*cn[j]
	}
	gateTanh(n[j0:])
	h = h[:hs]
	for j := j0; j < hs; j++ {
		out[j] = n[j] + z[j]*(h[j]-n[j])
	}
}
