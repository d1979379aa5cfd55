//go:build goexperiment.simd && amd64

package tensor

import "simd/archsimd"

// Sixteen-lane AVX-512 versions of the float32 kernels the planner's
// rollouts spend their elementwise time in: exp, sigmoid, tanh and the GRU
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
	exp32, sigmoid32, tanh32 = exp32x16, sigmoid32x16, tanh32x16
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

// mapx16 applies f to x sixteen lanes at a time into dst.
func mapx16(dst, x []float32, f func(f16) f16) {
	x = x[:len(dst)]
	i := 0
	for ; i+16 <= len(dst); i += 16 {
		f(archsimd.LoadFloat32x16Slice(x[i:])).StoreSlice(dst[i:])
	}
	if i < len(dst) {
		f(archsimd.LoadFloat32x16SlicePart(x[i:])).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

func exp32x16(dst, x []float32)     { mapx16(dst, x, expx16) }
func sigmoid32x16(dst, x []float32) { mapx16(dst, x, sigmoidx16) }
func tanh32x16(dst, x []float32)    { mapx16(dst, x, tanhx16) }

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
