//go:build goexperiment.simd && amd64

package lml

import (
	"math"
	"math/rand/v2"
	"testing"

	"simd/archsimd"
)

// ulps returns the distance between a and b in units in the last place.
func ulps(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(b)*0x1p-52, 0x1p-1074)
}

// TestExpx8 checks the vector exponential against math.Exp to 2 ulps over
// the whole range, subnormal results and the special values included.
func TestExpx8(t *testing.T) {
	if !archsimd.X86.AVX512() {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	xs := []float64{0, math.Copysign(0, -1), 1, -1, 1e-300, -1e-300, 0.5 * math.Ln2, -0.5 * math.Ln2,
		709, 709.78, 709.79, 710, -708, -708.5, -740, -745.13, -745.14, -746, -1e4, 1e4,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64}
	for range 20000 {
		xs = append(xs, -750+760*rng.Float64(), 2*rng.NormFloat64())
	}
	for len(xs)%8 != 0 {
		xs = append(xs, 0)
	}
	got := make([]float64, len(xs))
	for i := 0; i < len(xs); i += 8 {
		expx8(archsimd.LoadFloat64x8Slice(xs[i:])).StoreSlice(got[i:])
	}
	for i, x := range xs {
		want := math.Exp(x)
		if x > 709 && x < 709.782 {
			// Go's assembly exp overflows early here; eˣ = e·eˣ⁻¹ is finite.
			want = math.E * math.Exp(x-1)
		}
		switch {
		case math.IsNaN(want):
			if !math.IsNaN(got[i]) {
				t.Errorf("exp(%g) = %g, want NaN", x, got[i])
			}
		case math.IsInf(want, 0) || want == 0:
			if got[i] != want {
				t.Errorf("exp(%g) = %g, want %g", x, got[i], want)
			}
		case want < 0x1p-1022: // subnormal: absolute error of a couple of units
			if d := math.Abs(got[i] - want); d > 2*0x1p-1074 {
				t.Errorf("exp(%g) = %g, want %g (off by %g)", x, got[i], want, d)
			}
		default:
			if u := ulps(got[i], want); u > 2 {
				t.Errorf("exp(%g) = %.17g, want %.17g (%.1f ulps)", x, got[i], want, u)
			}
		}
	}
}

// TestVectorKernelsMatchScalar runs the vector row kernels and the scalar
// ones on the same float32 rows (lengths 1–41, so every tail length occurs, and
// spreads up to 2000 so that w overflows) and compares what they compute.
func TestVectorKernelsMatchScalar(t *testing.T) {
	if !archsimd.X86.AVX512() {
		t.Skip("no AVX-512")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 1; n <= 41; n++ {
		for _, scale := range []float64{1e-3, 1, 30, 1000} {
			x32 := make([]float32, n)
			for i := range x32 {
				x32[i] = float32(scale * rng.NormFloat64())
			}
			inv := 1 / 0.7
			as, zs := make([]float64, n), make([]float64, n)
			av, zv := make([]float64, n), make([]float64, n)
			wmax, wmin, wsum, _ := setupScalar(as, zs, x32, inv)
			gmax, gmin, gsum, ok := setup32x8(av, zv, x32, inv)
			if !ok || gmax != wmax || gmin != wmin || math.Abs(gsum-wsum) > 1e-12*(1+math.Abs(wsum)) {
				t.Fatalf("n %d scale %g: setup = %g %g %g %v, want %g %g %g", n, scale, gmax, gmin, gsum, ok, wmax, wmin, wsum)
			}
			for i := range zs {
				if zv[i] != zs[i] || !(ulps(av[i], as[i]) <= 2 || math.Abs(av[i]-as[i]) <= 2*0x1p-1074) {
					t.Fatalf("n %d scale %g entry %d: z %g a %g, want %g %g", n, scale, i, zv[i], av[i], zs[i], as[i])
				}
			}
			// w = exp(−(ν + zmax)) from 1 to 0 and Inf.
			for _, nu := range []float64{-wmax, -wmin, -(wmax + wmin) / 2, -wmax + 800, -wmax - 800, -wmin + 5} {
				w := math.Exp(-(nu + wmax))
				s, d := sumsScalar(as, zs, w, nu)
				gs, gd := sums64x8(as, zs, w, nu)
				if !(math.Abs(gs-s) <= 1e-13*float64(n)) || !(math.Abs(gd-d) <= 1e-13*float64(n)) {
					t.Fatalf("n %d scale %g nu %g: sums %g %g, want %g %g", n, scale, nu, gs, gd, s, d)
				}
				y, yv := make([]float32, n), make([]float32, n)
				writeScalar(y, as, zs, w, nu)
				write32x8(yv, as, zs, w, nu)
				for i := range y {
					if !(math.Abs(float64(yv[i]-y[i])) <= 6e-8) {
						t.Fatalf("n %d scale %g nu %g entry %d: y %g, want %g", n, scale, nu, i, yv[i], y[i])
					}
				}
			}
		}
	}
	// A non-finite entry in a full group of eight, or its quotient by τ, is
	// reported as not ok.
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32} {
		x := make([]float32, 16)
		x[11] = bad
		if _, _, _, ok := setup32x8(make([]float64, 16), make([]float64, 16), x, 1e300); ok {
			t.Errorf("setup with entry %g ok", bad)
		}
	}
}
