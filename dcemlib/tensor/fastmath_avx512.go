//go:build goexperiment.simd && amd64

package tensor

import "simd/archsimd"

// Sixteen-lane AVX-512 versions of the float32 kernels the planner's
// rollouts and the dense layers spend their elementwise time in: exp,
// sigmoid, tanh, softplus, ReLU and its gradient, the bias add and the GRU
// gates. They compute the same polynomials as the eight-lane kernels of
// fastmath_simd.go, so they pass the same accuracy tests; on cores with
// full-width AVX-512 units they do twice the work per instruction.

type f16 = archsimd.Float32x16

func bc16(v float32) f16 { return archsimd.BroadcastFloat32x16(v) }

// useAVX512 installs the sixteen-lane kernels where the CPU has AVX-512
// (F, CD, BW, DQ and VL). It is called by the eight-lane kernels' init, so
// that the wider kernels win.
func useAVX512() {
	if !archsimd.X86.AVX512() {
		return
	}
	exp32, sigmoid32, tanh32, softplus32 = exp32x16, sigmoid32x16, tanh32x16, softplus32x16
	relu32, reluGrad32, add32 = relu32x16, reluGrad32x16, add32x16
	gruGates32 = gruGates32x16
	simdName = "avx512"
}

// expx16 is expx8 on sixteen lanes.
func expx16(x f16) f16 {
	xc := x.Max(bc16(-87.5)).Min(bc16(88.72))
	k := xc.Mul(bc16(1.44269504088896341)).RoundToEvenScaled(0)
	r := k.MulAdd(bc16(-0.693359375), xc)
	r = k.MulAdd(bc16(2.12194440e-4), r)
	p := bc16(1.0 / 5040)
	p = p.MulAdd(r, bc16(1.0/720))
	p = p.MulAdd(r, bc16(1.0/120))
	p = p.MulAdd(r, bc16(1.0/24))
	p = p.MulAdd(r, bc16(1.0/6))
	p = p.MulAdd(r, bc16(0.5))
	p = p.MulAdd(r, bc16(1))
	p = p.MulAdd(r, bc16(1))
	e := k.ConvertToInt32().Add(archsimd.BroadcastInt32x16(126)).ShiftAllLeft(23).AsFloat32x16()
	y := p.Mul(e).Mul(bc16(2))
	y = y.Merge(bc16(0), x.GreaterEqual(bc16(-87.5)))
	y = y.Merge(bc16(float32(inf32)), x.LessEqual(bc16(88.72)))
	return y.Merge(x, x.Equal(x))
}

func abs16(x f16) f16 {
	return x.AsInt32x16().And(archsimd.BroadcastInt32x16(0x7fffffff)).AsFloat32x16()
}

// expm1x16 is expm1x8 on sixteen lanes.
func expm1x16(x f16) f16 {
	p := bc16(1.0 / 40320)
	p = p.MulAdd(x, bc16(1.0/5040))
	p = p.MulAdd(x, bc16(1.0/720))
	p = p.MulAdd(x, bc16(1.0/120))
	p = p.MulAdd(x, bc16(1.0/24))
	p = p.MulAdd(x, bc16(1.0/6))
	p = p.MulAdd(x, bc16(0.5))
	p = p.MulAdd(x, bc16(1))
	small := p.Mul(x)
	large := expx16(x).Sub(bc16(1))
	return large.Merge(small, abs16(x).GreaterEqual(bc16(0.5)))
}

func sigmoidx16(v f16) f16 { return bc16(1).Div(bc16(1).Add(expx16(bc16(0).Sub(v)))) }

// tanhx16 is tanhx8 on sixteen lanes.
func tanhx16(v f16) f16 {
	m := expm1x16(abs16(v).Min(bc16(20)).Mul(bc16(2)))
	t := m.Div(m.Add(bc16(2)))
	sign := v.AsInt32x16().And(archsimd.BroadcastInt32x16(-0x80000000))
	t = abs16(t).AsInt32x16().Or(sign).AsFloat32x16()
	return t.Merge(v, v.Equal(v))
}

// log1pUnitx16 is log1pUnitx8 on sixteen lanes.
func log1pUnitx16(u f16) f16 {
	s := u.Div(u.Add(bc16(2)))
	z := s.Mul(s)
	p := bc16(1.0 / 17)
	p = p.MulAdd(z, bc16(1.0/15))
	p = p.MulAdd(z, bc16(1.0/13))
	p = p.MulAdd(z, bc16(1.0/11))
	p = p.MulAdd(z, bc16(1.0/9))
	p = p.MulAdd(z, bc16(1.0/7))
	p = p.MulAdd(z, bc16(1.0/5))
	p = p.MulAdd(z, bc16(1.0/3))
	p = p.MulAdd(z, bc16(1))
	return s.Add(s).Mul(p)
}

// softplus32x16 is softplus32x8 on sixteen lanes, its loop body written
// out rather than passed as a function: a call per vector through a
// function value costs about as much as the arithmetic here.
func softplus32x16(dst, x, sig []float32) {
	x = x[:len(dst)]
	zero, one := bc16(0), bc16(1)
	i := 0
	for ; i+16 <= len(dst); i += 16 {
		v := archsimd.LoadFloat32x16Slice(x[i:])
		e := expx16(zero.Sub(abs16(v))) // e^−|x| in (0, 1]
		v.Max(zero).Add(log1pUnitx16(e)).Merge(v, v.Equal(v)).StoreSlice(dst[i:])
		if sig != nil {
			inv := one.Div(one.Add(e))
			inv.Merge(e.Mul(inv), v.GreaterEqual(zero)).StoreSlice(sig[i:]) // σ(x)
		}
	}
	archsimd.ClearAVXUpperBits()
	if i < len(dst) {
		var tail []float32
		if sig != nil {
			tail = sig[i:]
		}
		softplus32x8(dst[i:], x[i:], tail)
	}
}

// The kernels below write their loops out instead of sharing one loop
// that calls the lane function through a function value: such a call per
// vector costs about as much as the arithmetic of a sigmoid. The tail of a
// slice goes through a partial load and store.

func exp32x16(dst, x []float32) {
	x = x[:len(dst)]
	i := 0
	for ; i+16 <= len(dst); i += 16 {
		expx16(archsimd.LoadFloat32x16Slice(x[i:])).StoreSlice(dst[i:])
	}
	if i < len(dst) {
		expx16(archsimd.LoadFloat32x16SlicePart(x[i:])).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

func sigmoid32x16(dst, x []float32) {
	x = x[:len(dst)]
	i := 0
	for ; i+16 <= len(dst); i += 16 {
		sigmoidx16(archsimd.LoadFloat32x16Slice(x[i:])).StoreSlice(dst[i:])
	}
	if i < len(dst) {
		sigmoidx16(archsimd.LoadFloat32x16SlicePart(x[i:])).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

func tanh32x16(dst, x []float32) {
	x = x[:len(dst)]
	i := 0
	for ; i+16 <= len(dst); i += 16 {
		tanhx16(archsimd.LoadFloat32x16Slice(x[i:])).StoreSlice(dst[i:])
	}
	if i < len(dst) {
		tanhx16(archsimd.LoadFloat32x16SlicePart(x[i:])).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

// relu32x16 is relu32x8 on sixteen lanes.
func relu32x16(dst, x []float32) {
	x = x[:len(dst)]
	zero := bc16(0)
	relu := func(v f16) f16 { return v.Merge(zero, v.Greater(zero)).Merge(v, v.Equal(v)) }
	i := 0
	for ; i+16 <= len(dst); i += 16 {
		relu(archsimd.LoadFloat32x16Slice(x[i:])).StoreSlice(dst[i:])
	}
	if i < len(dst) {
		relu(archsimd.LoadFloat32x16SlicePart(x[i:])).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

// reluGrad32x16 is reluGrad32x8 on sixteen lanes.
func reluGrad32x16(dst, g, y []float32) {
	y = y[:len(g)]
	dst = dst[:len(g)]
	zero := bc16(0)
	i := 0
	for ; i+16 <= len(g); i += 16 {
		yv := archsimd.LoadFloat32x16Slice(y[i:])
		archsimd.LoadFloat32x16Slice(g[i:]).Merge(zero, yv.Greater(zero)).StoreSlice(dst[i:])
	}
	if i < len(g) {
		yv := archsimd.LoadFloat32x16SlicePart(y[i:])
		archsimd.LoadFloat32x16SlicePart(g[i:]).Merge(zero, yv.Greater(zero)).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

// add32x16 adds b into y, sixteen lanes at a time.
func add32x16(y, b []float32) {
	b = b[:len(y)]
	i := 0
	for ; i+16 <= len(y); i += 16 {
		archsimd.LoadFloat32x16Slice(y[i:]).Add(archsimd.LoadFloat32x16Slice(b[i:])).StoreSlice(y[i:])
	}
	if i < len(y) {
		archsimd.LoadFloat32x16SlicePart(y[i:]).Add(archsimd.LoadFloat32x16SlicePart(b[i:])).StoreSlicePart(y[i:])
	}
	archsimd.ClearAVXUpperBits()
}

// gruGates32x16 is gruGatesT for float32, sixteen lanes at a time; the
// tail of a row (BeliefSize 200 leaves 8) goes to the eight-lane kernel.
func gruGates32x16(a, c, h, out, bias []float32) {
	hs := len(out)
	j := 0
	ld := archsimd.LoadFloat32x16Slice
	for ; j+16 <= hs; j += 16 {
		r := sigmoidx16(ld(a[j:]).Add(ld(c[j:])).Add(ld(bias[j:])))
		z := sigmoidx16(ld(a[hs+j:]).Add(ld(c[hs+j:])).Add(ld(bias[hs+j:])))
		cn := ld(c[2*hs+j:]).Add(ld(bias[3*hs+j:]))
		n := tanhx16(r.MulAdd(cn, ld(a[2*hs+j:]).Add(ld(bias[2*hs+j:]))))
		r.StoreSlice(a[j:])
		z.StoreSlice(a[hs+j:])
		n.StoreSlice(a[2*hs+j:])
		cn.StoreSlice(c[2*hs+j:])
		z.MulAdd(ld(h[j:]).Sub(n), n).StoreSlice(out[j:])
	}
	archsimd.ClearAVXUpperBits()
	if j < hs {
		gruGatesTail(j, a, c, h, out, bias)
	}
}
