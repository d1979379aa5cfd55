package cem

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// maxDiff returns max |a − b| over the values of two tensors.
func maxDiff(a, b *tensor.Tensor) float64 {
	av, bv := a.Values(), b.Values()
	d := 0.0
	for i := range av {
		d = math.Max(d, math.Abs(av[i]-bv[i]))
	}
	return d
}

// TestFloat32Solve runs the same DCEM solve (B, n, S, k) = (4, 5, 200, 20),
// 10 iterations, same seed, in float64 and float32. The float32 draws are
// the float64 ones rounded, so the solves differ only by rounding, which
// the soft weights pass on smoothly: the means and stds (of order 1;
// float32 resolves 6e-8) agree to 5e-6 (3e-7 seen), the gradients of Σ μ_T
// with respect to the quadratic's centre, the initial mean and the initial
// std to 5e-5 of their scale (2e-6 seen).
func TestFloat32Solve(t *testing.T) {
	const b, n = 4, 5
	cv := tensor.RandN(tensor.NewRNG(4), b, 1, n).MulScalar(2).Float32().Float64() // exactly representable
	for _, tau := range []float64{1, 0.3} {
		cfg := Config{Samples: 200, Elites: 20, Iters: 10, Temp: tau, Seed: 6, MinStd: 1e-3}
		run := func(dt tensor.DType) (*Result, []*tensor.Tensor) {
			c := cv.Detach().To(dt).Detach().RequiresGrad()
			mean := tensor.ZerosOf(dt, b, n).RequiresGrad()
			std := tensor.FullOf(dt, 1.5, b, n).RequiresGrad()
			res, err := Solve(context.Background(), quadratic(c), mean, std, cfg)
			if err != nil {
				t.Fatal(err)
			}
			res.Mean.Sum().Backward()
			return res, []*tensor.Tensor{c.Grad(), mean.Grad(), std.Grad()}
		}
		r64, g64 := run(tensor.Float64)
		r32, g32 := run(tensor.Float32)
		if r32.Mean.DType() != tensor.Float32 || r32.Std.DType() != tensor.Float32 || r32.Best.DType() != tensor.Float32 {
			t.Fatalf("τ = %g: result dtypes %v %v %v, want float32", tau, r32.Mean.DType(), r32.Std.DType(), r32.Best.DType())
		}
		if d := maxDiff(r32.Mean, r64.Mean); d > 5e-6 {
			t.Errorf("τ = %g: means differ by %g > 5e-6:\n%v\n%v", tau, d, r32.Mean, r64.Mean)
		}
		if d := maxDiff(r32.Std, r64.Std); d > 5e-6 {
			t.Errorf("τ = %g: stds differ by %g > 5e-6", tau, d)
		}
		for i, name := range []string{"centre", "mean", "std"} {
			scale := 0.0
			for _, v := range g64[i].Data() {
				scale = math.Max(scale, math.Abs(v))
			}
			if g32[i].DType() != tensor.Float32 {
				t.Fatalf("gradient of %s is %v", name, g32[i].DType())
			}
			if d := maxDiff(g32[i], g64[i]); d > 5e-5*math.Max(scale, 1) {
				t.Errorf("τ = %g: gradients with respect to the %s differ by %g (scale %g)", tau, name, d, scale)
			}
		}
	}
}

// TestFloat32HardAndFunc: hard CEM in float32 follows the float64 iterates
// while no rank flips (a short solve with well separated values), and
// SolveFunc32 matches SolveFunc.
func TestFloat32HardAndFunc(t *testing.T) {
	cfg := Config{Samples: 100, Elites: 10, Iters: 5, Seed: 2}
	c := tensor.New([]float64{1, -2, 0.5}, 1, 1, 3)
	r64, err := Solve(context.Background(), quadratic(c), tensor.Zeros(1, 3), tensor.Scalar(1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	r32, err := Solve(context.Background(), quadratic(c.Float32()), tensor.ZerosOf(tensor.Float32, 1, 3), tensor.FullOf(tensor.Float32, 1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(r32.Mean, r64.Mean); d > 1e-5 {
		t.Errorf("hard CEM: means differ by %g > 1e-5", d)
	}
	for _, tau := range []float64{0, 1} {
		cfg.Temp = tau
		f64 := func(x [][]float64) []float64 { return rastrigin(x) }
		f32 := func(x [][]float32) []float32 {
			v := make([]float32, len(x))
			for i, r := range x {
				s := 10 * float64(len(r))
				for _, xi := range r {
					s += float64(xi)*float64(xi) - 10*math.Cos(2*math.Pi*float64(xi))
				}
				v[i] = float32(s)
			}
			return v
		}
		a, err := SolveFunc(context.Background(), f64, []float64{0.3, -0.2}, []float64{0.5}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := SolveFunc32(context.Background(), f32, []float32{0.3, -0.2}, []float32{0.5}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for d := range a.Mean {
			if math.Abs(float64(b.Mean[d])-a.Mean[d]) > 1e-4 || math.Abs(float64(b.Std[d])-a.Std[d]) > 1e-4 {
				t.Errorf("τ = %g: SolveFunc32 mean %v std %v, SolveFunc %v %v", tau, b.Mean, b.Std, a.Mean, a.Std)
			}
		}
	}
}

// TestDTypeErrors: a std of another dtype is an error naming both; an
// objective returning float64 values for float32 samples is converted.
func TestDTypeErrors(t *testing.T) {
	cfg := Config{Samples: 10, Elites: 2, Iters: 2, Temp: 1}
	_, err := Solve(context.Background(), quadratic(tensor.Zeros(1, 1, 2).Float32()), tensor.ZerosOf(tensor.Float32, 1, 2), tensor.Scalar(1), cfg)
	if err == nil || !strings.Contains(err.Error(), "std is float64, want the mean's dtype float32") {
		t.Errorf("mixed dtypes: %v", err)
	}
	f := func(x *tensor.Tensor) *tensor.Tensor { return quadratic(tensor.Zeros(1, 1, 2))(x.Float64()) }
	res, err := Solve(context.Background(), f, tensor.ZerosOf(tensor.Float32, 1, 2), tensor.FullOf(tensor.Float32, 1), cfg)
	if err != nil || res.Mean.DType() != tensor.Float32 {
		t.Errorf("float64 values for float32 samples: %v", err)
	}
}

// TestFusedQuadratic: the benchmarks' fused objective gives the solve of
// the composed one.
func TestFusedQuadratic(t *testing.T) {
	cfg := Config{Samples: 30, Elites: 5, Iters: 4, Temp: 1, Seed: 2}
	var grads [2]*tensor.Tensor
	var means [2]*tensor.Tensor
	for i, f := range []func(*tensor.Tensor) Objective{quadratic, fusedQuadratic[float64]} {
		c := tensor.New([]float64{0.5, -1, 2, 0.3}, 2, 1, 2).RequiresGrad()
		res, err := Solve(context.Background(), f(c), tensor.Zeros(2, 2), tensor.Scalar(1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		res.Mean.Sum().Backward()
		means[i], grads[i] = res.Mean, c.Grad()
	}
	if d := maxDiff(means[0], means[1]); d > 1e-12 {
		t.Errorf("means differ by %g", d)
	}
	if d := maxDiff(grads[0], grads[1]); d > 1e-12 {
		t.Errorf("gradients differ by %g", d)
	}
}

// TestArena: a solve whose mean is in an arena gives the heap solve's
// result and gradient bit for bit, and the objective's tensors join the
// arena.
func TestArena(t *testing.T) {
	cfg := Config{Samples: 50, Elites: 5, Iters: 4, Temp: 1, Seed: 3}
	var means, grads [2]*tensor.Tensor
	for i := range 2 {
		a := tensor.NewArena()
		c := tensor.New([]float64{0.5, -1, 2, 0.3}, 2, 1, 2).RequiresGrad()
		mean := tensor.Zeros(2, 2)
		if i == 1 {
			mean = a.Use(mean)
		}
		inArena := false
		f := func(x *tensor.Tensor) *tensor.Tensor {
			v := quadratic(c)(x)
			inArena = v.Arena() == a
			return v
		}
		res, err := Solve(context.Background(), f, mean, tensor.Scalar(1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if inArena != (i == 1) {
			t.Errorf("objective values in the arena: %v, want %v", inArena, i == 1)
		}
		res.Mean.Sum().Backward()
		means[i], grads[i] = res.Mean.Clone(), c.Grad().Clone()
		a.Reset()
	}
	if d := maxDiff(means[0], means[1]); d != 0 {
		t.Errorf("means differ by %g", d)
	}
	if d := maxDiff(grads[0], grads[1]); d != 0 {
		t.Errorf("gradients differ by %g", d)
	}
}

// TestNoiseDTypes: noise of the other dtype is converted: a float32 solve
// replays float64 noise exactly as the same noise given in float32, and a
// float64 solve follows a float32 one given the same draws.
func TestNoiseDTypes(t *testing.T) {
	g := tensor.NewRNG(8)
	var n64, n32 []*tensor.Tensor
	for range 3 {
		e := tensor.RandN(g, 1, 30, 2).Float32().Float64() // exactly representable
		n64, n32 = append(n64, e), append(n32, e.Float32())
	}
	c := tensor.New([]float64{1, -1}, 1, 1, 2)
	run := func(dt tensor.DType, noise []*tensor.Tensor) *tensor.Tensor {
		cfg := Config{Samples: 30, Elites: 5, Iters: 3, Temp: 1, Noise: noise}
		res, err := Solve(context.Background(), quadratic(c.To(dt)), tensor.ZerosOf(dt, 1, 2), tensor.FullOf(dt, 1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res.Mean
	}
	if d := maxDiff(run(tensor.Float32, n64), run(tensor.Float32, n32)); d != 0 {
		t.Errorf("float32 solve: float64 and float32 noise differ by %g", d)
	}
	if d := maxDiff(run(tensor.Float64, n32), run(tensor.Float64, n64)); d != 0 {
		t.Errorf("float64 solve: float32 and float64 noise differ by %g", d)
	}
	if d := maxDiff(run(tensor.Float64, n64), run(tensor.Float32, n32)); d > 1e-5 {
		t.Errorf("float64 and float32 solves differ by %g", d)
	}
}

// TestFloat32StdFloor: where the floor MinStd holds σ', no gradient passes
// through it in float32 as in float64, although float32(MinStd) is not
// MinStd (float32(0.05) > 0.05).
func TestFloat32StdFloor(t *testing.T) {
	cfg := Config{Samples: 60, Elites: 6, Iters: 4, MinStd: 0.05, Lower: -1.5, Upper: 1.5, Seed: 5}
	c := tensor.New([]float64{1, -2, 0.5}, 1, 1, 3)
	grad := func(dt tensor.DType) (*Result, *tensor.Tensor) {
		mean := tensor.ZerosOf(dt, 1, 3).RequiresGrad()
		res, err := Solve(context.Background(), quadratic(c.To(dt)), mean, tensor.FullOf(dt, 1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		res.Mean.Sum().Add(res.Std.Sum()).Backward()
		return res, mean.Grad()
	}
	r64, g64 := grad(tensor.Float64)
	_, g32 := grad(tensor.Float32)
	floor := false
	for _, v := range r64.Std.Data() {
		floor = floor || v == cfg.MinStd
	}
	if !floor {
		t.Fatalf("std %v: the floor is not reached; the test needs it", r64.Std)
	}
	if d := maxDiff(g32, g64); d > 1e-4 {
		t.Errorf("gradients with respect to the mean differ by %g: float32 %v, float64 %v", d, g32, g64)
	}
}
