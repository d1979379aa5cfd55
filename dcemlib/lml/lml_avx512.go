//go:build goexperiment.simd && amd64

package lml

import (
	"math"

	"simd/archsimd"
)

// Eight-lane AVX-512 versions of the row kernels for float32 rows, in
// float64 lanes: the exponentials of the entries by expx8 (within 2 ulps of
// math.Exp), and the Newton sums and the final σᵢ with vector divisions.
// Only whole groups of eight go through the vectors; the rest of a row,
// and every evaluation where w underflows to 0 (aᵢ·w may then be Inf·0,
// which needs the direct form) or overflows, take the scalar path.

type f64x8 = archsimd.Float64x8

func bcd(v float64) f64x8 { return archsimd.BroadcastFloat64x8(v) }

func init() {
	if !archsimd.X86.AVX512() {
		return
	}
	kernels32 = rowKernels{setup: setup32x8, sums: sums64x8, write: write32x8}
}

// expx8 returns eˣ lane by lane: x = k·ln2 + r with k = round(x/ln2),
// |r| ≤ ln2/2, eʳ by its Taylor polynomial of degree 13 (truncation below
// 1e-17 relative) and the product with 2ᵏ by VSCALEFPD, which also rounds
// results below the normal range to subnormals. Below −745.14 it returns 0
// and above 709.79 +Inf, as math.Exp does; NaN stays NaN.
func expx8(x f64x8) f64x8 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 6.93147180369123816490e-01 // ln 2 in 32 bits, so k·ln2hi is exact
		ln2lo = 1.90821492927058770002e-10
		under = -7.45133219101941108420e+02
		over  = 7.09782712893383973096e+02
	)
	xc := x.Max(bcd(-746)).Min(bcd(710))
	k := xc.Mul(bcd(log2e)).RoundToEvenScaled(0)
	r := k.MulAdd(bcd(-ln2hi), xc)
	r = k.MulAdd(bcd(-ln2lo), r)
	p := bcd(1.0 / 6227020800) // 1/13!
	p = p.MulAdd(r, bcd(1.0/479001600))
	p = p.MulAdd(r, bcd(1.0/39916800))
	p = p.MulAdd(r, bcd(1.0/3628800))
	p = p.MulAdd(r, bcd(1.0/362880))
	p = p.MulAdd(r, bcd(1.0/40320))
	p = p.MulAdd(r, bcd(1.0/5040))
	p = p.MulAdd(r, bcd(1.0/720))
	p = p.MulAdd(r, bcd(1.0/120))
	p = p.MulAdd(r, bcd(1.0/24))
	p = p.MulAdd(r, bcd(1.0/6))
	p = p.MulAdd(r, bcd(0.5))
	p = p.MulAdd(r, bcd(1))
	p = p.MulAdd(r, bcd(1))
	y := p.Scale(k)
	y = y.Merge(bcd(0), x.GreaterEqual(bcd(under)))
	y = y.Merge(bcd(math.Inf(1)), x.LessEqual(bcd(over)))
	return y.Merge(x, x.Equal(x))
}

// hsum returns the sum of the eight lanes.
func hsum(v f64x8) float64 {
	var l [8]float64
	v.Store(&l)
	return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]))
}

func hmax(v f64x8) float64 {
	var l [8]float64
	v.Store(&l)
	m := l[0]
	for _, e := range l[1:] {
		if e > m {
			m = e
		}
	}
	return m
}

func hmin(v f64x8) float64 {
	var l [8]float64
	v.Store(&l)
	m := l[0]
	for _, e := range l[1:] {
		if e < m {
			m = e
		}
	}
	return m
}

// setup32x8 is setupScalar for float32 rows, eight entries at a time.
func setup32x8(a, z []float64, x []float32, inv float64) (zmax, zmin, zsum float64, ok bool) {
	n := len(z)
	x = x[:n]
	zmax, zmin = math.Inf(-1), math.Inf(1)
	i := 0
	if n >= 8 {
		iv := bcd(inv)
		vmax, vmin, vsum, bad := bcd(zmax), bcd(zmin), bcd(0), bcd(0)
		for ; i+8 <= n; i += 8 {
			zi := archsimd.LoadFloat32x8Slice(x[i:]).ConvertToFloat64().Mul(iv)
			bad = zi.MulAdd(bcd(0), bad) // NaN once some zᵢ is ±Inf or NaN
			zi.StoreSlice(z[i:])
			vmax, vmin, vsum = vmax.Max(zi), vmin.Min(zi), vsum.Add(zi)
		}
		if hsum(bad) != 0 {
			archsimd.ClearAVXUpperBits()
			return 0, 0, 0, false
		}
		zmax, zmin, zsum = hmax(vmax), hmin(vmin), hsum(vsum)
		archsimd.ClearAVXUpperBits()
	}
	if zmax, zmin, zsum, ok = scanScalar(z[i:], x[i:], inv, zmax, zmin, zsum); !ok {
		return 0, 0, 0, false
	}
	i = 0
	for vm := bcd(zmax); i+8 <= n; i += 8 {
		expx8(vm.Sub(archsimd.LoadFloat64x8Slice(z[i:]))).StoreSlice(a[i:])
	}
	archsimd.ClearAVXUpperBits()
	for ; i < n; i++ {
		a[i] = math.Exp(zmax - z[i])
	}
	return zmax, zmin, zsum, true
}

func sums64x8(a, z []float64, w, nu float64) (sum, dsum float64) {
	if w == 0 || math.IsInf(w, 1) {
		return sumsScalar(a, z, w, nu)
	}
	one, wv := bcd(1), bcd(w)
	vs, vd := bcd(0), bcd(0)
	i := 0
	for ; i+8 <= len(a); i += 8 {
		sg := one.Div(archsimd.LoadFloat64x8Slice(a[i:]).MulAdd(wv, one))
		vs = vs.Add(sg)
		vd = sg.MulAdd(one.Sub(sg), vd)
	}
	sum, dsum = hsum(vs), hsum(vd)
	archsimd.ClearAVXUpperBits()
	s, d := sumsScalar(a[i:], z[i:], w, nu)
	return sum + s, dsum + d
}

func write32x8(y []float32, a, z []float64, w, nu float64) {
	if w == 0 || math.IsInf(w, 1) {
		writeScalar(y, a, z, w, nu)
		return
	}
	one, wv := bcd(1), bcd(w)
	i := 0
	for ; i+8 <= len(a); i += 8 {
		one.Div(archsimd.LoadFloat64x8Slice(a[i:]).MulAdd(wv, one)).ConvertToFloat32().StoreSlice(y[i:])
	}
	archsimd.ClearAVXUpperBits()
	writeScalar(y[i:], a[i:], z[i:], w, nu)
}
