package cem

import (
	"context"
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// FuncResult is the outcome of SolveFunc.
type FuncResult struct {
	Mean      []float64 // final mean μ_T: the solution
	Std       []float64 // final standard deviation σ_T
	Best      []float64 // best sample seen over all iterations
	BestValue float64   // its objective value
	Iters     int       // iterations run
}

// SolveFunc runs CEM (Temp = 0) or soft CEM (Temp > 0) on one black-box
// problem of dimension n = len(mean): f receives the S samples of an
// iteration, each of length n, and returns their S values (lower is
// better). std has length n, or 1 for an isotropic start. It uses the same
// update as Solve but records no gradient. Config.Noise tensors have shape
// (1, S, n).
//
// It returns an error for invalid settings, a wrong number of values from
// f, a NaN value, a panic inside f, or when ctx is cancelled (checked every
// iteration).
func SolveFunc(ctx context.Context, f func(x [][]float64) []float64, mean, std []float64, cfg Config) (*FuncResult, error) {
	if f == nil {
		return nil, fmt.Errorf("cem.SolveFunc: objective f is nil")
	}
	n := len(mean)
	if n == 0 {
		return nil, fmt.Errorf("cem.SolveFunc: mean is empty")
	}
	if err := cfg.validate(1, n); err != nil {
		return nil, fmt.Errorf("cem.SolveFunc: %w", err)
	}
	if bad := firstNotFinite(mean); bad >= 0 {
		return nil, fmt.Errorf("cem.SolveFunc: mean element %d is %g", bad, mean[bad])
	}
	sigma := make([]float64, n)
	switch len(std) {
	case 1:
		for i := range sigma {
			sigma[i] = std[0]
		}
	case n:
		copy(sigma, std)
	default:
		return nil, fmt.Errorf("cem.SolveFunc: std has %d values, want 1 or len(mean) = %d", len(std), n)
	}
	for i, v := range sigma {
		if !(v > 0) || math.IsInf(v, 1) {
			return nil, fmt.Errorf("cem.SolveFunc: initial std element %d is %g, want 0 < std < +Inf", i, v)
		}
	}
	s, k := cfg.Samples, cfg.Elites
	mu := append([]float64(nil), mean...)
	newMu := make([]float64, n)
	x := make([]float64, s*n)
	rows := make([][]float64, s)
	for j := range rows {
		rows[j] = x[j*n : (j+1)*n : (j+1)*n]
	}
	eps := make([]float64, s*n)
	w := make([]float64, s)
	rng := tensor.NewRNG(cfg.Seed)
	res := &FuncResult{Best: make([]float64, n), BestValue: math.Inf(1)}
	for it := 0; it < cfg.Iters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("cem.SolveFunc: stopped at iteration %d: %w", it, err)
		}
		if cfg.Noise != nil {
			copy(eps, cfg.Noise[it].Data())
		} else {
			rng.FillNormal(eps)
		}
		sample(x, mu, sigma, eps, 1, s, n, cfg.Lower, cfg.Upper, cfg.bounded())
		v, err := callFunc(f, rows)
		if err != nil {
			return nil, fmt.Errorf("cem.SolveFunc: iteration %d: %w", it, err)
		}
		if len(v) != s {
			return nil, fmt.Errorf("cem.SolveFunc: iteration %d: objective returned %d values for %d samples", it, len(v), s)
		}
		if err := checkValues(v, s); err != nil {
			return nil, fmt.Errorf("cem.SolveFunc: iteration %d: %w", it, err)
		}
		for j, val := range v {
			if val < res.BestValue {
				res.BestValue = val
				copy(res.Best, rows[j])
			}
		}
		if cfg.Temp > 0 {
			if err := softWeights(w, v, 1, s, k, cfg.Temp, cfg.lmlEps()); err != nil {
				return nil, fmt.Errorf("cem.SolveFunc: iteration %d: %w", it, err)
			}
		} else {
			hardWeights(w, v, 1, s, k)
		}
		weightedMean(newMu, x, w, 1, s, n, k)
		weightedStd(sigma, x, w, newMu, 1, s, n, k, cfg.MinStd)
		moved := maxAbsDiff(newMu, mu)
		mu, newMu = newMu, mu
		res.Iters = it + 1
		if cfg.Callback != nil {
			cfg.Callback(Iterate{
				Iter:    it,
				Samples: tensor.New(append([]float64(nil), x...), 1, s, n),
				Values:  tensor.New(append([]float64(nil), v...), 1, s),
				Weights: tensor.New(append([]float64(nil), w...), 1, s),
				Mean:    tensor.New(append([]float64(nil), mu...), 1, n),
				Std:     tensor.New(append([]float64(nil), sigma...), 1, n),
			})
		}
		if cfg.Tol > 0 && moved < cfg.Tol {
			break
		}
	}
	res.Mean, res.Std = mu, sigma
	return res, nil
}

// callFunc calls f, turning a panic into an error. The samples are copied so
// that f may keep or change them.
func callFunc(f func(x [][]float64) []float64, rows [][]float64) (v []float64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("objective panicked: %v", r)
		}
	}()
	cp := make([][]float64, len(rows))
	for i, r := range rows {
		cp[i] = append([]float64(nil), r...)
	}
	return f(cp), nil
}
