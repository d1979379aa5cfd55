//go:build goexperiment.simd && amd64

package nn

import "simd/archsimd"

func init() {
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		adamStep32 = adamStep32x8
	}
}

// adamStep32x8 is adamStep for float32, eight parameters at a time; the
// square root and the division are the vector instructions, correctly
// rounded like their scalar forms.
func adamStep32x8(p, g, m, v []float32, b1, b2, lr1, inv2, eps, wd float64) {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	c1, c2 := archsimd.BroadcastFloat32x8(float32(b1)), archsimd.BroadcastFloat32x8(float32(b2))
	d1, d2 := archsimd.BroadcastFloat32x8(float32(1-b1)), archsimd.BroadcastFloat32x8(float32(1-b2))
	lr, iv, ep := archsimd.BroadcastFloat32x8(float32(lr1)), archsimd.BroadcastFloat32x8(float32(inv2)), archsimd.BroadcastFloat32x8(float32(eps))
	w := archsimd.BroadcastFloat32x8(float32(wd))
	j := 0
	for ; j+8 <= n; j += 8 {
		pj := archsimd.LoadFloat32x8Slice(p[j:])
		gj := archsimd.LoadFloat32x8Slice(g[j:])
		if wd != 0 {
			gj = w.MulAdd(pj, gj)
		}
		mj := c1.Mul(archsimd.LoadFloat32x8Slice(m[j:])).Add(d1.Mul(gj))
		vj := c2.Mul(archsimd.LoadFloat32x8Slice(v[j:])).Add(d2.Mul(gj).Mul(gj))
		mj.StoreSlice(m[j:])
		vj.StoreSlice(v[j:])
		step := lr.Mul(mj).Div(vj.Mul(iv).Sqrt().Add(ep))
		pj.Sub(step).StoreSlice(p[j:])
	}
	archsimd.ClearAVXUpperBits() // before scalar code (see tensor's kernels)
	if j < n {
		adamStep(p[j:], g[j:], m[j:], v[j:], b1, b2, lr1, inv2, eps, wd)
	}
}
