//go:build goexperiment.simd && amd64

package tensor

import (
	"fmt"
	"math"
	"testing"

	"simd/archsimd"
)

// TestVectorKernelSets runs the accuracy checks of TestFloat32Kernels on
// each vector kernel set the CPU supports, not only the one in use, so the
// eight-lane kernels stay tested on machines that use the sixteen-lane ones.
func TestVectorKernelSets(t *testing.T) {
	if !archsimd.X86.AVX2() || !archsimd.X86.FMA() {
		t.Skip("no AVX2 and FMA")
	}
	t.Run("avx2", func(t *testing.T) {
		checkKernels(t, exp32x8, sigmoid32x8, tanh32x8, softplus32x8, elu32x8)
	})
	if !archsimd.X86.AVX512() {
		t.Log("no AVX-512: the sixteen-lane kernels are not checked")
		return
	}
	t.Run("avx512", func(t *testing.T) {
		checkKernels(t, exp32x16, sigmoid32x16, tanh32x16, softplus32x16, elu32x8)
		nan := float32(math.NaN())
		in := []float32{nan, float32(math.Inf(1)), float32(math.Inf(-1))}
		for name, c := range map[string]struct {
			f    func(dst, x []float32)
			want [2]float32
		}{
			"exp": {exp32x16, [2]float32{float32(math.Inf(1)), 0}}, "sigmoid": {sigmoid32x16, [2]float32{1, 0}},
			"tanh": {tanh32x16, [2]float32{1, -1}},
		} {
			out := make([]float32, 3)
			c.f(out, in)
			if out[0] == out[0] || out[1] != c.want[0] || out[2] != c.want[1] {
				t.Errorf("%s(NaN, +Inf, −Inf) = %v, want NaN, %g, %g", name, out, c.want[0], c.want[1])
			}
		}
	})
}

// TestGRUGatesVector compares the vector GRU gate kernels with the float64
// gate arithmetic on random pre-activations, for rows whose length leaves
// every kind of tail (multiples of 16 and 8, and neither): every output,
// gate and stored cₙ must agree to 1e-6 absolute (the gates lie in [−1, 1]
// and the inputs are O(3)).
func TestGRUGatesVector(t *testing.T) {
	kernels := map[string]func(a, c, h, out, bias []float32){}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		kernels["avx2"] = gruGates32x8
	}
	if archsimd.X86.AVX512() {
		kernels["avx512"] = gruGates32x16
	}
	if len(kernels) == 0 {
		t.Skip("no vector kernels on this CPU")
	}
	rng := NewRNG(11)
	for _, hs := range []int{1, 5, 8, 16, 24, 37, 200} {
		a := RandNOf(Float32, rng, 3*hs).MulScalar(2).Data32()
		c := RandNOf(Float32, rng, 3*hs).MulScalar(2).Data32()
		h := RandNOf(Float32, rng, hs).Data32()
		bias := RandNOf(Float32, rng, 4*hs).Data32()
		wa, wc, wout := to64(a), to64(c), make([]float64, hs)
		gruGatesT(wa, wc, to64(h), wout, to64(bias))
		for name, k := range kernels {
			t.Run(fmt.Sprintf("%s/%d", name, hs), func(t *testing.T) {
				ga, gc, gout := append([]float32(nil), a...), append([]float32(nil), c...), make([]float32, hs)
				k(ga, gc, h, gout, bias)
				for _, cmp := range []struct {
					what string
					got  []float32
					want []float64
				}{{"h'", gout, wout}, {"[r, z, n]", ga, wa}, {"cₙ", gc[2*hs:], wc[2*hs:]}} {
					for i, w := range cmp.want {
						if d := math.Abs(float64(cmp.got[i]) - w); !(d <= 1e-6) {
							t.Fatalf("%s[%d] = %.8g, want %.8g", cmp.what, i, cmp.got[i], w)
						}
					}
				}
			})
		}
	}
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestVectorReLUAndAdd compares the vector ReLU, ReLU gradient and add
// kernels of each set the CPU supports with the portable loops, bit for
// bit, on slices of every length up to 70 (every tail) with zeros of both
// signs, NaN and infinities among the values.
func TestVectorReLUAndAdd(t *testing.T) {
	type kernelSet struct {
		relu     func(dst, x []float32)
		reluGrad func(dst, g, y []float32)
		add      func(y, b []float32)
	}
	sets := map[string]kernelSet{}
	if archsimd.X86.AVX2() && archsimd.X86.FMA() {
		sets["avx2"] = kernelSet{relu32x8, reluGrad32x8, add32x8}
	}
	if archsimd.X86.AVX512() {
		sets["avx512"] = kernelSet{relu32x16, reluGrad32x16, add32x16}
	}
	if len(sets) == 0 {
		t.Skip("no vector kernels on this CPU")
	}
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))}
	rng := NewRNG(8)
	same := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b }
	for n := 0; n <= 70; n++ {
		x := RandNOf(Float32, rng, n).Data32()
		g := RandNOf(Float32, rng, n).Data32()
		for i := 0; i < n; i += 7 {
			x[i] = special[(i/7)%len(special)]
		}
		wantRelu, wantGrad := make([]float32, n), make([]float32, n)
		reluF(wantRelu, x)
		reluGradT(wantGrad, g, x)
		wantAdd := append([]float32(nil), g...)
		addInto(wantAdd, x)
		for name, k := range sets {
			got := make([]float32, n)
			k.relu(got, x)
			for i := range got {
				if !same(got[i], wantRelu[i]) {
					t.Fatalf("%s relu n %d: relu(%g) = %g, want %g", name, n, x[i], got[i], wantRelu[i])
				}
			}
			k.reluGrad(got, g, x)
			for i := range got {
				if !same(got[i], wantGrad[i]) {
					t.Fatalf("%s reluGrad n %d entry %d: %g, want %g", name, n, i, got[i], wantGrad[i])
				}
			}
			got = append(got[:0], g...)
			k.add(got, x)
			for i := range got {
				if !same(got[i], wantAdd[i]) {
					t.Fatalf("%s add n %d entry %d: %g, want %g", name, n, i, got[i], wantAdd[i])
				}
			}
		}
	}
}
