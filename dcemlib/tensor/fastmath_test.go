package tensor

import (
	"math"
	"testing"
)

func TestLog1pUnit(t *testing.T) {
	worst := 0.0
	for i := 0; i <= 100000; i++ {
		e := float64(i) / 100000
		got, want := log1pUnit(e), math.Log1p(e)
		if want > 0 {
			worst = math.Max(worst, math.Abs(got-want)/want)
		} else if got != 0 {
			t.Fatalf("log1pUnit(0) = %g", got)
		}
	}
	for _, e := range []float64{1e-300, 1e-17, 1e-9, 1e-5, math.Sqrt2 - 1, math.Nextafter(math.Sqrt2-1, 1)} {
		worst = math.Max(worst, math.Abs(log1pUnit(e)-math.Log1p(e))/math.Log1p(e))
	}
	if worst > 8e-16 { // under four ulps
		t.Errorf("largest relative error %g, want ≤ 8e-16", worst)
	}
}

// TestFloat32Kernels compares each float32 elementwise kernel, the portable
// ones and the vectorized ones in use (see SIMD), with the float64 function
// on a dense grid and at the edges: every result must be within 2 ulps of
// float32 (relative 2.4e-7) of the correctly rounded value; values below
// float32's smallest normal number (1.2e-38) may flush to zero.
func TestFloat32Kernels(t *testing.T) {
	t.Logf("vector kernels: %s", SIMD())
	sets := []struct {
		name               string
		exp, sigmoid, tanh func(dst, x []float32)
		softplus           func(dst, x, sig []float32)
		elu                func(dst, x []float32, alpha float64)
	}{
		{"scalar", exp32Scalar, sigmoid32Scalar, tanh32Scalar, softplus32Scalar, elu32Scalar},
		{"in use", exp32, sigmoid32, tanh32, softplus32, elu32},
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			checkKernels(t, set.exp, set.sigmoid, set.tanh, set.softplus, set.elu)
		})
	}
}

func checkKernels(t *testing.T, exp32, sigmoid32, tanh32 func(dst, x []float32),
	softplus32 func(dst, x, sig []float32), elu32 func(dst, x []float32, alpha float64)) {
	var xs []float32
	for i := -20000; i <= 20000; i++ {
		xs = append(xs, float32(i)/500) // [-40, 40]
	}
	xs = append(xs, -104, -100, -88, 88, 88.7, 1e-30, -1e-30, 1e-8, -1e-8, 0, 3e-5, -3e-5, 0.49999, 0.5, 0.50001, 1000, -1000)
	type kernel struct {
		name string
		f32  func(dst, x []float32)
		f64  func(float64) float64
	}
	ks := []kernel{
		{"exp", exp32, math.Exp},
		{"sigmoid", sigmoid32, sigmoid},
		{"tanh", tanh32, math.Tanh},
		{"softplus", func(d, x []float32) { softplus32(d, x, nil) }, softplus},
		{"elu", func(d, x []float32) { elu32(d, x, 1) }, func(x float64) float64 {
			if x > 0 {
				return x
			}
			return math.Expm1(x)
		}},
	}
	for _, k := range ks {
		got := make([]float32, len(xs))
		k.f32(got, xs)
		for i, x := range xs {
			want := k.f64(float64(x))
			if math.IsInf(want, 1) {
				if !math.IsInf(float64(got[i]), 1) {
					t.Errorf("%s(%g) = %g, want +Inf", k.name, x, got[i])
				}
				continue
			}
			d := math.Abs(float64(got[i]) - want)
			if !(d <= 2.4e-7*math.Abs(want) || d <= 1.2e-38) {
				t.Errorf("%s(%g) = %.9g, want %.9g (rel. error %.3g)", k.name, x, got[i], want, d/math.Abs(want))
				break
			}
		}
	}
	// The softplus gradient buffer holds σ(x).
	sp, sig := make([]float32, len(xs)), make([]float32, len(xs))
	softplus32(sp, xs, sig)
	for i, x := range xs {
		if want := sigmoid(float64(x)); !(math.Abs(float64(sig[i])-want) <= 2.4e-7*want+1.2e-38) {
			t.Fatalf("σ(%g) from softplus = %g, want %g", x, sig[i], want)
		}
	}
}

// TestFloat32KernelsSpecial checks NaN and infinities through both kernel
// sets.
func TestFloat32KernelsSpecial(t *testing.T) {
	nan := float32(math.NaN())
	in := []float32{nan, float32(math.Inf(1)), float32(math.Inf(-1))}
	type k struct {
		name string
		f    func(dst, x []float32)
		want []float64 // for +Inf and −Inf
	}
	for _, c := range []k{
		{"exp", exp32, []float64{math.Inf(1), 0}}, {"exp scalar", exp32Scalar, []float64{math.Inf(1), 0}},
		{"sigmoid", sigmoid32, []float64{1, 0}}, {"tanh", tanh32, []float64{1, -1}},
		{"tanh scalar", tanh32Scalar, []float64{1, -1}},
		{"softplus", func(d, x []float32) { softplus32(d, x, nil) }, []float64{math.Inf(1), 0}},
		{"elu", func(d, x []float32) { elu32(d, x, 1) }, []float64{math.Inf(1), -1}},
		{"relu", relu32, []float64{math.Inf(1), 0}},
	} {
		out := make([]float32, len(in))
		c.f(out, in)
		if out[0] == out[0] {
			t.Errorf("%s(NaN) = %g", c.name, out[0])
		}
		if float64(out[1]) != c.want[0] || float64(out[2]) != c.want[1] {
			t.Errorf("%s(±Inf) = %g, %g, want %g, %g", c.name, out[1], out[2], c.want[0], c.want[1])
		}
	}
}

func TestReLUGrad32(t *testing.T) {
	g := RandNOf(Float32, NewRNG(5), 37).Data32()
	y := RandNOf(Float32, NewRNG(6), 37).ReLU().Data32()
	got, want := make([]float32, 37), make([]float32, 37)
	reluGrad32(got, g, y)
	reluGrad32Scalar(want, g, y)
	for i := range want {
		if got[i] != want[i] || (y[i] == 0 && got[i] != 0) || (y[i] > 0 && got[i] != g[i]) {
			t.Fatalf("element %d: %g, want %g", i, got[i], want[i])
		}
	}
}

func BenchmarkSoftplus32(b *testing.B) {
	x := RandNOf(Float32, NewRNG(1), 1<<16).MulScalar(3).Data32()
	dst := make([]float32, len(x))
	b.SetBytes(int64(len(x)))
	for b.Loop() {
		softplus32(dst, x, nil)
	}
}

func BenchmarkSoftplus64(b *testing.B) {
	x := RandN(NewRNG(1), 1<<16).MulScalar(3).Data()
	dst := make([]float64, len(x))
	b.SetBytes(int64(len(x)))
	for b.Loop() {
		softplus64(dst, x, nil)
	}
}
