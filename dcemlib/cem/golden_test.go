package cem

import (
	"context"
	"math"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/lml"
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestFloat64Golden pins the float64 path bit for bit: the means and
// deviations of these solves, and the projection, were recorded with the
// float64-only implementation before the kernels became generic, and must
// not change. Gradients are summed in another order since the update's
// backward pass was fused: they agree to 1e-13.
func TestFloat64Golden(t *testing.T) {
	golden := []struct {
		tau             float64
		mean, std, grad []float64
	}{
		{0, []float64{0.703039007988701, -0.2793569638973524, 1.1874534437961546, 0.21640046146350322, 0.4017941334473789, -1.0890220157549386},
			[]float64{0.05, 0.05, 0.05, 0.05, 0.05, 0.05}, nil},
		{0.5, []float64{0.6637410835873221, -0.27232652480800906, 1.1968592380129126, 0.2145623351919603, 0.4374110896763977, -1.1246599702654343},
			[]float64{0.10928879734711654, 0.1350349580459737, 0.14566121155917805, 0.0977431646758095, 0.12357743859869019, 0.1022194654741735},
			[]float64{0.9105429043198312, 1.00387973875376, 0.9541019486149848, 0.9938461796621777, 1.0024218074371483, 0.9915463444898032}},
	}
	for _, g := range golden {
		c := tensor.New([]float64{0.7, -0.3, 1.2, 0.2, 0.4, -1.1}, 2, 1, 3).RequiresGrad()
		cfg := Config{Samples: 40, Elites: 5, Iters: 5, Temp: g.tau, Seed: 11, Lower: -2, Upper: 2, MinStd: 0.05}
		res, err := Solve(context.Background(), quadratic(c), tensor.Zeros(2, 3), tensor.Scalar(1.5), cfg)
		if err != nil {
			t.Fatal(err)
		}
		for i := range g.mean {
			if res.Mean.Data()[i] != g.mean[i] || res.Std.Data()[i] != g.std[i] {
				t.Fatalf("τ = %g: mean %v std %v, want %v %v", g.tau, res.Mean.Data(), res.Std.Data(), g.mean, g.std)
			}
		}
		res.Mean.Sum().Backward()
		for i, want := range g.grad {
			if got := c.Grad().Data()[i]; math.Abs(got-want) > 1e-13 {
				t.Errorf("τ = %g: gradient %d = %.17g, want %.17g", g.tau, i, got, want)
			}
		}
	}
	y, err := lml.Project(tensor.New([]float64{0.3, -1.2, 2.5, 0.9, 0.1, 1.7, -0.4}), 3, 0.7, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.32008038191077726, 0.052338776041575094, 0.9160196303515131, 0.5259118734617874, 0.26132046117679625, 0.7767103295100778, 0.1476185665284582}
	for i, v := range y.Data() {
		if v != want[i] {
			t.Fatalf("projection %v, want %v", y.Data(), want)
		}
	}
}
