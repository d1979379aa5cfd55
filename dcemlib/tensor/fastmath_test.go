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

// TestFloat32Kernels compares each float32 elementwise kernel with the
// float64 function on a dense grid and at the edges: every result must be
// within 2 ulps of float32 (relative 2.4e-7, or absolute 1e-7 near zero
// crossings) of the correctly rounded value.
func TestFloat32Kernels(t *testing.T) {
	var xs []float32
	for i := -20000; i <= 20000; i++ {
		xs = append(xs, float32(i)/500) // [-40, 40]
	}
	xs = append(xs, -104, -100, -88, 88, 88.7, 1e-30, -1e-30, 1e-8, -1e-8, 0, 3e-5, -3e-5)
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
			if d > 2.4e-7*math.Abs(want) && d > 1e-38 && !(d <= 1e-7*math.Abs(want)+1e-45) {
				t.Errorf("%s(%g) = %.9g, want %.9g (rel. error %.3g)", k.name, x, got[i], want, d/math.Abs(want))
				break
			}
		}
	}
	// The softplus gradient buffer holds σ(x).
	sp, sig := make([]float32, len(xs)), make([]float32, len(xs))
	softplus32(sp, xs, sig)
	for i, x := range xs {
		if want := sigmoid(float64(x)); math.Abs(float64(sig[i])-want) > 2.4e-7*want+1e-45 {
			t.Fatalf("σ(%g) from softplus = %g, want %g", x, sig[i], want)
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
