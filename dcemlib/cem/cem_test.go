package cem

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/lml"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestKnownWeights checks the soft elite weights of the example:
// f = [3, 1, 4, 1.5, 5, 9, 2, 6], normalized, k = 3, LML eps 1e-3. The
// reference values are printed to 3 decimals (τ = 0.1: 4), so the tolerance
// is half a unit in the last place plus the root tolerance's effect.
func TestKnownWeights(t *testing.T) {
	v := []float64{3, 1, 4, 1.5, 5, 9, 2, 6}
	cases := []struct {
		tau  float64
		want []float64
		tol  float64
	}{
		{1, []float64{.428, .612, .340, .567, .262, .074, .521, .196}, 1e-3},
		{0.1, []float64{.145, .997, .004, .979, .0001, 0, .876, 0}, 1e-3},
	}
	for _, c := range cases {
		w := make([]float64, 8)
		if err := softWeights(w, v, 1, 8, 3, c.tau, 1e-3); err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if math.Abs(w[i]-c.want[i]) > c.tol {
				t.Errorf("τ = %g: weight %d = %.5f, want %.4f", c.tau, i, w[i], c.want[i])
			}
		}
		// The graph path computes the same weights.
		gw, err := lml.Project(tensor.New(append([]float64(nil), v...), 1, 8).Standardize(normEps).Neg(), 3, c.tau, 1e-3)
		if err != nil {
			t.Fatal(err)
		}
		for i := range w {
			if math.Abs(gw.Data()[i]-w[i]) > 1e-12 {
				t.Errorf("τ = %g: graph weight %d = %g, slice weight %g", c.tau, i, gw.Data()[i], w[i])
			}
		}
	}
	w := make([]float64, 8)
	hardWeights(w, v, 1, 8, 3)
	want := []float64{0, 1, 0, 1, 0, 0, 1, 0}
	for i := range w {
		if w[i] != want[i] {
			t.Fatalf("hard weights %v, want %v", w, want)
		}
	}
}

func quadratic(c *tensor.Tensor) Objective {
	return func(x *tensor.Tensor) *tensor.Tensor {
		return x.Sub(c).Square().SumAxis(-1, false).MulScalar(0.5)
	}
}

func TestQuadraticConvergence(t *testing.T) {
	// Two problems with different centres, soft and hard.
	c := tensor.New([]float64{1, -2, 0.5, 3, 0, -1}, 2, 1, 3)
	for _, tau := range []float64{0, 1, 0.1} {
		res, err := Solve(context.Background(), quadratic(c), tensor.Zeros(2, 3), tensor.Scalar(2),
			Config{Samples: 100, Elites: 10, Iters: 30, Temp: tau, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range res.Mean.Data() {
			if math.Abs(v-c.Data()[i]) > 0.05 {
				t.Errorf("τ = %g: mean %v, want centre %v", tau, res.Mean.Data(), c.Data())
				break
			}
		}
		if res.BestValue[0] > 0.05 || res.BestValue[1] > 0.05 {
			t.Errorf("τ = %g: best values %v", tau, res.BestValue)
		}
	}
}

// rastrigin is 10n + Σ (x² − 10 cos 2πx), global minimum 0 at the origin.
func rastrigin(x [][]float64) []float64 {
	v := make([]float64, len(x))
	for i, r := range x {
		s := 10 * float64(len(r))
		for _, xi := range r {
			s += xi*xi - 10*math.Cos(2*math.Pi*xi)
		}
		v[i] = s
	}
	return v
}

func TestRastrigin(t *testing.T) {
	for _, tau := range []float64{0, 1} {
		res, err := SolveFunc(context.Background(), rastrigin, []float64{3, -2.5}, []float64{3},
			Config{Samples: 500, Elites: 50, Iters: 50, Temp: tau, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range res.Mean {
			if math.Abs(v) > 0.05 {
				t.Errorf("τ = %g: mean %v, want the global minimum at 0", tau, res.Mean)
			}
		}
		if res.BestValue > 0.5 {
			t.Errorf("τ = %g: best value %g", tau, res.BestValue)
		}
	}
}

// TestGradientThroughSolve checks d(Σ μ_T)/dc, the gradient of the DCEM
// solution with respect to the quadratic's centre, against central finite
// differences with common random numbers (the same seed).
func TestGradientThroughSolve(t *testing.T) {
	for _, tau := range []float64{1, 0.5} {
		c := tensor.New([]float64{0.7, -0.3, 0.2, 0.4}, 2, 1, 2).RequiresGrad()
		mean := tensor.New([]float64{0.1, 0.2, -0.1, 0}, 2, 2).RequiresGrad()
		std := tensor.Full(1.5, 2, 2).RequiresGrad()
		cfg := Config{Samples: 20, Elites: 5, Iters: 4, Temp: tau, Seed: 9, LMLEps: 1e-12}
		f := func() *tensor.Tensor {
			res, err := Solve(context.Background(), quadratic(c), mean, std, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return res.Mean
		}
		if err := tensor.GradCheck(f, []*tensor.Tensor{c, mean, std}, 1e-6, 1e-5); err != nil {
			t.Errorf("τ = %g: %v", tau, err)
		}
	}
}

// TestGradientWithBoundsAndFloor covers the clamp and the minimum std.
func TestGradientWithBoundsAndFloor(t *testing.T) {
	c := tensor.New([]float64{0.9, -0.3}, 1, 1, 2).RequiresGrad()
	mean := tensor.New([]float64{0.5, 0}, 1, 2).RequiresGrad()
	cfg := Config{Samples: 30, Elites: 5, Iters: 3, Temp: 1, Seed: 4, Lower: -1, Upper: 1, MinStd: 0.3, LMLEps: 1e-12}
	f := func() *tensor.Tensor {
		res, err := Solve(context.Background(), quadratic(c), mean, tensor.Scalar(1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res.Mean.Add(res.Std)
	}
	if err := tensor.GradCheck(f, []*tensor.Tensor{c, mean}, 1e-6, 1e-5); err != nil {
		t.Error(err)
	}
}

// TestHardGradient: with τ = 0 the gradient flows through the elite
// samples but not their selection; the finite differences agree as long
// as the selection does not change.
func TestHardGradient(t *testing.T) {
	c := tensor.New([]float64{0.3, -0.2}, 1, 1, 2).RequiresGrad()
	cfg := Config{Samples: 50, Elites: 5, Iters: 3, Temp: 0, Seed: 5}
	f := func() *tensor.Tensor {
		res, err := Solve(context.Background(), quadratic(c), tensor.Zeros(1, 2), tensor.Scalar(1), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res.Mean
	}
	if err := tensor.GradCheck(f, []*tensor.Tensor{c}, 1e-7, 1e-5); err != nil {
		t.Error(err)
	}
}

// TestTemperatureZeroIsHardCEM: Solve with τ = 0 and SolveFunc with τ = 0 on
// the same draws follow the same iterates, and match a plain
// implementation of vanilla CEM.
func TestTemperatureZeroIsHardCEM(t *testing.T) {
	const s, k, iters, n = 40, 6, 5, 3
	g := tensor.NewRNG(11)
	noise := make([]*tensor.Tensor, iters)
	for i := range noise {
		noise[i] = tensor.RandN(g, 1, s, n)
	}
	centre := []float64{0.5, -1, 2}
	cfg := Config{Samples: s, Elites: k, Iters: iters, Noise: noise}
	res, err := Solve(context.Background(), quadratic(tensor.New(centre, 1, 1, n)), tensor.Zeros(1, n), tensor.Scalar(1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	fres, err := SolveFunc(context.Background(), func(x [][]float64) []float64 {
		v := make([]float64, len(x))
		for i, r := range x {
			for d, xv := range r {
				v[i] += 0.5 * (xv - centre[d]) * (xv - centre[d])
			}
		}
		return v
	}, make([]float64, n), []float64{1}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Plain vanilla CEM: sort, take k best, mean and population std of elites.
	mu, sd := make([]float64, n), []float64{1, 1, 1}
	for it := 0; it < iters; it++ {
		type smp struct {
			x []float64
			v float64
		}
		var all []smp
		for j := 0; j < s; j++ {
			x := make([]float64, n)
			v := 0.0
			for d := range x {
				x[d] = mu[d] + sd[d]*noise[it].At(0, j, d)
				v += 0.5 * (x[d] - centre[d]) * (x[d] - centre[d])
			}
			all = append(all, smp{x, v})
		}
		for i := 1; i < len(all); i++ { // insertion sort, stable
			for j := i; j > 0 && all[j].v < all[j-1].v; j-- {
				all[j], all[j-1] = all[j-1], all[j]
			}
		}
		for d := 0; d < n; d++ {
			m := 0.0
			for _, e := range all[:k] {
				m += e.x[d]
			}
			m /= k
			v := 0.0
			for _, e := range all[:k] {
				v += (e.x[d] - m) * (e.x[d] - m)
			}
			mu[d], sd[d] = m, math.Sqrt(v/k)
		}
	}
	for d := 0; d < n; d++ {
		if math.Abs(res.Mean.Data()[d]-mu[d]) > 1e-12 || math.Abs(fres.Mean[d]-mu[d]) > 1e-12 {
			t.Errorf("dim %d: Solve %g, SolveFunc %g, plain CEM %g", d, res.Mean.Data()[d], fres.Mean[d], mu[d])
		}
		if math.Abs(res.Std.Data()[d]-sd[d]) > 1e-12 || math.Abs(fres.Std[d]-sd[d]) > 1e-12 {
			t.Errorf("dim %d std: Solve %g, SolveFunc %g, plain CEM %g", d, res.Std.Data()[d], fres.Std[d], sd[d])
		}
	}
}

// TestSoftPathsAgree: the graph and plain paths give the same soft iterates.
func TestSoftPathsAgree(t *testing.T) {
	cfg := Config{Samples: 30, Elites: 4, Iters: 6, Temp: 0.5, Seed: 2}
	c := []float64{1, 2}
	res, err := Solve(context.Background(), quadratic(tensor.New(c, 1, 1, 2)), tensor.Zeros(1, 2), tensor.Scalar(1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	fres, err := SolveFunc(context.Background(), func(x [][]float64) []float64 {
		v := make([]float64, len(x))
		for i, r := range x {
			v[i] = 0.5 * ((r[0]-c[0])*(r[0]-c[0]) + (r[1]-c[1])*(r[1]-c[1]))
		}
		return v
	}, []float64{0, 0}, []float64{1}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for d := range c {
		if math.Abs(res.Mean.Data()[d]-fres.Mean[d]) > 1e-9 {
			t.Errorf("dim %d: graph %g, plain %g", d, res.Mean.Data()[d], fres.Mean[d])
		}
	}
}

func TestOptions(t *testing.T) {
	var iters []int
	cfg := Config{Samples: 50, Elites: 5, Iters: 100, Temp: 1, Seed: 1, Tol: 1e-3, MinStd: 1e-3,
		Callback: func(it Iterate) {
			iters = append(iters, it.Iter)
			if it.Samples.Dim(1) != 50 || it.Weights.Dim(1) != 50 {
				t.Errorf("callback shapes %v %v", it.Samples.Shape(), it.Weights.Shape())
			}
		}}
	res, err := Solve(context.Background(), quadratic(tensor.New([]float64{1}, 1, 1, 1)), tensor.Zeros(1, 1), tensor.Scalar(1), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Iters >= 100 || len(iters) != res.Iters {
		t.Errorf("early stop: ran %d iterations, callback saw %d", res.Iters, len(iters))
	}
	if res.Std.Data()[0] < 1e-3 {
		t.Errorf("std %g below MinStd", res.Std.Data()[0])
	}
	// Same seed, same result; different seed, different result.
	a, _ := SolveFunc(context.Background(), rastrigin, []float64{1, 1}, []float64{1}, Config{Samples: 20, Elites: 3, Iters: 3, Seed: 7})
	b, _ := SolveFunc(context.Background(), rastrigin, []float64{1, 1}, []float64{1}, Config{Samples: 20, Elites: 3, Iters: 3, Seed: 7})
	c, _ := SolveFunc(context.Background(), rastrigin, []float64{1, 1}, []float64{1}, Config{Samples: 20, Elites: 3, Iters: 3, Seed: 8})
	if a.Mean[0] != b.Mean[0] || a.Mean[0] == c.Mean[0] {
		t.Errorf("seeding: %v %v %v", a.Mean, b.Mean, c.Mean)
	}
	// Bounds hold.
	cfg = Config{Samples: 50, Elites: 5, Iters: 5, Lower: -0.5, Upper: 0.5, Seed: 1, Callback: func(it Iterate) {
		for _, v := range it.Samples.Data() {
			if v < -0.5 || v > 0.5 {
				t.Fatalf("sample %g outside bounds", v)
			}
		}
	}}
	if _, err := Solve(context.Background(), quadratic(tensor.New([]float64{3}, 1, 1, 1)), tensor.Zeros(1, 1), tensor.Scalar(1), cfg); err != nil {
		t.Fatal(err)
	}
}

func TestErrors(t *testing.T) {
	ok := Config{Samples: 10, Elites: 2, Iters: 2}
	f := quadratic(tensor.Zeros(1, 1, 2))
	mean, std := tensor.Zeros(1, 2), tensor.Scalar(1)
	cases := []struct {
		name string
		cfg  func(c *Config)
		f    Objective
		mean *tensor.Tensor
		std  *tensor.Tensor
		want string
	}{
		{"k ≥ S", func(c *Config) { c.Elites = 10 }, f, mean, std, "Elites = 10, want Elites < Samples = 10"},
		{"k < 1", func(c *Config) { c.Elites = 0 }, f, mean, std, "Elites = 0"},
		{"S < 2", func(c *Config) { c.Samples = 1 }, f, mean, std, "Samples = 1"},
		{"T < 1", func(c *Config) { c.Iters = 0 }, f, mean, std, "Iters = 0"},
		{"τ < 0", func(c *Config) { c.Temp = -1 }, f, mean, std, "Temp = -1"},
		{"σ₀ ≤ 0", func(c *Config) {}, f, mean, tensor.Scalar(0), "std element 0 is 0"},
		{"bounds", func(c *Config) { c.Lower, c.Upper = 1, -1 }, f, mean, std, "want Lower < Upper"},
		{"mean shape", func(c *Config) {}, f, tensor.Zeros(2), std, "mean has shape [2]"},
		{"std shape", func(c *Config) {}, f, mean, tensor.Ones(3), "does not broadcast"},
		{"noise", func(c *Config) { c.Noise = []*tensor.Tensor{tensor.Zeros(1, 10, 2)} }, f, mean, std, "Noise has 1 tensors"},
		{"noise shape", func(c *Config) { c.Noise = []*tensor.Tensor{tensor.Zeros(1, 9, 2), tensor.Zeros(1, 9, 2)} }, f, mean, std, "Noise[0] has shape [1 9 2]"},
		{"noise twice", func(c *Config) {
			c.Noise, c.DeviceNoise = []*tensor.Tensor{tensor.Zeros(1, 10, 2), tensor.Zeros(1, 10, 2)}, true
		}, f, mean, std, "both Noise and DeviceNoise are set"},
		{"NaN value", func(c *Config) {}, func(x *tensor.Tensor) *tensor.Tensor { return x.SumAxis(-1, false).Log() }, mean, std, "is NaN"},
		{"value shape", func(c *Config) {}, func(x *tensor.Tensor) *tensor.Tensor { return x }, mean, std, "objective returned shape [1 10 2]"},
		{"panic", func(c *Config) {}, func(x *tensor.Tensor) *tensor.Tensor { return x.Add(tensor.Zeros(7)) }, mean, std, "objective panicked"},
	}
	for _, c := range cases {
		cfg := ok
		c.cfg(&cfg)
		_, err := Solve(context.Background(), c.f, c.mean, c.std, cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Solve(ctx, f, mean, std, ok); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if _, err := SolveFunc(context.Background(), func(x [][]float64) []float64 { return []float64{1} }, []float64{0}, []float64{1}, ok); err == nil || !strings.Contains(err.Error(), "returned 1 values for 10 samples") {
		t.Errorf("SolveFunc wrong count: %v", err)
	}
}
