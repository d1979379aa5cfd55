package cem

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// infeasible returns ½‖x − c‖² with +Inf wherever x₀ > 1: the minimum
// over the feasible set is on the boundary x₀ = 1 when c₀ > 1.
func infeasible(c *tensor.Tensor) Objective {
	return func(x *tensor.Tensor) *tensor.Tensor {
		b, s, n := x.Dim(0), x.Dim(1), x.Dim(2)
		pen := make([]float64, b*s)
		for i := range pen {
			if x.Data()[i*n] > 1 {
				pen[i] = math.Inf(1)
			}
		}
		return quadratic(c)(x).Add(tensor.New(pen, b, s))
	}
}

// TestInfIsWorst: in soft DCEM an objective value of +Inf ranks its sample
// as the worst, as in hard CEM: no error, every +Inf sample weighs no more
// than any finite sample of its problem, the solve approaches the feasible
// minimum, and the gradient stays finite.
func TestInfIsWorst(t *testing.T) {
	for _, tau := range []float64{1, 0.1, 0} {
		c := tensor.New([]float64{2, 0.5}, 1, 1, 2).RequiresGrad()
		infs := 0
		cfg := Config{Samples: 100, Elites: 10, Iters: 20, Temp: tau, Seed: 3, Callback: func(it Iterate) {
			v, w := it.Values.Data(), it.Weights.Data()
			minFinite := math.Inf(1)
			for j := range v {
				if !math.IsInf(v[j], 1) {
					minFinite = math.Min(minFinite, w[j])
				}
			}
			for j := range v {
				if math.IsInf(v[j], 1) {
					infs++
					if w[j] > minFinite {
						t.Fatalf("τ = %g, iteration %d: +Inf sample %d weighs %g, more than the lightest finite one (%g)", tau, it.Iter, j, w[j], minFinite)
					}
				}
			}
		}}
		res, err := Solve(context.Background(), infeasible(c), tensor.Zeros(1, 2), tensor.Scalar(1), cfg)
		if err != nil {
			t.Fatalf("τ = %g: %v", tau, err)
		}
		if infs == 0 {
			t.Fatalf("τ = %g: no sample was infeasible", tau)
		}
		m := res.Mean.Data()
		if math.Abs(m[0]-1) > 0.1 || math.Abs(m[1]-0.5) > 0.1 {
			t.Errorf("τ = %g: mean %v, want near the feasible minimum [1 0.5]", tau, m)
		}
		res.Mean.Sum().Backward()
		if tau > 0 {
			for _, g := range c.Grad().Data() {
				if math.IsNaN(g) || math.IsInf(g, 0) {
					t.Errorf("τ = %g: gradient %v", tau, c.Grad().Data())
				}
			}
		}
		// SolveFunc ranks +Inf the same way.
		fres, err := SolveFunc(context.Background(), func(x [][]float64) []float64 {
			v := make([]float64, len(x))
			for i, r := range x {
				v[i] = 0.5 * ((r[0]-2)*(r[0]-2) + (r[1]-0.5)*(r[1]-0.5))
				if r[0] > 1 {
					v[i] = math.Inf(1)
				}
			}
			return v
		}, []float64{0, 0}, []float64{1}, cfg)
		if err != nil {
			t.Fatalf("τ = %g: SolveFunc: %v", tau, err)
		}
		if math.Abs(fres.Mean[0]-1) > 0.1 || math.Abs(fres.Mean[1]-0.5) > 0.1 {
			t.Errorf("τ = %g: SolveFunc mean %v, want near [1 0.5]", tau, fres.Mean)
		}
	}
}

// TestScores checks the elite scores of rows with infinities and their
// gradient against finite differences (infinite values get none).
func TestScores(t *testing.T) {
	inf := math.Inf(1)
	v := tensor.New([]float64{
		3, 1, 4, 1.5, 5, 9, // finite: the plain negated standardization
		3, inf, 4, -inf, 5, 1, // both infinities
		2, inf, inf, inf, inf, inf, // one finite value
		inf, inf, inf, inf, inf, inf, // none
	}, 4, 6).RequiresGrad()
	sc := scoreOp[float64](v)
	plain := v.Detach().Slice(0, 0, 1).Standardize(normEps).Neg()
	for j := 0; j < 6; j++ {
		if sc.At(0, j) != plain.At(0, j) {
			t.Errorf("finite row: score %d = %g, want %g", j, sc.At(0, j), plain.At(0, j))
		}
	}
	// Row 1: finite values 3, 4, 5, 1 standardized among themselves.
	fin := tensor.New([]float64{3, 4, 5, 1}, 1, 4).Standardize(normEps).Neg().Data()
	want := []float64{fin[0], fin[2] - 1, fin[1], fin[3] + 1, fin[2], fin[3]} // 5 scores lowest, 1 highest
	for j, w := range want {
		if math.Abs(sc.At(1, j)-w) > 1e-15 {
			t.Errorf("row with ±Inf: score %d = %g, want %g", j, sc.At(1, j), w)
		}
	}
	if got := fmt.Sprint(sc.Data()[12:]); got != "[0 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1]" {
		t.Errorf("rows with fewer than two finite values: scores %s", got)
	}
	if err := tensor.GradCheck(func() *tensor.Tensor { return scoreOp[float64](v) }, []*tensor.Tensor{v}, 1e-6, 1e-6); err != nil {
		t.Error(err)
	}
}

// TestNaNNamesSample: a NaN objective value stays an error that names the
// problem and the sample, in soft and hard CEM, on both paths.
func TestNaNNamesSample(t *testing.T) {
	const want = "objective value of problem 1, sample 3 is NaN"
	f := func(x *tensor.Tensor) *tensor.Tensor {
		v := make([]float64, 2*8)
		v[8+3] = math.NaN()
		return quadratic(tensor.Zeros(2, 1, 2))(x).Add(tensor.New(v, 2, 8))
	}
	for _, tau := range []float64{0, 1} {
		cfg := Config{Samples: 8, Elites: 2, Iters: 2, Temp: tau}
		if _, err := Solve(context.Background(), f, tensor.Zeros(2, 2), tensor.Scalar(1), cfg); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("τ = %g: Solve error %v, want one containing %q", tau, err, want)
		}
		_, err := SolveFunc(context.Background(), func(x [][]float64) []float64 {
			v := make([]float64, len(x))
			v[3] = math.NaN()
			return v
		}, []float64{0, 0}, []float64{1}, cfg)
		if err == nil || !strings.Contains(err.Error(), "problem 0, sample 3 is NaN") {
			t.Errorf("τ = %g: SolveFunc error %v", tau, err)
		}
	}
}
