//go:build goexperiment.simd && amd64

package tensor

import "simd/archsimd"

// Vectorized float32 kernels: eight lanes of AVX2 with fused multiply-adds.
// Each computes the same functions as the scalar kernels in fastmath.go to
// float32 accuracy (a few ulps), without branches: special ranges are
// handled by masks. Slices are processed eight elements at a time, the tail
// through a partial load and store. Every kernel ends with VZEROUPPER
// (archsimd.ClearAVXUpperBits), also before a scalar tail: Go's scalar
// floating point is SSE code, which runs several times slower while the
// upper halves of the vector registers are dirty.

func init() {
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		exp32, sigmoid32, tanh32, softplus32, elu32 = exp32x8, sigmoid32x8, tanh32x8, softplus32x8, elu32x8
		reluGrad32 = reluGrad32x8
		relu32 = relu32x8
		add32 = add32x8
		gruGateGrad32 = gruGateGrad32x8
		gruGates32 = gruGates32x8
		simdName = "avx2+fma"
		useAVX512()
	}
}

type f8 = archsimd.Float32x8

func bc(v float32) f8 { return archsimd.BroadcastFloat32x8(v) }

// expx8 returns eˣ lane by lane: x = k·ln2 + r with k = round(x/ln2), eʳ by
// its degree-7 Taylor polynomial (|r| ≤ ln2/2, truncation 5e-9), and 2ᵏ
// built in the exponent bits (as 2ᵏ⁻¹·2, so that k = 128 stays finite).
// Below −87.5 the result is 0, above 88.72 it is +Inf; NaN stays NaN.
func expx8(x f8) f8 {
	xc := x.Max(bc(-87.5)).Min(bc(88.72))
	k := xc.Mul(bc(1.44269504088896341)).RoundToEven()
	r := k.MulAdd(bc(-0.693359375), xc) // ln2 split in a short high part
	r = k.MulAdd(bc(2.12194440e-4), r)  // and the rest
	p := bc(1.0 / 5040)
	p = p.MulAdd(r, bc(1.0/720))
	p = p.MulAdd(r, bc(1.0/120))
	p = p.MulAdd(r, bc(1.0/24))
	p = p.MulAdd(r, bc(1.0/6))
	p = p.MulAdd(r, bc(0.5))
	p = p.MulAdd(r, bc(1))
	p = p.MulAdd(r, bc(1))
	e := k.ConvertToInt32().Add(archsimd.BroadcastInt32x8(126)).ShiftAllLeft(23).AsFloat32x8()
	y := p.Mul(e).Mul(bc(2))
	y = y.Merge(bc(0), x.GreaterEqual(bc(-87.5)))
	y = y.Merge(bc(float32(inf32)), x.LessEqual(bc(88.72)))
	return y.Merge(x, x.Equal(x)) // NaN in, NaN out
}

var inf32 = func() float64 { z := 0.0; return 1 / z }()

// expm1x8 returns eˣ − 1, by its Taylor polynomial of degree 8 where
// |x| < 0.5 (no cancellation) and from expx8 elsewhere.
func expm1x8(x f8) f8 {
	p := bc(1.0 / 40320)
	p = p.MulAdd(x, bc(1.0/5040))
	p = p.MulAdd(x, bc(1.0/720))
	p = p.MulAdd(x, bc(1.0/120))
	p = p.MulAdd(x, bc(1.0/24))
	p = p.MulAdd(x, bc(1.0/6))
	p = p.MulAdd(x, bc(0.5))
	p = p.MulAdd(x, bc(1))
	small := p.Mul(x)
	large := expx8(x).Sub(bc(1))
	a := abs8(x)
	return large.Merge(small, a.GreaterEqual(bc(0.5)))
}

// log1pUnitx8 returns log(1 + u) for u in [0, 1]: 2·atanh(s) with
// s = u/(2 + u) ≤ 1/3, as the series 2s(1 + s²/3 + … + s¹⁶/17).
func log1pUnitx8(u f8) f8 {
	s := u.Div(u.Add(bc(2)))
	z := s.Mul(s)
	p := bc(1.0 / 17)
	p = p.MulAdd(z, bc(1.0/15))
	p = p.MulAdd(z, bc(1.0/13))
	p = p.MulAdd(z, bc(1.0/11))
	p = p.MulAdd(z, bc(1.0/9))
	p = p.MulAdd(z, bc(1.0/7))
	p = p.MulAdd(z, bc(1.0/5))
	p = p.MulAdd(z, bc(1.0/3))
	p = p.MulAdd(z, bc(1))
	return s.Add(s).Mul(p)
}

func abs8(x f8) f8 {
	return x.AsInt32x8().And(archsimd.BroadcastInt32x8(0x7fffffff)).AsFloat32x8()
}

// copySign8 returns |a| with the sign of b.
func copySign8(a, b f8) f8 {
	sign := b.AsInt32x8().And(archsimd.BroadcastInt32x8(-0x80000000))
	return abs8(a).AsInt32x8().Or(sign).AsFloat32x8()
}

// mapx8 applies f to x eight lanes at a time into dst.
func mapx8(dst, x []float32, f func(f8) f8) {
	x = x[:len(dst)]
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		f(archsimd.LoadFloat32x8Slice(x[i:])).StoreSlice(dst[i:])
	}
	if i < len(dst) {
		f(archsimd.LoadFloat32x8SlicePart(x[i:])).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

func exp32x8(dst, x []float32) { mapx8(dst, x, expx8) }

// sigmoidx8 returns 1/(1 + e⁻ˣ); e⁻ˣ = +Inf below −88.7 gives 0, as it
// should.
func sigmoidx8(v f8) f8 { return bc(1).Div(bc(1).Add(expx8(bc(0).Sub(v)))) }

// tanhx8 returns tanh x = sign(x)·m/(m + 2) with m = e^{2|x|} − 1, |x|
// capped at 20 (tanh 20 = 1 in float32).
func tanhx8(v f8) f8 {
	m := expm1x8(abs8(v).Min(bc(20)).Mul(bc(2)))
	t := m.Div(m.Add(bc(2)))
	return copySign8(t, v).Merge(v, v.Equal(v))
}

func sigmoid32x8(dst, x []float32) { mapx8(dst, x, sigmoidx8) }

func tanh32x8(dst, x []float32) { mapx8(dst, x, tanhx8) }

// gruGates32x8 is gruGatesT for float32: all gates of eight lanes at once.
func gruGates32x8(a, c, h, out, bias []float32) { gruGatesTail(0, a, c, h, out, bias) }

// gruGatesTail is gruGates32x8 for the elements j.. of the row.
func gruGatesTail(j int, a, c, h, out, bias []float32) {
	hs := len(out)
	for ; j+8 <= hs; j += 8 {
		ld := archsimd.LoadFloat32x8Slice
		r := sigmoidx8(ld(a[j:]).Add(ld(c[j:])).Add(ld(bias[j:])))
		z := sigmoidx8(ld(a[hs+j:]).Add(ld(c[hs+j:])).Add(ld(bias[hs+j:])))
		cn := ld(c[2*hs+j:]).Add(ld(bias[3*hs+j:]))
		n := tanhx8(r.MulAdd(cn, ld(a[2*hs+j:]).Add(ld(bias[2*hs+j:]))))
		r.StoreSlice(a[j:])
		z.StoreSlice(a[hs+j:])
		n.StoreSlice(a[2*hs+j:])
		cn.StoreSlice(c[2*hs+j:])
		hv := ld(h[j:])
		z.MulAdd(hv.Sub(n), n).StoreSlice(out[j:])
	}
	archsimd.ClearAVXUpperBits()
	if j < hs {
		gruGatesFrom(j, a, c, h, out, bias)
	}
}

func softplus32x8(dst, x, sig []float32) {
	x = x[:len(dst)]
	body := func(v f8) (y, s f8) {
		e := expx8(bc(0).Sub(abs8(v))) // e^−|x| in (0, 1]
		y = v.Max(bc(0)).Add(log1pUnitx8(e))
		inv := bc(1).Div(bc(1).Add(e))
		s = inv.Merge(e.Mul(inv), v.GreaterEqual(bc(0))) // σ(x)
		return y.Merge(v, v.Equal(v)), s
	}
	i := 0
	for ; i+8 <= len(dst); i += 8 {
		y, s := body(archsimd.LoadFloat32x8Slice(x[i:]))
		y.StoreSlice(dst[i:])
		if sig != nil {
			s.StoreSlice(sig[i:])
		}
	}
	if i < len(dst) {
		y, s := body(archsimd.LoadFloat32x8SlicePart(x[i:]))
		y.StoreSlicePart(dst[i:])
		if sig != nil {
			s.StoreSlicePart(sig[i:])
		}
	}
	archsimd.ClearAVXUpperBits()
}

func elu32x8(dst, x []float32, alpha float64) {
	a := bc(float32(alpha))
	mapx8(dst, x, func(v f8) f8 {
		neg := expm1x8(v.Min(bc(0))).Mul(a)
		return v.Merge(neg, v.Greater(bc(0))).Merge(v, v.Equal(v)) // NaN stays NaN
	})
}

// reluGrad32x8 writes g where y > 0 and 0 elsewhere, with a mask instead of
// a branch (the signs of activations are as good as random).
func reluGrad32x8(dst, g, y []float32) {
	y = y[:len(g)]
	dst = dst[:len(g)]
	i := 0
	for ; i+8 <= len(g); i += 8 {
		yv := archsimd.LoadFloat32x8Slice(y[i:])
		archsimd.LoadFloat32x8Slice(g[i:]).Merge(bc(0), yv.Greater(bc(0))).StoreSlice(dst[i:])
	}
	if i < len(g) {
		yv := archsimd.LoadFloat32x8SlicePart(y[i:])
		archsimd.LoadFloat32x8SlicePart(g[i:]).Merge(bc(0), yv.Greater(bc(0))).StoreSlicePart(dst[i:])
	}
	archsimd.ClearAVXUpperBits()
}

// gruGateGrad32x8 is gruGateGradT for float32, eight lanes at a time.
func gruGateGrad32x8(g, r, z, n, cn, h, da, dc, dh []float32) {
	hs := len(g)
	one := bc(1)
	j := 0
	for ; j+8 <= hs; j += 8 {
		gj := archsimd.LoadFloat32x8Slice(g[j:])
		rj := archsimd.LoadFloat32x8Slice(r[j:])
		zj := archsimd.LoadFloat32x8Slice(z[j:])
		nj := archsimd.LoadFloat32x8Slice(n[j:])
		cj := archsimd.LoadFloat32x8Slice(cn[j:])
		hj := archsimd.LoadFloat32x8Slice(h[j:])
		dn := gj.Mul(one.Sub(zj)).Mul(one.Sub(nj.Mul(nj)))
		dz := gj.Mul(hj.Sub(nj)).Mul(zj).Mul(one.Sub(zj))
		dr := dn.Mul(cj).Mul(rj).Mul(one.Sub(rj))
		dr.StoreSlice(da[j:])
		dz.StoreSlice(da[hs+j:])
		dn.StoreSlice(da[2*hs+j:])
		dr.StoreSlice(dc[j:])
		dz.StoreSlice(dc[hs+j:])
		dn.Mul(rj).StoreSlice(dc[2*hs+j:])
		if dh != nil {
			gj.MulAdd(zj, archsimd.LoadFloat32x8Slice(dh[j:])).StoreSlice(dh[j:])
		}
	}
	archsimd.ClearAVXUpperBits()
	if j < hs {
		gruGateGradFrom(j, g, r, z, n, cn, h, da, dc, dh)
	}
}

// relu32x8 writes max(x, 0) as Go's max gives it: NaN for NaN (a vector
// max would give 0 and hide it) and +0 for −0.
func relu32x8(dst, x []float32) {
	mapx8(dst, x, func(v f8) f8 { return v.Merge(bc(0), v.Greater(bc(0))).Merge(v, v.Equal(v)) })
}

// add32x8 adds b into y, eight lanes at a time.
func add32x8(y, b []float32) {
	b = b[:len(y)]
	i := 0
	for ; i+8 <= len(y); i += 8 {
		archsimd.LoadFloat32x8Slice(y[i:]).Add(archsimd.LoadFloat32x8Slice(b[i:])).StoreSlice(y[i:])
	}
	if i < len(y) {
		archsimd.LoadFloat32x8SlicePart(y[i:]).Add(archsimd.LoadFloat32x8SlicePart(b[i:])).StoreSlicePart(y[i:])
	}
	archsimd.ClearAVXUpperBits()
}
